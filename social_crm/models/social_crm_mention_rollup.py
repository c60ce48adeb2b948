"""Reports over all mentions from a roll-up: counts by day, stage and sentiment.

A pivot or graph of every mention by stage × sentiment × period reads every row; with a
million mentions that takes seconds.  Such a ``read_group`` is answered from a roll-up
instead: per time zone, company, local day, stage and sentiment, the number of mentions, their
summed engagement, summed first-response minutes and the number answered, as of the roll-up's last refresh (a scheduled
action, every few minutes).  The days with a mention written, removed or moved to another
day since then are read from the mentions themselves in the same query, so the answer is the
same as a scan's, only faster.

A ``read_group`` qualifies when it groups by stage, sentiment, company and / or the
publication date by day, week, month, quarter or year, sums or averages only the count, the
engagement and the response time, filters only on stage, sentiment and company (the
multi-company rule included), and the user's time zone has a roll-up (the scheduled action
keeps one for the time zone of every Social CRM user, and UTC).  Anything else reads the
mentions as before.
"""

import pytz

from odoo import api, models
from odoo.osv import expression
from odoo.tools import SQL

ROLLUP_FIELDS = {"stage_id", "sentiment", "company_id"}
ROLLUP_DATE = "published_at"
ROLLUP_GRANULARITIES = {"day", "week", "month", "quarter", "year"}
ROLLUP_AGGREGATES = {
    "__count": "SUM(%s.mention_count)",
    "engagement:sum": "SUM(%s.engagement)::bigint",
    "first_response_minutes:sum": "SUM(%s.first_response_minutes)",
    # answered mentions only: the unanswered have no response time
    "first_response_minutes:avg": (
        "SUM(%s.first_response_minutes) / NULLIF(SUM(%s.answered_count), 0)"
    ),
}
# A transaction still open at a refresh may commit rows written before it: what was written
# within this margin before the last refresh is read from the mentions too.
MARGIN = "1 hour"


class SocialCrmMention(models.Model):
    _inherit = "social_crm.mention"  # pylint: disable=consider-merging-classes-inherited
    # a feature layer of the model in its own file (README, Architecture)

    def init(self):
        result = super().init()
        cr = self.env.cr
        cr.execute("""
            CREATE TABLE IF NOT EXISTS social_crm_mention_rollup (
                tz varchar NOT NULL,
                company_id integer NOT NULL,
                day date NOT NULL,
                published_at timestamp NOT NULL,
                stage_id integer,
                sentiment varchar,
                mention_count integer NOT NULL,
                engagement bigint NOT NULL,
                first_response_minutes numeric NOT NULL,
                answered_count integer NOT NULL
            )""")
        cr.execute(
            "CREATE INDEX IF NOT EXISTS social_crm_mention_rollup_tz_day "
            "ON social_crm_mention_rollup (tz, day)"
        )
        cr.execute("""
            CREATE TABLE IF NOT EXISTS social_crm_mention_rollup_state (
                tz varchar PRIMARY KEY,
                refreshed_at timestamp NOT NULL
            )""")
        # publication times of mentions removed or moved to another day
        cr.execute("""
            CREATE TABLE IF NOT EXISTS social_crm_mention_rollup_moved (
                published_at timestamp NOT NULL,
                recorded_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
            )""")
        # summed as the mentions store them (numeric): a float's rounding could turn an
        # average's last digit; a roll-up summed in floats is built again
        cr.execute("""
            SELECT data_type FROM information_schema.columns
             WHERE table_name = 'social_crm_mention_rollup'
               AND column_name = 'first_response_minutes'""")
        if cr.fetchone()[0] != "numeric":
            cr.execute("TRUNCATE social_crm_mention_rollup")
            cr.execute("""ALTER TABLE social_crm_mention_rollup
                          ALTER COLUMN first_response_minutes TYPE numeric""")
            cr.execute("DELETE FROM social_crm_mention_rollup_state WHERE tz NOT LIKE 'quality:%'")
        return result

    # -- keeping it -------------------------------------------------------------------------
    def write(self, vals):
        if ROLLUP_DATE in vals:
            self._rollup_moved()
        return super().write(vals)

    def unlink(self):
        self._rollup_moved()
        return super().unlink()

    def _rollup_moved(self):
        """Note the days these mentions leave (removed or published at another time)."""
        if not self.ids:
            return
        self.env.cr.execute(
            """INSERT INTO social_crm_mention_rollup_moved (published_at)
               SELECT published_at FROM social_crm_mention
                WHERE id = ANY(%s) AND published_at IS NOT NULL""",
            [list(self.ids)],
        )

    @api.model
    def _rollup_zones(self):
        """UTC and the time zone of every active Social CRM user."""
        users = (
            self.env["res.users"]
            .sudo()
            .search([("groups_id", "in", self.env.ref("social_crm.group_user").id)])
        )
        return sorted({"UTC"} | {tz for tz in users.mapped("tz") if tz in pytz.all_timezones_set})

    @api.model
    def _cron_rollup_refresh(self):
        self._rollup_refresh()

    @api.model
    def _rollup_refresh(self, zones=None):
        """Bring the roll-up of each time zone up to date: built whole the first time, then
        only the days whose mentions changed since the last refresh.  Other roll-ups of the
        mentions (``_rollup_refresh_others``) are refreshed in the same run."""
        self.flush_model()
        cr = self.env.cr
        cr.execute("SELECT pg_advisory_xact_lock(hashtext('social_crm_mention_rollup'))")
        cr.execute("SET LOCAL jit = off")  # see _read_group
        cr.execute("SELECT now() AT TIME ZONE 'UTC'")
        now = cr.fetchone()[0]
        for tz in zones if zones is not None else self._rollup_zones():
            self._rollup_refresh_one(tz, tz, now, self._rollup_fill_report)
        self._rollup_refresh_others(now)
        cr.execute(
            SQL(
                """DELETE FROM social_crm_mention_rollup_moved
                    WHERE recorded_at < (SELECT min(refreshed_at)
                                           FROM social_crm_mention_rollup_state) - interval %s""",
                MARGIN,
            )
        )

    @api.model
    def _rollup_refresh_others(self, now):
        """Hook: refresh further roll-ups with ``_rollup_refresh_one``."""

    @api.model
    def _rollup_refresh_one(self, key, tz, now, fill):
        """Refresh one roll-up, its state kept under ``key``, its days local to ``tz``:
        ``fill(tz, source, dirty)`` removes the roll-up's rows of the days in ``dirty`` (SQL of
        the days, as ``_rollup_dirty_days`` gives them; None: every row) and inserts them again
        from ``source`` (SQL of the mentions of those days)."""
        cr = self.env.cr
        cr.execute("SELECT refreshed_at FROM social_crm_mention_rollup_state WHERE tz = %s", [key])
        row = cr.fetchone()
        if row:
            dirty = self._rollup_dirty_days(tz, row[0])
            source = SQL(
                """(WITH dirty AS (%s)
                    SELECT m.* FROM dirty CROSS JOIN LATERAL (
                        SELECT * FROM social_crm_mention
                         WHERE published_at >= dirty.lo AND published_at < dirty.hi
                        OFFSET 0) m)""",
                dirty,
            )
            fill(tz, source, dirty)
        else:
            fill(tz, SQL("social_crm_mention"), None)
        cr.execute(
            """INSERT INTO social_crm_mention_rollup_state (tz, refreshed_at) VALUES (%s, %s)
               ON CONFLICT (tz) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at""",
            [key, now],
        )

    @api.model
    def _rollup_clear(self, table, tz, dirty, tz_column=True):
        """Remove the rows of ``table`` for ``tz`` of the ``dirty`` days (None: all)."""
        where_tz = SQL("r.tz = %s", tz) if tz_column else SQL("TRUE")
        if dirty is None:
            self.env.cr.execute(SQL("DELETE FROM %s r WHERE %s", SQL.identifier(table), where_tz))
        else:
            self.env.cr.execute(
                SQL(
                    """WITH dirty AS (%s)
                       DELETE FROM %s r USING dirty WHERE %s AND r.day = dirty.day""",
                    dirty,
                    SQL.identifier(table),
                    where_tz,
                )
            )

    @api.model
    def _rollup_fill_report(self, tz, source, dirty):
        self._rollup_clear("social_crm_mention_rollup", tz, dirty)
        local_day = SQL(
            "(timezone(%s, timezone('UTC', m.published_at)))::date", tz
        )  # the day as the user sees it
        self.env.cr.execute(
            SQL(
                """INSERT INTO social_crm_mention_rollup
                          (tz, company_id, day, published_at, stage_id, sentiment,
                           mention_count, engagement, first_response_minutes,
                           answered_count)
                   SELECT %(tz)s, m.company_id, %(day)s,
                          timezone('UTC', timezone(%(tz)s, %(day)s::timestamp)),
                          m.stage_id, m.sentiment, count(*),
                          coalesce(sum(m.engagement), 0),
                          coalesce(sum(m.first_response_minutes), 0),
                          count(m.first_response_minutes)
                     FROM %(source)s m
                    WHERE m.published_at IS NOT NULL
                 GROUP BY m.company_id, %(day)s, m.stage_id, m.sentiment""",
                tz=tz,
                day=local_day,
                source=source,
            )
        )

    @api.model
    def _rollup_dirty_days(self, tz, refreshed_at):
        """SQL of the local days (day, lo, hi: its bounds in UTC) the roll-up of ``tz``
        refreshed at ``refreshed_at`` may have wrong."""
        since = SQL("(%s::timestamp - interval %s)", refreshed_at, MARGIN)
        return SQL(
            """SELECT d.day,
                      timezone('UTC', timezone(%(tz)s, d.day::timestamp)) AS lo,
                      timezone('UTC', timezone(%(tz)s, (d.day + 1)::timestamp)) AS hi
                 FROM (SELECT (timezone(%(tz)s, timezone('UTC', published_at)))::date AS day
                         FROM social_crm_mention
                        WHERE write_date >= %(since)s AND published_at IS NOT NULL
                        UNION
                       SELECT (timezone(%(tz)s, timezone('UTC', published_at)))::date
                         FROM social_crm_mention_rollup_moved
                        WHERE recorded_at >= %(since)s) d""",
            tz=tz,
            since=since,
        )

    # -- reading it -------------------------------------------------------------------------
    def _rollup_zone(self, domain, groupby, aggregates, having):
        """The time zone whose roll-up answers this read_group, or None."""
        if having or self.env.context.get("social_crm_no_rollup"):
            return None
        for spec in groupby:
            name, _sep, granularity = spec.partition(":")
            if name == ROLLUP_DATE:
                if granularity not in ROLLUP_GRANULARITIES:
                    return None
            elif name not in ROLLUP_FIELDS or granularity:
                return None
        if any(spec not in ROLLUP_AGGREGATES for spec in aggregates):
            return None
        rules = self.env["ir.rule"]._compute_domain(self._name, "read")
        for leaf in expression.normalize_domain(list(domain or [])) + list(rules or []):
            if isinstance(leaf, (list, tuple)) and not expression.is_leaf(leaf):
                return None
            if expression.is_leaf(leaf) and tuple(leaf) != expression.TRUE_LEAF:
                if str(leaf[0]).split(".")[0] not in ROLLUP_FIELDS:
                    return None
        tz = self.env.context.get("tz")
        tz = tz if tz in pytz.all_timezones_set else "UTC"
        self.env.cr.execute(
            "SELECT refreshed_at FROM social_crm_mention_rollup_state WHERE tz = %s", [tz]
        )
        row = self.env.cr.fetchone()
        return (tz, row[0]) if row else None

    def _read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        zone = self._rollup_zone(domain, groupby, aggregates, having)
        records = self
        if zone:
            records = self.with_context(social_crm_rollup=zone)
            # the planner can't know how few days changed: its estimate would have PostgreSQL
            # compile the query (JIT) for a second — far longer than the query itself
            self.env.cr.execute("SET LOCAL jit = off")
        return super(SocialCrmMention, records)._read_group(
            domain, groupby, aggregates, having, offset, limit, order
        )

    @property
    def _table_sql(self):
        zone = self.env.context.get("social_crm_rollup")
        if not zone:
            return super()._table_sql
        tz, refreshed_at = zone
        self.flush_model()
        return SQL(
            """(WITH dirty AS (%(dirty)s)
                SELECT r.company_id, r.published_at, r.stage_id, r.sentiment, r.mention_count,
                       r.engagement, r.first_response_minutes, r.answered_count
                  FROM social_crm_mention_rollup r
                 WHERE r.tz = %(tz)s AND NOT EXISTS (SELECT 1 FROM dirty WHERE dirty.day = r.day)
                 UNION ALL
                SELECT m.company_id, m.published_at, m.stage_id, m.sentiment, 1, m.engagement,
                       m.first_response_minutes, (m.first_response_minutes IS NOT NULL)::int
                  FROM dirty CROSS JOIN LATERAL (
                       SELECT * FROM social_crm_mention
                        WHERE published_at >= dirty.lo AND published_at < dirty.hi
                       OFFSET 0) m  -- OFFSET 0: an index range per changed day, never a scan
                 UNION ALL
                SELECT m.company_id, m.published_at, m.stage_id, m.sentiment, 1, m.engagement,
                       m.first_response_minutes, (m.first_response_minutes IS NOT NULL)::int
                  FROM social_crm_mention m WHERE m.published_at IS NULL)""",
            dirty=self._rollup_dirty_days(tz, refreshed_at),
            tz=tz,
        )

    def _read_group_select(self, aggregate_spec, query):
        if self.env.context.get("social_crm_rollup") and aggregate_spec in ROLLUP_AGGREGATES:
            table = SQL.identifier(self._table)
            template = ROLLUP_AGGREGATES[aggregate_spec]
            return SQL(template, *[table] * template.count("%s"))
        return super()._read_group_select(aggregate_spec, query)
