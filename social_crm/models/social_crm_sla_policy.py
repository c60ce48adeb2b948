"""SLA policies: consumer-cycle stages × platforms × priority → minutes to the first
response, on a working-time calendar (empty = 24/7), optionally paused while the mention
waits for an expert.

The most specific matching policy wins (``tools.sla.PolicySpec.specificity``); a mention no
policy matches keeps the stage's (else the source's) minutes, 24/7.
"""

from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import sla as sla_tools

PRIORITIES = [("0", "Normal"), ("1", "High"), ("2", "Urgent")]
# Longest span of a calendar searched for a deadline before giving up on it (then 24/7).
MAX_CALENDAR_SPAN = timedelta(days=366)


class SocialCrmSlaPolicy(models.Model):
    _name = "social_crm.sla.policy"
    _description = "Social CRM SLA Policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Breaks ties between equally specific policies.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Empty = every company.",
    )
    stage_ids = fields.Many2many(
        "social_crm.stage", string="Stages", help="Empty = every consumer-cycle stage."
    )
    platform_ids = fields.Many2many(
        "social_crm.platform", string="Platforms", help="Empty = every platform."
    )
    priority = fields.Selection(PRIORITIES, help="Empty = any priority.")
    minutes = fields.Integer(
        string="First response (minutes)",
        required=True,
        default=10,
        help="Working minutes from publication to the first response.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working hours",
        help="Only the calendar's working time counts (public holidays excluded). "
        "Empty = around the clock (24/7).",
    )
    pause_while_waiting_expert = fields.Boolean(
        string="Pause while waiting for an expert",
        default=True,
        help="The clock stops while the mention waits for an expert's answer; the time "
        "paused pushes the deadline.",
    )

    @api.constrains("minutes")
    def _check_minutes(self):
        for policy in self:
            if policy.minutes <= 0:
                raise ValidationError(
                    self.env._(
                        "SLA policy “%(name)s”: the first response time must be at least one "
                        "minute.",
                        name=policy.display_name,
                    )
                )

    # -- matching ---------------------------------------------------------------------
    @api.model
    def _specs(self):
        """Every active policy as a PolicySpec, one query (plus the relations)."""
        policies = self.sudo().search([])
        return [
            sla_tools.PolicySpec(
                id=p.id,
                minutes=p.minutes,
                stage_ids=frozenset(p.stage_ids.ids),
                platform_ids=frozenset(p.platform_ids.ids),
                priority=p.priority or None,
                company_id=p.company_id.id or None,
                sequence=p.sequence,
            )
            for p in policies
        ]

    @api.model
    def _at_risk_percent(self):
        value = self.env["ir.config_parameter"].sudo().get_param("social_crm.sla_at_risk_percent")
        try:
            return float(value) if value not in (None, False, "") else sla_tools.AT_RISK_PERCENT
        except ValueError:
            return sla_tools.AT_RISK_PERCENT

    # -- working time -----------------------------------------------------------------
    @api.model
    def _intervals(self, calendar, start, end):
        """Working intervals of ``calendar`` between two naive UTC moments, as naive UTC
        pairs; None for no calendar (24/7)."""
        if not calendar:
            return None
        start = pytz.utc.localize(start)
        end = pytz.utc.localize(end)
        found = calendar._work_intervals_batch(start, end, tz=pytz.timezone(calendar.tz or "UTC"))
        return [
            (
                b.astimezone(pytz.utc).replace(tzinfo=None),
                e.astimezone(pytz.utc).replace(tzinfo=None),
            )
            for b, e, _meta in found[False]
        ]

    @api.model
    def _add_working_minutes(self, calendar, items):
        """[(start, minutes)] → the moments that many working minutes of ``calendar`` later,
        one span of intervals read for the whole list (longer spans only when needed)."""
        if not calendar or not items:
            return [sla_tools.add_working_minutes(None, s, m) for s, m in items]
        low = min(s for s, _m in items)
        high = max(s for s, _m in items)
        span = timedelta(days=14)
        results = [None] * len(items)
        while True:
            intervals = self._intervals(calendar, low, high + span)
            for index, (start, minutes) in enumerate(items):
                if results[index] is None:
                    results[index] = sla_tools.add_working_minutes(intervals, start, minutes)
            if all(r is not None for r in results) or span >= MAX_CALENDAR_SPAN:
                break
            span *= 4
        # a calendar without working time: count around the clock rather than never
        return [
            r if r is not None else sla_tools.add_working_minutes(None, s, m)
            for r, (s, m) in zip(results, items, strict=True)
        ]

    @api.model
    def _working_minutes(self, calendar, begin, end):
        if not calendar:
            return sla_tools.working_minutes_between(None, begin, end)
        return sla_tools.working_minutes_between(self._intervals(calendar, begin, end), begin, end)

    @api.model
    def _on_duty(self, calendars, moment=None):
        """{calendar id: is ``moment`` (default now) working time}: a query or two each."""
        moment = moment or fields.Datetime.now()
        if isinstance(moment, datetime) and moment.tzinfo:
            moment = moment.astimezone(pytz.utc).replace(tzinfo=None)
        return {
            calendar.id: sla_tools.is_within(
                self._intervals(calendar, moment, moment + timedelta(minutes=1)), moment
            )
            for calendar in calendars
        }
