from odoo import api, fields, models


class SocialCrmTonePhrase(models.Model):
    _name = "social_crm.tone.phrase"
    _description = "Social CRM Tone Greeting and Closing"
    _order = "tone_id, lang"

    tone_id = fields.Many2one("social_crm.tone", required=True, ondelete="cascade", index=True)
    lang = fields.Char(
        string="Language",
        size=8,
        required=True,
        help="ISO 639-1 code of the replies these phrases are for (ru, en, …).",
    )
    greeting = fields.Char(
        help="Opens every reply. {name} is the author's name; [[formal|informal]] markers "
        "adapt it to the address form. Empty = the default for the tone's friendliness."
    )
    closing = fields.Char(
        help="Ends every reply, before the signature. Empty = the default for the tone's "
        "friendliness."
    )

    _sql_constraints = [
        (
            "tone_lang_unique",
            "unique(tone_id, lang)",
            "A tone has one greeting and closing per language.",
        ),
    ]

    @api.onchange("lang")
    def _onchange_lang(self):
        if self.lang:
            self.lang = self.lang.strip().lower()
