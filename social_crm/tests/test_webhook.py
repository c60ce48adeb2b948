import contextlib
import json
import logging
import socket
import time

from odoo.tests import HttpCase, tagged

from ..controllers.webhook import MAX_BODY_BYTES, MAX_JSON_DEPTH
from .common import make_record


@tagged("post_install", "-at_install")
class TestWebhook(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["social_crm.source"].create(
            {"name": "Webhook", "source_type": "webhook"}
        )
        cls.Mention = cls.env["social_crm.mention"]

    def post(self, body, token=None, path_token=None, source=None, source_id=None):
        source_id = source_id or (source or self.source).id
        url = f"/social_crm/webhook/{source_id}"
        if path_token:
            url += f"/{path_token}"
        headers = {"Content-Type": "application/json"}
        if token:
            headers["X-Social-CRM-Token"] = token
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        # Always a POST, even with an empty body (url_open would send a GET).
        return self.opener.post(self.base_url() + url, data=data, headers=headers, timeout=30)

    def count(self):
        return self.Mention.search_count([("source_id", "=", self.source.id)])

    def test_delivery_with_header_token(self):
        response = self.post([make_record(1), make_record(2)], token=self.source.webhook_token)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json(), {"created": 2, "updated": 0, "errors": []})
        self.assertEqual(self.count(), 2)

    def test_delivery_with_path_token_and_records_key(self):
        response = self.post({"records": [make_record(1)]}, path_token=self.source.webhook_token)
        self.assertEqual(response.json()["created"], 1)

    def test_same_delivery_twice_stores_nothing_new(self):
        body = [make_record(1), make_record(2)]
        self.post(body, token=self.source.webhook_token)
        response = self.post(body, token=self.source.webhook_token)
        self.assertEqual(response.json(), {"created": 0, "updated": 0, "errors": []})
        self.assertEqual(self.count(), 2)

    def test_refusals_do_not_reveal_which_sources_exist(self):
        """Missing or wrong token, an unknown and an archived source: one answer, so ids
        cannot be enumerated; the real reason is in the server log."""
        archived = self.env["social_crm.source"].create(
            {"name": "Archived webhook", "source_type": "webhook", "active": False}
        )
        feed = self.env["social_crm.source"].create(
            {"name": "News feed", "source_type": "rss", "interval_minutes": 0}
        )
        bot = self.env["social_crm.source"].create(
            {
                "name": "Bot",
                "source_type": "telegram",
                "api_secret": "tg-secret_1",
                "interval_minutes": 0,
            }
        )
        unknown_id = self.env["social_crm.source"].search([], order="id desc", limit=1).id + 1000
        body = [make_record(1)]
        with self.assertLogs("odoo.addons.social_crm.controllers.webhook", logging.INFO) as logs:
            answers = {
                "missing token": self.post(body),
                "wrong header token": self.post(body, token="nope"),
                "wrong path token": self.post(body, path_token="nope"),
                "unknown source": self.post(body, token="nope", source_id=unknown_id),
                "unknown source, no token": self.post(body, source_id=unknown_id),
                "archived source, right token": self.post(
                    body, token=archived.webhook_token, source=archived
                ),
                "a kind without webhook, no token": self.post(body, source=feed),
                "Telegram, no secret header": self.post({"update_id": 1}, source=bot),
            }
        expected = (403, {"error": "unknown source or wrong credentials"})
        for case, response in answers.items():
            self.assertEqual((response.status_code, response.json()), expected, case)
        self.assertEqual(self.count(), 0)
        log = "\n".join(logs.output)
        self.assertIn(f"source {self.source.id} refused: webhook token is wrong", log)
        self.assertIn(f"source {unknown_id} refused: no such source", log)
        self.assertIn(f"source {archived.id} refused: the source is archived", log)
        self.assertIn(f"source {feed.id} refused: ", log)
        self.assertIn(
            f"source {bot.id} refused: X-Telegram-Bot-Api-Secret-Token header is missing", log
        )

    def test_handshake_refusals_do_not_reveal_which_sources_exist(self):
        """A GET (Meta's subscription handshake) to a source without one, or to an unknown
        id, gets the same refusal as a wrong credential."""
        unknown_id = self.env["social_crm.source"].search([], order="id desc", limit=1).id + 1000
        expected = (403, {"error": "unknown source or wrong credentials"})
        for source_id in (self.source.id, unknown_id):
            response = self.opener.get(
                self.base_url() + f"/social_crm/webhook/{source_id}",
                params={"hub.mode": "subscribe", "hub.challenge": "1"},
                timeout=30,
            )
            self.assertEqual((response.status_code, response.json()), expected, source_id)

    def test_path_token_is_masked_in_the_access_log(self):
        token = self.source.webhook_token
        with self.assertLogs("werkzeug", logging.INFO) as logs:
            response = self.post([make_record(1)], path_token=token)
            # The access line is written as the answer goes out: give the server's thread
            # a moment to finish it.
            for _attempt in range(100):
                if any("/social_crm/webhook/" in line for line in logs.output):
                    break
                time.sleep(0.02)
        self.assertEqual(response.status_code, 200, response.text)
        access = [line for line in logs.output if "/social_crm/webhook/" in line]
        self.assertTrue(access, logs.output)
        self.assertIn(f"/social_crm/webhook/{self.source.id}/*** HTTP", access[0])
        self.assertNotIn(token, "\n".join(logs.output))

    def test_malformed_bodies(self):
        token = self.source.webhook_token
        for body, reason in [
            (b"{not json", "not valid JSON"),
            (b"", "empty body"),
            (b'"a string"', "expected a JSON list"),
            (b'{"foo": 1}', "expected a JSON list"),
        ]:
            response = self.post(body, token=token)
            self.assertEqual(response.status_code, 400, body)
            self.assertIn(reason, response.json()["error"])
        self.assertEqual(self.count(), 0)

    def test_deep_nesting_is_a_bad_request(self):
        token = self.source.webhook_token
        deep = b"[" * 5000 + b"]" * 5000
        response = self.post(deep, token=token)
        self.assertEqual(response.status_code, 400, response.text)
        self.assertEqual(
            response.json()["error"],
            f"body is nested 5000 levels deep; at most {MAX_JSON_DEPTH} are accepted",
        )
        # Brackets inside strings are text, not nesting.
        bracketed = make_record(2, text="[" * 5000 + " скобки в тексте")
        response = self.post([bracketed], token=token)
        self.assertEqual(response.json()["created"], 1, response.text)
        self.assertEqual(self.count(), 1)

    def test_partly_invalid_batch(self):
        with self.assertLogs("odoo.addons.social_crm.models.social_crm_source", "WARNING"):
            response = self.post(
                [make_record(1), {"external_id": "2"}], token=self.source.webhook_token
            )
        self.assertEqual(response.status_code, 200)
        payload = response.json()
        self.assertEqual(payload["created"], 1)
        self.assertEqual(payload["errors"], [{"record": "record 2", "reason": "text is missing"}])
        with self.assertLogs("odoo.addons.social_crm.models.social_crm_source", "WARNING"):
            all_bad = self.post([{"external_id": "3"}], token=self.source.webhook_token)
        self.assertEqual(all_bad.status_code, 400)
        self.assertEqual(self.count(), 1)

    def test_oversized_body(self):
        response = self.post(
            b"[" + b" " * (MAX_BODY_BYTES + 10) + b"]", token=self.source.webhook_token
        )
        self.assertEqual(response.status_code, 413)
        self.assertEqual(self.count(), 0)

    def chunked_post(self, path, headers, total, chunk=64 * 1024):
        """POST ``total`` bytes with chunked transfer encoding (no Content-Length) on a raw
        socket, stopping as soon as the server answers; returns (status line, body, bytes
        sent)."""
        host, port = self.base_url().split("//")[1].split(":")
        sock = socket.create_connection((host, int(port)), timeout=30)
        # A small send buffer: what was sent is close to what the server has taken.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Transfer-Encoding: chunked"] + [
            f"{k}: {v}" for k, v in headers.items()
        ]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sent, offset, answer, closed = 0, 0, b"", False
        piece = b"%x\r\n" % chunk + b"[" + b" " * (chunk - 1) + b"\r\n"
        sock.setblocking(False)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                data = sock.recv(65536)
            except BlockingIOError:
                data = None  # nothing to read yet
            except OSError:
                break
            if data is not None:
                if not data:
                    break
                answer += data
                if b"\r\n\r\n" in answer:
                    break
            if sent < total and not closed:
                try:
                    offset += sock.send(piece[offset:])
                    if offset == len(piece):
                        sent, offset = sent + chunk, 0
                except BlockingIOError:
                    time.sleep(0.005)
                except OSError:
                    closed = True  # the server stopped reading and closed the connection
            else:
                time.sleep(0.005)
        sock.setblocking(True)
        sock.settimeout(5)
        with contextlib.suppress(OSError):
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        sock.close()
        status, _, rest = answer.partition(b"\r\n")
        return status.decode(errors="replace"), rest.partition(b"\r\n\r\n")[2], sent

    def test_chunked_body_without_token_is_not_read(self):
        total = 40 * 1024 * 1024
        status, body, sent = self.chunked_post(
            f"/social_crm/webhook/{self.source.id}", {"Content-Type": "application/json"}, total
        )
        self.assertLess(
            sent,
            MAX_BODY_BYTES + 8 * 1024 * 1024,
            "the server read the body although the token was missing",
        )
        self.assertIn(" 403 ", status + " ", body)

    def test_chunked_form_body_is_not_read_whole_either(self):
        """Odoo parses a form-encoded body before any route runs: a chunked one is bounded
        all the same."""
        total = 40 * 1024 * 1024
        status, body, sent = self.chunked_post(
            f"/social_crm/webhook/{self.source.id}",
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Social-CRM-Token": self.source.webhook_token,
            },
            total,
        )
        self.assertLess(
            sent, MAX_BODY_BYTES + 8 * 1024 * 1024, f"{sent} bytes were read before the refusal"
        )
        self.assertIn(" 413 ", status + " ", body)
        self.assertEqual(self.count(), 0)

    def test_chunked_body_is_refused_at_the_limit(self):
        total = 40 * 1024 * 1024
        status, body, sent = self.chunked_post(
            f"/social_crm/webhook/{self.source.id}",
            {"Content-Type": "application/json", "X-Social-CRM-Token": self.source.webhook_token},
            total,
        )
        self.assertLess(
            sent, MAX_BODY_BYTES + 8 * 1024 * 1024, f"{sent} bytes were read before the refusal"
        )
        self.assertIn(" 413 ", status + " ", body)
        self.assertEqual(self.count(), 0)
