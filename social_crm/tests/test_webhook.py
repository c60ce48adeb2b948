import json

from odoo.tests import HttpCase, tagged

from .common import make_record


@tagged("post_install", "-at_install")
class TestWebhook(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["social_crm.source"].create({
            "name": "Webhook", "source_type": "webhook"})
        cls.Mention = cls.env["social_crm.mention"]

    def post(self, body, token=None, path_token=None, source=None):
        source = source or self.source
        url = f"/social_crm/webhook/{source.id}"
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

    def test_authentication(self):
        missing = self.post([make_record(1)])
        self.assertEqual(missing.status_code, 401)
        self.assertIn("missing token", missing.json()["error"])
        wrong = self.post([make_record(1)], token="nope")
        self.assertEqual(wrong.status_code, 403)
        wrong_path = self.post([make_record(1)], path_token="nope")
        self.assertEqual(wrong_path.status_code, 403)
        self.assertEqual(self.count(), 0)
        unknown = self.url_open("/social_crm/webhook/999999", data="[]",
                                headers={"X-Social-CRM-Token": "x"})
        self.assertEqual(unknown.status_code, 404)

    def test_malformed_bodies(self):
        token = self.source.webhook_token
        for body, reason in [(b"{not json", "not valid JSON"), (b"", "empty body"),
                             (b'"a string"', "expected a JSON list"),
                             (b'{"foo": 1}', "expected a JSON list")]:
            response = self.post(body, token=token)
            self.assertEqual(response.status_code, 400, body)
            self.assertIn(reason, response.json()["error"])
        self.assertEqual(self.count(), 0)

    def test_partly_invalid_batch(self):
        with self.assertLogs("odoo.addons.social_crm.models.social_crm_source", "WARNING"):
            response = self.post([make_record(1), {"external_id": "2"}],
                                 token=self.source.webhook_token)
        self.assertEqual(response.status_code, 200)
        payload = response.json()
        self.assertEqual(payload["created"], 1)
        self.assertEqual(payload["errors"], [{"record": "record 2", "reason": "text is missing"}])
        with self.assertLogs("odoo.addons.social_crm.models.social_crm_source", "WARNING"):
            all_bad = self.post([{"external_id": "3"}], token=self.source.webhook_token)
        self.assertEqual(all_bad.status_code, 400)
        self.assertEqual(self.count(), 1)

    def test_oversized_body(self):
        response = self.post(b"[" + b" " * (5 * 1024 * 1024 + 10) + b"]",
                             token=self.source.webhook_token)
        self.assertEqual(response.status_code, 413)
        self.assertEqual(self.count(), 0)
