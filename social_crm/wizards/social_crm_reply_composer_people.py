"""The reply composer knows how the person writes: their language and «Вы» / «ты», shown
next to the brand's tone as a hint (the tone stays the brand's choice)."""

from odoo import api, fields, models


class SocialCrmReplyComposer(models.TransientModel):
    _inherit = "social_crm.reply.composer"

    author_hint = fields.Char(
        string="The author",
        compute="_compute_author_hint",
        help="How the person writes: the language and the form of address of their mentions.",
    )
    author_address_form = fields.Selection(
        related="author_id.address_form", string="The author uses"
    )
    author_is_advocate = fields.Boolean(related="author_id.is_advocate")

    @api.depends("author_id", "tone_id")
    def _compute_author_hint(self):
        for composer in self:
            author = composer.author_id
            hint = author.answer_hint or ""
            tone_form = composer.tone_id.address_form
            if author.address_form and tone_form and author.address_form != tone_form:
                forms = dict(author._fields["address_form"]._description_selection(self.env))
                hint = " ".join(
                    part
                    for part in (
                        hint,
                        self.env._(
                            "The tone answers with %(tone)s: consider a tone with %(author)s.",
                            tone=forms.get(tone_form, tone_form),
                            author=forms[author.address_form],
                        ),
                    )
                    if part
                )
            composer.author_hint = hint or False
