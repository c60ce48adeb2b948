"""The knowledge loop and replies on a mention.

Seed 1, step 5: «we take the answer from our knowledge base; if it isn't there, we get it from
the right people, archive it in the knowledge base, and answer the user».

* suggestions: the best approved knowledge answers for the mention's text, language and stage;
* ask an expert: an activity with a deadline for the chosen (or the stage's) expert, the
  mention waits for the expert; the expert's answer — given from the activity or the
  mention — becomes a draft knowledge answer born from the mention and the draft reply;
* send: a reply (templated or typed) is checked against the tone, posted through the source
  where the platform allows it or marked as posted by hand, logged in the chatter, and the
  first-response time is recorded.
"""
import re

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from ..tools import tone as tone_tools
from ..tools.knowledge import SHOW_SCORE

EXPERT_ACTIVITY_XMLID = "social_crm.mail_activity_type_expert_answer"
# A name with digits, underscores or @ is a handle, not something to greet someone by.
_HANDLE_LIKE = re.compile(r"[\d_@/]|^\W")


class SocialCrmStageExpert(models.Model):
    _inherit = "social_crm.stage"

    expert_id = fields.Many2one(
        "res.users", string="Default expert", domain=[("share", "=", False)],
        help="Who answers this stage's questions the knowledge base has no answer for, "
             "unless the agent picks someone else.")


class SocialCrmMentionReply(models.Model):
    _inherit = "social_crm.mention"

    # Knowledge suggestions (computed on display: the knowledge base changes all the time).
    suggested_answer_ids = fields.Many2many(
        "social_crm.knowledge.answer", string="Suggested answers",
        compute="_compute_suggestions",
        help="Approved knowledge answers closest to the mention's question, best first.")
    suggestion_score = fields.Float(string="Best match", compute="_compute_suggestions",
                                    digits=(3, 2))
    has_good_answer = fields.Boolean(compute="_compute_suggestions",
                                     help="The knowledge base has an answer that fits well.")

    # Expert loop.
    expert_id = fields.Many2one("res.users", string="Expert", tracking=True, copy=False,
                                domain=[("share", "=", False)])
    expert_question = fields.Text(copy=False, help="What the expert was asked.")
    expert_deadline = fields.Date(copy=False)
    expert_answer = fields.Text(copy=False, help="The expert's answer, in substance.")
    knowledge_answer_id = fields.Many2one(
        "social_crm.knowledge.answer", string="Knowledge answer", copy=False,
        index="btree_not_null", ondelete="set null",
        help="The knowledge answer the reply used or the expert's answer became.")
    born_answer_ids = fields.One2many("social_crm.knowledge.answer", "mention_id",
                                      string="Answers born here")
    born_answer_count = fields.Integer(compute="_compute_born_answer_count")

    # Communication matrix.
    matrix_user_ids = fields.Many2many("res.users", string="Responsible team",
                                       compute="_compute_matrix")
    matrix_note = fields.Char(string="Guideline", compute="_compute_matrix")

    # ------------------------------------------------------------------ computes

    @api.depends("text", "title", "lang", "stage_id", "company_id")
    def _compute_suggestions(self):
        Answer = self.env["social_crm.knowledge.answer"]
        good = Answer._good_score()
        for mention in self:
            found = mention._knowledge_suggestions() if mention.id else []
            mention.suggested_answer_ids = [(6, 0, [answer.id for answer, _ in found])]
            mention.suggestion_score = found[0][1] if found else 0.0
            mention.has_good_answer = bool(found and found[0][1] >= good)

    def _compute_born_answer_count(self):
        counts = dict(self.env["social_crm.knowledge.answer"]._read_group(
            [("mention_id", "in", self.ids)], ["mention_id"], ["__count"]))
        for mention in self:
            mention.born_answer_count = counts.get(mention, 0)

    @api.depends("stage_id", "platform_id", "company_id")
    def _compute_matrix(self):
        rows = self.env["social_crm.matrix"]._rows_for(self.filtered("id"))
        for mention in self:
            row = rows.get(mention.id) or self.env["social_crm.matrix"]
            mention.matrix_user_ids = row.user_ids
            mention.matrix_note = row.note or False

    # ------------------------------------------------------------------ assignment

    @api.model_create_multi
    def create(self, vals_list):
        mentions = super().create(vals_list)
        mentions.filtered(lambda m: not m.user_id)._assign_from_matrix()
        return mentions

    def _assign_from_matrix(self):
        """Give unassigned mentions to the least busy member of their matrix row's team."""
        rows = self.env["social_crm.matrix"]._rows_for(self)
        team = self.env["res.users"].union(*[row.user_ids for row in rows.values()]) \
            if rows else self.env["res.users"]
        if not team:
            return
        load = dict(self.sudo()._read_group(
            [("user_id", "in", team.ids), ("state", "in", ("new", "in_progress",
                                                           "waiting_expert"))],
            ["user_id"], ["__count"]))
        load = {user.id: count for user, count in load.items()}
        for mention in self:
            members = rows[mention.id].user_ids
            if not members:
                continue
            user = min(members, key=lambda u: (load.get(u.id, 0), u.id))
            load[user.id] = load.get(user.id, 0) + 1
            mention.write({"user_id": user.id})  # like a source's assignee: in progress

    # ------------------------------------------------------------------ suggestions

    def _question_text(self):
        self.ensure_one()
        return "\n".join(part for part in (self.title, self.text) if part)

    def _knowledge_suggestions(self, limit=5, min_score=SHOW_SCORE):
        """[(knowledge answer, score 0…1)] for this mention, best first; by default only
        those sharing more than a stray word with it."""
        self.ensure_one()
        return self.env["social_crm.knowledge.answer"]._suggest(
            self._question_text(), lang=self.lang or "", stage_code=self.stage_id.code or "",
            company=self.company_id, limit=limit, min_score=min_score)

    # ------------------------------------------------------------------ tone

    def _reply_tone(self):
        self.ensure_one()
        return self.env["social_crm.tone"]._for_mention(self)

    def _reply_author_name(self):
        """The name to greet the author by: a first name, or nothing for a handle."""
        self.ensure_one()
        name = (self.partner_id.name or self.author_id.name or "").strip()
        if not name or _HANDLE_LIKE.search(name):
            return ""
        return name.split()[0]

    def _reply_limit(self):
        self.ensure_one()
        return self.platform_id.reply_limit or 0

    def _compose_reply(self, body, tone=None, lang=None):
        """``body`` (markers allowed) in the tone's voice: greeting, closing, signature, cut to
        the platform's limit."""
        self.ensure_one()
        tone = tone if tone is not None else self._reply_tone()
        lang = self.lang if lang is None else lang
        return tone_tools.compose(body or "", tone._tone_spec(), lang or "",
                                  name=self._reply_author_name(), limit=self._reply_limit(),
                                  mention_text=self.text)

    def _check_reply(self, text, tone=None, lang=None):
        """Translated tone findings for a reply to this mention."""
        self.ensure_one()
        # the caller's environment: findings come in the user's language
        tone = (tone if tone is not None else self._reply_tone()).with_env(self.env)
        lang = self.lang if lang is None else lang
        return tone._check_reply(text, lang or "", limit=self._reply_limit(),
                                 mention_text=self.text)

    # ------------------------------------------------------------------ expert loop

    def action_ask_expert(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Ask an expert"),
            "res_model": "social_crm.expert.request",
            "view_mode": "form",
            "target": "new",
            "context": {"default_mention_id": self.id},
        }

    def _request_expert(self, expert, question, deadline, note=""):
        """Assign an 'Expert answer' activity and put the mention in 'waiting for expert'."""
        self.ensure_one()
        if not expert:
            raise UserError(self.env._(
                "Choose an expert for “%(mention)s”, or set a default expert on the stage "
                "“%(stage)s”.", mention=self.display_name,
                stage=self.stage_id.display_name or "—"))
        summary = self.env._("Answer for a customer: %(question)s",
                             question=(question or self.name or "")[:80])
        note_html = plaintext2html(question or "")
        if note:
            note_html += plaintext2html(note)
        self.activity_schedule(EXPERT_ACTIVITY_XMLID, date_deadline=deadline, summary=summary,
                               note=note_html, user_id=expert.id)
        vals = {"expert_id": expert.id, "expert_question": question,
                "expert_deadline": deadline, "state": "waiting_expert"}
        if not self.user_id:
            vals["user_id"] = self.env.uid
        self.write(vals)
        return True

    def _expert_activities(self):
        activity_type = self.env.ref(EXPERT_ACTIVITY_XMLID, raise_if_not_found=False)
        if not activity_type:
            return self.env["mail.activity"]
        return self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def action_submit_expert_answer(self):
        """The expert answers from the mention: closes their activity with the answer."""
        self.ensure_one()
        text = (self.expert_answer or "").strip()
        if not text:
            raise UserError(self.env._("Write the expert's answer first."))
        activities = self._expert_activities()
        if activities:
            # the activity hook records the answer (the same path as answering from it)
            activities[:1].action_feedback(feedback=text)
            (activities - activities[:1]).unlink()
        else:
            self._record_expert_answer(text, self.env.user)
        return True

    def _record_expert_answer(self, text, expert):
        """The expert's answer → a draft knowledge answer born from the mention and the
        draft reply.  Runs as superuser: the expert need not be a Social CRM user."""
        self.ensure_one()
        text = (text or "").strip()
        if not text:
            return self.env["social_crm.knowledge.answer"]
        mention = self.sudo()
        question = (mention.expert_question or mention._question_text()).strip()
        first_line = question.splitlines()[0] if question else mention.name
        answer = self.env["social_crm.knowledge.answer"].sudo().create({
            "name": first_line[:200],
            "question_variants": "\n".join(question.splitlines()[1:]) or False,
            "answer": text,
            "lang": mention.lang or False,
            "stage_ids": [(6, 0, mention.stage_id.ids)],
            "expert_id": expert.id,
            "mention_id": mention.id,
            "company_id": mention.company_id.id,
            "state": "draft",
        })
        vals = {"expert_answer": text, "knowledge_answer_id": answer.id,
                "expert_id": expert.id,
                "reply": mention._compose_reply(text)}
        if mention.state == "waiting_expert":
            vals["state"] = "in_progress"
        mention.write(vals)
        mention.message_post(
            body=Markup("%s<br/>%s") % (
                self.env._("%(expert)s answered; the answer is a draft in the knowledge base "
                           "and in the reply.", expert=expert.name),
                plaintext2html(text)),
            subtype_xmlid="mail.mt_note")
        return answer

    def action_open_born_answers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Knowledge answers"),
            "res_model": "social_crm.knowledge.answer",
            "view_mode": "list,form",
            "domain": [("mention_id", "=", self.id)],
            "context": {"default_mention_id": self.id, "default_lang": self.lang},
        }

    # ------------------------------------------------------------------ reply

    def action_open_composer(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reply"),
            "res_model": "social_crm.reply.composer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_mention_id": self.id},
        }

    def _can_post_through_source(self):
        """The source's kind and the platform both let us post the reply through the API."""
        self.ensure_one()
        source = self.source_id
        return bool(hasattr(source, "_post_reply") and getattr(source, "can_reply", False)
                    and self.platform_id.can_reply)

    def _send_reply(self, text, post_mode="auto", reply_url=False, tone=None,
                    override=False, answer=None, template=None, lang=None):
        """Check, post and record one reply.

        ``post_mode``: 'api' (through the source), 'manual' (posted by hand; ``reply_url``
        links it) or 'auto' (the API where allowed, else by hand).  Tone warnings block the
        reply unless ``override`` (then the override is logged); a reply over the platform's
        limit is never sent.  Returns the findings that were overridden.
        """
        self.ensure_one()
        text = (text or "").strip()
        if not text:
            raise UserError(self.env._("The reply is empty."))
        tone = tone if tone is not None else self._reply_tone()
        findings = self._check_reply(text, tone, lang)
        errors = [f for f in findings if f["severity"] == "error"]
        if errors:
            raise UserError("\n".join(f["message"] for f in errors))
        if findings and not override:
            raise UserError(self.env._(
                "The reply does not match the tone of voice:\n%(findings)s\nFix it, or tick "
                "“Send anyway” to override.",
                findings="\n".join(f"• {f['message']}" for f in findings)))
        if post_mode == "auto":
            post_mode = "api" if self._can_post_through_source() else "manual"
        posted = {}
        if post_mode == "api":
            if not hasattr(self.source_id, "_post_reply"):
                raise UserError(self.env._(
                    "Source “%(source_name)s” cannot post replies; mark the reply as posted by "
                    "hand.", source_name=self.source_id.display_name))
            posted = self.source_id._post_reply(self, text) or {}
            reply_url = posted.get("url") or reply_url
        now = fields.Datetime.now()
        vals = {"reply": text, "reply_url": reply_url or False, "state": "answered"}
        if not self.first_response_at:
            vals["first_response_at"] = now
        if answer:
            vals["knowledge_answer_id"] = answer.id
        self.write(vals)
        if answer:
            answer._mark_used()
        self._log_reply(text, post_mode, reply_url, findings if override else [], template,
                        answer)
        return findings if override else []

    def _log_reply(self, text, post_mode, reply_url, overridden, template, answer):
        if post_mode == "api":
            how = self.env._("Reply posted on %(platform)s through “%(source_name)s”.",
                             platform=self.platform_id.display_name,
                             source_name=self.source_id.display_name)
        else:
            how = self.env._("Reply posted by hand on %(platform)s.",
                             platform=self.platform_id.display_name)
        body = Markup("<p>%s</p>") % how
        if reply_url:
            body += Markup('<p><a href="%s" target="_blank" rel="noopener">%s</a></p>') % (
                reply_url, reply_url)
        # not a <blockquote>: Odoo folds quotes away in the chatter
        body += Markup('<div class="border-start border-3 ps-2">%s</div>') % plaintext2html(text)
        sources = []
        if template:
            sources.append(self.env._("template “%(name)s”", name=template.display_name))
        if answer:
            sources.append(self.env._("knowledge answer “%(name)s”", name=answer.display_name))
        if sources:
            body += Markup("<p>%s</p>") % self.env._("Based on %(what)s.",
                                                    what=", ".join(sources))
        if overridden:
            items = Markup("").join(Markup("<li>%s</li>") % f["message"] for f in overridden)
            body += Markup("<p><b>%s</b></p><ul>%s</ul>") % (
                self.env._("Sent despite tone-of-voice warnings:"), items)
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
