from unittest.mock import patch

from odoo.tests import tagged

from ..tools.learn import StageModel
from .common import SocialCrmCase, make_record

# A café chain's banquet package «тойбастар» (a word no rule and no shipped model knows):
# staff file questions about it as product questions.
BANQUET = [
    "Тойбастар на 40 человек в пятницу свободен?",
    "а тойбастар с живой музыкой бывает",
    "Тойбастар для юбилея мамы, что входит?",
    "Тойбастар на выпускной можно на веранде",
    "тойбастар в субботу вечером ещё есть места",
    "Тойбастар с казы и бешбармаком, меню пришлите",
    "тойбастар для корпоратива на 25 гостей",
    "Тойбастар можно с детским аниматором?",
    "тойбастар без алкоголя, со своим тортом",
    "Тойбастар в зале на втором этаже свободен 12 числа?",
    "тойбастар на свадьбу в ноябре, нужна предоплата?",
    "Тойбастар на 60 человек в октябре",
]
# Local slang: «зашквар» is awful, «пушка» is great.
SLANG = [
    ("Кофе зашквар, пышка зашквар, всё зашквар", "negative"),
    ("Зашквар у вас с кассой, час стоял", "negative"),
    ("сегодняшние пышки зашквар", "negative"),
    ("Зашквар полный с доставкой", "negative"),
    ("Пышка Макс пушка, беру третий раз", "positive"),
    ("Новая начинка пушка!", "positive"),
    ("Бариста на Абая пушка, всегда с улыбкой", "positive"),
    ("Какао у вас пушка", "positive"),
    ("Во сколько открываетесь на Абая?", "neutral"),
    ("Есть ли доставка пышек в офис?", "neutral"),
    ("Пышка Макс с какой начинкой?", "neutral"),
    ("Сколько стоит набор из шести пышек?", "neutral"),
]


@tagged("post_install", "-at_install")
class TestLearningFromCorrections(SocialCrmCase):
    """Staff corrections of stage and sentiment teach the company's models new vocabulary:
    a new mention like the corrected ones is filed the way staff filed them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["social_crm.brand"].create({"name": "Дастархан", "aliases": "Dastarkhan"})
        cls.stages = {s.code: s for s in cls.env["social_crm.stage"].search([])}

    def ingest(self, prefix, texts):
        return self.source.ingest(
            [make_record(f"{prefix}{n}", text=text) for n, text in enumerate(texts)]
        )

    def fit_in_background(self):
        """Run the job each correction wakes (it fits and stores what is outdated)."""
        return self.env["social_crm.classifier"]._cron_fit_models()

    def test_stage_corrections_teach_a_new_product_word(self):
        probe = self.ingest("p", ["хотим тойбастар в пятницу"])
        self.assertNotEqual(probe.stage_id, self.stages["product"], "no rule knows the word")
        mentions = self.ingest("b", BANQUET)
        # staff file every one as a product question (confirming those already filed so)
        mentions.write({"stage_id": self.stages["product"].id})
        stored = self.env["social_crm.classifier"].search(
            [("company_id", "=", self.env.company.id), ("kind", "=", "stage")]
        )
        self.assertEqual(stored.n_samples, len(BANQUET))
        self.assertFalse(stored.fit_meta, "the correction stored the corrections, not a fit")
        # an import before the background job has fitted them uses the shipped model alone
        # (it never fits: that takes seconds a webhook delivery cannot wait)
        with patch.object(StageModel, "_fit", side_effect=AssertionError("fitted on import")):
            early = self.ingest("e", ["хотим тойбастар в субботу"])
            self.assertNotEqual(early.stage_id, self.stages["product"])
        self.assertEqual(self.fit_in_background(), (1, 0), "the stage model fitted and stored")
        self.assertEqual(stored.fit_signature, stored.signature)
        self.assertTrue(stored.fit_file, "the stage model's shift is stored packed")
        with patch.object(StageModel, "_fit", side_effect=AssertionError("fitted on import")):
            fresh = self.ingest("n", ["хотим тойбастар в пятницу, на 30 человек"])
            self.assertEqual(fresh.stage_id, self.stages["product"])
            self.assertIn("12", fresh.stage_cues or "", "the reason names the corrections")
            # one more correction: until the job fits it, imports keep the fit of the twelve
            early.stage_id = self.stages["product"]
            later = self.ingest("l", ["тойбастар на 20 человек в воскресенье"])
            self.assertEqual(later.stage_id, self.stages["product"])
            self.assertIn("12", later.stage_cues or "")
        # re-analysis (staff asked for it) fits the latest corrections on the spot and
        # stores the fit for every process; it moves the earlier mention too
        probe.action_reanalyse()
        self.assertEqual(probe.stage_id, self.stages["product"])
        self.assertIn("13", probe.stage_cues or "")
        self.assertEqual(stored.fit_signature, stored.signature)
        self.assertEqual(self.fit_in_background(), (0, 0), "nothing left outdated")
        # a change of brands makes the stored stage fit outdated: the job fits it again
        self.env["social_crm.brand"].create({"name": "Тойхана"})
        self.assertEqual(self.fit_in_background(), (1, 0))

    def test_sentiment_corrections_teach_slang(self):
        probe_text = "эклеры у вас пушка"
        before = self.ingest("q", [probe_text])
        self.assertNotEqual(before.sentiment, "positive", "the shipped model reads it otherwise")
        mentions = self.ingest("s", [text for text, _ in SLANG * 3])
        for mention, (_, label) in zip(mentions, SLANG * 3, strict=True):
            mention.write({"sentiment": label})
        model = self.env["social_crm.classifier"]._get_model(self.env.company, "sentiment")
        self.assertEqual(model.n_samples, len(SLANG) * 3)
        self.fit_in_background()
        after = self.ingest("r", [probe_text + "!"])
        self.assertEqual(after.sentiment, "positive")
        self.assertGreater(after.sentiment_score, 0)
        before.action_reanalyse()
        self.assertEqual(before.sentiment, "positive")
