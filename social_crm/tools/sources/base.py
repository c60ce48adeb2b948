"""What every source adapter shares: errors, results, the HTTP loop and small mapping helpers.

Pure Python (never imports odoo).  An adapter gets a ``requests`` session, a timeout and a
``sleep`` function injected, so the Odoo side, the tests and the benchmarks drive it the same
way; ``base_url`` comes from the config so a test can point it at a local server.
"""

from __future__ import annotations

import contextlib
import email.utils
import hmac
import html
import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..i18n import _lt  # noqa: F401  (re-exported for the adapters)
from ..schema import RecordError, normalize_record

try:  # requests is a dependency of the module; the helpers below work without it.
    import requests
except ImportError:  # pragma: no cover
    requests = None

DEFAULT_MAX_BODY = 2 * 1024 * 1024  # bytes accepted in one webhook delivery
DEFAULT_MAX_WAIT = 60.0  # longest Retry-After honoured in-process; longer → RateLimited raised


# kind → adapter class; each adapter module registers its class with ``@register``.
ADAPTERS = {}


def register(cls):
    """Class decorator: make ``cls`` the adapter of its ``kind`` (one file per kind)."""
    ADAPTERS[cls.kind] = cls
    return cls


class SourceError(Exception):
    """A source failed; ``message`` is readable by a user, ``retryable`` says try later."""

    def __init__(self, message, status=None, retry_after=None, retryable=False):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.retryable = retryable

    def __str__(self):
        return self.message


class AuthError(SourceError):
    """Credentials missing (401) or wrong (403) — ours towards the API, or a sender's to us."""

    def __init__(self, message, status=403, **kw):
        super().__init__(message, status=status, **kw)


class RateLimited(SourceError):
    def __init__(self, message, status=429, retry_after=None, retryable=True):
        super().__init__(message, status=status, retry_after=retry_after, retryable=retryable)


class PayloadError(ValueError):
    """A body we cannot read; the message says why.  ``status`` is the HTTP answer to give;
    ``code`` / ``params`` (optional) let a user interface say it in the user's words."""

    status = 400

    def __init__(self, message, status=None, code="", **params):
        super().__init__(message)
        if status is not None:
            self.status = status
        self.code = code
        self.params = params


class PayloadTooLarge(PayloadError):
    status = 413


@dataclass
class FetchResult:
    records: list = field(default_factory=list)
    cursor: dict = field(default_factory=dict)
    more: bool = False
    errors: list = field(default_factory=list)


@dataclass
class WebhookResult:
    records: list = field(default_factory=list)
    reply: object = None  # str | dict | None: the body to answer with (VK wants "ok")
    status: int = 200
    duplicate: bool = False
    event_id: str = ""
    # Items of the delivery that could not be mapped: {"record": label, "reason": ...}; the
    # records of the other items are in ``records``.
    errors: list = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# helpers shared by the adapters


def check_secret(given, expected, what="token"):
    """Constant-time comparison of a secret a sender presented; raise AuthError otherwise."""
    if not expected:
        raise AuthError(f"no {what} is configured on this source; deliveries are refused", 403)
    if given in (None, ""):
        raise AuthError(f"{what} is missing", 401)
    if not hmac.compare_digest(str(given).encode("utf-8"), str(expected).encode("utf-8")):
        raise AuthError(f"{what} is wrong", 403)


def header(headers, name, default=None):
    """Case-insensitive header lookup on a plain dict (or anything with ``items``)."""
    if not headers:
        return default
    lname = name.lower()
    for key, value in headers.items():
        if str(key).lower() == lname:
            return value
    return default


def load_json_body(body, max_bytes=DEFAULT_MAX_BODY, what="body"):
    """Decode a webhook body: PayloadTooLarge beyond ``max_bytes``, PayloadError if not JSON."""
    if body is None:
        body = b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if len(body) > max_bytes:
        raise PayloadTooLarge(f"{what} is {len(body)} bytes, more than the {max_bytes} accepted")
    if not body.strip():
        raise PayloadError(f"empty {what}: expected JSON")
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise PayloadError(f"{what} is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except ValueError as exc:
        raise PayloadError(f"{what} is not valid JSON ({exc})") from None
    except RecursionError:
        raise PayloadError(f"{what} is nested too deep to be a record") from None


def map_item(item, mapper, label):
    """Map one item of a pulled page on its own: ``(records, errors)``.

    ``mapper(item)`` returns a normalized record (or a list of them).  A pulled page must
    never stall on one poison item, so whatever goes wrong with this item — the mapping
    raising, or a record the normalized schema refuses (a far-future date, a counter beyond
    the database's integer, a NUL in the text…) — becomes an error entry
    ``{"record": label, "reason": ...}`` and the caller moves on to the next item.
    """
    try:
        mapped = mapper(item)
    except Exception as exc:  # noqa: BLE001 - any malformed item is reported, not raised
        return [], [{"record": label, "reason": _reason(exc)}]
    mapped = mapped if isinstance(mapped, list) else [mapped]
    records, errors = [], []
    for record in mapped:
        try:
            normalize_record(record)
        except RecordError as exc:
            # An item mapped to several records (a thread and its replies) names which one.
            name = label if len(mapped) == 1 else f"{label}, {exc.label}"
            errors.append({"record": name, "reason": exc.reason})
            continue
        records.append(record)
    return records, errors


def _reason(exc):
    """A readable reason for a mapping failure, at most a few hundred characters."""
    if isinstance(exc, (PayloadError, ValueError)):
        text = str(exc)
    else:
        text = f"cannot be read ({type(exc).__name__}: {exc})"
    return text if len(text) <= 300 else text[:300] + "…"


def item_label(kind, item, *keys):
    """``"YouScan mention 123"``: the first of ``keys`` the item has, else ``?``."""
    value = None
    if isinstance(item, dict):
        value = next((item.get(k) for k in keys if item.get(k) not in (None, "")), None)
    text = "?" if value is None else str(value)
    return f"{kind} {text if len(text) <= 60 else text[:60] + '…'}"


def iso_utc(value):
    """Unix seconds (int/float/str) or datetime → ISO 8601 in UTC; '' for empty."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    else:
        try:
            dt = datetime.fromtimestamp(float(value), tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"date {str(value)[:40]!r} is not a point in time") from None
    return dt.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


_TAG = re.compile(r"<[^>]+>")
_BR = re.compile(r"<\s*(br|/p|/div|/li)\s*/?\s*>", re.I)


def strip_html(text):
    """Plain text from the little HTML sources send (highlight ``<b>``, ``<br>``, entities)."""
    if not text:
        return ""
    text = _BR.sub("\n", str(text))
    text = html.unescape(_TAG.sub("", text))
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def to_int(value, default=0):
    if value in (None, ""):
        return default
    if isinstance(value, dict):  # {"count": n} (VK) / {"total": n}
        value = value.get("count", value.get("total"))
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value  # as sent: the normalized schema refuses what a database can't hold
    try:
        return int(float(str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")))
    except (TypeError, ValueError):
        return default
    except OverflowError:
        raise ValueError(f"count {str(value)[:40]!r} is beyond any count") from None


def unwrap_redirect(url):
    """The real target of a Google redirect (``google.com/url?...&url=<target>``)."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if re.match(r"^(www\.)?google\.[a-z.]+$", host) and parts.path == "/url":
        query = dict(parse_qsl(parts.query))
        target = query.get("url") or query.get("q")
        if target and target.startswith(("http://", "https://")):
            return target
    return url.strip()


def normalize_url(url):
    """The URL as a dedupe key: https, lower-case host without ``www.``/``m.``, no utm_*,
    no fragment, Google redirects unwrapped."""
    url = unwrap_redirect(str(url or "").strip())
    if not url:
        return ""
    if "://" not in url:
        url = "https://" + url.lstrip("/")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_")
    ]
    path = parts.path or "/"
    return urlunsplit(("https", host, path, urlencode(query), ""))


def domain_of(url_or_domain):
    """``vk.com`` from ``https://m.vk.com/wall1_2`` or from ``www.vk.com``."""
    text = str(url_or_domain or "").strip().lower()
    if not text:
        return ""
    if "://" not in text:
        text = "https://" + text
    host = (urlsplit(text).hostname or "").lower()
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    return host


_DOMAIN_PLATFORMS = {
    "vk.com": "vk",
    "vk.ru": "vk",
    "vkontakte.ru": "vk",
    "t.me": "telegram",
    "telegram.me": "telegram",
    "telegram.org": "telegram",
    "instagram.com": "instagram",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "twitter.com": "x",
    "x.com": "x",
    "tiktok.com": "tiktok",
    "ok.ru": "ok",
    "odnoklassniki.ru": "ok",
    "otzovik.com": "otzovik",
    "irecommend.ru": "irecommend",
}
# Resource types as YouScan (sourceType/resourceType) and Brand Analytics (hubtype) name them.
_RESOURCE_PLATFORMS = {
    "forum": "forum",
    "forums": "forum",
    "форумы": "forum",
    "форум": "forum",
    "news": "news",
    "новости": "news",
    "сми": "news",
}


def platform_from(url_or_domain="", resource_type=""):
    """A platform code (the platforms the module knows) from a domain or URL; else forum/news/web by type."""
    text = str(url_or_domain or "").strip().lower()
    host = domain_of(text)
    path = urlsplit(text if "://" in text else "https://" + text).path if text else ""
    if host:
        labels = host.split(".")
        for i in range(len(labels) - 1):
            code = _DOMAIN_PLATFORMS.get(".".join(labels[i:]))
            if code:
                return code
        if "2gis" in labels:
            return "2gis"
        if "zoon" in labels:
            return "zoon"
        if "yandex" in labels and (labels[0] == "maps" or path.startswith("/maps")):
            return "yandex_maps"
        if "google" in labels and (labels[0] == "maps" or path.startswith("/maps")):
            return "google_maps"
    return _RESOURCE_PLATFORMS.get(str(resource_type or "").strip().lower(), "web")


def author_dict(external_id="", name="", handle="", url="", followers=0):
    ext = "" if external_id in (None, "") else str(external_id)
    if not (ext or name or handle or url):
        return None
    return {
        "external_id": ext,
        "name": name or "",
        "handle": handle or "",
        "url": url or "",
        "followers": to_int(followers),
    }


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After value (delta seconds or HTTP date); None if absent."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    with contextlib.suppress(ValueError):
        return max(0.0, float(text))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


# ---------------------------------------------------------------------------------------------


class SourceAdapter:
    """One connection to one source.  Subclasses set ``kind``, ``default_base_url`` and the
    field lists, and implement what their platform offers; the rest raises a readable error."""

    kind = ""
    label = ""  # the kind's name in the source form's selection (marked with _lt)
    sequence = 100  # its place in that selection
    help = ""  # what to fill in for this kind, shown on the source form
    default_base_url = ""
    needs_credentials = True  # False: the kind receives data (webhook, file), nothing to pull
    # config key → the source field it is read from ("platform_id.code" follows a relation;
    # a tuple: the first one that is set). The Odoo side builds the config from it.
    source_fields: dict = {}
    # (name, label, secret) — what the Odoo form shows; secrets are for system admins only.
    credential_fields: list = []
    config_fields: list = []
    can_fetch = True
    can_reply = False
    backoff = 1.0  # seconds before the first retry; doubles each time
    # Optional hook the Odoo side may set: ``seen_event(event_id) -> bool`` (a DB lookup), so a
    # redelivered push event is answered but not ingested twice.  Without it the event id is
    # still returned on WebhookResult for the caller to de-duplicate.
    seen_event = None

    def __init__(
        self,
        config: dict | None = None,
        session=None,
        timeout=10.0,
        max_retries=3,
        sleep=time.sleep,
    ):
        self.config = dict(config or {})
        if session is None:
            if requests is None:  # pragma: no cover
                raise SourceError("the Python package 'requests' is not installed")
            session = requests.Session()
        self.session = session
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self.sleep = sleep
        self.max_wait = float(self.config.get("max_wait") or DEFAULT_MAX_WAIT)
        self.max_body = int(self.config.get("max_body_bytes") or DEFAULT_MAX_BODY)

    # -- configuration ---------------------------------------------------------------------
    @property
    def name(self):
        return self.label or self.kind or type(self).__name__

    @property
    def base_url(self):
        return str(self.config.get("base_url") or self.default_base_url).rstrip("/")

    def _conf(self, key, required=True):
        value = self.config.get(key)
        if isinstance(value, str):
            value = value.strip()
        if required and value in (None, ""):
            label = dict((f[0], f[1]) for f in self.credential_fields + self.config_fields)
            raise SourceError(f"{self.name}: '{label.get(key, key)}' is not configured")
        return value

    def _secrets(self):
        return [
            str(self.config[f[0]]) for f in self.credential_fields if f[2] and self.config.get(f[0])
        ]

    def _redact(self, text):
        text = str(text)
        for secret in self._secrets():
            if len(secret) >= 4:
                text = text.replace(secret, "***")
        return text

    # -- the interface the Odoo side calls -------------------------------------------------
    can_enrich_authors = False

    def enrich_authors(self, external_ids):
        """{external id: {name, handle, followers}} for authors a push gave only by id;
        adapters whose platform can name them override this (and set can_enrich_authors)."""
        return {}

    def fetch(self, cursor: dict | None, limit: int = 500) -> FetchResult:
        raise SourceError(f"{self.name} cannot be pulled; it only receives pushed data")

    def parse_webhook(
        self, headers: dict, body: bytes, query: dict | None = None, path_token: str | None = None
    ) -> WebhookResult:
        raise SourceError(f"{self.name} does not receive webhooks")

    def authenticate_request(
        self, headers: dict, query: dict | None = None, path_token: str | None = None
    ) -> bool:
        """Check the credentials a push carries outside its body (a token in a header or the
        URL path, a secret header) before the body is read.

        True: the sender is authenticated. False: this kind's credentials are in or over the
        body (a secret field, a signature), checked by ``parse_webhook``; until then the
        sender is a stranger, who must learn nothing from how a body is refused. Raises
        AuthError when the credentials are wrong or missing, SourceError when the kind
        receives no webhooks."""
        raise SourceError(f"{self.name} does not receive webhooks")

    def post_reply(self, target: dict, text: str) -> dict:
        raise SourceError(
            f"{self.name} does not allow replying through its API; reply on the platform itself"
        )

    def register_webhook(self, url: str) -> str:
        """Point the platform's push at ``url`` where its API allows it; else say how."""
        raise SourceError(f"{self.name}: set the webhook URL in the platform's own settings")

    def test_connection(self) -> str:
        result = self.fetch(None, limit=1)
        return f"{self.name}: connection works ({len(result.records)} record(s) read)"

    def _dedupe(self, result):
        if result.event_id and callable(self.seen_event) and self.seen_event(result.event_id):
            result.duplicate = True
            result.records = []
        return result

    # -- HTTP --------------------------------------------------------------------------------
    def _url(self, url):
        if url.startswith(("http://", "https://")):
            return url
        return f"{self.base_url}/{url.lstrip('/')}"

    def _describe(self, method, url):
        parts = urlsplit(url)
        return self._redact(f"{method} {parts.path or '/'}")

    def _request(self, method, url, **kw):
        """One HTTP call with timeout, retries on 429/5xx/timeouts honouring Retry-After, and
        readable errors.  Returns the ``requests.Response`` of a successful call."""
        url = self._url(url)
        # A non-idempotent call (posting a reply) is retried only when it surely was not
        # performed (429), never after a timeout or 5xx that may have posted it already.
        idempotent = kw.pop("idempotent", True)
        kw.setdefault("timeout", self.timeout)
        what = kw.pop("what", None) or f"{self.name} {self._describe(method, url)}"
        attempt = 0
        while True:
            try:
                resp = self.session.request(method, url, **kw)
            except Exception as exc:  # requests' Timeout / ConnectionError and friends
                error = self._transport_error(exc, what, kw["timeout"])
            else:
                error = self._response_error(resp, what)
                if error is None:
                    return resp
            if not error.retryable or attempt >= self.max_retries:
                raise error
            if not idempotent and not isinstance(error, RateLimited):
                raise error
            wait = error.retry_after
            if wait is None:
                wait = min(self.backoff * (2**attempt), self.max_wait)
            elif wait > self.max_wait:
                # The server asks for a long pause: don't block a worker for it, let the
                # scheduler come back after ``error.retry_after``.
                raise error
            self.sleep(wait)
            attempt += 1

    def _transport_error(self, exc, what, timeout):
        if requests is not None and isinstance(exc, requests.Timeout):
            return SourceError(f"{what}: no answer within {timeout} s", retryable=True)
        if requests is not None and isinstance(exc, requests.ConnectionError):
            reason = self._redact(str(exc).split("(Caused by")[-1].strip(" )"))[:200]
            return SourceError(f"{what}: cannot connect ({reason})", retryable=True)
        if requests is not None and isinstance(exc, requests.RequestException):
            return SourceError(f"{what}: {self._redact(exc)}", retryable=False)
        raise exc

    def _error_text(self, resp):
        """A short reason from an error body (JSON message fields or the first text)."""
        try:
            data = resp.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            for key in (
                "message",
                "description",
                "error_description",
                "error",
                "detail",
                "title",
                "error_msg",
            ):
                value = data.get(key)
                if isinstance(value, dict):
                    value = value.get("message") or value.get("error_msg") or value
                if value:
                    return self._redact(str(value))[:300]
        text = strip_html(resp.text or "")
        return self._redact(text)[:300]

    def _response_error(self, resp, what):
        """The SourceError a response stands for, or None when it is a success."""
        status = resp.status_code
        if status < 400:
            return None
        reason = self._error_text(resp)
        suffix = f": {reason}" if reason else ""
        if status == 429:
            retry_after = parse_retry_after(resp.headers.get("Retry-After"))
            return RateLimited(f"{what}: rate limited (HTTP 429){suffix}", retry_after=retry_after)
        if status >= 500:
            return SourceError(
                f"{what}: server error HTTP {status}{suffix}",
                status=status,
                retry_after=parse_retry_after(resp.headers.get("Retry-After")),
                retryable=True,
            )
        if status == 401:
            return AuthError(
                f"{what}: not authenticated (HTTP 401) — check the credentials{suffix}", status=401
            )
        if status == 403:
            return AuthError(f"{what}: access denied (HTTP 403){suffix}", status=403)
        if status == 402:
            return AuthError(
                f"{what}: payment required (HTTP 402) — API access is not part of the plan{suffix}",
                status=402,
            )
        return SourceError(f"{what}: HTTP {status}{suffix}", status=status)

    def _json(self, resp, what=""):
        """The JSON of a successful response, or a SourceError naming the page."""
        try:
            return resp.json()
        except ValueError:
            # Redacted before it is cut, so a key straddling the cut is masked too: a proxy
            # page may echo the request's headers.
            snippet = self._redact((resp.text or "")[:400])[:80].replace("\n", " ")
            where = what or f"{self.name} {self._describe(resp.request.method, resp.url)}"
            raise SourceError(
                f"{where}: the answer is not JSON ({snippet!r})",
                status=resp.status_code,
                retryable=True,
            ) from None

    def _get_json(self, url, what="", **kw):
        resp = self._request("GET", url, what=what or None, **kw)
        return self._json(resp, what)
