"""The *Leads from mentions* report: leads and won revenue per platform and consumer-cycle
stage, on known data, read the way the report's action reads them."""

from collections import defaultdict

from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SocialCrmCase, make_record

# platform, consumer-cycle stage, expected revenue, outcome
DATA = [
    ("vk", "product", 1000.0, "won"),
    ("vk", "product", 500.0, "open"),
    ("vk", "competitor", 2000.0, "won"),
    ("vk", "competitor", 250.0, "lost"),
    ("telegram", "product", 700.0, "lost"),
    ("telegram", "general", 300.0, "won"),
    ("telegram", "general", 0.0, "open"),
    ("telegram", "general", 150.0, "won"),
]


@tagged("post_install", "-at_install")
class TestLeadsReport(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env,
            "lr_seller",
            groups="social_crm.group_user,sales_team.group_sale_salesman",
        )
        cls.smm_only = new_test_user(cls.env, "lr_smm", groups="social_crm.group_user")
        stages = {s.code: s for s in cls.env["social_crm.stage"].search([])}
        cls.leads = cls.env["crm.lead"]
        for i, (platform, stage, revenue, outcome) in enumerate(DATA):
            mention = cls.source.ingest([make_record(f"r{i}", f"Сообщение {i}", platform=platform)])
            # a known stage, as the classifier might have said it
            mention.with_context(social_crm_analysis=True).write({"stage_id": stages[stage].id})
            mention.author_id.partner_id = cls.env["res.partner"].create({"name": f"P{i}"})
            action = mention.with_user(cls.seller).action_create_lead()
            lead = cls.env["crm.lead"].browse(action["res_id"])
            lead.expected_revenue = revenue
            if outcome == "won":
                lead.action_set_won()
            elif outcome == "lost":
                lead.action_set_lost()
            cls.leads |= lead
        # a lead that did not start from a mention never counts
        cls.env["crm.lead"].create({"name": "From the website", "expected_revenue": 9999})

    def report(self, user, groupby):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.crm_lead_action_social_crm_report"
        )
        domain = safe_eval(action["domain"])
        context = safe_eval(action["context"])
        Lead = self.env["crm.lead"].with_user(user).with_context(**context)
        return Lead._read_group(
            domain, groupby, ["__count", "social_crm_won_revenue:sum", "expected_revenue:sum"]
        )

    def test_leads_and_won_revenue_per_platform_and_stage(self):
        expected = defaultdict(lambda: [0, 0.0, 0.0])
        for platform, stage, revenue, outcome in DATA:
            cell = expected[(platform, stage)]
            cell[0] += 1
            cell[1] += revenue if outcome == "won" else 0.0
            cell[2] += revenue
        rows = self.report(self.seller, ["social_crm_platform_id", "social_crm_stage_id"])
        got = {
            (platform.code, stage.code): [count, won, total]
            for platform, stage, count, won, total in rows
        }
        self.assertEqual(got, {key: value for key, value in expected.items()})
        # the figures a reader checks: VK brought 3000 won of 5 leads, Telegram 450 of 4
        per_platform = {
            platform.code: (count, won)
            for platform, count, won, _total in self.report(self.seller, ["social_crm_platform_id"])
        }
        self.assertEqual(per_platform, {"vk": (4, 3000.0), "telegram": (4, 450.0)})

    def test_won_revenue_only_in_won_pipeline_stages(self):
        rows = self.report(self.seller, ["stage_id"])
        won_total = sum(r for _p, _s, r, o in DATA if o == "won")
        self.assertEqual(sum(won for _stage, _count, won, _total in rows), won_total)
        for stage, _count, won, _total in rows:
            if not stage.is_won:
                self.assertEqual(won, 0.0, f"{stage.name} holds no won revenue")
        self.assertEqual(sum(count for _stage, count, _won, _total in rows), len(DATA))

    def test_reopened_lead_loses_its_won_revenue(self):
        lead = self.leads[0]
        self.assertEqual(lead.social_crm_won_revenue, 1000.0)
        lead.stage_id = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
        self.assertEqual(lead.social_crm_won_revenue, 0.0)

    def test_report_menu_for_users_who_may_read_leads(self):
        menu = self.env.ref("social_crm.social_crm_lead_report_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.seller)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.smm_only)._visible_menu_ids())
