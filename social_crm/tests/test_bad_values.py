"""Bad values never fail a batch: each is an error of its own record (webhook) or row (file
import) with its reason, and the good records beside it are stored."""
import base64
import json

from odoo.tests import HttpCase, TransactionCase, tagged

from .common import make_record

SOURCE_LOG = "odoo.addons.social_crm.models.social_crm_source"
WIZARD_LOG = "odoo.addons.social_crm.wizards.social_crm_import_wizard"

# (field values of a bad record, the reason answered for it)
BAD_VALUES = [
    ({"published_at": "9999-12-31T23:59:59Z"}, "published_at 9999-12-31T23:59:59 is in the future"),
    ({"published_at": 1e20}, "date 1e+20 is out of range"),
    ({"published_at": float("inf")}, "date inf is not a point in time"),
    ({"published_at": float("nan")}, "date nan is not a point in time"),
    ({"likes": 10 ** 30}, "likes 1000000000000000000000000000000 is more than the largest "
                          "count accepted (2147483647)"),
    ({"author": {"external_id": "f", "followers": 10 ** 30}},
     "author followers 1000000000000000000000000000000 is more than the largest count "
     "accepted (2147483647)"),
    ({"reach": "1e400"}, "reach is not a number: '1e400'"),
    ({"text": "Нет\x00связи"}, "text contains a NUL character (at position 4)"),
    ({"title": "a\udc80b"}, "title contains a broken character (a lone UTF-16 surrogate "
                            "U+DC80 at position 2)"),
    ({"author": {"external_id": "s", "name": "\ud83d"}},
     "author name contains a broken character (a lone UTF-16 surrogate U+D83D at position 1)"),
    ({"sentiment_score": float("nan")}, "sentiment_score nan is not a finite number"),
    ({"rating": 7}, "rating 7 is outside 1…5"),
    ({"url": "https://vk.com/" + "u" * 3000}, "url is 3015 characters long, more than the "
                                              "2048 accepted"),
]


@tagged("post_install", "-at_install")
class TestBadValuesWebhook(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["social_crm.source"].create({
            "name": "Careless sender", "source_type": "webhook"})
        cls.Mention = cls.env["social_crm.mention"]

    def post(self, data):
        return self.opener.post(
            f"{self.base_url()}/social_crm/webhook/{self.source.id}",
            data=data.encode("utf-8") if isinstance(data, str) else data,
            headers={"Content-Type": "application/json",
                     "X-Social-CRM-Token": self.source.webhook_token}, timeout=60)

    def stored(self):
        return set(self.Mention.search([("source_id", "=", self.source.id)])
                   .mapped("external_id"))

    def test_each_bad_value_is_an_error_of_its_record_and_the_rest_is_stored(self):
        batch, expected = [], []
        for index, (values, reason) in enumerate(BAD_VALUES):
            batch.append(make_record(f"good{index}"))
            batch.append(make_record(f"bad{index}", **values))
            expected.append({"record": f"record bad{index}", "reason": reason})
        batch.append({"external_id": "x" * 1_000_000, "text": "Длинный ключ"})  # 1 MB id
        # Python's JSON writes NaN / Infinity literals, \u0000 and lone-surrogate escapes as
        # a careless sender would.
        with self.assertLogs(SOURCE_LOG, "WARNING"):
            response = self.post(json.dumps(batch))
        self.assertEqual(response.status_code, 200, response.text[:300])
        answer = response.json()
        self.assertEqual(answer["created"], len(BAD_VALUES))
        self.assertEqual(answer["errors"][:-1], expected)
        self.assertEqual(answer["errors"][-1]["reason"],
                         "external_id is 1000000 characters long, more than the 255 accepted")
        self.assertEqual(self.stored(), {f"good{i}" for i in range(len(BAD_VALUES))})
        # What was refused is on the source, named briefly.
        self.assertIn("record bad0: published_at 9999-12-31T23:59:59 is in the future",
                      self.source.last_error)
        self.assertLess(len(self.source.last_error), 20_000)

    def test_nan_score_is_refused_not_stored_as_positive(self):
        body = ('[{"external_id": "n1", "text": "Обычный вопрос", "sentiment_score": NaN},'
                ' {"external_id": "n2", "text": "Обычный вопрос", "sentiment_score": -0.5}]')
        with self.assertLogs(SOURCE_LOG, "WARNING"):
            response = self.post(body)
        self.assertEqual(response.json()["created"], 1)
        mention = self.Mention.search([("source_id", "=", self.source.id)])
        self.assertEqual((mention.external_id, mention.sentiment), ("n2", "negative"))

    def test_private_flag_and_raw_with_unstorable_values_go_in(self):
        record = make_record("p1", private=True,
                             raw={"note": "a\x00b", "score": float("nan"), "emoji": "\ud83d"})
        response = self.post(json.dumps([record]))
        self.assertEqual(response.json(), {"created": 1, "updated": 0, "errors": []})
        mention = self.Mention.search([("source_id", "=", self.source.id)])
        self.assertEqual(mention.sudo().raw, {"note": "ab", "score": "nan", "emoji": "\ufffd"})

    def test_json_nested_5000_deep_is_a_bad_request(self):
        response = self.post("[" * 5000 + "]" * 5000)
        self.assertEqual(response.status_code, 400, response.text[:300])
        self.assertFalse(self.stored())


@tagged("post_install", "-at_install")
class TestBadValuesFiles(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["social_crm.source"].create({
            "name": "Uploads", "source_type": "file"})

    def import_file(self, content, filename="mentions.csv"):
        wizard = self.env["social_crm.import.wizard"].create({
            "source_id": self.source.id, "file": base64.b64encode(content),
            "filename": filename, "tz": "UTC"})
        wizard.action_import()
        return wizard

    def stored(self):
        mentions = self.env["social_crm.mention"].search([("source_id", "=", self.source.id)],
                                                         order="external_id")
        return [(m.external_id, m.text) for m in mentions]

    def test_each_defective_row_is_reported_and_the_others_are_imported(self):
        content = b"\n".join([
            "external_id;text;published_at;likes".encode(),
            "f1;Хороший отзыв;2026-05-01T10:00:00Z;1".encode(),
            "f2;С нулём \x00 внутри;2026-05-01T10:00:00Z;1".encode(),
            "f3;Из будущего;9999-12-31T23:59:59Z;1".encode(),
            "f4;Много лайков;2026-05-01T10:00:00Z;10000000000000000000000000000000".encode(),
            "f5;Плохой байт ".encode() + b"\xff;2026-05-01T10:00:00Z;1",
            'f6;"Незакрытая кавычка;2026-05-01T10:00:00Z;1'.encode(),
            "f7;После кавычки;2026-05-01T10:00:00Z;1".encode(),
        ]) + b"\n"
        with self.assertLogs(SOURCE_LOG, "WARNING"):
            wizard = self.import_file(content)
        self.assertEqual((wizard.state, wizard.created_count, wizard.error_count),
                         ("done", 2, 5))
        self.assertEqual(wizard.error_report.splitlines(), [
            "Row 3: “Text” contains a zero byte (NUL character)",
            "Row 4: the date 9999-12-31 23:59:59 is in the future",
            "Row 5: “Likes” is too large: 10000000000000000000000000000000",
            "Row 6: the row holds bytes that are not UTF-8 text; save the file as UTF-8 and "
            "import it again",
            "Row 7: a quotation mark is not closed, so the row cannot be read"])
        self.assertEqual(self.stored(), [("f1", "Хороший отзыв"), ("f7", "После кавычки")])

    def test_utf16_and_windows_1251_files_read_as_written(self):
        text = ("external_id\ttext\n"
                "u1\tПриложение банка не открывается с утра 😞\n"
                "u2\tПодскажите, как закрыть карту?\n")
        self.assertEqual(self.import_file(text.encode("utf-16"), "unicode.txt").created_count, 2)
        ansi = text.replace("u1", "w1").replace("u2", "w2").replace(" 😞", "")
        self.assertEqual(self.import_file(ansi.encode("cp1251"), "ansi.txt").created_count, 2)
        self.assertEqual(self.stored(), [
            ("u1", "Приложение банка не открывается с утра 😞"),
            ("u2", "Подскажите, как закрыть карту?"),
            ("w1", "Приложение банка не открывается с утра"),
            ("w2", "Подскажите, как закрыть карту?")])
