"""The teams a mention can be escalated to (support, quality control, …): each has a
responsible person who gets the escalation as an activity, whatever their access to Social
CRM."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class SocialCrmEscalationTeam(models.Model):
    _name = "social_crm.escalation.team"
    _description = "Social CRM Escalation Team"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        domain=[("share", "=", False)],
        ondelete="set null",
        help="Gets each escalation as an activity and closes it with the outcome. Needs no "
        "Social CRM access: the activity carries the mention's text and link.",
    )
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: the team serves every company."
    )
    deadline_days = fields.Integer(
        string="Days to handle", default=1, help="The activity's deadline, in days from now."
    )
    description = fields.Text(help="What to escalate to this team.")

    _sql_constraints = [
        (
            "deadline_days_positive",
            "CHECK(deadline_days >= 0)",
            "The days to handle an escalation can't be negative.",
        ),
    ]

    def _check_responsible(self):
        """The responsible person, or an error that says how to set one."""
        self.ensure_one()
        user = self.sudo().user_id
        if not user or not user.active or user.share:
            raise UserError(
                self.env._(
                    "The escalation team “%(team)s” has no responsible person. A Social CRM "
                    "administrator sets one in Social CRM → Configuration → Escalation teams.",
                    team=self.display_name,
                )
            )
        return user

    @api.model
    def _for_company(self, company):
        return self.search([("company_id", "in", [False, company.id])])
