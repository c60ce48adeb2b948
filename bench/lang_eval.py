"""Language detection figures: accuracy per language and per length, beside langdetect alone.

    python bench/lang_eval.py [--repeat 5] [--misses]

Two sets are measured:

* held-out: ``bench/data/lang_eval.tsv``, written before the detector was tuned and never
  tuned on (``code<TAB>text``; code ``-`` means a text without letters, expected code ""),
  plus ``lang_eval_long.tsv``: texts of 16+ words, written after tuning, never tuned on;
* development: the detector's own training texts (``social_crm/tools/data/lang/*.txt``) in
  5-fold cross-validation: the n-gram profiles are rebuilt from four fifths of the lines and
  the remaining fifth is detected. The word lists are fixed, not learnt, so they are the same
  in every fold;
* real text (when ``shared/data/corpora`` is there): English Reddit comments (GoEmotions) and
  their Russian machine translation, the first 2,000 lines of each — text nobody wrote for
  this detector, looked at while tuning (so a development check, not a held-out one).

Throughput is measured on the held-out texts with every cache cleared before each pass.
``report()`` returns the printable lines (``bench/nlp.py`` prints them too).
"""

import argparse
import json
import pathlib
import sys
import time
import types
from collections import Counter, defaultdict

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if "social_crm" not in sys.modules:
    # Import social_crm.tools without running the Odoo addon's __init__ (which imports odoo).
    _pkg = types.ModuleType("social_crm")
    _pkg.__path__ = [str(ROOT / "social_crm")]
    sys.modules["social_crm"] = _pkg

from social_crm.tools import language  # noqa: E402
from social_crm.tools import text as text_tools

EVAL_PATH = ROOT / "bench" / "data" / "lang_eval.tsv"
# 16+ word texts, written after tuning (the main held-out set has none that long).
EVAL_LONG_PATH = ROOT / "bench" / "data" / "lang_eval_long.tsv"
# Latin-script Kazakh beside Uzbek, Turkish and Azerbaijani (see the file's header).
EVAL_LATIN_PATH = ROOT / "bench" / "data" / "lang_eval_latin.tsv"
BUCKETS = (("1-5 words", 1, 5), ("6-15 words", 6, 15), ("16+ words", 16, 10**9))
# Languages a detector must never answer for a text in another language of the region.
MAJOR = ("ru", "kk", "uk")
FOLDS = 5
CORPORA = (("goemotions.en.jsonl", "en"), ("ru-goemotions.ru.jsonl", "ru"))
CORPUS_LINES = 2000


def corpora_dir():
    """``shared/data/corpora`` beside the checkout (main) or beside its worktree folder."""
    for base in (ROOT.parent, ROOT.parent.parent):
        path = base / "shared" / "data" / "corpora"
        if path.is_dir():
            return path
    return None


def load_eval(path=EVAL_PATH):
    """[(gold code, text)] from a ``code<TAB>text`` file; code ``-`` → ""."""
    rows = []
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, text = line.split("\t", 1)
        rows.append(("" if code == "-" else code, text))
    return rows


def bucket_of(text):
    n = len(text.split())
    for name, low, high in BUCKETS:
        if low <= n <= high:
            return name
    return BUCKETS[0][0]


def _langdetect(text):
    code, _ = language.langdetect_language(text)
    return code


def accuracy_lines(rows, predictions, title):
    """Accuracy per gold language and per length bucket, and confusions into ru / kk / uk."""
    per_lang = defaultdict(lambda: [0, 0])
    per_bucket = defaultdict(lambda: [0, 0])
    per_lang_bucket = defaultdict(lambda: [0, 0])
    taken_for_major = Counter()
    for (gold, text), predicted in zip(rows, predictions, strict=False):
        ok = predicted == gold
        bucket = bucket_of(text)
        for table, key in (
            (per_lang, gold),
            (per_bucket, bucket),
            (per_lang_bucket, (gold, bucket)),
        ):
            table[key][0] += ok
            table[key][1] += 1
        if gold not in MAJOR and predicted in MAJOR:
            taken_for_major[f"{gold or '-'}→{predicted}"] += 1
    total = sum(ok for ok, _ in per_lang.values()) / max(1, len(rows))
    lines = [f"  {title:<18} all {total:.3f} (n={len(rows)})"]
    langs = sorted(per_lang, key=lambda code: (-per_lang[code][1], code))
    cells = [f"{code or '-'} {ok / n:.2f}/{n}" for code in langs for ok, n in [per_lang[code]]]
    for start in range(0, len(cells), 8):
        lines.append("      " + "  ".join(cells[start : start + 8]))
    lines.append(
        "      by length: "
        + "  ".join(
            f"{name} {per_bucket[name][0] / per_bucket[name][1]:.2f}/{per_bucket[name][1]}"
            for name, _, _ in BUCKETS
            if per_bucket[name][1]
        )
    )
    short = [
        f"{code} {ok / n:.2f}/{n}"
        for code in MAJOR + ("en",)
        for ok, n in [per_lang_bucket[(code, BUCKETS[0][0])]]
        if n
    ]
    lines.append("      1-5 words: " + "  ".join(short))
    others = sum(n for code, (_, n) in per_lang.items() if code not in MAJOR)
    lines.append(
        f"      other languages taken for ru/kk/uk: {sum(taken_for_major.values())}/{others}"
        + (
            f" ({', '.join(f'{k} {v}' for k, v in taken_for_major.most_common(8))})"
            if taken_for_major
            else ""
        )
    )
    return lines


def clear_caches():
    for module in (language, text_tools):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


def timed(function, texts, repeat):
    best = float("inf")
    for _ in range(repeat):
        clear_caches()
        start = time.process_time()
        for text in texts:
            function(text)
        best = min(best, time.process_time() - start)
    return best


def cross_validation(folds=FOLDS):
    """Predictions on the training texts, each fold detected by a model built without it."""
    texts = language.load_training_texts()
    rows, predictions = [], []
    for fold in range(folds):
        train = {
            lang: [line for i, line in enumerate(lines) if i % folds != fold]
            for lang, lines in texts.items()
        }
        model = language.LanguageModel(train)
        for lang, lines in texts.items():
            for i, line in enumerate(lines):
                if i % folds == fold:
                    rows.append((language.PROFILE_CODE.get(lang, lang), line))
                    predictions.append(language.detect_with(model, line)[0])
    return rows, predictions


def report(repeat=5, misses=False):
    """Printable lines: held-out and development accuracy, langdetect alone, texts per second."""
    rows = load_eval() + (load_eval(EVAL_LONG_PATH) if EVAL_LONG_PATH.exists() else [])
    texts = [text for _, text in rows]
    ours = [language.detect_language(text)[0] for text in texts]
    theirs = [_langdetect(text) for text in texts]
    lines = [
        "LANGUAGE detection (held-out: bench/data/lang_eval.tsv, written before tuning, and"
        " lang_eval_long.tsv (16+ words, written after); neither tuned on)"
    ]
    lines += accuracy_lines(rows, ours, "social_crm")
    lines += accuracy_lines(rows, theirs, "langdetect alone")
    if misses:
        lines.append(
            "      misses: "
            + "; ".join(
                f"{gold or '-'}→{got or '-'} «{text}»"
                for (gold, text), got in zip(rows, ours, strict=False)
                if got != gold
            )
        )
    if EVAL_LATIN_PATH.exists():
        latin = load_eval(EVAL_LATIN_PATH)
        lines.append(
            "  Latin-script set: bench/data/lang_eval_latin.tsv (Kazakh in Latin letters, uz, tr, az)"
        )
        lines += accuracy_lines(
            latin, [language.detect_language(text)[0] for _, text in latin], "social_crm"
        )
        lines += accuracy_lines(latin, [_langdetect(text) for _, text in latin], "langdetect alone")
    dev_rows, dev_pred = cross_validation()
    lines.append(f"  development set: the training texts, {FOLDS}-fold cross-validation (tuned on)")
    lines += accuracy_lines(dev_rows, dev_pred, "social_crm")
    if misses:
        lines.append(
            "      misses: "
            + "; ".join(
                f"{gold}→{got or '-'} «{text}»"
                for (gold, text), got in zip(dev_rows, dev_pred, strict=False)
                if got != gold
            )
        )
    corpora = corpora_dir()
    if corpora:
        lines.append(
            f"  real text, first {CORPUS_LINES} lines of each corpus (looked at while tuning)"
        )
        for name, lang in CORPORA:
            path = corpora / name
            if not path.exists():
                continue
            texts_c = [
                json.loads(line)["text"]
                for line in path.read_text(encoding="utf-8").splitlines()[:CORPUS_LINES]
            ]
            rows_c = [(lang, text) for text in texts_c]
            for title, detect in (
                (f"social_crm {name}", lambda t: language.detect_language(t)[0]),
                ("langdetect alone", _langdetect),
            ):
                found = accuracy_lines(rows_c, [detect(t) for t in texts_c], title)
                lines += [found[0]] + [
                    line for line in found if line.lstrip().startswith("by length")
                ]
    language.detect_language("warm up the model")
    language.langdetect_language("warm up the profiles")
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    def langdetect_alone(text):
        DetectorFactory.seed = 0
        try:
            return detect(text)
        except LangDetectException:
            return ""

    calls = Counter()
    original = language.langdetect_language

    def counting(text):
        calls["langdetect"] += 1
        return original(text)

    clear_caches()
    language.langdetect_language = counting  # detect_with looks the name up at call time
    try:
        for text in texts:
            language.detect_language(text)
    finally:
        language.langdetect_language = original
    t_ours = timed(language.detect_language, texts, repeat)
    t_theirs = timed(langdetect_alone, texts, max(1, repeat // 2))
    n = len(texts)
    lines.append(
        f"  throughput on the {n} held-out texts, best of {repeat} passes, caches cleared before each"
    )
    lines.append(
        f"    social_crm        {n / t_ours:9.0f} texts/s  {t_ours / n * 1000:.3f} ms/text"
        f"  (langdetect consulted on {calls['langdetect']}/{n})"
    )
    lines.append(
        f"    langdetect alone  {n / t_theirs:9.0f} texts/s  {t_theirs / n * 1000:.3f} ms/text"
    )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--misses", action="store_true", help="list every text detected wrongly")
    args = parser.parse_args()
    print("\n".join(report(args.repeat, args.misses)))


if __name__ == "__main__":
    main()
