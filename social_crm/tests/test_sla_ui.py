from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import make_record


@tagged("post_install", "-at_install")
class TestSlaUi(HttpCase):
    def test_sla_on_the_board(self):
        source = self.env["social_crm.source"].create(
            {"name": "SLA tour", "source_type": "webhook"}
        )
        now = fields.Datetime.now()
        churn = self.env.ref("social_crm.stage_churn")
        general = self.env.ref("social_crm.stage_general")
        records = [
            make_record(
                "sla-tour-1",
                text="SLA tour: ухожу от вас, как расторгнуть договор?",
                published_at=(now - timedelta(hours=2)).isoformat() + "+00:00",
            ),
            make_record(
                "sla-tour-2",
                text="SLA tour: спасибо, всё отлично",
                published_at=now.isoformat() + "+00:00",
            ),
        ]
        # stages placed by hand: the tour does not depend on the classifier
        source._ingest(
            records,
            overrides={
                "sla-tour-1": {"stage_id": churn.id, "stage_manual": True},
                "sla-tour-2": {
                    "stage_id": general.id,
                    "stage_manual": True,
                    "sentiment": "positive",
                    "sentiment_manual": True,
                },
            },
        )
        urgent, calm = self.env["social_crm.mention"].search(
            [("source_id", "=", source.id)], order="external_id"
        )
        self.assertEqual((urgent.priority, urgent.sla_status), ("2", "breached"))
        self.assertEqual((calm.priority, calm.sla_status), ("0", "on_track"))
        # the tour reads English labels: an agent who works in English (with crm installed,
        # a database created with --load-language gives admin that language)
        self.env["res.lang"]._activate_lang("en_US")
        new_test_user(
            self.env,
            "sla_tour_agent",
            password="sla_tour_agent",  # noqa: S106 (a test user)
            groups="social_crm.group_manager",
            lang="en_US",
        )
        self.start_tour(
            "/odoo/action-social_crm.social_crm_mention_action",
            "social_crm_sla_tour",
            login="sla_tour_agent",
            timeout=120,
        )
