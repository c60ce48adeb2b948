"""People behind the mentions: identities, profile, advocates, the right to be forgotten."""

from datetime import datetime, timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import SocialCrmCase, make_record


class PeopleCase(SocialCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(cls.env, "people_agent", groups="social_crm.group_user")
        cls.manager = new_test_user(cls.env, "people_manager", groups="social_crm.group_manager")
        cls.plain = new_test_user(
            cls.env, "people_plain", groups="base.group_user,base.group_partner_manager"
        )
        cls.Author = cls.env["social_crm.author"]
        cls.Match = cls.env["social_crm.author.match"]

    def post(self, ext, author, text="Подскажите, есть ли доставка в Алматы?", **extra):
        return self.source.ingest([make_record(ext, text=text, author=author, **extra)])

    def author_of(self, ext, name, platform="vk", **extra):
        author = dict({"external_id": ext, "name": name}, **extra)
        return self.post(f"m-{ext}-{platform}", author, platform=platform).author_id


@tagged("post_install", "-at_install")
class TestPeopleIdentities(PeopleCase):
    def test_a_shared_name_alone_suggests_nothing(self):
        one = self.author_of("n1", "Айгуль Серикова")
        two = self.author_of("n2", "Айгуль Серикова", platform="telegram")
        found = self.Match._suggest_for(one | two)
        self.assertFalse(found, "the same name is no evidence")
        self.assertFalse(one.partner_id or two.partner_id, "nothing is linked silently")

    def test_the_same_handle_on_two_platforms_is_suggested(self):
        vk = self.author_of("h1", "Aigul", handle="aigul_s")
        tg = self.author_of("h2", "A.S.", platform="telegram", handle="@Aigul_S")
        other = self.author_of("h3", "Someone", platform="telegram", handle="other_one")
        found = self.Match._suggest_for(vk)
        self.assertEqual(len(found), 1)
        self.assertEqual(found.author_id | found.other_author_id, vk | tg)
        self.assertEqual(found.reason, "handle")
        self.assertNotIn(other, found.author_id | found.other_author_id)
        self.assertFalse(self.Match._suggest_for(vk | tg), "a pair is suggested once")

    def test_the_same_profile_url_is_suggested(self):
        one = self.author_of("u1", "Марат", url="https://vk.com/marat.k/")
        two = self.author_of("u2", "Marat K", url="http://www.vk.com/Marat.K")
        found = self.Match._suggest_for(one)
        self.assertEqual(found.author_id | found.other_author_id, one | two)
        self.assertEqual(found.reason, "url")
        self.assertTrue(found.same_platform, "the same account imported twice: to merge")

    def test_a_phone_or_email_written_in_a_mention_finds_the_contact(self):
        by_phone = self.post(
            "p-1",
            {"external_id": "ph1", "name": "Ержан"},
            text="Третий день нет интернета! Перезвоните мне: +7 (701) 555-12-34",
        ).author_id
        by_mail = self.post(
            "e-1",
            {"external_id": "em1", "name": "Lena"},
            text="Where is my refund? Write to Lena.P@example.com please",
        ).author_id
        ignored = self.post(
            "x-1", {"external_id": "x1", "name": "Ержан"}, text="Без контактов, просто Ержан"
        ).author_id
        erzhan = self.env["res.partner"].create({"name": "Ержан Б.", "mobile": "8 701 555 12 34"})
        lena = self.env["res.partner"].create({"name": "Елена", "email": "lena.p@example.com"})
        found = self.Match._suggest_for(by_phone | by_mail | ignored)
        mine = found.filtered(lambda m: m.partner_id in erzhan | lena)
        pairs = {(m.author_id, m.partner_id, m.reason) for m in mine}
        self.assertEqual(pairs, {(by_phone, erzhan, "phone"), (by_mail, lena, "email")})
        self.assertNotIn(ignored, found.author_id, "no contact details, no suggestion")

    def test_confirm_links_both_identities_to_one_contact(self):
        vk = self.author_of("c1", "Dana", handle="dana_k")
        tg = self.author_of("c2", "Dana K", platform="telegram", handle="dana_k")
        match = self.Match._suggest_for(vk)
        with self.assertRaises(AccessError):
            match.with_user(self.plain).action_confirm()
        match.with_user(self.agent).action_confirm()
        self.assertTrue(vk.partner_id)
        self.assertEqual(vk.partner_id, tg.partner_id, "one contact for both identities")
        self.assertEqual(match.state, "confirmed")
        self.assertEqual(match.decided_by_id, self.agent)
        self.assertEqual(vk.partner_id.social_crm_author_ids, vk | tg)
        self.assertEqual(vk.partner_id.social_crm_mention_count, 2)
        with self.assertRaises(UserError):
            match.with_user(self.agent).action_confirm()

    def test_dismissed_is_not_suggested_again(self):
        vk = self.author_of("d1", "Ivan", handle="ivan2000")
        tg = self.author_of("d2", "Ivan", platform="telegram", handle="ivan2000")
        match = self.Match._suggest_for(tg)
        match.with_user(self.agent).action_dismiss()
        self.assertEqual(match.state, "dismissed")
        self.assertFalse(self.Match._suggest_for(vk | tg), "not suggested again")
        self.assertFalse(vk.partner_id or tg.partner_id)

    def test_merge_two_authors_of_one_account(self):
        old = self.author_of("old-id", "Kate", url="https://vk.com/kate")
        self.post(
            "mk-2", {"external_id": "old-id", "name": "Kate"}, text="Ужасный сервис, верните деньги"
        )
        new = self.author_of("new-id", "Kate V.", url="https://vk.com/kate")
        self.assertEqual((old.mention_count, new.mention_count), (2, 1))
        match = self.Match._suggest_for(new)
        self.assertTrue(match.same_platform)
        with self.assertRaises(AccessError):
            match.with_user(self.plain).action_merge()
        match.with_user(self.agent).action_merge()
        self.assertFalse(new.exists(), "one author stays")
        self.assertEqual(old.mention_count, 3, "mentions move, counts are recomputed")
        self.assertEqual(old.negative_count, 1)
        self.assertIn("merged", old.message_ids[0].body)
        # the next import under the other id finds the merged author
        again = self.post("mk-3", {"external_id": "new-id", "name": "Kate V."})
        self.assertEqual(again.author_id, old)
        self.assertEqual(old.mention_count, 4)

    def test_merge_wizard_keeps_the_author_with_more_mentions(self):
        busy = self.author_of("mw1", "Zhanna")
        self.post("mw-2", {"external_id": "mw1", "name": "Zhanna"})
        twin = self.author_of("mw2", "Zhanna")
        wizard = (
            self.env["social_crm.author.merge"]
            .with_user(self.agent)
            .with_context(active_model="social_crm.author", active_ids=(twin | busy).ids)
            .create({})
        )
        self.assertEqual(wizard.dest_author_id, busy)
        action = wizard.action_merge()
        self.assertEqual(action["res_id"], busy.id)
        self.assertFalse(twin.exists())
        self.assertEqual(busy.mention_count, 3)

    def test_merge_refuses_authors_of_different_platforms(self):
        vk = self.author_of("mp1", "Ann")
        tg = self.author_of("mp2", "Ann", platform="telegram")
        with self.assertRaisesRegex(UserError, "different platforms"):
            vk.with_user(self.agent)._merge_from(tg)

    def test_merge_contacts_carries_identities_along(self):
        vk = self.author_of("pm1", "Oleg")
        tg = self.author_of("pm2", "Oleg", platform="telegram")
        one = self.env["res.partner"].create({"name": "Oleg", "email": "oleg@example.com"})
        two = self.env["res.partner"].create({"name": "Oleg S.", "email": "oleg@example.com"})
        vk.partner_id = one
        tg.partner_id = two
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_context(active_model="res.partner", active_ids=(one | two).ids)
            .create({"dst_partner_id": one.id})
        )
        wizard.action_merge()
        self.assertFalse(two.exists())
        self.assertEqual(one.social_crm_author_ids, vk | tg, "both identities follow")
        self.assertEqual(one.social_crm_mention_count, 2, "nothing lost")
        self.assertEqual(self.Mention.search([("author_id", "in", (vk | tg).ids)]).partner_id, one)


@tagged("post_install", "-at_install")
class TestPeopleProfile(PeopleCase):
    def test_first_and_last_seen_are_min_and_max_of_the_mentions(self):
        author = {"external_id": "fs-1", "name": "Aigerim"}
        middle = self.post("fs-b", author, published_at="2026-04-02T10:00:00+00:00")
        person = middle.author_id
        self.assertEqual(person.first_seen, person.last_seen)
        self.source.ingest(
            [
                make_record("fs-c", author=author, published_at="2026-04-03T10:00:00+00:00"),
                make_record("fs-a", author=author, published_at="2026-04-01T09:00:00+00:00"),
            ]
        )
        self.assertEqual(person.first_seen, datetime(2026, 4, 1, 9, 0))
        self.assertEqual(person.last_seen, datetime(2026, 4, 3, 10, 0))
        newest = self.Mention.search([("external_id", "=", "fs-c")])
        newest.published_at = datetime(2026, 3, 30, 8, 0)  # corrected by hand
        self.assertEqual(person.first_seen, datetime(2026, 3, 30, 8, 0))
        self.assertEqual(person.last_seen, datetime(2026, 4, 2, 10, 0))

    def test_earlier_mentions_never_list_a_later_one(self):
        author = {"external_id": "em-1", "name": "Bota"}
        same_time = "2026-04-05T10:00:00+00:00"
        first = self.post("em-a", author, published_at=same_time)
        second = self.post("em-b", author, published_at=same_time)
        third = self.post("em-c", author, published_at="2026-04-06T10:00:00+00:00")
        (first | second | third).invalidate_recordset()
        self.assertFalse(first.author_mention_ids)
        self.assertEqual(second.author_mention_ids, first)
        self.assertEqual(third.author_mention_ids.ids, [second.id, first.id])

    def test_profile_answers_who_what_and_how(self):
        author = {"external_id": "pr-1", "name": "Саша", "followers": 1200}
        complaint = self.post(
            "pr-a",
            author,
            text="Ты можешь объяснить, почему третий день нет интернета? Ужасный сервис",
            published_at="2026-04-01T10:00:00+00:00",
        )
        self.post(
            "pr-b",
            author,
            text="Подскажи, как поменять тариф?",
            published_at="2026-04-02T10:00:00+00:00",
        )
        tg = self.author_of("pr-2", "Sasha", platform="telegram", followers=300)
        partner = self.env["res.partner"].create({"name": "Саша"})
        (complaint.author_id | tg).partner_id = partner
        complaint.write(
            {
                "first_response_at": complaint.published_at + timedelta(minutes=30),
                "reply": "Саша, уже проверяем",
                "state": "answered",
            }
        )
        person = complaint.author_id.with_user(self.agent)
        self.assertEqual(person.person_author_ids, complaint.author_id | tg)
        self.assertEqual(person.reach, 1500, "audience summed across identities")
        self.assertEqual(person.person_mention_count, 3)
        self.assertAlmostEqual(person.answered_share, 1 / 3, places=3)
        self.assertAlmostEqual(person.median_response_minutes, 30.0, places=1)
        self.assertEqual(person.last_reply, "Саша, уже проверяем")
        self.assertIn("VK: 2", person.platform_summary)
        self.assertEqual(person.address_form, "informal")
        self.assertEqual(person.reply_lang, "ru")
        self.assertIn("как поменять тариф", person.typical_questions)
        self.assertGreater(person.negative_share, 0)
        # the reply composer offers how they write, next to the brand's tone
        composer = (
            self.env["social_crm.reply.composer"]
            .with_user(self.agent)
            .with_context(active_id=complaint.id)
            .create({})
        )
        self.assertIn("«ты»", composer.author_hint)
        if composer.tone_id.address_form == "formal":
            self.assertIn("«Вы»", composer.author_hint, "the difference with the tone is named")


@tagged("post_install", "-at_install")
class TestPeopleAdvocates(PeopleCase):
    def test_advocates_are_ranked_and_flagged_above_the_threshold(self):
        recent = fields.Datetime.now() - timedelta(days=2)
        praise = [
            "Отличный сервис, всем рекомендую!",
            "Спасибо, всё быстро и удобно, очень довольна",
            "Лучший банк, советую друзьям",
        ]
        fan = self.Author.browse()
        for i, text in enumerate(praise):
            fan = self.post(
                f"adv-{i}",
                {"external_id": "fan", "name": "Fan", "followers": 20000},
                text=text,
                published_at=(recent - timedelta(hours=i)).isoformat(),
            ).author_id
        once = self.post(
            "adv-once",
            {"external_id": "once", "name": "Once"},
            text="Спасибо, всё понравилось",
            published_at=recent.isoformat(),
        ).author_id
        critic = self.post(
            "adv-critic",
            {"external_id": "critic", "name": "Critic", "followers": 50000},
            text="Ужасный сервис, третий день нет интернета",
        ).author_id
        self.assertEqual(fan.positive_count, 3, fan.mention_ids.mapped("sentiment"))
        self.assertGreaterEqual(fan.recommendation_count, 2)
        self.assertGreater(fan.advocate_score, once.advocate_score)
        self.assertGreater(once.advocate_score, critic.advocate_score)
        self.assertEqual(critic.advocate_score, 0)
        self.assertLessEqual(fan.advocate_score, 100)
        self.assertTrue(fan.is_advocate)
        self.assertFalse(once.is_advocate)
        # the threshold is a setting; changing it re-flags
        settings = self.env["res.config.settings"].create({})
        settings.social_crm_advocate_threshold = once.advocate_score
        settings.execute()
        self.assertTrue(once.is_advocate)
        ranked = self.Author.search(
            [("id", "in", (fan | once | critic).ids), ("is_advocate", "=", True)],
            order="advocate_score desc",
        )
        self.assertEqual(ranked.ids, [fan.id, once.id])

    def test_the_threshold_is_between_1_and_100(self):
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"social_crm_advocate_threshold": 101})

    def test_advocate_gets_the_thank_you_template_in_the_tone(self):
        mention = self.post(
            "adv-t",
            {"external_id": "fan2", "name": "Алия", "followers": 50000},
            text="Отличный сервис, всем рекомендую! Спасибо!",
        )
        self.assertFalse(mention.author_id.is_advocate, "one mention is not enough at 60")
        self.assertFalse(
            self.env["social_crm.reply.template"]
            ._candidates_for(mention)
            .filtered("for_advocates"),
            "the thank-you template is for advocates only",
        )
        self.env["ir.config_parameter"].set_param("social_crm.advocate_threshold", "1")
        self.Author._apply_advocate_threshold()
        self.assertTrue(mention.author_id.is_advocate)
        template = self.env["social_crm.reply.template"]._for_mention(mention)
        self.assertTrue(template.for_advocates, template.name)
        reply = template._render_reply(mention)
        self.assertIn("рекоменд", reply.lower())
        self.assertNotIn("[[", reply, "the tone chose «Вы» or «ты»")
        errors = [
            f
            for f in mention._check_reply(reply, mention._reply_tone(), "ru")
            if f["severity"] == "error"
        ]
        self.assertFalse(errors, errors)


@tagged("post_install", "-at_install")
class TestPeopleForget(PeopleCase):
    RECORD = {
        "external_id": "fg-1",
        "name": "Мария Иванова",
        "handle": "maria_iv",
        "url": "https://vk.com/maria_iv",
    }

    def ingest_old(self):
        return self.source.ingest(
            [
                make_record(
                    "fg-m1",
                    text="Мария Иванова: третий день нет интернета, звоните +7 701 555 00 11, "
                    "пишите maria@example.com, профиль vk.com/maria_iv",
                    author=dict(self.RECORD),
                    raw={"author": {"name": "Мария Иванова"}, "text": "maria_iv пишет"},
                )
            ]
        )

    def test_a_plain_user_cannot_forget(self):
        author = self.ingest_old().author_id
        with self.assertRaises(AccessError):
            author.with_user(self.agent).action_forget()
        with self.assertRaises(AccessError):
            author.with_user(self.plain).action_forget()
        self.assertFalse(author.is_forgotten)

    def test_forget_anonymises_keeps_counts_and_survives_a_reimport(self):
        mention = self.ingest_old()
        author = mention.author_id
        partner = self.env["res.partner"].create({"name": "Мария Иванова"})
        author.partner_id = partner
        before = (author.mention_count, author.negative_count)
        author.with_user(self.manager).action_forget()
        self.assertTrue(author.is_forgotten)
        self.assertEqual(author.forgotten_by_id, self.manager)
        self.assertTrue(author.forgotten_at)
        self.assertFalse(author.partner_id, "the contact is unlinked")
        self.assertFalse(author.handle or author.url)
        self.assertNotIn("fg-1", author.external_id)
        self.assertNotIn("Мария", author.name)
        self.assertEqual((author.mention_count, author.negative_count), before, "counts stay")
        for value in (mention.text, str(mention.raw)):
            for personal in ("Мария", "Иванова", "maria_iv", "maria@example.com", "555 00 11"):
                self.assertNotIn(personal, value)
        self.assertIn("третий день нет интернета", mention.text, "the substance stays")
        self.assertIn("Forgotten", author.message_ids[0].body)
        # the next import of the same old mention does not bring the person back
        self.ingest_old()
        again = self.Mention.search(
            [("source_id", "=", self.source.id), ("external_id", "=", "fg-m1")]
        )
        self.assertEqual(again, mention)
        self.assertEqual(again.author_id, author)
        self.assertNotIn("Мария", author.name)
        self.assertNotIn("Мария", again.text)
        self.assertFalse(self.Author.search([("name", "ilike", "Мария")]))
        self.assertFalse(
            self.Author.search([("external_id", "=", "fg-1")]), "not re-created under its id"
        )


@tagged("post_install", "-at_install")
class TestPeopleContactForm(PeopleCase):
    def test_contact_form_opens_for_everyone_and_shows_social_to_agents_only(self):
        partner = self.env["res.partner"].create({"name": "Form check"})
        self.author_of("fc1", "Form check").partner_id = partner
        plain_arch = (
            self.env["res.partner"].with_user(self.plain).get_view(view_type="form")["arch"]
        )
        self.assertNotIn("social_crm", plain_arch)
        with Form(partner.with_user(self.plain)) as form:
            form.name = "Form check, edited by a plain user"
        agent_arch = etree.fromstring(
            self.env["res.partner"].with_user(self.agent).get_view(view_type="form")["arch"]
        )
        self.assertTrue(agent_arch.xpath("//page[@name='social_crm']"))
        self.assertEqual(partner.with_user(self.agent).social_crm_mention_count, 1)
        action = partner.with_user(self.agent).action_view_social_crm_mentions()
        self.assertEqual(
            self.Mention.with_user(self.agent).search(action["domain"]).partner_id, partner
        )
        portal = new_test_user(self.env, "people_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            partner.with_user(portal).social_crm_author_ids  # noqa: B018
