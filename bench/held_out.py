"""The shipped models on labelled industries they were not trained on: a new business *and* a
new writer.

    python bench/held_out.py DIR [--sentiment-weights PATH] [--stage-weights PATH]
                                 [--curve] [--seeds 2] [--convention NAME]

DIR holds ``<industry>.jsonl`` files in the training set's format and an ``industries.json``
(or one ``<industry>.brands.json`` per industry) with their brands, as
``social_crm/tools/data/training/README.md`` describes. Each mention goes through the
pipeline's ``Analyzer`` as ingest runs it (with its industry's brands and its star rating);
prints stage precision / recall / F1 per stage and macro-F1, sentiment accuracy, and the share
of texts called neutral beside the writers' share — per industry and over all of them. Run it
before such industries are added to the training set: afterwards the shipped models have seen
them and the figures flatter.

With ``--curve``, also the learning curve a customer would see: in each industry a random k of
its mentions (k = 25, 50, 100) are corrected — stage and sentiment, as staff set them in Odoo —
and the rest go through the pipeline with those corrections (``learn.StageModel`` and
``learn.SentimentLearner``, the way the database's learnt models are used at ingest).

``--convention`` relabels the writers' sentiment first, to see whether corrections teach a
company whose staff read tone their own way (simulated, not a writer's labels):
``support-negative`` — every support request is negative; ``polar`` — a neutral complaint,
departure or awkward question is negative and a neutral first review positive.
"""

import argparse
import json
import pathlib
import random
import sys
import time
from collections import Counter, defaultdict

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import nlp  # noqa: E402  (sets up the social_crm.tools import without Odoo)
from nlp import LABELS, MentionInput, macro_f1, per_stage_f1, stage_lines  # noqa: E402

from social_crm.tools import learn, stage_train  # noqa: E402
from social_crm.tools.language import detect_language  # noqa: E402

CURVE = (25, 50, 100)
POLAR = {
    "negative": "negative",
    "churn": "negative",
    "awkward": "negative",
    "first_review": "positive",
}
CONVENTIONS = {
    "support-negative": lambda row, label: "negative" if row["stage"] == "support" else label,
    "polar": lambda row, label: POLAR.get(row["stage"], label) if label == "neutral" else label,
}


def load(directory):
    """(rows, {industry: brands config}) of the industries in `directory`."""
    directory = pathlib.Path(directory)
    configs = {}
    if (directory / "industries.json").exists():
        configs.update(json.loads((directory / "industries.json").read_text(encoding="utf-8")))
    for path in sorted(directory.glob("*.brands.json")):
        config = json.loads(path.read_text(encoding="utf-8"))
        # {industry: config}, or the config itself for the industry the file is named after
        if "brand" in config:
            config = {path.name[: -len(".brands.json")]: config}
        configs.update(config)
    rows = []
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            rows += [json.loads(line) for line in lines if line.strip()]
    return rows, configs


def _by_industry(rows):
    by_industry = {}
    for row in rows:
        by_industry.setdefault(row["industry"], []).append(row)
    return sorted(by_industry.items())


def _analysed(analyzer, rows):
    results = analyzer.analyse(
        [MentionInput(text=r["text"], rating=r.get("rating") or None) for r in rows]
    )
    return list(zip(rows, results, strict=True))


def analyse(rows, configs):
    """[(row, analysis)] with each industry's brands."""
    out = []
    for industry, items in _by_industry(rows):
        out += _analysed(nlp.Analyzer(stage_train.brand_specs(configs.get(industry))), items)
    return out


def corrected_models(rows):
    """(learn.StageModel, learn.SentimentLearner) taught by staff correcting `rows`."""
    taught = [(r["text"], r.get("lang") or detect_language(r["text"])[0], r) for r in rows]
    stage = learn.StageModel().train((t, lang, r["stage"]) for t, lang, r in taught)
    tone = learn.SentimentLearner().train(
        (t, lang, LABELS[r["sentiment"]], r["stage"]) for t, lang, r in taught
    )
    return stage, tone


def learning_curve(rows, configs, seeds):
    """Per k: [(industry, figures before, figures after)] over `seeds` shuffles of each industry:
    the first k mentions corrected, the rest measured with the shipped models alone and with
    the corrections."""
    points = defaultdict(list)
    for industry, items in _by_industry(rows):
        brands = stage_train.brand_specs(configs.get(industry))
        plain = {id(r): a for r, a in _analysed(nlp.Analyzer(brands), items)}
        for seed in range(seeds):
            shuffled = list(items)
            random.Random(seed).shuffle(shuffled)
            for k in CURVE:
                corrected, rest = shuffled[:k], shuffled[k:]
                if len(rest) < nlp.MIN_REST:
                    continue
                stage, tone = corrected_models(corrected)
                analyzer = nlp.Analyzer(brands, model=stage, sentiment_model=tone)
                after = _analysed(analyzer, rest)
                before = [(r, plain[id(r)]) for r in rest]
                points[k].append(
                    (industry, figures(before), figures(after), analyzer.fit.pull, tone.pull)
                )
    return points


def figures(pairs):
    gold = [r["stage"] for r, _ in pairs]
    predicted = [a.stage for _, a in pairs]
    gold_sent = [LABELS[r["sentiment"]] for r, _ in pairs]
    sent = [a.sentiment for _, a in pairs]
    n = len(pairs)
    return {
        "n": n,
        "macro": macro_f1(gold, predicted),
        "worst": min(f for _, _, f, _ in per_stage_f1(gold, predicted).values()),
        "sentiment": sum(g == p for g, p in zip(gold_sent, sent, strict=True)) / n,
        "neutral": sent.count("neutral") / n,
        "neutral_gold": gold_sent.count("neutral") / n,
    }


def line(name, f):
    return (
        f"  {name:<22}{f['n']:5d}   stage macro-F1 {f['macro']:.3f} (weakest stage "
        f"{f['worst']:.2f})   sentiment {f['sentiment']:.3f}   neutral {f['neutral']:.2f} "
        f"(writers {f['neutral_gold']:.2f})"
    )


def use_weights(stage=None, sentiment=None):
    """Measure candidate models: the stage and / or sentiment weights at these paths."""
    if stage:
        from social_crm.tools import stage_model

        stage_model.WEIGHTS_PATH = pathlib.Path(stage)
    if sentiment:
        from social_crm.tools import sentiment_model

        sentiment_model.WEIGHTS_PATH = sentiment
        sentiment_model.reset_shipped_weights()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory")
    parser.add_argument(
        "--sentiment-weights",
        metavar="PATH",
        help="a candidate sentiment model (scripts/train_sentiment.py --out) instead of the shipped one",
    )
    parser.add_argument(
        "--stage-weights",
        metavar="PATH",
        help="a candidate or earlier stage model (scripts/train_stage.py --out) instead of the "
        "shipped one",
    )
    parser.add_argument(
        "--curve",
        action="store_true",
        help="also the learning curve after 25 / 50 / 100 corrections",
    )
    parser.add_argument("--seeds", type=int, default=2, help="shuffles per industry of the curve")
    parser.add_argument(
        "--convention",
        choices=sorted(CONVENTIONS),
        help="relabel the sentiment as a company whose staff read tone their own way would",
    )
    args = parser.parse_args(argv)
    use_weights(args.stage_weights, args.sentiment_weights)
    rows, configs = load(args.directory)
    if not rows:
        sys.exit(f"no <industry>.jsonl in {args.directory}")
    if args.convention:
        relabel = CONVENTIONS[args.convention]
        for row in rows:
            row["sentiment"] = relabel(row, LABELS[row["sentiment"]])
        print(f"SENTIMENT RELABELLED ({args.convention}): not the writers' labels")
    trained = set(stage_train.load_training()[1])
    overlap = sorted({r["industry"] for r in rows} & trained)
    if overlap:
        print(f"NOTE: already in the training set, so these figures flatter: {', '.join(overlap)}")
    pairs = analyse(rows, configs)
    print(
        f"HELD-OUT INDUSTRIES: {len(rows)} mentions, "
        f"{dict(Counter(r['industry'] for r in rows))}, languages "
        f"{dict(Counter(r['lang'] for r in rows))}"
    )
    for industry in sorted({r["industry"] for r in rows}):
        print(line(industry, figures([p for p in pairs if p[0]["industry"] == industry])))
    print(line("all", figures(pairs)))
    print("\n  per stage, all industries:")
    for text in stage_lines([r["stage"] for r, _ in pairs], [a.stage for _, a in pairs]):
        print("    " + text)
    print("\n  sentiment accuracy per language:")
    for lang in sorted({r["lang"] for r, _ in pairs}):
        sub = [(r, a) for r, a in pairs if r["lang"] == lang]
        ok = sum(LABELS[r["sentiment"]] == a.sentiment for r, a in sub)
        print(f"    {lang}  {ok / len(sub):.3f}  ({len(sub)})")
    if args.curve:
        start = time.perf_counter()
        points = learning_curve(rows, configs, args.seeds)
        print(
            f"\nLEARNING CURVE: in each industry a random k of its mentions corrected (stage and "
            f"sentiment), the rest measured\n  without and with the corrections; {args.seeds} "
            f"shuffles, mean over industries"
        )
        print(
            f"  {'k':>5}  {'stage macro-F1 before -> after':<34}{'sentiment before -> after':<30}"
            f"{'worst stage after':>18}   pull (shift/words/nearest/prior/group) stage / sentiment"
        )
        for k, values in sorted(points.items()):

            def mean(i, key, values=values):
                return sum(v[i][key] for v in values) / len(values)

            def pull(i, values=values):
                return "/".join(
                    f"{sum(v[i][name] for v in values) / len(values):.2f}" for name in learn.PULLS
                )

            sb, sa = mean(1, "macro"), mean(2, "macro")
            tb, ta = mean(1, "sentiment"), mean(2, "sentiment")
            print(
                f"  {k:5d}  {sb:.3f} -> {sa:.3f} ({sa - sb:+.3f}){'':<12}"
                f"{tb:.3f} -> {ta:.3f} ({ta - tb:+.3f}){'':<5}"
                f"{min(v[2]['macro'] for v in values):18.3f}   {pull(3)} / {pull(4)}"
            )
        print(f"  ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
