from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SocialCrmCase, make_record

# published at 10:00; the source's SLA is 30 minutes
PUBLISHED = datetime(2031, 5, 5, 10, 0)
NOW = datetime(2031, 5, 6, 9, 0)


@tagged("post_install", "-at_install")
class TestQualityReports(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anna = new_test_user(
            cls.env, login="quality_anna", name="Anna", groups="social_crm.group_user"
        )
        cls.boris = new_test_user(
            cls.env, login="quality_boris", name="Boris", groups="social_crm.group_user"
        )
        Brand = cls.env["social_crm.brand"]
        cls.ours = Brand.create({"name": "Орбита Телеком", "community_audience": 250_000})
        cls.rival_a = Brand.create(
            {"name": "Сфера", "is_competitor": True, "community_audience": 90_000}
        )
        cls.rival_b = Brand.create(
            {"name": "Вектор", "is_competitor": True, "community_audience": 60_000}
        )
        cls.Dashboard = cls.env["social_crm.quality.dashboard"]

    def _mention(self, ext, sentiment="neutral", brands=None, competitors=None):
        record = make_record(ext, published_at=PUBLISHED.isoformat() + "+00:00")
        with freeze_time(PUBLISHED):
            mention = self.source._ingest([record])["mentions"]
        mention.with_context(social_crm_analysis=True).write(
            {
                "sentiment": sentiment,
                "brand_ids": [(6, 0, brands.ids if brands else [])],
                "competitor_ids": [(6, 0, competitors.ids if competitors else [])],
            }
        )
        return mention

    def _answer(self, mention, user, minutes):
        with freeze_time(PUBLISHED + timedelta(minutes=minutes)):
            mention.with_user(user).action_take()
            mention.with_user(user).action_mark_answered()

    def _three_mentions(self):
        """Anna answers in 10 and 50 minutes, Boris in 20; one mention is left unanswered."""
        quick = self._mention("fast")
        slow = self._mention("slow")
        other = self._mention("other")
        waiting = self._mention("waiting")
        self._answer(quick, self.anna, 10)
        self._answer(slow, self.anna, 50)
        self._answer(other, self.boris, 20)
        return quick | slow | other | waiting

    def test_first_response_is_empty_until_answered_and_averages_skip_it(self):
        mentions = self._three_mentions()
        waiting = mentions[3]
        self.assertIs(waiting.first_response_minutes, False)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT first_response_minutes FROM social_crm_mention WHERE id = %s", [waiting.id]
        )
        self.assertIsNone(self.env.cr.fetchone()[0], "stored as NULL, not 0")
        self.assertEqual(mentions[0].first_response_minutes, 10.0)
        (group,) = self.Mention.read_group(
            [("id", "in", mentions.ids)], ["first_response_minutes", "first_response_in_sla"], []
        )
        # (10 + 50 + 20) / 3, not / 4
        self.assertAlmostEqual(group["first_response_minutes"], 80 / 3)
        # deadline 10:30: 10 and 20 minutes in time, 50 late → 2 of 3
        self.assertAlmostEqual(group["first_response_in_sla"], 200 / 3)
        per_agent = {
            g["user_id"][0]: g
            for g in self.Mention.read_group(
                [("id", "in", mentions.ids), ("first_response_at", "!=", False)],
                ["first_response_minutes:avg", "first_response_in_sla:avg"],
                ["user_id"],
            )
        }
        self.assertEqual(per_agent[self.anna.id]["first_response_minutes"], 30.0)
        self.assertEqual(per_agent[self.anna.id]["first_response_in_sla"], 50.0)
        self.assertEqual(per_agent[self.boris.id]["first_response_in_sla"], 100.0)

    def test_negative_share_and_sentiment_order(self):
        mentions = self._mention("n1", "negative") | self._mention("n2", "negative")
        mentions |= self._mention("p1", "positive") | self._mention("z1", "neutral")
        (group,) = self.Mention.read_group([("id", "in", mentions.ids)], ["negative_percent"], [])
        self.assertEqual(group["negative_percent"], 50.0)
        groups = self.Mention.read_group(
            [("id", "in", mentions.ids)], ["__count"], ["sentiment"], lazy=False
        )
        # the graph colours series by this order: negative, neutral, positive
        self.assertEqual([g["sentiment"] for g in groups], ["negative", "neutral", "positive"])

    def test_dashboard_figures(self):
        self._three_mentions()
        self._mention("neg1", "negative", brands=self.ours)
        self._mention("neg2", "negative", brands=self.ours)
        self._mention("pos1", "positive", brands=self.ours, competitors=self.rival_a)
        self._mention("rival", "negative", competitors=self.rival_b)
        day_shift = self.env["social_crm.team"].create({"name": "Day shift"})
        self.Mention.search([("user_id", "=", self.anna.id)]).write({"team_id": day_shift.id})
        with freeze_time(NOW):
            figures = self.Dashboard.with_user(self.anna).get_quality_figures(days=2)
        teams = {t["id"]: t for t in figures["teams"]}
        self.assertEqual(
            (teams[day_shift.id]["answered"], teams[day_shift.id]["response_median"]), (2, 30.0)
        )
        self.assertEqual(teams[False]["answered"], 1, "Boris's answer belongs to no team")
        totals = figures["totals"]
        self.assertEqual(totals["mentions"], 8)
        self.assertEqual(totals["answered"], 3)
        self.assertEqual(totals["response_median"], 20.0)
        self.assertEqual(totals["response_p90"], 44.0)  # 20 + 0.8 × (50 − 20)
        self.assertEqual(totals["response_avg"], 26.7)
        self.assertEqual(totals["sla_compliance"], 66.7)
        self.assertEqual(totals["negative_share"], 37.5)
        agents = {a["id"]: a for a in figures["agents"]}
        self.assertEqual(
            (agents[self.anna.id]["answered"], agents[self.anna.id]["response_median"]),
            (2, 30.0),
        )
        self.assertEqual(agents[self.anna.id]["response_p90"], 46.0)
        self.assertEqual(agents[self.boris.id]["sla_compliance"], 100.0)
        self.assertEqual(
            [s["count"] for s in figures["by_sentiment"]], [3, 4, 1], "negative, neutral, positive"
        )
        # seed 1: we reach more people than all competitors together, yet most of what is
        # written about us is negative
        reputation = figures["reputation"]
        Brand = self.env["social_crm.brand"]
        others = Brand.search([("id", "not in", (self.ours | self.rival_a | self.rival_b).ids)])
        ours_elsewhere = sum(
            others.filtered(lambda b: not b.is_competitor).mapped("community_audience")
        )
        theirs_elsewhere = sum(others.filtered("is_competitor").mapped("community_audience"))
        self.assertEqual(reputation["ours"]["audience"], 250_000 + ours_elsewhere)
        self.assertEqual(reputation["competitors"]["audience"], 150_000 + theirs_elsewhere)
        self.assertEqual(reputation["ours"]["negative_share"], 66.7)  # no other brand named
        brands = {b["id"]: b for b in reputation["brands"]}
        self.assertEqual(brands[self.ours.id]["mentions"], 3)
        self.assertEqual(brands[self.ours.id]["negative_share"], 66.7)
        self.assertEqual(brands[self.rival_b.id]["negative_share"], 100.0)
        self.assertEqual(brands[self.rival_a.id]["negative_share"], 0.0)

    def test_brand_list_shows_the_period_figures(self):
        self._mention("b1", "negative", brands=self.ours)
        self._mention("b2", "positive", brands=self.ours)
        with freeze_time(NOW):
            ours = self.ours.with_context(social_crm_period_days=7)
            self.assertEqual(ours.period_mention_count, 2)
            self.assertEqual(ours.period_negative_share, 50.0)

    def test_dashboard_needs_social_crm_access(self):
        outsider = new_test_user(self.env, login="quality_outsider", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.Dashboard.with_user(outsider).get_quality_figures()


@tagged("post_install", "-at_install")
class TestWeeklyDigest(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.env["res.lang"]._activate_lang("en_US")
        cls.ru_manager = new_test_user(
            cls.env,
            login="quality_digest_ru",
            name="Ольга",
            email="olga@example.com",
            groups="social_crm.group_manager",
            lang="ru_RU",
        )
        cls.en_manager = new_test_user(
            cls.env,
            login="quality_digest_en",
            name="Oliver",
            email="oliver@example.com",
            groups="social_crm.group_manager",
            lang="en_US",
        )
        cls.agent = new_test_user(
            cls.env, login="quality_digest_agent", name="Dina", groups="social_crm.group_user"
        )
        cls.template = cls.env.ref("social_crm.mail_template_weekly_digest")
        cls.template.with_context(
            lang="ru_RU"
        ).subject = "Social CRM: неделя в цифрах ({{ ctx.get('digest', {}).get('period', '') }})"

    def test_digest_figures_in_the_recipients_language(self):
        records = [
            make_record(f"d{i}", published_at=PUBLISHED.isoformat() + "+00:00") for i in range(3)
        ]
        with freeze_time(PUBLISHED):
            mentions = self.source._ingest(records)["mentions"].sorted("external_id")
        for mention, minutes in zip(mentions, (12.5, 40), strict=False):
            with freeze_time(PUBLISHED + timedelta(minutes=minutes)):
                mention.with_user(self.agent).action_take()
                mention.with_user(self.agent).action_mark_answered()
        with freeze_time(NOW):
            mails = self.env["social_crm.quality.dashboard"]._cron_send_weekly_digest()
        by_partner = {mail.recipient_ids: mail for mail in mails}
        ru = by_partner[self.ru_manager.partner_id]
        en = by_partner[self.en_manager.partner_id]
        self.assertNotIn(self.agent.partner_id, mails.recipient_ids, "managers only")
        # median of 12.5 and 40 = 26.25; 90th percentile = 12.5 + 0.9 × 27.5 = 37.25
        self.assertIn("26,2", ru.body_html)
        self.assertIn("37,2", ru.body_html)
        self.assertIn("26.2", en.body_html)
        self.assertIn("Dina", en.body_html)
        self.assertTrue(ru.subject.startswith("Social CRM: неделя в цифрах"))
        self.assertTrue(en.subject.startswith("Social CRM: the week in figures"))
        # 3 mentions, 2 answered, 50 % within the 30-minute SLA
        self.assertRegex(en.body_html, r"Mentions</td>\s*<td[^>]*><b>3</b>")
        self.assertRegex(en.body_html, r"Answered within SLA</td>\s*<td[^>]*><b>50.0</b>")
