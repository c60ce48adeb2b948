"""SLA and priority rules (social_crm/tools/sla.py): policy choice, working time, status,
priority."""

from datetime import datetime, timedelta

from social_crm.tools import sla as s

T = datetime(2026, 5, 4, 10, 0)
NEGATIVE, SUPPORT, CHURN = 5, 6, 7
VK, OTZOVIK = 1, 2


# --------------------------------------------------------------------------- policies


def policy(pid, minutes, **criteria):
    return s.PolicySpec(id=pid, minutes=minutes, **criteria)


def test_the_most_specific_policy_wins():
    everything = policy(1, 120)
    three = policy(2, 30, stage_ids=frozenset({NEGATIVE, SUPPORT, CHURN}))
    one = policy(3, 20, stage_ids=frozenset({NEGATIVE}))
    on_vk = policy(4, 15, stage_ids=frozenset({NEGATIVE}), platform_ids=frozenset({VK}))
    urgent = policy(5, 5, priority=s.URGENT)
    policies = [everything, three, one, on_vk, urgent]
    assert s.pick_policy(policies, 1, NEGATIVE, VK, s.NORMAL) is on_vk
    assert s.pick_policy(policies, 1, NEGATIVE, OTZOVIK, s.NORMAL) is one
    assert s.pick_policy(policies, 1, SUPPORT, VK, s.NORMAL) is three
    assert s.pick_policy(policies, 1, None, VK, s.NORMAL) is everything
    # two criteria (stage + platform) beat one (priority)
    assert s.pick_policy(policies, 1, NEGATIVE, VK, s.URGENT) is on_vk
    assert s.pick_policy(policies, 1, SUPPORT, VK, s.URGENT) is urgent
    assert s.pick_policy([], 1, SUPPORT, VK, s.URGENT) is None


def test_ties_go_to_the_lower_sequence_then_the_older():
    first = policy(9, 10, stage_ids=frozenset({NEGATIVE}), sequence=1)
    second = policy(3, 10, stage_ids=frozenset({NEGATIVE}), sequence=5)
    assert s.pick_policy([second, first], 1, NEGATIVE, VK, "0") is first
    twin = policy(2, 10, stage_ids=frozenset({NEGATIVE}), sequence=1)
    assert s.pick_policy([first, twin], 1, NEGATIVE, VK, "0") is twin


def test_a_company_policy_only_applies_to_its_company():
    ours = policy(1, 10, company_id=1)
    assert s.pick_policy([ours], 1, NEGATIVE, VK, "0") is ours
    assert s.pick_policy([ours], 2, NEGATIVE, VK, "0") is None


# ------------------------------------------------------------------------- working time


OFFICE = [  # Monday and Tuesday 9–18
    (datetime(2026, 5, 4, 9), datetime(2026, 5, 4, 18)),
    (datetime(2026, 5, 5, 9), datetime(2026, 5, 5, 18)),
]


def test_around_the_clock():
    assert s.add_working_minutes(None, T, 10) == T + timedelta(minutes=10)
    assert s.working_minutes_between(None, T, T + timedelta(hours=2)) == 120


def test_working_minutes_skip_the_night():
    evening = datetime(2026, 5, 4, 17, 50)
    assert s.add_working_minutes(OFFICE, evening, 30) == datetime(2026, 5, 5, 9, 20)
    assert s.add_working_minutes(OFFICE, datetime(2026, 5, 4, 6), 30) == datetime(2026, 5, 4, 9, 30)
    assert s.add_working_minutes(OFFICE, evening, 60 * 24) is None  # past the intervals given
    assert s.working_minutes_between(OFFICE, evening, datetime(2026, 5, 5, 9, 30)) == 40


def test_at_risk_share():
    assert s.at_risk_minutes(10) == 7.5
    assert s.at_risk_minutes(60, 50) == 30
    assert s.at_risk_minutes(60, 150) == 0


# ------------------------------------------------------------------------------ status


def test_status_while_open_and_once_answered():
    deadline, risk = T + timedelta(minutes=10), T + timedelta(minutes=7, seconds=30)
    status = s.sla_status
    assert status(T + timedelta(minutes=1), "new", deadline, risk) == "on_track"
    assert status(T + timedelta(minutes=8), "in_progress", deadline, risk) == "at_risk"
    assert status(T + timedelta(minutes=10), "in_progress", deadline, risk) == "breached"
    assert status(T, "answered", deadline, risk, answered_at=T + timedelta(minutes=9)) == "met"
    assert status(T, "closed", deadline, risk, answered_at=T + timedelta(minutes=11)) == "missed"
    assert status(T + timedelta(hours=1), "ignored", deadline, risk) is False
    assert status(T, "new", None) is False
    # paused at minute 2: read at minute 2, however late it is now
    paused = T + timedelta(minutes=2)
    assert status(T + timedelta(hours=1), "waiting_expert", deadline, risk, None, paused) == (
        "on_track"
    )


# ---------------------------------------------------------------------------- priority


def prio(**kw):
    return s.priority_of(s.PriorityInput(**kw))[0]


def test_urgent_rules():
    assert prio(stage_code="churn") == s.URGENT
    assert prio(stage_code="awkward") == s.URGENT
    assert prio(sentiment="negative", audience=10000) == s.URGENT
    assert prio(stage_code="negative", audience=50000) == s.URGENT
    assert prio(platform_kind="review", rating=1) == s.URGENT
    assert prio(platform_kind="review", rating=2) == s.URGENT
    assert prio(stage_code="support", is_vip=True) == s.URGENT


def test_high_and_normal():
    assert prio(sentiment="negative", audience=9999) == s.NORMAL
    assert prio(platform_kind="review", rating=3) == s.NORMAL
    assert prio(platform_kind="social", rating=1) == s.NORMAL
    assert prio(stage_code="product", is_vip=True) == s.HIGH
    assert prio(stage_code="general", is_advocate=True) == s.HIGH
    assert prio(stage_code="support", sentiment="negative") == s.HIGH
    assert prio(stage_code="product") == s.NORMAL


def test_the_audience_threshold_is_a_parameter():
    item = s.PriorityInput(sentiment="negative", audience=500)
    assert s.priority_of(item, 400) == (s.URGENT, ["negative_audience"])
    assert s.priority_of(item, 0)[0] == s.NORMAL  # 0 switches the rule off
