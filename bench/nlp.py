"""NLP figures: development set, leave-one-industry-out stage, learning curve, language, speed.

    python bench/nlp.py [--data ../shared/data] [--training social_crm/tools/data/training]
                        [--repeat 5] [--seeds 3] [--epochs 10] [--skip-loio]
                        [--jobs 2] [--curve-every 4] [--industries bank,taxi] [--skip-curve]

Prints figures; it is not a pass/fail test.

- The development set (80 mentions of one fictional bank) is printed for development only:
  nothing is trained or tuned on it.
- Leave-one-industry-out is the honest proxy for a new customer: for each industry of the
  training set, the stage model is trained on all the other industries and measured on it.
- The learning curve: a left-out industry's mentions, shuffled; the first k become the
  company's corrections (k = 0, 25, 50, 100, 200), the rest are measured.
- Sentiment on the new writers' real-style tweets and reviews kept out of training
  (bench/data/sentiment_writers/), beside VADER on the English ones.
"""

import argparse
import contextlib
import json
import pathlib
import random
import sys
import time
import types
from collections import Counter, defaultdict

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
# Import social_crm.tools without running the Odoo addon's __init__ (which imports odoo).
_pkg = types.ModuleType("social_crm")
_pkg.__path__ = [str(ROOT / "social_crm")]
sys.modules.setdefault("social_crm", _pkg)

from social_crm.tools import (  # noqa: E402
    language,
    learn,
    sentiment,
    stage_model,
    stage_train,
)
from social_crm.tools.classify import STAGES  # noqa: E402
from social_crm.tools.language import detect_language  # noqa: E402
from social_crm.tools.pipeline import Analyzer, BrandSpec, MentionInput  # noqa: E402

LABELS = {
    -1: "negative",
    0: "neutral",
    1: "positive",
    "negative": "negative",
    "neutral": "neutral",
    "positive": "positive",
}
CURVE = (0, 25, 50, 100, 200)
# A learning-curve point is measured only when at least this many mentions remain to test.
MIN_REST = 20


def load_dev(data_dir):
    rows = [
        json.loads(line)
        for line in (data_dir / "dev_mentions.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    config = json.loads((data_dir / "dev_config.json").read_text(encoding="utf-8"))
    brands = [
        BrandSpec(
            config["brand"]["name"],
            config["brand"].get("aliases", []),
            config["brand"].get("products", []),
        )
    ]
    brands += [
        BrandSpec(c["name"], c.get("aliases", []), c.get("products", []), is_competitor=True)
        for c in config.get("competitors", [])
    ]
    return rows, brands


def clear_caches():
    """Forget every memoised result so timings count the real work on each text: the caches
    of every module of social_crm.tools (sentiment_model's included: left out, its per-text
    logits made every pass after the first skip the sentiment features)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("social_crm.tools"):
            for value in vars(module).values():
                if hasattr(value, "cache_clear"):
                    value.cache_clear()


def per_stage_f1(gold, predicted):
    """{stage: (precision, recall, F1, support)} over the stages present in gold or predicted."""
    out = {}
    pairs = list(zip(gold, predicted, strict=True))
    for stage in STAGES:
        tp = sum(1 for g, p in pairs if g == p == stage)
        fp = sum(1 for g, p in pairs if p == stage and g != stage)
        fn = sum(1 for g, p in pairs if g == stage and p != stage)
        if not tp + fp + fn:
            continue
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[stage] = (prec, rec, f1, tp + fn)
    return out


def macro_f1(gold, predicted):
    scores = per_stage_f1(gold, predicted)
    return sum(f for _, _, f, _ in scores.values()) / len(scores) if scores else 0.0


def stage_lines(gold, predicted):
    lines = [f"{'stage':<13}{'prec':>6}{'rec':>6}{'F1':>6}{'n':>5}"]
    for stage, (prec, rec, f1, n) in per_stage_f1(gold, predicted).items():
        lines.append(f"{stage:<13}{prec:6.2f}{rec:6.2f}{f1:6.2f}{n:5d}")
    return lines


def confusion(gold, predicted):
    head = "gold \\ pred  " + "".join(f"{s[:6]:>7}" for s in STAGES)
    counts = Counter(zip(gold, predicted, strict=True))
    lines = [head]
    for g in STAGES:
        lines.append(f"{g:<13}" + "".join(f"{counts.get((g, p), 0) or '.':>7}" for p in STAGES))
    return lines


def timed(fn, repeat):
    """Best CPU time of `repeat` passes (CPU time: other jobs on a busy machine do not count)."""
    best = float("inf")
    for _ in range(repeat):
        clear_caches()
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def argmax_stage(logits):
    return STAGES[max(range(len(STAGES)), key=logits.__getitem__)]


# --- development set -------------------------------------------------------------------------


def dev_report(rows, brands):
    analyzer = Analyzer(brands)
    results = analyzer.analyse([MentionInput(text=r["text"]) for r in rows])
    print(
        f"DEVELOPMENT SET (for development only, never trained or tuned on): {len(rows)} mentions, "
        f"{dict(Counter(r['lang'] for r in rows))}"
    )
    ok = sum(a.lang == r["lang"] for r, a in zip(rows, results, strict=True))
    print(f"  language accuracy: {ok / len(rows):.3f}")
    ok = sum(a.sentiment == LABELS[r["sentiment"]] for r, a in zip(rows, results, strict=True))
    print(f"  sentiment accuracy (3 classes): {ok / len(rows):.3f}")
    gold = [r["stage"] for r in rows]
    rules = [analyzer.prepare(MentionInput(text=r["text"]))[-1].rules.stage for r in rows]
    predicted = [a.stage for a in results]
    shipped = "shipped model + rules" if analyzer.base is not None else "rules (no shipped weights)"
    print(
        f"  stage macro-F1: rules alone {macro_f1(gold, rules):.3f}   {shipped} {macro_f1(gold, predicted):.3f}"
    )
    print("\n".join("    " + line for line in stage_lines(gold, predicted)))
    print("  confusion matrix:")
    print("\n".join("    " + line for line in confusion(gold, predicted)))
    return analyzer, results


# --- leave one industry out ------------------------------------------------------------------


# What the worker processes of --jobs read (inherited when they fork).
_SHARED = {}


def _in_pool(func, items, jobs):
    """(item, func(item)) for each item, in order; in `jobs` forked processes when jobs > 1."""
    if jobs <= 1:
        for item in items:
            yield item, func(item)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from zip(items, pool.imap(func, items), strict=True)


def _train_fold(industry):
    prepared, rows = _SHARED["prepared"], _SHARED["rows"]
    train = [(p, s) for (p, s), r in zip(prepared, rows, strict=True) if r["industry"] != industry]
    return stage_train.train_stage_model(train, epochs=_SHARED["epochs"])


def loio_report(prepared, rows, epochs, jobs=1, only=None):
    """Train on every industry but one, measure on it; returns {industry: fold model}.

    `only`: the industries left out in turn (by default all; each fold still trains on every
    other industry)."""
    industries = sorted({r["industry"] for r in rows} & set(only or [r["industry"] for r in rows]))
    n_extra = sum(1 for r in rows if r.get("extra"))
    print(
        f"\nLEAVE-ONE-INDUSTRY-OUT stage ({len(rows) - n_extra} training texts + {n_extra} extra "
        f"borderline texts trained on, never measured; {len(industries)} industries, {epochs} epochs per fold)"
    )
    head = f"  {'left out':<16}{'n':>5}{'rules':>7}{'model':>7}  " + "".join(
        f"{s[:6]:>7}" for s in STAGES
    )
    print(head)
    models, all_gold, all_pred, all_rules = {}, [], [], []
    macro_sum = {"rules": 0.0, "model": 0.0}
    stage_sum, stage_n = defaultdict(float), Counter()
    start = time.perf_counter()
    _SHARED.update(prepared=prepared, rows=rows, epochs=epochs)
    for industry, model in _in_pool(_train_fold, industries, jobs):
        test = [
            (p, s)
            for (p, s), r in zip(prepared, rows, strict=True)
            if r["industry"] == industry and not r.get("extra")
        ]
        models[industry] = model
        gold = [s for _, s in test]
        pred = [argmax_stage(stage_model.stage_logits(model, p)) for p, _ in test]
        rules = [p.rules.stage for p, _ in test]
        per = per_stage_f1(gold, pred)
        macro_sum["rules"] += macro_f1(gold, rules)
        macro_sum["model"] += macro_f1(gold, pred)
        for stage, (_, _, f1, n) in per.items():
            if n:
                stage_sum[stage] += f1
                stage_n[stage] += 1
        cells = "".join(
            f"{per[s][2]:7.2f}" if s in per and per[s][3] else f"{'-':>7}" for s in STAGES
        )
        print(
            f"  {industry:<16}{len(test):5d}{macro_f1(gold, rules):7.3f}{macro_f1(gold, pred):7.3f}  {cells}"
        )
        all_gold += gold
        all_pred += pred
        all_rules += rules
    k = len(industries)
    cells = "".join(
        f"{stage_sum[s] / stage_n[s]:7.2f}" if stage_n[s] else f"{'-':>7}" for s in STAGES
    )
    print(
        f"  {'mean':<16}{len(all_gold):5d}{macro_sum['rules'] / k:7.3f}{macro_sum['model'] / k:7.3f}  {cells}"
    )
    pooled = per_stage_f1(all_gold, all_pred)
    cells = "".join(f"{pooled[s][2]:7.2f}" if s in pooled else f"{'-':>7}" for s in STAGES)
    print(
        f"  {'pooled':<16}{len(all_gold):5d}{macro_f1(all_gold, all_rules):7.3f}"
        f"{macro_f1(all_gold, all_pred):7.3f}  {cells}"
    )
    print(
        f"  ({time.perf_counter() - start:.0f} s; 'rules' = the hand-written rules alone, 'model' = the "
        f"trained model over the rules' scores and the text)"
    )
    print("  pooled confusion matrix of the model:")
    print("\n".join("    " + line for line in confusion(all_gold, all_pred)))
    return models


def _cross_fitted(rows):
    """The stored sentiment scores the shipped stage model was trained with (each from a
    sentiment model trained without the text's industry: scripts/train_stage.py), so that a
    left-out industry's texts are not featurised with a sentiment model that saw them."""
    stored = stage_train.read_training_sentiments()
    missing = sum(1 for r in rows if r.get("id") not in stored)
    if missing:
        print(
            f"  ({missing} of {len(rows)} texts have no stored cross-fitted sentiment: the "
            f"shipped sentiment model scores them; run scripts/train_stage.py)"
        )
    return stored


def _fold_analyzer(brands, base, sentiment_model=None):
    """The pipeline with the fold's stage model (never the shipped one, which saw the
    industry): the stage steers the sentiment of complaints and departures."""
    analyzer = Analyzer(brands, sentiment_model=sentiment_model)
    analyzer.base = base
    return analyzer


def _sentiments(analyzer, rest):
    """The sentiment label ingest gives each (row, item) of `rest` with `analyzer`."""
    return [analyzer.analyse_one(item).sentiment for _row, item in rest]


def _curve_industry(job):
    """[(key, value)] of the learning curve on one left-out industry (all shuffles); only its
    point k = 0 (no correction) when the industry is not one the curve runs on."""
    industry, whole = job
    prepared, rows = _SHARED["prepared"], _SHARED["rows"]
    items = _SHARED["by_industry"][industry]
    seeds, sentiment_folds = _SHARED["seeds"], _SHARED["sentiment_folds"]
    base = _SHARED["models"][industry]
    # what the fold's model was trained on (the corrections train it further); only where
    # corrections are made
    training = whole and stage_train.training_examples(
        [(p, s) for (p, s), r in zip(prepared, rows, strict=True) if r["industry"] != industry]
    )
    brands = stage_train.brand_specs(_SHARED["industries"].get(industry))
    weights = sentiment_folds.weights_without(industry) if sentiment_folds else None
    out = []
    with sentiment.using_weights(weights) if weights is not None else contextlib.nullcontext():
        for seed in range(seeds):
            shuffled = list(items)
            random.Random(seed).shuffle(shuffled)
            for k in CURVE if whole else CURVE[:1]:
                rest, corrected = shuffled[k:], shuffled[:k]
                if len(rest) < MIN_REST:
                    continue
                gold = [s for _, s, _, _ in rest]
                plain = [argmax_stage(stage_model.stage_logits(base, p)) for p, _, _, _ in rest]
                gold_sent = [LABELS[r["sentiment"]] for _, _, r, _ in rest]
                plain_sent = _sentiments(
                    _fold_analyzer(brands, base), [(r, i) for _, _, r, i in rest]
                )
                stage_before = macro_f1(gold, plain)
                sent_before = accuracy(gold_sent, plain_sent)
                out += [(("stage before", k), stage_before), (("sent before", k), sent_before)]
                if not k:
                    out += [(("stage after", k), stage_before), (("sent after", k), sent_before)]
                    continue
                fit = learn.fit_corrections(
                    [p for p, _, _, _ in corrected],
                    [s for _, s, _, _ in corrected],
                    base=base,
                    training=training,
                )
                out.append((("pull", k), fit.pull))
                learnt = [
                    argmax_stage(fit.logits(p.features, stage_model.stage_logits(base, p)))
                    for p, _, _, _ in rest
                ]
                out.append((("stage after", k), macro_f1(gold, learnt)))
                model = learn.SentimentLearner().train(
                    (
                        r["text"],
                        i.lang or detect_language(r["text"])[0],
                        LABELS[r["sentiment"]],
                        stage,
                    )
                    for _, stage, r, i in corrected
                )
                taught = _sentiments(
                    _fold_analyzer(brands, base, model), [(r, i) for _, _, r, i in rest]
                )
                out += [
                    (("sent after", k), accuracy(gold_sent, taught)),
                    (("sent pull", k), model.pull),
                ]
    return out


def learning_curve(
    prepared, rows, industries, models, seeds, sentiment_folds=None, jobs=1, every=1
):
    """Stage macro-F1 and sentiment accuracy of a left-out industry's other mentions before
    and after k of them are corrected (the same random k for both)."""
    by_industry = defaultdict(list)
    for (p, s), r in zip(prepared, rows, strict=True):
        if not r.get("extra") and r["industry"] in models:
            item = MentionInput(text=r["text"], rating=r.get("rating") or None)
            by_industry[r["industry"]].append((p, s, r, item))
    chosen = sorted(by_industry)[::every]
    print(
        f"\nLEARNING CURVE on left-out industries: a random k of an industry's mentions are "
        f"corrected (stage and sentiment),\n  the rest measured before (models trained without "
        f"that industry) and after its k corrections; {seeds} shuffles; a point needs "
        f"{MIN_REST}+ mentions left"
        + (
            f";\n  k = 0 on every industry, k > 0 on every {every}th ({len(chosen)} of "
            f"{len(by_industry)}: {', '.join(chosen)})"
            if every > 1
            else ""
        )
    )
    _SHARED.update(
        prepared=prepared,
        rows=rows,
        by_industry=by_industry,
        seeds=seeds,
        sentiment_folds=sentiment_folds,
        models=models,
        industries=industries,
    )
    stats = defaultdict(list)
    start = time.perf_counter()
    jobs_list = [(industry, industry in chosen) for industry in sorted(by_industry)]
    for _job, values in _in_pool(_curve_industry, jobs_list, jobs):
        for key, value in values:
            stats[key].append(value)

    def mean(key):
        return sum(stats[key]) / len(stats[key])

    base_note = (
        "sentiment models trained without the industry"
        if sentiment_folds
        else "the shipped sentiment model (it saw 8 in 10 of every industry's texts)"
    )
    print(f"  ({base_note})")
    print(
        f"  {'k':>5}  {'stage macro-F1 before -> after':<34}{'sentiment acc before -> after':<33}"
        f"{'worst industry':>15}{'n ind':>7}"
    )
    for k in CURVE:
        if not stats["stage after", k]:
            print(f"  {k:5d}  no industry has {k + MIN_REST} mentions")
            continue
        sb, sa = mean(("stage before", k)), mean(("stage after", k))
        tb, ta = mean(("sent before", k)), mean(("sent after", k))
        print(
            f"  {k:5d}  {sb:.3f} -> {sa:.3f} ({sa - sb:+.3f})"
            f"{'':<12}{tb:.3f} -> {ta:.3f} ({ta - tb:+.3f})"
            f"{'':<10}{min(stats['stage after', k]):.3f} / {min(stats['sent after', k]):.3f}"
            f"{len(stats['stage after', k]) // seeds:7d}"
        )
    for k in CURVE:
        if stats["pull", k]:
            pulls = stats["pull", k]
            print(
                f"  pull earned on held-out corrections after {k:3d}: stage "
                + ", ".join(
                    f"{name} {sum(p[name] for p in pulls) / len(pulls):.2f}" for name in pulls[0]
                )
                + "; sentiment "
                + ", ".join(
                    f"{name} {sum(p[name] for p in stats['sent pull', k]) / len(pulls):.2f}"
                    for name in pulls[0]
                )
            )
    print(f"  ({time.perf_counter() - start:.0f} s)")


def accuracy(gold, predicted):
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold) if gold else 0.0


# --- throughput -------------------------------------------------------------------------------


def throughput(analyzer, texts, repeat, name):
    items = [MentionInput(text=t) for t in texts]
    language.langdetect_language("warm up the profiles")
    analyzer.analyse([MentionInput(text="warm up")])
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0

    def langdetect_all():
        for t in texts:
            try:
                detect(t)
            except LangDetectException:  # a text without letters (emoji only)
                pass

    t_langdetect = timed(langdetect_all, repeat)
    t_language = timed(lambda: [detect_language(t) for t in texts], repeat)
    langs = [detect_language(t)[0] for t in texts]
    t_sentiment = timed(
        lambda: [
            sentiment.analyse_sentiment(t, lang) for t, lang in zip(texts, langs, strict=True)
        ],
        repeat,
    )
    t_pipeline = timed(lambda: analyzer.analyse(items), repeat)
    n = len(texts)
    print(
        f"\nTHROUGHPUT on {n} {name}, best CPU time of {repeat} passes, caches cleared before each"
    )
    print(
        f"  langdetect alone (detect() on every text)   {n / t_langdetect:9.0f} texts/s"
        f"  {t_langdetect / n * 1000:.3f} ms/text"
    )
    print(
        f"  social_crm language only                    {n / t_language:9.0f} texts/s"
        f"  {t_language / n * 1000:.3f} ms/text"
    )
    print(
        f"  social_crm sentiment only (language given)  {n / t_sentiment:9.0f} texts/s"
        f"  {t_sentiment / n * 1000:.3f} ms/text"
    )
    print(
        f"  social_crm whole NLP step (Analyzer)        {n / t_pipeline:9.0f} texts/s"
        f"  {t_pipeline / n * 1000:.3f} ms/text"
    )
    prepared = [analyzer.prepare(item)[-1] for item in items]
    base = analyzer.base

    def stage_model_only():
        for p in prepared:
            features = stage_model.extract_features(
                p.text,
                "",
                p.tokens,
                p.matches,
                p.question,
                p.sentiment,
                p.rules.scores,
                p.rules.stage,
            )
            if base is not None:
                base.logits(features)

    t_model = timed(stage_model_only, repeat)
    print(
        f"  of which the stage model (features, logits)  {n / t_model:9.0f} texts/s  {t_model / n * 1000:.3f} ms/text"
    )


def language_report():
    try:
        import lang_eval
    except ImportError:
        print("\nLANGUAGE: bench/lang_eval.py is not installed in this checkout")
        return
    print()
    for line in lang_eval.report():
        print(line)


def sentiment_writers_report():
    import sentiment_eval

    lines = sentiment_eval.writers_lines()
    if lines:
        print("\n" + "\n".join(lines))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data",
        default=str(
            next(
                (
                    d
                    for d in (
                        ROOT.parent / "shared" / "data",
                        ROOT.parent.parent / "shared" / "data",
                    )
                    if (d / "dev_mentions.jsonl").exists()
                ),
                ROOT.parent / "shared" / "data",
            )
        ),
    )
    parser.add_argument("--training", default=str(stage_train.TRAINING_DIR))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=stage_train.EPOCHS)
    parser.add_argument(
        "--jobs", type=int, default=1, help="processes for the folds and the learning curve"
    )
    parser.add_argument(
        "--curve-every",
        type=int,
        default=1,
        help="the learning curve on every n-th industry only (its retraining is the slow part)",
    )
    parser.add_argument(
        "--industries",
        default="",
        help="comma-separated industries left out in turn (folds and learning curve); default all",
    )
    parser.add_argument(
        "--skip-loio", action="store_true", help="only the dev set, language and speed"
    )
    parser.add_argument(
        "--skip-curve",
        action="store_true",
        help="leave-one-industry-out stage only, no learning curve (which needs a sentiment "
        "model trained without each industry)",
    )
    parser.add_argument(
        "--shipped-sentiment",
        action="store_true",
        help="learning curve on the shipped sentiment model instead of one trained without the "
        "industry (those take about a minute each the first time; kept in var/sentiment_folds/)",
    )
    args = parser.parse_args()
    dev_rows, brands = load_dev(pathlib.Path(args.data))
    analyzer, _ = dev_report(dev_rows, brands)
    train_texts = []
    if not args.skip_loio:
        rows, industries = stage_train.load_training(args.training)
        if rows:
            prepared = stage_train.featurise(rows, industries, _cross_fitted(rows))
            only = [name for name in args.industries.split(",") if name]
            models = loio_report(prepared, rows, args.epochs, args.jobs, only)
            folds = None
            if not args.shipped_sentiment and not args.skip_curve:
                import sentiment_eval

                folds = sentiment_eval.FoldCache()
            if not args.skip_curve:
                learning_curve(
                    prepared,
                    rows,
                    industries,
                    models,
                    args.seeds,
                    folds,
                    jobs=args.jobs,
                    every=args.curve_every,
                )
            train_texts = [r["text"] for r in rows]
        else:
            print(f"\nno training set under {args.training}")
    language_report()
    sentiment_writers_report()
    throughput(analyzer, [r["text"] for r in dev_rows], args.repeat, "development set")
    if train_texts:
        # Every n-th training text, 1,000 at most: longer, more varied posts.
        throughput(
            analyzer, train_texts[:: -(-len(train_texts) // 1000)], args.repeat, "training texts"
        )


if __name__ == "__main__":
    main()
