"""Quality-control arithmetic: spike detection, attack bursts, ratings, percentiles.

Pure Python (never imports odoo): the alert cron, the reports, the dashboard and the weekly
digest call these with numbers and texts they read set-wise from the database.
"""

import hashlib
import math
import re
from dataclasses import dataclass

from .text import tokenize

__all__ = [
    "SpikeRule",
    "robust_z",
    "median",
    "mad",
    "is_spike",
    "percentile",
    "five_star_needed",
    "attack_text_key",
    "shingles",
    "jaccard",
    "near_duplicate_groups",
]

# 1 / Φ⁻¹(3/4): scales a median absolute deviation to a standard deviation for normal data.
MAD_SCALE = 1.4826


@dataclass(frozen=True)
class SpikeRule:
    """When a window's negative count is a spike against its baseline.

    ``min_count``: at least this many negative mentions in the window (a jump from 0 to 2 is
    no spike); ``threshold``: the robust z-score the count must reach; ``min_scale``: the
    smallest spread assumed, so a baseline of identical counts (MAD 0) still needs a real jump.
    """

    min_count: int = 5
    threshold: float = 3.5
    min_scale: float = 1.0


def median(values):
    values = sorted(values)
    if not values:
        return 0.0
    middle = len(values) // 2
    if len(values) % 2:
        return float(values[middle])
    return (values[middle - 1] + values[middle]) / 2.0


def mad(values, center=None):
    """Median absolute deviation from ``center`` (default: the median)."""
    center = median(values) if center is None else center
    return median([abs(v - center) for v in values])


def robust_z(count, baseline_counts, min_scale=1.0):
    """(count − median) / max(1.4826 · MAD, min_scale) of the baseline counts."""
    center = median(baseline_counts)
    scale = max(MAD_SCALE * mad(baseline_counts, center), min_scale)
    return (count - center) / scale


def is_spike(count, baseline_counts, rule=SpikeRule()):
    """(spike?, median baseline, robust z) for a window's count against its baseline."""
    z = robust_z(count, baseline_counts, rule.min_scale)
    return count >= rule.min_count and z >= rule.threshold, median(baseline_counts), z


def percentile(values, fraction):
    """The ``fraction`` (0…1) percentile with linear interpolation — what PostgreSQL's
    ``percentile_cont`` returns; None for no values."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    position = (len(values) - 1) * fraction
    low = math.floor(position)
    high = math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def five_star_needed(rating_sum, rating_count, target):
    """The smallest n ≥ 0 with (sum + 5n) / (count + n) ≥ target: how many new 5-star
    reviews bring the average up to the target. None when no number can (target above 5).

    Solving: sum + 5n ≥ target·(count + n) ⇔ n·(5 − target) ≥ target·count − sum.
    """
    if target > 5:
        return None
    missing = target * rating_count - rating_sum
    if missing <= 1e-9:
        return 0
    if target >= 5:
        return None  # only 5s from now on can never lift an average below 5 up to 5
    n = math.ceil(missing / (5 - target) - 1e-9)
    # guard against float rounding at the boundary
    while (rating_sum + 5 * n) / (rating_count + n) < target - 1e-9:
        n += 1
    return n


# -- near-identical texts ------------------------------------------------------------------

_DIGITS_RE = re.compile(r"\d+")


def attack_text_key(text):
    """The text as the attack check compares it: words only, digits and links dropped."""
    return " ".join(_DIGITS_RE.sub("", word) for word in tokenize(text) if _DIGITS_RE.sub("", word))


def shingles(text, size=3):
    """Word ``size``-grams of the compared text (the whole text for shorter ones)."""
    words = attack_text_key(text).split()
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a, b):
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


_PRIME = (1 << 61) - 1
_HASHES = 24
_BANDS = 8  # 8 bands of 3 rows: pairs with Jaccard ≥ 0.6 share a band with p > 0.97
_COEFFS = [
    (
        int.from_bytes(hashlib.blake2b(b"a%d" % i, digest_size=8).digest(), "big") % _PRIME or 1,
        int.from_bytes(hashlib.blake2b(b"b%d" % i, digest_size=8).digest(), "big") % _PRIME,
    )
    for i in range(_HASHES)
]


def _shingle_hash(shingle):
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")


def _minhash(shingle_set):
    hashed = [_shingle_hash(s) for s in shingle_set]
    return [min((a * h + b) % _PRIME for h in hashed) for a, b in _COEFFS]


def near_duplicate_groups(items, min_similarity=0.6, min_size=2):
    """Groups of near-identical texts among ``items`` ([(key, text)], keys comparable):
    texts whose word 3-shingles have Jaccard similarity ≥ ``min_similarity`` are linked,
    groups are the connected sets, at least ``min_size`` large, biggest first.

    Identical texts (after normalisation) are compared once; candidate pairs among the
    distinct ones come from MinHash banding (deterministic), each checked exactly against
    the first text of its bucket — so the cost grows with the number of texts, not its
    square, even when a burst repeats one text a thousand times."""
    keys_by_set = {}
    for key, text in items:
        found = shingles(text)
        if found:
            keys_by_set.setdefault(frozenset(found), []).append(key)
    sets = list(keys_by_set)
    parent = list(range(len(sets)))

    def find(index):
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    rows = _HASHES // _BANDS
    buckets = {}
    for index, found in enumerate(sets):
        signature = _minhash(found)
        for band in range(_BANDS):
            bucket = (band, tuple(signature[band * rows : (band + 1) * rows]))
            buckets.setdefault(bucket, []).append(index)
    for members in buckets.values():
        first = members[0]
        for other in members[1:]:
            if find(first) != find(other) and jaccard(sets[first], sets[other]) >= min_similarity:
                parent[find(other)] = find(first)
    groups = {}
    for index, found in enumerate(sets):
        groups.setdefault(find(index), []).extend(keys_by_set[found])
    result = [sorted(g) for g in groups.values() if len(g) >= min_size]
    return sorted(result, key=lambda g: (-len(g), g[0]))
