"""The knowledge loop in Odoo: suggestions that understand word forms, approval rights, the
expert loop end to end (ask → activity → answer → draft → reply → approval → suggested for
the next similar mention), typical questions and the communication matrix's assignment."""
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import SocialCrmCase, make_record


@tagged("post_install", "-at_install")
class KnowledgeCase(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Answer = cls.env["social_crm.knowledge.answer"]
        # the demo's communication matrix would pick tones and assignees: start without it
        cls.env["social_crm.matrix"].search([]).unlink()
        cls.stage_product = cls.env.ref("social_crm.stage_product")
        cls.stage_support = cls.env.ref("social_crm.stage_support")
        cls.agent = new_test_user(cls.env, "kb_agent", groups="social_crm.group_user",
                                  name="Kate Agent")
        cls.manager = new_test_user(cls.env, "kb_manager", groups="social_crm.group_manager",
                                    name="Max Manager")
        # An expert from another department: an internal user who answers activities.
        cls.expert = new_test_user(cls.env, "kb_expert", groups="base.group_user",
                                   name="Erik Expert")
        # A topic the demo knowledge base (telecom) does not cover: parcel delivery.
        cls.delivery = cls.Answer.create({
            "name": "Есть ли доставка в Караганду?",
            "question_variants": "Сколько идёт посылка в Караганду\nДоставляете ли в регионы",
            "answer": "Да, доставляем в Караганду за 2–3 дня; [[Вы получите|ты получишь]] "
                      "трек-номер в SMS.",
            "lang": "ru", "stage_ids": [(6, 0, cls.stage_product.ids)], "state": "approved"})
        cls.refund = cls.Answer.create({
            "name": "Как вернуть деньги за возвращённую посылку?",
            "answer": "Деньги возвращаются на карту в течение 5 рабочих дней после приёма "
                      "посылки на складе.",
            "lang": "ru", "state": "approved"})
        cls.draft = cls.Answer.create({
            "name": "Доставка в Караганду курьером до двери",
            "answer": "Черновик: пока не подтверждено.", "lang": "ru"})

    def mention(self, ext, text, stage=None, **extra):
        mention = self.source.ingest([make_record(ext, text, lang="ru", **extra)])
        if stage:
            mention.stage_id = stage
        return mention


class TestSuggestions(KnowledgeCase):
    def test_word_forms_find_the_right_answer(self):
        # доставка / доставку / доставки, Караганду / Караганды: other forms than the answer's.
        mention = self.mention("s1", "Подскажите, а доставку до Караганды делаете? Сколько "
                                     "дней ждать доставки?", self.stage_product)
        self.assertEqual(mention.suggested_answer_ids[:1], self.delivery)
        self.assertGreaterEqual(mention.suggestion_score, self.Answer._good_score())
        self.assertTrue(mention.has_good_answer)
        self.assertNotIn(self.draft, mention.suggested_answer_ids,
                         "a draft answer is never suggested")
        matched = self.Answer._matched_words(self.delivery, mention._question_text(), "ru")
        self.assertTrue({"доставку", "караганды"} & {w.lower() for w in matched}, matched)

    def test_an_unrelated_mention_has_no_good_answer(self):
        mention = self.mention("s2", "Вчера смотрели футбол всей семьёй, отличный матч!")
        self.assertFalse(mention.has_good_answer)
        self.assertLess(mention.suggestion_score, self.Answer._good_score())

    def test_an_approval_is_picked_up_by_the_next_suggestion(self):
        mention = self.mention("s3", "Можно ли оплатить заказ при получении наличными?")
        self.assertFalse(mention.has_good_answer)
        cash = self.Answer.create({"name": "Можно ли оплатить наличными при получении?",
                                   "answer": "Да, курьеру наличными или картой.",
                                   "lang": "ru"})
        mention.invalidate_recordset(["suggested_answer_ids", "has_good_answer"])
        self.assertNotIn(cash, mention.suggested_answer_ids)
        cash.with_user(self.manager).action_approve()
        mention.invalidate_recordset(["suggested_answer_ids", "has_good_answer"])
        self.assertEqual(mention.suggested_answer_ids[:1], cash)
        self.assertTrue(mention.has_good_answer)
        cash.with_user(self.manager).action_set_archived()
        mention.invalidate_recordset(["suggested_answer_ids", "has_good_answer"])
        self.assertNotIn(cash, mention.suggested_answer_ids)

    def test_answers_of_another_company_are_not_suggested(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.Answer.create({"name": "Работает ли пункт выдачи в Шымкенте по субботам?",
                            "answer": "Да, с 10 до 16.", "lang": "ru", "state": "approved",
                            "company_id": other.id})
        mention = self.mention("s4", "Пункт выдачи в Шымкенте по субботам работает?")
        self.assertFalse(mention.suggested_answer_ids.filtered(
            lambda a: a.company_id == other))


class TestApproval(KnowledgeCase):
    def test_only_managers_approve(self):
        Answer = self.Answer.with_user(self.agent)
        answer = Answer.create({"name": "Есть ли самовывоз?", "answer": "Да, со склада."})
        self.assertEqual(answer.state, "draft")
        with self.assertRaises(AccessError):
            answer.action_approve()
        with self.assertRaises(AccessError):
            Answer.create({"name": "Q", "answer": "A", "state": "approved"})
        with self.assertRaises(AccessError):
            answer.write({"state": "approved"})
        answer.with_user(self.manager).action_approve()
        self.assertEqual((answer.state, answer.approved_by_id), ("approved", self.manager))
        self.assertTrue(answer.approved_date)

    def test_an_empty_answer_cannot_be_approved(self):
        answer = self.Answer.create({"name": "Где мой заказ №123?"})
        with self.assertRaisesRegex(UserError, "Где мой заказ №123"):
            answer.with_user(self.manager).action_approve()

    def test_a_copy_is_a_draft(self):
        copy = self.delivery.copy()
        self.assertEqual(copy.state, "draft")
        self.assertIn("(copy)", copy.name)


class TestExpertLoop(KnowledgeCase):
    def test_ask_answer_approve_reuse(self):
        self.stage_support.expert_id = self.expert
        question = "Как поменять адрес доставки, если посылка уже в пути?"
        mention = self.mention("e1", question, self.stage_support).with_user(self.agent)
        self.assertFalse(mention.has_good_answer)

        # The agent asks; the stage's default expert is proposed, the deadline is set.
        action = mention.action_ask_expert()
        wizard = Form(self.env[action["res_model"]].with_user(self.agent)
                      .with_context(action["context"]))
        self.assertEqual(wizard.expert_id, self.expert)
        self.assertIn("адрес доставки", wizard.question)
        wizard.note = "Клиент пишет публично, нужен ответ сегодня."
        wizard.save().action_confirm()
        self.assertEqual(mention.state, "waiting_expert")
        self.assertEqual(mention.user_id, self.agent)
        activity = mention.sudo()._expert_activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.expert)
        self.assertTrue(activity.date_deadline)
        self.assertIn("Клиент пишет публично", activity.note)

        # The expert answers from the activity (Mark done with feedback).
        expert_text = ("Адрес можно сменить, пока посылка не передана курьеру: "
                       "[[напишите|напиши]] номер отправления в личные сообщения.")
        activity.with_user(self.expert).action_feedback(feedback=expert_text)
        self.assertFalse(mention.sudo()._expert_activities())
        answer = mention.knowledge_answer_id
        self.assertEqual(answer.state, "draft")
        self.assertEqual((answer.mention_id, answer.expert_id), (mention.sudo(), self.expert))
        self.assertEqual(answer.answer, expert_text)
        self.assertEqual(answer.stage_ids, self.stage_support)
        self.assertEqual(mention.born_answer_count, 1)
        self.assertEqual(mention.state, "in_progress")
        # The reply is the expert's answer in the brand's voice (default tone: «Вы»).
        self.assertIn("напишите номер отправления", mention.reply)
        self.assertNotIn("[[", mention.reply)
        self.assertTrue(mention.reply.startswith("Здравствуйте"))
        self.assertIn("Erik Expert answered", mention.message_ids[0].body)

        # The agent sends it from the composer: answered, first response recorded.
        composer = Form(self.env["social_crm.reply.composer"].with_user(self.agent)
                        .with_context(default_mention_id=mention.id))
        self.assertEqual(composer.body, mention.reply)
        composer.save().action_send()
        self.assertEqual(mention.state, "answered")
        self.assertTrue(mention.first_response_at)

        # After approval the answer is suggested for a similar question in other words.
        answer.with_user(self.manager).action_approve()
        similar = self.mention("e2", "Подскажите, поменять адрес доставки можно? Посылка уже в пути",
                               self.stage_support)
        self.assertEqual(similar.suggested_answer_ids[:1], answer)
        self.assertTrue(similar.has_good_answer)

    def test_the_expert_answers_on_the_mention(self):
        mention = self.mention("e3", "Можно ли отправить посылку в Бишкек?")
        mention._request_expert(self.manager, mention.text, False)
        mention.expert_answer = "Да, в Бишкек отправляем через партнёра, 5–7 дней."
        mention.with_user(self.manager).action_submit_expert_answer()
        self.assertFalse(mention._expert_activities(), "the activity is done")
        self.assertEqual(mention.knowledge_answer_id.answer,
                         "Да, в Бишкек отправляем через партнёра, 5–7 дней.")
        self.assertEqual(mention.knowledge_answer_id.expert_id, self.manager)
        self.assertEqual(mention.state, "in_progress")

    def test_no_expert_says_what_to_do(self):
        self.stage_product.expert_id = False
        mention = self.mention("e4", "Есть ли у вас упаковка для хрупких вещей?",
                               self.stage_product)
        with self.assertRaisesRegex(UserError, "Choose an expert.*default expert.*stage"):
            mention._request_expert(self.env["res.users"], mention.text, False)
        self.assertEqual(mention.state, "new")
        with self.assertRaisesRegex(UserError, "Write the expert's answer first"):
            mention.action_submit_expert_answer()


class TestTypicalQuestions(KnowledgeCase):
    def test_similar_questions_become_a_proposed_answer(self):
        texts = ["Почему не приходит SMS с кодом для входа в приложение?",
                 "Не приходят смс коды для входа в приложение, что делать?",
                 "Третий день не приходит SMS-код для входа в приложении",
                 "Как оформить возврат товара ненадлежащего качества?"]
        mentions = self.Mention
        for n, text in enumerate(texts):
            mentions |= self.mention(f"c{n}", text, self.stage_support,
                                     published_at="2026-11-20T10:00:00+00:00")
        mentions.write({"is_question": True, "state": "new"})
        wizard = self.env["social_crm.question.cluster"].with_user(self.manager).create(
            {"days": 36500, "min_size": 2})
        wizard.action_find()
        sms = wizard.line_ids.filtered(lambda line: line.mention_ids & mentions[:3])
        self.assertEqual(len(sms), 1, wizard.line_ids.mapped("question"))
        self.assertEqual(sms.mention_ids & mentions, mentions[:3])
        self.assertNotIn(mentions[3], wizard.line_ids.mention_ids)
        self.assertEqual(sms.stage_id, self.stage_support)
        wizard.line_ids.selected = False
        sms.selected = True
        action = wizard.action_create_answers()
        proposed = self.Answer.search(action["domain"])
        self.assertEqual(len(proposed), 1)
        self.assertEqual(proposed.state, "draft")
        self.assertIn("SMS", proposed.name.upper())
        self.assertEqual(len(proposed.question_variants.splitlines()), 2)
        self.assertIn(proposed.mention_id, mentions[:3])

    def test_nothing_selected(self):
        wizard = self.env["social_crm.question.cluster"].create({})
        with self.assertRaisesRegex(UserError, "Select at least one"):
            wizard.action_create_answers()


class TestMatrix(KnowledgeCase):
    def test_new_mentions_go_to_the_least_busy_member_of_the_row(self):
        Matrix = self.env["social_crm.matrix"]
        vk = self.env.ref("social_crm.platform_vk")
        other_agent = new_test_user(self.env, "kb_agent2", groups="social_crm.group_user",
                                    name="Oleg Agent")
        Matrix.create({"stage_id": self.stage_product.id, "user_ids": [(6, 0, self.agent.ids)],
                       "note": "Every platform"})
        Matrix.create({"stage_id": self.stage_product.id, "platform_id": vk.id,
                       "user_ids": [(6, 0, (self.agent | other_agent).ids)],
                       "note": "VK: answer within 10 minutes"})
        # ingest analyses the text; force the stage through the record like a source does
        first = self.Mention.create({"source_id": self.source.id, "external_id": "m1",
                                     "text": "Какие размеры коробок?", "platform_id": vk.id,
                                     "stage_id": self.stage_product.id})
        second = self.Mention.create({"source_id": self.source.id, "external_id": "m2",
                                      "text": "А сколько весит коробка?", "platform_id": vk.id,
                                      "stage_id": self.stage_product.id})
        self.assertEqual(first.user_id | second.user_id, self.agent | other_agent)
        self.assertEqual(first.matrix_note, "VK: answer within 10 minutes")
        telegram = self.env.ref("social_crm.platform_telegram")
        third = self.Mention.create({"source_id": self.source.id, "external_id": "m3",
                                     "text": "Есть ли коробки побольше?",
                                     "platform_id": telegram.id,
                                     "stage_id": self.stage_product.id})
        self.assertEqual(third.user_id, self.agent)
        self.assertEqual(third.matrix_note, "Every platform")
        with self.assertRaisesRegex(Exception, "already has a row"):
            Matrix.create({"stage_id": self.stage_product.id, "platform_id": vk.id})

    def test_fill_grid_adds_every_cell_once(self):
        Matrix = self.env["social_crm.matrix"]
        Matrix.action_fill_grid()
        stages = self.env["social_crm.stage"].search_count([])
        platforms = self.env["social_crm.platform"].search_count([])
        company = [("company_id", "=", self.env.company.id)]
        self.assertEqual(Matrix.search_count(company), stages * (platforms + 1))
        Matrix.action_fill_grid()
        self.assertEqual(Matrix.search_count(company), stages * (platforms + 1))
