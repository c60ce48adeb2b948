"""The figures of a mention that reports average: first-response time, SLA met, negative
share, review stars — each empty where it does not apply, so averages skip it.

Odoo stores an empty Float as 0.0, and ``AVG`` counts a 0: unanswered mentions would pull
the average response time down, reviews without stars the average rating.  The two field
classes below store NULL instead, which PostgreSQL's ``AVG``/``percentile_cont`` skip.
"""

from odoo import api, fields, models

# states of a request to a review site to take a review down
REMOVAL_STATES = [("requested", "Requested"), ("removed", "Removed"), ("refused", "Refused")]


class EmptyableFloat(fields.Float):
    """A Float whose empty value (False / None) is stored as NULL and read back as False
    (0.0 stays a number)."""

    @staticmethod
    def _is_empty(value):
        return value is None or value is False

    def convert_to_column(self, value, record, values=None, validate=True):
        if self._is_empty(value):
            return None
        return super().convert_to_column(value, record, values, validate)

    def convert_to_cache(self, value, record, validate=True):
        if self._is_empty(value):
            return None
        return super().convert_to_cache(value, record, validate)

    def convert_to_record(self, value, record):
        return False if value is None else value

    def convert_to_read(self, value, record, use_display_name=True):
        return False if value is None else value

    def convert_to_export(self, value, record):
        return "" if self._is_empty(value) else value


class StarsFloat(EmptyableFloat):
    """Review stars: 0 means "no rating" (what review sites send for none), stored NULL."""

    @staticmethod
    def _is_empty(value):
        return value is None or value is False or value == 0


class SocialCrmMention(models.Model):
    _inherit = "social_crm.mention"  # pylint: disable=consider-merging-classes-inherited
    # a feature layer of the model in its own file (README, Architecture)

    rating = StarsFloat(aggregator="avg")
    first_response_minutes = EmptyableFloat(
        string="First response (min)",
        compute="_compute_first_response_minutes",
        store=True,
        precompute=True,
        aggregator="avg",
        digits=(16, 1),
        help="Minutes from publication to the first response; empty until answered, so "
        "averages count answered mentions only.",
    )
    first_response_in_sla = EmptyableFloat(
        string="SLA met (%)",
        compute="_compute_first_response_in_sla",
        store=True,
        precompute=True,
        aggregator="avg",
        digits=(16, 1),
        help="100 when the first response came by the SLA deadline, 0 when later; empty until "
        "answered. Averaged, it is the share of answered mentions answered in time.",
    )
    negative_percent = EmptyableFloat(
        string="Negative (%)",
        compute="_compute_negative_percent",
        store=True,
        precompute=True,
        aggregator="avg",
        digits=(16, 1),
        help="100 for a negative mention, 0 otherwise; averaged, the share of negative mentions.",
    )

    @api.depends("first_response_at", "published_at", "create_date")
    def _compute_first_response_minutes(self):
        for mention in self:
            start = mention.published_at or mention.create_date
            if mention.first_response_at and start:
                delta = mention.first_response_at - start
                mention.first_response_minutes = max(0.0, delta.total_seconds() / 60.0)
            else:
                mention.first_response_minutes = False

    @api.depends("first_response_at", "sla_deadline")
    def _compute_first_response_in_sla(self):
        for mention in self:
            if mention.first_response_at and mention.sla_deadline:
                met = mention.first_response_at <= mention.sla_deadline
                mention.first_response_in_sla = 100.0 if met else 0.0
            else:
                mention.first_response_in_sla = False

    @api.depends("sentiment")
    def _compute_negative_percent(self):
        for mention in self:
            mention.negative_percent = 100.0 if mention.sentiment == "negative" else 0.0

    def init(self):
        result = super().init()
        # ratings stored as 0 before stars became nullable meant "no rating"
        self.env.cr.execute("UPDATE social_crm_mention SET rating = NULL WHERE rating = 0")
        return result

    # -- removal of false reviews (social_crm.removal.request) ------------------------------
    removal_request_ids = fields.One2many(
        "social_crm.removal.request", "mention_id", string="Removal requests"
    )
    removal_state = fields.Selection(
        REMOVAL_STATES,
        string="Removal",
        compute="_compute_removal_state",
        store=True,
        precompute=True,
        index="btree_not_null",
        help="The latest request to the review site to take this review down.",
    )

    @api.depends("removal_request_ids.state", "removal_request_ids.requested_on")
    def _compute_removal_state(self):
        for mention in self:
            latest = mention.removal_request_ids.sorted(
                lambda r: (r.requested_on or fields.Datetime.now(), r.id)
            )[-1:]
            mention.removal_state = latest.state or False

    def action_request_removal(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request removal"),
            "res_model": "social_crm.removal.request",
            "view_mode": "form",
            "target": "new",
            "context": {"default_mention_id": self.id},
        }
