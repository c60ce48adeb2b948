import logging
import threading

from odoo import SUPERUSER_ID, api, fields, models
from odoo.modules.registry import Registry

_logger = logging.getLogger(__name__)


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
    first_seen = fields.Datetime(readonly=True)
    last_seen = fields.Datetime(readonly=True, index=True)
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

    _STATS = ("mention_count", "negative_count", "first_seen", "last_seen")

    def _refresh_stats(self):
        """Mention and negative counts, first and last seen (min / max publication of the
        author's mentions) from the mentions, in one statement; rows whose figures did not
        change are not written."""
        ids = [i for i in self.ids if i]
        if not ids:
            return
        self.env["social_crm.mention"].flush_model(["author_id", "sentiment", "published_at"])
        self.flush_model(self._STATS)
        self.env.cr.execute(
            """
            UPDATE social_crm_author a
               SET mention_count = s.total, negative_count = s.negative,
                   first_seen = coalesce(s.first_seen, a.first_seen),
                   last_seen = coalesce(s.last_seen, a.last_seen)
              FROM (SELECT a2.id, count(m.id) AS total,
                           count(m.id) FILTER (WHERE m.sentiment = 'negative') AS negative,
                           min(m.published_at) AS first_seen, max(m.published_at) AS last_seen
                      FROM social_crm_author a2
                      LEFT JOIN social_crm_mention m ON m.author_id = a2.id
                     WHERE a2.id = ANY(%s)
                     GROUP BY a2.id) s
             WHERE a.id = s.id
               AND (a.mention_count, a.negative_count, a.first_seen, a.last_seen)
                   IS DISTINCT FROM (s.total, s.negative,
                                     coalesce(s.first_seen, a.first_seen),
                                     coalesce(s.last_seen, a.last_seen))
        """,
            [ids],
        )
        self.invalidate_recordset(self._STATS)

    def _compute_display_name(self):
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
        platform_ids = list({pid for pid, _ext in keys})
        existing = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("platform_id", "in", platform_ids),
                    ("external_id", "in", list({ext for _pid, ext in keys})),
                ]
            )
        )
        by_key = {
            (a.platform_id.id, a.external_id): a
            for a in existing
            if (a.platform_id.id, a.external_id) in keys
        }
        latest, first = {}, {}
        for platform, rec, seen in platform_records:
            key = (platform.id, rec.external_id)
            prev = latest.get(key)
            if prev is None or (seen and (not prev[1] or seen >= prev[1])):
                latest[key] = (rec, seen)
            if seen and (key not in first or not first[key] or seen < first[key]):
                first[key] = seen
        to_create, profiles = [], {}
        for key, (rec, seen) in latest.items():
            author = by_key.get(key)
            earliest = first.get(key)
            values = {"name": rec.name, "handle": rec.handle or False, "url": rec.url or False}
            if rec.followers:
                values["followers"] = rec.followers
            if author:
                if any(v and author[k] != v for k, v in values.items()):
                    # applied once the batch is stored (_refresh_after_import)
                    profiles[author.id] = (values, seen)
            else:
                now = fields.Datetime.now()
                values.update(
                    platform_id=key[0],
                    external_id=key[1],
                    first_seen=earliest or seen or now,
                    last_seen=seen or now,
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

    def _link_partners(self):
        """Link new authors to an existing contact with the same profile URL (website)
        or social handle; never creates contacts on its own."""
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
