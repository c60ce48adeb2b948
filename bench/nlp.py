"""NLP figures on the labelled dev set: language, sentiment, stage, learning gain, throughput.

    python bench/nlp.py [--data ../shared/data] [--repeat 20]

Prints figures; it is not a pass/fail test. The dev set is only measured here, never tuned on.
"""
import argparse
import json
import pathlib
import sys
import time
import types
from collections import Counter, defaultdict

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Import social_crm.tools without running the Odoo addon's __init__ (which imports odoo).
_pkg = types.ModuleType("social_crm")
_pkg.__path__ = [str(ROOT / "social_crm")]
sys.modules.setdefault("social_crm", _pkg)

from social_crm.tools import classify, language, learn, sentiment, text as text_tools  # noqa: E402
from social_crm.tools.classify import STAGES  # noqa: E402
from social_crm.tools.language import detect_language  # noqa: E402
from social_crm.tools.learn import StageModel  # noqa: E402
from social_crm.tools.pipeline import Analyzer, BrandSpec, MentionInput  # noqa: E402

LABELS = {-1: "negative", 0: "neutral", 1: "positive"}


def load(data_dir):
    rows = [json.loads(line) for line in (data_dir / "dev_mentions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    config = json.loads((data_dir / "dev_config.json").read_text(encoding="utf-8"))
    brands = [BrandSpec(config["brand"]["name"], config["brand"].get("aliases", []), config["brand"].get("products", []))]
    brands += [BrandSpec(c["name"], c.get("aliases", []), c.get("products", []), is_competitor=True)
               for c in config.get("competitors", [])]
    return rows, brands


def clear_caches():
    """Forget every memoised result so timings count the real work on each text."""
    for module in (text_tools, language, sentiment, classify, learn):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


def stage_report(gold, predicted):
    lines = [f"{'stage':<13}{'prec':>6}{'rec':>6}{'F1':>6}{'n':>4}"]
    f1s = []
    for stage in STAGES:
        tp = sum(1 for g, p in zip(gold, predicted) if g == p == stage)
        fp = sum(1 for g, p in zip(gold, predicted) if p == stage and g != stage)
        fn = sum(1 for g, p in zip(gold, predicted) if g == stage and p != stage)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        f1s.append(f1)
        lines.append(f"{stage:<13}{prec:6.2f}{rec:6.2f}{f1:6.2f}{tp + fn:4d}")
    macro = sum(f1s) / len(f1s)
    return macro, lines


def macro_f1(gold, predicted):
    return stage_report(gold, predicted)[0]


def confusion(gold, predicted):
    short = {s: s[:6] for s in STAGES}
    head = "gold \\ pred  " + "".join(f"{short[s]:>7}" for s in STAGES)
    counts = Counter(zip(gold, predicted))
    lines = [head]
    for g in STAGES:
        lines.append(f"{g:<13}" + "".join(f"{counts.get((g, p), 0) or '.':>7}" for p in STAGES))
    return lines


def timed(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        clear_caches()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rows, brands = load(pathlib.Path(args.data))
    texts = [r["text"] for r in rows]
    analyzer = Analyzer(brands)
    results = analyzer.analyse([MentionInput(text=t) for t in texts])
    print(f"dev set: {len(rows)} mentions, {dict(Counter(r['lang'] for r in rows))}\n")

    # --- language
    print("LANGUAGE accuracy (per gold language)")
    detectors = {"social_crm": lambda t: detect_language(t)[0],
                 "langdetect alone": lambda t: language.langdetect_language(t)[0]}
    try:
        import py3langid
        detectors["py3langid (reference)"] = lambda t: py3langid.classify(t)[0]
    except ImportError:
        pass
    for name, detect in detectors.items():
        per = defaultdict(lambda: [0, 0])
        for r in rows:
            per[r["lang"]][1] += 1
            per[r["lang"]][0] += detect(r["text"]) == r["lang"]
        total = sum(ok for ok, _ in per.values()) / len(rows)
        by_lang = "  ".join(f"{lang} {ok / n:.2f}" for lang, (ok, n) in sorted(per.items()))
        print(f"  {name:<22} {total:.3f}   {by_lang}")
    misses = [(r["id"], r["lang"], a.lang) for r, a in zip(rows, results) if a.lang != r["lang"]]
    if misses:
        print("  misses:", misses)

    # --- sentiment
    ok = sum(a.sentiment == LABELS[r["sentiment"]] for r, a in zip(rows, results))
    print(f"\nSENTIMENT accuracy (3 classes): {ok / len(rows):.3f}")
    per = defaultdict(lambda: [0, 0])
    for r, a in zip(rows, results):
        per[r["lang"]][1] += 1
        per[r["lang"]][0] += a.sentiment == LABELS[r["sentiment"]]
    print("  " + "  ".join(f"{lang} {ok / n:.2f}" for lang, (ok, n) in sorted(per.items())))

    # --- stage
    gold = [r["stage"] for r in rows]
    predicted = [a.stage for a in results]
    macro, lines = stage_report(gold, predicted)
    print(f"\nSTAGE (rules, no learning): accuracy {sum(g == p for g, p in zip(gold, predicted)) / len(rows):.3f}, macro-F1 {macro:.3f}")
    print("\n".join("  " + line for line in lines))
    print("  confusion matrix:")
    print("\n".join("  " + line for line in confusion(gold, predicted)))

    # --- learning from corrections: two folds, train on one half, evaluate on the other
    print("\nLEARNING from corrections (2 folds: train on one half, evaluate on the other)")
    halves = [rows[0::2], rows[1::2]]
    rule_pred, blend_pred, model_pred, fold_gold = [], [], [], []
    for train, test in ((halves[0], halves[1]), (halves[1], halves[0])):
        model = StageModel().train([(r["text"], r["lang"], r["stage"]) for r in train])
        learnt = Analyzer(brands, model=model).analyse([MentionInput(text=r["text"]) for r in test])
        plain = Analyzer(brands).analyse([MentionInput(text=r["text"]) for r in test])
        rule_pred += [a.stage for a in plain]
        blend_pred += [a.stage for a in learnt]
        model_pred += [model.predict(r["text"], r["lang"]) for r in test]
        fold_gold += [r["stage"] for r in test]
    n_train = len(halves[0])
    print(f"  {n_train} corrections per fold (model used from {learn.MIN_SAMPLES}, weight {learn.model_weight(n_train):.2f})")
    print(f"  rules only        macro-F1 {macro_f1(fold_gold, rule_pred):.3f}")
    print(f"  model only        macro-F1 {macro_f1(fold_gold, model_pred):.3f}")
    print(f"  rules + model     macro-F1 {macro_f1(fold_gold, blend_pred):.3f}   (gain {macro_f1(fold_gold, blend_pred) - macro_f1(fold_gold, rule_pred):+.3f})")

    # --- throughput, caches cleared before every pass
    items = [MentionInput(text=t) for t in texts]
    language.langdetect_language("warm up the profiles")
    analyzer.analyse([MentionInput(text="warm up")])
    from langdetect import DetectorFactory, detect
    DetectorFactory.seed = 0
    t_langdetect = timed(lambda: [detect(t) for t in texts], args.repeat)
    t_language = timed(lambda: [detect_language(t) for t in texts], args.repeat)
    t_pipeline = timed(lambda: analyzer.analyse(items), args.repeat)
    calls = Counter()
    clear_caches()
    original = language.langdetect_language

    def counting(text):
        calls["langdetect"] += 1
        return original(text)

    language.langdetect_language = counting  # _detect looks the name up at call time
    try:
        for t in texts:
            language._detect.__wrapped__(t)
    finally:
        language.langdetect_language = original
    n = len(texts)
    print(f"\nTHROUGHPUT on the same {n} texts, best of {args.repeat} passes, caches cleared before each")
    print(f"  langdetect alone (detect() on every text)   {n / t_langdetect:9.0f} texts/s  {t_langdetect / n * 1000:.3f} ms/text")
    print(f"  social_crm language only                    {n / t_language:9.0f} texts/s  {t_language / n * 1000:.3f} ms/text")
    print(f"  social_crm whole NLP step (Analyzer)        {n / t_pipeline:9.0f} texts/s  {t_pipeline / n * 1000:.3f} ms/text")
    print(f"  whole NLP step vs langdetect alone: {t_langdetect / t_pipeline:.1f}x faster; langdetect consulted on {calls['langdetect']}/{n} texts")
    try:
        import py3langid
        py3langid.classify("warm up")
        t_py3 = timed(lambda: [py3langid.classify(t) for t in texts], args.repeat)
        print(f"  py3langid alone (reference)                 {n / t_py3:9.0f} texts/s  {t_py3 / n * 1000:.3f} ms/text")
    except ImportError:
        pass


if __name__ == "__main__":
    main()
