"""File import: CSV, XLSX and JSONL → normalized records, each bad row reported by number.

    records, errors, headers = parse_file("export.xlsx", content, preset="auto", tz="Asia/Almaty")

Presets (SOURCES.md §1, §2, §10.2): ``youscan`` (EN/RU/ES export headers, ``Date`` + ``Time``
merged, no id column → the normalized URL is the key), ``brand_analytics`` (RU CSV export with
its preamble, ``Hash сообщения`` is the key), ``normalized`` (the canonical CSV headers), and
``auto`` which recognises them.  ``mapping`` ({file header: canonical field, or '' to ignore})
maps anything else.  Headers are matched by name, never by position.  Local date-times are
read in ``tz``; the result is UTC.
"""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, time as dtime, timedelta, timezone

from ..schema import RecordError, normalize_lang, normalize_platform, normalize_record
from .base import _lt, register, PayloadError, SourceAdapter, author_dict, normalize_url, platform_from

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
except ImportError:  # pragma: no cover - Python < 3.9
    ZoneInfo = None
    ZoneInfoNotFoundError = KeyError

PRESETS = ("auto", "youscan", "brand_analytics", "normalized")

# Canonical field names (SOURCES.md §10.2) plus ``date``/``time`` for split columns.
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
    "text": ["Text", "Текст", "Дайджест текста", "Text digest", "Texto", "Message"],
    "date": ["Date", "Дата", "Fecha"],
    "time": ["Time", "Время", "Hora"],
    "collected_at": ["Saved at", "Сохранено"],
    "source_record_id": ["Hash сообщения"],
    "message_id": ["ID сообщения"],
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
# entry point

def parse_file(filename, content, preset="auto", mapping=None, tz="UTC"):
    """Parse an uploaded file; returns (records, errors, headers).

    ``errors`` are ``{"row": <1-based row/line in the file>, "reason": ...}``; the good rows
    are returned regardless.  A file that cannot be read at all raises PayloadError.
    """
    if preset not in PRESETS:
        raise PayloadError(f"unknown preset '{preset}'; use one of {', '.join(PRESETS)}")
    zone = _zone(tz)
    if isinstance(content, str):
        content = content.encode("utf-8")
    kind = _file_kind(filename, content)
    if kind == "jsonl":
        return _parse_jsonl(content, zone)
    rows = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content, mapping)
    return _parse_table(filename, rows, preset, mapping, zone)


def _zone(tz):
    if not tz or str(tz).upper() == "UTC":
        return timezone.utc
    try:
        return ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise PayloadError(f"unknown time zone '{tz}'") from None


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
                           "or CSV")
    if content[:2] == b"PK":
        return "xlsx"
    if content.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"["):
        return "jsonl"
    return "csv"


# ---------------------------------------------------------------------------------------------
# readers: each yields (row number, [cell values])

def _decode(content):
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PayloadError("the file is neither UTF-8 nor Windows-1251 text")


def _csv_records(text, delimiter):
    """(first line number of the record, cells) — multi-line quoted cells keep the start line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise PayloadError(f"row {start}: {exc}") from None
        yield start, cells


def _csv_rows(content, mapping=None):
    text = _decode(content)
    best = None
    for delimiter in (";", ",", "\t"):
        sample = []
        try:
            for number, cells in _csv_records(text, delimiter):
                sample.append((number, cells))
                if len(sample) >= _MAX_HEADER_SCAN:
                    break
        except PayloadError:
            continue
        index, score = _find_header(sample, mapping)
        width = len(sample[index][1]) if sample and index is not None else 0
        key = (score, width)
        if best is None or key > best[0]:
            best = (key, delimiter)
    if best is None:
        raise PayloadError("the file is not readable as CSV")
    return list(_csv_records(text, best[1]))


def _xlsx_rows(content):
    try:
        import openpyxl  # Odoo ships it; imported here so CSV users don't need it
    except ImportError:  # pragma: no cover
        raise PayloadError("reading .xlsx needs the Python package openpyxl") from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException…
        raise PayloadError(f"the file is not a readable .xlsx workbook ({exc})") from None
    try:
        sheet = next((book[name] for name in book.sheetnames
                      if name.strip().lower() in ("mentions", "упоминания")), None)
        sheet = sheet or book.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some exporters write a wrong <dimension>; read it all
        return [(number, list(values)) for number, values in
                enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)]
    finally:
        book.close()


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
        return (0 if rows else None), 0
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
                               f"use one of {', '.join(CANONICAL)}")
        user[str(key).strip().lower()] = value or None
    missing = [k for k in user if k not in {h.lower() for h in headers}]
    if missing:
        raise PayloadError(f"mapping: the file has no column named {', '.join(missing)}")
    columns, taken = {}, set()
    for index, name in enumerate(headers):
        low = name.lower()
        field = user[low] if low in user else ALIASES.get(low)
        if field and field in taken:
            field = None  # a second column for the same field stays in raw
        columns[index] = field
        if field:
            taken.add(field)
    return columns


# What each preset keys mentions on; a file without that column is not what was chosen.
_PRESET_KEYS = {
    "brand_analytics": ("source_record_id", "no 'Hash сообщения' column: this does not look "
                                            "like a Brand Analytics export"),
    "youscan": ("url", "no 'URL' column: a YouScan export is keyed on the mention URL"),
}


def _detect_preset(fields, headers):
    lows = {h.lower() for h in headers}
    if "hash сообщения" in lows:
        return "brand_analytics"
    if "date" in fields and "time" in fields and "external_id" not in fields:
        return "youscan"
    return "normalized"


def _parse_table(filename, rows, preset, mapping, zone):
    index, _score = _find_header(rows, mapping)
    if index is None:
        raise PayloadError("the file is empty")
    header_number, header_cells = rows[index]
    headers = [_cell_text(c) for c in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    columns = _columns(headers, mapping)
    fields = {f for f in columns.values() if f}
    if preset == "auto":
        preset = _detect_preset(fields, headers)
    if "text" not in fields and "title" not in fields:
        raise PayloadError(f"row {header_number}: no text column among the headers "
                           f"({', '.join(h for h in headers if h)}); map one with the column "
                           "mapping")
    required = _PRESET_KEYS.get(preset)
    if required and required[0] not in fields:
        raise PayloadError(f"row {header_number}: {required[1]}")
    if not fields & {"external_id", "source_record_id", "url"}:
        raise PayloadError(f"row {header_number}: no column identifies a mention (an id, "
                           "'Hash сообщения' or a URL); map one with the column mapping")
    records, errors = [], []
    for number, cells in rows[index + 1:]:
        if not any(_cell_text(c) for c in cells):
            continue
        values = {}
        raw = {}
        for col, cell in enumerate(cells):
            name = headers[col] if col < len(headers) else ""
            if name:
                raw[name] = _json_safe(cell)
            elif _cell_text(cell):
                raw[f"column {col + 1}"] = _json_safe(cell)
            field = columns.get(col)
            if field and field not in values:
                values[field] = cell
        try:
            record = build_record(values, preset, zone)
        except ValueError as exc:
            errors.append({"row": number, "reason": str(exc)})
            continue
        record["raw"] = {"file": filename or "", "row": number, "columns": raw}
        if _validate(record, number, errors):
            records.append(record)
    return records, errors, headers


def _validate(record, number, errors):
    try:
        normalize_record(record)
    except RecordError as exc:
        errors.append({"row": number, "reason": exc.reason})
        return False
    return True


def build_record(values, preset="normalized", zone=timezone.utc):
    """Canonical flat values (CSV §10.2 names) → a normalized record; ValueError with the
    reason when the row cannot become one."""
    get = lambda key: _cell_text(values.get(key))  # noqa: E731
    url = get("url")
    external_id = get("external_id") or get("source_record_id")
    if not external_id and url:
        external_id = normalize_url(url)
    if not external_id:
        raise ValueError("no id and no URL to identify the mention")
    text = get("text") or get("title")
    if not text:
        raise ValueError("text is empty")
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
        return max(0, int(value))
    text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()
    if not text or text in ("-", "—"):
        return 0
    try:
        return max(0, int(float(text)))
    except ValueError:
        raise ValueError(f"{name} is not a number: {value!r}") from None


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
    dt = _to_datetime(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone)
    return dt.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0) \
        .isoformat() + "Z"


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
            raise ValueError(f"unreadable time {text!r}")
    return datetime.combine(base.date(), clock.replace(microsecond=0))


def _to_datetime(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, dtime())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    text = str(value).strip()
    if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
        return datetime.fromtimestamp(float(text), tz=timezone.utc)
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
    raise ValueError(f"unreadable date {text!r}")


# ---------------------------------------------------------------------------------------------
# JSONL

_FLAT_KEYS = {"author_name", "author_url", "author_external_id", "author_handle",
              "source_record_id", "platform_domain", "date", "time"}


def _parse_jsonl(content, zone):
    text = _decode(content)
    stripped = text.lstrip()
    if stripped.startswith("["):  # a .json file holding a list
        try:
            items = json.loads(stripped)
        except ValueError as exc:
            raise PayloadError(f"the JSON file is not valid ({exc})") from None
        if not isinstance(items, list):
            raise PayloadError("the JSON file does not hold a list of records")
        lines = [(i + 1, item) for i, item in enumerate(items)]
    else:
        lines = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                lines.append((number, json.loads(line)))
            except ValueError as exc:
                lines.append((number, ValueError(f"not valid JSON ({exc.args[0]})")))
    records, errors, headers = [], [], []
    for number, item in lines:
        if isinstance(item, ValueError):
            errors.append({"row": number, "reason": str(item)})
            continue
        if not isinstance(item, dict):
            errors.append({"row": number, "reason": "is not a JSON object"})
            continue
        for key in item:
            if key not in headers:
                headers.append(key)
        try:
            record = _json_record(item, zone)
        except ValueError as exc:
            errors.append({"row": number, "reason": str(exc)})
            continue
        if _validate(record, number, errors):
            records.append(record)
    return records, errors, headers


def _json_record(item, zone):
    """A normalized record as is; the flat CSV shape or SOURCES.md §10.1 nesting unfolded;
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
        dt = _to_datetime(record["published_at"])
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=zone)
        record["published_at"] = dt.astimezone(timezone.utc).replace(tzinfo=None) \
            .isoformat() + "Z"
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
