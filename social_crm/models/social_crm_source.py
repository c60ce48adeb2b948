"""A source: one connection (a monitoring topic, a network, a feed, a webhook, a file).

Every path in — webhook push, scheduled pull, file upload, demo data — ends in
``source.ingest(records)``. What each kind of source needs (its label, help, credentials,
config, hooks) is declared by its adapter in ``tools/sources``; this model is the Odoo glue
around the adapters: credentials, transactions, the cursor, back-off, pausing, and the run
log. Analysing the mentions is the mention model's job.
"""

import logging
import secrets
import threading
import time
import zlib
from datetime import timedelta

import psycopg2
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.schema import RecordError, normalize_batch
from ..tools.sources import (
    ADAPTERS,
    AuthError,
    PayloadError,
    SourceError,
    adapter_classes,
    get_adapter,
)
from ..tools.sources.base import load_json_body
from ..tools.sources.webhook import records_of

_logger = logging.getLogger(__name__)

# Fields ingest may refresh on a mention already imported (a re-delivery or an edit).
UPDATABLE_FIELDS = ("text", "title", "url", "reach", "likes", "reposts", "comments", "rating")
# Defaults of the tunables (ir.config_parameter "social_crm.<name>").
DEFAULTS = {
    "http_timeout": 10.0,  # seconds per HTTP call
    "http_retries": 3,  # retries of a call on 429 / 5xx / timeouts
    "max_retry_wait": 30.0,  # longest Retry-After waited in-process; longer → next run
    "pull_batch_size": 500,  # records fetched and committed together
    # seconds one cron call spends before handing over (well under Odoo's limit_time_real)
    "cron_time_budget": 60.0,
    "max_failures": 5,  # failed runs in a row before a source is paused
}
MAX_BACKOFF_SECONDS = 3600
CONCURRENT_RETRIES = 3
ENRICH_BATCH = 100  # authors named per source and cron call


def _key_hash(key):
    """A stable signed 32-bit number for an advisory lock on ``key``."""
    value = zlib.crc32(key.encode("utf-8"))
    return value - (1 << 32) if value >= (1 << 31) else value


class ConcurrentIngestError(Exception):
    """Another transaction imported the same external ids after ours began: retry in a
    new transaction, where they are visible and get updated instead of duplicated.
    ``prepared``: what the try had done that a retry of the same delivery can reuse —
    {"normalized": (accepted records, errors), "analysis": {external id: Analysis}} —
    or None."""

    def __init__(self, message, prepared=None):
        super().__init__(message)
        self.prepared = prepared


class AuthorsCreated(ConcurrentIngestError):
    """The batch's new authors were just created and committed on their own (see
    ``social_crm.author._precreate``): retry at once in a new transaction, which sees them."""


class _Offline:
    """The HTTP session of an adapter that only parses a webhook: it must not call out."""

    def request(self, method, url, **_kw):
        raise SourceError(f"no HTTP call expected while receiving a webhook ({method})")


class SocialCrmSource(models.Model):
    _name = "social_crm.source"
    _description = "Social CRM Source"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    source_type = fields.Selection(
        selection="_selection_source_type",
        string="Kind",
        required=True,
        default="webhook",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    platform_id = fields.Many2one(
        "social_crm.platform",
        string="Default platform",
        help="Platform of records that don't name one (e.g. a Telegram bot's messages).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        default=lambda self: self._default_user(),
        domain=[("share", "=", False)],
        help="Gets an activity when the source keeps failing.",
    )
    assign_user_id = fields.Many2one(
        "res.users", string="Assign new mentions to", domain=[("share", "=", False)]
    )
    sentiment_policy = fields.Selection(
        [("source", "Keep the source's"), ("ours", "Use Social CRM's")],
        string="Sentiment",
        default="source",
        required=True,
        help="When the source sends its own sentiment (YouScan, Brand Analytics), keep it "
        "or replace it with Social CRM's analysis.",
    )
    sla_minutes = fields.Integer(
        string="First response (minutes)",
        default=60,
        help="Default time to the first response for its mentions.",
    )

    # Connection. Secrets, and where they are sent, are for system administrators only.
    account = fields.Char(
        string="Account / topic",
        help="Topic id (YouScan), theme id (Brand Analytics), group or "
        "channel id, feed URL — what this source reads.",
    )
    base_url = fields.Char(
        string="API address",
        groups="base.group_system",
        help="Leave empty for the service's own. The credentials are sent "
        "there, so only system administrators may change it.",
    )
    api_key = fields.Char(string="API key / token", groups="base.group_system", copy=False)
    api_secret = fields.Char(string="Secret", groups="base.group_system", copy=False)
    webhook_token = fields.Char(
        groups="base.group_system", copy=False, default=lambda self: secrets.token_urlsafe(24)
    )
    webhook_url = fields.Char(compute="_compute_webhook_url", groups="base.group_system")
    reply_token = fields.Char(
        string="OAuth token for replies",
        groups="base.group_system",
        copy=False,
        help="YouTube: an OAuth 2.0 access token with the youtube.force-ssl scope.",
    )
    verify_token = fields.Char(
        string="Webhook verify token",
        groups="base.group_system",
        copy=False,
        default=lambda self: secrets.token_urlsafe(18),
        help="Facebook: the verify token Meta sends when the webhook is subscribed.",
    )
    feed_url = fields.Char(string="Feed URL", groups="base.group_system", copy=False)

    # Settings of some kinds (the adapter's ``source_fields`` say which it reads).
    confirmation_code = fields.Char(
        string="VK confirmation string",
        help="The string VK's Callback API settings ask the server to return.",
    )
    search_query = fields.Char(help="VK: the posts to search. YouTube: search terms.")
    video_id = fields.Char(
        string="Video ID", help="YouTube: read one video instead of the whole channel."
    )
    vk_mode = fields.Selection(
        [("search", "Search posts"), ("wall", "Community wall comments")],
        string="VK mode",
        default="search",
    )
    posts_depth = fields.Integer(
        string="Recent posts to watch",
        default=10,
        help="VK wall and Facebook: comments are read on this many latest posts.",
    )
    initial_hours = fields.Integer(string="First import: hours back", default=24)
    can_pull = fields.Boolean(compute="_compute_capabilities")
    can_reply = fields.Boolean(
        compute="_compute_capabilities", help="Replies can be posted through the platform's API."
    )
    connection_help = fields.Char(compute="_compute_capabilities")
    needs_credentials = fields.Boolean(
        compute="_compute_capabilities",
        help="The kind connects to a service (nothing to connect to for a webhook, a file or "
        "mentions entered by hand).",
    )

    # Scheduling. Only the scheduled pull writes these (one run at a time per source).
    interval_minutes = fields.Integer(
        string="Import every (minutes)",
        default=5,
        help="0: no scheduled import (the source pushes to its webhook). A backlog larger "
        "than one run continues at the next scheduler run.",
    )
    cursor = fields.Json(copy=False, groups="social_crm.group_manager")
    next_run_at = fields.Datetime(
        string="Next import", copy=False, help="Empty: at the next scheduler run."
    )
    paused = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        help="Set after repeated failures; the scheduled import skips "
        "the source until it is resumed. Webhooks keep working.",
    )
    failure_count = fields.Integer(readonly=True, copy=False, help="Failed runs in a row.")

    # What the runs did: derived from the append-only run log, so concurrent deliveries
    # never update one row of the source.
    run_ids = fields.One2many("social_crm.source.run", "source_id", string="Runs")
    last_run_at = fields.Datetime(string="Last run", compute="_compute_last_run")
    last_success_at = fields.Datetime(string="Last success", compute="_compute_last_run")
    last_error = fields.Text(compute="_compute_last_run", search="_search_last_error")
    created_count = fields.Integer(string="Created", compute="_compute_run_totals")
    updated_count = fields.Integer(string="Updated", compute="_compute_run_totals")
    rejected_count = fields.Integer(string="Rejected", compute="_compute_run_totals")
    mention_count = fields.Integer(string="Mentions", compute="_compute_mention_count")

    @api.model
    def _default_user(self):
        """The person creating the source; none when it is the system (demo data, scripts)."""
        return self.env.user if not self.env.user._is_superuser() else False

    def _responsible_user(self):
        """Who hears about the source's trouble: its responsible, else its creator, else the
        administrator — never a bot or a portal user."""
        for user in (self.user_id, self.create_uid):
            if user and user.active and not user.share and not user._is_superuser():
                return user
        return self.env.ref("base.user_admin")

    # -- kinds ------------------------------------------------------------------------------
    @api.model
    def _selection_source_type(self):
        return [(cls.kind, self.env._(cls.label)) for cls in adapter_classes()]  # pylint: disable=translation-required

    @api.depends("source_type")
    def _compute_capabilities(self):
        for source in self:
            adapter = ADAPTERS.get(source.source_type)
            source.can_pull = bool(adapter and adapter.can_fetch and adapter.needs_credentials)
            source.can_reply = bool(adapter and adapter.can_reply)
            source.needs_credentials = bool(adapter and adapter.needs_credentials)
            source.connection_help = self.env._(adapter.help) if adapter and adapter.help else False  # pylint: disable=translation-required

    def _compute_webhook_url(self):
        base = self.get_base_url()
        for source in self:
            source.webhook_url = (
                f"{base}/social_crm/webhook/{source.id}/{source.webhook_token}"
                if source.id and source.webhook_token
                else False
            )

    def _compute_mention_count(self):
        counts = dict(
            self.env["social_crm.mention"]._read_group(
                [("source_id", "in", self.ids)], ["source_id"], ["__count"]
            )
        )
        for source in self:
            source.mention_count = counts.get(source, 0)

    @api.depends("run_ids")
    def _compute_run_totals(self):
        totals = {
            source: (created, updated, rejected)
            for source, created, updated, rejected in self.env["social_crm.source.run"]
            .sudo()
            ._read_group(
                [("source_id", "in", self.ids)],
                ["source_id"],
                ["created:sum", "updated:sum", "rejected:sum"],
            )
        }
        for source in self:
            source.created_count, source.updated_count, source.rejected_count = totals.get(
                source.sudo(), (0, 0, 0)
            )

    @api.depends("run_ids")
    def _compute_last_run(self):
        last = self.env["social_crm.source.run"]._last_runs(self.ids)
        for source in self:
            run, success_at = last.get(source.id, (None, None))
            source.last_run_at = run["at"] if run else False
            source.last_error = run["error"] if run else False
            source.last_success_at = success_at or False

    def _search_last_error(self, operator, value):
        if operator not in ("=", "!=") or value not in (False, None):
            raise UserError(
                self.env._(
                    "Only “is set” and “is not set” searches are supported on the last error."
                )
            )
        failing = [
            source_id
            for source_id, (run, _ok) in self.env["social_crm.source.run"]._last_runs().items()
            if run["error"]
        ]
        return [("id", "in" if operator == "!=" else "not in", failing)]

    # -- rights -----------------------------------------------------------------------------
    def _check_manage_rights(self):
        """Importing, connecting, resuming and rotating tokens are for Social CRM
        administrators of the source's company: AccessError for anyone else. Checked by
        every public method that changes a source or calls out, before any sudo()."""
        if not self.env.su and not self.env.user.has_group("social_crm.group_manager"):
            raise AccessError(
                self.env._(
                    "Only Social CRM administrators may manage sources (%(sources)s).",
                    sources=", ".join(self.sudo().mapped("display_name")),
                )
            )
        self.check_access("write")

    # -- the one entry point for new data ----------------------------------------------
    def ingest(self, records):
        """Import ``records`` (normalized dicts) into this source.

        Invalid records are reported on the source's run log and skipped; the valid ones go
        in. Returns the mentions created or updated.
        """
        self._check_manage_rights()
        return self.sudo()._ingest(records)["mentions"]

    def _ingest(self, records, origin="api", extra_errors=(), overrides=None, prepared=None):
        """ingest() with its report: {mentions, created, updated, errors}; the run is
        logged with ``extra_errors`` (records the caller could not even read).
        ``overrides``: {external id: field values} set by hand on the mentions it creates
        (a stage or sentiment so given counts as set by hand). ``prepared``: what an earlier
        try of the same records did (ConcurrentIngestError.prepared), reused, or None.

        Raises ConcurrentIngestError, with nothing of this batch stored, when another
        transaction committed the same mentions, authors or platforms after this one began:
        the caller retries in a new transaction (the webhook and the cron do), where they are
        found and updated instead of duplicated.
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                report = self._ingest_batch(records, overrides or {}, prepared)
                errors = list(extra_errors) + report["errors"]
                run = self.env["social_crm.source.run"]._log(
                    self, origin, report["created"], report["updated"], errors
                )
                if errors:
                    _logger.warning(
                        "Source %s (id %s) rejected %s record(s): %s",
                        self.name,
                        self.id,
                        len(errors),
                        run.error.replace("\n", "; ")[:500],
                    )
                return report
        except (psycopg2.errors.UniqueViolation, psycopg2.errors.SerializationFailure) as exc:
            # a unique index taken by a concurrent import
            raise ConcurrentIngestError(
                self.env._(
                    "Source “%(name)s”: the same records are being imported by another run; "
                    "try again.",
                    name=self.display_name,
                )
            ) from exc

    def _ingest_batch(self, records, overrides, prepared=None):
        # a retry of the same delivery reuses what its earlier try validated and analysed
        prepared = dict(prepared or {})
        if prepared.get("normalized") is None:
            try:
                prepared["normalized"] = normalize_batch(records)
            except RecordError as exc:
                prepared["normalized"] = [], [exc.as_dict()]
        accepted, errors = prepared["normalized"]
        Mention = self.env["social_crm.mention"].sudo().with_company(self.company_id)
        platforms = self.env["social_crm.platform"]._get_or_create_by_codes(
            [r.platform for r in accepted if r.platform != "web" or not self.platform_id]
        )
        default_platform = self.platform_id

        def platform_of(rec):
            if rec.platform == "web" and default_platform:
                return default_platform
            return platforms[rec.platform]

        # authors merged into another or forgotten: their old key leads to what they became
        accepted = self.env["social_crm.author.alias"]._resolve(accepted, platform_of)
        batch_author_keys = {
            (platform_of(r).id, r.author.external_id) for r in accepted if r.author
        }
        known = self.env["social_crm.author"].sudo()._ids_by_key(batch_author_keys)
        if (
            self.env.context.get("social_crm_precreate_authors")
            and not self._in_test()
            and any(key not in known for key in batch_author_keys)
        ):
            # Concurrent deliveries often bring the same new people: claiming them here
            # would make those deliveries wait for each other's commit. They are created
            # and committed on their own instead, and the delivery retried (the caller asked
            # for it: the webhook, which retries in a new transaction).
            latest = {}
            for rec in accepted:
                if rec.author:
                    key = (platform_of(rec).id, rec.author.external_id)
                    if key not in known:
                        latest[key] = rec.author
            self.env["social_crm.author"].sudo()._precreate(self.company_id, latest)
            raise AuthorsCreated(
                self.env._(
                    "Source “%(name)s”: new authors created; the delivery is read again.",
                    name=self.display_name,
                ),
                prepared=prepared,
            )
        existing = (
            Mention.search(
                [
                    ("source_id", "=", self.id),
                    ("external_id", "in", [r.external_id for r in accepted]),
                ]
            )
            if accepted
            else Mention
        )
        # what a re-delivery compares, not every column (texts, raw payloads) of each
        existing.fetch(["external_id", "author_id", *UPDATABLE_FIELDS])
        by_ext = {m.external_id: m for m in existing}
        new_records = [r for r in accepted if r.external_id not in by_ext]
        author_keys = [
            (platform_of(r).id, r.author.external_id) if r.author else None for r in new_records
        ]
        analysis = prepared.setdefault("analysis", {})
        todo = [
            (rec, key)
            for rec, key in zip(new_records, author_keys, strict=True)
            if rec.external_id not in analysis
        ]
        if todo:
            fresh = Mention._analyse_records(
                self, [rec for rec, _key in todo], [known.get(key) for _rec, key in todo]
            )
            analysis.update(zip([rec.external_id for rec, _key in todo], fresh, strict=True))
        results = [analysis[rec.external_id] for rec in new_records]

        # Only the authors this batch creates are claimed: the rows of the others are not
        # written in this transaction (their figures follow after it commits).
        try:
            self._reserve(accepted, [key for key in batch_author_keys if key not in known])
        except ConcurrentIngestError as exc:
            # The retry finds the other import's rows and updates them; what this try
            # analysed for the rest stays valid (an analysis is as of some moment anyway).
            exc.prepared = prepared
            raise
        authors, profiles = (
            self.env["social_crm.author"]
            .with_company(self.company_id)
            ._upsert([(platform_of(r), r.author, r.published_at) for r in accepted if r.author])
        )

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
            reworded._reanalyse()

        vals_list = [
            dict(
                self._mention_values(rec, platform_of(rec), authors),
                **overrides.get(rec.external_id, {}),
            )
            for rec in new_records
        ]
        Mention._add_analysis(self, vals_list, results)
        created = Mention
        if vals_list:
            created = Mention.with_context(
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                tracking_disable=True,
                social_crm_analysis=True,
            ).create(vals_list)
            created._link_threads_and_duplicates()
        # the figures of the people whose mentions came or changed, and the new profiles
        (
            (created | updated).author_id | self.env["social_crm.author"].browse(list(profiles))
        )._refresh_after_import(profiles)
        # Hand back records in the caller's context (not the import's technical one).
        mentions = self.env["social_crm.mention"].browse((created | updated).ids)
        return {
            "mentions": mentions,
            "created": len(created),
            "updated": len(updated),
            "errors": errors,
        }

    def _reserve(self, records, author_keys):
        """Claim this batch's mentions and new authors before writing them.

        Concurrent deliveries of the same records wait here for each other (advisory locks
        on their keys, taken in one order), and a transaction whose snapshot missed what
        another one committed meanwhile finds out here, quietly, and raises
        ConcurrentIngestError to be retried — instead of failing later on a unique index
        or a concurrent update, which the server would log as an error.
        """
        if not records:
            return
        cr = self.env.cr
        ext_ids = sorted({r.external_id for r in records})
        author_keys = sorted(set(author_keys))
        keys = sorted(
            {(1, _key_hash(f"{self.id}:{ext}")) for ext in ext_ids}
            | {(2, _key_hash(f"{pid}:{ext}")) for pid, ext in author_keys}
        )
        cr.execute(
            """
            SELECT count(pg_advisory_xact_lock(k.ns, k.h))
              FROM (SELECT * FROM unnest(%s::int[], %s::int[]) AS k(ns, h) ORDER BY ns, h) k
        """,
            [[k[0] for k in keys], [k[1] for k in keys]],
        )
        try:
            # rows this batch will update: locked, and an error now if changed meanwhile
            cr.execute(
                """SELECT external_id FROM social_crm_mention
                           WHERE source_id = %s AND external_id = ANY(%s)
                           ORDER BY id FOR NO KEY UPDATE""",
                [self.id, ext_ids],
                log_exceptions=False,
            )
            visible = {row[0] for row in cr.fetchall()}
        except psycopg2.errors.SerializationFailure as exc:
            raise self._concurrent_error() from exc
        # rows this batch will create: committed by another import since this snapshot?
        if self._committed_meanwhile([e for e in ext_ids if e not in visible], author_keys):
            raise self._concurrent_error()

    def _committed_meanwhile(self, ext_ids, author_keys):
        """Whether another transaction committed mentions of this source with one of these
        external ids, or authors with one of these keys, that this transaction's snapshot
        doesn't show. Read at read committed in a cursor of its own: the keys are claimed
        (advisory locks), so nothing can be committed for them between this look and the
        commit. A look, not a trial insert: no row written and rolled back per record."""
        if not (ext_ids or author_keys) or self._in_test():
            return False  # one transaction in tests: nothing else commits meanwhile
        with self.env.registry.cursor() as cr:
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            cr.execute(
                """SELECT EXISTS(SELECT 1 FROM social_crm_mention
                                   WHERE source_id = %s AND external_id = ANY(%s))
                       OR EXISTS(SELECT 1 FROM social_crm_author a
                                   JOIN unnest(%s::int[], %s::varchar[]) AS k(p, e)
                                     ON a.platform_id = k.p AND a.external_id = k.e)""",
                [
                    self.id,
                    ext_ids,
                    [k[0] for k in author_keys],
                    [k[1] for k in author_keys],
                ],
            )
            return cr.fetchone()[0]

    def _concurrent_error(self):
        return ConcurrentIngestError(
            self.env._(
                "Source “%(name)s”: the same records were imported by another run meanwhile; "
                "try again.",
                name=self.display_name,
            )
        )

    def _changed_values(self, mention, rec):
        values = {
            "text": rec.text,
            "title": rec.title or False,
            "url": rec.url or False,
            "reach": rec.reach,
            "likes": rec.likes,
            "reposts": rec.reposts,
            "comments": rec.comments,
            "rating": rec.rating or 0.0,
        }
        return {
            k: v
            for k, v in values.items()
            if k in UPDATABLE_FIELDS and (mention[k] or False) != (v or False)
        }

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
            "reach": rec.reach,
            "likes": rec.likes,
            "reposts": rec.reposts,
            "comments": rec.comments,
            "raw": rec.raw or False,
            "is_private": bool(getattr(rec, "private", False)),
            "user_id": self.assign_user_id.id or False,
            "state": "in_progress" if self.assign_user_id else "new",
        }
        if getattr(rec, "truncated", None):
            values["import_note"] = self.env._(
                "Too long: %(fields)s cut on import (the original payload is complete).",
                fields=", ".join(rec.truncated),
            )
        if rec.lang:
            values.update(lang=rec.lang, lang_confidence=1.0, lang_origin="source")
        if rec.sentiment:
            values.update(
                sentiment=rec.sentiment,
                sentiment_score=rec.sentiment_score or 0.0,
                sentiment_origin="source",
            )
        return values

    # -- demo data -----------------------------------------------------------------------
    @api.model
    def _load_demo_mentions(self, path):
        """Demo data goes in the way real data does: through ingest()."""
        import json

        from odoo.tools import file_open

        with file_open(path, "rb") as handle:
            data = json.load(handle)
        now = fields.Datetime.now()
        for xmlid, records in data["sources"].items():
            source = self.env.ref(f"social_crm.{xmlid}")
            batch = []
            for record in records:
                published = now - timedelta(minutes=record.get("minutes_ago", 0))
                batch.append(
                    dict(
                        {k: v for k, v in record.items() if k not in ("minutes_ago", "demo_stage")},
                        published_at=published.isoformat(),
                    )
                )
            source._ingest(batch, origin="demo")
        self._demo_progress(now)

    @api.model
    def _demo_progress(self, now):
        """Give the demo board some history: older mentions answered within (or past)
        their SLA, a few taken in work by the administrator."""
        admin = self.env.ref("base.user_admin")
        mentions = self.env["social_crm.mention"].search([], order="published_at")
        for index, mention in enumerate(mentions):
            age = now - mention.published_at
            if age > timedelta(days=1):
                late = index % 4 == 0
                minutes = self.env["social_crm.mention"]._sla_minutes(
                    mention.stage_id, mention.source_id
                ) * (1.6 if late else 0.6)
                mention.write(
                    {
                        "user_id": admin.id,
                        "state": "closed" if index % 3 else "answered",
                        "first_response_at": mention.published_at + timedelta(minutes=minutes),
                    }
                )
            elif index % 3 == 0:
                mention.write({"user_id": admin.id, "state": "in_progress"})

    # -- tunables ---------------------------------------------------------------------------
    @api.model
    def _setting(self, name):
        default = DEFAULTS[name]
        value = self.env["ir.config_parameter"].sudo().get_param(f"social_crm.{name}")
        try:
            return type(default)(value) if value not in (None, False, "") else default
        except ValueError:
            return default

    @api.model
    def _in_test(self):
        """Tests run in one transaction rolled back at the end: no commits then."""
        return self.env.registry.in_test_mode() or getattr(
            threading.current_thread(), "testing", False
        )

    @api.model
    def _commit(self):
        """Commit the work so far, except in tests: a pull stores each batch and then its
        cursor, so a crash later never loses or re-reads more than one batch."""
        if not self._in_test():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    # -- adapters -----------------------------------------------------------------------------
    def _adapter_config(self):
        """The adapter's config, read from the source fields its kind declares (secrets
        read as superuser)."""
        self.ensure_one()
        src = self.sudo()
        config = {
            "base_url": (src.base_url or "").strip(),
            "webhook_token": src.webhook_token,
            "max_wait": self._setting("max_retry_wait"),
            "initial_hours": src.initial_hours or 24,
        }
        adapter = ADAPTERS.get(src.source_type)
        for key, paths in (adapter.source_fields if adapter else {}).items():
            for path in (paths,) if isinstance(paths, str) else paths:
                values = src.mapped(path) if "." in path else [src[path]]
                value = values[0] if values else False
                if isinstance(value, str):
                    value = value.strip()
                if value not in (None, False, ""):
                    config[key] = value
                    break
        return {k: v for k, v in config.items() if v not in (None, False)}

    def _get_adapter(self, offline=False):
        """The adapter of this source's kind; SourceError when there is none."""
        self.ensure_one()
        kw = {
            "timeout": self._setting("http_timeout"),
            "max_retries": self._setting("http_retries"),
        }
        if offline:
            kw["session"] = _Offline()
        return get_adapter(self.source_type, self._adapter_config(), **kw)

    # -- scheduled pull -----------------------------------------------------------------------
    @api.model
    def _due_sources_domain(self):
        pulled = [cls.kind for cls in adapter_classes() if cls.can_fetch and cls.needs_credentials]
        return [
            ("source_type", "in", pulled),
            ("paused", "=", False),
            ("interval_minutes", ">", 0),
            "|",
            ("next_run_at", "=", False),
            ("next_run_at", "<=", fields.Datetime.now()),
        ]

    @api.model
    def _cron_import_due_sources(self):
        """Run every due source, each at its own interval, within a time budget.

        A source with more to read after the budget is left due and reported as remaining
        (``ir.cron._notify_progress``), so the scheduler calls again right away instead of
        one long call timing out; a failing source records its error and doesn't stop others.
        """
        deadline = time.monotonic() + self._setting("cron_time_budget")
        sources = self.search(self._due_sources_domain(), order="next_run_at, id")
        done = remaining = 0
        for index, source in enumerate(sources):
            if done and time.monotonic() >= deadline:  # at least one source per call
                remaining += len(sources) - index
                break
            done += 1
            if source._run_pull(deadline):
                remaining += 1
        if time.monotonic() < deadline:
            self._enrich_authors_of_sources()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if remaining:
            cron = self.env.ref("social_crm.ir_cron_import_sources", raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger()
        return done, remaining

    def _run_pull(self, deadline=None):
        """Pull batch after batch until the source has nothing more or ``deadline``
        (time.monotonic()) passes; returns True when more remains.

        Each batch: fetch → ingest → commit → save the new cursor → commit, so the cursor
        never runs ahead of what is stored; re-reading a batch after a crash only updates.
        Records an adapter could not read are logged on the run and the cursor moves past
        them. Failures are recorded on the source (and back off), never raised.
        """
        self.ensure_one()
        source = self.sudo()
        started = fields.Datetime.now()
        try:
            adapter = source._get_adapter()
        except SourceError as exc:
            source._record_failure(exc)
            return False
        batch_size = max(1, self._setting("pull_batch_size"))
        concurrent = 0
        while True:
            if not source._lock_for_pull():
                return False  # another run is pulling it right now
            try:
                with self.env.cr.savepoint():
                    result = adapter.fetch(source.cursor or None, limit=batch_size)
                    source._ingest(result.records, origin="pull", extra_errors=result.errors)
            except ConcurrentIngestError as exc:
                concurrent += 1
                if concurrent >= CONCURRENT_RETRIES or self._in_test():
                    source._record_failure(exc)
                    return False
                self._commit()  # a new transaction sees the other run's mentions
                continue
            except (SourceError, PayloadError) as exc:
                source._record_failure(exc)
                return False
            except Exception as exc:  # noqa: BLE001 - a bug must not stop the other sources
                _logger.exception("Source %s (id %s): import failed", source.name, source.id)
                source._record_failure(exc)
                return False
            self._commit()
            source.write(
                {
                    "cursor": result.cursor or False,
                    "failure_count": 0,
                    "next_run_at": started + timedelta(minutes=max(1, source.interval_minutes)),
                }
            )
            self._commit()
            if not result.more:
                return False
            if deadline is not None and time.monotonic() >= deadline:
                source.next_run_at = fields.Datetime.now()
                return True

    def _lock_for_pull(self):
        self.env.cr.execute(
            "SELECT id FROM social_crm_source WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
            [self.id],
        )
        return bool(self.env.cr.fetchone())

    def _record_failure(self, exc):
        """Record a failed run: its reason, the back-off before the next try (the server's
        Retry-After when it gave one), and the pause after too many failures in a row."""
        self.ensure_one()
        count = self.failure_count + 1
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            delay = max(1.0, float(retry_after))
        else:
            delay = min(max(1, self.interval_minutes) * 60 * 2 ** (count - 1), MAX_BACKOFF_SECONDS)
        now = fields.Datetime.now()
        reason = str(exc) or type(exc).__name__
        self.env["social_crm.source.run"]._log(self, "pull", failure=reason)
        values = {"failure_count": count, "next_run_at": now + timedelta(seconds=delay)}
        _logger.warning(
            "Source %s (id %s) failed (%s in a row): %s", self.name, self.id, count, reason
        )
        pause = count >= self._setting("max_failures")
        if pause:
            values["paused"] = True
        self.write(values)
        if pause:
            self._notify_paused(count, reason)

    def _notify_paused(self, count, reason):
        summary = self.env._("Source paused: %(name)s", name=self.display_name)
        note = self.env._(
            "Source “%(name)s” was paused after %(count)s failed imports in a row. "
            "Last error: %(reason)s. Fix the connection (Test connection helps), then press "
            "Resume.",
            name=self.display_name,
            count=count,
            reason=reason,
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=Markup("<p>%s</p>") % escape(note),
            user_id=self._responsible_user().id,
        )

    # -- slow work the webhook leaves to the cron ------------------------------------------
    @api.model
    def _enrich_authors_of_sources(self):
        """Name the authors webhooks only gave by id (VK Callback events carry a from_id).

        Done here, not while answering the webhook, so deliveries are acknowledged fast.
        """
        kinds = [cls.kind for cls in adapter_classes() if cls.can_enrich_authors]
        sources = self.search([("source_type", "in", kinds), ("paused", "=", False)])
        for source in sources.filtered(lambda s: s.sudo().api_key):
            try:
                with self.env.cr.savepoint():
                    source._enrich_authors()
            except SourceError as exc:
                _logger.info(
                    "Source %s (id %s): authors not enriched: %s", source.name, source.id, exc
                )
            self._commit()

    def _enrich_authors(self, limit=ENRICH_BATCH):
        """Ask the platform for the names of this source's authors known only by id."""
        self.ensure_one()
        authors = (
            self.env["social_crm.author"]
            .sudo()
            .search(
                [("mention_ids.source_id", "=", self.id), ("handle", "in", [False, ""])],
                limit=limit,
            )
        )
        by_ext = {a.external_id: a for a in authors if a.external_id.lstrip("-").isdigit()}
        if not by_ext:
            return 0
        found = self._get_adapter().enrich_authors(list(by_ext))
        for ext, author in by_ext.items():
            values = found.get(ext) or {}
            author.write({k: v for k, v in values.items() if v or k == "handle"})
        return len(by_ext)

    # -- buttons ------------------------------------------------------------------------------
    def action_regenerate_token(self):
        self._check_manage_rights()
        for source in self.sudo():
            source.webhook_token = secrets.token_urlsafe(24)
        return True

    def action_view_mentions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_mention_action"
        )
        action["domain"] = [("source_id", "=", self.id)]
        return action

    def action_import_now(self):
        """Pull what the source has now (within the cron's time budget; the scheduler
        continues a larger backlog). Webhook and file sources receive data instead."""
        self._check_manage_rights()
        totals = {"created": 0, "updated": 0}
        for source in self.sudo():
            if not source.can_pull:
                kind = dict(self._fields["source_type"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "Source “%(name)s” receives its mentions (%(kind)s): there is nothing "
                        "to pull. Send them to its webhook or use the file import.",
                        name=source.display_name,
                        kind=kind[source.source_type],
                    )
                )
            before = (source.created_count, source.updated_count)
            source.write({"paused": False, "failure_count": 0})
            more = source._run_pull(time.monotonic() + self._setting("cron_time_budget"))
            source.invalidate_recordset(["created_count", "updated_count", "last_error"])
            if source.failure_count:
                # Not a UserError: that would roll back the failure recorded on the source.
                return self._notification(
                    self.env._("Import failed"),
                    self.env._(
                        "Source “%(name)s”: %(reason)s",
                        name=source.display_name,
                        reason=source.last_error,
                    ),
                    kind="danger",
                )
            totals["created"] += source.created_count - before[0]
            totals["updated"] += source.updated_count - before[1]
            if more:
                self.env.ref("social_crm.ir_cron_import_sources").sudo()._trigger()
        return self._notification(
            self.env._("Import done"),
            self.env._("%(created)s mention(s) created, %(updated)s updated.", **totals),
        )

    def action_test_connection(self):
        self.ensure_one()
        self._check_manage_rights()
        try:
            message = self.sudo()._get_adapter().test_connection()
        except (SourceError, PayloadError) as exc:
            raise UserError(
                self.env._(
                    "Source “%(name)s”: the connection test failed: %(reason)s",
                    name=self.display_name,
                    reason=str(exc),
                )
            ) from None
        return self._notification(self.env._("Connection works"), message)

    def action_register_webhook(self):
        """Point the platform's push at this source's webhook where its API allows it."""
        self.ensure_one()
        self._check_manage_rights()
        source = self.sudo()
        try:
            message = source._get_adapter().register_webhook(source.webhook_url)
        except SourceError as exc:
            raise UserError(
                self.env._(
                    "Source “%(name)s”: the webhook could not be registered: %(reason)s",
                    name=self.display_name,
                    reason=str(exc),
                )
            ) from None
        return self._notification(self.env._("Webhook registered"), message)

    def action_open_import_wizard(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_import_wizard_action"
        )
        action["context"] = {"default_source_id": self.id}
        return action

    def action_resume(self):
        self._check_manage_rights()
        self.sudo().write({"paused": False, "failure_count": 0, "next_run_at": False})
        return True

    @api.model
    def _notification(self, title, message, kind="success"):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # -- webhooks -----------------------------------------------------------------------------
    def _webhook_receive(self, body, headers=None, query=None, path_token=None, prepared=None):
        """Ingest one delivery for this source's kind.

        Without ``headers`` the caller has authenticated the sender already (the ``webhook``
        kind's token): the body is normalized records. Otherwise the kind's adapter
        authenticates the sender (path token, secret header, signature or secret field,
        compared in constant time) and maps the payload. Raises AuthError, PayloadError (a
        ValueError: malformed or too large) or SourceError (the kind has no webhook). A
        delivery whose event id was already received is answered and ignored. Returns the
        ingest report plus ``reply``: the body the platform expects (VK: "ok"), or None for
        the JSON report. ``prepared``: what an earlier try of this delivery validated and
        analysed (ConcurrentIngestError.prepared): its records are not read again.
        """
        self.ensure_one()
        if headers is None:
            if self.source_type != "webhook":
                raise SourceError(
                    f"source {self.id} ({self.source_type}) does not accept "
                    "normalized webhook deliveries"
                )
            records = records_of(load_json_body(body)) if prepared is None else None
            return dict(self._ingest(records, origin="webhook", prepared=prepared), reply=None)
        result = self._get_adapter(offline=True).parse_webhook(
            headers or {}, body, query or {}, path_token
        )
        report = {
            "mentions": self.env["social_crm.mention"],
            "created": 0,
            "updated": 0,
            "errors": [],
            "reply": result.reply,
            "duplicate": False,
        }
        ignored = getattr(result, "ignored", None) or []
        if ignored:  # service events (reactions, echoes, deletions): answered, not imported
            _logger.info(
                "Source %s (id %s) ignored %s event(s): %s",
                self.name,
                self.id,
                len(ignored),
                "; ".join(f"{e['record']}: {e['reason']}" for e in ignored[:5]),
            )
        if result.event_id and not self.env["social_crm.webhook.event"]._remember(
            self, result.event_id
        ):
            report["duplicate"] = True
            return report
        errors = list(getattr(result, "errors", None) or [])
        if result.records or errors:
            # items the adapter could not map are logged on the run beside the records
            report.update(
                self._ingest(
                    result.records, origin="webhook", extra_errors=errors, prepared=prepared
                )
            )
            report["errors"] = errors + report["errors"]
        return report

    def _webhook_authenticate(self, headers, query=None, path_token=None):
        """Authenticate a delivery by what it carries outside its body, before the body is
        read: True when that authenticated the sender, False when this kind's credentials
        are in or over the body (checked as it is parsed). Raises AuthError (wrong or
        missing credentials) or SourceError (the kind receives no webhooks)."""
        self.ensure_one()
        return self._get_adapter(offline=True).authenticate_request(
            headers or {}, query or {}, path_token
        )

    def _webhook_verify(self, query):
        """A subscription handshake by GET (Meta's hub.challenge): the text to answer."""
        self.ensure_one()
        adapter = self._get_adapter(offline=True)
        if not hasattr(adapter, "verify_subscription"):
            raise SourceError(
                f"source {self.id} ({self.source_type}) has no GET handshake; deliveries are POSTed"
            )
        return adapter.verify_subscription(query or {})

    # -- replies ------------------------------------------------------------------------------
    def _post_reply(self, mention, text):
        """Post ``text`` as a reply to ``mention`` on its platform.

        Returns {"external_id", "url"} of the posted reply; UserError with a readable reason
        when the platform refuses or the source's kind cannot reply. The caller checked that
        the user may reply to the mention.
        """
        self.ensure_one()
        mention.ensure_one()
        if not (text or "").strip():
            raise UserError(
                self.env._("The reply to “%(mention)s” is empty.", mention=mention.display_name)
            )
        target = {
            "external_id": mention.external_id,
            "url": mention.url or "",
            "parent_external_id": mention.parent_external_id or "",
            "private": mention.is_private,
            "raw": mention.sudo().raw or {},
        }
        try:
            return self.sudo()._get_adapter().post_reply(target, text)
        except (SourceError, AuthError) as exc:
            raise UserError(
                self.env._(
                    "Source “%(name)s” could not post the reply to “%(mention)s”: %(reason)s",
                    name=self.display_name,
                    mention=mention.display_name,
                    reason=str(exc),
                )
            ) from None
