from odoo.tests import HttpCase, new_test_user, tagged

from .common import make_record


@tagged("post_install", "-at_install")
class TestLeadsUi(HttpCase):
    def test_lead_and_escalation_tour(self):
        self.env["social_crm.matrix"].search([]).unlink()  # the demo's rows, if any
        source = self.env["social_crm.source"].create({"name": "Tour", "source_type": "webhook"})
        mention = source.ingest(
            [make_record("lead-tour-1", text="Сколько стоит ваш тариф для бизнеса на 10 человек?")]
        )
        responsible = new_test_user(
            self.env, "lt_support", name="Stan Support", groups="base.group_user"
        )
        self.env.ref("social_crm.escalation_team_support").user_id = responsible
        self.assertFalse(mention.partner_id)
        # the tour reads English labels: an agent who works in English (with crm installed,
        # a database created with --load-language gives admin that language)
        self.env["res.lang"]._activate_lang("en_US")
        new_test_user(
            self.env,
            "lead_tour_agent",
            password="lead_tour_agent",  # noqa: S106 (a test user)
            groups="social_crm.group_user,sales_team.group_sale_salesman,base.group_partner_manager",
            lang="en_US",
        )
        self.start_tour(
            f"/odoo/social_crm.mention/{mention.id}",
            "social_crm_lead_tour",
            login="lead_tour_agent",
            timeout=120,
        )
        lead = mention.lead_id
        self.assertTrue(lead, "the tour created the lead")
        self.assertTrue(mention.partner_id, "and the contact, after confirming")
        self.assertEqual(lead.partner_id, mention.partner_id)
        self.assertEqual(lead.medium_id, self.env.ref("social_crm.utm_medium_social"))
        activity = mention.activity_ids.filtered(lambda a: a.user_id == responsible)
        self.assertEqual(activity.activity_type_id.name, "Escalation")
        self.assertIn("call the customer today", str(activity.note))
