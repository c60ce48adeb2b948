"""One batch of mentions → language, sentiment, brands and consumer-cycle stage.

This is the contract the Odoo side calls (`social_crm.source.ingest`): build an `Analyzer`
once per batch from the brand configuration (and the database's learnt `StageModel`), then
`analyse()` the batch. Values the source already sent (language, sentiment) are kept.

The stage is decided by the shipped stage model (stage_model.py) over the rules' scores and
the text's features, plus the company's corrections when it has any; the rules alone decide
when no shipped weights are installed. Only the first `text.MAX_TEXT_CHARS` characters of a
mention are analysed, with words cut to `text.MAX_WORD_CHARS` letters, so the work per
mention is bounded whatever its size.
"""

from dataclasses import dataclass, field

from .classify import STAGES, cue_text
from .language import detect_language
from .sentiment import THRESHOLD, analyse_sentiment, label_of, learnt_sentiment
from .stage_model import Featurizer, base_model, softmax, stage_logits
from .text import clip_text, strip_retweet
from .translit import as_read

__all__ = ["BrandSpec", "AuthorHistory", "MentionInput", "Analysis", "Analyzer", "STAGES"]


@dataclass
class BrandSpec:
    name: str
    aliases: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    is_competitor: bool = False


@dataclass
class AuthorHistory:
    mentions: int = 0  # earlier mentions by this author
    is_customer: bool = False
    last_stage: str = ""
    days_since_first: float | None = None


@dataclass
class MentionInput:
    text: str
    title: str = ""
    lang: str = ""
    sentiment_score: float | None = None
    rating: float | None = None  # review stars, 1–5
    author: AuthorHistory | None = None


@dataclass
class Analysis:
    lang: str
    lang_confidence: float
    sentiment_score: float
    sentiment: str
    stage: str
    stage_confidence: float
    cues: list[str]  # why this stage, as English sentences
    brands: list[str]
    competitors: list[str]
    products: list[str]
    is_question: bool
    # The same reasons as (code, params): classify.CUE_TEXTS[code] % params is the sentence.
    cue_codes: list[tuple] = field(default_factory=list)


def _rating_score(rating):
    """1–5 stars → −1…1."""
    return max(-1.0, min(1.0, (float(rating) - 3.0) / 2.0))


def _unique(values):
    return list(dict.fromkeys(values))


# The shipped model's logits against the rules' points: the median margin of the winning
# stage over the next one on the training texts is 7.8 logits and 2.0 points.
AUTHOR_SCALE = 3.8
# How sure the stage decision must be that a mention is a complaint for its sentiment to be
# negative whatever its words say.
NEGATIVE_SURE = 0.5
# How sure the stage of a text without words is (a guess from its tone alone).
NO_WORDS_CONFIDENCE = 0.5
# Words quoted by a "words typical of this stage" reason.
_EXPLAIN_WORDS = 3


class Analyzer:
    """Analyses mention batches against one brand configuration."""

    def __init__(self, brands, model=None, sentiment_model=None):
        self.featurizer = Featurizer(brands or [])
        self.base = base_model()
        self.model = model if model is not None and model.n_samples else None
        self.fit = self.model.fitted(self.featurizer) if self.model is not None else None
        # A learn.SentimentLearner learnt from hand-set sentiments.
        self.sentiment_model = (
            sentiment_model if sentiment_model is not None and sentiment_model.n_samples else None
        )

    def analyse(self, items):
        return [self.analyse_one(item) for item in items]

    def read_mention(self, item):
        """(text as analysed, lang, lang confidence, sentiment score, sentiment learnt?): what
        the stage is decided on besides the text (training uses it without the stage)."""
        body = strip_retweet(item.text or "")
        text = clip_text(" ".join(p for p in (item.title, body) if p).strip())
        lang, lang_confidence = detect_language(text, hint=item.lang or "")
        # Russian, Ukrainian or Kazakh typed in Latin letters is read in Cyrillic, the
        # company's Latin brand and product names kept as written.
        text = as_read(text, lang, keep=self.featurizer.latin_names)
        score, learnt = self._sentiment(item, text, lang)
        return text, lang, lang_confidence, score, learnt

    def prepare(self, item):
        """(lang, lang confidence, sentiment score, sentiment learnt?, stage_model.Prepared)."""
        text, lang, lang_confidence, score, learnt = self.read_mention(item)
        prepared = self.featurizer.prepare(
            text, lang, sentiment=score, rating=item.rating, author=item.author
        )
        return lang, lang_confidence, score, learnt, prepared

    def analyse_one(self, item):
        lang, lang_confidence, score, learnt_sentiment, prepared = self.prepare(item)
        stage, confidence, cue_codes = self._stage(prepared)
        if self.sentiment_model is not None and self.sentiment_model.reads_stages:
            # The company's staff read the tone of some stages their own way: read it again
            # beside the stage just decided (the stage itself was decided on the plain tone).
            score, learnt_sentiment = self._sentiment(item, prepared.text, lang, stage)
        if learnt_sentiment:
            cue_codes.append(("sentiment_learnt", {"count": self.sentiment_model.n_samples}))
        if (
            item.sentiment_score is None
            and not learnt_sentiment
            and stage == "negative"
            and confidence >= NEGATIVE_SURE
            and -THRESHOLD < score < THRESHOLD
        ):
            # A complaint the text's words leave neutral is negative: a bare fact of failure
            # («третий день без света»), a rhetorical question. Praise stays praise (the
            # sentiment model reads sarcasm itself). A departure keeps the author's own tone:
            # a grateful goodbye is positive (churn is urgent by its stage, not its sentiment).
            score = min(score, -0.3)
        matches = prepared.matches
        return Analysis(
            lang=lang,
            lang_confidence=round(lang_confidence, 3),
            sentiment_score=round(score, 3),
            sentiment=label_of(score),
            stage=stage,
            stage_confidence=confidence,
            cues=[cue_text(code, params) for code, params in cue_codes],
            brands=_unique(m.name for m in matches if m.kind in ("brand", "product")),
            competitors=_unique(m.name for m in matches if m.kind == "competitor"),
            products=_unique(m.term for m in matches if m.kind == "product"),
            is_question=prepared.question,
            cue_codes=cue_codes,
        )

    def _stage(self, prepared):
        """(stage, confidence, reasons) from the rules, the shipped model and the corrections."""
        rules = prepared.rules
        if not prepared.tokens:
            # «+», «...», «👍», «😡»: nothing asked, ordered or left, only a tone. An upset one
            # goes to the complaints, any other to general (no training text is like it).
            upset = prepared.sentiment <= -THRESHOLD
            return (
                "negative" if upset else "general",
                NO_WORDS_CONFIDENCE,
                [("no_words", {}), ("sentiment", {"label": label_of(prepared.sentiment)})],
            )
        if self.base is None and self.fit is None:
            return rules.stage, rules.confidence, list(rules.cue_codes)
        logits = (
            stage_logits(self.base, prepared)
            if self.base is not None
            else [rules.scores[s] for s in STAGES]
        )
        if self.base is not None and any(rules.author_points.values()):
            # The training texts have no authors: their history counts as much as it does in
            # the rules, in the model's units.
            logits = [
                v + AUTHOR_SCALE * rules.author_points[s]
                for v, s in zip(logits, STAGES, strict=True)
            ]
        shipped = STAGES[max(range(len(STAGES)), key=logits.__getitem__)]
        explainer = self.base
        if self.fit is not None:
            logits = self.fit.logits(prepared.features, logits)
            explainer = self.fit.explainer
        proba = softmax(logits)
        best = max(range(len(STAGES)), key=proba.__getitem__)
        stage = STAGES[best]
        if stage == rules.stage:
            cue_codes = list(rules.cue_codes)
        else:
            cue_codes = list(rules.reasons.get(stage, []))[:3]
            words = self._typical_words(explainer, prepared, stage)
            if words:
                cue_codes.append(words)
        if self.fit is not None and stage != shipped:
            cue_codes.insert(0, ("learnt", {"count": self.fit.n_samples}))
        return stage, round(proba[best], 3), cue_codes[:4]

    @staticmethod
    def _typical_words(model, prepared, stage):
        if model is None:
            return None
        seen, quoted = set(), []
        for _, token in model.contributions(prepared.features, stage):
            if token not in seen and not token.startswith("<"):
                seen.add(token)
                quoted.append(f"«{token}»")
            if len(quoted) >= _EXPLAIN_WORDS:
                break
        return ("words", {"words": ", ".join(quoted)}) if quoted else None

    def _sentiment(self, item, text, lang, stage=None):
        """(score, whether the company's corrections changed its label), beside the mention's
        `stage` once it is decided."""
        if item.sentiment_score is not None:
            return max(-1.0, min(1.0, float(item.sentiment_score))), False
        score, label = analyse_sentiment(text, lang)
        learnt = False
        if self.sentiment_model is not None:
            score, learnt_label, _ = learnt_sentiment(text, lang, self.sentiment_model, stage)
            learnt = learnt_label != label
        if item.rating is not None:
            # Stars say how the author feels; the text says why: weigh the stars more.
            score = 0.6 * _rating_score(item.rating) + 0.4 * score
        return score, learnt
