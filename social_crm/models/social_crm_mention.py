"""A mention: one public post, comment, review or message about the company.

Imported by a source (``source.ingest``), analysed here (language, sentiment, brands,
consumer-cycle stage, via ``tools/pipeline``), answered through the knowledge loop (suggested
answers, an expert when there is none) and a reply in the brand's tone, within its SLA.
"""

import re
import uuid
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.modules.db import FunctionStatus
from odoo.tools import SQL, plaintext2html

from ..tools import tone as tone_tools
from ..tools.classify import CUE_TEXTS
from ..tools.knowledge import SHOW_SCORE
from ..tools.sources.private import private_reply_limit
from .mail_activity import EXPERT_ACTIVITY_XMLID

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
# Fields of a mention typed in that make its normalized record (the rest is set by hand).
_HAND_RECORD_FIELDS = (
    "external_id",
    "text",
    "title",
    "url",
    "rating",
    "reach",
    "likes",
    "reposts",
    "comments",
    "parent_external_id",
)
# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A name with digits, underscores or @ is a handle, not something to greet someone by.
_HANDLE_LIKE = re.compile(r"[\d_@/]|^\W")


# the mention fields the author's figures (counts, first / last seen) are made of
AUTHOR_FIGURES = {"author_id", "sentiment", "published_at", "rating", "text"}


class SocialCrmMention(models.Model):
    _name = "social_crm.mention"
    _description = "Social CRM Mention"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, sentiment_rank, published_at, id"
    _rec_name = "name"

    # computed before the insert (precompute): no second write of each new row
    name = fields.Char(compute="_compute_name", store=True, precompute=True)
    source_id = fields.Many2one(
        "social_crm.source",
        required=True,
        index=True,
        ondelete="restrict",
        default=lambda self: self._default_source_id(),
    )
    external_id = fields.Char(
        string="External ID",
        required=True,
        readonly=True,
        default=lambda self: f"manual-{uuid.uuid4().hex}",
        help="The post's id on its platform; made up for a mention typed in.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    url = fields.Char(string="Link to the post")
    import_note = fields.Char(
        readonly=True, help="What the import had to change, e.g. a text cut to length."
    )
    is_private = fields.Boolean(
        string="Private message",
        readonly=True,
        help="A message sent to the company's account in private (VK community messages, a "
        "chat with the Telegram bot, Messenger, Instagram Direct): never public, and "
        "the reply goes back privately.",
    )
    # trigram indexes: the search view's text filter (ilike '%word%') reads them (the
    # title's is partial, see init())
    title = fields.Char()
    text = fields.Text(required=True, index="trigram")
    platform_id = fields.Many2one(
        "social_crm.platform", required=True, index=True, ondelete="restrict"
    )
    platform_kind = fields.Selection(related="platform_id.kind")
    published_at = fields.Datetime(string="Published", index=True, default=fields.Datetime.now)
    author_id = fields.Many2one("social_crm.author", index="btree_not_null", tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        related="author_id.partner_id",
        store=True,
        precompute=True,
        readonly=False,
        index="btree_not_null",
    )
    author_mention_ids = fields.Many2many(
        "social_crm.mention",
        string="Earlier mentions of the author",
        compute="_compute_author_mention_ids",
    )

    # Analysis: language, sentiment, consumer-cycle stage.
    lang = fields.Char(
        string="Language",
        size=8,
        index=True,
        help="ISO 639-1 code of the mention's language (ru, kk, uk, en, …).",
    )
    lang_confidence = fields.Float(string="Language confidence", digits=(3, 2))
    lang_origin = fields.Selection(
        [("source", "Source"), ("model", "Social CRM")], string="Language from"
    )
    sentiment_score = fields.Float(digits=(3, 2), help="From −1 (negative) to 1 (positive).")
    sentiment = fields.Selection(SENTIMENTS, index=True, tracking=True)
    sentiment_rank = fields.Integer(
        compute="_compute_sentiment_rank", store=True, index=True, precompute=True
    )
    sentiment_origin = fields.Selection(
        [("source", "Source"), ("model", "Social CRM"), ("manual", "Set by hand")],
        string="Sentiment from",
    )
    stage_id = fields.Many2one(
        "social_crm.stage",
        index=True,
        tracking=True,
        group_expand="_read_group_stage_ids",
        ondelete="restrict",
    )
    stage_code = fields.Selection(related="stage_id.code")
    stage_confidence = fields.Float(digits=(3, 2))
    # Not prefetched: only the form's "Why this stage" reads it, not a card or a list row.
    stage_cue_data = fields.Json(
        readonly=True,
        prefetch=False,
        help="The reasons of the stage decision as (code, parameters).",
    )
    stage_cues = fields.Text(
        string="Why this stage",
        compute="_compute_stage_cues",
        help="The reasons of the stage decision, in the reader's language.",
    )
    stage_manual = fields.Boolean(
        string="Stage set by hand", help="Re-processing never overwrites a stage set by hand."
    )
    sentiment_manual = fields.Boolean(string="Sentiment set by hand")
    brand_ids = fields.Many2many(
        "social_crm.brand",
        "social_crm_mention_brand_rel",
        "mention_id",
        "brand_id",
        string="Brands",
        domain=[("is_competitor", "=", False)],
    )
    competitor_ids = fields.Many2many(
        "social_crm.brand",
        "social_crm_mention_competitor_rel",
        "mention_id",
        "brand_id",
        string="Competitors",
        domain=[("is_competitor", "=", True)],
    )
    is_question = fields.Boolean(string="Question")

    # Work.
    state = fields.Selection(STATES, default="new", required=True, index=True, tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Assignee", index=True, tracking=True, domain=[("share", "=", False)]
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent")], default="0", index=True
    )
    # a colour index, not a quantity: no sum in the kanban's column headers
    color = fields.Integer(aggregator=None)
    rating = fields.Float(
        string="Review rating",
        digits=(2, 1),
        help="Stars of a review (1–5), as the review site gives them.",
    )
    parent_id = fields.Many2one(
        "social_crm.mention", string="Replies to", index="btree_not_null", ondelete="set null"
    )
    child_ids = fields.One2many("social_crm.mention", "parent_id", string="Replies")
    parent_external_id = fields.Char(string="Parent external ID")
    duplicate_of_id = fields.Many2one(
        "social_crm.mention", string="Duplicate of", index="btree_not_null", ondelete="set null"
    )
    reach = fields.Integer()
    likes = fields.Integer()
    reposts = fields.Integer()
    comments = fields.Integer()
    engagement = fields.Integer(
        compute="_compute_engagement", store=True, aggregator="sum", precompute=True
    )
    raw = fields.Json(string="Original payload", groups="social_crm.group_manager", prefetch=False)

    # Response time.
    sla_deadline = fields.Datetime(string="Respond by", index=True)
    first_response_at = fields.Datetime(readonly=True, index="btree_not_null")
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    reply = fields.Text()
    reply_url = fields.Char(string="Link to the reply")

    # Knowledge suggestions (computed on display: the knowledge base changes all the time).
    suggested_answer_ids = fields.Many2many(
        "social_crm.knowledge.answer",
        string="Suggested answers",
        compute="_compute_suggestions",
        help="Approved knowledge answers closest to the mention's question, best first.",
    )
    suggestion_score = fields.Float(
        string="Best match", compute="_compute_suggestions", digits=(3, 2)
    )
    has_good_answer = fields.Boolean(
        compute="_compute_suggestions", help="The knowledge base has an answer that fits well."
    )

    # Expert loop.
    expert_id = fields.Many2one(
        "res.users", tracking=True, copy=False, domain=[("share", "=", False)]
    )
    expert_question = fields.Text(copy=False, help="What the expert was asked.")
    expert_deadline = fields.Date(copy=False)
    expert_answer = fields.Text(copy=False, help="The expert's answer, in substance.")
    knowledge_answer_id = fields.Many2one(
        "social_crm.knowledge.answer",
        string="Knowledge answer",
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The knowledge answer the reply used or the expert's answer became.",
    )
    born_answer_ids = fields.One2many(
        "social_crm.knowledge.answer", "mention_id", string="Answers born here"
    )
    born_answer_count = fields.Integer(compute="_compute_born_answer_count")

    # Communication matrix.
    matrix_user_ids = fields.Many2many(
        "res.users", string="Responsible team", compute="_compute_matrix"
    )
    matrix_note = fields.Char(string="Guideline", compute="_compute_matrix")

    _sql_constraints = [
        (
            "source_external_unique",
            "unique(source_id, external_id)",
            "This mention was already imported from this source.",
        ),
    ]

    def init(self):
        # The duplicate check looks mentions up by URL; a hash index serves "=" and "IN" on
        # URLs of any length (a btree entry can't hold the longest ones).
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS social_crm_mention_url_hash "
            "ON social_crm_mention USING hash (url)"
        )
        # The kanban's first load under its default filter "To handle": a column's cards in
        # the kanban's order straight from the index (no sort of the whole column), and the
        # column counts and sentiment progress bars from the index alone.
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS social_crm_mention_open_kanban_idx
                   ON social_crm_mention
                      (stage_id, priority DESC, sentiment_rank, published_at, id)
                      INCLUDE (sentiment, company_id, color)
                WHERE state IN ('new', 'in_progress', 'waiting_expert')"""
        )
        # The same column counts and progress bars need only the stage, the sentiment and the
        # company (the multi-company rule) of each mention to handle: from this narrow index
        # they read about a third of the pages of the one above.
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS social_crm_mention_open_count_idx
                   ON social_crm_mention (stage_id, sentiment, company_id)
                WHERE state IN ('new', 'in_progress', 'waiting_expert')"""
        )
        # the list's (and the text search's) default order: the first rows without a sort
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS social_crm_mention_order_idx "
            "ON social_crm_mention (priority DESC, sentiment_rank, published_at, id)"
        )
        # the same order among the mentions to handle (the list under its default filter, and
        # a text search there): without it, the walk along the order above reads every
        # handled mention first
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS social_crm_mention_open_order_idx "
            "ON social_crm_mention (priority DESC, sentiment_rank, published_at, id) "
            "WHERE state IN ('new', 'in_progress', 'waiting_expert')"
        )
        # what changed since the report roll-up's last refresh (social_crm_mention_rollup.py)
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS social_crm_mention_write_date_idx "
            "ON social_crm_mention (write_date)"
        )
        self._init_title_index()

    def _init_title_index(self):
        """The text filter's title branch (``title ilike '%word%'``) reads a trigram index of
        the titles there are.  Most mentions (posts, comments, messages) have no title, and
        the ORM's trigram index (``index="trigram"``) holds an entry for each of them: the
        planner priced that branch like the text's, and for a common word scanned the table
        (an ILIKE per row) instead of reading both indexes.  A partial index serves the same
        searches (an ILIKE is never true of an empty title)."""
        registry = self.env.registry
        if not registry.has_trigram:
            return
        cr = self.env.cr
        column = SQL.identifier("title")
        if registry.has_unaccent == FunctionStatus.INDEXABLE:
            column = registry.unaccent(column)  # as the ORM indexes and searches it
        # the ORM's full index of an earlier version
        cr.execute("DROP INDEX IF EXISTS social_crm_mention__title_index")
        cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS social_crm_mention_title_trgm_idx
                       ON social_crm_mention USING gin (%s gin_trgm_ops)
                    WHERE title IS NOT NULL""",
                column,
            )
        )

    def export_data(self, fields_to_export):
        """Exported texts never run as spreadsheet formulas: a value starting with = + - @
        gets a leading apostrophe in the export; the stored text stays as it is."""
        result = super().export_data(fields_to_export)
        result["datas"] = [
            [
                f"'{value}"
                if isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
                else value
                for value in row
            ]
            for row in result["datas"]
        ]
        return result

    @api.depends("title", "text")
    def _compute_name(self):
        for mention in self:
            base = (mention.title or mention.text or "").strip().replace("\n", " ")
            mention.name = base[:77] + "…" if len(base) > 80 else base

    @api.depends("stage_cue_data")
    def _compute_stage_cues(self):
        """Each reason as a sentence in the reader's language: the classifier's English
        sentence for its code (``tools.classify.CUE_TEXTS``, in the translation template),
        translated, with its parameters."""
        sentiments = dict(self._fields["sentiment"]._description_selection(self.env))
        for mention in self:
            lines = []
            for code, params in mention.stage_cue_data or []:
                template = CUE_TEXTS.get(code)
                if not template:
                    continue
                params = dict(params or {})
                if "label" in params:
                    params["label"] = sentiments.get(params["label"], params["label"])
                try:
                    lines.append(self.env._(template) % params)  # pylint: disable=translation-required
                except (KeyError, TypeError, ValueError):
                    lines.append(template % params)
            mention.stage_cues = "\n".join(lines) or False

    @api.depends("sentiment")
    def _compute_sentiment_rank(self):
        for mention in self:
            mention.sentiment_rank = SENTIMENT_RANK.get(mention.sentiment, 1)

    @api.depends("likes", "reposts", "comments")
    def _compute_engagement(self):
        for mention in self:
            mention.engagement = mention.likes + mention.reposts + mention.comments

    @api.depends("sla_deadline", "first_response_at", "state")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for mention in self:
            mention.is_overdue = bool(
                mention.sla_deadline
                and not mention.first_response_at
                and mention.state in OPEN_STATES
                and mention.sla_deadline < now
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on “overdue”."))
        domain = [
            ("sla_deadline", "<", fields.Datetime.now()),
            ("first_response_at", "=", False),
            ("state", "in", OPEN_STATES),
        ]
        positive = (operator == "=") == value
        return domain if positive else ["!", "&", "&"] + domain

    def _compute_author_mention_ids(self):
        authors = self.author_id
        others = (
            self.search([("author_id", "in", authors.ids)], order="published_at desc")
            if authors
            else self.browse()
        )
        by_author = {}
        for other in others:
            by_author.setdefault(other.author_id.id, []).append(other.id)
        published = {other.id: other.published_at for other in others}
        for mention in self:
            # earlier = published before this one (the newest first)
            ids = [
                i
                for i in by_author.get(mention.author_id.id, [])
                if i != mention.id
                and (not mention.published_at or published[i] <= mention.published_at)
            ]
            mention.author_mention_ids = [(6, 0, ids[:20])]

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([], order=stages._order)

    # The kanban's column counts and sentiment progress bars group by stage "in the stage's
    # order", which joins the stage table to every counted mention before the grouping: three
    # times the count's own cost at a million mentions. The columns come out in the stages'
    # order anyway (``group_expand`` above), and the progress bars are a dictionary, so for
    # these two the SQL groups in any order.
    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        groupby_list = [groupby] if isinstance(groupby, str) else list(groupby)
        records = self
        if (
            lazy
            and not orderby
            and not offset
            and groupby_list[:1] == ["stage_id"]
            and (
                not limit
                # every stage's group (and "no stage") fits: none is cut by an arbitrary order
                or limit
                > self.env["social_crm.stage"]
                .sudo()
                .with_context(active_test=False)
                .search_count([])
            )
        ):
            records = self.with_context(social_crm_group_any_order=True)
        return super(SocialCrmMention, records).read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
        )

    @api.model
    def read_progress_bar(self, domain, group_by, progress_bar):
        records = (
            self.with_context(social_crm_group_any_order=True) if group_by == "stage_id" else self
        )
        return super(SocialCrmMention, records).read_progress_bar(domain, group_by, progress_bar)

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        # Reading the rows found checks the multi-company rule on their company: fetched with
        # the rest, it spares a second query of every column of the rows (kanban, list).
        if "company_id" not in field_names:
            field_names = [*field_names, "company_id"]
        return super().search_fetch(domain, field_names, offset, limit, order)

    @api.model
    def _read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        if self.env.context.get("social_crm_group_any_order") and order == ",".join(groupby):
            order = None  # by the grouped columns themselves: no join to order by a stage
        return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    # -- SLA ----------------------------------------------------------------------------
    def _sla_minutes(self, stage, source):
        return stage.sla_minutes or source.sla_minutes or DEFAULT_SLA_MINUTES

    def _sla_deadline(self, start, stage, source):
        return start + timedelta(minutes=self._sla_minutes(stage, source))

    # -- staff corrections --------------------------------------------------------------
    def write(self, vals):
        corrected = []
        if not self.env.context.get("social_crm_analysis"):
            if "stage_id" in vals and "stage_manual" not in vals:
                vals = dict(vals, stage_manual=True)
                corrected.append("stage")
            if "sentiment" in vals and "sentiment_manual" not in vals:
                vals = dict(vals, sentiment_manual=True, sentiment_origin="manual")
                corrected.append("sentiment")
        if vals.get("user_id") and "state" not in vals:
            fresh = self.filtered(lambda m: m.state == "new")
            if fresh:
                super(SocialCrmMention, fresh).write({"state": "in_progress"})
        # the authors' figures follow a change by hand; an import refreshes its own
        touched = bool(AUTHOR_FIGURES & set(vals)) and not self.env.context.get(
            "social_crm_analysis"
        )
        before = self.author_id if touched else self.env["social_crm.author"]
        result = super().write(vals)
        if touched:
            (before | self.author_id).sudo()._refresh_stats()
        if corrected == ["stage"] and any(self.mapped("sentiment_manual")):
            # a corrected sentiment is learnt beside its mention's stage (tools/learn.py)
            corrected.append("sentiment")
        if corrected:
            # staff corrections teach the company's models, once per write
            self.env["social_crm.classifier"]._retrain(self.company_id, corrected)
        return result

    def unlink(self):
        authors = self.author_id
        result = super().unlink()
        authors.sudo().exists()._refresh_stats()
        return result

    # -- analysis -----------------------------------------------------------------------
    def action_reanalyse(self):
        """Re-detect language, sentiment and stage; what staff set by hand stays."""
        self.check_access("write")
        self._reanalyse(fresh=True)
        return True

    @api.model
    def _get_analyzer(self, company, fresh=False):
        """The NLP step for a company's brand configuration and learnt models: the fit of
        the latest corrections when ``fresh`` (made here and stored if the background job has
        not made it yet), else the latest stored fit (imports and webhooks never fit)."""
        from ..tools.pipeline import Analyzer

        specs = self.env["social_crm.brand"].with_company(company)._brand_specs(company)
        Classifier = self.env["social_crm.classifier"]
        analyzer = Analyzer(
            specs,
            model=Classifier._get_model(company, "stage", fresh=fresh),
            sentiment_model=Classifier._get_model(company, "sentiment", fresh=fresh),
        )
        if fresh:
            Classifier._keep_fits(company, analyzer)
        return analyzer

    @api.model
    def _author_histories(self, author_ids, exclude_ids=()):
        """{author id: AuthorHistory} from their earlier mentions, in one query.

        ``exclude_ids``: mentions that are being analysed again — like a new mention at
        import, a mention is not part of its own author's history (else the stage it was
        given would vote for itself and re-analysis could never move it)."""
        from ..tools.pipeline import AuthorHistory

        author_ids = [a for a in set(author_ids) if a]
        if not author_ids:
            return {}
        self.flush_model(["author_id", "stage_id", "published_at"])
        self.env.cr.execute(
            """
            SELECT m.author_id, count(*),
                   (array_agg(s.code ORDER BY m.published_at DESC) FILTER (WHERE s.code IS NOT NULL))[1],
                   bool_or(s.code IN ('first_review', 'support', 'negative', 'churn')),
                   EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC' - min(m.published_at))) / 86400.0
              FROM social_crm_mention m LEFT JOIN social_crm_stage s ON s.id = m.stage_id
             WHERE m.author_id IN %s AND NOT m.id = ANY(%s)
          GROUP BY m.author_id
        """,
            [tuple(author_ids), list(exclude_ids)],
        )
        histories = {author_id: AuthorHistory() for author_id in author_ids}
        for author_id, count, last_stage, customer, days in self.env.cr.fetchall():
            histories[author_id] = AuthorHistory(
                mentions=count,
                is_customer=bool(customer),
                last_stage=last_stage or "",
                days_since_first=float(days) if days is not None else None,
            )
        # the flag read alone (not every column of every author of the batch)
        self.env["social_crm.author"].flush_model(["is_customer"])
        self.env.cr.execute(
            "SELECT id FROM social_crm_author WHERE id = ANY(%s) AND is_customer",
            [author_ids],
        )
        for (author_id,) in self.env.cr.fetchall():
            histories[author_id].is_customer = True
        return histories

    @api.model
    def _analyse(self, company, entries, exclude_ids=(), fresh=False):
        """Analyse ``entries`` — dicts with text, title, lang, sentiment_score (the
        source's, or None), rating, author_id — and return one Analysis each; the mentions
        ``exclude_ids`` (those analysed again) are left out of their authors' histories;
        ``fresh`` as _get_analyzer takes it."""
        from ..tools.pipeline import MentionInput

        histories = self._author_histories(
            [e.get("author_id") for e in entries], exclude_ids=exclude_ids
        )
        items = [
            MentionInput(
                text=e["text"] or "",
                title=e.get("title") or "",
                lang=e.get("lang") or "",
                sentiment_score=e.get("sentiment_score"),
                rating=e.get("rating") or None,
                author=histories.get(e.get("author_id")),
            )
            for e in entries
        ]
        return self._get_analyzer(company, fresh=fresh).analyse(items)

    @api.model
    def _analyse_records(self, source, records, author_ids):
        """The Analysis of each new normalized record of ``source`` (``author_ids``: the
        known author of each, or None). Pure computation and reads: ingest runs it before it
        reserves its rows, so concurrent deliveries analyse in parallel."""
        keep_source = source.sentiment_policy == "source"
        entries = [
            {
                "text": rec.text,
                "title": rec.title,
                "lang": rec.lang,
                "sentiment_score": rec.sentiment_score if rec.sentiment and keep_source else None,
                "rating": rec.rating,
                "author_id": author_id,
            }
            for rec, author_id in zip(records, author_ids, strict=True)
        ]
        return self._analyse(source.company_id, entries) if entries else []

    @api.model
    def _add_analysis(self, source, vals_list, results):
        """Complete the values of new mentions of ``source`` with their analysis and SLA
        deadline (``results``: from _analyse_records, in the same order)."""
        stages, brands = self._analysis_targets()
        for vals, result in zip(vals_list, results, strict=True):
            vals.update(self._analysis_values(result, stages, brands, vals, source))
            stage = (
                stages.get(result.stage)
                if not vals.get("stage_manual")
                else self.env["social_crm.stage"].browse(vals.get("stage_id"))
            )
            vals["sla_deadline"] = self._sla_deadline(
                fields.Datetime.to_datetime(vals["published_at"]),
                stage or self.env["social_crm.stage"],
                source,
            )

    @api.model
    def _analysis_targets(self):
        stages = {s.code: s for s in self.env["social_crm.stage"].search([("code", "!=", False)])}
        brands = self.env["social_crm.brand"].with_context(active_test=False).search([])
        return stages, brands

    @api.model
    def _analysis_values(self, result, stages, brands, current, source):
        """Field values from an Analysis; what the source sent (unless its source prefers
        ours) and what staff set by hand stay."""
        values = {}
        prefer_ours = source.sentiment_policy == "ours"
        if result.lang and (not current.get("lang") or current.get("lang_origin") == "model"):
            values.update(
                lang=result.lang, lang_confidence=result.lang_confidence, lang_origin="model"
            )
        source_sentiment = current.get("sentiment_origin") == "source" and current.get("sentiment")
        if not current.get("sentiment_manual") and (not source_sentiment or prefer_ours):
            values.update(
                sentiment=result.sentiment or False,
                sentiment_score=result.sentiment_score,
                sentiment_origin="model",
            )
        if not current.get("stage_manual"):
            stage = stages.get(result.stage)
            values.update(
                stage_id=stage.id if stage else False,
                stage_confidence=result.stage_confidence,
                stage_cue_data=[[code, params] for code, params in result.cue_codes],
            )
        names = {n.lower() for n in result.brands + result.competitors}
        ours = [b.id for b in brands if not b.is_competitor and b.name.lower() in names]
        theirs = [b.id for b in brands if b.is_competitor and b.name.lower() in names]
        if ours or current.get("brand_ids"):
            values["brand_ids"] = [(6, 0, ours)]
        if theirs or current.get("competitor_ids"):
            values["competitor_ids"] = [(6, 0, theirs)]
        values["is_question"] = result.is_question
        return values

    def _reanalyse(self, fresh=False):
        """Analyse these mentions again, keeping what staff set by hand (``fresh``: with the
        latest corrections fitted, as _get_analyzer takes it)."""
        stages, brands = self._analysis_targets()
        for company in self.company_id:
            batch = self.filtered(lambda m, company=company: m.company_id == company)
            entries = [
                {
                    "text": m.text,
                    "title": m.title,
                    "lang": m.lang if m.lang_origin != "model" else "",
                    "sentiment_score": m.sentiment_score
                    if m.sentiment_origin == "source" and m.source_id.sentiment_policy == "source"
                    else None,
                    "rating": m.rating,
                    "author_id": m.author_id.id,
                }
                for m in batch
            ]
            results = self._analyse(company, entries, exclude_ids=batch.ids, fresh=fresh)
            for mention, result in zip(batch, results, strict=True):
                current = {
                    "lang": mention.lang,
                    "lang_origin": mention.lang_origin,
                    "sentiment": mention.sentiment,
                    "sentiment_origin": mention.sentiment_origin,
                    "sentiment_manual": mention.sentiment_manual,
                    "stage_manual": mention.stage_manual,
                    "brand_ids": mention.brand_ids.ids,
                    "competitor_ids": mention.competitor_ids.ids,
                }
                mention.with_context(social_crm_analysis=True).write(
                    self._analysis_values(result, stages, brands, current, mention.source_id)
                )

    def _link_threads_and_duplicates(self):
        """Parent these new mentions by external id (same source) and mark duplicates by
        URL (another source), one search each for the whole batch."""
        Mention = self.sudo()
        for source in self.source_id:
            created = self.filtered(lambda m, source=source: m.source_id == source)
            parent_ids = list({m.parent_external_id for m in created if m.parent_external_id})
            if parent_ids:
                parents = {
                    m.external_id: m
                    for m in Mention.search(
                        [("source_id", "=", source.id), ("external_id", "in", parent_ids)]
                    )
                }
                for mention in created.filtered("parent_external_id"):
                    parent = parents.get(mention.parent_external_id)
                    if parent and parent != mention:
                        mention.parent_id = parent
            urls = list({m.url for m in created if m.url})
            if urls:
                originals = {}
                for other in Mention.search(
                    [
                        ("url", "in", urls),
                        ("source_id", "!=", source.id),
                        ("duplicate_of_id", "=", False),
                    ],
                    order="id",
                ):
                    originals.setdefault(other.url, other)
                for mention in created.filtered("url"):
                    original = originals.get(mention.url)
                    if original:
                        mention.duplicate_of_id = original

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

    # ------------------------------------------------------------------ computes

    @api.depends("text", "title", "lang", "stage_id", "company_id")
    def _compute_suggestions(self):
        Answer = self.env["social_crm.knowledge.answer"]
        good = Answer._good_score()
        for mention in self:
            found = mention._knowledge_suggestions() if mention.id else []
            mention.suggested_answer_ids = [(6, 0, [answer.id for answer, _ in found])]
            mention.suggestion_score = found[0][1] if found else 0.0
            mention.has_good_answer = bool(found and found[0][1] >= good)

    def _compute_born_answer_count(self):
        counts = dict(
            self.env["social_crm.knowledge.answer"]._read_group(
                [("mention_id", "in", self.ids)], ["mention_id"], ["__count"]
            )
        )
        for mention in self:
            mention.born_answer_count = counts.get(mention, 0)

    @api.depends("stage_id", "platform_id", "company_id")
    def _compute_matrix(self):
        rows = self.env["social_crm.matrix"]._rows_for(self.filtered("id"))
        for mention in self:
            row = rows.get(mention.id) or self.env["social_crm.matrix"]
            mention.matrix_user_ids = row.user_ids
            mention.matrix_note = row.note or False

    # ------------------------------------------------------------------ assignment

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("social_crm_analysis"):
            # typed in on the Mentions screen (or created by code): the same path as imports
            return self._create_by_hand(vals_list)
        mentions = super().create(vals_list)
        mentions.filtered(lambda m: not m.user_id)._assign_from_matrix()
        return mentions

    @api.model
    def _add_missing_default_values(self, values):
        """An import's values complete with an empty value for each field the precomputed
        fields read that has no default: Odoo computes those fields on new records, where a
        missing field costs a default_get per record and field (a sixth of an import's
        create). Exactly what the new record would have read."""
        values = super()._add_missing_default_values(values)
        if self.env.context.get("social_crm_analysis"):
            for name, empty in self._precompute_inputs():
                if name not in values:
                    values[name] = empty
        return values

    @api.model
    @tools.ormcache()
    def _precompute_inputs(self):
        """((name, empty value), …) of the stored, non-computed fields read by precomputed
        fields (the log columns aside: create sets them)."""
        names = set()
        for field in self._fields.values():
            if field.precompute:
                names.update(dep.split(".")[0] for dep in self.pool.field_depends[field])
        inputs = []
        for name in sorted(names - set(models.LOG_ACCESS_COLUMNS)):
            field = self._fields.get(name)
            if field and field.store and not field.compute and not field.related:
                inputs.append((name, [] if field.type in ("one2many", "many2many") else False))
        return tuple(inputs)

    def _create_by_hand(self, vals_list):
        """Mentions entered by hand go through their source's ``ingest`` (validation,
        authors, analysis, SLA, assignment) as one normalized record each, with an id made
        up when they have none; what the person set (stage, sentiment, assignee, …) is kept
        as set by hand."""
        self.check_access("create")
        mentions = self.browse()
        for vals in vals_list:
            vals = dict(vals)
            source = self.env["social_crm.source"].browse(
                vals.pop("source_id", False) or self._default_source_id().id
            )
            if not source:
                raise UserError(self.env._("Choose the source of the mention."))
            record = {key: vals.pop(key) for key in _HAND_RECORD_FIELDS if vals.get(key)}
            record["external_id"] = str(record.get("external_id") or f"manual-{uuid.uuid4().hex}")
            platform = self.env["social_crm.platform"].browse(vals.pop("platform_id", False))
            record["platform"] = platform.code or "web"
            published = (
                fields.Datetime.to_datetime(vals.pop("published_at", False))
                or fields.Datetime.now()
            )
            record["published_at"] = published.isoformat() + "+00:00"
            vals.pop("company_id", None)
            if vals.get("stage_id"):
                vals["stage_manual"] = True
            if vals.get("sentiment"):
                vals.update(sentiment_manual=True, sentiment_origin="manual")
            if vals.get("user_id"):
                vals.setdefault("state", "in_progress")
            report = source.sudo()._ingest(
                [record], origin="manual", overrides={record["external_id"]: vals}
            )
            if report["errors"]:
                raise UserError(
                    self.env._(
                        "The mention could not be saved: %(reason)s",
                        reason="; ".join(e.get("reason", "") for e in report["errors"]),
                    )
                )
            if not report["created"] and vals:
                report["mentions"].write(vals)  # the same id again: an edit, by hand
            mentions |= report["mentions"]
        return mentions

    @api.model
    def _default_source_id(self):
        """Mentions typed in go to the company's "entered by hand" source."""
        return self.env["social_crm.source"].search(
            [("source_type", "=", "manual"), ("company_id", "=", self.env.company.id)], limit=1
        )

    def _assign_from_matrix(self):
        """Give unassigned mentions to the least busy member of their matrix row's team."""
        rows = self.env["social_crm.matrix"]._rows_for(self)
        team = (
            self.env["res.users"].union(*[row.user_ids for row in rows.values()])
            if rows
            else self.env["res.users"]
        )
        if not team:
            return
        load = dict(
            self.sudo()._read_group(
                [("user_id", "in", team.ids), ("state", "in", OPEN_STATES)],
                ["user_id"],
                ["__count"],
            )
        )
        load = {user.id: count for user, count in load.items()}
        for mention in self:
            members = rows[mention.id].user_ids
            if not members:
                continue
            user = min(members, key=lambda u: (load.get(u.id, 0), u.id))
            load[user.id] = load.get(user.id, 0) + 1
            mention.write({"user_id": user.id})  # like a source's assignee: in progress

    # ------------------------------------------------------------------ suggestions

    def _question_text(self):
        self.ensure_one()
        return "\n".join(part for part in (self.title, self.text) if part)

    def _knowledge_suggestions(self, limit=5, min_score=SHOW_SCORE):
        """[(knowledge answer, score 0…1)] for this mention, best first; by default only
        those sharing more than a stray word with it."""
        self.ensure_one()
        return self.env["social_crm.knowledge.answer"]._suggest(
            self._question_text(),
            lang=self.lang or "",
            stage_code=self.stage_id.code or "",
            company=self.company_id,
            limit=limit,
            min_score=min_score,
        )

    # ------------------------------------------------------------------ tone

    def _reply_tone(self):
        self.ensure_one()
        return self.env["social_crm.tone"]._for_mention(self)

    def _reply_author_name(self):
        """The name to greet the author by: a first name, or nothing for a handle."""
        self.ensure_one()
        name = (self.partner_id.name or self.author_id.name or "").strip()
        if not name or _HANDLE_LIKE.search(name):
            return ""
        return name.split()[0]

    def _reply_limit(self):
        """Characters one reply may have: a private message's own limit, else the
        platform's limit for public replies."""
        self.ensure_one()
        if self.is_private:
            limit, unit = private_reply_limit(self.platform_id.code)
            if limit:
                # a limit in bytes: at most that many characters, and the adapter checks
                # the bytes before sending
                return limit if unit == "characters" else limit // 2
        return self.platform_id.reply_limit or 0

    def _compose_reply(self, body, tone=None, lang=None):
        """``body`` (markers allowed) in the tone's voice: greeting, closing, signature, cut to
        the platform's limit."""
        self.ensure_one()
        tone = tone if tone is not None else self._reply_tone()
        lang = self.lang if lang is None else lang
        return tone_tools.compose(
            body or "",
            tone._tone_spec(),
            lang or "",
            name=self._reply_author_name(),
            limit=self._reply_limit(),
            mention_text=self.text,
        )

    def _check_reply(self, text, tone=None, lang=None):
        """Translated tone findings for a reply to this mention."""
        self.ensure_one()
        # the caller's environment: findings come in the user's language
        tone = (tone if tone is not None else self._reply_tone()).with_env(self.env)
        lang = self.lang if lang is None else lang
        return tone._check_reply(
            text, lang or "", limit=self._reply_limit(), mention_text=self.text
        )

    # ------------------------------------------------------------------ expert loop

    def action_ask_expert(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Ask an expert"),
            "res_model": "social_crm.expert.request",
            "view_mode": "form",
            "target": "new",
            "context": {"default_mention_id": self.id},
        }

    def _request_expert(self, expert, question, deadline, note=""):
        """Assign an 'Expert answer' activity and put the mention in 'waiting for expert'."""
        self.ensure_one()
        if not expert:
            raise UserError(
                self.env._(
                    "Choose an expert for “%(mention)s”, or set a default expert on the stage "
                    "“%(stage)s”.",
                    mention=self.display_name,
                    stage=self.stage_id.display_name or "—",
                )
            )
        summary = self.env._(
            "Answer for a customer: %(question)s", question=(question or self.name or "")[:80]
        )
        note_html = plaintext2html(question or "")
        if note:
            note_html += plaintext2html(note)
        activity = self.activity_schedule(
            EXPERT_ACTIVITY_XMLID,
            date_deadline=deadline,
            summary=summary,
            note=note_html,
            user_id=expert.id,
        )
        # The expert may have no Social CRM access: the activity (and its e-mail) links to a
        # page where any internal user answers the activities assigned to them.
        link = f"{self.get_base_url()}/social_crm/expert/{activity.id}"
        activity.note = note_html + Markup('<p><a href="%s">%s</a></p>') % (
            link,
            self.env._("Write the answer"),
        )
        vals = {
            "expert_id": expert.id,
            "expert_question": question,
            "expert_deadline": deadline,
            "state": "waiting_expert",
        }
        if not self.user_id:
            vals["user_id"] = self.env.uid
        self.write(vals)
        return True

    def _expert_activities(self):
        activity_type = self.env.ref(EXPERT_ACTIVITY_XMLID, raise_if_not_found=False)
        if not activity_type:
            return self.env["mail.activity"]
        return self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def action_submit_expert_answer(self):
        """The expert answers from the mention: closes their activity with the answer."""
        self.ensure_one()
        self.check_access("write")  # the answer is then recorded as superuser
        text = (self.expert_answer or "").strip()
        if not text:
            raise UserError(self.env._("Write the expert's answer first."))
        activities = self._expert_activities()
        if activities:
            # the activity hook records the answer (the same path as answering from it)
            activities[:1].action_feedback(feedback=text)
            (activities - activities[:1]).unlink()
        else:
            self._record_expert_answer(text, self.env.user)
        return True

    def _record_expert_answer(self, text, expert):
        """The expert's answer → a draft knowledge answer born from the mention and the
        draft reply.  Runs as superuser: the expert need not be a Social CRM user."""
        self.ensure_one()
        text = (text or "").strip()
        if not text:
            return self.env["social_crm.knowledge.answer"]
        mention = self.sudo()
        question = (mention.expert_question or mention._question_text()).strip()
        first_line = question.splitlines()[0] if question else mention.name
        answer = (
            self.env["social_crm.knowledge.answer"]
            .sudo()
            .create(
                {
                    "name": first_line[:200],
                    "question_variants": "\n".join(question.splitlines()[1:]) or False,
                    "answer": text,
                    "lang": mention.lang or False,
                    "stage_ids": [(6, 0, mention.stage_id.ids)],
                    "expert_id": expert.id,
                    "mention_id": mention.id,
                    "company_id": mention.company_id.id,
                    "state": "draft",
                }
            )
        )
        vals = {
            "expert_answer": text,
            "knowledge_answer_id": answer.id,
            "expert_id": expert.id,
            "reply": mention._compose_reply(text),
        }
        if mention.state == "waiting_expert":
            vals["state"] = "in_progress"
        mention.write(vals)
        mention.message_post(
            body=Markup("%s<br/>%s")
            % (
                self.env._(
                    "%(expert)s answered; the answer is a draft in the knowledge base "
                    "and in the reply.",
                    expert=expert.name,
                ),
                plaintext2html(text),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return answer

    def _expert_gave_no_answer(self, expert, cancelled=False):
        """The expert's activity ended without an answer: the mention goes back to its
        agent (or whoever asked), who is told, and it stops waiting."""
        self.ensure_one()
        mention = self.sudo()
        if mention.state != "waiting_expert":
            return
        mention.write({"state": "in_progress"})
        if cancelled:
            notice = self.env._(
                "The question to %(expert)s was cancelled without an answer. "
                "Answer the author, or ask someone else.",
                expert=expert.name,
            )
        else:
            notice = self.env._(
                "%(expert)s closed the question without an answer. Answer the "
                "author, or ask someone else.",
                expert=expert.name,
            )
        mention.message_post(body=notice, subtype_xmlid="mail.mt_note")
        agent = mention.user_id or mention.create_uid
        if agent and agent.active and not agent.share:
            mention.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=agent.id,
                summary=self.env._(
                    "No answer from the expert: %(mention)s", mention=mention.display_name[:60]
                ),
                note=plaintext2html(notice),
            )

    def action_open_born_answers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Knowledge answers"),
            "res_model": "social_crm.knowledge.answer",
            "view_mode": "list,form",
            "domain": [("mention_id", "=", self.id)],
            "context": {"default_mention_id": self.id, "default_lang": self.lang},
        }

    # ------------------------------------------------------------------ reply

    def action_open_composer(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reply"),
            "res_model": "social_crm.reply.composer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_mention_id": self.id},
        }

    def _can_post_through_source(self):
        """The source's kind and the platform both let us post the reply through the API."""
        self.ensure_one()
        return bool(self.source_id.can_reply and self.platform_id.can_reply)

    def _send_reply(
        self,
        text,
        post_mode="auto",
        reply_url=False,
        tone=None,
        override=False,
        answer=None,
        template=None,
        lang=None,
    ):
        """Check, post and record one reply.

        ``post_mode``: 'api' (through the source), 'manual' (posted by hand; ``reply_url``
        links it) or 'auto' (the API where allowed, else by hand).  Tone warnings block the
        reply unless ``override`` (then the override is logged); a reply over the platform's
        limit is never sent.  Returns the findings that were overridden.
        """
        self.ensure_one()
        self.check_access("write")
        text = (text or "").strip()
        if not text:
            raise UserError(self.env._("The reply is empty."))
        tone = tone if tone is not None else self._reply_tone()
        findings = self._check_reply(text, tone, lang)
        errors = [f for f in findings if f["severity"] == "error"]
        if errors:
            raise UserError("\n".join(f["message"] for f in errors))
        if findings and not override:
            raise UserError(
                self.env._(
                    "The reply does not match the tone of voice:\n%(findings)s\nFix it, or tick "
                    "“Send anyway” to override.",
                    findings="\n".join(f"• {f['message']}" for f in findings),
                )
            )
        if post_mode == "auto":
            post_mode = "api" if self._can_post_through_source() else "manual"
        posted = {}
        if post_mode == "api":
            if not self.source_id.can_reply:
                raise UserError(
                    self.env._(
                        "Source “%(source_name)s” cannot post replies; mark the reply as posted by "
                        "hand.",
                        source_name=self.source_id.display_name,
                    )
                )
            posted = self.source_id._post_reply(self, text) or {}
            reply_url = posted.get("url") or reply_url
        now = fields.Datetime.now()
        vals = {"reply": text, "reply_url": reply_url or False, "state": "answered"}
        if not self.user_id:
            vals["user_id"] = self.env.uid  # who answered it owns it
        if not self.first_response_at:
            vals["first_response_at"] = now
        if answer:
            vals["knowledge_answer_id"] = answer.id
        self.write(vals)
        if answer:
            answer._mark_used()
        self._log_reply(text, post_mode, reply_url, findings if override else [], template, answer)
        return findings if override else []

    def _log_reply(self, text, post_mode, reply_url, overridden, template, answer):
        if post_mode == "api":
            how = self.env._(
                "Reply posted on %(platform)s through “%(source_name)s”.",
                platform=self.platform_id.display_name,
                source_name=self.source_id.display_name,
            )
        else:
            how = self.env._(
                "Reply posted by hand on %(platform)s.", platform=self.platform_id.display_name
            )
        body = Markup("<p>%s</p>") % how
        if reply_url:
            body += Markup('<p><a href="%s" target="_blank" rel="noopener">%s</a></p>') % (
                reply_url,
                reply_url,
            )
        # not a <blockquote>: Odoo folds quotes away in the chatter
        body += Markup('<div class="border-start border-3 ps-2">%s</div>') % plaintext2html(text)
        sources = []
        if template:
            sources.append(self.env._("template “%(name)s”", name=template.display_name))
        if answer:
            sources.append(self.env._("knowledge answer “%(name)s”", name=answer.display_name))
        if sources:
            body += Markup("<p>%s</p>") % self.env._("Based on %(what)s.", what=", ".join(sources))
        if overridden:
            items = Markup("").join(Markup("<li>%s</li>") % f["message"] for f in overridden)
            body += Markup("<p><b>%s</b></p><ul>%s</ul>") % (
                self.env._("Sent despite tone-of-voice warnings:"),
                items,
            )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
