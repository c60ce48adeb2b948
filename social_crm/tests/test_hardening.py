"""Secrets never reach a stored or logged text: an API that answers with something other
than JSON, with the key in its body, leaves a readable error on the source — without the key
— in ``last_error``, in the server log and in what the connection test tells the user."""

import logging

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .httpfake import FakeServer

KEY = "ys-key-4b7e91d2"
CONNECTOR_LOG = "odoo.addons.social_crm.models.social_crm_source"


@tagged("post_install", "-at_install")
class TestSecretsStayOut(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = FakeServer().start()
        cls.addClassCleanup(cls.server.stop)
        cls.env["ir.config_parameter"].sudo().set_param("social_crm.http_retries", "0")
        cls.source = cls.env["social_crm.source"].create(
            {
                "name": "YouScan behind a proxy",
                "source_type": "youscan",
                "base_url": cls.server.url,
                "api_key": KEY,
                "account": "1",
                "interval_minutes": 5,
            }
        )

    def setUp(self):
        super().setUp()
        self.server.routes.clear()
        # A misconfigured proxy answers 200 with an HTML page that echoes the request.
        page = (
            f"<html><body>Gateway page. Upstream refused: X-API-KEY: {KEY} "
            "(GET /topics/1/mentions)</body></html>"
        )
        for path in ("/topics/1/mentions", "/topics"):
            self.server.route("GET", path, (200, {"Content-Type": "text/html"}, page))

    def test_pull_error_keeps_the_reason_not_the_key(self):
        with self.assertLogs(CONNECTOR_LOG, logging.WARNING) as logs:
            self.source._run_pull()
        self.assertEqual(self.source.failure_count, 1)
        error = self.source.last_error or ""
        self.assertIn("not JSON", error)
        self.assertNotIn(KEY, error, "the API key is stored in the source's last error")
        self.assertNotIn(KEY, "\n".join(logs.output), "the API key is in the server log")

    def test_connection_test_message_has_no_key(self):
        with self.assertRaises(UserError) as caught:
            self.source.action_test_connection()
        message = str(caught.exception)
        self.assertIn("not JSON", message)
        self.assertNotIn(KEY, message, "the connection test shows the API key")
