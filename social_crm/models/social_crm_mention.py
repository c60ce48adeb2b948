from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

SENTIMENTS = [("negative", "Negative"), ("neutral", "Neutral"), ("positive", "Positive")]
SENTIMENT_RANK = {"negative": 0, "neutral": 1, False: 1, "positive": 2}
STATES = [
    ("new", "New"),
    ("in_progress", "In progress"),
    ("waiting_expert", "Waiting for expert"),
    ("answered", "Answered"),
    ("closed", "Closed"),
    ("ignored", "Ignored"),
]
OPEN_STATES = ("new", "in_progress", "waiting_expert")
# Minutes to the first response when neither the stage nor the source sets one.
DEFAULT_SLA_MINUTES = 60


class SocialCrmMention(models.Model):
    _name = "social_crm.mention"
    _description = "Social CRM Mention"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, sentiment_rank, published_at, id"
    _rec_name = "name"

    name = fields.Char(compute="_compute_name", store=True)
    source_id = fields.Many2one("social_crm.source", required=True, index=True,
                                ondelete="restrict")
    external_id = fields.Char(string="External ID", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    url = fields.Char(string="Link to the post")
    title = fields.Char()
    text = fields.Text(required=True)
    platform_id = fields.Many2one("social_crm.platform", required=True, index=True,
                                  ondelete="restrict")
    platform_kind = fields.Selection(related="platform_id.kind")
    published_at = fields.Datetime(string="Published", index=True, default=fields.Datetime.now)
    author_id = fields.Many2one("social_crm.author", index="btree_not_null", tracking=True)
    partner_id = fields.Many2one("res.partner", string="Contact", related="author_id.partner_id",
                                 store=True, readonly=False, index="btree_not_null")
    author_mention_ids = fields.Many2many(
        "social_crm.mention", string="Earlier mentions of the author",
        compute="_compute_author_mention_ids")

    # Analysis: language, sentiment, consumer-cycle stage.
    lang = fields.Char(string="Language", size=8, index=True,
                       help="ISO 639-1 code of the mention's language (ru, kk, uk, en, …).")
    lang_confidence = fields.Float(string="Language confidence", digits=(3, 2))
    lang_origin = fields.Selection([("source", "Source"), ("model", "Social CRM")],
                                   string="Language from")
    sentiment_score = fields.Float(digits=(3, 2), help="From −1 (negative) to 1 (positive).")
    sentiment = fields.Selection(SENTIMENTS, index=True, tracking=True)
    sentiment_rank = fields.Integer(compute="_compute_sentiment_rank", store=True, index=True)
    sentiment_origin = fields.Selection(
        [("source", "Source"), ("model", "Social CRM"), ("manual", "Set by hand")],
        string="Sentiment from")
    stage_id = fields.Many2one("social_crm.stage", string="Stage", index=True, tracking=True,
                               group_expand="_read_group_stage_ids", ondelete="restrict")
    stage_code = fields.Selection(related="stage_id.code")
    stage_confidence = fields.Float(digits=(3, 2))
    stage_cues = fields.Text(string="Why this stage", readonly=True)
    stage_manual = fields.Boolean(
        string="Stage set by hand", help="Re-processing never overwrites a stage set by hand.")
    sentiment_manual = fields.Boolean(string="Sentiment set by hand")
    brand_ids = fields.Many2many("social_crm.brand", "social_crm_mention_brand_rel",
                                 "mention_id", "brand_id", string="Brands",
                                 domain=[("is_competitor", "=", False)])
    competitor_ids = fields.Many2many("social_crm.brand", "social_crm_mention_competitor_rel",
                                      "mention_id", "brand_id", string="Competitors",
                                      domain=[("is_competitor", "=", True)])
    is_question = fields.Boolean(string="Question")

    # Work.
    state = fields.Selection(STATES, default="new", required=True, index=True, tracking=True)
    user_id = fields.Many2one("res.users", string="Assignee", index=True, tracking=True,
                              domain=[("share", "=", False)])
    priority = fields.Selection([("0", "Normal"), ("1", "High"), ("2", "Urgent")],
                                default="0", index=True)
    color = fields.Integer()
    rating = fields.Float(string="Review rating", digits=(2, 1),
                          help="Stars of a review (1–5), as the review site gives them.")
    parent_id = fields.Many2one("social_crm.mention", string="Replies to", index="btree_not_null",
                                ondelete="set null")
    child_ids = fields.One2many("social_crm.mention", "parent_id", string="Replies")
    parent_external_id = fields.Char(string="Parent external ID")
    duplicate_of_id = fields.Many2one("social_crm.mention", string="Duplicate of",
                                      index="btree_not_null", ondelete="set null")
    reach = fields.Integer()
    likes = fields.Integer()
    reposts = fields.Integer()
    comments = fields.Integer()
    engagement = fields.Integer(compute="_compute_engagement", store=True, aggregator="sum")
    raw = fields.Json(string="Original payload", groups="social_crm.group_manager")

    # Response time.
    sla_deadline = fields.Datetime(string="Respond by", index=True)
    first_response_at = fields.Datetime(readonly=True, index="btree_not_null")
    response_minutes = fields.Float(compute="_compute_response_minutes", store=True,
                                    aggregator="avg", string="Response time (min)")
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    reply = fields.Text(string="Reply")
    reply_url = fields.Char(string="Link to the reply")

    _sql_constraints = [
        ("source_external_unique", "unique(source_id, external_id)",
         "This mention was already imported from this source."),
    ]

    @api.depends("title", "text")
    def _compute_name(self):
        for mention in self:
            base = (mention.title or mention.text or "").strip().replace("\n", " ")
            mention.name = base[:77] + "…" if len(base) > 80 else base

    @api.depends("sentiment")
    def _compute_sentiment_rank(self):
        for mention in self:
            mention.sentiment_rank = SENTIMENT_RANK.get(mention.sentiment, 1)

    @api.depends("likes", "reposts", "comments")
    def _compute_engagement(self):
        for mention in self:
            mention.engagement = mention.likes + mention.reposts + mention.comments

    @api.depends("first_response_at", "published_at", "create_date")
    def _compute_response_minutes(self):
        for mention in self:
            start = mention.published_at or mention.create_date
            if mention.first_response_at and start:
                delta = mention.first_response_at - start
                mention.response_minutes = max(0.0, delta.total_seconds() / 60.0)
            else:
                mention.response_minutes = 0.0

    @api.depends("sla_deadline", "first_response_at", "state")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for mention in self:
            mention.is_overdue = bool(
                mention.sla_deadline and not mention.first_response_at
                and mention.state in OPEN_STATES and mention.sla_deadline < now)

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on “overdue”."))
        domain = [("sla_deadline", "<", fields.Datetime.now()),
                  ("first_response_at", "=", False), ("state", "in", OPEN_STATES)]
        positive = (operator == "=") == value
        return domain if positive else ["!", "&", "&"] + domain

    def _compute_author_mention_ids(self):
        authors = self.author_id
        others = self.search([("author_id", "in", authors.ids)], order="published_at desc") \
            if authors else self.browse()
        by_author = {}
        for other in others:
            by_author.setdefault(other.author_id.id, []).append(other.id)
        for mention in self:
            ids = [i for i in by_author.get(mention.author_id.id, []) if i != mention.id]
            mention.author_mention_ids = [(6, 0, ids[:20])]

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([], order=stages._order)

    # -- SLA ----------------------------------------------------------------------------
    def _sla_minutes(self, stage, source):
        return stage.sla_minutes or source.sla_minutes or DEFAULT_SLA_MINUTES

    def _sla_deadline(self, start, stage, source):
        return start + timedelta(minutes=self._sla_minutes(stage, source))

    # -- staff corrections --------------------------------------------------------------
    def write(self, vals):
        if not self.env.context.get("social_crm_analysis"):
            if "stage_id" in vals and "stage_manual" not in vals:
                vals = dict(vals, stage_manual=True)
            if "sentiment" in vals and "sentiment_manual" not in vals:
                vals = dict(vals, sentiment_manual=True, sentiment_origin="manual")
        if vals.get("user_id") and "state" not in vals:
            fresh = self.filtered(lambda m: m.state == "new")
            if fresh:
                super(SocialCrmMention, fresh).write({"state": "in_progress"})
        return super().write(vals)

    # -- analysis -----------------------------------------------------------------------
    def action_reanalyse(self):
        """Re-detect language, sentiment and stage; what staff set by hand stays."""
        self.env["social_crm.source"]._analyse_mentions(self)
        return True

    # -- workflow -----------------------------------------------------------------------
    def action_take(self):
        self.write({"user_id": self.env.uid, "state": "in_progress"})

    def action_wait_expert(self):
        self.write({"state": "waiting_expert"})

    def action_mark_answered(self):
        now = fields.Datetime.now()
        for mention in self:
            vals = {"state": "answered"}
            if not mention.first_response_at:
                vals["first_response_at"] = now
            mention.write(vals)

    def action_close(self):
        self.write({"state": "closed"})

    def action_ignore(self):
        self.write({"state": "ignored"})

    def action_reopen(self):
        self.write({"state": "in_progress"})

    def action_open_author(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "social_crm.author",
            "res_id": self.author_id.id,
            "view_mode": "form",
        }
