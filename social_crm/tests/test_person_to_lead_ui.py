"""Seed 1's «who is this person?» in the browser, as an agent with Sales rights: from a
negative mention to the person (contact, identities, timeline across platforms), then a lead."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import make_record


@tagged("post_install", "-at_install")
class TestPersonToLeadUi(HttpCase):
    def test_negative_mention_to_person_to_lead(self):
        self.env["social_crm.matrix"].search([]).unlink()  # the demo's rows, if any
        source = self.env["social_crm.source"].create({"name": "P2L", "source_type": "webhook"})
        self.env["res.lang"]._activate_lang("en_US")
        agent = new_test_user(
            self.env,
            "p2l_agent",
            password="p2l_agent",  # noqa: S106 (a test user)
            groups="social_crm.group_user,sales_team.group_sale_salesman",
            lang="en_US",
        )
        vk = {"external_id": "p2l-vk", "name": "Pavel", "handle": "p2l_vk"}
        tg = {"external_id": "p2l-tg", "name": "Pavel", "handle": "p2l_tg"}
        mentions = source.ingest(
            [
                make_record(
                    "p2l-1",
                    text="Спасибо, конечно, за «доставку за час» — третий день ничего не пришло 👏",
                    author=vk,
                    published_at="2026-05-01T10:00:00+05:00",
                ),
                make_record(
                    "p2l-2",
                    platform="telegram",
                    text="А сколько стоит ваш тариф для семьи на троих?",
                    author=tg,
                    published_at="2026-05-02T10:00:00+05:00",
                ),
                make_record(
                    "p2l-3",
                    platform="telegram",
                    text="И где посмотреть условия?",
                    author=tg,
                    published_at="2026-05-03T10:00:00+05:00",
                ),
            ]
        )
        negative, question = mentions[0], mentions[1]
        self.assertEqual(negative.sentiment, "negative")
        person = self.env["res.partner"].create({"name": "Pavel Two-Platforms"})
        mentions.author_id.write({"partner_id": person.id})
        self.assertEqual(person.social_crm_mention_count, 3)
        self.start_tour(
            f"/odoo/social_crm.mention/{negative.id}",
            "social_crm_person_to_lead_tour",
            login=agent.login,
            timeout=120,
        )
        lead = negative.lead_id
        self.assertTrue(lead, "the tour created a lead from the negative mention")
        self.assertFalse(question.lead_id)
        self.assertEqual(lead.partner_id, person)
        self.assertEqual(lead.social_crm_mention_ids, negative)
        self.assertEqual(lead.medium_id, self.env.ref("social_crm.utm_medium_social"))
