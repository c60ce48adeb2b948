"""The normalized mention record: the one shape every source adapter produces and
``social_crm.source.ingest`` accepts.

Pure Python (never imports odoo) so that adapters, the webhook, the file wizard and the
tests share one validator.  ``normalize_record`` either returns a :class:`MentionRecord`
or raises :class:`RecordError` naming the record and the reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

SENTIMENT_LABELS = ("negative", "neutral", "positive")

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


class RecordError(ValueError):
    """A record that cannot be accepted; ``label`` names it, ``reason`` says why."""

    def __init__(self, label, reason):
        self.label = label
        self.reason = reason
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
    author: AuthorRecord | None = None
    raw: dict = field(default_factory=dict)


def record_label(record, index=None):
    """How a record is named in errors: its external id when it has one, else its position."""
    ext = record.get("external_id") if isinstance(record, dict) else None
    if ext not in (None, ""):
        return f"record {ext!s}"
    if index is not None:
        return f"record #{index + 1}"
    return "record"


def parse_datetime(value):
    """ISO 8601 (with or without offset), Unix seconds, or ``dd.mm.yyyy[ HH:MM]``.

    Returns a naive UTC datetime, None for an empty value; raises ValueError otherwise.
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        dt = datetime.fromtimestamp(float(value), tz=timezone.utc)
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{9,11}(\.\d+)?", text):
            dt = datetime.fromtimestamp(float(text), tz=timezone.utc)
        else:
            dt = _parse_text_datetime(text)
    else:
        raise ValueError(f"unsupported date value {value!r}")
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt.replace(microsecond=0)


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
    raise ValueError(f"unparseable date {text!r}")


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


def normalize_sentiment(value):
    """(label, score) from a label, a word, or a number in −1…1; ('', None) when unknown."""
    if value in (None, ""):
        return "", None
    if isinstance(value, bool):
        raise ValueError(f"unsupported sentiment {value!r}")
    if isinstance(value, (int, float)):
        score = max(-1.0, min(1.0, float(value)))
        return sentiment_label(score), score
    text = str(value).strip().lower()
    try:
        return normalize_sentiment(float(text.replace(",", ".")))
    except ValueError:
        pass
    if text in ("undefined", "unknown", "none"):
        return "", None
    label = _SENTIMENT_WORDS.get(text)
    if not label:
        raise ValueError(f"unknown sentiment {value!r}")
    return label, {"negative": -1.0, "neutral": 0.0, "positive": 1.0}[label]


def sentiment_label(score, threshold=0.15):
    if score is None:
        return ""
    if score <= -threshold:
        return "negative"
    if score >= threshold:
        return "positive"
    return "neutral"


def _int(value, name):
    if value in (None, ""):
        return 0
    if isinstance(value, str):
        value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return max(0, int(float(value)))
    except (TypeError, ValueError):
        raise ValueError(f"{name} is not a number: {value!r}") from None


def _text(value):
    return "" if value is None else str(value).strip()


def normalize_author(data):
    if not data:
        return None
    if not isinstance(data, dict):
        raise ValueError("author must be an object")
    ext = _text(data.get("external_id"))
    if not ext:
        # An author without an id is still someone: key them by handle, url or name.
        ext = _text(data.get("handle") or data.get("url") or data.get("name"))
    if not ext:
        return None
    return AuthorRecord(
        external_id=ext,
        name=_text(data.get("name")) or _text(data.get("handle")) or ext,
        handle=_text(data.get("handle")),
        url=_text(data.get("url")),
        followers=_int(data.get("followers"), "author followers"),
    )


def normalize_record(record, index=None):
    """Validate one incoming record and return a :class:`MentionRecord`.

    Raises :class:`RecordError` naming the record (external id or position) and the reason.
    """
    if not isinstance(record, dict):
        raise RecordError(f"record #{index + 1}" if index is not None else "record",
                          "is not an object")
    label = record_label(record, index)
    ext = _text(record.get("external_id"))
    if not ext:
        raise RecordError(label, "external_id is missing")
    text = _text(record.get("text"))
    title = _text(record.get("title"))
    if not text:
        raise RecordError(label, "text is missing")
    try:
        published = parse_datetime(record.get("published_at"))
        sentiment, score = normalize_sentiment(record.get("sentiment"))
        if record.get("sentiment_score") not in (None, ""):
            score = max(-1.0, min(1.0, float(record["sentiment_score"])))
            sentiment = sentiment or sentiment_label(score)
        rating = record.get("rating")
        rating = None if rating in (None, "") else float(str(rating).replace(",", "."))
        if rating is not None and not 0 <= rating <= 5:
            raise ValueError(f"rating {rating} is outside 0…5")
        author = normalize_author(record.get("author"))
        counters = {name: _int(record.get(name), name)
                    for name in ("reach", "likes", "reposts", "comments")}
    except (TypeError, ValueError) as exc:
        raise RecordError(label, str(exc)) from None
    raw = record.get("raw")
    return MentionRecord(
        external_id=ext,
        text=text,
        title=title,
        published_at=published,
        platform=normalize_platform(record.get("platform")),
        url=_text(record.get("url")),
        lang=normalize_lang(record.get("lang")),
        sentiment=sentiment,
        sentiment_score=score,
        rating=rating,
        parent_external_id=_text(record.get("parent_external_id")),
        author=author,
        raw=raw if isinstance(raw, dict) else ({} if raw is None else {"value": raw}),
        **counters,
    )


def normalize_batch(records):
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
            rec = normalize_record(record, index)
        except RecordError as exc:
            errors.append(exc.as_dict())
            continue
        accepted.pop(rec.external_id, None)
        accepted[rec.external_id] = rec
    return list(accepted.values()), errors
