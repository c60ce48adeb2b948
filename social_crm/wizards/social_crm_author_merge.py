"""Merge authors of one platform that are one account (re-imported under another id)."""

from odoo import api, fields, models
from odoo.exceptions import UserError


class SocialCrmAuthorMerge(models.TransientModel):
    _name = "social_crm.author.merge"
    _description = "Social CRM Merge Authors"

    author_ids = fields.Many2many("social_crm.author", string="Authors", required=True)
    dest_author_id = fields.Many2one(
        "social_crm.author",
        string="Keep",
        required=True,
        domain="[('id', 'in', author_ids)]",
        help="The author that stays; the others' mentions move to it and they are removed.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        ids = values.get("author_ids") or []
        if ids and isinstance(ids[0], (list, tuple)):
            ids = ids[0][2] if ids[0][0] == 6 else [c[1] for c in ids]
        if not ids and self.env.context.get("active_model") == "social_crm.author":
            ids = self.env.context.get("active_ids") or []
        if ids:
            authors = self.env["social_crm.author"].browse(ids)
            values["author_ids"] = [(6, 0, authors.ids)]
            values["dest_author_id"] = authors.sorted(lambda a: (-a.mention_count, a.id))[:1].id
        return values

    def action_merge(self):
        self.ensure_one()
        if self.dest_author_id not in self.author_ids:
            raise UserError(
                self.env._(
                    "The author to keep (%(author)s) must be one of the authors merged.",
                    author=self.dest_author_id.display_name,
                )
            )
        dest = self.dest_author_id._merge_from(self.author_ids - self.dest_author_id)
        return {
            "type": "ir.actions.act_window",
            "res_model": "social_crm.author",
            "res_id": dest.id,
            "view_mode": "form",
        }
