"""A trained stage classifier over hashed, brand-free features of a mention.

Multinomial logistic regression in pure Python. Each mention becomes a small set of hashed
features: words, their 5-letter prefixes (a stem in any language, Kazakh and Ukrainian
included, at the cost of a slice) and prefix bigrams, 3-letter endings, the stage rules' own scores, which brands,
competitors and products were found, the question form, order-number-like digits, emoji,
the sentiment and the length. Brand names never reach the features: every matched name
becomes a placeholder token («<brand>», «<competitor>», «<product>»), so the weights
describe how people talk about any business, not about the businesses it was trained on.

The weights shipped with the addon (data/stage_weights.json.gz) are rebuilt by
``scripts/train_stage.py`` from the multi-domain training set and loaded on first use.
"""

import gzip
import json
import math
import pathlib
import random
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

from .classify import STAGES, BrandMatcher, StageRules, is_question
from .sentiment import analyse_sentiment
from .text import HANDLE_RE, clip_text, feels, normalize, without_links_and_handles, words_of
from .translit import as_read

__all__ = [
    "stage_logits",
    "RULE_BLEND",
    "Features",
    "LinearModel",
    "extract_features",
    "base_model",
    "softmax",
    "WEIGHTS_PATH",
    "HASH_BITS",
    "train_linear",
    "Featurizer",
    "Prepared",
]

WEIGHTS_PATH = pathlib.Path(__file__).resolve().parent / "data" / "stage_weights.json.gz"
# 2^20 buckets for the ~130,000 features the training set weighs: with 2^18, two in five
# buckets carried a weight and a new business's words mostly fell on another word's.
HASH_BITS = 20
_MASK = (1 << HASH_BITS) - 1
# Tokens longer than this are cut before stemming and n-grams (no word is that long).
MAX_TOKEN = 24
# Rule scores are divided by this and capped at _RULE_CAP before they enter the model.
_RULE_SCALE = 3.0
_RULE_CAP = 3.0

_PLACEHOLDER = {"brand": "<brand>", "competitor": "<competitor>", "product": "<product>"}
# Something that looks like an order, contract, flight or ticket number: №123, #4567, 12345.
_ORDER_RE = re.compile(
    r"(?:№|#(?!(?:19|20)\d\d\b)|\bno\.?\s?|\bn\s?)\s*\d{3,}|\b[a-zа-я]{0,3}-?\d{5,}\b|\b\d{3,}-\d{2,}\b|\*\d{4}\b",
    re.I,
)
_DIGITS_RE = re.compile(r"\d")
# Pictographs, dingbats and the supplementary symbol planes: one feature per distinct emoji
# that says how the author feels (text.feels).
_EMOJI_RE = re.compile("[\u2600-\u27bf\U0001f300-\U0001faff]")
_QUOTE_RE = re.compile(r"[«»\"“”]")


@lru_cache(maxsize=300_000)
def _bucket(feature):
    return zlib.crc32(feature.encode("utf-8")) & _MASK


@dataclass
class Features:
    """Hashed feature → value, and the words behind the word features (for explanations)."""

    values: dict
    words: dict = field(default_factory=dict)  # bucket → the token it came from


def _placeholder_tokens(tokens, matches):
    """Tokens with each brand / competitor / product match replaced by one placeholder."""
    if not matches:
        return list(tokens)
    out, i = [], 0
    starts = {m.start: m for m in matches}
    while i < len(tokens):
        match = starts.get(i)
        if match is not None and match.end > i:
            out.append(_PLACEHOLDER[match.kind])
            i = match.end
        else:
            out.append(tokens[i])
            i += 1
    return out


@lru_cache(maxsize=200_000)
def _word_features(token):
    """(word key, prefix key, ending keys) of one token; placeholders stay whole.

    The 5-letter prefix stands in for a stem in every language (банкомат / банкомата,
    жауап / жауабы); the 3-letter ending carries tense, person and case (-ла, -мын, -ed).
    """
    if token.startswith("<"):
        key = _bucket("w|" + token)
        return key, key, ()
    token = token[:MAX_TOKEN]
    word = _bucket("w|" + token)
    if len(token) <= 5:
        return word, word, ()
    return word, _bucket("p|" + token[:5]), (_bucket("s|" + token[-3:]),)


def _add(values, feature, value=1.0):
    values[_bucket(feature)] = value


_START = _bucket("b|^")
_END = _bucket("b|$")


def _pair(left, right):
    """A bigram's bucket from its two words' buckets."""
    return (left * 1000003 + right) & _MASK


def _lexical(values, words, tokens):
    previous = _START
    for token in tokens:
        if len(token) < 2 and not token.isdigit():
            continue
        word, prefix, endings = _word_features(token)
        values[word] = 1.0
        values[prefix] = 1.0
        words.setdefault(word, token)
        words.setdefault(prefix, token)
        key = _pair(previous, prefix)
        values[key] = 1.0
        words.setdefault(key, token)
        previous = prefix
        for ending in endings:
            values[ending] = 0.5
    values[_pair(previous, _END)] = 1.0


def _signals(values, raw, tokens, matches, question, sentiment):
    kinds = {m.kind for m in matches}
    for kind in ("brand", "competitor", "product"):
        if kind in kinds:
            _add(values, "has|" + kind)
    if not kinds:
        _add(values, "has|none")
    if matches and matches[0].start == 0:
        _add(values, "lead|" + matches[0].kind)  # addressed to a brand: «Volna, ...»
    if len({m.name for m in matches if m.kind == "competitor"}) > 1:
        _add(values, "has|competitors")
    if question:
        _add(values, "question")
    if "?" in raw:
        _add(values, "qmark")
        if raw.rstrip().endswith("?"):
            _add(values, "qmark|end")
    if "!" in raw:
        _add(values, "bang")
    case = "id" if _ORDER_RE.search(raw) else "noid"
    _add(values, "case|" + case)
    if case == "noid" and _DIGITS_RE.search(raw):
        _add(values, "digits")
    # Support is a request about an identified case: the pairs let a linear model tell an
    # angry request about order 55102 from a rhetorical «что за бардак?».
    tone = "neg" if sentiment <= -0.2 else "pos" if sentiment >= 0.2 else "neu"
    _add(values, f"case|{case}|{'q' if question else 'noq'}|{tone}")
    if _QUOTE_RE.search(raw):
        _add(values, "quotes")
    for emoji in sorted(set(_EMOJI_RE.findall(raw))):  # same order in every process
        if feels(emoji):
            _add(values, "e|" + emoji)
    _add(values, "sent|" + tone)
    _add(values, "sent", max(-1.0, min(1.0, sentiment)))
    n = len(tokens)
    _add(values, "len|" + ("1-3" if n <= 3 else "4-8" if n <= 8 else "9-25" if n <= 25 else "26+"))


def _rule_signals(values, rule_scores, rule_stage):
    for stage, score in rule_scores.items():
        if score > 0:
            _add(values, "r|" + stage, min(score / _RULE_SCALE, _RULE_CAP))
    _add(values, "rwin|" + rule_stage)


def extract_features(
    raw, lang, tokens, matches, question, sentiment, rule_scores, rule_stage, rating=None
):
    """The features of one mention from what the pipeline already computed for it."""
    values, words = {}, {}
    _lexical(values, words, _placeholder_tokens(tokens, matches))
    # Marks, digits and quotes of the author's own words: not of a link (its «?», «/2026/»,
    # an id of eight digits) nor of a handle («@user_512» is no order number).
    own = without_links_and_handles(raw, handle="@")
    _signals(values, own, tokens, matches, question, sentiment)
    _rule_signals(values, rule_scores, rule_stage)
    if rating:
        _add(values, f"rating|{int(round(float(rating)))}")
    _add(values, "bias")
    return Features(values, words)


# Share of the rules' own points added to the model's logits (the rules already are
# features of the model). Leave-one-industry-out macro-F1 is 0.893 with none and 0.890 /
# 0.889 / 0.886 / 0.884 with 0.1 / 0.2 / 0.3 / 0.4. A little is kept as a hedge: the training
# set has one writer, the rules were written by others, and with 0.1 a near tie between the
# model's stages goes the rules' way (a complaint about lost luggage «никто не отвечает»
# without a booking stays negative).
RULE_BLEND = 0.1


def stage_logits(model, prepared):
    """The stage logits of a prepared mention: the model's plus a share of the rules' points."""
    logits = model.logits(prepared.features)
    if not RULE_BLEND:
        return logits
    scores = prepared.rules.scores
    return [v + RULE_BLEND * scores[s] for v, s in zip(logits, STAGES, strict=True)]


def softmax(logits):
    top = max(logits)
    exp = [math.exp(v - top) for v in logits]
    total = sum(exp)
    return [v / total for v in exp]


class LinearModel:
    """Weights per hashed feature, one per label: logits = Σ value · weights[feature]."""

    def __init__(self, labels=STAGES, weights=None):
        self.labels = tuple(labels)
        self.weights = weights if weights is not None else {}

    def logits(self, features, offset=None):
        weights = self.weights
        rows = [] if offset is None else [offset]
        for key, value in features.values.items():
            row = weights.get(key)
            if row is not None:
                rows.append(row if value == 1.0 else [w * value for w in row])
        if not rows:
            return [0.0] * len(self.labels)
        # Column sums in C (zip / sum) rather than a Python loop per weight.
        return [sum(column) for column in zip(*rows, strict=True)]

    def proba(self, features, offset=None):
        return dict(zip(self.labels, softmax(self.logits(features, offset)), strict=True))

    def row(self, key):
        """The weights of one feature per label (None when the model has none)."""
        return self.weights.get(key)

    def contributions(self, features, label):
        """(contribution, token) of the word features towards `label`, largest first."""
        k = self.labels.index(label)
        found = []
        for key, token in features.words.items():
            row = self.row(key)
            if row is not None and row[k] > 0:
                found.append((row[k] - sum(row) / len(row), token))
        found.sort(reverse=True)
        return found

    def to_dict(self, digits=3):
        return {
            "labels": list(self.labels),
            "weights": {
                str(k): [round(w, digits) for w in row]
                for k, row in self.weights.items()
                if any(abs(w) >= 0.5 * 10**-digits for w in row)
            },
        }

    @classmethod
    def from_dict(cls, data):
        return cls(data["labels"], {int(k): row for k, row in data["weights"].items()})


def train_linear(
    examples, labels, *, epochs=12, rate=0.3, l2=1e-4, offsets=None, seed=13, model=None
):
    """Multinomial logistic regression by stochastic gradient descent.

    `examples` are (Features, label) pairs; `offsets`, when given, are fixed logits added
    before the softmax (a per-company model learns only what differs from the shipped one).
    Regularisation is applied to the weights an example touches. Deterministic for a seed.
    """
    model = model or LinearModel(labels)
    index = {label: k for k, label in enumerate(model.labels)}
    order = list(range(len(examples)))
    rng = random.Random(seed)
    n_labels = len(model.labels)
    weights = model.weights
    for epoch in range(epochs):
        rng.shuffle(order)
        step = rate / (1.0 + epoch * 0.5)
        for i in order:
            features, label = examples[i]
            offset = offsets[i] if offsets is not None else None
            p = softmax(model.logits(features, offset))
            p[index[label]] -= 1.0
            decay = 1.0 - step * l2
            for key, value in features.values.items():
                row = weights.get(key)
                if row is None:
                    row = weights[key] = [0.0] * n_labels
                for k in range(n_labels):
                    row[k] = row[k] * decay - step * p[k] * value
    return model


_BASE = {}


def base_model():
    """The shipped stage model (None when its weights file is absent)."""
    if "model" not in _BASE:
        model = None
        if WEIGHTS_PATH.exists():
            with gzip.open(WEIGHTS_PATH, "rt", encoding="utf-8") as handle:
                data = json.load(handle)
            # Read-only rows as tuples: the garbage collector stops tracking them, so its full
            # collections no longer walk some 80,000 lists in every process that loaded them.
            data["weights"] = {key: tuple(row) for key, row in data["weights"].items()}
            model = LinearModel.from_dict(data)
        _BASE["model"] = model
    return _BASE["model"]


@dataclass
class Prepared:
    """One mention as the stage decision sees it."""

    text: str
    tokens: list
    matches: list
    question: bool
    sentiment: float
    rules: object  # classify.StageResult
    features: Features


class Featurizer:
    """Brand matching, rules and features for one brand configuration."""

    def __init__(self, brands=()):
        brands = list(brands or ())
        self.matcher = BrandMatcher(brands)
        # Words of the brand and product names: kept as written when a text typed in Latin
        # letters is read in Cyrillic.
        self.latin_names = frozenset(
            word
            for spec in brands
            for term in [spec.name, *spec.aliases, *spec.products]
            for word in words_of(term.lower())
        )
        self.rules = StageRules()
        self.key = tuple(
            sorted(
                (b.name, tuple(b.aliases), tuple(b.products), bool(b.is_competitor)) for b in brands
            )
        )

    def _handle(self, match):
        """An @handle stays when it names a configured brand, product or competitor
        (@tamshywater); another account's handle (a reply's «@user_512») is no word of the
        post and goes."""
        handle = match.group(0)
        return handle if self.matcher.find(words_of(normalize(handle))) else " "

    def prepare(self, text, lang, sentiment=None, rating=None, author=None):
        """Everything the stage decision needs about `text` (clipped to a bounded length)."""
        text = as_read(clip_text(text or ""), lang, keep=self.latin_names)
        if "@" in text:
            text = HANDLE_RE.sub(self._handle, text)
        norm = normalize(text)  # once for the tokens, the question form and the rules
        tokens = words_of(norm)
        matches = self.matcher.find(tokens)
        question = is_question(text, norm)
        if sentiment is None:
            sentiment = analyse_sentiment(text, lang)[0]
        rules = self.rules.classify(
            text,
            tokens=tokens,
            matches=matches,
            question=question,
            sentiment_score=sentiment,
            author=author,
            norm=norm,
        )
        features = extract_features(
            text, lang, tokens, matches, question, sentiment, rules.scores, rules.stage, rating
        )
        return Prepared(text, tokens, matches, question, sentiment, rules, features)
