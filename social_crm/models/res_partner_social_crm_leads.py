"""The leads a contact's mentions started (a smart button for Social CRM users)."""

from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited
    # a feature layer of the model in its own file (README, Architecture)

    social_crm_lead_count = fields.Integer(
        string="Leads from mentions",
        compute="_compute_social_crm_lead_count",
        groups="social_crm.group_user",
        help="Leads and opportunities started from this contact's mentions in Social CRM.",
    )

    def _social_crm_lead_domain(self):
        return [("social_crm_mention_ids.partner_id", "in", self.ids)]

    @api.depends_context("uid")
    def _compute_social_crm_lead_count(self):
        counts = self.env["crm.lead"]._social_crm_counts_by("partner_id", self.ids)
        for partner in self:
            partner.social_crm_lead_count = counts.get(partner.id, 0)

    def action_view_social_crm_leads(self):
        self.ensure_one()
        return self.env["crm.lead"]._social_crm_leads_action(self._social_crm_lead_domain())
