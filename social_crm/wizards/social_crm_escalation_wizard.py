"""Escalate a mention: choose the team (support, quality control, …), say what is needed."""

from datetime import timedelta

from odoo import api, fields, models


class SocialCrmEscalationWizard(models.TransientModel):
    _name = "social_crm.escalation.wizard"
    _description = "Social CRM Escalate a Mention"

    mention_id = fields.Many2one("social_crm.mention", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="mention_id.company_id")
    team_id = fields.Many2one(
        "social_crm.escalation.team",
        required=True,
        domain="[('company_id', 'in', [False, company_id])]",
    )
    responsible_id = fields.Many2one(related="team_id.user_id", string="Responsible")
    note = fields.Text(string="Request", help="What the team should do or check.")
    deadline = fields.Date(
        compute="_compute_deadline", store=True, readonly=False, required=True, precompute=True
    )

    @api.depends("team_id")
    def _compute_deadline(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            wizard.deadline = today + timedelta(days=wizard.team_id.deadline_days or 0)

    def action_confirm(self):
        self.ensure_one()
        self.mention_id._escalate(self.team_id, self.note or "", self.deadline)
        return {"type": "ir.actions.act_window_close"}
