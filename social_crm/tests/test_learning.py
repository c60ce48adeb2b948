from odoo.tests import tagged

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
        fresh = self.ingest("n", ["хотим тойбастар в пятницу, на 30 человек"])
        self.assertEqual(fresh.stage_id, self.stages["product"])
        self.assertIn("12", fresh.stage_cues or "", "the reason names the corrections")
        # re-analysis moves the earlier mention too (it was never set by hand)
        probe.action_reanalyse()
        self.assertEqual(probe.stage_id, self.stages["product"])

    def test_sentiment_corrections_teach_slang(self):
        probe_text = "эклеры у вас пушка"
        before = self.ingest("q", [probe_text])
        self.assertNotEqual(before.sentiment, "positive", "the shipped model reads it otherwise")
        mentions = self.ingest("s", [text for text, _ in SLANG * 3])
        for mention, (_, label) in zip(mentions, SLANG * 3, strict=True):
            mention.write({"sentiment": label})
        model = self.env["social_crm.classifier"]._get_model(self.env.company, "sentiment")
        self.assertEqual(model.n_samples, len(SLANG) * 3)
        after = self.ingest("r", [probe_text + "!"])
        self.assertEqual(after.sentiment, "positive")
        self.assertGreater(after.sentiment_score, 0)
        before.action_reanalyse()
        self.assertEqual(before.sentiment, "positive")
