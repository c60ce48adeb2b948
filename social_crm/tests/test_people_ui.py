"""The people screens in the browser, as a Social CRM agent."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import make_record


@tagged("post_install", "-at_install")
class TestPeopleUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["social_crm.matrix"].search([]).unlink()
        cls.source = cls.env["social_crm.source"].create(
            {"name": "People tour", "source_type": "webhook"}
        )
        cls.agent = new_test_user(
            cls.env,
            "people_tour_agent",
            password="people_tour_agent",  # noqa: S106 (a test user)
            groups="social_crm.group_user,base.group_partner_manager",
        )

    def test_contact_social_tab_and_suggestions_tour(self):
        mention = self.source.ingest(
            [
                make_record(
                    "tour-1",
                    text="Отличный сервис, всем рекомендую!",
                    author={"external_id": "t1", "name": "Tour Person", "handle": "tour_person"},
                ),
            ]
        )
        partner = self.env["res.partner"].create({"name": "Tour Person"})
        mention.author_id.partner_id = partner
        for ext, platform in (("t2", "vk"), ("t3", "telegram")):
            self.source.ingest(
                [
                    make_record(
                        f"tour-{ext}",
                        platform=platform,
                        author={"external_id": ext, "name": "Twin", "handle": "tour_twin"},
                    )
                ]
            )
        self.env["social_crm.author.match"]._suggest_for(
            self.env["social_crm.author"].search([("handle", "=", "tour_twin")])
        )
        self.start_tour(
            f"/odoo/res.partner/{partner.id}",
            "social_crm_people_tour",
            login="people_tour_agent",
            timeout=120,
        )
        self.start_tour(
            "/odoo/action-social_crm.social_crm_author_match_action",
            "social_crm_identity_suggestions_tour",
            login="people_tour_agent",
            timeout=120,
        )
        twins = self.env["social_crm.author"].search([("handle", "=", "tour_twin")])
        self.assertEqual(len(twins.partner_id), 1, "confirmed in the browser: one contact")

    def test_author_profile_tour(self):
        mention = self.source.ingest(
            [
                make_record(
                    "tour-p",
                    text="Подскажи, как поменять тариф?",
                    author={"external_id": "tp", "name": "Profile Person", "followers": 15},
                )
            ]
        )
        self.start_tour(
            f"/odoo/social_crm.author/{mention.author_id.id}",
            "social_crm_author_profile_tour",
            login="people_tour_agent",
            timeout=120,
        )
