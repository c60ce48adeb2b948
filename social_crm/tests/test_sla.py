"""SLA policies, deadlines on calendars, pauses, status, escalation; priority rules."""

from datetime import datetime, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SocialCrmCase, make_record

T0 = datetime(2026, 5, 4, 10, 0, 0)  # a Monday, naive UTC


def iso(moment):
    return moment.isoformat() + "+00:00"


class SlaCase(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Policy = cls.env["social_crm.sla.policy"]
        cls.default_policies = cls.Policy.search([])
        cls.default_policies.active = False  # each test states its own policies
        cls.stages = {s.code: s for s in cls.env["social_crm.stage"].search([])}
        cls.vk = cls.env.ref("social_crm.platform_vk")
        cls.otzovik = cls.env.ref("social_crm.platform_otzovik")
        cls.lead = new_test_user(cls.env, "sla_lead", groups="social_crm.group_manager")
        cls.team = cls.env["social_crm.team"].create(
            {"name": "Lead only", "user_id": cls.lead.id, "unassigned_alert_minutes": 0}
        )
        cls.serial = 0

    def ingest(self, published=T0, stage=None, sentiment=None, **extra):
        """One new mention published at ``published``, its stage / sentiment as given."""
        type(self).serial += 1
        ext = f"sla{self.serial}"
        overrides = {}
        if stage:
            overrides.update(stage_id=self.stages[stage].id, stage_manual=True)
        if sentiment:
            overrides.update(sentiment=sentiment, sentiment_manual=True, sentiment_origin="manual")
        record = make_record(ext, published_at=iso(published), **extra)
        with freeze_time(published):  # imported as it is published
            report = self.source._ingest([record], overrides={ext: overrides})
        self.assertEqual(report["created"], 1, report["errors"])
        return report["mentions"]

    def office_calendar(self, tz="Europe/Moscow"):
        """Monday to Friday, 9:00–18:00 in ``tz``."""
        return self.env["resource.calendar"].create(
            {
                "name": "Office hours",
                "tz": tz,
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 9,
                            "hour_to": 18,
                            "day_period": "morning",
                        },
                    )
                    for day in range(5)
                ],
            }
        )

    def find(self, domain):
        """This test's mentions matching ``domain`` (the demo has its own)."""
        return self.Mention.search([("source_id", "=", self.source.id)] + domain)

    def stored_status(self, mention):
        self.env.flush_all()
        self.env.cr.execute("SELECT sla_status FROM social_crm_mention WHERE id = %s", [mention.id])
        return self.env.cr.fetchone()[0]


@tagged("post_install", "-at_install")
class TestSlaDeadlines(SlaCase):
    def test_policy_deadline_around_the_clock(self):
        policy = self.Policy.create(
            {
                "name": "Complaints",
                "stage_ids": [(6, 0, self.stages["negative"].ids)],
                "minutes": 10,
            }
        )
        mention = self.ingest(published=T0, stage="negative")
        self.assertEqual(mention.sla_policy_id, policy)
        self.assertEqual(mention.sla_deadline, T0 + timedelta(minutes=10))
        # at risk: less than 25 % of the time left
        self.assertEqual(mention.sla_at_risk_at, T0 + timedelta(minutes=7, seconds=30))
        with freeze_time(T0 + timedelta(minutes=1)):
            mention.invalidate_recordset()
            self.assertEqual(mention.sla_status, "on_track")

    def test_without_a_matching_policy_the_stage_minutes_count(self):
        self.Policy.create(
            {"name": "Churn", "stage_ids": [(6, 0, self.stages["churn"].ids)], "minutes": 5}
        )
        self.stages["support"].sla_minutes = 45
        mention = self.ingest(published=T0, stage="support")
        self.assertFalse(mention.sla_policy_id)
        self.assertEqual(mention.sla_deadline, T0 + timedelta(minutes=45))
        self.assertEqual(mention.sla_allotted_minutes, 45)

    def test_the_most_specific_policy_wins(self):
        Policy = self.Policy
        Policy.create({"name": "Everything", "minutes": 120, "sequence": 1})
        Policy.create(
            {
                "name": "Four stages",
                "stage_ids": [
                    (6, 0, [self.stages[c].id for c in ("negative", "support", "churn")])
                ],
                "minutes": 30,
                "sequence": 2,
            }
        )
        one_stage = Policy.create(
            {"name": "Negative", "stage_ids": [(6, 0, self.stages["negative"].ids)], "minutes": 20}
        )
        on_vk = Policy.create(
            {
                "name": "Negative on VK",
                "stage_ids": [(6, 0, self.stages["negative"].ids)],
                "platform_ids": [(6, 0, self.vk.ids)],
                "minutes": 15,
                "sequence": 50,
            }
        )
        self.assertEqual(self.ingest(stage="negative").sla_policy_id, on_vk)
        on_vk.active = False
        self.assertEqual(self.ingest(stage="negative").sla_policy_id, one_stage)
        self.assertEqual(self.ingest(stage="support").sla_policy_id.name, "Four stages")
        self.assertEqual(self.ingest(stage="general").sla_policy_id.name, "Everything")

    def test_seed_two_default_policies_five_to_ten_minutes(self):
        self.default_policies.active = True
        complaint = self.ingest(published=T0, stage="support", sentiment="neutral")
        self.assertEqual(complaint.priority, "0")
        self.assertEqual(complaint.sla_deadline, T0 + timedelta(minutes=10))
        self.assertFalse(complaint.sla_policy_id.resource_calendar_id, "around the clock")
        night = T0.replace(hour=23, minute=50) - timedelta(days=1)  # Sunday night
        churn = self.ingest(published=night, stage="churn")
        self.assertEqual(churn.priority, "2")
        self.assertEqual(churn.sla_deadline, night + timedelta(minutes=5))

    def test_deadline_on_working_hours(self):
        calendar = self.office_calendar()  # Moscow: UTC+3
        self.Policy.create({"name": "Office", "minutes": 30, "resource_calendar_id": calendar.id})
        # Friday 17:50 Moscow: 10 minutes on Friday, 20 on Monday from 9:00
        friday = datetime(2026, 5, 1, 14, 50)
        mention = self.ingest(published=friday, stage="general")
        self.assertEqual(mention.sla_deadline, datetime(2026, 5, 4, 6, 20))
        # at risk after 22.5 working minutes: Monday 9:12:30 Moscow
        self.assertEqual(mention.sla_at_risk_at, datetime(2026, 5, 4, 6, 12, 30))
        # published on Saturday night: counted from Monday 9:00
        saturday = datetime(2026, 5, 2, 21, 0)
        self.assertEqual(
            self.ingest(published=saturday, stage="general").sla_deadline,
            datetime(2026, 5, 4, 6, 30),
        )

    def test_status_over_time_is_searchable_before_the_cron_runs(self):
        self.Policy.create({"name": "Ten minutes", "minutes": 10})
        mention = self.ingest(published=T0, stage="general")
        Mention = self.Mention
        with freeze_time(T0 + timedelta(minutes=8)):
            self.assertEqual(self.find([("sla_status", "=", "at_risk")]), mention)
            self.assertEqual(self.find([("is_due_soon", "=", True)]), mention)
            self.assertFalse(self.find([("is_overdue", "=", True)]))
            self.assertEqual(self.stored_status(mention), "on_track", "not refreshed yet")
            mention.invalidate_recordset()
            self.assertEqual(mention.sla_status, "at_risk")
            Mention._cron_sla_refresh()
            self.assertEqual(self.stored_status(mention), "at_risk")
        with freeze_time(T0 + timedelta(minutes=11)):
            self.assertEqual(self.find([("is_overdue", "=", True)]), mention)
            self.assertIn(mention, self.find([("sla_status", "=", "breached")]))
            self.assertFalse(self.find([("is_due_soon", "=", True)]))
            groups = Mention._read_group([("id", "=", mention.id)], ["sla_status"], ["__count"])
            self.assertEqual(groups, [("breached", 1)])

    def test_met_and_missed_once_answered(self):
        self.Policy.create({"name": "Ten minutes", "minutes": 10})
        quick, late = self.ingest(published=T0), self.ingest(published=T0)
        with freeze_time(T0 + timedelta(minutes=6)):
            quick.action_mark_answered()
        with freeze_time(T0 + timedelta(minutes=25)):
            late.action_mark_answered()
            self.Mention._cron_sla_refresh()
        self.assertEqual((quick.sla_status, late.sla_status), ("met", "missed"))
        self.assertEqual((self.stored_status(quick), self.stored_status(late)), ("met", "missed"))
        self.assertEqual(self.find([("sla_status", "=", "missed")]), late)
        self.assertFalse(late.sla_escalated, "answered before the cron saw the breach")

    def test_waiting_for_an_expert_pauses_the_clock(self):
        self.Policy.create({"name": "Pausing", "minutes": 10, "pause_while_waiting_expert": True})
        mention = self.ingest(published=T0)
        with freeze_time(T0 + timedelta(minutes=2)):
            mention.action_wait_expert()
            self.assertEqual(mention.sla_paused_since, T0 + timedelta(minutes=2))
        with freeze_time(T0 + timedelta(minutes=30)):
            # past the original deadline, but the clock stood still at minute 2
            self.assertFalse(self.find([("is_overdue", "=", True)]))
            self.assertEqual(self.find([("sla_status", "=", "on_track")]), mention)
            mention.invalidate_recordset()
            self.assertFalse(mention.is_overdue)
        with freeze_time(T0 + timedelta(minutes=32)):
            mention.action_reopen()  # the expert answered
        self.assertFalse(mention.sla_paused_since)
        self.assertEqual(mention.sla_paused_minutes, 30)
        self.assertEqual(mention.sla_deadline, T0 + timedelta(minutes=40))
        with freeze_time(T0 + timedelta(minutes=39)):
            mention.action_mark_answered()
        self.assertEqual(mention.sla_status, "met")

    def test_a_policy_that_does_not_pause(self):
        self.Policy.create(
            {"name": "Not pausing", "minutes": 10, "pause_while_waiting_expert": False}
        )
        mention = self.ingest(published=T0)
        with freeze_time(T0 + timedelta(minutes=2)):
            mention.action_wait_expert()
        self.assertFalse(mention.sla_paused_since)
        with freeze_time(T0 + timedelta(minutes=12)):
            self.assertEqual(self.find([("is_overdue", "=", True)]), mention)

    def test_pause_counts_working_time_only(self):
        calendar = self.office_calendar(tz="UTC")
        self.Policy.create({"name": "Office", "minutes": 60, "resource_calendar_id": calendar.id})
        mention = self.ingest(published=T0)  # Monday 10:00 UTC → 11:00
        self.assertEqual(mention.sla_deadline, T0 + timedelta(hours=1))
        with freeze_time(T0.replace(hour=10, minute=30)):
            mention.action_wait_expert()
        with freeze_time(T0.replace(hour=9, minute=30) + timedelta(days=1)):
            mention.action_reopen()  # 7.5 working hours Monday, 0.5 Tuesday paused
        self.assertEqual(mention.sla_paused_minutes, 480)
        # 30 working minutes were left: Tuesday 9:30 → 10:00
        self.assertEqual(mention.sla_deadline, datetime(2026, 5, 5, 10, 0))

    def test_changing_the_stage_replans_an_open_mention(self):
        self.Policy.create(
            {"name": "Churn", "stage_ids": [(6, 0, self.stages["churn"].ids)], "minutes": 5}
        )
        self.stages["general"].sla_minutes = 60
        mention = self.ingest(published=T0, stage="general")
        self.assertEqual(mention.sla_deadline, T0 + timedelta(minutes=60))
        mention.stage_id = self.stages["churn"]
        self.assertEqual(mention.sla_deadline, T0 + timedelta(minutes=5))

    def test_a_breach_is_escalated_to_the_team_lead_once(self):
        self.Policy.create({"name": "Ten minutes", "minutes": 10})
        self.team.unassigned_alert_minutes = 0
        mention = self.ingest(published=T0)
        self.assertEqual(mention.team_id, self.team, "the only team covers everything")
        with freeze_time(T0 + timedelta(minutes=5)):
            self.Mention._cron_sla_refresh()
        self.assertFalse(mention.activity_ids)
        with freeze_time(T0 + timedelta(minutes=11)):
            self.Mention._cron_sla_refresh()
            self.Mention._cron_sla_refresh()
        with freeze_time(T0 + timedelta(minutes=40)):
            self.Mention._cron_sla_refresh()
        activities = mention.activity_ids.filtered(lambda a: a.user_id == self.lead)
        self.assertEqual(len(activities), 1, "escalated once, however often the cron runs")
        self.assertIn("SLA breached", activities.summary)
        notified = mention.message_ids.filtered(lambda m: self.lead.partner_id in m.partner_ids)
        self.assertEqual(len(notified), 1)
        self.assertTrue(mention.sla_escalated)

    def test_a_breach_without_a_team_goes_to_the_source_responsible(self):
        self.team.active = False
        self.Policy.create({"name": "Ten minutes", "minutes": 10})
        responsible = new_test_user(self.env, "sla_resp", groups="social_crm.group_manager")
        self.source.user_id = responsible
        mention = self.ingest(published=T0)
        with freeze_time(T0 + timedelta(minutes=11)):
            self.Mention._cron_sla_refresh()
        self.assertEqual(mention.activity_ids.user_id, responsible)


@tagged("post_install", "-at_install")
class TestSlaPriority(SlaCase):
    def test_urgent_cases(self):
        self.assertEqual(self.ingest(stage="churn").priority, "2")
        self.assertEqual(self.ingest(stage="awkward").priority, "2")
        big = self.ingest(stage="general", sentiment="negative", reach=50000)
        self.assertEqual(big.priority, "2", "negative with a large audience")
        small = self.ingest(stage="general", sentiment="negative", reach=300)
        self.assertEqual(small.priority, "0")
        review = self.ingest(stage="general", sentiment="neutral", platform="otzovik", rating=2)
        self.assertEqual(review.priority, "2", "a review of 1–2 stars")
        good = self.ingest(stage="general", sentiment="positive", platform="otzovik", rating=4)
        self.assertEqual(good.priority, "0")
        neutral = self.ingest(stage="product", sentiment="neutral")
        self.assertEqual(neutral.priority, "0")

    def test_audience_of_the_author_and_a_configurable_threshold(self):
        author = {"external_id": "famous", "name": "Famous", "followers": 20000}
        self.assertEqual(
            self.ingest(stage="general", sentiment="negative", author=author).priority, "2"
        )
        self.env["ir.config_parameter"].set_param("social_crm.priority_audience_threshold", 200)
        self.assertEqual(
            self.ingest(stage="general", sentiment="negative", reach=300).priority, "2"
        )

    def test_vip_authors(self):
        self.env["social_crm.author"].create(
            {"name": "VIP", "platform_id": self.vk.id, "external_id": "vip1", "is_vip": True}
        )
        vip = {"external_id": "vip1", "name": "VIP"}
        self.assertEqual(
            self.ingest(stage="product", sentiment="neutral", author=vip).priority, "1"
        )
        self.assertEqual(
            self.ingest(stage="support", sentiment="neutral", author=vip).priority, "2"
        )

    def test_advocates_when_the_author_has_the_flag(self):
        Author = self.env["social_crm.author"]
        if "is_advocate" not in Author._fields:
            self.skipTest("authors have no advocate flag in this build")
        author = Author.create(
            {"name": "Fan", "platform_id": self.vk.id, "external_id": "fan1", "followers": 10}
        )
        author.write({"is_advocate": True})
        if not author.is_advocate:
            self.skipTest("the advocate flag is computed here")
        fan = {"external_id": "fan1", "name": "Fan"}
        self.assertEqual(
            self.ingest(stage="product", sentiment="neutral", author=fan).priority, "1"
        )

    def test_priority_set_by_hand_survives_reanalysis(self):
        mention = self.ingest(stage="product", sentiment="neutral")
        self.assertEqual(mention.priority, "0")
        mention.priority = "2"
        self.assertTrue(mention.priority_manual)
        mention._reanalyse()
        self.assertEqual(mention.priority, "2")
        other = self.ingest(stage="churn")
        self.assertEqual(other.priority, "2")
        other.with_context(social_crm_analysis=True).write({"stage_manual": False})
        other._reanalyse()  # "Подскажите, есть ли у вас доставка" is no churn
        self.assertNotEqual(other.stage_id, self.stages["churn"])
        self.assertNotEqual(other.priority, "2")

    def test_priority_typed_in_by_hand_is_kept(self):
        mention = self.Mention.create(
            {"text": "Нормальный банк", "platform_id": self.vk.id, "priority": "1"}
        )
        self.assertEqual(mention.priority, "1")
        self.assertTrue(mention.priority_manual)

    def test_urgent_mentions_get_the_urgent_policy(self):
        self.Policy.create({"name": "Everything", "minutes": 30})
        urgent = self.Policy.create({"name": "Urgent", "priority": "2", "minutes": 5})
        mention = self.ingest(published=T0, stage="churn")
        self.assertEqual(mention.sla_policy_id, urgent)
        self.assertEqual(mention.sla_deadline, T0 + timedelta(minutes=5))
        calm = self.ingest(published=T0, stage="product", sentiment="neutral")
        self.assertEqual(calm.sla_deadline, T0 + timedelta(minutes=30))
        calm.priority = "2"  # by hand: the urgent policy now
        self.assertEqual(calm.sla_deadline, T0 + timedelta(minutes=5))


@tagged("post_install", "-at_install")
class TestSlaRights(SlaCase):
    def test_only_managers_configure_policies_and_teams(self):
        agent = new_test_user(self.env, "sla_agent", groups="social_crm.group_user")
        Policy, Team = self.Policy.with_user(agent), self.env["social_crm.team"].with_user(agent)
        self.assertTrue(Team.search([("id", "=", self.team.id)]), "agents see the teams")
        self.assertTrue(Policy.with_context(active_test=False).search_count([]))
        with self.assertRaises(AccessError):
            Policy.create({"name": "Mine", "minutes": 1})
        with self.assertRaises(AccessError):
            self.team.with_user(agent).write({"max_open_per_member": 1000})
        with self.assertRaises(AccessError):
            self.default_policies[:1].with_user(agent).write({"minutes": 600})
        manager = self.lead
        policy = self.Policy.with_user(manager).create({"name": "Ours", "minutes": 15})
        self.assertEqual(policy.company_id, manager.company_id)

    def test_agents_set_the_priority_by_hand(self):
        agent = new_test_user(self.env, "sla_agent2", groups="social_crm.group_user")
        mention = self.ingest(stage="product", sentiment="neutral")
        mention.with_user(agent).priority = "2"
        self.assertEqual((mention.priority, mention.priority_manual), ("2", True))

    def test_bad_minutes_are_refused_with_the_policy_named(self):
        with self.assertRaises(ValidationError) as caught:
            self.Policy.create({"name": "Never", "minutes": 0})
        self.assertIn("Never", str(caught.exception))
        with self.assertRaises(ValidationError):
            self.team.max_open_per_member = -1


@tagged("post_install", "-at_install")
class TestSlaFilters(SlaCase):
    def filter_groups(self):
        """The search view's filters, as lists between separators (a group ORs its
        filters; different groups AND)."""
        arch = etree.fromstring(self.Mention.get_view(view_type="search")["arch"])
        groups, current = [], []
        for node in arch:
            if node.tag == "separator" and current:
                groups.append(current)
                current = []
            elif node.tag == "filter" and node.get("domain"):
                current.append(node.get("name"))
        groups.append(current)
        return groups

    def group_of(self, name):
        return next(i for i, group in enumerate(self.filter_groups()) if name in group)

    def test_filters_that_narrow_each_other_are_in_separate_groups(self):
        group = self.group_of
        self.assertEqual(group("due_soon"), group("overdue"), "alternatives: one group")
        for other in ("open", "urgent", "waiting_expert", "negative", "sla_missed"):
            self.assertNotEqual(group(other), group("overdue"), other)
        self.assertNotEqual(group("urgent"), group("open"))
        self.assertNotEqual(group("waiting_expert"), group("open"))

    def test_urgent_due_soon_and_waiting_filters_find_the_right_mentions(self):
        self.Policy.create(
            {"name": "Ten minutes", "minutes": 10, "pause_while_waiting_expert": False}
        )
        urgent = self.ingest(published=T0, stage="churn")
        calm = self.ingest(published=T0, stage="product", sentiment="neutral")
        waiting = self.ingest(published=T0, stage="product", sentiment="neutral")
        with freeze_time(T0 + timedelta(minutes=1)):
            waiting.action_wait_expert()
        with freeze_time(T0 + timedelta(minutes=8)):
            self.assertEqual(self.find([("priority", "=", "2")]), urgent)
            self.assertEqual(self.find([("is_due_soon", "=", True)]), urgent | calm | waiting)
            self.assertEqual(
                self.find([("is_due_soon", "=", True), ("state", "=", "waiting_expert")]),
                waiting,
            )
            self.assertEqual(self.find([("is_due_soon", "!=", True)]), self.Mention)
