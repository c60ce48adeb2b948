"""Tone of voice and replies in Odoo: default templates, one template rendered for «Вы» and
«ты» in Russian and English, cutting to the platform's limit, the tone check's findings, the
tone chosen per platform / brand / matrix, and the reply composer sending through a source
(against a local HTTP server) or marking a reply as posted by hand."""

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import SocialCrmCase, make_record
from .httpfake import FakeServer

STAGE_CODES = (
    "general",
    "competitor",
    "product",
    "first_review",
    "negative",
    "support",
    "churn",
    "awkward",
)


@tagged("post_install", "-at_install")
class ToneCase(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Tone = cls.env["social_crm.tone"]
        cls.Template = cls.env["social_crm.reply.template"]
        # the demo's communication matrix would pick tones and assignees: start without it
        cls.env["social_crm.matrix"].search([]).unlink()
        cls.stage_product = cls.env.ref("social_crm.stage_product")
        cls.vk = cls.env.ref("social_crm.platform_vk")
        cls.agent = new_test_user(
            cls.env, "tone_agent", groups="social_crm.group_user", name="Tina Agent"
        )
        # The most specific tone wins: give these the VK platform so they beat the demo's.
        cls.formal = cls.Tone.create(
            {
                "name": "Formal test tone",
                "address_form": "formal",
                "friendliness": "neutral",
                "signature": "Команда «Посылка»",
                "emoji_policy": "none",
                "banned_words": "не наша проблема\nдешёвк*",
                "platform_ids": [(6, 0, cls.vk.ids)],
            }
        )
        cls.informal = cls.Tone.create(
            {
                "name": "Informal test tone",
                "address_form": "informal",
                "friendliness": "informal",
                "signature": "Команда «Посылка»",
                "emoji_policy": "allowed",
            }
        )
        cls.template = cls.Template.create(
            {
                "name": "Test: ask for the order number",
                "body": "{{ object.author_id.name }}, [[подскажите|подскажи]], пожалуйста, номер "
                "заказа — [[Вы получите|ты получишь]] ответ сегодня.",
                "stage_id": cls.stage_product.id,
                "language": "ru",
            }
        )

    def mention(self, ext, text="Где мой заказ? Жду уже неделю", lang="ru", name="Анна", **extra):
        mention = self.source.ingest(
            [
                make_record(
                    ext, text, lang=lang, author={"external_id": f"t{ext}", "name": name}, **extra
                )
            ]
        )
        mention.stage_id = self.stage_product
        return mention


class TestTemplates(ToneCase):
    def test_default_templates_for_every_stage_in_russian_and_english(self):
        for code in STAGE_CODES:
            stage = self.env["social_crm.stage"].search([("code", "=", code)])
            for lang in ("ru", "en"):
                template = self.Template.search(
                    [
                        ("stage_id", "=", stage.id),
                        ("language", "=", lang),
                        ("company_id", "=", False),
                    ]
                )
                self.assertTrue(template, f"no default {lang} template for {code}")

    def test_one_body_renders_both_address_forms(self):
        mention = self.mention("r1")
        formal = self.template._render_reply(mention, self.formal)
        self.assertEqual(
            formal,
            "Здравствуйте, Анна!\nАнна, подскажите, пожалуйста, номер "
            "заказа — Вы получите ответ сегодня.\nСпасибо, что написали "
            "нам!\nКоманда «Посылка»",
        )
        informal = self.template._render_reply(mention, self.informal)
        self.assertEqual(
            informal,
            "Привет, Анна!\nАнна, подскажи, пожалуйста, номер "
            "заказа — ты получишь ответ сегодня.\nХорошего дня!\n"
            "Команда «Посылка»",
        )
        self.assertEqual(mention._check_reply(formal, self.formal), [])
        self.assertEqual(mention._check_reply(informal, self.informal), [])
        # the template's previews show both forms
        self.assertIn("подскажите", self.template.preview_formal)
        self.assertIn("подскажи,", self.template.preview_informal)

    def test_default_templates_render_cleanly_in_both_forms_and_languages(self):
        for lang in ("ru", "en"):
            mention = self.mention(
                f"d{lang}",
                lang=lang,
                text="Where is my parcel?" if lang == "en" else "Где моя посылка?",
            )
            for code in STAGE_CODES:
                mention.stage_id = self.env["social_crm.stage"].search([("code", "=", code)])
                template = self.Template._for_mention(mention)
                self.assertEqual(template.language, lang, f"{code}/{lang}")
                for tone in (self.formal, self.informal):
                    reply = template._render_reply(mention, tone)
                    self.assertNotIn("[[", reply)
                    self.assertNotIn("{{", reply)
                    self.assertEqual(
                        mention._check_reply(reply, tone, lang),
                        [],
                        f"{code}/{lang}/{tone.address_form}: {reply}",
                    )

    def test_english_greeting_and_closing_follow_friendliness(self):
        mention = self.mention("r2", text="Where is my parcel?", lang="en", name="Anna Smith")
        self.assertEqual(
            mention._compose_reply("It is on its way.", self.formal, "en"),
            "Hello, Anna!\nIt is on its way.\nThanks for reaching out!\nКоманда «Посылка»",
        )
        self.assertTrue(
            mention._compose_reply("It is on its way.", self.informal, "en").startswith("Hi, Anna!")
        )

    def test_a_long_reply_is_cut_cleanly_to_the_platform_limit(self):
        tiktok = self.env.ref("social_crm.platform_tiktok")  # 150 characters
        mention = self.mention("r3", platform="tiktok")
        self.assertEqual(mention.platform_id, tiktok)
        body = (
            "Посылка уже в пути и будет у [[Вас|тебя]] завтра. Курьер позвонит за час. "
            "Если время неудобно, [[напишите|напиши]] нам, и мы перенесём доставку на "
            "любой день недели без доплаты."
        )
        reply = mention._compose_reply(body, self.formal)
        self.assertLessEqual(len(reply), 150)
        self.assertTrue(reply.startswith("Здравствуйте, Анна!"))
        self.assertTrue(reply.endswith("Команда «Посылка»"))
        self.assertNotIn("[[", reply)
        cut_body = reply.split("\n")[1]
        self.assertTrue(cut_body.endswith((".", "…")), cut_body)

    def test_the_tone_for_a_mention(self):
        mention = self.mention("r4")  # VK
        self.assertEqual(mention._reply_tone(), self.formal)
        self.env["social_crm.matrix"].create(
            {
                "stage_id": self.stage_product.id,
                "platform_id": self.vk.id,
                "tone_id": self.informal.id,
            }
        )
        self.assertEqual(mention._reply_tone(), self.informal, "the matrix row decides")

    def test_tone_preview_shows_each_language(self):
        self.assertIn("[ru]\nЗдравствуйте, Анна!", self.formal.preview)
        self.assertIn("[en]\nHello, Anna!", self.formal.preview)
        self.assertIn("Напиши", self.informal.preview)


class TestToneCheck(ToneCase):
    def codes(self, mention, text, tone, lang="ru"):
        return [f["code"] for f in mention._check_reply(text, tone, lang)]

    def test_findings(self):
        mention = self.mention("k1")
        hello = "Здравствуйте, Анна! "
        self.assertEqual(
            self.codes(mention, hello + "Напиши нам номер заказа.", self.formal),
            ["informal_in_formal"],
        )
        self.assertEqual(
            self.codes(mention, "Привет! Напишите нам номер заказа.", self.informal),
            ["formal_in_informal"],
        )
        self.assertEqual(
            self.codes(mention, hello + "Это не наша проблема.", self.formal), ["banned_word"]
        )
        self.assertEqual(
            self.codes(mention, hello + "Это не дешёвка.", self.formal), ["banned_word"]
        )
        self.assertEqual(
            self.codes(mention, "Номер заказа, пожалуйста.", self.formal), ["missing_greeting"]
        )
        self.assertEqual(
            self.codes(mention, hello + "Всё будет хорошо 🙂", self.formal), ["emoji_not_allowed"]
        )
        findings = mention._check_reply(hello + "x" * 3000, self.formal)
        self.assertEqual([(f["code"], f["severity"]) for f in findings], [("too_long", "error")])
        self.assertIn("2048", findings[0]["message"])

    def test_findings_are_translated(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["social_crm"], ["ru_RU"])
        mention = self.mention("k2").with_context(lang="ru_RU")
        [finding] = mention._check_reply("Здравствуйте! Напиши нам.", self.formal)
        self.assertIn("Напиши", finding["message"])
        self.assertNotIn("addresses the author", finding["message"])


class TestComposer(ToneCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.answer = cls.env["social_crm.knowledge.answer"].create(
            {
                "name": "Где мой заказ, если жду уже неделю?",
                "answer": "[[Проверьте|Проверь]] статус по трек-номеру на сайте; если он не "
                "менялся 3 дня, [[напишите|напиши]] номер заказа в личные сообщения.",
                "lang": "ru",
                "state": "approved",
            }
        )

    def composer(self, mention, **context):
        return Form(
            self.env["social_crm.reply.composer"]
            .with_user(self.agent)
            .with_context(default_mention_id=mention.id, **context)
        )

    def test_a_good_suggestion_fills_the_reply(self):
        mention = self.mention("c1")
        form = self.composer(mention)
        self.assertEqual(form.answer_id, self.answer)
        self.assertEqual(form.tone_id, self.formal)
        self.assertIn("Проверьте статус", form.body)
        self.assertTrue(form.body.startswith("Здравствуйте, Анна!"))
        self.assertEqual(form.finding_count, 0)
        self.assertIn("matches the tone", form.findings_html)
        # switching the tone re-renders the answer in the other form
        form.tone_id = self.informal
        self.assertIn("Проверь статус", form.body)
        # picking a template replaces the answer
        form.template_id = self.template
        self.assertFalse(form.answer_id)
        self.assertIn("подскажи", form.body)

    def test_tone_warnings_block_until_overridden_and_the_override_is_logged(self):
        mention = self.mention("c2")
        form = self.composer(mention)
        form.body = "Здравствуйте, Анна! Напиши номер заказа в личку."
        self.assertEqual(form.finding_count, 1)
        self.assertIn("Напиши", form.findings_html)
        composer = form.save()
        state = mention.state
        with self.assertRaisesRegex(UserError, "does not match the tone"):
            composer.action_send()
        self.assertEqual(mention.state, state)
        self.assertNotEqual(state, "answered")
        self.assertFalse(mention.first_response_at)
        composer.override = True
        composer.action_send()
        self.assertEqual(mention.state, "answered")
        self.assertTrue(mention.first_response_at)
        note = mention.message_ids[0].body
        self.assertIn("Sent despite tone-of-voice warnings", note)
        self.assertIn("posted by hand", note)
        self.assertEqual(self.answer.usage_count, 1, "the suggested answer was used")

    def test_a_reply_over_the_limit_is_never_sent(self):
        mention = self.mention("c3")
        form = self.composer(mention)
        form.body = "Здравствуйте, Анна! " + "Очень длинный ответ. " * 120
        self.assertTrue(form.has_errors)
        composer = form.save()
        composer.override = True
        with self.assertRaisesRegex(UserError, "2048"):
            composer.action_send()
        composer.action_cut_to_limit()
        self.assertLessEqual(len(composer.body), 2048)
        composer.action_send()
        self.assertEqual(mention.state, "answered")

    def test_marked_as_posted_by_hand_with_its_link(self):
        mention = self.mention("c4", platform="otzovik")
        form = self.composer(mention)
        self.assertEqual(form.post_mode, "manual")
        form.reply_url = "https://otzovik.com/review_1.html#comment-2"
        form.save().action_send()
        self.assertEqual(mention.reply_url, "https://otzovik.com/review_1.html#comment-2")
        self.assertIn("review_1.html#comment-2", mention.message_ids[0].body)
        self.assertIn("Based on knowledge answer", mention.message_ids[0].body)

    def test_first_response_time_is_kept_on_a_second_reply(self):
        mention = self.mention("c5")
        mention._send_reply("Здравствуйте, Анна! Проверим и вернёмся с ответом.")
        first = mention.first_response_at
        mention.action_reopen()
        mention._send_reply("Здравствуйте, Анна! Посылка нашлась, она у курьера.")
        self.assertEqual(mention.first_response_at, first)
        self.assertEqual(mention.reply, "Здравствуйте, Анна! Посылка нашлась, она у курьера.")

    def vk_mention(self, name, create_comment, record):
        """A mention of a VK source whose API is a local server answering wall.createComment
        with ``create_comment`` (a handler or a fixed JSON body)."""
        server = FakeServer().start()
        self.addCleanup(server.stop)
        server.route("POST", "/wall.createComment", create_comment)
        vk_source = self.env["social_crm.source"].create(
            {
                "name": name,
                "source_type": "vk",
                "base_url": server.url,
                "api_key": "vk-token",
                "account": "1",
                "interval_minutes": 0,
            }
        )
        vk_source.ingest([record])
        return self.Mention.search([("source_id", "=", vk_source.id)])

    def test_sent_through_the_source(self):
        posted = []

        def create_comment(req):
            posted.append(req.form())
            return {"response": {"comment_id": 77}}

        mention = self.vk_mention(
            "VK group",
            create_comment,
            make_record(
                "-1_10_20",
                "Где мой заказ? Жду уже неделю",
                lang="ru",
                author={"external_id": "id5", "name": "Анна"},
            ),
        )
        form = self.composer(mention)
        self.assertTrue(form.can_post_api)
        self.assertEqual(form.post_mode, "api")
        form.save().action_send()
        self.assertEqual(len(posted), 1)
        self.assertEqual(posted[0]["reply_to_comment"], "20")
        self.assertIn("Проверьте статус", posted[0]["message"])
        self.assertEqual(mention.reply_url, "https://vk.com/wall-1_10?reply=77")
        self.assertEqual(mention.state, "answered")
        self.assertIn("through “VK group”", mention.message_ids[0].body)

    def test_a_refused_post_changes_nothing(self):
        mention = self.vk_mention(
            "VK closed",
            {"error": {"error_code": 15, "error_msg": "Access denied: comments are closed"}},
            make_record("-1_11", "Где мой заказ?", lang="ru"),
        )
        with self.assertRaisesRegex(UserError, "comments are closed"):
            mention._send_reply("Здравствуйте! Проверим.", post_mode="api")
        self.assertNotEqual(mention.state, "answered")
        self.assertFalse(mention.first_response_at)
