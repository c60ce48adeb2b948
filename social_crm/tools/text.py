"""Text primitives shared by language, sentiment, classification and knowledge search.

Pure Python (never imports odoo). Stems are cached: the same few thousand word forms
recur across mentions, so stemming is a dictionary look-up after warm-up.
"""

import re
from functools import lru_cache

__all__ = [
    "normalize",
    "strip_urls",
    "tokenize",
    "words_of",
    "stem",
    "stems",
    "strip_suffixes",
    "clip_text",
    "feels",
    "strip_retweet",
    "HANDLE_RE",
    "without_links_and_handles",
]

_URL_RE = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|ru|kz|ua|org|net|io)(?:/\S*)?", re.I
)
_SPACE_RE = re.compile(r"\s+")
# Apostrophe variants used in Ukrainian (м'ята) and English (don't) -> one plain apostrophe.
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})
# A word: letters (any script, incl. ә ғ қ ң ө ұ ү һ і ї є ґ) and digits, with inner apostrophes
# or hyphens (м'ята, какой-то, don't).
_WORD_RE = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")


def normalize(text):
    """Lowercase, ё→е, unified apostrophes, URLs removed, whitespace collapsed."""
    if not text:
        return ""
    text = strip_urls(str(text))
    text = text.lower().replace("ё", "е").translate(_APOSTROPHES)
    return _SPACE_RE.sub(" ", text).strip()


def strip_urls(text):
    """`text` without its links (a link's «?», «...», «;)» or «5/5» says nothing of the post);
    the text itself when it has none."""
    if "/" not in text and "." not in text:
        return text
    return _URL_RE.sub(" ", text)


# Another account's @handle (not an e-mail address's «@host»).
HANDLE_RE = re.compile(r"(?<!\w)@\w+")


def without_links_and_handles(text, handle=" "):
    """`text` without its links, each @handle replaced by `handle`: the author's own words
    and marks (a link's «?» or digits, «@user_512», are neither)."""
    return HANDLE_RE.sub(handle, strip_urls(text))


def tokenize(text):
    """Word tokens of the normalized text (lowercased, apostrophes kept inside words)."""
    return _WORD_RE.findall(normalize(text))


def words_of(norm):
    """`tokenize` of a text already normalized: tokenize(t) == words_of(normalize(t))."""
    return _WORD_RE.findall(norm)


def strip_suffixes(word, suffixes, min_stem=3, repeat=1):
    """Remove the longest matching suffix (up to `repeat` times) keeping at least `min_stem` letters.

    `suffixes` is a `Suffixes` or a sequence sorted longest first.
    """
    if not isinstance(suffixes, Suffixes):
        suffixes = Suffixes(suffixes)
    for _ in range(repeat):
        room = len(word) - min_stem
        for length, group in suffixes.by_length:
            if length <= room and word[-length:] in group:
                word = word[:-length]
                break
        else:
            break
    return word


class Suffixes:
    """Suffixes grouped by length, longest first: one set look-up per length, not one
    `endswith` per suffix (Kazakh has a hundred, stripped up to four times a word)."""

    def __init__(self, suffixes):
        suffixes = {s for s in suffixes if s}
        self.by_length = tuple(
            (length, frozenset(s for s in suffixes if len(s) == length))
            for length in sorted({len(s) for s in suffixes}, reverse=True)
        )


# Ukrainian: one pass over noun/adjective/verb endings (no Snowball stemmer exists for it).
_UK_SUFFIXES = Suffixes(
    """ими ими ого ому ій ий ая ою ею ію ям ями ах ях ам ом ем ів їв ові еві єві ими іми ої
    а я о е є у ю і ї и й ь
    ати яти ити іти ути ать ять ить уть ють ла ло ли ав ив ував ювати увати
    ємо ете єте ите іть ім имо емо ають ують юють ешь єш еш иш
    """.split()
)
# Reflexive endings are removed before the inflection proper (повертаємося → поверта).
_UK_REFLEXIVE = Suffixes(["ся", "сь", "ться", "тися", "тись"])

# Kazakh is agglutinative: plural + possessive + case stack up (банктеріміздің), so strip
# repeatedly. Endings come in vowel-harmony / consonant-assimilation variants.
_KK_SUFFIXES = Suffixes(
    """лар лер дар дер тар тер
    ымыз іміз мыз міз ыңыз іңіз ңыз ңіз ым ім ың ің сы сі ы і м ң
    ның нің дың дің тың тің
    ға ге қа ке на не а е
    ны ні ды ді ты ті н
    да де та те нда нде
    дан ден тан тен нан нен
    мен бен пен
    ғы гі қы кі
    мын мін пын пін бын бін сың сің сыз сіз мыз міз пыз піз быз біз
    ды ді ты ті ған ген қан кен атын етін йтын йтін
    ма ме па пе ба бе
    """.split()
)


@lru_cache(maxsize=200_000)
def _snowball(lang):
    if lang == "ru":
        from .russian_stem import FastRussianStemmer

        return FastRussianStemmer()
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


@lru_cache(maxsize=200_000)
def stem(word, lang):
    """Stem of one lowercased word: Snowball for ru/en, suffix stripping for uk/kk."""
    if not word:
        return word
    word = word.lower().replace("ё", "е")
    if lang in ("ru", "en"):
        return _snowball(lang).stem(word)
    if lang == "uk":
        word = strip_suffixes(word, _UK_REFLEXIVE, min_stem=3)
        return strip_suffixes(word, _UK_SUFFIXES, min_stem=3)
    if lang == "kk":
        return strip_suffixes(word, _KK_SUFFIXES, min_stem=3, repeat=4)
    return word


def stems(text, lang):
    """Stems of every word token of `text` in `lang`."""
    return [stem(token, lang) for token in tokenize(text)]


# Analysis reads at most this many characters of a text, and at most this many letters of a
# word: beyond that nothing changes a label, and every per-character step stays bounded.
MAX_TEXT_CHARS = 4000
MAX_WORD_CHARS = 40
_LONG_WORD_RE = re.compile(r"\w{%d,}" % (MAX_WORD_CHARS + 1))


def clip_text(text, max_chars=MAX_TEXT_CHARS, max_word=MAX_WORD_CHARS):
    """`text` cut to `max_chars` characters with every longer word cut to `max_word` letters.

    A post of one 400,000-letter word is analysed as its first letters: per-prefix lexicon
    look-ups and stemming cost the square of a word's length, the rest is linear.
    """
    if not text:
        return ""
    text = str(text)[:max_chars]
    return _LONG_WORD_RE.sub(lambda m: m.group(0)[:max_word], text)


# Pictographs that say how the author feels, in any text and business: faces, hands, hearts
# and a few signs (fire, 100, check and cross marks, a party popper, a skull, a pile of poo).
# Any other pictograph — a cup, a car, a house, a parcel — says what a post is about, not how
# its author feels, and is not a feature: a model that learnt «☕» from the one coffee chain it
# was trained on read every post with a cup in it as praise (sentiment on new businesses fell
# 5 points with a ☕ added to each post), and one that learnt "some pictograph" from the
# training texts, whose writers decorate cheerful posts, read them all as praise (7 points).
_FEELING_RANGES = (
    (0x1F600, 0x1F64F),  # faces, cat faces, gestures (🙏 🙈 🙅)
    (0x1F910, 0x1F92F),  # faces and hands (🤐 … 🤯, 🤝 🤞)
    (0x1F970, 0x1F97A),  # 🥰 … 🥺
    (0x1FAE0, 0x1FAF8),  # 🫠 … 🫸
    (0x1F44A, 0x1F450),  # 👊 👋 👌 👍 👎 👏 👐
    (0x1F493, 0x1F49F),  # hearts 💓 … 💟, 💔
    (0x270A, 0x270C),  # ✊ ✋ ✌
)
_FEELING_CHARS = frozenset(
    "☹☺❤❣🖤🤍🤎🧡🩵🩶🩷💪🖕👀🧐💀☠💩🔥💯✅❌❎⭐🌟✨🎉🎊🏆💢💥💤💸⚠🚫🆘❗❓‼👿😈🤡"
)


@lru_cache(maxsize=4096)
def feels(char):
    """Whether the emoji `char` says how its author feels (a face, a hand, a heart, a sign)
    rather than what the post is about (a cup, a car, a parcel; a skin-tone modifier)."""
    code = ord(char)
    return char in _FEELING_CHARS or any(low <= code <= high for low, high in _FEELING_RANGES)


# A retweet's or a repost's marker: «RT @user: », «RT @user » at the start (repeated when a
# retweet was retweeted), « via @user» at the end. The words are the quoted author's; the
# marker itself says nothing of them (a model that saw «RT» only on news reads a retweeted
# complaint as neutral).
_RETWEET_HEAD_RE = re.compile(r"^(?:\s*(?:RT|rt|Rt)\b:?\s*(?:@\w+\s*:?\s*)?)+")
_VIA_TAIL_RE = re.compile(r"\s+\(?via\s+@\w+\)?\s*$", re.I)


def strip_retweet(text):
    """`text` without a leading «RT @user:» and a trailing «via @user» (only the first and
    last characters are searched, so the work does not grow with the text)."""
    if not text or ("RT" not in text[:4].upper() and "@" not in text[-40:]):
        return text
    head = _RETWEET_HEAD_RE.match(text[:200])
    start = head.end() if head else 0
    tail = _VIA_TAIL_RE.search(text, max(start, len(text) - 80))
    stripped = text[start : tail.start() if tail else len(text)]
    return stripped if stripped.strip() else text
