#!/usr/bin/env python3
"""Rebuild the shipped stage model (social_crm/tools/data/stage_weights.json.gz).

    python scripts/train_stage.py [--data social_crm/tools/data/training] [--epochs 10]

Reads every industry of the multi-domain training set, featurises each text with its own
industry's brand configuration (brand names become placeholders), trains the multinomial
logistic regression and writes its weights, and the featurised texts it was trained on
(social_crm/tools/data/stage_training.json.gz: a company's corrections are learnt by training
again on them plus the corrections). Deterministic: the same training set gives the
same file byte for byte.

The stage model reads each mention's sentiment. The shipped sentiment model was trained on
these very mentions, so it reads them better than it will read a new business's, and a stage
model trained on its scores learns to trust the sentiment more than it should (a complaint
it calls neutral then loses its stage too). Each training text is therefore featurised with
the score of a sentiment model trained without its industry: the industries are split in
`CROSS_FIT_GROUPS` groups, one sentiment model is trained without each group (lighter, one
corpus text in 3: scripts/train_sentiment.py, Folds), and the scores are stored with the
examples. Needs the sentiment corpora (SOCIAL_CRM_CORPORA, as train_sentiment.py); about
eight minutes for 100 industries.
"""

import argparse
import gzip
import json
import pathlib
import sys
import time
import types
from collections import Counter

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
# Import social_crm.tools without running the Odoo addon's __init__ (which imports odoo).
_pkg = types.ModuleType("social_crm")
_pkg.__path__ = [str(ROOT / "social_crm")]
sys.modules.setdefault("social_crm", _pkg)

import train_sentiment  # noqa: E402

from social_crm.tools import stage_train  # noqa: E402
from social_crm.tools.sentiment import using_weights  # noqa: E402
from social_crm.tools.stage_model import WEIGHTS_PATH  # noqa: E402

CROSS_FIT_GROUPS = 8


def cross_fitted_sentiments(rows, industries, corpora, log=print):
    """{row id: sentiment score of a model trained without the row's industry}."""
    names = sorted({row.get("industry", "") for row in rows})
    folds = train_sentiment.Folds(corpora)
    scores = {}
    for k in range(CROSS_FIT_GROUPS):
        group = set(names[k::CROSS_FIT_GROUPS])
        start = time.perf_counter()
        with using_weights(folds.weights_without(group)):
            scores.update(
                stage_train.sentiment_scores(
                    [row for row in rows if row.get("industry", "") in group], industries
                )
            )
        if log:
            log(
                f"sentiment without {len(group)} industries ({', '.join(sorted(group)[:3])} …): "
                f"{time.perf_counter() - start:.0f} s"
            )
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(stage_train.TRAINING_DIR))
    parser.add_argument("--epochs", type=int, default=stage_train.EPOCHS)
    parser.add_argument("--out", default=str(WEIGHTS_PATH))
    parser.add_argument(
        "--examples",
        default=str(stage_train.EXAMPLES_PATH),
        help="where the featurised training set goes (learn.py retrains on it with a "
        "company's corrections)",
    )
    parser.add_argument("--corpora", default=train_sentiment.DEFAULT_CORPORA)
    args = parser.parse_args()
    start = time.perf_counter()
    rows, industries = stage_train.load_training(args.data)
    if not rows:
        sys.exit(f"no training lines under {args.data}")
    sentiments = cross_fitted_sentiments(rows, industries, args.corpora)
    prepared = stage_train.featurise(rows, industries, sentiments)
    examples = stage_train.training_examples(prepared)
    model = stage_train.train_examples(examples, epochs=args.epochs)
    payload = json.dumps(model.to_dict(), sort_keys=True, separators=(",", ":"))
    out = pathlib.Path(args.out)
    # mtime=0: no timestamp in the gzip header, so the file depends on the data only.
    with (
        open(out, "wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as handle,
    ):
        handle.write(payload.encode("utf-8"))
    stage_train.write_training_examples(examples, args.examples, sentiments)
    print(
        f"{len(rows)} texts from {len(industries)} industries "
        f"({dict(sorted(Counter(r['stage'] for r in rows).items()))})"
    )
    print(
        f"{len(model.to_dict()['weights'])} weighted features -> {out} "
        f"({out.stat().st_size / 1024:.0f} KB) in {time.perf_counter() - start:.1f} s"
    )


if __name__ == "__main__":
    main()
