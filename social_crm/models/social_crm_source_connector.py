"""Connectors: the scheduled pull, webhooks per source kind, the connection test and replies.

The adapters in ``tools/sources`` speak HTTP and map payloads; this file is the Odoo glue
around them: credentials from the source, transactions, the cursor, back-off and pausing.
Every path in still ends in ``source._ingest()``.
"""
import logging
import secrets
import threading
import time
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import _lt, api, fields, models
from odoo.exceptions import UserError

from ..tools.sources import ADAPTERS, AuthError, PayloadError, SourceError, get_adapter
from .social_crm_source import NO_CREDENTIAL_TYPES, ConcurrentIngestError

_logger = logging.getLogger(__name__)

# Defaults of the tunables (ir.config_parameter "social_crm.<name>").
DEFAULTS = {
    "http_timeout": 10.0,     # seconds per HTTP call
    "http_retries": 3,        # retries of a call on 429 / 5xx / timeouts
    "max_retry_wait": 30.0,   # longest Retry-After waited in-process; longer → next run
    "pull_batch_size": 500,   # records fetched and committed together
    # seconds one cron call spends before handing over (well under Odoo's limit_time_real)
    "cron_time_budget": 60.0,
    "max_failures": 5,        # failed runs in a row before a source is paused
}
MAX_BACKOFF_SECONDS = 3600
MAX_BODY_BYTES = 5 * 1024 * 1024
CONCURRENT_RETRIES = 3
ENRICH_BATCH = 100  # authors named per source and cron call (one users.get call)

CONNECTION_HELP = {
    "webhook": _lt("Senders post normalized JSON records to the webhook URL (Credentials tab)."),
    "file": _lt("Upload exports with Import file (YouScan, Brand Analytics, normalized CSV, "
                "or any table with a column mapping)."),
    "youscan": _lt("Account: the topic id. API key: YouScan's X-API-KEY. For the webhook, give "
                   "YouScan the webhook URL: it carries the token in its path."),
    "brand_analytics": _lt("Account: the theme id. API key: the Brand Analytics API token."),
    "vk": _lt("API key: an access token. Search mode reads posts matching the search query; "
              "wall mode reads comments on the community whose id is the account. Callback "
              "API: secret key in Secret (or the webhook token), confirmation string below."),
    "telegram": _lt("API key: the bot token. Secret: the webhook secret token (empty: the "
                    "webhook token). Set import interval 0 when the webhook is registered: "
                    "Telegram then stops answering getUpdates."),
    "youtube": _lt("Account: the channel id (or a video id below). API key: a YouTube Data "
                   "API key. Replies need an OAuth token with the youtube.force-ssl scope."),
    "rss": _lt("Feed URL: the RSS or Atom feed (a Google Alerts feed URL is a secret)."),
    "facebook": _lt("Account: the page id. API key: the page access token. Secret: the app "
                    "secret that signs events. Verify token: what Meta sends when the "
                    "webhook is subscribed."),
}


class _Offline:
    """The HTTP session of an adapter that only parses a webhook: it must not call out."""

    def request(self, method, url, **_kw):
        raise SourceError(f"no HTTP call expected while receiving a webhook ({method})")


class SocialCrmSourceConnector(models.Model):
    _name = "social_crm.source"
    _inherit = ["social_crm.source", "mail.activity.mixin"]

    # Settings per kind (credentials stay for system administrators only).
    reply_token = fields.Char(string="OAuth token for replies", groups="base.group_system",
                              copy=False,
                              help="YouTube: an OAuth 2.0 access token with the "
                                   "youtube.force-ssl scope.")
    verify_token = fields.Char(string="Webhook verify token", groups="base.group_system",
                               copy=False, default=lambda self: secrets.token_urlsafe(18),
                               help="Facebook: the verify token Meta sends when the webhook "
                                    "is subscribed.")
    feed_url = fields.Char(string="Feed URL", groups="base.group_system", copy=False)
    confirmation_code = fields.Char(
        string="VK confirmation string",
        help="The string VK's Callback API settings ask the server to return.")
    search_query = fields.Char(help="VK: the posts to search. YouTube: search terms.")
    video_id = fields.Char(string="Video ID", help="YouTube: read one video instead of the "
                                                   "whole channel.")
    vk_mode = fields.Selection([("search", "Search posts"), ("wall", "Community wall comments")],
                               string="VK mode", default="search")
    posts_depth = fields.Integer(string="Recent posts to watch", default=10,
                                 help="VK wall and Facebook: comments are read on this many "
                                      "latest posts.")
    initial_hours = fields.Integer(string="First import: hours back", default=24)

    interval_minutes = fields.Integer(
        help="0: no scheduled import (the source pushes to its webhook). A backlog larger "
             "than one run continues at the next scheduler run.")

    # Scheduling state.
    next_run_at = fields.Datetime(string="Next import", copy=False,
                                  help="Empty: at the next scheduler run.")
    paused = fields.Boolean(readonly=True, copy=False, tracking=True,
                            help="Set after repeated failures; the scheduled import skips "
                                 "the source until it is resumed. Webhooks keep working.")
    can_pull = fields.Boolean(compute="_compute_capabilities")
    can_reply = fields.Boolean(compute="_compute_capabilities",
                               help="Replies can be posted through the platform's API.")
    connection_help = fields.Char(compute="_compute_capabilities")

    @api.depends("source_type")
    def _compute_capabilities(self):
        for source in self:
            adapter = ADAPTERS.get(source.source_type)
            source.can_pull = bool(adapter and adapter.can_fetch
                                   and source.source_type not in NO_CREDENTIAL_TYPES)
            source.can_reply = bool(adapter and adapter.can_reply)
            help_text = CONNECTION_HELP.get(source.source_type)
            source.connection_help = str(help_text) if help_text else False

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
        return self.env.registry.in_test_mode() or \
            getattr(threading.current_thread(), "testing", False)

    @api.model
    def _commit(self):
        """Commit the work so far, except in tests."""
        if not self._in_test():
            self.env.cr.commit()

    # -- adapters -----------------------------------------------------------------------------
    def _adapter_config(self):
        """The adapter's config from the source's fields (secrets read as superuser)."""
        self.ensure_one()
        src = self.sudo()
        account = (src.account or "").strip()
        config = {"base_url": (src.base_url or "").strip(), "webhook_token": src.webhook_token,
                  "max_wait": self._setting("max_retry_wait"), "max_body_bytes": MAX_BODY_BYTES,
                  "initial_hours": src.initial_hours or 24}
        kind = src.source_type
        if kind == "youscan":
            config.update(api_key=src.api_key, topic_id=account)
        elif kind == "brand_analytics":
            config.update(token=src.api_key, theme_id=account)
        elif kind == "vk":
            config.update(access_token=src.api_key, secret=src.api_secret, group_id=account,
                          mode=src.vk_mode or "search", query=src.search_query,
                          confirmation=src.confirmation_code, posts_depth=src.posts_depth)
        elif kind == "telegram":
            config.update(bot_token=src.api_key, secret_token=src.api_secret)
        elif kind == "youtube":
            config.update(api_key=src.api_key, access_token=src.reply_token, channel_id=account,
                          video_id=src.video_id, search_terms=src.search_query)
        elif kind == "rss":
            config.update(feed_url=src.feed_url or account,
                          platform=src.platform_id.code if src.platform_id else "")
        elif kind == "facebook":
            config.update(app_secret=src.api_secret, verify_token=src.verify_token,
                          page_access_token=src.api_key, page_id=account,
                          posts_depth=src.posts_depth)
        return {k: v for k, v in config.items() if v not in (None, False)}

    def _get_adapter(self, offline=False):
        """The adapter of this source's kind; SourceError when there is none."""
        self.ensure_one()
        kw = {"timeout": self._setting("http_timeout"),
              "max_retries": self._setting("http_retries")}
        if offline:
            kw["session"] = _Offline()
        return get_adapter(self.source_type, self._adapter_config(), **kw)

    # -- scheduled pull -----------------------------------------------------------------------
    @api.model
    def _due_sources_domain(self):
        return [("source_type", "not in", NO_CREDENTIAL_TYPES), ("paused", "=", False),
                ("interval_minutes", ">", 0),
                "|", ("next_run_at", "=", False), ("next_run_at", "<=", fields.Datetime.now())]

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
        Failures are recorded on the source (and back off), never raised.
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
                    report = source._ingest(result.records)
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
            source._record_batch(result, report, started)
            self._commit()
            if not result.more:
                return False
            if deadline is not None and time.monotonic() >= deadline:
                source.next_run_at = fields.Datetime.now()
                return True

    # -- slow work the webhook leaves to the cron ------------------------------------------
    @api.model
    def _enrich_authors_of_sources(self):
        """Name the authors webhooks only gave by id (VK Callback events carry a from_id).

        Done here, not while answering the webhook, so deliveries are acknowledged fast.
        """
        sources = self.search([("source_type", "=", "vk"), ("paused", "=", False)])
        for source in sources.filtered(lambda s: s.sudo().api_key):
            try:
                with self.env.cr.savepoint():
                    source._enrich_vk_authors()
            except SourceError as exc:
                _logger.info("Source %s (id %s): authors not enriched: %s", source.name,
                             source.id, exc)
            self._commit()

    def _enrich_vk_authors(self, limit=ENRICH_BATCH):
        self.ensure_one()
        authors = self.env["social_crm.author"].sudo().search([
            ("mention_ids.source_id", "=", self.id), ("handle", "in", [False, ""]),
            ("platform_id.code", "=", "vk")], limit=limit)
        users = {a.external_id: a for a in authors if a.external_id.lstrip("-").isdigit()}
        if not users:
            return 0
        adapter = self._get_adapter()
        people = [ext for ext in users if not ext.startswith("-")]
        groups = [ext[1:] for ext in users if ext.startswith("-")]
        found = {}
        if people:
            data = adapter._call("users.get", {"user_ids": ",".join(people),
                                               "fields": "screen_name,followers_count"},
                                 "VK users.get")
            for item in data if isinstance(data, list) else []:
                name = " ".join(p for p in (item.get("first_name"), item.get("last_name")) if p)
                found[str(item.get("id"))] = {
                    "name": name, "handle": item.get("screen_name") or f"id{item.get('id')}",
                    "followers": item.get("followers_count") or 0}
        if groups:
            data = adapter._call("groups.getById", {"group_ids": ",".join(groups),
                                                    "fields": "members_count"},
                                 "VK groups.getById")
            items = data.get("groups", []) if isinstance(data, dict) else data
            for item in items if isinstance(items, list) else []:
                found[f"-{item.get('id')}"] = {
                    "name": item.get("name") or "", "handle": item.get("screen_name")
                    or f"club{item.get('id')}", "followers": item.get("members_count") or 0}
        for ext, author in users.items():
            # Authors VK doesn't know any more keep their id as handle: not asked again.
            values = found.get(ext) or {"handle": f"id{ext}" if not ext.startswith("-")
                                        else f"club{ext[1:]}"}
            author.write({k: v for k, v in values.items() if v or k == "handle"})
        return len(users)

    def _lock_for_pull(self):
        self.env.cr.execute("SELECT id FROM social_crm_source WHERE id = %s "
                            "FOR NO KEY UPDATE SKIP LOCKED", [self.id])
        return bool(self.env.cr.fetchone())

    def _record_batch(self, result, report, started):
        """After a committed batch: the cursor, the schedule, what the adapter skipped."""
        values = {"cursor": result.cursor or False, "failure_count": 0,
                  "next_run_at": started + timedelta(minutes=max(1, self.interval_minutes))}
        if result.errors:
            lines = [f"{e.get('record', '?')}: {e.get('reason', '')}" for e in result.errors[:50]]
            values.update(rejected_count=self.rejected_count + len(result.errors),
                          last_error="\n".join(filter(None, [self.last_error] + lines)))
            _logger.warning("Source %s (id %s) skipped %s record(s) it could not read: %s",
                            self.name, self.id, len(result.errors), "; ".join(lines[:5]))
        self.write(values)

    def _record_failure(self, exc):
        """Record a failed run: its reason, the back-off before the next try (the server's
        Retry-After when it gave one), and the pause after too many failures in a row."""
        self.ensure_one()
        count = self.failure_count + 1
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            delay = max(1.0, float(retry_after))
        else:
            delay = min(max(1, self.interval_minutes) * 60 * 2 ** (count - 1),
                        MAX_BACKOFF_SECONDS)
        now = fields.Datetime.now()
        reason = str(exc) or type(exc).__name__
        values = {"last_run_at": now, "last_error": reason, "failure_count": count,
                  "next_run_at": now + timedelta(seconds=delay)}
        _logger.warning("Source %s (id %s) failed (%s in a row): %s", self.name, self.id, count,
                        reason)
        pause = count >= self._setting("max_failures")
        if pause:
            values["paused"] = True
        self.write(values)
        if pause:
            self._notify_paused(count, reason)

    def _notify_paused(self, count, reason):
        user = self.user_id or self.create_uid
        summary = self.env._("Source paused: %(name)s", name=self.display_name)
        note = self.env._(
            "Source “%(name)s” was paused after %(count)s failed imports in a row. "
            "Last error: %(reason)s. Fix the connection (Test connection helps), then press "
            "Resume.", name=self.display_name, count=count, reason=reason)
        self.activity_schedule("mail.mail_activity_data_todo", summary=summary,
                               note=Markup("<p>%s</p>") % escape(note),
                               user_id=user.id or self.env.ref("base.user_admin").id)

    # -- buttons ------------------------------------------------------------------------------
    def action_import_now(self):
        """Pull what the source has now (within the cron's time budget; the scheduler
        continues a larger backlog). Webhook and file sources receive data instead."""
        totals = {"created": 0, "updated": 0}
        for source in self:
            if not source.can_pull:
                kind = dict(self._fields["source_type"]._description_selection(self.env))
                raise UserError(self.env._(
                    "Source “%(name)s” receives its mentions (%(kind)s): there is nothing "
                    "to pull. Send them to its webhook or use the file import.",
                    name=source.display_name, kind=kind[source.source_type]))
            before = (source.created_count, source.updated_count)
            source.sudo().write({"paused": False, "failure_count": 0})
            more = source._run_pull(time.monotonic() + self._setting("cron_time_budget"))
            if source.failure_count:
                # Not a UserError: that would roll back the failure recorded on the source.
                return self._notification(
                    self.env._("Import failed"),
                    self.env._("Source “%(name)s”: %(reason)s", name=source.display_name,
                               reason=source.last_error), kind="danger")
            totals["created"] += source.created_count - before[0]
            totals["updated"] += source.updated_count - before[1]
            if more:
                self.env.ref("social_crm.ir_cron_import_sources").sudo()._trigger()
        return self._notification(
            self.env._("Import done"),
            self.env._("%(created)s mention(s) created, %(updated)s updated.", **totals))

    def action_test_connection(self):
        self.ensure_one()
        try:
            message = self._get_adapter().test_connection()
        except (SourceError, PayloadError) as exc:
            raise UserError(self.env._("Source “%(name)s”: the connection test failed: "
                                       "%(reason)s", name=self.display_name,
                                       reason=str(exc))) from None
        return self._notification(self.env._("Connection works"), message)

    def action_register_webhook(self):
        """Point the platform's push at this source's webhook where its API allows it."""
        self.ensure_one()
        try:
            message = self._get_adapter().register_webhook(self.sudo().webhook_url)
        except SourceError as exc:
            raise UserError(self.env._("Source “%(name)s”: the webhook could not be "
                                       "registered: %(reason)s", name=self.display_name,
                                       reason=str(exc))) from None
        return self._notification(self.env._("Webhook registered"), message)

    def action_open_import_wizard(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_import_wizard_action")
        action["context"] = {"default_source_id": self.id}
        return action

    def action_resume(self):
        self.sudo().write({"paused": False, "failure_count": 0, "next_run_at": False})
        return True

    @api.model
    def _notification(self, title, message, kind="success"):
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"title": title, "message": message, "type": kind, "sticky": False,
                           "next": {"type": "ir.actions.client", "tag": "soft_reload"}}}

    # -- webhooks per kind --------------------------------------------------------------------
    def _webhook_receive(self, body, headers=None, query=None, path_token=None):
        """Ingest one delivery for this source's kind.

        The ``webhook`` kind keeps the normalized format (its token is checked by the
        controller). Other kinds go through their adapter, which authenticates the sender
        (path token, secret header, signature or secret field, compared in constant time)
        and maps the payload. Raises AuthError, PayloadError (a ValueError: malformed or too
        large) or SourceError (the kind has no webhook). A delivery whose event id was
        already received is answered and ignored. Returns the ingest report plus ``reply``:
        the body the platform expects (VK: "ok"), or None for the JSON report.
        """
        self.ensure_one()
        if self.source_type == "webhook" and headers is None:
            return dict(super()._webhook_receive(body), reply=None)
        result = self._get_adapter(offline=True).parse_webhook(
            headers or {}, body, query or {}, path_token)
        report = {"mentions": self.env["social_crm.mention"], "created": 0, "updated": 0,
                  "errors": [], "reply": result.reply, "duplicate": False}
        if result.event_id and not self.env["social_crm.webhook.event"]._remember(
                self, result.event_id):
            report["duplicate"] = True
            return report
        if result.records:
            report.update(self._ingest(result.records))
        return report

    def _webhook_verify(self, query):
        """A subscription handshake by GET (Meta's hub.challenge): the text to answer."""
        self.ensure_one()
        adapter = self._get_adapter(offline=True)
        if not hasattr(adapter, "verify_subscription"):
            raise SourceError(f"source {self.id} ({self.source_type}) has no GET handshake; "
                              "deliveries are POSTed")
        return adapter.verify_subscription(query or {})

    # -- replies ------------------------------------------------------------------------------
    def _post_reply(self, mention, text):
        """Post ``text`` as a reply to ``mention`` on its platform.

        Returns {"external_id", "url"} of the posted reply; UserError with a readable reason
        when the platform refuses or the source's kind cannot reply.
        """
        self.ensure_one()
        mention.ensure_one()
        if not (text or "").strip():
            raise UserError(self.env._("The reply to “%(mention)s” is empty.",
                                       mention=mention.display_name))
        target = {"external_id": mention.external_id, "url": mention.url or "",
                  "parent_external_id": mention.parent_external_id or "",
                  "raw": mention.sudo().raw or {}}
        try:
            return self._get_adapter().post_reply(target, text)
        except (SourceError, AuthError) as exc:
            raise UserError(self.env._(
                "Source “%(name)s” could not post the reply to “%(mention)s”: %(reason)s",
                name=self.display_name, mention=mention.display_name,
                reason=str(exc))) from None
