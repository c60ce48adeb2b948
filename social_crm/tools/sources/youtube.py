"""YouTube Data API v3: comment threads of a channel or a video, replies.

``commentThreads.list`` (1 unit) with ``allThreadsRelatedToChannelId`` or ``videoId``, optional
``searchTerms``, ``order=time``.  There is no ``since`` parameter: a pass pages with
``pageToken`` from the newest thread down and stops at the newest ``publishedAt`` persisted by
the previous pass.  Cursor: ``{"newest": ISO}`` between passes, plus ``page_token``,
``stop_at`` and ``pass_newest`` while a pass is split over several calls.

Reading uses the API key; replying (``comments.insert``, 50 units) needs an OAuth access token
with the ``youtube.force-ssl`` scope, refreshed by the caller.
"""
from __future__ import annotations

from datetime import datetime

from ..schema import parse_datetime
from .base import _lt, register, AuthError, FetchResult, PayloadError, RateLimited, \
    SourceAdapter, SourceError, author_dict, item_label, map_item, to_int

PAGE_MAX = 100
_RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
_QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded"}
_AUTH_REASONS = {"keyInvalid", "keyExpired", "authError", "forbidden",
                 "insufficientPermissions", "ineligibleAccount"}


def _when(value):
    """publishedAt as a comparable datetime (formats vary: with or without fractions)."""
    try:
        return parse_datetime(value) or datetime.min
    except ValueError:
        return datetime.min


def comment_url(video_id, comment_id):
    if not video_id:
        return ""
    return f"https://www.youtube.com/watch?v={video_id}&lc={comment_id}"


def map_comment(comment, video_id="", replies=0):
    snippet = (comment or {}).get("snippet") or {}
    cid = (comment or {}).get("id")
    if not cid:
        raise PayloadError("comment has no id")
    video_id = snippet.get("videoId") or video_id
    channel = (snippet.get("authorChannelId") or {}).get("value") or ""
    return {
        "external_id": cid,
        "url": comment_url(video_id, cid),
        "text": snippet.get("textOriginal") or snippet.get("textDisplay") or "",
        "published_at": snippet.get("publishedAt") or "",
        "platform": "youtube",
        "parent_external_id": snippet.get("parentId") or "",
        "likes": to_int(snippet.get("likeCount")),
        "comments": to_int(replies),
        "author": author_dict(channel or snippet.get("authorDisplayName"),
                              snippet.get("authorDisplayName"), "",
                              snippet.get("authorChannelUrl")),
        "raw": comment,
    }


def map_thread(thread):
    """A ``commentThread`` → the top-level comment's record and those of the replies in it."""
    if not isinstance(thread, dict):
        raise PayloadError("a comment thread is not an object")
    snippet = thread.get("snippet") or {}
    top = snippet.get("topLevelComment")
    if not isinstance(top, dict):
        raise PayloadError(f"thread {thread.get('id')!r} has no topLevelComment")
    video = snippet.get("videoId") or ""
    records = [map_comment(top, video, snippet.get("totalReplyCount"))]
    for reply in (thread.get("replies") or {}).get("comments") or []:
        records.append(map_comment(reply, video))
    return records


@register
class YouTubeAdapter(SourceAdapter):
    kind = "youtube"
    label = _lt("YouTube")
    sequence = 70
    help = _lt("Account: the channel id (or a video id below). API key: a YouTube Data API key. "
               "Replies need an OAuth token with the youtube.force-ssl scope.")
    source_fields = {"api_key": "api_key", "access_token": "reply_token",
                     "channel_id": "account", "video_id": "video_id",
                     "search_terms": "search_query"}
    default_base_url = "https://www.googleapis.com/youtube/v3"
    can_reply = True
    credential_fields = [("api_key", "API key", True),
                         ("access_token", "OAuth access token (for replies)", True)]
    config_fields = [("channel_id", "Channel ID", False), ("video_id", "Video ID", False),
                     ("search_terms", "Search terms", False)]

    def _response_error(self, resp, what):
        error = super()._response_error(resp, what)
        if error is None or resp.status_code not in (400, 403):
            return error
        try:
            reasons = {e.get("reason") for e in resp.json()["error"].get("errors") or []}
        except (ValueError, KeyError, TypeError, AttributeError):
            return error
        if reasons & _QUOTA_REASONS:
            return RateLimited(f"{error.message} — the daily API quota is used up",
                               status=resp.status_code, retry_after=3600.0)
        if reasons & _RATE_REASONS:
            return RateLimited(error.message, status=resp.status_code)
        if reasons & _AUTH_REASONS:
            return AuthError(error.message, status=resp.status_code)
        return error

    def _filter(self):
        if self.config.get("video_id"):
            return {"videoId": self.config["video_id"]}
        return {"allThreadsRelatedToChannelId": self._conf("channel_id")}

    def fetch(self, cursor, limit=500):
        key = self._conf("api_key")
        state = dict(cursor or {})
        if "stop_at" not in state:  # a new pass from the newest thread
            state = {"stop_at": state.get("newest") or "", "pass_newest": state.get("newest")
                     or "", "page_token": ""}
        stop_at = state["stop_at"]
        records, errors, done = [], [], False
        while len(records) < limit:
            params = dict(self._filter(), part="snippet,replies", order="time",
                          maxResults=min(PAGE_MAX, max(1, int(limit))),
                          textFormat="plainText", key=key)
            if self.config.get("search_terms"):
                params["searchTerms"] = self.config["search_terms"]
            if state.get("page_token"):
                params["pageToken"] = state["page_token"]
            page_name = f"page {state['page_token']}" if state.get("page_token") else "first page"
            what = f"YouTube commentThreads {page_name}"
            data = self._get_json("/commentThreads", what, params=params)
            items = data.get("items") if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise SourceError(f"{what}: the answer has no 'items' list", retryable=True)
            for thread in items:
                # Each thread on its own: a poison comment is an error entry, the others are
                # kept, and only accepted comments move the pass's newest date (a comment
                # dated 9999 must not make every later pass stop at once).
                thread_records, bad = map_item(thread, map_thread,
                                               item_label("YouTube thread", thread, "id"))
                errors.extend(bad)
                if not thread_records:
                    continue
                published = thread_records[0]["published_at"]
                if stop_at and published and _when(published) <= _when(stop_at):
                    # Older than the last pass: only replies newer than it are news.
                    records.extend(r for r in thread_records[1:]
                                   if _when(r["published_at"]) > _when(stop_at))
                    done = True
                    break
                records.extend(thread_records)
                state["pass_newest"] = max([r["published_at"] for r in thread_records]
                                           + [state["pass_newest"]], key=_when)
            state["page_token"] = data.get("nextPageToken") or ""
            if done or not state["page_token"]:
                done = True
                break
        if done:
            state = {"newest": state["pass_newest"]}
        return FetchResult(records=records, cursor=state, more=not done, errors=errors)

    def test_connection(self):
        params = dict(self._filter(), part="snippet", maxResults=1, key=self._conf("api_key"))
        self._get_json("/commentThreads", "YouTube commentThreads", params=params)
        return "YouTube: comment threads are readable"

    def post_reply(self, target, text):
        token = self._conf("access_token")
        raw = target.get("raw") or {}
        snippet = raw.get("snippet") or {}
        # Replies attach to the top-level comment, even when answering a reply.
        parent = snippet.get("parentId") or target.get("external_id")
        if not parent:
            raise SourceError("YouTube: cannot reply: the comment id is unknown")
        what = f"YouTube: reply to comment {target.get('external_id')}"
        resp = self._request("POST", "/comments", params={"part": "snippet"},
                             json={"snippet": {"parentId": parent, "textOriginal": text}},
                             headers={"Authorization": f"Bearer {token}"}, idempotent=False,
                             what=what)
        data = self._json(resp, what)
        cid = data.get("id") if isinstance(data, dict) else None
        if not cid:
            raise SourceError(f"{what}: YouTube returned no comment id")
        video = snippet.get("videoId") or ((data.get("snippet") or {}).get("videoId")) or ""
        return {"external_id": cid, "url": comment_url(video, cid)}
