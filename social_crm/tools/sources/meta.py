"""Meta webhooks: Facebook Page feed and mentions, Messenger, Instagram; replies.

* Subscription handshake: a GET with ``hub.mode=subscribe``, ``hub.verify_token`` and
  ``hub.challenge`` — :func:`verify_subscription` returns the challenge to echo.
* Events: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>``, checked in
  constant time on the raw bytes before the JSON is read.  One app signs both objects it
  subscribes to, so one source receives ``object: "page"`` and ``object: "instagram"``.
* Page ``feed`` changes: comments and visitor posts — statuses, photos, videos, shares — with a
  ``message`` become records (``verb`` add / edited; an edit updates the same record);
  ``mention`` changes (the page tagged in a post or comment) too.  Older payloads name the
  author with ``sender_id`` / ``sender_name`` instead of ``from``.  Removals, hides, reactions
  and likes produce no record and are listed in ``Delivery.ignored`` with the reason.
* Instagram ``comments`` changes become records; ``mentions`` carry only ids and are listed
  as ignored.
* Private messages — Messenger (``object: "page"``) and Instagram Direct
  (``object: "instagram"``), ``entry[].messaging[]``: a text message becomes a record with
  ``private: True`` and no URL; ``message_edit`` updates it; echoes of the page's own
  messages, deliveries, reads, reactions and postbacks are ignored.
* Pull (a fallback for missed deliveries): the Page's last ``posts_depth`` posts and their
  comments (``filter=stream``, newest first, ``paging.cursors.after``) down to the newest
  ``created_time`` of the previous run, and the posts that tag the page (``/{page}/tagged``,
  which gives the text a ``mention`` event lacks).  Cursor: ``{"newest": ISO,
  "tagged_newest": ISO}``.
* Reply: a comment answer is ``POST /{comment-id}/comments`` with ``message`` (an Instagram
  comment: ``POST /{ig-comment-id}/replies``); a private
  message is answered through the Send API, ``POST /{page-id}/messages`` (``/me/messages``
  without a page id) with ``recipient: {id}``, ``messaging_type: "RESPONSE"`` and
  ``message: {text}`` — both with the Page access token.

The comment URL built from ids is a convention, not an API field; Instagram's comment events
carry no permalink, so their records have no URL.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from ..schema import parse_datetime
from .base import (
    AuthError,
    FetchResult,
    PayloadError,
    RateLimited,
    SourceAdapter,
    SourceError,
    _lt,
    author_dict,
    check_secret,
    header,
    iso_utc,
    item_label,
    load_json_body,
    map_item,
    register,
    to_int,
)
from .events import Delivery
from .private import check_length, is_private

SIGNATURE_HEADER = "X-Hub-Signature-256"
_RATE_CODES = {4, 17, 32, 613}
_AUTH_CODES = {102, 190, 200, 10}
# "This message is sent outside of allowed window" (Messenger, Instagram).
_WINDOW_SUBCODES = {2018278, 2534022}


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
        raise AuthError("no app secret is configured on this source; deliveries are refused", 403)
    if not given:
        raise AuthError(f"{SIGNATURE_HEADER} header is missing", 401)
    expected = (
        "sha256="
        + hmac.new(str(app_secret).encode("utf-8"), body or b"", hashlib.sha256).hexdigest()
    )
    if not hmac.compare_digest(
        str(given).strip().lower().encode("utf-8"), expected.encode("utf-8")
    ):
        raise AuthError(f"{SIGNATURE_HEADER} does not match the body", 403)


def _when(value):
    if value in (None, ""):
        return ""
    if isinstance(value, (int, float)) or str(value).isdigit():
        try:
            return iso_utc(value)
        except (ValueError, OverflowError, OSError):
            return str(value)  # out of range: the record's validation names it
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


# Feed items that are someone's words about the page; others (reactions, likes, events,
# page profile changes) are service events.
TEXT_ITEMS = ("comment", "post", "status", "photo", "video", "share", "note")
ADD_VERBS = ("add", "edited", "edit")
GONE_VERBS = {"remove": "removed", "delete": "deleted", "hide": "hidden"}
SERVICE_ITEMS = ("reaction", "like", "like_reaction")
# Messaging events that are not a person's message (receipts, clicks, hand-over protocol).
SERVICE_MESSAGING = (
    "delivery",
    "read",
    "reaction",
    "postback",
    "referral",
    "optin",
    "account_linking",
    "pass_thread_control",
    "take_thread_control",
    "request_thread_control",
    "app_roles",
    "policy_enforcement",
)


class Skip(Exception):
    """A change or event that is read correctly but is not a mention; says why."""


def _change_author(value):
    """The author of a change: ``from`` in current payloads, ``sender_id`` / ``sender_name``
    in older ones (and still in ``mention`` changes)."""
    author = value.get("from") or {}
    if isinstance(author, dict) and (author.get("id") or author.get("name")):
        ext, name = author.get("id"), author.get("name")
    else:
        ext, name = value.get("sender_id"), value.get("sender_name")
    if ext in (None, "") and not name:
        return None
    url = f"https://www.facebook.com/{ext}" if ext not in (None, "") else ""
    return author_dict(ext, name, "", url)


def _comment_url(post_id, comment_id):
    if not (post_id and comment_id):
        return ""
    return f"https://www.facebook.com/{post_id}?comment_id={str(comment_id).split('_')[-1]}"


def map_tagged_post(post):
    """A post that tags the page (``/{page-id}/tagged``) → a record with the same external
    id a ``mention`` event for it gets, so the event and the pull meet on one mention."""
    if not post.get("id"):
        raise PayloadError("tagged post has no id")
    author = post.get("from") or {}
    return {
        "external_id": str(post["id"]),
        "url": post.get("permalink_url") or f"https://www.facebook.com/{post['id']}",
        "text": post.get("message") or "",
        "published_at": _when(post.get("created_time")),
        "platform": "facebook",
        "author": author_dict(
            author.get("id"),
            author.get("name"),
            "",
            f"https://www.facebook.com/{author['id']}" if author.get("id") else "",
        ),
        "raw": post,
    }


def map_change(value, page_id="", field="feed", entry_time=None):
    """One Page ``feed`` or ``mention`` change value → a record.

    Raises :class:`Skip` (with the reason) for what is not a mention — removals, reactions,
    likes, items without text — and PayloadError when a text item lacks its id.
    """
    item, verb = value.get("item"), value.get("verb")
    what = f"Facebook {field} change ({item or 'no item'}, {verb or 'no verb'})"
    if item in SERVICE_ITEMS:
        raise Skip(f"{what}: a {item} is a reaction, not a mention")
    if verb in GONE_VERBS:
        ident = value.get("comment_id") or value.get("post_id") or "?"
        raise Skip(
            f"{what}: {item} {ident} was {GONE_VERBS[verb]} on Facebook; the mention "
            "already received is kept"
        )
    if verb not in ADD_VERBS:
        raise Skip(f"{what}: the verb {verb!r} does not add or edit text")
    if field == "feed" and item not in TEXT_ITEMS:
        raise Skip(f"{what}: a {item} item carries no one's words")
    author = _change_author(value)
    if page_id and author and author["external_id"] == str(page_id):
        # the page's own posts and the answers posted through it come back as feed changes
        raise Skip(f"{what}: written by the page itself")
    text = (value.get("message") or "").strip()
    post_id = str(value.get("post_id") or "")
    if item == "comment":
        ext = value.get("comment_id")
        parent = value.get("parent_id") or post_id
        url = _comment_url(post_id, ext)
    else:
        # Photos, videos and shares are posts too: the post id is the one their comments
        # and the Graph API use; photo_id / video_id / share_id only when it is missing.
        ext = post_id or value.get("photo_id") or value.get("video_id") or value.get("share_id")
        parent = ""
        url = f"https://www.facebook.com/{ext}" if ext else ""
    if not ext:
        key = "comment_id" if item == "comment" else "post_id"
        raise PayloadError(f"{what} has no {key}")
    if not text and field == "mention":
        raise Skip(
            f"{what}: the event carries no text of {item} {ext}; posts that tag the "
            f"page are read by the scheduled import ({value.get('permalink_url') or url})"
        )
    if not text:
        raise Skip(f"{what}: {item} {ext} has no text (a {item} without a message)")
    return {
        "external_id": str(ext),
        "url": value.get("permalink_url") or url,
        "text": text,
        "published_at": _when(value.get("created_time")) or _when_ms(entry_time),
        "platform": "facebook",
        "parent_external_id": str(parent) if parent and str(parent) != str(ext) else "",
        "author": author,
        "raw": dict(value, field=field),
    }


def map_instagram_change(value, field, entry_time=None):
    """An Instagram ``comments`` / ``live_comments`` change → a record; Skip otherwise."""
    if field not in ("comments", "live_comments"):
        raise Skip(f"Instagram {field} change: only comments carry text in the event")
    ext = value.get("id")
    if not ext:
        raise PayloadError(f"Instagram {field} change has no comment id")
    text = (value.get("text") or "").strip()
    if not text:
        raise Skip(f"Instagram comment {ext} has no text")
    who = value.get("from") or {}
    username = who.get("username") or ""
    author = author_dict(
        who.get("id") or username,
        username,
        username,
        f"https://www.instagram.com/{username}" if username else "",
    )
    media = value.get("media") or {}
    parent = value.get("parent_id") or media.get("id") or ""
    return {
        "external_id": str(ext),
        "url": "",
        "text": text,
        # the comment event has no time of its own: the entry's is when it was written
        "published_at": _when(value.get("timestamp") or value.get("created_time"))
        or _when_ms(entry_time),
        "platform": "instagram",
        "parent_external_id": str(parent),
        "author": author,
        "raw": dict(value, field=field),
    }


def is_private_event(raw):
    """True for a stored Messenger / Instagram Direct event (a private message)."""
    return bool(
        isinstance(raw.get("sender"), dict)
        and (isinstance(raw.get("message"), dict) or isinstance(raw.get("message_edit"), dict))
    )


def map_message(event, platform, page_id=""):
    """One ``messaging`` event of Messenger or Instagram Direct → a private record.

    Raises :class:`Skip` for echoes of the page's own messages, receipts, reactions and
    other service events, and for messages without text.
    """
    sender = str((event.get("sender") or {}).get("id") or "")
    where = "Instagram Direct" if platform == "instagram" else "Messenger"
    message, edit = event.get("message"), event.get("message_edit")
    if not isinstance(message, dict) and not isinstance(edit, dict):
        kind = (
            next((k for k in SERVICE_MESSAGING if k in event), None)
            or ", ".join(sorted(k for k in event if k not in ("sender", "recipient", "timestamp")))
            or "empty"
        )
        raise Skip(
            f"{where} event from {sender or '?'}: '{kind}' is a service event, not a message"
        )
    data = message if isinstance(message, dict) else edit
    mid = data.get("mid")
    if data.get("is_echo") or (page_id and sender == str(page_id)):
        raise Skip(f"{where} message {mid}: an echo of the page's own message")
    if data.get("is_deleted"):
        raise Skip(
            f"{where} message {mid} was deleted by its sender; the mention already received is kept"
        )
    if not mid:
        raise PayloadError(f"{where} message from {sender or '?'} has no mid")
    if not sender:
        raise PayloadError(f"{where} message {mid} has no sender.id")
    text = (data.get("text") or "").strip()
    if not text:
        kinds = (
            ", ".join(
                sorted(
                    {
                        str(a.get("type"))
                        for a in data.get("attachments") or []
                        if isinstance(a, dict)
                    }
                )
            )
            or "no content"
        )
        raise Skip(f"{where} message {mid} has no text ({kinds})")
    reply_to = (data.get("reply_to") or {}).get("mid") or ""
    return {
        "external_id": str(mid),
        "url": "",
        "text": text,
        "published_at": _when_ms(event.get("timestamp")),
        "platform": platform,
        "parent_external_id": str(reply_to),
        "private": True,
        "author": author_dict(sender),
        "raw": dict(event, object="instagram" if platform == "instagram" else "page"),
    }


def _when_ms(value):
    """Messaging timestamps are milliseconds since the epoch."""
    if value in (None, ""):
        return ""
    number = float(value)
    return iso_utc(number / 1000.0 if number > 1e11 else number)


@register
class MetaAdapter(SourceAdapter):
    kind = "facebook"
    label = _lt("Facebook page")
    sequence = 90
    help = _lt(
        "Account: the page id. API key: the page access token (answering Messenger and "
        "Instagram Direct needs the pages_messaging and instagram_manage_messages "
        "permissions). Secret: the app secret that signs events. Verify token: what "
        "Meta sends when the webhook is subscribed. Subscribe the page to feed, mention, "
        "messages and message_edits, and its Instagram account to comments and "
        "messages."
    )
    source_fields = {
        "app_secret": "api_secret",
        "verify_token": "verify_token",
        "page_access_token": "api_key",
        "page_id": "account",
        "posts_depth": "posts_depth",
    }
    default_base_url = "https://graph.facebook.com/v19.0"
    can_reply = True
    credential_fields = [
        ("app_secret", "App secret", True),
        ("verify_token", "Webhook verify token", True),
        ("page_access_token", "Page access token", True),
    ]
    config_fields = [
        ("page_id", "Page ID", False),
        ("posts_depth", "Recent posts to poll for comments", False),
    ]
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
        subcode = to_int(resp.json()["error"].get("error_subcode"), 0)
        if subcode in _WINDOW_SUBCODES:
            return SourceError(
                f"{error.message} — the person wrote more than 24 hours ago; "
                "a private answer is only allowed within 24 hours of their "
                "last message",
                status=resp.status_code,
            )
        if code in _RATE_CODES:
            return RateLimited(error.message, status=resp.status_code, retry_after=None)
        if code in _AUTH_CODES:
            return AuthError(error.message, status=401 if code == 190 else 403)
        return error

    def authenticate_request(self, headers, query=None, path_token=None):
        # The signature is over the body: only its presence and the app secret can be
        # checked before the body is read.
        if not self.config.get("app_secret"):
            raise AuthError(
                "no app secret is configured on this source; deliveries are refused", 403
            )
        if not header(headers, SIGNATURE_HEADER):
            raise AuthError(f"{SIGNATURE_HEADER} header is missing", 401)
        return False

    def parse_webhook(self, headers, body, query=None, path_token=None):
        body = body or b""
        check_signature(headers, body, self.config.get("app_secret"))
        event = load_json_body(body, self.max_body, "Meta event")
        obj = event.get("object") if isinstance(event, dict) else None
        if obj not in ("page", "instagram"):
            raise PayloadError(
                f"Meta event is not a Page or Instagram event (object "
                f"{obj!r}; it must be 'page' or 'instagram')"
            )
        entries = event.get("entry")
        if not isinstance(entries, list):
            raise PayloadError("Meta event has no 'entry' list")
        result = Delivery(reply="EVENT_RECEIVED")
        platform = "instagram" if obj == "instagram" else "facebook"
        for entry in entries:
            entry = entry if isinstance(entry, dict) else {}
            for change in entry.get("changes") or []:
                self._read_change(change, obj, entry, result)
            # "standby" holds the messages another app owns the thread of (handover).
            page = entry.get("id")
            for key in ("messaging", "standby"):
                for item in entry.get(key) or []:
                    message = item.get("message") if isinstance(item, dict) else None
                    self._read(
                        lambda item=item, page=page: map_message(item, platform, page),
                        result,
                        item_label(f"{platform} message", message, "mid"),
                    )
        return result

    def _read_change(self, change, obj, entry, result):
        field = (change or {}).get("field")
        value = (change or {}).get("value")
        when = entry.get("time")
        if not isinstance(value, dict):
            result.skip(f"{obj} change {field}", "has no value object")
        elif obj == "instagram":
            self._read(
                lambda: map_instagram_change(value, field, when),
                result,
                item_label(f"Instagram {field}", value, "id"),
            )
        elif field in ("feed", "mention"):
            self._read(
                lambda: map_change(value, entry.get("id"), field, when),
                result,
                item_label(f"Page {field}", value, "comment_id", "post_id"),
            )
        else:
            result.skip(f"Page change {field}", f"the '{field}' field is not a mention")

    @staticmethod
    def _read(mapper, result, label):
        """One item of a delivery through ``map_item``: a service event is skipped, a
        malformed item becomes an error of the delivery and the other items still go in."""
        skipped = []

        def guarded(_item):
            try:
                return mapper()
            except Skip as exc:
                skipped.append(exc)
                return []

        good, bad = map_item(None, guarded, label)
        for exc in skipped:
            result.skip(str(exc).split(":")[0], str(exc))
        result.records.extend(good)
        result.errors.extend(bad)

    def post_reply(self, target, text):
        if is_private(target, is_private_event):
            return self._send_private(target, text)
        token = self._conf("page_access_token")
        ext = str(target.get("external_id") or "")
        raw = target.get("raw") if isinstance(target.get("raw"), dict) else {}
        instagram = raw.get("field") in ("comments", "live_comments")
        where = "Instagram" if instagram else "Facebook"
        if not ext:
            raise SourceError(f"{where}: cannot reply: the comment id is unknown")
        what = f"{where}: reply to {ext}"
        # An Instagram comment is answered on its /replies edge, a Facebook object on
        # /comments.
        edge = "replies" if instagram else "comments"
        resp = self._request(
            "POST",
            f"/{ext}/{edge}",
            data={"message": text},
            headers={"Authorization": f"Bearer {token}"},
            idempotent=False,
            what=what,
        )
        data = self._json(resp, what)
        cid = data.get("id") if isinstance(data, dict) else None
        if not cid:
            raise SourceError(f"{what}: {where} returned no comment id")
        return {
            "external_id": str(cid),
            "url": "" if instagram else f"https://www.facebook.com/{cid}",
        }

    def _send_private(self, target, text):
        """Answer a Messenger / Instagram Direct message through the Send API."""
        token = self._conf("page_access_token")
        raw = target.get("raw") if isinstance(target.get("raw"), dict) else {}
        platform = (
            "instagram"
            if raw.get("object") == "instagram"
            else (target.get("platform") or "facebook")
        )
        where = "Instagram Direct" if platform == "instagram" else "Messenger"
        ext = str(target.get("external_id") or "")
        recipient = str((raw.get("sender") or {}).get("id") or target.get("recipient_id") or "")
        what = f"{where}: answer to message {ext or '?'}"
        if not recipient:
            raise SourceError(
                f"{what}: the sender of the message is unknown, so the answer has no recipient"
            )
        check_length(platform, text, what)
        page = str(self.config.get("page_id") or "").strip()
        path = f"/{page}/messages" if page else "/me/messages"
        payload = {
            "recipient": {"id": recipient},
            "messaging_type": "RESPONSE",
            "message": {"text": text},
        }
        resp = self._request(
            "POST",
            path,
            json=payload,
            idempotent=False,
            what=what,
            headers={"Authorization": f"Bearer {token}"},
        )
        data = self._json(resp, what)
        mid = data.get("message_id") if isinstance(data, dict) else None
        if not mid:
            raise SourceError(f"{what}: Meta returned no message_id")
        return {"external_id": str(mid), "url": ""}

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
        posts = self._graph(
            f"/{page}/posts",
            {"fields": "id,created_time", "limit": depth},
            f"Facebook page {page} posts",
        )["data"]
        records, errors = [], []
        for post in posts:
            after = ""
            while True:
                params = {
                    "filter": "stream",
                    "order": "reverse_chronological",
                    "limit": 100,
                    "fields": self.comment_fields,
                }
                if after:
                    params["after"] = after
                what = f"Facebook comments of post {post.get('id')}"
                data = self._graph(f"/{post.get('id')}/comments", params, what)
                reached_old = False
                for comment in data["data"]:
                    if not isinstance(comment, dict):
                        errors.append({"record": what, "reason": "a comment that is not an object"})
                        continue
                    published = _when(comment.get("created_time"))
                    if stop and _moment(published) <= stop:
                        reached_old = True
                        break
                    post_id = post.get("id")
                    good, bad = map_item(
                        comment,
                        lambda c, post_id=post_id: map_comment(c, post_id),
                        item_label("Facebook comment", comment, "id"),
                    )
                    records.extend(good)
                    errors.extend(bad)
                after = ((data.get("paging") or {}).get("cursors") or {}).get("after")
                if reached_old or not after or not (data.get("paging") or {}).get("next"):
                    break
        if records:
            newest = max([newest] + [r["published_at"] for r in records], key=_moment)
        new_cursor = {"newest": newest} if newest else {}
        tagged = self._fetch_tagged(page, (cursor or {}).get("tagged_newest") or "", errors)
        records.extend(tagged)
        tagged_newest = max(
            [(cursor or {}).get("tagged_newest") or ""] + [r["published_at"] for r in tagged],
            key=_moment,
        )
        if tagged_newest:
            new_cursor["tagged_newest"] = tagged_newest
        return FetchResult(records=records, cursor=new_cursor, more=False, errors=errors)

    def _fetch_tagged(self, page, newest, errors):
        """Posts that tag the page (``/{page-id}/tagged``), newer than ``newest``: a page
        ``mention`` event names the post but carries no text, so the text comes from here.

        A page token without the permission to read them must not stop the comments: the
        refusal is reported as an error of this run and the tagged cursor stays put."""
        what = f"Facebook posts tagging page {page}"
        stop = _moment(newest)
        params = {"fields": "id,message,from,created_time,permalink_url", "limit": 100}
        try:
            data = self._graph(f"/{page}/tagged", params, what)
        except SourceError as exc:
            if exc.retryable:
                raise
            errors.append({"record": what, "reason": str(exc)})
            return []
        records = []
        for post in data["data"]:
            if not isinstance(post, dict):
                errors.append({"record": what, "reason": "a post that is not an object"})
                continue
            if newest and _moment(_when(post.get("created_time"))) <= stop:
                break
            if not (post.get("message") or "").strip():
                continue  # a photo tag without words: nothing to answer
            good, bad = map_item(post, map_tagged_post, item_label("Facebook post", post, "id"))
            records.extend(good)
            errors.extend(bad)
        return records

    def test_connection(self):
        page = self._conf("page_id")
        self._get_json(
            f"/{page}",
            "Facebook page",
            params={"fields": "id,name"},
            headers={"Authorization": f"Bearer {self._conf('page_access_token')}"},
        )
        return f"Facebook: page {page} is reachable"
