"""Tone of voice: how the brand talks — «Вы» or «ты», style, friendliness, values.

The record is configuration; rendering and lint live in ``tools/tone.py`` (ToneSpec, compose,
check).  This model turns itself into a ToneSpec, picks the tone for a mention (matrix row,
then platform and brand, then the company's default) and turns Finding codes into
translatable messages.
"""

from odoo import api, fields, models

from ..tools import tone as tone_tools
from .social_crm_brand import split_lines

ADDRESS_FORMS = [("formal", "Formal («Вы»)"), ("informal", "Informal («ты»)")]
STYLES = [
    ("educational", "Educational"),
    ("motivational", "Motivational"),
    ("entertaining", "Entertaining"),
]
FRIENDLINESS = [("formal", "Formal"), ("neutral", "Neutral"), ("informal", "Informal")]
EMOJI_POLICIES = [
    ("none", "Never"),
    ("allowed", "Allowed"),
    ("mirror", "Only when the author used emoji"),
]

# A sample reply body per language for the preview (markers show both address forms).
PREVIEW_BODIES = {
    "ru": "[[Напишите|Напиши]], пожалуйста, номер заказа в личные сообщения — проверим, "
    "что случилось, и вернёмся с ответом.",
    "en": "Please send us your order number in a private message — we'll check what "
    "happened and get back to you.",
    "uk": "[[Напишіть|Напиши]], будь ласка, номер замовлення в особисті повідомлення — "
    "перевіримо, що сталося.",
    "kk": "Тапсырыс нөмірін жеке хабарламаға [[жазыңыз|жаз]], не болғанын тексереміз.",
}
PREVIEW_NAMES = {"ru": "Анна", "uk": "Олена", "kk": "Айгерім", "en": "Anna"}


class SocialCrmTone(models.Model):
    _name = "social_crm.tone"
    _description = "Social CRM Tone of Voice"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to use the tone in every company.",
    )
    brand_id = fields.Many2one(
        "social_crm.brand",
        ondelete="cascade",
        domain=[("is_competitor", "=", False)],
        help="Only for mentions of this brand; empty = any brand.",
    )
    platform_ids = fields.Many2many(
        "social_crm.platform",
        string="Platforms",
        help="Only for these platforms; empty = every platform.",
    )
    address_form = fields.Selection(ADDRESS_FORMS, required=True, default="formal", tracking=True)
    style = fields.Selection(
        STYLES,
        required=True,
        default="educational",
        help="Educational: explain and teach. Motivational: encourage "
        "and inspire. Entertaining: light, with humour.",
    )
    friendliness = fields.Selection(
        FRIENDLINESS,
        required=True,
        default="neutral",
        tracking=True,
        help="Chooses the default greeting and closing.",
    )
    key_values = fields.Text(
        help="What the brand stresses in every conversation, one per line (reliability, "
        "care, honesty…). The reply composer reminds agents of them."
    )
    phrase_ids = fields.One2many(
        "social_crm.tone.phrase", "tone_id", string="Greetings and closings"
    )
    signature = fields.Char(help="Signs every reply («Команда поддержки Орбиты»).")
    emoji_policy = fields.Selection(EMOJI_POLICIES, required=True, default="allowed")
    banned_words = fields.Text(
        help="Words and phrases replies must not contain, one per line. Word forms are "
        "recognised; end a line with * to ban every word starting with it."
    )
    require_greeting = fields.Boolean(
        default=True, help="Warn when a reply does not open with a greeting."
    )
    preview = fields.Text(
        compute="_compute_preview", help="A sample reply in each language, as this tone renders it."
    )

    # ------------------------------------------------------------------ spec

    def _tone_spec(self):
        """This tone as a tools.tone.ToneSpec (an empty record gives the defaults)."""
        if not self:
            return tone_tools.ToneSpec()
        self.ensure_one()
        return tone_tools.ToneSpec(
            address_form=self.address_form or "formal",
            style=self.style or "educational",
            friendliness=self.friendliness or "neutral",
            values=split_lines(self.key_values),
            greetings={
                p.lang.lower(): p.greeting for p in self.phrase_ids if p.lang and p.greeting
            },
            closings={p.lang.lower(): p.closing for p in self.phrase_ids if p.lang and p.closing},
            signature=self.signature or "",
            emoji_policy=self.emoji_policy or "allowed",
            banned_words=split_lines(self.banned_words),
        )

    @api.depends(
        "address_form",
        "friendliness",
        "phrase_ids.lang",
        "phrase_ids.greeting",
        "phrase_ids.closing",
        "signature",
        "emoji_policy",
        "banned_words",
        "require_greeting",
    )
    def _compute_preview(self):
        for tone in self:
            spec = tone._tone_spec()
            langs = ["ru", "en"] + sorted(
                {p.lang.lower() for p in tone.phrase_ids if p.lang} - {"ru", "en"}
            )
            blocks = []
            for lang in langs:
                body = PREVIEW_BODIES.get(lang, PREVIEW_BODIES["en"])
                text = tone_tools.compose(body, spec, lang, name=PREVIEW_NAMES.get(lang, "Anna"))
                findings = tone._finding_messages(
                    tone_tools.check(text, spec, lang, require_greeting=tone.require_greeting)
                )
                block = f"[{lang}]\n{text}"
                if findings:
                    block += "\n" + "\n".join(f"⚠ {f['message']}" for f in findings)
                blocks.append(block)
            tone.preview = "\n\n".join(blocks)

    # ------------------------------------------------------------------ choice

    @api.model
    def _for_mention(self, mention):
        """The tone for a mention: its matrix row's, else the most specific active tone
        (platform and brand match), else the company's general one; may be empty."""
        mention.ensure_one()
        row = self.env["social_crm.matrix"]._row_for(mention)
        if row.tone_id:
            return row.tone_id
        tones = self.search([("company_id", "in", [False, mention.company_id.id])])
        best, best_key = self.browse(), None
        for tone in tones:
            if tone.platform_ids and mention.platform_id not in tone.platform_ids:
                continue
            if tone.brand_id and tone.brand_id not in mention.brand_ids:
                continue
            key = (
                bool(tone.platform_ids),
                bool(tone.brand_id),
                bool(tone.company_id),
                -tone.sequence,
                -tone.id,
            )
            if best_key is None or key > best_key:
                best, best_key = tone, key
        return best

    # ------------------------------------------------------------------ check

    def _finding_messages(self, findings):
        """Tool findings as dicts with a translated message (code, severity, message)."""
        result = []
        for finding in findings:
            params = finding.params
            code = finding.code
            if code == tone_tools.INFORMAL_IN_FORMAL:
                message = self.env._(
                    "“%(word)s” addresses the author informally («ты»), but the tone uses «Вы».",
                    word=params.get("word", ""),
                )
            elif code == tone_tools.FORMAL_IN_INFORMAL:
                message = self.env._(
                    "“%(word)s” addresses the author formally («Вы»), but the tone uses «ты».",
                    word=params.get("word", ""),
                )
            elif code == tone_tools.BANNED_WORD:
                message = self.env._(
                    "“%(word)s” is on the tone's banned list (%(banned)s).",
                    word=params.get("word", ""),
                    banned=params.get("banned", ""),
                )
            elif code == tone_tools.TOO_LONG:
                message = self.env._(
                    "The reply has %(length)s characters; the platform accepts %(limit)s.",
                    length=params.get("length", 0),
                    limit=params.get("limit", 0),
                )
            elif code == tone_tools.MISSING_GREETING:
                message = self.env._(
                    "The reply does not open with a greeting (e.g. “%(greeting)s”).",
                    greeting=params.get("greeting", ""),
                )
            elif code == tone_tools.EMOJI_NOT_ALLOWED:
                if params.get("policy") == "mirror":
                    message = self.env._(
                        "Emoji “%(emoji)s”: the tone uses emoji only when the author did.",
                        emoji=params.get("emoji", ""),
                    )
                else:
                    message = self.env._(
                        "Emoji “%(emoji)s”: the tone uses no emoji.", emoji=params.get("emoji", "")
                    )
            else:  # a code added to the tools later: still shown, untranslated
                message = code
            result.append({"code": code, "severity": finding.severity, "message": message})
        return result

    def _check_reply(self, text, lang, limit=0, mention_text=None):
        """Translated findings for ``text`` in this tone (empty recordset: default tone)."""
        spec = self._tone_spec()
        require_greeting = self.require_greeting if self else True
        findings = tone_tools.check(
            text,
            spec,
            lang or "",
            limit=limit or 0,
            require_greeting=require_greeting,
            mention_text=mention_text,
        )
        return self._finding_messages(findings)
