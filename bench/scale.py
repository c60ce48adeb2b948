"""A million mentions: the kanban, the pivot, a text search and ingest, at scale.

    python bench/scale.py --rows 1000000 [--db NAME] [--keep] [--reuse] [--repeat 5]

1. creates a database with ``crm`` and ``social_crm`` installed (no demo data), and times a
   batch of new records through ``source._ingest()`` into the empty table (rolled back);
2. puts a realistic core of mentions through ``_ingest()`` (analysis, authors, SLA, brands),
   then multiplies it in SQL up to ``--rows`` mentions and ``--rows / 5`` authors, every stored
   column coherent (texts with their own numbers and names, dates spread over two years, the
   state by age, assignees, first response and response time, SLA deadline, brands and
   competitors, the authors' counts and first / last seen); the same number of ``crm.lead``
   opportunities, created by the ORM and multiplied the same way;
3. times, as the administrator in the web client would call them (median of ``--repeat`` runs,
   the first run printed apart):
   - each kanban's first load under its action's default filters: ``web_read_group`` (column
     counts), ``read_progress_bar``, one ``web_search_read`` of 40 cards per open column with
     the kanban view's own fields (read from the installed view) — the mentions' beside
     Odoo's opportunity pipeline, and their ratio;
   - the pivot stage × sentiment × month over all mentions (the finest ``read_group``, and
     the six the pivot view sends for rows stage, month × column sentiment);
   - the quality dashboard's figures over 90 days and over every mention, from its roll-up
     beside a forced scan;
   - a text search in the search view's text filter (a rare and a common word, 80 rows of
     the list view with its count), over all mentions and under "To handle";
   - the same batch of new records through ``_ingest()`` again, at full size (rolled back),
     and its rate beside the empty table's, with the queries that took longest;
4. drops the database unless ``--keep``.

Prints figures; it is not a pass/fail test. Targets: kanban first load ≤ 200 ms, text search
≤ 300 ms, dashboards over all rows ≤ 500 ms, ingest at full size ≥ 0.9× its empty-table rate.
"""

import argparse
import json
import os
import pathlib
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from ingest import ROOT, create_database, drop_database, make_records, open_env  # noqa: E402

CORE = 5000  # mentions through the real ingest; the rest are copies made in SQL
LEAD_CORE = 1000
USERS = 10  # internal users sharing the work (mentions and opportunities)
INGEST_BATCH = 500
INGEST_RECORDS = 2000  # the batch timed into the empty table and at full size
TZ = "Asia/Almaty"
OPEN_SHARE = 0.04  # of older mentions still to handle (a backlog); the last 3 days are open


# -- building ---------------------------------------------------------------------------------
def timed_batch_records():
    """The batch timed on the empty table and at full size: new mentions by new authors."""
    records = make_records(INGEST_RECORDS, offset=900_000, seed=11)
    now = datetime.now(timezone.utc)
    for i, rec in enumerate(records):
        rec["published_at"] = (now - timedelta(minutes=3 * i + 1)).isoformat()
        rec["external_id"] = f"timed-{i}"
        rec["url"] = rec["url"].replace("/post/", "/timed/")
        key = f"timed-u{i % 700}"
        rec["author"].update(external_id=key, name=f"Timed {i % 700}", handle=key)
    return records


def time_ingest(env, records, repeat, profile=None, warmup=True):
    """Seconds per run of ``records`` through _ingest() into a fresh source, in batches,
    each run rolled back (the table stays as it was); one warm-up run first."""
    seconds = []
    first = 0 if warmup else 1
    for run in range(first, repeat + 1):
        env.cr.commit()
        source = env["social_crm.source"].create({"name": f"Timed {run}", "source_type": "webhook"})
        env.flush_all()
        started = time.perf_counter()
        with profile if (profile is not None and run == repeat) else _Null():
            for i in range(0, len(records), INGEST_BATCH):
                report = source._ingest(records[i : i + INGEST_BATCH])
                assert report["created"] == len(records[i : i + INGEST_BATCH]), report["errors"][:3]
            env.flush_all()
        if run:
            seconds.append(time.perf_counter() - started)
        env.cr.rollback()
        env.invalidate_all()
    return seconds


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class QueryProfile:
    """Total time per SQL statement (first 150 characters) while active."""

    def __init__(self):
        self.times = defaultdict(float)
        self.counts = defaultdict(int)

    def __enter__(self):
        from odoo import sql_db

        self._orig = orig = sql_db.Cursor.execute
        profile = self

        def execute(cr, query, params=None, log_exceptions=True):
            started = time.perf_counter()
            try:
                return orig(cr, query, params, log_exceptions)
            finally:
                text = query.code if hasattr(query, "code") else str(query)
                key = " ".join(text.split())[:150]
                profile.times[key] += time.perf_counter() - started
                profile.counts[key] += 1

        sql_db.Cursor.execute = execute
        return self

    def __exit__(self, *exc):
        from odoo import sql_db

        sql_db.Cursor.execute = self._orig
        return False

    def top(self, n=5):
        return sorted(self.times.items(), key=lambda kv: -kv[1])[:n]


def make_users(env):
    group = env.ref("social_crm.group_user")
    sales = env.ref("sales_team.group_sale_salesman")
    admin = env.ref("base.user_admin")
    admin.write({"tz": TZ, "groups_id": [(4, env.ref("social_crm.group_manager").id)]})
    users = admin
    for i in range(1, USERS):
        users |= (
            env["res.users"]
            .with_context(no_reset_password=True, mail_create_nolog=True)
            .create(
                {
                    "name": f"Agent {i}",
                    "login": f"scale-agent-{i}",
                    "tz": TZ,
                    "groups_id": [(6, 0, [group.id, sales.id])],
                }
            )
        )
    return users


def make_brands(env):
    """The brands a Kazakh bank monitors (those bench/ingest.py's texts name): its own, with
    its products, and two competitors; without them no mention is a competitor or product
    query and two of the kanban's columns stay empty."""
    Brand = env["social_crm.brand"]
    Brand.create({"name": "Kaspi", "aliases": "Каспи", "product_names": "Black\nкредитка\nвклад"})
    Brand.create([{"name": name, "is_competitor": True} for name in ("Halyk", "Jusan")])


def ingest_core(env, source, count):
    records = make_records(count, offset=0, seed=7)
    now = datetime.now(timezone.utc)
    for i, rec in enumerate(records):
        # the core spread over the last two years too
        rec["published_at"] = (now - timedelta(seconds=(i * 12_613_193) % 63_072_000)).isoformat()
    started = time.perf_counter()
    for i in range(0, count, INGEST_BATCH):
        source._ingest(records[i : i + INGEST_BATCH])
        env.cr.commit()
    return time.perf_counter() - started


def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name <> 'id' ORDER BY ordinal_position",
        [table],
    )
    return [c for (c,) in cr.fetchall()]


def multiply_authors(cr, target):
    """Copies of the core's authors (same platform) up to ``target``; the map
    core author → its copies (g = 0 is the author itself)."""
    cr.execute("SELECT count(*) FROM social_crm_author")
    core = cr.fetchone()[0]
    copies = max(0, -(-target // max(core, 1)) - 1)
    cols = columns(cr, "social_crm_author")
    override = {
        "external_id": "a.external_id || '~' || g",
        "name": "a.name || ' ' || g",
        "handle": "CASE WHEN a.handle IS NULL THEN NULL ELSE a.handle || '_' || g END",
        "url": "NULL",
        "partner_id": "NULL",
    }
    select = ", ".join(override.get(c, f"a.{c}") for c in cols)
    if copies:
        cr.execute(
            f"""INSERT INTO social_crm_author ({", ".join(cols)})
                SELECT {select} FROM social_crm_author a CROSS JOIN generate_series(1, %s) g
                 ORDER BY g, a.id LIMIT %s""",
            [copies, max(0, target - core)],
        )
    cr.execute("""
        CREATE TEMP TABLE author_map AS
        SELECT c.id AS core_id, 0 AS g, c.id AS new_id FROM social_crm_author c
         WHERE c.external_id NOT LIKE '%~%'
        UNION ALL
        SELECT c.id, split_part(n.external_id, '~', 2)::int, n.id
          FROM social_crm_author n
          JOIN social_crm_author c
            ON c.platform_id = n.platform_id AND c.external_id = split_part(n.external_id, '~', 1)
         WHERE n.external_id LIKE '%~%'""")
    cr.execute("CREATE INDEX ON author_map (core_id, g)")
    cr.execute("ANALYZE author_map")
    return copies


def multiply_mentions(cr, source_id, rows, user_ids, author_copies):
    """Copies of the source's mentions up to ``rows`` in all, in chunks."""
    cr.execute("SELECT count(*) FROM social_crm_mention WHERE source_id = %s", [source_id])
    core = cr.fetchone()[0]
    missing = rows - core
    if missing <= 0:
        return 0
    copies = -(-missing // core)
    cols = columns(cr, "social_crm_mention")
    # c: the core mention; g: the copy's number; p: its publication time; st: its state
    override = {
        "external_id": "c.external_id || '~' || x.g",
        "url": "c.url || '~' || x.g",
        "text": "x.text",
        "name": """CASE WHEN length(y.base) > 80 THEN left(y.base, 77) || '…'
                        ELSE y.base END""",
        "published_at": "x.p",
        "create_date": "x.p",
        "write_date": "x.p + x.resp",
        "state": "y.st",
        "author_id": "am.new_id",
        "partner_id": "NULL",
        "user_id": """CASE WHEN y.st = 'new' THEN NULL
                           ELSE (%(users)s)[1 + (x.r3 * %(n_users)s)::int %% %(n_users)s] END""",
        "priority": "CASE WHEN x.r2 < 0.03 THEN '2' WHEN x.r2 < 0.15 THEN '1' ELSE '0' END",
        "first_response_at": """CASE WHEN y.st IN ('answered', 'closed') THEN x.p + x.resp
                                     ELSE NULL END""",
        # stored to a tenth of a minute, as the ORM stores it (digits (16, 1))
        "first_response_minutes": """CASE WHEN y.st IN ('answered', 'closed')
                                    THEN round((EXTRACT(EPOCH FROM x.resp) / 60.0)::numeric, 1)
                                    ELSE NULL END""",
        "first_response_in_sla": """CASE WHEN y.st IN ('answered', 'closed')
                                          AND c.sla_deadline IS NOT NULL
                                     THEN CASE WHEN x.resp <= c.sla_deadline - c.published_at
                                               THEN 100 ELSE 0 END
                                     ELSE NULL END""",
        "sla_deadline": "x.p + (c.sla_deadline - c.published_at)",
        "parent_id": "NULL",
        "parent_external_id": "NULL",
        "duplicate_of_id": "NULL",
        "message_main_attachment_id": "NULL",
    }
    select = ",\n".join(override.get(col, f"c.{col}") for col in cols)
    chunk = 100_000
    done = 0
    cr.execute("SELECT setseed(0.42)")
    while done < missing:
        size = min(chunk, missing - done)
        cr.execute(
            f"""
            INSERT INTO social_crm_mention ({", ".join(cols)})
            SELECT {select}
              FROM (
                SELECT c.id AS cid, g,
                       now() AT TIME ZONE 'UTC' - random() * interval '730 days' AS p,
                       random() AS r1, random() AS r2, random() AS r3,
                       random() * interval '10 hours' AS resp,
                       floor(power(random(), 2) * (%(acopies)s + 1))::int AS ag,
                       regexp_replace(c.text, '\\d+', (c.id + g * 100000)::text) AS text,
                       c.title
                  FROM social_crm_mention c,
                       generate_series(%(g0)s, %(g1)s) g
                 WHERE c.source_id = %(source)s AND c.external_id NOT LIKE '%%~%%'
                 ORDER BY g, c.id
                 LIMIT %(size)s
              ) x
              CROSS JOIN LATERAL (
                SELECT CASE WHEN x.p > now() AT TIME ZONE 'UTC' - interval '3 days'
                              OR x.r1 < %(open)s
                            THEN (ARRAY['new', 'in_progress', 'waiting_expert'])
                                 [1 + floor(random() * 3)::int]
                            WHEN x.r1 < 0.65 THEN 'answered'
                            WHEN x.r1 < 0.88 THEN 'closed'
                            ELSE 'ignored' END AS st,
                       replace(btrim(coalesce(nullif(x.title, ''), x.text)), E'\\n', ' ')
                           AS base
              ) y
              JOIN social_crm_mention c ON c.id = x.cid
              LEFT JOIN author_map am ON am.core_id = c.author_id AND am.g = x.ag
            """,
            {
                "users": user_ids,
                "n_users": len(user_ids),
                "acopies": author_copies,
                "g0": 1 + done // core,
                "g1": copies,
                "source": source_id,
                "size": size,
                "open": OPEN_SHARE,
            },
        )
        done += cr.rowcount
        cr.commit()
        print(f"    {core + done:>9,} mentions", flush=True)
        if cr.rowcount < size:
            break
    for rel, col in (
        ("social_crm_mention_brand_rel", "brand_id"),
        ("social_crm_mention_competitor_rel", "brand_id"),
    ):
        cr.execute(f"""
            INSERT INTO {rel} (mention_id, {col})
            SELECT m.id, r.{col}
              FROM social_crm_mention m
              JOIN social_crm_mention c
                ON c.source_id = m.source_id AND c.external_id = split_part(m.external_id, '~', 1)
              JOIN {rel} r ON r.mention_id = c.id
             WHERE m.external_id LIKE '%~%'
            ON CONFLICT DO NOTHING""")
    # the core's own state, assignee and priority by age too (they came in as new)
    cr.execute(
        """UPDATE social_crm_mention SET
                  state = CASE WHEN published_at > now() AT TIME ZONE 'UTC' - interval '3 days'
                                 OR id %% 25 = 0 THEN state
                               WHEN id %% 20 < 13 THEN 'answered'
                               WHEN id %% 20 < 17 THEN 'closed' ELSE 'ignored' END
            WHERE external_id NOT LIKE '%%~%%' AND source_id = %s""",
        [source_id],
    )
    cr.execute(
        """UPDATE social_crm_mention SET
                  user_id = (%(users)s)[1 + id %% %(n)s],
                  first_response_at = published_at + interval '37 minutes',
                  first_response_minutes = 37,
                  first_response_in_sla = CASE
                      WHEN sla_deadline IS NULL THEN NULL
                      WHEN published_at + interval '37 minutes' <= sla_deadline THEN 100
                      ELSE 0 END
            WHERE source_id = %(source)s AND external_id NOT LIKE '%%~%%'
              AND state IN ('answered', 'closed')""",
        {"users": user_ids, "n": len(user_ids), "source": source_id},
    )
    cr.commit()
    return done


def fix_authors(cr):
    """The authors' stored counts and first / last seen from their mentions; copies
    nobody wrote as are removed."""
    cr.execute("""
        UPDATE social_crm_author a
           SET mention_count = x.n, negative_count = x.neg, first_seen = x.first,
               last_seen = x.last
          FROM (SELECT author_id, count(*) AS n,
                       count(*) FILTER (WHERE sentiment = 'negative') AS neg,
                       min(published_at) AS first, max(published_at) AS last
                  FROM social_crm_mention WHERE author_id IS NOT NULL GROUP BY author_id) x
         WHERE a.id = x.author_id""")
    cr.execute("""
        DELETE FROM social_crm_author a
         WHERE a.external_id LIKE '%~%'
           AND NOT EXISTS (SELECT 1 FROM social_crm_mention m WHERE m.author_id = a.id)""")
    cr.commit()


def build_leads(env, rows, users):
    """``rows`` opportunities: LEAD_CORE by the ORM, the rest copies in SQL."""
    stages = env["crm.stage"].search([])
    Lead = env["crm.lead"].with_context(mail_create_nolog=True, tracking_disable=True)
    vals = []
    for i in range(min(rows, LEAD_CORE)):
        vals.append(
            {
                "name": f"Opportunity {i}",
                "type": "opportunity",
                "partner_name": f"Company {i % 300}",
                "email_from": f"contact{i}@example.com",
                "expected_revenue": 1000 + (i * 7919) % 50000,
                "user_id": users[i % len(users)].id,
                "stage_id": stages[i % len(stages)].id,
                "priority": str(i % 4 if i % 5 == 0 else 0),
            }
        )
    for i in range(0, len(vals), 500):
        Lead.create(vals[i : i + 500])
    env.cr.commit()
    cr = env.cr
    cr.execute("SELECT count(*) FROM crm_lead")
    core = cr.fetchone()[0]
    missing = rows - core
    if missing <= 0:
        return
    cols = columns(cr, "crm_lead")
    override = {
        "name": "l.name || ' ~' || g",
        "create_date": "x.p",
        "write_date": "x.p",
        "date_open": "x.p",
        "date_last_stage_update": "x.p",
    }
    select = ", ".join(override.get(c, f"l.{c}") for c in cols)
    cr.execute(
        f"""INSERT INTO crm_lead ({", ".join(cols)})
            SELECT {select} FROM (
                SELECT l.id AS lid, g,
                       now() AT TIME ZONE 'UTC' - random() * interval '730 days' AS p
                  FROM crm_lead l, generate_series(1, %s) g
                 ORDER BY g, l.id LIMIT %s) x
            JOIN crm_lead l ON l.id = x.lid""",
        [-(-missing // core), missing],
    )
    cr.commit()


def settle(cr):
    """VACUUM ANALYZE the measured tables: the steady state autovacuum keeps in production
    (a build's bulk writes, or an earlier run's rolled-back ingests, leave dead rows and pages
    not marked all-visible, which index-only scans must then read)."""
    cr.commit()
    old = cr._cnx.autocommit
    cr._cnx.autocommit = True
    for table in ("social_crm_mention", "social_crm_author", "crm_lead"):
        cr.execute(f"VACUUM ANALYZE {table}")
    cr._cnx.autocommit = old


def build(env, rows, repeat):
    cr = env.cr
    users = make_users(env)
    make_brands(env)
    cr.commit()
    source = env["social_crm.source"].create({"name": "Scale", "source_type": "webhook"})
    cr.commit()
    timed = timed_batch_records()
    print(f"  ingest of {len(timed)} new records into the empty table ({repeat} runs) …")
    empty = time_ingest(env, timed, repeat)
    cr.execute("CREATE TABLE bench_scale_empty (seconds float8)")
    cr.execute("INSERT INTO bench_scale_empty SELECT unnest(%s::float8[])", [empty])
    cr.commit()
    core = min(rows, CORE)
    seconds = ingest_core(env, source, core)
    print(f"  core: {core} mentions through _ingest in {seconds:.1f} s")
    started = time.perf_counter()
    author_copies = multiply_authors(cr, max(rows // 5, 1))
    cr.commit()
    made = multiply_mentions(cr, source.id, rows, users.ids, author_copies)
    fix_authors(cr)
    print(f"  {made} copies in SQL in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    build_leads(env, rows, users)
    print(f"  {rows} crm.lead in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    # the history is settled: nothing was written in the last hours (the build's own writes
    # would otherwise count as changed since the report roll-up's refresh)
    for table in ("social_crm_mention", "social_crm_author", "crm_lead"):
        cr.execute(
            f"""UPDATE {table} SET write_date = now() AT TIME ZONE 'UTC' - interval '2 hours'
                 WHERE write_date > now() AT TIME ZONE 'UTC' - interval '2 hours'"""
        )
    cr.commit()
    settle(cr)
    print(f"  VACUUM ANALYZE in {time.perf_counter() - started:.0f} s")
    env.invalidate_all()
    started = time.perf_counter()
    env["social_crm.mention"]._rollup_refresh()
    cr.commit()
    print(
        f"  report roll-up built (its scheduled action's first run) in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return empty


# -- the web client's calls -------------------------------------------------------------------
def eval_context(env):
    from dateutil.relativedelta import relativedelta

    from odoo import fields
    from odoo.tools import safe_eval

    tz_now = fields.Datetime.context_timestamp(env.user, datetime.now())
    return {
        "uid": env.uid,
        "user": env.user,
        "datetime": safe_eval.datetime,
        "time": safe_eval.time,
        "relativedelta": relativedelta,
        "context_today": lambda: tz_now.date(),
        "current_date": tz_now.strftime("%Y-%m-%d"),
        "allowed_company_ids": env.companies.ids,
        "company_ids": env.companies.ids,
    }


def default_domain(search_arch, action_context, ectx):
    """The domain of the search view's filters the action turns on by default
    (filters of one group OR'ed, groups AND'ed, as the search panel does)."""
    from lxml import etree

    from odoo.osv import expression
    from odoo.tools.safe_eval import safe_eval

    root = etree.fromstring(search_arch)
    groups, current = [], []
    for node in root:
        if node.tag == "filter":
            current.append(node)
        else:
            if current:
                groups.append(current)
            current = []
    if current:
        groups.append(current)
    domains = []
    for group in groups:
        on = [
            safe_eval(f.get("domain"), ectx)
            for f in group
            if f.get("domain") and action_context.get(f"search_default_{f.get('name')}")
        ]
        if on:
            domains.append(expression.OR(on))
    return expression.AND(domains) if domains else []


def fields_spec(model, arch):
    """The web client's field specification for a kanban or list arch: every field of the
    view, relational ones with their display name (and the widgets' own dependencies)."""
    from lxml import etree

    widget_deps = {
        "kanban_activity": [
            "activity_exception_decoration",
            "activity_exception_icon",
            "activity_state",
            "activity_summary",
            "activity_type_icon",
            "activity_type_id",
        ],
        "list_activity": [
            "activity_exception_decoration",
            "activity_exception_icon",
            "activity_state",
            "activity_summary",
            "activity_type_icon",
            "activity_type_id",
        ],
        "image": ["write_date"],
        "activity_exception": ["activity_exception_icon"],
    }
    root = etree.fromstring(arch)
    spec = {}

    def add(name, node=None):
        field = model._fields[name]
        if field.type == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif field.type in ("one2many", "many2many"):
            widget = node.get("widget") if node is not None else None
            if widget in ("many2many_tags", "many2many_avatar_user", "many2many_tags_avatar"):
                sub = {"display_name": {}}
                options = (node.get("options") or "").strip()
                if "color_field" in options:
                    from odoo.tools.safe_eval import safe_eval

                    sub[safe_eval(options)["color_field"]] = {}
                spec[name] = {"fields": sub}
            else:
                spec[name] = {"fields": {}}
        else:
            spec.setdefault(name, {})

    for node in root.iter("field"):
        if any(p.tag == "field" for p in node.iterancestors()):
            continue  # a nested view's field
        add(node.get("name"), node)
        for dep in widget_deps.get(node.get("widget") or "", []):
            if dep in model._fields:
                add(dep)
    return spec


def view_arch(model, action, view_type):
    view_id = False
    for line in action.view_ids:
        if line.view_mode == view_type:
            view_id = line.view_id.id
    if not view_id and action.view_id.type == view_type:
        view_id = action.view_id.id
    views = model.get_views(
        [(view_id, view_type), (action.search_view_id.id or False, "search")], {}
    )["views"]
    return views[view_type]["arch"], views["search"]["arch"]


def kanban_plan(env, action_xmlid):
    """The calls the web client sends for the action's kanban on first load."""
    from lxml import etree

    from odoo.osv import expression
    from odoo.tools.safe_eval import safe_eval

    action = env.ref(action_xmlid)
    ectx = eval_context(env)
    action_context = safe_eval(action.context or "{}", ectx)
    model = env[action.res_model].with_context(
        {k: v for k, v in action_context.items() if not k.startswith("search_default_")},
        bin_size=True,
    )
    kanban_arch, search_arch = view_arch(model, action, "kanban")
    domain = expression.AND(
        [
            safe_eval(action.domain or "[]", ectx),
            default_domain(search_arch, action_context, ectx),
        ]
    )
    root = etree.fromstring(kanban_arch)
    group_by = action_context.get("group_by") or root.get("default_group_by")
    if isinstance(group_by, list):
        group_by = group_by[0]
    order = root.get("default_order") or ""
    bar = root.find(".//progressbar")
    progress = None
    if bar is not None:
        progress = {"field": bar.get("field"), "colors": json.loads(bar.get("colors"))}
        if bar.get("sum_field"):
            progress["sum_field"] = bar.get("sum_field")
    spec = fields_spec(model, kanban_arch)
    aggregates = [
        f"{name}:{model._fields[name].aggregator}"
        for name in spec
        if getattr(model._fields[name], "aggregator", None)
    ]
    return {
        "model": model,
        "domain": domain,
        "group_by": group_by,
        "order": order,
        "progress": progress,
        "spec": spec,
        "aggregates": aggregates,
    }


def kanban_first_load(plan):
    model = plan["model"]
    model.env.invalidate_all()
    parts = {}
    started = time.perf_counter()
    groups = model.web_read_group(
        plan["domain"], plan["aggregates"], [plan["group_by"]], limit=10, lazy=True
    )["groups"]
    parts["web_read_group"] = time.perf_counter() - started
    if plan["progress"]:
        t = time.perf_counter()
        model.read_progress_bar(plan["domain"], plan["group_by"], plan["progress"])
        parts["read_progress_bar"] = time.perf_counter() - t
    t = time.perf_counter()
    cards = 0
    for group in groups:
        if group.get("__fold") or not group.get(f"{plan['group_by']}_count"):
            continue
        result = model.web_search_read(
            group["__domain"], plan["spec"], limit=40, order=plan["order"], count_limit=10001
        )
        cards += len(result["records"])
    parts["web_search_read"] = time.perf_counter() - t
    parts["total"] = time.perf_counter() - started
    parts["_cards"] = cards
    parts["_columns"] = len(groups)
    return parts


# per model: the pivot's measures, its rows and its column (Odoo's opportunities: stage and
# creation month × priority, expected revenue and probability, as in Pipeline Analysis)
PIVOTS = {
    "social_crm.mention": (
        ["__count", "first_response_minutes:avg", "engagement:sum"],
        ["stage_id", "published_at:month"],
        ["sentiment"],
    ),
    "crm.lead": (
        ["__count", "probability:avg", "expected_revenue:sum"],
        ["stage_id", "create_date:month"],
        ["priority"],
    ),
}


def pivot_finest(model):
    _measures, rows, cols = PIVOTS[model._name]
    return [rows[0], cols[0], rows[1]]


def pivot_calls(model):
    """The read_groups of the pivot rows stage, month × its column over all records."""
    measures, rows, cols = PIVOTS[model._name]
    calls = []
    for i in range(len(rows) + 1):
        for j in range(len(cols) + 1):
            calls.append(rows[:i] + cols[:j])
    return measures, calls


def time_pivot(model):
    measures, calls = pivot_calls(model)
    model.env.invalidate_all()
    t = time.perf_counter()
    model.read_group([], measures, pivot_finest(model), lazy=False)
    finest = time.perf_counter() - t
    t = time.perf_counter()
    for groupby in calls:
        model.read_group([], measures, groupby, lazy=False)
    return {"finest read_group": finest, "pivot view (6 read_group)": time.perf_counter() - t}


def pivot_rows(model):
    """The groups, floats rounded (an average of sums against an average of rows)."""
    return sorted(
        str(sorted((k, round(v, 6) if isinstance(v, float) else v) for k, v in g.items()))
        for g in model.read_group([], pivot_calls(model)[0], pivot_finest(model), lazy=False)
    )


def time_dashboard(env, repeat):
    """The quality dashboard's figures (its one RPC, get_quality_figures) over 90 days and
    over every mention, from the quality roll-up beside a forced scan, and whether both
    agree."""
    from odoo import fields

    Dashboard = env["social_crm.quality.dashboard"]
    Scan = Dashboard.with_context(social_crm_no_rollup=True)
    env.cr.execute("SELECT min(published_at) FROM social_crm_mention")
    first = env.cr.fetchone()[0]
    now = fields.Datetime.now()
    every = (now - first).days + 1
    companies = env.companies.ids

    def timed(model, days):
        model.env.invalidate_all()
        started = time.perf_counter()
        if days <= 366:
            model.get_quality_figures(days=days)  # what the dashboard calls
        else:
            model._figures(companies, now - timedelta(days=days), now)
        return time.perf_counter() - started

    def figures(model, days):
        model.env.invalidate_all()
        return model._figures(companies, now - timedelta(days=days), now)

    print("\nQuality dashboard (get_quality_figures: every figure of the period):")
    for label, days in (("90 days", 90), (f"all rows ({every} days)", every)):
        first_run, median = runs(lambda days=days: timed(Dashboard, days), repeat)
        print(f"  {label:24s} {ms(median)}   first {ms(first_run)}   (target ≤ 500 ms)")
        first_run, median = runs(lambda days=days: timed(Scan, days), max(1, repeat // 2))
        print(f"  the same, scanning (no roll-up) {ms(median)}")
        same = figures(Dashboard, days) == figures(Scan, days)
        print(f"  roll-up and scan give the same figures: {same}")


def search_plan(
    env, word, with_default, action_xmlid="social_crm.social_crm_mention_action", field="text"
):
    """The list view's call after typing ``word`` in the search view's ``field`` filter."""
    from lxml import etree

    from odoo.osv import expression
    from odoo.tools.safe_eval import safe_eval

    action = env.ref(action_xmlid)
    ectx = eval_context(env)
    action_context = safe_eval(action.context or "{}", ectx)
    model = env[action.res_model].with_context(bin_size=True)
    list_arch, search_arch = view_arch(model, action, "list")
    root = etree.fromstring(search_arch)
    node = root.find(f".//field[@name='{field}']")
    text_domain = safe_eval(node.get("filter_domain"), dict(ectx, self=word))
    domains = [safe_eval(action.domain or "[]", ectx), text_domain]
    if with_default:
        domains.append(default_domain(search_arch, action_context, ectx))
    return model, expression.AND(domains), fields_spec(model, list_arch)


def time_search(model, domain, spec):
    model.env.invalidate_all()
    t = time.perf_counter()
    result = model.web_search_read(domain, spec, limit=80, count_limit=10001)
    return time.perf_counter() - t, result["length"]


# -- report -----------------------------------------------------------------------------------
def runs(func, repeat):
    """(first, median of the next ``repeat``) of ``func()`` (a dict of seconds or a float)."""
    results = [func() for _ in range(repeat + 1)]
    first, rest = results[0], results[1:]
    if isinstance(first, dict):
        keys = [k for k in first if not k.startswith("_")]
        return first, {k: statistics.median(r[k] for r in rest) for k in keys}
    return first, statistics.median(rest)


def ms(seconds):
    return f"{seconds * 1000:8.1f} ms"


def measure(env, rows, repeat, empty, fresh_env=None):
    admin = env.ref("base.user_admin")
    user_env = env(user=admin, context={"lang": "en_US", "tz": TZ}, su=False)
    user_env = user_env(
        context=dict(user_env.context, allowed_company_ids=admin.company_ids.ids[:1])
    )
    cr = env.cr
    cr.execute("SELECT count(*) FROM social_crm_mention")
    n_mentions = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM social_crm_author")
    n_authors = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM crm_lead")
    n_leads = cr.fetchone()[0]
    print(
        f"\n{n_mentions:,} mentions, {n_authors:,} authors, {n_leads:,} crm.lead; "
        f"as {admin.login}; median of {repeat} warm runs (first run apart); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )

    print("\nKanban first load (web_read_group + read_progress_bar + 40 cards per column):")
    results = {}
    for label, xmlid in (
        ("social_crm.mention", "social_crm.social_crm_mention_action"),
        ("crm.lead pipeline", "crm.crm_lead_action_pipeline"),
    ):
        plan = kanban_plan(user_env, xmlid)
        matched = plan["model"].search_count(plan["domain"])
        first, median = runs(lambda plan=plan: kanban_first_load(plan), repeat)
        results[label] = median
        print(
            f"  {label:20s} domain {plan['domain']!s:.70}  ({matched:,} rows, "
            f"{first['_columns']} columns, {first['_cards']} cards)"
        )
        for key in median:
            print(f"    {key:22s} {ms(median[key])}   first {ms(first[key])}")
    ratio = results["social_crm.mention"]["total"] / results["crm.lead pipeline"]["total"]
    print(
        f"  mentions / crm.lead    {ratio:8.2f}×   (mentions "
        f"{results['social_crm.mention']['total'] * 1000:.0f} ms; target ≤ 200 ms)"
    )

    print("\nPivot stage × sentiment × month over all mentions (count, avg response, sum eng.):")
    Report = user_env["social_crm.mention"]
    first, median = runs(lambda: time_pivot(Report), repeat)
    for key in median:
        print(f"  {key:28s} {ms(median[key])}   first {ms(first[key])}   (target ≤ 500 ms)")
    first, median = runs(lambda: time_pivot(user_env["crm.lead"]), repeat)
    for key in median:
        print(f"  crm.lead (stage × priority × month): {key:28s} {ms(median[key])}")
    Scan = Report.with_context(social_crm_no_rollup=True)
    first, median = runs(lambda: time_pivot(Scan), max(1, repeat // 2))
    for key in median:
        print(f"  the same, scanning (no roll-up): {key:28s} {ms(median[key])}")
    same = pivot_rows(Report) == pivot_rows(Scan)
    print(f"  roll-up and scan give the same groups: {same}")

    time_dashboard(user_env, repeat)

    print("\nText search (search view's text filter; list view, 80 rows + count):")
    cr.execute(
        "SELECT substring(text from '\\d{5,}') FROM social_crm_mention "
        "WHERE text ~ '\\d{5,}' ORDER BY id DESC LIMIT 1"
    )
    rare = (cr.fetchone() or ["12345"])[0]
    for word in (rare, "выписка", "кэшбэк"):
        for with_default in (False, True):
            model, domain, spec = search_plan(user_env, word, with_default)
            first, median = runs(lambda m=model, d=domain, s=spec: time_search(m, d, s)[0], repeat)
            found = time_search(model, domain, spec)[1]
            where = "To handle" if with_default else "all"
            print(
                f"  {word!r:12s} in {where:9s} {ms(median)}   first {ms(first)}   "
                f"({found:,} found{'+' if found > 10000 else ''}; target ≤ 300 ms)"
            )

    cr.execute("SELECT name FROM crm_lead ORDER BY id DESC LIMIT 1")
    rare_lead = cr.fetchone()[0]
    for word in (rare_lead, "Company 12"):
        for with_default in (False, True):
            model, domain, spec = search_plan(
                user_env, word, with_default, "crm.crm_lead_action_pipeline", "name"
            )
            first, median = runs(lambda m=model, d=domain, s=spec: time_search(m, d, s)[0], repeat)
            found = time_search(model, domain, spec)[1]
            where = "My Pipeline" if with_default else "all"
            print(
                f"  crm.lead {word!r:22s} in {where:11s} {ms(median)}   first {ms(first)}   "
                f"({found:,} found{'+' if found > 10000 else ''})"
            )

    print(f"\nIngest of the same {INGEST_RECORDS} new records (batches of {INGEST_BATCH}):")
    profile = QueryProfile()
    records = timed_batch_records()
    if fresh_env is not None:
        # alternately into the empty table and at full size, so that the machine's load
        # weighs on both alike
        empty, full = [], []
        time_ingest(fresh_env, records, 0)
        time_ingest(env, records, 0)
        for run in range(repeat):
            empty += time_ingest(fresh_env, records, 1, warmup=False)
            last = run == repeat - 1
            full += time_ingest(env, records, 1, profile if last else None, warmup=False)
    else:
        full = time_ingest(env, records, repeat, profile)
    rate_empty = INGEST_RECORDS / statistics.median(empty)
    rate_full = INGEST_RECORDS / statistics.median(full)
    how = "alternating with the runs below" if fresh_env is not None else "after the install"
    print(f"  into the empty table   {rate_empty:8.0f} records/s  (median of {len(empty)}, {how})")
    print(f"  at {n_mentions:>9,} mentions {rate_full:8.0f} records/s  (median of {len(full)})")
    print(f"  ratio                  {rate_full / rate_empty:8.2f}×   (target ≥ 0.9×)")
    cr.commit()
    source = env["social_crm.source"].create({"name": "Timed refresh", "source_type": "webhook"})
    records = timed_batch_records()
    for i in range(0, len(records), INGEST_BATCH):
        source._ingest(records[i : i + INGEST_BATCH])
    env.flush_all()
    started = time.perf_counter()
    env["social_crm.mention"]._rollup_refresh()
    print(
        f"  report roll-up refresh after these {len(records)} new mentions "
        f"{ms(time.perf_counter() - started)}  (the scheduled action, every 5 minutes)"
    )
    cr.rollback()
    env.invalidate_all()
    print(f"  load average now {os.getloadavg()[0]:.1f}")
    print("  the statements that took longest in the last run at full size:")
    for query, seconds in profile.top(6):
        print(f"    {seconds * 1000:7.1f} ms  ×{profile.counts[query]:<4d} {query[:110]}")


def open_other(db):
    """open_env() for a second database in this process (the configuration is parsed once)."""
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry

    registry = Registry(db)
    cr = registry.cursor()
    return registry, cr, api.Environment(cr, odoo.SUPERUSER_ID, {})


def database_exists(db):
    import psycopg2

    conn = psycopg2.connect(dbname="postgres")
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
            return bool(cr.fetchone())
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--db", help="database name (default: a throwaway one)")
    parser.add_argument("--keep", action="store_true", help="don't drop the database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure an existing database built by this script (--db) instead of building",
    )
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per timing")
    args = parser.parse_args()

    db = args.db or f"social_crm_scale_{os.getpid()}"
    logdir = ROOT / "var"
    logdir.mkdir(exist_ok=True)
    log = logdir / "bench-scale.log"
    print(f"database {db} (log {log}), {args.rows:,} rows")
    reuse = args.reuse and database_exists(db)
    try:
        started = time.perf_counter()
        if not reuse:
            print(f"install crm + social_crm: {create_database(db, log):.0f} s")
        fresh = fresh_env = None
        if reuse:
            fresh = f"{db}_empty_{os.getpid()}"
            create_database(fresh, log)
            _registry, fresh_cr, fresh_env = open_env(fresh)
            make_users(fresh_env)
            make_brands(fresh_env)
            fresh_cr.commit()
            empty = None
            registry, cr, env = open_other(db)
            started = time.perf_counter()
            settle(cr)
            print(f"  VACUUM ANALYZE in {time.perf_counter() - started:.0f} s")
            started = time.perf_counter()
            env["social_crm.mention"]._rollup_refresh()
            cr.commit()
            print(
                "  report roll-up refreshed (its scheduled action) in "
                f"{time.perf_counter() - started:.1f} s"
            )
        else:
            registry, cr, env = open_env(db)
            empty = build(env, args.rows, args.repeat)
        if not reuse:
            print(f"built in {time.perf_counter() - started:.0f} s")
        measure(env, args.rows, args.repeat, empty, fresh_env)
        cr.close()
        if fresh_env is not None:
            fresh_env.cr.close()
    finally:
        if fresh:
            drop_database(fresh)
        if not args.keep and not reuse:
            drop_database(db)
            print(f"database {db} dropped")


if __name__ == "__main__":
    main()
