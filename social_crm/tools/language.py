"""Language of a mention: ISO 639-1 code and a confidence in 0…1.

Short, noisy social texts defeat general n-gram detectors: langdetect has no Kazakh, Kyrgyz,
Tatar, Bashkir, Belarusian, Uzbek, Mongolian, Serbian or Azerbaijani profile at all, and takes
a five-word Ukrainian line without і/ї/є for Russian. Letters that look Kazakh are not only
Kazakh (Tatar ә ө ү җ ң һ, Kyrgyz ө ү ң, Bashkir ҡ ғ ҫ ҙ, Uzbek ў қ ғ ҳ, Mongolian ө ү), so
no single letter decides. Each candidate language of the text's script is scored as a sum of
evidence, and the best score wins:

* alphabet: a word with a letter the language does not write costs a fixed penalty (one
  Kazakh brand name in a Russian sentence costs Russian little; a Tatar «җ» in every other
  word rules Kazakh out);
* character 1-3-gram log-probabilities (naive Bayes) from the language's own training texts
  in ``data/lang/<code>.txt``, smoothed so that an unseen n-gram costs every language the
  same, whatever the size of its texts;
* frequent words (``data/lang_words.py``): function words and the everyday words of customer
  messages, a bonus per word found;
* a small prior per language (Russian, then Ukrainian and Kazakh are the likeliest).

Scripts other than Cyrillic and Latin name their language directly; Latin text with letters
none of the modelled Latin languages writes (ő, ř, å, ă …) or that no model explains well
goes to langdetect (seeded, cached). A text without letters has no language: ``("", 0.0)``.
"""
import math
import pathlib
import re
import unicodedata
from functools import lru_cache

from .data.lang_words import WORDS
from .text import normalize, tokenize

__all__ = ["detect_language", "langdetect_language", "SUPPORTED_HINT_RE", "LanguageModel"]

SUPPORTED_HINT_RE = re.compile(r"^[a-z]{2}$")
_DATA_DIR = pathlib.Path(__file__).resolve().parent / "data" / "lang"

_RU = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
# Letters each language writes (after normalize: lower case, ё → е). A letter outside this
# set in a word makes that word foreign to the language.
ALPHABETS = {
    # Cyrillic
    "ru": _RU,
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "be": "абвгдежзійклмнопрстуўфхцчшыьэюя",
    "bg": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "kk": _RU + "әғқңөұүһі",
    "ky": _RU + "ңөү",
    "tt": _RU + "әөүҗңһ",
    "ba": _RU + "әөүҡғҫҙһң",
    "mn": _RU + "өү",
    "uz": "абвгдежзийклмнопрстуфхцчшъэюяўқғҳ" "abcdefghijklmnopqrstuvxyz",
    "tg": "абвгғдежзиӣйкқлмнопрстуӯфхҳчҷшъэюя",
    # Latin
    "en": "abcdefghijklmnopqrstuvwxyz",
    "de": "abcdefghijklmnopqrstuvwxyzäöüß",
    "fr": "abcdefghijklmnopqrstuvwxyzàâæçéèêëîïôœùûüÿ",
    "es": "abcdefghijklmnopqrstuvwxyzáéíñóúü",
    "it": "abcdefghijklmnopqrstuvwxyzàèéìíîòóùú",
    "pt": "abcdefghijklmnopqrstuvwxyzáâãàçéêíóôõú",
    "nl": "abcdefghijklmnopqrstuvwxyzëïéè",
    "tr": "abcdefghijklmnoprstuvyzçğıöşüâîû",
    "az": "abcdefghijklmnopqrstuvxyzçəğıöşü",
    "pl": "abcdefghijklmnoprstuwyząćęłńóśźż",
}
CYRILLIC_LANGS = ("ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "tt", "ba", "mn", "uz", "tg")
LATIN_LANGS = ("en", "de", "fr", "es", "it", "pt", "nl", "tr", "az", "uz", "pl")
# Log-prior per language: what a mention most likely is when the text itself cannot tell.
PRIORS = {
    "ru": 0.0, "uk": -0.5, "kk": -1.0, "en": 0.0,
    "be": -2.0, "ky": -2.0, "tt": -2.0, "uz": -2.0,
    "bg": -3.5, "sr": -3.5, "mk": -3.5, "ba": -3.5, "mn": -3.5, "tg": -3.5,
    "de": -1.5, "fr": -1.5, "es": -1.5, "it": -1.5, "pt": -2.0, "nl": -2.0, "tr": -1.5,
    "az": -2.0, "pl": -1.5,
}
FOREIGN_WORD_PENALTY = 20.0 # nats per word with a letter the language does not write
WORD_BONUS = 8.0            # nats per frequent word of the language (short texts hinge on them)
SMOOTHING = 8.0             # share of probability mass an unseen n-gram may take
MAX_WORDS = 40              # a long text is judged on its first words
NGRAM_SIZES = (2, 3)

# Scripts other than Latin/Cyrillic whose language is (practically) unique.
_SCRIPT_LANG = {
    "GREEK": "el", "HEBREW": "he", "ARMENIAN": "hy", "GEORGIAN": "ka", "THAI": "th",
    "HANGUL": "ko", "HIRAGANA": "ja", "KATAKANA": "ja", "CJK": "zh", "BENGALI": "bn",
    "TAMIL": "ta", "TELUGU": "te", "KANNADA": "kn", "MALAYALAM": "ml", "GUJARATI": "gu",
    "GURMUKHI": "pa",
}
# langdetect answers zh-cn / zh-tw; ISO 639-1 has only zh.
_LANGDETECT_CODE = {"zh-cn": "zh", "zh-tw": "zh"}
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff\u0500-\u052f]")
_LATIN_RE = re.compile(r"[a-z\u00c0-\u024f\u02bb]")
# Uzbek writes oʻ gʻ with a turned comma (often typed as an apostrophe).
_UZ_APOSTROPHE = str.maketrans({"ʻ": "'", "ʼ": "'"})


def _grams(word):
    padded = f" {word} "
    return [padded[i:i + n] for n in NGRAM_SIZES for i in range(len(padded) - n + 1)]


# Characters a word may carry besides letters; no alphabet excludes them.
_NOT_LETTERS = "'-0123456789"


class LanguageModel:
    """Scores candidate languages of a text; built from training texts per language.

    ``texts`` maps a language code to its training lines. The n-gram log-probability of a
    language is ``log((count + a) / (total + a * V))`` with ``a = SMOOTHING * total / V``
    (V: distinct n-grams of that size over all languages), so an unseen n-gram has the same
    probability in every language and a language with more training text is not penalised
    for it. That common floor is left out of the scores (it shifts every language alike):
    a seen n-gram adds ``log p - floor``.

    A text's score is the sum of its words' scores, and a word's score (n-grams, alphabet,
    frequent-word bonus) depends on the word alone, so it is computed once per word form.
    """

    def __init__(self, texts):
        counts = {}
        for lang, lines in texts.items():
            per_size = {n: {} for n in NGRAM_SIZES}
            for line in lines:
                for word in _words(line):
                    for gram in _grams(word):
                        table = per_size[len(gram)]
                        table[gram] = table.get(gram, 0) + 1
            counts[lang] = per_size
        vocab = {n: len({g for per in counts.values() for g in per[n]}) or 1 for n in NGRAM_SIZES}
        floor = {n: math.log(SMOOTHING / (vocab[n] * (1 + SMOOTHING))) for n in NGRAM_SIZES}
        # gram -> {language: log p - floor}
        self.grams = {}
        for lang, per_size in counts.items():
            for n, grams in per_size.items():
                total = sum(grams.values())
                alpha = SMOOTHING * total / vocab[n]
                denominator = total * (1 + SMOOTHING)
                for gram, count in grams.items():
                    gain = math.log((count + alpha) / denominator) - floor[n]
                    self.grams.setdefault(gram, {})[lang] = gain
        self.alphabets = {lang: frozenset(letters + _NOT_LETTERS) for lang, letters in ALPHABETS.items()}
        self.words = {lang: frozenset(words) for lang, words in WORDS.items()}
        self._tables = {}

    def word_scores(self, word, candidates):
        """(score per candidate language) of one lower-case word, in `candidates` order."""
        return _word_scores(self, word, candidates)

    def _table(self, candidates):
        """{gram: gains aligned with `candidates`} for grams some candidate has seen."""
        table = self._tables.get(candidates)
        if table is None:
            table = {}
            for gram, gains in self.grams.items():
                if any(lang in gains for lang in candidates):
                    table[gram] = tuple(gains.get(lang, 0.0) for lang in candidates)
            self._tables[candidates] = table
        return table

    def compute_word_scores(self, word, candidates):
        table = self._table(candidates)
        rows = [table[gram] for gram in _grams(word) if gram in table]
        gains = [sum(column) for column in zip(*rows)] if rows else [0.0] * len(candidates)
        letters = frozenset(word)
        alphabets, words = self.alphabets, self.words
        return tuple(
            gain
            - (0.0 if letters <= alphabets[lang] else FOREIGN_WORD_PENALTY)
            + (WORD_BONUS if word in words.get(lang, _NOTHING) else 0.0)
            for lang, gain in zip(candidates, gains))

    def scores(self, words, candidates):
        """{language: score} for the candidate languages over `words` (lower-case tokens)."""
        totals = [PRIORS.get(lang, -3.0) for lang in candidates]
        for word in words:
            totals = [a + b for a, b in zip(totals, self.word_scores(word, candidates))]
        return dict(zip(candidates, totals))

    def best(self, words, candidates):
        """(language, confidence) with the highest score; confidence from the margin."""
        scores = self.scores(words, candidates)
        lang = max(scores, key=scores.get)
        top = scores.pop(lang)
        second = max(scores.values()) if scores else top - 10.0
        confidence = 1.0 / (1.0 + math.exp(-(top - second) / 2.0))
        return lang, round(min(0.99, confidence), 3)


_NOTHING = {}


@lru_cache(maxsize=100_000)
def _word_scores(model, word, candidates):
    # The same word forms recur across mentions: score each once per model.
    return model.compute_word_scores(word, candidates)


def _words(text):
    """Letter-bearing lower-case tokens (digits-only tokens dropped), Uzbek ʻ unified."""
    return [t for t in tokenize(text.translate(_UZ_APOSTROPHE)) if not t.isdigit()]


def load_training_texts(directory=_DATA_DIR):
    """{language: [lines]} from ``<directory>/<code>.txt`` (one text a line)."""
    texts = {}
    for path in sorted(pathlib.Path(directory).glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        texts[path.stem] = [line for line in lines if line and not line.startswith("#")]
    return texts


_MODEL = None


def default_model():
    """The model built from the shipped training texts (built once, on first use)."""
    global _MODEL
    if _MODEL is None:
        _MODEL = LanguageModel(load_training_texts())
    return _MODEL


@lru_cache(maxsize=20_000)
def langdetect_language(text):
    """langdetect's best guess (seeded, deterministic) as (code, probability)."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return "", 0.0
    return _LANGDETECT_CODE.get(best.lang, best.lang), round(best.prob, 3)


@lru_cache(maxsize=4096)
def _script_of(char):
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def _scripts(words):
    """Letters per script; Cyrillic and Latin counted fast, others named by unicodedata."""
    joined = "".join(words)
    cyrillic = len(_CYRILLIC_RE.findall(joined))
    latin = len(_LATIN_RE.findall(joined))
    letters = sum(1 for c in joined if c.isalpha())
    if cyrillic + latin >= letters:
        return {k: v for k, v in (("CYRILLIC", cyrillic), ("LATIN", latin)) if v}
    counts = {}
    for char in joined:
        if char.isalpha():
            script = _script_of(char)
            counts[script] = counts.get(script, 0) + 1
    return counts


def _latin_is_unmodelled(words, model):
    """True when some word has a letter none of the modelled Latin languages writes."""
    letters = frozenset(c for word in words for c in word if c.isalpha())
    known = frozenset().union(*(model.alphabets[lang] for lang in LATIN_LANGS))
    return not letters <= known


def detect_with(model, text):
    """(code, confidence) of `text` under `model` (no hint, no cache)."""
    words = _words(text or "")
    scripts = _scripts(words)
    if not scripts:
        return "", 0.0
    script, count = max(scripts.items(), key=lambda item: item[1])
    if script in _SCRIPT_LANG:
        share = count / sum(scripts.values())
        return _SCRIPT_LANG[script], round(min(0.99, 0.7 + 0.3 * share), 3)
    if script == "CYRILLIC":
        cyrillic = [w for w in words if _CYRILLIC_RE.search(w)][:MAX_WORDS]
        return model.best(cyrillic, CYRILLIC_LANGS)
    if script == "LATIN":
        latin = [w for w in words if _LATIN_RE.search(w)][:MAX_WORDS]
        if not _latin_is_unmodelled(latin, model):
            return model.best(latin, LATIN_LANGS)
    return langdetect_language(normalize(text))


@lru_cache(maxsize=20_000)
def _detect(text):
    return detect_with(default_model(), text)


def detect_language(text, hint=""):
    """(ISO 639-1 code, confidence) of `text`; a source's own `hint` wins when it is a code."""
    hint = (hint or "").strip().lower().replace("_", "-").split("-")[0]
    if SUPPORTED_HINT_RE.match(hint):
        return hint, 1.0
    return _detect(text or "")
