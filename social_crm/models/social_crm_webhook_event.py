from datetime import timedelta

from odoo import api, fields, models

# How long a delivered event id is remembered: platforms redeliver within minutes or hours
# (VK retries for a few hours, Telegram for a day), so a week is ample.
KEEP_DAYS = 7


class SocialCrmWebhookEvent(models.Model):
    """Event ids of webhook deliveries already received, so a redelivery (VK event_id,
    Telegram update_id, YouScan mention id) is answered but not ingested twice — kept in the
    database, where concurrent workers and restarts see it."""

    _name = "social_crm.webhook.event"
    _description = "Social CRM Webhook Delivery"
    _log_access = False
    _order = "id desc"

    source_id = fields.Many2one("social_crm.source", required=True, ondelete="cascade", index=True)
    # The source's company, stored so the multi-company rule applies to the events too.
    company_id = fields.Many2one(related="source_id.company_id", store=True, index=True)
    event_id = fields.Char(string="Event ID", required=True)
    received_at = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    _sql_constraints = [
        (
            "source_event_unique",
            "unique(source_id, event_id)",
            "An event is received once per source.",
        ),
    ]

    @api.model
    def _remember(self, source, event_id):
        """Remember ``event_id`` for ``source``; False when it was already received.

        One INSERT … ON CONFLICT: a concurrent identical delivery waits for ours and then
        sees it, with no error logged and no race between a lookup and an insert.
        """
        self.env.cr.execute(
            """
            INSERT INTO social_crm_webhook_event (source_id, company_id, event_id, received_at)
                 VALUES (%s, %s, %s, now() AT TIME ZONE 'UTC')
            ON CONFLICT (source_id, event_id) DO NOTHING
              RETURNING id
        """,
            [source.id, source.company_id.id, str(event_id)[:255]],
        )
        return bool(self.env.cr.fetchone())

    @api.autovacuum
    def _gc_old_events(self):
        limit = fields.Datetime.now() - timedelta(days=KEEP_DAYS)
        self.search([("received_at", "<", limit)]).unlink()
