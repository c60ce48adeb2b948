"""Telegram Bot API: getUpdates offset cursor, webhook secret header, sendMessage replies."""

import json
import pathlib

import httpfake
import pytest

from social_crm.tools.schema import normalize_batch
from social_crm.tools.sources import AuthError, PayloadError, SourceError, get_adapter

TOKEN = "123456:ABC-def_ghi"
BOT = f"/bot{TOKEN}"

server, sleeps = httpfake.server, httpfake.sleeps  # pytest fixtures


def group_message(update_id, message_id, text="Bank card blocked, help!", **extra):
    message = {
        "message_id": message_id,
        "date": 1777629600,
        "chat": {
            "id": -1001234567890,
            "type": "supergroup",
            "title": "Bank clients",
            "username": "bankclients",
        },
        "from": {
            "id": 555,
            "is_bot": False,
            "first_name": "Olga",
            "last_name": "K",
            "username": "olgak",
            "language_code": "ru",
        },
        "text": text,
    }
    message.update(extra)
    return {"update_id": update_id, "message": message}


def channel_post(update_id, message_id):
    return {
        "update_id": update_id,
        "channel_post": {
            "message_id": message_id,
            "date": 1777629700,
            "author_signature": "Editor",
            "chat": {"id": -1009876543210, "type": "channel", "title": "City news"},
            "caption": "Photo: queue at Bank branch",
        },
    }


def telegram(srv, sleeps, **config):
    conf = {"base_url": srv.url, "bot_token": TOKEN, "secret_token": "tg-secret_1"}
    conf.update(config)
    return get_adapter("telegram", conf, timeout=2, sleep=sleeps)


def test_get_updates_offset_cursor_and_mapping(server, sleeps):
    queue = [
        group_message(100, 1),
        {"update_id": 101, "my_chat_member": {}},
        channel_post(102, 7),
        group_message(103, 2, text=None, sticker={"file_id": "x"}),
        {"update_id": 104, "edited_message": group_message(0, 1, text="edited text")["message"]},
    ]

    def get_updates(req):
        body = req.json()
        offset = body.get("offset", 0)
        assert body["timeout"] == 0 and "channel_post" in body["allowed_updates"]
        items = [u for u in queue if u["update_id"] >= offset][: body["limit"]]
        return {"ok": True, "result": items}

    server.route("POST", f"{BOT}/getUpdates", get_updates)
    adapter = telegram(server, sleeps)
    first = adapter.fetch(None, limit=3)
    assert first.cursor == {"offset": 103} and first.more
    assert [r["external_id"] for r in first.records] == ["-1001234567890:1", "-1009876543210:7"]
    rec = first.records[0]
    assert rec["url"] == "https://t.me/bankclients/1" and rec["platform"] == "telegram"
    assert rec["published_at"] == "2026-05-01T10:00:00Z"
    assert rec["author"]["name"] == "Olga K" and rec["author"]["handle"] == "olgak"
    post = first.records[1]
    assert post["text"] == "Photo: queue at Bank branch"
    assert post["url"] == "https://t.me/c/9876543210/7"
    assert post["author"]["name"] == "City news (Editor)"

    second = adapter.fetch(first.cursor, limit=3)
    assert server.calls()[-1].json()["offset"] == 103
    assert second.cursor == {"offset": 105} and not second.more
    # the edit updates the same mention, it does not double it
    assert [r["external_id"] for r in second.records] == ["-1001234567890:1"]
    accepted, errors = normalize_batch(first.records + second.records)
    assert len(accepted) == 2 and errors == []


def test_fetch_reads_a_single_page_so_nothing_is_confirmed_early(server, sleeps):
    server.route(
        "POST",
        f"{BOT}/getUpdates",
        {"ok": True, "result": [group_message(i, i) for i in range(1, 101)]},
    )
    result = telegram(server, sleeps).fetch({"offset": 1}, limit=500)
    assert len(server.calls()) == 1 and result.more and result.cursor == {"offset": 101}


def test_rate_limit_uses_parameters_retry_after(server, sleeps):
    server.route(
        "POST",
        f"{BOT}/getUpdates",
        [
            (
                429,
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 3",
                    "parameters": {"retry_after": 3},
                },
            ),
            {"ok": True, "result": []},
        ],
    )
    result = telegram(server, sleeps).fetch({"offset": 5})
    assert sleeps == [3.0] and result.records == [] and result.cursor == {"offset": 5}


def test_bad_token_and_conflict_are_readable(server, sleeps):
    server.route(
        "POST",
        f"{BOT}/getUpdates",
        (401, {"ok": False, "error_code": 401, "description": "Unauthorized"}),
    )
    with pytest.raises(AuthError) as exc:
        telegram(server, sleeps).fetch(None)
    assert TOKEN not in str(exc.value) and "Unauthorized" in str(exc.value)
    server.route(
        "POST",
        f"{BOT}/getUpdates",
        (
            409,
            {
                "ok": False,
                "error_code": 409,
                "description": "Conflict: can't use getUpdates method while webhook is active",
            },
        ),
    )
    with pytest.raises(SourceError, match="webhook is active"):
        telegram(server, sleeps).fetch(None)


def test_malformed_result(server, sleeps):
    server.route("POST", f"{BOT}/getUpdates", {"ok": True, "result": {"oops": 1}})
    with pytest.raises(SourceError, match="not a list of updates"):
        telegram(server, sleeps).fetch(None)


def test_webhook_secret_header(sleeps):
    adapter = get_adapter("telegram", {"bot_token": TOKEN, "secret_token": "tg-secret_1"})
    body = json.dumps(group_message(200, 9)).encode()
    result = adapter.parse_webhook(
        {"X-Telegram-Bot-Api-Secret-Token": "tg-secret_1"}, body, {}, None
    )
    assert result.event_id == "200" and result.records[0]["external_id"] == "-1001234567890:9"
    with pytest.raises(AuthError) as exc:
        adapter.parse_webhook({}, body, {}, None)
    assert exc.value.status == 401
    with pytest.raises(AuthError) as exc:
        adapter.parse_webhook({"X-Telegram-Bot-Api-Secret-Token": "tg-secret_2"}, body, {}, None)
    assert exc.value.status == 403


def test_webhook_duplicate_delivery_and_malformed():
    adapter = get_adapter("telegram", {"secret_token": "s"})
    headers = {"x-telegram-bot-api-secret-token": "s"}
    body = json.dumps(group_message(201, 10)).encode()
    one, two = (adapter.parse_webhook(headers, body, {}, None) for _ in range(2))
    assert one.event_id == two.event_id == "201"
    assert normalize_batch(one.records + two.records)[0][0].external_id == "-1001234567890:10"
    with pytest.raises(PayloadError, match="update_id"):
        adapter.parse_webhook(headers, b'{"message": {}}', {}, None)
    service = adapter.parse_webhook(headers, b'{"update_id": 5, "my_chat_member": {}}', {}, None)
    assert service.records == [] and service.event_id == "5"


def test_post_reply_send_message(server, sleeps):
    def send(req):
        body = req.json()
        assert body["chat_id"] == -1001234567890 and body["text"] == "We are on it"
        assert body["reply_parameters"]["message_id"] == 9
        assert body["message_thread_id"] == 77
        return {
            "ok": True,
            "result": {
                "message_id": 31,
                "date": 1777629800,
                "chat": {"id": -1001234567890, "username": "bankclients"},
            },
        }

    server.route("POST", f"{BOT}/sendMessage", send)
    update = group_message(200, 9, is_topic_message=True, message_thread_id=77)
    out = telegram(server, sleeps).post_reply(
        {"external_id": "-1001234567890:9", "url": "", "raw": update}, "We are on it"
    )
    assert out == {"external_id": "-1001234567890:31", "url": "https://t.me/bankclients/31"}


def test_post_reply_errors_are_readable_and_not_retried_on_5xx(server, sleeps):
    server.route(
        "POST",
        f"{BOT}/sendMessage",
        (
            400,
            {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message to be replied not found",
            },
        ),
    )
    adapter = telegram(server, sleeps)
    with pytest.raises(
        SourceError, match="reply to message -100:9.*message to be replied not found"
    ):
        adapter.post_reply({"external_id": "-100:9"}, "hi")
    server.route("POST", f"{BOT}/sendMessage", (502, "Bad Gateway"))
    with pytest.raises(SourceError):
        adapter.post_reply({"external_id": "-100:9"}, "hi")
    assert len(server.calls("POST", f"{BOT}/sendMessage")) == 2  # one each, 502 not retried
    with pytest.raises(SourceError, match="not a chat:message id"):
        adapter.post_reply({"external_id": "abc"}, "hi")


def test_register_webhook_sends_secret_token(server, sleeps):
    server.route(
        "POST", f"{BOT}/setWebhook", {"ok": True, "result": True, "description": "Webhook was set"}
    )
    adapter = telegram(server, sleeps)
    assert (
        adapter.register_webhook("https://crm.example.com/social_crm/webhook/7")
        == "Telegram: webhook set"
    )
    sent = server.calls("POST", f"{BOT}/setWebhook")[0].json()
    assert sent["secret_token"] == "tg-secret_1" and "channel_post" in sent["allowed_updates"]
    with pytest.raises(SourceError, match="secret token must be"):
        telegram(server, sleeps, secret_token="has spaces!").register_webhook("https://x")


# -- Updates written from the Bot API documentation (tests/fixtures/telegram) ---------------

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures" / "telegram"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": "tg-secret_1"}


def delivery(name):
    adapter = get_adapter("telegram", {"bot_token": TOKEN, "secret_token": "tg-secret_1"})
    return adapter.parse_webhook(HEADERS, (FIXTURES / f"{name}.json").read_bytes(), {}, None)


def test_private_chat_message_is_private_and_has_no_link():
    (rec,) = delivery("private_message").records
    assert rec["private"] is True
    assert rec["url"] == ""  # the person's username is public, the chat is not
    assert rec["external_id"] == "700100200:41"
    assert rec["author"]["name"] == "Айгуль Серикова" and rec["author"]["handle"] == "aigul_s"
    (edit,) = delivery("private_edited_message").records
    assert edit["external_id"] == rec["external_id"] and "и счёт" in edit["text"]


def test_group_and_channel_messages_stay_public():
    (group,) = delivery("group_message").records
    (reply,) = delivery("group_reply").records
    (post,) = delivery("channel_post_photo").records
    assert group["url"] == "https://t.me/bank_clients_chat/5120" and not group.get("private")
    assert reply["parent_external_id"] == group["external_id"]
    assert post["text"] == "Банк открыл новое отделение в Алатауском районе"
    assert post["author"]["name"] == "Новости Алматы (Редакция)"


@pytest.mark.parametrize(
    "name, reason",
    [
        ("private_start", "the /start command that opens a private chat with the bot"),
        ("sticker", "message without text (sticker)"),
        ("new_chat_members", "message without text (new_chat_members)"),
        ("my_chat_member_blocked", "a my_chat_member update, not a message"),
    ],
)
def test_updates_without_words_are_ignored_with_the_reason(name, reason):
    result = delivery(name)
    assert result.records == []
    assert result.ignored == [{"record": f"Telegram update {result.event_id}", "reason": reason}]


def test_private_answer_goes_to_that_chat_only(server, sleeps):
    def send(req):
        body = req.json()
        assert body["chat_id"] == 700100200 and body["text"] == "Закрыть карту можно в приложении"
        assert body["reply_parameters"]["message_id"] == 41
        return {
            "ok": True,
            "result": {
                "message_id": 42,
                "date": 1777630200,
                "chat": {"id": 700100200, "type": "private", "username": "aigul_s"},
            },
        }

    server.route("POST", f"{BOT}/sendMessage", send)
    (rec,) = delivery("private_message").records
    adapter = telegram(server, sleeps)
    out = adapter.post_reply(
        {"external_id": rec["external_id"], "url": "", "raw": rec["raw"]},
        "Закрыть карту можно в приложении",
    )
    assert out == {"external_id": "700100200:42", "url": ""}
    with pytest.raises(SourceError, match="at most 4096"):
        adapter.post_reply({"external_id": rec["external_id"], "raw": rec["raw"]}, "x" * 4097)
    assert len(server.calls("POST", f"{BOT}/sendMessage")) == 1


def test_business_chat_is_answered_as_the_business(server, sleeps):
    def send(req):
        body = req.json()
        assert body["business_connection_id"] == "AbCdEfGhIjKl-bizconn1"
        assert body["chat_id"] == 700100900 and body["reply_parameters"]["message_id"] == 3301
        return {
            "ok": True,
            "result": {
                "message_id": 3303,
                "date": 1777630700,
                "business_connection_id": "AbCdEfGhIjKl-bizconn1",
                "chat": {"id": 700100900, "type": "private"},
            },
        }

    server.route("POST", f"{BOT}/sendMessage", send)
    (rec,) = delivery("business_message").records
    assert rec["external_id"] == "business:700100900:3301" and rec["private"] is True
    out = telegram(server, sleeps).post_reply(
        {"external_id": rec["external_id"], "raw": rec["raw"]}, "Включите NFC в настройках"
    )
    assert out == {"external_id": "business:700100900:3303", "url": ""}
    with pytest.raises(SourceError, match="business_connection_id is unknown"):
        telegram(server, sleeps).post_reply({"external_id": rec["external_id"]}, "hi")
    assert len(server.calls("POST", f"{BOT}/sendMessage")) == 1
