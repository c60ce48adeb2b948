"""The shipped models on rounds of businesses and writers they were never trained on.

bench/data/round9/, round10/ and round11/ each hold eight industries written by four writers
who read only the labelling rules, kept out of the training set for good; round12/ holds
industries written as a monitoring stream collects them (sincere praise, reposted ads, the
company as a place or an employer, plain headlines), also never trained on. The issue's bar for a
business the module has never seen is checked on each, so a retrained model that generalises
worse (a new round of training texts that moves a boundary against the rules, say) fails here
and not at a customer.
"""

import pathlib
import sys

import pytest

BENCH = pathlib.Path(__file__).resolve().parent.parent / "bench"
ROUNDS = ("round9", "round10", "round11", "round12")
# Mentions per round: eight industries of 150 (round12: four).
SIZES = {"round12": 600}


@pytest.fixture(scope="module", params=ROUNDS)
def pairs(request):
    sys.path.insert(0, str(BENCH))
    try:
        import held_out
    finally:
        sys.path.remove(str(BENCH))
    from social_crm.tools import stage_train

    rows, configs = held_out.load(BENCH / "data" / request.param)
    assert not {r["industry"] for r in rows} & set(stage_train.load_training()[1]), (
        f"bench/data/{request.param} must stay out of the training set"
    )
    return held_out, held_out.analyse(rows, configs), SIZES.get(request.param, 1200)


def test_a_business_never_seen_meets_the_bar(pairs):
    held_out, analysed, size = pairs
    figures = held_out.figures(analysed)
    assert figures["n"] == size
    assert figures["macro"] >= 0.85, figures
    assert figures["worst"] >= 0.75, figures
    assert figures["sentiment"] >= 0.85, figures
    assert abs(figures["neutral"] - figures["neutral_gold"]) <= 0.10, figures


def test_a_hundred_corrections_cost_no_sentiment_and_learn_a_house_convention():
    """Round 12's internet provider and tea brand (never trained on), a hundred mentions of each
    corrected (two random orders) and the other fifty read with their sentiment corrections.
    Their staff read tone as the writers of the training set do: the pulls the corrections'
    held-out folds chose by luck cost these two 7 mentions of 200 (177 -> 170 right) before
    the choice itself was checked on outer folds (learn._choice_carries_over); now nothing.
    Relabelled the ``polar`` way (a neutral complaint, departure or awkward question negative,
    a neutral first review positive), the same corrections teach the rest that convention."""
    import random

    sys.path.insert(0, str(BENCH))
    try:
        import held_out
        import nlp
    finally:
        sys.path.remove(str(BENCH))
    from social_crm.tools import stage_train

    rows, configs = held_out.load(BENCH / "data" / "round12")
    for convention in (None, "polar"):
        before = after = 0
        for industry in ("internet_provider", "tea_brand"):
            items = [dict(r) for r in rows if r["industry"] == industry]
            if convention:
                for r in items:
                    r["sentiment"] = held_out.CONVENTIONS[convention](r, r["sentiment"])
            brands = stage_train.brand_specs(configs.get(industry))
            for seed in (0, 1):
                shuffled = list(items)
                random.Random(seed).shuffle(shuffled)
                corrected, rest = shuffled[:100], shuffled[100:]
                _, tone = held_out.corrected_models(corrected)
                plain = held_out._analysed(nlp.Analyzer(brands), rest)
                taught = held_out._analysed(nlp.Analyzer(brands, sentiment_model=tone), rest)
                before += round(held_out.figures(plain)["sentiment"] * len(rest))
                after += round(held_out.figures(taught)["sentiment"] * len(rest))
        if convention:
            assert after > before, (convention, before, after)
        else:
            assert after >= before, (convention, before, after)
