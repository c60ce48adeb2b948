"""«Thank an advocate»: templates kept for the positive mentions of brand advocates."""

from odoo import api, fields, models


class SocialCrmReplyTemplate(models.Model):
    _inherit = "social_crm.reply.template"

    for_advocates = fields.Boolean(
        string="Thank an advocate",
        help="Offered first for a positive mention of a brand advocate, and only for those.",
    )

    @api.model
    def _candidates_for(self, mention):
        candidates = super()._candidates_for(mention)
        advocates = candidates.filtered("for_advocates")
        if not advocates:
            return candidates
        if mention.author_id.is_advocate and mention.sentiment == "positive":
            return advocates + (candidates - advocates)
        return candidates - advocates
