"""The person behind an author: the profile (who is this person, have they written before
and about what, how were they answered, how to answer them — over all identities of the same
contact), the merge of two records of one account, and forgetting a person on request."""

import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import people

_logger = logging.getLogger(__name__)

ADDRESS_FORMS = [("formal", "«Вы»"), ("informal", "«ты»")]
QUESTIONS_SHOWN = 5
QUESTION_CHARS = 140
# Mention fields that may carry the person's words about themselves.
_SCRUBBED_TEXT_FIELDS = ("text", "title", "reply", "expert_question", "expert_answer")
_SCRUBBED_LINK_FIELDS = ("url", "reply_url")


class SocialCrmAuthor(models.Model):
    _inherit = "social_crm.author"  # pylint: disable=consider-merging-classes-inherited
    # a feature layer of the model in its own file (README, Architecture)

    person_author_ids = fields.Many2many(
        "social_crm.author",
        string="Identities",
        compute="_compute_profile",
        help="The identities of the same person: the authors linked to the same contact.",
    )
    person_mention_count = fields.Integer(
        string="Mentions of the person", compute="_compute_profile"
    )
    reach = fields.Integer(
        compute="_compute_profile", help="The audience of all the person's identities together."
    )
    negative_share = fields.Float(
        string="Negative", compute="_compute_profile", help="Share of negative mentions."
    )
    answered_share = fields.Float(
        string="Answered", compute="_compute_profile", help="Share of mentions answered."
    )
    median_response_minutes = fields.Float(
        string="Median response (minutes)",
        compute="_compute_profile",
        help="Median minutes from a mention to our first response, answered mentions only.",
    )
    platform_summary = fields.Char(string="Per platform", compute="_compute_profile")
    stage_summary = fields.Char(string="Per stage", compute="_compute_profile")
    typical_questions = fields.Text(
        compute="_compute_profile", help="The person's latest questions, newest first."
    )
    last_reply = fields.Text(string="Last reply sent", compute="_compute_profile")
    last_reply_at = fields.Datetime(string="Last reply on", compute="_compute_profile")
    reply_lang = fields.Char(
        string="Writes in", compute="_compute_profile", help="The language of most mentions."
    )
    address_form = fields.Selection(
        ADDRESS_FORMS,
        string="Addresses us with",
        compute="_compute_profile",
        help="The form of address the person uses in their mentions.",
    )
    answer_hint = fields.Char(string="How to answer", compute="_compute_profile")
    match_count = fields.Integer(string="Suggested identities", compute="_compute_match_count")

    @api.depends("partner_id", "mention_ids")
    def _compute_profile(self):
        Mention = self.env["social_crm.mention"]
        for author in self:
            identities = author
            if author.partner_id:
                identities |= author.partner_id.social_crm_author_ids
            mentions = Mention.search(
                [("author_id", "in", identities.ids)], order="published_at desc, id desc"
            )
            total = len(mentions)
            answered = mentions.filtered("first_response_at")
            author.person_author_ids = identities
            author.person_mention_count = total
            author.reach = sum(identities.mapped("followers"))
            author.negative_share = (
                len(mentions.filtered(lambda m: m.sentiment == "negative")) / total
                if total
                else 0.0
            )
            author.answered_share = len(answered) / total if total else 0.0
            author.median_response_minutes = people.median(
                answered.mapped("first_response_minutes")
            )
            author.platform_summary = _summary([m.platform_id.name for m in mentions])
            author.stage_summary = _summary([m.stage_id.name for m in mentions])
            author.typical_questions = "\n".join(_questions(mentions)) or False
            replied = mentions.filtered("reply")[:1]
            author.last_reply = replied.reply or False
            author.last_reply_at = replied.first_response_at or False
            lang = people.most_common(mentions.mapped("lang"))
            form = people.address_form(mentions.mapped("text"))
            author.reply_lang = lang or False
            author.address_form = form or False
            author.answer_hint = author._answer_hint(lang, form)

    def _answer_hint(self, lang, form):
        if not lang and not form:
            return False
        parts = []
        if lang:
            parts.append(self.env._("writes in %(lang)s", lang=_language_name(self.env, lang)))
        if form:
            parts.append(self.env._("addresses us with %(form)s", form=dict(ADDRESS_FORMS)[form]))
        return self.env._("The person %(what)s.", what=", ".join(parts))

    def _compute_match_count(self):
        groups = self.env["social_crm.author.match"]._read_group(
            [("state", "=", "suggested"), ("author_id", "in", self.ids)], ["author_id"], ["__count"]
        )
        others = self.env["social_crm.author.match"]._read_group(
            [("state", "=", "suggested"), ("other_author_id", "in", self.ids)],
            ["other_author_id"],
            ["__count"],
        )
        counts = {author.id: count for author, count in groups}
        for author, count in others:
            counts[author.id] = counts.get(author.id, 0) + count
        for author in self:
            author.match_count = counts.get(author.id, 0)

    def action_find_identities(self):
        """Look for the other identities of these authors now (the scheduled action does it
        for new authors) and show the suggestions."""
        self._check_people_rights()
        self.env["social_crm.author.match"]._suggest_for(self)
        return self.action_view_matches()

    def action_view_matches(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_author_match_action"
        )
        action["domain"] = [
            "|",
            ("author_id", "in", self.ids),
            ("other_author_id", "in", self.ids),
        ]
        return action

    # -- rights -------------------------------------------------------------------------------
    def _check_people_rights(self, manager=False):
        """Social CRM users (administrators for ``manager``) with write access to these
        authors; AccessError naming them for anyone else. Before any sudo()."""
        group = "social_crm.group_manager" if manager else "social_crm.group_user"
        if not self.env.su and not self.env.user.has_group(group):
            message = (
                self.env._(
                    "Only Social CRM administrators may forget an author (%(authors)s).",
                    authors=", ".join(self.sudo().mapped("display_name")),
                )
                if manager
                else self.env._(
                    "Only Social CRM users may change the identities of authors (%(authors)s).",
                    authors=", ".join(self.sudo().mapped("display_name")),
                )
            )
            raise AccessError(message)
        self.check_access("write")

    # -- merge ----------------------------------------------------------------------------------
    def _merge_from(self, others):
        """Merge ``others`` — the same account on the same platform, re-imported under another
        id — into this author: their mentions move here, the counts are recomputed, their
        ids lead here on the next import, and the merge is logged on this author."""
        self.ensure_one()
        others = others - self
        if not others:
            raise UserError(self.env._("Choose at least two authors to merge."))
        everyone = self | others
        everyone._check_people_rights()
        everyone = everyone.sudo()
        names = ", ".join(everyone.mapped("display_name"))
        if len(everyone.platform_id) > 1:
            raise UserError(
                self.env._(
                    "Authors %(authors)s are on different platforms (%(platforms)s): they are "
                    "not one account. Link them to one contact instead.",
                    authors=names,
                    platforms=", ".join(everyone.platform_id.mapped("name")),
                )
            )
        if any(everyone.mapped("is_forgotten")):
            raise UserError(
                self.env._(
                    "Authors %(authors)s: a forgotten author cannot be merged.", authors=names
                )
            )
        if len(everyone.partner_id) > 1:
            raise UserError(
                self.env._(
                    "Authors %(authors)s are linked to different contacts (%(contacts)s): merge "
                    "the contacts first, then the authors.",
                    authors=names,
                    contacts=", ".join(everyone.partner_id.mapped("display_name")),
                )
            )
        dest = self.sudo()
        others = others.sudo()
        mentions = others.with_context(active_test=False).mention_ids
        mentions.with_context(tracking_disable=True, social_crm_analysis=True).write(
            {"author_id": dest.id}
        )
        values = {"followers": max(everyone.mapped("followers"))}
        if everyone.partner_id and not dest.partner_id:
            values["partner_id"] = everyone.partner_id.id
        if any(everyone.mapped("is_customer")):
            values["is_customer"] = True
        for fname in ("handle", "url", "notes"):
            if not dest[fname]:
                values[fname] = next((o[fname] for o in others if o[fname]), False)
        dest.with_context(tracking_disable=True).write(values)
        (dest | others)._refresh_stats()
        Alias = self.env["social_crm.author.alias"].sudo()
        Alias.search([("author_id", "in", others.ids)]).write({"author_id": dest.id})
        for other in others:
            Alias._remember(dest, other.external_id)
        self.env["social_crm.author.match"].sudo().search(
            ["|", ("author_id", "in", others.ids), ("other_author_id", "in", others.ids)]
        ).unlink()
        dest.message_post(
            body=self.env._(
                "%(user)s merged %(authors)s (ids on the platform: %(ids)s) into this author; "
                "%(count)s mention(s) moved.",
                user=self.env.user.name,
                authors=", ".join(others.mapped("display_name")),
                ids=", ".join(others.mapped("external_id")),
                count=len(mentions),
            ),
            subtype_xmlid="mail.mt_note",
        )
        _logger.info(
            "User %s merged authors %s into author %s (%s mentions)",
            self.env.uid,
            others.ids,
            dest.id,
            len(mentions),
        )
        others.unlink()
        return dest

    def action_open_merge(self):
        """The merge wizard for the selected authors."""
        self._check_people_rights()
        return {
            "type": "ir.actions.act_window",
            "res_model": "social_crm.author.merge",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Merge authors"),
            "context": {"default_author_ids": [(6, 0, self.ids)]},
        }

    # -- the right to be forgotten --------------------------------------------------------------
    def action_forget(self):
        """Anonymise these authors on the person's request (Social CRM administrators only):
        name, handle, profile and id go from the author, the person's data from their
        mentions' texts, links and payloads; counts and statistics stay, the contact is
        unlinked, and who did it and when is logged. The id is kept only as a one-way hash,
        so the next import of an old mention does not bring the person back."""
        self._check_people_rights(manager=True)
        for author in self.sudo().filtered(lambda a: not a.is_forgotten):
            author._forget()
        return True

    def _forget(self):
        self.ensure_one()
        placeholder = self.env._("[removed]")
        tokens = people.personal_tokens(self.name, self.handle, self.url, self.external_id)
        if self.partner_id:
            tokens = sorted(
                set(tokens) | set(people.personal_tokens(self.partner_id.name)),
                key=len,
                reverse=True,
            )
        mentions = self.with_context(active_test=False).mention_ids
        for mention in mentions:
            values = {}
            for fname in _SCRUBBED_TEXT_FIELDS:
                if mention[fname]:
                    clean = people.scrub_text(mention[fname], tokens, placeholder)
                    if clean != mention[fname]:
                        values[fname] = clean
            for fname in _SCRUBBED_LINK_FIELDS:
                if mention[fname] and people.scrub_text(mention[fname], tokens) != mention[fname]:
                    values[fname] = False
            if mention.raw:
                values["raw"] = people.scrub_payload(mention.raw, tokens, placeholder)
            if values:
                mention.with_context(tracking_disable=True, social_crm_analysis=True).write(values)
        self._scrub_messages(mentions, tokens, placeholder)
        old_external_id = self.external_id
        self.with_context(tracking_disable=True).write(
            {
                "name": self.env._("Forgotten author %(number)s", number=self.id),
                "handle": False,
                "url": False,
                "notes": False,
                "external_id": f"forgotten-{self.id}",
                "partner_id": False,
                "is_forgotten": True,
                "forgotten_at": fields.Datetime.now(),
                "forgotten_by_id": self.env.uid,
            }
        )
        self.env["social_crm.author.alias"]._remember(self, old_external_id)
        self.env["social_crm.author.match"].sudo().search(
            ["|", ("author_id", "=", self.id), ("other_author_id", "=", self.id)]
        ).unlink()
        # the author's own history (tracked names, contacts) goes; the fact of forgetting stays
        self.message_ids.unlink()
        self.message_post(
            body=self.env._(
                "Forgotten on request by %(user)s on %(date)s: name, handle, profile and id "
                "removed, the contact unlinked, personal data removed from %(count)s mention(s).",
                user=self.env.user.name,
                date=fields.Datetime.to_string(self.forgotten_at),
                count=len(mentions),
            ),
            subtype_xmlid="mail.mt_note",
        )
        _logger.info(
            "User %s forgot author %s (%s mentions anonymised)",
            self.env.uid,
            self.id,
            len(mentions),
        )

    def _scrub_messages(self, mentions, tokens, placeholder):
        """The person's name in the mentions' chatter: tracked author names and message
        bodies (a reply that greeted them by name)."""
        if not mentions:
            return
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", "social_crm.mention"), ("res_id", "in", mentions.ids)])
        )
        for message in messages:
            body = str(message.body or "")
            clean = people.scrub_text(body, tokens, placeholder)
            if clean != body:
                message.body = clean
        author_field = self.env["ir.model.fields"]._get("social_crm.mention", "author_id")
        partner_field = self.env["ir.model.fields"]._get("social_crm.mention", "partner_id")
        trackings = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", messages.ids),
                    ("field_id", "in", (author_field | partner_field).ids),
                ]
            )
        )
        for tracking in trackings:
            values = {}
            for side in ("old", "new"):
                text = tracking[f"{side}_value_char"]
                if text:
                    clean = people.scrub_text(text, tokens, placeholder)
                    if clean != text:
                        values[f"{side}_value_char"] = clean
            if values:
                tracking.write(values)


def _summary(names):
    counts = {}
    for name in names:
        if name:
            counts[name] = counts.get(name, 0) + 1
    return (
        " · ".join(
            f"{name}: {count}"
            for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        )
        or False
    )


def _questions(mentions):
    """The person's latest questions: the knowledge answer's question when one answered it,
    else the text, shortened; without repeats."""
    seen = []
    for mention in mentions.filtered("is_question"):
        text = mention.knowledge_answer_id.name or mention.text or ""
        text = " ".join(text.split())
        if len(text) > QUESTION_CHARS:
            text = text[: QUESTION_CHARS - 1].rstrip() + "…"
        if text and text not in seen:
            seen.append(text)
        if len(seen) >= QUESTIONS_SHOWN:
            break
    return seen


def _language_name(env, code):
    lang = env["res.lang"].with_context(active_test=False).search(
        [("iso_code", "=", code)], limit=1
    ) or env["res.lang"].with_context(active_test=False).search(
        [("code", "=like", f"{code}\\_%")], limit=1
    )
    return lang.name if lang else code
