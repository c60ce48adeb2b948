from odoo.tests import tagged

from .common import SocialCrmCase, make_record


@tagged("post_install", "-at_install")
class TestAnalysis(SocialCrmCase):
    """Language, sentiment and stage filled on ingest; staff corrections win and teach."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Brand = cls.env["social_crm.brand"]
        cls.brand = Brand.create(
            {"name": "Зенит Авиа", "aliases": "Zenit Air\nЗенит", "product_names": "Зенит Бонус"}
        )
        cls.rival = Brand.create(
            {"name": "Сокол", "aliases": "Sokol Airlines", "is_competitor": True}
        )
        cls.stages = {s.code: s for s in cls.env["social_crm.stage"].search([])}

    def ingest_one(self, text, **extra):
        return self.source.ingest([make_record(text[:20], text=text, **extra)])

    def test_language_of_each_market(self):
        cases = {
            "Рейс задержали на пять часов, никто ничего не объясняет": "ru",
            "Рейс затримали на п'ять годин, ніхто нічого не пояснює": "uk",
            "Рейс бес сағатқа кешікті, ешкім ештеңе түсіндірмейді": "kk",
            "The flight was delayed five hours and nobody explains anything": "en",
        }
        for text, lang in cases.items():
            mention = self.ingest_one(text)
            self.assertEqual(mention.lang, lang, text)
            self.assertEqual(mention.lang_origin, "model")

    def test_latin_typed_and_retweeted_posts_are_read_as_written_in_cyrillic(self):
        """Translit and a retweet's marker: the mention keeps its text as the author wrote it,
        and gets the language, tone, stage and brand of the same words in Cyrillic."""
        cases = [
            (
                "RT @traveller_77: Zenit Air poteryali moy bagazh, tretiy den nikto ne otvechaet. Uzhas!",
                "Зенит Авиа потеряли мой багаж, третий день никто не отвечает. Ужас!",
            ),
            (
                "Zenit Air, zhukim zhogalyp ketti, ush kun boldy, eshkim zhauap bermeidi",
                "Зенит Авиа, жүгім жоғалып кетті, үш күн болды, ешкім жауап бермейді",
            ),
        ]
        for latin, cyrillic in cases:
            typed, written = self.ingest_one(latin), self.ingest_one(cyrillic)
            self.assertEqual(typed.text, latin, "the post is stored as it came")
            for field in ("lang", "sentiment", "stage_id", "brand_ids"):
                self.assertEqual(typed[field], written[field], (latin, field))
            self.assertIn(self.brand, typed.brand_ids)

    def test_complaint_is_negative_with_cues(self):
        mention = self.ingest_one(
            "Зенит Авиа потеряли мой багаж, третий день никто не отвечает. Ужас!"
        )
        self.assertEqual(mention.sentiment, "negative")
        self.assertLess(mention.sentiment_score, 0)
        self.assertEqual(mention.stage_id, self.stages["negative"])
        self.assertTrue(mention.stage_cues, "the mention says why it is in its stage")
        self.assertIn(self.brand, mention.brand_ids)

    def test_competitor_comparison_finds_the_competitor(self):
        mention = self.ingest_one("Что лучше для перелётов в Стамбул: Зенит или Sokol Airlines?")
        self.assertEqual(mention.stage_id, self.stages["competitor"])
        self.assertIn(self.rival, mention.competitor_ids)
        self.assertTrue(mention.is_question)

    def test_source_sentiment_kept_unless_policy_says_ours(self):
        text = "Зенит Авиа отменили рейс и не вернули деньги, отвратительно"
        kept = self.source.ingest([make_record("k1", text=text, sentiment="positive")])
        self.assertEqual((kept.sentiment, kept.sentiment_origin), ("positive", "source"))
        ours = self.source.copy({"name": "Ours", "sentiment_policy": "ours"})
        replaced = ours.ingest([make_record("k2", text=text, sentiment="positive")])
        self.assertEqual((replaced.sentiment, replaced.sentiment_origin), ("negative", "model"))

    def test_manual_choices_survive_reanalysis(self):
        mention = self.ingest_one("Подскажите, как добавить ребёнка в Зенит Бонус?")
        mention.write({"stage_id": self.stages["awkward"].id, "sentiment": "positive"})
        self.assertTrue(mention.stage_manual)
        self.assertTrue(mention.sentiment_manual)
        self.assertEqual(mention.sentiment_origin, "manual")
        mention.action_reanalyse()
        self.assertEqual(mention.stage_id, self.stages["awkward"])
        self.assertEqual(mention.sentiment, "positive")
        # re-delivery of the same post with new text re-analyses, still respecting hand choices
        self.source.ingest(
            [make_record(mention.external_id, text="Как добавить ребёнка? Ответьте!")]
        )
        self.assertEqual(mention.stage_id, self.stages["awkward"])

    def test_reanalysis_fills_what_configuration_changed(self):
        mention = self.ingest_one("Летал Небесными Линиями вчера, всё понравилось")
        self.assertFalse(mention.brand_ids)
        self.brand.aliases += "\nНебесные Линии"
        mention.action_reanalyse()
        self.assertIn(self.brand, mention.brand_ids, "aliases match inflected forms")

    def test_a_mention_is_not_its_own_authors_history_when_analysed_again(self):
        """At import a mention's author history is the author's other mentions; re-analysis
        sees the same, not the mention's own earlier stage voting for itself."""
        record = make_record("h1", text="Зенит Авиа потеряли мой багаж, ужас")
        first = self.source.ingest([record])
        Mention = self.env["social_crm.mention"]
        author = first.author_id.id
        self.assertEqual(Mention._author_histories([author])[author].mentions, 1)
        alone = Mention._author_histories([author], exclude_ids=first.ids)[author]
        self.assertEqual((alone.mentions, alone.last_stage), (0, ""))
        second = self.source.ingest(
            [make_record("h2", text="Когда вернут багаж?", author=record["author"])]
        )
        both = Mention._author_histories([author], exclude_ids=second.ids)[author]
        self.assertEqual((both.mentions, both.last_stage), (1, "negative"))

    def test_corrections_train_the_company_model(self):
        texts = [
            f"Вопрос {i}: где в приложении Зенит выписка по милям за месяц {i}?" for i in range(35)
        ]
        mentions = self.source.ingest([make_record(f"c{i}", text=t) for i, t in enumerate(texts)])
        mentions.write({"stage_id": self.stages["support"].id})
        model = self.env["social_crm.stage"]._learned_model(self.env.company)
        self.assertEqual(model.n_samples, len(mentions))
        stored = self.env["social_crm.classifier"].search(
            [("company_id", "=", self.env.company.id), ("kind", "=", "stage")]
        )
        self.assertEqual(stored.n_samples, len(mentions))
        self.assertEqual(model.predict("где выписка по милям", "ru"), "support")
        # the next correction retrains it
        self.ingest_one("Как сменить e-mail в профиле Зенит?").stage_id = self.stages["support"]
        self.assertEqual(
            self.env["social_crm.stage"]._learned_model(self.env.company).n_samples,
            len(mentions) + 1,
        )

    def test_sentiment_corrections_train_the_sentiment_model(self):
        texts = [f"Дали место {i} у туалета на рейсе Зенит" for i in range(40)]
        mentions = self.source.ingest([make_record(f"s{i}", text=t) for i, t in enumerate(texts)])
        mentions.write({"sentiment": "negative"})
        model = self.env["social_crm.classifier"]._get_model(self.env.company, "sentiment")
        self.assertEqual(model.n_samples, 40)
        self.assertEqual(model.predict("место у туалета", "ru"), "negative")
        # each correction carries the stage its mention is filed in (the tone is learnt
        # beside it: tools/learn.py)
        self.assertEqual(
            sorted({row[3] for row in model.rows}), sorted(set(mentions.stage_id.mapped("code")))
        )
        # a stage corrected later is what the sentiment is learnt beside from then on
        mentions[0].stage_id = self.stages["awkward"]
        model = self.env["social_crm.classifier"]._get_model(self.env.company, "sentiment")
        row = next(r for r in model.rows if r[0] == mentions[0].text)
        self.assertEqual(row[3], "awkward")
