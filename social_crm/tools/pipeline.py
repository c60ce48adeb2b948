"""One batch of mentions → language, sentiment, brands and consumer-cycle stage.

This is the contract the Odoo side calls (`social_crm.source.ingest`): build an `Analyzer`
once per batch from the brand configuration (and the database's learnt `StageModel`), then
`analyse()` the batch. Values the source already sent (language, sentiment) are kept.
"""
from dataclasses import dataclass, field

from .classify import STAGES, BrandMatcher, StageRules, is_question
from .language import detect_language
from .learn import StageModel, blend, model_weight
from .sentiment import analyse_sentiment, label_of
from .text import tokenize

__all__ = ["BrandSpec", "AuthorHistory", "MentionInput", "Analysis", "Analyzer", "STAGES"]


@dataclass
class BrandSpec:
    name: str
    aliases: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    is_competitor: bool = False


@dataclass
class AuthorHistory:
    mentions: int = 0                 # earlier mentions by this author
    is_customer: bool = False
    last_stage: str = ""
    days_since_first: float | None = None


@dataclass
class MentionInput:
    text: str
    title: str = ""
    lang: str = ""
    sentiment_score: float | None = None
    rating: float | None = None       # review stars, 1–5
    author: AuthorHistory | None = None


@dataclass
class Analysis:
    lang: str
    lang_confidence: float
    sentiment_score: float
    sentiment: str
    stage: str
    stage_confidence: float
    cues: list[str]
    brands: list[str]
    competitors: list[str]
    products: list[str]
    is_question: bool


_LABEL_VALUE = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}


def _rating_score(rating):
    """1–5 stars → −1…1."""
    return max(-1.0, min(1.0, (float(rating) - 3.0) / 2.0))


def _unique(values):
    return list(dict.fromkeys(values))


class Analyzer:
    """Analyses mention batches against one brand configuration."""

    def __init__(self, brands, model=None, sentiment_model=None):
        self.matcher = BrandMatcher(brands or [])
        self.rules = StageRules()
        self.model = model if model is not None and model.n_samples else None
        # A StageModel trained on (text, lang, sentiment label) from hand-set sentiments.
        self.sentiment_model = (sentiment_model if sentiment_model is not None
                                and model_weight(sentiment_model.n_samples) else None)

    def analyse(self, items):
        return [self.analyse_one(item) for item in items]

    def analyse_one(self, item):
        text = " ".join(p for p in (item.title, item.text) if p).strip()
        lang, lang_confidence = detect_language(text, hint=item.lang or "")
        score = self._sentiment(item, text, lang)
        learnt_sentiment = False
        if self.sentiment_model is not None and item.sentiment_score is None:
            score, learnt_sentiment = self._learnt_sentiment(score, text, lang)
        tokens = tokenize(text)
        matches = self.matcher.find(tokens)
        question = is_question(text)
        result = self.rules.classify(
            text, tokens=tokens, matches=matches, question=question,
            sentiment_score=score, author=item.author,
        )
        stage, confidence, cues = result.stage, result.confidence, list(result.cues)
        if self.model is not None and model_weight(self.model.n_samples):
            proba = self.model.predict_proba(text, lang)
            blended, confidence, weight = blend(stage, confidence, proba, self.model.n_samples, STAGES)
            if blended != stage:
                cues = [f"learnt from {self.model.n_samples} corrections"] + cues[:3]
            stage = blended
        if learnt_sentiment:
            cues.append(f"sentiment learnt from {self.sentiment_model.n_samples} corrections")
        if item.sentiment_score is None and stage == "churn" and not question and score > -0.2:
            # A customer announcing they leave is bad news for the brand, however polite.
            score = min(score, -0.3)
        return Analysis(
            lang=lang,
            lang_confidence=round(lang_confidence, 3),
            sentiment_score=round(score, 3),
            sentiment=label_of(score),
            stage=stage,
            stage_confidence=confidence,
            cues=cues,
            brands=_unique(m.name for m in matches if m.kind in ("brand", "product")),
            competitors=_unique(m.name for m in matches if m.kind == "competitor"),
            products=_unique(m.term for m in matches if m.kind == "product"),
            is_question=question,
        )

    def _learnt_sentiment(self, score, text, lang):
        """Blend the lexicon's score with what staff corrections taught: the model's
        expected value (−1 / 0 / 1 per label) weighs by its number of corrections."""
        proba = self.sentiment_model.predict_proba(text, lang)
        weight = model_weight(self.sentiment_model.n_samples)
        expected = sum(p * _LABEL_VALUE.get(label, 0.0) for label, p in proba.items())
        blended = (1 - weight) * score + weight * expected
        return blended, label_of(blended) != label_of(score)

    @staticmethod
    def _sentiment(item, text, lang):
        if item.sentiment_score is not None:
            return max(-1.0, min(1.0, float(item.sentiment_score)))
        score, _ = analyse_sentiment(text, lang)
        if item.rating is not None:
            # Stars say how the author feels; the text says why: weigh the stars more.
            score = 0.6 * _rating_score(item.rating) + 0.4 * score
        return score
