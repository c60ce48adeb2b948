"""Russian and Ukrainian typed in Latin letters ("translit"), and back.

People without a Cyrillic keyboard, or used to one chat's habits, write «privet, zakaz uzhe
nedelyu zhdu» or «ho4u vernut' den'gi». Read as it is, such a post has none of the words the
lexicons, the rules and the models know (stage macro-F1 on new businesses fell from 0.92 to
0.56 with every text transliterated). `to_cyrillic` spells it back before it is analysed:
the result is not always the right spelling (Latin «e» is «е» or «э», «y» is «ы» or «й»), but
it is close enough for character n-grams, stems and the rule lexicons to find their words.

`to_latin` writes Cyrillic the way people type it (several common habits, picked per text by
a seeded generator): it makes the language profiles' training texts
(scripts/translit_profiles.py) and the robustness benchmark's variant. Pure Python.
"""

import random
import re
from functools import lru_cache

__all__ = ["to_cyrillic", "to_latin", "latin_share", "as_read", "TRANSLIT_LANGS"]

TRANSLIT_LANGS = ("ru", "uk")

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
_LATIN_WORD_RE = re.compile(r"[A-Za-z'46]*[A-Za-z][A-Za-z'46]*")


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
    return _convert_word(word, lang)


def to_cyrillic(text, lang, keep=frozenset()):
    """`text` with its Latin-letter words spelt in `lang`'s Cyrillic (ru or uk); words whose
    lower case is in `keep` (brand and product names the company wrote in Latin letters) and
    words of digits stay as they are. Other languages: `text` unchanged."""
    if lang not in _TABLES or not text:
        return text

    def convert(match):
        word = match.group(0)
        if word.lower() in keep or not any(c.isalpha() for c in word):
            return word
        return _cached_word(word, lang)

    return _LATIN_WORD_RE.sub(convert, text)


def latin_share(text):
    """Share of `text`'s letters that are basic Latin (a-z), 0 when it has none."""
    letters = [c for c in text[:2000] if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if "a" <= c.lower() <= "z") / len(letters)


# A text in Russian or Ukrainian whose letters are mostly Latin is translit.
TRANSLIT_SHARE = 0.5


def as_read(text, lang, keep=frozenset()):
    """`text` as analysis reads it: Russian or Ukrainian (`lang`) typed in Latin letters in
    Cyrillic (`keep`: see to_cyrillic), any other text as it is."""
    if lang in _TABLES and latin_share(text) > TRANSLIT_SHARE:
        return to_cyrillic(text, lang, keep)
    return text


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
