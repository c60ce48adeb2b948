"""The expert loop for an expert without Social CRM access, over HTTP as that expert sees it:
the activity links to a page where they answer; closing or cancelling the activity without an
answer sends the mention back to its agent with a notice."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import make_record


@tagged("post_install", "-at_install")
class TestExpertPage(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the demo's communication matrix would assign the mentions: the agent asks here
        cls.env["social_crm.matrix"].search([]).unlink()
        cls.source = cls.env["social_crm.source"].create(
            {"name": "Expert page", "source_type": "webhook"}
        )
        cls.agent = new_test_user(
            cls.env, "xp_agent", groups="social_crm.group_user", name="Kate Agent"
        )
        cls.expert = new_test_user(
            cls.env,
            "xp_expert",
            groups="base.group_user",
            name="Erik Expert",
            password="xp_expert_pw",
            lang="en_US",
        )
        cls.stranger = new_test_user(
            cls.env,
            "xp_stranger",
            groups="base.group_user",
            password="xp_stranger_pw",
            lang="en_US",
        )

    def ask(self, ext="x1", text="Можно ли вернуть товар без чека, если коробку выбросили?"):
        mention = self.source.ingest([make_record(ext, text, lang="ru")]).with_user(self.agent)
        mention._request_expert(self.expert, mention.text, False)
        self.assertEqual(mention.state, "waiting_expert")
        return mention, mention.sudo()._expert_activities()

    def test_expert_answers_on_the_linked_page(self):
        mention, activity = self.ask()
        link = f"/social_crm/expert/{activity.id}"
        self.assertIn(link, activity.note, "the activity (and its e-mail) links to the page")
        self.assertFalse(self.expert.has_group("social_crm.group_user"))

        self.authenticate("xp_expert", "xp_expert_pw")
        page = self.url_open(link)
        self.assertEqual(page.status_code, 200)
        self.assertIn("коробку выбросили", page.text)
        answer = "Да, в течение 14 дней, если товар не был в употреблении: нужен паспорт."
        sent = self.url_open(
            link, data={"answer": answer, "csrf_token": http_csrf(self, page.text)}
        )
        self.assertEqual(sent.status_code, 200)
        self.assertIn('data-state="done"', sent.text)
        mention.invalidate_recordset()
        self.assertEqual(mention.state, "in_progress")
        self.assertEqual(mention.sudo().expert_answer, answer)
        knowledge = mention.sudo().knowledge_answer_id
        self.assertEqual((knowledge.state, knowledge.expert_id), ("draft", self.expert))
        self.assertFalse(mention.sudo()._expert_activities())
        self.assertIn("14 дней", mention.sudo().reply, "the answer is the draft reply")

    def test_someone_else_sees_nothing_of_the_question(self):
        _mention, activity = self.ask("x2")
        self.authenticate("xp_stranger", "xp_stranger_pw")
        page = self.url_open(f"/social_crm/expert/{activity.id}")
        self.assertNotIn("коробку выбросили", page.text)
        self.assertIn('data-state="gone"', page.text)
        self.assertTrue(activity.exists(), "nothing changed")

    def test_done_without_an_answer_goes_back_to_the_agent(self):
        mention, activity = self.ask("x3")
        activity.with_user(self.expert).action_done()
        mention.invalidate_recordset()
        self.assertEqual(mention.state, "in_progress")
        self.assertIn("closed the question without an answer", mention.sudo().message_ids[:1].body)
        todo = mention.sudo().activity_ids.filtered(lambda a: a.user_id == self.agent)
        self.assertEqual(len(todo), 1, "the agent gets a to-do")

    def test_cancelled_question_goes_back_to_the_agent(self):
        mention, activity = self.ask("x4")
        activity.with_user(self.agent).unlink()
        mention.invalidate_recordset()
        self.assertEqual(mention.state, "in_progress")
        self.assertIn("was cancelled without an answer", mention.sudo().message_ids[:1].body)


def http_csrf(case, html):
    """The CSRF token the page's form carries."""
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
