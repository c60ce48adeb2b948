"""The normalized mention record: the one shape every source adapter produces and
``social_crm.source.ingest`` accepts.

Pure Python (never imports odoo) so that adapters, the webhook, the file wizard, the demo
data and the tests share one validator.  ``normalize_record`` either returns a
:class:`MentionRecord` or raises :class:`RecordError` naming the record and the reason;
``normalize_batch`` turns a batch into accepted records and per-record errors, so one bad
record never fails the others.

The validator owns the range of every value it accepts, so that nothing it lets through can
make the database refuse the whole batch:

* dates: from :data:`MIN_DATE` to one day after now (clock skew of senders); an unparseable,
  overflowing (``1e20``), infinite or NaN date is an error;
* counters (reach, likes, reposts, comments, author followers): whole numbers up to
  :data:`MAX_INT` (PostgreSQL ``integer``); larger (``10**30``, ``"1e400"``), infinite or NaN
  is an error; a negative count (some APIs send -1 for "unknown") counts as 0;
* identifiers and links (external ids, author id and handle, urls): a longer value than
  :data:`MAX_ID_CHARS` / :data:`MAX_URL_CHARS` / :data:`MAX_HANDLE_CHARS` is an error — cutting
  an identifier would make another record's key;
* prose (text, title, author name): kept up to :data:`MAX_TEXT_CHARS` /
  :data:`MAX_TITLE_CHARS` / :data:`MAX_NAME_CHARS`; the rest is cut off and the field is named
  in ``MentionRecord.truncated``, so the mention goes in and the cut is visible;
* clean text, one rule for every text field: a NUL character or a lone UTF-16 surrogate
  (half of an emoji, or bytes that were not text) makes the record an error naming the field
  — what is stored is what was sent, never a silently altered text.  The ``raw`` payload,
  kept for reference only, is made storable instead (NUL removed, lone surrogates replaced
  by U+FFFD, NaN/Infinity numbers written as text) and may nest at most
  :data:`MAX_RAW_DEPTH` levels;
* sentiment score: a finite number, clamped to −1…1; NaN or Infinity is an error;
* rating: 1…5 stars; 0 or empty means "no rating" (what review sites send for none);
* ``private``: an optional boolean (a private message rather than a public post).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

SENTIMENT_LABELS = ("negative", "neutral", "positive")

MIN_DATE = datetime(1990, 1, 1)
FUTURE_TOLERANCE = timedelta(days=1)
MAX_INT = 2 ** 31 - 1          # PostgreSQL integer
MAX_ID_CHARS = 255             # external ids: the unique index key
MAX_URL_CHARS = 2048
MAX_HANDLE_CHARS = 255
MAX_PLATFORM_CHARS = 64
MAX_TEXT_CHARS = 100_000
MAX_TITLE_CHARS = 2_000
MAX_NAME_CHARS = 255
MAX_RAW_DEPTH = 64
_LABEL_CHARS = 60              # how much of an external id names a record in errors

# Words sources use for sentiment, mapped to our labels (YouScan, Brand Analytics, IQBuzz).
_SENTIMENT_WORDS = {
    "negative": "negative", "neg": "negative", "негатив": "negative", "негативная": "negative",
    "neutral": "neutral", "нейтрально": "neutral", "нейтральная": "neutral", "mixed": "neutral",
    "positive": "positive", "pos": "positive", "позитив": "positive", "позитивная": "positive",
}
# Three-letter language codes some sources send (YouScan sends ISO 639-2/3).
_LANG3 = {
    "rus": "ru", "eng": "en", "ukr": "uk", "kaz": "kk", "bel": "be", "uzb": "uz", "kir": "ky",
    "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es", "tur": "tr", "pol": "pl",
}
_LANG_NAMES = {
    "русский": "ru", "английский": "en", "украинский": "uk", "казахский": "kk",
    "russian": "ru", "english": "en", "ukrainian": "uk", "kazakh": "kk",
}
_PLATFORM_CODE = re.compile(r"[^a-z0-9_]+")



class Problem(ValueError):
    """A value that cannot be accepted.  ``str()`` is the reason in English; ``code`` and
    ``params`` let a user interface say it in the user's words and language."""

    def __init__(self, code, message, **params):
        super().__init__(message)
        self.code = code
        self.params = params


class RecordError(ValueError):
    """A record that cannot be accepted; ``label`` names it, ``reason`` says why
    (``code`` / ``params`` as in :class:`Problem`; ``code`` is '' for an unclassified one)."""

    def __init__(self, label, reason, code="", params=None):
        self.label = label
        self.reason = reason
        self.code = code
        self.params = params or {}
        super().__init__(f"{label}: {reason}")

    def as_dict(self):
        return {"record": self.label, "reason": self.reason}


@dataclass
class AuthorRecord:
    external_id: str
    name: str = ""
    handle: str = ""
    url: str = ""
    followers: int = 0


@dataclass
class MentionRecord:
    external_id: str
    text: str
    published_at: datetime | None = None  # naive UTC, as Odoo stores Datetime
    platform: str = "web"
    url: str = ""
    title: str = ""
    lang: str = ""
    sentiment: str = ""
    sentiment_score: float | None = None
    rating: float | None = None
    parent_external_id: str = ""
    reach: int = 0
    likes: int = 0
    reposts: int = 0
    comments: int = 0
    private: bool = False
    author: AuthorRecord | None = None
    raw: dict = field(default_factory=dict)
    # Prose fields cut to their limit ("text", "title", "author name"); empty when none was.
    truncated: tuple = ()


def short(value, limit=_LABEL_CHARS):
    """A value as it may appear in an error message: at most ``limit`` characters."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def record_label(record, index=None):
    """How a record is named in errors: its external id when it has one, else its position."""
    ext = record.get("external_id") if isinstance(record, dict) else None
    if ext not in (None, ""):
        return f"record {short(ext)}"
    if index is not None:
        return f"record #{index + 1}"
    return "record"


def parse_datetime(value):
    """ISO 8601 (with or without offset), Unix seconds, or ``dd.mm.yyyy[ HH:MM]``.

    Returns a naive UTC datetime, None for an empty value; raises ValueError otherwise
    (also for numbers no calendar holds: ``1e20``, Infinity, NaN).  The range a record may
    carry is checked by :func:`check_datetime`.
    """
    if value in (None, ""):
        return None
    try:
        if isinstance(value, datetime):
            dt = value
        elif isinstance(value, bool):
            raise Problem("date_unreadable", f"unsupported date value {value!r}", value=value)
        elif isinstance(value, (int, float)):
            dt = _from_timestamp(value)
        elif isinstance(value, str):
            text = value.strip()
            if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
                dt = _from_timestamp(float(text))
            else:
                dt = _parse_text_datetime(text)
        else:
            raise Problem("date_unreadable", f"unsupported date value {short(repr(value))}",
                          value=short(value))
        if dt.tzinfo is not None:
            dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    except (OverflowError, OSError):
        raise Problem("date_unreadable", f"date {short(repr(value))} is out of range",
                      value=short(value)) from None
    return dt.replace(microsecond=0)


def _from_timestamp(value):
    seconds = float(value)
    if not math.isfinite(seconds):
        raise Problem("date_unreadable", f"date {value!r} is not a point in time", value=value)
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _parse_text_datetime(text):
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    for fmt in ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S%z",
                "%a, %d %b %Y %H:%M:%S %z", "%a, %d %b %Y %H:%M:%S %Z"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise Problem("date_unreadable", f"unparseable date {short(repr(text))}", value=short(text))


def check_datetime(dt, name="published_at", now=None):
    """``dt`` (naive UTC) if it lies between MIN_DATE and now + FUTURE_TOLERANCE."""
    if dt is None:
        return None
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    if dt < MIN_DATE:
        raise Problem("date_past", f"{name} {dt.isoformat()} is before "
                      f"{MIN_DATE.date().isoformat()}", field=name, value=dt.isoformat(" "),
                      limit=MIN_DATE.date().isoformat())
    if dt > now + FUTURE_TOLERANCE:
        raise Problem("date_future", f"{name} {dt.isoformat()} is in the future", field=name,
                      value=dt.isoformat(" "))
    return dt


def normalize_platform(code):
    """A platform code as stored: lower case, ``[a-z0-9_]``; empty → ``web``."""
    code = _PLATFORM_CODE.sub("_", str(code or "").strip().lower()).strip("_")
    return code or "web"


def normalize_lang(value):
    """ISO 639-1 from whatever a source sends (``eng``, ``RU``, ``Русский``); '' if unknown."""
    text = str(value or "").strip().lower()
    if not text or text in ("und", "undefined", "unknown"):
        return ""
    text = text.replace("_", "-").split("-")[0]
    if len(text) == 2 and text.isalpha():
        return text
    return _LANG3.get(text) or _LANG_NAMES.get(text, "")


def _finite(value, name):
    number = float(value)
    if not math.isfinite(number):
        raise Problem("not_finite", f"{name} {short(repr(value))} is not a finite number",
                      field=name, value=short(value))
    return number


def normalize_sentiment(value):
    """(label, score) from a label, a word, or a number in −1…1; ('', None) when unknown.

    A number outside −1…1 is clamped; NaN and Infinity are errors."""
    if value in (None, ""):
        return "", None
    if isinstance(value, bool):
        raise Problem("sentiment_unknown", f"unsupported sentiment {value!r}", value=value)
    if isinstance(value, (int, float)):
        score = max(-1.0, min(1.0, _finite(value, "sentiment")))
        return sentiment_label(score), score
    text = str(value).strip().lower()
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = None
    if number is not None:
        return normalize_sentiment(number)
    if text in ("undefined", "unknown", "none"):
        return "", None
    label = _SENTIMENT_WORDS.get(text)
    if not label:
        raise Problem("sentiment_unknown", f"unknown sentiment {short(repr(value))}",
                      value=short(value))
    return label, {"negative": -1.0, "neutral": 0.0, "positive": 1.0}[label]


def sentiment_label(score, threshold=0.15):
    if score is None:
        return ""
    if score <= -threshold:
        return "negative"
    if score >= threshold:
        return "positive"
    return "neutral"


def normalize_score(value):
    """A sentiment score: a finite number clamped to −1…1; None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise Problem("not_finite", f"sentiment_score {value!r} is not a number",
                      field="sentiment_score", value=value)
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    try:
        return max(-1.0, min(1.0, _finite(value, "sentiment_score")))
    except (TypeError, ValueError):
        raise Problem("not_finite", f"sentiment_score {short(repr(value))} is not a finite "
                      "number", field="sentiment_score", value=short(value)) from None


def normalize_rating(value):
    """Review stars 1…5 (fractions allowed); 0 or empty → None (no rating)."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise Problem("not_number", f"rating {value!r} is not a number", field="rating",
                      value=value)
    text = value.strip().replace(",", ".") if isinstance(value, str) else value
    try:
        rating = _finite(text, "rating")
    except (TypeError, ValueError):
        raise Problem("not_number", f"rating {short(repr(value))} is not a number",
                      field="rating", value=short(value)) from None
    if rating == 0:
        return None
    if not 1 <= rating <= 5:
        raise Problem("rating_range", f"rating {rating:g} is outside 1…5", value=f"{rating:g}")
    return rating


def normalize_count(value, name):
    """A counter as PostgreSQL stores it: 0…MAX_INT; negative counts as 0."""
    if value in (None, ""):
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if isinstance(value, int):
        number = value
    else:
        try:
            text = value if isinstance(value, str) else None
            number = int(text) if text is not None and re.fullmatch(r"[+-]?\d+", text) \
                else int(_finite(value, name))
        except (TypeError, ValueError, OverflowError):
            raise Problem("not_number", f"{name} is not a number: {short(repr(value))}",
                          field=name, value=short(value)) from None
    if number > MAX_INT:
        raise Problem("number_too_big", f"{name} {short(number)} is more than the largest "
                      f"count accepted ({MAX_INT})", field=name, value=short(number),
                      limit=MAX_INT)
    return max(0, number)



def clean_text(value, name, limit=None):
    """A text field as stored: stripped; NUL or a lone surrogate → ValueError naming the field.

    Returns (text, cut) where ``cut`` says the text was longer than ``limit`` and was cut."""
    text = "" if value is None else str(value).strip()
    _check_clean(text, name)
    if limit is not None and len(text) > limit:
        return text[:limit], True
    return text, False


def _check_clean(text, name):
    position = text.find("\x00")
    if position >= 0:
        raise Problem("nul", f"{name} contains a NUL character (at position {position + 1})",
                      field=name, position=position + 1)
    match = _SURROGATE.search(text)
    if match:
        raise Problem("broken_char", f"{name} contains a broken character (a lone UTF-16 "
                      f"surrogate U+{ord(match.group()):04X} at position {match.start() + 1})",
                      field=name, position=match.start() + 1)


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_id(value, name, limit=MAX_ID_CHARS):
    """An identifier or link: clean text no longer than ``limit`` (cutting would change it)."""
    text, _cut = clean_text(value, name)
    if len(text) > limit:
        raise Problem("too_long", f"{name} is {len(text)} characters long, more than the "
                      f"{limit} accepted", field=name, length=len(text), limit=limit)
    return text


def storable_raw(value, depth=0):
    """The raw payload made storable as JSON in PostgreSQL: NUL removed, lone surrogates
    replaced, NaN/Infinity written as text; ValueError when nested too deep."""
    if depth > MAX_RAW_DEPTH:
        raise Problem("too_deep", f"raw is nested more than {MAX_RAW_DEPTH} levels deep",
                      field="raw", limit=MAX_RAW_DEPTH)
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {storable_raw(str(k), depth + 1): storable_raw(v, depth + 1)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [storable_raw(v, depth + 1) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return storable_raw(str(value), depth + 1)


def normalize_private(value):
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise Problem("invalid", f"private must be true or false, not {short(repr(value))}",
                  field="private", value=short(value))


def normalize_author(data):
    """(AuthorRecord or None, whether its name was cut)."""
    if not data:
        return None, False
    if not isinstance(data, dict):
        raise Problem("invalid", "author must be an object", field="author")
    handle = clean_id(data.get("handle"), "author handle", MAX_HANDLE_CHARS)
    url = clean_id(data.get("url"), "author url", MAX_URL_CHARS)
    name, cut = clean_text(data.get("name"), "author name", MAX_NAME_CHARS)
    ext = clean_id(data.get("external_id"), "author external_id")
    if not ext:
        # An author without an id is still someone: key them by handle, url or name.
        ext = handle or url or name
        if len(ext) > MAX_ID_CHARS:
            raise Problem("too_long", f"author has no external_id and its url is {len(ext)} "
                          f"characters long, more than the {MAX_ID_CHARS} an id may have",
                          field="author url", length=len(ext), limit=MAX_ID_CHARS)
    if not ext:
        return None, False
    return AuthorRecord(
        external_id=ext,
        name=name or handle or ext,
        handle=handle,
        url=url,
        followers=normalize_count(data.get("followers"), "author followers"),
    ), cut


def normalize_record(record, index=None, now=None):
    """Validate one incoming record and return a :class:`MentionRecord`.

    Raises :class:`RecordError` naming the record (external id or position) and the reason.
    ``now`` (naive UTC) is the end of the accepted date range; the current time by default.
    """
    if not isinstance(record, dict):
        raise RecordError(f"record #{index + 1}" if index is not None else "record",
                          "is not an object")
    label = record_label(record, index)
    try:
        ext = clean_id(record.get("external_id"), "external_id")
        if not ext:
            raise RecordError(label, "external_id is missing", "id_missing")
        text, text_cut = clean_text(record.get("text"), "text", MAX_TEXT_CHARS)
        title, title_cut = clean_text(record.get("title"), "title", MAX_TITLE_CHARS)
        if not text:
            raise RecordError(label, "text is missing", "text_missing")
        platform_text = clean_id(record.get("platform"), "platform", MAX_PLATFORM_CHARS)
        url = clean_id(record.get("url"), "url", MAX_URL_CHARS)
        parent = clean_id(record.get("parent_external_id"), "parent_external_id")
        published = check_datetime(parse_datetime(record.get("published_at")), now=now)
        sentiment, score = normalize_sentiment(record.get("sentiment"))
        if record.get("sentiment_score") not in (None, ""):
            score = normalize_score(record["sentiment_score"])
            sentiment = sentiment or sentiment_label(score)
        rating = normalize_rating(record.get("rating"))
        author, name_cut = normalize_author(record.get("author"))
        counters = {name: normalize_count(record.get(name), name)
                    for name in ("reach", "likes", "reposts", "comments")}
        private = normalize_private(record.get("private"))
        raw = record.get("raw")
        raw = raw if isinstance(raw, dict) else ({} if raw is None else {"value": raw})
        raw = storable_raw(raw)
    except RecordError:
        raise
    except Problem as exc:
        raise RecordError(label, str(exc), exc.code, exc.params) from None
    except (TypeError, ValueError) as exc:
        raise RecordError(label, str(exc)) from None
    except RecursionError:
        raise RecordError(label, "is nested too deep", "too_deep") from None
    truncated = tuple(name for name, cut in (("text", text_cut), ("title", title_cut),
                                             ("author name", name_cut)) if cut)
    return MentionRecord(
        external_id=ext,
        text=text,
        title=title,
        published_at=published,
        platform=normalize_platform(platform_text),
        url=url,
        lang=normalize_lang(clean_text(record.get("lang"), "lang", 64)[0]),
        sentiment=sentiment,
        sentiment_score=score,
        rating=rating,
        parent_external_id=parent,
        private=private,
        author=author,
        raw=raw,
        truncated=truncated,
        **counters,
    )


def normalize_batch(records, now=None):
    """Validate a batch: (accepted records, errors as dicts). Later duplicates of the same
    external id within the batch replace earlier ones (the newest delivery wins)."""
    if isinstance(records, dict) and "records" in records:
        records = records["records"]
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list):
        raise RecordError("payload", "expected a list of records or {\"records\": [...]}")
    accepted, errors = {}, []
    for index, record in enumerate(records):
        try:
            rec = normalize_record(record, index, now=now)
        except RecordError as exc:
            errors.append(exc.as_dict())
            continue
        accepted.pop(rec.external_id, None)
        accepted[rec.external_id] = rec
    return list(accepted.values()), errors
