from odoo.tests import HttpCase, tagged

from .common import make_record


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_mentions_tour(self):
        source = self.env["social_crm.source"].create({"name": "Tour", "source_type": "webhook"})
        mention = source.ingest([make_record("tour-1", text="Третий день нет интернета, ужасный сервис!")])
        # Placed by hand, so the tour doesn't depend on what the classifier decides.
        mention.stage_id = self.env["social_crm.stage"].search([("code", "=", "negative")])
        self.start_tour("/odoo", "social_crm_mentions_tour", login="admin", timeout=120)
        # The tour replied through the composer: answered, first response recorded.
        self.assertEqual(mention.state, "answered")
        self.assertTrue(mention.first_response_at)
        self.assertIn("номер договора", mention.reply)
