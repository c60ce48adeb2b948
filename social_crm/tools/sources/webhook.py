"""The generic webhook: senders post our normalized records (see ``tools/schema.py``).

Body: a JSON list of records or ``{"records": [...]}``.  Authentication:
header ``X-Social-CRM-Token`` or the token in the URL path, against ``webhook_token``.
Records are passed through as they are; ``schema.normalize_batch`` on the Odoo side reports
each bad one by name, so one bad record never rejects the rest.
"""

from __future__ import annotations

from .base import (
    PayloadError,
    SourceAdapter,
    WebhookResult,
    _lt,
    check_secret,
    header,
    load_json_body,
    register,
)

TOKEN_HEADER = "X-Social-CRM-Token"


def authenticate_token(adapter, headers, path_token, what="webhook token"):
    """Our own token: header X-Social-CRM-Token, else the path; constant-time compare."""
    given = header(headers, TOKEN_HEADER) or path_token
    check_secret(given, adapter.config.get("webhook_token"), what)


def records_of(data):
    """The records of a delivery: a JSON list of records, or ``{"records": [...]}``."""
    if isinstance(data, dict) and "records" in data:
        data = data["records"]
    if not isinstance(data, list):
        raise PayloadError('expected a JSON list of records or {"records": [...]}')
    return data


@register
class WebhookAdapter(SourceAdapter):
    kind = "webhook"
    label = _lt("Webhook (normalized JSON)")
    sequence = 10
    help = _lt("Senders post normalized JSON records to the webhook URL (Credentials tab).")
    needs_credentials = False
    can_fetch = False
    credential_fields = []
    config_fields = []

    def authenticate_request(self, headers, query=None, path_token=None):
        authenticate_token(self, headers, path_token)
        return True

    def parse_webhook(self, headers, body, query=None, path_token=None):
        authenticate_token(self, headers, path_token)
        data = load_json_body(body, self.max_body)
        return WebhookResult(records=records_of(data))

    def test_connection(self):
        return "Webhook: nothing to connect to; senders post to this source's URL"
