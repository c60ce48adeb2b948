"""The shipped models on held-out businesses with the artefacts of real posts added to every text.

    python bench/robustness.py [DIR ...] [--sentiment-weights PATH] [--stage-weights PATH]

The labelled held-out industries (``bench/data/round9`` … ``round11`` by default, never trained
on) are written as tidy posts. Real ones are retweeted («RT @user: …»), carry links, hashtags and
stray pictographs, are typed without capitals or with typos, cut at 140 characters, or typed
in Latin letters (Kazakh's own letters too: «ә» as «a»). Each variant below changes every text
of the set the same way, keeps its labels, and goes through the pipeline's ``Analyzer`` as
ingest runs it; the figures are stage macro-F1 and sentiment accuracy beside those of the tidy
texts. A variant that costs points shows what the model leans on that real posts do not keep (a
pictograph read as a feeling, the «RT» marker read as news). Deterministic: each variant draws
from its own seeded generator.
"""

import argparse
import pathlib
import random
import re
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import held_out  # noqa: E402  (sets up the social_crm.tools import without Odoo)
from nlp import LABELS, macro_f1  # noqa: E402

DEFAULT_DIRS = [
    str(pathlib.Path(__file__).resolve().parent / "data" / f"round{n}") for n in (9, 10, 11)
]

# Russian, Ukrainian and Kazakh letters as people type them on a Latin keyboard (translit).
_LATIN = {
    **dict(zip("абвгдезийклмнопрстуфхцыэ", "abvgdezijklmnoprstufhcye", strict=True)),
    **{"ё": "yo", "ж": "zh", "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ь": "", "ю": "yu"},
    **{"я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ә": "a", "ғ": "g", "қ": "k"},
    **{"ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h"},
}
_TRANSLIT = str.maketrans({**_LATIN, **{k.upper(): v.capitalize() for k, v in _LATIN.items()}})
_PICTOGRAPHS = "📦🚗🏠☕📱🛒📍🎫"
# Topical tags only: a tag that names a feeling or a genre («#отзыв», «#жалоба») is content.
_TAGS = ("#алматы", "#астана", "#kz", "#москва", "#жиза", "#life", "#weekend", "#2026")


def _typos(text, rng):
    """One word in ten (of five letters or more) with two neighbouring letters swapped."""
    words = text.split(" ")
    for i, word in enumerate(words):
        if len(word) >= 5 and word.isalpha() and rng.random() < 0.1:
            j = rng.randrange(1, len(word) - 2)
            words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return " ".join(words)


def _cut(text, limit=140):
    """A post cut as a feed preview cuts it."""
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


VARIANTS = {
    "as written": lambda text, rng: text,
    "RT @user: prefix": lambda text, rng: f"RT @user_{rng.randrange(1000)}: {text}",
    "via @user suffix": lambda text, rng: f"{text} via @user_{rng.randrange(1000)}",
    "link appended": lambda text, rng: f"{text} https://t.co/{rng.randrange(16**8):08x}",
    "two hashtags": lambda text, rng: f"{text} {' '.join(rng.sample(_TAGS, 2))}",
    "@mention in front": lambda text, rng: f"@user_{rng.randrange(1000)} {text}",
    "pictograph appended": lambda text, rng: f"{text} {rng.choice(_PICTOGRAPHS)}",
    "lower case, no end mark": lambda text, rng: re.sub(r"[.!]+$", "", text.lower()),
    "UPPER CASE": lambda text, rng: text.upper(),
    "typos (1 word in 10)": _typos,
    "cut at 140 characters": lambda text, rng: _cut(text),
    "Latin letters, one spelling": lambda text, rng: text.translate(_TRANSLIT),
    "Latin letters, chat habits": lambda text, rng: _chat(text, rng),
}


def _chat(text, rng):
    """Typed in Latin letters with habits drawn per text (4 for ч, w for ш, j for ж …):
    Russian and Ukrainian by translit.to_latin, Kazakh letters as one spelling."""
    from social_crm.tools.language import detect_language
    from social_crm.tools.translit import to_latin

    lang = detect_language(text)[0]
    return (
        to_latin(text, lang, rng).translate(_TRANSLIT)
        if lang in ("ru", "uk")
        else text.translate(_TRANSLIT)
    )


def measure(rows, configs, change, seed=1):
    """(stage macro-F1, sentiment accuracy) of `rows` with every text changed by `change`."""
    rng = random.Random(seed)
    changed = [dict(row, text=change(row["text"], rng)) for row in rows]
    pairs = held_out.analyse(changed, configs)
    gold = [r["stage"] for r, _ in pairs]
    stage = macro_f1(gold, [a.stage for _, a in pairs])
    sentiment = sum(LABELS[r["sentiment"]] == a.sentiment for r, a in pairs) / len(pairs)
    return stage, sentiment


def report(directories):
    rows, configs = [], {}
    for directory in directories:
        more, more_configs = held_out.load(directory)
        rows += more
        configs.update(more_configs)
    if not rows:
        sys.exit(f"no <industry>.jsonl in {', '.join(directories)}")
    print(
        f"ROBUSTNESS: {len(rows)} held-out mentions of {len({r['industry'] for r in rows})} "
        f"industries ({', '.join(pathlib.Path(d).name for d in directories)}), each variant "
        "applied to every text"
    )
    print(f"  {'variant':<28}{'stage macro-F1':>16}{'':>8}{'sentiment':>12}{'':>8}")
    base = None
    for name, change in VARIANTS.items():
        start = time.perf_counter()
        stage, sentiment = measure(rows, configs, change)
        base = base or (stage, sentiment)
        print(
            f"  {name:<28}{stage:16.3f}{stage - base[0]:+8.3f}{sentiment:12.3f}"
            f"{sentiment - base[1]:+8.3f}   ({time.perf_counter() - start:.0f} s)",
            flush=True,
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directories", nargs="*", default=DEFAULT_DIRS)
    parser.add_argument("--sentiment-weights", metavar="PATH")
    parser.add_argument("--stage-weights", metavar="PATH")
    args = parser.parse_args(argv)
    held_out.use_weights(args.stage_weights, args.sentiment_weights)
    report(args.directories)


if __name__ == "__main__":
    main()
