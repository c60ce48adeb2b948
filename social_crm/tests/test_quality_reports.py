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
        # the median and 90th percentile are of whole minutes (12.5 is 13, half up): median of
        # 13 and 40 = 26.5; 90th percentile = 13 + 0.9 × 27 = 37.3 (of the exact times they
        # would be 26.25 and 37.25)
        self.assertIn("26,5", ru.body_html)
        self.assertIn("37,3", ru.body_html)
        self.assertIn("26.5", en.body_html)
        self.assertNotIn("26.2", en.body_html)
        self.assertIn("Dina", en.body_html)
        self.assertTrue(ru.subject.startswith("Social CRM: неделя в цифрах"))
        self.assertTrue(en.subject.startswith("Social CRM: the week in figures"))
        # 3 mentions, 2 answered, 50 % within the 30-minute SLA
        self.assertRegex(en.body_html, r"Mentions</td>\s*<td[^>]*><b>3</b>")
        self.assertRegex(en.body_html, r"Answered within SLA</td>\s*<td[^>]*><b>50.0</b>")


@tagged("post_install", "-at_install")
class TestQualityRollup(SocialCrmCase):
    """The dashboard read from the quality roll-up gives the scan's figures, to the digit."""

    PERIODS = (1, 2, 7, 30)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anna = new_test_user(
            cls.env, login="rollup_anna", name="Anna", groups="social_crm.group_user"
        )
        cls.boris = new_test_user(
            cls.env, login="rollup_boris", name="Boris", groups="social_crm.group_user"
        )
        cls.team = cls.env["social_crm.team"].create({"name": "Night shift"})
        Brand = cls.env["social_crm.brand"]
        cls.ours = Brand.create({"name": "Орбита Телеком", "community_audience": 250_000})
        cls.rival = Brand.create({"name": "Сфера", "is_competitor": True})
        cls.Dashboard = cls.env["social_crm.quality.dashboard"]
        # only this test's mentions: which days the roll-up holds decides how the histogram
        # is read (the demo's mentions would add days around the period)
        cls.Mention.search([]).unlink()

    def _build(self, source=None, prefix="q", count=48, agents=None):
        """``count`` mentions over the 12 days before NOW (every 6 hours, some minutes past),
        on a social network, a messenger and a review site; two thirds answered by Anna (in
        the night team) or Boris after a response time to the second."""
        source = source or self.source
        agents = agents or (self.boris, self.anna)
        platforms = ("vk", "telegram", "otzovik")
        sentiments = ("negative", "neutral", "positive", "negative")
        records = []
        for i in range(count):
            published = NOW - timedelta(hours=6 * i + 1, minutes=7 * i % 60)
            platform = platforms[i % 3]
            record = make_record(
                f"{prefix}{i}",
                text=f"Отзыв номер {i}: связь пропадает каждый вечер",
                platform=platform,
                url=f"https://example.com/{prefix}/{i}",
                published_at=published.isoformat() + "+00:00",
            )
            if platform == "otzovik" and i % 2:
                record["rating"] = 1 + i % 5
            records.append(record)
        with freeze_time(NOW):
            mentions = source._ingest(records)["mentions"].sorted("external_id")
        for i, mention in enumerate(mentions.sorted(lambda m: int(m.external_id[1:]))):
            mention.with_context(social_crm_analysis=True).write(
                {
                    "sentiment": sentiments[i % 4],
                    "brand_ids": [(6, 0, self.ours.ids if i % 2 else [])],
                    "competitor_ids": [(6, 0, self.rival.ids if i % 5 == 0 else [])],
                }
            )
            if i % 3 != 2:
                agent = agents[i % 2]
                self._answer(mention, agent, minutes=5 + (i * 7) % 50, seconds=(i * 13) % 60)
        self.Mention.search([("user_id", "=", self.anna.id)]).write({"team_id": self.team.id})
        return mentions

    def _answer(self, mention, agent, minutes, seconds=0):
        with freeze_time(mention.published_at + timedelta(minutes=minutes, seconds=seconds)):
            mention.with_user(agent).action_take()
            mention.with_user(agent).action_mark_answered()

    def _settle(self):
        """The mentions written a day ago: the next refresh finds them settled."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE social_crm_mention SET write_date = write_date - interval '1 day'"
        )
        self.env.cr.execute(
            "UPDATE social_crm_mention_rollup_moved SET recorded_at = recorded_at - interval '1 day'"
        )
        self.env.invalidate_all()

    def _figures(self, days, scan=False, user=None):
        Dashboard = self.Dashboard.with_user(user or self.anna)
        if scan:
            Dashboard = Dashboard.with_context(social_crm_no_rollup=True)
        with freeze_time(NOW):
            return Dashboard.get_quality_figures(days=days)

    def assertSameFigures(self, user=None):
        for days in self.PERIODS:
            rollup, scan = self._figures(days, user=user), self._figures(days, True, user)
            self.assertTrue(scan["totals"]["mentions"], "the period holds mentions")
            for key in scan:
                self.assertEqual(rollup[key], scan[key], f"{key}, {days} days")

    def _rolled_up(self, table="social_crm_mention_quality_rollup"):
        self.env.cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (a constant)
        return self.env.cr.fetchone()[0]

    def test_rollup_answers_as_the_scan(self):
        mentions = self._build()
        self._settle()
        self.Mention._rollup_refresh(zones=[])
        self.env.cr.execute(
            """SELECT count(*), count(*) FILTER (WHERE minutes <> round(minutes))
                 FROM social_crm_mention_response_histogram"""
        )
        rows, exact = self.env.cr.fetchone()
        self.assertTrue(rows)
        self.assertEqual(exact, 0, "the histogram holds whole minutes")
        for table in (
            "social_crm_mention_quality_rollup",
            "social_crm_mention_response_histogram",
            "social_crm_mention_brand_rollup",
        ):
            self.assertTrue(self._rolled_up(table), table)
        with freeze_time(NOW):
            period = self.Dashboard._rollup_period(
                self.env.company.ids, NOW - timedelta(days=7), NOW
            )
        self.assertIsNotNone(period, "the roll-up answers")
        self.assertIsNone(period["outside"], "a week: its own days of the histogram")
        with freeze_time(NOW):
            period = self.Dashboard._rollup_period(
                self.env.company.ids, NOW - timedelta(days=30), NOW
            )
        self.assertIsNotNone(period["outside"], "a month: the sum less the days around it")
        self.assertSameFigures()
        figures = self._figures(30)
        # the figures are not empty: every block has something to compare
        self.assertTrue(figures["agents"] and figures["teams"] and figures["ratings"])
        self.assertTrue(figures["totals"]["response_p90"] and figures["totals"]["open"])
        self.assertTrue(any(b["mentions"] for b in figures["reputation"]["brands"]))

        # changes since the refresh: an answer, a mention moved to another day, one removed,
        # a new one, a sentiment corrected — read from the mentions until the next refresh
        waiting = mentions.filtered(lambda m: not m.first_response_at)
        self._answer(waiting[0], self.boris, minutes=95, seconds=20)
        self._answer(waiting[1], self.anna, minutes=3, seconds=40)
        waiting[2].write({"published_at": waiting[2].published_at - timedelta(days=3, hours=5)})
        answered = mentions.filtered("first_response_at")
        answered[0].write({"published_at": answered[0].published_at + timedelta(days=1)})
        answered[1].unlink()
        answered[2].with_context(social_crm_analysis=True).write({"sentiment": "positive"})
        with freeze_time(NOW - timedelta(hours=2)):
            self.source._ingest(
                [make_record("late", published_at=(NOW - timedelta(days=4)).isoformat() + "+00:00")]
            )
        self.env.flush_all()
        self.assertSameFigures()

        # the next refresh folds the changed days in: the same as a roll-up built afresh
        self.Mention._rollup_refresh(zones=[])
        self.assertSameFigures()
        query = """SELECT company_id, day, grain, platform_id, sentiment, removed, stage_id,
                          team_id, user_id, mention_count, negative_count, responded_count,
                          answered_count, minutes_sum, sla_count, sla_sum, rated_count,
                          rating_sum
                     FROM social_crm_mention_quality_rollup ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9"""
        histogram = """SELECT company_id, team_id, user_id, minutes, mention_count
                         FROM social_crm_mention_response_histogram_all
                     ORDER BY 1, 2, 3, 4"""
        incremental = []
        for sql in (query, histogram):
            self.env.cr.execute(sql)
            incremental.append(self.env.cr.fetchall())
        self.env.cr.execute("DELETE FROM social_crm_mention_rollup_state WHERE tz = 'quality:UTC'")
        self.Mention._rollup_refresh(zones=[])
        for sql, rows in zip((query, histogram), incremental, strict=True):
            self.env.cr.execute(sql)
            self.assertEqual(rows, self.env.cr.fetchall())

        # and the dashboard does read the roll-up: a change that bypasses the ORM (no write
        # date) is not seen until the next full refresh, a scan sees it at once
        self._settle()
        self.Mention._rollup_refresh(zones=[])
        settled = mentions.exists().filtered(
            lambda m: (
                m.sentiment != "negative"
                and NOW - timedelta(days=10) < m.published_at < NOW - timedelta(days=2)
            )
        )
        self.env.cr.execute(
            "UPDATE social_crm_mention SET sentiment = 'negative' WHERE id = %s", [settled[0].id]
        )
        rollup, scan = self._figures(30), self._figures(30, scan=True)
        self.assertEqual(scan["totals"]["negative"] - rollup["totals"]["negative"], 1)

    def test_rollup_keeps_to_the_users_companies(self):
        self._build()
        other = self.env["res.company"].create({"name": "Other company"})
        source = self.env["social_crm.source"].create(
            {"name": "Other", "source_type": "webhook", "company_id": other.id}
        )
        agent = new_test_user(
            self.env,
            login="rollup_other_agent",
            groups="social_crm.group_user",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self._build(source, prefix="o", count=20, agents=(agent, agent))
        self._settle()
        self.Mention._rollup_refresh(zones=[])
        main = self.env.company
        both = new_test_user(
            self.env,
            login="rollup_both_agent",
            groups="social_crm.group_user",
            company_id=main.id,
            company_ids=[(6, 0, (main | other).ids)],
        )
        since = NOW - timedelta(days=30)
        for user, companies in ((self.anna, main), (agent, other), (both, main | other)):
            self.assertSameFigures(user)
            expected = self.Mention.search_count(
                [
                    ("company_id", "in", companies.ids),
                    ("published_at", ">=", since),
                    ("published_at", "<", NOW),
                ]
            )
            self.assertEqual(self._figures(30, user=user)["totals"]["mentions"], expected)
        self.assertNotEqual(
            self._figures(30, user=agent)["totals"]["mentions"],
            self._figures(30, user=both)["totals"]["mentions"],
        )
