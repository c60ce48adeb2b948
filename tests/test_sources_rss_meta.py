"""RSS/Atom (Google Alerts, conditional GET, hostile XML) and Facebook Page webhooks."""

import hashlib
import hmac
import json
import pathlib

import httpfake
import pytest

from social_crm.tools.schema import normalize_batch
from social_crm.tools.sources import (
    AuthError,
    PayloadError,
    SourceError,
    get_adapter,
    verify_subscription,
)

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
</channel></rss>""".encode()

server, sleeps = httpfake.server, httpfake.sleeps  # pytest fixtures


def rss(srv, sleeps, path="/feed", **config):
    conf = {"feed_url": srv.url + path}
    conf.update(config)
    return get_adapter("rss", conf, timeout=2, sleep=sleeps)


def test_google_alerts_atom_unwraps_links(server, sleeps):
    server.route(
        "GET",
        "/alerts/feeds/0123/456",
        (200, {"Content-Type": "application/atom+xml"}, GOOGLE_ALERTS),
    )
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
        return (
            200,
            {
                "ETag": '"v1"',
                "Last-Modified": "Fri, 01 May 2026 10:00:00 GMT",
                "Content-Type": "application/rss+xml",
            },
            RSS,
        )

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


@pytest.mark.parametrize(
    "body, reason",
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            b"<rss><channel><item><title>&lol2;</title></item></channel></rss>",
            "DTD or entities",
        ),
        (b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "file:///etc/passwd"><rss/>', "DTD"),
        (b"<html><body>Sign in</body></html>", "not an RSS or Atom feed"),
        (b"<rss><channel><item>", "not well-formed"),
    ],
)
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
PAGE_EVENT = {
    "object": "page",
    "entry": [
        {
            "id": "PAGE1",
            "time": 1777629600,
            "changes": [
                {
                    "field": "feed",
                    "value": {
                        "item": "comment",
                        "verb": "add",
                        "comment_id": "POST9_CMT1",
                        "post_id": "PAGE1_POST9",
                        "parent_id": "PAGE1_POST9",
                        "from": {"id": "4242", "name": "Aigerim"},
                        "message": "Why was my transfer declined?",
                        "created_time": 1777629600,
                    },
                },
                {
                    "field": "feed",
                    "value": {
                        "item": "comment",
                        "verb": "remove",
                        "comment_id": "POST9_CMT0",
                        "post_id": "PAGE1_POST9",
                    },
                },
                {
                    "field": "feed",
                    "value": {"item": "reaction", "verb": "add", "post_id": "PAGE1_POST9"},
                },
            ],
        }
    ],
}


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
        adapter.parse_webhook(
            {"X-Hub-Signature-256": sign(body)}, json.dumps(PAGE_EVENT, indent=1).encode(), {}, None
        )
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
    adapter = get_adapter(
        "facebook", {"base_url": server.url, "page_access_token": "page-token"}, sleep=sleeps
    )
    out = adapter.post_reply({"external_id": "POST9_CMT1"}, "Please DM us")
    assert out["external_id"] == "POST9_CMT2"
    server.route(
        "POST",
        "/POST9_CMT1/comments",
        (
            400,
            {
                "error": {
                    "message": "(#200) Permissions error",
                    "type": "OAuthException",
                    "code": 200,
                }
            },
        ),
    )
    with pytest.raises(AuthError, match="Permissions error"):
        adapter.post_reply({"external_id": "POST9_CMT1"}, "Please DM us")


def test_meta_poll_comments_down_to_last_seen(server, sleeps):
    def comments(n_new):
        def handler(req):
            assert req.query["filter"] == "stream" and req.headers["Authorization"] == "Bearer pt"
            items = [
                {
                    "id": f"POST9_C{n}",
                    "message": f"comment {n}",
                    "created_time": f"2026-05-0{n}T10:00:00+0000",
                    "from": {"id": "1", "name": "A"},
                    "like_count": n,
                    "permalink_url": f"https://www.facebook.com/PAGE1/posts/9?comment_id=C{n}",
                }
                for n in range(n_new, 0, -1)
            ]
            if "after" not in req.query:
                return {
                    "data": items[:2],
                    "paging": {"cursors": {"after": "A1"}, "next": "https://graph/next"},
                }
            return {"data": items[2:], "paging": {"cursors": {"after": "A2"}}}

        return handler

    server.route(
        "GET",
        "/PAGE1/posts",
        {"data": [{"id": "PAGE1_POST9", "created_time": "2026-05-01T09:00:00+0000"}]},
    )
    server.route("GET", "/PAGE1_POST9/comments", comments(3))
    server.route("GET", "/PAGE1/tagged", {"data": []})
    adapter = get_adapter(
        "facebook",
        {"base_url": server.url, "page_id": "PAGE1", "page_access_token": "pt"},
        sleep=sleeps,
    )
    first = adapter.fetch(None)
    assert [r["external_id"] for r in first.records] == ["POST9_C3", "POST9_C2", "POST9_C1"]
    assert first.cursor == {"newest": "2026-05-03T10:00:00Z"} and first.errors == []
    assert first.records[0]["parent_external_id"] == "PAGE1_POST9"
    server.route("GET", "/PAGE1_POST9/comments", comments(4))
    second = adapter.fetch(first.cursor)
    assert [r["external_id"] for r in second.records] == ["POST9_C4"]
    assert normalize_batch(first.records + second.records)[1] == []


# -- payloads written from the platforms' documentation (tests/fixtures/) -------------------

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"


def fixture_bytes(platform, name):
    return (FIXTURES / platform / name).read_bytes()


def test_rss1_rdf_items_are_read_with_author_and_link(server, sleeps):
    body = fixture_bytes("rss", "rss1_rdf.xml")
    assert body.startswith(b"\n")  # a newline before <?xml, as some servers send it
    server.route("GET", "/feed", (200, {"Content-Type": "application/rdf+xml"}, body))
    result = rss(server, sleeps).fetch(None)
    assert result.errors == []
    first, second, third = result.records
    assert first["external_id"] == first["url"] == "https://forum.example.kz/t/5101"
    assert first["title"] == "Банк списал комиссию за обслуживание дважды"
    assert first["text"] == "Второй месяц подряд списывают комиссию дважды."
    assert first["author"]["name"] == "Ержан_77" and first["lang"] == "ru"
    assert second["author"]["name"] == "Мадина"
    # no <link>: rdf:about is the id and the link
    assert third["external_id"] == third["url"] == "https://forum.example.kz/t/5103"
    accepted, errors = normalize_batch(result.records)
    assert errors == [] and accepted[0].published_at.isoformat() == "2026-05-01T07:30:00"


def test_rss1_item_without_link_or_about_is_reported():
    from social_crm.tools.sources.rss import parse_feed

    feed = (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://x.kz/"><title>x'
        b"</title></channel><item><title>lost</title><description>no id</description>"
        b"</item></rdf:RDF>"
    )
    records, errors = parse_feed(feed)
    assert records == []
    assert errors == [{"record": "item #1", "reason": "has no link and no rdf:about"}]


def test_rss_itunes_author_and_channel_author(server, sleeps):
    server.route("GET", "/feed", (200, {}, fixture_bytes("rss", "rss2_podcast_itunes.xml")))
    episode41, episode40 = rss(server, sleeps).fetch(None).records
    assert episode41["author"]["name"] == "Alina Zhumabayeva"
    assert episode41["url"] == "https://podcast.example.kz/episodes/41"
    # an item without its own author is the channel's
    assert episode40["author"]["name"] == "Money talks KZ editorial team"


def test_rss_whitespace_and_bom_before_the_xml_declaration():
    from social_crm.tools.sources.rss import parse_feed

    feed = fixture_bytes("rss", "rss2_news.xml")
    for prefix in (b"\r\n", b"\xef\xbb\xbf\n  ", b"\t"):
        records, errors = parse_feed(prefix + feed)
        assert [r["author"]["name"] for r in records] == ["Irina Lee"]
        assert errors == [{"record": "item #2", "reason": "has no guid and no link"}]


def test_atom_entries_inherit_the_feed_author():
    from social_crm.tools.sources.rss import parse_feed

    first, second = parse_feed(fixture_bytes("rss", "atom_feed_author.xml"))[0]
    assert first["author"]["name"] == "Consumer blog team"
    assert first["author"]["url"] == "https://blog.example.com/about"
    assert second["author"]["name"] == "Sergey V."
    assert second["text"] == "The bank approved it in three days."


def meta_delivery(platform, name, **config):
    body = fixture_bytes(platform, name)
    adapter = get_adapter("facebook", dict({"app_secret": APP_SECRET}, **config))
    return adapter.parse_webhook({"X-Hub-Signature-256": sign(body)}, body, {}, None)


@pytest.mark.parametrize(
    "name, ext, url, author, text",
    [
        (
            "feed_status_visitor_post.json",
            "104857600123456_881234567890200",
            "https://www.facebook.com/104857600123456_881234567890200",
            "Daniyar B.",
            "Does your bank open accounts for non-residents?",
        ),
        (
            "feed_photo.json",
            "104857600123456_881234567890300",
            "https://www.facebook.com/104857600123456_881234567890300",
            "Svetlana P.",
            "Queue at the central branch at 9 am, again",
        ),
        (
            "feed_video.json",
            "104857600123456_881234567890400",
            "https://www.facebook.com/104857600123456_881234567890400",
            "Timur A.",
            "How I opened a deposit in your app in two minutes",
        ),
        (
            "feed_share.json",
            "104857600123456_881234567890500",
            "https://www.facebook.com/104857600123456_881234567890500",
            "Gulnara S.",
            "Is this true about the new rates?",
        ),
        (
            "mention_post.json",
            "5550000000001_7770000000001",
            "https://www.facebook.com/5550000000001_7770000000001",
            "Asel Nurlanovna",
            "Thanks to Bank for fixing my mortgage schedule so fast!",
        ),
        (
            "mention_comment.json",
            "7770000000002_8880000000001",
            "https://www.facebook.com/5550000000002_7770000000002?comment_id=8880000000001",
            "Ruslan K.",
            "@Bank your hotline has been busy for an hour",
        ),
    ],
)
def test_meta_posts_media_and_mentions_become_records(name, ext, url, author, text):
    result = meta_delivery("facebook", name)
    assert result.ignored == []
    (rec,) = result.records
    assert (rec["external_id"], rec["url"], rec["author"]["name"], rec["text"]) == (
        ext,
        url,
        author,
        text,
    )
    assert rec["platform"] == "facebook" and not rec.get("private")
    assert normalize_batch(result.records)[1] == []


def test_meta_legacy_sender_fields_keep_the_author():
    (rec,) = meta_delivery("facebook", "feed_comment_legacy_sender.json").records
    assert rec["author"] == {
        "external_id": "7310000000000003",
        "name": "Olga Kim",
        "handle": "",
        "url": "https://www.facebook.com/7310000000000003",
        "followers": 0,
    }
    assert rec["parent_external_id"] == "104857600123456_881234567890123"


def test_meta_edit_updates_the_same_mention():
    added = meta_delivery("facebook", "feed_comment_add.json").records
    edited = meta_delivery("facebook", "feed_comment_edited.json").records
    assert added[0]["external_id"] == edited[0]["external_id"]
    accepted, errors = normalize_batch(added + edited)
    assert errors == [] and len(accepted) == 1
    assert accepted[0].text.endswith("Support did not answer.")
    reply = meta_delivery("facebook", "feed_comment_reply.json").records[0]
    assert reply["parent_external_id"] == added[0]["external_id"]


@pytest.mark.parametrize(
    "name, reason",
    [
        (
            "feed_comment_remove.json",
            "was removed on Facebook; the mention already received is kept",
        ),
        ("mention_remove.json", "was removed on Facebook"),
        ("feed_reaction.json", "a reaction is a reaction, not a mention"),
        ("feed_like.json", "a like is a reaction, not a mention"),
        ("feed_photo_without_message.json", "has no text (a photo without a message)"),
        ("messenger_echo.json", "an echo of the page's own message"),
        ("messenger_attachment.json", "has no text (image)"),
    ],
)
def test_meta_events_without_a_mention_are_ignored_with_the_reason(name, reason):
    result = meta_delivery("facebook", name)
    assert result.records == [] and result.reply == "EVENT_RECEIVED"
    assert len(result.ignored) == 1 and reason in result.ignored[0]["reason"]


def test_meta_receipts_are_service_events():
    result = meta_delivery("facebook", "messenger_delivery_read.json")
    assert result.records == []
    assert [
        "'delivery' is a service event" in result.ignored[0]["reason"],
        "'read' is a service event" in result.ignored[1]["reason"],
    ] == [True, True]


def test_messenger_message_is_a_private_record_without_link():
    (rec,) = meta_delivery("facebook", "messenger_text.json").records
    assert rec["private"] is True and rec["url"] == "" and rec["platform"] == "facebook"
    assert rec["external_id"] == "m_AbCdEf0123456789-ghIjKlMnOpQrStUvWxYz"
    assert rec["author"]["external_id"] == "24010000000000001"
    assert rec["published_at"] == "2026-05-01T10:20:00Z"
    (edit,) = meta_delivery("facebook", "messenger_edit.json").records
    assert edit["external_id"] == rec["external_id"] and "Turkey" in edit["text"]
    (answer,) = meta_delivery("facebook", "messenger_reply_to.json").records
    assert answer["parent_external_id"] == "m_PageAnswer0001"


def test_instagram_direct_and_comments():
    (dm,) = meta_delivery("instagram", "direct_text.json").records
    assert dm["platform"] == "instagram" and dm["private"] is True and dm["url"] == ""
    assert dm["author"]["external_id"] == "6700000000000001"
    for name, reason in (
        ("direct_echo.json", "echo of the page's own message"),
        ("direct_deleted.json", "was deleted by its sender"),
        ("direct_seen.json", "'read' is a service event"),
        ("mentions.json", "only comments carry text"),
    ):
        result = meta_delivery("instagram", name)
        assert result.records == [] and reason in result.ignored[0]["reason"], name
    (comment,) = meta_delivery("instagram", "comment.json").records
    assert comment["author"]["handle"] == "dana.travel" and not comment.get("private")
    assert comment["author"]["url"] == "https://www.instagram.com/dana.travel"
    assert comment["parent_external_id"] == "18000000000000001"
    (reply,) = meta_delivery("instagram", "comment_reply.json").records
    assert reply["parent_external_id"] == comment["external_id"]


def test_messenger_answer_goes_through_the_send_api(server, sleeps):
    def send(req):
        assert req.headers["Authorization"] == "Bearer page-token"
        assert req.json() == {
            "recipient": {"id": "24010000000000001"},
            "messaging_type": "RESPONSE",
            "message": {"text": "Please call 7111 to unblock it."},
        }
        return {"recipient_id": "24010000000000001", "message_id": "m_Answer42"}

    server.route("POST", "/104857600123456/messages", send)
    (rec,) = meta_delivery("facebook", "messenger_text.json").records
    adapter = get_adapter(
        "facebook",
        {"base_url": server.url, "page_access_token": "page-token", "page_id": "104857600123456"},
        sleep=sleeps,
    )
    # the target as the Odoo side builds it from the stored mention
    target = {"external_id": rec["external_id"], "url": "", "raw": rec["raw"]}
    assert adapter.post_reply(target, "Please call 7111 to unblock it.") == {
        "external_id": "m_Answer42",
        "url": "",
    }
    assert server.calls("POST", "/m_AbCdEf0123456789-ghIjKlMnOpQrStUvWxYz/comments") == []


def test_instagram_answer_without_page_id_uses_me_and_its_limit(server, sleeps):
    server.route(
        "POST",
        "/me/messages",
        lambda req: {"recipient_id": "6700000000000001", "message_id": "aWdfAnswer"},
    )
    (rec,) = meta_delivery("instagram", "direct_text.json").records
    adapter = get_adapter(
        "facebook", {"base_url": server.url, "page_access_token": "pt"}, sleep=sleeps
    )
    target = {"external_id": rec["external_id"], "raw": rec["raw"], "private": True}
    assert adapter.post_reply(target, "Бесплатно до 100 000 тенге.")["external_id"] == "aWdfAnswer"
    assert server.calls()[-1].json()["recipient"] == {"id": "6700000000000001"}
    with pytest.raises(SourceError, match="1002 bytes.*at most 1000"):
        adapter.post_reply(target, "я" * 501)  # 1002 bytes
    assert len(server.calls()) == 1  # refused before calling Meta


def test_messenger_answer_outside_the_24_hour_window_is_readable(server, sleeps):
    server.route(
        "POST",
        "/me/messages",
        (
            400,
            {
                "error": {
                    "message": "(#10) This message is sent outside of allowed window.",
                    "type": "OAuthException",
                    "code": 10,
                    "error_subcode": 2018278,
                }
            },
        ),
    )
    (rec,) = meta_delivery("facebook", "messenger_text.json").records
    adapter = get_adapter(
        "facebook", {"base_url": server.url, "page_access_token": "pt"}, sleep=sleeps
    )
    with pytest.raises(SourceError, match="within 24 hours of their last message"):
        adapter.post_reply({"external_id": rec["external_id"], "raw": rec["raw"]}, "hi")
    with pytest.raises(SourceError, match="sender of the message is unknown"):
        adapter.post_reply({"external_id": "m_x", "private": True, "raw": {}}, "hi")


def test_meta_pull_reads_the_posts_that_tag_the_page(server, sleeps):
    tagged = [
        {
            "id": "5550000000003_7770000000003",
            "message": "@Bank the terminal ate my card",
            "from": {"id": "5550000000003", "name": "Kairat Zh."},
            "created_time": "2026-05-01T10:20:00+0000",
            "permalink_url": "https://www.facebook.com/kairat/posts/7770000000003",
        },
        {
            "id": "5550000000004_7770000000004",
            "from": {"id": "5550000000004", "name": "N"},
            "created_time": "2026-05-01T10:10:00+0000",
        },  # a photo tag without words
        {
            "id": "5550000000001_7770000000001",
            "message": "older, read before",
            "from": {"id": "5550000000001", "name": "Asel"},
            "created_time": "2026-05-01T09:00:00+0000",
        },
    ]
    server.route("GET", "/PAGE1/posts", {"data": []})
    server.route("GET", "/PAGE1/tagged", {"data": tagged})
    adapter = get_adapter(
        "facebook",
        {"base_url": server.url, "page_id": "PAGE1", "page_access_token": "pt"},
        sleep=sleeps,
    )
    result = adapter.fetch(
        {"newest": "2026-05-01T09:30:00Z", "tagged_newest": "2026-05-01T09:00:00Z"}
    )
    (rec,) = result.records
    assert rec["external_id"] == "5550000000003_7770000000003"
    assert rec["url"] == "https://www.facebook.com/kairat/posts/7770000000003"
    assert rec["author"]["name"] == "Kairat Zh."
    assert result.cursor == {
        "newest": "2026-05-01T09:30:00Z",
        "tagged_newest": "2026-05-01T10:20:00Z",
    }
    # the mention event of the same post names the same external id: one mention
    (event,) = meta_delivery("facebook", "mention_post_without_message.json").ignored
    assert "5550000000003_7770000000003" in event["reason"]
    assert adapter.fetch(result.cursor).records == []


def test_meta_pull_without_permission_for_tagged_posts_keeps_the_comments(server, sleeps):
    server.route("GET", "/PAGE1/posts", {"data": [{"id": "PAGE1_POST9"}]})
    server.route(
        "GET",
        "/PAGE1_POST9/comments",
        {
            "data": [
                {
                    "id": "POST9_C1",
                    "message": "Where is my refund?",
                    "from": {"id": "1", "name": "A"},
                    "created_time": "2026-05-01T10:00:00+0000",
                }
            ]
        },
    )
    server.route(
        "GET",
        "/PAGE1/tagged",
        (
            400,
            {
                "error": {
                    "message": "(#10) This endpoint requires the 'pages_read_user_content' permission",
                    "type": "OAuthException",
                    "code": 10,
                }
            },
        ),
    )
    adapter = get_adapter(
        "facebook",
        {"base_url": server.url, "page_id": "PAGE1", "page_access_token": "pt"},
        sleep=sleeps,
    )
    result = adapter.fetch({"tagged_newest": "2026-04-30T00:00:00Z"})
    assert [r["external_id"] for r in result.records] == ["POST9_C1"]
    assert result.cursor == {
        "newest": "2026-05-01T10:00:00Z",
        "tagged_newest": "2026-04-30T00:00:00Z",
    }
    (error,) = result.errors
    assert error["record"] == "Facebook posts tagging page PAGE1"
    assert "pages_read_user_content" in error["reason"]


def test_instagram_comment_is_answered_on_its_replies_edge(server, sleeps):
    def reply(req):
        assert req.form() == {"message": "Кешбэк начислят до 10 мая"}
        assert req.headers["Authorization"] == "Bearer pt"
        return {"id": "17900000000000077"}

    server.route("POST", "/17900000000000001/replies", reply)
    (rec,) = meta_delivery("instagram", "comment.json").records
    adapter = get_adapter(
        "facebook", {"base_url": server.url, "page_access_token": "pt"}, sleep=sleeps
    )
    out = adapter.post_reply(
        {"external_id": rec["external_id"], "raw": rec["raw"]}, "Кешбэк начислят до 10 мая"
    )
    assert out == {"external_id": "17900000000000077", "url": ""}
    assert [c.path for c in server.calls()] == ["/17900000000000001/replies"]


def test_private_reply_limits_count_what_each_platform_counts():
    from social_crm.tools.sources.private import private_reply_limit, private_reply_problem

    assert private_reply_limit("facebook") == (2000, "characters")
    assert private_reply_limit("instagram") == (1000, "bytes")
    assert private_reply_limit("youtube") == (0, "")
    # 600 Cyrillic letters are 1200 bytes: too long for Instagram, fine for Messenger
    answer = "я" * 600
    assert (
        private_reply_problem("instagram", answer)
        == "the answer has 1200 bytes; a private message on instagram takes at most 1000"
    )
    assert private_reply_problem("facebook", answer) == ""
    assert private_reply_problem("instagram", "я" * 500) == ""
