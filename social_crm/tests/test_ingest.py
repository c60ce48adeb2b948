from datetime import datetime

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import SocialCrmCase, make_record


@tagged("post_install", "-at_install")
class TestIngest(SocialCrmCase):
    def test_install_data(self):
        stages = self.env["social_crm.stage"].search([])
        self.assertEqual(
            stages.mapped("code"),
            [
                "general",
                "competitor",
                "product",
                "first_review",
                "negative",
                "support",
                "churn",
                "awkward",
            ],
            "the eight consumer-cycle stages, in cycle order",
        )
        self.assertTrue(all(stages.mapped("playbook")))
        platforms = self.env["social_crm.platform"].search([])
        for code in (
            "vk",
            "telegram",
            "instagram",
            "facebook",
            "youtube",
            "x",
            "tiktok",
            "ok",
            "otzovik",
            "irecommend",
            "zoon",
            "yandex_maps",
            "2gis",
            "google_maps",
            "forum",
            "news",
            "web",
        ):
            self.assertIn(code, platforms.mapped("code"))
        self.assertEqual(platforms.filtered(lambda p: p.code == "otzovik").kind, "review")
        self.assertEqual(platforms.filtered(lambda p: p.code == "x").reply_limit, 280)

    def test_ingest_creates_mentions_and_authors(self):
        mentions = self.source.ingest(
            [make_record(1), make_record(2, rating=4, platform="otzovik")]
        )
        self.assertEqual(len(mentions), 2)
        first = mentions.filtered(lambda m: m.external_id == "1")
        self.assertEqual(first.platform_id.code, "vk")
        self.assertEqual(first.published_at, datetime(2026, 5, 1, 5, 0, 0), "stored in UTC")
        self.assertEqual(first.author_id.name, "Author 1")
        self.assertEqual(first.author_id.platform_id.code, "vk")
        self.assertEqual(first.state, "new")
        self.assertEqual(first.company_id, self.env.company)
        self.assertTrue(first.sla_deadline, "every mention gets a first-response deadline")
        second = mentions - first
        self.assertEqual(second.rating, 4)
        self.assertEqual(second.platform_id.kind, "review")
        self.assertEqual(self.source.created_count, 2)

    def test_ingest_is_idempotent(self):
        records = [make_record(i) for i in range(5)]
        first = self.source.ingest(records)
        again = self.source.ingest(records)
        self.assertEqual(len(again), 0, "an identical re-delivery changes nothing")
        self.assertEqual(self.Mention.search_count([("source_id", "=", self.source.id)]), 5)
        edited = dict(records[0], text="Исправленный текст: доставки нет?", likes=7)
        changed = self.source.ingest([edited])
        self.assertEqual(changed, first.filtered(lambda m: m.external_id == "0"))
        self.assertEqual(changed.text, "Исправленный текст: доставки нет?")
        self.assertEqual(changed.likes, 7)
        self.assertEqual(self.Mention.search_count([("source_id", "=", self.source.id)]), 5)
        self.assertEqual(
            self.env["social_crm.author"].search_count(
                [("external_id", "in", [f"a{i}" for i in range(5)])]
            ),
            5,
        )

    def test_same_external_id_in_another_source_is_another_mention(self):
        other = self.source.copy({"name": "Other"})
        self.source.ingest([make_record(1)])
        mention = other.ingest([make_record(1)])
        self.assertEqual(len(mention), 1)
        self.assertTrue(mention.duplicate_of_id, "same URL from another source is a duplicate")

    def test_invalid_records_are_reported_and_the_rest_goes_in(self):
        records = [
            make_record(1),
            make_record(2, text="   "),
            {"text": "no id", "platform": "vk"},
            make_record(4, published_at="31/31/2026 25:61"),
            "not an object",
            make_record(6),
        ]
        with self.assertLogs("odoo.addons.social_crm.models.social_crm_source", "WARNING"):
            report = self.source._ingest(records)
        self.assertEqual(report["created"], 2)
        self.assertEqual(sorted(report["mentions"].mapped("external_id")), ["1", "6"])
        reasons = {e["record"]: e["reason"] for e in report["errors"]}
        self.assertEqual(reasons["record 2"], "text is missing")
        self.assertEqual(reasons["record #3"], "external_id is missing")
        self.assertIn("unparseable date", reasons["record 4"])
        self.assertEqual(reasons["record #5"], "is not an object")
        self.assertIn("record 4", self.source.last_error)
        self.assertEqual(self.source.rejected_count, 4)

    def test_unknown_platform_becomes_a_platform(self):
        mention = self.source.ingest([make_record(1, platform="Threads.net")])
        self.assertEqual(mention.platform_id.code, "threads_net")
        self.assertTrue(mention.platform_id.name)

    def test_authors_upserted_by_platform_and_external_id(self):
        self.source.ingest(
            [
                make_record(1),
                make_record(2, author={"external_id": "a1", "name": "Renamed", "followers": 120}),
            ]
        )
        authors = self.env["social_crm.author"].search([("external_id", "=", "a1")])
        self.assertEqual(len(authors), 1)
        self.assertEqual(authors.name, "Renamed")
        self.assertEqual(authors.followers, 120)
        self.assertEqual(authors.mention_count, 2)
        # the same id on another platform is another person
        self.source.ingest(
            [make_record(3, platform="telegram", author={"external_id": "a1", "name": "TG"})]
        )
        self.assertEqual(
            self.env["social_crm.author"].search_count([("external_id", "=", "a1")]), 2
        )

    def test_author_linked_to_contact_by_profile_url(self):
        partner = self.env["res.partner"].create({"name": "Dana", "website": "https://vk.com/id77"})
        mention = self.source.ingest(
            [
                make_record(
                    1, author={"external_id": "77", "name": "Dana K.", "url": "https://vk.com/id77"}
                )
            ]
        )
        self.assertEqual(mention.author_id.partner_id, partner)
        self.assertEqual(mention.partner_id, partner)

    def test_thread_parent_is_linked(self):
        mentions = self.source.ingest([make_record(1), make_record(2, parent_external_id="1")])
        child = mentions.filtered(lambda m: m.external_id == "2")
        self.assertEqual(child.parent_id.external_id, "1")

    def test_source_values_are_kept(self):
        mention = self.source.ingest([make_record(1, lang="rus", sentiment="negative")])
        self.assertEqual(mention.lang, "ru")
        self.assertEqual(mention.sentiment, "negative")
        self.assertEqual(mention.sentiment_origin, "source")

    def _queries(self, records):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        mentions = self.source.ingest(records)
        return mentions, self.env.cr.sql_log_count - before

    def test_batch_of_1000_is_set_wise(self):
        def batch(prefix, n):
            return [
                make_record(f"{prefix}{i}", text=f"Сообщение {i}: когда починят интернет?")
                for i in range(n)
            ]

        self.source.ingest(batch("warm", 3))  # caches (analysis, platforms) warmed up
        small, small_count = self._queries(batch("s", 10))
        mentions, big_count = self._queries(batch("b", 1000))
        self.assertEqual(len(small), 10)
        self.assertEqual(len(mentions), 1000)
        self.assertEqual(len(mentions.author_id), 1000)
        # Set-wise: a few dozen queries for the whole batch, not one (or more) per record.
        self.assertLess(big_count, len(mentions) / 10, f"{big_count} queries for 1000 records")
        again, again_count = self._queries(batch("b", 1000))
        self.assertFalse(again)
        self.assertLess(again_count, 100, "a re-delivery of 1000 is read set-wise too")
        self.assertEqual(self.Mention.search_count([("source_id", "=", self.source.id)]), 1013)

    def test_manual_stage_survives_reanalysis(self):
        mention = self.source.ingest([make_record(1)])
        churn = self.env["social_crm.stage"].search([("code", "=", "churn")])
        mention.stage_id = churn
        self.assertTrue(mention.stage_manual)
        mention.action_reanalyse()
        self.assertEqual(mention.stage_id, churn)

    def test_kanban_shows_every_stage_even_empty(self):
        groups = self.Mention.web_read_group([("id", "=", 0)], ["stage_id"], ["stage_id"])
        names = [g["stage_id"][1] for g in groups["groups"] if g["stage_id"]]
        self.assertEqual(len(names), 8)

    def test_workflow(self):
        mention = self.source.ingest([make_record(1)])
        mention.with_user(self.env.user).action_take()
        self.assertEqual(mention.state, "in_progress")
        self.assertEqual(mention.user_id, self.env.user)
        mention.action_mark_answered()
        self.assertEqual(mention.state, "answered")
        self.assertTrue(mention.first_response_at)
        mention.action_close()
        self.assertEqual(mention.state, "closed")

    def test_export_never_writes_live_formulas(self):
        texts = [
            '=HYPERLINK("http://x.example","click")',
            "+7 700 123 45 67 звонил",
            "-1 звезда",
            "@brand где заказ?",
            "обычный текст",
        ]
        mentions = self.source.ingest([make_record(i, text=t) for i, t in enumerate(texts)])
        exported = mentions.sorted("external_id").export_data(["text", "external_id"])["datas"]
        self.assertEqual([row[0] for row in exported], ["'" + t for t in texts[:4]] + [texts[4]])
        self.assertEqual(
            sorted(mentions.mapped("text")), sorted(texts), "the stored texts stay as they were"
        )

    def test_mention_typed_in_goes_through_ingest(self):
        agent = new_test_user(self.env, "hand_agent", groups="social_crm.group_user")
        negative = self.env["social_crm.stage"].search([("code", "=", "negative")])
        form = Form(self.Mention.with_user(agent))
        form.text = "Позвонила клиентка: в отделении на Абая третий день не работает терминал"
        form.platform_id = self.env.ref("social_crm.platform_vk")
        form.stage_id = negative
        mention = form.save()
        self.assertTrue(mention.external_id.startswith("manual-"))
        self.assertEqual(mention.source_id.source_type, "manual")
        self.assertEqual(mention.stage_id, negative)
        self.assertTrue(mention.stage_manual, "the stage typed in is kept as set by hand")
        self.assertEqual(mention.lang, "ru", "analysed like any import")
        self.assertTrue(mention.sla_deadline)
        self.assertEqual(mention.source_id.sudo().run_ids[:1].origin, "manual")
        with self.assertRaisesRegex(UserError, "text is missing"):
            self.Mention.with_user(agent).create(
                {"text": " ", "platform_id": self.env.ref("social_crm.platform_vk").id}
            )

    def test_author_first_and_last_seen_and_earlier_mentions(self):
        author = {"external_id": "seen-1", "name": "Айгуль"}
        middle = self.source.ingest(
            [make_record("p2", author=author, published_at="2026-05-02T10:00:00+00:00")]
        )
        self.source.ingest(
            [
                make_record("p3", author=author, published_at="2026-05-03T10:00:00+00:00"),
                make_record("p1", author=author, published_at="2026-05-01T10:00:00+00:00"),
            ]
        )
        person = middle.author_id
        self.assertEqual(person.first_seen, datetime(2026, 5, 1, 10, 0))
        self.assertEqual(person.last_seen, datetime(2026, 5, 3, 10, 0))
        older = self.Mention.search([("external_id", "=", "p1")])
        middle.invalidate_recordset()  # as the form reads it in a later request
        self.assertEqual(
            middle.author_mention_ids,
            older,
            "earlier mentions list only what the author wrote before",
        )

    def test_why_this_stage_reads_in_the_readers_language(self):
        mention = self.source.ingest(
            [make_record("why-1", text="Третий день нет интернета, ужасный сервис!")]
        )
        english = mention.with_context(lang="en_US").stage_cues
        self.assertTrue(english, "the mention says why it is in its stage")
        self.assertNotIn(":", english.split("\n")[0][:1], "sentences, not codes")
        if not self.env["res.lang"]._lang_get("ru_RU"):
            self.skipTest("Russian is not loaded in this database")
        mention.invalidate_recordset(["stage_cues"])
        russian = mention.with_context(lang="ru_RU").stage_cues
        self.assertNotEqual(russian, english)
        self.assertRegex(russian.split("\n")[0], "[а-яё]", "the reasons in Russian")

    def test_trouble_of_a_source_goes_to_a_person_never_a_bot(self):
        # created by the system (demo data, scripts): no responsible, not OdooBot
        source = self.env["social_crm.source"].create({"name": "System", "source_type": "vk"})
        self.assertFalse(source.user_id)
        source._notify_paused(5, "the API key was revoked")
        activity = source.activity_ids[-1:]
        self.assertEqual(activity.user_id, self.env.ref("base.user_admin"))
        self.assertFalse(activity.user_id._is_superuser())
        # a person who creates a source is its responsible
        manager = new_test_user(self.env, "src_owner", groups="social_crm.group_manager")
        owned = (
            self.env["social_crm.source"]
            .with_user(manager)
            .create({"name": "Mine", "source_type": "vk"})
        )
        self.assertEqual(owned.user_id, manager)

    def test_who_replies_becomes_the_assignee(self):
        agent = new_test_user(self.env, "reply_agent", groups="social_crm.group_user")
        mention = self.source.ingest([make_record("reply-1")]).with_user(agent)
        self.assertFalse(mention.user_id)
        mention._send_reply(
            "Здравствуйте! Доставка в Алматы есть, 2–3 дня.", post_mode="manual", override=True
        )
        self.assertEqual((mention.state, mention.user_id), ("answered", agent))
        self.assertTrue(mention.first_response_at)
