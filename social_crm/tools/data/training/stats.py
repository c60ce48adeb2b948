"""Count the training set per industry × stage / language / sentiment and print Markdown tables.

Run ``python social_crm/tools/data/training/stats.py`` to print them, or with ``--readme`` to
rewrite the tables between the COUNTS markers of this folder's README.md. Pure Python, no Odoo.
"""

import collections
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
STAGES = [
    "general",
    "competitor",
    "product",
    "first_review",
    "negative",
    "support",
    "churn",
    "awkward",
]
LANGS = ["ru", "kk", "uk", "en"]
SENTIMENTS = ["negative", "neutral", "positive"]
LENGTHS = ["≤ 5 words", "6–20 words", "> 20 words"]
BEGIN, END = "<!-- COUNTS:BEGIN -->", "<!-- COUNTS:END -->"


def load(folder=HERE):
    """Every training record, in file then line order."""
    records = []
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            records.extend(json.loads(line) for line in fh if line.strip())
    return records


def _table(records, row_key, columns, column_key, title):
    rows = sorted({r[row_key] for r in records})
    counts = collections.Counter((r[row_key], r[column_key]) for r in records)
    lines = [
        f"| {title} | " + " | ".join(columns) + " | total |",
        "| --- | " + " | ".join("---:" for _ in columns) + " | ---: |",
    ]
    for row in rows:
        cells = [counts[row, c] for c in columns]
        lines.append(f"| {row} | " + " | ".join(str(n) for n in cells) + f" | {sum(cells)} |")
    totals = [sum(counts[row, c] for row in rows) for c in columns]
    lines.append("| **total** | " + " | ".join(str(n) for n in totals) + f" | {sum(totals)} |")
    share = [f"{100 * n / max(1, sum(totals)):.0f} %" for n in totals]
    lines.append("| share | " + " | ".join(share) + " | |")
    return "\n".join(lines)


def _rating_line(records):
    rated = [r for r in records if r["rating"] is not None]
    by_stars = collections.Counter(r["rating"] for r in rated)
    stars = ", ".join(f"{s}★ {by_stars[s]}" for s in range(1, 6))
    return f"{len(rated)} review-site lines carry a star rating ({stars})."


def _length_bucket(text):
    words = len(re.findall(r"\w+", text))
    return LENGTHS[0] if words <= 5 else LENGTHS[1] if words <= 20 else LENGTHS[2]


def report(records):
    """The Markdown tables of the README's counts section."""
    return "\n\n".join(
        [
            f"{len(records)} mentions in {len({r['industry'] for r in records})} industries. "
            + _rating_line(records),
            "**Industry × stage**\n\n" + _table(records, "industry", STAGES, "stage", "industry"),
            "**Industry × language**\n\n" + _table(records, "industry", LANGS, "lang", "industry"),
            "**Industry × sentiment**\n\n"
            + _table(records, "industry", SENTIMENTS, "sentiment", "industry"),
            "**Stage × sentiment**\n\n"
            + _table(records, "stage", SENTIMENTS, "sentiment", "stage"),
            "**Stage × language**\n\n" + _table(records, "stage", LANGS, "lang", "stage"),
            "**Language × sentiment**\n\n"
            + _table(records, "lang", SENTIMENTS, "sentiment", "language"),
            "**Language × length**\n\n"
            + _table(
                [dict(r, length=_length_bucket(r["text"])) for r in records],
                "lang",
                LENGTHS,
                "length",
                "language",
            ),
        ]
    )


def update_readme(records, readme=HERE / "README.md"):
    text = readme.read_text(encoding="utf-8")
    head, _sep, rest = text.partition(BEGIN)
    _old, _sep, tail = rest.partition(END)
    readme.write_text(f"{head}{BEGIN}\n\n{report(records)}\n\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    data = load()
    if "--readme" in sys.argv[1:]:
        update_readme(data)
    else:
        try:
            print(report(data))
        except BrokenPipeError:  # piped into head: the reader has what it wanted
            sys.stderr.close()
