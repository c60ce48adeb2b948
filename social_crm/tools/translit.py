"""Russian, Ukrainian and Kazakh typed in Latin letters ("translit"), and back.

People without a Cyrillic keyboard, or used to one chat's habits, write «privet, zakaz uzhe
nedelyu zhdu», «ho4u vernut' den'gi» or «tapsyrys ali kelmedi, eki apta kuttim». Read as it
is, such a post has none of the words the lexicons, the rules and the models know (stage
macro-F1 on new businesses fell from 0.92 to 0.56 with every text transliterated).
`to_cyrillic` spells it back before it is analysed. Russian and Ukrainian go letter by letter
(the result is not always the right spelling — Latin «e» is «е» or «э», «y» «ы» or «й» — but
close enough for character n-grams, stems and the rule lexicons); Kazakh typing drops what
tells ә from а, қ from к, ұ ү from у, so its words are looked up among the module's own
Kazakh texts (`_kk_word`).

`to_latin` writes Cyrillic the way people type it (several common habits, picked per text by
a seeded generator): it makes the language profiles' training texts
(scripts/translit_profiles.py) and the robustness benchmark's variant. Pure Python.
"""

import random
import re
from functools import lru_cache

from .text import _URL_RE, HANDLE_RE, without_links_and_handles

__all__ = ["to_cyrillic", "to_latin", "latin_share", "as_read", "TRANSLIT_LANGS", "TO_LATIN_LANGS"]

TRANSLIT_LANGS = ("ru", "uk", "kk")

_VOWELS = frozenset("aeiouy")

# Longest first: a multi-letter spelling wins over its first letter («shch» before «sh»,
# «sh» before «s»).
_RU = {
    "shch": "щ",
    "sch": "щ",
    "sh": "ш",
    "ch": "ч",
    "zh": "ж",
    "kh": "х",
    "ts": "ц",
    "tz": "ц",
    "yo": "е",
    "yu": "ю",
    "ju": "ю",
    "ya": "я",
    "ja": "я",
    "ye": "е",
    "ck": "к",
    "a": "а",
    "b": "б",
    "v": "в",
    "g": "г",
    "d": "д",
    "e": "е",
    "z": "з",
    "i": "и",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "f": "ф",
    "h": "х",
    "x": "х",
    "c": "ц",
    "w": "ш",
    "q": "к",
    "'": "ь",
    "4": "ч",
    "6": "ш",
}
_UK = {
    **_RU,
    "ye": "є",
    "je": "є",
    "yi": "ї",
    "ji": "ї",
    "i": "і",
    "y": "и",
    "h": "г",
    "g": "г",
    "'": "ь",
}
_TABLES = {"ru": _RU, "uk": _UK}
_LONGEST = 4
# «j» opens these pairs (я, ю; in Ukrainian also є, ї); anywhere else it is «ж» or «й» (uje,
# jdu, moj: уже, жду, мой).
_J_PAIRS = {"ru": ("ja", "ju"), "uk": ("ja", "ju", "je", "ji")}
_LATIN_LETTERS = "A-Za-zäáöóüúūıíýǵńÄÁÖÓÜÚŪÍÝǴŃ"
# A link or an @handle stays as written; a word of Latin letters (with chat's 4 for ч, 6 for
# ш, ' for ь) is spelt again.
_TOKEN_RE = re.compile(
    rf"(?P<skip>{_URL_RE.pattern}|{HANDLE_RE.pattern})"
    rf"|(?P<word>[{_LATIN_LETTERS}'46]*[{_LATIN_LETTERS}][{_LATIN_LETTERS}'46]*)",
    re.I,
)


def _convert_word(word, lang):
    table = _TABLES[lang]
    lower = word.lower()
    out, i, n = [], 0, len(lower)
    while i < n:
        char = lower[i]
        previous = lower[i - 1] if i else ""
        if char == "y" and lang == "ru" and not lower.startswith(("ya", "yu", "yo", "ye"), i):
            # after a vowel «й» (moy, novyy → мой, новый), else «ы» (vy, bystro → вы, быстро)
            out.append("й" if previous in _VOWELS else "ы")
            i += 1
            continue
        if (
            char == "y"
            and lang == "uk"
            and previous in _VOWELS
            and not lower.startswith(("ya", "yu", "ye", "yi"), i)
        ):
            out.append("й")  # miy, kraysi → мій, край
            i += 1
            continue
        if char == "j" and not any(lower.startswith(pair, i) for pair in _J_PAIRS[lang]):
            # «j» after a vowel and before none is «й» (moj, svoj), elsewhere chat's «ж» (jdu,
            # uje → жду, уже)
            following = lower[i + 1 : i + 2]
            out.append("й" if previous in _VOWELS and following not in _VOWELS else "ж")
            i += 1
            continue
        if char == "e" and i == 0 and lang == "ru" and lower.startswith(("et", "ek", "eh"), i):
            out.append("э")  # eto, ekran → это, экран
            i += 1
            continue
        for size in range(min(_LONGEST, n - i), 0, -1):
            piece = table.get(lower[i : i + size])
            if piece is not None:
                out.append(piece)
                i += size
                break
        else:
            out.append(lower[i])
            i += 1
    converted = "".join(out)
    if word[:1].isupper():
        converted = converted[:1].upper() + converted[1:]
    return converted


@lru_cache(maxsize=50_000)
def _cached_word(word, lang):
    return _kk_word(word) if lang == "kk" else _convert_word(word, lang)


def to_cyrillic(text, lang, keep=frozenset()):
    """`text` with its Latin-letter words spelt in `lang`'s Cyrillic (ru, uk, kk); words whose
    lower case is in `keep` (brand and product names the company wrote in Latin letters) and
    links, @handles and numbers stay as they are. Other languages: `text` unchanged."""
    if lang not in TRANSLIT_LANGS or not text:
        return text

    def convert(match):
        word = match.group("word")
        if word is None or word.lower() in keep:
            return match.group(0)
        return _cached_word(word, lang)

    return _TOKEN_RE.sub(convert, text)


def latin_share(text):
    """Share of `text`'s letters that are basic Latin (a-z), 0 when it has none (the letters
    of its links and @handles not counted). Each mention passes here three times (the
    pipeline, the sentiment and the stage features): a text without a Latin letter — most
    of them — is answered by one search."""
    text = text[:2000]
    if not _BASIC_LATIN_RE.search(text):
        return 0.0
    text = without_links_and_handles(text)
    letters = sum(map(str.isalpha, text))  # counted in C: every mention passes here
    if not letters:
        return 0.0
    return len(_BASIC_LATIN_RE.findall(text)) / letters


_BASIC_LATIN_RE = re.compile("[A-Za-z\u0130\u212a]")  # and İ, the Kelvin K: lower case a-z
# A text in Russian, Ukrainian or Kazakh whose letters are mostly Latin is translit.
TRANSLIT_SHARE = 0.5


def as_read(text, lang, keep=frozenset()):
    """`text` as analysis reads it: Russian, Ukrainian or Kazakh (`lang`) typed in Latin
    letters in Cyrillic (`keep`: see to_cyrillic), any other text as it is."""
    if lang in TRANSLIT_LANGS and latin_share(text) > TRANSLIT_SHARE:
        return to_cyrillic(text, lang, keep)
    return text


# Kazakh typed in Latin letters drops what tells ә from а, қ from к, ұ ү from у, і ы from и
# («kuttik» is күттік, «zhok» жоқ, «qansha» қанша): no letter rule can put them back. A word
# is looked up instead by its skeleton — the letters left when every such pair is merged —
# among the Kazakh words of the module's own texts (the language profile, the training
# mentions), and the most frequent word with that skeleton is taken; a word not found keeps
# its longest found beginning (a stem: «kadriyada» → the skeleton of «кадрия» + «да») and
# takes the likeliest letter for the rest.
_KK_SKELETON_DIGRAPHS = (
    ("shch", "w"),
    ("sh", "w"),
    ("ch", "c"),
    ("zh", "j"),
    ("gh", "g"),
    ("kh", "h"),
)
_KK_SKELETON = str.maketrans(
    {
        **dict.fromkeys("aäáа" + "ә", "a"),
        **dict.fromkeys("oöóо" + "ө", "o"),
        **dict.fromkeys("uüúūуұү", "u"),
        **dict.fromkeys("iıyíýиіыйьъ", "i"),
        **dict.fromkeys("kqкқ", "k"),
        **dict.fromkeys("gǵгғ", "g"),
        **dict.fromkeys("nńнң", "n"),
        **dict.fromkeys("hxхһ", "h"),
        **{"ш": "w", "щ": "w", "ч": "c", "ц": "c", "ж": "j", "б": "b", "в": "v", "д": "d"},
        **{"е": "e", "э": "e", "з": "z", "л": "l", "м": "m", "п": "p", "р": "r", "с": "s"},
        **{"т": "t", "ф": "f", "я": "ia", "ю": "iu", "ё": "io", "'": ""},
    }
)
# The likeliest Kazakh letter for each Latin one, for what no known word covers.
_KK_LETTERS = {
    "sh": "ш",
    "ch": "ч",
    "zh": "ж",
    "gh": "ғ",
    "kh": "х",
    "ya": "я",
    "yu": "ю",
    "a": "а",
    "ä": "ә",
    "á": "ә",
    "b": "б",
    "c": "ц",
    "d": "д",
    "e": "е",
    "f": "ф",
    "g": "г",
    "ǵ": "ғ",
    "h": "х",
    "i": "і",
    "ı": "ы",
    "í": "и",
    "j": "ж",
    "k": "к",
    "q": "қ",
    "l": "л",
    "m": "м",
    "n": "н",
    "ń": "ң",
    "o": "о",
    "ö": "ө",
    "ó": "ө",
    "p": "п",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "ü": "ү",
    "ú": "ү",
    "ū": "ұ",
    "v": "в",
    "w": "у",
    "x": "х",
    "y": "ы",
    "ý": "у",
    "z": "з",
    "'": "",
}
_KK_MIN_STEM = 4
_KK_WORD_RE = re.compile(r"[^\W\d_]+")


def _kk_skeleton(word):
    """The letters of a Kazakh word, Cyrillic or typed in Latin, with the pairs Latin typing
    merges merged (`_KK_SKELETON`)."""
    word = word.lower()
    for digraph, letter in _KK_SKELETON_DIGRAPHS:
        word = word.replace(digraph, letter)
    return word.translate(_KK_SKELETON)


@lru_cache(maxsize=1)
def _kk_words():
    """{skeleton: the most frequent Kazakh word with it} from the module's Kazakh texts: the
    language profile and the training mentions (imported here: both modules import this one)."""
    from .language import load_training_texts
    from .stage_train import load_training

    rows, _ = load_training(extra_directory=None)
    lines = load_training_texts()["kk"] + [r["text"] for r in rows if r.get("lang") == "kk"]
    counts = {}
    for line in lines:
        for word in _KK_WORD_RE.findall(line.lower().replace("ё", "е")):
            if not word.isascii():
                counts[word] = counts.get(word, 0) + 1
    best = {}
    for word, count in counts.items():
        key = _kk_skeleton(word)
        if count > best.get(key, ("", 0))[1]:
            best[key] = (word, count)
    return {key: word for key, (word, _) in best.items()}


def _kk_letters(latin):
    out, i = [], 0
    while i < len(latin):
        pair = latin[i : i + 2]
        if pair in _KK_LETTERS:
            out.append(_KK_LETTERS[pair])
            i += 2
        else:
            out.append(_KK_LETTERS.get(latin[i], latin[i]))
            i += 1
    return "".join(out)


def _kk_word(word):
    lower = word.lower()
    words = _kk_words()
    found = words.get(_kk_skeleton(lower))
    if found is None:
        # the longest beginning that is a known word's skeleton, the rest letter by letter
        for end in range(len(lower) - 1, _KK_MIN_STEM - 1, -1):
            stem = words.get(_kk_skeleton(lower[:end]))
            if stem is not None:
                found = stem + _kk_letters(lower[end:])
                break
        else:
            found = _kk_letters(lower)
    return found[:1].upper() + found[1:] if word[:1].isupper() else found


# How people type each letter: the common habits, one picked per text.
_TO_LATIN = {
    "ru": {
        "а": ["a"],
        "б": ["b"],
        "в": ["v"],
        "г": ["g"],
        "д": ["d"],
        "е": ["e"],
        "ж": ["zh", "j"],
        "з": ["z"],
        "и": ["i"],
        "й": ["y", "j", "i"],
        "к": ["k"],
        "л": ["l"],
        "м": ["m"],
        "н": ["n"],
        "о": ["o"],
        "п": ["p"],
        "р": ["r"],
        "с": ["s"],
        "т": ["t"],
        "у": ["u"],
        "ф": ["f"],
        "х": ["h", "kh", "x"],
        "ц": ["ts", "c"],
        "ч": ["ch", "4"],
        "ш": ["sh", "w"],
        "щ": ["sch", "shch", "sh"],
        "ъ": [""],
        "ы": ["y", "i"],
        "ь": ["'", ""],
        "э": ["e"],
        "ю": ["yu", "ju"],
        "я": ["ya", "ja"],
    },
}
_TO_LATIN["uk"] = {
    **_TO_LATIN["ru"],
    "г": ["h", "g"],
    "ґ": ["g"],
    "и": ["y", "i"],
    "і": ["i"],
    "ї": ["yi", "i", "ji"],
    "є": ["ye", "je", "e"],
    "й": ["y", "j", "i"],
    "ь": ["'", ""],
}


# The languages to_latin types (Kazakh's profile was written by people: data/lang/kk_latn.txt).
TO_LATIN_LANGS = tuple(_TO_LATIN)


def to_latin(text, lang, rng=None):
    """`text` typed in Latin letters as people do, one habit per letter for the whole text
    (`rng`: a random.Random, seeded by the caller for a reproducible result)."""
    table = _TO_LATIN.get(lang)
    if table is None:
        return text
    rng = rng or random.Random(0)
    habit = {letter: rng.choice(options) for letter, options in table.items()}
    out = []
    for char in text.replace("ё", "е").replace("Ё", "Е"):
        spelt = habit.get(char.lower())
        if spelt is None:
            out.append(char)
        elif char.isupper():
            out.append(spelt[:1].upper() + spelt[1:])
        else:
            out.append(spelt)
    return "".join(out)
