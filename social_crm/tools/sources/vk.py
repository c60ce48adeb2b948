"""VK: post search, comments on a community wall, Callback API push, replies.

Two pull modes (config ``mode``):

* ``search`` — ``newsfeed.search`` for ``query``.  Results come newest first, so a window
  (``start_time``…``end_time``) is paged to the end with ``next_from`` and only then does the
  next window start after the newest ``date`` seen.  Cursor:
  ``{start_time, end_time, next_from, window_max}``.
* ``wall`` — the last ``posts_depth`` posts of community ``group_id`` (``wall.get``) and their
  new comments (``wall.getComments`` ascending from the last comment id seen per post).
  Cursor: ``{"posts": {"<post id>": <last comment id>}}``.

Push (Callback API): comments and posts on the community's wall, and private messages to the
community (``message_new``; ``message_edit`` updates the record).  A private message is a
record with ``private: True``, no URL and the external id ``msg<peer_id>_<message id>``; its
answer goes back with ``messages.send`` (``peer_id``, ``random_id``, ``message``), never as a
wall comment.  Events that are not someone's words (likes, joins, typing, read receipts, the
community's own outgoing messages, deletions) are listed in ``Delivery.ignored``.

The Callback API ``secret`` is checked when the source has one configured: then a missing or
wrong secret is refused.  VK sends no secret at all when the community has none set, so such
events are accepted as long as the source has no secret either (a secret VK does send must
still match the source's secret or its webhook token).

The token travels in the ``Authorization: Bearer`` header, never in URLs.  VK reports errors
inside HTTP 200 bodies; they are mapped to the same retry / auth / readable-error rules.
"""

from __future__ import annotations

import hashlib
import re
import time

from .base import (
    AuthError,
    FetchResult,
    PayloadError,
    RateLimited,
    SourceAdapter,
    SourceError,
    _lt,
    check_secret,
    iso_utc,
    load_json_body,
    map_item,
    register,
    to_int,
)
from .events import Delivery
from .private import check_length, is_private

API_VERSION = "5.199"
SEARCH_PAGE_MAX = 200
COMMENTS_PAGE_MAX = 100

_RETRY_CODES = {1, 6, 9, 10}  # unknown, too many requests per second, flood, internal
_AUTH_CODES = {
    5: 401,
    7: 403,
    15: 403,
    17: 403,
    27: 403,
    28: 403,
    30: 403,
    200: 403,
    203: 403,
    212: 403,
    213: 403,
}
COMMENT_EVENTS = ("wall_reply_new", "wall_reply_edit", "wall_reply_restore")
POST_EVENTS = ("wall_post_new", "wall_repost")
MESSAGE_EVENTS = ("message_new", "message_edit")
# Private messages to the community carry peer ids of people (> 0) or of chats (2e9 + n).
_MESSAGE_ID = re.compile(r"^msg(-?\d+)_(c?)(\d+)$")


def post_url(owner_id, post_id):
    return f"https://vk.com/wall{owner_id}_{post_id}"


def comment_url(owner_id, post_id, comment_id):
    return f"https://vk.com/wall{owner_id}_{post_id}?reply={comment_id}"


def _authors(data):
    """{from_id: author dict} from an extended response's ``profiles``/``groups``."""
    authors = {}
    for profile in (data or {}).get("profiles") or []:
        pid = profile.get("id")
        name = " ".join(p for p in (profile.get("first_name"), profile.get("last_name")) if p)
        authors[pid] = {
            "external_id": str(pid),
            "name": name,
            "handle": profile.get("screen_name") or "",
            "url": f"https://vk.com/id{pid}",
            "followers": to_int(profile.get("followers_count")),
        }
    for group in (data or {}).get("groups") or []:
        gid = group.get("id")
        authors[-abs(to_int(gid))] = {
            "external_id": str(-abs(to_int(gid))),
            "name": group.get("name") or "",
            "handle": group.get("screen_name") or "",
            "url": f"https://vk.com/club{abs(to_int(gid))}",
            "followers": to_int(group.get("members_count")),
        }
    return authors


def _author(from_id, authors):
    if from_id in (None, "", 0):
        return None
    from_id = to_int(from_id)
    if from_id in authors:
        return authors[from_id]
    url = f"https://vk.com/id{from_id}" if from_id > 0 else f"https://vk.com/club{-from_id}"
    return {"external_id": str(from_id), "name": "", "handle": "", "url": url, "followers": 0}


def map_post(item, authors=None):
    owner, pid = item.get("owner_id"), item.get("id")
    if owner is None or pid is None:
        raise PayloadError(f"post {item.get('id')!r} has no owner_id or id")
    copy = (item.get("copy_history") or [{}])[0]
    parent = f"{copy['owner_id']}_{copy['id']}" if copy.get("owner_id") and copy.get("id") else ""
    return {
        "external_id": f"{owner}_{pid}",
        "url": post_url(owner, pid),
        "text": item.get("text") or copy.get("text") or "",
        "published_at": iso_utc(item.get("date")),
        "platform": "vk",
        "parent_external_id": parent,
        "likes": to_int(item.get("likes")),
        "reposts": to_int(item.get("reposts")),
        "comments": to_int(item.get("comments")),
        "author": _author(item.get("from_id") or item.get("signer_id") or owner, authors or {}),
        "raw": item,
    }


def map_comment(item, owner_id, post_id, authors=None):
    cid = item.get("id")
    if cid is None or owner_id is None or post_id is None:
        raise PayloadError(f"comment {cid!r} has no id, post_id or owner")
    reply_to = item.get("reply_to_comment")
    parent = f"{owner_id}_{post_id}_{reply_to}" if reply_to else f"{owner_id}_{post_id}"
    return {
        "external_id": f"{owner_id}_{post_id}_{cid}",
        "url": comment_url(owner_id, post_id, cid),
        "text": item.get("text") or "",
        "published_at": iso_utc(item.get("date")),
        "platform": "vk",
        "parent_external_id": parent,
        "likes": to_int(item.get("likes")),
        "comments": to_int(item.get("thread")),
        "author": _author(item.get("from_id"), authors or {}),
        "raw": item,
    }


def message_external_id(message):
    """``msg<peer_id>_<id>``; in a chat the community sees only the chat's own numbering
    (``conversation_message_id``), kept as ``msg<peer_id>_c<n>``."""
    peer = message.get("peer_id") or message.get("from_id")
    if to_int(message.get("id")):
        return f"msg{peer}_{message['id']}"
    if message.get("conversation_message_id"):
        return f"msg{peer}_c{message['conversation_message_id']}"
    return ""


def map_message(message, raw):
    """A private message to the community (Callback API ``message_new`` / ``message_edit``)
    → a record marked private, or None when it has no text (a sticker, a photo alone)."""
    if not isinstance(message, dict) or message.get("peer_id") in (None, ""):
        raise PayloadError(f"VK message event {raw.get('event_id') or '?'} has no peer_id")
    ext = message_external_id(message)
    if not ext:
        raise PayloadError(f"VK message from {message.get('from_id')} has no id")
    return {
        "external_id": ext,
        "url": "",
        "text": (message.get("text") or "").strip(),
        "published_at": iso_utc(message.get("update_time") or message.get("date")),
        "platform": "vk",
        "parent_external_id": "",
        "private": True,
        "author": _author(message.get("from_id"), {}),
        "raw": raw,
    }


def is_private_event(raw):
    """True for a stored Callback API event of a private message."""
    return raw.get("type") in MESSAGE_EVENTS


@register
class VKAdapter(SourceAdapter):
    kind = "vk"
    label = _lt("VK")
    sequence = 50
    help = _lt(
        "API key: an access token (a community token with access to messages also "
        "answers private messages). Search mode reads posts matching the search query; "
        "wall mode reads comments on the community whose id is the account. Callback "
        "API: give VK the webhook URL and the confirmation string below. Setting a "
        "secret key is recommended: enter the same one in Secret and in the community's "
        "Callback API settings; without it, events are accepted from anyone who knows "
        "the webhook URL."
    )
    source_fields = {
        "access_token": "api_key",
        "secret": "api_secret",
        "group_id": "account",
        "mode": "vk_mode",
        "query": "search_query",
        "confirmation": "confirmation_code",
        "posts_depth": "posts_depth",
    }
    default_base_url = "https://api.vk.com/method"
    can_reply = True
    credential_fields = [
        ("access_token", "Access token", True),
        ("secret", "Callback API secret key", True),
    ]
    config_fields = [
        ("mode", "Mode (search / wall)", False),
        ("query", "Search query", False),
        ("group_id", "Community id", False),
        ("confirmation", "Callback API confirmation string", False),
        ("posts_depth", "Wall posts to watch", False),
    ]

    # -- HTTP: VK reports errors in 200 bodies -------------------------------------------------
    def _response_error(self, resp, what):
        error = super()._response_error(resp, what)
        if error is not None:
            return error
        try:
            data = resp.json()
        except ValueError:
            return None  # _json() reports the malformed page
        vk_error = data.get("error") if isinstance(data, dict) else None
        if not isinstance(vk_error, dict):
            return None
        code = to_int(vk_error.get("error_code"), -1)
        msg = self._redact(vk_error.get("error_msg") or "unknown error")
        text = f"{what}: VK error {code}: {msg}"
        if code in _RETRY_CODES:
            return (
                RateLimited(text, status=resp.status_code)
                if code in (6, 9)
                else SourceError(text, status=resp.status_code, retryable=True)
            )
        if code == 29:  # per-method daily quota: not worth waiting for in-process
            return RateLimited(text, retry_after=3600.0)
        if code in _AUTH_CODES:
            return AuthError(text, status=_AUTH_CODES[code])
        return SourceError(text, status=resp.status_code)

    def _call(self, method, params, what, post=False):
        params = dict(params, v=API_VERSION)
        headers = {"Authorization": f"Bearer {self._conf('access_token')}"}
        if post:  # VK takes POST bodies form-encoded only; guid makes them idempotent
            resp = self._request("POST", f"/{method}", data=params, headers=headers, what=what)
        else:
            resp = self._request("GET", f"/{method}", params=params, headers=headers, what=what)
        data = self._json(resp, what)
        if not isinstance(data, dict) or "response" not in data:
            raise SourceError(f"{what}: the answer has no 'response'", retryable=True)
        return data["response"]

    # -- pull ---------------------------------------------------------------------------------
    def fetch(self, cursor, limit=500):
        mode = (self.config.get("mode") or "search").strip()
        if mode == "wall":
            return self._fetch_wall(cursor or {}, limit)
        if mode != "search":
            raise SourceError(f"VK: unknown mode '{mode}'; use 'search' or 'wall'")
        return self._fetch_search(cursor or {}, limit)

    def _fetch_search(self, cursor, limit):
        query = self._conf("query")
        now = int(self.config.get("now") or time.time())
        state = dict(cursor)
        if not state.get("next_from"):  # a new window
            start = (
                state.get("start_time") or now - int(self.config.get("initial_hours") or 24) * 3600
            )
            state = {"start_time": int(start), "end_time": now, "window_max": 0}
        records, errors = [], []
        while True:
            params = {
                "q": query,
                "extended": 1,
                "count": min(SEARCH_PAGE_MAX, max(1, limit)),
                "start_time": state["start_time"],
                "end_time": state["end_time"],
                "fields": "screen_name,followers_count,members_count",
            }
            if state.get("next_from"):
                params["start_from"] = state["next_from"]
            what = f"VK newsfeed.search '{query}' from {state['start_time']}"
            data = self._call("newsfeed.search", params, what)
            items = data.get("items") if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise SourceError(f"{what}: the answer has no 'items' list", retryable=True)
            authors = _authors(data)
            for item in items:
                label = (
                    f"VK post {item.get('owner_id')}_{item.get('id')}"
                    if isinstance(item, dict)
                    else "VK post"
                )
                good, bad = map_item(item, lambda it, authors=authors: map_post(it, authors), label)
                records += good
                errors += bad
                if good:
                    state["window_max"] = max(
                        state.get("window_max") or 0, to_int(item.get("date"))
                    )
            state["next_from"] = data.get("next_from") or ""
            if not state["next_from"] or not items or len(records) >= limit:
                break
        more = bool(state["next_from"])
        if not more:  # window done: the next one starts after the newest post seen
            newest = state.get("window_max") or 0
            state = {"start_time": max(newest + 1, state["start_time"])}
        return FetchResult(records=records, cursor=state, more=more, errors=errors)

    def _fetch_wall(self, cursor, limit):
        owner = -abs(to_int(self._conf("group_id")))
        depth = max(1, min(100, to_int(self.config.get("posts_depth"), 10)))
        what = f"VK wall.get of community {-owner}"
        wall = self._call("wall.get", {"owner_id": owner, "count": depth, "extended": 1}, what)
        posts = wall.get("items") if isinstance(wall, dict) else None
        if not isinstance(posts, list):
            raise SourceError(f"{what}: the answer has no 'items' list", retryable=True)
        seen = {str(k): to_int(v) for k, v in (cursor.get("posts") or {}).items()}
        records, errors, more = [], [], False
        watched = {}
        for post in posts:
            pid = post.get("id")
            if pid is None:
                continue
            last = seen.get(str(pid), 0)
            watched[str(pid)] = last
            if len(records) >= limit:
                more = True
                continue
            if to_int(post.get("comments")) == 0:
                continue
            new, last, post_more = self._post_comments(
                owner, pid, last, limit - len(records), errors
            )
            records.extend(new)
            watched[str(pid)] = last
            more = more or post_more
        return FetchResult(records=records, cursor={"posts": watched}, more=more, errors=errors)

    def _post_comments(self, owner, pid, last, budget, errors):
        records = []
        while True:
            params = {
                "owner_id": owner,
                "post_id": pid,
                "sort": "asc",
                "need_likes": 1,
                "count": COMMENTS_PAGE_MAX,
                "extended": 1,
                "thread_items_count": 10,
                "preview_length": 0,
                "fields": "screen_name,followers_count",
            }
            if last:
                params["start_comment_id"] = last
            what = f"VK wall.getComments of post {owner}_{pid} after comment {last}"
            data = self._call("wall.getComments", params, what)
            items = data.get("items") if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise SourceError(f"{what}: the answer has no 'items' list", retryable=True)
            authors = _authors(data)
            fresh = [c for c in items if to_int(c.get("id")) > last]
            for comment in fresh:
                batch = [comment] + list((comment.get("thread") or {}).get("items") or [])
                for item in batch:
                    good, bad = map_item(
                        item,
                        lambda it, authors=authors: map_comment(it, owner, pid, authors),
                        f"VK comment on {owner}_{pid}",
                    )
                    records += good
                    errors += bad
                last = max(last, to_int(comment.get("id")))
            if len(items) < COMMENTS_PAGE_MAX or not fresh:
                return records, last, False
            if len(records) >= budget:
                return records, last, True

    def test_connection(self):
        if (self.config.get("mode") or "search") == "wall":
            owner = -abs(to_int(self._conf("group_id")))
            self._call("wall.get", {"owner_id": owner, "count": 1}, "VK wall.get")
            return f"VK: the wall of community {-owner} is readable"
        data = self._call(
            "newsfeed.search", {"q": self._conf("query"), "count": 1}, "VK newsfeed.search"
        )
        return f"VK: search works ({to_int((data or {}).get('total_count'))} posts found)"

    # -- push (Callback API) --------------------------------------------------------------------
    def _check_event_secret(self, event):
        """The ``secret`` field against the source's: required when one is configured;
        without one, an event without a secret is accepted (VK sends none when the community
        has none set) and one that VK does send must match the source's webhook token."""
        given = event.get("secret")
        configured = self.config.get("secret")
        if configured:
            check_secret(given, configured, "secret")
        elif given not in (None, ""):
            if not self.config.get("webhook_token"):
                raise AuthError(
                    "VK sends a secret key but none is configured on this "
                    "source; enter the community's Callback API secret key",
                    403,
                )
            check_secret(given, self.config.get("webhook_token"), "secret")

    def authenticate_request(self, headers, query=None, path_token=None):
        return False  # VK's secret is a field of the event's body

    def parse_webhook(self, headers, body, query=None, path_token=None):
        event = load_json_body(body, self.max_body, "VK Callback API event")
        if not isinstance(event, dict) or not event.get("type"):
            raise PayloadError("VK Callback API event has no 'type'")
        kind = event["type"]
        group = self.config.get("group_id")
        if group and to_int(event.get("group_id")) != abs(to_int(group)):
            raise AuthError(
                f"event is for community {event.get('group_id')}, not {abs(to_int(group))}", 403
            )
        if kind == "confirmation":
            # The answer is only the confirmation string, which VK itself shows in the
            # community settings; a secret sent with the handshake must still be right.
            if event.get("secret") not in (None, ""):
                self._check_event_secret(event)
            confirmation = self.config.get("confirmation")
            if not confirmation:
                raise AuthError("no Callback API confirmation string is configured", 403)
            return Delivery(reply=str(confirmation), event_id="")
        self._check_event_secret(event)
        event_id = str(event.get("event_id") or "")
        obj = event.get("object")
        if not isinstance(obj, dict):
            raise PayloadError(f"VK event {event_id or kind} has no 'object'")
        raw = {k: v for k, v in event.items() if k != "secret"}
        result = Delivery(reply="ok", event_id=event_id)
        label = f"VK {kind} event {event_id}".strip()
        community = abs(to_int(group))
        if (
            kind in COMMENT_EVENTS + POST_EVENTS
            and community
            and to_int(obj.get("from_id")) == -community
        ):
            # the community's own posts and the answers posted from it come back as events
            result.skip(label, f"written by the community {community} itself")
        elif kind in COMMENT_EVENTS:
            owner = obj.get("post_owner_id", obj.get("owner_id"))
            record = map_comment(obj, owner, obj.get("post_id"))
            self._keep(dict(record, raw=raw), label, result, obj.get("attachments"))
        elif kind in POST_EVENTS:
            self._keep(dict(map_post(obj), raw=raw), label, result, obj.get("attachments"))
        elif kind in MESSAGE_EVENTS:
            # message_new wraps the message with the client's abilities; message_edit (and
            # API versions before 5.103) send the message itself.
            message = obj.get("message") if isinstance(obj.get("message"), dict) else obj
            if to_int(message.get("out")):
                result.skip(label, "a message the community itself sent")
            else:
                self._keep(map_message(message, raw), label, result, message.get("attachments"))
        elif kind == "wall_reply_delete":
            result.skip(
                label,
                f"comment {obj.get('owner_id')}_{obj.get('post_id')}_"
                f"{obj.get('id')} was deleted on VK; the mention already "
                "received is kept",
            )
        elif kind == "message_reply":
            result.skip(label, "a message the community itself sent")
        else:
            result.skip(label, f"'{kind}' is a service event, not someone's words")
        return self._dedupe(result)

    @staticmethod
    def _keep(record, label, result, attachments=None):
        if record["text"]:
            result.records.append(record)
            return
        kinds = (
            ", ".join(
                sorted({str(a.get("type")) for a in attachments or [] if isinstance(a, dict)})
            )
            or "no content"
        )
        result.skip(label, f"{record['external_id']} has no text ({kinds})")

    # -- reply ---------------------------------------------------------------------------------
    can_enrich_authors = True

    def enrich_authors(self, external_ids):
        """Names, handles and audiences of VK users ("123") and communities ("-45") that a
        Callback event gave only by id: one users.get and one groups.getById call. Ids VK no
        longer knows keep their id as handle, so they are not asked again."""
        people = [ext for ext in external_ids if not ext.startswith("-")]
        groups = [ext[1:] for ext in external_ids if ext.startswith("-")]
        found = {}
        if people:
            data = self._call(
                "users.get",
                {"user_ids": ",".join(people), "fields": "screen_name,followers_count"},
                "VK users.get",
            )
            for item in data if isinstance(data, list) else []:
                name = " ".join(p for p in (item.get("first_name"), item.get("last_name")) if p)
                found[str(item.get("id"))] = {
                    "name": name,
                    "handle": item.get("screen_name") or f"id{item.get('id')}",
                    "followers": item.get("followers_count") or 0,
                }
        if groups:
            data = self._call(
                "groups.getById",
                {"group_ids": ",".join(groups), "fields": "members_count"},
                "VK groups.getById",
            )
            items = data.get("groups", []) if isinstance(data, dict) else data
            for item in items if isinstance(items, list) else []:
                found[f"-{item.get('id')}"] = {
                    "name": item.get("name") or "",
                    "handle": item.get("screen_name") or f"club{item.get('id')}",
                    "followers": item.get("members_count") or 0,
                }
        for ext in external_ids:
            found.setdefault(
                ext, {"handle": f"club{ext[1:]}" if ext.startswith("-") else f"id{ext}"}
            )
        return found

    def post_reply(self, target, text):
        ext = str(target.get("external_id") or "")
        if ext.startswith("msg") or is_private(target, is_private_event):
            return self._send_message(target, text)
        parts = ext.split("_")
        if len(parts) not in (2, 3) or not all(p.lstrip("-").isdigit() for p in parts):
            raise SourceError(f"VK: cannot reply to '{ext}': not a post or comment id")
        owner, post = int(parts[0]), int(parts[1])
        params = {
            "owner_id": owner,
            "post_id": post,
            "message": text,
            # the same reply to the same mention is posted once, even when retried
            "guid": hashlib.sha1(f"{ext}\n{text}".encode()).hexdigest()[:32],
        }
        if len(parts) == 3:
            params["reply_to_comment"] = int(parts[2])
        group = self.config.get("group_id")
        if group and owner == -abs(to_int(group)):
            params["from_group"] = abs(to_int(group))
        what = f"VK: reply to {ext}"
        data = self._call("wall.createComment", params, what, post=True)
        cid = (data or {}).get("comment_id") if isinstance(data, dict) else None
        if not cid:
            raise SourceError(f"{what}: VK returned no comment_id")
        return {"external_id": f"{owner}_{post}_{cid}", "url": comment_url(owner, post, cid)}

    def _send_message(self, target, text):
        """Answer a private message with ``messages.send`` to its dialog (``peer_id``).

        ``random_id`` is derived from the mention and the text, so a retried send of the
        same answer is delivered once (VK drops a repeated random_id in the same dialog)."""
        ext = str(target.get("external_id") or "")
        raw = target.get("raw") if isinstance(target.get("raw"), dict) else {}
        obj = raw.get("object") if isinstance(raw.get("object"), dict) else {}
        message = obj.get("message") if isinstance(obj.get("message"), dict) else obj
        match = _MESSAGE_ID.match(ext)
        peer = to_int(message.get("peer_id")) or (to_int(match.group(1)) if match else 0)
        what = f"VK: answer to message {ext or '?'}"
        if not peer:
            raise SourceError(f"{what}: the dialog (peer_id) of the message is unknown")
        check_length("vk", text, what)
        digest = hashlib.sha1(f"{ext}\n{text}".encode()).hexdigest()
        params = {"peer_id": peer, "random_id": int(digest[:8], 16) & 0x7FFFFFFF, "message": text}
        data = self._call("messages.send", params, what, post=True)
        if isinstance(data, list) and data and isinstance(data[0], dict):
            data = data[0]
        mid = data.get("message_id") if isinstance(data, dict) else data
        if not to_int(mid):
            raise SourceError(f"{what}: VK returned no message id")
        return {"external_id": f"msg{peer}_{to_int(mid)}", "url": ""}
