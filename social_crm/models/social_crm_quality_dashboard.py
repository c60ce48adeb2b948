"""The quality figures of a period: the dashboard's data and the weekly digest's.

Every figure is one SQL aggregate over the period's mentions (``published_at`` range, its
index), never a row-by-row read: volume by sentiment, stage and platform, first-response
time (average, median, 90th percentile — answered mentions only; the median and 90th
percentile are of the times in whole minutes, ``response_minute``, the average is exact), SLA
compliance, review ratings against target, reputation per brand, open alerts.  Duplicates (the
same post from a second source) are left out.

Per agent the figures group by ``user_id``; ``_response_by(field)`` groups by any stored
many2one of the mention, so a team (a stored ``team_id`` on the mention) is one more call.

Once the quality roll-up exists (``social_crm_mention_quality_rollup.py``, refreshed by the
report roll-up's scheduled action), the same figures are read from it: its whole UTC days of
the period, and from the mentions themselves the period's partial first and last day and the
days changed since the refresh — the same figures as the scan's, to the last digit, in a few
thousand rows.  The context key ``social_crm_no_rollup`` forces the scan.
"""

import math
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..tools.quality import five_star_needed
from .social_crm_mention_quality_rollup import (
    GRAIN_PLATFORM,
    GRAIN_STAGE,
    GRAIN_TEAM,
    QUALITY_KEY,
    QUALITY_TZ,
    response_minute,
)

OPEN_STATES = ("new", "in_progress", "waiting_expert")
MAX_PERIOD_DAYS = 366
# fields the per-group response figures may group by
RESPONSE_GROUPS = ("user_id", "team_id", "platform_id", "stage_id")
# the sums of the quality roll-up (social_crm_mention_quality_rollup.py)
ROLLUP_MEASURES = (
    "mention_count",
    "negative_count",
    "responded_count",
    "answered_count",
    "minutes_sum",
    "sla_count",
    "sla_sum",
    "rated_count",
    "rating_sum",
)


class SocialCrmQualityDashboard(models.AbstractModel):
    _name = "social_crm.quality.dashboard"
    _description = "Social CRM Quality Figures"

    @api.model
    def get_quality_figures(self, days=30):
        """The dashboard's figures for the last ``days`` days, for the user's companies."""
        if not self.env.user.has_group("social_crm.group_user"):
            raise AccessError(self.env._("Only Social CRM users see the quality figures."))
        try:
            days = int(days)
        except (TypeError, ValueError):
            days = 30
        days = min(max(days, 1), MAX_PERIOD_DAYS)
        until = fields.Datetime.now()
        figures = self._figures(self.env.companies.ids, until - timedelta(days=days), until)
        figures["days"] = days
        return figures

    # -- the figures ------------------------------------------------------------------------
    @api.model
    def _figures(self, company_ids, since, until):
        self.env["social_crm.mention"].flush_model()
        period = self._rollup_period(company_ids, since, until)
        if period is not None:
            return self._figures_from_rollup(period)
        scope = SQL(
            "m.company_id IN %s AND m.published_at >= %s AND m.published_at < %s "
            "AND m.duplicate_of_id IS NULL",
            tuple(company_ids) or (0,),
            since,
            until,
        )
        return {
            "since": fields.Datetime.to_string(since),
            "until": fields.Datetime.to_string(until),
            "totals": self._totals(scope),
            "by_sentiment": self._by_sentiment(scope),
            "by_stage": self._by_stage(scope),
            "by_platform": self._by_platform(scope),
            "agents": self._response_by("user_id", scope),
            "teams": self._response_by("team_id", scope),
            "ratings": self._ratings(scope),
            "reputation": self._reputation(company_ids, since, until),
            "alerts": self._alerts(company_ids),
        }

    def _fetch(self, query):
        self.env.cr.execute(query)
        return self.env.cr.fetchall()

    @staticmethod
    def _round(value, digits=1):
        return round(float(value), digits) if value is not None else None

    def _totals(self, scope):
        ((total, open_, negative, answered, avg, med, p90, sla, overdue),) = self._fetch(
            SQL(
                """
                SELECT count(*),
                       count(*) FILTER (WHERE m.state IN %s),
                       count(*) FILTER (WHERE m.sentiment = 'negative'),
                       count(m.first_response_minutes),
                       avg(m.first_response_minutes),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY %s),
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY %s),
                       avg(m.first_response_in_sla),
                       count(*) FILTER (WHERE m.first_response_at IS NULL AND m.state IN %s
                                          AND m.sla_deadline < now() AT TIME ZONE 'UTC')
                  FROM social_crm_mention m
                 WHERE %s
                """,
                OPEN_STATES,
                response_minute(SQL("m.first_response_minutes")),
                response_minute(SQL("m.first_response_minutes")),
                OPEN_STATES,
                scope,
            )
        )
        return self._totals_line(total, open_, negative, answered, avg, med, p90, sla, overdue)

    def _totals_line(self, total, open_, negative, answered, avg, med, p90, sla, overdue):
        return {
            "mentions": total,
            "open": open_,
            "negative": negative,
            "negative_share": self._round(100.0 * negative / total) if total else None,
            "answered": answered,
            "response_avg": self._round(avg),
            "response_median": self._round(med),
            "response_p90": self._round(p90),
            "sla_compliance": self._round(sla),
            "overdue": overdue,
        }

    def _by_sentiment(self, scope):
        counts = dict(
            self._fetch(
                SQL(
                    "SELECT m.sentiment, count(*) FROM social_crm_mention m WHERE %s GROUP BY 1",
                    scope,
                )
            )
        )
        return self._sentiment_lines(counts)

    def _sentiment_lines(self, counts):
        labels = dict(
            self.env["social_crm.mention"]._fields["sentiment"]._description_selection(self.env)
        )
        return [
            {"key": key, "label": labels[key], "count": counts.get(key, 0)}
            for key in ("negative", "neutral", "positive")
        ]

    def _named(self, model, ids):
        records = self.env[model].browse([i for i in ids if i]).exists()
        return {record.id: record.display_name for record in records}

    def _by_stage(self, scope):
        rows = self._fetch(
            SQL(
                """
                SELECT m.stage_id, count(*) FROM social_crm_mention m
                 WHERE %s GROUP BY 1
                """,
                scope,
            )
        )
        return self._stage_lines(dict(rows))

    def _stage_lines(self, counts):
        stages = self.env["social_crm.stage"].search([])
        result = [
            {"id": stage.id, "name": stage.display_name, "count": counts.get(stage.id, 0)}
            for stage in stages
        ]
        if counts.get(None):
            result.append({"id": False, "name": self.env._("No stage"), "count": counts[None]})
        return result

    def _by_platform(self, scope):
        rows = self._fetch(
            SQL(
                """
                SELECT m.platform_id, count(*),
                       count(*) FILTER (WHERE m.sentiment = 'negative')
                  FROM social_crm_mention m WHERE %s GROUP BY 1 ORDER BY 2 DESC, 1
                """,
                scope,
            )
        )
        return self._platform_lines(rows)

    def _platform_lines(self, rows):
        """``rows``: (platform id, mentions, negative mentions), most mentions first."""
        names = self._named("social_crm.platform", [r[0] for r in rows])
        return [
            {
                "id": platform,
                "name": names.get(platform, ""),
                "count": count,
                "negative_share": self._round(100.0 * negative / count) if count else None,
            }
            for platform, count, negative in rows
        ]

    def _response_by(self, field, scope):
        """First-response figures per value of the mention's stored many2one ``field``
        (answered mentions only): count, average, median, 90th percentile, SLA met."""
        mention_fields = self.env["social_crm.mention"]._fields
        if field not in RESPONSE_GROUPS or field not in mention_fields:
            return []
        rows = self._fetch(
            SQL(
                """
                SELECT %(key)s, count(*),
                       avg(m.first_response_minutes),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY %(minute)s),
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY %(minute)s),
                       avg(m.first_response_in_sla)
                  FROM social_crm_mention m
                 WHERE %(scope)s AND m.first_response_minutes IS NOT NULL
              GROUP BY 1 ORDER BY 2 DESC, 1
                """,
                key=SQL.identifier("m", field),
                minute=response_minute(SQL("m.first_response_minutes")),
                scope=scope,
            )
        )
        return self._response_lines(field, rows)

    def _response_lines(self, field, rows):
        """``rows``: (key, answered, average, median, 90th percentile, SLA met), most answered
        first."""
        comodel = self.env["social_crm.mention"]._fields[field].comodel_name
        names = self._named(comodel, [r[0] for r in rows])
        nobody = self.env._("No team") if field == "team_id" else self.env._("Nobody")
        return [
            {
                "id": key or False,
                "name": names.get(key, nobody),
                "answered": count,
                "response_avg": self._round(avg),
                "response_median": self._round(med),
                "response_p90": self._round(p90),
                "sla_compliance": self._round(sla),
            }
            for key, count, avg, med, p90, sla in rows
        ]

    def _ratings(self, scope):
        """Per review platform: reviews, rated reviews, average stars, target, the 5-star
        reviews needed to reach it, unanswered reviews."""
        rows = self._fetch(
            SQL(
                """
                SELECT m.platform_id, max(p.rating_target), count(*),
                       count(m.rating) FILTER (WHERE m.rating > 0),
                       COALESCE(sum(m.rating) FILTER (WHERE m.rating > 0), 0),
                       count(*) FILTER (WHERE m.first_response_at IS NULL)
                  FROM social_crm_mention m
                  JOIN social_crm_platform p ON p.id = m.platform_id
                 WHERE %s AND p.kind = 'review'
                   AND m.removal_state IS DISTINCT FROM 'removed'
              GROUP BY 1 ORDER BY 3 DESC, 1
                """,
                scope,
            )
        )
        return self._rating_lines(rows)

    def _rating_lines(self, rows):
        """``rows``: (platform id, target, reviews, rated, summed stars, unanswered), most
        reviews first."""
        names = self._named("social_crm.platform", [r[0] for r in rows])
        result = []
        for platform, target, reviews, rated, stars, unanswered in rows:
            target = target or 4.0
            result.append(
                {
                    "id": platform,
                    "name": names.get(platform, ""),
                    "reviews": reviews,
                    "rated": rated,
                    "average": self._round(stars / rated, 2) if rated else None,
                    "target": target,
                    "needed": five_star_needed(float(stars), rated, target),
                    "unanswered": unanswered,
                }
            )
        return result

    def _reputation(self, company_ids, since, until, counts=None):
        """Per brand, ours and competitors': community audience, mentions naming it and their
        negative share; ``counts`` ({brand id: (mentions, negative)}) read from the mentions
        unless given."""
        Brand = self.env["social_crm.brand"]
        brands = Brand.search([])
        if counts is None:
            counts = Brand._reputation_counts(brands.ids, since, company_ids, until=until)
        rows = []
        for brand in brands:
            total, negative = counts.get(brand.id, (0, 0))
            rows.append(
                {
                    "id": brand.id,
                    "name": brand.display_name,
                    "is_competitor": brand.is_competitor,
                    "audience": brand.community_audience,
                    "mentions": total,
                    "negative_share": self._round(100.0 * negative / total) if total else None,
                }
            )
        sides = {}
        for is_competitor in (False, True):
            side = [r for r in rows if r["is_competitor"] == is_competitor]
            mentions = sum(r["mentions"] for r in side)
            negative = sum(counts.get(r["id"], (0, 0))[1] for r in side)
            sides["competitors" if is_competitor else "ours"] = {
                "audience": sum(r["audience"] for r in side),
                "mentions": mentions,
                "negative_share": self._round(100.0 * negative / mentions) if mentions else None,
            }
        return {"brands": rows, **sides}

    # -- the same figures from the quality roll-up -------------------------------------------
    @api.model
    def _rollup_period(self, company_ids, since, until):
        """How the roll-up answers the period, or None (no roll-up yet, or a scan asked for):
        its whole UTC days not changed since the refresh, and the time ranges read from the
        mentions themselves (the partial first and last day, the changed days)."""
        if self.env.context.get("social_crm_no_rollup"):
            return None
        cr = self.env.cr
        cr.execute(
            "SELECT refreshed_at FROM social_crm_mention_rollup_state WHERE tz = %s",
            [QUALITY_KEY],
        )
        row = cr.fetchone()
        if not row:
            return None
        # the planner can't know how few days changed: no JIT compilation (see the report
        # roll-up's _read_group)
        cr.execute("SET LOCAL jit = off")
        first = since.date() if since.time() == time.min else since.date() + timedelta(days=1)
        last = until.date()  # the whole days are [first, last)
        if last < first:
            first = last = None
        ranges = []
        dirty = []
        if first is None:
            ranges.append((since, until))
        else:
            Mention = self.env["social_crm.mention"]
            cr.execute(
                SQL(
                    "SELECT day FROM (%s) d WHERE day >= %s AND day < %s ORDER BY 1",
                    Mention._rollup_dirty_days(QUALITY_TZ, row[0]),
                    first,
                    last,
                )
            )
            dirty = [day for (day,) in cr.fetchall()]
            start, end = datetime.combine(first, time.min), datetime.combine(last, time.min)
            ranges += [(since, start), (end, until)]
            ranges += [
                (datetime.combine(day, time.min), datetime.combine(day, time.min) + timedelta(1))
                for day in dirty
            ]
        ranges = [(lo, hi) for lo, hi in ranges if lo < hi]
        companies = tuple(company_ids) or (0,)
        # the roll-up's rows of the whole unchanged days, and the mentions of the other ranges
        days = SQL(
            "r.company_id IN %s AND r.day >= %s AND r.day < %s AND r.day <> ALL(%s::date[])",
            companies,
            first or since.date(),
            last or since.date(),
            dirty,
        )
        live = SQL(
            """(SELECT m.* FROM unnest(%s::timestamp[], %s::timestamp[]) AS rg(lo, hi)
                 CROSS JOIN LATERAL (
                       SELECT * FROM social_crm_mention
                        WHERE published_at >= rg.lo AND published_at < rg.hi
                       OFFSET 0) m  -- an index range per range, never a scan
                WHERE m.company_id IN %s AND m.duplicate_of_id IS NULL)""",
            [lo for lo, _hi in ranges],
            [hi for _lo, hi in ranges],
            companies,
        )
        scope = SQL(
            "m.company_id IN %s AND m.published_at >= %s AND m.published_at < %s "
            "AND m.duplicate_of_id IS NULL",
            companies,
            since,
            until,
        )
        # the days of the roll-up outside the period (or changed since): the histogram's sum
        # over every day less these is the period's, and fewer rows when the period is long
        outside = SQL(
            "r.company_id IN %s AND (r.day < %s OR r.day >= %s OR r.day = ANY(%s::date[]))",
            companies,
            first or since.date(),
            last or since.date(),
            dirty,
        )
        cr.execute(
            SQL(
                """SELECT min(day), max(day) FROM social_crm_mention_response_histogram r
                    WHERE r.company_id IN %s""",
                companies,
            )
        )
        low, high = cr.fetchone()
        whole = (last - first).days - len(dirty) if first else 0
        around = 0
        if low and first:
            around = max(0, (first - low).days) + max(0, (high - last).days + 1) + len(dirty)
        return {
            "company_ids": list(company_ids),
            "since": since,
            "until": until,
            "days": days,
            "outside": outside if low and around < whole else None,
            "live": live,
            "scope": scope,
        }

    def _figures_from_rollup(self, period):
        facts = {}
        for grain in (GRAIN_PLATFORM, GRAIN_STAGE, GRAIN_TEAM):
            facts[grain] = self._rollup_facts(period, grain)
        percentiles = self._rollup_percentiles(period)
        open_, overdue = self._rollup_open(period)

        # totals, sentiment, platforms and ratings: platform × sentiment × removed
        total = negative = answered = sla_count = 0
        minutes = sla_sum = 0
        by_sentiment, by_platform = {}, {}
        for row in facts[GRAIN_PLATFORM]:
            total += row["mention_count"]
            negative += row["negative_count"]
            answered += row["answered_count"]
            minutes += row["minutes_sum"]
            sla_count += row["sla_count"]
            sla_sum += row["sla_sum"]
            key = row["sentiment"]
            by_sentiment[key] = by_sentiment.get(key, 0) + row["mention_count"]
            line = by_platform.setdefault(row["platform_id"], [row["platform_id"], 0, 0])
            line[1] += row["mention_count"]
            line[2] += row["negative_count"]
        med, p90 = percentiles.get((None, None), (None, None))
        totals = self._totals_line(
            total,
            open_,
            negative,
            answered,
            minutes / answered if answered else None,
            med,
            p90,
            sla_sum / sla_count if sla_count else None,
            overdue,
        )
        platforms = sorted(
            by_platform.values(), key=lambda line: (-line[1], line[0] is None, line[0] or 0)
        )
        stages = {}
        for row in facts[GRAIN_STAGE]:
            stages[row["stage_id"]] = stages.get(row["stage_id"], 0) + row["mention_count"]
        return {
            "since": fields.Datetime.to_string(period["since"]),
            "until": fields.Datetime.to_string(period["until"]),
            "totals": totals,
            "by_sentiment": self._sentiment_lines(by_sentiment),
            "by_stage": self._stage_lines(stages),
            "by_platform": self._platform_lines([tuple(line) for line in platforms]),
            "agents": self._rollup_response_by("user_id", facts[GRAIN_TEAM], percentiles),
            "teams": self._rollup_response_by("team_id", facts[GRAIN_TEAM], percentiles),
            "ratings": self._rollup_ratings(facts[GRAIN_PLATFORM]),
            "reputation": self._reputation(
                period["company_ids"],
                period["since"],
                period["until"],
                counts=self._rollup_brand_counts(period),
            ),
            "alerts": self._alerts(period["company_ids"]),
        }

    def _rollup_facts(self, period, grain):
        """The period's sums per group of ``grain``: the roll-up's rows of its whole days and
        the mentions of the rest, added up per group."""
        keys = {
            GRAIN_PLATFORM: ("platform_id", "sentiment", "removed"),
            GRAIN_STAGE: ("stage_id",),
            GRAIN_TEAM: ("team_id", "user_id"),
        }[grain]
        live_keys = {
            "platform_id": SQL("m.platform_id"),
            "sentiment": SQL("m.sentiment"),
            "removed": SQL("m.removal_state IS NOT DISTINCT FROM 'removed'"),
            "stage_id": SQL("m.stage_id"),
            "team_id": SQL("m.team_id"),
            "user_id": SQL("m.user_id"),
        }
        live_measures = SQL(
            """1, (m.sentiment = 'negative')::int, (m.first_response_at IS NOT NULL)::int,
               (m.first_response_minutes IS NOT NULL)::int,
               coalesce(m.first_response_minutes, 0),
               (m.first_response_in_sla IS NOT NULL)::int,
               coalesce(m.first_response_in_sla, 0),
               CASE WHEN m.rating > 0 THEN 1 ELSE 0 END,
               CASE WHEN m.rating > 0 THEN m.rating ELSE 0 END"""
        )
        measures = ROLLUP_MEASURES
        query = SQL(
            """SELECT %(keys)s, %(sums)s
                 FROM (SELECT %(rkeys)s, %(rmeasures)s
                         FROM social_crm_mention_quality_rollup r
                        WHERE %(days)s AND r.grain = %(grain)s
                        UNION ALL
                       SELECT %(lkeys)s, %(lmeasures)s FROM %(live)s m) f
             GROUP BY %(keys)s""",
            keys=SQL(", ").join(SQL.identifier(key) for key in keys),
            sums=SQL(", ").join(SQL("sum(%s)", SQL.identifier(name)) for name in measures),
            rkeys=SQL(", ").join(SQL.identifier("r", key) for key in keys),
            rmeasures=SQL(", ").join(SQL.identifier("r", name) for name in measures),
            days=period["days"],
            grain=grain,
            lkeys=SQL(", ").join(
                SQL("%s AS %s", live_keys[key], SQL.identifier(key)) for key in keys
            ),
            lmeasures=live_measures,
            live=period["live"],
        )
        return [dict(zip(keys + measures, row, strict=True)) for row in self._fetch(query)]

    def _rollup_percentiles(self, period):
        """{(team key, agent key): (median, 90th percentile)} of the first-response times in
        whole minutes (``response_minute``) of the period's answered mentions, as
        PostgreSQL's ``percentile_cont`` gives them:
        (None, None) for all of them, (team, None) per team, (None, agent) per agent (a key
        False for "no team" / "nobody").  The histogram gives each group's count and the two
        values around each percentile; the interpolation is percentile_cont's own (which
        orders the values as float8, as here)."""
        fractions = (0.5, 0.9)
        if period["outside"] is None:
            rolled_up = SQL(
                """SELECT r.team_id, r.user_id, r.minutes::float8 AS v, r.mention_count
                     FROM social_crm_mention_response_histogram r WHERE %s""",
                period["days"],
            )
        else:  # the sum over every day less the days outside the period
            rolled_up = SQL(
                """SELECT r.team_id, r.user_id, r.minutes::float8 AS v, r.mention_count
                     FROM social_crm_mention_response_histogram_all r WHERE r.company_id IN %s
                    UNION ALL
                   SELECT r.team_id, r.user_id, r.minutes::float8, -r.mention_count
                     FROM social_crm_mention_response_histogram r WHERE %s""",
                tuple(period["company_ids"]) or (0,),
                period["outside"],
            )
        # in memory: the sort of a long period's histogram would spill to disk otherwise
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")
        bounds = SQL(", ").join(
            SQL(
                "min(v) FILTER (WHERE cum > floor(%s::float8 * (total - 1)::float8)), "
                "min(v) FILTER (WHERE cum > ceil(%s::float8 * (total - 1)::float8))",
                fraction,
                fraction,
            )
            for fraction in fractions
        )
        rows = self._fetch(
            SQL(
                """WITH h AS (
                        %(rolled_up)s
                         UNION ALL
                        SELECT m.team_id, m.user_id, %(minute)s::float8, 1
                          FROM %(live)s m WHERE m.first_response_minutes IS NOT NULL
                   ), g AS (
                        SELECT GROUPING(team_id, user_id) AS kind, team_id, user_id, v,
                               sum(mention_count)::int AS n
                          FROM h
                      GROUP BY GROUPING SETS ((v), (team_id, v), (user_id, v))
                   ), c AS (
                        SELECT kind, team_id, user_id, v,
                               sum(n) OVER (PARTITION BY kind, team_id, user_id
                                            ORDER BY v) AS cum,
                               sum(n) OVER (PARTITION BY kind, team_id, user_id) AS total
                          FROM g WHERE n > 0
                   )
                   SELECT kind, team_id, user_id, total, %(bounds)s
                     FROM c GROUP BY kind, team_id, user_id, total""",
                rolled_up=rolled_up,
                live=period["live"],
                minute=response_minute(SQL("m.first_response_minutes")),
                bounds=bounds,
            )
        )
        result = {}
        for kind, team, user, total, *values in rows:
            # GROUPING(team_id, user_id): 3 both rolled up, 1 per team, 2 per agent
            key = {3: (None, None), 1: (team or False, None), 2: (None, user or False)}[kind]
            position = [fraction * (int(total) - 1) for fraction in fractions]
            result[key] = tuple(
                self._interpolate(values[2 * i], values[2 * i + 1], position[i])
                for i in range(len(fractions))
            )
        return result

    @staticmethod
    def _interpolate(low, high, position):
        """percentile_cont's interpolation between the values at floor and ceil of
        ``position`` (the same float operations, so the same digits)."""
        if low is None:
            return None
        first = math.floor(position)
        if first == math.ceil(position):
            return low
        return low + ((position - first) * (high - low))

    def _rollup_response_by(self, field, rows, percentiles):
        sums = {}
        for row in rows:
            key = row[field]
            line = sums.setdefault(key, [0, 0, 0, 0])
            line[0] += row["answered_count"]
            line[1] += row["minutes_sum"]
            line[2] += row["sla_count"]
            line[3] += row["sla_sum"]
        lines = []
        for key, (answered, minutes, sla_count, sla_sum) in sums.items():
            if not answered:
                continue
            pkey = (key or False, None) if field == "team_id" else (None, key or False)
            med, p90 = percentiles.get(pkey, (None, None))
            sla = sla_sum / sla_count if sla_count else None
            lines.append((key, answered, minutes / answered, med, p90, sla))
        lines.sort(key=lambda line: (-line[1], line[0] is None, line[0] or 0))
        return self._response_lines(field, lines)

    def _rollup_ratings(self, rows):
        platforms = (
            self.env["social_crm.platform"]
            .with_context(active_test=False)
            .search([("kind", "=", "review")])
        )
        targets = {platform.id: platform.rating_target for platform in platforms}
        sums = {}
        for row in rows:
            if row["platform_id"] not in targets or row["removed"]:
                continue
            line = sums.setdefault(row["platform_id"], [0, 0, 0.0, 0])
            line[0] += row["mention_count"]
            line[1] += row["rated_count"]
            line[2] += row["rating_sum"]
            line[3] += row["mention_count"] - row["responded_count"]
        lines = [
            (platform, targets[platform], reviews, rated, stars, unanswered)
            for platform, (reviews, rated, stars, unanswered) in sums.items()
        ]
        lines.sort(key=lambda line: (-line[2], line[0]))
        return self._rating_lines(lines)

    def _rollup_brand_counts(self, period):
        brands = self.env["social_crm.brand"].search([])
        if not brands:
            return {}
        rows = self._fetch(
            SQL(
                """SELECT brand_id, sum(mention_count), sum(negative_count)
                     FROM (SELECT r.brand_id, r.mention_count, r.negative_count
                             FROM social_crm_mention_brand_rollup r
                            WHERE %(days)s AND r.brand_id IN %(brands)s
                            UNION ALL
                           SELECT b.brand_id, 1, (m.sentiment = 'negative')::int
                             FROM %(live)s m
                            -- each live mention's brands by the relations' keys: a join
                            -- of both whole tables took 0.3 s at a million mentions
                            CROSS JOIN LATERAL (
                                  SELECT brand_id FROM social_crm_mention_brand_rel
                                   WHERE mention_id = m.id
                                  UNION ALL
                                  SELECT brand_id FROM social_crm_mention_competitor_rel
                                   WHERE mention_id = m.id) b
                            WHERE b.brand_id IN %(brands)s) f
                 GROUP BY 1""",
                days=period["days"],
                live=period["live"],
                brands=tuple(brands.ids),
            )
        )
        return {brand: (int(total), int(negative)) for brand, total, negative in rows}

    def _rollup_open(self, period):
        """The period's open mentions and the overdue among them (unanswered past their
        deadline now), from the partial index of open mentions."""
        ((open_, overdue),) = self._fetch(
            SQL(
                """SELECT count(*),
                          count(*) FILTER (WHERE m.first_response_at IS NULL
                                             AND m.sla_deadline < now() AT TIME ZONE 'UTC')
                     FROM social_crm_mention m
                    WHERE m.state IN %s AND %s""",
                OPEN_STATES,
                period["scope"],
            )
        )
        return open_, overdue

    def _alerts(self, company_ids):
        Alert = self.env["social_crm.alert"]
        domain = [("company_id", "in", company_ids), ("state", "=", "new")]
        alerts = Alert.search(domain, limit=5)
        return {
            "open": Alert.search_count(domain),
            "latest": [{"id": a.id, "name": a.display_name} for a in alerts],
        }

    # -- weekly digest --------------------------------------------------------------------
    @api.model
    def _digest_recipients(self):
        group = self.env.ref("social_crm.group_manager")
        root = self.env.ref("base.user_root")
        return group.users.filtered(lambda u: u.active and not u.share and u != root and u.email)

    @api.model
    def _cron_send_weekly_digest(self):
        """Scheduled action: each Social CRM administrator gets last week's figures for
        their companies, rendered in their language."""
        template = self.env.ref("social_crm.mail_template_weekly_digest")
        until = fields.Datetime.now()
        since = until - timedelta(days=7)
        mails = self.env["mail.mail"]
        for user in self._digest_recipients():
            figures = self._figures(user.company_ids.ids, since, until)
            digest = self.with_context(lang=user.lang)._digest_values(figures, since, until)
            mail_id = template.with_context(digest=digest).send_mail(user.id)
            mails |= self.env["mail.mail"].sudo().browse(mail_id)
        return mails

    @api.model
    def _digest_values(self, figures, since, until):
        """The figures as text for the digest, numbers formatted in the context's language
        (decimal comma in Russian)."""
        env = self.env

        def number(value, digits=1):
            return formatLang(env, value, digits=digits) if value is not None else ""

        totals = figures["totals"]
        lang = env["res.lang"]._get_data(code=env.lang or "en_US")
        date_format = lang.date_format or "%m/%d/%Y"
        period = "%s – %s" % (
            fields.Date.to_date(since).strftime(date_format),
            fields.Date.to_date(until - timedelta(seconds=1)).strftime(date_format),
        )
        return {
            "period": period,
            "mentions": number(totals["mentions"], 0),
            "negative_share": number(totals["negative_share"]),
            "answered": number(totals["answered"], 0),
            "response_median": number(totals["response_median"]),
            "response_p90": number(totals["response_p90"]),
            "sla_compliance": number(totals["sla_compliance"]),
            "alerts": number(figures["alerts"]["open"], 0),
            "ratings": [
                dict(
                    line,
                    average=number(line["average"], 2),
                    target=number(line["target"]),
                    needed=line["needed"] if line["needed"] is not None else "—",
                )
                for line in figures["ratings"]
            ],
            **{
                key: [
                    dict(
                        line,
                        response_median=number(line["response_median"]),
                        response_p90=number(line["response_p90"]),
                        sla_compliance=number(line["sla_compliance"]),
                    )
                    for line in figures[key]
                ]
                for key in ("agents", "teams")
            },
            "reputation": [
                dict(
                    line,
                    audience=number(line["audience"], 0),
                    negative_share=number(line["negative_share"]),
                )
                for line in figures["reputation"]["brands"]
            ],
            "url": f"{self.get_base_url()}/odoo/action-social_crm.social_crm_quality_dashboard_action",
        }
