"""People behind the mentions: identity keys, contact details written in texts, how a person
addresses the brand, the advocate score and the scrubbing of personal data.

Pure Python (never imports odoo): the author model, its match suggestions and the ingest's
handling of forgotten authors call these.
"""

import hashlib
import hmac
import math
import re
from collections import Counter
from dataclasses import replace

# -- identity keys -------------------------------------------------------------------------

_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.|m\.|mobile\.)?", re.IGNORECASE)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
# 10 to 15 digits, with the usual separators: +7 (701) 123-45-67, 8 701 123 45 67, +380…
PHONE_RE = re.compile(r"(?<![\w+])\+?\d[\d\s().-]{8,18}\d(?!\w)")
URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
MIN_HANDLE = 3  # shorter handles ("a", "ok") say nothing about who it is


def handle_key(handle):
    """A handle as compared across platforms: lower case, no '@', no spaces; '' if too short
    or only digits (an id, not a chosen name)."""
    key = re.sub(r"\s+", "", (handle or "").strip().lstrip("@").lower())
    if len(key) < MIN_HANDLE or key.isdigit():
        return ""
    return key


def url_key(url):
    """A profile URL as compared: no scheme, 'www.' / 'm.', query, fragment or trailing '/',
    lower case; '' for no URL."""
    url = (url or "").strip()
    if not url:
        return ""
    url = _URL_PREFIX.sub("", url)
    url = re.split(r"[?#]", url, maxsplit=1)[0].rstrip("/")
    return url.lower() if "/" in url else ""  # a bare domain is a site, not a profile


def phone_key(phone):
    """The last 10 digits of a phone number (the subscriber number without the country
    code, so +7 701…, 8 701… and 701… agree); '' when it has fewer than 10 digits."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 10 or len(digits) > 15:
        return ""
    return digits[-10:]


def emails_in(text):
    """The e-mail addresses written in ``text``, lower case, in order, without repeats."""
    return list(dict.fromkeys(m.lower() for m in EMAIL_RE.findall(text or "")))


def phones_in(text):
    """The phone keys (see :func:`phone_key`) of the numbers written in ``text``."""
    keys = (phone_key(m) for m in PHONE_RE.findall(text or ""))
    return list(dict.fromkeys(k for k in keys if k))


def key_hash(secret, platform_id, external_id):
    """A one-way hash of an author's key on a platform (HMAC-SHA256 with the database's
    secret: the ids of most platforms are small numbers, a plain hash would be reversible
    by trying them all)."""
    message = f"{platform_id}:{external_id}".encode()
    return hmac.new((secret or "").encode(), message, hashlib.sha256).hexdigest()


# -- how a person writes -------------------------------------------------------------------

# Pronouns and imperatives that show the address form the person uses with the brand.
_FORMAL = re.compile(
    r"\b(?:вы|вас|вам|вами|ваш|ваша|ваше|ваши|вашего|вашей|вашему|вашим|ваших|"
    r"подскажите|скажите|помогите|объясните|напишите|ответьте|посоветуйте|"
    r"сіз|сізге|сіздің|сізде|ви|вас|вам|ваш)\b",
    re.IGNORECASE,
)
_INFORMAL = re.compile(
    r"\b(?:ты|тебя|тебе|тобой|твой|твоя|твоё|твое|твои|твоего|твоей|"
    r"подскажи|скажи|помоги|объясни|напиши|ответь|посоветуй|"
    r"сен|саған|сенің|сенде|ти|тебе|твій)\b",
    re.IGNORECASE,
)


def address_form(texts):
    """'formal' («Вы») or 'informal' («ты») — the form the person uses in ``texts`` (most
    often, at least one clear cue) — or '' when they never address anyone directly."""
    formal = informal = 0
    for text in texts:
        formal += len(_FORMAL.findall(text or ""))
        informal += len(_INFORMAL.findall(text or ""))
    if not formal and not informal:
        return ""
    return "informal" if informal > formal else "formal"


def most_common(values):
    """The most frequent non-empty value ('' for none); ties go to the first seen."""
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else ""


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return 0.0
    middle = len(values) // 2
    if len(values) % 2:
        return float(values[middle])
    return (values[middle - 1] + values[middle]) / 2.0


# -- brand advocates -----------------------------------------------------------------------

# Words of a recommendation to others (ru, uk, kk, en): a positive mention with one, or a
# review of 4 stars and more, is a recommendation.
RECOMMENDATION_PATTERN = (
    r"(рекоменд|советую|посоветую|советовал|раджу|рекомендую|ұсынамын|кеңес беремін|"
    r"recommend|go for it|must[- ]have|5 из 5|10 из 10)"
)
_RECOMMENDATION = re.compile(RECOMMENDATION_PATTERN, re.IGNORECASE)
ADVOCATE_WEIGHTS = {"positive": 40, "recommendations": 25, "reach": 20, "recency": 15}
POSITIVES_FULL = 5  # positive mentions that earn the whole positive part
RECOMMENDATIONS_FULL = 3
REACH_FULL = 100_000  # followers that earn the whole reach part (log scale)
RECENCY_DAYS = 180  # a last positive mention older than this earns no recency


def is_recommendation(text, rating=0.0):
    return bool((rating or 0) >= 4 or _RECOMMENDATION.search(text or ""))


def advocate_score(positives, recommendations, negatives, followers, days_since_positive):
    """0–100: how much the person speaks well of the brand to others.

    ``40·min(P, 5)/5 + 25·min(R, 3)/3 + 20·log10(1 + F)/log10(1 + 100 000)
    + 15·max(0, 1 − D/180)``, times the share of positives among the person's positive and
    negative mentions ``P / (P + N)``; 0 without a positive mention. P positive mentions,
    R recommendations (positive with a recommending word, or rated 4★ and more), N negative
    mentions, F followers, D days since the last positive mention.
    """
    if positives <= 0:
        return 0
    part_positive = min(positives, POSITIVES_FULL) / POSITIVES_FULL
    part_recommend = min(recommendations, RECOMMENDATIONS_FULL) / RECOMMENDATIONS_FULL
    part_reach = min(1.0, math.log10(1 + max(followers or 0, 0)) / math.log10(1 + REACH_FULL))
    days = max(days_since_positive or 0.0, 0.0)
    part_recency = max(0.0, 1.0 - days / RECENCY_DAYS)
    weights = ADVOCATE_WEIGHTS
    raw = (
        weights["positive"] * part_positive
        + weights["recommendations"] * part_recommend
        + weights["reach"] * part_reach
        + weights["recency"] * part_recency
    )
    share = positives / (positives + max(negatives, 0))
    return max(0, min(100, round(raw * share)))


# -- the right to be forgotten -------------------------------------------------------------

# Keys of a payload that carry who wrote it; their whole value goes.
IDENTITY_KEYS = frozenset(
    {
        "author",
        "from",
        "from_id",
        "owner_id",
        "user",
        "user_id",
        "sender",
        "sender_chat",
        "profile",
        "profiles",
        "first_name",
        "last_name",
        "username",
        "screen_name",
        "author_name",
        "author_url",
        "authorDisplayName",
        "authorChannelUrl",
        "authorProfileImageUrl",
        "authorChannelId",
        "photo",
        "avatar",
        "email",
        "phone",
    }
)


def personal_tokens(name="", handle="", url="", external_id=""):
    """The strings that identify a person in a text, longest first: the name and its words
    of 3+ letters, the handle with and without '@', the profile URL, the id (4+ chars)."""
    tokens = set()
    name = (name or "").strip()
    if name:
        tokens.add(name)
        tokens.update(w for w in re.split(r"\s+", name) if len(w) >= 3)
    handle = (handle or "").strip().lstrip("@")
    if len(handle) >= 2:
        tokens.update({handle, "@" + handle})
    url = (url or "").strip()
    if url:
        tokens.add(url)
        tokens.add(_URL_PREFIX.sub("", url).rstrip("/"))
    if external_id and len(str(external_id)) >= 4:
        tokens.add(str(external_id))
    return sorted((t for t in tokens if t), key=len, reverse=True)


def scrub_text(text, tokens, placeholder="[removed]"):
    """``text`` without the person's tokens, e-mail addresses, phone numbers and links that
    contain a token; None and '' come back as they are."""
    if not text:
        return text
    text = EMAIL_RE.sub(placeholder, text)
    text = PHONE_RE.sub(placeholder, text)
    lowered = [t.lower() for t in tokens]
    text = URL_RE.sub(
        lambda m: placeholder if any(t in m.group(0).lower() for t in lowered) else m.group(0),
        text,
    )
    for token in tokens:
        if token.isdigit():  # an id: also inside "id98765", never inside a longer number
            boundary_left, boundary_right = r"(?<!\d)", r"(?!\d)"
        else:
            boundary_left = r"(?<!\w)" if token[:1].isalnum() or token[:1] == "_" else ""
            boundary_right = r"(?!\w)" if token[-1:].isalnum() or token[-1:] == "_" else ""
        text = re.sub(
            boundary_left + re.escape(token) + boundary_right, placeholder, text, flags=re.I
        )
    return text


def scrub_payload(payload, tokens, placeholder="[removed]"):
    """A copy of a JSON-like payload without the keys that carry who wrote it
    (:data:`IDENTITY_KEYS`) and with every string scrubbed (:func:`scrub_text`)."""
    if isinstance(payload, dict):
        return {
            key: scrub_payload(value, tokens, placeholder)
            for key, value in payload.items()
            if key not in IDENTITY_KEYS
        }
    if isinstance(payload, list):
        return [scrub_payload(value, tokens, placeholder) for value in payload]
    if isinstance(payload, str):
        return scrub_text(payload, tokens, placeholder)
    return payload


def forget_record(record, external_id, name, placeholder="[removed]"):
    """A normalized mention record (schema.MentionRecord) of a forgotten author, as it may
    be stored: the author becomes ``external_id`` / ``name`` (the anonymous author's), and the
    person's name, handle, profile, e-mail addresses and phones leave the text, title, link
    and payload."""
    author = record.author
    tokens = personal_tokens(author.name, author.handle, author.url, author.external_id)

    def clean(text):
        return scrub_text(text, tokens, placeholder)

    url = record.url
    if url and clean(url) != url:
        url = ""
    return replace(
        record,
        text=clean(record.text),
        title=clean(record.title),
        url=url,
        raw=scrub_payload(record.raw, tokens, placeholder) if record.raw else record.raw,
        author=replace(author, external_id=external_id, name=name, handle="", url=""),
    )
