"""Sentiment of a mention: score in −1…1 and label negative / neutral / positive.

The decision is a linear model (sentiment_model.py) trained on social-media and review
texts in several languages: the label is the most probable one, and the score is
P(positive) − P(negative), kept inside ±THRESHOLD for a neutral text and outside it for a
polar one, so that label_of(score) is always the label. Sarcasm is a feature the model
weighs: thanks or praise next to a failure or a wait («спасибо, третий день без связи 👏»),
a promise in quotes beside a failure, ironic emoji (🙃 🤡 👏) beside a complaint.

The lexicon rules below are one of the model's inputs, not the decision: our own prefix
lexicon for Russian, Ukrainian and Kazakh (data/sentiment_lexicon.py) with negation («не
плохо» turns mildly positive, «не работает» is a complaint), intensifiers («очень»,
«дуже», «өте»), multi-word patterns («сколько можно», «третий день»), emoji and emoticons.
Praise inside a question («какой банк лучше?») is a request, not praise, so it counts
little. Without the shipped weights file the rules decide alone.
"""

import re
from contextlib import contextmanager
from functools import lru_cache

from .data.sentiment_lexicon import (
    EMOJI,
    EMOTICONS,
    GREETINGS,
    INTENSIFIERS,
    LEXICON,
    NEGATED_FUNCTION,
    NEGATORS,
    PHRASES,
    POST_NEGATORS,
    REQUEST,
    SOFTENER_FACTOR,
    SOFTENERS,
)
from .sentiment_model import (
    MAX_TOKEN,
    base_proba,
    bounded,
    install_weights,
    restore_weights,
    score_of,
    shipped_weights,
)
from .text import normalize, strip_urls

__all__ = [
    "analyse_sentiment",
    "explain_sentiment",
    "learnt_sentiment",
    "label_of",
    "rule_score",
    "using_weights",
    "NEGATIVE",
    "NEUTRAL",
    "POSITIVE",
]

NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"
# |score| at or above which a text is labelled negative / positive.
THRESHOLD = 0.2
# Weight of praise inside a question.
QUESTION_PRAISE = 0.1

_WORD_RE = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
_SENTENCE_RE = re.compile(r"[^.!?…\n]+[.!?…]*")
_PHRASES = {lang: [(re.compile(p), w) for p, w in items] for lang, items in PHRASES.items()}
_GREETINGS_RE = re.compile(GREETINGS)
_REQUEST_RE = re.compile(REQUEST)
_EMOTICONS = [(re.compile(p), w) for p, w in EMOTICONS]
_FUNCTION = {lang: tuple(words) for lang, words in NEGATED_FUNCTION.items()}
_NO_WORDS = {"нет", "немає", "нема", "no", "жоқ"}


def label_of(score):
    if score <= -THRESHOLD:
        return NEGATIVE
    if score >= THRESHOLD:
        return POSITIVE
    return NEUTRAL


@lru_cache(maxsize=100_000)
def word_weight(token, lang):
    """Weight of the longest lexicon prefix of `token`, or None when no entry matches."""
    lexicon = LEXICON.get(lang)
    if not lexicon:
        return None
    for end in range(len(token), 1, -1):
        weight = lexicon.get(token[:end])
        if weight is not None:
            return weight
    return None


@lru_cache(maxsize=100_000)
def _is_function_word(token, lang):
    return token.startswith(_FUNCTION.get(lang, ())) if _FUNCTION.get(lang) else False


def _negated(tokens, i, lang, negators, intensifiers):
    """True when one of the two words before tokens[i] (skipping intensifiers) negates it."""
    seen = 0
    j = i - 1
    while j >= 0 and seen < 2:
        if tokens[j] in negators:
            return True
        if tokens[j] not in intensifiers:
            seen += 1
        j -= 1
    return False


def _under_negation(tokens, i, lang, negators, intensifiers, post_negators):
    """tokens[i] negated before (see _negated) or after («жақсы емес»)."""
    return _negated(tokens, i, lang, negators, intensifiers) or (
        i + 1 < len(tokens) and tokens[i + 1] in post_negators
    )


# Below, whether a word is negated is asked only when the answer counts: for a lexicon word,
# or a function word with no weight («не работает»), most words being neither.


def _sentence_weight(tokens, lang):
    negators = NEGATORS.get(lang, set())
    post_negators = POST_NEGATORS.get(lang, set())
    intensifiers = INTENSIFIERS.get(lang, {})
    softeners = SOFTENERS.get(lang, set())
    total = 0.0
    boost = 1.0
    for i, token in enumerate(tokens):
        if token in intensifiers and word_weight(token, lang) is None:
            boost = intensifiers[token]
            continue
        if token in softeners:
            boost = SOFTENER_FACTOR
            continue
        weight = word_weight(token, lang)
        if weight is None:
            if _is_function_word(token, lang) and _under_negation(
                tokens, i, lang, negators, intensifiers, post_negators
            ):
                total -= 0.5  # «не работает», «doesn't arrive»
            elif (
                token in _NO_WORDS
                and lang != "en"
                and (
                    (token == "жоқ" and i > 0 and word_weight(tokens[i - 1], lang) is None)
                    or (
                        token != "жоқ"
                        and i + 1 < len(tokens)
                        and word_weight(tokens[i + 1], lang) is None
                    )
                )
            ):
                total -= 0.3  # «нет связи», «интернет жоқ»
            boost = 1.0
            continue
        if _under_negation(tokens, i, lang, negators, intensifiers, post_negators):
            # «не плохо» is faint praise; «не рекомендую» is a clear complaint.
            weight = -0.8 * weight if weight > 0 else -0.4 * weight
        total += weight * boost
        boost = 1.0
    return total


def _textblob_polarity(text):
    from textblob.en import sentiment

    return sentiment(text)[0]


_EMOJI_CHARS = frozenset(EMOJI)


def _symbols_weight(raw):
    total = 0.0
    counted = {}
    # Most texts have no emoji: a set test in C spares the loop over their characters.
    for char in () if _EMOJI_CHARS.isdisjoint(raw) else raw:
        weight = EMOJI.get(char)
        if weight is not None and counted.get(char, 0) < 2:
            counted[char] = counted.get(char, 0) + 1
            total += weight
    for pattern, weight in _EMOTICONS:
        if pattern.search(raw):
            total += weight
    return total


@lru_cache(maxsize=20_000)
def rule_score(text, lang, textblob=False):
    """Score in −1…1 of `text` by the lexicon rules alone (a feature of the model).

    TextBlob's English polarity is added only when `textblob` is true: it costs about half a
    millisecond per text.
    """
    if not text:
        return 0.0
    raw = strip_urls(bounded(str(text)))  # emoticons and «!» of the text, not of its links
    return rule_score_normalized(raw, normalize(raw), lang, textblob)


def rule_score_normalized(raw, norm, lang, textblob=False):
    """`rule_score` of a text already cut by `bounded` and without its links (`raw`,
    text.strip_urls) and normalized (`norm`)."""
    if not raw:
        return 0.0
    norm = _GREETINGS_RE.sub(" ", norm)
    total = 0.0
    for sentence in _SENTENCE_RE.findall(norm):
        # Praise in a question or a request for advice is a wish, not an opinion.
        question = sentence.rstrip().endswith("?") or bool(_REQUEST_RE.search(sentence))
        weight = 0.0
        if lang in LEXICON:
            tokens = [t[:MAX_TOKEN] for t in _WORD_RE.findall(sentence)]
            weight += _sentence_weight(tokens, lang)
            weight += sum(w * len(p.findall(sentence)) for p, w in _PHRASES.get(lang, ()))
        if lang == "en" and textblob:
            weight += 1.5 * _textblob_polarity(sentence)
        if question and weight > 0:
            weight *= QUESTION_PRAISE
        total += weight
    total += _symbols_weight(raw.lower())
    if total and "!" in raw:
        total *= 1.15
    return round(total / (abs(total) + 1.0), 3)


@lru_cache(maxsize=50_000)
def lexicon_counts(tokens, lang):
    """(praise words, complaint words, negated service verbs) among `tokens` by the lexicon.

    A praise word under a negation counts as a complaint («не рекомендую»), a complaint word
    under a negation counts as neither («не плохо» is faint).
    """
    negators = NEGATORS.get(lang, set())
    post_negators = POST_NEGATORS.get(lang, set())
    intensifiers = INTENSIFIERS.get(lang, {})
    pos = neg = failed = 0
    for i, token in enumerate(tokens):
        weight = word_weight(token, lang)
        if weight is None:
            if _is_function_word(token, lang) and _under_negation(
                tokens, i, lang, negators, intensifiers, post_negators
            ):
                failed += 1
            continue
        if weight >= 0.3:
            if _under_negation(tokens, i, lang, negators, intensifiers, post_negators):
                neg += 1
            else:
                pos += 1
        elif weight <= -0.3 and not _under_negation(
            tokens, i, lang, negators, intensifiers, post_negators
        ):
            neg += 1
    return pos, neg, failed


@lru_cache(maxsize=20_000)
def analyse_sentiment(text, lang):
    """(score in −1…1, label) of `text` written in `lang` (ISO 639-1)."""
    if not text or not str(text).strip():
        return 0.0, NEUTRAL
    if shipped_weights() is None:
        score = rule_score(text, lang)
    else:
        score = score_of(base_proba(str(text), lang or ""), THRESHOLD)
    return score, label_of(score)


def learnt_sentiment(text, lang, model, stage=None):
    """(score, label, proba) of `text` by a company's sentiment model (corrections included),
    read beside the mention's `stage` when it is known.

    `model` is a learn.SentimentLearner; with no corrections learnt this equals
    analyse_sentiment().
    """
    if not text or not str(text).strip():
        return 0.0, NEUTRAL, {NEGATIVE: 0.0, NEUTRAL: 1.0, POSITIVE: 0.0}
    if model is None or not model.n_samples:
        score, label = analyse_sentiment(text, lang)
        return score, label, base_proba(str(text), lang or "")
    proba = model.predict_proba(str(text), lang or "", stage)
    score = score_of(proba, THRESHOLD)
    return score, label_of(score), proba


def explain_sentiment(text, lang):
    """{"proba": {label: p}, "rule_score": float} — what the decision rests on."""
    return {
        "proba": {
            label: round(p, 3) for label, p in base_proba(str(text or ""), lang or "").items()
        },
        "rule_score": rule_score(str(text or ""), lang),
    }


@contextmanager
def using_weights(values):
    """Within the block, the sentiment model is `values` (a flat list, 3 weights per bucket,
    as scripts/train_sentiment.py fits them) instead of the shipped one: a model trained
    without some texts, for the stage model's training and for the benchmarks."""
    saved = install_weights(values)
    analyse_sentiment.cache_clear()
    try:
        yield
    finally:
        restore_weights(saved)
        analyse_sentiment.cache_clear()
