"""Brand Analytics: ``feed.messages`` pull; exports go through files.py.

Incremental recipe from the Feed API docs: a window on ``tsFrom``…``tsTo`` (the time BA saved
a message), a wide ``timeFrom``/``timeTo`` (publication), ``sortingField=time_store`` ascending,
paged with ``offset`` (``limit`` ≤ 150).  The window end is fixed while paging, so messages
saved meanwhile fall into the next window instead of shifting the offsets; consecutive windows
share their boundary second (a re-read message updates, never doubles: the key is ``hash``).

Cursor: ``{ts_from, ts_to, offset}`` while a window is being paged, ``{ts_from}`` between
windows.  BA has no push and no reply API.
"""
from __future__ import annotations

import time

from ..schema import normalize_lang
from .base import _lt, register, FetchResult, PayloadError, SourceAdapter, SourceError, \
    author_dict, iso_utc, item_label, map_item, platform_from, strip_html, to_int

PAGE_MAX = 150
# hubtypeId as in filter[fm]: 1 microblogs, 2 blogs, 3 social, 4 news, 5 video, 6 forums,
# 7 reviews.
_HUBTYPES = {4: "news", 6: "forum"}


def map_message(item):
    if not isinstance(item, dict):
        raise PayloadError(f"a message is not an object: {item!r:.60}")
    ext = item.get("hash") or item.get("id")
    if ext in (None, ""):
        raise PayloadError("message has neither hash nor id")
    author = item.get("authorRow") or item.get("authorObject") or {}
    followers = author.get("readers_count") or author.get("subscribers_count") or \
        author.get("members_count") or author.get("friends_count")
    hub = item.get("hubName") or item.get("hubTitle") or item.get("hub") or ""
    if isinstance(hub, dict):
        hub = hub.get("name") or hub.get("url") or hub.get("title") or ""
    rating = item.get("review_rating")
    if isinstance(rating, dict):
        rating = rating.get("result")
    elif isinstance(rating, list):  # BA sends [] when there is no rating
        rating = None
    parent = ""
    if item.get("isComment") or item.get("isRepost"):
        parent = item.get("root_hash") or ""
    return {
        "external_id": str(ext),
        "url": item.get("url") or "",
        "title": strip_html(item.get("title")),
        "text": item.get("textNorm") or strip_html(item.get("text"))
        or strip_html(item.get("title")),
        "published_at": iso_utc(item.get("timeCreate")),
        "platform": platform_from(hub or item.get("url"),
                                  _HUBTYPES.get(to_int(item.get("hubtypeId")), "")
                                  or item.get("hubtype") or ""),
        "lang": normalize_lang(item.get("lang") or item.get("langCode") or item.get("language")),
        "sentiment": item.get("toneMark") if item.get("toneMark") not in (None, "") else "",
        "rating": rating,
        "parent_external_id": parent,
        "reach": to_int(item.get("audienceCount")),
        "likes": to_int(item.get("likesCount")),
        "reposts": to_int(item.get("repostsCount")),
        "comments": to_int(item.get("commentsCount")),
        "author": author_dict(author.get("id_external") or author.get("hash"),
                              author.get("fullname"), author.get("nickname"),
                              author.get("url"), followers),
        "raw": item,
    }


def _messages(data):
    """The list of messages whatever the envelope (a list, ``data``, ``items``…)."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("data", "items", "messages", "result"):
            value = data.get(key)
            if isinstance(value, list):
                return value
            if isinstance(value, dict):
                inner = _messages(value)
                if inner is not None:
                    return inner
    return None


@register
class BrandAnalyticsAdapter(SourceAdapter):
    kind = "brand_analytics"
    label = _lt("Brand Analytics")
    sequence = 40
    help = _lt("Account: the theme id. API key: the Brand Analytics API token.")
    source_fields = {"token": "api_key", "theme_id": "account"}
    default_base_url = "https://bans-api.brandanalytics.ru/ba_api"
    credential_fields = [("token", "API token", True)]
    config_fields = [("theme_id", "Theme ID", False),
                     ("initial_hours", "First import: hours back", False),
                     ("time_window_days", "Publication window (days)", False)]

    def fetch(self, cursor, limit=500):
        theme = self._conf("theme_id")
        token = self._conf("token")
        now = int(self.config.get("now") or time.time())
        state = dict(cursor or {})
        if "ts_to" not in state:  # a new window
            start = state.get("ts_from") or now - int(self.config.get("initial_hours") or 24) \
                * 3600
            state = {"ts_from": int(start), "ts_to": now, "offset": 0}
        page = max(1, min(PAGE_MAX, int(limit)))
        days = int(self.config.get("time_window_days") or 90)
        records, errors, window_done = [], [], False
        while len(records) + len(errors) < limit:
            params = {"token": token, "themeId": theme, "timeFrom": now - days * 86400,
                      "timeTo": now, "tsFrom": state["ts_from"], "tsTo": state["ts_to"],
                      "sortingField": "time_store", "sortingOrder": "ASC",
                      "offset": state["offset"], "limit": page}
            what = (f"Brand Analytics theme {theme} messages saved {state['ts_from']}–"
                    f"{state['ts_to']} at offset {state['offset']}")
            data = self._get_json("/feed.messages", what, params=params)
            if isinstance(data, dict) and data.get("error") and _messages(data) is None:
                error = data["error"]
                if isinstance(error, dict):
                    error = error.get("message") or error.get("description") or error
                raise SourceError(f"{what}: {self._redact(error)}")
            items = _messages(data)
            if items is None:
                raise SourceError(f"{what}: the answer holds no list of messages",
                                  retryable=True)
            for item in items:
                # Each message on its own: a poison one is an error entry and the offset
                # moves past it, so the next run does not read it again.
                label = item_label("Brand Analytics message", item, "hash", "id")
                if label.endswith(" ?"):
                    label = f"Brand Analytics message at offset {state['offset']}"
                good, bad = map_item(item, map_message, label)
                records.extend(good)
                errors.extend(bad)
                state["offset"] += 1
            if len(items) < page:
                window_done = True
                break
        if window_done:
            state = {"ts_from": state["ts_to"]}
        return FetchResult(records=records, cursor=state, more=not window_done, errors=errors)

    def test_connection(self):
        result = self.fetch(None, limit=1)
        return f"Brand Analytics: theme {self.config.get('theme_id')} is readable " \
               f"({len(result.records)} message(s) in the last day's first page)"
