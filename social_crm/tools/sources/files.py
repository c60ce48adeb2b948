"""File import: CSV, XLSX and JSONL → normalized records, each bad row reported by number.

    records, errors, headers = parse_file("export.xlsx", content, preset="auto", tz="Asia/Almaty")
    reader = open_file("export.csv", content)      # headers read, rows streamed:
    for row in reader.rows(start_after=0): ...     # FileRow(row, record | reason, code, params)

What is read is what was written: the text encoding is recognised (BOM, UTF-16, UTF-8, else
the single-byte encoding chardet names), and a row holding bytes that are not text in it, a
CSV row whose quotation mark is never closed, or a value the normalized record refuses (a NUL
character, a date in the year 9999…) is an error of that row; the rows after it are read.

Presets: ``youscan`` (EN/RU/ES export headers, ``Date`` + ``Time``
merged, no id column → the normalized URL is the key), ``brand_analytics`` (RU CSV export with
its preamble, ``Hash сообщения`` is the key), ``normalized`` (the canonical CSV headers), and
``auto`` which recognises them.  ``mapping`` ({file header: canonical field, or '' to ignore})
maps anything else.  Headers are matched by name, never by position.  Local date-times are
read in ``tz``; the result is UTC.
"""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timedelta, timezone

from ..schema import (Problem, RecordError, normalize_count, normalize_lang, normalize_platform,
                      normalize_record, short)
from .base import _lt, register, PayloadError, SourceAdapter, author_dict, normalize_url, \
    platform_from

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
except ImportError:  # pragma: no cover - Python < 3.9
    ZoneInfo = None
    ZoneInfoNotFoundError = KeyError

PRESETS = ("auto", "youscan", "brand_analytics", "normalized")

# Canonical field names of the flat file format plus ``date``/``time`` for split columns.
CANONICAL = (
    "source_system", "source_account", "source_record_id", "platform", "platform_domain",
    "source_type", "content_type", "external_id", "url", "title", "text", "published_at",
    "date", "time", "collected_at", "lang", "author_external_id", "author_name",
    "author_handle", "author_url", "author_followers", "author_type", "place_name",
    "place_url", "place_followers", "parent_external_id", "parent_url", "thread_external_id",
    "sentiment", "sentiment_score", "rating", "likes", "comments", "reposts", "views",
    "reactions", "engagement", "reach", "country_code", "region", "city", "tags",
    "message_id",
)

# header (any UI language the exports use) → canonical; compared lower-cased and trimmed.
_ALIASES = {
    "url": ["URL", "Url", "Ссылка", "Link"],
    "title": ["Title", "Заголовок", "Título"],
    "text": ["Text", "Текст", "Дайджест текста", "Text digest", "Texto", "Message",
             "Текст сообщения", "Сообщение", "Message text", "Content", "Body",
             "Текст публикации", "Текст поста", "Post text", "Текст отзыва", "Review text"],
    "published_at": ["Дата и время", "Date and time", "Дата публикации", "Published",
                     "Published at", "Publication date", "Время публикации"],
    "date": ["Date", "Дата", "Fecha"],
    "time": ["Time", "Время", "Hora"],
    "collected_at": ["Saved at", "Сохранено"],
    "source_record_id": ["Hash сообщения"],
    "message_id": ["ID сообщения", "Message ID"],
    "external_id": ["ID", "Идентификатор", "Идентификатор сообщения"],
    "platform_domain": ["Source", "Источник", "Fuente"],
    "source_type": ["Resource type", "Тип источника", "Tipo de recurso"],
    "content_type": ["Post type", "Тип поста", "Тип сообщения"],
    "author_name": ["Author", "Автор", "Autor"],
    "author_handle": ["Nickname", "Никнейм", "Apodo"],
    "author_url": ["Profile", "Профиль", "Url автора", "Perfil"],
    "author_type": ["Тип автора"],
    "author_followers": ["Subscribers", "Подписчики", "Аудитория"],
    "place_name": ["Publication place", "Место публикации", "Lugar de publicación"],
    "place_url": ["Publication place profile", "Профиль места публикации",
                  "Url места публикации"],
    "place_followers": ["Publication place subscribers", "Подписчики места публикации"],
    "sentiment": ["Sentiment", "Тональность", "Sentimiento"],
    "lang": ["Language", "Язык", "Idioma"],
    "likes": ["Likes", "Лайки", "Лайков"],
    "comments": ["Comments", "Комментарии", "Комментариев"],
    "reposts": ["Reposts", "Репосты", "Репостов"],
    "views": ["Views", "Просмотры", "Просмотров"],
    "reactions": ["Reactions", "Сумма всех реакций"],
    "engagement": ["Engagement", "Вовлеченность"],
    "reach": ["Potential reach"],
    "rating": ["Rating", "Рейтинг", "Оценка"],
    "country_code": ["Country", "Страна", "País"],
    "region": ["Regions", "Регион"],
    "city": ["City", "Город"],
    "tags": ["Tags", "Теги"],
}
ALIASES = {c.lower(): c for c in CANONICAL}
for _canonical, _names in _ALIASES.items():
    for _name in _names:
        ALIASES[_name.strip().lower()] = _canonical

_BA_PREAMBLE = ("система brand analytics", "тема:", "период:")
_MAX_HEADER_SCAN = 30


# ---------------------------------------------------------------------------------------------
# entry points

@dataclass
class FileRow:
    """One data row of a file: its record, or why it was not imported.

    ``row`` is the 1-based line (CSV, JSON lines) or row (Excel) where it starts; ``code`` and
    ``params`` let the user interface say the reason in the user's words."""

    row: int
    record: dict | None = None
    reason: str = ""
    code: str = ""
    params: dict = field(default_factory=dict)

    def as_error(self):
        return {"row": self.row, "reason": self.reason}


def parse_file(filename, content, preset="auto", mapping=None, tz="UTC"):
    """Parse an uploaded file; returns (records, errors, headers).

    ``errors`` are ``{"row": <1-based row/line in the file>, "reason": ...}``; the good rows
    are returned regardless.  A file that cannot be read at all raises PayloadError.
    """
    reader = open_file(filename, content, preset, mapping, tz)
    records, errors = [], []
    for entry in reader.rows():
        if entry.record is not None:
            records.append(entry.record)
        else:
            errors.append(entry.as_error())
    return records, errors, reader.headers


def open_file(filename, content, preset="auto", mapping=None, tz="UTC"):
    """A :class:`FileReader` on an uploaded file: its headers are read (and a file that
    cannot be imported at all raises PayloadError); ``rows()`` streams the rest."""
    if preset not in PRESETS:
        raise PayloadError(f"unknown preset '{preset}'; use one of {', '.join(PRESETS)}",
                           code="preset_unknown", preset=preset)
    zone = _zone(tz)
    if isinstance(content, str):
        content = content.encode("utf-8")
    kind = _file_kind(filename, content)
    if kind == "jsonl":
        return JsonLinesReader(filename, content, zone)
    return TableReader(filename, content, kind, preset, mapping, zone)


def _zone(tz):
    if not tz or str(tz).upper() == "UTC":
        return timezone.utc
    try:
        return ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise PayloadError(f"unknown time zone '{tz}'", code="tz_unknown", tz=str(tz)) from None


def _file_kind(filename, content):
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith((".csv", ".txt", ".tsv")):
        return "csv"
    if name.endswith(".xls"):
        raise PayloadError("old Excel .xls files are not supported; save the file as .xlsx "
                           "or CSV", code="xls_old")
    if content[:2] == b"PK":
        return "xlsx"
    head = content[:64]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    if head.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"["):
        return "jsonl"
    return "csv"


# ---------------------------------------------------------------------------------------------
# text: what was written, or the rows that can't be read

# Single-byte encodings a chardet guess may choose among (the exports of the services we
# read are UTF-8 or Windows-1251; the others are what office software writes elsewhere).
_LEGACY_ENCODINGS = {"windows-1251": "cp1251", "koi8-r": "koi8_r", "maccyrillic": "mac_cyrillic",
                     "ibm866": "cp866", "iso-8859-5": "iso8859_5", "windows-1252": "cp1252",
                     "iso-8859-1": "cp1252"}
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes kept by errors="surrogateescape"
_MIN_LEGACY_BYTES = 4


def decode_text(content):
    """(text, encoding name) of a text file.

    A byte order mark decides (UTF-8, UTF-16); UTF-16 without one is recognised by its NUL
    bytes; else UTF-8 when the bytes are UTF-8 — also when a few of them are not: those
    bytes are kept as lone surrogates (``surrogateescape``) so the rows holding them are
    reported, never read as another encoding; else (nearly every byte beyond ASCII invalid
    as UTF-8) the single-byte encoding ``chardet`` recognises, Windows-1251 without it.
    """
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8):].decode("utf-8", "surrogateescape"), "UTF-8"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_utf16(content, "utf-16"), "UTF-16"
    utf16 = _utf16_without_bom(content)
    if utf16:
        return _decode_utf16(content, utf16), "UTF-16"
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    text = content.decode("utf-8", "surrogateescape")
    undecodable = len(_UNDECODABLE.findall(text))
    readable = sum(1 for ch in text if ch >= "\u0080" and not "\udc80" <= ch <= "\udcff")
    # A legacy single-byte file is almost nothing but invalid UTF-8 beyond ASCII; a UTF-8
    # file with a few damaged bytes is mostly valid.  When the few bytes say too little, the
    # rows holding them are reported rather than the whole file guessed as another encoding.
    if undecodable < _MIN_LEGACY_BYTES or undecodable <= 4 * readable:
        return text, "UTF-8"
    encoding = _guess_legacy(content)
    return content.decode(encoding, "surrogateescape"), encoding.replace("_", "-").upper()


def _decode_utf16(content, encoding):
    # Bytes that are not UTF-16 (an odd byte at the end, half a surrogate pair) stay visible
    # as escapes, so the row holding them is reported.
    return content.decode(encoding, "surrogateescape")


def _utf16_without_bom(content):
    """'utf-16-le' / 'utf-16-be' when the text looks like UTF-16 without a BOM (one NUL byte
    in every pair for Latin and Cyrillic text alike is the tell), else ''."""
    sample = content[:4000]
    if len(sample) < 4 or b"\x00" not in sample:
        return ""
    pairs = len(sample) // 2
    even = sum(1 for i in range(0, pairs * 2, 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, pairs * 2, 2) if sample[i] == 0)
    if odd > pairs * 0.3 and even < pairs * 0.05:
        return "utf-16-le"
    if even > pairs * 0.3 and odd < pairs * 0.05:
        return "utf-16-be"
    return ""


def _guess_legacy(content):
    try:
        import chardet  # Odoo ships it; without it Windows-1251 is assumed
    except ImportError:  # pragma: no cover - depends on the installation
        return "cp1251"
    guess = chardet.detect(content[:200_000])
    name = (guess.get("encoding") or "").lower()
    if (guess.get("confidence") or 0) >= 0.5 and name in _LEGACY_ENCODINGS:
        return _LEGACY_ENCODINGS[name]
    return "cp1251"


def _undecodable(values, encoding):
    """A FileRow reason for cells holding bytes that are not text, or None."""
    for value in values:
        if isinstance(value, str) and _UNDECODABLE.search(value):
            return dict(code="undecodable", params={"encoding": encoding},
                        reason=f"the row holds bytes that are not {encoding} text; save the "
                               "file as UTF-8 and import it again")
    return None


# ---------------------------------------------------------------------------------------------
# CSV: each record on its own, a malformed one reported and the next line read on

_EOL = re.compile(r"\r\n|\r|\n")


def _line_count(text):
    """Lines in ``text``, the last one counted whether or not a line break ends it."""
    breaks = sum(1 for _match in _EOL.finditer(text))
    return breaks + (1 if text and not text.endswith(("\n", "\r")) else 0)


class _Lines:
    """The physical lines of ``text`` for ``csv.reader``, restartable at any line."""

    def __init__(self, text):
        self.text = text
        self.pos = 0
        self.number = 0  # lines handed out so far

    def __iter__(self):
        return self

    def __next__(self):
        if self.pos >= len(self.text):
            raise StopIteration
        match = _EOL.search(self.text, self.pos)
        end = match.end() if match else len(self.text)
        line = self.text[self.pos:end]
        self.pos = end
        self.number += 1
        return line

    def rewind_to_line_after(self, pos, number):
        """Go back to the line following the one that starts at ``pos``."""
        match = _EOL.search(self.text, pos)
        self.pos = match.end() if match else len(self.text)
        self.number = number + 1


def csv_records(text, delimiter, width=None):
    """Yield ``(line number, cells, None)`` per record, or ``(line number, None, reason)``
    for a malformed one.

    A quoted cell may span lines.  A quotation mark that is never closed would swallow the
    rest of the file: the strict reader stops at it (or the record has a multi-line cell and
    not the ``width`` of the header), the record's first line is reported and reading goes
    on with the line after it.
    """
    lines = _Lines(text)
    while True:
        pos, number = lines.pos, lines.number
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            lines.rewind_to_line_after(pos, number)
            yield number + 1, None, f"the row cannot be read as CSV ({exc}); check its " \
                                    "quotation marks"
            continue
        spans = lines.number - number
        if width and spans > 1 and len(cells) != width and any("\n" in c or "\r" in c
                                                               for c in cells):
            lines.rewind_to_line_after(pos, number)
            yield number + 1, None, "a quotation mark in the row is not closed: it runs " \
                                    f"over {spans} lines; check its quotation marks"
            continue
        yield number + 1, cells, None


def _choose_delimiter(text, mapping):
    best = None
    for delimiter in (";", ",", "\t"):
        sample = []
        for number, cells, problem in csv_records(text, delimiter):
            if cells is not None:
                sample.append((number, cells))
            if len(sample) >= _MAX_HEADER_SCAN or number > _MAX_HEADER_SCAN * 4:
                break
        index, score = _find_header(sample, mapping)
        width = len(sample[index][1]) if sample and index is not None else 0
        key = (score, width)
        if best is None or key > best[0]:
            best = (key, delimiter)
    return best[1]


def _xlsx_rows(content):
    """``(row number, values)`` of the mentions sheet, streamed; the workbook is closed when
    the iteration ends."""
    try:
        import openpyxl  # Odoo ships it; imported here so CSV users don't need it
    except ImportError:  # pragma: no cover
        raise PayloadError("reading .xlsx needs the Python package openpyxl",
                           code="xlsx_unreadable", reason="openpyxl") from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException…
        raise PayloadError(f"the file is not a readable .xlsx workbook ({exc})",
                           code="xlsx_unreadable", reason=str(exc)) from None

    def rows():
        try:
            sheet = next((book[name] for name in book.sheetnames
                          if name.strip().lower() in ("mentions", "упоминания")), None)
            sheet = sheet or book.worksheets[0]
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # some exporters write a wrong <dimension>; read all
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True),
                                            start=1):
                yield number, list(values)
        finally:
            book.close()

    return rows()


def _find_header(rows, mapping=None):
    """Index of the header row among the first rows (skipping preambles) and its score."""
    best_index, best_score = None, -1
    mapped = {str(k).strip().lower() for k in (mapping or {})}
    for index, (_number, cells) in enumerate(rows[:_MAX_HEADER_SCAN]):
        names = [_cell_text(c).lower() for c in cells]
        score = sum(1 for n in names if n and (n in ALIASES or n in mapped))
        if score > best_score and score >= 2:
            best_index, best_score = index, score
    if best_index is None:
        for index, (_number, cells) in enumerate(rows):
            texts = [_cell_text(c) for c in cells]
            if sum(1 for t in texts if t) >= 2 and texts[0].lower() not in _BA_PREAMBLE:
                return index, 0
        # One column at most: its first non-empty row; a file of blank rows has no header.
        filled = (i for i, (_n, cells) in enumerate(rows) if any(_cell_text(c) for c in cells))
        return next(filled, None), 0
    return best_index, best_score


# ---------------------------------------------------------------------------------------------
# tables

def _columns(headers, mapping):
    """column index → canonical field (None = keep in raw only)."""
    user = {}
    for key, value in (mapping or {}).items():
        value = (value or "").strip()
        if value and value not in CANONICAL:
            raise PayloadError(f"mapping: '{value}' is not a field that can be imported; "
                               f"use one of {', '.join(CANONICAL)}", code="mapping_bad_field",
                               field=value)
        user[str(key).strip().lower()] = value or None
    missing = [k for k in user if k not in {h.lower() for h in headers}]
    if missing:
        raise PayloadError(f"mapping: the file has no column named {', '.join(missing)}",
                           code="mapping_missing_column", columns=", ".join(missing))
    columns, taken = {}, set()
    for index, name in enumerate(headers):
        low = name.lower()
        field_name = user[low] if low in user else ALIASES.get(low)
        if field_name and field_name in taken:
            field_name = None  # a second column for the same field stays in raw
        columns[index] = field_name
        if field_name:
            taken.add(field_name)
    if "date" in taken and "time" not in taken:
        # A date column without a time column holds the date and time of publication.
        for index, name in columns.items():
            if name == "date":
                columns[index] = "published_at" if "published_at" not in taken else None
    return columns


def guess_field(header, headers):
    """The field a column is recognised as (for a mapping form), '' when none: like
    :func:`_columns`, a date column is a date-and-time unless a time column goes with it."""
    name = ALIASES.get(str(header).strip().lower(), "")
    if name == "date" and not any(ALIASES.get(str(h).strip().lower()) == "time"
                                  for h in headers):
        return "published_at"
    return name


# What each preset keys mentions on; a file without that column is not what was chosen.
_PRESET_KEYS = {
    "brand_analytics": ("source_record_id", "no 'Hash сообщения' column: this does not look "
                                            "like a Brand Analytics export", "not_ba_export"),
    "youscan": ("url", "no 'URL' column: a YouScan export is keyed on the mention URL",
                "not_youscan_export"),
}


def _detect_preset(fields, headers):
    lows = {h.lower() for h in headers}
    if "hash сообщения" in lows:
        return "brand_analytics"
    if "date" in fields and "time" in fields and "external_id" not in fields:
        return "youscan"
    return "normalized"


class TableReader:
    """A CSV or Excel table: the header row found (after any preamble), its columns matched
    by name, then each data row mapped and validated on its own."""

    def __init__(self, filename, content, kind, preset, mapping, zone):
        self.filename = filename or ""
        self.kind = kind
        self.mapping = mapping
        self.zone = zone
        self.encoding = ""
        if kind == "xlsx":
            self._content = content
            sample = list(itertools.islice(_xlsx_rows(content), _MAX_HEADER_SCAN))
        else:
            self._text, self.encoding = decode_text(content)
            self.delimiter = _choose_delimiter(self._text, mapping)
            sample = [(n, cells) for n, cells, _p in itertools.islice(
                csv_records(self._text, self.delimiter), _MAX_HEADER_SCAN) if cells is not None]
        index, _score = _find_header(sample, mapping)
        if index is None:
            raise PayloadError("the file is empty", code="file_empty")
        self.header_row, header_cells = sample[index]
        headers = [_cell_text(c) for c in header_cells]
        while headers and not headers[-1]:
            headers.pop()
        self.headers = headers
        self.columns = _columns(headers, mapping)
        fields = {f for f in self.columns.values() if f}
        self.preset = _detect_preset(fields, headers) if preset == "auto" else preset
        columns_text = ", ".join(h for h in headers if h)
        if "text" not in fields and "title" not in fields:
            raise PayloadError(f"row {self.header_row}: no text column among the headers "
                               f"({columns_text}); map one with the column mapping",
                               code="no_text_column", columns=columns_text)
        required = _PRESET_KEYS.get(self.preset)
        if required and required[0] not in fields:
            raise PayloadError(f"row {self.header_row}: {required[1]}", code=required[2])
        if not fields & {"external_id", "source_record_id", "url"}:
            raise PayloadError(f"row {self.header_row}: no column identifies a mention (an id, "
                               "'Hash сообщения' or a URL); map one with the column mapping",
                               code="no_id_column", columns=columns_text)

    def last_row(self):
        """The number of the file's last row (its last line for a text file): the measure
        of an import's progress, since rows are numbered as in the file."""
        if self.kind == "xlsx":
            return sum(1 for _row in _xlsx_rows(self._content))
        return _line_count(self._text)

    def _data_rows(self):
        """(row number, cells, problem) after the header row."""
        if self.kind == "xlsx":
            for number, cells in _xlsx_rows(self._content):
                if number > self.header_row:
                    yield number, cells, None
            return
        width = len(self.headers)
        for number, cells, problem in csv_records(self._text, self.delimiter, width):
            if number > self.header_row:
                yield number, cells, problem

    def rows(self, start_after=0):
        """Yield a :class:`FileRow` per non-empty data row after row ``start_after``."""
        for number, cells, problem in self._data_rows():
            if number <= start_after:
                continue
            if problem:
                yield FileRow(number, reason=problem, code="malformed_row")
                continue
            if not any(_cell_text(c) for c in cells):
                continue
            bad = _undecodable(cells, self.encoding)
            if bad:
                yield FileRow(number, **bad)
                continue
            yield self._row(number, cells)

    def _row(self, number, cells):
        values, raw = {}, {}
        for col, cell in enumerate(cells):
            name = self.headers[col] if col < len(self.headers) else ""
            if name:
                raw[name] = _json_safe(cell)
            elif _cell_text(cell):
                raw[f"column {col + 1}"] = _json_safe(cell)
            field_name = self.columns.get(col)
            if field_name and field_name not in values:
                values[field_name] = cell
        try:
            record = build_record(values, self.preset, self.zone)
        except ValueError as exc:
            return _failed(number, exc)
        record["raw"] = {"file": self.filename, "row": number, "columns": raw}
        return _validated(number, record)


def table_preview(filename, content):
    """[(header, first value under it)] of a CSV or Excel table, for a column mapping: the
    header row found as an import finds it, whatever its columns are."""
    kind = _file_kind(filename, content)
    if kind == "xlsx":
        sample = list(itertools.islice(_xlsx_rows(content), _MAX_HEADER_SCAN * 2))
    else:
        text, _encoding = decode_text(content)
        delimiter = _choose_delimiter(text, None)
        sample = [(n, cells) for n, cells, _p in itertools.islice(
            csv_records(text, delimiter), _MAX_HEADER_SCAN * 2) if cells is not None]
    index, _score = _find_header(sample[:_MAX_HEADER_SCAN])
    if index is None:
        raise PayloadError("the file is empty", code="file_empty")
    headers = [_cell_text(c) for c in sample[index][1]]
    first = next((cells for _n, cells in sample[index + 1:]
                  if any(_cell_text(c) for c in cells)), [])
    return [(h, _cell_text(first[i]) if i < len(first) else "")
            for i, h in enumerate(headers) if h]


def _failed(number, exc):
    return FileRow(number, reason=str(exc), code=getattr(exc, "code", ""),
                   params=dict(getattr(exc, "params", {}) or {}))


def _validated(number, record):
    try:
        normalize_record(record)
    except RecordError as exc:
        return FileRow(number, reason=exc.reason, code=exc.code, params=dict(exc.params))
    return FileRow(number, record=record)


def build_record(values, preset="normalized", zone=timezone.utc):
    """Canonical flat values (CSV §10.2 names) → a normalized record; ValueError with the
    reason when the row cannot become one."""
    get = lambda key: _cell_text(values.get(key))  # noqa: E731
    url = get("url")
    external_id = get("external_id") or get("source_record_id")
    if not external_id and url:
        external_id = normalize_url(url)
    if not external_id:
        raise Problem("id_missing", "no id and no URL to identify the mention")
    text = get("text") or get("title")
    if not text:
        raise Problem("text_missing", "text is empty")
    published = _published(values, zone)
    platform = get("platform")
    platform = normalize_platform(platform) if platform else \
        platform_from(get("platform_domain") or url, get("source_type"))
    author = author_dict(get("author_external_id") or get("author_url") or get("author_handle")
                         or get("author_name"), get("author_name"), get("author_handle"),
                         get("author_url"), _number(values.get("author_followers"),
                                                    "author followers"))
    sentiment = values.get("sentiment")
    if isinstance(sentiment, str) and sentiment.strip().lower() in ("undefined", "не определено",
                                                                      "-", "—"):
        sentiment = ""
    record = {
        "external_id": external_id,
        "url": url,
        "title": get("title") if get("text") else "",
        "text": text,
        "published_at": published,
        "platform": platform,
        "lang": normalize_lang(get("lang")) if get("lang") else "",
        "sentiment": sentiment if sentiment is not None else "",
        "rating": values.get("rating"),
        "parent_external_id": get("parent_external_id") or
        (normalize_url(get("parent_url")) if get("parent_url") else ""),
        "reach": _number(values.get("reach"), "reach"),
        "likes": _number(values.get("likes"), "likes"),
        "reposts": _number(values.get("reposts"), "reposts"),
        "comments": _number(values.get("comments"), "comments"),
        "author": author,
    }
    if values.get("sentiment_score") not in (None, ""):
        record["sentiment_score"] = values["sentiment_score"]
    if isinstance(record["rating"], str):
        record["rating"] = record["rating"].strip().replace(",", ".") or None
    return record


def _number(value, name):
    if value in (None, ""):
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return normalize_count(value, name)
    text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()
    if not text or text in ("-", "—"):
        return 0
    return normalize_count(text, name)


# ---------------------------------------------------------------------------------------------
# dates

_DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d")
_TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p")


def _published(values, zone):
    value = values.get("published_at")
    if value in (None, ""):
        day, clock = values.get("date"), values.get("time")
        if day in (None, ""):
            return ""
        value = _combine(day, clock)
    return _utc_iso(_to_datetime(value), zone)


def _utc_iso(dt, zone):
    """ISO 8601 UTC of a datetime read in ``zone`` when it has no offset of its own."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone)
    try:
        dt = dt.astimezone(timezone.utc)
    except OverflowError:  # a local 9999-12-31 23:59 in a zone ahead of UTC
        raise Problem("date_future", f"date {dt.isoformat()} is in the future",
                      field="published_at", value=dt.isoformat(" ")) from None
    return dt.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def _combine(day, clock):
    """``Date`` + ``Time`` columns (strings or Excel values) → a naive local datetime."""
    if isinstance(day, datetime):
        base = day
    elif isinstance(day, date):
        base = datetime.combine(day, dtime())
    else:
        base = _to_datetime(day)
    if clock in (None, ""):
        return base
    if isinstance(clock, datetime):
        clock = clock.time()
    elif isinstance(clock, (int, float)):  # Excel fraction of a day
        clock = (datetime.min + timedelta(days=float(clock))).time()
    elif not isinstance(clock, dtime):
        text = str(clock).strip()
        for fmt in _TIME_FORMATS:
            try:
                clock = datetime.strptime(text, fmt).time()
                break
            except ValueError:
                continue
        else:
            raise Problem("time_unreadable", f"unreadable time {short(repr(text))}",
                          value=short(text))
    return datetime.combine(base.date(), clock.replace(microsecond=0))


def _to_datetime(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, dtime())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _timestamp(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
        return _timestamp(text)
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    day_part, _, clock_part = text.partition(" ")
    for fmt in _DATE_FORMATS:
        try:
            day = datetime.strptime(day_part, fmt)
        except ValueError:
            continue
        return _combine(day, clock_part.strip() or None)
    raise Problem("date_unreadable", f"unreadable date {short(repr(text))}", value=short(text))


def _timestamp(value):
    try:
        seconds = float(value)
        if not math.isfinite(seconds):
            raise OverflowError
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise Problem("date_unreadable", f"date {short(repr(value))} is not a point in time",
                      value=short(value)) from None


# ---------------------------------------------------------------------------------------------
# JSONL

_FLAT_KEYS = {"author_name", "author_url", "author_external_id", "author_handle",
              "source_record_id", "platform_domain", "date", "time"}


class JsonLinesReader:
    """JSON lines (one record per line) or a JSON file holding a list of records."""

    kind = "jsonl"
    preset = "normalized"

    def __init__(self, filename, content, zone):
        self.filename = filename or ""
        self.zone = zone
        self._text, self.encoding = decode_text(content)
        self.headers = []
        self._items = None
        stripped = self._text.lstrip()
        if stripped.startswith("["):  # a .json file holding a list
            try:
                items = json.loads(stripped)
            except (ValueError, RecursionError) as exc:
                raise PayloadError(f"the JSON file is not valid ({_json_reason(exc)})",
                                   code="json_invalid_file", reason=_json_reason(exc)) from None
            if not isinstance(items, list):
                raise PayloadError("the JSON file does not hold a list of records",
                                   code="json_not_list")
            self._items = items

    def last_row(self):
        if self._items is not None:
            return len(self._items)
        return _line_count(self._text)

    def _lines(self):
        """(number, item or a FileRow saying why the line is not a record)."""
        if self._items is not None:
            yield from enumerate(self._items, start=1)
            return
        for number, line in enumerate(_EOL.split(self._text), start=1):
            if not line.strip():
                continue
            bad = _undecodable([line], self.encoding)
            if bad:
                yield number, FileRow(number, **bad)
                continue
            try:
                yield number, json.loads(line)
            except (ValueError, RecursionError) as exc:
                reason = _json_reason(exc)
                yield number, FileRow(number, reason=f"not valid JSON ({reason})",
                                      code="json_invalid", params={"reason": reason})

    def rows(self, start_after=0):
        for number, item in self._lines():
            if number <= start_after:
                continue
            if isinstance(item, FileRow):
                yield item
                continue
            if not isinstance(item, dict):
                yield FileRow(number, reason="is not a JSON object", code="json_not_object")
                continue
            for key in item:
                if key not in self.headers:
                    self.headers.append(key)
            try:
                record = _json_record(item, self.zone)
            except (ValueError, TypeError, AttributeError) as exc:
                yield _failed(number, exc)
                continue
            yield _validated(number, record)


def _json_reason(exc):
    if isinstance(exc, RecursionError):
        return "nested too deep"
    return exc.args[0] if exc.args else str(exc)


def _json_record(item, zone):
    """A normalized record as is; the flat CSV shape or the nested one (``metrics``, ``parent``) unfolded;
    Brand Analytics JSON exports / feed messages and YouScan API mentions mapped."""
    keys = set(item)
    if "external_id" not in keys and {"hash", "timeCreate"} <= keys:
        from .brand_analytics import map_message
        return map_message(item)
    if "external_id" not in keys and {"seq", "postId"} <= keys:
        from .youscan import map_mention
        return map_mention(item)
    if "external_id" not in keys and {"mentionId", "topicId"} <= keys:
        from .youscan import map_mention
        return map_mention(item, webhook=True)
    if _FLAT_KEYS & keys:
        record = build_record(item, "normalized", zone)
        record["raw"] = item.get("raw") if isinstance(item.get("raw"), dict) else dict(item)
        return record
    record = dict(item)
    sentiment = record.get("sentiment")
    if isinstance(sentiment, dict):
        record["sentiment"] = sentiment.get("label") or ""
        if sentiment.get("score") is not None:
            record["sentiment_score"] = sentiment["score"]
    metrics = record.pop("metrics", None)
    if isinstance(metrics, dict):
        for key in ("likes", "comments", "reposts", "reach"):
            if record.get(key) in (None, "") and metrics.get(key) is not None:
                record[key] = metrics[key]
    parent = record.pop("parent", None)
    if isinstance(parent, dict) and not record.get("parent_external_id"):
        record["parent_external_id"] = parent.get("external_id") or \
            (normalize_url(parent["url"]) if parent.get("url") else "")
    if not record.get("external_id") and record.get("url"):
        record["external_id"] = normalize_url(record["url"])
    if record.get("published_at") and not isinstance(record["published_at"], datetime):
        record["published_at"] = _utc_iso(_to_datetime(record["published_at"]), zone)
    if "raw" not in record:
        record["raw"] = dict(item)
    return record


# ---------------------------------------------------------------------------------------------

def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _json_safe(value):
    if isinstance(value, (datetime, date, dtime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


@register
class FileAdapter(SourceAdapter):
    """A ``file`` source: nothing to pull or connect to; uploads go through ``parse_file``."""

    kind = "file"
    label = _lt("File import")
    sequence = 20
    help = _lt("Upload exports with Import file (YouScan, Brand Analytics, normalized CSV, or "
               "any table with a column mapping).")
    needs_credentials = False
    can_fetch = False
    config_fields = [("preset", "Preset (auto / youscan / brand_analytics / normalized)", False),
                     ("tz", "Time zone of local dates", False)]

    def parse_file(self, filename, content, preset=None, mapping=None, tz=None):
        return parse_file(filename, content, preset or self.config.get("preset") or "auto",
                          mapping if mapping is not None else self.config.get("mapping"),
                          tz or self.config.get("tz") or "UTC")

    def test_connection(self):
        return "File import: nothing to connect to; upload a file"
