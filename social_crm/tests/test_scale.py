"""Reports from the roll-up answer as a scan of the mentions does; the indexes that keep the
kanban, the text search and the duplicate check off a scan of the whole table exist."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import SocialCrmCase, make_record

PIVOT = ["__count", "engagement:sum", "first_response_minutes:avg"]
GROUPINGS = [
    ["stage_id", "sentiment", "published_at:month"],
    ["stage_id"],
    ["sentiment", "published_at:day"],
    ["published_at:week"],
    ["company_id", "published_at:year"],
]
TEXTS = [
    "Третий день нет интернета, поддержка молчит",
    "Спасибо за быструю доставку, всё отлично",
    "Подскажите, какой тариф выбрать для дома?",
    "Ухожу к конкурентам, закройте договор",
]


@tagged("post_install", "-at_install")
class TestReportRollup(SocialCrmCase):
    def setUp(self):
        super().setUp()
        records = [
            make_record(
                f"r{i}",
                text=TEXTS[i % len(TEXTS)] + f" ({i})",
                published_at=f"2026-0{1 + i % 6}-{10 + i % 18}T{(i * 5) % 24:02d}:30:00+00:00",
                likes=i % 7,
                comments=i % 3,
            )
            for i in range(60)
        ]
        self.mentions = self.source._ingest(records)["mentions"]
        self.env.flush_all()
        # imported yesterday: the roll-up's refresh finds them settled
        self.env.cr.execute(
            "UPDATE social_crm_mention SET write_date = write_date - interval '1 day'"
        )
        self.Report = self.Mention.with_context(tz="Asia/Almaty")
        self.Mention._rollup_refresh(zones=["Asia/Almaty", "UTC"])

    def scan(self, groupby, domain=(), model=None):
        model = (self.Report if model is None else model).with_context(social_crm_no_rollup=True)
        return model.read_group(list(domain), PIVOT, groupby, lazy=False)

    def rollup(self, groupby, domain=(), model=None):
        return (self.Report if model is None else model).read_group(
            list(domain), PIVOT, groupby, lazy=False
        )

    def assertSameGroups(self, groupby, domain=(), model=None):
        def rows(groups):
            return sorted(
                (
                    str([g[spec] for spec in groupby]),
                    g["__count"],
                    g["engagement"],
                    round(g["first_response_minutes"] or 0.0, 6),
                )
                for g in groups
            )

        scanned = self.scan(groupby, domain, model)
        self.assertTrue(any(g["__count"] for g in scanned))
        self.assertEqual(rows(self.rollup(groupby, domain, model)), rows(scanned), groupby)

    def test_qualifying_read_groups_use_the_rollup(self):
        Report = self.Report
        self.assertTrue(Report._rollup_zone([], ["stage_id", "published_at:month"], PIVOT, ()))
        self.assertTrue(
            Report._rollup_zone([("stage_id.code", "=", "support")], ["sentiment"], [], ())
        )
        # filters, groupings and measures the roll-up does not hold read the mentions
        self.assertFalse(Report._rollup_zone([("state", "=", "new")], ["stage_id"], [], ()))
        self.assertFalse(Report._rollup_zone([], ["platform_id"], [], ()))
        self.assertFalse(Report._rollup_zone([], ["published_at:hour"], [], ()))
        self.assertFalse(Report._rollup_zone([], ["stage_id"], ["likes:sum"], ()))
        self.assertFalse(
            Report.with_context(tz="Europe/Paris")._rollup_zone([], ["stage_id"], [], ())
        )
        # the roll-up answers: a change that bypasses the ORM (no write date) is not seen
        # until the next full refresh, a scan sees it at once
        mention = self.mentions[0]
        self.env.cr.execute(
            "UPDATE social_crm_mention SET engagement = engagement + 1000 WHERE id = %s",
            [mention.id],
        )
        total = lambda groups: sum(g["engagement"] for g in groups)  # noqa: E731
        self.assertEqual(total(self.scan(["stage_id"])) - total(self.rollup(["stage_id"])), 1000)

    def test_rollup_answers_as_a_scan(self):
        for groupby in GROUPINGS:
            self.assertSameGroups(groupby)
        self.assertSameGroups(["stage_id", "published_at:month"], [("sentiment", "=", "negative")])
        self.assertSameGroups(["sentiment"], model=self.Mention)  # no time zone: UTC's roll-up
        # the pivot's grand total: no grouping at all
        totals = self.rollup([])[0], self.scan([])[0]
        self.assertEqual(totals[0]["__count"], totals[1]["__count"])
        self.assertEqual(totals[0]["engagement"], totals[1]["engagement"])

    def test_changes_since_the_refresh_are_counted(self):
        support = self.env.ref("social_crm.stage_support")
        moved, corrected, removed = self.mentions[1], self.mentions[2], self.mentions[3]
        moved.write({"published_at": "2025-12-31 22:00:00"})
        corrected.write({"stage_id": support.id, "sentiment": "negative"})
        removed.unlink()
        self.source._ingest(
            [make_record("late", text=TEXTS[0], published_at="2026-02-11T23:30:00+00:00")]
        )
        self.env.flush_all()
        for groupby in GROUPINGS:
            self.assertSameGroups(groupby)
        # the next refresh folds the changed days in: the same as a roll-up built afresh
        self.Mention._rollup_refresh(zones=["Asia/Almaty"])
        for groupby in GROUPINGS:
            self.assertSameGroups(groupby)
        query = """SELECT company_id, day, published_at, stage_id, sentiment, mention_count,
                          engagement, round(first_response_minutes::numeric, 6),
                          answered_count
                     FROM social_crm_mention_rollup WHERE tz = 'Asia/Almaty' ORDER BY 1, 2, 3, 4, 5"""
        self.env.cr.execute(query)
        incremental = self.env.cr.fetchall()
        self.env.cr.execute("DELETE FROM social_crm_mention_rollup_state WHERE tz = 'Asia/Almaty'")
        self.Mention._rollup_refresh(zones=["Asia/Almaty"])
        self.env.cr.execute(query)
        self.assertEqual(incremental, self.env.cr.fetchall())

    def test_other_companies_mentions_stay_out(self):
        other = self.env["res.company"].create({"name": "Other company"})
        source = self.env["social_crm.source"].create(
            {"name": "Other", "source_type": "webhook", "company_id": other.id}
        )
        source._ingest([make_record("o1", published_at="2026-03-03T10:00:00+00:00")])
        self.env.flush_all()
        self.Mention._rollup_refresh(zones=["Asia/Almaty"])
        user = self.env["res.users"].create(
            {
                "name": "Agent",
                "login": "rollup-agent",
                "tz": "Asia/Almaty",
                "company_id": self.env.company.id,
                "company_ids": [(6, 0, self.env.company.ids)],
                "groups_id": [(6, 0, [self.env.ref("social_crm.group_user").id])],
            }
        )
        Report = self.Mention.with_user(user).with_context(tz="Asia/Almaty")
        self.assertTrue(Report._rollup_zone([], ["stage_id"], PIVOT, ()))
        self.assertSameGroups(["stage_id", "published_at:month"], model=Report)
        counted = sum(g["__count"] for g in self.rollup(["stage_id"], model=Report))
        self.assertEqual(counted, self.Mention.with_user(user).search_count([]))
        self.assertEqual(
            counted, self.Mention.search_count([("company_id", "=", self.env.company.id)])
        )


@tagged("post_install", "-at_install")
class TestScaleIndexes(SocialCrmCase):
    def explain(self, sql, params):
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in self.env.cr.fetchall())

    def setUp(self):
        super().setUp()
        if not self.env.registry.has_trigram:
            # A database created without PostgreSQL's pg_trgm (Odoo creates it with the
            # databases it creates itself) has no trigram index, and the module makes none.
            self.skipTest("pg_trgm is not installed in this database")

    def test_text_search_uses_the_trigram_index(self):
        plan = self.explain(
            "SELECT id FROM social_crm_mention WHERE text ILIKE %s OR title ILIKE %s",
            ["%выписк%", "%выписк%"],
        )
        self.assertIn("social_crm_mention__text_index", plan)
        self.assertIn("social_crm_mention_title_trgm_idx", plan)

    def test_the_title_index_leaves_out_empty_titles(self):
        """Most mentions have no title: the title's trigram index is partial, so that the
        planner prices the text filter's title branch at what it costs."""
        self.env.cr.execute(
            """SELECT indexname, indexdef FROM pg_indexes
                WHERE tablename = 'social_crm_mention' AND indexdef LIKE '%%gin_trgm_ops%%'
                  AND indexdef LIKE '%%title%%'"""
        )
        indexes = dict(self.env.cr.fetchall())
        self.assertEqual(list(indexes), ["social_crm_mention_title_trgm_idx"])
        self.assertIn("WHERE (title IS NOT NULL)", indexes["social_crm_mention_title_trgm_idx"])

    def test_kanban_column_reads_its_cards_from_the_index_in_order(self):
        # On a table of a few rows the planner may as well sort them (it does, since the
        # narrow count index exists): forbid the sort to see that an index gives the order.
        self.env.cr.execute("SET LOCAL enable_sort = off")
        plan = self.explain(
            """SELECT id FROM social_crm_mention
                WHERE state IN ('new', 'in_progress', 'waiting_expert') AND stage_id = %s
             ORDER BY priority DESC, sentiment_rank, published_at LIMIT 40""",
            [self.env.ref("social_crm.stage_support").id],
        )
        self.assertIn("social_crm_mention_open_kanban_idx", plan)
        self.assertNotIn("Sort", plan)


@tagged("post_install", "-at_install")
class TestKanbanCard(SocialCrmCase):
    """What the kanban's first load reads, and that reading it cheaply changes no value."""

    def setUp(self):
        super().setUp()
        records = [make_record(f"k{i}", text=TEXTS[i % len(TEXTS)] + f" ({i})") for i in range(12)]
        self.mentions = self.source._ingest(records)["mentions"]
        self.env.flush_all()

    def test_column_counts_and_progress_bars_in_the_stages_order(self):
        domain = [("state", "in", ("new", "in_progress", "waiting_expert"))]
        groups = self.Mention.web_read_group(domain, [], ["stage_id"], limit=10, lazy=True)[
            "groups"
        ]
        stages = self.env["social_crm.stage"].search([])
        self.assertEqual([g["stage_id"][0] for g in groups], stages.ids)
        for group in groups:
            self.assertEqual(
                group["stage_id_count"],
                self.Mention.search_count(domain + [("stage_id", "=", group["stage_id"][0])]),
            )
        bars = self.Mention.read_progress_bar(
            domain, "stage_id", {"field": "sentiment", "colors": {"negative": "", "neutral": ""}}
        )
        for stage in stages:
            counts = bars.get(str(stage.id), {})
            for sentiment in ("negative", "neutral"):
                self.assertEqual(
                    counts.get(sentiment, 0),
                    self.Mention.search_count(
                        domain + [("stage_id", "=", stage.id), ("sentiment", "=", sentiment)]
                    ),
                )
        # a grouping someone orders (a pivot, a graph) keeps the stages' order from SQL
        rows = self.Mention.read_group([], ["__count"], ["stage_id", "sentiment"], lazy=False)
        used = [r["stage_id"][0] for r in rows]
        self.assertEqual(used, sorted(used, key=stages.ids.index))

    def test_the_counts_are_read_from_the_narrow_index(self):
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(
            """EXPLAIN SELECT stage_id, sentiment, count(*) FROM social_crm_mention
                WHERE state IN ('new', 'in_progress', 'waiting_expert') AND company_id = %s
             GROUP BY stage_id, sentiment""",
            [self.env.company.id],
        )
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("social_crm_mention_open_count_idx", plan)

    def test_activity_clock_as_the_mixin_computes_it(self):
        mention = self.mentions[0]
        bare = self.mentions[1]
        todo = self.env.ref("mail.mail_activity_data_todo")
        call = self.env.ref("mail.mail_activity_data_call")
        today = fields.Date.context_today(self.env.user)
        mention.activity_schedule(
            activity_type_id=call.id, summary="Call back", date_deadline=today + timedelta(days=3)
        )
        mention.activity_schedule(
            activity_type_id=todo.id, summary="Check the order", date_deadline=today
        )
        # a second card with the same clock (the compute sets such cards together)
        twin = self.mentions[2]
        twin.activity_schedule(
            activity_type_id=todo.id, summary="Check the order", date_deadline=today
        )
        self.env.invalidate_all()
        self.assertEqual(mention.activity_state, "today")
        self.assertEqual(
            (twin.activity_state, twin.activity_type_id, twin.activity_summary),
            ("today", todo, "Check the order"),
        )
        self.assertEqual(mention.activity_type_id, todo)  # the next one by deadline
        self.assertEqual(mention.activity_summary, "Check the order")
        self.assertEqual(mention.activity_type_icon, todo.icon)
        self.assertFalse(mention.activity_exception_decoration)
        self.assertFalse(bare.activity_state or bare.activity_type_id or bare.activity_summary)
        call.decoration_type = "warning"
        self.env.invalidate_all()
        self.assertEqual(mention.activity_exception_decoration, "warning")
        self.assertEqual(mention.activity_exception_icon, call.icon)
        # the mixin's searches still work
        self.assertIn(mention, self.Mention.search([("activity_state", "=", "today")]))
        self.assertIn(mention, self.Mention.search([("activity_type_id", "=", todo.id)]))
        self.assertNotIn(bare, self.Mention.search([("activity_summary", "ilike", "order")]))

    def test_author_name_follows_its_handle(self):
        author = self.mentions[0].author_id
        author.write({"name": "Айгуль", "handle": "aigul_k"})
        self.assertEqual(author.display_name, "Айгуль (@aigul_k)")
        author.handle = False
        self.assertEqual(author.display_name, "Айгуль")

    def test_the_card_reads_no_overdue_flag_and_a_cheap_lead_badge(self):
        arch = self.Mention.get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        self.assertNotIn('name="is_overdue"', arch)
        self.assertIn('name="sla_status"', arch)
        self.assertFalse(self.Mention._fields["color"].aggregator)
