"""nltk's Russian Snowball stemmer with its suffix searches done by look-up.

nltk's ``RussianStemmer.stem`` tries each step's suffixes one after the other
(``rv.endswith(suffix)`` for up to 234 suffixes per word, in its list's own order, the first
that fits wins): most of the time the NLP step spends on a Russian text's new words. Here a
step looks up the word's own endings, one per suffix length, in a {suffix: position in
nltk's list} table and takes the one nltk's loop would have reached first; the word is
transliterated by one ``str.translate`` with nltk's own letter mapping. The suffix lists,
the regions and the mapping are nltk's own; only the search differs, so the stems are the
same (``tests/test_text.py`` compares both on every word of the training texts).

Imported only when a Russian word is first stemmed (it imports nltk).

The two "after «а» / «я»" suffix lists below are copied from nltk's
``nltk/stem/snowball.py`` (Copyright (C) 2001-2024 NLTK Project, Apache License 2.0,
https://www.nltk.org), which implements Martin Porter's Snowball algorithm for Russian
(BSD licence, https://snowballstem.org).
"""

from nltk.stem.snowball import RussianStemmer

__all__ = ["FastRussianStemmer"]

# The suffixes of nltk's "group 1": removed only after «а» or «я» (i^a once transliterated).
_GERUND_AFTER_A = frozenset(
    """
    v vshi vshis'
    """.split()
)

_ADJECTIVAL_AFTER_A = frozenset(
    """
    i^ushchi^ui^u i^ushchi^ai^a i^ushchui^u i^ushchai^a i^ushchoi^u i^ushchei^u
    i^ushchimi i^ushchymi i^ushchego i^ushchogo i^ushchemu i^ushchomu i^ushchikh
    i^ushchykh shchi^ui^u shchi^ai^a i^ushchee i^ushchie i^ushchye i^ushchoe i^ushchei`
    i^ushchii` i^ushchyi` i^ushchoi` i^ushchem i^ushchim i^ushchym i^ushchom vshi^ui^u
    vshi^ai^a shchui^u shchai^a shchoi^u shchei^u emi^ui^u emi^ai^a nni^ui^u nni^ai^a
    shchimi shchymi shchego shchogo shchemu shchomu shchikh shchykh vshui^u vshai^a
    vshoi^u vshei^u shchee shchie shchye shchoe shchei` shchii` shchyi` shchoi` shchem
    shchim shchym shchom vshimi vshymi vshego vshogo vshemu vshomu vshikh vshykh emui^u
    emai^a emoi^u emei^u nnui^u nnai^a nnoi^u nnei^u vshee vshie vshye vshoe vshei`
    vshii` vshyi` vshoi` vshem vshim vshym vshom emimi emymi emego emogo ememu emomu
    emikh emykh nnimi nnymi nnego nnogo nnemu nnomu nnikh nnykh emee emie emye emoe
    emei` emii` emyi` emoi` emem emim emym emom nnee nnie nnye nnoe nnei` nnii` nnyi`
    nnoi` nnem nnim nnym nnom
    """.split()
)

_VERB_AFTER_A = frozenset(
    """
    la na ete i`te li i` l em n lo no et i^ut ny t' esh' nno
    """.split()
)


def _after_a(rv, suffix):
    """nltk's test for a group 1 suffix: «а» or «я» before it."""
    return (
        rv[-len(suffix) - 3 : -len(suffix)] == "i^a" or rv[-len(suffix) - 1 : -len(suffix)] == "a"
    )


class _SuffixTable:
    """One of nltk's suffix lists: which suffix its loop would remove from a word."""

    def __init__(self, suffixes, after_a=frozenset()):
        self.suffixes = tuple(suffixes)
        self.position = {}
        for index, suffix in enumerate(suffixes):
            self.position.setdefault(suffix, index)
        self.lengths = sorted({len(suffix) for suffix in suffixes})
        self.after_a = after_a

    def find(self, rv):
        """The first suffix of the list that ends `rv` (and, in group 1, follows «а» / «я»),
        or "" when none does."""
        position = self.position
        found = []
        for length in self.lengths:
            if length > len(rv):
                break
            index = position.get(rv[-length:])
            if index is not None:
                found.append(index)
        if not found:
            return ""
        found.sort()
        suffixes = self.suffixes
        for index in found:
            suffix = suffixes[index]
            if suffix not in self.after_a or _after_a(rv, suffix):
                return suffix
        return ""


def _table(name, after_a=frozenset()):
    return _SuffixTable(getattr(RussianStemmer, f"_RussianStemmer__{name}_suffixes"), after_a)


_GERUND = _table("perfective_gerund", _GERUND_AFTER_A)
_REFLEXIVE = _table("reflexive")
_ADJECTIVAL = _table("adjectival", _ADJECTIVAL_AFTER_A)
_VERB = _table("verb", _VERB_AFTER_A)
_NOUN = _table("noun")
_DERIVATIONAL = RussianStemmer._RussianStemmer__derivational_suffixes
_SUPERLATIVE = RussianStemmer._RussianStemmer__superlative_suffixes


def _cut(suffix, *parts):
    return [part[: -len(suffix)] for part in parts]


def _to_roman_table():
    """nltk's transliteration (66 `str.replace`, one letter each) as one translation table,
    read from nltk's own method letter by letter (None if it is not letter by letter)."""
    to_roman = RussianStemmer._RussianStemmer__cyrillic_to_roman
    stemmer = RussianStemmer()
    letters = "".join(map(chr, range(0x0400, 0x0530)))
    table = {ord(c): to_roman(stemmer, c) for c in letters}
    return table if to_roman(stemmer, letters) == letters.translate(table) else None


_TO_ROMAN = _to_roman_table()


class FastRussianStemmer(RussianStemmer):
    """``RussianStemmer`` (without stop words) whose step 1 finds suffixes by look-up."""

    def stem(self, word):
        if word in self.stopwords:
            return word
        if all(ord(char) <= 255 for char in word):
            return word
        if _TO_ROMAN is not None:
            word = word.translate(_TO_ROMAN)
        else:
            word = self._RussianStemmer__cyrillic_to_roman(word)
        rv, r2 = self._RussianStemmer__regions_russian(word)
        # Step 1: a perfective gerund, else a reflexive ending, then an adjectival, a verb
        # or a noun ending.
        suffix = _GERUND.find(rv)
        if suffix:
            word, r2, rv = _cut(suffix, word, r2, rv)
        else:
            suffix = _REFLEXIVE.find(rv)
            if suffix:
                word, r2, rv = _cut(suffix, word, r2, rv)
            suffix = _ADJECTIVAL.find(rv) or _VERB.find(rv) or _NOUN.find(rv)
            if suffix:
                word, r2, rv = _cut(suffix, word, r2, rv)
        # Step 2
        if rv.endswith("i"):
            word = word[:-1]
            r2 = r2[:-1]
        # Step 3
        for suffix in _DERIVATIONAL:
            if r2.endswith(suffix):
                word = word[: -len(suffix)]
                break
        # Step 4
        undouble_success = superlative_removed = False
        if word.endswith("nn"):
            word = word[:-1]
            undouble_success = True
        if not undouble_success:
            for suffix in _SUPERLATIVE:
                if word.endswith(suffix):
                    word = word[: -len(suffix)]
                    superlative_removed = True
                    break
            if word.endswith("nn"):
                word = word[:-1]
        if not undouble_success and not superlative_removed and word.endswith("'"):
            word = word[:-1]
        return self._RussianStemmer__roman_to_cyrillic(word)
