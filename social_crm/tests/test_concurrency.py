"""Two imports of the same data at once, in two real database transactions.

Ingest must stay idempotent when two imports of the same data run at once. A
TransactionCase can't show that: its one transaction is never committed, so
another connection sees none of its data. These tests use BaseCase and connections of
their own (``db_connect``: real cursors even when the registry is in test mode), commit
their fixture, and remove everything they committed when they end.

Both imports take their snapshot (Odoo's REPEATABLE READ) before either starts, so neither
can see what the other writes: the only thing standing between them and duplicates is the
unique index on (source, external id) and (platform, external id). The slower one waits on
that index, gets ConcurrentIngestError when the faster commits, and retries in a new
transaction the way the webhook does; there it finds the records and updates them.
"""
import sys
import threading
import time
import traceback
import uuid

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.sql_db import db_connect
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

from ..controllers.webhook import RETRIES
from ..models.social_crm_source import ConcurrentIngestError
from .common import make_record

COUNT = 50
TIMEOUT = 60  # seconds: a stuck import fails the test instead of hanging the run


@tagged("post_install", "-at_install")
class TestConcurrentIngest(BaseCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = db_connect(get_db_name())
        cls.registry = Registry(get_db_name())

    def _env(self, cr):
        """A superuser environment on ``cr`` (a real cursor) in any thread.

        api.Environment() looks the registry up with Registry(dbname), which waits on
        Registry._lock; the test runner's thread holds that lock while tests run (HttpCase
        lifts it only by putting the registry in test mode, where every cursor shares the
        test's transaction). So the cursor gets its transaction on the registry directly.
        """
        if cr.transaction is None:
            cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, {})

    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:10]
        self.ext_ids = [f"conc-{tag}-{i}" for i in range(COUNT)]
        self.author_ids = [f"a{ext}" for ext in self.ext_ids]
        with self.db.cursor() as cr:
            env = self._env(cr)
            self.source_id = env["social_crm.source"].create({
                "name": f"Concurrent import {tag}", "source_type": "webhook"}).id
            self.vk_id = env["social_crm.platform"]._get_or_create_by_codes(["vk"])["vk"].id
        self.addCleanup(self._remove_committed_data)

    def _remove_committed_data(self):
        with self.db.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '10s'")  # never hang behind a stuck import
            env = self._env(cr)
            env["social_crm.mention"].with_context(active_test=False).search(
                [("source_id", "=", self.source_id)]).unlink()
            env["social_crm.author"].with_context(active_test=False).search(
                [("platform_id", "=", self.vk_id), ("external_id", "in", self.author_ids)]).unlink()
            env["social_crm.source"].with_context(active_test=False).browse(
                self.source_id).exists().unlink()

    def _records(self, **extra):
        return [make_record(ext, **extra) for ext in self.ext_ids]

    def _import(self, records, barrier, outcome):
        """One import in its own transaction, retried on ConcurrentIngestError in a new
        one like the webhook (controllers/webhook.py); commits at the end."""
        try:
            cr = self.db.cursor()
            try:
                env = self._env(cr)
                source = env["social_crm.source"].browse(self.source_id)
                # This query takes the transaction's snapshot: nothing the other import
                # commits from now on is visible to this attempt.
                outcome["seen_before"] = env["social_crm.mention"].search_count(
                    [("source_id", "=", self.source_id)])
                barrier.wait(timeout=TIMEOUT)
                for attempt in range(RETRIES):
                    try:
                        report = source._ingest(records)
                    except ConcurrentIngestError:
                        outcome["conflicts"] += 1
                        if attempt == RETRIES - 1:
                            raise
                        cr.rollback()  # a new transaction sees the other import's rows
                        continue
                    outcome["reports"].append(
                        {k: report[k] for k in ("created", "updated", "errors")})
                    break
                cr.commit()
            finally:
                cr.close()
        except Exception:  # noqa: BLE001 - reported by the test in the main thread
            barrier.abort()
            outcome["failure"] = traceback.format_exc()

    def _run_both(self, records_1, records_2):
        """Run two imports at once; return their outcomes."""
        barrier = threading.Barrier(2)
        outcomes = [{"conflicts": 0, "reports": [], "failure": None} for _ in range(2)]
        threads = [threading.Thread(target=self._import, args=(records, barrier, outcome),
                                    name=f"concurrent-ingest-{n}", daemon=True)
                   for n, (records, outcome) in enumerate(zip((records_1, records_2), outcomes))]
        # The loser's INSERT fails on the unique index: Odoo logs the "bad query" as an
        # ERROR before the ingest turns it into ConcurrentIngestError. Expected, handled.
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + TIMEOUT
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [t for t in threads if t.is_alive()]
        if stuck:
            frames = sys._current_frames()
            self.fail("import(s) still running after %ss (stuck on a lock?):\n%s" % (
                TIMEOUT, "\n".join(f"{t.name}:\n" + "".join(traceback.format_stack(
                    frames[t.ident])) for t in stuck if t.ident in frames)))
        for outcome in outcomes:
            self.assertIsNone(outcome["failure"], "an import failed:\n%s" % outcome["failure"])
            self.assertEqual(outcome["seen_before"], 0,
                             "both imports must start before either commits")
        return outcomes

    def _assert_stored_once(self):
        """Every record exactly once: mentions per source, authors per platform."""
        with self.db.cursor() as cr:
            cr.execute("""SELECT external_id, count(*) FROM social_crm_mention
                           WHERE source_id = %s GROUP BY external_id""", [self.source_id])
            mentions = dict(cr.fetchall())
            cr.execute("""SELECT external_id, count(*) FROM social_crm_author
                           WHERE platform_id = %s AND external_id IN %s
                        GROUP BY external_id""", [self.vk_id, tuple(self.author_ids)])
            authors = dict(cr.fetchall())
            cr.execute("""SELECT count(*), count(DISTINCT m.author_id) FROM social_crm_mention m
                            JOIN social_crm_author a ON a.id = m.author_id
                           WHERE m.source_id = %s AND a.external_id = 'a' || m.external_id""",
                       [self.source_id])
            linked = cr.fetchone()
            cr.execute("SELECT coalesce(sum(created), 0) FROM social_crm_source_run "
                       "WHERE source_id = %s", [self.source_id])
            created_count = cr.fetchone()[0]
        self.assertEqual(sum(mentions.values()), COUNT, "no duplicate mention")
        self.assertEqual(mentions, dict.fromkeys(self.ext_ids, 1), "every record once")
        self.assertEqual(sum(authors.values()), COUNT, "no duplicate author")
        self.assertEqual(authors, dict.fromkeys(self.author_ids, 1), "every author once")
        self.assertEqual(linked, (COUNT, COUNT), "each mention linked to its own author")
        self.assertEqual(created_count, COUNT, "the source counts each mention created once")

    def _assert_one_retry(self, outcomes):
        """One import won; the other hit the unique index once and retried."""
        conflicts = sorted(o["conflicts"] for o in outcomes)
        self.assertEqual(conflicts, [0, 1], "exactly one import must meet the other's rows "
                                            "on the unique index and retry once")
        winner, loser = sorted(outcomes, key=lambda o: o["conflicts"])
        self.assertEqual(len(winner["reports"]), 1)
        self.assertEqual(len(loser["reports"]), 1)
        self.assertEqual(winner["reports"][0]["created"], COUNT)
        self.assertEqual(loser["reports"][0]["created"], 0, "the retry creates nothing")
        for report in winner["reports"] + loser["reports"]:
            self.assertEqual(report["errors"], [])
        return winner["reports"][0], loser["reports"][0]

    def test_same_records_at_once(self):
        """The same delivery twice at the same moment."""
        outcomes = self._run_both(self._records(), self._records())
        self._assert_stored_once()
        _winner, loser = self._assert_one_retry(outcomes)
        self.assertEqual(loser["updated"], 0, "identical records change nothing on retry")

    def test_edited_records_at_once(self):
        """A re-delivery with new counters racing the first delivery: the retry updates
        the mentions the other import created, and its values are the ones kept."""
        outcomes = self._run_both(self._records(likes=1), self._records(likes=2))
        self._assert_stored_once()
        _winner, loser = self._assert_one_retry(outcomes)
        self.assertEqual(loser["updated"], COUNT, "the retry updates every mention")
        # The loser committed last, so its counters are the stored ones.
        loser_likes = 1 if outcomes[0]["conflicts"] else 2
        with self.db.cursor() as cr:
            cr.execute("SELECT DISTINCT likes FROM social_crm_mention WHERE source_id = %s",
                       [self.source_id])
            self.assertEqual(cr.fetchall(), [(loser_likes,)])
