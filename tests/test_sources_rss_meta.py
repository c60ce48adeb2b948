"""RSS/Atom (Google Alerts, conditional GET, hostile XML) and Facebook Page webhooks."""
import hashlib
import hmac
import json

import pytest

import httpfake
from social_crm.tools.schema import normalize_batch
from social_crm.tools.sources import (AuthError, PayloadError, SourceError, get_adapter,
                                      verify_subscription)

GOOGLE_ALERTS = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
  <id>tag:google.com,2005:reader/user/0123/state/com.google/alerts/456</id>
  <title>Google Alert - Bank</title>
  <updated>2026-05-01T10:00:00Z</updated>
  <entry>
    <id>tag:google.com,2013:googlealerts/feed:1111</id>
    <title type="html">&lt;b&gt;Bank&lt;/b&gt; raises deposit rates</title>
    <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://tengrinews.kz/news/bank-123/&amp;ct=ga&amp;cd=CAE&amp;usg=AOv"/>
    <published>2026-05-01T09:00:00Z</published>
    <updated>2026-05-01T09:00:00Z</updated>
    <content type="html">The &lt;b&gt;Bank&lt;/b&gt; said on Friday &amp;nbsp;it would</content>
    <author><name></name></author>
  </entry>
  <entry>
    <id>tag:google.com,2013:googlealerts/feed:2222</id>
    <title type="html">Forum: &lt;b&gt;Bank&lt;/b&gt; card problems</title>
    <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://otzovik.com/review_9.html&amp;ct=ga"/>
    <published>2026-05-01T08:00:00Z</published>
    <content type="html">card blocked again</content>
  </entry>
</feed>"""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>City forum</title><language>ru</language>
<item><title>Очередь в отделении</title><link>https://forum.city.kz/t/77</link>
<guid isPermaLink="false">forum-77</guid><pubDate>Fri, 01 May 2026 13:00:00 +0300</pubDate>
<dc:creator>Марат</dc:creator>
<content:encoded><![CDATA[<p>Час стоял в очереди в <b>Банке</b></p>]]></content:encoded></item>
<item><title>Без ссылки</title><description>nothing</description></item>
</channel></rss>""".encode("utf-8")

server, sleeps = httpfake.server, httpfake.sleeps  # pytest fixtures


def rss(srv, sleeps, path="/feed", **config):
    conf = {"feed_url": srv.url + path}
    conf.update(config)
    return get_adapter("rss", conf, timeout=2, sleep=sleeps)


def test_google_alerts_atom_unwraps_links(server, sleeps):
    server.route("GET", "/alerts/feeds/0123/456", (200, {"Content-Type": "application/atom+xml"},
                                                   GOOGLE_ALERTS))
    result = rss(server, sleeps, "/alerts/feeds/0123/456").fetch(None)
    first, second = result.records
    assert first["external_id"] == "tag:google.com,2013:googlealerts/feed:1111"
    assert first["url"] == "https://tengrinews.kz/news/bank-123/"
    assert first["title"] == "Bank raises deposit rates"
    assert first["text"].startswith("The Bank said on Friday")
    assert first["platform"] == "news" and first["author"] is None
    assert second["platform"] == "otzovik"
    assert len(normalize_batch(result.records)[0]) == 2


def test_rss_conditional_get_and_seen_ids(server, sleeps):
    def feed(req):
        if req.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Last-Modified": "Fri, 01 May 2026 10:00:00 GMT",
                     "Content-Type": "application/rss+xml"}, RSS

    server.route("GET", "/feed", feed)
    adapter = rss(server, sleeps)
    first = adapter.fetch(None)
    assert [r["external_id"] for r in first.records] == ["forum-77"]
    rec = first.records[0]
    assert rec["text"] == "Час стоял в очереди в Банке" and rec["lang"] == "ru"
    assert rec["published_at"] == "2026-05-01T10:00:00Z" and rec["author"]["name"] == "Марат"
    assert first.errors == [{"record": "item #2", "reason": "has no guid and no link"}]
    assert first.cursor["etag"] == '"v1"' and first.cursor["seen"] == ["forum-77"]
    second = adapter.fetch(first.cursor)
    assert second.records == [] and second.cursor == first.cursor
    assert server.calls()[-1].headers["If-Modified-Since"] == "Fri, 01 May 2026 10:00:00 GMT"
    # the feed changes but keeps the old item: nothing is doubled
    third = adapter.fetch({"seen": ["forum-77"]})
    assert third.records == []


@pytest.mark.parametrize("body, reason", [
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
     b"<rss><channel><item><title>&lol2;</title></item></channel></rss>", "DTD or entities"),
    (b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "file:///etc/passwd"><rss/>', "DTD"),
    (b"<html><body>Sign in</body></html>", "not an RSS or Atom feed"),
    (b"<rss><channel><item>", "not well-formed"),
])
def test_hostile_or_malformed_feeds_are_refused(server, sleeps, body, reason):
    server.route("GET", "/feed", (200, {"Content-Type": "application/xml"}, body))
    with pytest.raises(SourceError, match=reason):
        rss(server, sleeps).fetch(None)


def test_feed_url_is_not_leaked(server, sleeps):
    server.route("GET", "/alerts/feeds/secret-id", (404, "Not Found"))
    with pytest.raises(SourceError) as exc:
        rss(server, sleeps, "/alerts/feeds/secret-id").fetch(None)
    assert "secret-id" not in str(exc.value) and "HTTP 404" in str(exc.value)


# -- Meta ----------------------------------------------------------------------------------

APP_SECRET = "app-secret-123"
PAGE_EVENT = {"object": "page", "entry": [{"id": "PAGE1", "time": 1777629600, "changes": [
    {"field": "feed", "value": {"item": "comment", "verb": "add", "comment_id": "POST9_CMT1",
                                "post_id": "PAGE1_POST9", "parent_id": "PAGE1_POST9",
                                "from": {"id": "4242", "name": "Aigerim"},
                                "message": "Why was my transfer declined?",
                                "created_time": 1777629600}},
    {"field": "feed", "value": {"item": "comment", "verb": "remove", "comment_id": "POST9_CMT0",
                                "post_id": "PAGE1_POST9"}},
    {"field": "feed", "value": {"item": "reaction", "verb": "add", "post_id": "PAGE1_POST9"}},
]}]}


def sign(body, secret=APP_SECRET):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_meta_verification_handshake():
    query = {"hub.mode": "subscribe", "hub.verify_token": "vt-1", "hub.challenge": "1158201444"}
    assert verify_subscription(query, "vt-1") == "1158201444"
    adapter = get_adapter("facebook", {"verify_token": "vt-1"})
    assert adapter.verify_subscription(query) == "1158201444"
    with pytest.raises(AuthError) as exc:
        verify_subscription(dict(query, **{"hub.verify_token": "nope"}), "vt-1")
    assert exc.value.status == 403
    with pytest.raises(AuthError) as exc:
        verify_subscription({"hub.mode": "subscribe", "hub.challenge": "1"}, "vt-1")
    assert exc.value.status == 401
    with pytest.raises(PayloadError):
        verify_subscription({"hub.mode": "unsubscribe"}, "vt-1")


def test_meta_signed_event_becomes_records():
    adapter = get_adapter("facebook", {"app_secret": APP_SECRET})
    body = json.dumps(PAGE_EVENT).encode()
    result = adapter.parse_webhook({"X-Hub-Signature-256": sign(body)}, body, {}, None)
    assert len(result.records) == 1
    rec = result.records[0]
    assert rec["external_id"] == "POST9_CMT1" and rec["parent_external_id"] == "PAGE1_POST9"
    assert rec["platform"] == "facebook" and rec["published_at"] == "2026-05-01T10:00:00Z"
    assert rec["author"]["name"] == "Aigerim"
    assert normalize_batch(result.records)[1] == []


def test_meta_signature_checked_on_raw_bytes():
    adapter = get_adapter("facebook", {"app_secret": APP_SECRET})
    body = json.dumps(PAGE_EVENT).encode()
    with pytest.raises(AuthError) as exc:
        adapter.parse_webhook({}, body, {}, None)
    assert exc.value.status == 401
    with pytest.raises(AuthError) as exc:  # same JSON, different bytes
        adapter.parse_webhook({"X-Hub-Signature-256": sign(body)},
                              json.dumps(PAGE_EVENT, indent=1).encode(), {}, None)
    assert exc.value.status == 403
    with pytest.raises(AuthError):
        adapter.parse_webhook({"X-Hub-Signature-256": sign(body, "other")}, body, {}, None)
    bad = b'{"object": "user"}'
    with pytest.raises(PayloadError, match="not a Page or Instagram event"):
        adapter.parse_webhook({"x-hub-signature-256": sign(bad)}, bad, {}, None)


def test_meta_reply(server, sleeps):
    def reply(req):
        assert req.form() == {"message": "Please DM us"}
        assert req.headers["Authorization"] == "Bearer page-token"
        return {"id": "POST9_CMT2"}

    server.route("POST", "/POST9_CMT1/comments", reply)
    adapter = get_adapter("facebook", {"base_url": server.url, "page_access_token": "page-token"},
                          sleep=sleeps)
    out = adapter.post_reply({"external_id": "POST9_CMT1"}, "Please DM us")
    assert out["external_id"] == "POST9_CMT2"
    server.route("POST", "/POST9_CMT1/comments", (400, {"error": {
        "message": "(#200) Permissions error", "type": "OAuthException", "code": 200}}))
    with pytest.raises(AuthError, match="Permissions error"):
        adapter.post_reply({"external_id": "POST9_CMT1"}, "Please DM us")


def test_meta_poll_comments_down_to_last_seen(server, sleeps):
    def comments(n_new):
        def handler(req):
            assert req.query["filter"] == "stream" and req.headers["Authorization"] == "Bearer pt"
            items = [{"id": f"POST9_C{n}", "message": f"comment {n}",
                      "created_time": f"2026-05-0{n}T10:00:00+0000",
                      "from": {"id": "1", "name": "A"}, "like_count": n,
                      "permalink_url": f"https://www.facebook.com/PAGE1/posts/9?comment_id=C{n}"}
                     for n in range(n_new, 0, -1)]
            if "after" not in req.query:
                return {"data": items[:2], "paging": {"cursors": {"after": "A1"},
                                                      "next": "https://graph/next"}}
            return {"data": items[2:], "paging": {"cursors": {"after": "A2"}}}
        return handler

    server.route("GET", "/PAGE1/posts", {"data": [{"id": "PAGE1_POST9",
                                                   "created_time": "2026-05-01T09:00:00+0000"}]})
    server.route("GET", "/PAGE1_POST9/comments", comments(3))
    adapter = get_adapter("facebook", {"base_url": server.url, "page_id": "PAGE1",
                                       "page_access_token": "pt"}, sleep=sleeps)
    first = adapter.fetch(None)
    assert [r["external_id"] for r in first.records] == ["POST9_C3", "POST9_C2", "POST9_C1"]
    assert first.cursor == {"newest": "2026-05-03T10:00:00Z"}
    assert first.records[0]["parent_external_id"] == "PAGE1_POST9"
    server.route("GET", "/PAGE1_POST9/comments", comments(4))
    second = adapter.fetch(first.cursor)
    assert [r["external_id"] for r in second.records] == ["POST9_C4"]
    assert normalize_batch(first.records + second.records)[1] == []
