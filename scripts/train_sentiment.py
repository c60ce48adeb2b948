#!/usr/bin/env python3
"""Rebuild social_crm/tools/data/sentiment_weights.bin from the training texts.

    python scripts/train_sentiment.py [--corpora ../shared/data/corpora] [--out PATH]

Deterministic: the same inputs give the same file (fixed split by a hash of the text,
fixed shuffling seed, no threads). Inputs:

* the sentiment corpora in ``--corpora`` when present (GoEmotions in English and its
  Russian machine translation, weighted lower: translated text is not how people write);
* the project's labelled mentions, ``social_crm/tools/data/training/*.jsonl`` (one file per
  industry, ``sentiment`` as −1 / 0 / 1 or a label);
* our own written social-media and review texts, ``scripts/sentiment_texts/*.jsonl``.

Every corpus text whose hash falls in the evaluation slice (1 in 10) or the calibration
slice (another 1 in 10) is never trained on: ``bench/sentiment_eval.py`` reports on the
former, and the neutral band is set on the latter.
"""

import argparse
import json
import math
import os
import random
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
if "social_crm" not in sys.modules:  # import the pure-Python tools without the Odoo addon
    import types

    _pkg = types.ModuleType("social_crm")
    _pkg.__path__ = [os.path.join(ROOT, "social_crm")]
    sys.modules["social_crm"] = _pkg

from social_crm.tools import sentiment_model as sm  # noqa: E402

LABELS = sm.LABELS


def _find_corpora():
    """``../shared/data/corpora`` of the checkout (or of the folder above a worktree)."""
    here = ROOT
    for _ in range(3):
        here = os.path.dirname(here)
        candidate = os.path.join(here, "shared", "data", "corpora")
        if os.path.isdir(candidate):
            return candidate
    return ""


DEFAULT_CORPORA = os.environ.get("SOCIAL_CRM_CORPORA") or _find_corpora()
TRAINING_DIR = os.path.join(ROOT, "social_crm", "tools", "data", "training")
WRITTEN_DIR = os.path.join(ROOT, "scripts", "sentiment_texts")

# Weight of one text of each source in the log-loss.
SOURCE_WEIGHT = {
    "goemotions": 1.0,
    "ru-goemotions": 0.6,  # machine-translated
    "training": 3.0,  # the project's mentions: the domain the module works in
    "written": 3.0,  # our own social-media and review texts
}
EPOCHS = 2
LEARNING_RATE = 0.1
L2 = 1e-3
SEED = 42
# After the shared neutral shift, each of these languages gets its own (within ±0.6) from its
# calibration texts: GoEmotions' Reddit comments outnumber every other English source, and
# their share of neutral is not that of posts about a company.
CALIBRATED_LANGS = ("ru", "uk", "kk", "en")
MIN_LANGUAGE_CALIBRATION = 200
LANGUAGE_STEPS = range(-6, 7)
# Within a language every source (GoEmotions, the training set, the written texts) counts alike.
LANGUAGE_EQUAL = True


def slice_of(text):
    """'eval', 'calib' or 'train' — a fixed split by a hash of the text."""
    bucket = zlib.crc32(text.strip().lower().encode("utf-8")) % 10
    return "eval" if bucket == 0 else "calib" if bucket == 1 else "train"


def _label(value):
    if isinstance(value, str):
        value = value.strip().lower()
        if value in LABELS:
            return value
        value = {"neg": -1, "neu": 0, "pos": 1}.get(value[:3], value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return "negative" if number < 0 else "positive" if number > 0 else "neutral"


def _read_jsonl(path):
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line:
                yield json.loads(line)


def load_corpora(folder=DEFAULT_CORPORA):
    """Rows of the sentiment corpora: dict(text, lang, label, source, group)."""
    rows = []
    if not folder or not os.path.isdir(folder):
        return rows
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".jsonl"):
            continue
        for item in _read_jsonl(os.path.join(folder, name)):
            label = _label(item.get("label"))
            if label and item.get("text"):
                source = name.split(".")[0]  # goemotions, ru-goemotions
                rows.append(
                    {
                        "text": item["text"],
                        "lang": item.get("lang", ""),
                        "label": label,
                        "source": source,
                        "group": source,
                    }
                )
    return rows


def load_training_set(folder=TRAINING_DIR):
    """The project's labelled mentions, one industry per file."""
    rows = []
    if not os.path.isdir(folder):
        return rows
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".jsonl"):
            continue
        industry = name[: -len(".jsonl")]
        for item in _read_jsonl(os.path.join(folder, name)):
            label = _label(item.get("sentiment"))
            if label and item.get("text"):
                rows.append(
                    {
                        "text": item["text"],
                        "lang": item.get("lang", ""),
                        "label": label,
                        "source": "training",
                        "group": item.get("industry") or industry,
                    }
                )
    return rows


def load_written(folder=WRITTEN_DIR):
    """Our own written texts: dict(text, lang, label, source='written', group=topic)."""
    rows = []
    if not os.path.isdir(folder):
        return rows
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".jsonl"):
            continue
        for item in _read_jsonl(os.path.join(folder, name)):
            label = _label(item.get("label"))
            if label and item.get("text"):
                rows.append(
                    {
                        "text": item["text"],
                        "lang": item["lang"],
                        "label": label,
                        "source": "written",
                        "group": item.get("group", name[:-6]),
                    }
                )
    return rows


def vectorise(rows):
    """[(features, target index, sample weight)] with class-balanced weights per source."""
    counts = {}
    for row in rows:
        key = (row["source"], row["label"])
        counts[key] = counts.get(key, 0) + 1
    per_source = {}
    for (source, _), n in counts.items():
        per_source[source] = per_source.get(source, 0) + n
    out = []
    for row in rows:
        source = row["source"]
        n_classes = sum(1 for (s, _) in counts if s == source)
        balance = per_source[source] / (n_classes * counts[(source, row["label"])])
        weight = SOURCE_WEIGHT.get(source, 1.0) * (0.5 + 0.5 * balance)
        out.append((sm.features(row["text"], row["lang"]), LABELS.index(row["label"]), weight))
    return out


def fit(samples, epochs=EPOCHS, rate=LEARNING_RATE, l2=L2, seed=SEED, log=None):
    """Multinomial logistic regression by AdaGrad: a flat list of 3 weights per bucket."""
    size = 3 * sm.N_BUCKETS
    weights = [0.0] * size
    squares = [1e-6] * size
    order = list(range(len(samples)))
    rng = random.Random(seed)
    sqrt, exp = math.sqrt, math.exp
    for epoch in range(epochs):
        rng.shuffle(order)
        loss = 0.0
        for index in order:
            feats, target, weight = samples[index]
            l0 = l1 = l2_ = 0.0
            for bucket, value in feats:
                i = 3 * bucket
                l0 += weights[i] * value
                l1 += weights[i + 1] * value
                l2_ += weights[i + 2] * value
            top = max(l0, l1, l2_)
            e0, e1, e2 = exp(l0 - top), exp(l1 - top), exp(l2_ - top)
            total = e0 + e1 + e2
            grads = [e0 / total, e1 / total, e2 / total]
            loss -= weight * math.log(max(grads[target], 1e-12))
            grads[target] -= 1.0
            g0, g1, g2 = grads[0] * weight, grads[1] * weight, grads[2] * weight
            for bucket, value in feats:
                i = 3 * bucket
                for k, g in ((i, g0), (i + 1, g1), (i + 2, g2)):
                    grad = g * value + l2 * weights[k]
                    squares[k] += grad * grad
                    weights[k] -= rate * grad / sqrt(squares[k])
        if log:
            log(f"epoch {epoch + 1}/{epochs}: mean loss {loss / max(len(samples), 1):.4f}")
    return weights


def predict_scores(weights, rows, neutral_shift=0.0, feats=None):
    """The score (sentiment_model.score_of) of each row under `weights`."""
    out = []
    for n, row in enumerate(rows):
        logits = [0.0, neutral_shift, 0.0]
        for bucket, value in feats[n] if feats else sm.features(row["text"], row["lang"]):
            i = 3 * bucket
            logits[0] += weights[i] * value
            logits[1] += weights[i + 1] * value
            logits[2] += weights[i + 2] * value
        out.append(sm.score_of(dict(zip(LABELS, sm.softmax(logits), strict=False))))
    return out


def macro_f1(truth, predicted):
    scores = []
    for label in LABELS:
        tp = sum(t == label and p == label for t, p in zip(truth, predicted, strict=False))
        fp = sum(t != label and p == label for t, p in zip(truth, predicted, strict=False))
        fn = sum(t == label and p != label for t, p in zip(truth, predicted, strict=False))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def calibrate_neutral(weights, rows, threshold, steps=range(-12, 13), equal=False):
    """The shift of the neutral logit that maximises macro-F1 averaged over the sources of
    `rows`, each weighted by the square root of its number of texts (a source of a few
    dozen texts counts, but does not outvote thousands), or each alike with `equal`."""
    by_source = {}
    for row in rows:
        by_source.setdefault(row["source"], []).append(row)
    feats = {s: [sm.features(r["text"], r["lang"]) for r in rs] for s, rs in by_source.items()}
    best = (-1.0, 0.0)
    if not by_source:
        return 0.0, 0.0
    for step in steps:
        shift = step * 0.1
        total = norm = 0.0
        for source, source_rows in by_source.items():
            scores = predict_scores(weights, source_rows, shift, feats[source])
            predicted = [label_by(s, threshold) for s in scores]
            weight = 1.0 if equal else math.sqrt(len(source_rows))
            total += weight * macro_f1([r["label"] for r in source_rows], predicted)
            norm += weight
        mean = total / norm
        if mean > best[0] + 1e-9:
            best = (mean, shift)
    return best[1], best[0]


def label_by(score, threshold):
    return "negative" if score <= -threshold else "positive" if score >= threshold else "neutral"


def calibrate(weights, calib_rows, per_language=True, log=print):
    """Set the neutral band of `weights` (in place) on the calibration slice: one shift of the
    neutral logit for every text, then one more per language with enough texts. Returns the
    shared shift."""
    from social_crm.tools.sentiment import THRESHOLD

    shift, f1 = calibrate_neutral(weights, calib_rows, THRESHOLD)
    if log:
        log(f"neutral logit shift {shift:+.1f} (calibration macro-F1 {f1:.3f})")
    weights[3 * sm._bucket("bias") + 1] += shift
    if per_language:
        for lang in CALIBRATED_LANGS:
            rows_of = [r for r in calib_rows if r["lang"] == lang]
            if len(rows_of) < MIN_LANGUAGE_CALIBRATION:
                continue
            own, own_f1 = calibrate_neutral(
                weights, rows_of, THRESHOLD, LANGUAGE_STEPS, equal=LANGUAGE_EQUAL
            )
            weights[3 * sm._bucket("lang:" + lang) + 1] += own
            if log:
                log(
                    f"  {lang}: neutral logit shift {own:+.1f} more ({len(rows_of)} texts, {own_f1:.3f})"
                )
    return shift


# Models trained without some industries are lighter than the shipped one: one corpus text in 3.
FOLD_CORPUS_SHARE = 3


class Folds:
    """Every training text featurised once; then a model trained without any set of the
    project's industries (`weights_without`), calibrated as the shipped one is. Used for the
    stage model's training (scripts/train_stage.py) and leave-one-industry-out benchmarks."""

    def __init__(self, corpora=DEFAULT_CORPORA, corpus_share=FOLD_CORPUS_SHARE):
        rows = load_corpora(corpora)[::corpus_share] + load_written() + load_training_set()
        self.train_rows = [r for r in rows if slice_of(r["text"]) == "train"]
        self.calib_rows = [r for r in rows if slice_of(r["text"]) == "calib"]
        self.samples = vectorise(self.train_rows)

    def weights_without(self, groups):
        """Weights (a flat list) of a model trained without the texts of `groups` (an
        industry or a collection of them)."""
        groups = {groups} if isinstance(groups, str) else set(groups)
        samples = [
            s
            for r, s in zip(self.train_rows, self.samples, strict=True)
            if r["group"] not in groups
        ]
        weights = fit(samples)
        calibrate(weights, [r for r in self.calib_rows if r["group"] not in groups], log=None)
        return weights


def build(
    corpora=DEFAULT_CORPORA,
    training=True,
    written=True,
    log=print,
    epochs=EPOCHS,
    per_language=True,
):
    """Train on every text outside the evaluation and calibration slices; returns (weights,
    neutral shift, rows used for calibration)."""
    rows = load_corpora(corpora)
    if training:
        rows += load_training_set()
    if written:
        rows += load_written()
    train_rows = [r for r in rows if slice_of(r["text"]) == "train"]
    calib_rows = [r for r in rows if slice_of(r["text"]) == "calib"]
    if log:
        by = {}
        for r in train_rows:
            by[r["source"]] = by.get(r["source"], 0) + 1
        log(f"training on {len(train_rows)} texts {by}; calibrating on {len(calib_rows)}")
    weights = fit(vectorise(train_rows), epochs=epochs, log=log)
    shift = calibrate(weights, calib_rows, per_language, log)
    return weights, shift, calib_rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default=DEFAULT_CORPORA)
    parser.add_argument("--out", default=sm.WEIGHTS_PATH)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument(
        "--one-neutral-shift", action="store_true", help="no per-language neutral calibration"
    )
    args = parser.parse_args(argv)
    weights, _, _ = build(args.corpora, epochs=args.epochs, per_language=not args.one_neutral_shift)
    sm._Weights.dump(weights, args.out)
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)")


if __name__ == "__main__":
    main()
