from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import make_record


@tagged("post_install", "-at_install")
class TestQualityUi(HttpCase):
    def test_quality_dashboard_tour(self):
        brand = self.env["social_crm.brand"].create(
            {"name": "Тур-бренд", "community_audience": 123_456}
        )
        source = self.env["social_crm.source"].create(
            {"name": "Quality tour", "source_type": "webhook"}
        )
        published = (fields.Datetime.now() - timedelta(hours=1)).isoformat() + "+00:00"
        mentions = source.ingest(
            [make_record(f"qt{i}", published_at=published) for i in range(3)]
        ).sorted("external_id")
        for mention, sentiment in zip(mentions, ("negative", "negative", "positive"), strict=True):
            mention.with_context(social_crm_analysis=True).write(
                {"sentiment": sentiment, "brand_ids": [(6, 0, brand.ids)]}
            )
        self.start_tour(
            "/odoo/action-social_crm.social_crm_quality_dashboard_action",
            "social_crm_quality_tour",
            login="admin",
            timeout=120,
        )
