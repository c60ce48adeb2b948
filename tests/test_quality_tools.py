from social_crm.tools.quality import (
    SpikeRule,
    five_star_needed,
    is_spike,
    mad,
    median,
    near_duplicate_groups,
    percentile,
    robust_z,
)


def test_median_and_mad():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 2, 3]) == 2.5
    assert median([]) == 0.0
    assert mad([1, 2, 3, 4, 100]) == 1


def test_robust_z_ignores_one_outlier_in_the_baseline():
    # one past spike (40) barely moves the median/MAD baseline
    z = robust_z(12, [2, 3, 2, 4, 40, 3, 2, 3])
    assert z > 3.5


def test_spike_needs_the_minimum_count():
    assert is_spike(4, [0, 0, 0, 0])[0] is False  # z = 4 but only 4 mentions
    spike, baseline, z = is_spike(6, [0, 1, 0, 0])
    assert spike and baseline == 0 and z == 6


def test_normal_week_is_no_spike():
    assert not is_spike(5, [4, 6, 5, 3, 5, 6, 4, 5], SpikeRule(min_count=3))[0]


def test_percentile_matches_percentile_cont():
    values = [10, 20, 30, 40, 50]
    assert percentile(values, 0.5) == 30
    assert percentile(values, 0.9) == 46
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7


def test_five_star_needed_is_the_smallest_n():
    # three reviews 2, 3, 3: average 2.67; target 4 → (8 + 5n)/(3 + n) ≥ 4 ⇔ n ≥ 4
    assert five_star_needed(8, 3, 4.0) == 4
    assert (8 + 5 * 4) / 7 >= 4 and (8 + 5 * 3) / 6 < 4
    assert five_star_needed(9, 2, 4.0) == 0  # already 4.5
    assert five_star_needed(0, 0, 4.0) == 0  # nothing to lift
    assert five_star_needed(12, 3, 4.0) == 0  # exactly on target
    assert five_star_needed(4, 1, 5.0) is None  # never reaches a perfect 5
    assert five_star_needed(3.5, 1, 4.5) == 2  # (3.5+10)/3 = 4.5


def test_near_duplicate_groups_find_a_rewritten_burst():
    burst = [
        (i, f"Орбита Банк обманывает клиентов, не открывайте там вклад! Жалоба №{i}")
        for i in range(6)
    ]
    burst.append((10, "Орбита банк обманывает клиентов — не открывайте там вклад!!!"))
    other = [
        (20, "Подскажите, как поменять тариф в приложении?"),
        (21, "Третий день нет интернета, поддержка молчит"),
    ]
    groups = near_duplicate_groups(burst + other, min_size=3)
    assert groups == [[0, 1, 2, 3, 4, 5, 10]]
