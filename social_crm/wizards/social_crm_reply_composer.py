"""The reply composer: pick a suggested knowledge answer or a template, edit, see the tone
check, send through the source or mark as posted by hand."""

from markupsafe import Markup

from odoo import api, fields, models

from ..tools import tone as tone_tools


class SocialCrmReplyComposer(models.TransientModel):
    _name = "social_crm.reply.composer"
    _description = "Social CRM Reply Composer"

    mention_id = fields.Many2one("social_crm.mention", required=True, ondelete="cascade")
    mention_text = fields.Text(related="mention_id.text", string="The mention")
    author_id = fields.Many2one(related="mention_id.author_id")
    platform_id = fields.Many2one(related="mention_id.platform_id")
    lang = fields.Char(
        string="Language",
        size=8,
        help="Language of the reply (the mention's, unless you change it).",
    )
    tone_id = fields.Many2one("social_crm.tone", string="Tone of voice")
    address_form = fields.Selection(related="tone_id.address_form")
    key_values = fields.Text(related="tone_id.key_values")
    matrix_note = fields.Char(related="mention_id.matrix_note")
    suggestion_ids = fields.One2many(
        "social_crm.reply.composer.suggestion", "composer_id", string="Suggested answers"
    )
    answer_id = fields.Many2one(
        "social_crm.knowledge.answer",
        string="Knowledge answer",
        domain="[('state', '=', 'approved')]",
    )
    template_id = fields.Many2one(
        "social_crm.reply.template", domain="[('company_id', 'in', [False, company_id])]"
    )
    company_id = fields.Many2one(related="mention_id.company_id")
    body = fields.Text(string="Reply")
    char_count = fields.Integer(compute="_compute_check")
    limit = fields.Integer(
        compute="_compute_limit",
        help="Characters one reply may have: the platform's limit, or a private message's own.",
    )
    findings_html = fields.Html(string="Tone check", compute="_compute_check", sanitize=True)
    finding_count = fields.Integer(compute="_compute_check")
    has_errors = fields.Boolean(compute="_compute_check")
    override = fields.Boolean(
        string="Send anyway",
        help="Send despite the tone-of-voice warnings; the override is logged on the mention.",
    )
    can_post_api = fields.Boolean(compute="_compute_can_post_api")
    post_mode = fields.Selection(
        [("api", "Post through the source"), ("manual", "I posted it by hand")],
        string="How",
        required=True,
        default="manual",
    )
    reply_url = fields.Char(
        string="Link to the reply", help="Where the reply was posted by hand (optional)."
    )
    good_score = fields.Float(compute="_compute_good_score")

    # ------------------------------------------------------------------ defaults

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        mention = self.env["social_crm.mention"].browse(
            values.get("mention_id") or self.env.context.get("active_id")
        )
        if not mention.exists():
            return values
        values["mention_id"] = mention.id
        tone = mention._reply_tone()
        values["tone_id"] = tone.id
        values["lang"] = mention.lang or False
        values["post_mode"] = "api" if mention._can_post_through_source() else "manual"
        suggestions = mention._knowledge_suggestions()
        values["suggestion_ids"] = [
            (
                0,
                0,
                {
                    "answer_id": answer.id,
                    "score": score,
                    "rank": rank,
                    "matched_words": ", ".join(
                        self.env["social_crm.knowledge.answer"]._matched_words(
                            answer, mention._question_text(), mention.lang, mention.company_id
                        )
                    ),
                },
            )
            for rank, (answer, score) in enumerate(suggestions, 1)
        ]
        template = self.env["social_crm.reply.template"]._for_mention(mention)
        good = self.env["social_crm.knowledge.answer"]._good_score()
        chosen = self.env["social_crm.knowledge.answer"].browse(values.get("answer_id"))
        if chosen:  # "Use in reply" on a suggested answer
            values["body"] = mention._compose_reply(chosen.answer, tone)
        elif mention.reply and mention.state != "answered":
            values["body"] = mention.reply  # e.g. the expert's answer, already in the tone
            values["answer_id"] = mention.knowledge_answer_id.id
        elif suggestions and suggestions[0][1] >= good:
            values["answer_id"] = suggestions[0][0].id
            values["body"] = mention._compose_reply(suggestions[0][0].answer, tone)
        elif template:
            values["template_id"] = template.id
            values["body"] = template._render_reply(mention, tone)
        return values

    # ------------------------------------------------------------------ computes

    def _compute_good_score(self):
        self.good_score = self.env["social_crm.knowledge.answer"]._good_score()

    @api.depends("mention_id")
    def _compute_can_post_api(self):
        for composer in self:
            composer.can_post_api = bool(
                composer.mention_id and composer.mention_id._can_post_through_source()
            )

    @api.depends("mention_id")
    def _compute_limit(self):
        for composer in self:
            composer.limit = composer.mention_id._reply_limit() if composer.mention_id else 0

    @api.depends("body", "tone_id", "lang", "mention_id")
    def _compute_check(self):
        for composer in self:
            text = composer.body or ""
            composer.char_count = len(text.strip())
            findings = (
                composer.mention_id._check_reply(text, composer.tone_id, composer.lang or "")
                if composer.mention_id and text.strip()
                else []
            )
            composer.finding_count = len(findings)
            composer.has_errors = any(f["severity"] == "error" for f in findings)
            if findings:
                items = Markup("").join(
                    Markup('<li class="%s">%s</li>')
                    % ("text-danger" if f["severity"] == "error" else "text-warning", f["message"])
                    for f in findings
                )
                composer.findings_html = Markup("<ul class='mb-0'>%s</ul>") % items
            elif text.strip():
                composer.findings_html = Markup("<p class='text-success mb-0'>%s</p>") % self.env._(
                    "The reply matches the tone of voice."
                )
            else:
                composer.findings_html = False

    # ------------------------------------------------------------------ choices

    def _render_answer(self, answer):
        return self.mention_id._compose_reply(answer.answer, self.tone_id, self.lang or "")

    @api.onchange("answer_id")
    def _onchange_answer_id(self):
        if self.answer_id and self.mention_id:
            self.body = self._render_answer(self.answer_id)
            self.template_id = False

    @api.onchange("template_id")
    def _onchange_template_id(self):
        if self.template_id and self.mention_id:
            self.body = self.template_id._render_reply(self.mention_id, self.tone_id)
            self.answer_id = False

    @api.onchange("tone_id", "lang")
    def _onchange_tone(self):
        # a reply taken from an answer or a template is re-rendered in the new tone
        if self.mention_id and self.answer_id:
            self.body = self._render_answer(self.answer_id)
        elif self.mention_id and self.template_id:
            self.body = self.template_id._render_reply(self.mention_id, self.tone_id)

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Reply"),
        }

    def action_cut_to_limit(self):
        self.ensure_one()
        spec = self.tone_id._tone_spec()
        greeting = tone_tools.fill_name(
            tone_tools.apply_variants(spec.greeting(self.lang or ""), spec.address_form),
            self.mention_id._reply_author_name(),
        )
        self.body = tone_tools.cut_to_limit(
            self.body or "", self.limit, keep_tail=spec.signature, keep_head=greeting
        )
        return self._reopen()

    def action_ask_expert(self):
        self.ensure_one()
        return self.mention_id.action_ask_expert()

    def action_send(self):
        self.ensure_one()
        self.mention_id._send_reply(
            self.body,
            post_mode=self.post_mode,
            reply_url=self.reply_url,
            tone=self.tone_id,
            override=self.override,
            answer=self.answer_id,
            template=self.template_id,
            lang=self.lang or "",
        )
        # reload the mention behind the dialog: its state and the chatter's new note
        return {"type": "ir.actions.client", "tag": "soft_reload"}


class SocialCrmReplyComposerSuggestion(models.TransientModel):
    _name = "social_crm.reply.composer.suggestion"
    _description = "Social CRM Reply Composer Suggestion"
    _order = "rank, id"

    composer_id = fields.Many2one("social_crm.reply.composer", required=True, ondelete="cascade")
    answer_id = fields.Many2one(
        "social_crm.knowledge.answer", string="Knowledge answer", required=True, ondelete="cascade"
    )
    question = fields.Char(related="answer_id.name")
    answer = fields.Text(
        compute="_compute_answer", help="The answer as the composer's tone says it («Вы» or «ты»)."
    )
    answer_lang = fields.Char(related="answer_id.lang", string="Language")
    score = fields.Float(digits=(3, 2))
    rank = fields.Integer()
    matched_words = fields.Char(string="Matched words")

    @api.depends("answer_id.answer", "composer_id.tone_id.address_form")
    def _compute_answer(self):
        for line in self:
            form = line.composer_id.tone_id.address_form or "formal"
            line.answer = tone_tools.apply_variants(line.answer_id.answer or "", form)

    def action_use(self):
        self.ensure_one()
        composer = self.composer_id
        composer.write(
            {
                "answer_id": self.answer_id.id,
                "template_id": False,
                "body": composer._render_answer(self.answer_id),
            }
        )
        return composer._reopen()
