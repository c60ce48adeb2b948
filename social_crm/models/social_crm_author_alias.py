"""The keys an author was known by before a merge or before being forgotten.

Only a one-way hash of (platform, external id) is kept, so a forgotten person's id cannot be
read back; the next import of an old mention finds the author it now belongs to instead of
re-creating the old one.
"""

from odoo import api, fields, models, tools

from ..tools import people


class SocialCrmAuthorAlias(models.Model):
    _name = "social_crm.author.alias"
    _description = "Social CRM Author Former Key"
    _log_access = False

    platform_id = fields.Many2one(
        "social_crm.platform", required=True, index=True, ondelete="cascade"
    )
    key_hash = fields.Char(string="Key hash", required=True, index=True, readonly=True)
    author_id = fields.Many2one(
        "social_crm.author", required=True, index=True, ondelete="cascade", readonly=True
    )

    _sql_constraints = [
        (
            "platform_key_unique",
            "unique(platform_id, key_hash)",
            "This former key already leads to an author.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        aliases = super().create(vals_list)
        self.env.registry.clear_cache()  # _any_alias() is True from now on, in every worker
        return aliases

    @api.model
    @tools.ormcache()
    def _any_alias(self):
        """Whether any author has a former key: until one has, an import need not look."""
        self.env.cr.execute("SELECT EXISTS(SELECT 1 FROM social_crm_author_alias)")
        return self.env.cr.fetchone()[0]

    @api.model
    def _hash(self, platform_id, external_id):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return people.key_hash(secret, platform_id, external_id)

    @api.model
    def _remember(self, author, external_id):
        """``author`` is from now on what (author's platform, ``external_id``) leads to."""
        key = self._hash(author.platform_id.id, external_id)
        existing = self.sudo().search(
            [("platform_id", "=", author.platform_id.id), ("key_hash", "=", key)]
        )
        if existing:
            existing.author_id = author
            return existing
        return self.sudo().create(
            {"platform_id": author.platform_id.id, "key_hash": key, "author_id": author.id}
        )

    @api.model
    def _resolve(self, records, platform_of):
        """``records`` (normalized MentionRecords) with the authors known under a former key
        rewritten to the author they lead to — and a forgotten author's records cleaned of
        the person's data (tools.people.forget_record). One query per batch, none while no
        author has a former key."""
        if not self._any_alias():
            return records
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        keyed = [
            (index, people.key_hash(secret, platform_of(rec).id, rec.author.external_id))
            for index, rec in enumerate(records)
            if rec.author
        ]
        if not keyed:
            return records
        self.flush_model()
        self.env["social_crm.author"].flush_model(["external_id", "name", "is_forgotten"])
        self.env.cr.execute(
            """
            SELECT al.key_hash, al.platform_id, a.external_id, a.name, a.is_forgotten
              FROM social_crm_author_alias al
              JOIN social_crm_author a ON a.id = al.author_id
             WHERE al.key_hash = ANY(%s)
        """,
            [list({key for _index, key in keyed})],
        )
        found = {(row[0], row[1]): row[2:] for row in self.env.cr.fetchall()}
        if not found:
            return records
        records = list(records)
        placeholder = self.env._("[removed]")
        for index, key in keyed:
            rec = records[index]
            target = found.get((key, platform_of(rec).id))
            if not target:
                continue
            external_id, name, forgotten = target
            if forgotten:
                records[index] = people.forget_record(rec, external_id, name, placeholder)
            else:
                rec.author.external_id = external_id
        return records
