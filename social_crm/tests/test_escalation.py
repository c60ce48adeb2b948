"""Escalation to the support or quality-control team: an activity for the team's responsible
person (who may have no Social CRM access) with the mention's context and link; the
escalation and its outcome in the mention's chatter."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SocialCrmCase, make_record


@tagged("post_install", "-at_install")
class TestEscalation(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env, "es_agent", name="Kate Agent", groups="social_crm.group_user"
        )
        # a support lead from another department: no Social CRM rights at all
        cls.responsible = new_test_user(
            cls.env, "es_support", name="Stan Support", groups="base.group_user"
        )
        cls.employee = new_test_user(cls.env, "es_employee", groups="base.group_user")
        cls.portal = new_test_user(cls.env, "es_portal", groups="base.group_portal")
        cls.support = cls.env.ref("social_crm.escalation_team_support")
        cls.quality = cls.env.ref("social_crm.escalation_team_quality")
        cls.support.user_id = cls.responsible
        cls.activity_type = cls.env.ref("social_crm.mail_activity_type_escalation")

    def mention_of(self, ext, text="Третий день не могу войти в приложение, деньги на карте!"):
        return self.source.ingest([make_record(ext, text)]).with_user(self.agent)

    def escalate(self, mention, team=None, note="Customer can't log in; please call them."):
        action = mention.action_escalate()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.agent)
            .with_context(**action["context"])
            .create({"team_id": (team or self.support).id, "note": note})
        )
        wizard.action_confirm()
        activities = mention.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.activity_type
        )
        return activities[-1:]

    def last_note(self, mention):
        return mention.sudo().message_ids.filtered(lambda m: m.subtype_id.internal)[:1]

    def test_activity_for_the_responsible_with_context(self):
        mention = self.mention_of("e1")
        activity = self.escalate(mention)

        self.assertEqual(activity.user_id, self.responsible)
        self.assertEqual(activity.social_crm_escalation_team_id, self.support)
        self.assertIn("Support", activity.summary)
        note = str(activity.note)
        self.assertIn("войти в приложение", note, "the mention's text")
        self.assertIn(mention.url, note, "the link to the post")
        self.assertIn(f"/odoo/social_crm.mention/{mention.id}", note, "the link to the mention")
        self.assertIn("please call them", note, "the agent's request")
        self.assertIn("Escalated to Support (Stan Support)", self.last_note(mention).body)
        self.assertEqual(mention.user_id, self.agent, "whoever escalates follows it up")
        self.assertTrue(mention.is_escalated)
        self.assertIn(mention, mention.search([("is_escalated", "=", True)]))

    def test_responsible_without_rights_sees_and_closes_it(self):
        mention = self.mention_of("e2")
        activity = self.escalate(mention)
        self.assertFalse(self.responsible.has_group("social_crm.group_user"))
        with self.assertRaises(AccessError):
            mention.with_user(self.responsible).read(["text"])

        # Activities (systray): listed among "Other activities", with its note
        groups = self.env["res.users"].with_user(self.responsible)._get_activity_groups()
        other = [g for g in groups if g["model"] == "mail.activity"]
        self.assertTrue(other and activity.id in other[0]["activity_ids"])
        seen = activity.with_user(self.responsible).read(["note", "summary"])[0]
        self.assertIn("войти в приложение", str(seen["note"]))

        activity.with_user(self.responsible).action_feedback(
            feedback="Called the customer: the app works again after a reset."
        )

        self.assertFalse(activity.exists())
        note = self.last_note(mention)
        self.assertIn("Support (Stan Support) closed the escalation", note.body)
        self.assertIn("works again after a reset", note.body)
        self.assertIn(self.agent.partner_id, note.partner_ids, "the assignee is told")
        mention.invalidate_recordset()
        self.assertFalse(mention.is_escalated)

    def test_outcome_typed_on_the_form_without_access(self):
        """Activities → Other activities opens the activity's own form, whose "Mark as Done"
        has no feedback box: the outcome is typed in its Outcome field."""
        mention = self.mention_of("e6")
        activity = self.escalate(mention)
        form = self.env.ref("mail.mail_activity_view_form_without_record_access")
        views = self.env["mail.activity"].with_user(self.responsible).get_views([(form.id, "form")])
        self.assertIn("social_crm_outcome", views["views"]["form"]["arch"])
        as_responsible = activity.with_user(self.responsible)
        as_responsible.write({"social_crm_outcome": "Replaced the card, the customer is happy."})
        as_responsible.action_done_redirect_to_other()
        self.assertFalse(activity.exists())
        note = self.last_note(mention)
        self.assertIn("closed the escalation. Outcome:", note.body)
        self.assertIn("Replaced the card", note.body)

    def test_done_without_a_comment_and_cancelled(self):
        mention = self.mention_of("e3")
        self.escalate(mention).with_user(self.responsible).action_done()
        self.assertIn("without a comment", self.last_note(mention).body)

        activity = self.escalate(mention, note="")
        activity.with_user(self.agent).unlink()
        self.assertIn(
            "The escalation to Support was cancelled by Kate Agent", self.last_note(mention).body
        )

    def test_team_without_responsible_says_how_to_configure(self):
        mention = self.mention_of("e4")
        self.assertFalse(self.quality.user_id, "shipped without a responsible person")
        with self.assertRaisesRegex(UserError, "Quality control.*no responsible person"):
            self.escalate(mention, team=self.quality)
        self.assertFalse(mention.sudo().activity_ids)

    def test_only_social_crm_users_escalate(self):
        mention = self.mention_of("e5")
        for user in (self.employee, self.portal):
            with self.assertRaises(AccessError, msg=f"{user.login} must not escalate"):
                mention.with_user(user).action_escalate()
            with self.assertRaises(AccessError):
                mention.with_user(user)._escalate(self.support, "x")
            with self.assertRaises(AccessError):
                self.env["social_crm.escalation.wizard"].with_user(user).create(
                    {"mention_id": mention.id, "team_id": self.support.id}
                )
        self.assertFalse(mention.sudo().activity_ids)

    def test_teams_are_configured_by_managers(self):
        with self.assertRaises(AccessError):
            self.support.with_user(self.agent).write({"user_id": self.agent.id})
        manager = new_test_user(self.env, "es_manager", groups="social_crm.group_manager")
        self.support.with_user(manager).write({"user_id": self.agent.id})
        self.assertEqual(self.support.user_id, self.agent)
