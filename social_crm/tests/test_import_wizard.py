"""The file import wizard: presets for YouScan and Brand Analytics exports, normalized files,
a column mapping for anything else; bad rows reported by number, re-imports idempotent."""

import base64
import io
import json

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

WIZARD_LOG = "odoo.addons.social_crm.wizards.social_crm_import_wizard"
SOURCE_LOG = "odoo.addons.social_crm.models.social_crm_source"

BA_HEADER = (
    "Дата;ID сообщения;Hash сообщения;Заголовок;Текст;Источник;Url;Тип источника;"
    "Тип сообщения;Автор;Url автора;Аудитория;Лайков;Комментариев;Репостов;"
    "Тональность;Язык"
)
H1 = "0123456789abcdef0123456789abcdef20260501"
H2 = "fedcba9876543210fedcba987654321020260501"
H3 = "00000000000000000000000000000000020260501"


def ba_row(date, ident, hsh, text, url="https://vk.com/wall-1_77", likes="12", tone="негатив"):
    cells = [
        date,
        ident,
        hsh,
        "",
        text,
        "vk.com",
        url,
        "Соцсети",
        "Пост",
        "Иван Иванов",
        "https://vk.com/id1",
        "1 200",
        likes,
        "3",
        "1",
        tone,
        "Русский",
    ]
    return ";".join(f'"{c}"' if (";" in c or "\n" in c) else c for c in cells)


def ba_csv(*rows):
    lines = [
        "Система Brand Analytics",
        "Тема: Банк",
        "Период: 01.05.26 - 07.05.26",
        "",
        BA_HEADER,
        *rows,
    ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def youscan_xlsx(rows):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Mentions"
    sheet.append(
        [
            "Date",
            "Time",
            "Title",
            "Text",
            "Post type",
            "URL",
            "Sentiment",
            "Author",
            "Nickname",
            "Profile",
            "Subscribers",
            "Source",
            "Resource type",
            "Language",
            "Likes",
            "Comments",
            "Reposts",
        ]
    )
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ys_row(n, text="Банк опять списал комиссию", date="01.05.2026", time="13:00"):
    return [
        date,
        time,
        "",
        text,
        "post",
        f"https://vk.com/wall-1_{n}",
        "negative",
        f"Автор {n}",
        f"user{n}",
        f"https://vk.com/id{n}",
        150,
        "vk.com",
        "social",
        "Russian",
        4,
        1,
        0,
    ]


@tagged("post_install", "-at_install")
class TestImportWizard(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # reasons are said in the language of whoever imports: English here, whatever
        # languages the database has loaded
        cls.env.user.lang = "en_US"
        cls.source = cls.env["social_crm.source"].create({"name": "Exports", "source_type": "file"})
        cls.Mention = cls.env["social_crm.mention"]

    def wizard(self, content, filename, **values):
        vals = {
            "source_id": self.source.id,
            "file": base64.b64encode(content),
            "filename": filename,
            "tz": "Europe/Moscow",
        }
        vals.update(values)
        return self.env["social_crm.import.wizard"].create(vals)

    def mentions(self):
        return self.Mention.search([("source_id", "=", self.source.id)], order="external_id")

    def test_brand_analytics_export_bad_rows_reported_rest_imported(self):
        content = ba_csv(
            ba_row("01.05.2026 13:00", "1364", H1, "Карта не работает,\nтретий день"),
            ba_row(
                "01.05.2026 14:30",
                "1365",
                H2,
                "Всё отлично",
                tone="позитив",
                url="https://vk.com/wall-1_78",
            ),
            ba_row("вчера", "1366", H3, "Плохая дата"),
            ba_row("01.05.2026 15:00", "1367", "", "Без ключа", url=""),
            ba_row("01.05.2026 16:00", "1368", H3 + "x", "Много лайков", likes="много"),
        )
        wizard = self.wizard(content, "Банк_01.05.2026.csv", preset="brand_analytics")
        with self.assertLogs(SOURCE_LOG, "WARNING"):
            wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(
            (wizard.created_count, wizard.updated_count, wizard.error_count), (2, 0, 3)
        )
        self.assertEqual(
            wizard.error_report.splitlines(),
            [
                "Row 9: the date “вчера” cannot be read",
                "Row 10: nothing identifies the mention: no ID and no link",
                "Row 11: “Likes” is not a number: много",
            ],
        )
        first = self.mentions().filtered(lambda m: m.external_id == H1)
        self.assertEqual(first.text, "Карта не работает,\nтретий день")
        self.assertEqual(str(first.published_at), "2026-05-01 10:00:00")  # Moscow is UTC+3
        self.assertEqual((first.sentiment, first.sentiment_origin), ("negative", "source"))
        self.assertEqual(first.likes, 12)
        self.assertEqual(first.author_id.followers, 1200)
        self.assertIn("Row 9", self.source.last_error)
        self.assertEqual(self.source.rejected_count, 3)

        again = self.wizard(content, "Банк_01.05.2026.csv", preset="auto")
        with self.assertLogs(SOURCE_LOG, "WARNING"):
            again.action_import()
        self.assertEqual((again.created_count, again.updated_count), (0, 0))
        self.assertEqual(len(self.mentions()), 2)

    def test_youscan_excel_export(self):
        content = youscan_xlsx(
            [
                ys_row(1),
                ys_row(2, text=""),
                ys_row(3, date="32.13.2026"),
                ys_row(4, text="Перевод идёт третий день"),
            ]
        )
        wizard = self.wizard(content, "MentionsWithFullText_Bank_01.05.2026.xlsx")
        with self.assertLogs(SOURCE_LOG, "WARNING"):
            wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (2, 2))
        self.assertEqual(
            wizard.error_report.splitlines(),
            ["Row 3: no text", "Row 4: the date “32.13.2026” cannot be read"],
        )
        mention = self.mentions()[0]
        # An export has no id column: the normalized link is the key.
        self.assertEqual(mention.external_id, "https://vk.com/wall-1_1")
        self.assertEqual(mention.author_id.name, "Автор 1")
        self.assertEqual(mention.lang, "ru")
        self.assertEqual(str(mention.published_at), "2026-05-01 10:00:00")
        # The same export again, with a changed count: updated, not doubled.
        edited = ys_row(1)
        edited[14] = 40
        again = self.wizard(
            youscan_xlsx([edited, ys_row(4, text="Перевод идёт третий день")]),
            "MentionsWithFullText_Bank_01.05.2026.xlsx",
            preset="youscan",
        )
        again.action_import()
        self.assertEqual((again.created_count, again.updated_count, again.error_count), (0, 1, 0))
        self.assertEqual(self.mentions()[0].likes, 40)
        self.assertEqual(len(self.mentions()), 2)

    def test_normalized_csv_and_json_lines(self):
        csv_content = (
            "external_id,url,text,published_at,platform,author_name,likes\n"
            "n1,https://t.me/bank/1,Когда вернут деньги?,2026-05-01T10:00:00Z,"
            "telegram,Olga,3\n"
            "n2,,,2026-05-01T10:00:00Z,telegram,Olga,3\n"
        ).encode()
        wizard = self.wizard(csv_content, "mentions.csv", preset="normalized")
        with self.assertLogs(SOURCE_LOG, "WARNING"):
            wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_report), (1, "Row 3: no text"))
        lines = [
            json.dumps(
                {
                    "external_id": "j1",
                    "text": "Спасибо за быстрый ответ",
                    "platform": "vk",
                    "published_at": "2026-05-01T10:00:00Z",
                    "author": {"external_id": "7", "name": "Ivan"},
                }
            ),
            "{broken",
            json.dumps({"external_id": "j2"}),
        ]
        jsonl = self.wizard("\n".join(lines).encode(), "mentions.jsonl")
        with self.assertLogs(SOURCE_LOG, "WARNING"):
            jsonl.action_import()
        self.assertEqual(jsonl.created_count, 1)
        report = jsonl.error_report.splitlines()
        self.assertEqual(report, ["Row 2: the line is not valid JSON", "Row 3: no text"])
        self.assertEqual(self.mentions().mapped("external_id"), ["j1", "n1"])

    def test_other_table_goes_through_the_column_mapping(self):
        content = (
            "Post link;Body;When;Who;Score\n"
            "https://forum.kz/t/1;Банк закрыл отделение;01.05.2026 12:00;Марат;4\n"
            "https://forum.kz/t/2;Очереди в отделении;02.05.2026 09:30;Алия;2\n"
        ).encode()
        wizard = self.wizard(content, "forum.csv")
        wizard.action_import()
        self.assertEqual(wizard.state, "mapping")
        self.assertEqual(
            wizard.mapping_note,
            "No column was recognised as identifying each "
            "mention (an ID or a link). Choose what each column holds.",
        )
        columns = {c.header: c for c in wizard.column_ids}
        self.assertEqual(list(columns), ["Post link", "Body", "When", "Who", "Score"])
        self.assertEqual(columns["Body"].sample, "Банк закрыл отделение")
        self.assertEqual(columns["Body"].field, "text")  # recognised by its name
        columns["Body"].field = False
        with self.assertRaisesRegex(UserError, "Map a column to Text"):
            wizard.action_import_mapped()
        columns["Body"].field = "text"
        with self.assertRaisesRegex(UserError, "identifies each mention"):
            wizard.action_import_mapped()
        columns["Post link"].field = "url"
        columns["When"].field = "published_at"
        columns["Who"].field = "author_name"
        columns["Score"].field = "rating"
        wizard.action_import_mapped()
        self.assertEqual((wizard.state, wizard.created_count, wizard.error_count), ("done", 2, 0))
        mention = self.mentions()[0]
        self.assertEqual(
            (mention.url, mention.rating, mention.author_id.name),
            ("https://forum.kz/t/1", 4.0, "Марат"),
        )
        self.assertEqual(str(mention.published_at), "2026-05-01 09:00:00")

        chosen = self.wizard(content, "forum.csv", preset="mapping")
        chosen.action_import()
        self.assertEqual(chosen.state, "mapping")
        chosen.action_back()
        self.assertEqual((chosen.state, len(chosen.column_ids)), ("upload", 0))

    def test_opened_from_the_source_form(self):
        action = self.source.action_open_import_wizard()
        self.assertEqual(
            (action["res_model"], action["target"]), ("social_crm.import.wizard", "new")
        )
        wizard = (
            self.env["social_crm.import.wizard"]
            .with_context(**action["context"])
            .create(
                {"file": base64.b64encode(b"external_id,text\nx1,hello\n"), "filename": "a.csv"}
            )
        )
        self.assertEqual(wizard.source_id, self.source)

    def test_unreadable_files_say_why(self):
        with self.assertRaisesRegex(
            UserError,
            r"old\.xls.*cannot be imported: Old Excel files "
            r"\(\.xls\) cannot be read",
        ):
            self.wizard(b"\xd0\xcf\x11\xe0", "old.xls").action_import()
        with self.assertRaisesRegex(UserError, r"not a readable Excel workbook \(\.xlsx\)"):
            self.wizard(b"PK\x03\x04 broken", "export.xlsx").action_import()
        wrong_preset = b"external_id,text\nx1,hello\n"
        with self.assertRaisesRegex(UserError, "does not look like a Brand Analytics export"):
            self.wizard(wrong_preset, "a.csv", preset="brand_analytics").action_import()

    # -- user words and column recognition ---------------------------------------------------
    def test_natural_headers_are_recognised_and_a_date_column_holds_date_and_time(self):
        content = (
            "Текст сообщения;Дата;Автор;Где\nОчередь в отделении;01.05.2026 12:00;Марат;форум\n"
        ).encode()
        wizard = self.wizard(content, "выгрузка.csv")
        wizard.action_import()
        # No id or link column: the mapping step, with what was recognised already chosen.
        self.assertEqual(wizard.state, "mapping")
        guessed = {c.header: c.field for c in wizard.column_ids}
        self.assertEqual(
            guessed,
            {
                "Текст сообщения": "text",
                "Дата": "published_at",
                "Автор": "author_name",
                "Где": False,
            },
        )
        labels = dict(wizard.column_ids._fields["field"]._description_selection(self.env))
        self.assertEqual(
            (labels["published_at"], labels["url"], labels["message_id"], labels["place_url"]),
            (
                "Date and time of publication",
                "Post address (link)",
                "Message ID",
                "Where it was posted: address",
            ),
        )

    def test_every_importable_field_has_a_label(self):
        from ..tools.sources.files import CANONICAL
        from ..wizards.social_crm_import_wizard import FIELD_SELECTION

        self.assertEqual(sorted(name for name, _label in FIELD_SELECTION), sorted(CANONICAL))

    # -- big files: in the background, batch by batch ----------------------------------------
    def big_csv(self, count, start=1):
        lines = ["external_id;text;published_at;likes"]
        for n in range(start, start + count):
            likes = "10000000000000000000000000000000" if n == 4 else str(n)
            lines.append(f"big{n};Сообщение номер {n} про банк;2026-05-01T10:00:00Z;{likes}")
        return ("\n".join(lines) + "\n").encode()

    def set_params(self, **values):
        for name, value in values.items():
            self.env["ir.config_parameter"].sudo().set_param(f"social_crm.import_{name}", value)

    def test_big_file_is_imported_in_the_background_with_progress(self):
        self.set_params(background_rows=5, batch_rows=3, time_budget=0)
        wizard = self.wizard(self.big_csv(8), "big.csv")
        wizard.action_import()
        self.assertEqual((wizard.state, wizard.rows_total, wizard.rows_done), ("running", 9, 0))
        self.assertFalse(self.mentions())
        cron = self.env.ref("social_crm.ir_cron_social_crm_import_files")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))

        Wizard = self.env["social_crm.import.wizard"]
        Wizard._cron_import_files()  # one batch per run: rows 2–4
        self.assertEqual((wizard.state, wizard.rows_done), ("running", 4))
        self.assertEqual((wizard.created_count, wizard.error_count), (3, 0))
        self.assertAlmostEqual(wizard.progress, 100 * 4 / 9)
        self.assertEqual(len(self.mentions()), 3)
        while wizard.state == "running":
            Wizard._cron_import_files()
        self.assertEqual(
            wizard.error_report, "Row 5: “Likes” is too large: 10000000000000000000000000000000"
        )
        self.assertEqual((wizard.state, wizard.created_count, wizard.error_count), ("done", 7, 1))
        self.assertEqual(len(self.mentions()), 7)
        self.assertIn(
            "File big.csv imported: 7 created, 0 updated, 1 rows not imported.",
            self.source.message_ids[0].body,
        )

    def test_failure_part_way_stops_with_a_record_and_resumes_without_doubling(self):
        self.set_params(background_rows=5, batch_rows=3, time_budget=0)
        content = self.big_csv(8)
        wizard = self.wizard(content, "big.csv")
        wizard.action_import()
        Wizard = self.env["social_crm.import.wizard"]
        Wizard._cron_import_files()
        self.assertEqual((wizard.rows_done, wizard.created_count), (4, 3))
        # The stored upload gets damaged between two runs: the import stops, says where and
        # why, and what went in stays.
        wizard.file = base64.b64encode(b"\n\n")
        with self.assertLogs(WIZARD_LOG, "ERROR"):
            Wizard._cron_import_files()
        self.assertEqual(wizard.state, "stopped")
        self.assertRegex(
            wizard.stop_reason,
            r"^Stopped after row 4: The file is empty\. The "
            r"rows up to it are imported",
        )
        self.assertIn("Stopped after row 4", self.source.message_ids[0].body)
        self.assertEqual(len(self.mentions()), 3)

        # Importing the same file again (small enough now to run at once) finishes the job.
        self.set_params(background_rows=100)
        again = self.wizard(content, "big.csv")
        again.action_import()
        self.assertEqual(
            (again.state, again.created_count, again.updated_count, again.error_count),
            ("done", 4, 0, 1),
        )
        self.assertEqual(len(self.mentions()), 7)

        # Or Resume goes on after the last stored row (here with the file restored).
        wizard.file = base64.b64encode(content)
        wizard.action_resume()
        while wizard.state == "running":
            Wizard._cron_import_files()
        self.assertEqual((wizard.state, wizard.created_count, wizard.updated_count), ("done", 3, 0))
        self.assertEqual(len(self.mentions()), 7)

    def test_reasons_are_said_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["social_crm"], ["ru_RU"], overwrite=True)
        content = (
            "external_id;text;published_at;likes\n"
            "r1;Всё хорошо;2026-05-01T10:00:00Z;1\n"
            "r2;;2026-05-01T10:00:00Z;1\n"
            "r3;Много;2026-05-01T10:00:00Z;много\n"
        ).encode()
        wizard = self.wizard(content, "отзывы.csv").with_context(lang="ru_RU")
        with self.assertLogs(SOURCE_LOG, "WARNING"):
            wizard.action_import()
        self.assertEqual(
            wizard.error_report.splitlines(),
            ["Строка 3: нет текста", "Строка 4: поле «Лайки» — не число: много"],
        )
        # In the background too, though the scheduled action runs as another user.
        self.set_params(background_rows=2)
        self.env.user.lang = "ru_RU"
        background = self.wizard(content, "отзывы.csv")
        background.action_import()
        with self.assertLogs(SOURCE_LOG, "WARNING"):
            self.env["social_crm.import.wizard"].with_context(lang="en_US")._cron_import_files()
        self.assertEqual(background.state, "done")
        self.assertEqual(background.error_report.splitlines()[0], "Строка 3: нет текста")
