"""Every payload kept under tests/fixtures/ goes through its platform's adapter.

The fixtures are written from the platforms' public documentation (field names, nesting,
id formats, timestamps as each API sends them): comments, replies, edits, deletions, media
posts, private messages and the service events a platform pushes besides.  Each one must end
as records that carry an author and a link (none for a private message, which has no public
address), or be ignored or rejected with a reason a person can act on.  A fixture added to
the folder without an expectation here fails the suite, so none is kept unchecked.
"""

import hashlib
import hmac
import json
import pathlib
from dataclasses import dataclass, field

import httpfake
import pytest

from social_crm.tools.schema import normalize_batch
from social_crm.tools.sources import AuthError, PayloadError, SourceError, get_adapter

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"
APP_SECRET = "meta-app-secret"
TG_SECRET = "tg-secret_1"
YOUSCAN_TOKEN = "ys-path-token"
VK_CONFIG = {
    "secret": "vk-secret",
    "group_id": 218000001,
    "confirmation": "c0nf1rm",
    "webhook_token": "generated-webhook-token",
}
NOW = 1777640000  # 2026-05-01 12:53 UTC, after every fixture's date


@dataclass
class Expect:
    # (external_id, author name, url) of each record, in order; url "" for private ones.
    # Where a platform sends only the author's id (VK events, Messenger), that id is the name.
    records: list = field(default_factory=list)
    private: bool = False
    ignored: str = ""  # a reason the adapter gives for leaving the payload out
    rejected: str = ""  # the error message (refused delivery, or an item's error)
    config: dict = field(default_factory=dict)  # on top of the platform's test config
    dated: bool = True  # False for feeds that give no dates at all (RSS 0.90)


FB = "104857600123456"
POST = f"{FB}_881234567890123"
VKG = "-218000001"

EXPECTED = {
    # -- Facebook Page: feed, mentions, Messenger --------------------------------------------
    "facebook/feed_comment_add.json": Expect(
        [
            (
                "881234567890123_990000000000001",
                "Aigerim Sadykova",
                f"https://www.facebook.com/{POST}?comment_id=990000000000001",
            )
        ]
    ),
    "facebook/feed_comment_reply.json": Expect(
        [
            (
                "881234567890123_990000000000002",
                "Marat Ospanov",
                f"https://www.facebook.com/{POST}?comment_id=990000000000002",
            )
        ]
    ),
    "facebook/feed_comment_legacy_sender.json": Expect(
        [
            (
                "881234567890123_990000000000003",
                "Olga Kim",
                f"https://www.facebook.com/{POST}?comment_id=990000000000003",
            )
        ]
    ),
    "facebook/feed_comment_edited.json": Expect(
        [
            (
                "881234567890123_990000000000001",
                "Aigerim Sadykova",
                f"https://www.facebook.com/{POST}?comment_id=990000000000001",
            )
        ]
    ),
    "facebook/feed_comment_remove.json": Expect(ignored="was removed on Facebook"),
    "facebook/feed_status_visitor_post.json": Expect(
        [(f"{FB}_881234567890200", "Daniyar B.", f"https://www.facebook.com/{FB}_881234567890200")]
    ),
    "facebook/feed_photo.json": Expect(
        [(f"{FB}_881234567890300", "Svetlana P.", f"https://www.facebook.com/{FB}_881234567890300")]
    ),
    "facebook/feed_video.json": Expect(
        [(f"{FB}_881234567890400", "Timur A.", f"https://www.facebook.com/{FB}_881234567890400")]
    ),
    "facebook/feed_share.json": Expect(
        [(f"{FB}_881234567890500", "Gulnara S.", f"https://www.facebook.com/{FB}_881234567890500")]
    ),
    "facebook/feed_photo_without_message.json": Expect(ignored="a photo without a message"),
    "facebook/feed_reaction.json": Expect(ignored="is a reaction, not a mention"),
    "facebook/feed_like.json": Expect(ignored="is a reaction, not a mention"),
    "facebook/mention_post.json": Expect(
        [
            (
                "5550000000001_7770000000001",
                "Asel Nurlanovna",
                "https://www.facebook.com/5550000000001_7770000000001",
            )
        ]
    ),
    "facebook/mention_comment.json": Expect(
        [
            (
                "7770000000002_8880000000001",
                "Ruslan K.",
                "https://www.facebook.com/5550000000002_7770000000002?comment_id=8880000000001",
            )
        ]
    ),
    "facebook/mention_remove.json": Expect(ignored="was removed on Facebook"),
    "facebook/mention_post_without_message.json": Expect(
        ignored="carries no text of post 5550000000003_7770000000003; posts that tag the page "
        "are read by the scheduled import (https://www.facebook.com/5550000000003_"
        "7770000000003)"
    ),
    "facebook/feed_comment_by_page.json": Expect(ignored="written by the page itself"),
    "facebook/messenger_text.json": Expect(
        [("m_AbCdEf0123456789-ghIjKlMnOpQrStUvWxYz", "24010000000000001", "")], private=True
    ),
    "facebook/messenger_edit.json": Expect(
        [("m_AbCdEf0123456789-ghIjKlMnOpQrStUvWxYz", "24010000000000001", "")], private=True
    ),
    "facebook/messenger_reply_to.json": Expect(
        [("m_ZyXw9876543210-reply", "24010000000000001", "")], private=True
    ),
    "facebook/messenger_echo.json": Expect(ignored="an echo of the page's own message"),
    "facebook/messenger_attachment.json": Expect(ignored="has no text (image)"),
    "facebook/messenger_delivery_read.json": Expect(ignored="is a service event, not a message"),
    # -- Instagram: Direct and comments ---------------------------------------------------------
    "instagram/direct_text.json": Expect(
        [
            (
                "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAxOjM0MDI4MjM2Njg0MTcxMDMwMTI0ND"
                "I1OTg0NzAxMjYwNjQ4MjU2OjMxNTk4NTk1NDcyNjA2MTY4NzE2MzYwNzQ5MDAzNzg4NDgw",
                "6700000000000001",
                "",
            )
        ],
        private=True,
    ),
    "instagram/direct_echo.json": Expect(ignored="an echo of the page's own message"),
    "instagram/direct_deleted.json": Expect(ignored="was deleted by its sender"),
    "instagram/direct_seen.json": Expect(ignored="is a service event, not a message"),
    # Instagram's comment events carry no permalink (only the media id): no link to give.
    "instagram/comment.json": Expect([("17900000000000001", "dana.travel", "")]),
    "instagram/comment_reply.json": Expect([("17900000000000002", "arman_kz", "")]),
    "instagram/mentions.json": Expect(ignored="only comments carry text in the event"),
    # -- VK Callback API ----------------------------------------------------------------------
    "vk/callback_wall_reply_new.json": Expect(
        [(f"{VKG}_4410_9101", "512000222", f"https://vk.com/wall{VKG}_4410?reply=9101")]
    ),
    "vk/callback_wall_reply_new_without_secret.json": Expect(
        [(f"{VKG}_4410_9102", "512000333", f"https://vk.com/wall{VKG}_4410?reply=9102")],
        config={"secret": ""},
    ),
    "vk/callback_wall_reply_new_reply.json": Expect(
        [(f"{VKG}_4410_9103", "512000444", f"https://vk.com/wall{VKG}_4410?reply=9103")]
    ),
    "vk/callback_wall_reply_edit.json": Expect(
        [(f"{VKG}_4410_9101", "512000222", f"https://vk.com/wall{VKG}_4410?reply=9101")]
    ),
    "vk/callback_wall_reply_delete.json": Expect(ignored="was deleted on VK"),
    "vk/callback_wall_reply_new_by_community.json": Expect(
        ignored="written by the community 218000001 itself"
    ),
    "vk/callback_wall_post_new_suggested_photo.json": Expect(
        [(f"{VKG}_4420", "512000555", f"https://vk.com/wall{VKG}_4420")]
    ),
    "vk/callback_message_new.json": Expect([("msg512000111_3051", "512000111", "")], private=True),
    "vk/callback_message_edit.json": Expect([("msg512000111_3051", "512000111", "")], private=True),
    # in a chat the community sees only the chat's own message numbers
    "vk/callback_message_new_in_chat.json": Expect(
        [("msg2000000004_c212", "512000888", "")], private=True
    ),
    "vk/callback_message_new_sticker.json": Expect(ignored="has no text (sticker)"),
    "vk/callback_message_reply.json": Expect(ignored="a message the community itself sent"),
    "vk/callback_message_allow.json": Expect(ignored="is a service event"),
    "vk/callback_message_typing_state.json": Expect(ignored="is a service event"),
    "vk/callback_like_add.json": Expect(ignored="is a service event"),
    "vk/callback_group_join.json": Expect(ignored="is a service event"),
    # the handshake: answered with the confirmation string, no record
    "vk/callback_confirmation.json": Expect(ignored="confirmation"),
    # -- Telegram Bot API -------------------------------------------------------------------
    "telegram/group_message.json": Expect(
        [("-1001987654321:5120", "Айгуль Серикова", "https://t.me/bank_clients_chat/5120")]
    ),
    "telegram/group_reply.json": Expect(
        [("-1001987654321:5121", "Dmitry", "https://t.me/bank_clients_chat/5121")]
    ),
    "telegram/group_edited_message.json": Expect(
        [("-1001987654321:5120", "Айгуль Серикова", "https://t.me/bank_clients_chat/5120")]
    ),
    "telegram/channel_post_photo.json": Expect(
        [("-1001876543210:880", "Новости Алматы (Редакция)", "https://t.me/almaty_news_demo/880")]
    ),
    "telegram/private_message.json": Expect(
        [("700100200:41", "Айгуль Серикова", "")], private=True
    ),
    "telegram/private_edited_message.json": Expect(
        [("700100200:41", "Айгуль Серикова", "")], private=True
    ),
    "telegram/private_start.json": Expect(ignored="the /start command"),
    "telegram/business_message.json": Expect(
        [("business:700100900:3301", "Ерлан", "")], private=True
    ),
    "telegram/business_message_outgoing.json": Expect(
        ignored="business_message written by the business account itself"
    ),
    "telegram/deleted_business_messages.json": Expect(
        ignored="a deleted_business_messages update, not a message"
    ),
    "telegram/sticker.json": Expect(ignored="message without text (sticker)"),
    "telegram/new_chat_members.json": Expect(ignored="without text (new_chat_members)"),
    "telegram/my_chat_member_blocked.json": Expect(ignored="a my_chat_member update"),
    # -- RSS 1.0 / RSS 2.0 / Atom -----------------------------------------------------------
    "rss/rss1_rdf.xml": Expect(
        [
            ("https://forum.example.kz/t/5101", "Ержан_77", "https://forum.example.kz/t/5101"),
            ("https://forum.example.kz/t/5102", "Мадина", "https://forum.example.kz/t/5102"),
            ("https://forum.example.kz/t/5103", "Ainur K.", "https://forum.example.kz/t/5103"),
        ]
    ),
    "rss/rss2_podcast_itunes.xml": Expect(
        [
            ("mtkz-ep-41", "Alina Zhumabayeva", "https://podcast.example.kz/episodes/41"),
            (
                "mtkz-ep-40",
                "Money talks KZ editorial team",
                "https://podcast.example.kz/episodes/40",
            ),
        ]
    ),
    "rss/rss2_news.xml": Expect(
        [
            (
                "https://news.example.kz/2026/05/01/bank-branch",
                "Irina Lee",
                "https://news.example.kz/2026/05/01/bank-branch",
            )
        ],
        rejected="item #2: has no guid and no link",
    ),
    # RSS 0.90: RDF with Netscape's namespace; no author anywhere, so none is invented
    "rss/rss090_netscape.xml": Expect(
        [
            (
                "https://oldforum.example.kz/topic.php?id=811",
                None,
                "https://oldforum.example.kz/topic.php?id=811",
            )
        ],
        dated=False,
    ),
    "rss/atom_feed_author.xml": Expect(
        [
            (
                "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a",
                "Consumer blog team",
                "https://blog.example.com/2026/05/five-things",
            ),
            (
                "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6b",
                "Sergey V.",
                "https://blog.example.com/2026/05/mortgage-story",
            ),
        ]
    ),
    # -- YouTube Data API (commentThreads.list) ---------------------------------------------
    "youtube/comment_threads.json": Expect(
        [
            (
                "UgxQ7pR2sT4uV6wX8yZ0AaBbCc",
                "@dias_travel",
                "https://www.youtube.com/watch?v=k3Lm9QzX1aB&lc=UgxQ7pR2sT4uV6wX8yZ0AaBbCc",
            ),
            (
                "UgxQ7pR2sT4uV6wX8yZ0AaBbCc.AbCdEfGhIjK",
                "@zhanna_m",
                "https://www.youtube.com/watch?v=k3Lm9QzX1aB&lc=UgxQ7pR2sT4uV6wX8yZ0AaBbCc.AbCdEfGhIjK",
            ),
            (
                "UgyEdItEd0000000000000001",
                "Former user",
                "https://www.youtube.com/watch?v=k3Lm9QzX1aB&lc=UgyEdItEd0000000000000001",
            ),
        ]
    ),
    "youtube/comment_thread_without_top_level_comment.json": Expect(
        rejected="thread UgzBrOkEn000000000000001: thread 'UgzBrOkEn000000000000001' has no "
        "topLevelComment"
    ),
    # -- YouScan: WebhookMention push and the mentions API ----------------------------------
    "youscan/webhook_vk_comment.json": Expect(
        [
            (
                "vk.com:-218000001_4410_9101",
                "Асель Тулегенова",
                "https://vk.com/wall-218000001_4410?reply=9101",
            )
        ]
    ),
    "youscan/webhook_review.json": Expect(
        [
            (
                "https://otzovik.com/review_15550001.html",
                "Марина К.",
                "https://otzovik.com/review_15550001.html",
            )
        ]
    ),
    # YouScan removes the texts of X/Twitter mentions: the record cannot be kept.
    "youscan/webhook_x_without_text.json": Expect(rejected="text is missing"),
    "youscan/api_mentions.json": Expect(
        [
            (
                "youtube.com:UgxQ7pR2sT4uV6wX8yZ0AaBbCc",
                "Dias",
                "https://www.youtube.com/watch?v=k3Lm9QzX1aB&lc=UgxQ7pR2sT4uV6wX8yZ0AaBbCc",
            ),
            ("telegram.me:5120", "Айгуль Серикова", "https://t.me/bank_clients_chat/5120"),
        ],
        rejected="mention m-771203: has no text (YouScan strips X/Twitter texts)",
    ),
    # -- Brand Analytics feed.messages --------------------------------------------------------
    "brand_analytics/feed_messages.json": Expect(
        [
            (
                "7d1f0b3c9e2a4f6b8c0d1e2f3a4b5c6d20260501",
                "Асель Тулегенова",
                "https://vk.com/wall-218000001_4410?reply=9101",
            ),
            (
                "1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f20260501",
                "Nurlan",
                "https://otzovik.com/review_15550002.html",
            ),
            (
                "9f8e7d6c5b4a39281706f5e4d3c2b1a020260501",
                "Ирина Ли",
                "https://news.example.kz/2026/05/01/bank-branch",
            ),
        ],
        rejected="message at offset 3: message has neither hash nor id",
    ),
}


# -- how each platform's payload reaches its adapter ----------------------------------------


@dataclass
class Outcome:
    records: list
    ignored: list
    errors: list  # [{"record", "reason"}] from the adapter, or the refused delivery


def _delivery(result):
    return Outcome(result.records, list(getattr(result, "ignored", []) or []), [])


def run_meta(body, config, srv):
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    adapter = get_adapter("facebook", dict({"app_secret": APP_SECRET}, **config))
    return _delivery(adapter.parse_webhook({"X-Hub-Signature-256": signature}, body, {}, None))


def run_vk(body, config, srv):
    result = get_adapter("vk", dict(VK_CONFIG, **config)).parse_webhook({}, body, {}, None)
    if json.loads(body)["type"] == "confirmation":
        assert result.reply == VK_CONFIG["confirmation"] and result.records == []
        return Outcome([], [{"record": "VK", "reason": "confirmation answered"}], [])
    assert result.reply == "ok"
    return _delivery(result)


def run_telegram(body, config, srv):
    adapter = get_adapter("telegram", dict({"secret_token": TG_SECRET}, **config))
    return _delivery(
        adapter.parse_webhook({"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}, body, {}, None)
    )


def run_rss(body, config, srv):
    srv.route("GET", "/feed.xml", (200, {"Content-Type": "application/xml"}, body))
    result = get_adapter(
        "rss",
        dict({"feed_url": srv.url + "/feed.xml"}, **config),
        timeout=2,
        sleep=httpfake.Sleeps(),
    ).fetch(None)
    return Outcome(result.records, [], result.errors)


def run_youtube(body, config, srv):
    srv.route("GET", "/commentThreads", (200, {"Content-Type": "application/json"}, body))
    adapter = get_adapter(
        "youtube",
        dict({"base_url": srv.url, "api_key": "yt-key", "video_id": "k3Lm9QzX1aB"}, **config),
        timeout=2,
        sleep=httpfake.Sleeps(),
    )
    result = adapter.fetch(None)
    return Outcome(result.records, [], result.errors)


def run_youscan(body, config, srv):
    if json.loads(body).get("mentions") is None:  # a WebhookMention push
        adapter = get_adapter("youscan", dict({"webhook_token": YOUSCAN_TOKEN}, **config))
        return _delivery(adapter.parse_webhook({}, body, {}, YOUSCAN_TOKEN))
    srv.route("GET", "/topics/318877/mentions", (200, {}, body))
    adapter = get_adapter(
        "youscan",
        dict({"base_url": srv.url, "api_key": "ys-key", "topic_id": 318877}, **config),
        timeout=2,
        sleep=httpfake.Sleeps(),
    )
    result = adapter.fetch(None)
    return Outcome(result.records, [], result.errors)


def run_brand_analytics(body, config, srv):
    srv.route("GET", "/feed.messages", (200, {}, body))
    adapter = get_adapter(
        "brand_analytics",
        dict({"base_url": srv.url, "token": "ba-token", "theme_id": 1001, "now": NOW}, **config),
        timeout=2,
        sleep=httpfake.Sleeps(),
    )
    result = adapter.fetch(None)
    return Outcome(result.records, [], result.errors)


RUNNERS = {
    "facebook": run_meta,
    "instagram": run_meta,
    "vk": run_vk,
    "telegram": run_telegram,
    "rss": run_rss,
    "youtube": run_youtube,
    "youscan": run_youscan,
    "brand_analytics": run_brand_analytics,
}


def run(name, expect, srv):
    body = (FIXTURES / name).read_bytes()
    try:
        return RUNNERS[name.split("/")[0]](body, expect.config, srv)
    except (AuthError, PayloadError, SourceError) as exc:
        return Outcome([], [], [{"record": name, "reason": str(exc)}])


server = httpfake.server  # pytest fixture


def test_every_fixture_has_an_expectation():
    on_disk = {
        str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*") if p.suffix in (".json", ".xml")
    }
    assert on_disk == set(EXPECTED)
    assert {name.split("/")[0] for name in on_disk} == set(RUNNERS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_read_or_left_out_with_a_reason(name, server):
    expect = EXPECTED[name]
    outcome = run(name, expect, server)
    accepted, invalid = normalize_batch(outcome.records)
    errors = outcome.errors + invalid
    reasons = [f"{e['record']}: {e['reason']}" for e in errors]
    if expect.rejected:
        assert any(expect.rejected in reason for reason in reasons), reasons
    else:
        assert reasons == []
    if expect.ignored:
        assert outcome.records == []
        assert any(expect.ignored in item["reason"] for item in outcome.ignored), outcome.ignored
    else:
        assert outcome.ignored == []
    got = [(rec.external_id, rec.author.name if rec.author else None, rec.url) for rec in accepted]
    assert got == expect.records
    raw = {r["external_id"]: r for r in outcome.records}
    for rec in accepted:
        assert rec.text and bool(rec.published_at) is expect.dated, rec.external_id
        assert bool(raw[rec.external_id].get("private")) is expect.private, rec.external_id
