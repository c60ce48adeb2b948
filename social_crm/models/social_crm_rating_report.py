"""Review ratings: the reviews of review sites with their stars, for a list and a pivot.

One row per review (a mention on a platform of kind *review*), without duplicates and
without reviews the site took down. Stars are averaged over the rated reviews only; the
number of 5-star reviews that would bring a group's average to its target is worked out per
group of the pivot (``read_group``), from the group's sum and count of stars:
the smallest n with (sum + 5n) / (count + n) ≥ target (``tools.quality.five_star_needed``).
"""

from odoo import api, fields, models, tools

from ..tools.quality import five_star_needed

NEEDED = "five_star_needed"
_NEEDED_INPUTS = ("rating_sum:sum", "rated_count:sum", "rating_target:max")


class SocialCrmRatingReport(models.Model):
    _name = "social_crm.rating.report"
    _description = "Social CRM Review Ratings"
    _auto = False
    _order = "is_answered, published_at desc"
    _rec_name = "mention_id"
    _depends = {
        "social_crm.mention": [
            "name",
            "published_at",
            "company_id",
            "brand_ids",
            "platform_id",
            "user_id",
            "author_id",
            "sentiment",
            "first_response_at",
            "rating",
            "duplicate_of_id",
            "removal_state",
        ],
        "social_crm.platform": ["kind", "rating_target"],
    }

    mention_id = fields.Many2one("social_crm.mention", string="Review", readonly=True)
    name = fields.Char(string="Text", readonly=True)
    published_at = fields.Datetime(string="Published", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    brand_id = fields.Many2one("social_crm.brand", readonly=True)
    platform_id = fields.Many2one("social_crm.platform", readonly=True)
    user_id = fields.Many2one("res.users", string="Assignee", readonly=True)
    author_id = fields.Many2one("social_crm.author", readonly=True)
    sentiment = fields.Selection(
        [("negative", "Negative"), ("neutral", "Neutral"), ("positive", "Positive")],
        readonly=True,
    )
    is_answered = fields.Boolean(string="Answered", readonly=True)
    rating = fields.Float(
        string="Average rating",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Stars averaged over the reviews that have stars (never summed).",
    )
    rating_sum = fields.Float(string="Sum of stars", readonly=True, aggregator="sum")
    rated_count = fields.Integer(string="Rated reviews", readonly=True, aggregator="sum")
    review_count = fields.Integer(string="Reviews", readonly=True, aggregator="sum")
    five_star_count = fields.Integer(string="5-star reviews", readonly=True, aggregator="sum")
    unanswered_count = fields.Integer(string="Unanswered reviews", readonly=True, aggregator="sum")
    rating_target = fields.Float(
        string="Target",
        readonly=True,
        aggregator="max",
        digits=(16, 1),
        help="The platform's rating target (the highest one in a group of platforms).",
    )
    five_star_needed = fields.Integer(
        string="5-star reviews needed",
        readonly=True,
        aggregator="sum",
        help="The smallest number n of new 5-star reviews with (sum of stars + 5n) / "
        "(rated reviews + n) ≥ target, for the group shown.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                SELECT m.id AS id,
                       m.id AS mention_id,
                       m.name AS name,
                       m.published_at AS published_at,
                       m.company_id AS company_id,
                       (SELECT min(r.brand_id) FROM social_crm_mention_brand_rel r
                         WHERE r.mention_id = m.id) AS brand_id,
                       m.platform_id AS platform_id,
                       m.user_id AS user_id,
                       m.author_id AS author_id,
                       m.sentiment AS sentiment,
                       m.first_response_at IS NOT NULL AS is_answered,
                       NULLIF(m.rating, 0) AS rating,
                       COALESCE(m.rating, 0) AS rating_sum,
                       CASE WHEN m.rating > 0 THEN 1 ELSE 0 END AS rated_count,
                       1 AS review_count,
                       CASE WHEN m.rating >= 5 THEN 1 ELSE 0 END AS five_star_count,
                       CASE WHEN m.first_response_at IS NULL THEN 1 ELSE 0 END
                           AS unanswered_count,
                       COALESCE(p.rating_target, 4.0) AS rating_target,
                       CASE WHEN m.rating > 0 AND m.rating < COALESCE(p.rating_target, 4.0)
                            AND COALESCE(p.rating_target, 4.0) < 5
                            THEN CEIL((COALESCE(p.rating_target, 4.0) - m.rating)
                                      / (5 - COALESCE(p.rating_target, 4.0)) - 1e-9)::int
                            ELSE 0 END AS five_star_needed
                  FROM social_crm_mention m
                  JOIN social_crm_platform p ON p.id = m.platform_id
                 WHERE p.kind = 'review'
                   AND m.duplicate_of_id IS NULL
                   AND m.removal_state IS DISTINCT FROM 'removed'
            )
            """
        )

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Each group's «5-star reviews needed» from its own sum, count and target (a sum
        of the rows' figures would be wrong)."""
        wanted = any(spec.split(":")[0] == NEEDED for spec in fields)
        if wanted:
            fields = [f for f in fields if f.split(":")[0] != NEEDED] + [
                spec for spec in _NEEDED_INPUTS if spec not in fields
            ]
        groups = super().read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
        )
        if wanted:
            for group in groups:
                needed = five_star_needed(
                    group.get("rating_sum") or 0.0,
                    group.get("rated_count") or 0,
                    group.get("rating_target") or 4.0,
                )
                group[NEEDED] = needed if needed is not None else 0
        return groups

    def action_open_review(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "social_crm.mention",
            "res_id": self.mention_id.id,
            "view_mode": "form",
        }
