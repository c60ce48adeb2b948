import logging
import threading

from odoo import SUPERUSER_ID, api, fields, models
from odoo.modules.registry import Registry

from ..tools import people

_logger = logging.getLogger(__name__)

# Default of the advocate flag's threshold (ir.config_parameter, set in Settings).
ADVOCATE_THRESHOLD_PARAM = "social_crm.advocate_threshold"
DEFAULT_ADVOCATE_THRESHOLD = 60
# Stored computed fields _precreate() writes in its insert: the handle and profile keys
# from the record, the advocate flag False (no mentions yet).
PRECREATE_COLUMNS = ("handle_key", "url_key", "is_advocate")
# The profile an import brings (and compares with the stored one).
PROFILE_FIELDS = ("name", "handle", "url", "followers")


class SocialCrmAuthor(models.Model):
    _name = "social_crm.author"
    _description = "Social CRM Author"
    _inherit = ["mail.thread"]
    _order = "last_seen desc, id desc"
    _rec_names_search = ["name", "handle", "external_id"]

    name = fields.Char(required=True, tracking=True)
    platform_id = fields.Many2one(
        "social_crm.platform", required=True, index=True, ondelete="restrict"
    )
    external_id = fields.Char(string="ID on the platform", required=True)
    handle = fields.Char(index="trigram")
    url = fields.Char(string="Profile")
    followers = fields.Integer(string="Audience", help="Followers or subscribers of the author.")
    partner_id = fields.Many2one(
        "res.partner", string="Contact", index="btree_not_null", tracking=True
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    mention_ids = fields.One2many("social_crm.mention", "author_id", string="Mentions")
    # Figures over the author's mentions, kept by _refresh_stats() (one statement for many
    # authors): an import refreshes them after it commits, so that concurrent imports
    # meeting the same person never wait for or fight over the author's row.
    mention_count = fields.Integer(readonly=True, default=0)
    negative_count = fields.Integer(string="Negative mentions", readonly=True, default=0)
    positive_count = fields.Integer(string="Positive mentions", readonly=True, default=0)
    recommendation_count = fields.Integer(
        string="Recommendations",
        readonly=True,
        default=0,
        help="Positive mentions that recommend the brand in words, or rate it 4 stars and more.",
    )
    first_seen = fields.Datetime(
        readonly=True, help="When the author's earliest mention was published."
    )
    last_seen = fields.Datetime(
        readonly=True, index=True, help="When the author's latest mention was published."
    )
    last_positive_at = fields.Datetime(string="Last positive mention", readonly=True)
    advocate_score = fields.Integer(
        readonly=True,
        default=0,
        aggregator="avg",
        help="0–100: positive mentions (40), recommendations (25), audience (20) and how "
        "recent the last positive mention is (15), times the share of positives among the "
        "author's positive and negative mentions. Recomputed daily.",
    )
    is_advocate = fields.Boolean(
        string="Advocate",
        compute="_compute_is_advocate",
        store=True,
        precompute=True,
        index=True,
        help="The advocate score reaches the threshold set in Settings.",
    )
    handle_key = fields.Char(
        compute="_compute_keys",
        store=True,
        precompute=True,
        index=True,
        help="The handle as compared across platforms.",
    )
    url_key = fields.Char(
        compute="_compute_keys",
        store=True,
        precompute=True,
        index=True,
        help="The profile URL as compared.",
    )
    is_forgotten = fields.Boolean(string="Forgotten", readonly=True, copy=False)
    forgotten_at = fields.Datetime(readonly=True, copy=False)
    forgotten_by_id = fields.Many2one("res.users", string="Forgotten by", readonly=True, copy=False)
    is_customer = fields.Boolean(
        help="Known customer: their how-to questions are support, not pre-purchase queries."
    )
    notes = fields.Text()

    _sql_constraints = [
        (
            "platform_external_unique",
            "unique(platform_id, external_id)",
            "This author already exists on this platform.",
        ),
    ]

    _STATS = (
        "mention_count",
        "negative_count",
        "positive_count",
        "recommendation_count",
        "first_seen",
        "last_seen",
        "last_positive_at",
        "advocate_score",
    )

    def _refresh_stats(self):
        """Counts, first / last seen (min / max publication of the author's mentions) and the
        advocate score from the mentions: one query to read them, one statement to store
        those that changed (the advocate flag follows the score)."""
        authors = self.browse([i for i in self.ids if isinstance(i, int)])
        if not authors:
            return
        # what is compared below and the profile an import may bring, not every column
        authors.fetch([*self._STATS, *PROFILE_FIELDS])
        stats = authors._mention_stats()
        now = fields.Datetime.now()
        rows = []
        for author in authors:
            row = stats.get(author.id) or {}
            days = (
                (now - row["last_positive"]).total_seconds() / 86400.0
                if row.get("last_positive")
                else 0.0
            )
            values = (
                row.get("total", 0),
                row.get("negative", 0),
                row.get("positive", 0),
                row.get("recommendations", 0),
                row.get("first") or author.first_seen or None,
                row.get("last") or author.last_seen or None,
                row.get("last_positive"),
                people.advocate_score(
                    row.get("positive", 0),
                    row.get("recommendations", 0),
                    row.get("negative", 0),
                    author.followers,
                    days,
                ),
            )
            current = tuple(
                author[f] or (0 if "count" in f or f == "advocate_score" else None)
                for f in self._STATS
            )
            if values != current:
                rows.append((author.id, *values))
        if not rows:
            return
        self.flush_model([*self._STATS, "is_advocate"])
        columns = list(zip(*rows, strict=True))
        # the advocate flag as _compute_is_advocate() sets it, in the same statement
        self.env.cr.execute(
            """
            UPDATE social_crm_author a
               SET mention_count = v.total, negative_count = v.negative,
                   positive_count = v.positive, recommendation_count = v.recommendations,
                   first_seen = v.first_seen, last_seen = v.last_seen,
                   last_positive_at = v.last_positive, advocate_score = v.score,
                   is_advocate = v.score > 0 AND v.score >= %s
              FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::int[],
                          %s::timestamp[], %s::timestamp[], %s::timestamp[], %s::int[])
                   AS v(id, total, negative, positive, recommendations, first_seen, last_seen,
                        last_positive, score)
             WHERE a.id = v.id
        """,
            [self._advocate_threshold(), *[list(c) for c in columns]],
        )
        changed = self.browse([row[0] for row in rows])
        changed.invalidate_recordset([*self._STATS, "is_advocate"])

    def _mention_stats(self):
        ids = [i for i in self.ids if isinstance(i, int)]
        if not ids:
            return {}
        self.env["social_crm.mention"].flush_model(
            ["author_id", "sentiment", "published_at", "rating", "text"]
        )
        self.env.cr.execute(
            """
            SELECT author_id, count(*),
                   count(*) FILTER (WHERE sentiment = 'negative'),
                   count(*) FILTER (WHERE sentiment = 'positive'),
                   count(*) FILTER (WHERE sentiment = 'positive'
                                      AND (coalesce(rating, 0) >= 4 OR text ~* %s)),
                   min(published_at), max(published_at),
                   max(published_at) FILTER (WHERE sentiment = 'positive')
              FROM social_crm_mention
             WHERE author_id = ANY(%s)
          GROUP BY author_id
        """,
            [people.RECOMMENDATION_PATTERN, ids],
        )
        keys = (
            "total",
            "negative",
            "positive",
            "recommendations",
            "first",
            "last",
            "last_positive",
        )
        return {row[0]: dict(zip(keys, row[1:], strict=True)) for row in self.env.cr.fetchall()}

    @api.depends("advocate_score")
    def _compute_is_advocate(self):
        threshold = self._advocate_threshold()
        for author in self:
            author.is_advocate = bool(author.advocate_score) and author.advocate_score >= threshold

    @api.model
    def _advocate_threshold(self):
        value = self.env["ir.config_parameter"].sudo().get_param(ADVOCATE_THRESHOLD_PARAM)
        try:
            return max(1, min(100, int(value))) if value else DEFAULT_ADVOCATE_THRESHOLD
        except ValueError:
            return DEFAULT_ADVOCATE_THRESHOLD

    @api.depends("handle", "url")
    def _compute_keys(self):
        for author in self:
            author.handle_key = people.handle_key(author.handle) or False
            author.url_key = people.url_key(author.url) or False

    @api.model
    def _cron_recompute_advocates(self):
        """The score fades with time since the last positive mention: recompute, daily, the
        authors who have one (and so a score that can change)."""
        authors = self.sudo().search([("last_positive_at", "!=", False)])
        authors._refresh_stats()
        return len(authors)

    def _apply_advocate_threshold(self):
        """Re-flag every scored author after the threshold changed in Settings."""
        authors = self.sudo().search([("advocate_score", ">", 0)]) | self.sudo().search(
            [("is_advocate", "=", True)]
        )
        self.env.add_to_compute(self._fields["is_advocate"], authors)
        authors.flush_recordset(["is_advocate"])

    @api.depends("name", "handle")
    def _compute_display_name(self):
        # Read the two columns alone: reading one of them by the record would fetch every
        # column of the author (a kanban of 280 cards shows 280 author names).
        stored = [author_id for author_id in self._ids if isinstance(author_id, int)]
        if stored:
            self.browse(stored).fetch(["name", "handle"])
        for author in self:
            handle = f" (@{author.handle.lstrip('@')})" if author.handle else ""
            author.display_name = f"{author.name or ''}{handle}"

    @api.model
    def _ids_by_key(self, keys):
        """{(platform id, external id): author id} of the authors that exist, one query."""
        keys = set(keys)
        if not keys:
            return {}
        self.flush_model(["platform_id", "external_id"])
        self.env.cr.execute(
            """
            SELECT a.platform_id, a.external_id, a.id FROM social_crm_author a
              JOIN unnest(%s::int[], %s::varchar[]) AS k(p, e)
                ON a.platform_id = k.p AND a.external_id = k.e
        """,
            [[k[0] for k in keys], [k[1] for k in keys]],
        )
        return {(pid, ext): author_id for pid, ext, author_id in self.env.cr.fetchall()}

    @api.model
    def _upsert(self, platform_records):
        """Find or create authors set-wise.

        ``platform_records``: list of (platform, AuthorRecord, seen_at). Returns
        ({(platform_id, external_id): author}, profiles): one search for the whole batch,
        one create for the new ones. Existing authors are not written here: ``profiles``
        ({author id: (values, seen)}) goes to _refresh_after_import() once the batch's
        mentions are stored.
        """
        if not platform_records:
            return {}, {}
        keys = {(platform.id, rec.external_id) for platform, rec, _seen in platform_records}
        # one index probe per key (a search on platform IN … AND external id IN … reads the
        # whole table once there are a few hundred thousand authors)
        existing = (
            self.sudo()
            .with_context(active_test=False)
            .browse(sorted(set(self._ids_by_key(keys).values())))
        )
        # the key and the profile compared below, not every column of every author
        existing.fetch(["platform_id", "external_id", *PROFILE_FIELDS])
        by_key = {
            (a.platform_id.id, a.external_id): a
            for a in existing
            if (a.platform_id.id, a.external_id) in keys
        }
        latest = {}
        for platform, rec, seen in platform_records:
            key = (platform.id, rec.external_id)
            prev = latest.get(key)
            if prev is None or (seen and (not prev[1] or seen >= prev[1])):
                latest[key] = (rec, seen)
        to_create, profiles = [], {}
        # first / last seen are the min / max publication of the mentions (_refresh_stats)
        for key, (rec, seen) in latest.items():
            author = by_key.get(key)
            values = {"name": rec.name, "handle": rec.handle or False, "url": rec.url or False}
            if rec.followers:
                values["followers"] = rec.followers
            if author:
                if any(v and author[k] != v for k, v in values.items()):
                    # applied once the batch is stored (_refresh_after_import)
                    profiles[author.id] = (values, seen)
            else:
                values.update(
                    platform_id=key[0],
                    external_id=key[1],
                    company_id=self.env.company.id,
                )
                to_create.append(values)
        if to_create:
            created = (
                self.sudo()
                .with_context(mail_create_nolog=True, tracking_disable=True)
                .create(to_create)
            )
            by_key.update({(a.platform_id.id, a.external_id): a for a in created})
            created._link_partners()
        return by_key, profiles

    @api.model
    def _precreate(self, company, records):
        """Create the authors ``records`` ({(platform id, external id): AuthorRecord}) in a
        short read-committed transaction of their own, committed at once; an author another
        delivery created meanwhile is left as it is. The caller retries its delivery in a new
        transaction, where they all exist."""
        if not records:
            return
        keys = sorted(records)
        with Registry(self.env.cr.dbname).cursor() as cr:
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            cr.execute(
                """
                INSERT INTO social_crm_author (platform_id, external_id, name, handle, url,
                                               followers, handle_key, url_key, is_advocate,
                                               company_id, create_uid, write_uid,
                                               create_date, write_date)
                     SELECT k.p, k.e, k.n, k.h, k.u, k.f, k.hk, k.uk, false, %s, %s, %s,
                            now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                       FROM unnest(%s::int[], %s::varchar[], %s::varchar[], %s::varchar[],
                                   %s::varchar[], %s::int[], %s::varchar[], %s::varchar[])
                            AS k(p, e, n, h, u, f, hk, uk)
                ON CONFLICT (platform_id, external_id) DO NOTHING
                  RETURNING id
            """,
                [
                    company.id,
                    self.env.uid,
                    self.env.uid,
                    [k[0] for k in keys],
                    [k[1] for k in keys],
                    [records[k].name for k in keys],
                    [records[k].handle or None for k in keys],
                    [records[k].url or None for k in keys],
                    [records[k].followers or 0 for k in keys],
                    [people.handle_key(records[k].handle) or None for k in keys],
                    [people.url_key(records[k].url) or None for k in keys],
                ],
            )
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            created = env["social_crm.author"].browse([row[0] for row in cr.fetchall()])
            # Any other stored field computed from what was inserted (new people: no
            # mentions yet); the keys and the advocate flag are in the insert already, so
            # the new rows are not written a second time.
            for name, field in created._fields.items():
                if field.store and field.compute and name not in PRECREATE_COLUMNS:
                    env.add_to_compute(field, created)
            created.flush_recordset()
            created._link_partners()

    def _refresh_after_import(self, profiles):
        """Bring the figures (counts, first / last seen) and profiles of the authors an
        import met up to date, once the import has committed: in a short transaction of its
        own (read committed, rows locked in id order), so that the import's transaction never
        writes an existing author's row — concurrent deliveries meeting the same people
        don't wait for each other or fail on that row. ``profiles``: {author id: (name,
        handle, url, followers values, publication of the mention they came with)}: a
        profile replaces the stored one when it came with the author's newest mention.

        Tests run in one transaction that never commits: there it happens at once."""
        if not self:
            return
        if self.env.registry.in_test_mode() or getattr(
            threading.current_thread(), "testing", False
        ):
            self.sudo()._apply_import(profiles)
            return
        dbname, ids = self.env.cr.dbname, self.ids

        @self.env.cr.postcommit.add
        def refresh():
            try:
                with Registry(dbname).cursor() as cr:
                    cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    cr.execute(
                        "SELECT id FROM social_crm_author WHERE id = ANY(%s) "
                        "ORDER BY id FOR NO KEY UPDATE",
                        [ids],
                    )
                    locked = [row[0] for row in cr.fetchall()]
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env["social_crm.author"].browse(locked)._apply_import(profiles)
            except Exception:
                _logger.exception("Figures of %s author(s) could not be refreshed", len(ids))

    def _apply_import(self, profiles):
        self._refresh_stats()
        for author in self:
            values, seen = profiles.get(author.id, ({}, None))
            if seen and author.last_seen and seen < author.last_seen:
                continue  # an older mention's profile never replaces a newer one
            changed = {k: v for k, v in values.items() if v and author[k] != v}
            if changed:
                author.write(changed)

    def write(self, vals):
        result = super().write(vals)
        if "followers" in vals:
            self._refresh_stats()  # the audience is part of the advocate score
        return result

    def _link_partners(self):
        """Link new authors to an existing contact with the same profile URL (website)
        or social handle; never creates contacts on its own."""
        self.fetch(["url", "partner_id"])
        with_url = self.filtered(lambda a: a.url and not a.partner_id)
        if not with_url:
            return
        partners = (
            self.env["res.partner"].sudo().search([("website", "in", with_url.mapped("url"))])
        )
        by_url = {p.website: p for p in partners}
        for author in with_url:
            partner = by_url.get(author.url)
            if partner:
                author.partner_id = partner

    def action_create_partner(self):
        for author in self.filtered(lambda a: not a.partner_id):
            author.partner_id = self.env["res.partner"].create(
                {
                    "name": author.name,
                    "website": author.url or False,
                    "comment": author.handle and f"@{author.handle.lstrip('@')}" or False,
                }
            )
        return True

    def action_view_mentions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_mention_action"
        )
        action["domain"] = [("author_id", "=", self.id)]
        action["context"] = {"default_author_id": self.id}
        return action
