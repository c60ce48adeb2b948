"""Meta (Facebook Page) webhooks and comment replies (SOURCES.md §7c).

* Subscription handshake: a GET with ``hub.mode=subscribe``, ``hub.verify_token`` and
  ``hub.challenge`` — :func:`verify_subscription` returns the challenge to echo.
* Events: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>``, checked in
  constant time on the raw bytes before the JSON is read.  ``feed`` changes for comments and
  visitor posts (``verb`` add / edited) become records; removals are ignored.
* Pull (a fallback for missed deliveries): the Page's last ``posts_depth`` posts and their
  comments (``filter=stream``, newest first, ``paging.cursors.after``) down to the newest
  ``created_time`` of the previous run.  Cursor: ``{"newest": ISO}``.
* Reply: ``POST /{comment-id}/comments`` with ``message`` and the Page access token.

The payload's field names beyond ``item``/``verb`` follow Meta's examples (unverified in full,
see SOURCES.md); the comment URL is a convention, not an API field.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from ..schema import parse_datetime

from .base import _lt, register, AuthError, FetchResult, PayloadError, RateLimited, SourceAdapter, \
    SourceError, WebhookResult, author_dict, check_secret, header, iso_utc, load_json_body, \
    to_int

SIGNATURE_HEADER = "X-Hub-Signature-256"
_RATE_CODES = {4, 17, 32, 613}
_AUTH_CODES = {102, 190, 200, 10}


def verify_subscription(query, verify_token):
    """Answer Meta's GET handshake: the ``hub.challenge`` to echo, or AuthError/PayloadError."""
    query = query or {}
    if query.get("hub.mode") != "subscribe":
        raise PayloadError("hub.mode must be 'subscribe'")
    check_secret(query.get("hub.verify_token"), verify_token, "hub.verify_token")
    challenge = query.get("hub.challenge")
    if not challenge:
        raise PayloadError("hub.challenge is missing")
    return str(challenge)


def check_signature(headers, body, app_secret):
    given = header(headers, SIGNATURE_HEADER)
    if not app_secret:
        raise AuthError("no app secret is configured on this source; deliveries are refused",
                        403)
    if not given:
        raise AuthError(f"{SIGNATURE_HEADER} header is missing", 401)
    expected = "sha256=" + hmac.new(str(app_secret).encode("utf-8"), body or b"",
                                    hashlib.sha256).hexdigest()
    if not hmac.compare_digest(str(given).strip().lower().encode("utf-8"),
                               expected.encode("utf-8")):
        raise AuthError(f"{SIGNATURE_HEADER} does not match the body", 403)


def _when(value):
    if value in (None, ""):
        return ""
    if isinstance(value, (int, float)) or str(value).isdigit():
        return iso_utc(value)
    try:  # Graph's "2026-05-01T10:00:00+0000" (Python 3.10's fromisoformat rejects +0000)
        return iso_utc(datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S%z"))
    except ValueError:
        return str(value)


def _moment(value):
    try:
        return parse_datetime(value) or datetime.min
    except ValueError:
        return datetime.min


def map_comment(comment, post_id=""):
    """A Graph API comment (``/{object-id}/comments``) → a record."""
    if not comment.get("id"):
        raise PayloadError("comment has no id (the app may lack the MODERATE task)")
    author = comment.get("from") or {}
    parent = (comment.get("parent") or {}).get("id") or post_id
    return {
        "external_id": str(comment["id"]),
        "url": comment.get("permalink_url") or f"https://www.facebook.com/{comment['id']}",
        "text": comment.get("message") or "",
        "published_at": _when(comment.get("created_time")),
        "platform": "facebook",
        "parent_external_id": str(parent) if parent else "",
        "likes": to_int(comment.get("like_count")),
        "comments": to_int(comment.get("comment_count")),
        "author": author_dict(author.get("id"), author.get("name")),
        "raw": comment,
    }


def map_change(value, page_id=""):
    """One ``feed`` change value → a record, or None for removals and other items."""
    item, verb = value.get("item"), value.get("verb")
    if verb not in ("add", "edited", "edit") or item not in ("comment", "post", "status"):
        return None
    text = value.get("message") or ""
    if not text:
        return None
    author = value.get("from") or {}
    if item == "comment":
        ext = value.get("comment_id")
        post_id = value.get("post_id") or ""
        parent = value.get("parent_id") or post_id
        url = f"https://www.facebook.com/{post_id}?comment_id={str(ext).split('_')[-1]}" \
            if post_id and ext else ""
    else:
        ext = value.get("post_id")
        parent = ""
        url = f"https://www.facebook.com/{ext}" if ext else ""
    if not ext:
        key = "comment_id" if item == "comment" else "post_id"
        raise PayloadError(f"a {item} change has no {key}")
    return {
        "external_id": str(ext),
        "url": value.get("permalink_url") or url,
        "text": text,
        "published_at": _when(value.get("created_time")),
        "platform": "facebook",
        "parent_external_id": str(parent) if parent else "",
        "author": author_dict(author.get("id"), author.get("name")),
        "raw": value,
    }


@register
class MetaAdapter(SourceAdapter):
    kind = "facebook"
    label = _lt("Facebook page")
    sequence = 90
    help = _lt("Account: the page id. API key: the page access token. Secret: the app secret "
               "that signs events. Verify token: what Meta sends when the webhook is subscribed.")
    source_fields = {"app_secret": "api_secret", "verify_token": "verify_token",
                     "page_access_token": "api_key", "page_id": "account",
                     "posts_depth": "posts_depth"}
    default_base_url = "https://graph.facebook.com/v19.0"
    can_reply = True
    credential_fields = [("app_secret", "App secret", True),
                         ("verify_token", "Webhook verify token", True),
                         ("page_access_token", "Page access token", True)]
    config_fields = [("page_id", "Page ID", False),
                     ("posts_depth", "Recent posts to poll for comments", False)]
    comment_fields = "id,from,message,created_time,parent,like_count,comment_count,permalink_url"

    def verify_subscription(self, query):
        return verify_subscription(query, self.config.get("verify_token"))

    def _response_error(self, resp, what):
        error = super()._response_error(resp, what)
        if error is None:
            return None
        try:
            code = int(resp.json()["error"].get("code"))
        except (ValueError, KeyError, TypeError, AttributeError):
            return error
        if code in _RATE_CODES:
            return RateLimited(error.message, status=resp.status_code, retry_after=None)
        if code in _AUTH_CODES:
            return AuthError(error.message, status=401 if code == 190 else 403)
        return error

    def parse_webhook(self, headers, body, query=None, path_token=None):
        body = body or b""
        check_signature(headers, body, self.config.get("app_secret"))
        event = load_json_body(body, self.max_body, "Meta event")
        if not isinstance(event, dict) or event.get("object") != "page":
            raise PayloadError("Meta event is not a Page event (object must be 'page')")
        entries = event.get("entry")
        if not isinstance(entries, list):
            raise PayloadError("Meta event has no 'entry' list")
        records = []
        for entry in entries:
            for change in (entry or {}).get("changes") or []:
                if change.get("field") != "feed" or not isinstance(change.get("value"), dict):
                    continue
                record = map_change(change["value"], entry.get("id"))
                if record:
                    records.append(record)
        return WebhookResult(records=records, reply="EVENT_RECEIVED")

    def post_reply(self, target, text):
        token = self._conf("page_access_token")
        ext = str(target.get("external_id") or "")
        if not ext:
            raise SourceError("Facebook: cannot reply: the comment id is unknown")
        what = f"Facebook: reply to {ext}"
        resp = self._request("POST", f"/{ext}/comments", data={"message": text},
                             headers={"Authorization": f"Bearer {token}"}, idempotent=False,
                             what=what)
        data = self._json(resp, what)
        cid = data.get("id") if isinstance(data, dict) else None
        if not cid:
            raise SourceError(f"{what}: Facebook returned no comment id")
        return {"external_id": str(cid), "url": f"https://www.facebook.com/{cid}"}

    def _graph(self, path, params, what):
        headers = {"Authorization": f"Bearer {self._conf('page_access_token')}"}
        data = self._get_json(path, what, params=params, headers=headers)
        if not isinstance(data, dict) or not isinstance(data.get("data"), list):
            raise SourceError(f"{what}: the answer has no 'data' list", retryable=True)
        return data

    def fetch(self, cursor, limit=500):
        page = self._conf("page_id")
        newest = (cursor or {}).get("newest") or ""
        stop = _moment(newest)
        depth = max(1, min(100, to_int(self.config.get("posts_depth"), 10)))
        posts = self._graph(f"/{page}/posts", {"fields": "id,created_time", "limit": depth},
                            f"Facebook page {page} posts")["data"]
        records, errors = [], []
        for post in posts:
            after = ""
            while True:
                params = {"filter": "stream", "order": "reverse_chronological", "limit": 100,
                          "fields": self.comment_fields}
                if after:
                    params["after"] = after
                what = f"Facebook comments of post {post.get('id')}"
                data = self._graph(f"/{post.get('id')}/comments", params, what)
                reached_old = False
                for comment in data["data"]:
                    published = _when(comment.get("created_time"))
                    if stop and _moment(published) <= stop:
                        reached_old = True
                        break
                    try:
                        records.append(map_comment(comment, post.get("id")))
                    except PayloadError as exc:
                        errors.append({"record": what, "reason": str(exc)})
                after = ((data.get("paging") or {}).get("cursors") or {}).get("after")
                if reached_old or not after or not (data.get("paging") or {}).get("next"):
                    break
        if records:
            newest = max([newest] + [r["published_at"] for r in records], key=_moment)
        return FetchResult(records=records, cursor={"newest": newest} if newest else {},
                           more=False, errors=errors)

    def test_connection(self):
        page = self._conf("page_id")
        self._get_json(f"/{page}", "Facebook page", params={"fields": "id,name"},
                       headers={"Authorization": f"Bearer {self._conf('page_access_token')}"})
        return f"Facebook: page {page} is reachable"
