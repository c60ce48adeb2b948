"""YouScan: API pull (``sinceSeq`` + ``orderBy=seqAsc``) and WebhookMention push.

The API has no reply endpoint, so ``post_reply`` is not offered.  The webhook has no
signature: YouScan is given a URL with our token in the path (optionally Basic auth too).
"""

from __future__ import annotations

import base64

from ..schema import normalize_lang
from .base import (
    AuthError,
    FetchResult,
    PayloadError,
    SourceAdapter,
    SourceError,
    WebhookResult,
    _lt,
    author_dict,
    check_secret,
    domain_of,
    header,
    item_label,
    load_json_body,
    map_item,
    normalize_url,
    platform_from,
    register,
    strip_html,
    to_int,
)
from .webhook import TOKEN_HEADER

PAGE_MAX = 1000  # YouScan's maximum ``size``


def mention_external_id(post_id, source, url, mention_id=""):
    """``postId`` is unique only within its platform, so it is namespaced by the domain;
    without it the normalized URL, as for exports; YouScan's own id as a last resort."""
    domain = domain_of(source) or domain_of(url)
    if post_id not in (None, ""):
        return f"{domain}:{post_id}" if domain else str(post_id)
    if url:
        return normalize_url(url)
    return f"youscan:{mention_id}" if mention_id not in (None, "") else ""


def map_mention(item, webhook=False):
    """One API ``Mention`` (or a ``WebhookMention`` when ``webhook``) → normalized record."""
    if not isinstance(item, dict):
        raise PayloadError(f"a mention is not an object: {item!r:.60}")
    source = item.get("sourceName" if webhook else "source") or ""
    resource_type = item.get("resourceType" if webhook else "sourceType") or ""
    url = item.get("url") or ""
    own_id = item.get("mentionId" if webhook else "id")
    author = item.get("author") or {}
    if webhook:
        counters = item
    else:
        counters = item.get("engagement") or {}
    text = (item.get("text") if webhook else (item.get("fullText") or item.get("text"))) or ""
    title = strip_html(item.get("title"))
    return {
        "external_id": mention_external_id(item.get("postId"), source, url, own_id),
        "url": url,
        "title": title,
        "text": strip_html(text) or title,  # some sources (reviews, video) give a title only
        "published_at": item.get("published") or item.get("addedAt") or "",
        "platform": platform_from(source or url, resource_type),
        "lang": normalize_lang(item.get("language")),
        "sentiment": "" if item.get("sentiment") in (None, "undefined") else item["sentiment"],
        "rating": item.get("rating"),
        "parent_external_id": mention_external_id(item.get("parentPostId"), source, "")
        if item.get("parentPostId") not in (None, "")
        else "",
        "reach": to_int(item.get("potentialReach")),
        "likes": to_int(counters.get("likes")),
        "reposts": to_int(counters.get("reposts")),
        "comments": to_int(counters.get("comments")),
        "author": author_dict(
            author.get("profileId"),
            author.get("name"),
            author.get("nickname"),
            author.get("url"),
            author.get("subscribers"),
        ),
        "raw": item,
    }


def _seq(item):
    """A mention's ``seq`` as an int, None when missing or not a number."""
    seq = item.get("seq") if isinstance(item, dict) else None
    try:
        return int(seq) if seq not in (None, "") and not isinstance(seq, bool) else None
    except (TypeError, ValueError):
        return None


def _map_pulled(item):
    record = map_mention(item)
    if not record["text"] and not record["title"]:
        raise PayloadError("has no text (YouScan strips X/Twitter texts)")
    return record


def _map_pushed(item):
    if not isinstance(item, dict):
        raise PayloadError("is not a JSON object")
    if (
        item.get("mentionId") in (None, "")
        and not item.get("url")
        and item.get("postId") in (None, "")
    ):
        raise PayloadError(
            "has neither mentionId, postId nor url; it is not a YouScan WebhookMention"
        )
    return map_mention(item, webhook=True)


@register
class YouScanAdapter(SourceAdapter):
    kind = "youscan"
    label = _lt("YouScan")
    sequence = 30
    help = _lt(
        "Account: the topic id. API key: YouScan's X-API-KEY. For the webhook, give "
        "YouScan the webhook URL: it carries the token in its path."
    )
    source_fields = {"api_key": "api_key", "topic_id": "account"}
    default_base_url = "https://api.youscan.io/api/external"
    credential_fields = [
        ("api_key", "API key", True),
        ("basic_password", "Webhook Basic auth password (optional)", True),
    ]
    config_fields = [
        ("topic_id", "Topic ID", False),
        ("basic_user", "Webhook Basic auth user (optional)", False),
    ]

    def _headers(self):
        return {"X-API-KEY": self._conf("api_key"), "Accept": "application/json"}

    # -- pull ---------------------------------------------------------------------------------
    def fetch(self, cursor, limit=500):
        topic = self._conf("topic_id")
        since = (cursor or {}).get("since_seq")
        records, errors = [], []
        size = max(1, min(PAGE_MAX, int(limit)))
        more = False
        while True:
            params = {"orderBy": "seqAsc", "size": size}
            if since not in (None, ""):
                params["sinceSeq"] = since
            elif self.config.get("start_date"):
                params["from"] = self.config["start_date"]
            what = f"YouScan topic {topic} mentions after seq {since or 0}"
            data = self._get_json(
                f"/topics/{topic}/mentions", what, params=params, headers=self._headers()
            )
            mentions = data.get("mentions") if isinstance(data, dict) else None
            if not isinstance(mentions, list):
                raise SourceError(f"{what}: the answer has no 'mentions' list", retryable=True)
            for item in mentions:
                # Each mention on its own: a poison one is an error entry, the cursor still
                # moves past it, and the good ones around it are returned.
                label = item_label("YouScan mention", item, "id")
                seq = _seq(item)
                if seq is None:
                    errors.append(
                        {
                            "record": label,
                            "reason": "has no seq (its position in the topic); skipped",
                        }
                    )
                    continue
                since = max(seq, int(since or 0))
                good, bad = map_item(item, _map_pulled, label)
                records.extend(good)
                errors.extend(bad)
            more = len(mentions) >= size
            if not more or len(records) + len(errors) >= limit:
                break
        new_cursor = dict(cursor or {})
        if since not in (None, ""):
            new_cursor["since_seq"] = int(since)
        return FetchResult(records=records, cursor=new_cursor, more=more, errors=errors)

    def test_connection(self):
        topic = str(self._conf("topic_id"))
        data = self._get_json("/topics", "YouScan topics", headers=self._headers())
        topics = data.get("topics", data) if isinstance(data, dict) else data
        for item in topics if isinstance(topics, list) else []:
            if isinstance(item, dict) and str(item.get("id")) == topic:
                return f"YouScan: topic '{item.get('name') or topic}' is reachable"
        raise SourceError(f"YouScan: topic {topic} is not among the topics this API key sees")

    # -- push ---------------------------------------------------------------------------------
    def _check_basic(self, headers):
        user = self.config.get("basic_user")
        if not user:
            return
        auth = header(headers, "Authorization") or ""
        if not auth.lower().startswith("basic "):
            raise AuthError("Basic auth credentials are missing", 401)
        try:
            given = base64.b64decode(auth[6:].strip()).decode("utf-8")
        except ValueError:
            raise AuthError("Basic auth credentials are malformed", 401) from None
        check_secret(
            given, f"{user}:{self.config.get('basic_password') or ''}", "Basic auth credentials"
        )

    def authenticate_request(self, headers, query=None, path_token=None):
        given = path_token or header(headers, TOKEN_HEADER)
        check_secret(given, self.config.get("webhook_token"), "webhook token")
        self._check_basic(headers)
        return True

    def parse_webhook(self, headers, body, query=None, path_token=None):
        self.authenticate_request(headers, query, path_token)
        data = load_json_body(body, self.max_body)
        items = data if isinstance(data, list) else [data]
        records, errors = [], []
        for index, item in enumerate(items):
            label = item_label("YouScan mention", item, "mentionId", "postId", "url")
            if label.endswith(" ?"):
                label = f"YouScan mention #{index + 1}"
            good, bad = map_item(item, _map_pushed, label)
            records.extend(good)
            errors.extend(bad)
        if errors and not records:  # nothing usable at all: the delivery is refused
            raise PayloadError("; ".join(f"{e['record']} {e['reason']}" for e in errors[:5]))
        event_id = ""
        if len(items) == 1 and isinstance(items[0], dict):
            item = items[0]
            event_id = f"{item.get('topicId', '')}:{item.get('mentionId', '')}"
        return WebhookResult(records=records, event_id=event_id, errors=errors)
