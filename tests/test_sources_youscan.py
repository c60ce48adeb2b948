"""Generic webhook and YouScan (API pull with sinceSeq/seqAsc, WebhookMention push)."""
import base64
import json

import pytest

import httpfake
from social_crm.tools.schema import normalize_batch, normalize_record
from social_crm.tools.sources import (AuthError, PayloadError, PayloadTooLarge, SourceError,
                                      get_adapter)

TOPIC = 4242

server, sleeps = httpfake.server, httpfake.sleeps  # pytest fixtures


def api_mention(seq, post_id=None, **extra):
    """A YouScan API ``Mention`` as the YouScan API names its fields."""
    item = {
        "id": f"ys-{seq}", "seq": seq, "postId": post_id or f"-1_{seq}",
        "url": f"https://vk.com/wall-1_{seq}", "title": "",
        "text": "snippet with <b>Bank</b>", "fullText": f"Full text of mention {seq} about Bank",
        "published": "2026-05-01T10:00:00+03:00", "addedAt": "2026-05-01T07:05:00Z",
        "language": "rus", "sentiment": "negative", "source": "vk.com",
        "sourceType": "social", "postType": "post",
        "author": {"profileId": "id77", "name": "Ivan Petrov", "nickname": "ivanp",
                   "url": "https://vk.com/id77", "subscribers": 1200},
        "publicationPlace": {"name": "Bank fans", "url": "https://vk.com/club1"},
        "engagement": {"likes": 5, "comments": 2, "reposts": 1, "views": 300},
        "potentialReach": 5000,
    }
    item.update(extra)
    return item


def youscan(srv, sleeps, **config):
    conf = {"base_url": srv.url, "api_key": "ys-key", "topic_id": TOPIC,
            "webhook_token": "tok-123"}
    conf.update(config)
    return get_adapter("youscan", conf, timeout=2, sleep=sleeps)


# -- generic webhook ---------------------------------------------------------------------------

def test_generic_webhook_token_in_header_or_path():
    adapter = get_adapter("webhook", {"webhook_token": "tok-123"})
    body = json.dumps([{"external_id": "a1", "text": "hi", "platform": "web"}]).encode()
    assert adapter.parse_webhook({"x-social-crm-token": "tok-123"}, body, {}, None).records[0][
        "external_id"] == "a1"
    result = adapter.parse_webhook({}, json.dumps({"records": [{"external_id": "b"}]}).encode(),
                                   {}, "tok-123")
    assert result.records == [{"external_id": "b"}]


@pytest.mark.parametrize("headers, path, status", [({}, None, 401),
                                                    ({"X-Social-CRM-Token": "nope"}, None, 403),
                                                    ({}, "tok-12", 403)])
def test_generic_webhook_auth_failures(headers, path, status):
    adapter = get_adapter("webhook", {"webhook_token": "tok-123"})
    with pytest.raises(AuthError) as exc:
        adapter.parse_webhook(headers, b"[]", {}, path)
    assert exc.value.status == status


def test_generic_webhook_malformed_and_oversized():
    adapter = get_adapter("webhook", {"webhook_token": "t0k", "max_body_bytes": 100})
    with pytest.raises(PayloadError, match="not valid JSON"):
        adapter.parse_webhook({"X-Social-CRM-Token": "t0k"}, b"[{", {}, None)
    with pytest.raises(PayloadError, match="expected a JSON list"):
        adapter.parse_webhook({"X-Social-CRM-Token": "t0k"}, b'"text"', {}, None)
    with pytest.raises(PayloadTooLarge):
        adapter.parse_webhook({"X-Social-CRM-Token": "t0k"}, b"[" + b" " * 200 + b"]", {}, None)


def test_generic_webhook_refuses_when_no_token_configured():
    with pytest.raises(AuthError, match="no webhook token is configured"):
        get_adapter("webhook", {}).parse_webhook({"X-Social-CRM-Token": "x"}, b"[]", {}, None)


# -- YouScan API pull --------------------------------------------------------------------------

def test_youscan_pages_with_since_seq_cursor(server, sleeps):
    pages = {None: [api_mention(1), api_mention(2)], "2": [api_mention(3)]}

    def mentions(req):
        assert req.headers["X-API-KEY"] == "ys-key"
        assert req.query["orderBy"] == "seqAsc"
        return {"total": 3, "lastSeq": 3, "mentions": pages[req.query.get("sinceSeq")]}

    server.route("GET", f"/topics/{TOPIC}/mentions", mentions)
    adapter = youscan(server, sleeps)
    first = adapter.fetch(None, limit=2)
    assert [r["external_id"] for r in first.records] == ["vk.com:-1_1", "vk.com:-1_2"]
    assert first.cursor == {"since_seq": 2} and first.more
    second = adapter.fetch(first.cursor, limit=2)
    assert [r["external_id"] for r in second.records] == ["vk.com:-1_3"]
    assert second.cursor == {"since_seq": 3} and not second.more
    assert server.calls()[-1].query["size"] == "2"

    rec = first.records[0]
    assert rec["text"] == "Full text of mention 1 about Bank"
    assert rec["platform"] == "vk" and rec["lang"] == "ru" and rec["sentiment"] == "negative"
    assert rec["author"] == {"external_id": "id77", "name": "Ivan Petrov", "handle": "ivanp",
                             "url": "https://vk.com/id77", "followers": 1200}
    assert (rec["likes"], rec["comments"], rec["reposts"], rec["reach"]) == (5, 2, 1, 5000)
    assert rec["raw"]["seq"] == 1
    accepted, errors = normalize_batch(first.records + second.records)
    assert len(accepted) == 3 and errors == []


def test_youscan_bounded_batch_reads_several_pages(server, sleeps):
    def mentions(req):
        since = int(req.query.get("sinceSeq", 0))
        size = int(req.query["size"])
        return {"mentions": [api_mention(s) for s in range(since + 1, min(since + size, 7) + 1)]}

    server.route("GET", f"/topics/{TOPIC}/mentions", mentions)
    result = youscan(server, sleeps).fetch({"since_seq": 0}, limit=500)
    assert len(result.records) == 7 and result.cursor["since_seq"] == 7 and not result.more


def test_youscan_rate_limit_is_retried(server, sleeps):
    server.route("GET", f"/topics/{TOPIC}/mentions",
                 [(429, {"Retry-After": "10"}, "Please enhance your calm"),
                  {"mentions": [api_mention(9)]}])
    result = youscan(server, sleeps).fetch({"since_seq": 8})
    assert sleeps == [10.0] and result.cursor == {"since_seq": 9}


def test_youscan_auth_and_plan_errors(server, sleeps):
    server.route("GET", f"/topics/{TOPIC}/mentions", (402, "Payment Required"))
    with pytest.raises(AuthError, match="payment required"):
        youscan(server, sleeps).fetch(None)
    server.route("GET", f"/topics/{TOPIC}/mentions", (401, {"message": "Invalid api key"}))
    with pytest.raises(AuthError, match="Invalid api key"):
        youscan(server, sleeps).fetch(None)


def test_youscan_malformed_page(server, sleeps):
    server.route("GET", f"/topics/{TOPIC}/mentions", {"total": 1})
    with pytest.raises(SourceError, match="no 'mentions' list"):
        youscan(server, sleeps).fetch({"since_seq": 5})


def test_youscan_x_mentions_without_text_are_reported(server, sleeps):
    bare = api_mention(4, source="twitter.com", text=None, fullText=None, url=None)
    server.route("GET", f"/topics/{TOPIC}/mentions", {"mentions": [api_mention(3), bare]})
    result = youscan(server, sleeps).fetch(None)
    assert len(result.records) == 1 and result.cursor == {"since_seq": 4}
    assert "has no text" in result.errors[0]["reason"]


def test_youscan_missing_config_is_named(sleeps):
    adapter = get_adapter("youscan", {"api_key": "k"}, sleep=sleeps)
    with pytest.raises(SourceError, match="'Topic ID' is not configured"):
        adapter.fetch(None)


def test_youscan_test_connection(server, sleeps):
    server.route("GET", "/topics", {"topics": [{"id": TOPIC, "name": "Bank"}]})
    assert "Bank" in youscan(server, sleeps).test_connection()


# -- YouScan webhook ---------------------------------------------------------------------------

WEBHOOK_MENTION = {
    "mentionId": 987654321, "topicId": TOPIC, "postId": "-1_55",
    "url": "https://vk.com/wall-1_55", "text": "Why is <b>Bank</b> app down again?",
    "published": "2026-05-01T10:00:00Z", "addedAt": "2026-05-01T10:01:00Z",
    "language": "eng", "sentiment": "negative", "sourceName": "vk.com",
    "resourceType": "social", "postType": "comment", "parentPostId": "-1_50",
    "author": {"profileId": "id9", "name": "Anna", "nickname": "anna",
               "url": "https://vk.com/id9", "subscribers": 10},
    "channel": {"name": "Bank", "url": "https://vk.com/club1"},
    "likes": 3, "comments": 0, "reposts": 1, "potentialReach": 42,
}


def test_youscan_webhook_mention(sleeps):
    adapter = get_adapter("youscan", {"webhook_token": "tok-123"})
    result = adapter.parse_webhook({}, json.dumps(WEBHOOK_MENTION).encode(), {}, "tok-123")
    rec = result.records[0]
    assert rec["external_id"] == "vk.com:-1_55" and rec["parent_external_id"] == "vk.com:-1_50"
    assert rec["text"] == "Why is Bank app down again?" and rec["lang"] == "en"
    assert (rec["likes"], rec["reposts"], rec["reach"]) == (3, 1, 42)
    assert result.event_id == f"{TOPIC}:987654321"
    assert normalize_record(rec).sentiment == "negative"


def test_youscan_webhook_duplicate_delivery_has_same_keys():
    adapter = get_adapter("youscan", {"webhook_token": "tok-123"})
    body = json.dumps(WEBHOOK_MENTION).encode()
    one = adapter.parse_webhook({}, body, {}, "tok-123")
    two = adapter.parse_webhook({}, body, {}, "tok-123")
    assert one.records[0]["external_id"] == two.records[0]["external_id"]
    assert one.event_id == two.event_id
    accepted, _ = normalize_batch(one.records + two.records)
    assert len(accepted) == 1


def test_youscan_webhook_auth():
    adapter = get_adapter("youscan", {"webhook_token": "tok-123", "basic_user": "ys",
                                      "basic_password": "pw"})
    body = json.dumps(WEBHOOK_MENTION).encode()
    with pytest.raises(AuthError) as exc:
        adapter.parse_webhook({}, body, {}, None)
    assert exc.value.status == 401
    with pytest.raises(AuthError) as exc:
        adapter.parse_webhook({}, body, {}, "wrong")
    assert exc.value.status == 403
    with pytest.raises(AuthError) as exc:  # token right, Basic auth missing
        adapter.parse_webhook({}, body, {}, "tok-123")
    assert exc.value.status == 401
    bad = {"Authorization": "Basic " + base64.b64encode(b"ys:nope").decode()}
    with pytest.raises(AuthError) as exc:
        adapter.parse_webhook(bad, body, {}, "tok-123")
    assert exc.value.status == 403
    good = {"Authorization": "Basic " + base64.b64encode(b"ys:pw").decode()}
    assert adapter.parse_webhook(good, body, {}, "tok-123").records


def test_youscan_webhook_malformed():
    adapter = get_adapter("youscan", {"webhook_token": "tok-123"})
    with pytest.raises(PayloadError, match="not a YouScan WebhookMention"):
        adapter.parse_webhook({}, b'{"hello": 1}', {}, "tok-123")
    with pytest.raises(PayloadError, match="not valid JSON"):
        adapter.parse_webhook({}, b"<html>", {}, "tok-123")


def test_youscan_page_with_poison_mentions_moves_on(server, sleeps):
    """One bad mention never stalls the topic: it becomes an error entry naming it, the good
    ones around it are returned, and the cursor moves past all of them."""
    page = [api_mention(1),
            api_mention(2, published="9999-12-31T23:59:59Z"),
            api_mention(3, fullText="Нет\x00связи"),
            api_mention(4, engagement={"likes": 10 ** 30}),
            api_mention(5, author=["not", "an", "object"]),
            dict(api_mention(6), seq="abc"),
            api_mention(7, potentialReach="1e400"),
            api_mention(8)]
    server.route("GET", f"/topics/{TOPIC}/mentions", {"mentions": page})
    result = youscan(server, sleeps).fetch({"since_seq": 0}, limit=100)
    assert [r["external_id"] for r in result.records] == ["vk.com:-1_1", "vk.com:-1_8"]
    assert result.cursor == {"since_seq": 8}
    labels = [e["record"] for e in result.errors]
    assert labels == [f"YouScan mention ys-{n}" for n in range(2, 8)]
    reasons = [e["reason"] for e in result.errors]
    assert reasons[0] == "published_at 9999-12-31T23:59:59 is in the future"
    assert reasons[1] == "text contains a NUL character (at position 4)"
    assert reasons[2].startswith("likes 1000000000000000000000000000000 is more than")
    assert reasons[3].startswith("cannot be read (AttributeError")
    assert reasons[4].startswith("has no seq")
    assert reasons[5] == "count '1e400' is beyond any count"
    assert normalize_batch(result.records)[1] == []


def test_youscan_push_with_one_bad_mention_keeps_the_others():
    adapter = get_adapter("youscan", {"webhook_token": "tok-123"})
    good = {"mentionId": 1, "topicId": TOPIC, "url": "https://vk.com/wall-1_1",
            "sourceName": "vk.com", "text": "Очередь два часа",
            "published": "2026-05-01T10:00:00Z"}
    body = json.dumps([good, {"mentionId": 2, "topicId": TOPIC, "author": "x",
                              "url": "https://vk.com/wall-1_2"}, "junk"]).encode()
    result = adapter.parse_webhook({}, body, {}, "tok-123")
    assert [r["external_id"] for r in result.records] == ["https://vk.com/wall-1_1"]
    assert [e["record"] for e in result.errors] == ["YouScan mention 2", "YouScan mention #3"]
    assert result.errors[1]["reason"] == "is not a JSON object"
