import json
import logging
import secrets

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.schema import RecordError, normalize_batch

_logger = logging.getLogger(__name__)

SOURCE_TYPES = [
    ("webhook", "Webhook (normalized JSON)"),
    ("file", "File import"),
    ("youscan", "YouScan"),
    ("brand_analytics", "Brand Analytics"),
    ("vk", "VK"),
    ("telegram", "Telegram bot"),
    ("youtube", "YouTube"),
    ("rss", "RSS / Atom feed"),
    ("facebook", "Facebook page"),
]
# Kinds that work without any credential.
NO_CREDENTIAL_TYPES = ("webhook", "file")
# Fields ingest may refresh on a mention already imported (a re-delivery or an edit).
UPDATABLE_FIELDS = ("text", "title", "url", "reach", "likes", "reposts", "comments", "rating")


class ConcurrentIngestError(Exception):
    """Another transaction imported the same external ids after ours began: retry in a
    new transaction, where they are visible and get updated instead of duplicated."""


class SocialCrmSource(models.Model):
    _name = "social_crm.source"
    _description = "Social CRM Source"
    _inherit = ["mail.thread"]
    _order = "sequence, name"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    source_type = fields.Selection(SOURCE_TYPES, string="Kind", required=True,
                                   default="webhook", tracking=True)
    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self.env.company)
    platform_id = fields.Many2one(
        "social_crm.platform", string="Default platform",
        help="Platform of records that don't name one (e.g. a Telegram bot's messages).")
    user_id = fields.Many2one("res.users", string="Responsible", tracking=True,
                              default=lambda self: self.env.user,
                              help="Gets an activity when the source keeps failing.")
    assign_user_id = fields.Many2one("res.users", string="Assign new mentions to",
                                     domain=[("share", "=", False)])
    sentiment_policy = fields.Selection(
        [("source", "Keep the source's"), ("ours", "Use Social CRM's")],
        string="Sentiment", default="source", required=True,
        help="When the source sends its own sentiment (YouScan, Brand Analytics), keep it "
             "or replace it with Social CRM's analysis.")
    sla_minutes = fields.Integer(string="First response (minutes)", default=60,
                                 help="Default time to the first response for its mentions.")

    # Connection. Secrets are for system administrators only.
    account = fields.Char(string="Account / topic",
                          help="Topic id (YouScan), theme id (Brand Analytics), group or "
                               "channel id, feed URL — what this source reads.")
    base_url = fields.Char(string="API address", help="Leave empty for the service's own.")
    api_key = fields.Char(string="API key / token", groups="base.group_system", copy=False)
    api_secret = fields.Char(string="Secret", groups="base.group_system", copy=False)
    webhook_token = fields.Char(groups="base.group_system", copy=False,
                                default=lambda self: secrets.token_urlsafe(24))
    webhook_url = fields.Char(compute="_compute_webhook_url", groups="base.group_system")

    # Runs.
    interval_minutes = fields.Integer(string="Import every (minutes)", default=5)
    cursor = fields.Json(copy=False, groups="social_crm.group_manager")
    last_run_at = fields.Datetime(string="Last run", readonly=True, copy=False)
    last_success_at = fields.Datetime(string="Last success", readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    failure_count = fields.Integer(readonly=True, copy=False,
                                   help="Failed runs in a row.")
    created_count = fields.Integer(string="Created", readonly=True, copy=False)
    updated_count = fields.Integer(string="Updated", readonly=True, copy=False)
    rejected_count = fields.Integer(string="Rejected", readonly=True, copy=False)
    mention_count = fields.Integer(string="Mentions", compute="_compute_mention_count")

    def _compute_webhook_url(self):
        base = self.get_base_url()
        for source in self:
            source.webhook_url = (f"{base}/social_crm/webhook/{source.id}/{source.webhook_token}"
                                  if source.id and source.webhook_token else False)

    def _compute_mention_count(self):
        counts = dict(self.env["social_crm.mention"]._read_group(
            [("source_id", "in", self.ids)], ["source_id"], ["__count"]))
        for source in self:
            source.mention_count = counts.get(source, 0)

    def action_regenerate_token(self):
        for source in self.sudo():
            source.webhook_token = secrets.token_urlsafe(24)

    def action_view_mentions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_mention_action")
        action["domain"] = [("source_id", "=", self.id)]
        return action

    def _run_pull(self):
        """Fetch from the source's service; provided by the connectors for each kind."""
        raise UserError(self.env._(
            "Source “%(name)s”: importing from %(kind)s is not available in this version.",
            name=self.display_name, kind=self.source_type))

    # -- the one entry point for new data ----------------------------------------------
    def ingest(self, records):
        """Import ``records`` (normalized dicts, see DESIGN) into this source.

        Invalid records are reported on the source (``last_error``) and skipped; the valid
        ones go in. Returns the mentions created or updated.
        """
        return self._ingest(records)["mentions"]

    def _ingest(self, records):
        """ingest() with its report: {mentions, created, updated, errors}.

        Raises ConcurrentIngestError, with nothing of this batch stored, when another
        transaction committed the same mentions, authors or platforms (or this source's
        counters) after this one began:
        the caller retries in a new transaction (the webhook and the cron do), where they are
        found and updated instead of duplicated.
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                return self._ingest_batch(records)
        except (psycopg2.errors.UniqueViolation, psycopg2.errors.SerializationFailure) as exc:
            # a unique index or the source's counters row taken by a concurrent import
            raise ConcurrentIngestError(self.env._(
                "Source “%(name)s”: the same records are being imported by another run; "
                "try again.", name=self.display_name)) from exc

    def _ingest_batch(self, records):
        try:
            accepted, errors = normalize_batch(records)
        except RecordError as exc:
            accepted, errors = [], [exc.as_dict()]
        Mention = self.env["social_crm.mention"].sudo().with_company(self.company_id)
        existing = Mention.search([("source_id", "=", self.id),
                                   ("external_id", "in", [r.external_id for r in accepted])]) \
            if accepted else Mention
        by_ext = {m.external_id: m for m in existing}
        platforms = self.env["social_crm.platform"]._get_or_create_by_codes(
            [r.platform for r in accepted if r.platform != "web" or not self.platform_id])
        default_platform = self.platform_id

        def platform_of(rec):
            if rec.platform == "web" and default_platform:
                return default_platform
            return platforms[rec.platform]

        authors = self.env["social_crm.author"].with_company(self.company_id)._upsert([
            (platform_of(r), r.author, r.published_at) for r in accepted if r.author])

        new_records = [r for r in accepted if r.external_id not in by_ext]
        updated = reworded = Mention
        for rec in accepted:
            mention = by_ext.get(rec.external_id)
            changes = self._changed_values(mention, rec) if mention else None
            if changes:
                mention.with_context(social_crm_analysis=True).write(changes)
                updated |= mention
                if "text" in changes or "title" in changes:
                    reworded |= mention
        if reworded:
            self._analyse_mentions(reworded)

        vals_list = [self._mention_values(rec, platform_of(rec), authors) for rec in new_records]
        self._add_analysis(vals_list, new_records, authors, platform_of)
        created = Mention
        if vals_list:
            created = Mention.with_context(
                mail_create_nolog=True, mail_create_nosubscribe=True,
                tracking_disable=True, social_crm_analysis=True).create(vals_list)
            self._link_threads_and_duplicates(created)
        self._record_run(len(created), len(updated), errors)
        # Hand back records in the caller's context (not the import's technical one).
        mentions = self.env["social_crm.mention"].browse((created | updated).ids)
        return {"mentions": mentions, "created": len(created),
                "updated": len(updated), "errors": errors}

    # -- demo data -----------------------------------------------------------------------
    @api.model
    def _load_demo_mentions(self, path):
        """Demo data goes in the way real data does: through ingest()."""
        from datetime import timedelta

        from odoo.tools import file_open

        with file_open(path, "rb") as handle:
            data = json.load(handle)
        now = fields.Datetime.now()
        for xmlid, records in data["sources"].items():
            source = self.env.ref(f"social_crm.{xmlid}")
            batch = []
            for record in records:
                published = now - timedelta(minutes=record.get("minutes_ago", 0))
                batch.append(dict({k: v for k, v in record.items()
                                   if k not in ("minutes_ago", "demo_stage")},
                                  published_at=published.isoformat()))
            source.ingest(batch)
        self._demo_progress(now)

    @api.model
    def _demo_progress(self, now):
        """Give the demo board some history: older mentions answered within (or past)
        their SLA, a few taken in work by the administrator."""
        from datetime import timedelta

        admin = self.env.ref("base.user_admin")
        mentions = self.env["social_crm.mention"].search([], order="published_at")
        for index, mention in enumerate(mentions):
            age = now - mention.published_at
            if age > timedelta(days=1):
                late = index % 4 == 0
                minutes = self.env["social_crm.mention"]._sla_minutes(
                    mention.stage_id, mention.source_id) * (1.6 if late else 0.6)
                mention.write({"user_id": admin.id, "state": "closed" if index % 3 else "answered",
                               "first_response_at": mention.published_at
                               + timedelta(minutes=minutes)})
            elif index % 3 == 0:
                mention.write({"user_id": admin.id, "state": "in_progress"})

    # -- webhook -------------------------------------------------------------------------
    def _webhook_receive(self, body):
        """Ingest a webhook delivery (raw bytes) for this source's kind; raises ValueError
        with the reason when the body is malformed (nothing is stored then)."""
        self.ensure_one()
        if self.source_type != "webhook":
            raise ValueError(f"source {self.id} ({self.source_type}) does not accept "
                             "normalized webhook deliveries")
        payload = self._parse_json(body)
        if isinstance(payload, dict) and "records" in payload:
            payload = payload["records"]
        if not isinstance(payload, list):
            raise ValueError('expected a JSON list of records or {"records": [...]}')
        return self._ingest(payload)

    @staticmethod
    def _parse_json(body):
        if not body:
            raise ValueError("empty body: expected JSON")
        try:
            return json.loads(body)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise ValueError(f"body is not valid JSON: {exc}") from None

    def _changed_values(self, mention, rec):
        values = {"text": rec.text, "title": rec.title or False, "url": rec.url or False,
                  "reach": rec.reach, "likes": rec.likes, "reposts": rec.reposts,
                  "comments": rec.comments, "rating": rec.rating or 0.0}
        return {k: v for k, v in values.items()
                if k in UPDATABLE_FIELDS and (mention[k] or False) != (v or False)}

    def _mention_values(self, rec, platform, authors):
        author = authors.get((platform.id, rec.author.external_id)) if rec.author else None
        values = {
            "source_id": self.id,
            "company_id": self.company_id.id,
            "external_id": rec.external_id,
            "text": rec.text,
            "title": rec.title or False,
            "url": rec.url or False,
            "platform_id": platform.id,
            "published_at": rec.published_at or fields.Datetime.now(),
            "author_id": author.id if author else False,
            "rating": rec.rating or 0.0,
            "parent_external_id": rec.parent_external_id or False,
            "reach": rec.reach, "likes": rec.likes, "reposts": rec.reposts,
            "comments": rec.comments,
            "raw": rec.raw or False,
            "user_id": self.assign_user_id.id or False,
            "state": "in_progress" if self.assign_user_id else "new",
        }
        if rec.lang:
            values.update(lang=rec.lang, lang_confidence=1.0, lang_origin="source")
        if rec.sentiment:
            values.update(sentiment=rec.sentiment, sentiment_score=rec.sentiment_score or 0.0,
                          sentiment_origin="source")
        return values

    # -- analysis (language, sentiment, stage) -----------------------------------------
    @api.model
    def _get_analyzer(self, company):
        """The NLP step for a company's brand configuration and learnt stage model."""
        from ..tools.pipeline import Analyzer

        specs = self.env["social_crm.brand"].with_company(company)._brand_specs(company)
        Classifier = self.env["social_crm.classifier"]
        return Analyzer(specs, model=Classifier._get_model(company, "stage"),
                        sentiment_model=Classifier._get_model(company, "sentiment"))

    @api.model
    def _author_histories(self, author_ids):
        """{author id: AuthorHistory} from their earlier mentions, in one query."""
        from ..tools.pipeline import AuthorHistory

        author_ids = [a for a in set(author_ids) if a]
        if not author_ids:
            return {}
        self.env["social_crm.mention"].flush_model(["author_id", "stage_id", "published_at"])
        self.env.cr.execute("""
            SELECT m.author_id, count(*),
                   (array_agg(s.code ORDER BY m.published_at DESC) FILTER (WHERE s.code IS NOT NULL))[1],
                   bool_or(s.code IN ('first_review', 'support', 'negative', 'churn')),
                   EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC' - min(m.published_at))) / 86400.0
              FROM social_crm_mention m LEFT JOIN social_crm_stage s ON s.id = m.stage_id
             WHERE m.author_id IN %s
          GROUP BY m.author_id
        """, [tuple(author_ids)])
        histories = {author_id: AuthorHistory() for author_id in author_ids}
        for author_id, count, last_stage, customer, days in self.env.cr.fetchall():
            histories[author_id] = AuthorHistory(
                mentions=count, is_customer=bool(customer), last_stage=last_stage or "",
                days_since_first=float(days) if days is not None else None)
        flagged = self.env["social_crm.author"].browse(author_ids).filtered("is_customer")
        for author in flagged:
            histories[author.id].is_customer = True
        return histories

    def _analyse(self, company, entries):
        """Analyse ``entries`` — dicts with text, title, lang, sentiment_score (the
        source's, or None), rating, author_id — and return one Analysis each."""
        from ..tools.pipeline import MentionInput

        histories = self._author_histories([e.get("author_id") for e in entries])
        items = [MentionInput(text=e["text"] or "", title=e.get("title") or "",
                              lang=e.get("lang") or "", sentiment_score=e.get("sentiment_score"),
                              rating=e.get("rating") or None,
                              author=histories.get(e.get("author_id")))
                 for e in entries]
        return self._get_analyzer(company).analyse(items)

    def _add_analysis(self, vals_list, records, authors, platform_of):
        if not vals_list:
            return
        keep_source = self.sentiment_policy == "source"
        entries = [{"text": rec.text, "title": rec.title, "lang": rec.lang,
                    "sentiment_score": rec.sentiment_score
                    if rec.sentiment and keep_source else None,
                    "rating": rec.rating, "author_id": vals["author_id"]}
                   for vals, rec in zip(vals_list, records)]
        stages, brands = self._analysis_targets()
        for vals, result in zip(vals_list, self._analyse(self.company_id, entries)):
            vals.update(self._analysis_values(result, stages, brands, vals))
            stage = stages.get(result.stage) if not vals.get("stage_manual") else None
            vals["sla_deadline"] = self.env["social_crm.mention"]._sla_deadline(
                fields.Datetime.to_datetime(vals["published_at"]),
                stage or self.env["social_crm.stage"], self)

    @api.model
    def _analysis_targets(self):
        stages = {s.code: s for s in self.env["social_crm.stage"].search([("code", "!=", False)])}
        brands = self.env["social_crm.brand"].with_context(active_test=False).search([])
        return stages, brands

    @api.model
    def _analysis_values(self, result, stages, brands, current):
        """Field values from an Analysis; what the source sent (unless its source prefers
        ours) and what staff set by hand stay."""
        values = {}
        source = self.browse(current.get("source_id")) if current.get("source_id") else self
        prefer_ours = source.sentiment_policy == "ours"
        if result.lang and (not current.get("lang") or current.get("lang_origin") == "model"):
            values.update(lang=result.lang, lang_confidence=result.lang_confidence,
                          lang_origin="model")
        source_sentiment = current.get("sentiment_origin") == "source" and current.get("sentiment")
        if not current.get("sentiment_manual") and (not source_sentiment or prefer_ours):
            values.update(sentiment=result.sentiment or False,
                          sentiment_score=result.sentiment_score, sentiment_origin="model")
        if not current.get("stage_manual"):
            stage = stages.get(result.stage)
            values.update(stage_id=stage.id if stage else False,
                          stage_confidence=result.stage_confidence,
                          stage_cues="\n".join(result.cues))
        names = {n.lower() for n in result.brands + result.competitors}
        ours = [b.id for b in brands if not b.is_competitor and b.name.lower() in names]
        theirs = [b.id for b in brands if b.is_competitor and b.name.lower() in names]
        if ours or current.get("brand_ids"):
            values["brand_ids"] = [(6, 0, ours)]
        if theirs or current.get("competitor_ids"):
            values["competitor_ids"] = [(6, 0, theirs)]
        values["is_question"] = result.is_question
        return values

    @api.model
    def _analyse_mentions(self, mentions):
        """Re-analyse existing mentions, keeping what staff set by hand."""
        stages, brands = self._analysis_targets()
        for company in mentions.company_id:
            batch = mentions.filtered(lambda m: m.company_id == company)
            entries = [{"text": m.text, "title": m.title,
                        "lang": m.lang if m.lang_origin != "model" else "",
                        "sentiment_score": m.sentiment_score
                        if m.sentiment_origin == "source"
                        and m.source_id.sentiment_policy == "source" else None,
                        "rating": m.rating, "author_id": m.author_id.id} for m in batch]
            for mention, result in zip(batch, self._analyse(company, entries)):
                current = {"source_id": mention.source_id.id, "lang": mention.lang,
                           "lang_origin": mention.lang_origin,
                           "sentiment": mention.sentiment,
                           "sentiment_origin": mention.sentiment_origin,
                           "sentiment_manual": mention.sentiment_manual,
                           "stage_manual": mention.stage_manual,
                           "brand_ids": mention.brand_ids.ids,
                           "competitor_ids": mention.competitor_ids.ids}
                mention.with_context(social_crm_analysis=True).write(
                    self._analysis_values(result, stages, brands, current))

    # -- after create ------------------------------------------------------------------
    def _link_threads_and_duplicates(self, created):
        """Parent mentions by external id (same source) and duplicates by URL (another
        source), one search each for the whole batch."""
        Mention = self.env["social_crm.mention"].sudo()
        parent_ids = list({m.parent_external_id for m in created if m.parent_external_id})
        if parent_ids:
            parents = {m.external_id: m for m in Mention.search(
                [("source_id", "=", self.id), ("external_id", "in", parent_ids)])}
            for mention in created.filtered("parent_external_id"):
                parent = parents.get(mention.parent_external_id)
                if parent and parent != mention:
                    mention.parent_id = parent
        urls = list({m.url for m in created if m.url})
        if urls:
            originals = {}
            for other in Mention.search([("url", "in", urls), ("source_id", "!=", self.id),
                                         ("duplicate_of_id", "=", False)], order="id"):
                originals.setdefault(other.url, other)
            for mention in created.filtered("url"):
                original = originals.get(mention.url)
                if original:
                    mention.duplicate_of_id = original

    def _record_run(self, created, updated, errors):
        values = {"last_run_at": fields.Datetime.now(),
                  "created_count": self.created_count + created,
                  "updated_count": self.updated_count + updated,
                  "rejected_count": self.rejected_count + len(errors)}
        if errors:
            lines = [f"{e['record']}: {e['reason']}" for e in errors[:50]]
            if len(errors) > 50:
                lines.append(self.env._("… and %(count)s more", count=len(errors) - 50))
            values["last_error"] = "\n".join(lines)
            _logger.warning("Source %s (id %s) rejected %s record(s): %s", self.name, self.id,
                            len(errors), "; ".join(lines[:5]))
        else:
            values.update(last_error=False, last_success_at=values["last_run_at"])
        self.sudo().write(values)
