"""File import: exports of YouScan and Brand Analytics, normalized CSV / JSON lines, or any
table once its columns are mapped. Every row goes through ``source._ingest()``; a bad row is
reported with its number and reason and the rest goes in. Importing a file again updates
the mentions it already created, never doubles them."""
import base64
import logging

from odoo import api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import UserError

from ..tools.sources import PayloadError, parse_file
from ..tools.sources import files as file_formats

_logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
MAX_REPORTED_ERRORS = 200
# Labels of the fields a column can be mapped to (SOURCES.md §10.2 names).
FIELD_LABELS = {
    "external_id": "ID of the post (unique)", "source_record_id": "ID in the monitoring system",
    "url": "Link (URL)", "title": "Title", "text": "Text", "published_at": "Published at",
    "date": "Date (with a separate time column)", "time": "Time (with a date column)",
    "platform": "Platform code", "platform_domain": "Site / network domain",
    "source_type": "Resource type", "lang": "Language", "sentiment": "Sentiment",
    "sentiment_score": "Sentiment score (-1…1)", "rating": "Rating (1–5)",
    "author_external_id": "Author ID", "author_name": "Author name",
    "author_handle": "Author nickname", "author_url": "Author profile URL",
    "author_followers": "Author followers", "parent_external_id": "Parent post ID",
    "parent_url": "Parent post URL", "likes": "Likes", "comments": "Comments",
    "reposts": "Reposts", "reach": "Reach",
}


def _field_selection(_model):
    names = list(FIELD_LABELS) + [name for name in file_formats.CANONICAL
                                  if name not in FIELD_LABELS]
    return [(name, FIELD_LABELS.get(name, name.replace("_", " ").capitalize()))
            for name in names]


class SocialCrmImportWizard(models.TransientModel):
    _name = "social_crm.import.wizard"
    _description = "Social CRM File Import"

    source_id = fields.Many2one("social_crm.source", required=True, ondelete="cascade",
                                default=lambda self: self._default_source())
    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()
    preset = fields.Selection([
        ("auto", "Recognise the format"),
        ("youscan", "YouScan export (Excel or CSV)"),
        ("brand_analytics", "Brand Analytics export (CSV)"),
        ("normalized", "Normalized CSV or JSON lines"),
        ("mapping", "Another table: map its columns"),
    ], string="Format", required=True, default="auto")
    tz = fields.Selection(_tz_get, string="Time zone of the dates", required=True,
                          default=lambda self: self.env.user.tz or "UTC",
                          help="Exports write local dates and times; they are read in this "
                               "time zone.")
    state = fields.Selection([("upload", "Upload"), ("mapping", "Map columns"),
                              ("done", "Done")], default="upload", required=True)
    column_ids = fields.One2many("social_crm.import.wizard.column", "wizard_id",
                                 string="Columns")
    mapping_note = fields.Char(readonly=True)
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    error_count = fields.Integer(string="Rows not imported", readonly=True)
    error_report = fields.Text(string="Rows not imported (row: reason)", readonly=True)

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
        if self.preset == "mapping":
            return self._to_mapping()
        try:
            records, errors, _headers = self._parse(self.preset)
        except PayloadError as exc:
            if "map one with the column mapping" in str(exc) and not self._is_jsonl():
                return self._to_mapping(note=str(exc))
            raise self._unreadable(exc) from None
        return self._ingest(records, errors)

    def action_import_mapped(self):
        self.ensure_one()
        mapping = {col.header: col.field or "" for col in self.column_ids}
        if not any(col.field in ("text", "title") for col in self.column_ids):
            raise UserError(self.env._("Map a column to Text (or Title): a mention needs a "
                                       "text."))
        if not any(col.field in ("external_id", "source_record_id", "url")
                   for col in self.column_ids):
            raise UserError(self.env._("Map a column that identifies each mention: its ID or "
                                       "its link (URL). Importing the file again then "
                                       "updates the same mentions instead of doubling them."))
        try:
            records, errors, _headers = self._parse("normalized", mapping)
        except PayloadError as exc:
            raise self._unreadable(exc) from None
        return self._ingest(records, errors)

    def action_back(self):
        self.ensure_one()
        self.write({"state": "upload", "column_ids": [(5, 0, 0)], "mapping_note": False})
        return self._reopen()

    # -- helpers ------------------------------------------------------------------------------
    def _content(self):
        return base64.b64decode(self.file or b"")

    def _is_jsonl(self):
        try:
            return file_formats._file_kind(self.filename or "", self._content()) == "jsonl"
        except PayloadError:
            return False

    def _parse(self, preset, mapping=None):
        return parse_file(self.filename or "", self._content(), preset=preset, mapping=mapping,
                          tz=self.tz or "UTC")

    def _unreadable(self, exc):
        return UserError(self.env._("The file “%(file)s” cannot be imported: %(reason)s",
                                    file=self.filename or self.env._("(no name)"),
                                    reason=str(exc)))

    def _read_headers(self):
        """The header row of a table and the first value under each header."""
        content = self._content()
        try:
            kind = file_formats._file_kind(self.filename or "", content)
            if kind == "jsonl":
                raise UserError(self.env._("A JSON file is read by its keys; choose the "
                                           "normalized format instead of a column mapping."))
            rows = file_formats._xlsx_rows(content) if kind == "xlsx" \
                else file_formats._csv_rows(content)
        except PayloadError as exc:
            raise self._unreadable(exc) from None
        index, _score = file_formats._find_header(rows)
        if index is None:
            raise UserError(self.env._("The file “%(file)s” is empty.", file=self.filename))
        headers = [file_formats._cell_text(c) for c in rows[index][1]]
        first = next((cells for _n, cells in rows[index + 1:]
                      if any(file_formats._cell_text(c) for c in cells)), [])
        return [(h, file_formats._cell_text(first[i]) if i < len(first) else "")
                for i, h in enumerate(headers) if h]

    def _to_mapping(self, note=None):
        columns = [(5, 0, 0)]
        for sequence, (header, sample) in enumerate(self._read_headers()):
            guess = file_formats.ALIASES.get(header.strip().lower())
            columns.append((0, 0, {"sequence": sequence, "header": header,
                                   "sample": sample[:200],
                                   "field": guess if guess in dict(_field_selection(self))
                                   else False}))
        self.write({"state": "mapping", "column_ids": columns,
                    "mapping_note": note or False})
        return self._reopen()

    def _ingest(self, records, errors):
        """Ingest in batches; parse errors (row: reason) and ingest errors are reported."""
        source = self.source_id
        rows = {r["external_id"]: (r.get("raw") or {}).get("row") for r in records
                if isinstance(r, dict)}
        created = updated = 0
        problems = [(e["row"], e["reason"]) for e in errors]
        for start in range(0, len(records), BATCH_SIZE):
            report = source._ingest(records[start:start + BATCH_SIZE], origin="file")
            created += report["created"]
            updated += report["updated"]
            for error in report["errors"]:
                label = str(error.get("record", ""))
                ext = label[len("record "):] if label.startswith("record ") else label
                problems.append((rows.get(ext) or label, error.get("reason", "")))
        problems.sort(key=lambda p: (not isinstance(p[0], int), p[0] if isinstance(p[0], int)
                                     else 0))
        lines = [self.env._("Row %(row)s: %(reason)s", row=row, reason=reason)
                 for row, reason in problems[:MAX_REPORTED_ERRORS]]
        if len(problems) > MAX_REPORTED_ERRORS:
            lines.append(self.env._("… and %(count)s more",
                                    count=len(problems) - MAX_REPORTED_ERRORS))
        if errors:  # ingest() already logged its own rejections on the source
            self.env["social_crm.source.run"]._log(source, "file", errors=errors)
            _logger.warning("Source %s (id %s): %s row(s) of %s not imported: %s", source.name,
                            source.id, len(errors), self.filename, "; ".join(lines[:5]))
        self.write({"state": "done", "created_count": created, "updated_count": updated,
                    "error_count": len(problems), "error_report": "\n".join(lines) or False})
        return self._reopen()

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new", "name": self.env._("Import a file")}

    def action_view_mentions(self):
        self.ensure_one()
        return self.source_id.action_view_mentions()


class SocialCrmImportWizardColumn(models.TransientModel):
    _name = "social_crm.import.wizard.column"
    _description = "Social CRM File Import Column"
    _order = "sequence, id"

    wizard_id = fields.Many2one("social_crm.import.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    header = fields.Char(string="Column", required=True, readonly=True)
    sample = fields.Char(string="First value", readonly=True)
    field = fields.Selection(_field_selection, string="Import as",
                             help="Empty: the column is kept in the mention's original payload "
                                  "only.")
