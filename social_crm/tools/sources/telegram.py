"""Telegram Bot API: updates from channels and groups where the bot is a member, and private
chats with the bot.

A message in a private chat (``chat.type == "private"``) is a record with ``private: True``
and no URL — even when the person has a public username, the chat itself is not public — and
its answer goes to that chat only.  So are the messages customers write to a Telegram
Business account the bot is connected to (``business_message``): their external id is
``business:<chat>:<message>`` and the answer carries the ``business_connection_id``, so it is
sent as the business; what the business account itself writes is not a mention.  Updates
that carry no one's words (joins, pins, the bot being blocked, stickers) produce no record;
a webhook delivery lists them in ``Delivery.ignored`` with the reason.

Pull with ``getUpdates`` (cursor ``offset`` = max ``update_id`` + 1) or receive each Update on
a webhook authenticated by the ``X-Telegram-Bot-Api-Secret-Token`` header.  Replies go out with
``sendMessage`` + ``reply_parameters``.

``fetch`` reads one page per call on purpose: asking Telegram for the next page confirms (and
deletes) the previous one, and that must not happen before the Odoo side has stored it.
"""

from __future__ import annotations

import re

from .base import (
    AuthError,
    FetchResult,
    PayloadError,
    RateLimited,
    SourceAdapter,
    SourceError,
    _lt,
    check_secret,
    header,
    iso_utc,
    load_json_body,
    map_item,
    register,
)
from .events import Delivery
from .private import check_length, is_private

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MESSAGE_KINDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)
# Messages of a Telegram Business account the bot is connected to: private chats of the
# business with its customers, answered on the business's behalf.
BUSINESS_KINDS = ("business_message", "edited_business_message")
# What the pull and the webhook ask Telegram for: messages, and the deletions of business
# messages (reported as ignored, never a silent loss).
ALLOWED_UPDATES = MESSAGE_KINDS + ("deleted_business_messages",)
BUSINESS_PREFIX = "business:"
PAGE_MAX = 100
# What Telegram sends when a person presses "Start" (with a deep-link payload or not).
_START = re.compile(r"^/start(@\w+)?(\s+\S+)?$")


def message_url(chat, message_id):
    username = chat.get("username")
    if username:
        return f"https://t.me/{username}/{message_id}"
    chat_id = str(chat.get("id", ""))
    if chat_id.startswith("-100"):  # private supergroup/channel: link works for members
        return f"https://t.me/c/{chat_id[4:]}/{message_id}"
    return ""


def _person(user):
    name = " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p)
    username = user.get("username") or ""
    return {
        "external_id": str(user.get("id", "")),
        "name": name or username,
        "handle": username,
        "url": f"https://t.me/{username}" if username else "",
        "followers": 0,
    }


def _chat_author(chat, signature=""):
    username = chat.get("username") or ""
    title = chat.get("title") or username
    if signature:
        title = f"{title} ({signature})" if title else signature
    return {
        "external_id": str(chat.get("id", "")),
        "name": title,
        "handle": username,
        "url": f"https://t.me/{username}" if username else "",
        "followers": 0,
    }


def _message_of(update):
    for kind in MESSAGE_KINDS:
        if isinstance(update.get(kind), dict):
            return kind, update[kind]
    return None, None


def is_private_chat(raw):
    """True for a stored update whose message was written in a private chat (with the bot,
    or with the business account the bot answers for)."""
    kind, message = _message_of(raw) if isinstance(raw, dict) else (None, None)
    return bool(
        message and (kind in BUSINESS_KINDS or (message.get("chat") or {}).get("type") == "private")
    )


def read_update(update):
    """A Telegram Update → (record, None), or (None, the reason it holds no mention)."""
    kind, message = _message_of(update)
    if message is None:
        other = ", ".join(k for k in update if k != "update_id") or "nothing"
        return None, f"a {other} update, not a message"
    text = message.get("text") or message.get("caption") or ""
    if not text.strip():
        content = next(
            (
                k
                for k in (
                    "sticker",
                    "photo",
                    "video",
                    "voice",
                    "document",
                    "animation",
                    "new_chat_members",
                    "left_chat_member",
                    "pinned_message",
                    "new_chat_title",
                )
                if k in message
            ),
            "no content",
        )
        return None, f"{kind} without text ({content})"
    chat = message.get("chat") or {}
    if chat.get("type") == "private" and _START.match(text.strip()):
        return None, "the /start command that opens a private chat with the bot"
    if "id" not in chat or "message_id" not in message:
        raise PayloadError(f"update {update.get('update_id')}: {kind} has no chat.id or message_id")
    chat_id, message_id = chat["id"], message["message_id"]
    business = kind in BUSINESS_KINDS
    if business and (
        message.get("sender_business_bot")
        or str((message.get("from") or {}).get("id")) != str(chat_id)
    ):
        # in a private chat the other person's id is the chat's: anyone else writing is the
        # business account itself (or a bot on its behalf)
        return None, f"{kind} written by the business account itself"
    private = business or chat.get("type") == "private"
    if message.get("sender_chat"):
        author = _chat_author(message["sender_chat"], message.get("author_signature", ""))
    elif message.get("from"):
        author = _person(message["from"])
    else:  # channel posts carry no sender: the channel speaks
        author = _chat_author(chat, message.get("author_signature", ""))
    reply_to = message.get("reply_to_message") or {}
    parent = f"{chat_id}:{reply_to['message_id']}" if reply_to.get("message_id") else ""
    record = {
        # the business account's chat with a person is not the bot's chat with them:
        # its message numbers are its own
        "external_id": f"{BUSINESS_PREFIX if business else ''}{chat_id}:{message_id}",
        # a private chat has no link anyone else could open, whatever its username
        "url": "" if private else message_url(chat, message_id),
        "title": "",
        "text": text,
        "published_at": iso_utc(message.get("date")),
        "platform": "telegram",
        "parent_external_id": parent,
        "author": author,
        "raw": update,
    }
    if private:
        record["private"] = True
    return record, None


def map_update(update):
    """A Telegram Update → a normalized record, or None when it carries no text to keep."""
    return read_update(update)[0]


@register
class TelegramAdapter(SourceAdapter):
    kind = "telegram"
    label = _lt("Telegram bot")
    sequence = 60
    help = _lt(
        "API key: the bot token. Secret: the webhook secret token (empty: the webhook "
        "token). Set import interval 0 when the webhook is registered: Telegram then "
        "stops answering getUpdates. Private chats with the bot become private "
        "mentions, answered in the same chat."
    )
    source_fields = {"bot_token": "api_key", "secret_token": "api_secret"}
    default_base_url = "https://api.telegram.org"
    can_reply = True
    credential_fields = [
        ("bot_token", "Bot token", True),
        ("secret_token", "Webhook secret token", True),
    ]
    config_fields = []

    def _method_url(self, method):
        return f"/bot{self._conf('bot_token')}/{method}"

    def _response_error(self, resp, what):
        error = super()._response_error(resp, what)
        if error is None:
            return None
        try:
            params = resp.json().get("parameters") or {}
        except (ValueError, AttributeError):
            params = {}
        if isinstance(error, RateLimited) and params.get("retry_after") is not None:
            error.retry_after = float(params["retry_after"])
        if resp.status_code == 404 and isinstance(error, SourceError):
            # Telegram answers 404 for an unknown bot token.
            return AuthError(f"{what}: the bot token is not valid (HTTP 404)", status=404)
        return error

    def _call(self, method, payload, what, idempotent=True):
        resp = self._request(
            "POST", self._method_url(method), json=payload, idempotent=idempotent, what=what
        )
        data = self._json(resp, what)
        if not isinstance(data, dict) or not data.get("ok"):
            desc = data.get("description") if isinstance(data, dict) else None
            raise SourceError(f"{what}: {desc or 'the answer is not ok'}", retryable=True)
        return data.get("result")

    # -- pull ---------------------------------------------------------------------------------
    def fetch(self, cursor, limit=500):
        offset = (cursor or {}).get("offset")
        size = max(1, min(PAGE_MAX, int(limit)))
        payload = {"limit": size, "timeout": 0, "allowed_updates": list(ALLOWED_UPDATES)}
        if offset not in (None, ""):
            payload["offset"] = int(offset)
        what = f"Telegram getUpdates from offset {offset or 0}"
        updates = self._call("getUpdates", payload, what)
        if not isinstance(updates, list):
            raise SourceError(f"{what}: 'result' is not a list of updates", retryable=True)
        records, errors = [], []
        max_id = None
        for update in updates:
            if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
                errors.append({"record": f"update after {max_id}", "reason": "no update_id"})
                continue
            max_id = max(update["update_id"], max_id or update["update_id"])
            good, bad = map_item(
                update, lambda u: map_update(u) or [], f"Telegram update {update['update_id']}"
            )
            records.extend(good)
            errors.extend(bad)
        new_cursor = dict(cursor or {})
        if max_id is not None:
            new_cursor["offset"] = max_id + 1
        return FetchResult(
            records=records, cursor=new_cursor, more=len(updates) >= size, errors=errors
        )

    def test_connection(self):
        me = self._call("getMe", {}, "Telegram getMe")
        return f"Telegram: connected as @{(me or {}).get('username', '?')}"

    def register_webhook(self, url):
        """``setWebhook`` with our secret token; getUpdates stops working while it is set."""
        secret = self.config.get("secret_token") or self.config.get("webhook_token") or ""
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise SourceError(
                "Telegram: the webhook secret token must be 1–256 characters of "
                "A–Z, a–z, 0–9, _ and -"
            )
        if not str(url).startswith("https://"):
            raise SourceError("Telegram: the webhook URL must be https://")
        self._call(
            "setWebhook",
            {"url": url, "secret_token": secret, "allowed_updates": list(ALLOWED_UPDATES)},
            "Telegram setWebhook",
        )
        return "Telegram: webhook set"

    # -- push ---------------------------------------------------------------------------------
    def authenticate_request(self, headers, query=None, path_token=None):
        expected = self.config.get("secret_token") or self.config.get("webhook_token")
        check_secret(header(headers, SECRET_HEADER), expected, f"{SECRET_HEADER} header")
        return True

    def parse_webhook(self, headers, body, query=None, path_token=None):
        self.authenticate_request(headers, query, path_token)
        update = load_json_body(body, self.max_body, "Telegram update")
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            raise PayloadError("Telegram update has no integer update_id")
        label = f"Telegram update {update['update_id']}"
        result = Delivery(event_id=str(update["update_id"]))
        reasons = []

        def read(item):
            record, reason = read_update(item)
            reasons.append(reason)
            return record or []

        result.records, result.errors = map_item(update, read, label)
        if not result.records and not result.errors and reasons and reasons[0]:
            result.skip(label, reasons[0])
        return self._dedupe(result)

    # -- reply --------------------------------------------------------------------------------
    def post_reply(self, target, text):
        ext = str(target.get("external_id") or "")
        business = ext.startswith(BUSINESS_PREFIX)
        chat_id, _, message_id = ext[len(BUSINESS_PREFIX) if business else 0 :].rpartition(":")
        if not chat_id or not message_id.lstrip("-").isdigit():
            raise SourceError(f"Telegram: cannot reply to '{ext}': not a chat:message id")
        payload = {
            "chat_id": int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id,
            "text": text,
            "reply_parameters": {
                "message_id": int(message_id),
                "allow_sending_without_reply": True,
            },
        }
        raw = target.get("raw") or {}
        message = _message_of(raw)[1] or {}
        if message.get("is_topic_message") and message.get("message_thread_id"):
            payload["message_thread_id"] = message["message_thread_id"]
        if business:
            connection = message.get("business_connection_id")
            if not connection:
                raise SourceError(
                    f"Telegram: cannot answer '{ext}' on behalf of the business "
                    "account: its business_connection_id is unknown"
                )
            payload["business_connection_id"] = connection
        private = business or is_private(target, is_private_chat)
        what = f"Telegram: reply to message {ext}"
        if private:
            what = f"Telegram: answer in the private chat to message {ext}"
            check_length("telegram", text, what)
        sent = self._call("sendMessage", payload, what, idempotent=False)
        chat = (sent or {}).get("chat") or {"id": chat_id}
        prefix = BUSINESS_PREFIX if business else ""
        return {
            "external_id": f"{prefix}{chat.get('id')}:{(sent or {}).get('message_id', '')}",
            "url": "" if private else message_url(chat, (sent or {}).get("message_id", "")),
        }
