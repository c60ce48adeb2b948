"""Ask an expert: the knowledge base has no good answer, so someone who knows is asked."""

from datetime import timedelta

from odoo import api, fields, models

# Days an expert gets when the mention's SLA deadline is already past or unknown.
DEFAULT_EXPERT_DAYS = 1


class SocialCrmExpertRequest(models.TransientModel):
    _name = "social_crm.expert.request"
    _description = "Social CRM Ask an Expert"

    mention_id = fields.Many2one("social_crm.mention", required=True, ondelete="cascade")
    expert_id = fields.Many2one(
        "res.users",
        required=True,
        domain=[("share", "=", False)],
        compute="_compute_expert_id",
        store=True,
        readonly=False,
    )
    question = fields.Text(
        required=True,
        compute="_compute_question",
        store=True,
        readonly=False,
        help="What the expert should answer.",
    )
    deadline = fields.Date(required=True, compute="_compute_deadline", store=True, readonly=False)
    note = fields.Text(help="Context for the expert (what was already tried, what to avoid).")

    @api.depends("mention_id")
    def _compute_expert_id(self):
        for request in self:
            if not request.expert_id:
                request.expert_id = (
                    request.mention_id.expert_id or request.mention_id.stage_id.expert_id
                )

    @api.depends("mention_id")
    def _compute_question(self):
        for request in self:
            if not request.question and request.mention_id:
                request.question = request.mention_id._question_text()

    @api.depends("mention_id")
    def _compute_deadline(self):
        today = fields.Date.context_today(self)
        for request in self:
            sla = request.mention_id.sla_deadline
            day = fields.Date.context_today(self, sla) if sla else None
            request.deadline = (
                day if day and day >= today else today + timedelta(days=DEFAULT_EXPERT_DAYS)
            )

    def action_confirm(self):
        self.ensure_one()
        self.mention_id._request_expert(
            self.expert_id, self.question, self.deadline, self.note or ""
        )
        # reload the mention behind the dialog: its state and the new activity
        return {"type": "ir.actions.client", "tag": "soft_reload"}
