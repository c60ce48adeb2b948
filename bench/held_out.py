"""The shipped models on labelled industries they were not trained on: a new business *and* a
new writer.

    python bench/held_out.py DIR [--sentiment-weights PATH] [--stage-weights PATH]

DIR holds ``<industry>.jsonl`` files in the training set's format and an ``industries.json``
(or one ``<industry>.brands.json`` per industry) with their brands, as
``social_crm/tools/data/training/README.md`` describes. Each mention goes through the
pipeline's ``Analyzer`` as ingest runs it (with its industry's brands and its star rating);
prints stage precision / recall / F1 per stage and macro-F1, sentiment accuracy, and the share
of texts called neutral beside the writers' share — per industry and over all of them. Run it
before such industries are added to the training set: afterwards the shipped models have seen
them and the figures flatter.
"""

import argparse
import json
import pathlib
import sys
from collections import Counter

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import nlp  # noqa: E402  (sets up the social_crm.tools import without Odoo)
from nlp import LABELS, MentionInput, macro_f1, per_stage_f1, stage_lines  # noqa: E402

from social_crm.tools import stage_train  # noqa: E402


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


def analyse(rows, configs):
    """[(row, analysis)] with each industry's brands."""
    out = []
    by_industry = {}
    for row in rows:
        by_industry.setdefault(row["industry"], []).append(row)
    for industry, items in sorted(by_industry.items()):
        analyzer = nlp.Analyzer(stage_train.brand_specs(configs.get(industry)))
        results = analyzer.analyse(
            [MentionInput(text=r["text"], rating=r.get("rating") or None) for r in items]
        )
        out += list(zip(items, results, strict=True))
    return out


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
    args = parser.parse_args(argv)
    if args.stage_weights:
        from social_crm.tools import stage_model

        stage_model.WEIGHTS_PATH = pathlib.Path(args.stage_weights)
    if args.sentiment_weights:
        from social_crm.tools import sentiment_model

        sentiment_model.WEIGHTS_PATH = args.sentiment_weights
        sentiment_model.reset_shipped_weights()
    rows, configs = load(args.directory)
    if not rows:
        sys.exit(f"no <industry>.jsonl in {args.directory}")
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


if __name__ == "__main__":
    main()
