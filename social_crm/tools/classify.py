"""Brand matching, question detection and consumer-cycle stage rules.

Brands: an alias matches its inflected and agglutinated forms (Орбита, Орбиты, Орбитой,
Орбіта, Орбитаның, Orbita-ға) by prefix on a Cyrillic↔Latin "skeleton" of each word, so a
manager lists a name once. Stages: each stage collects points from its cue vocabulary
(data/stage_cues.py), from the brands found, the question form, the sentiment and the
author's history; the best total wins and the cues that earned it are kept as the
"why this stage" of the mention.
"""

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .data.stage_cues import (
    CANCEL_PRODUCT,
    CUES,
    FROM_WORDS,
    KK_ABLATIVE,
    KK_DATIVE,
    QUESTION,
    SWITCH,
    TO_WORDS,
)
from .i18n import _lt
from .text import normalize, strip_urls, tokenize, words_of

__all__ = [
    "STAGES",
    "CUE_TEXTS",
    "BrandMatcher",
    "BrandMatch",
    "StageRules",
    "StageResult",
    "cue_text",
    "is_question",
    "skeleton",
]

STAGES = (
    "general",
    "competitor",
    "product",
    "first_review",
    "negative",
    "support",
    "churn",
    "awkward",
)

# ---------------------------------------------------------------------------------------------
# Brand matching

_TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "h",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sh",
        "ъ": "",
        "ы": "i",
        "ь": "",
        "э": "e",
        "ю": "iu",
        "я": "ia",
        "ә": "a",
        "ғ": "g",
        "қ": "k",
        "ң": "n",
        "ө": "o",
        "ұ": "u",
        "ү": "u",
        "һ": "h",
        "і": "i",
        "ї": "i",
        "є": "e",
        "ґ": "g",
        "'": "",
        "’": "",
    }
)
# (strings one of which a match contains, pattern, replacement): a rule none of whose
# strings is in the word is skipped without running its pattern.
_LATIN_RULES = [
    (("ph",), re.compile(r"ph"), "f"),
    (("kh",), re.compile(r"kh"), "h"),
    (("x",), re.compile(r"x"), "ks"),
    (("c",), re.compile(r"c(?=[eiy])"), "s"),
    (("c", "q"), re.compile(r"ck|c|q"), "k"),
    (("w",), re.compile(r"w"), "v"),
    (("y",), re.compile(r"y"), "i"),
    (("au", "eu"), re.compile(r"(?<=[ae])u"), "v"),  # Aurora ~ Аврора, Europe ~ Европа
    ((), re.compile(r"(.)\1+"), r"\1"),
]
_VOWELS = set("aeiou")
# Longest ending an inflected / agglutinated brand name may carry (Аврораның, Авроранікі).
_MAX_ENDING = 7
# Endings (in skeleton spelling) that inflect a name rather than derive a new word from it:
# Russian / Ukrainian case endings, and chains of Kazakh case / plural / possessive suffixes.
# «Орбитой», «Орбіті», «Орбитаның», «Орбитадағы» pass; «орбитальная», «Орбиталь» do not.
_SLAVIC_ENDINGS = {
    "",
    "a",
    "i",
    "e",
    "u",
    "o",
    "iu",
    "ia",
    "oi",
    "ei",
    "om",
    "em",
    "am",
    "ah",
    "ami",
    "iam",
    "iami",
    "iah",
    "oiu",
    "eiu",
    "ov",
    "ev",
    "im",
    "ih",
    "imi",
    "ogo",
    "ego",
    "omu",
    "emu",
    "s",
}
# Adjective endings of inner words of a name (Небесные / Небесными, Красный / Красным).
_ADJ_ENDINGS = {"ie", "oe", "aia", "iaia", "uiu", "iuiu", "ii", "oi", "ei", "ogo", "ego", "imi"}
_INNER_ENDINGS = _SLAVIC_ENDINGS | _ADJ_ENDINGS
_KK_ENDING_RE = re.compile(
    r"[aeiou]?(?:lar|ler|dar|der|tar|ter|nin|din|tin|nda|nde|dan|den|tan|ten|nan|nen|men|ben|"
    r"pen|niki|diki|tiki|ga|ge|ka|ke|na|ne|ni|di|ti|da|de|ta|te|gi|ki|im|in|si|i|a|e|n|m|s)*"
)


def _is_inflection(ending):
    return (
        ending in _SLAVIC_ENDINGS
        or ending.lstrip("aeiou").startswith("-")
        or (len(ending) <= _MAX_ENDING and _KK_ENDING_RE.fullmatch(ending) is not None)
    )


@lru_cache(maxsize=100_000)
def skeleton(word):
    """A spelling-tolerant Latin form of a word: Кенес, Kenes and KENES share one skeleton."""
    word = word.lower().translate(_TRANSLIT)
    for needs, pattern, repl in _LATIN_RULES:
        if not needs or any(map(word.__contains__, needs)):
            word = pattern.sub(repl, word)
    return word


@dataclass(frozen=True)
class BrandMatch:
    name: str  # the configured brand name
    kind: str  # "brand", "competitor" or "product"
    term: str  # the alias or product name that matched
    start: int  # first token index
    end: int  # one past the last token index
    ending: str  # what follows the stem in the last token (Kazakh case endings)


@dataclass
class _Term:
    prefixes: tuple
    name: str
    kind: str
    term: str
    exact: bool  # very short names (KFC, МТС) match whole words only


def _strip_ending(part):
    """The stem of an inner word of a name: its longest case ending removed, 4+ letters kept."""
    if len(part) < 5:
        return part
    for ending in sorted(_INNER_ENDINGS, key=len, reverse=True):
        if ending and part.endswith(ending) and len(part) - len(ending) >= 4:
            return part[: -len(ending)]
    return part


def _term_prefixes(term):
    parts = [skeleton(t) for t in tokenize(term)]
    parts = [p for p in parts if p]
    if not parts:
        return (), False
    exact = len(parts) == 1 and len(parts[0]) <= 3
    # Inner words of a multi-word name inflect too (Небесные Линии → Небесными Линиями):
    # keep their stem, the ending is checked against the case endings when matching.
    parts = [_strip_ending(p) for p in parts[:-1]] + [parts[-1]]
    last = parts[-1]
    # Drop a final vowel so the stem matches every case form (Aurora → auror: Авроры, Аврору).
    if len(last) >= 5 and last[-1] in _VOWELS:
        last = last[:-1]
    return tuple(parts[:-1]) + (last,), exact


class BrandMatcher:
    """Finds configured brand aliases, product names and competitors in token lists."""

    def __init__(self, brands):
        self._index = {}
        for spec in brands:
            kind = "competitor" if spec.is_competitor else "brand"
            terms = [(spec.name, kind)] + [(a, kind) for a in spec.aliases]
            terms += [(p, "product") for p in spec.products]
            for term, term_kind in terms:
                self._add(term, spec.name, term_kind)

    def _add(self, term, name, kind):
        prefixes, exact = _term_prefixes(term)
        if not prefixes or len(prefixes[0]) < 2:
            return
        entries = [_Term(prefixes, name, kind, term.strip(), exact)]
        if len(prefixes) > 1:  # glued forms: @AuroraBank, #kenesbank
            glued, _ = _term_prefixes(term.replace(" ", ""))
            entries.append(_Term(glued, name, kind, term.strip(), False))
        for entry in entries:
            self._index.setdefault(entry.prefixes[0][:2], []).append(entry)

    @staticmethod
    def _match_at(entry, skels, i):
        last = len(entry.prefixes) - 1
        if i + last >= len(skels):
            return None
        for j, prefix in enumerate(entry.prefixes):
            word = skels[i + j]
            if not word.startswith(prefix):
                return None
            rest = word[len(prefix) :]
            if entry.exact:
                if rest and not rest.startswith("-"):
                    return None
            elif j == last and not _is_inflection(rest):
                return None
            elif j < last and rest not in _INNER_ENDINGS and not rest.startswith("-"):
                return None
        return rest

    def find(self, tokens):
        """All matches in `tokens` (lowercased words); the longest term wins on overlap."""
        skels = [skeleton(t) for t in tokens]
        found = []
        for i, word in enumerate(skels):
            for entry in self._index.get(word[:2], ()):
                ending = self._match_at(entry, skels, i)
                if ending is not None:
                    found.append(
                        BrandMatch(
                            entry.name,
                            entry.kind,
                            entry.term,
                            i,
                            i + len(entry.prefixes),
                            tokens[i + len(entry.prefixes) - 1][-len(ending) :] if ending else "",
                        )
                    )
        # A product name containing the brand («Orbita Pay») is reported as the product only
        # once, the brand keeps its own mention too.
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        kept = []
        for match in found:
            if any(
                k.kind == match.kind
                and k.start <= match.start
                and match.end <= k.end
                and k != match
                for k in kept
            ):
                continue
            kept.append(match)
        return kept


# ---------------------------------------------------------------------------------------------
# Question detection

_QUESTION_RE = re.compile(QUESTION)


def is_question(text, norm=None):
    """True when the text asks something: a question mark or a leading question word.

    `norm`: `text` already normalized (text.normalize), when the caller has it."""
    if "?" in text and "?" in strip_urls(text):  # not the «?» of a link's query
        return True
    return bool(_QUESTION_RE.search(normalize(text) if norm is None else norm))


# ---------------------------------------------------------------------------------------------
# Why this stage: cues as (code, params) with one English sentence per code

# Every reason a stage decision can give, marked for the translation template: the Odoo side
# renders the same codes in the reader's language.
CUE_TEXTS = {
    "phrase": _lt("the words «%(quote)s»"),
    "sentiment": _lt("the tone is %(label)s"),
    "brand": _lt("our brand is named: %(name)s"),
    "competitor": _lt("a competitor is named: %(names)s"),
    "product": _lt("our product is named: %(name)s"),
    "cancels_product": _lt("cancels %(product)s: «%(quote)s»"),
    "switch_to_us": _lt("switches from a competitor to us"),
    "switch_away": _lt("switches to a competitor"),
    "question": _lt("it is a question"),
    "no_brand": _lt("no brand is named"),
    "no_words": _lt("there are no words, only signs or emoji"),
    "author_customer": _lt("the author is a customer"),
    "author_first": _lt("the author's first mention"),
    "author_complained": _lt("the author complained before"),
    "words": _lt("words typical of this stage: %(words)s"),
    "learnt": _lt("learnt from %(count)s corrections"),
    "sentiment_learnt": _lt("sentiment learnt from %(count)s corrections"),
}


def cue_text(code, params):
    """The English sentence of one cue."""
    return CUE_TEXTS[code] % params


# ---------------------------------------------------------------------------------------------
# Stage rules


def _compile(patterns):
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


_COMPILED = {
    stage: {strength: _compile(patterns) for strength, patterns in families.items()}
    for stage, families in CUES.items()
}
_SWITCH_RE = re.compile(SWITCH)
_CANCEL_PRODUCT_RE = re.compile(CANCEL_PRODUCT)


def _hits(stage, strength, text, limit=3):
    pattern = _COMPILED.get(stage, {}).get(strength)
    if pattern is None:
        return []
    hits = []
    for m in pattern.finditer(text):
        quote = m.group(0).strip(" ,.")
        if quote and quote not in hits:
            hits.append(quote)
            if len(hits) >= limit:
                break
    return hits


CUE_STAGES = tuple(stage for stage in STAGES if stage in CUES)


def cue_hits(stage, norm_text):
    """Quotes of the strong cues of `stage` found in normalized text."""
    return _hits(stage, "strong", norm_text, 2)


def _quote(text, limit=40):
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _phrase(hit):
    return ("phrase", {"quote": _quote(hit)})


@dataclass
class StageResult:
    stage: str
    confidence: float
    cue_codes: list  # [(code, params)], best reasons first
    scores: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)  # stage → [(code, params)]
    author_points: dict = field(default_factory=dict)  # stage → points from the author's history

    @property
    def cues(self):
        """The reasons as English sentences."""
        return [cue_text(code, params) for code, params in self.cue_codes]


class _Board:
    """Points and reasons per stage."""

    def __init__(self):
        self.scores = dict.fromkeys(STAGES, 0.0)
        self.reasons = {s: [] for s in STAGES}
        self.author = dict.fromkeys(STAGES, 0.0)  # the part of `scores` the author earned

    def add(self, stage, points, reason=None):
        self.scores[stage] += points
        if reason and points > 0 and reason not in self.reasons[stage]:
            self.reasons[stage].append(reason)

    def add_author(self, stage, points, reason=None):
        self.author[stage] += points
        self.add(stage, points, reason)


@dataclass
class _Context:
    """What every stage step reads: the normalized text and what was found in it."""

    norm: str
    tokens: list
    matches: tuple
    question: bool
    sentiment: float
    author: object
    brands: list
    competitors: list
    products: list

    @property
    def customer(self):
        return bool(self.author and self.author.is_customer)


def _switch_direction(tokens, matches):
    """'to_us', 'away' or '' from prepositions / Kazakh case endings around brand mentions."""
    for m in matches:
        before = tokens[m.start - 1] if m.start else ""
        ours = m.kind in ("brand", "product")
        if before in FROM_WORDS or m.ending.endswith(KK_ABLATIVE):
            return "away" if ours else "to_us"
        if before in TO_WORDS or (m.ending and m.ending.lstrip("-").endswith(KK_DATIVE)):
            return "to_us" if ours else "away"
    return ""


def _score_churn(board, ctx):
    """Leaving, cancelling, porting out."""
    churn = _hits("churn", "strong", ctx.norm)
    for n, hit in enumerate(churn):
        board.add("churn", 3.0 if n == 0 else 1.0, _phrase(hit))
    if churn and ctx.competitors:
        # Leaving while naming a competitor is churn to it, unless the switch is towards us.
        board.add("churn", 1.5, ("competitor", {"names": ctx.competitors[0].name}))
    for hit in _hits("churn", "weak", ctx.norm, 1):
        board.add("churn", 1.0 if (ctx.brands or ctx.sentiment < 0) else 0.5, _phrase(hit))
    if ctx.products:
        cancel = _CANCEL_PRODUCT_RE.search(ctx.norm)
        if cancel:
            board.add(
                "churn",
                3.0,
                (
                    "cancels_product",
                    {"product": ctx.products[0].term, "quote": _quote(cancel.group(0))},
                ),
            )
    return bool(churn)


def _score_awkward(board, ctx):
    """Reputation, rumours, regulators."""
    for n, hit in enumerate(_hits("awkward", "strong", ctx.norm)):
        board.add("awkward", 2.5 if n == 0 else 1.0, _phrase(hit))
    for hit in _hits("awkward", "weak", ctx.norm, 1):
        board.add("awkward", 0.8, _phrase(hit))


def _score_competitor(board, ctx, churn):
    """A named competitor, a comparison, the direction of a switch."""
    if ctx.competitors:
        names = sorted({m.name for m in ctx.competitors})
        board.add("competitor", 2.0, ("competitor", {"names": ", ".join(names)}))
        if ctx.brands:
            board.add("competitor", 0.5)
        for n, hit in enumerate(_hits("competitor", "strong", ctx.norm, 2)):
            board.add("competitor", 1.5 if n == 0 else 0.5, _phrase(hit))
        if _hits("competitor", "weak", ctx.norm, 1):
            board.add("competitor", 0.5)
    for hit in _hits("competitor", "generic", ctx.norm, 1):
        board.add("competitor", 2.0, _phrase(hit))
    if ctx.competitors and _SWITCH_RE.search(ctx.norm):
        direction = _switch_direction(ctx.tokens, ctx.matches)
        if direction == "to_us":
            board.add("competitor", 2.5 + (1.5 if churn else 0.0), ("switch_to_us", {}))
        elif direction == "away":
            board.add("churn", 4.0, ("switch_away", {}))


def _score_product(board, ctx):
    """Pre-purchase questions on price, terms, availability."""
    product_hits = _hits("product", "strong", ctx.norm)
    for n, hit in enumerate(product_hits[:2]):
        board.add("product", 1.5 if n == 0 else 0.75, _phrase(hit))
    if product_hits:
        if ctx.question:
            board.add("product", 0.5, ("question", {}))
        if ctx.brands:
            board.add("product", 0.5, ("brand", {"name": ctx.brands[0].name}))
    if ctx.products and ctx.question:
        board.add("product", 1.0, ("product", {"name": ctx.products[0].term}))
    product_weak = _hits("product", "weak", ctx.norm, 1)
    if product_weak and (product_hits or ctx.question):
        board.add("product", 0.5 if ctx.brands else 0.3, _phrase(product_weak[0]))


def _score_support(board, ctx):
    """An existing customer's how-to."""
    support_hits = _hits("support", "strong", ctx.norm)
    for n, hit in enumerate(support_hits[:2]):
        board.add("support", 2.0 if n == 0 else 0.5, _phrase(hit))
    possession = _hits("support", "weak", ctx.norm, 1)
    if possession and (support_hits or ctx.question):
        board.add("support", 0.7, _phrase(possession[0]))


def _score_first_review(board, ctx):
    """First impressions right after buying / visiting."""
    first_hits = _hits("first_review", "strong", ctx.norm)
    for n, hit in enumerate(first_hits[:2]):
        board.add("first_review", 2.5 if n == 0 else 0.5, _phrase(hit))
    if first_hits or _hits("first_review", "weak", ctx.norm, 1):
        if not first_hits:
            board.add("first_review", 0.5)
        if ctx.sentiment >= 0.2:
            board.add("first_review", 0.7, ("sentiment", {"label": "positive"}))
        if ctx.question:
            board.add("first_review", -1.0)


def _score_negative(board, ctx):
    """A complaint."""
    if ctx.sentiment <= -0.2:
        board.add("negative", 4.0 * -ctx.sentiment, ("sentiment", {"label": "negative"}))
    elif ctx.sentiment >= 0.2:
        board.add("negative", -1.0)
    for n, hit in enumerate(_hits("negative", "strong", ctx.norm, 2)):
        board.add("negative", 1.5 if n == 0 else 0.5, _phrase(hit))


def _score_author(board, ctx):
    """What the author's earlier mentions say; kept apart in `board.author` because no
    training text has an author: the trained model adds these points to its own."""
    author = ctx.author
    if not author:
        return
    if author.is_customer and ctx.question:
        board.add_author("support", 1.5, ("author_customer", {}))
        board.add_author("product", -0.5)
    if author.mentions == 0 and author.is_customer and not ctx.question:
        board.add_author("first_review", 1.0, ("author_first", {}))
        if author.days_since_first is not None and author.days_since_first <= 14:
            board.add_author("first_review", 0.5)
    if author.last_stage == "negative" and board.scores["negative"] > 0:
        board.add_author("negative", 0.5, ("author_complained", {}))
    if author.is_customer and board.scores["churn"] > 0:
        board.add_author("churn", 0.5, ("author_customer", {}))


def _score_general(board, ctx):
    """A category-level question, our brand not named."""
    for n, hit in enumerate(_hits("general", "strong", ctx.norm, 2)):
        board.add("general", 2.0 if n == 0 else 0.5, _phrase(hit))
    if not ctx.brands and not ctx.competitors:
        board.add("general", 1.0, ("no_brand", {}))
        if ctx.question:
            board.add("general", 1.5, ("question", {}))
        if _hits("general", "weak", ctx.norm, 1):
            board.add("general", 0.3)
    elif ctx.brands:
        board.add("general", -1.5)


class StageRules:
    """Scores the eight stages of a mention from cues and context."""

    def classify(
        self,
        text,
        *,
        tokens=None,
        matches=(),
        question=None,
        sentiment_score=0.0,
        author=None,
        norm=None,
    ):
        """The stage of `text`; `norm` is the text already normalized, when the caller has it."""
        norm = normalize(text) if norm is None else norm
        ctx = _Context(
            norm=norm,
            tokens=tokens if tokens is not None else words_of(norm),
            matches=tuple(matches),
            question=is_question(text, norm) if question is None else question,
            sentiment=sentiment_score,
            author=author,
            brands=[m for m in matches if m.kind in ("brand", "product")],
            competitors=[m for m in matches if m.kind == "competitor"],
            products=[m for m in matches if m.kind == "product"],
        )
        board = _Board()
        churn = _score_churn(board, ctx)
        _score_awkward(board, ctx)
        _score_competitor(board, ctx, churn)
        _score_product(board, ctx)
        _score_support(board, ctx)
        _score_first_review(board, ctx)
        _score_negative(board, ctx)
        _score_general(board, ctx)
        _score_author(board, ctx)
        if ctx.question:
            for stage in ("support", "product", "awkward"):
                if board.scores[stage] > 0 and ("question", {}) not in board.reasons[stage]:
                    board.reasons[stage].append(("question", {}))
        return self._decide(board)

    @staticmethod
    def _decide(board):
        scores = board.scores
        best = max(STAGES, key=lambda s: (scores[s], -STAGES.index(s)))
        if scores[best] <= 0.5:
            best = "general"
        top = max(scores.values())
        weights = {s: math.exp(v - top) for s, v in scores.items()}
        confidence = weights[best] / sum(weights.values())
        return StageResult(
            best,
            round(confidence, 3),
            board.reasons[best][:4],
            dict(scores),
            board.reasons,
            dict(board.author),
        )
