"""The quality figures of a period: the dashboard's data and the weekly digest's.

Every figure is one SQL aggregate over the period's mentions (``published_at`` range, its
index), never a row-by-row read: volume by sentiment, stage and platform, first-response
time (average, median, 90th percentile — answered mentions only), SLA compliance, review
ratings against target, reputation per brand, open alerts.  Duplicates (the same post from a
second source) are left out.

Per agent the figures group by ``user_id``; ``_response_by(field)`` groups by any stored
many2one of the mention, so a team (a stored ``team_id`` on the mention) is one more call.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from ..tools.quality import five_star_needed

OPEN_STATES = ("new", "in_progress", "waiting_expert")
MAX_PERIOD_DAYS = 366
# fields the per-group response figures may group by
RESPONSE_GROUPS = ("user_id", "team_id", "platform_id", "stage_id")


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
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY m.first_response_minutes),
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY m.first_response_minutes),
                       avg(m.first_response_in_sla),
                       count(*) FILTER (WHERE m.first_response_at IS NULL AND m.state IN %s
                                          AND m.sla_deadline < now() AT TIME ZONE 'UTC')
                  FROM social_crm_mention m
                 WHERE %s
                """,
                OPEN_STATES,
                OPEN_STATES,
                scope,
            )
        )
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
        stages = self.env["social_crm.stage"].search([])
        counts = dict(rows)
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
                  FROM social_crm_mention m WHERE %s GROUP BY 1 ORDER BY 2 DESC
                """,
                scope,
            )
        )
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
        comodel = mention_fields[field].comodel_name
        rows = self._fetch(
            SQL(
                """
                SELECT %s, count(*),
                       avg(m.first_response_minutes),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY m.first_response_minutes),
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY m.first_response_minutes),
                       avg(m.first_response_in_sla)
                  FROM social_crm_mention m
                 WHERE %s AND m.first_response_minutes IS NOT NULL
              GROUP BY 1 ORDER BY 2 DESC
                """,
                SQL.identifier("m", field),
                scope,
            )
        )
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
              GROUP BY 1 ORDER BY 3 DESC
                """,
                scope,
            )
        )
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

    def _reputation(self, company_ids, since, until):
        Brand = self.env["social_crm.brand"]
        brands = Brand.search([])
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
