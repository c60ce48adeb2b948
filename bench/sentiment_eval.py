"""Sentiment figures on texts the shipped model was never trained on.

    python bench/sentiment_eval.py [--loio] [--curve] [--corpora PATH] [--weights PATH]
                                   [--new FILE.jsonl ...]

Prints, per evaluation set: accuracy, macro-F1 and the share called neutral beside the true
share; VADER on the English held-out slice when the vaderSentiment package is importable;
milliseconds per text. With --loio, leave-one-industry-out over the project's training set
(train on every industry but one, test on that one); with --curve, the learning curve of a
company's corrections on a left-out industry after 0 / 25 / 50 / 100 / 200 corrections.

With --new, only the given files (``scripts/sentiment_texts``' format: lang, label, group,
text) are measured, per file and language: texts by a new writer, before they join the
training set (afterwards the shipped model has seen them and the figures flatter).

Held out: the 1-in-10 evaluation slice of every corpus (by a hash of the text, see
scripts/train_sentiment.py), which the training script never sees, and the new writers'
real-style texts of ``bench/data/sentiment_writers/``, kept out of training for good (the
script reads only ``scripts/sentiment_texts/``). `report()` returns the
lines so bench/nlp.py can print them: the held-out part takes about a minute; with
`loio=True, curve=True` it trains one model per industry (about 17 minutes for 22
industries on two shared cores).
"""

import argparse
import pathlib
import sys
import time
import types
import zlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
_pkg = types.ModuleType("social_crm")
_pkg.__path__ = [str(ROOT / "social_crm")]
sys.modules.setdefault("social_crm", _pkg)

import train_sentiment as ts  # noqa: E402

from social_crm.tools import sentiment  # noqa: E402
from social_crm.tools import sentiment_model as sm
from social_crm.tools.learn import SentimentLearner

LABELS = sm.LABELS
CURVE_POINTS = (0, 25, 50, 100, 200)


def scores(truth, predicted):
    """(accuracy, macro-F1, predicted neutral share, true neutral share)."""
    n = len(truth) or 1
    accuracy = sum(t == p for t, p in zip(truth, predicted, strict=False)) / n
    return (
        accuracy,
        ts.macro_f1(truth, predicted),
        sum(p == "neutral" for p in predicted) / n,
        sum(t == "neutral" for t in truth) / n,
    )


def _line(name, truth, predicted):
    acc, f1, share, true_share = scores(truth, predicted)
    return f"{name:<34}{len(truth):>6}{acc:>7.3f}{f1:>7.3f}{share:>9.2f}{true_share:>7.2f}"


HEADER = f"{'set':<34}{'n':>6}{'acc':>7}{'F1':>7}{'neutral':>9}{'truth':>7}"


def _measured(name, rows, vader):
    """The line of one set (the shipped model), and VADER's beside an English one."""
    truth = [r["label"] for r in rows]
    predicted = [sentiment.analyse_sentiment(r["text"], r["lang"])[1] for r in rows]
    lines = [_line(name, truth, predicted)]
    if rows[0]["lang"] == "en" and vader is not None:
        lines.append(_line("  VADER, same texts", truth, [vader(r["text"]) for r in rows]))
    return lines


def _vader():
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    analyzer = SentimentIntensityAnalyzer()

    def label(text):
        # VADER's documented thresholds on its compound score.
        compound = analyzer.polarity_scores(text)["compound"]
        return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"

    return label


def held_out_sets(corpora):
    """{set name: rows} of the evaluation slices, per corpus and per language."""
    sets = {}
    for row in ts.load_corpora(corpora):
        if ts.slice_of(row["text"]) == "eval":
            sets.setdefault(f"{row['source']} ({row['lang']}) held out", []).append(row)
    for row in ts.load_written() + ts.load_training_set():
        if ts.slice_of(row["text"]) == "eval":
            sets.setdefault(f"{row['source']} {row['lang']} held out", []).append(row)
    return sets


def timing(rows, repeat=1):
    """Milliseconds per text of analyse_sentiment on first sight (caches cleared)."""
    texts = [(r["text"], r["lang"]) for r in rows]
    for module in (sentiment, sm):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()
    from social_crm.tools import text as text_tools

    for value in vars(text_tools).values():
        if hasattr(value, "cache_clear"):
            value.cache_clear()
    start = time.process_time()
    for _ in range(repeat):
        for text, lang in texts:
            sentiment.analyse_sentiment(text, lang)
        sentiment.analyse_sentiment.cache_clear()
        sm.base_logits.cache_clear()
    return 1000 * (time.process_time() - start) / max(len(texts) * repeat, 1)


CACHE_DIR = ROOT / "var" / "sentiment_folds"
WRITERS_DIR = ROOT / "bench" / "data" / "sentiment_writers"


def _fold_key():
    """A hash of everything a fold model depends on: the training texts, the written texts,
    the corpora's sizes, the training script and the features."""
    digest = zlib.crc32(str(ts.FOLD_CORPUS_SHARE).encode())
    paths = sorted(pathlib.Path(ts.TRAINING_DIR).glob("*.jsonl"))
    paths += sorted(pathlib.Path(ts.WRITTEN_DIR).glob("*.jsonl"))
    paths += [ROOT / "scripts" / "train_sentiment.py", pathlib.Path(sm.__file__)]
    paths += [pathlib.Path(sentiment.__file__)]
    for path in paths:
        digest = zlib.crc32(path.read_bytes(), digest)
    corpora = pathlib.Path(ts.DEFAULT_CORPORA or ".")
    for path in sorted(corpora.glob("*.jsonl")) if corpora.is_dir() else ():
        digest = zlib.crc32(f"{path.name}:{path.stat().st_size}".encode(), digest)
    return f"{digest:08x}"


class FoldCache:
    """Sentiment models trained without one industry, kept in var/sentiment_folds/ (they
    take most of a minute each; the cache is keyed by a hash of what they depend on)."""

    def __init__(self, corpora=None):
        self.corpora = corpora if corpora is not None else ts.DEFAULT_CORPORA
        self.key = _fold_key()
        self._folds = None

    def weights_without(self, group):
        import array

        path = CACHE_DIR / f"{self.key}-{group}.bin"
        if path.exists():
            values = array.array("f")
            values.frombytes(zlib.decompress(path.read_bytes()))
            return values
        if self._folds is None:
            self._folds = ts.Folds(self.corpora)
        weights = array.array("f", self._folds.weights_without(group))
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_bytes(zlib.compress(weights.tobytes(), 1))
        return weights


def _predict(weights, rows):
    return [ts.label_by(s, sentiment.THRESHOLD) for s in ts.predict_scores(weights, rows)]


def loio_lines(corpora, industries=None, curve=False):
    """Leave-one-industry-out figures (and the learning curve) over the training set."""
    training = ts.load_training_set()
    groups = sorted({r["group"] for r in training})
    if industries:
        groups = [g for g in groups if g in industries]
    lines = []
    if not groups:
        return ["leave-one-industry-out: no training set (social_crm/tools/data/training/) yet"]
    folds = ts.Folds(corpora)
    lines.append(
        f"leave-one-industry-out (model trained without the industry and on 1 corpus text "
        f"in {ts.FOLD_CORPUS_SHARE}):"
    )
    lines.append(HEADER)
    truth_all, pred_all = [], []
    curves = {k: [] for k in CURVE_POINTS}
    for group in groups:
        rows = [r for r in training if r["group"] == group]
        weights = folds.weights_without(group)
        predicted = _predict(weights, rows)
        truth = [r["label"] for r in rows]
        truth_all += truth
        pred_all += predicted
        lines.append(_line(group, truth, predicted))
        if curve:
            for k, value in learning_curve(weights, rows).items():
                curves[k].append(value)
                lines.append(f"  after {k:>3} corrections: acc {value[0]:.3f} F1 {value[1]:.3f}")
        print(lines[-1] if not curve else "\n".join(lines[-6:]), file=sys.stderr, flush=True)
    lines.append(_line("all industries", truth_all, pred_all))
    if curve:
        lines.append(
            "learning curve on a left-out industry (rest of its mentions; mean over industries):"
        )
        lines.append(f"{'corrections':<14}{'acc':>7}{'F1':>7}{'n industries':>14}")
        for k in CURVE_POINTS:
            values = curves[k]
            if values:
                acc = sum(v[0] for v in values) / len(values)
                f1 = sum(v[1] for v in values) / len(values)
                lines.append(f"{k:<14}{acc:>7.3f}{f1:>7.3f}{len(values):>14}")
    return lines


def learning_curve(weights, rows, points=CURVE_POINTS):
    """{k: (accuracy, macro-F1)} on the rest of the rows after k of them are corrected.

    Staff correct mentions in the order they arrive, not grouped by stage: the rows are put
    in a fixed pseudo-random order (by a hash of the text). Every point is measured on the
    same rows, those after the largest k that fits."""
    rows = sorted(rows, key=lambda r: zlib.crc32(r["text"].encode("utf-8")))
    usable = [k for k in points if k < len(rows) - 20]
    if not usable:
        return {}
    test = rows[max(usable) :]
    truth = [r["label"] for r in test]
    out = {}
    saved = sm._SHIPPED
    sm._SHIPPED = sm._Weights.__new__(sm._Weights)
    sm._SHIPPED.values, sm._SHIPPED.scale = weights, 1.0
    sm.base_logits.cache_clear()
    try:
        for k in usable:
            model = SentimentLearner().train((r["text"], r["lang"], r["label"]) for r in rows[:k])
            predicted = [model.predict(r["text"], r["lang"]) for r in test]
            out[k] = scores(truth, predicted)[:2]
    finally:
        sm._SHIPPED = saved
        sm.base_logits.cache_clear()
    return out


def writers_lines():
    """The shipped model on the new writers' real-style texts kept out of training for good
    (bench/data/sentiment_writers/: Russian bank / telecom and everyday tweets, English
    tweets, Kazakh app and marketplace reviews)."""
    paths = sorted(WRITERS_DIR.glob("*.jsonl"))
    if not paths:
        return []
    return new_lines(paths, "sentiment on new writers' real-style texts (never trained on):")


def report(corpora=None, loio=False, curve=False, industries=None):
    """The figures as a list of lines."""
    corpora = corpora if corpora is not None else ts.DEFAULT_CORPORA
    lines = ["sentiment on held-out text (never trained on):", HEADER]
    vader = _vader()
    timing_rows = []
    for name, rows in sorted(held_out_sets(corpora).items()):
        lines += _measured(name, rows, vader)
        timing_rows += rows[:500]
    if vader is None:
        lines.append("VADER: vaderSentiment is not installed here (pip install vaderSentiment)")
    lines += writers_lines()
    if timing_rows:
        lines.append(
            f"analyse_sentiment: {timing(timing_rows):.3f} ms per text on first sight "
            f"({len(timing_rows)} texts)"
        )
        long_text = "Ужасный сервис, верните деньги! " * 50_000
        start = time.process_time()
        sentiment.analyse_sentiment(long_text, "ru")
        lines.append(
            f"a {len(long_text) / 1e6:.1f} MB text: {1000 * (time.process_time() - start):.1f} ms"
        )
    if loio or curve:
        lines += loio_lines(corpora, industries, curve)
    return lines


def new_lines(paths, title="sentiment on new texts (before training on them):"):
    """The shipped model on texts it has never seen, per file and language."""
    lines = [title, HEADER]
    vader = _vader()
    everything = []
    for path in paths:
        rows = list(ts._read_jsonl(path))
        everything += rows
        by_lang = {}
        for row in rows:
            by_lang.setdefault(row["lang"], []).append(row)
        for lang, part in sorted(by_lang.items()):
            lines += _measured(f"{pathlib.Path(path).stem} ({lang})", part, vader)
    if len(paths) > 1:
        lines += _measured("all", everything, None)
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default=ts.DEFAULT_CORPORA)
    parser.add_argument("--weights", help="evaluate this weights file instead of the shipped one")
    parser.add_argument("--loio", action="store_true")
    parser.add_argument("--curve", action="store_true")
    parser.add_argument("--industries", nargs="*")
    parser.add_argument("--new", nargs="+", metavar="FILE", help="measure only these files")
    args = parser.parse_args(argv)
    if args.weights:
        sm.WEIGHTS_PATH = args.weights
        sm.reset_shipped_weights()
    if args.new:
        for line in new_lines(args.new):
            print(line, flush=True)
        return
    for line in report(args.corpora, args.loio, args.curve, args.industries):
        print(line, flush=True)


if __name__ == "__main__":
    main()
