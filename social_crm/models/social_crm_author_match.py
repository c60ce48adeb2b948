"""Suggested identities of one person: an author and another author, or an author and a
contact, that look like the same person — never by name alone, never linked without an agent.

Evidence that counts: the same handle (on any platform), the same profile URL, and a phone
number or e-mail address the author wrote in a mention or in their profile that a contact
carries. The agent confirms (both identities linked to one contact) or dismisses (the pair is
not suggested again).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import people

REASONS = [
    ("handle", "Same handle"),
    ("url", "Same profile URL"),
    ("phone", "Phone number"),
    ("email", "E-mail address"),
]


class SocialCrmAuthorMatch(models.Model):
    _name = "social_crm.author.match"
    _description = "Social CRM Identity Suggestion"
    _order = "state, id desc"

    author_id = fields.Many2one(
        "social_crm.author", required=True, index=True, ondelete="cascade", readonly=True
    )
    other_author_id = fields.Many2one(
        "social_crm.author",
        string="Other identity",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        help="The contact that carries the phone number or e-mail address the author wrote.",
    )
    reason = fields.Selection(REASONS, required=True, readonly=True)
    evidence = fields.Char(readonly=True, help="What the two have in common.")
    state = fields.Selection(
        [("suggested", "Suggested"), ("confirmed", "Confirmed"), ("dismissed", "Dismissed")],
        default="suggested",
        required=True,
        index=True,
        readonly=True,
    )
    same_platform = fields.Boolean(
        compute="_compute_same_platform",
        help="Both identities are on one platform: the same account imported twice, to merge.",
    )
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    decided_at = fields.Datetime(string="Decided on", readonly=True)
    company_id = fields.Many2one(related="author_id.company_id", store=True, index=True)

    def init(self):
        # one suggestion per pair, whatever the state: a dismissed pair is not suggested again
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS social_crm_author_match_pair_unique
                   ON social_crm_author_match
                      (author_id, coalesce(other_author_id, 0), coalesce(partner_id, 0))"""
        )

    @api.depends("author_id.platform_id", "other_author_id.platform_id")
    def _compute_same_platform(self):
        for match in self:
            match.same_platform = bool(
                match.other_author_id
                and match.other_author_id.platform_id == match.author_id.platform_id
            )

    def _compute_display_name(self):
        for match in self:
            other = match.other_author_id or match.partner_id
            match.display_name = f"{match.author_id.display_name} ↔ {other.display_name or ''}"

    # -- finding ----------------------------------------------------------------------------
    @api.model
    def _suggest_for(self, authors):
        """Look for other identities of ``authors`` and store the new suggestions; returns
        them. Pairs already suggested, confirmed or dismissed are left alone, and so are
        identities already on one contact."""
        authors = authors.sudo().filtered(lambda a: not a.is_forgotten)
        if not authors:
            return self.browse()
        candidates = []
        candidates += self._pairs_by_key(authors, "handle_key", "handle")
        candidates += self._pairs_by_key(authors, "url_key", "url")
        candidates += self._pairs_by_contact_details(authors)
        return self._store(candidates)

    @api.model
    def _pairs_by_key(self, authors, key_field, reason):
        keys = {k for k in authors.mapped(key_field) if k}
        if not keys:
            return []
        Author = self.env["social_crm.author"].sudo()
        same = Author.search(
            [(key_field, "in", list(keys)), ("is_forgotten", "=", False)], order="id"
        )
        by_key = {}
        for author in same:
            by_key.setdefault(author[key_field], Author)
            by_key[author[key_field]] |= author
        pairs = []
        for author in authors:
            for other in by_key.get(author[key_field], Author) - author:
                pairs.append((author, other, False, reason, author[key_field]))
        return pairs

    @api.model
    def _pairs_by_contact_details(self, authors):
        """Authors ↔ contacts: a phone or e-mail written in the author's mentions or profile
        (handle, profile URL, notes) that a contact carries. Two queries for the set."""
        mentions = (
            self.env["social_crm.mention"]
            .sudo()
            .with_context(active_test=False)
            .search_read([("author_id", "in", authors.ids)], ["author_id", "text", "title"])
        )
        texts = {author.id: [author.notes or "", author.url or ""] for author in authors}
        for row in mentions:
            texts[row["author_id"][0]] += [row["text"] or "", row["title"] or ""]
        emails, phones = {}, {}
        for author_id, parts in texts.items():
            blob = "\n".join(parts)
            for email in people.emails_in(blob):
                emails.setdefault(email, set()).add(author_id)
            for phone in people.phones_in(blob):
                phones.setdefault(phone, set()).add(author_id)
        if not emails and not phones:
            return []
        self.env["res.partner"].flush_model(["email", "phone", "mobile", "active"])
        self.env.cr.execute(
            """
            SELECT id, lower(email),
                   right(regexp_replace(coalesce(phone, ''), '\\D', '', 'g'), 10),
                   right(regexp_replace(coalesce(mobile, ''), '\\D', '', 'g'), 10)
              FROM res_partner
             WHERE active
               AND (lower(email) = ANY(%s)
                    OR right(regexp_replace(coalesce(phone, ''), '\\D', '', 'g'), 10) = ANY(%s)
                    OR right(regexp_replace(coalesce(mobile, ''), '\\D', '', 'g'), 10) = ANY(%s))
        """,
            [list(emails), list(phones), list(phones)],
        )
        Partner = self.env["res.partner"].sudo()
        Author = self.env["social_crm.author"].sudo()
        pairs = []
        for partner_id, email, phone, mobile in self.env.cr.fetchall():
            partner = Partner.browse(partner_id)
            for author_id in emails.get(email, ()):
                pairs.append((Author.browse(author_id), False, partner, "email", email))
            for number in {phone, mobile} - {""}:
                for author_id in phones.get(number, ()):
                    pairs.append((Author.browse(author_id), False, partner, "phone", number))
        return pairs

    @api.model
    def _store(self, candidates):
        """Create the suggestions among ``candidates`` (author, other author, contact, reason,
        evidence) that are new and not yet true."""
        if not candidates:
            return self.browse()
        seen = set()
        existing = self.sudo().search(
            [
                "|",
                ("author_id", "in", [c[0].id for c in candidates]),
                ("other_author_id", "in", [c[0].id for c in candidates]),
            ]
        )
        for match in existing:
            seen.add((match.author_id.id, match.other_author_id.id, match.partner_id.id))
            if match.other_author_id:  # a pair either way round
                seen.add((match.other_author_id.id, match.author_id.id, 0))
        vals_list = []
        for author, other, partner, reason, evidence in candidates:
            if other and other.id < author.id:
                author, other = other, author
            key = (author.id, other.id if other else 0, partner.id if partner else 0)
            if key in seen:
                continue
            seen.add(key)
            if other and author.partner_id and author.partner_id == other.partner_id:
                continue  # already one person
            if partner and author.partner_id == partner:
                continue
            vals_list.append(
                {
                    "author_id": author.id,
                    "other_author_id": other.id if other else False,
                    "partner_id": partner.id if partner else False,
                    "reason": reason,
                    "evidence": evidence,
                }
            )
        return self.sudo().create(vals_list) if vals_list else self.browse()

    @api.model
    def _cron_suggest_identities(self, days=2):
        """Look for the identities of the authors added or changed lately."""
        since = fields.Datetime.subtract(fields.Datetime.now(), days=days)
        authors = self.env["social_crm.author"].sudo().search([("write_date", ">=", since)])
        return len(self._suggest_for(authors))

    # -- deciding ---------------------------------------------------------------------------
    def _check_decide(self):
        for match in self:
            if match.state != "suggested":
                raise UserError(
                    self.env._(
                        "The suggestion “%(name)s” is already %(state)s.",
                        name=match.display_name,
                        state=dict(match._fields["state"]._description_selection(self.env))[
                            match.state
                        ],
                    )
                )
        authors = self.author_id | self.other_author_id
        authors._check_people_rights()
        self.check_access("write")

    def action_confirm(self):
        """One click: both identities on one contact — the suggested contact, the contact
        one of them already has, or a new contact made from the author."""
        self._check_decide()
        for match in self.sudo():
            authors = match.author_id | match.other_author_id
            partners = match.partner_id | authors.partner_id
            if len(partners) > 1:
                raise UserError(
                    self.env._(
                        "“%(name)s”: the identities are already linked to different contacts "
                        "(%(contacts)s); merge the contacts first (Contacts → Action → Merge).",
                        name=match.display_name,
                        contacts=", ".join(partners.mapped("display_name")),
                    )
                )
            if not partners:
                main = authors.sorted(lambda a: (-a.mention_count, a.id))[:1]
                main.action_create_partner()
                partners = main.partner_id
            authors.filtered(lambda a, p=partners: a.partner_id != p).write(
                {"partner_id": partners.id}
            )
            match.write(
                {
                    "state": "confirmed",
                    "decided_by_id": self.env.uid,
                    "decided_at": fields.Datetime.now(),
                }
            )
            for author in authors:
                author.message_post(
                    body=self.env._(
                        "%(user)s confirmed “%(name)s” (%(reason)s: %(evidence)s): linked to "
                        "the contact %(contact)s.",
                        user=self.env.user.name,
                        name=match.display_name,
                        reason=dict(match._fields["reason"]._description_selection(self.env))[
                            match.reason
                        ],
                        evidence=match.evidence or "",
                        contact=partners.display_name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return True

    def action_dismiss(self):
        """Not the same person: the pair is kept as dismissed and not suggested again."""
        self._check_decide()
        self.sudo().write(
            {
                "state": "dismissed",
                "decided_by_id": self.env.uid,
                "decided_at": fields.Datetime.now(),
            }
        )
        return True

    def action_merge(self):
        """The same account imported twice on one platform: merge the two authors."""
        self.ensure_one()
        if not self.same_platform:
            raise UserError(
                self.env._(
                    "“%(name)s”: only two authors of the same platform can be merged.",
                    name=self.display_name,
                )
            )
        self._check_decide()
        dest = self.author_id
        # the merge removes the other author, and with it this suggestion; the merge is logged
        dest._merge_from(self.other_author_id)
        return {
            "type": "ir.actions.act_window",
            "res_model": "social_crm.author",
            "res_id": dest.id,
            "view_mode": "form",
        }
