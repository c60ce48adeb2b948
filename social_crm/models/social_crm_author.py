from odoo import api, fields, models


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
    mention_count = fields.Integer(compute="_compute_counts", store=True)
    negative_count = fields.Integer(
        string="Negative mentions", compute="_compute_counts", store=True
    )
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

    @api.depends("mention_ids", "mention_ids.sentiment")
    def _compute_counts(self):
        groups = self.env["social_crm.mention"]._read_group(
            [("author_id", "in", self.ids)], ["author_id", "sentiment"], ["__count"]
        )
        totals, negatives = {}, {}
        for author, sentiment, count in groups:
            totals[author] = totals.get(author, 0) + count
            if sentiment == "negative":
                negatives[author] = negatives.get(author, 0) + count
        for author in self:
            author.mention_count = totals.get(author, 0)
            author.negative_count = negatives.get(author, 0)

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
        """Create or update authors set-wise.

        ``platform_records``: list of (platform, AuthorRecord, seen_at). Returns
        {(platform_id, external_id): author}. One search for the whole batch, one create
        for the new ones; existing authors are updated only where a value changed.
        """
        if not platform_records:
            return {}
        keys = {(platform.id, rec.external_id) for platform, rec, _seen in platform_records}
        # one index probe per key (a search on platform IN … AND external id IN … reads the
        # whole table once there are a few hundred thousand authors)
        existing = (
            self.sudo()
            .with_context(active_test=False)
            .browse(sorted(set(self._ids_by_key(keys).values())))
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
        to_create = []
        for key, (rec, seen) in latest.items():
            author = by_key.get(key)
            earliest = first.get(key)
            values = {"name": rec.name, "handle": rec.handle or False, "url": rec.url or False}
            if rec.followers:
                values["followers"] = rec.followers
            if author:
                changed = {k: v for k, v in values.items() if v and author[k] != v}
                if seen and (not author.last_seen or seen > author.last_seen):
                    changed["last_seen"] = seen
                if earliest and (not author.first_seen or earliest < author.first_seen):
                    changed["first_seen"] = earliest  # an older post imported later
                if changed:
                    author.write(changed)
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
        return by_key

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
