"""Language of a mention: ISO 639-1 code and a confidence in 0…1.

Short, noisy social texts defeat general n-gram detectors: langdetect has no Kazakh, Kyrgyz,
Tatar, Bashkir, Belarusian, Uzbek, Mongolian, Serbian or Azerbaijani profile at all, and takes
a five-word Ukrainian line without і/ї/є for Russian. Letters that look Kazakh are not only
Kazakh (Tatar ә ө ү җ ң һ, Kyrgyz ө ү ң, Bashkir ҡ ғ ҫ ҙ, Uzbek ў қ ғ ҳ, Mongolian ө ү), so
no single letter decides. Each candidate language of the text's script is scored as a sum of
evidence, and the best score wins:

* alphabet: a word with a letter the language does not write, or a letter sequence its
  spelling never has (Russian «ъ» before a consonant, Kazakh «өө»), costs a fixed penalty
  (one Kazakh brand name in a Russian sentence costs Russian little; a Tatar «җ» in every
  other word rules Kazakh out);
* character trigrams of each word (naive Bayes) from the language's own training texts in
  ``data/lang/<code>.txt``, smoothed towards the mean of all languages (see LanguageModel);
* frequent words (``data/lang_words.py``): function words and the everyday words of customer
  messages, a bonus per word found;
* a small prior per language (Russian, then Ukrainian and Kazakh are the likeliest).

Scripts other than Cyrillic and Latin name their language directly. Latin text goes to
langdetect (seeded, cached) when it has a letter none of the modelled Latin languages writes
(ő, ř, å, ă …), or when it has three words or more and not one of them is a listed frequent
word of a modelled language (Indonesian, Swedish, Czech without diacritics …) — unless it
shows Uzbek or Azerbaijani spelling, which langdetect does not know; langdetect's answer is
kept only if it names a language not modelled here. A text without letters has no
language: ``("", 0.0)``.
"""

import math
import pathlib
import random
import re
import struct
import unicodedata
from functools import lru_cache

from .data.lang_words import WORDS
from .text import _APOSTROPHES, _URL_RE, _WORD_RE, normalize
from .translit import TO_LATIN_LANGS, to_latin

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
    "uz": "абвгдежзийклмнопрстуфхцчшъэюяўқғҳabcdefghijklmnopqrstuvxyz",  # both scripts
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
    # Kazakh in Latin script: the 2018 alphabet's own letters (á ó ú ý ǵ ń), ä ū of the 2021
    # one and informal transliteration (zh, sh, kh). The letters Kazakh shares with Turkish and
    # Azerbaijani (ı ö ü ş ğ ç ñ) are left to them: people rarely type them for Kazakh.
    "kk_latn": "abcdefghijklmnopqrstuvwxyzáóúýǵńäū",
    # Russian and Ukrainian typed in Latin letters (translit: «privet, zakaz uzhe nedelyu
    # zhdu»), profiles made from ru.txt and uk.txt by scripts/translit_profiles.py.
    "ru_latn": "abcdefghijklmnopqrstuvwxyz",
    "uk_latn": "abcdefghijklmnopqrstuvwxyz",
}
# Profiles answered as another code: Latin-script Kazakh is Kazakh, translit Russian Russian.
PROFILE_CODE = {"kk_latn": "kk", "ru_latn": "ru", "uk_latn": "uk"}
# Letter sequences a language's spelling never has, though each letter is in its alphabet:
# Russian writes ъ only before е / ю / я (подъезд), Bulgarian inside words (къде, търся);
# Kyrgyz and Mongolian write long vowels double (көбүрөөк, үүнээс), Kazakh, Tatar and
# Bashkir do not. A word with one counts as foreign to the language.
FORBIDDEN = {
    "ru": re.compile(r"ъ(?![еюя])"),
    "kk": re.compile(r"өө|үү"),
    "tt": re.compile(r"өө|үү"),
    "ba": re.compile(r"өө|үү"),
    # Uzbek's oʻ gʻ and x: Latin-script Kazakh writes neither
    "kk_latn": re.compile(r"[og]'|x"),
}
_ANY_FORBIDDEN = re.compile("|".join(pattern.pattern for pattern in FORBIDDEN.values()))
# Letters Ukrainian and Belarusian write in almost every sentence (і alone is about one
# letter in sixteen). A text of many letters without any of them is unlikely to be in that
# language: each letter costs log(1 - share of these letters in the training texts).
SIGNATURE_LETTERS = {"uk": "іїє", "be": "іў"}
# Spellings that mark Uzbek (oʻ gʻ, q, x, the endings -ning -dagi -lar -lik -yapti) and
# Azerbaijani (ə) Latin text: Indonesian or Swahili, which our Latin models would also call
# Uzbek, have none of them.
_OWN_LATIN_MARKERS = {
    "uz": re.compile(r"[og]'|q|x|\w(?:ning|dagi|lar|lik|yapti)\b"),
    "az": re.compile("ə"),
    # Kazakh: zh, q, its own Latin letters, back-vowel endings -dy -ty -ny -ym
    "kk_latn": re.compile(r"zh|q|[áóúýǵńäū]|\w(?:dy|ty|ny|my|ym|yn|sy|ly|dan|den|tan|ten|ge|ga)\b"),
}
CYRILLIC_LANGS = ("ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "tt", "ba", "mn", "uz", "tg")
LATIN_LANGS = (
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "tr",
    "az",
    "uz",
    "pl",
    "kk_latn",
    "ru_latn",
    "uk_latn",
)
# Log-prior per language: what a mention most likely is when the text itself cannot tell.
PRIORS = {
    "ru": 0.0,
    "uk": -1.5,
    "kk": -1.0,
    "kk_latn": -1.5,
    "ru_latn": -1.5,
    "uk_latn": -2.5,
    "en": 0.0,
    "be": -1.0,
    "ky": -1.0,
    "tt": -1.0,
    "uz": -1.0,
    "bg": -3.5,
    "sr": -3.5,
    "mk": -3.5,
    "ba": -3.5,
    "mn": -3.5,
    "tg": -3.5,
    "de": -1.5,
    "fr": -1.5,
    "es": -1.5,
    "it": -1.5,
    "pt": -2.0,
    "nl": -2.0,
    "tr": -1.5,
    "az": -2.0,
    "pl": -1.5,
}
FOREIGN_WORD_PENALTY = 20.0  # nats per word with a letter the language does not write
NAME_PENALTY_SHARE = 0.25  # share of that penalty for a word written as a name
WORD_BONUS = 8.0  # nats per frequent word of the language (short texts hinge on them)
PRIOR_MASS = 10000.0  # n-grams' worth of background each language's counts start from
ABSENCE_WEIGHT = 1.0  # weight of the missing signature letters (SIGNATURE_LETTERS)
SETTLED_AFTER_WORDS = 6  # a long text is scored on its first words until one language
SETTLED_MARGIN = 30.0  # leads the next by this many nats
MAX_WORDS = 40  # a long text is judged on its first words
NGRAM_SIZES = (3,)

# Scripts other than Latin/Cyrillic whose language is (practically) unique.
_SCRIPT_LANG = {
    "GREEK": "el",
    "HEBREW": "he",
    "ARMENIAN": "hy",
    "GEORGIAN": "ka",
    "THAI": "th",
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "CJK": "zh",
    "BENGALI": "bn",
    "TAMIL": "ta",
    "TELUGU": "te",
    "KANNADA": "kn",
    "MALAYALAM": "ml",
    "GUJARATI": "gu",
    "GURMUKHI": "pa",
}
# langdetect answers zh-cn / zh-tw; ISO 639-1 has only zh.
_LANGDETECT_CODE = {"zh-cn": "zh", "zh-tw": "zh"}
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff\u0500-\u052f]")
_LETTER_RE = re.compile(r"[^\W\d_]")
_LATIN_RE = re.compile(r"[a-z\u00c0-\u024f\u02bb]")
# The same character classes as sets: `not set.isdisjoint(word)` is one C loop per word.
_CYRILLIC_LETTERS = frozenset(map(chr, range(0x0400, 0x0530)))
_LATIN_LETTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyz\u02bb" + "".join(map(chr, range(0xC0, 0x250)))
)
_ASCII_LETTER_RE = re.compile(r"[a-zï]")
# A capital letter after these (and quotes or spaces) opens a sentence, not a name.
_SENTENCE_ENDS = frozenset(".!?…:\n")
_QUOTES_AND_SPACES = " \t\"'«»“”„()-—"
# A letter written three or more times running is expressive lengthening («урааа», «soooo»),
# not spelling: Kyrgyz and Mongolian write long vowels double, never triple.
_LENGTHENED_RE = re.compile(r"([^\W\d_])\1{2,}")
_MAYBE_URL_RE = re.compile(r"https?:|www\.|\.(?:com|ru|kz|ua|org|net|io)\b")
_LOOKALIKES = str.maketrans("aeopcxyikmï", "аеорсхуікмї")
# Uzbek writes oʻ gʻ with a turned comma (often typed as an apostrophe).
_UZ_APOSTROPHE = str.maketrans({"ʻ": "'", "ʼ": "'"})


def _with_translit(words):
    """`words` and, for the translit profiles, their languages' frequent words typed in Latin
    letters (three habits each), but none of one or two letters nor any other Latin
    language lists: «no», «to», «i» stay English, «ne», «kak», «spasibo» become Russian too."""
    out = {lang: set(listed) for lang, listed in words.items()}
    others = set().union(*(out.get(lang, ()) for lang in LATIN_LANGS if lang not in PROFILE_CODE))
    for profile, code in PROFILE_CODE.items():
        if code in TO_LATIN_LANGS:
            typed = {
                to_latin(word, code, random.Random(f"{code}:{word}:{k}"))
                for word in out.get(code, ())
                for k in range(3)
            }
            out[profile] = {w for w in typed if len(w) > 2 and w not in others}
    return out


def _grams(word):
    padded = f" {word} "
    return [padded[i : i + n] for n in NGRAM_SIZES for i in range(len(padded) - n + 1)]


# Characters a word may carry besides letters; no alphabet excludes them.
_NOT_LETTERS = "'-0123456789"


class LanguageModel:
    """Scores candidate languages of a text; built from training texts per language.

    ``texts`` maps a language code to its training lines. Each language's n-gram
    distribution is smoothed towards the background (the mean of all languages'
    distributions, Dirichlet smoothing with mass ``PRIOR_MASS``):
    ``p_L(g) = (count_L(g) + m * p_bg(g)) / (total_L + m)``, and an n-gram adds
    ``log(p_L(g) / p_bg(g))`` to language L. A language with few training texts thus speaks
    softly (its estimates stay near the background) instead of shouting on the few n-grams
    it has seen, and an n-gram a well-trained language never showed counts against it.

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
        self.totals = {
            lang: {n: sum(per[n].values()) for n in NGRAM_SIZES} for lang, per in counts.items()
        }
        background = {}
        for lang, per_size in counts.items():
            for n, grams in per_size.items():
                total = self.totals[lang][n]
                for gram, count in grams.items():
                    background[gram] = background.get(gram, 0.0) + count / total / len(counts)
        self.background = background
        self.counts = counts
        self.alphabets = {
            lang: frozenset(letters + _NOT_LETTERS) for lang, letters in ALPHABETS.items()
        }
        self.word_langs = {}  # word -> the languages whose frequent-word list has it
        for lang, words in _with_translit(WORDS).items():
            for word in words:
                self.word_langs.setdefault(word, set()).add(lang)
        self._tables = {}
        self._shared = {}
        self._bonus_tables = {}
        self.latin_letters = frozenset().union(*(self.alphabets[lang] for lang in LATIN_LANGS))
        self.absence = {}  # language -> log(1 - share of its signature letters)
        for lang, letters in SIGNATURE_LETTERS.items():
            joined = "".join(w for line in texts.get(lang, ()) for w in _words(line))
            total = sum(1 for c in joined if c.isalpha())
            if total:
                share = sum(1 for c in joined if c in letters) / total
                self.absence[lang] = math.log(max(1e-6, 1.0 - share))

    def _gain(self, lang, gram):
        """log(p_L(g) / p_bg(g)) for a gram of the background."""
        n = len(gram)
        total = self.totals.get(lang, {}).get(n, 0)
        count = self.counts.get(lang, {}).get(n, {}).get(gram, 0)
        p_bg = self.background[gram]
        return math.log((count + PRIOR_MASS * p_bg) / ((total + PRIOR_MASS) * p_bg))

    def _table(self, candidates):
        """{gram: packed gains of the candidates} for grams some candidate has seen."""
        table = self._tables.get(candidates)
        if table is None:
            seen = set()
            for lang in candidates:
                for grams in self.counts.get(lang, {}).values():
                    seen.update(grams)
            table = {gram: _pack([self._gain(lang, gram) for lang in candidates]) for gram in seen}
            self._tables[candidates] = table
        return table

    def word_scores(self, word, candidates, name=False):
        """(packed scores, number of packed vectors summed) of one lower-case word."""
        return _word_scores(self, word, candidates, name)

    def compute_word_scores(self, word, candidates, name=False):
        """Trigram gains + frequent-word bonus - foreign-letter penalties, packed.

        A name (a capitalised word inside a sentence: Қарағанды, Müller) is often in another
        language than the sentence, so its foreign letters cost only NAME_PENALTY_SHARE.
        """
        penalty = FOREIGN_WORD_PENALTY * (NAME_PENALTY_SHARE if name else 1.0)
        table = self._table(candidates)
        # Packed gains are never 0: filter(None, …) drops only the grams no candidate has seen.
        rows = list(filter(None, map(table.get, _grams(word))))
        packed, count = sum(rows), len(rows)
        bonus = self._bonuses(candidates).get(word)
        if bonus:
            packed, count = packed + bonus, count + 1
        letters = frozenset(word)
        penalties = None
        if not letters <= self._shared_letters(candidates):
            alphabets = self.alphabets
            penalties = [0.0 if letters <= alphabets[lang] else -penalty for lang in candidates]
        if _ANY_FORBIDDEN.search(word):
            penalties = penalties or [0.0] * len(candidates)
            for index, lang in enumerate(candidates):
                pattern = FORBIDDEN.get(lang)
                if pattern and pattern.search(word):
                    penalties[index] -= penalty
        if penalties:
            packed, count = packed + _pack(penalties), count + 1
        return packed, count

    def _bonuses(self, candidates):
        """{listed word: packed bonus of the candidates}."""
        bonuses = self._bonus_tables.get(candidates)
        if bonuses is None:
            bonuses = {
                word: _pack([WORD_BONUS if lang in langs else 0.0 for lang in candidates])
                for word, langs in self.word_langs.items()
                if any(lang in langs for lang in candidates)
            }
            self._bonus_tables[candidates] = bonuses
        return bonuses

    def _shared_letters(self, candidates):
        """Letters every candidate language writes."""
        shared = self._shared.get(candidates)
        if shared is None:
            shared = frozenset.intersection(*(self.alphabets[lang] for lang in candidates))
            self._shared[candidates] = shared
        return shared

    def scores(self, words, candidates, names=frozenset()):
        """{language: score} for the candidate languages over `words` (lower-case tokens);
        `names` are the words written as names (see compute_word_scores)."""
        packed = count = 0
        for index, word in enumerate(words, 1):
            word_packed, word_count = _word_scores(self, word, candidates, word in names)
            packed += word_packed
            count += word_count
            if index >= SETTLED_AFTER_WORDS and index % 3 == 0:
                top, second = sorted(_unpack(packed, count, len(candidates)))[-2:][::-1]
                if top - second > SETTLED_MARGIN:
                    words = words[:index]  # a long text has settled: the rest adds nothing
                    break
        totals = [
            PRIORS.get(lang, -3.0) + score
            for lang, score in zip(
                candidates, _unpack(packed, count, len(candidates)), strict=False
            )
        ]
        if ABSENCE_WEIGHT:
            joined = "".join(words)
            for index, lang in enumerate(candidates):
                if lang in self.absence and not any(c in joined for c in SIGNATURE_LETTERS[lang]):
                    totals[index] += ABSENCE_WEIGHT * len(joined) * self.absence[lang]
        return dict(zip(candidates, totals, strict=False))

    def best(self, words, candidates, names=frozenset()):
        """(language, confidence) with the highest score; confidence from the margin."""
        scores = self.scores(words, candidates, names)
        lang = max(scores, key=scores.get)
        top = scores.pop(lang)
        second = max(scores.values()) if scores else top - 10.0
        confidence = 1.0 / (1.0 + math.exp(-(top - second) / 2.0))
        return lang, round(min(0.99, confidence), 3)


# Scores of all candidate languages travel as one integer: each language gets a 32-bit field
# holding round(score * _SCALE) + _OFFSET, so adding up a word's n-grams is one sum() over
# integers instead of a sum per language. Unpacking needs how many vectors were added (each
# brought one _OFFSET). 32 bits hold a few thousand n-grams of ±30 nats.
_BITS = 32
_SCALE = 1000.0
_OFFSET = 1 << 20


# Language i's field is bytes 4i…4i+3 of the integer, little-endian: struct packs and
# unpacks all fields in one call.
_FIELDS = {size: struct.Struct(f"<{size}I") for size in (len(CYRILLIC_LANGS), len(LATIN_LANGS))}


def _fields(size):
    fields = _FIELDS.get(size)
    if fields is None:
        fields = _FIELDS[size] = struct.Struct(f"<{size}I")
    return fields


def _pack(values):
    fields = [round(value * _SCALE) + _OFFSET for value in values]
    return int.from_bytes(_fields(len(fields)).pack(*fields), "little")


def _unpack(packed, count, size):
    base = count * _OFFSET
    fields = (packed & ((1 << (_BITS * size)) - 1)).to_bytes(4 * size, "little")
    return [(field - base) / _SCALE for field in _fields(size).unpack(fields)]


@lru_cache(maxsize=30_000)
def _word_scores(model, word, candidates, name):
    # The same word forms recur across mentions: score each once per model (a few MB).
    return model.compute_word_scores(word, candidates, name)


def _words(text):
    """Letter-bearing lower-case tokens (digits-only tokens dropped), as ``text.tokenize``
    makes them (URLs removed, ё → е, one apostrophe), Uzbek ʻ unified.

    The URL pattern is only run when the text may hold one: it is the costliest step and
    most mentions have none. Inside a Cyrillic word, Latin look-alikes become the Cyrillic
    letter: Ukrainian and Kazakh typed on a Russian keyboard take «i» for «і» (вiдповiдь,
    бiз), and homoglyph typos (a, e, o, p, c …) are common.
    """
    return _words_and_names(text)[0]


def _words_and_names(text):
    """(words as ``_words`` gives them, the set of those written as names).

    A letter written three or more times running counts once («ураааа» is «ура»).

    A name is a capitalised word (Title case) that does not open the text or a sentence.
    """
    cased = str(text)
    if _MAYBE_URL_RE.search(cased.lower()):
        cased = _URL_RE.sub(" ", cased)
    cased = cased.replace("ё", "е").replace("Ё", "Е").translate(_APOSTROPHES)
    cased = _LENGTHENED_RE.sub(r"\1", cased)
    if "ʻ" in cased:
        cased = cased.translate(_UZ_APOSTROPHE)
    words, names = [], set()
    for match in _WORD_RE.finditer(cased):
        token = match.group()
        if token.isdigit():
            continue
        word = token.lower()
        if words and len(token) > 1 and token[0].isupper() and token[1:] == word[1:]:
            before = cased[max(0, match.start() - 8) : match.start()].rstrip(_QUOTES_AND_SPACES)
            if before[-1:] not in _SENTENCE_ENDS:
                names.add(word)
        words.append(word)
    lowered = cased.lower()
    if _ASCII_LETTER_RE.search(lowered) and _CYRILLIC_RE.search(lowered):
        mapped = {
            word: word.translate(_LOOKALIKES)
            for word in words
            if not _CYRILLIC_LETTERS.isdisjoint(word)
        }
        words = [mapped.get(word, word) for word in words]
        names = {mapped.get(word, word) for word in names}
    return words, frozenset(names)


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
    # Each pattern matches one character: what a sub() removes is the count, without a list.
    size = len(joined)
    cyrillic = size - len(_CYRILLIC_RE.sub("", joined))
    latin = size - len(_LATIN_RE.sub("", joined))
    letters = size - len(_LETTER_RE.sub("", joined))
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
    return not frozenset("".join(words)) <= model.latin_letters


def detect_with(model, text):
    """(code, confidence) of `text` under `model` (no hint, no cache)."""
    words, names = _words_and_names(text or "")
    scripts = _scripts(words)
    if not scripts:
        return "", 0.0
    script, count = max(scripts.items(), key=lambda item: item[1])
    if script in _SCRIPT_LANG:
        share = count / sum(scripts.values())
        return _SCRIPT_LANG[script], round(min(0.99, 0.7 + 0.3 * share), 3)
    cyrillic = [w for w in words if not _CYRILLIC_LETTERS.isdisjoint(w)][:MAX_WORDS]
    latin = [w for w in words if not _LATIN_LETTERS.isdisjoint(w)][:MAX_WORDS]
    if cyrillic and latin and script in ("CYRILLIC", "LATIN"):
        # Brands and models are written in Latin letters inside Cyrillic sentences («купил
        # iPhone 15 Pro Max в Technodom»): the Latin part makes the language only when it has
        # more listed words (thanks, for, the …) than the Cyrillic part has words.
        listed = sum(1 for word in latin if word in model.word_langs)
        script = "CYRILLIC" if len(cyrillic) >= listed else "LATIN"
    if script == "CYRILLIC":
        return model.best(cyrillic, CYRILLIC_LANGS, names)
    if script == "LATIN":
        if not _latin_is_unmodelled(latin, model):
            profile, confidence = model.best(latin, LATIN_LANGS, names)
            decided = PROFILE_CODE.get(profile, profile), confidence
            if len(latin) < 3 or any(word in model.word_langs for word in latin):
                return decided
            marker = _OWN_LATIN_MARKERS.get(profile)
            if marker and marker.search(" ".join(latin)):
                return decided  # langdetect has no Uzbek, Azerbaijani or Kazakh profile
            code, prob = langdetect_language(normalize(text))
            return (code, prob) if code and code not in LATIN_LANGS else decided
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
