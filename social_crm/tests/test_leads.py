"""Leads from mentions: the lead carries the mention (text, link, UTM source = platform,
medium «Social», the matrix's sales team), the two are linked both ways, a contact is created
from the author only after confirmation, and only Social CRM users with CRM rights create
leads."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SocialCrmCase, make_record


@tagged("post_install", "-at_install")
class TestLeads(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env,
            "ld_seller",
            name="Sam Seller",
            groups="social_crm.group_user,sales_team.group_sale_salesman,base.group_partner_manager",
        )
        cls.smm_only = new_test_user(
            cls.env, "ld_smm", name="Olga Smm", groups="social_crm.group_user"
        )
        cls.sales_only = new_test_user(
            cls.env, "ld_sales", name="Pavel Sales", groups="sales_team.group_sale_salesman"
        )
        cls.portal = new_test_user(cls.env, "ld_portal", groups="base.group_portal")
        cls.Lead = cls.env["crm.lead"].with_context(active_test=False)
        cls.medium = cls.env.ref("social_crm.utm_medium_social")

    def mention_of(
        self, ext, text="Хочу подключить ваш тариф для бизнеса, сколько стоит?", **extra
    ):
        return self.source.ingest([make_record(ext, text, **extra)])

    def with_contact(self, mention, name="Irina Petrova"):
        partner = self.env["res.partner"].create({"name": name})
        mention.author_id.partner_id = partner
        self.assertEqual(mention.partner_id, partner)
        return partner

    # ------------------------------------------------------------------ the lead

    def test_lead_carries_the_mention_and_links_both_ways(self):
        mention = self.mention_of("l1")
        partner = self.with_contact(mention)
        leads_before = self.Lead.search_count([])

        action = mention.with_user(self.seller).action_create_lead()

        self.assertEqual((action["res_model"], action["view_mode"]), ("crm.lead", "form"))
        lead = self.Lead.browse(action["res_id"])
        self.assertEqual(self.Lead.search_count([]), leads_before + 1)
        self.assertEqual(lead.partner_id, partner)
        self.assertEqual(lead.source_id.name, "VK", "UTM source = the platform")
        self.assertEqual(lead.medium_id, self.medium, "UTM medium = Social")
        self.assertEqual(self.medium.name, "Social")
        self.assertIn("сколько стоит", lead.description)
        self.assertIn(mention.url, lead.description, "the description links the post")
        self.assertEqual(mention.lead_id, lead)
        self.assertEqual(lead.social_crm_mention_ids, mention)
        self.assertEqual(lead.social_crm_mention_count, 1)
        self.assertEqual(lead.social_crm_platform_id, mention.platform_id)
        self.assertEqual(lead.social_crm_stage_id, mention.stage_id)
        self.assertIn("Lead created", mention.message_ids[:1].body)

        again = mention.with_user(self.seller).action_create_lead()
        self.assertEqual(again["res_id"], lead.id, "a second click opens the same lead")
        self.assertEqual(self.Lead.search_count([]), leads_before + 1)

        # the way back: the lead's smart button opens its mention
        back = lead.with_user(self.seller).action_view_social_crm_mentions()
        self.assertEqual((back["res_model"], back["res_id"]), ("social_crm.mention", mention.id))

    def test_one_utm_source_per_platform(self):
        first, second = self.mention_of("l2"), self.mention_of("l3")
        self.with_contact(first, "A")
        self.with_contact(second, "B")
        lead1 = self.Lead.browse(first.with_user(self.seller).action_create_lead()["res_id"])
        lead2 = self.Lead.browse(second.with_user(self.seller).action_create_lead()["res_id"])
        self.assertEqual(lead1.source_id, lead2.source_id)
        self.assertEqual(self.env["utm.source"].search_count([("name", "=ilike", "VK")]), 1)
        telegram = self.mention_of("l4", platform="telegram")
        self.with_contact(telegram, "C")
        lead3 = self.Lead.browse(telegram.with_user(self.seller).action_create_lead()["res_id"])
        self.assertEqual(lead3.source_id.name, "Telegram")

    def test_contact_is_created_only_after_confirmation(self):
        mention = self.mention_of("l5")
        author = mention.author_id
        self.assertFalse(author.partner_id)
        partners_before = self.env["res.partner"].search_count([])
        leads_before = self.Lead.search_count([])

        action = mention.with_user(self.seller).action_create_lead()

        self.assertEqual(action["res_model"], "social_crm.lead.confirm", "asks first")
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        self.assertEqual(self.Lead.search_count([]), leads_before)
        self.assertFalse(author.partner_id)

        wizard = (
            self.env[action["res_model"]]
            .with_user(self.seller)
            .with_context(**action["context"])
            .create({})
        )
        self.assertIn(author.name, wizard.message)
        self.assertIn("will be created", wizard.message)
        opened = wizard.action_confirm()

        lead = self.Lead.browse(opened["res_id"])
        self.assertEqual(opened["res_model"], "crm.lead")
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before + 1)
        self.assertTrue(author.partner_id)
        self.assertEqual(author.partner_id.name, author.name)
        self.assertEqual(mention.partner_id, author.partner_id)
        self.assertEqual(lead.partner_id, author.partner_id)
        self.assertEqual(mention.lead_id, lead)

    # ------------------------------------------------------------------ sales team

    def test_sales_team_from_the_matrix(self):
        team_all = self.env["crm.team"].create({"name": "Leads from social (all)"})
        team_vk = self.env["crm.team"].create({"name": "Leads from VK"})
        vk = self.mention_of("l6")
        telegram = self.mention_of("l7", platform="telegram")
        self.with_contact(vk, "D")
        self.with_contact(telegram, "E")
        self.assertTrue(vk.stage_id)
        Matrix = self.env["social_crm.matrix"]
        Matrix.create({"stage_id": vk.stage_id.id, "crm_team_id": team_all.id})
        Matrix.create(
            {
                "stage_id": vk.stage_id.id,
                "platform_id": vk.platform_id.id,
                "crm_team_id": team_vk.id,
            }
        )
        if telegram.stage_id != vk.stage_id:
            Matrix.create({"stage_id": telegram.stage_id.id, "crm_team_id": team_all.id})

        lead_vk = self.Lead.browse(vk.with_user(self.seller).action_create_lead()["res_id"])
        lead_tg = self.Lead.browse(telegram.with_user(self.seller).action_create_lead()["res_id"])

        self.assertEqual(lead_vk.team_id, team_vk, "the platform's cell wins")
        self.assertEqual(lead_tg.team_id, team_all, "else the stage's every-platform cell")
        self.assertFalse(lead_vk.user_id, "not the seller's team: its own assignment takes it")

    def test_no_matrix_team_keeps_crm_defaults(self):
        mention = self.mention_of("l8")
        self.with_contact(mention, "F")
        own_team = self.env["crm.team"].create(
            {"name": "Seller's team", "member_ids": [(4, self.seller.id)]}
        )
        lead = self.Lead.browse(mention.with_user(self.seller).action_create_lead()["res_id"])
        self.assertEqual(lead.user_id, self.seller)
        self.assertEqual(lead.team_id, own_team)

    # ------------------------------------------------------------------ rights

    def test_who_may_create_leads(self):
        mention = self.mention_of("l9")
        self.with_contact(mention, "G")
        leads_before = self.Lead.search_count([])
        for user in (self.sales_only, self.portal):
            with self.assertRaises(AccessError, msg=f"{user.login} must not create leads"):
                mention.with_user(user).action_create_lead()
        # a Social CRM user without CRM rights: refused, with the reason
        with self.assertRaisesRegex(AccessError, "Sales / User"):
            mention.with_user(self.smm_only).action_create_lead()
        self.assertEqual(self.Lead.search_count([]), leads_before)
        self.assertFalse(mention.sudo().lead_id)

    def test_crm_screens_of_a_salesperson_without_social_crm(self):
        mention = self.mention_of("l14")
        self.with_contact(mention, "J")
        mention.with_user(self.seller).action_create_lead()
        for model in ("crm.lead", "res.partner"):
            views = self.env[model].with_user(self.sales_only).get_views([(False, "form")])
            arch = views["views"]["form"]["arch"]
            self.assertNotIn("social_crm", arch, f"{model}: no Social CRM button or field")
        lead_form = self.env["crm.lead"].with_user(self.seller).get_views([(False, "form")])
        self.assertIn("action_view_social_crm_mentions", lead_form["views"]["form"]["arch"])

    def test_sales_fields_hidden_without_crm_rights(self):
        mention = self.mention_of("l10")
        self.with_contact(mention, "H")
        mention.with_user(self.seller).action_create_lead()
        as_smm = mention.with_user(self.smm_only)
        as_smm.read(["text", "partner_id"])
        with self.assertRaises(AccessError):
            as_smm.read(["lead_id"])
        arch = self.env["social_crm.mention"].with_user(self.smm_only).get_views([(False, "form")])
        form = arch["views"]["form"]["arch"]
        self.assertNotIn("action_create_lead", form)
        self.assertNotIn("partner_opportunity_ids", form)
        self.assertIn("action_escalate", form)
        seller_form = (
            self.env["social_crm.mention"].with_user(self.seller).get_views([(False, "form")])
        )
        self.assertIn("action_create_lead", seller_form["views"]["form"]["arch"])
        # the contact's lead count: for Social CRM users, and only with CRM rights
        partner = mention.partner_id
        self.assertEqual(partner.with_user(self.seller).social_crm_lead_count, 1)
        self.assertEqual(partner.with_user(self.smm_only).social_crm_lead_count, 0)
        with self.assertRaises(AccessError):
            partner.with_user(self.sales_only).read(["social_crm_lead_count"])

    # ------------------------------------------------------------------ counts

    def test_counts_on_author_contact_and_open_opportunities(self):
        first = self.mention_of("l11")
        partner = self.with_contact(first, "Marat Aliev")
        second = self.mention_of(
            "l12", "А есть у вас страховка для ипотеки?", author=dict(first_author(first))
        )
        self.assertEqual(second.author_id, first.author_id)
        lead1 = self.Lead.browse(first.with_user(self.seller).action_create_lead()["res_id"])
        lead2 = self.Lead.browse(second.with_user(self.seller).action_create_lead()["res_id"])
        self.assertNotEqual(lead1, lead2)

        author = first.author_id.with_user(self.seller)
        self.assertEqual(author.social_crm_lead_count, 2)
        self.assertEqual(partner.with_user(self.seller).social_crm_lead_count, 2)
        shown = self.Lead.search(author.action_view_social_crm_leads()["domain"])
        self.assertEqual(shown, lead1 | lead2)

        # open opportunities of the contact: not the won, not the lost
        # the seller's own opportunities (CRM's rules let them see their own)
        Lead = self.env["crm.lead"].with_context(default_user_id=self.seller.id)
        open_opp = Lead.create({"name": "Deposit", "partner_id": partner.id, "type": "opportunity"})
        won = Lead.create({"name": "Card", "partner_id": partner.id, "type": "opportunity"})
        won.action_set_won()
        lost = Lead.create({"name": "Loan", "partner_id": partner.id, "type": "opportunity"})
        lost.action_set_lost()
        Lead.create({"name": "Another contact's", "type": "opportunity"})
        shown = first.with_user(self.seller).partner_opportunity_ids
        self.assertIn(open_opp, shown)
        self.assertNotIn(won, shown)
        self.assertNotIn(lost, shown)
        self.assertEqual(
            first.with_user(self.seller).partner_opportunity_count,
            len(shown.filtered(lambda o: o.partner_id == partner)),
        )
        self.assertTrue(all(o.partner_id == partner for o in shown))


def first_author(mention):
    author = mention.author_id
    return {"external_id": author.external_id, "name": author.name, "handle": author.handle}
