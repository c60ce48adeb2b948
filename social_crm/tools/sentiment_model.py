"""A linear sentiment model: hashed text features → P(negative / neutral / positive).

Pure Python (no numpy, never imports odoo). Two layers share one feature space:

* the shipped model — multinomial logistic regression trained offline by
  ``scripts/train_sentiment.py`` on several corpora and languages; its weights live in
  ``data/sentiment_weights.bin`` (int16, zlib) and are loaded on first use;
* ``learn.SentimentLearner`` — a per-company correction on top of it, learnt from the
  sentiments staff set by hand (see tools/learn.py).

Features of a text: word stems and stem bigrams, words after a negation, character 3- and
4-grams (robust to inflection, Kazakh suffix chains and typos), every emoji that says how
the author feels (a cup or a car does not: text.feels), and shared signals that mean
the same in every language — the lexicon's score, counts of praise and complaint words,
thanks or praise next to a failure (sarcasm), praise inside quotes, ironic emoji (🙃 🤡 👏)
beside a complaint, review stars, question and exclamation marks.
"""

import array
import math
import os
import re
import struct
import sys
import zlib
from collections import Counter
from functools import lru_cache
from itertools import chain

from .text import feels, normalize, stem, strip_urls
from .translit import as_read

__all__ = [
    "LABELS",
    "features",
    "base_logits",
    "base_proba",
    "softmax",
    "score_of",
    "MAX_CHARS",
    "MAX_TOKEN",
]

LABELS = ("negative", "neutral", "positive")
# 2^21 buckets: the training texts yield ~490,000 distinct features. With 2^18, 84 % of them
# shared a bucket with another and 84 % of the buckets carried a weight, so a word or n-gram
# never seen in training mostly picked up some other feature's weight: noise on exactly the
# texts of a new business. With 2^21, 21 % and 21 %. The weights file grows from 1.3 to 3 MB,
# 12.6 MB in memory.
N_BUCKETS = 1 << 21
WEIGHTS_PATH = os.path.join(os.path.dirname(__file__), "data", "sentiment_weights.bin")
# Work per text is bounded: the head and the tail of a long text carry its verdict, and a
# "word" longer than MAX_TOKEN characters (a hash, a run of one letter) is cut.
MAX_CHARS = 2000
HEAD_CHARS = 1500
MAX_TOKEN = 24

_WORD_RE = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
_REPEAT_RE = re.compile(r"(\w)\1{2,}")
_NUMBER_RE = re.compile(r"^\d+$")
_QUOTED_RE = re.compile(r"[«\"“„]([^»\"”“]{2,80})[»\"”“]|(?:^|\s)'([^']{2,80})'(?!\w)")
# Review stars written in the text: «2 звезды», «5 жұлдыз», "1 star", "4/5", "9/10", ⭐⭐⭐.
_STARS_RE = re.compile(
    r"(?<!\d)([1-5])\s*(?:/\s*5\b|из\s*5|out of 5|stars?\b|звезд|звёзд|жұлдыз|зір)"
    r"|(?<![\d.,])(10|\d)\s*/\s*10\b|([★⭐]{1,5})",
    re.I,
)
_EMOJI_RE = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\U0001f000-\U0001f2ff]")
_THANKS_RE = re.compile(
    r"\b(?:спасибо|спс|благодар\w*|рахмет|дякую|дяки|thanks?|thank you|thx|браво|bravo"
    r"|молодц\w*|мерси|well done|great job|nice job|good job|отличн\w* работ\w*|"
    r"чудов\w* робот\w*|керемет жұмыс|жарайсыңдар|құттықта\w*)\b"
)
_IRONIC = set("🙃🤡👏🤣🙄😏")
# A failure or a wait, in any of the languages: what turns thanks or praise beside it into
# sarcasm («спасибо, жду уже десятый день»). Plain negation is not enough («thanks, I didn't
# know that» is sincere).
_FAILURE_RE = re.compile(
    r"\b(?:жду|ждём|ждем|ждала?|ждали|чекаю|чекаємо|күтіп|күттім|күтемін|waiting|waited)\b"
    r"|\b(?:уже|вже|целый|цілий|already|still)\b"
    r"|\b\w+(?:ый|ой|ий|ій|ю|ую|th|rd|nd) (?:день|дня|раз|неделю|недели|месяц|час|сутки|день|тиждень|"
    r"місяць|раз|day|week|month|time)\b"
    r"|\b(?:for|за) (?:\d+|two|three|four|five|six|ten|several|many|два|две|три|пять|десять|"
    r"несколько) \w*\s*(?:days|weeks|hours|months|дня|дней|недели|недель|часа|часов|месяца|днів|тижні)\b"
    r"|\b(?:опять|снова|знову|тағы|again|dead|down|broke|broken|lost|never|ничего|нічого|ештеңе|nothing)\b"
)
_Q_MARK = "?"
# Sarcasm cues are rare in training text; a larger value lets them weigh from fewer examples.
SARCASM_VALUE = 2.0
_DEFAULT_LANGS = ("ru", "uk", "kk", "en")


@lru_cache(maxsize=500_000)
def _bucket(name):
    return zlib.crc32(name.encode("utf-8")) & (N_BUCKETS - 1)


def bounded(text):
    """The part of `text` that is analysed: all of it up to MAX_CHARS, else head and tail."""
    text = str(text or "")
    if len(text) <= MAX_CHARS:
        return text
    return text[:HEAD_CHARS] + " … " + text[-(MAX_CHARS - HEAD_CHARS) :]


@lru_cache(maxsize=200_000)
def _word_stem(word, lang):
    if len(word) > MAX_TOKEN:
        word = word[:MAX_TOKEN]
    if _NUMBER_RE.match(word):
        return "<num>"
    return stem(word, lang if lang in _DEFAULT_LANGS else "")


# CRC-32 of the "c:" prefix of character n-gram names: the CRC of "c:" + gram continues
# from it, so a gram's bucket is hashed without building its name.
_GRAM_CRC = zlib.crc32(b"c:")


@lru_cache(maxsize=200_000)
def _char_grams(word):
    """Buckets of the padded character 3- and 4-grams of one word (`_bucket("c:" + gram)`)."""
    padded = f"<{word[:MAX_TOKEN]}>"
    crc32, seed, mask = zlib.crc32, _GRAM_CRC, N_BUCKETS - 1
    return tuple(
        [
            crc32(padded[i : i + n].encode("utf-8"), seed) & mask
            for n in (3, 4)
            for i in range(len(padded) - n + 1)
        ]
    )


def _lexicon_signals(words, lang):
    """(praise words, complaint words, negated function verbs) by the rule lexicon."""
    from .sentiment import lexicon_counts

    return lexicon_counts(tuple(words), lang)


def _split_words(norm):
    """The words of a normalized text (repeated letters squeezed, cut to MAX_TOKEN) and
    whether any was stretched out ("soooo")."""
    if not _REPEAT_RE.search(norm):
        return [token[:MAX_TOKEN] for token in _WORD_RE.findall(norm)], False
    words, elongated = [], False
    for token in _WORD_RE.findall(norm):
        squeezed = _REPEAT_RE.sub(r"\1\1", token)
        elongated = elongated or squeezed != token
        words.append(squeezed[:MAX_TOKEN])
    return words, elongated


def _lexical_counts(words, stems_):
    """Counts of stems, stem pairs and negated stems."""
    lexical = {}
    negate_left = 0
    negators = _NEGATORS
    for i, s in enumerate(stems_):
        lexical.setdefault("w:" + s, 0)
        lexical["w:" + s] += 1
        if i:
            name = "b:" + stems_[i - 1] + "_" + s
            lexical[name] = lexical.get(name, 0) + 1
        if negate_left and words[i] not in negators:
            name = "n:" + s
            lexical[name] = lexical.get(name, 0) + 1
            negate_left -= 1
        if words[i] in negators:
            negate_left = 2
        if words[i] in _POST_NEGATORS and i:
            name = "n:" + stems_[i - 1]
            lexical[name] = lexical.get(name, 0) + 1
    return lexical


def _add_grams(words, feats):
    grams = Counter(chain.from_iterable(_char_grams(w) for w in words if len(w) >= 2))
    if grams:
        gscale = 0.5 / math.sqrt(sum(grams.values()))
        get = feats.get
        for b, count in grams.items():
            feats[b] = get(b, 0.0) + count * gscale


_SMILE_RE = re.compile(r"(?::|;|=)-?(?:\)|d\b|p\b)|\){2,}")
_FROWN_RE = re.compile(r"(?::|=)-?\(|\({2,}|:'\(")


def _add_surface(raw, words, elongated, add):
    """Emoticons, punctuation, caps and length."""
    if _SMILE_RE.search(raw.lower()):
        add("smile")
    if _FROWN_RE.search(raw):
        add("frown")
    if "!" in raw:
        add("excl", min(raw.count("!"), 3) / 3)
    if _Q_MARK in raw:
        add("question")
    if "..." in raw or "…" in raw:
        add("ellipsis")
    if elongated:
        add("elongated")
    letters = list(filter(str.isalpha, raw))
    if len(letters) >= 8 and sum(map(str.isupper, letters)) > 0.6 * len(letters):
        add("caps")
    n = len(words)
    add(
        "len:" + ("1" if n <= 3 else "2" if n <= 8 else "3" if n <= 20 else "4" if n <= 60 else "5")
    )


def _add_rule_signals(raw, norm, words, lang, add):
    """The rules' verdict and its parts; returns whether the text complains."""
    from .sentiment import rule_score, rule_score_normalized

    # rule_score() cuts and normalizes the text again: a text short enough not to be cut
    # is already both.
    score = (
        rule_score_normalized(raw, norm, lang) if len(raw) <= MAX_CHARS else rule_score(raw, lang)
    )
    add("rule_pos", max(score, 0.0))
    add("rule_neg", max(-score, 0.0))
    add("rule_bin:%d" % round(score * 4))
    pos, neg, failed = _lexicon_signals(words, lang)
    if pos:
        add("lex_pos", min(pos, 4) / 2)
    if neg:
        add("lex_neg", min(neg, 4) / 2)
    if failed:
        add("lex_failed", min(failed, 3) / 2)
    complaint = neg > 0 or failed > 0 or bool(_FAILURE_RE.search(norm))
    if pos and complaint:
        add("mixed")
    return complaint


def _add_sarcasm(raw, norm, lang, emoji, complaint, add):
    """Thanks beside a failure, ironic emoji beside a complaint, praise in quotes."""
    sarcasm = False
    if _THANKS_RE.search(norm) and complaint:
        add("sarcasm:thanks+failure", SARCASM_VALUE)
        sarcasm = True
    if any(c in _IRONIC for c in emoji):
        add("ironic_emoji")
        if complaint:
            add("sarcasm:irony+failure", SARCASM_VALUE)
            sarcasm = True
    for double, single in _QUOTED_RE.findall(raw):
        quoted = double or single
        add("quoted")
        qpos, _, _ = _lexicon_signals(_WORD_RE.findall(normalize(quoted)), lang)
        if qpos:
            add("sarcasm:quoted_praise")
            if complaint:
                add("sarcasm:quoted_promise+failure", SARCASM_VALUE)
                sarcasm = True
    if sarcasm:
        add("sarcasm")


def features(text, lang, lexical_only=False):
    """Sparse features of `text`: a list of (bucket, value).

    `lexical_only`: only the words, word pairs, negated words, character n-grams and emoji —
    what a company's corrections may teach (the shared signals stay the shipped model's)."""
    lang = lang or ""
    # Russian, Ukrainian or Kazakh typed in Latin letters is read in Cyrillic (the pipeline has
    # already done it, with the brand names kept; a company's corrections have not).
    raw = as_read(bounded(text), lang)
    norm = normalize(raw)
    feats = {}

    def add(name, value=1.0):
        b = _bucket(name)
        feats[b] = feats.get(b, 0.0) + value

    words, elongated = _split_words(norm)
    stems_ = [_word_stem(w, lang) for w in words]
    # Lexical features, scaled by 1/sqrt(n) so a long text does not swamp its signals.
    scale = 1.0 / math.sqrt(max(len(words), 1))
    for name, count in _lexical_counts(words, stems_).items():
        add(name, count * scale)
    _add_grams(words, feats)
    # Emoji, emoticons and punctuation.
    emoji = {}
    for char in _EMOJI_RE.findall(raw):
        emoji[char] = emoji.get(char, 0) + 1
    for char, count in emoji.items():
        if feels(char):
            add("e:" + char, min(count, 3))
    if lexical_only:
        return list(feats.items())
    add("bias")
    add("lang:" + lang)
    # Punctuation, emoticons and stars of the text, not of its links («?utm=…», «/5/5»).
    raw = strip_urls(raw)
    _add_surface(raw, words, elongated, add)
    # The rules' verdict and its parts, shared across languages.
    complaint = _add_rule_signals(raw, norm, words, lang, add)
    _add_sarcasm(raw, norm, lang, emoji, complaint, add)
    for match in _STARS_RE.finditer(raw):
        five, ten, drawn = match.groups()
        stars = int(five) if five else max(1, round(int(ten) / 2)) if ten else len(drawn)
        add("stars:%d" % stars)
        break
    return list(feats.items())


_NEGATORS = frozenset(
    """не ни нет нету никогда ні не немає нема ніколи not no never don't doesn't
    didn't can't cannot won't isn't wasn't aren't weren't haven't hasn't couldn't wouldn't nothing
    nobody""".split()
)
_POST_NEGATORS = frozenset({"емес", "жоқ"})


def softmax(logits):
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    total = sum(exps)
    return [v / total for v in exps]


def score_of(proba, threshold=0.2):
    """Score in −1…1 of a {label: p} distribution whose label (by `threshold`, see
    sentiment.label_of) is the most probable one.

    The score is P(positive) − P(negative), moved just inside the neutral band when neutral
    is the most probable label, and at least to the band's edge when a polar label is.
    """
    neg, neu, pos = (proba.get(label, 0.0) for label in LABELS)
    diff = pos - neg
    if neu >= pos and neu >= neg:
        inner = threshold - 0.001
        return round(max(-inner, min(inner, diff)), 3)
    if pos > neg:
        return round(max(diff, threshold), 3)
    return round(min(diff, -threshold), 3)


class _Weights:
    """The shipped weights: 3 floats per bucket, stored as int16 times a scale."""

    def __init__(self, values, scale):
        self.values = values
        self.scale = scale

    @classmethod
    def load(cls, path=None):
        path = path or WEIGHTS_PATH
        with open(path, "rb") as handle:
            blob = zlib.decompress(handle.read())
        header, body = blob[:16], blob[16:]
        magic, (scale,) = header[:8], struct.unpack("<d", header[8:16])
        if magic != b"SCRMSNT1":
            raise ValueError(f"{path} is not a Social CRM sentiment weights file")
        values = array.array("h")
        values.frombytes(body)
        if sys.byteorder != "little":
            values.byteswap()
        if len(values) != 3 * N_BUCKETS:
            raise ValueError(f"{path} holds {len(values)} weights, expected {3 * N_BUCKETS}")
        return cls(values, scale)

    @staticmethod
    def dump(weights, path=None):
        """Write float weights (a flat list, 3 per bucket) as int16 with one scale."""
        top = max(abs(v) for v in weights) or 1.0
        scale = top / 32000.0
        values = array.array("h", (max(-32767, min(32767, int(round(v / scale)))) for v in weights))
        if sys.byteorder != "little":
            values.byteswap()
        header = b"SCRMSNT1" + struct.pack("<d", scale)
        with open(path or WEIGHTS_PATH, "wb") as handle:
            handle.write(zlib.compress(header + values.tobytes(), 9))

    def logits(self, feats):
        values = self.values
        out = [0.0, 0.0, 0.0]
        for bucket, value in feats:
            i = 3 * bucket
            out[0] += values[i] * value
            out[1] += values[i + 1] * value
            out[2] += values[i + 2] * value
        s = self.scale
        return [out[0] * s, out[1] * s, out[2] * s]


_SHIPPED = None


def shipped_weights():
    """The shipped weights, loaded on first use (None when the file is absent)."""
    global _SHIPPED
    if _SHIPPED is None:
        _SHIPPED = _Weights.load() if os.path.exists(WEIGHTS_PATH) else False
    return _SHIPPED or None


def install_weights(values):
    """Make `values` (a flat list, 3 weights per bucket, as scripts/train_sentiment.py fits
    them) the model in use; returns the model in use before, for `restore_weights`."""
    global _SHIPPED
    saved, _SHIPPED = _SHIPPED, _Weights(values, 1.0)
    base_logits.cache_clear()
    return saved


def restore_weights(saved):
    """Put back the model `install_weights` returned."""
    global _SHIPPED
    _SHIPPED = saved
    base_logits.cache_clear()


def reset_shipped_weights():
    """Forget the loaded weights (after the training script rewrote the file)."""
    global _SHIPPED
    _SHIPPED = None
    base_logits.cache_clear()


@lru_cache(maxsize=20_000)
def base_logits(text, lang):
    """Logits of the shipped model for `text` (zeros when no weights are shipped)."""
    weights = shipped_weights()
    if weights is None:
        return (0.0, 0.0, 0.0)
    return tuple(weights.logits(features(text, lang)))


def base_proba(text, lang):
    return dict(zip(LABELS, softmax(base_logits(text, lang)), strict=False))
