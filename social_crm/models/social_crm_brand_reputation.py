"""Reputation per brand, ours and competitors': the audience of the official communities
(entered by hand), beside the mention volume and the share of negative mentions.

A company may reach more people in its communities than all competitors together while more
than half of what is written about it is negative: the two figures side by side show it.
"""

from datetime import timedelta

from odoo import api, fields, models

# the period of the brand list's mention figures unless the context gives one
DEFAULT_PERIOD_DAYS = 30


class SocialCrmBrand(models.Model):
    _inherit = "social_crm.brand"

    community_audience = fields.Integer(
        string="Community audience",
        aggregator="sum",
        help="Subscribers of the brand's official communities and accounts, all networks "
        "together (entered by hand; for competitors, from their public pages).",
    )
    period_mention_count = fields.Integer(
        string="Mentions (period)",
        compute="_compute_reputation",
        help="Mentions naming the brand in the period (30 days unless chosen).",
    )
    period_negative_count = fields.Integer(
        string="Negative (period)", compute="_compute_reputation"
    )
    period_negative_share = fields.Float(
        string="Negative share (%)",
        compute="_compute_reputation",
        digits=(16, 1),
        help="Negative mentions as a share of all mentions naming the brand in the period.",
    )

    @api.depends_context("social_crm_period_days")
    def _compute_reputation(self):
        days = self.env.context.get("social_crm_period_days") or DEFAULT_PERIOD_DAYS
        since = fields.Datetime.now() - timedelta(days=days)
        figures = self._reputation_counts(self.ids, since, self.env.companies.ids)
        for brand in self:
            total, negative = figures.get(brand.id, (0, 0))
            brand.period_mention_count = total
            brand.period_negative_count = negative
            brand.period_negative_share = 100.0 * negative / total if total else 0.0

    @api.model
    def _reputation_counts(self, brand_ids, since, company_ids, until=None):
        """{brand id: (mentions, negative mentions)} naming each brand (as ours or as a
        competitor) since ``since``, duplicates left out — one grouped query. A brand is either
        ours or a competitor, so the two relations never hold the same pair (UNION ALL: no
        sort of half a million rows to find none)."""
        if not brand_ids:
            return {}
        self.env["social_crm.mention"].flush_model(
            ["published_at", "sentiment", "company_id", "duplicate_of_id"]
        )
        self.env.cr.execute(
            """
            SELECT b.brand_id, count(*), count(*) FILTER (WHERE m.sentiment = 'negative')
              FROM (SELECT mention_id, brand_id FROM social_crm_mention_brand_rel
                     WHERE brand_id IN %(brands)s
                    UNION ALL
                    SELECT mention_id, brand_id FROM social_crm_mention_competitor_rel
                     WHERE brand_id IN %(brands)s) b
              JOIN social_crm_mention m ON m.id = b.mention_id
             WHERE m.published_at >= %(since)s
               AND (%(until)s IS NULL OR m.published_at < %(until)s)
               AND m.company_id IN %(companies)s
               AND m.duplicate_of_id IS NULL
          GROUP BY b.brand_id
            """,
            {
                "brands": tuple(brand_ids),
                "since": since,
                "until": until,
                "companies": tuple(company_ids),
            },
        )
        return {brand: (total, negative) for brand, total, negative in self.env.cr.fetchall()}
