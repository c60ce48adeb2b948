"""The contact knows the person: their social identities and mentions, across platforms."""

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    social_crm_author_ids = fields.One2many(
        "social_crm.author",
        "partner_id",
        string="Social identities",
        groups="social_crm.group_user",
    )
    social_crm_mention_ids = fields.One2many(
        "social_crm.mention",
        "partner_id",
        string="Social mentions",
        groups="social_crm.group_user",
    )
    social_crm_author_count = fields.Integer(
        string="Identities", compute="_compute_social_crm_counts", groups="social_crm.group_user"
    )
    social_crm_mention_count = fields.Integer(
        string="Mentions", compute="_compute_social_crm_counts", groups="social_crm.group_user"
    )

    def _compute_social_crm_counts(self):
        authors = dict(
            self.env["social_crm.author"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        mentions = dict(
            self.env["social_crm.mention"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.social_crm_author_count = authors.get(partner, 0)
            partner.social_crm_mention_count = mentions.get(partner, 0)

    def action_view_social_crm_mentions(self):
        """The contact's mentions on every platform, newest first."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_mention_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {}
        action["views"] = [(False, "list"), (False, "kanban"), (False, "form")]
        return action

    def action_view_social_crm_authors(self):
        """The contact's identities (authors) on the platforms."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_author_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
