"""SLA and priority rules in plain Python (no Odoo): which policy applies to a mention,
working time on a calendar's intervals, a deadline's status, and a new mention's priority.

Datetimes are naive UTC, as Odoo stores them; a calendar is given as its working
intervals ``[(start, stop), …]`` (sorted, not overlapping), or ``None`` for 24/7.
"""

from dataclasses import dataclass, field
from datetime import timedelta

NORMAL, HIGH, URGENT = "0", "1", "2"
# "At risk": less than this share of the allotted time is left.
AT_RISK_PERCENT = 25
# "Large audience": the post's reach or its author's followers, at least.
AUDIENCE_THRESHOLD = 10000
OPEN_STATES = ("new", "in_progress", "waiting_expert")
# Stages where a VIP author's post is urgent, not just high.
VIP_URGENT_STAGES = ("negative", "support", "churn")


# ---------------------------------------------------------------------------- policies


@dataclass(frozen=True)
class PolicySpec:
    """One SLA policy's criteria; empty sets / None match anything."""

    id: int
    minutes: int
    stage_ids: frozenset = field(default_factory=frozenset)
    platform_ids: frozenset = field(default_factory=frozenset)
    priority: str | None = None
    company_id: int | None = None
    sequence: int = 10

    def matches(self, company_id, stage_id, platform_id, priority):
        return (
            (not self.company_id or self.company_id == company_id)
            and (not self.stage_ids or stage_id in self.stage_ids)
            and (not self.platform_ids or platform_id in self.platform_ids)
            and (not self.priority or self.priority == (priority or NORMAL))
        )

    def specificity(self):
        """Sort key, most specific first: more criteria set (priority, stages, platforms,
        company); then one naming a priority; then fewer stages, then fewer platforms
        listed; then sequence, then id."""
        criteria = sum(
            bool(x) for x in (self.priority, self.stage_ids, self.platform_ids, self.company_id)
        )
        return (
            -criteria,
            not self.priority,
            len(self.stage_ids) or 10**6,
            len(self.platform_ids) or 10**6,
            self.sequence,
            self.id,
        )


def pick_policy(policies, company_id, stage_id, platform_id, priority):
    """The most specific policy matching the mention, or None."""
    matching = [p for p in policies if p.matches(company_id, stage_id, platform_id, priority)]
    return min(matching, key=PolicySpec.specificity) if matching else None


# -------------------------------------------------------------------------- working time


def add_working_minutes(intervals, start, minutes):
    """The moment ``minutes`` of working time after ``start``; ``intervals=None`` is 24/7.
    None when the intervals end first (the caller fetches a longer span)."""
    if intervals is None:
        return start + timedelta(minutes=minutes)
    left = timedelta(minutes=max(minutes, 0))
    for begin, stop in intervals:
        if stop <= start:
            continue
        begin = max(begin, start)
        if begin + left <= stop:
            return begin + left
        left -= stop - begin
    return None


def working_minutes_between(intervals, begin, end):
    """Working minutes between two moments; ``intervals=None`` is 24/7."""
    if end <= begin:
        return 0.0
    if intervals is None:
        return (end - begin).total_seconds() / 60.0
    total = timedelta()
    for start, stop in intervals:
        low, high = max(start, begin), min(stop, end)
        if high > low:
            total += high - low
    return total.total_seconds() / 60.0


def at_risk_minutes(minutes, percent=AT_RISK_PERCENT):
    """Working minutes after the start when a mention becomes at risk: when less than
    ``percent`` % of its allotted time is left."""
    percent = min(max(percent, 0), 100)
    return minutes * (100 - percent) / 100.0


def is_within(intervals, moment):
    """Is ``moment`` inside a working interval (``None``: always)."""
    if intervals is None:
        return True
    return any(start <= moment < stop for start, stop in intervals)


# --------------------------------------------------------------------------------- status


def sla_status(now, state, deadline, at_risk_at=None, answered_at=None, paused_since=None):
    """on_track / at_risk / breached while open, met / missed once answered, False
    otherwise (closed or ignored unanswered, no deadline). A paused clock is read at the
    moment it was paused."""
    if answered_at:
        return "met" if not deadline or answered_at <= deadline else "missed"
    if state not in OPEN_STATES or not deadline:
        return False
    moment = paused_since or now
    if moment >= deadline:
        return "breached"
    if at_risk_at and moment >= at_risk_at:
        return "at_risk"
    return "on_track"


# ------------------------------------------------------------------------------- priority


@dataclass
class PriorityInput:
    sentiment: str = ""
    stage_code: str = ""
    audience: int = 0
    rating: float = 0.0
    platform_kind: str = ""
    is_vip: bool = False
    is_advocate: bool = False


def priority_of(item, audience_threshold=AUDIENCE_THRESHOLD):
    """(priority, [reason codes]) of a new mention.

    Urgent: churn; an awkward question; negative (sentiment or stage) with an audience of
    at least ``audience_threshold``; a review-site review of 1–2 stars; a VIP author's
    negative post or request (negative, support or churn stage).
    High: any other post by a VIP author or an advocate; a negative support request.
    Normal: the rest.
    """
    negative = item.sentiment == "negative" or item.stage_code == "negative"
    urgent = []
    if item.stage_code == "churn":
        urgent.append("churn")
    if item.stage_code == "awkward":
        urgent.append("awkward")
    if negative and audience_threshold and item.audience >= audience_threshold:
        urgent.append("negative_audience")
    if item.platform_kind == "review" and 0 < (item.rating or 0) <= 2:
        urgent.append("low_rating")
    if item.is_vip and (negative or item.stage_code in VIP_URGENT_STAGES):
        urgent.append("vip")
    if urgent:
        return URGENT, urgent
    high = []
    if item.is_vip:
        high.append("vip")
    if item.is_advocate:
        high.append("advocate")
    if item.stage_code == "support" and item.sentiment == "negative":
        high.append("negative_support")
    if high:
        return HIGH, high
    return NORMAL, []
