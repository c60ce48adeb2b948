from odoo.tests import HttpCase, tagged

from .common import make_record


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_mentions_tour(self):
        source = self.env["social_crm.source"].create({"name": "Tour", "source_type": "webhook"})
        mention = source.ingest(
            [make_record("tour-1", text="Третий день нет интернета, ужасный сервис!")]
        )
        # Placed by hand, so the tour doesn't depend on what the classifier decides.
        mention.stage_id = self.env["social_crm.stage"].search([("code", "=", "negative")])
        self.start_tour("/odoo", "social_crm_mentions_tour", login="admin", timeout=120)
        # The tour replied through the composer: answered, first response recorded.
        self.assertEqual(mention.state, "answered")
        self.assertTrue(mention.first_response_at)
        self.assertIn("номер договора", mention.reply)

    def test_matrix_grid_tour(self):
        self.env["social_crm.matrix"].search([]).unlink()  # the demo's rows, if any
        self.start_tour(
            "/odoo/action-social_crm.social_crm_matrix_grid_action",
            "social_crm_matrix_tour",
            login="admin",
            timeout=120,
        )
        negative = self.env.ref("social_crm.stage_negative")
        row = self.env["social_crm.matrix"].search(
            [("stage_id", "=", negative.id), ("platform_id", "=", False)]
        )
        self.assertEqual(row.note, "Answer within 10 minutes, never argue in public")
