from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SocialCrmCase, make_record


@tagged("post_install", "-at_install")
class TestSecurity(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.user = new_test_user(cls.env, "sc_user", groups="social_crm.group_user")
        cls.manager = new_test_user(cls.env, "sc_manager", groups="social_crm.group_manager")
        cls.employee = new_test_user(cls.env, "sc_employee", groups="base.group_user")
        cls.source.api_key = "secret-key"
        cls.mention = cls.source.ingest([make_record(1)])
        other_source = cls.env["social_crm.source"].create({
            "name": "Other company source", "source_type": "webhook",
            "company_id": cls.other_company.id})
        cls.foreign = other_source.ingest([make_record(2)])

    def test_user_works_mentions(self):
        mention = self.mention.with_user(self.user)
        mention.read(["text", "stage_id", "sentiment"])
        mention.write({"user_id": self.user.id})
        self.assertEqual(mention.state, "in_progress", "assigning takes a new mention in work")
        with self.assertRaises(AccessError):
            mention.unlink()

    def test_user_cannot_configure(self):
        with self.assertRaises(AccessError):
            self.source.with_user(self.user).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["social_crm.brand"].with_user(self.user).create({"name": "X"})
        with self.assertRaises(AccessError):
            self.env["social_crm.stage"].with_user(self.user).create({"name": "X"})
        self.source.with_user(self.manager).write({"name": "Renamed"})
        self.env["social_crm.brand"].with_user(self.manager).create({"name": "X"})

    def test_credentials_for_system_administrators_only(self):
        for user in (self.user, self.manager):
            source = self.source.with_user(user)
            source.read(["name", "last_error"])
            with self.assertRaises(AccessError, msg=f"{user.login} must not read the API key"):
                source.read(["api_key"])
            with self.assertRaises(AccessError):
                source.read(["webhook_token"])
        self.assertEqual(self.source.with_user(self.env.ref("base.user_admin")).api_key,
                         "secret-key")

    def test_other_company_mentions_are_invisible(self):
        visible = self.env["social_crm.mention"].with_user(self.user).search([])
        self.assertIn(self.mention, visible)
        self.assertNotIn(self.foreign, visible)
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.user).read(["text"])

    def test_employee_without_group_sees_nothing(self):
        with self.assertRaises(AccessError):
            self.env["social_crm.mention"].with_user(self.employee).search([])
