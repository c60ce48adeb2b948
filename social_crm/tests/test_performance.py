"""Query counts: ingest works set-wise and the kanban reads per column, never per record."""

from lxml import etree

from odoo.tests import tagged

from .common import SocialCrmCase, make_record

# A batch of 1,000 new records: a few dozen queries (validation, de-duplication, authors,
# analysis, create, threads and duplicates, the run log) — none per record, and each new row
# written once (its stored computed fields computed before the insert: 58 here).
INGEST_NEW_1000 = 64
INGEST_SAME_1000 = 16
# The mentions kanban: the groups, then one search_read per column (8 stages).
KANBAN_FIRST_LOAD = 50


@tagged("post_install", "-at_install")
class TestQueryCounts(SocialCrmCase):
    def records(self, prefix, count):
        return [
            make_record(
                f"{prefix}{i}",
                text=f"Третий день нет интернета, заявка {i}",
                author={"external_id": f"{prefix}a{i}", "name": f"Author {i}"},
            )
            for i in range(count)
        ]

    def test_ingest_of_a_thousand_records_takes_a_few_dozen_queries(self):
        records = self.records("q", 1000)
        self.env.flush_all()
        with self.assertQueryCount(INGEST_NEW_1000):
            report = self.source._ingest(records)
            self.env.flush_all()
        self.assertEqual(report["created"], 1000)
        with self.assertQueryCount(INGEST_SAME_1000):
            again = self.source._ingest(records)
            self.env.flush_all()
        self.assertEqual((again["created"], again["updated"]), (0, 0))

    def test_ingest_queries_do_not_grow_with_the_batch(self):
        counts = []
        for prefix, size in (("s", 100), ("l", 400)):
            records = self.records(prefix, size)
            self.env.flush_all()
            before = self.cr.sql_log_count
            self.source._ingest(records)
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - before)
        # Odoo inserts 100 rows per statement (mentions and authors): 300 more records may
        # cost 2 × 3 more INSERTs, never a query per record
        self.assertLessEqual(counts[1] - counts[0], 6, "queries per batch, not per record")

    def _kanban_spec(self):
        Mention = self.env["social_crm.mention"]
        arch = etree.fromstring(Mention.get_view(view_type="kanban")["arch"])
        spec = {}
        for node in arch.iter("field"):
            field = Mention._fields[node.get("name")]
            spec[field.name] = (
                {"fields": {"display_name": {}}}
                if field.type in ("many2one", "many2many", "one2many")
                else {}
            )
        return spec

    def _kanban_first_load(self, spec):
        """What the web client asks for: the columns, then 40 cards of each."""
        Mention = self.env["social_crm.mention"]
        groups = Mention.web_read_group([], ["stage_id"], ["stage_id"])["groups"]
        for group in groups:
            Mention.web_search_read(group["__domain"], spec, limit=40)
        return len(groups)

    def test_kanban_first_load_reads_per_column(self):
        spec = self._kanban_spec()
        counts = []
        # both sizes fill a column past the 40 cards shown (the client then counts them)
        negative = self.env.ref("social_crm.stage_negative")
        for prefix, size in (("k", 100), ("m", 400)):
            mentions = self.source._ingest(self.records(prefix, size))["mentions"]
            # one column, whatever the model makes of each order number (a few of these texts
            # read as support would fill a second column in one size and not the other)
            mentions.with_context(social_crm_analysis=True).write({"stage_id": negative.id})
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            columns = self._kanban_first_load(spec)
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - before)
        self.assertGreaterEqual(columns, 8, "every consumer-cycle stage is a column")
        self.assertEqual(counts[0], counts[1], "the cards of a column are read in one go")
        self.env.invalidate_all()
        with self.assertQueryCount(KANBAN_FIRST_LOAD):
            self._kanban_first_load(spec)
