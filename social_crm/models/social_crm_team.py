"""Teams on duty: who gets new mentions.

A new mention goes to the team its communication-matrix row names; a row without a team
but with responsible users keeps the old rule (the least busy of those users); otherwise
the first team (by sequence) covering its stage, platform and brand takes it.  Within the
team it goes to an on-duty member (the member's duty calendar; none = always on duty)
below the cap of open mentions, by round robin or to the least loaded.  A mention nobody
can take waits, and the scheduled action assigns it when someone comes on duty; past the
team's threshold its lead gets an activity and a notification, once.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .social_crm_mention import OPEN_STATES

# Unassigned mentions assigned per cron call.
ASSIGN_BATCH = 1000


class SocialCrmTeam(models.Model):
    _name = "social_crm.team"
    _description = "Social CRM Team"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="The first team covering a mention takes it.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Team lead",
        domain=[("share", "=", False)],
        help="Hears of breached SLAs and of mentions left unassigned.",
    )
    member_ids = fields.One2many("social_crm.team.member", "team_id", string="Members")
    assignment_method = fields.Selection(
        [("round_robin", "Round robin"), ("least_loaded", "Least loaded")],
        string="Assignment",
        default="round_robin",
        required=True,
        help="Round robin: members in turn. Least loaded: the member with the fewest open "
        "mentions.",
    )
    max_open_per_member = fields.Integer(
        string="Open mentions per member (cap)",
        default=20,
        help="A member with this many open mentions gets no more; 0 = no cap.",
    )
    unassigned_alert_minutes = fields.Integer(
        string="Alert when unassigned for (minutes)",
        default=15,
        help="The lead is alerted of a mention nobody could take for this long; 0 = never.",
    )
    stage_ids = fields.Many2many(
        "social_crm.stage", string="Stages", help="Empty = every consumer-cycle stage."
    )
    platform_ids = fields.Many2many(
        "social_crm.platform", string="Platforms", help="Empty = every platform."
    )
    brand_ids = fields.Many2many(
        "social_crm.brand",
        string="Brands",
        domain=[("is_competitor", "=", False)],
        help="Empty = every brand (and mentions naming none).",
    )
    last_member_id = fields.Many2one(
        "social_crm.team.member",
        string="Last assigned",
        readonly=True,
        ondelete="set null",
        help="Round robin continues after this member.",
    )
    open_count = fields.Integer(string="Open mentions", compute="_compute_open_count")

    @api.constrains("max_open_per_member", "unassigned_alert_minutes")
    def _check_numbers(self):
        for team in self:
            if team.max_open_per_member < 0 or team.unassigned_alert_minutes < 0:
                raise ValidationError(
                    self.env._(
                        "Team “%(name)s”: the cap and the alert threshold cannot be negative.",
                        name=team.display_name,
                    )
                )

    def _compute_open_count(self):
        counts = dict(
            self.env["social_crm.mention"]._read_group(
                [("team_id", "in", self.ids), ("state", "in", OPEN_STATES)],
                ["team_id"],
                ["__count"],
            )
        )
        for team in self:
            team.open_count = counts.get(team, 0)

    def action_view_mentions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": "social_crm.mention",
            "view_mode": "kanban,list,form",
            "domain": [("team_id", "=", self.id)],
            "context": {"search_default_open": 1},
        }

    # -- routing --------------------------------------------------------------------------
    def _covers(self, mention):
        self.ensure_one()
        return (
            self.company_id == mention.company_id
            and (not self.stage_ids or mention.stage_id in self.stage_ids)
            and (not self.platform_ids or mention.platform_id in self.platform_ids)
            and (not self.brand_ids or bool(mention.brand_ids & self.brand_ids))
        )

    @api.model
    def _route(self, mentions):
        """{mention id: team} for the mentions a team takes (see the module docstring)."""
        teams = self.search([("company_id", "in", mentions.company_id.ids)])
        if not teams:
            return {}
        rows = self.env["social_crm.matrix"].sudo()._rows_for(mentions)
        routed = {}
        for mention in mentions:
            row = rows.get(mention.id)
            if row and row.team_id.active and row.team_id.company_id == mention.company_id:
                routed[mention.id] = row.team_id
                continue
            if row and row.user_ids:
                continue  # the matrix row's responsible users, as before
            team = next((t for t in teams if t._covers(mention)), None)
            if team:
                routed[mention.id] = team
        return routed

    @api.model
    def _write_teams(self, mentions, routed):
        by_team = defaultdict(list)
        for mention in mentions:
            if routed.get(mention.id) and mention.team_id != routed[mention.id]:
                by_team[routed[mention.id].id].append(mention.id)
        for team_id, ids in by_team.items():
            mentions.browse(ids).write({"team_id": team_id})

    # -- assignment -----------------------------------------------------------------------
    @api.model
    def _open_load(self, users):
        """{user id: open mentions} in one query."""
        if not users:
            return {}
        groups = (
            self.env["social_crm.mention"]
            .sudo()
            ._read_group(
                [("user_id", "in", users.ids), ("state", "in", OPEN_STATES)],
                ["user_id"],
                ["__count"],
            )
        )
        return {user.id: count for user, count in groups}

    @api.model
    def _assign(self, mentions, routed, now=None):
        """Give ``mentions`` (routed: {mention id: team}) to on-duty members of their team,
        set-wise: a few queries for the batch, one write per member."""
        self._write_teams(mentions, routed)
        teams = self.browse({routed[m.id].id for m in mentions if m.id in routed})
        members = teams.member_ids.filtered(
            lambda m: m.active and m.user_id.active and not m.user_id.share
        )
        on_duty = self.env["social_crm.sla.policy"]._on_duty(members.resource_calendar_id, now)
        load = self._open_load(members.user_id)
        given = defaultdict(list)
        for team in teams:
            queue = mentions.filtered(lambda m, team=team: routed.get(m.id) == team).sorted(
                lambda m: (-int(m.priority or 0), m.published_at or m.create_date, m.id)
            )
            roster = members.filtered(lambda m, team=team: m.team_id == team).sorted(
                lambda m: (m.sequence, m.id)
            )
            roster = [
                m
                for m in roster
                if not m.resource_calendar_id or on_duty.get(m.resource_calendar_id.id)
            ]
            pointer = team.last_member_id
            for mention in queue:
                member = team._pick_member(roster, load, pointer)
                if not member:
                    break  # everyone off duty or at the cap: the mention waits
                load[member.user_id.id] = load.get(member.user_id.id, 0) + 1
                pointer = member
                given[member.user_id.id].append(mention.id)
            if pointer != team.last_member_id:
                team.last_member_id = pointer
        for user_id, ids in given.items():
            mentions.browse(ids).write({"user_id": user_id})
        return given

    def _pick_member(self, roster, load, pointer):
        """The next member of the team for one mention, or None. ``roster``: the on-duty
        members in order; ``load``: open mentions per user (updated by the caller)."""
        self.ensure_one()
        cap = self.max_open_per_member
        eligible = [m for m in roster if not cap or load.get(m.user_id.id, 0) < cap]
        if not eligible:
            return None
        if self.assignment_method == "least_loaded":
            return min(eligible, key=lambda m: (load.get(m.user_id.id, 0), m.sequence, m.id))
        # round robin: the first eligible member after the last one given a mention
        order = self.member_ids.sorted(lambda m: (m.sequence, m.id))
        start = (list(order).index(pointer) + 1) if pointer in order else 0
        ring = list(order[start:]) + list(order[:start])
        return next(m for m in ring if m in eligible)

    # -- scheduled action -----------------------------------------------------------------
    @api.model
    def _cron_assign_and_alert(self):
        """Assign waiting mentions to members now on duty, then alert leads of mentions
        left unassigned past their team's threshold (once per mention)."""
        Mention = self.env["social_crm.mention"].sudo()
        waiting = Mention.search(
            [("user_id", "=", False), ("team_id", "!=", False), ("state", "in", OPEN_STATES)],
            order="priority desc, published_at, id",
            limit=ASSIGN_BATCH,
        )
        if waiting:
            self._assign(waiting, {m.id: m.team_id for m in waiting})
        now = fields.Datetime.now()
        alerted = Mention
        for team in self.sudo().search([("unassigned_alert_minutes", ">", 0)]):
            late = Mention.search(
                [
                    ("team_id", "=", team.id),
                    ("user_id", "=", False),
                    ("state", "in", OPEN_STATES),
                    ("unassigned_alerted", "=", False),
                    ("create_date", "<=", now - timedelta(minutes=team.unassigned_alert_minutes)),
                ]
            )
            for mention in late:
                message = self.env._(
                    "“%(mention)s” has had no assignee for over %(minutes)s minutes: nobody in "
                    "team “%(team)s” is on duty or below the cap.",
                    mention=mention.display_name,
                    minutes=team.unassigned_alert_minutes,
                    team=team.display_name,
                )
                mention._alert_lead(
                    mention._sla_lead(), self.env._("Unassigned mention: assign it"), message
                )
            alerted |= late
        alerted.write({"unassigned_alerted": True})
        return alerted


class SocialCrmTeamMember(models.Model):
    _name = "social_crm.team.member"
    _description = "Social CRM Team Member"
    _order = "team_id, sequence, id"
    _rec_name = "user_id"

    team_id = fields.Many2one("social_crm.team", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="team_id.company_id", store=True)
    user_id = fields.Many2one(
        "res.users", string="Member", required=True, domain=[("share", "=", False)]
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Duty hours",
        help="When the member takes new mentions; empty = always.",
    )
    open_count = fields.Integer(string="Open mentions", compute="_compute_open_count")

    _sql_constraints = [
        ("team_user_unique", "unique(team_id, user_id)", "This user is already in the team."),
    ]

    def _compute_open_count(self):
        load = self.env["social_crm.team"]._open_load(self.user_id)
        for member in self:
            member.open_count = load.get(member.user_id.id, 0)


class SocialCrmMatrix(models.Model):
    _inherit = "social_crm.matrix"

    team_id = fields.Many2one(
        "social_crm.team",
        ondelete="set null",
        domain="[('company_id', '=', company_id)]",
        help="New mentions of this stage and platform go to this team's on-duty members.",
    )
