"""Escalating a mention to the support or quality-control team: an activity for the
team's responsible person, carrying the mention's context and link; the escalation and its
outcome (the activity's feedback when it is done) are written in the mention's chatter.

The responsible person needs no Social CRM access: Odoo lists the activity under
*Activities → Other activities*, with its note, and lets them mark it done there
(``mail.activity._action_done`` posts on the document as superuser); the outcome is
recorded by ``mail_activity_escalation.py``.
"""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html

ESCALATION_ACTIVITY_XMLID = "social_crm.mail_activity_type_escalation"


class SocialCrmMention(models.Model):
    # its own file (the escalation feature): branches merge cleanly
    # pylint: disable-next=consider-merging-classes-inherited
    _inherit = "social_crm.mention"  # pylint: disable=consider-merging-classes-inherited
    # a feature layer of the model in its own file (README, Architecture)

    is_escalated = fields.Boolean(
        string="Escalated",
        compute="_compute_is_escalated",
        search="_search_is_escalated",
        help="A team has an open escalation of this mention.",
    )

    def _escalation_activity_type(self):
        return self.env.ref(ESCALATION_ACTIVITY_XMLID, raise_if_not_found=False)

    @api.depends("activity_ids.activity_type_id")
    def _compute_is_escalated(self):
        activity_type = self._escalation_activity_type()
        for mention in self:
            mention.is_escalated = bool(
                activity_type
                and mention.sudo().activity_ids.filtered(
                    lambda a: a.activity_type_id == activity_type
                )
            )

    def _search_is_escalated(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on “escalated”."))
        activity_type = self._escalation_activity_type()
        mention_ids = (
            self.env["mail.activity"]
            .sudo()
            ._read_group(
                [
                    ("res_model", "=", self._name),
                    ("activity_type_id", "=", activity_type.id if activity_type else 0),
                ],
                ["res_id"],
            )
        )
        ids = [res_id for (res_id,) in mention_ids]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    def _check_can_escalate(self):
        user = self.env.user
        if not user.has_group("social_crm.group_user"):
            raise AccessError(
                self.env._(
                    "Only Social CRM users can escalate mentions (%(user)s is not one).",
                    user=user.name,
                )
            )
        self.check_access("write")

    def action_escalate(self):
        """Open the escalation dialog (team, what to do, deadline)."""
        self.ensure_one()
        self._check_can_escalate()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Escalate"),
            "res_model": "social_crm.escalation.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_mention_id": self.id},
        }

    def _escalate(self, team, note="", deadline=None):
        """Give this mention to ``team``: an 'Escalation' activity for its responsible person
        with the mention's context and link, and a note in the chatter. Returns the
        activity."""
        self.ensure_one()
        self._check_can_escalate()
        if not team:
            raise UserError(
                self.env._("Choose the team to escalate “%(mention)s” to.", mention=self.name)
            )
        if team.company_id and team.company_id != self.company_id:
            raise UserError(
                self.env._(
                    "The escalation team “%(team)s” belongs to %(company)s, not to the "
                    "mention's company %(mention_company)s.",
                    team=team.display_name,
                    company=team.company_id.display_name,
                    mention_company=self.company_id.display_name,
                )
            )
        responsible = team._check_responsible()
        deadline = deadline or fields.Date.context_today(self) + timedelta(days=team.deadline_days)
        activity = self.activity_schedule(
            ESCALATION_ACTIVITY_XMLID,
            date_deadline=deadline,
            summary=self.env._(
                "%(team)s: %(mention)s", team=team.display_name, mention=(self.name or "")[:60]
            ),
            note=self._escalation_note(team, note),
            user_id=responsible.id,
            social_crm_escalation_team_id=team.id,
        )
        body = Markup("<p>%s</p>") % self.env._(
            "Escalated to %(team)s (%(user)s), due %(deadline)s.",
            team=team.display_name,
            user=responsible.name,
            deadline=fields.Date.to_string(deadline),
        )
        if note:
            body += plaintext2html(note)
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
        if not self.user_id:
            self.write({"user_id": self.env.uid})  # whoever escalates follows it up
        return activity

    def _escalation_note(self, team, note):
        """What the responsible person reads in the activity: the request, the mention's
        text and where it is, with links (they may not be able to open the mention)."""
        self.ensure_one()
        body = Markup("")
        if note:
            body += Markup("<p><b>%s</b></p>") % self.env._(
                "Request from %(user)s:", user=self.env.user.name
            )
            body += plaintext2html(note)
        sentiments = dict(self._fields["sentiment"]._description_selection(self.env))
        facts = [
            (self.env._("Platform"), self.platform_id.display_name),
            (self.env._("Author"), self.author_id.display_name),
            (self.env._("Contact"), self.partner_id.display_name),
            (self.env._("Published"), fields.Datetime.to_string(self.published_at) or ""),
            (self.env._("Consumer-cycle stage"), self.stage_id.display_name),
            (self.env._("Sentiment"), sentiments.get(self.sentiment, "")),
        ]
        body += Markup("").join(
            Markup("<p><b>%s:</b> %s</p>") % (label, value) for label, value in facts if value
        )
        body += Markup('<div class="border-start border-3 ps-2">%s</div>') % plaintext2html(
            "\n".join(part for part in (self.title, self.text) if part)
        )
        links = []
        if self.url:
            links.append(
                Markup('<a href="%s" target="_blank" rel="noopener">%s</a>')
                % (self.url, self.env._("The post"))
            )
        links.append(
            Markup('<a href="%s">%s</a>')
            % (
                f"{self.get_base_url()}/odoo/social_crm.mention/{self.id}",
                self.env._("The mention in Social CRM"),
            )
        )
        body += Markup("<p>%s</p>") % Markup(" · ").join(links)
        body += Markup("<p><i>%s</i></p>") % self.env._(
            "Mark the activity as done with the outcome as feedback (or type it in the "
            "activity's Outcome field): it is written in the mention's history for "
            "%(team)s's colleagues.",
            team=team.display_name,
        )
        return body

    def _escalation_closed(self, team, user, outcome="", cancelled=False):
        """Write the end of an escalation in the chatter and tell the mention's assignee."""
        self.ensure_one()
        mention = self.sudo()
        team_name = team.display_name or self.env._("the team")
        if cancelled:
            text = self.env._(
                "The escalation to %(team)s was cancelled by %(user)s.",
                team=team_name,
                user=user.name,
            )
        elif outcome:
            text = self.env._(
                "%(team)s (%(user)s) closed the escalation. Outcome:",
                team=team_name,
                user=user.name,
            )
        else:
            text = self.env._(
                "%(team)s (%(user)s) closed the escalation without a comment.",
                team=team_name,
                user=user.name,
            )
        body = Markup("<p>%s</p>") % text
        if outcome and not cancelled:
            body += plaintext2html(outcome)
        assignee = mention.user_id
        partner_ids = (
            assignee.partner_id.ids if assignee and assignee != user and assignee.active else []
        )
        mention.message_post(body=body, subtype_xmlid="mail.mt_note", partner_ids=partner_ids)
