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
        self.social_crm_lead_count = 0
        Lead = self.env["crm.lead"].with_context(active_test=False)
        if not self.ids or not Lead.has_access("read"):
            return  # no CRM rights: no lead figures
        # the reader's own view of CRM (its record rules), grouped per author in SQL
        groups = (
            self.env["social_crm.mention"]
            .sudo()
            ._read_group(
                [("author_id", "in", self.ids), ("lead_id", "!=", False)],
                ["author_id", "lead_id"],
            )
        )
        visible = set(Lead.search([("id", "in", [lead.id for _a, lead in groups])]).ids)
        counts = {}
        for author, lead in groups:
            if lead.id in visible:
                counts[author.id] = counts.get(author.id, 0) + 1
        for author in self:
            author.social_crm_lead_count = counts.get(author.id, 0)

    def action_view_social_crm_leads(self):
        self.ensure_one()
        return self.env["crm.lead"]._social_crm_leads_action(self._social_crm_lead_domain())
