import json

from odoo.tests import TransactionCase


# The default text is a product question put to the company ("у вас"): tests of SLA policies,
# the matrix's product row and the reports rely on its stage. (Without "у вас" the shipped
# model reads it as a general question as often as a product one.)
def make_record(ext, text="Подскажите, есть ли у вас доставка в Алматы?", **extra):
    record = {
        "external_id": str(ext),
        "text": text,
        "platform": "vk",
        "published_at": "2026-05-01T10:00:00+05:00",
        "url": f"https://vk.com/wall-1_{ext}",
        "author": {"external_id": f"a{ext}", "name": f"Author {ext}", "handle": f"user{ext}"},
    }
    record.update(extra)
    return record


class SocialCrmCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the demo's communication matrix would assign new mentions (and so start them):
        # tests that need rows make their own
        cls.env["social_crm.matrix"].search([]).unlink()
        cls.source = cls.env["social_crm.source"].create(
            {"name": "Test webhook", "source_type": "webhook", "sla_minutes": 30}
        )
        cls.Mention = cls.env["social_crm.mention"]


def post_webhook(case, source, body, headers=None, path_token=None, query=""):
    """POST ``body`` (bytes, or JSON-encoded) to ``source``'s webhook from an HttpCase, with the
    token in the path when ``path_token`` is given."""
    url = f"/social_crm/webhook/{source.id}"
    if path_token:
        url += f"/{path_token}"
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return case.opener.post(
        case.base_url() + url + query,
        data=data,
        headers=dict({"Content-Type": "application/json"}, **(headers or {})),
        timeout=30,
    )
