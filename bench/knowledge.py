"""Knowledge search latency: 10,000 synthetic answers in ru / en / uk / kk, 1,000 mentions.

    python3 bench/knowledge.py [--answers 10000] [--queries 1000] [--linear 200] [--seed 7]
                               [--odoo [--odoo-mentions 300]]

Prints build time, per-mention search latency (mean, p50, p95, max) for the inverted index
(numpy, and its pure-Python fallback) and for a naive linear scan with the same scoring
(``search_linear``), and whether they agree.  Answers use topic words (mild Zipf) and
chatter words (steep Zipf, so common words make long posting lists, as real texts do);
mentions repeat an answer's question in other word forms (random endings, so the stemmer
does real work) amid chatter, or are chatter alone.  Deterministic for a given seed.

With ``--odoo`` (run it with Odoo's Python), the same answers go into a throwaway database as
approved ``social_crm.knowledge.answer`` records and mentions are ingested from the same
texts; it then times what a mention's form pays: ``mention._knowledge_suggestions()`` (the
index signature query, the cached index, the access-checked read of the answers found) and
the first call that builds the index from the database.
"""
import argparse
import bisect
import pathlib
import random
import statistics
import sys
import time
import types

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if "social_crm" not in sys.modules:  # import social_crm.tools without the addon (odoo)
    _pkg = types.ModuleType("social_crm")
    _pkg.__path__ = [str(ROOT / "social_crm")]
    sys.modules["social_crm"] = _pkg

from social_crm.tools.knowledge import GOOD_SCORE, AnswerDoc, KnowledgeIndex  # noqa: E402

STAGES = ("general", "competitor", "product", "first_review", "negative", "support", "churn",
          "awkward")

# Real topic words (stems) with the endings their word forms take, per language.
LEXICON = {
    "ru": ("достав заказ курьер оплат карт тариф приложен магазин возврат товар скидк "
           "подписк аккаунт пароль кэшбэк бонус филиал отделен договор кредит депозит "
           "поддержк оператор интернет роутер смен адрес чек гаранти ремонт",
           ("а", "у", "и", "ой", "е", "ы", "ам", "ами", "ах", "ом")),
    "uk": ("достав замовлен кур'єр оплат картк тариф застосунк магазин поверненн товар "
           "знижк підписк акаунт пароль бонус філі договор кредит депозит підтримк "
           "оператор інтернет роутер адрес чек гаранті ремонт",
           ("а", "у", "і", "ою", "ів", "ам", "ами", "ах", "ом")),
    "kk": ("жеткізу тапсырыс курьер төлем карта тариф қосымша дүкен қайтару тауар жеңілдік "
           "жазылым аккаунт құпиясөз бонус филиал келісімшарт несие депозит қолдау оператор "
           "интернет мекенжай чек кепілдік жөндеу",
           ("", "лар", "ды", "ға", "да", "дан", "мен", "ым", "ыңыз", "тың")),
    "en": ("deliver order courier pay card plan app store return item discount subscript "
           "account password cashback bonus branch contract loan deposit support operator "
           "internet router change address receipt warranti repair",
           ("", "s", "ed", "ing", "er", "ment", "ion")),
}
SYLLABLES = ("ка ло ми ре ту на за по ве ди ска тро пла ме ри но ста ко ву лі жа бе ти ор ан "
             "ин ем ол ур ес").split()
LATIN_SYLLABLES = "ka lo mi re tu na za po ve di ska tro pla me ri no sta ko vu ar en".split()
QUESTION_FRAME = {
    "ru": ("как {w}?", "почему {w}?", "где {w}?", "сколько {w}?", "можно ли {w}?"),
    "uk": ("як {w}?", "чому {w}?", "де {w}?", "скільки {w}?", "чи можна {w}?"),
    "kk": ("{w} қалай?", "{w} неге?", "{w} қайда?", "{w} қанша?"),
    "en": ("how do I {w}?", "why {w}?", "where is {w}?", "how much {w}?", "can I {w}?"),
}


def vocabulary(rng, lang, size, real=()):
    """``real`` words first, then pseudo-words from syllables: Zipf rank = list position."""
    words = list(real)
    syllables = LATIN_SYLLABLES if lang == "en" else SYLLABLES
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def zipf_sampler(rng, n, s):
    weights = [1 / (rank ** s) for rank in range(1, n + 1)]
    total = sum(weights)
    cumulative, acc = [], 0.0
    for weight in weights:
        acc += weight / total
        cumulative.append(acc)

    def sample(k):
        return [min(bisect.bisect_left(cumulative, rng.random()), n - 1) for _ in range(k)]
    return sample


class Language:
    """Topic words (what answers are about, mild Zipf) and chatter words (steep Zipf)."""

    def __init__(self, rng, lang):
        self.rng = rng
        self.lang = lang
        stems, self.endings = LEXICON[lang]
        self.topic = vocabulary(rng, lang, 3000, stems.split())
        self.chatter = vocabulary(rng, lang, 1500)
        self.topic_sample = zipf_sampler(rng, len(self.topic), 0.8)
        self.chatter_sample = zipf_sampler(rng, len(self.chatter), 1.0)

    def words(self, n_topic, n_chatter):
        """Word ids: ('t', i) topic, ('c', i) chatter, shuffled."""
        ids = [("t", i) for i in self.topic_sample(n_topic)]
        ids += [("c", i) for i in self.chatter_sample(n_chatter)]
        self.rng.shuffle(ids)
        return ids

    def render(self, ids):
        """The words with a random inflection each: the same id may come out differently."""
        vocab = {"t": self.topic, "c": self.chatter}
        return " ".join(vocab[kind][i] + self.rng.choice(self.endings) for kind, i in ids)


def make_corpus(n_answers, seed):
    rng = random.Random(seed)
    langs = ("ru", "ru", "ru", "en", "uk", "kk")  # Russian is the common case
    languages = {lang: Language(rng, lang) for lang in sorted(set(langs))}
    docs, question_ids = [], {}
    for i in range(n_answers):
        lang = languages[rng.choice(langs)]
        questions, ids = [], []
        for _ in range(rng.randint(1, 3)):
            words = lang.words(rng.randint(2, 4), rng.randint(0, 1))
            ids.append(words)
            questions.append(rng.choice(QUESTION_FRAME[lang.lang]).format(w=lang.render(words)))
        answer = lang.render(lang.words(rng.randint(6, 24), rng.randint(4, 16))) + "."
        docs.append(AnswerDoc(id=i, questions=questions, answer=answer, lang=lang.lang,
                              stages=[rng.choice(STAGES)],
                              tags=[lang.render(lang.words(1, 0))]))
        question_ids[i] = ids
    return docs, languages, question_ids, rng


def make_mentions(docs, languages, question_ids, rng, n_queries):
    """Mentions: an answer's question in other word forms amid chatter, or chatter only (20%)."""
    mentions = []
    for _ in range(n_queries):
        doc = rng.choice(docs)
        lang = languages[doc.lang]
        if rng.random() < 0.2:
            mentions.append((None, lang.render(lang.words(rng.randint(0, 2),
                                                          rng.randint(5, 25))), doc.lang))
            continue
        asked = lang.render(rng.choice(question_ids[doc.id]))
        text = (lang.render(lang.words(rng.randint(0, 1), rng.randint(0, 12))) + " "
                + asked + "? " + lang.render(lang.words(0, rng.randint(0, 8))))
        mentions.append((doc.id, text.strip(), doc.lang))
    return mentions


def timed(fn, mentions):
    latencies, results = [], []
    for _, text, lang in mentions:
        start = time.perf_counter()
        results.append(fn(text, lang=lang, stage="support", limit=5))
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies, results


def report(label, latencies):
    ordered = sorted(latencies)
    p = lambda q: ordered[min(int(q * len(ordered)), len(ordered) - 1)]  # noqa: E731
    print(f"  {label:<22} n={len(ordered):>5}  mean {statistics.fmean(ordered):7.2f} ms  "
          f"p50 {p(0.50):7.2f}  p95 {p(0.95):7.2f}  max {ordered[-1]:7.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--linear", type=int, default=200, help="queries for the naive scan")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--odoo", action="store_true",
                        help="also measure suggestions in a throwaway Odoo database")
    parser.add_argument("--odoo-mentions", type=int, default=300)
    args = parser.parse_args()

    docs, languages, question_ids, rng = make_corpus(args.answers, args.seed)
    mentions = make_mentions(docs, languages, question_ids, rng, args.queries)
    print(f"knowledge search: {len(docs)} answers "
          f"({sum(len(d.questions) for d in docs)} questions), {len(mentions)} mentions, "
          f"seed {args.seed}")

    start = time.perf_counter()
    index = KnowledgeIndex.build(docs)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    KnowledgeIndex.from_dict(index.to_dict())
    warm = time.perf_counter() - start
    print(f"  build (cold stem cache) {cold * 1000:8.0f} ms; rebuild (warm caches) "
          f"{warm * 1000:6.0f} ms; {len(index._postings)} distinct stems")

    index.search("warm up", lang="ru")
    latencies, results = timed(index.search, mentions)
    report("inverted index", latencies)
    if index._arrays is not None:  # the pure-Python path, as on a server without numpy
        arrays, index._arrays = index._arrays, None
        index.search("warm up", lang="ru")
        python_latencies, python_results = timed(index.search, mentions[: args.linear])
        index._arrays = arrays
        report("index, no numpy", python_latencies)
        agree = sum(a == b for a, b in zip(results, python_results))
        print(f"  numpy and pure-Python paths agree: {agree}/{len(python_results)}")
    linear_mentions = mentions[: args.linear]
    linear_latencies, linear_results = timed(index.search_linear, linear_mentions)
    report("naive linear scan", linear_latencies)
    same = sum(a == b for a, b in zip(results, linear_results))
    speedup = statistics.fmean(linear_latencies) / statistics.fmean(latencies[: args.linear])
    print(f"  same results as the linear scan: {same}/{len(linear_results)}; "
          f"speed-up ×{speedup:.0f}")

    asked = [(m, r) for m, r in zip(mentions, results) if m[0] is not None]
    top1 = sum(bool(r) and r[0][0] == m[0] for m, r in asked)
    good = sum(bool(r) and r[0][1] >= GOOD_SCORE for m, r in asked)
    chatter = [r for m, r in zip(mentions, results) if m[0] is None]
    false_good = sum(bool(r) and r[0][1] >= GOOD_SCORE for r in chatter)
    print(f"  mentions built from an answer's question: top-1 correct {top1}/{len(asked)}, "
          f"score ≥ GOOD_SCORE ({GOOD_SCORE}) {good}/{len(asked)}")
    print(f"  chatter with no question: score ≥ GOOD_SCORE {false_good}/{len(chatter)}")
    verdict = "OK" if statistics.quantiles(latencies, n=20)[-1] < 20 else "SLOW"
    print(f"  target p95 < 20 ms per mention: {verdict}")
    if args.odoo:
        bench_odoo(docs, mentions[: args.odoo_mentions])


def bench_odoo(docs, mentions):
    """Suggestions on mentions in a real Odoo database holding the same answers."""
    import os

    sys.path.insert(0, str(ROOT / "bench"))
    import ingest  # the database helpers of bench/ingest.py

    db = f"social_crm_bench_kb_{os.getpid()}"
    log = ROOT / "var" / "bench-knowledge.log"
    log.parent.mkdir(exist_ok=True)
    print(f"\nin Odoo: database {db} (log {log})")
    try:
        print(f"  install social_crm: {ingest.create_database(db, log, 'social_crm'):.0f} s")
        registry, cr, env = ingest.open_env(db)
        stages = {s.code: s.id for s in env["social_crm.stage"].search([])}
        Answer = env["social_crm.knowledge.answer"]
        start = time.perf_counter()
        for chunk in range(0, len(docs), 1000):
            Answer.create([{"name": d.questions[0], "question_variants": "\n".join(d.questions[1:]),
                            "answer": d.answer, "lang": d.lang, "state": "approved",
                            "stage_ids": [(6, 0, [stages[c] for c in d.stages])]}
                           for d in docs[chunk:chunk + 1000]])
        cr.commit()
        print(f"  {len(docs)} approved answers created in {time.perf_counter() - start:.1f} s")
        source = env["social_crm.source"].create({"name": "Bench", "source_type": "webhook"})
        records = [{"external_id": f"kb{i}", "text": text, "lang": lang,
                    "published_at": "2026-05-01T10:00:00Z"}
                   for i, (_, text, lang) in enumerate(mentions)]
        found = source.ingest(records)
        cr.commit()
        mention_list = list(found)
        start = time.perf_counter()
        mention_list[0]._knowledge_suggestions()
        print(f"  first suggestion (builds the index from the database): "
              f"{(time.perf_counter() - start) * 1000:.0f} ms")
        latencies = []
        for mention in mention_list:
            start = time.perf_counter()
            mention._knowledge_suggestions()
            latencies.append((time.perf_counter() - start) * 1000)
        report("mention suggestions", latencies)
        p95 = statistics.quantiles(latencies, n=20)[-1]
        print(f"  target p95 < 20 ms per mention in Odoo: {'OK' if p95 < 20 else 'SLOW'}")
        cr.close()
    finally:
        ingest.drop_database(db)


if __name__ == "__main__":
    main()
