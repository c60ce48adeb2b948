"""The mention's 'earlier mentions' of its author: strictly before it."""

from odoo import models


class SocialCrmMention(models.Model):
    _inherit = "social_crm.mention"  # pylint: disable=consider-merging-classes-inherited
    # a feature layer of the model in its own file (README, Architecture)

    def _compute_author_mention_ids(self):
        authors = self.author_id
        others = (
            self.search([("author_id", "in", authors.ids)], order="published_at desc, id desc")
            if authors
            else self.browse()
        )
        by_author = {}
        for other in others:
            by_author.setdefault(other.author_id.id, []).append(other)
        for mention in self:
            # earlier = published before this one; the same minute: imported before it
            mine = (mention.published_at, mention.id if isinstance(mention.id, int) else 0)
            ids = [
                other.id
                for other in by_author.get(mention.author_id.id, [])
                if other.id != mention.id
                and (
                    not mention.published_at
                    or (other.published_at and (other.published_at, other.id) < mine)
                )
            ]
            mention.author_mention_ids = [(6, 0, ids[:20])]

    def action_open_partner(self):
        """The author's contact: who this person is, their identities and history."""
        self.ensure_one()
        self.check_access("read")
        self.partner_id.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "views": [(False, "form")],
        }
