"""Reply templates: plain text on ``mail.render.mixin`` (like ``sms.template``), rendered on a
mention, then put in the brand's voice by ``tools.tone.compose``.

One body serves both address forms: Odoo renders ``{{ object.… }}`` placeholders first, then
``[[formal|informal]]`` markers pick the tone's side; the tone adds its greeting (with the
author's name), closing and signature, and the reply is cut cleanly to the platform's limit.
"""

import logging

from odoo import api, fields, models

from ..tools import tone as tone_tools

_logger = logging.getLogger(__name__)

# A mention in a language no template speaks gets a template in one of these (then English):
# in Kazakhstan, Kyrgyzstan, Uzbekistan and Belarus Russian is the common second language.
LANG_FALLBACKS = {
    "kk": ("ru",),
    "ky": ("ru",),
    "uz": ("ru",),
    "be": ("ru",),
    "tg": ("ru",),
    "tt": ("ru",),
    "ba": ("ru",),
    "mn": ("ru",),
}


def _base_lang(lang):
    return (lang or "").strip().lower().replace("-", "_").split("_")[0]


class SocialCrmReplyTemplate(models.Model):
    _name = "social_crm.reply.template"
    _description = "Social CRM Reply Template"
    _inherit = ["mail.render.mixin"]
    _order = "sequence, id"

    # Managers write templates; agents render them on the mentions they answer.
    _unrestricted_rendering = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    body = fields.Text(
        required=True,
        help="The reply's substance. {{ object.author_id.name }} and other placeholders are "
        "filled from the mention; [[formal|informal]] markers adapt the text to «Вы» or "
        "«ты»; the tone adds the greeting, closing and signature.",
    )
    stage_id = fields.Many2one(
        "social_crm.stage", index=True, ondelete="cascade", help="Empty = any stage."
    )
    platform_ids = fields.Many2many(
        "social_crm.platform", string="Platforms", help="Empty = every platform."
    )
    language = fields.Char(
        string="Mention language",
        size=8,
        index=True,
        help="ISO 639-1 code of the mentions this template answers "
        "(ru, en, …); empty = any language.",
    )
    tone_id = fields.Many2one(
        "social_crm.tone",
        help="Empty = the tone chosen for the mention (matrix, platform, brand, company).",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to share the template between companies.",
    )
    preview_formal = fields.Text(string="«Вы»", compute="_compute_previews")
    preview_informal = fields.Text(string="«ты»", compute="_compute_previews")

    @api.depends("body")
    def _compute_render_model(self):
        self.render_model = "social_crm.mention"

    @api.depends("body", "language", "tone_id")
    def _compute_previews(self):
        default_tone = self.env["social_crm.tone"].search(
            [
                ("company_id", "in", [False, self.env.company.id]),
                ("platform_ids", "=", False),
                ("brand_id", "=", False),
            ],
            limit=1,
        )
        for template in self:
            spec = (template.tone_id or default_tone)._tone_spec()
            lang = template.language or "ru"
            for form in ("formal", "informal"):
                spec.address_form = form
                template[f"preview_{form}"] = tone_tools.compose(template.body or "", spec, lang)

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        return [
            dict(vals, name=self.env._("%(name)s (copy)", name=template.name))
            for template, vals in zip(self, vals_list, strict=False)
        ]

    # ------------------------------------------------------------------ rendering

    def _render_body(self, mention):
        """The body with the mention's placeholders filled (markers still in)."""
        self.ensure_one()
        return self._render_field("body", mention.ids)[mention.id] or ""

    def _render_reply(self, mention, tone=None):
        """The whole reply for ``mention``: rendered, in the tone, cut to the platform."""
        self.ensure_one()
        tone = (
            tone
            if tone is not None
            else (self.tone_id or self.env["social_crm.tone"]._for_mention(mention))
        )
        return mention._compose_reply(self._render_body(mention), tone)

    # ------------------------------------------------------------------ choice

    @api.model
    def _candidates_for(self, mention):
        """Active templates that may answer ``mention``, best first."""
        mention.ensure_one()
        lang = _base_lang(mention.lang)
        fallbacks = []
        for code in LANG_FALLBACKS.get(lang, ()) + ("en", "ru"):
            if code != lang and code not in fallbacks:
                fallbacks.append(code)
        matrix_template = self.env["social_crm.matrix"]._row_for(mention).template_id
        templates = self.search(
            [
                ("company_id", "in", [False, mention.company_id.id]),
                ("stage_id", "in", [False, mention.stage_id.id]),
            ]
        )

        def lang_rank(template):
            tpl_lang = _base_lang(template.language)
            if lang and tpl_lang == lang:
                return 100
            if not tpl_lang:
                return 99
            if tpl_lang in fallbacks:
                return 50 - fallbacks.index(tpl_lang)
            return 0

        def key(template):
            return (
                lang_rank(template),
                template == matrix_template,
                bool(template.stage_id),
                bool(template.platform_ids),
                -template.sequence,
                -template.id,
            )

        usable = templates.filtered(
            lambda t: not t.platform_ids or mention.platform_id in t.platform_ids
        )
        return usable.sorted(key=key, reverse=True)

    @api.model
    def _for_mention(self, mention):
        return self._candidates_for(mention)[:1]
