"""Teams: routing, round robin, least loaded, caps, duty hours, unassigned alerts."""

from collections import Counter
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import SocialCrmCase, make_record

MONDAY_NOON = datetime(2026, 5, 4, 12, 0)
SATURDAY_NOON = datetime(2026, 5, 9, 12, 0)


@tagged("post_install", "-at_install")
class TestSlaAssignment(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Team = cls.env["social_crm.team"]
        cls.lead = new_test_user(cls.env, "team_lead", groups="social_crm.group_manager")
        cls.agents = [
            new_test_user(cls.env, f"agent{i}", groups="social_crm.group_user") for i in range(3)
        ]
        cls.serial = 0

    def make_team(self, method="round_robin", cap=0, agents=None, **extra):
        agents = self.agents if agents is None else agents
        return self.Team.create(
            dict(
                {
                    "name": f"Team {method}",
                    "user_id": self.lead.id,
                    "assignment_method": method,
                    "max_open_per_member": cap,
                    "member_ids": [
                        (0, 0, {"user_id": agent.id, "sequence": index})
                        for index, agent in enumerate(agents)
                    ],
                },
                **extra,
            )
        )

    def ingest(self, count, platform="vk"):
        records = []
        for _ in range(count):
            TestSlaAssignment.serial += 1
            records.append(make_record(f"as{self.serial}", platform=platform))
        report = self.source._ingest(records)
        self.assertEqual(report["created"], count, report["errors"])
        return report["mentions"]

    def spread(self, mentions):
        return Counter(m.user_id.login for m in mentions)

    @freeze_time(MONDAY_NOON)
    def test_round_robin_spreads_evenly_and_continues_across_batches(self):
        team = self.make_team("round_robin")
        first = self.ingest(4)
        self.assertEqual(first.team_id, team)
        self.assertEqual(
            first.sorted("id").mapped("user_id"),
            self.agents[0] | self.agents[1] | self.agents[2] | self.agents[0],
        )
        second = self.ingest(5)
        self.assertEqual(self.spread(first | second), {"agent0": 3, "agent1": 3, "agent2": 3})
        self.assertEqual(set((first | second).mapped("state")), {"in_progress"})

    @freeze_time(MONDAY_NOON)
    def test_least_loaded_fills_the_emptiest_first(self):
        self.make_team("least_loaded")
        busy = self.ingest(3)  # routed: one each
        busy[:2].write({"user_id": self.agents[0].id})  # agent0: 2, agent1: 0, agent2: 1
        busy[2].write({"user_id": self.agents[2].id})
        new = self.ingest(3)
        self.assertEqual(self.spread(new), {"agent1": 2, "agent2": 1})
        self.assertEqual(self.spread(busy | new), {"agent0": 2, "agent1": 2, "agent2": 2})

    @freeze_time(MONDAY_NOON)
    def test_the_cap_is_respected_and_the_rest_waits(self):
        team = self.make_team("least_loaded", cap=2, agents=self.agents[:2])
        mentions = self.ingest(5)
        self.assertEqual(self.spread(mentions), {"agent0": 2, "agent1": 2, False: 1})
        waiting = mentions.filtered(lambda m: not m.user_id)
        self.assertEqual(waiting.team_id, team)
        # one of agent0's mentions is answered: the cron gives them the waiting one
        mentions.filtered(lambda m: m.user_id == self.agents[0])[:1].action_mark_answered()
        self.Mention._cron_sla_refresh()
        self.assertEqual(waiting.user_id, self.agents[0])

    @freeze_time(MONDAY_NOON)
    def test_round_robin_skips_members_at_the_cap(self):
        self.make_team("round_robin", cap=1)
        mentions = self.ingest(4)
        self.assertEqual(self.spread(mentions), {"agent0": 1, "agent1": 1, "agent2": 1, False: 1})

    def office(self):
        return self.env["resource.calendar"].create(
            {
                "name": "Weekdays",
                "tz": "UTC",
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

    def test_off_duty_members_are_skipped(self):
        team = self.make_team("round_robin")
        weekdays = self.office()
        team.member_ids.filtered(lambda m: m.user_id != self.agents[2]).write(
            {"resource_calendar_id": weekdays.id}
        )
        with freeze_time(SATURDAY_NOON):
            weekend = self.ingest(3)
        self.assertEqual(self.spread(weekend), {"agent2": 3})
        with freeze_time(MONDAY_NOON):
            weekday = self.ingest(3)
        self.assertEqual(self.spread(weekday), {"agent0": 1, "agent1": 1, "agent2": 1})

    def test_nobody_on_duty_alerts_the_lead_once(self):
        team = self.make_team("round_robin", unassigned_alert_minutes=15)
        team.member_ids.resource_calendar_id = self.office()
        with freeze_time(SATURDAY_NOON):
            mention = self.ingest(1)
        self.assertFalse(mention.user_id)
        self.assertEqual(mention.team_id, team)
        # The alert counts from create_date, which is the database's clock (the transaction's
        # now(), which freeze_time does not reach). Put it at the frozen moment, so that the
        # cron runs below fall on Saturday too, outside the calendar whatever the real time.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE social_crm_mention SET create_date = %s WHERE id = %s",
            [SATURDAY_NOON, mention.id],
        )
        mention.invalidate_recordset(["create_date"])
        self.assertEqual(mention.create_date, SATURDAY_NOON)
        with freeze_time(SATURDAY_NOON + timedelta(minutes=5)):
            self.Mention._cron_sla_refresh()
        self.assertFalse(mention.user_id, "nobody is on duty on Saturday")
        self.assertFalse(mention.unassigned_alerted)
        with freeze_time(SATURDAY_NOON + timedelta(minutes=20)):
            self.Mention._cron_sla_refresh()
            self.Mention._cron_sla_refresh()
        alerts = mention.activity_ids.filtered(
            lambda a: a.user_id == self.lead and "Unassigned" in a.summary
        )
        self.assertEqual(len(alerts), 1)
        self.assertTrue(mention.unassigned_alerted)

    @freeze_time(MONDAY_NOON)
    def test_the_matrix_row_names_the_team(self):
        self.make_team("round_robin", agents=self.agents[:1], sequence=1)
        night = self.make_team("round_robin", agents=self.agents[2:], sequence=9)
        stage = self.env.ref("social_crm.stage_product")
        self.env["social_crm.matrix"].create({"stage_id": stage.id, "team_id": night.id})
        mentions = self.ingest(2)
        by_stage = mentions.filtered(lambda m: m.stage_id == stage)
        self.assertTrue(by_stage, "the sample text is a product question")
        self.assertEqual(by_stage.team_id, night)
        self.assertEqual(by_stage.user_id, self.agents[2])

    @freeze_time(MONDAY_NOON)
    def test_teams_cover_platforms(self):
        vk_team = self.make_team(
            "round_robin",
            agents=self.agents[:1],
            platform_ids=[(6, 0, self.env.ref("social_crm.platform_vk").ids)],
        )
        self.make_team("round_robin", agents=self.agents[1:2], sequence=20)
        on_vk = self.ingest(1, platform="vk")
        on_telegram = self.ingest(1, platform="telegram")
        self.assertEqual((on_vk.team_id, on_vk.user_id), (vk_team, self.agents[0]))
        self.assertEqual(on_telegram.user_id, self.agents[1])

    @freeze_time(MONDAY_NOON)
    def test_the_agent_who_replies_becomes_the_assignee_when_there_is_none(self):
        mention = self.ingest(1)  # no team: nobody assigned
        self.assertFalse(mention.user_id)
        mention.with_user(self.agents[1])._send_reply(
            "Здравствуйте! Доставка в Алматы есть, 2–3 дня.", post_mode="manual", override=True
        )
        self.assertEqual(mention.user_id, self.agents[1])

    @freeze_time(MONDAY_NOON)
    def test_assignment_is_set_wise(self):
        """Routing and assignment cost a few queries per batch, not per mention."""
        team = self.make_team("round_robin")
        team.member_ids[:2].resource_calendar_id = self.office()  # duty hours read too
        counts = []
        for size in (100, 400):
            records = []
            for _ in range(size):
                TestSlaAssignment.serial += 1
                records.append(make_record(f"as{self.serial}"))
            self.env.flush_all()
            before = self.cr.sql_log_count
            report = self.source._ingest(records)
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - before)
            self.assertEqual(len(report["mentions"].user_id), 3)
        # Odoo inserts 100 rows per statement: 300 more records cost a few more INSERTs
        self.assertLessEqual(counts[1] - counts[0], 8, f"queries per batch: {counts}")
