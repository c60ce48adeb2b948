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

GOOD_SCORE = 0.5          # at or above: a suggestion worth showing first
SHOW_SCORE = 0.1          # below: a stray shared word, not worth an agent's look
ANSWER_WEIGHT = 0.6       # the answer text counts for less than the questions it answers
LANG_MISMATCH = 0.75      # an answer in another language than the mention's
STAGE_BOOST = 0.1         # an answer made for the mention's stage
QUERY_COVERAGE_EXPONENT = 0.3
BM25_K1 = 1.2
BM25_B = 0.75
INDEX_VERSION = 1

# Words that carry no topic in a question or a mention: function words and the polite frame
# around a question («здравствуйте, подскажите, пожалуйста»).  Surface forms, normalised.
STOP_WORDS = frozenset("""
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
""".split())


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


class KnowledgeIndex:
    """An inverted index of stems → (unit, squared BM25 weight) over approved answers."""

    def __init__(self):
        self.docs = []
        self._postings = {}      # stem → [(unit, weight²)]
        self._idf = {}           # stem → idf
        self._unseen_idf = 0.0   # idf of a query term no answer uses
        self._unit_doc = []      # unit → doc position
        self._unit_factor = []   # unit → 1.0 (question) | ANSWER_WEIGHT (answer text)
        self._unit_mass = []     # unit → Σ weight²
        self._unit_terms = []    # unit → {stem: weight²} (the linear reference scan)
        self._doc_lang = []      # doc position → language ('' = any)
        self._doc_stages = []
        self._langs = ()
        self._arrays = None      # numpy copies of the above (see _build_arrays)
        self._pair_postings = None  # the pure-Python path's postings (see _search_python)
        self._stage_masks = {}

    # ------------------------------------------------------------------ build

    @classmethod
    def build(cls, docs):
        index = cls()
        index.docs = [doc if isinstance(doc, AnswerDoc) else AnswerDoc(**doc) for doc in docs]
        units = []  # (doc position, factor, {stem: tf}, kind)
        df = {}
        for pos, doc in enumerate(index.docs):
            lang = (doc.lang or "").lower()
            index._doc_lang.append(lang)
            index._doc_stages.append(frozenset(doc.stages or ()))
            stem_lang = lang or "ru"  # no declared language: Cyrillic is our common case
            doc_terms = set()
            for question in doc.questions or ():
                counts = _cached_term_counts(question, stem_lang)
                if counts:
                    units.append((pos, 1.0, counts, "q"))
                    doc_terms.update(counts)
            body = " ".join([doc.answer or ""] + list(doc.tags or ()))
            counts = _cached_term_counts(body, stem_lang)
            if counts:
                units.append((pos, ANSWER_WEIGHT, counts, "a"))
                doc_terms.update(counts)
            for stem in doc_terms:
                df[stem] = df.get(stem, 0) + 1
        n_docs = max(len(index.docs), 1)
        index._idf = {stem: _idf(count, n_docs) for stem, count in df.items()}
        index._unseen_idf = _idf(0, n_docs)
        avg_len = {}
        for kind in ("q", "a"):
            lengths = [sum(c.values()) for _, _, c, k in units if k == kind]
            avg_len[kind] = (sum(lengths) / len(lengths)) if lengths else 1.0
        postings = {}
        for unit, (pos, factor, counts, kind) in enumerate(units):
            norm = BM25_K1 * (1 - BM25_B + BM25_B * sum(counts.values()) / avg_len[kind])
            weights = {}
            for stem, tf in counts.items():
                weight = index._idf[stem] * tf * (BM25_K1 + 1) / (tf + norm)
                weights[stem] = weight * weight
                postings.setdefault(stem, []).append((unit, weights[stem]))
            index._unit_doc.append(pos)
            index._unit_factor.append(factor)
            index._unit_mass.append(sum(weights.values()))
            index._unit_terms.append(weights)
        index._postings = postings
        index._langs = tuple(sorted({lang for lang in index._doc_lang if lang}))
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
            "unit_doc": _np.array(self._unit_doc, dtype=_np.int64),
            "unit_factor": _np.array(self._unit_factor, dtype=_np.float64),
            "unit_mass": _np.array(self._unit_mass, dtype=_np.float64),
            "doc_lang": _np.array(self._doc_lang, dtype=object),
        }

    def __len__(self):
        return len(self.docs)

    def to_dict(self):
        """Plain data to cache or ship; :meth:`from_dict` rebuilds (fast: stems are cached)."""
        return {"version": INDEX_VERSION, "docs": [asdict(doc) for doc in self.docs]}

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
        return self._unit_factor[unit] * unit_cov ** (1 - QUERY_COVERAGE_EXPONENT) \
            * query_cov ** QUERY_COVERAGE_EXPONENT

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
                if span is None:
                    continue
                units = arrays["units"][span[0]:span[1]]
                matched_unit[units] += arrays["weights"][span[0]:span[1]]
                matched_query[units] += self._idf[stem] ** 2
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
            scores = arrays["unit_factor"][touched] \
                * unit_cov ** (1 - QUERY_COVERAGE_EXPONENT) \
                * query_cov ** QUERY_COVERAGE_EXPONENT
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
        return [(self.docs[int(pos)].id, round(min(float(scores[pos]), 1.0), 4))
                for pos in positions[order]]

    def _search_python(self, value, lang="", stage="", limit=5, min_score=0.0):
        lang = (lang or "").lower()
        if self._pair_postings is None:
            # one complex number per posting carries both sums: real = the unit's matched
            # weight², imag = the query's matched idf² — one dict update instead of two
            self._pair_postings = {
                stem: [(unit, complex(weight2, self._idf[stem] ** 2)) for unit, weight2 in plist]
                for stem, plist in self._postings.items()}
        postings = self._pair_postings
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
            for unit, pair in matched.items():
                pos = unit_doc[unit]
                if only_lang and doc_lang[pos] not in (only_lang, ""):
                    continue
                # the same arithmetic as _unit_score, inlined: this loop is the hot path
                unit_cov = min(pair.real / unit_mass[unit], 1.0)
                query_cov = min(pair.imag / query_mass, 1.0)
                score = unit_factor[unit] * unit_cov ** unit_exp * query_cov ** query_exp
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
                score = self._unit_score(unit, sum(weights[s] for s in common),
                                         sum(self._idf[s] ** 2 for s in common), query_mass)
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
        positions = [p for p, doc in enumerate(self.docs) if doc.id == doc_id]
        if not positions:
            return []
        pos = positions[0]
        stem_lang = (lang or self._doc_lang[pos] or "ru").lower()
        doc_stems = set()
        for unit, unit_pos in enumerate(self._unit_doc):
            if unit_pos == pos:
                doc_stems.update(self._unit_terms[unit])
        words = []
        for token in text.tokenize(value):
            if token not in STOP_WORDS and text.stem(token, stem_lang) in doc_stems \
                    and token not in words:
                words.append(token)
        return words


# ---------------------------------------------------------------------------------------------
# Typical questions: group recent questions into clusters → new knowledge answers

CLUSTER_SIMILARITY = 0.4   # idf-weighted cosine between two questions to share a cluster
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
    representative: str            # the member closest to all others
    representative_id: object
    member_ids: list
    key_terms: list                # the commonest topic words (surface forms)
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

    order = sorted(range(len(items)),
                   key=lambda i: (-len(neighbours[i]), -sum(neighbours[i].values()), i))
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
        clusters.append((-len(members), members[0],
                         _make_cluster(items, members, vectors, stems_of, idf, surface)))
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
    return Cluster(representative=items[rep][1], representative_id=items[rep][0],
                   member_ids=[items[i][0] for i in members], key_terms=key_terms, lang=lang)
