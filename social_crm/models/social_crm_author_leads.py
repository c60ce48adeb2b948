"""The leads an author's mentions started (a smart button on the author)."""

from odoo import api, fields, models


class SocialCrmAuthor(models.Model):
    _inherit = "social_crm.author"  # pylint: disable=consider-merging-classes-inherited
    # a feature layer of the model in its own file (README, Architecture)

    social_crm_lead_count = fields.Integer(
        string="Leads",
        compute="_compute_social_crm_lead_count",
        help="Leads and opportunities started from this author's mentions.",
    )

    def _social_crm_lead_domain(self):
        return [("social_crm_mention_ids.author_id", "in", self.ids)]

    @api.depends_context("uid")
    def _compute_social_crm_lead_count(self):
        counts = self.env["crm.lead"]._social_crm_counts_by("author_id", self.ids)
        for author in self:
            author.social_crm_lead_count = counts.get(author.id, 0)

    def action_view_social_crm_leads(self):
        self.ensure_one()
        return self.env["crm.lead"]._social_crm_leads_action(self._social_crm_lead_domain())
