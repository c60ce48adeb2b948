import uuid
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

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
        # a change of brands makes the stored stage fit outdated: imports keep using it
        # (never fitting for the new brands themselves) until the job fits it again
        self.env["social_crm.brand"].create({"name": "Тойхана"})
        with patch.object(StageModel, "_fit", side_effect=AssertionError("fitted on import")):
            other = self.ingest("t", ["тойбастар в Тойхане на 15 человек"])
            self.assertEqual(other.stage_id, self.stages["product"])
        self.assertEqual(self.fit_in_background(), (1, 0))

    def test_corrections_that_cannot_be_fitted_do_not_stop_the_others(self):
        mentions = self.ingest("x", [text for text, _ in SLANG])
        for mention, (_, label) in zip(mentions, SLANG, strict=True):
            mention.write({"sentiment": label, "stage_id": self.stages["product"].id})
        Classifier = self.env["social_crm.classifier"]
        company = [("company_id", "=", self.env.company.id)]
        stage = Classifier.search([*company, ("kind", "=", "stage")])
        sentiment = Classifier.search([*company, ("kind", "=", "sentiment")])
        broken = patch.object(StageModel, "_fit", side_effect=ValueError("cannot fit"))
        with broken, mute_logger("odoo.addons.social_crm.models.social_crm_classifier"):
            self.assertEqual(self.fit_in_background(), (1, 0), "the sentiment is fitted")
        self.assertEqual(sentiment.fit_signature, sentiment.signature)
        self.assertFalse(stage.fit_signature, "the stage's error is logged, nothing stored")
        self.assertEqual(self.fit_in_background(), (1, 0), "the next run fits the stage")
        self.assertEqual(stage.fit_signature, stage.signature)

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


@tagged("post_install", "-at_install")
class TestFittingBesideCorrections(BaseCase):
    """The fitting job and a staff correction in two real transactions (Odoo's REPEATABLE
    READ; committed with the registry's own cursors and removed at the end): a correction
    committed while the job fits is not lost nor overwritten by the fit of the corrections
    before it, and the next call of the job fits it."""

    def test_a_correction_committed_during_a_fit_is_fitted_by_the_next_call(self):
        registry = Registry(get_db_name())
        rows = [[text, "ru", label, "general"] for text, label in SLANG]
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env["res.company"].create({"name": f"Fit race {uuid.uuid4().hex[:8]}"})
            record = env["social_crm.classifier"].create(
                {
                    "company_id": company.id,
                    "kind": "sentiment",
                    "data": {"version": 2, "rows": rows},
                    "n_samples": len(rows),
                    "signature": "before",
                    "trained_at": "2000-01-01 00:00:00",  # the job takes it first
                }
            )
            company_id, record_id = company.id, record.id
        try:
            more = rows + [["эклеры пушка", "ru", "positive", "general"]]
            with registry.cursor() as job_cr, registry.cursor() as staff_cr:
                job = api.Environment(job_cr, SUPERUSER_ID, {})["social_crm.classifier"]
                job_cr.execute("SELECT 1")  # the job's snapshot starts here
                staff = api.Environment(staff_cr, SUPERUSER_ID, {})["social_crm.classifier"]
                staff.browse(record_id).write(
                    {
                        "data": {"version": 2, "rows": more},
                        "n_samples": len(more),
                        "signature": "after",
                    }
                )
                staff_cr.commit()
                with mute_logger("odoo.sql_db"):  # the refused UPDATE, as expected
                    _done, remaining = job._cron_fit_models()
                self.assertGreaterEqual(remaining, 1, "the outdated fit is not stored")
                job_cr.commit()
            with registry.cursor() as cr:
                Classifier = api.Environment(cr, SUPERUSER_ID, {})["social_crm.classifier"]
                stored = Classifier.browse(record_id)
                self.assertEqual((stored.signature, stored.n_samples), ("after", len(more)))
                self.assertNotEqual(stored.fit_signature, "before")
                Classifier._cron_fit_models()
                stored.invalidate_recordset()
                self.assertEqual(stored.fit_signature, "after")
                self.assertEqual(stored.fit_meta["rows"]["rows"], more)
        finally:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["social_crm.classifier"].browse(record_id).unlink()
                env["res.company"].browse(company_id).unlink()
