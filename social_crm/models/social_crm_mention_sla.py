"""The mention's SLA, priority and assignment to a team.

At ingest (``_add_analysis``, after the analysis) each new mention gets its priority
(``tools.sla.priority_of``, unless set by hand), its SLA policy (the most specific match,
else the stage's / source's minutes, 24/7), its *Respond by* and *At risk from* on the
policy's working-time calendar; after creation it is routed to a team and given to an
on-duty member (``social_crm.team``).  ``sla_status`` is stored (a scheduled action keeps
the column current and escalates breaches, once) and read live in searches, groupings and
reads, so a filter is right at any moment.
"""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_datetime

from ..tools import sla as sla_tools
from .social_crm_mention import OPEN_STATES

SLA_STATUSES = [
    ("on_track", "On track"),
    ("at_risk", "At risk"),
    ("breached", "Breached"),
    ("met", "Met"),
    ("missed", "Missed"),
]
# Fields whose change re-plans an open mention's deadline (its policy may change).
SLA_INPUTS = {"stage_id", "platform_id", "priority", "company_id"}
# Breaches escalated per cron call (the rest on the next call, woken at once).
ESCALATE_BATCH = 500
TODO_ACTIVITY_XMLID = "mail.mail_activity_data_todo"


class SocialCrmMention(models.Model):
    _inherit = "social_crm.mention"  # pylint: disable=consider-merging-classes-inherited
    # a feature layer of the model in its own file (README, Architecture)

    priority_manual = fields.Boolean(
        string="Priority set by hand",
        copy=False,
        help="Re-analysis never overwrites a priority set by hand.",
    )
    sla_policy_id = fields.Many2one(
        "social_crm.sla.policy",
        string="SLA policy",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The most specific policy matching the stage, platform and priority; empty when "
        "none matches (then the stage's minutes count, 24/7).",
    )
    sla_allotted_minutes = fields.Integer(
        string="Allotted minutes", readonly=True, help="Working minutes to the first response."
    )
    sla_at_risk_at = fields.Datetime(
        string="At risk from",
        readonly=True,
        index="btree_not_null",
        help="From this moment less than the at-risk share of the allotted time is left.",
    )
    sla_paused_since = fields.Datetime(
        string="SLA paused since",
        readonly=True,
        copy=False,
        help="Waiting for an expert under a policy that pauses: the clock is stopped.",
    )
    sla_paused_minutes = fields.Float(
        string="SLA paused (minutes)",
        readonly=True,
        copy=False,
        help="Working minutes spent waiting for experts; they push the deadline.",
    )
    sla_status = fields.Selection(
        SLA_STATUSES,
        string="SLA",
        compute="_compute_sla_status",
        store=True,
        precompute=True,
        copy=False,
        help="On track, at risk (less than the at-risk share of the time left) or breached "
        "while open; met or missed once answered.",
    )
    sla_escalated = fields.Boolean(
        string="Breach escalated",
        readonly=True,
        copy=False,
        help="The team lead was told of the breach (once per mention).",
    )
    is_due_soon = fields.Boolean(
        string="Due soon", compute="_compute_is_due_soon", search="_search_is_due_soon"
    )
    team_id = fields.Many2one(
        "social_crm.team",
        index="btree_not_null",
        tracking=True,
        ondelete="set null",
    )
    unassigned_alerted = fields.Boolean(string="Unassigned alert sent", readonly=True, copy=False)

    # -- status ---------------------------------------------------------------------------
    @api.depends("sla_deadline", "sla_at_risk_at", "first_response_at", "state", "sla_paused_since")
    def _compute_sla_status(self):
        now = fields.Datetime.now()
        for mention in self:
            mention.sla_status = sla_tools.sla_status(
                now,
                mention.state,
                mention.sla_deadline,
                mention.sla_at_risk_at,
                mention.first_response_at,
                mention.sla_paused_since,
            )

    @api.model
    def _sla_status_sql(self, alias, flush=True):
        """``tools.sla.sla_status`` as an SQL expression over the row's columns, at the
        current moment (Python's clock: frozen in tests)."""

        def col(name):
            return SQL.identifier(alias, name, to_flush=self._fields[name] if flush else None)

        moment = SQL("COALESCE(%s, %s)", col("sla_paused_since"), fields.Datetime.now())
        return SQL(
            """(CASE
                WHEN %(answered)s IS NOT NULL THEN
                    CASE WHEN %(deadline)s IS NULL OR %(answered)s <= %(deadline)s
                         THEN 'met' ELSE 'missed' END
                WHEN %(state)s NOT IN %(open)s OR %(deadline)s IS NULL THEN NULL
                WHEN %(moment)s >= %(deadline)s THEN 'breached'
                WHEN %(risk)s IS NOT NULL AND %(moment)s >= %(risk)s THEN 'at_risk'
                ELSE 'on_track' END)""",
            answered=col("first_response_at"),
            deadline=col("sla_deadline"),
            state=col("state"),
            open=OPEN_STATES,
            moment=moment,
            risk=col("sla_at_risk_at"),
        )

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        # The stored status is refreshed by a scheduled action; searches, groupings and
        # reads take it live from the deadline, so they are right between two runs.
        if fname != "sla_status":
            return super()._field_to_sql(alias, fname, query, flush)
        super()._field_to_sql(alias, fname, query, flush)  # access rights
        return self._sla_status_sql(alias, flush)

    @api.depends("sla_deadline", "first_response_at", "state", "sla_paused_since")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for mention in self:
            mention.is_overdue = (
                sla_tools.sla_status(
                    now,
                    mention.state,
                    mention.sla_deadline,
                    answered_at=mention.first_response_at,
                    paused_since=mention.sla_paused_since,
                )
                == "breached"
            )

    def _search_is_overdue(self, operator, value):
        return self._search_sla_window("breached", "sla_deadline", operator, value)

    @api.depends("sla_deadline", "sla_at_risk_at", "first_response_at", "state", "sla_paused_since")
    def _compute_is_due_soon(self):
        now = fields.Datetime.now()
        for mention in self:
            mention.is_due_soon = (
                sla_tools.sla_status(
                    now,
                    mention.state,
                    mention.sla_deadline,
                    mention.sla_at_risk_at,
                    mention.first_response_at,
                    mention.sla_paused_since,
                )
                == "at_risk"
            )

    def _search_is_due_soon(self, operator, value):
        return self._search_sla_window("at_risk", "sla_at_risk_at", operator, value)

    def _search_sla_window(self, status, since_field, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the SLA status."))
        # the indexed columns narrow first; the status expression decides (pauses)
        domain = [
            (since_field, "<=", fields.Datetime.now()),
            ("first_response_at", "=", False),
            ("state", "in", OPEN_STATES),
            ("sla_status", "=", status),
        ]
        positive = (operator == "=") == value
        return domain if positive else ["!", "&", "&", "&"] + domain

    # -- priority -------------------------------------------------------------------------
    @api.model
    def _priority_threshold(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("social_crm.priority_audience_threshold")
        )
        try:
            return int(value) if value not in (None, False, "") else sla_tools.AUDIENCE_THRESHOLD
        except ValueError:
            return sla_tools.AUDIENCE_THRESHOLD

    @api.model
    def _priority_input(self, stage, author, platform, sentiment, reach, rating):
        return sla_tools.PriorityInput(
            sentiment=sentiment or "",
            stage_code=stage.code or "",
            audience=max(reach or 0, author.followers or 0),
            rating=rating or 0.0,
            platform_kind=platform.kind or "",
            is_vip=bool(author.is_vip),
            is_advocate=bool("is_advocate" in author._fields and author.is_advocate),
        )

    @api.model
    def _add_analysis(self, source, vals_list, results):
        result = super()._add_analysis(source, vals_list, results)
        if vals_list:
            self._add_priority(vals_list)
            self._add_sla(source, vals_list)
        return result

    @api.model
    def _add_priority(self, vals_list):
        """The priority of new mentions (``tools.sla.priority_of``); one given by hand stays
        and counts as set by hand."""
        stages = self.env["social_crm.stage"].browse({v.get("stage_id") or 0 for v in vals_list})
        authors = self.env["social_crm.author"].browse({v.get("author_id") or 0 for v in vals_list})
        platforms = self.env["social_crm.platform"].browse({v["platform_id"] for v in vals_list})
        stages, authors, platforms = (
            stages.filtered("id"),
            authors.filtered("id").sudo(),
            platforms.sudo(),
        )
        stages.mapped("code")
        # what the priority reads of the people, and their contact for the mention's own
        # precomputed partner: not every column of every author of the batch
        authors.fetch(["followers", "is_vip", "is_advocate", "partner_id"])
        threshold = self._priority_threshold()
        for vals in vals_list:
            if vals.get("priority_manual") or vals.get("priority") not in (None, False, "0"):
                vals["priority_manual"] = True
                continue
            item = self._priority_input(
                stages.browse(vals.get("stage_id") or []),
                authors.browse(vals.get("author_id") or []),
                platforms.browse(vals["platform_id"]),
                vals.get("sentiment"),
                vals.get("reach"),
                vals.get("rating"),
            )
            vals["priority"] = sla_tools.priority_of(item, threshold)[0]

    def _recompute_priority(self):
        """Priority again after a re-analysis; one set by hand stays."""
        threshold = self._priority_threshold()
        by_priority = defaultdict(list)
        for mention in self.filtered(lambda m: not m.priority_manual):
            item = self._priority_input(
                mention.stage_id,
                mention.author_id.sudo(),
                mention.platform_id,
                mention.sentiment,
                mention.reach,
                mention.rating,
            )
            priority = sla_tools.priority_of(item, threshold)[0]
            if priority != mention.priority:
                by_priority[priority].append(mention.id)
        for priority, ids in by_priority.items():
            self.browse(ids).with_context(social_crm_analysis=True).write({"priority": priority})

    def _reanalyse(self, fresh=False):
        result = super()._reanalyse(fresh=fresh)
        self._recompute_priority()
        return result

    # -- deadlines ------------------------------------------------------------------------
    @api.model
    def _sla_plan(self, entries):
        """[{start, allotted, paused, calendar}] → [(deadline, at risk from)], one span of
        working intervals read per calendar for the whole list."""
        Policy = self.env["social_crm.sla.policy"]
        percent = Policy._at_risk_percent()
        by_calendar = defaultdict(list)
        for index, entry in enumerate(entries):
            by_calendar[entry["calendar"]].append(index)
        plans = [None] * len(entries)
        for calendar, indexes in by_calendar.items():
            items = []
            for index in indexes:
                entry = entries[index]
                paused = entry.get("paused") or 0.0
                items.append((entry["start"], entry["allotted"] + paused))
                risk = sla_tools.at_risk_minutes(entry["allotted"], percent) + paused
                items.append((entry["start"], risk))
            moments = Policy._add_working_minutes(calendar, items)
            for position, index in enumerate(indexes):
                plans[index] = (moments[2 * position], moments[2 * position + 1])
        return plans

    @api.model
    def _add_sla(self, source, vals_list):
        """Policy, allotted minutes, *Respond by* and *At risk from* of new mentions."""
        Policy = self.env["social_crm.sla.policy"].sudo()
        specs = Policy._specs()
        policies = Policy.browse([spec.id for spec in specs])
        policies.mapped("resource_calendar_id")
        no_calendar = self.env["resource.calendar"]
        entries = []
        for vals in vals_list:
            start = fields.Datetime.to_datetime(vals["published_at"])
            spec = sla_tools.pick_policy(
                specs,
                vals.get("company_id") or source.company_id.id,
                vals.get("stage_id") or None,
                vals.get("platform_id"),
                vals.get("priority"),
            )
            if spec:
                allotted = spec.minutes
                calendar = policies.browse(spec.id).resource_calendar_id
            else:
                # the stage's (else the source's) minutes, as planned by the analysis
                allotted = round((vals["sla_deadline"] - start).total_seconds() / 60)
                calendar = no_calendar
            vals.update(sla_policy_id=spec.id if spec else False, sla_allotted_minutes=allotted)
            entries.append({"start": start, "allotted": allotted, "calendar": calendar})
        for vals, (deadline, risk) in zip(vals_list, self._sla_plan(entries), strict=True):
            vals.update(sla_deadline=deadline, sla_at_risk_at=risk)

    def _sla_replan(self):
        """Policy and deadline again for open, unanswered mentions (their stage, platform or
        priority changed); time already paused still counts."""
        mentions = self.filtered(lambda m: m.state in OPEN_STATES and not m.first_response_at)
        if not mentions:
            return
        Policy = self.env["social_crm.sla.policy"].sudo()
        specs = Policy._specs()
        entries, updates = [], []
        for mention in mentions:
            spec = sla_tools.pick_policy(
                specs,
                mention.company_id.id,
                mention.stage_id.id or None,
                mention.platform_id.id,
                mention.priority,
            )
            policy = Policy.browse(spec.id) if spec else Policy
            allotted = (
                spec.minutes if spec else self._sla_minutes(mention.stage_id, mention.source_id)
            )
            start = mention.published_at or mention.create_date
            entries.append(
                {
                    "start": start,
                    "allotted": allotted,
                    "paused": mention.sla_paused_minutes,
                    "calendar": policy.resource_calendar_id,
                }
            )
            updates.append({"sla_policy_id": policy.id or False, "sla_allotted_minutes": allotted})
        for mention, vals, (deadline, risk) in zip(
            mentions, updates, self._sla_plan(entries), strict=True
        ):
            vals.update(sla_deadline=deadline, sla_at_risk_at=risk)
            mention.with_context(social_crm_sla_replan=True).sudo().write(vals)

    def _sla_pause(self, now):
        """Stop the clock of mentions starting to wait for an expert, when their policy
        says so and the deadline has not passed."""
        paused = self.filtered(
            lambda m: (
                not m.sla_paused_since
                and not m.first_response_at
                and m.sla_policy_id.pause_while_waiting_expert
                and m.sla_deadline
                and m.sla_deadline > now
            )
        )
        if paused:
            paused.sudo().write({"sla_paused_since": now})

    def _sla_resume(self, now):
        """Restart the clock: the working time paused pushes the deadline."""
        Policy = self.env["social_crm.sla.policy"]
        for mention in self.filtered("sla_paused_since"):
            calendar = mention.sla_policy_id.resource_calendar_id
            paused = mention.sla_paused_minutes + Policy._working_minutes(
                calendar, mention.sla_paused_since, now
            )
            deadline, risk = self._sla_plan(
                [
                    {
                        "start": mention.published_at or mention.create_date,
                        "allotted": mention.sla_allotted_minutes,
                        "paused": paused,
                        "calendar": calendar,
                    }
                ]
            )[0]
            mention.sudo().write(
                {
                    "sla_paused_since": False,
                    "sla_paused_minutes": paused,
                    "sla_deadline": deadline,
                    "sla_at_risk_at": risk,
                }
            )

    def write(self, vals):
        if (
            "priority" in vals
            and "priority_manual" not in vals
            and not self.env.context.get("social_crm_analysis")
        ):
            vals = dict(vals, priority_manual=True)
        pausing = resuming = self.browse()
        if "state" in vals:
            if vals["state"] == "waiting_expert":
                pausing = self.filtered(lambda m: m.state != "waiting_expert")
            else:
                resuming = self.filtered("sla_paused_since")
        result = super().write(vals)
        now = fields.Datetime.now()
        if resuming:
            resuming._sla_resume(now)
        if SLA_INPUTS & set(vals) and not self.env.context.get("social_crm_sla_replan"):
            self._sla_replan()
        if pausing:
            pausing._sla_pause(now)
        return result

    # -- assignment -----------------------------------------------------------------------
    def _assign_from_matrix(self):
        """Route new unassigned mentions to a team and give them to an on-duty member; those
        no team takes go to the matrix row's responsible users, as before."""
        Team = self.env["social_crm.team"].sudo()
        routed = Team._route(self)
        with_team = self.filtered(lambda m: m.id in routed)
        if with_team:
            Team._assign(with_team, routed)
        rest = self - with_team
        if rest:
            return super(SocialCrmMention, rest)._assign_from_matrix()
        return None

    @api.model_create_multi
    def create(self, vals_list):
        mentions = super().create(vals_list)
        if self.env.context.get("social_crm_analysis"):
            # assigned by their source: only the team (its lead hears of breaches)
            preassigned = mentions.filtered(lambda m: m.user_id and not m.team_id)
            if preassigned:
                routed = self.env["social_crm.team"].sudo()._route(preassigned)
                self.env["social_crm.team"]._write_teams(preassigned, routed)
        return mentions

    # -- scheduled action -----------------------------------------------------------------
    @api.model
    def _cron_sla_refresh(self):
        """Keep the stored SLA status current (one UPDATE), escalate new breaches once,
        assign waiting mentions to members now on duty and alert leads of mentions left
        unassigned too long."""
        self._sla_refresh_status()
        self._sla_escalate_breaches()
        self.env["social_crm.team"]._cron_assign_and_alert()

    @api.model
    def _sla_refresh_status(self):
        self.flush_model()
        table = self._table
        expression = self._sla_status_sql(table, flush=False)
        self.env.cr.execute(
            SQL(
                "UPDATE %(table)s SET sla_status = %(expr)s "
                "WHERE state IN %(open)s AND sla_status IS DISTINCT FROM %(expr)s",
                table=SQL.identifier(table),
                expr=expression,
                open=OPEN_STATES,
            )
        )
        self.invalidate_model(["sla_status"])
        return self.env.cr.rowcount

    @api.model
    def _sla_escalate_breaches(self):
        breached = self.sudo().search(
            [
                ("sla_escalated", "=", False),
                ("sla_deadline", "<=", fields.Datetime.now()),
                ("first_response_at", "=", False),
                ("state", "in", OPEN_STATES),
                ("sla_status", "=", "breached"),
            ],
            order="sla_deadline, id",
            limit=ESCALATE_BATCH + 1,
        )
        if len(breached) > ESCALATE_BATCH:
            breached = breached[:ESCALATE_BATCH]
            cron = self.env.ref("social_crm.ir_cron_social_crm_sla", raise_if_not_found=False)
            if cron:
                cron._trigger()
        for mention in breached:
            lead = mention._sla_lead()
            deadline = format_datetime(self.env, mention.sla_deadline, tz=lead.tz)
            message = self.env._(
                "SLA breached: “%(mention)s” (%(platform)s) had to be answered by %(deadline)s.",
                mention=mention.display_name,
                platform=mention.platform_id.display_name,
                deadline=deadline,
            )
            mention._alert_lead(lead, self.env._("SLA breached: respond now"), message)
        breached.write({"sla_escalated": True})
        return breached

    def _sla_lead(self):
        """Who hears of this mention's trouble: its team's lead (when they may see the
        mention), else its source's responsible."""
        self.ensure_one()
        lead = self.team_id.user_id
        if lead and lead.active and not lead.share and lead.has_group("social_crm.group_user"):
            return lead
        return self.source_id.sudo()._responsible_user()

    def _alert_lead(self, lead, summary, message):
        """An activity for ``lead`` on the mention and a notification in their inbox."""
        self.ensure_one()
        mention = self.sudo()
        mention.activity_schedule(
            TODO_ACTIVITY_XMLID,
            user_id=lead.id,
            summary=summary,
            note=Markup("<p>%s</p>") % message,
        )
        mention.message_post(
            body=Markup("<p>%s</p>") % message,
            partner_ids=lead.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )
