"""Payloads as the platforms send them, through Odoo's webhook endpoint and back out as
replies: a VK community without a Callback API secret, private messages (Telegram, VK,
Messenger) that must stay private, and the service events a page pushes besides mentions.
The platforms' APIs are a real local HTTP server; nothing here patches the code under test."""

import hashlib
import hmac
import json

from odoo.tests import HttpCase, tagged

from .common import post_webhook
from .httpfake import FakeServer

NOW = 1777629600  # 2026-05-01 10:00 UTC
PAGE = "104857600123456"


@tagged("post_install", "-at_install")
class TestPayloadWebhooks(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = FakeServer().start()
        cls.addClassCleanup(cls.server.stop)
        cls.Source = cls.env["social_crm.source"]
        cls.Mention = cls.env["social_crm.mention"]
        cls.env["ir.config_parameter"].sudo().set_param("social_crm.http_retries", "0")

    def post(self, source, body, headers=None):
        return post_webhook(self, source, body, headers, path_token=source.sudo().webhook_token)

    def mentions(self, source):
        return self.Mention.search([("source_id", "=", source.id)])

    def test_vk_event_without_secret_when_the_community_has_none(self):
        open_source = self.Source.create(
            {
                "name": "VK without secret",
                "source_type": "vk",
                "account": "218000001",
                "interval_minutes": 0,
            }
        )
        event = {
            "type": "wall_reply_new",
            "group_id": 218000001,
            "event_id": "e-1",
            "v": "5.199",
            "object": {
                "id": 9102,
                "from_id": 512000333,
                "date": NOW,
                "post_owner_id": -218000001,
                "post_id": 4410,
                "text": "Когда откроют отделение на Абая?",
            },
        }
        response = self.post(open_source, event)
        self.assertEqual((response.status_code, response.text), (200, "ok"))
        self.assertEqual(self.mentions(open_source).external_id, "-218000001_4410_9102")
        # with a secret on the source, the same event without one is refused
        guarded = self.Source.create(
            {
                "name": "VK with secret",
                "source_type": "vk",
                "account": "218000001",
                "api_secret": "vk-secret",
                "interval_minutes": 0,
            }
        )
        # (the same answer as any wrong credential, so sources can't be probed)
        refused = self.post(guarded, dict(event, event_id="e-2"))
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(refused.json()["error"], "unknown source or wrong credentials")
        self.assertFalse(self.mentions(guarded))

    def test_telegram_private_chat_is_kept_without_a_link_and_answered_there(self):
        source = self.Source.create(
            {
                "name": "Bot",
                "source_type": "telegram",
                "api_key": "123:abc",
                "api_secret": "tg-secret",
                "base_url": self.server.url,
                "interval_minutes": 0,
            }
        )
        update = {
            "update_id": 914000005,
            "message": {
                "message_id": 41,
                "date": NOW,
                "text": "Хочу закрыть кредитную карту, как?",
                "from": {
                    "id": 700100200,
                    "is_bot": False,
                    "first_name": "Айгуль",
                    "username": "aigul_s",
                },
                "chat": {
                    "id": 700100200,
                    "first_name": "Айгуль",
                    "username": "aigul_s",
                    "type": "private",
                },
            },
        }
        response = self.post(source, update, {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"})
        self.assertEqual(response.status_code, 200, response.text)
        mention = self.mentions(source)
        self.assertEqual(mention.external_id, "700100200:41")
        self.assertFalse(mention.url, "a private chat has no public link")
        self.server.route(
            "POST",
            "/bot123:abc/sendMessage",
            {
                "ok": True,
                "result": {
                    "message_id": 42,
                    "date": NOW + 60,
                    "chat": {"id": 700100200, "type": "private", "username": "aigul_s"},
                },
            },
        )
        posted = source._post_reply(mention, "Закрыть карту можно в приложении")
        self.assertEqual(posted, {"external_id": "700100200:42", "url": ""})
        sent = self.server.calls("POST", "/bot123:abc/sendMessage")[-1].json()
        self.assertEqual(sent["chat_id"], 700100200)

    def test_vk_community_message_is_answered_with_messages_send(self):
        source = self.Source.create(
            {
                "name": "VK messages",
                "source_type": "vk",
                "account": "218000001",
                "api_key": "vk-token",
                "base_url": self.server.url,
                "interval_minutes": 0,
            }
        )
        event = {
            "type": "message_new",
            "group_id": 218000001,
            "event_id": "m-1",
            "v": "5.199",
            "object": {
                "message": {
                    "date": NOW,
                    "from_id": 512000111,
                    "id": 3051,
                    "out": 0,
                    "peer_id": 512000111,
                    "conversation_message_id": 17,
                    "text": "Не могу войти в приложение, ошибка 403",
                    "attachments": [],
                },
                "client_info": {"keyboard": True, "lang_id": 0},
            },
        }
        self.assertEqual(self.post(source, event).text, "ok")
        mention = self.mentions(source)
        self.assertEqual(mention.external_id, "msg512000111_3051")
        self.assertFalse(mention.url)
        self.server.route("POST", "/messages.send", {"response": 3060})
        posted = source._post_reply(mention, "Обновите приложение до 7.2.1")
        self.assertEqual(posted, {"external_id": "msg512000111_3060", "url": ""})
        form = self.server.calls("POST", "/messages.send")[-1].form()
        self.assertEqual(
            (form["peer_id"], form["message"]), ("512000111", "Обновите приложение до 7.2.1")
        )
        self.assertFalse(self.server.calls("POST", "/wall.createComment"))

    def test_messenger_message_in_reactions_out(self):
        source = self.Source.create(
            {
                "name": "Page",
                "source_type": "facebook",
                "account": PAGE,
                "api_key": "page-token",
                "api_secret": "app-secret",
                "base_url": self.server.url,
                "interval_minutes": 0,
            }
        )
        event = {
            "object": "page",
            "entry": [
                {
                    "id": PAGE,
                    "time": NOW,
                    "messaging": [
                        {
                            "sender": {"id": "24010000000000001"},
                            "recipient": {"id": PAGE},
                            "timestamp": NOW * 1000,
                            "message": {"mid": "m_AbCdEf01", "text": "My card was blocked abroad"},
                        }
                    ],
                },
                {
                    "id": PAGE,
                    "time": NOW,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "item": "reaction",
                                "verb": "add",
                                "reaction_type": "angry",
                                "post_id": f"{PAGE}_1",
                                "from": {"id": "7", "name": "X"},
                            },
                        }
                    ],
                },
            ],
        }
        body = json.dumps(event).encode()
        signature = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
        response = self.post(source, body, {"X-Hub-Signature-256": signature})
        self.assertEqual((response.status_code, response.text), (200, "EVENT_RECEIVED"))
        mention = self.mentions(source)
        self.assertEqual(len(mention), 1, "the reaction is not a mention")
        self.assertEqual(mention.external_id, "m_AbCdEf01")
        self.assertFalse(mention.url, "a private message has no public link")
        self.server.route(
            "POST",
            f"/{PAGE}/messages",
            {"recipient_id": "24010000000000001", "message_id": "m_Answer1"},
        )
        posted = source._post_reply(mention, "Please call 7111")
        self.assertEqual(posted, {"external_id": "m_Answer1", "url": ""})
        self.assertEqual(
            self.server.calls("POST", f"/{PAGE}/messages")[-1].json(),
            {
                "recipient": {"id": "24010000000000001"},
                "messaging_type": "RESPONSE",
                "message": {"text": "Please call 7111"},
            },
        )
