"""File import: exports of YouScan and Brand Analytics, normalized CSV / JSON lines, or any
table once its columns are mapped. Every row goes through ``source._ingest()``; a bad row is
reported with its number and reason and the rest goes in. Importing a file again updates
the mentions it already created, never doubles them.

Rows are read as a stream and ingested in batches. A small file is imported while the user
waits; a big one is handed to a scheduled action that commits after every batch and shows
its progress on the import, so a worker's time limit never cuts one huge transaction and a
failure part-way leaves what went in stored, what did not listed, and the import resumable.
"""

import base64
import logging
import threading
import time

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from odoo.addons.base.models.res_partner import _tz_get

from ..models.social_crm_source import ConcurrentIngestError
from ..tools.sources import PayloadError
from ..tools.sources import files as file_formats

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

MAX_REPORTED_ERRORS = 200
# Defaults of the system parameters social_crm.import_<name>.
DEFAULTS = {
    "batch_rows": 1000,  # rows ingested (and, in the background, committed) together
    "background_rows": 2000,  # files with more lines than this are imported in the background
    # Seconds one call of the scheduled action spends before handing over. The cron runner
    # calls it again up to ten times in one worker turn, which must stay within a worker's
    # CPU limit (60 s by default) and real-time limit (120 s): 10 × 5 s does.
    "time_budget": 5,
}

# What a column can be imported as. A literal list, so that the labels are exported for
# translation; every field of the file format has one (a test holds them equal).
FIELD_SELECTION = [
    ("external_id", "Post ID (unique)"),
    ("message_id", "Message ID"),
    ("source_record_id", "ID in the monitoring system"),
    ("url", "Post address (link)"),
    ("title", "Title"),
    ("text", "Text"),
    ("published_at", "Date and time of publication"),
    ("date", "Date (the time is in another column)"),
    ("time", "Time (the date is in another column)"),
    ("collected_at", "Date the monitoring system found it"),
    ("platform", "Platform code (vk, telegram…)"),
    ("platform_domain", "Site or network (domain)"),
    ("source_type", "Kind of site (social network, forum, news…)"),
    ("content_type", "Kind of post (post, comment, repost…)"),
    ("lang", "Language"),
    ("sentiment", "Sentiment"),
    ("sentiment_score", "Sentiment score (−1…1)"),
    ("rating", "Rating (1–5 stars)"),
    ("author_external_id", "Author ID"),
    ("author_name", "Author name"),
    ("author_handle", "Author nickname"),
    ("author_url", "Author profile address"),
    ("author_followers", "Author followers"),
    ("author_type", "Kind of author (person, community…)"),
    ("place_name", "Where it was posted: name"),
    ("place_url", "Where it was posted: address"),
    ("place_followers", "Where it was posted: followers"),
    ("parent_external_id", "ID of the post it answers"),
    ("parent_url", "Address of the post it answers"),
    ("thread_external_id", "Discussion ID"),
    ("likes", "Likes"),
    ("comments", "Comments"),
    ("reposts", "Reposts"),
    ("views", "Views"),
    ("reactions", "Reactions"),
    ("engagement", "Engagement"),
    ("reach", "Reach"),
    ("country_code", "Country"),
    ("region", "Region"),
    ("city", "City"),
    ("tags", "Tags"),
    ("source_system", "Monitoring system"),
    ("source_account", "Monitoring topic or account"),
]

# Why a row or a file was not imported, in the user's words: the reading tools give a code
# and its values; ``field`` values are named with the labels above.
ROW_REASONS = {
    "text_missing": _lt("no text"),
    "id_missing": _lt("nothing identifies the mention: no ID and no link"),
    "date_unreadable": _lt("the date “%(value)s” cannot be read"),
    "time_unreadable": _lt("the time “%(value)s” cannot be read"),
    "date_future": _lt("the date %(value)s is in the future"),
    "date_past": _lt("the date %(value)s is before %(limit)s"),
    "not_number": _lt("“%(field)s” is not a number: %(value)s"),
    "not_finite": _lt("“%(field)s” is not a number: %(value)s"),
    "number_too_big": _lt("“%(field)s” is too large: %(value)s"),
    "nul": _lt("“%(field)s” contains a zero byte (NUL character)"),
    "broken_char": _lt("“%(field)s” contains a broken character"),
    "too_long": _lt("“%(field)s” is too long: %(length)s characters, at most %(limit)s"),
    "too_deep": _lt("“%(field)s” is nested too deep"),
    "rating_range": _lt("the rating %(value)s is not between 1 and 5 stars"),
    "sentiment_unknown": _lt("the sentiment “%(value)s” is unknown"),
    "invalid": _lt("“%(field)s” has a value that cannot be used"),
    "malformed_row": _lt("a quotation mark is not closed, so the row cannot be read"),
    "undecodable": _lt(
        "the row holds bytes that are not %(encoding)s text; save the file "
        "as UTF-8 and import it again"
    ),
    "json_invalid": _lt("the line is not valid JSON"),
    "json_not_object": _lt("the line is not a JSON object"),
}
FILE_REASONS = {
    "no_text_column": _lt(
        "No column was recognised as the text of the mentions (columns: "
        "%(columns)s). Choose what each column holds."
    ),
    "no_id_column": _lt(
        "No column was recognised as identifying each mention (an ID or a "
        "link). Choose what each column holds."
    ),
    "not_ba_export": _lt(
        "The file has no “Hash сообщения” column: it does not look like a Brand Analytics export."
    ),
    "not_youscan_export": _lt(
        "The file has no “URL” column: the mentions of a YouScan "
        "export are identified by their links."
    ),
    "file_empty": _lt("The file is empty."),
    "xlsx_unreadable": _lt("The file is not a readable Excel workbook (.xlsx)."),
    "xls_old": _lt("Old Excel files (.xls) cannot be read: save it as .xlsx or CSV."),
    "json_invalid_file": _lt("The JSON file is not valid: %(reason)s"),
    "json_not_list": _lt("The JSON file does not hold a list of mentions."),
    "mapping_missing_column": _lt("The file has no column named %(columns)s."),
}
# File problems that a column mapping solves.
MAPPABLE = ("no_text_column", "no_id_column")


class SocialCrmImportWizard(models.TransientModel):
    _name = "social_crm.import.wizard"
    _description = "Social CRM File Import"
    # A background import lives as long as it runs; its result stays a day to be read
    # (and is posted on the source).
    _transient_max_hours = 24.0

    source_id = fields.Many2one(
        "social_crm.source",
        required=True,
        ondelete="cascade",
        default=lambda self: self._default_source(),
    )
    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()
    preset = fields.Selection(
        [
            ("auto", "Recognise the format"),
            ("youscan", "YouScan export (Excel or CSV)"),
            ("brand_analytics", "Brand Analytics export (CSV)"),
            ("normalized", "Normalized CSV or JSON lines"),
            ("mapping", "Another table: map its columns"),
        ],
        string="Format",
        required=True,
        default="auto",
    )
    tz = fields.Selection(
        _tz_get,
        string="Time zone of the dates",
        required=True,
        default=lambda self: self.env.user.tz or "UTC",
        help="Exports write local dates and times; they are read in this time zone.",
    )
    state = fields.Selection(
        [
            ("upload", "Upload"),
            ("mapping", "Map columns"),
            ("running", "Importing"),
            ("stopped", "Stopped"),
            ("done", "Done"),
        ],
        default="upload",
        required=True,
    )
    column_ids = fields.One2many("social_crm.import.wizard.column", "wizard_id", string="Columns")
    mapping_note = fields.Char(readonly=True)
    read_preset = fields.Char(
        string="Format read", readonly=True, help="The format the rows are read with."
    )
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    error_count = fields.Integer(string="Rows not imported", readonly=True)
    error_report = fields.Text(string="Rows not imported (row: reason)", readonly=True)
    # Progress: rows are counted by their number in the file (lines of a text file).
    rows_done = fields.Integer(
        string="Rows read",
        readonly=True,
        help="Every row up to this one is imported or listed as not imported.",
    )
    rows_total = fields.Integer(string="Rows in the file", readonly=True)
    progress = fields.Float(compute="_compute_progress")
    stop_reason = fields.Text(string="Stopped because", readonly=True)

    @api.depends("rows_done", "rows_total", "state")
    def _compute_progress(self):
        for wizard in self:
            if wizard.state == "done":
                wizard.progress = 100.0
            else:
                wizard.progress = (
                    100.0 * wizard.rows_done / wizard.rows_total if wizard.rows_total else 0.0
                )

    @api.model
    def _default_source(self):
        source_id = self.env.context.get("default_source_id")
        if source_id:
            return self.env["social_crm.source"].browse(source_id)
        return self.env["social_crm.source"].search([("source_type", "=", "file")], limit=1)

    # -- steps --------------------------------------------------------------------------------
    def action_import(self):
        """Read the file with the chosen format; a table the format doesn't fit (no text or
        id column recognised) goes to the column mapping step instead of failing."""
        self.ensure_one()
        self.source_id._check_manage_rights()
        if self.preset == "mapping":
            return self._to_mapping()
        try:
            reader = self._open(self.preset)
        except PayloadError as exc:
            if exc.code in MAPPABLE and not self._is_jsonl():
                return self._to_mapping(note=self._file_reason(exc))
            raise self._unreadable(exc) from None
        return self._start(reader)

    def action_import_mapped(self):
        self.ensure_one()
        if not any(col.field in ("text", "title") for col in self.column_ids):
            raise UserError(self.env._("Map a column to Text (or Title): a mention needs a text."))
        if not any(
            col.field in ("external_id", "source_record_id", "url") for col in self.column_ids
        ):
            raise UserError(
                self.env._(
                    "Map a column that identifies each mention: its ID or "
                    "its link (URL). Importing the file again then "
                    "updates the same mentions instead of doubling them."
                )
            )
        try:
            reader = self._open("normalized", self._mapping())
        except PayloadError as exc:
            raise self._unreadable(exc) from None
        return self._start(reader)

    def action_back(self):
        self.ensure_one()
        self.write({"state": "upload", "column_ids": [(5, 0, 0)], "mapping_note": False})
        return self._reopen()

    def action_refresh(self):
        self.ensure_one()
        return self._reopen()

    def action_resume(self):
        """Go on with a stopped import after the last row that went in."""
        self.ensure_one()
        self.source_id._check_manage_rights()
        self.write({"state": "running", "stop_reason": False})
        self.env.ref("social_crm.ir_cron_social_crm_import_files").sudo()._trigger()
        return self._reopen()

    def action_view_mentions(self):
        self.ensure_one()
        return self.source_id.action_view_mentions()

    # -- reading ------------------------------------------------------------------------------
    def _content(self):
        return base64.b64decode(self.file or b"")

    def _is_jsonl(self):
        try:
            return file_formats._file_kind(self.filename or "", self._content()) == "jsonl"
        except PayloadError:
            return False

    def _mapping(self):
        return (
            {col.header: col.field or "" for col in self.column_ids}
            if self.read_preset == "mapping" or self.state == "mapping"
            else None
        )

    def _open(self, preset, mapping=None):
        return file_formats.open_file(
            self.filename or "",
            self._content(),
            preset=preset,
            mapping=mapping,
            tz=self.tz or "UTC",
        )

    def _reader(self):
        """The reader of a started import (the format and mapping it was started with)."""
        if self.read_preset == "mapping":
            return self._open("normalized", self._mapping())
        return self._open(self.read_preset or "auto")

    def _file_reason(self, exc):
        template = FILE_REASONS.get(getattr(exc, "code", ""))
        if template is None:
            return str(exc)
        try:
            return self.env._(template) % (exc.params or {})
        except (KeyError, TypeError, ValueError):  # a translation missing a placeholder
            return str(exc)

    def _unreadable(self, exc):
        return UserError(
            self.env._(
                "The file “%(file)s” cannot be imported: %(reason)s",
                file=self.filename or self.env._("(no name)"),
                reason=self._file_reason(exc),
            )
        )

    def _row_reason(self, code, params, fallback):
        """A row's reason in the user's words (fields named by their labels)."""
        template = ROW_REASONS.get(code or "")
        if template is None:
            return fallback
        labels = dict(
            self.env["social_crm.import.wizard.column"]
            ._fields["field"]
            ._description_selection(self.env)
        )
        values = dict(params or {})
        if "field" in values:
            name = str(values["field"])
            values["field"] = labels.get(name.replace(" ", "_"), name)
        try:
            return self.env._(template) % values
        except (KeyError, TypeError, ValueError):  # a translation missing a placeholder
            return fallback

    def _read_headers(self):
        """The header row of a table and the first value under each header."""
        content = self._content()
        try:
            kind = file_formats._file_kind(self.filename or "", content)
            if kind == "jsonl":
                raise UserError(
                    self.env._(
                        "A JSON file is read by its keys; choose the "
                        "normalized format instead of a column mapping."
                    )
                )
            return file_formats.table_preview(self.filename or "", content)
        except PayloadError as exc:
            raise self._unreadable(exc) from None

    def _to_mapping(self, note=None):
        columns = [(5, 0, 0)]
        preview = self._read_headers()
        headers = [header for header, _sample in preview]
        for sequence, (header, sample) in enumerate(preview):
            columns.append(
                (
                    0,
                    0,
                    {
                        "sequence": sequence,
                        "header": header,
                        "sample": sample[:200],
                        "field": file_formats.guess_field(header, headers) or False,
                    },
                )
            )
        self.write({"state": "mapping", "column_ids": columns, "mapping_note": note or False})
        return self._reopen()

    # -- importing ----------------------------------------------------------------------------
    @api.model
    def _setting(self, name):
        """A system parameter social_crm.import_<name>; a time budget of 0 means one batch
        per scheduled run."""
        value = self.env["ir.config_parameter"].sudo().get_param(f"social_crm.import_{name}")
        try:
            number = int(value) if value not in (None, False, "") else DEFAULTS[name]
        except ValueError:
            return DEFAULTS[name]
        return max(0 if name == "time_budget" else 1, number)

    def _start(self, reader):
        """Import a small file now; hand a big one to the scheduled action."""
        last_row = reader.last_row()
        self.write(
            {
                "read_preset": "mapping"
                if self.state == "mapping"
                else (reader.preset if self.preset == "auto" else self.preset),
                "rows_total": last_row,
                "rows_done": 0,
                "created_count": 0,
                "updated_count": 0,
                "error_count": 0,
                "error_report": False,
                "stop_reason": False,
            }
        )
        if last_row > self._setting("background_rows"):
            self.state = "running"
            self.env.ref("social_crm.ir_cron_social_crm_import_files").sudo()._trigger()
            return self._reopen()
        self._import_rows(reader.rows(), commit=False)
        self._finish()
        return self._reopen()

    def _import_rows(self, rows, commit, deadline=None):
        """Ingest ``rows`` (FileRow) batch by batch, recording progress after each; with
        ``commit``, each batch is committed. Returns False when it stopped at the deadline
        with rows left."""
        batch_size = self._setting("batch_rows")
        batch = []
        for entry in rows:
            if len(batch) >= batch_size:
                self._import_batch(batch, commit)
                batch = []
                if deadline is not None and time.monotonic() >= deadline:
                    # ``entry`` is after ``rows_done``: the next call reads it again.
                    return False
            batch.append(entry)
        if batch:
            self._import_batch(batch, commit)
        return True

    def _import_batch(self, entries, commit):
        """One batch: its records ingested, its errors listed, ``rows_done`` moved past it —
        all or nothing (a savepoint), then committed when ``commit``: an import that fails
        stops exactly after its last stored batch."""
        for attempt in range(2):
            try:
                with self.env.cr.savepoint():
                    self._ingest_entries(entries)
                break
            except ConcurrentIngestError:
                if not commit or attempt or self._in_test():
                    raise
                # Another import committed some of these mentions after this transaction
                # began: a new one sees them, and they are updated, not doubled (only this
                # batch is undone: the ones before it are committed).
                self.env.cr.rollback()
        if commit:
            self._commit()

    def _ingest_entries(self, entries):
        source = self.source_id
        records = [e.record for e in entries if e.record is not None]
        unread = [
            {"row": e.row, "reason": self._row_reason(e.code, e.params, e.reason)}
            for e in entries
            if e.record is None
        ]
        # One run of the source per batch: its mentions and the rows it could not read.
        report = source._ingest(records, origin="file", extra_errors=unread)
        rows = {r["external_id"]: (r.get("raw") or {}).get("row") for r in records}
        problems = [(e["row"], e["reason"]) for e in unread]
        for error in report["errors"]:
            label = str(error.get("record", ""))
            ext = label[len("record ") :] if label.startswith("record ") else label
            problems.append((rows.get(ext) or label, error.get("reason", "")))
        self._add_problems(problems)
        self.write(
            {
                "rows_done": max(e.row for e in entries),
                "created_count": self.created_count + report["created"],
                "updated_count": self.updated_count + report["updated"],
            }
        )

    def _add_problems(self, problems):
        if not problems:
            return
        problems.sort(
            key=lambda p: (not isinstance(p[0], int), p[0] if isinstance(p[0], int) else 0)
        )
        room = max(0, MAX_REPORTED_ERRORS - self.error_count)
        lines = [
            self.env._("Row %(row)s: %(reason)s", row=row, reason=reason)
            for row, reason in problems[:room]
        ]
        report = "\n".join(filter(None, [self.error_report or ""] + lines))
        self.write({"error_count": self.error_count + len(problems), "error_report": report})

    def _finish(self):
        report = self.error_report or ""
        if self.error_count > MAX_REPORTED_ERRORS:
            report += "\n" + self.env._(
                "… and %(count)s more", count=self.error_count - MAX_REPORTED_ERRORS
            )
        self.write({"state": "done", "rows_done": self.rows_total, "error_report": report or False})

    @api.model
    def _in_test(self):
        """Tests run in one transaction rolled back at the end: no commits then."""
        return self.env.registry.in_test_mode() or getattr(
            threading.current_thread(), "testing", False
        )

    @api.model
    def _commit(self):
        """Commit a batch of a background import (not in tests): what is committed stays
        imported whatever happens to the rest of the file."""
        if not self._in_test():
            # each batch of a big file stands on its own: a failure later must not undo it
            self.env.cr.commit()  # pylint: disable=invalid-commit
            # The mentions of the committed batches are not needed any more: drop them from
            # the cache so a long import keeps the memory of one batch.
            self.env.invalidate_all()

    # -- the background job -------------------------------------------------------------------
    @api.model
    def _cron_import_files(self):
        """Scheduled action: go on with running imports, oldest first, batch by batch, within
        a time budget; the rest is left to the next call (progress is notified)."""
        deadline = time.monotonic() + self._setting("time_budget")
        done = 0
        for wizard in self.search([("state", "=", "running")], order="id"):
            # Reasons are written in the language of whoever started the import.
            wizard = wizard.with_context(lang=wizard.create_uid.lang or self.env.lang)
            before = wizard.rows_done
            finished = wizard._run_in_background(deadline)
            done += max(0, wizard.rows_done - before)
            if not finished:
                break
        running = self.search([("state", "=", "running")])
        remaining = sum(max(0, w.rows_total - w.rows_done) for w in running)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if running and not self.env.context.get("ir_cron_progress_id"):
            # Called outside the cron runner (which calls again by itself): wake it up.
            self.env.ref("social_crm.ir_cron_social_crm_import_files").sudo()._trigger()

    def _run_in_background(self, deadline):
        """Import this wizard's rows after ``rows_done``; True when it finished, False when
        the time is up. A failure stops it with the reason; what went in stays."""
        self.ensure_one()
        try:
            rows = self._reader().rows(start_after=self.rows_done)
            finished = self._import_rows(rows, commit=True, deadline=deadline)
        except Exception as exc:  # noqa: BLE001 - recorded on the import, the cron goes on
            self._stop(exc)
            return True
        if finished:
            self._finish()
            self._post_result()
        self._commit()
        return finished

    def _stop(self, exc):
        reason = self._file_reason(exc) if isinstance(exc, PayloadError) else str(exc)
        _logger.exception(
            "File import %s of %s into source %s (id %s) stopped after row %s",
            self.id,
            self.filename,
            self.source_id.name,
            self.source_id.id,
            self.rows_done,
        )
        self.write(
            {
                "state": "stopped",
                "stop_reason": self.env._(
                    "Stopped after row %(row)s: %(reason)s. The rows up to it are imported; "
                    "“Resume” goes on from there, and importing the file again imports the rest "
                    "without doubling what is in.",
                    row=self.rows_done,
                    reason=reason.rstrip("."),
                ),
            }
        )
        self.source_id.sudo().message_post(body=self.stop_reason)
        self._commit()

    def _post_result(self):
        self.source_id.sudo().message_post(
            body=self.env._(
                "File %(file)s imported: %(created)s created, %(updated)s updated, %(errors)s "
                "rows not imported.",
                file=self.filename,
                created=self.created_count,
                updated=self.updated_count,
                errors=self.error_count,
            )
        )

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import a file"),
        }


class SocialCrmImportWizardColumn(models.TransientModel):
    _name = "social_crm.import.wizard.column"
    _description = "Social CRM File Import Column"
    _order = "sequence, id"

    wizard_id = fields.Many2one("social_crm.import.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    header = fields.Char(string="Column", required=True, readonly=True)
    sample = fields.Char(string="First value", readonly=True)
    field = fields.Selection(
        FIELD_SELECTION,
        string="Import as",
        help="Empty: the column is kept in the mention's original payload only.",
    )
