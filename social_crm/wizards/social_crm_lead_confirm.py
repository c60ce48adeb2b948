"""Create a lead from a mention whose author has no contact yet: the dialog says a contact
will be created from the author, and only confirming it creates the contact and the lead."""

from odoo import api, fields, models


class SocialCrmLeadConfirm(models.TransientModel):
    _name = "social_crm.lead.confirm"
    _description = "Social CRM Create a Contact and a Lead"

    mention_id = fields.Many2one("social_crm.mention", required=True, ondelete="cascade")
    author_id = fields.Many2one(related="mention_id.author_id")
    contact_name = fields.Char(compute="_compute_contact_name")
    message = fields.Text(compute="_compute_contact_name")

    @api.depends("mention_id")
    def _compute_contact_name(self):
        for wizard in self:
            author = wizard.mention_id.author_id
            wizard.contact_name = author.name or False
            wizard.message = self.env._(
                "The author “%(author)s” (%(platform)s) has no contact yet. A contact "
                "“%(name)s” will be created from the author's profile, linked to the author, "
                "and the lead will be created for it.",
                author=author.display_name,
                platform=author.platform_id.display_name,
                name=author.name,
            )

    def action_confirm(self):
        """Create the contact and the lead; open the lead."""
        self.ensure_one()
        return self.mention_id.with_context(social_crm_confirm_contact=True).action_create_lead()
