"""What real posts add to a text (a retweet's marker, a link, a reply's handle, a pictograph,
Latin letters) must not change how the shipped models read a business they never saw.

bench/robustness.py prints every variant on rounds 9-11; here round 10 (1,200 mentions of
eight industries, never trained on) holds the bar.
"""

import pathlib
import sys

import pytest

BENCH = pathlib.Path(__file__).resolve().parent.parent / "bench"
# (variant, most stage macro-F1 it may cost, most sentiment accuracy it may cost)
BARS = [
    ("RT @user: prefix", 0.003, 0.003),
    ("via @user suffix", 0.003, 0.003),
    ("link appended", 0.003, 0.003),
    ("@mention in front", 0.005, 0.005),
    ("pictograph appended", 0.005, 0.005),
    ("lower case, no end mark", 0.005, 0.005),
    ("UPPER CASE", 0.005, 0.01),  # a text in capitals shouts: a tone of its own
    # Russian, Ukrainian and Kazakh are read back in Cyrillic, not always spelt right
    ("Latin letters, chat habits", 0.04, 0.02),
]


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH))
    try:
        import robustness
    finally:
        sys.path.remove(str(BENCH))
    rows, configs = robustness.held_out.load(BENCH / "data" / "round10")
    return (
        robustness,
        rows,
        configs,
        robustness.measure(rows, configs, robustness.VARIANTS["as written"]),
    )


@pytest.mark.parametrize(("variant", "stage_cost", "sentiment_cost"), BARS)
def test_real_post_artefacts_cost_little(bench, variant, stage_cost, sentiment_cost):
    robustness, rows, configs, (stage, sentiment) = bench
    changed_stage, changed_sentiment = robustness.measure(
        rows, configs, robustness.VARIANTS[variant]
    )
    assert stage - changed_stage <= stage_cost, (variant, stage, changed_stage)
    assert sentiment - changed_sentiment <= sentiment_cost, (variant, sentiment, changed_sentiment)
