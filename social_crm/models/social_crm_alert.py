"""Alerts for quality managers: a spike of negative mentions, a possible attack.

Found by a scheduled action (``_cron_detect_alerts``), set-wise: one grouped query per
company and window length reads every brand × platform count of the window and of the same
window in the previous weeks; the arithmetic is ``tools/quality.py``.

* **spike** — per brand and platform, the negative mentions of the current clock hour (or
  day, UTC) against the same hour (day) of the previous ``weeks`` weeks: a spike when the
  count is at least ``min count`` and its robust z-score, (count − median) /
  max(1.4826·MAD, 1), reaches the threshold (3.5). The window just ended is checked too, so a
  spike at the end of an hour is not missed. One alert per brand, platform and window: a
  later run updates its count and mentions, it never makes a second alert.
* **attack** — among the negative mentions of the last 24 hours, a group of near-identical
  texts (word 3-shingles, Jaccard ≥ 0.6) from mostly new authors (first seen within a week).
"""

from collections import Counter
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.quality import SpikeRule, is_spike, near_duplicate_groups

WINDOWS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
# defaults of the ir.config_parameter settings ``social_crm.alert_<name>``
ALERT_SETTINGS = {
    "weeks": 8,  # weeks of baseline
    "min_history_weeks": 2,  # no spike alerts before the company has this much history
    "min_count_hour": 5,
    "min_count_day": 15,
    "threshold": 3.5,
    "attack_min_count": 5,
    "attack_min_authors": 3,
    "attack_new_author_share": 0.6,
    "attack_new_author_days": 7,
    "attack_similarity": 0.6,
}


def _floor(moment, window):
    if window == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


class SocialCrmAlert(models.Model):
    _name = "social_crm.alert"
    _description = "Social CRM Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "window_start desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    kind = fields.Selection(
        [("spike", "Negative spike"), ("attack", "Possible attack")],
        required=True,
        readonly=True,
        index=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    brand_id = fields.Many2one("social_crm.brand", readonly=True, ondelete="cascade")
    platform_id = fields.Many2one("social_crm.platform", readonly=True, ondelete="cascade")
    window = fields.Selection(
        [("hour", "Hour"), ("day", "Day")], required=True, readonly=True, default="hour"
    )
    window_start = fields.Datetime(required=True, readonly=True, index=True)
    window_end = fields.Datetime(required=True, readonly=True)
    count = fields.Integer(
        string="Negative mentions", readonly=True, help="Negative mentions in the window."
    )
    baseline = fields.Float(
        readonly=True,
        digits=(16, 1),
        help="Median of the same window in the previous weeks (for attacks: 0).",
    )
    score = fields.Float(
        string="Robust z-score",
        readonly=True,
        digits=(16, 1),
        help="(count − baseline) / max(1.4826 × MAD, 1) of the previous weeks' counts.",
    )
    author_count = fields.Integer(string="Authors", readonly=True)
    new_author_count = fields.Integer(string="New authors", readonly=True)
    mention_ids = fields.Many2many(
        "social_crm.mention",
        "social_crm_alert_mention_rel",
        "alert_id",
        "mention_id",
        string="Mentions",
        readonly=True,
    )
    state = fields.Selection(
        [("new", "New"), ("acknowledged", "Acknowledged"), ("closed", "Closed")],
        default="new",
        required=True,
        index=True,
        tracking=True,
    )
    dedupe_key = fields.Char(readonly=True, index=True, copy=False)

    _sql_constraints = [
        (
            "dedupe_key_unique",
            "unique(company_id, dedupe_key)",
            "An alert for this window already exists.",
        ),
    ]

    @api.depends("kind", "brand_id", "platform_id", "window_start", "count")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for alert in self:
            parts = [kinds.get(alert.kind, "")]
            parts += [p for p in (alert.brand_id.name, alert.platform_id.name) if p]
            alert.name = " · ".join(parts) + f" ({alert.count})"

    # -- workflow -----------------------------------------------------------------------
    def action_acknowledge(self):
        self._check_manager()
        self.filtered(lambda a: a.state == "new").write({"state": "acknowledged"})
        return True

    def action_close(self):
        self._check_manager()
        self.write({"state": "closed"})
        return True

    def action_open_mentions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": "social_crm.mention",
            "view_mode": "list,form",
            "domain": [("id", "in", self.mention_ids.ids)],
        }

    def _check_manager(self):
        if not self.env.user.has_group("social_crm.group_manager"):
            raise UserError(self.env._("Only Social CRM administrators handle alerts."))
        self.check_access("write")

    # -- detection ----------------------------------------------------------------------
    @api.model
    def _setting(self, name):
        default = ALERT_SETTINGS[name]
        raw = self.env["ir.config_parameter"].sudo().get_param(f"social_crm.alert_{name}")
        try:
            return type(default)(raw) if raw not in (None, False, "") else default
        except ValueError:
            return default

    @api.model
    def _cron_detect_alerts(self):
        """Scheduled action: look for spikes and attacks in every company."""
        now = fields.Datetime.now()
        companies = self.env["res.company"].sudo().search([])
        alerts = self.browse()
        for company in companies:
            alerts |= self.sudo()._detect_spikes(company, now)
            alerts |= self.sudo()._detect_attacks(company, now)
        return alerts

    @api.model
    def _spike_counts(self, company, window, starts, weeks):
        """{(window start, brand id or 0, platform id): {weeks back: (count, mention ids)}}
        — one grouped query for every brand, platform, window and baseline week."""
        self.env["social_crm.mention"].flush_model(
            ["published_at", "sentiment", "company_id", "platform_id", "duplicate_of_id"]
        )
        self.env.cr.execute(
            """
            WITH probe AS (
                SELECT w.start AS win_start, k.k,
                       w.start - k.k * interval '7 days' AS lo,
                       w.start - k.k * interval '7 days' + %(length)s AS hi
                  FROM unnest(%(starts)s::timestamp[]) AS w(start),
                       generate_series(0, %(weeks)s) AS k(k)
            ),
            -- one published_at index range per window (the OFFSET 0 fences keep the planner
            -- from scanning every negative mention instead), then each hit's brands by key
            hits AS MATERIALIZED (
                SELECT p.win_start, p.k, m.id, m.platform_id
                  FROM probe p
                 CROSS JOIN LATERAL (
                        SELECT m.id, m.platform_id, m.sentiment, m.company_id, m.duplicate_of_id
                          FROM social_crm_mention m
                         WHERE m.published_at >= p.lo AND m.published_at < p.hi
                        OFFSET 0
                       ) m
                 WHERE m.company_id = %(company)s
                   AND m.sentiment = 'negative'
                   AND m.duplicate_of_id IS NULL
            )
            SELECT h.win_start, COALESCE(r.brand_id, 0), h.platform_id, h.k, count(*),
                   CASE WHEN h.k = 0 THEN array_agg(h.id ORDER BY h.id) END
              FROM hits h
              LEFT JOIN LATERAL (
                    SELECT rel.brand_id FROM social_crm_mention_brand_rel rel
                     WHERE rel.mention_id = h.id
                    OFFSET 0
                   ) r ON TRUE
          GROUP BY 1, 2, 3, 4
            """,
            {"length": WINDOWS[window], "starts": starts, "weeks": weeks, "company": company.id},
        )
        counts = {}
        for start, brand, platform, k, count, ids in self.env.cr.fetchall():
            counts.setdefault((start, brand, platform), {})[k] = (count, ids or [])
        return counts

    @api.model
    def _history_weeks(self, company, moment):
        self.env.cr.execute(
            "SELECT min(published_at) FROM social_crm_mention WHERE company_id = %s",
            [company.id],
        )
        first = self.env.cr.fetchone()[0]
        return (moment - first).days // 7 if first else 0

    @api.model
    def _detect_spikes(self, company, now):
        created = self.browse()
        weeks = self._setting("weeks")
        for window, length in WINDOWS.items():
            current = _floor(now, window)
            starts = [current - length, current]
            history = self._history_weeks(company, starts[0])
            usable = min(weeks, history)
            if usable < self._setting("min_history_weeks"):
                continue
            rule = SpikeRule(
                min_count=self._setting(f"min_count_{window}"),
                threshold=self._setting("threshold"),
            )
            counts = self._spike_counts(company, window, starts, usable)
            for (start, brand, platform), by_week in counts.items():
                count, ids = by_week.get(0, (0, []))
                baseline = [by_week.get(k, (0, []))[0] for k in range(1, usable + 1)]
                spike, center, z = is_spike(count, baseline, rule)
                if not spike:
                    continue
                created |= self._upsert(
                    company,
                    f"spike:{window}:{start.isoformat()}:{brand}:{platform}",
                    {
                        "kind": "spike",
                        "brand_id": brand or False,
                        "platform_id": platform,
                        "window": window,
                        "window_start": start,
                        "window_end": start + length,
                        "count": count,
                        "baseline": center,
                        "score": z,
                        "mention_ids": [(6, 0, ids)],
                    },
                )
        return created

    @api.model
    def _attack_candidates(self, company, since):
        """The negative mentions since ``since``: (id, text, author id, platform id, author's
        first mention, brand ids), one query."""
        self.env["social_crm.mention"].flush_model()
        self.env["social_crm.author"].flush_model(["first_seen"])
        self.env.cr.execute(
            """
            SELECT m.id, m.text, m.author_id, m.platform_id, a.first_seen,
                   array_remove(array_agg(r.brand_id), NULL)
              FROM social_crm_mention m
              LEFT JOIN social_crm_author a ON a.id = m.author_id
              LEFT JOIN social_crm_mention_brand_rel r ON r.mention_id = m.id
             WHERE m.company_id = %s AND m.sentiment = 'negative'
               AND m.published_at >= %s AND m.duplicate_of_id IS NULL
          GROUP BY m.id, a.first_seen
            """,
            [company.id, since],
        )
        return self.env.cr.fetchall()

    @api.model
    def _detect_attacks(self, company, now):
        since = now - WINDOWS["day"]
        rows = {row[0]: row for row in self._attack_candidates(company, since)}
        groups = near_duplicate_groups(
            [(mention_id, row[1]) for mention_id, row in rows.items()],
            min_similarity=self._setting("attack_similarity"),
            min_size=self._setting("attack_min_count"),
        )
        new_since = now - timedelta(days=self._setting("attack_new_author_days"))
        created = self.browse()
        for group in groups:
            authors = {rows[i][2] or f"m{i}": rows[i][4] for i in group}
            new_authors = [a for a, first in authors.items() if not first or first >= new_since]
            if len(authors) < self._setting("attack_min_authors"):
                continue
            if len(new_authors) < self._setting("attack_new_author_share") * len(authors):
                continue
            brands = Counter(b for i in group for b in rows[i][5])
            platforms = {rows[i][3] for i in group}
            existing = self._alerts_sharing("attack", company, group)
            vals = {
                "kind": "attack",
                "brand_id": brands.most_common(1)[0][0] if brands else False,
                "platform_id": platforms.pop() if len(platforms) == 1 else False,
                "window": "day",
                "window_start": since,
                "window_end": now,
                "count": len(group),
                "baseline": 0.0,
                "score": 0.0,
                "author_count": len(authors),
                "new_author_count": len(new_authors),
            }
            if existing:
                vals.pop("window_start")
                existing.write(dict(vals, mention_ids=[(4, i) for i in group]))
                continue
            created |= self._upsert(
                company, f"attack:{min(group)}", dict(vals, mention_ids=[(6, 0, group)])
            )
        return created

    @api.model
    def _alerts_sharing(self, kind, company, mention_ids):
        self.env.cr.execute(
            """
            SELECT DISTINCT a.id FROM social_crm_alert a
              JOIN social_crm_alert_mention_rel r ON r.alert_id = a.id
             WHERE a.kind = %s AND a.company_id = %s AND r.mention_id IN %s
            """,
            [kind, company.id, tuple(mention_ids)],
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _upsert(self, company, key, vals):
        """Update the alert of ``key`` (same kind, brand, platform and window) or create it
        and tell the managers; returns the alert only when created."""
        existing = self.search([("company_id", "=", company.id), ("dedupe_key", "=", key)])
        if existing:
            existing.write(vals)
            return self.browse()
        alert = self.create(dict(vals, company_id=company.id, dedupe_key=key))
        alert._notify_managers()
        return alert

    def _managers(self):
        self.ensure_one()
        group = self.env.ref("social_crm.group_manager")
        return group.users.filtered(
            lambda u: (
                u.active
                and not u.share
                and u.id != self.env.ref("base.user_root").id
                and self.company_id in u.company_ids
            )
        )

    def _notify_managers(self):
        for alert in self:
            managers = alert._managers()
            if not managers:
                continue
            alert.message_subscribe(partner_ids=managers.partner_id.ids)
            alert.message_post(
                body=Markup("<p>%s</p>") % alert._summary(),
                partner_ids=managers.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
                message_type="notification",
            )

    def _summary(self):
        self.ensure_one()
        where = ", ".join(p for p in (self.brand_id.name, self.platform_id.name) if p) or "—"
        if self.kind == "attack":
            return self.env._(
                "Possible attack (%(where)s): %(count)s near-identical negative mentions in 24 "
                "hours from %(authors)s authors, %(new)s of them new.",
                where=where,
                count=self.count,
                authors=self.author_count,
                new=self.new_author_count,
            )
        start = fields.Datetime.to_string(self.window_start)
        baseline = f"{self.baseline:g}"
        if self.window == "hour":
            message = self.env._(
                "Negative spike (%(where)s): %(count)s negative mentions in the hour from "
                "%(start)s UTC, against a usual %(baseline)s.",
                where=where,
                count=self.count,
                start=start,
                baseline=baseline,
            )
        else:
            message = self.env._(
                "Negative spike (%(where)s): %(count)s negative mentions in the day from "
                "%(start)s UTC, against a usual %(baseline)s.",
                where=where,
                count=self.count,
                start=start,
                baseline=baseline,
            )
        return message
