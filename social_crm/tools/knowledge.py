"""Knowledge search: the best approved answers for a mention, and typical-question clusters.

Pure Python (never imports odoo).  The Odoo side builds a :class:`KnowledgeIndex` from the
approved ``social_crm.knowledge.answer`` records (cached per database, rebuilt when answers
change) and calls :meth:`KnowledgeIndex.search` for each mention.

Scoring
-------
Texts become stems (``text.stems``: Snowball for ru/en, suffix stripping for uk/kk), so
«доставка / доставку / доставки» are one term.  Each question of an answer is a search unit;
the answer text (with the tags) is one more unit that counts for less (``ANSWER_WEIGHT``).
A term weighs BM25-style in a unit: ``idf × tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen))``.

A unit's score is in 0…1 and combines two coverages:

* how much of the unit's weight the mention contains (a question fully asked → 1), and
* how much of the mention's information the unit explains (a long rant with one question in
  it covers less), softened by ``QUERY_COVERAGE_EXPONENT`` so that noise around a real
  question costs little.

An answer's score is its best unit's, times ``LANG_MISMATCH`` when its language differs from
the mention's, boosted by ``STAGE_BOOST`` when it is tagged with the mention's stage.  Scores
mean the same for every query, so ``score >= GOOD_SCORE`` decides "we have an answer".
"""

from __future__ import annotations

import functools
import heapq
import math
from dataclasses import asdict, dataclass, field

from . import text

try:  # vectorised accumulation: ~1 ms per mention over 10,000 answers
    import numpy as _np
except ImportError:  # pure Python gives the same scores, only slower on large bases
    _np = None

GOOD_SCORE = 0.5  # at or above: a suggestion worth showing first
SHOW_SCORE = 0.1  # below: a stray shared word, not worth an agent's look
ANSWER_WEIGHT = 0.6  # the answer text counts for less than the questions it answers
LANG_MISMATCH = 0.75  # an answer in another language than the mention's
STAGE_BOOST = 0.1  # an answer made for the mention's stage
QUERY_COVERAGE_EXPONENT = 0.3
BM25_K1 = 1.2
BM25_B = 0.75
INDEX_VERSION = 1
# An incremental update overlays changed answers on the last full build, whose statistics
# (idf, average lengths) it keeps; past this share of changed answers it rebuilds instead.
REBUILD_FRACTION = 0.05

# Words that carry no topic in a question or a mention: function words and the polite frame
# around a question («здравствуйте, подскажите, пожалуйста»).  Surface forms, normalised.
STOP_WORDS = frozenset(
    """
и в во не на что как это но или а уже очень мне меня мой моя мои я ты вы вас вам ваш ваша ваши
он она они мы нас нам его ее их кто где когда почему зачем какой какая какие который которая
которые чтобы если ли бы же только еще даже все всех всем был была были было будет есть нет да
от для без при про под над через после перед можно нужно надо сегодня вчера завтра теперь
сейчас тоже также просто спасибо пожалуйста здравствуйте привет добрый день вечер утро доброе
подскажите подскажи скажите скажи помогите хочу хотел хотела так там тут здесь этот эта эти
этого это свой своей вот ни себя быть ну из за до у к ко с со об о по то же ещё всё
і й та що але чи дуже мені мене мій ви він вона вони ми його її хто де коли чому який яка які
щоб якщо лише тільки навіть усі всі був була були було буде є немає ні від для без при про
через після можна треба дякую будь ласка вітаю привіт підкажіть скажіть допоможіть цей ця ці
із зі з як
және мен сен ол біз сіз олар бұл осы сол не неге қалай қашан қайда кім ма ме ба бе па пе ғой
емес бар жоқ үшін деп керек өте тағы да де та те бірақ немесе ал енді рахмет сәлем
сәлеметсіз айтыңызшы маған менің
the a an and or but is are was were be been am i you he she it we they me my your our their
his her its this that these those what which who when where why how do does did have has had
not no yes with for from to of in on at by about into can could should would will may might
there here than then also only any some all please thanks thank hi hello hey anyone get got
""".split()
)


@dataclass
class AnswerDoc:
    """One approved knowledge answer, as the index sees it."""

    id: object
    questions: list = field(default_factory=list)
    answer: str = ""
    lang: str = ""
    stages: list = field(default_factory=list)
    tags: list = field(default_factory=list)


def terms(value, lang):
    """Distinct topic stems of ``value`` in ``lang``, in order of appearance."""
    seen = {}
    for token in text.tokenize(value):
        if token in STOP_WORDS or (len(token) < 2 and not token.isdigit()):
            continue
        seen.setdefault(text.stem(token, lang), None)
    return list(seen)


def _term_counts(value, lang):
    counts = {}
    for token in text.tokenize(value):
        if token in STOP_WORDS or (len(token) < 2 and not token.isdigit()):
            continue
        stem = text.stem(token, lang)
        counts[stem] = counts.get(stem, 0) + 1
    return counts


# A rebuild after one answer changed re-reads every answer: remembering each text's term
# counts makes it count only the changed ones (10,000 answers: ~2.2 s → ~1 s). The dicts are
# shared, never modified.  ~30,000 texts for 10,000 answers fit.
_cached_term_counts = functools.lru_cache(maxsize=50_000)(_term_counts)


def _idf(df, n_docs):
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


def _doc_units(doc):
    """[(factor, {stem: tf}, kind)]: the search units of one answer (questions, then body)."""
    stem_lang = (doc.lang or "").lower() or "ru"  # no declared language: Cyrillic is common
    units = []
    for question in doc.questions or ():
        counts = _cached_term_counts(question, stem_lang)
        if counts:
            units.append((1.0, counts, "q"))
    body = " ".join([doc.answer or ""] + list(doc.tags or ()))
    counts = _cached_term_counts(body, stem_lang)
    if counts:
        units.append((ANSWER_WEIGHT, counts, "a"))
    return units


def _unit_weights(counts, kind, idf, avg_len):
    """{stem: BM25 weight²} of one unit under the given statistics."""
    norm = BM25_K1 * (1 - BM25_B + BM25_B * sum(counts.values()) / avg_len[kind])
    weights = {}
    for stem, tf in counts.items():
        weight = idf[stem] * tf * (BM25_K1 + 1) / (tf + norm)
        weights[stem] = weight * weight
    return weights


def _as_doc(doc):
    return doc if isinstance(doc, AnswerDoc) else AnswerDoc(**doc)


class KnowledgeIndex:
    """An inverted index of stems → (unit, squared BM25 weight) over approved answers.

    :meth:`build` indexes every answer.  :meth:`updated` applies a few changed, new or
    removed answers to an index in milliseconds: it returns a new index that shares the
    fully built one (its *base*) and overlays the changed answers — their old units are
    switched off (infinite mass scores 0) and their new units are weighed with the base's
    statistics (corpus size, document frequencies, average lengths).  Those statistics are
    what an overlay leaves out: while at most ``REBUILD_FRACTION`` of the answers changed,
    idf moves by a few hundredths and rankings stay those of a full rebuild (top-1 agreement
    is measured by ``bench/knowledge.py``); past it, :meth:`updated` rebuilds in full.
    """

    def __init__(self):
        self.docs = []
        self._pos_of = {}  # answer id → doc position
        self._removed = frozenset()  # positions of answers no longer indexed
        self._postings = {}  # stem → [(unit, weight²)] (the base's units)
        self._idf = {}  # stem → idf
        self._unseen_idf = 0.0  # idf of a query term no answer uses
        self._avg_len = {"q": 1.0, "a": 1.0}  # mean unit length per kind (BM25 norm)
        self._unit_doc = []  # unit → doc position
        self._unit_factor = []  # unit → 1.0 (question) | ANSWER_WEIGHT (answer text)
        self._unit_mass = []  # unit → Σ weight² (inf: a switched-off unit, scores 0)
        self._unit_terms = []  # unit → {stem: weight²} (the linear reference scan)
        self._doc_units = []  # doc position → (first unit, end) in the base
        self._doc_lang = []  # doc position → language ('' = any)
        self._doc_stages = []
        self._langs = ()
        self._lang_count = {}  # language → indexed answers in it
        self._arrays = None  # numpy copies of the above (see _build_arrays)
        self._pair_postings = None  # the pure-Python path's postings (see _pairs)
        self._stage_masks = {}
        self._base = None  # the fully built index this one overlays (None: itself)
        self._overlay = {}  # doc position → AnswerDoc | None (removed), since the base
        self._overlay_postings = {}  # stem → [(unit, weight²)] of the overlay's units
        self._overlay_pairs = {}

    # ------------------------------------------------------------------ build

    @classmethod
    def build(cls, docs):
        index = cls()
        index.docs = [_as_doc(doc) for doc in docs]
        units = []  # (doc position, factor, {stem: tf}, kind)
        df = {}
        for pos, doc in enumerate(index.docs):
            index._pos_of[doc.id] = pos
            index._doc_lang.append((doc.lang or "").lower())
            index._doc_stages.append(frozenset(doc.stages or ()))
            first = len(units)
            doc_terms = set()
            for factor, counts, kind in _doc_units(doc):
                units.append((pos, factor, counts, kind))
                doc_terms.update(counts)
            index._doc_units.append((first, len(units)))
            for stem in doc_terms:
                df[stem] = df.get(stem, 0) + 1
        n_docs = max(len(index.docs), 1)
        index._idf = {stem: _idf(count, n_docs) for stem, count in df.items()}
        index._unseen_idf = _idf(0, n_docs)
        for kind in ("q", "a"):
            lengths = [sum(c.values()) for _, _, c, k in units if k == kind]
            index._avg_len[kind] = (sum(lengths) / len(lengths)) if lengths else 1.0
        postings = {}
        for unit, (pos, factor, counts, kind) in enumerate(units):
            weights = _unit_weights(counts, kind, index._idf, index._avg_len)
            for stem, weight2 in weights.items():
                postings.setdefault(stem, []).append((unit, weight2))
            index._unit_doc.append(pos)
            index._unit_factor.append(factor)
            index._unit_mass.append(sum(weights.values()))
            index._unit_terms.append(weights)
        index._postings = postings
        for lang in index._doc_lang:
            index._lang_count[lang] = index._lang_count.get(lang, 0) + 1
        index._langs = tuple(sorted(lang for lang in index._lang_count if lang))
        if _np is not None:
            index._build_arrays()
        return index

    def _build_arrays(self):
        """Postings as one CSR pair of arrays (stem → slice) plus per-unit / per-doc arrays."""
        ranges, units, weights = {}, [], []
        for stem, plist in self._postings.items():
            ranges[stem] = (len(units), len(units) + len(plist))
            units.extend(unit for unit, _ in plist)
            weights.extend(weight2 for _, weight2 in plist)
        self._arrays = {
            "ranges": ranges,
            "units": _np.array(units, dtype=_np.int64),
            "weights": _np.array(weights, dtype=_np.float64),
            "overlay": {},
        }
        self._build_unit_arrays()

    def _build_unit_arrays(self):
        self._arrays.update(
            {
                "unit_doc": _np.array(self._unit_doc, dtype=_np.int64),
                "unit_factor": _np.array(self._unit_factor, dtype=_np.float64),
                "unit_mass": _np.array(self._unit_mass, dtype=_np.float64),
                "doc_lang": _np.array(self._doc_lang, dtype=object),
            }
        )

    def _pairs(self):
        """The pure-Python path's postings, (base's, overlay's): one complex number per
        posting carries both sums — real = the unit's matched weight², imag = the query's
        matched idf² — so the hot loop does one dict update instead of two."""
        if self._pair_postings is None:
            self._overlay_pairs = {
                stem: [(unit, complex(weight2, self._idf[stem] ** 2)) for unit, weight2 in plist]
                for stem, plist in self._overlay_postings.items()
            }
            self._pair_postings = (
                self._base._pairs()[0]
                if self._base is not None
                else {
                    stem: [
                        (unit, complex(weight2, self._idf[stem] ** 2)) for unit, weight2 in plist
                    ]
                    for stem, plist in self._postings.items()
                }
            )
        return self._pair_postings, self._overlay_pairs

    # ------------------------------------------------------------------ incremental update

    def updated(self, changed=(), removed_ids=()):
        """A new index with ``changed`` answers (new or edited) and without ``removed_ids``.

        ``self`` stays valid and unchanged (other threads may be searching it).  Changed
        answers keep their position (ties still break in the order answers were first
        given), new ones come last, as a full build from answers in id order would place
        them.  Past ``REBUILD_FRACTION`` of the answers changed since the last full build,
        the result is a full build.
        """
        if not changed and not removed_ids:
            return self
        base = self._base or self
        docs, pos_of, overlay = list(self.docs), dict(self._pos_of), dict(self._overlay)
        for doc in map(_as_doc, changed):
            pos = pos_of.get(doc.id)
            if pos is None:
                pos = pos_of[doc.id] = len(docs)
                docs.append(doc)
            else:
                docs[pos] = doc
            overlay[pos] = doc
        for doc_id in removed_ids:
            pos = pos_of.get(doc_id)
            if pos is not None:
                overlay[pos] = None
        removed = frozenset(pos for pos, doc in overlay.items() if doc is None)
        if len(overlay) > REBUILD_FRACTION * max(len(base.docs), 1):
            return type(self).build(doc for pos, doc in enumerate(docs) if pos not in removed)
        return self._overlaid(base, docs, pos_of, overlay, removed)

    @classmethod
    def _overlaid(cls, base, docs, pos_of, overlay, removed):
        index = cls()
        index._base, index.docs, index._pos_of = base, docs, pos_of
        index._overlay, index._removed = overlay, removed
        index._postings, index._avg_len = base._postings, base._avg_len
        index._unseen_idf = base._unseen_idf
        n_built = max(len(base.docs), 1)
        new_units, new_df = [], {}  # (pos, factor, counts, kind); df of stems the base lacks
        for pos in sorted(overlay):
            doc = overlay[pos]
            if doc is None:
                continue
            doc_terms = set()
            for factor, counts, kind in _doc_units(doc):
                new_units.append((pos, factor, counts, kind))
                doc_terms.update(counts)
            for stem in doc_terms.difference(base._idf):
                new_df[stem] = new_df.get(stem, 0) + 1
        index._idf = (
            base._idf
            if not new_df
            else {**base._idf, **{stem: _idf(count, n_built) for stem, count in new_df.items()}}
        )
        unit_mass = list(base._unit_mass)
        for pos in overlay:  # the base's units of a changed or removed answer score 0
            if pos < len(base.docs):
                first, end = base._doc_units[pos]
                unit_mass[first:end] = [math.inf] * (end - first)
        unit_doc, unit_factor = list(base._unit_doc), list(base._unit_factor)
        unit_terms = list(base._unit_terms)
        postings = {}
        for pos, factor, counts, kind in new_units:
            unit = len(unit_doc)
            weights = _unit_weights(counts, kind, index._idf, base._avg_len)
            for stem, weight2 in weights.items():
                postings.setdefault(stem, []).append((unit, weight2))
            unit_doc.append(pos)
            unit_factor.append(factor)
            unit_mass.append(sum(weights.values()))
            unit_terms.append(weights)
        index._unit_doc, index._unit_factor = unit_doc, unit_factor
        index._unit_mass, index._unit_terms = unit_mass, unit_terms
        index._doc_units = base._doc_units
        index._overlay_postings = postings
        doc_lang, doc_stages = list(base._doc_lang), list(base._doc_stages)
        lang_count = dict(base._lang_count)
        for pos in sorted(overlay):
            if pos < len(base.docs):  # the base counted this answer's old language
                lang_count[doc_lang[pos]] -= 1
            else:
                doc_lang.append("")
                doc_stages.append(frozenset())
            doc = overlay[pos] or docs[pos]
            doc_lang[pos] = (doc.lang or "").lower()
            doc_stages[pos] = frozenset(doc.stages or ())
            if overlay[pos] is not None:
                lang_count[doc_lang[pos]] = lang_count.get(doc_lang[pos], 0) + 1
        index._doc_lang, index._doc_stages, index._lang_count = doc_lang, doc_stages, lang_count
        index._langs = tuple(sorted(lang for lang, count in lang_count.items() if lang and count))
        if base._arrays is not None:
            index._arrays = dict(
                base._arrays,
                overlay={
                    stem: (
                        _np.array([u for u, _ in plist], dtype=_np.int64),
                        _np.array([w for _, w in plist], dtype=_np.float64),
                    )
                    for stem, plist in postings.items()
                },
            )
            index._build_unit_arrays()
        else:
            index._pairs()
        return index

    @property
    def overlay_size(self):
        """How many answers changed since the last full build (0 right after one)."""
        return len(self._overlay)

    def __len__(self):
        return len(self.docs) - len(self._removed)

    def to_dict(self):
        """Plain data to cache or ship; :meth:`from_dict` rebuilds (fast: stems are cached)."""
        return {
            "version": INDEX_VERSION,
            "docs": [asdict(doc) for pos, doc in enumerate(self.docs) if pos not in self._removed],
        }

    @classmethod
    def from_dict(cls, data):
        return cls.build(AnswerDoc(**doc) for doc in (data or {}).get("docs", ()))

    # ------------------------------------------------------------------ search

    def _query(self, value, lang):
        """(query stems, Σ idf² of the query) for ``value`` stemmed in ``lang``."""
        stems = terms(value, lang)
        mass = sum(self._idf.get(s, self._unseen_idf) ** 2 for s in stems)
        return stems, mass

    def _unit_score(self, unit, matched_unit, matched_query, query_mass):
        if not query_mass or not self._unit_mass[unit]:
            return 0.0
        unit_cov = min(matched_unit / self._unit_mass[unit], 1.0)
        query_cov = min(matched_query / query_mass, 1.0)
        return (
            self._unit_factor[unit]
            * unit_cov ** (1 - QUERY_COVERAGE_EXPONENT)
            * query_cov**QUERY_COVERAGE_EXPONENT
        )

    def _doc_factor(self, pos, lang, stage):
        factor = 1.0
        doc_lang = self._doc_lang[pos]
        if lang and doc_lang and doc_lang != lang:
            factor *= LANG_MISMATCH
        if stage and stage in self._doc_stages[pos]:
            factor *= 1 + STAGE_BOOST
        return factor

    def _query_plans(self, value, lang):
        """[(query stems, query mass, unit filter)]: one plan per stemming language.

        With the mention's language known, one stemming serves every answer.  Without it,
        the text is stemmed in each language the index holds and each answer is scored with
        its own language's stems (answers without a language take the best of them).
        """
        lang = (lang or "").lower()
        if lang:
            return [(*self._query(value, lang), None)]
        plans = []
        for each in self._langs or ("ru",):
            plans.append((*self._query(value, each), each))
        return plans

    def search(self, value, lang="", stage="", limit=5, min_score=0.0):
        """[(answer id, score 0…1)] best first; ties keep the order the answers were given."""
        if self._arrays is not None:
            return self._search_numpy(value, lang, stage, limit, min_score)
        return self._search_python(value, lang, stage, limit, min_score)

    def _search_numpy(self, value, lang, stage, limit, min_score):
        arrays = self._arrays
        lang = (lang or "").lower()
        n_units = len(self._unit_doc)
        best = _np.zeros(len(self.docs))
        if not n_units:
            return []
        for stems, query_mass, only_lang in self._query_plans(value, lang):
            matched_unit = _np.zeros(n_units)
            matched_query = _np.zeros(n_units)
            for stem in stems:
                span = arrays["ranges"].get(stem)
                if span is not None:
                    units = arrays["units"][span[0] : span[1]]
                    matched_unit[units] += arrays["weights"][span[0] : span[1]]
                    matched_query[units] += self._idf[stem] ** 2
                overlaid = arrays["overlay"].get(stem)
                if overlaid is not None:
                    matched_unit[overlaid[0]] += overlaid[1]
                    matched_query[overlaid[0]] += self._idf[stem] ** 2
            touched = _np.flatnonzero(matched_query)
            if not touched.size or not query_mass:
                continue
            docs = arrays["unit_doc"][touched]
            if only_lang:
                doc_lang = arrays["doc_lang"][docs]
                keep = (doc_lang == only_lang) | (doc_lang == "")
                touched, docs = touched[keep], docs[keep]
            unit_cov = _np.minimum(matched_unit[touched] / arrays["unit_mass"][touched], 1.0)
            query_cov = _np.minimum(matched_query[touched] / query_mass, 1.0)
            scores = (
                arrays["unit_factor"][touched]
                * unit_cov ** (1 - QUERY_COVERAGE_EXPONENT)
                * query_cov**QUERY_COVERAGE_EXPONENT
            )
            _np.maximum.at(best, docs, scores)
        return self._rank_numpy(best, lang, stage, limit, min_score)

    def _doc_factors(self, lang, stage):
        """Per-doc language × stage factor as an array (the vector form of _doc_factor)."""
        factors = _np.ones(len(self.docs))
        if lang:
            doc_lang = self._arrays["doc_lang"]
            factors[(doc_lang != lang) & (doc_lang != "")] *= LANG_MISMATCH
        if stage:
            mask = self._stage_masks.get(stage)
            if mask is None:
                mask = _np.array([stage in stages for stages in self._doc_stages], dtype=bool)
                self._stage_masks[stage] = mask
            factors[mask] *= 1 + STAGE_BOOST
        return factors

    def _rank_numpy(self, best, lang, stage, limit, min_score):
        scores = _np.round(best * self._doc_factors(lang, stage), 6)
        positions = _np.flatnonzero((scores > 0) & (_np.minimum(scores, 1.0) >= min_score))
        if limit and positions.size > limit:
            # everything tied with the limit-th score stays in, so ties break by position
            kth = _np.partition(scores[positions], positions.size - limit)[positions.size - limit]
            positions = positions[scores[positions] >= kth]
        order = _np.lexsort((positions, -scores[positions]))
        if limit:
            order = order[:limit]
        return [
            (self.docs[int(pos)].id, round(min(float(scores[pos]), 1.0), 4))
            for pos in positions[order]
        ]

    def _search_python(self, value, lang="", stage="", limit=5, min_score=0.0):
        lang = (lang or "").lower()
        postings, overlaid = self._pairs()
        unit_doc, unit_mass, unit_factor = self._unit_doc, self._unit_mass, self._unit_factor
        doc_lang = self._doc_lang
        unit_exp, query_exp = 1 - QUERY_COVERAGE_EXPONENT, QUERY_COVERAGE_EXPONENT
        best = {}
        for stems, query_mass, only_lang in self._query_plans(value, lang):
            if not query_mass:
                continue
            matched = {}
            get = matched.get
            for stem in stems:
                for unit, pair in postings.get(stem, ()):
                    matched[unit] = get(unit, 0j) + pair
                for unit, pair in overlaid.get(stem, ()):
                    matched[unit] = get(unit, 0j) + pair
            for unit, pair in matched.items():
                pos = unit_doc[unit]
                if only_lang and doc_lang[pos] not in (only_lang, ""):
                    continue
                # the same arithmetic as _unit_score, inlined: this loop is the hot path
                unit_cov = min(pair.real / unit_mass[unit], 1.0)
                query_cov = min(pair.imag / query_mass, 1.0)
                score = unit_factor[unit] * unit_cov**unit_exp * query_cov**query_exp
                if score > best.get(pos, 0.0):
                    best[pos] = score
        return self._rank(best, lang, stage, limit, min_score)

    def search_linear(self, value, lang="", stage="", limit=5, min_score=0.0):
        """The same scoring by scanning every unit: the reference for tests and the bench."""
        lang = (lang or "").lower()
        best = {}
        for stems, query_mass, only_lang in self._query_plans(value, lang):
            for unit, weights in enumerate(self._unit_terms):
                pos = self._unit_doc[unit]
                if only_lang and self._doc_lang[pos] not in (only_lang, ""):
                    continue
                common = [s for s in stems if s in weights]
                if not common:
                    continue
                score = self._unit_score(
                    unit,
                    sum(weights[s] for s in common),
                    sum(self._idf[s] ** 2 for s in common),
                    query_mass,
                )
                if score > best.get(pos, 0.0):
                    best[pos] = score
        return self._rank(best, lang, stage, limit, min_score)

    def _rank(self, best, lang, stage, limit, min_score):
        """[(id, score)] from {doc position: raw score}: language and stage factors applied.

        Ranked on the boosted score, reported capped at 1 (a stage boost still decides
        between two perfect matches).  With a limit, answers are visited best raw score
        first and the visit stops once even the largest boost could not reach the top.
        """
        doc_factor = self._doc_factor
        max_factor = (1 + STAGE_BOOST) if stage else 1.0
        top = []  # min-heap of (score, -position): top[0] is the weakest kept
        for pos, raw in sorted(best.items(), key=lambda item: (-item[1], item[0])):
            bound = round(raw * max_factor, 6)
            if bound <= 0 or min(bound, 1.0) < min_score:
                break
            if limit and len(top) == limit and bound < top[0][0]:
                break
            score = round(raw * doc_factor(pos, lang, stage), 6)
            if score <= 0 or min(score, 1.0) < min_score:
                continue
            if not limit or len(top) < limit:
                heapq.heappush(top, (score, -pos))
            elif (score, -pos) > top[0]:
                heapq.heapreplace(top, (score, -pos))
        ranked = sorted(top, key=lambda item: (-item[0], -item[1]))
        return [(self.docs[-neg_pos].id, round(min(score, 1.0), 4)) for score, neg_pos in ranked]

    def matched_terms(self, doc_id, value, lang=""):
        """Surface words of ``value`` found in the answer ``doc_id`` (to explain a suggestion)."""
        pos = self._pos_of.get(doc_id)
        if pos is None or pos in self._removed:
            return []
        stem_lang = (lang or self._doc_lang[pos] or "ru").lower()
        doc_stems = set()
        for unit, unit_pos in enumerate(self._unit_doc):
            if unit_pos == pos and self._unit_mass[unit] != math.inf:
                doc_stems.update(self._unit_terms[unit])
        words = []
        for token in text.tokenize(value):
            if (
                token not in STOP_WORDS
                and text.stem(token, stem_lang) in doc_stems
                and token not in words
            ):
                words.append(token)
        return words


# ---------------------------------------------------------------------------------------------
# Typical questions: group recent questions into clusters → new knowledge answers

CLUSTER_SIMILARITY = 0.4  # idf-weighted cosine between two questions to share a cluster
KEY_TERMS = 5
# The idf of a clustering term is smoothed as if every term had also been seen in
# CLUSTER_PRIOR_DF of CLUSTER_PRIOR_DOCS other questions.  On a few dozen questions raw idf
# swings hard with what else happens to be in the window (a word shared by three questions
# of four weighs half a word seen once, so those three stop looking alike); the prior keeps
# such small corpora close to plain word overlap, while on thousands of questions the
# observed frequencies dominate as before.
CLUSTER_PRIOR_DOCS = 50
CLUSTER_PRIOR_DF = 1


@dataclass
class Cluster:
    representative: str  # the member closest to all others
    representative_id: object
    member_ids: list
    key_terms: list  # the commonest topic words (surface forms)
    lang: str = ""

    @property
    def size(self):
        return len(self.member_ids)


def _cosine(a, b):
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    return dot  # vectors are unit length


def _cluster_words(value):
    """Topic words of a question for clustering: compounds split into their parts.

    «SMS-код» and «код из SMS» share «код» and «sms»: a hyphenated compound is one token to
    the tokenizer, but for grouping questions its parts are what people reword.
    """
    for token in text.tokenize(value):
        for part in token.split("-") if "-" in token else (token,):
            if part in STOP_WORDS or len(part) < 2:
                continue
            yield part


def cluster_idf(df, n_items):
    """Smoothed idf of a term found in ``df`` of ``n_items`` questions (see CLUSTER_PRIOR_*)."""
    return math.log(1 + (n_items + CLUSTER_PRIOR_DOCS) / (df + CLUSTER_PRIOR_DF))


def cluster_questions(items, min_size=2, similarity=CLUSTER_SIMILARITY):
    """Group ``items`` [(id, text, lang)] into clusters of at least ``min_size`` questions.

    Deterministic greedy clustering: every question becomes an idf-weighted, unit-length
    vector of stems (idf smoothed, see ``cluster_idf``); the question with the most close
    neighbours (ties: the earlier one) seeds a cluster with all its still free neighbours at
    or above ``similarity``; repeat.  Seeding from the densest question, rather than chaining
    neighbours of neighbours, keeps a cluster about one thing.  Largest clusters first.
    """
    items = list(items)
    stems_of = []
    surface = {}  # stem → {surface word: count}
    for _, value, lang in items:
        lang = (lang or "ru").lower()
        item_stems = set()
        for token in _cluster_words(value):
            stem = (lang, text.stem(token, lang))
            item_stems.add(stem)
            words = surface.setdefault(stem, {})
            words[token] = words.get(token, 0) + 1
        stems_of.append(item_stems)
    n = len(items)
    df = {}
    for item_stems in stems_of:
        for stem in item_stems:
            df[stem] = df.get(stem, 0) + 1
    idf = {stem: cluster_idf(count, n) for stem, count in df.items()}
    vectors = []
    for item_stems in stems_of:
        norm = math.sqrt(sum(idf[s] ** 2 for s in item_stems)) or 1.0
        vectors.append({s: idf[s] / norm for s in item_stems})

    postings = {}
    for i, item_stems in enumerate(stems_of):
        for stem in item_stems:
            postings.setdefault(stem, []).append(i)
    neighbours = []
    for i, vector in enumerate(vectors):
        candidates = sorted({j for s in vector for j in postings[s] if j != i})
        close = {}
        for j in candidates:
            sim = _cosine(vector, vectors[j])
            if sim >= similarity:
                close[j] = sim
        neighbours.append(close)

    order = sorted(
        range(len(items)), key=lambda i: (-len(neighbours[i]), -sum(neighbours[i].values()), i)
    )
    taken = set()
    clusters = []
    for seed in order:
        if seed in taken:
            continue
        members = [seed] + [j for j in sorted(neighbours[seed]) if j not in taken]
        if len(members) < max(min_size, 1):
            continue
        taken.update(members)
        members.sort()
        clusters.append(
            (
                -len(members),
                members[0],
                _make_cluster(items, members, vectors, stems_of, idf, surface),
            )
        )
    clusters.sort(key=lambda c: c[:2])
    return [cluster for _, _, cluster in clusters]


def _make_cluster(items, members, vectors, stems_of, idf, surface):
    def centrality(i):
        return sum(_cosine(vectors[i], vectors[j]) for j in members if j != i)

    rep = max(members, key=lambda i: (centrality(i), -i))
    counts = {}
    for i in members:
        for stem in stems_of[i]:
            counts[stem] = counts.get(stem, 0) + 1
    ranked = sorted(counts, key=lambda s: (-counts[s], -idf[s], s[1]))
    key_terms = []
    for stem in ranked:
        if counts[stem] < 2 and key_terms:
            break
        words = surface[stem]
        key_terms.append(max(sorted(words), key=lambda w: words[w]))
        if len(key_terms) == KEY_TERMS:
            break
    langs = {}
    for i in members:
        lang = (items[i][2] or "").lower()
        langs[lang] = langs.get(lang, 0) + 1
    lang = max(sorted(langs), key=lambda code: langs[code]) if langs else ""
    return Cluster(
        representative=items[rep][1],
        representative_id=items[rep][0],
        member_ids=[items[i][0] for i in members],
        key_terms=key_terms,
        lang=lang,
    )
