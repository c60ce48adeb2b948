"""Two imports of the same data at once, in two real database transactions.

Ingest must stay idempotent when two imports of the same data run at once. A
TransactionCase can't show that: its one transaction is never committed, so another
connection sees none of its data. Each import here runs in a process of its own
(``concurrent_import.py``: its own registry and connection), the fixture is committed with
plain SQL on a connection of the test's own, and everything committed is removed at the end.

Both imports take their snapshot (Odoo's REPEATABLE READ) before either starts, so neither
can see what the other writes: the only thing standing between them and duplicates is the
unique index on (source, external id) and (platform, external id). The slower one waits on
that index, gets ConcurrentIngestError when the faster commits, and retries in a new
transaction the way the webhook does; there it finds the records and updates them.
"""

import json
import pathlib
import subprocess
import sys
import time
import uuid
from datetime import datetime

from odoo.sql_db import db_connect
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import config

from .common import make_record

COUNT = 50
TIMEOUT = 120  # seconds: a stuck import fails the test instead of hanging the run
IMPORT_SCRIPT = pathlib.Path(__file__).with_name("concurrent_import.py")


@tagged("post_install", "-at_install")
class TestConcurrentIngest(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = db_connect(get_db_name())

    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:10]
        self.ext_ids = [f"conc-{tag}-{i}" for i in range(COUNT)]
        self.author_ids = [f"a{ext}" for ext in self.ext_ids]
        self.lock_key = 424200000 + int(tag[:5], 16)
        with self.db.cursor() as cr:
            cr.execute(
                """
                INSERT INTO social_crm_source
                       (name, source_type, company_id, sentiment_policy, active, sequence,
                        interval_minutes, sla_minutes, posts_depth, initial_hours,
                        create_date, write_date)
                VALUES (%s, 'webhook', (SELECT min(id) FROM res_company), 'source', true, 10,
                        5, 60, 10, 24, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
             RETURNING id""",
                [f"Concurrent import {tag}"],
            )
            self.source_id = cr.fetchone()[0]
            cr.execute("SELECT id FROM social_crm_platform WHERE code = 'vk'")
            self.vk_id = cr.fetchone()[0]
        self.addCleanup(self._remove_committed_data)

    def _remove_committed_data(self):
        with self.db.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '10s'")  # never hang behind a stuck import
            cr.execute("DELETE FROM social_crm_mention WHERE source_id = %s", [self.source_id])
            cr.execute(
                "DELETE FROM social_crm_author WHERE platform_id = %s AND external_id IN %s",
                [self.vk_id, tuple(self.author_ids)],
            )
            cr.execute("DELETE FROM social_crm_source WHERE id = %s", [self.source_id])

    def _records(self, **extra):
        return [make_record(ext, **extra) for ext in self.ext_ids]

    def _start_import(self, records, context=None):
        args = {
            "context": context or {},
            "db": get_db_name(),
            "addons_path": config["addons_path"],
            "source_id": self.source_id,
            "records": records,
            "lock_key": self.lock_key,
            **{name: config.get(name) for name in ("db_host", "db_port", "db_user", "db_password")},
        }
        return subprocess.Popen(
            [sys.executable, str(IMPORT_SCRIPT), json.dumps(args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def _waiting_imports(self, cr):
        cr.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
            "AND classid = 0 AND objid = %s AND NOT granted",
            [self.lock_key],
        )
        return cr.fetchone()[0]

    def _run_both(self, records_1, records_2, stored_before=0, context=None):
        """Run two imports at once; return their outcomes. ``stored_before``: mentions of
        the source committed before (both imports must see only those)."""
        gate = self.db.cursor()
        try:
            gate.execute("SELECT pg_advisory_lock(%s)", [self.lock_key])
            processes = [
                self._start_import(records_1, context),
                self._start_import(records_2, context),
            ]
            deadline = time.monotonic() + TIMEOUT
            # Both have taken their snapshot and wait at the gate: open it for both at once.
            while self._waiting_imports(gate) < 2:
                failed = [p for p in processes if p.poll() is not None]
                if failed or time.monotonic() > deadline:
                    for process in processes:
                        process.kill()
                    self.fail(
                        "an import did not reach the gate:\n%s"
                        % "\n".join(p.communicate()[1][-3000:] for p in processes)
                    )
                time.sleep(0.05)
            gate.execute("SELECT pg_advisory_unlock(%s)", [self.lock_key])
            outcomes = []
            for process in processes:
                try:
                    out, err = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
                    self.fail(f"an import still runs after {TIMEOUT}s (stuck on a lock?)")
                self.assertEqual(process.returncode, 0, err[-3000:])
                outcomes.append(json.loads(out.strip().splitlines()[-1]))
        finally:
            gate.execute("SELECT pg_advisory_unlock_all()")
            gate.close()
        for outcome in outcomes:
            self.assertIsNone(outcome["failure"], "an import failed:\n%s" % outcome["failure"])
            self.assertEqual(
                outcome["seen_before"],
                stored_before,
                "both imports must start before either commits",
            )
        return outcomes

    def _assert_stored_once(self):
        """Every record exactly once: mentions per source, authors per platform."""
        with self.db.cursor() as cr:
            cr.execute(
                """SELECT external_id, count(*) FROM social_crm_mention
                           WHERE source_id = %s GROUP BY external_id""",
                [self.source_id],
            )
            mentions = dict(cr.fetchall())
            cr.execute(
                """SELECT external_id, count(*) FROM social_crm_author
                           WHERE platform_id = %s AND external_id IN %s
                        GROUP BY external_id""",
                [self.vk_id, tuple(self.author_ids)],
            )
            authors = dict(cr.fetchall())
            cr.execute(
                """SELECT count(*), count(DISTINCT m.author_id) FROM social_crm_mention m
                            JOIN social_crm_author a ON a.id = m.author_id
                           WHERE m.source_id = %s AND a.external_id = 'a' || m.external_id""",
                [self.source_id],
            )
            linked = cr.fetchone()
            cr.execute(
                "SELECT coalesce(sum(created), 0) FROM social_crm_source_run WHERE source_id = %s",
                [self.source_id],
            )
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
        self.assertEqual(
            conflicts,
            [0, 1],
            "exactly one import must meet the other's rows on the unique index and retry once",
        )
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

    def test_different_records_of_the_same_people_at_once(self):
        """Two deliveries of different mentions by the same, already known people: neither
        waits for nor fails on the other (no author row is written inside an import), and
        once both committed every person's figures count both mentions."""
        first = self._run_both(self._records(), [])
        self.assertEqual(first[0]["reports"][0]["created"], COUNT)
        self.ext_ids += [f"{ext}-b" for ext in self.ext_ids]
        later = [
            make_record(f"{ext}-b", published_at="2026-05-03T10:00:00+05:00", author=author)
            for ext, author in zip(
                self.ext_ids[COUNT:],
                [record["author"] for record in self._records()[:COUNT]],
                strict=True,
            )
        ]
        half = COUNT // 2
        outcomes = self._run_both(later[:half], later[half:], stored_before=COUNT)
        self.assertEqual([o["conflicts"] for o in outcomes], [0, 0], "no import retried")
        self.assertEqual(sorted(o["reports"][0]["created"] for o in outcomes), [half, half])
        deadline = time.monotonic() + 30  # the figures follow each import's commit
        while True:
            with self.db.cursor() as cr:
                cr.execute(
                    """SELECT a.mention_count, a.first_seen, a.last_seen, count(*)
                         FROM social_crm_author a
                        WHERE a.platform_id = %s AND a.external_id IN %s
                        GROUP BY 1, 2, 3""",
                    [self.vk_id, tuple(self.author_ids)],
                )
                figures = cr.fetchall()
            if figures == [(2, datetime(2026, 5, 1, 5), datetime(2026, 5, 3, 5), COUNT)]:
                break
            self.assertLess(time.monotonic(), deadline, f"author figures: {figures}")
            time.sleep(0.2)

    def test_new_people_in_two_deliveries_at_once(self):
        """Two deliveries (as the webhook makes them) of different mentions by the same new
        people: each creates the people it misses on its own, committed at once, and reads
        itself again; neither waits for the other's claim, no author is doubled."""
        others = [
            make_record(f"{ext}-b", author=record["author"])
            for ext, record in zip(self.ext_ids, self._records(), strict=True)
        ]
        outcomes = self._run_both(
            self._records(), others, context={"social_crm_precreate_authors": True}
        )
        self.ext_ids += [f"{ext}-b" for ext in self.ext_ids]
        self.assertEqual([o["conflicts"] for o in outcomes], [1, 1], "one re-read each")
        self.assertEqual([o["reports"][0]["created"] for o in outcomes], [COUNT, COUNT])
        with self.db.cursor() as cr:
            cr.execute(
                """SELECT count(*), count(DISTINCT external_id) FROM social_crm_author
                    WHERE platform_id = %s AND external_id IN %s""",
                [self.vk_id, tuple(self.author_ids)],
            )
            self.assertEqual(cr.fetchone(), (COUNT, COUNT), "every new person once")
            cr.execute(
                "SELECT count(*) FROM social_crm_mention WHERE source_id = %s", [self.source_id]
            )
            self.assertEqual(cr.fetchone()[0], 2 * COUNT)

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
            cr.execute(
                "SELECT DISTINCT likes FROM social_crm_mention WHERE source_id = %s",
                [self.source_id],
            )
            self.assertEqual(cr.fetchall(), [(loser_likes,)])
