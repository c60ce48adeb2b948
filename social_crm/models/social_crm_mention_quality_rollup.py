"""The quality dashboard's roll-up: its figures per UTC day, so a period's figures read a few
thousand rows instead of every mention of the period.

Three tables, kept by the report roll-up's machinery (``social_crm_mention_rollup.py``: the
same scheduled action, the days whose mentions changed since the last refresh rebuilt, and
read from the mentions themselves until then), all per company and UTC day, duplicates left
out:

- ``social_crm_mention_quality_rollup``: counts (mentions, negative, responded, answered,
  rated), summed first-response minutes, SLA met and stars, grouped three ways (``grain``):
  1 platform × sentiment × removed review, 2 stage, 3 team × agent;
- ``social_crm_mention_response_histogram``: how many answered mentions took each
  first-response time in whole minutes (``response_minute``: rounded, half up), per team and
  agent — the dashboard's median and 90th percentile are of these whole minutes, read from it
  exactly as ``percentile_cont`` reads the mentions' rounded minutes in a scan; averages stay
  exact (the roll-up sums the exact minutes) — and
  ``social_crm_mention_response_histogram_all``, its sum over every day: a period longer than
  the days outside it reads the whole sum less those days;
- ``social_crm_mention_brand_rollup``: mentions and negative mentions naming each brand, ours
  or a competitor.

What can't be rolled up by day — open mentions, and the overdue ones among them (a moment
that passes, not a change) — is read through a partial index of the open mentions, a small
set.
"""

from odoo import api, models
from odoo.tools import SQL

# the roll-up's state row (social_crm_mention_rollup_state) and the zone of its days
QUALITY_KEY = "quality:UTC"
QUALITY_TZ = "UTC"
GRAIN_PLATFORM, GRAIN_STAGE, GRAIN_TEAM = 1, 2, 3


def response_minute(minutes):
    """SQL: a first-response time (``first_response_minutes``, numeric to a tenth) in whole
    minutes, half up — what the median and 90th percentile are of, in the histogram and in a
    scan alike.  Exact times (0–600 min to a tenth) hardly repeat, so a histogram of them is
    about one row per answer; in whole minutes an agent has a few hundred values at most."""
    return SQL("round(%s)", minutes)


QUALITY_TABLES = (
    "social_crm_mention_quality_rollup",
    "social_crm_mention_response_histogram",
    "social_crm_mention_brand_rollup",
)


class SocialCrmMention(models.Model):
    _inherit = "social_crm.mention"  # pylint: disable=consider-merging-classes-inherited
    # a feature layer of the model in its own file (README, Architecture)

    def init(self):
        result = super().init()
        cr = self.env.cr
        cr.execute("""
            CREATE TABLE IF NOT EXISTS social_crm_mention_quality_rollup (
                company_id integer NOT NULL,
                day date NOT NULL,
                grain smallint NOT NULL,
                platform_id integer,
                sentiment varchar,
                removed boolean,
                stage_id integer,
                team_id integer,
                user_id integer,
                mention_count integer NOT NULL,
                negative_count integer NOT NULL,
                responded_count integer NOT NULL,
                answered_count integer NOT NULL,
                minutes_sum numeric NOT NULL,
                sla_count integer NOT NULL,
                sla_sum numeric NOT NULL,
                rated_count integer NOT NULL,
                rating_sum double precision NOT NULL
            )""")
        cr.execute("""
            CREATE TABLE IF NOT EXISTS social_crm_mention_response_histogram (
                company_id integer NOT NULL,
                day date NOT NULL,
                team_id integer,
                user_id integer,
                minutes numeric NOT NULL,
                mention_count integer NOT NULL
            )""")
        cr.execute("""
            CREATE TABLE IF NOT EXISTS social_crm_mention_brand_rollup (
                company_id integer NOT NULL,
                day date NOT NULL,
                brand_id integer NOT NULL,
                mention_count integer NOT NULL,
                negative_count integer NOT NULL
            )""")
        cr.execute("""
            CREATE TABLE IF NOT EXISTS social_crm_mention_response_histogram_all (
                company_id integer NOT NULL,
                team_id integer,
                user_id integer,
                minutes numeric NOT NULL,
                mention_count integer NOT NULL
            )""")
        cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS social_crm_mention_response_histogram_all_key
                ON social_crm_mention_response_histogram_all
                   (company_id, (coalesce(team_id, 0)), (coalesce(user_id, 0)), minutes)""")
        self._rollup_histogram_whole_minutes()
        for table in QUALITY_TABLES:
            cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s (day, company_id)",
                    SQL.identifier(f"{table}_day"),
                    SQL.identifier(table),
                )
            )
        # the dashboard's open and overdue mentions of a period, from the index alone
        cr.execute("""
            CREATE INDEX IF NOT EXISTS social_crm_mention_open_period_idx
                ON social_crm_mention (published_at)
                   INCLUDE (company_id, duplicate_of_id, first_response_at, sla_deadline)
             WHERE state IN ('new', 'in_progress', 'waiting_expert')""")
        return result

    def _rollup_histogram_whole_minutes(self):
        """A histogram kept before the median went to whole minutes holds exact times:
        regroup its rows by whole minute (the same counts, no mention read), then build its
        sum over every day again."""
        cr = self.env.cr
        cr.execute(
            """SELECT 1 FROM social_crm_mention_response_histogram_all
                WHERE minutes <> round(minutes) LIMIT 1"""
        )
        if not cr.fetchone():
            return
        cr.execute(
            SQL(
                """WITH exact AS (DELETE FROM social_crm_mention_response_histogram RETURNING *)
                   INSERT INTO social_crm_mention_response_histogram
                          (company_id, day, team_id, user_id, minutes, mention_count)
                   SELECT company_id, day, team_id, user_id, %s, sum(mention_count)
                     FROM exact
                 GROUP BY 1, 2, 3, 4, 5""",
                response_minute(SQL("minutes")),
            )
        )
        self._rollup_histogram_sum(None, -1)
        self._rollup_histogram_sum(None, 1)

    # -- keeping it -------------------------------------------------------------------------
    @api.model
    def _rollup_refresh_others(self, now):
        result = super()._rollup_refresh_others(now)
        self._rollup_refresh_one(QUALITY_KEY, QUALITY_TZ, now, self._rollup_fill_quality)
        return result

    @api.model
    def _rollup_fill_quality(self, tz, source, dirty):
        cr = self.env.cr
        # the changed days leave the histogram's sum, then come back as they are now
        self._rollup_histogram_sum(dirty, -1)
        for table in QUALITY_TABLES:
            self._rollup_clear(table, tz, dirty, tz_column=False)
        day = SQL("(timezone(%s, timezone('UTC', m.published_at)))::date", tz)
        mentions = SQL(
            """(SELECT m.* FROM %s m
                 WHERE m.published_at IS NOT NULL AND m.duplicate_of_id IS NULL)""",
            source,
        )
        cr.execute(
            SQL(
                """INSERT INTO social_crm_mention_quality_rollup
                          (company_id, day, grain, platform_id, sentiment, removed, stage_id,
                           team_id, user_id, mention_count, negative_count, responded_count,
                           answered_count, minutes_sum, sla_count, sla_sum, rated_count,
                           rating_sum)
                   SELECT m.company_id, %(day)s,
                          CASE WHEN GROUPING(m.platform_id) = 0 THEN %(platform)s
                               WHEN GROUPING(m.stage_id) = 0 THEN %(stage)s
                               ELSE %(team)s END,
                          m.platform_id, m.sentiment,
                          m.removal_state IS NOT DISTINCT FROM 'removed',
                          m.stage_id, m.team_id, m.user_id,
                          count(*),
                          count(*) FILTER (WHERE m.sentiment = 'negative'),
                          count(m.first_response_at),
                          count(m.first_response_minutes),
                          coalesce(sum(m.first_response_minutes), 0),
                          count(m.first_response_in_sla),
                          coalesce(sum(m.first_response_in_sla), 0),
                          count(*) FILTER (WHERE m.rating > 0),
                          coalesce(sum(m.rating) FILTER (WHERE m.rating > 0), 0)
                     FROM %(mentions)s m
                 GROUP BY m.company_id, %(day)s,
                          GROUPING SETS (
                              (m.platform_id, m.sentiment,
                               m.removal_state IS NOT DISTINCT FROM 'removed'),
                              (m.stage_id),
                              (m.team_id, m.user_id))""",
                day=day,
                mentions=mentions,
                platform=GRAIN_PLATFORM,
                stage=GRAIN_STAGE,
                team=GRAIN_TEAM,
            )
        )
        cr.execute(
            SQL(
                """INSERT INTO social_crm_mention_response_histogram
                          (company_id, day, team_id, user_id, minutes, mention_count)
                   SELECT m.company_id, %(day)s, m.team_id, m.user_id, %(minute)s, count(*)
                     FROM %(mentions)s m
                    WHERE m.first_response_minutes IS NOT NULL
                 GROUP BY 1, 2, 3, 4, 5""",
                day=day,
                mentions=mentions,
                minute=response_minute(SQL("m.first_response_minutes")),
            )
        )
        cr.execute(
            SQL(
                """INSERT INTO social_crm_mention_brand_rollup
                          (company_id, day, brand_id, mention_count, negative_count)
                   SELECT m.company_id, %(day)s, b.brand_id, count(*),
                          count(*) FILTER (WHERE m.sentiment = 'negative')
                     FROM %(mentions)s m
                     JOIN (SELECT mention_id, brand_id FROM social_crm_mention_brand_rel
                           UNION ALL
                           SELECT mention_id, brand_id FROM social_crm_mention_competitor_rel) b
                       ON b.mention_id = m.id
                 GROUP BY 1, 2, 3""",
                day=day,
                mentions=mentions,
            )
        )
        self._rollup_histogram_sum(dirty, 1)

    @api.model
    def _rollup_histogram_sum(self, dirty, sign):
        """Add (``sign`` 1) or take away (-1) the histogram rows of the ``dirty`` days (SQL
        of the days; None: every day, the sum built afresh) to or from its sum over every
        day."""
        cr = self.env.cr
        if dirty is None:
            if sign < 0:
                cr.execute("DELETE FROM social_crm_mention_response_histogram_all")
                return
            days = SQL("TRUE")
        else:
            days = SQL("h.day IN (SELECT day FROM (%s) dirty)", dirty)
        cr.execute(
            SQL(
                """INSERT INTO social_crm_mention_response_histogram_all AS a
                          (company_id, team_id, user_id, minutes, mention_count)
                   SELECT h.company_id, h.team_id, h.user_id, h.minutes,
                          %(sign)s * sum(h.mention_count)
                     FROM social_crm_mention_response_histogram h
                    WHERE %(days)s
                 GROUP BY 1, 2, 3, 4
              ON CONFLICT (company_id, (coalesce(team_id, 0)), (coalesce(user_id, 0)), minutes)
                 DO UPDATE SET mention_count = a.mention_count + EXCLUDED.mention_count""",
                sign=sign,
                days=days,
            )
        )
        cr.execute("DELETE FROM social_crm_mention_response_histogram_all WHERE mention_count = 0")
