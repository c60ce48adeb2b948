"""A mention as the start of a sale: *Create lead / opportunity* makes a ``crm.lead`` for
the author's contact, tagged with the platform (UTM source) and the «Social» medium and
given to the sales team of the mention's cell in the communication matrix.

Who may: a Social CRM user who may also create leads in CRM (*Sales / User*). A Social CRM
user without CRM rights gets a clear error and sees none of the sales fields: leads are
CRM's records, their access rules stay CRM's.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

SALES_GROUP = "sales_team.group_sale_salesman"
SOCIAL_MEDIUM_XMLID = "social_crm.utm_medium_social"


class SocialCrmMention(models.Model):
    _inherit = "social_crm.mention"  # pylint: disable=consider-merging-classes-inherited
    # a feature layer of the model in its own file (README, Architecture)

    lead_id = fields.Many2one(
        "crm.lead",
        string="Lead / opportunity",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        tracking=True,
        groups=SALES_GROUP,
        help="The lead or opportunity created from this mention.",
    )
    # The card's "Lead" badge: whether a lead exists, without reading the lead itself.
    has_lead = fields.Boolean(
        string="Lead created", compute="_compute_has_lead", groups=SALES_GROUP
    )
    partner_opportunity_ids = fields.Many2many(
        "crm.lead",
        string="The contact's open opportunities",
        compute="_compute_partner_opportunities",
        groups=SALES_GROUP,
        help="Opportunities of the author's contact that are neither won nor lost: "
        "how else can we help them?",
    )
    partner_opportunity_count = fields.Integer(
        string="Open opportunities",
        compute="_compute_partner_opportunities",
        groups=SALES_GROUP,
    )

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        # the card's "Lead" badge: its column comes with the cards, not in a query of its own
        if "has_lead" in field_names and "lead_id" not in field_names:
            field_names = [*field_names, "lead_id"]
        return super().search_fetch(domain, field_names, offset, limit, order)

    @api.depends("lead_id")
    def _compute_has_lead(self):
        # the one column, when the search did not bring it (reading it by the record would
        # fetch every column of the cards)
        missing = [m.id for m in self if isinstance(m.id, int) and "lead_id" not in m._cache]
        if missing:
            self.browse(missing).fetch(["lead_id"])
        for mention in self:
            mention.has_lead = bool(mention.lead_id)

    @api.depends("partner_id")
    @api.depends_context("uid")
    def _compute_partner_opportunities(self):
        Lead = self.env["crm.lead"]
        partners = self.partner_id.commercial_partner_id
        if not partners or not Lead.has_access("read"):
            self.partner_opportunity_ids = Lead
            self.partner_opportunity_count = 0
            return
        # the reader's own view of CRM: its record rules apply
        leads = Lead.search(
            [
                ("partner_id", "child_of", partners.ids),
                ("type", "=", "opportunity"),
                ("stage_id.is_won", "=", False),
            ],
            order="priority desc, id desc",
        )
        for mention in self:
            commercial = mention.partner_id.commercial_partner_id
            mine = (
                leads.filtered(
                    lambda lead, c=commercial: lead.partner_id.commercial_partner_id == c
                )
                if commercial
                else Lead
            )
            mention.partner_opportunity_ids = mine
            mention.partner_opportunity_count = len(mine)

    # ------------------------------------------------------------------ rights

    def _check_can_create_lead(self):
        """A Social CRM user who may change these mentions and create CRM leads."""
        user = self.env.user
        if not user.has_group("social_crm.group_user"):
            raise AccessError(
                self.env._(
                    "Only Social CRM users can create leads from mentions (%(user)s is not one).",
                    user=user.name,
                )
            )
        self.check_access("write")
        if not self.env["crm.lead"].has_access("create"):
            raise AccessError(
                self.env._(
                    "%(user)s may not create leads in CRM: ask an administrator for the "
                    "Sales / User access right.",
                    user=user.name,
                )
            )

    # ------------------------------------------------------------------ create a lead

    def action_create_lead(self):
        """Create the lead / opportunity of this mention and return an action opening it.

        A mention that already has one opens it.  When the author has no contact yet, the
        first call returns a confirmation that a contact will be created from the author;
        confirming it (``social_crm_confirm_contact`` in the context) creates both.
        """
        self.ensure_one()
        self._check_can_create_lead()
        if self.lead_id:
            return self.lead_id._social_crm_open_action()
        if (
            self.author_id
            and not self.partner_id
            and not self.env.context.get("social_crm_confirm_contact")
        ):
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Create a contact and a lead"),
                "res_model": "social_crm.lead.confirm",
                "view_mode": "form",
                "target": "new",
                "context": {"default_mention_id": self.id},
            }
        lead = self._create_lead()
        return lead._social_crm_open_action()

    def _create_lead(self):
        """The lead of this mention (rights already checked): its contact (created from the
        author when missing), description, UTM and sales team; linked both ways."""
        self.ensure_one()
        if self.author_id and not self.partner_id:
            self._create_contact_from_author()
        lead = self.env["crm.lead"].create(self._lead_values())
        self.write({"lead_id": lead.id})
        self.message_post(
            body=Markup("%s %s")
            % (self.env._("Lead created:"), lead._get_html_link(title=lead.display_name)),
            subtype_xmlid="mail.mt_note",
        )
        return lead

    def _create_contact_from_author(self):
        """The author's contact, created as the caller (contact creation is theirs to do)."""
        self.ensure_one()
        if not self.env["res.partner"].has_access("create"):
            raise AccessError(
                self.env._(
                    "%(user)s may not create contacts, so no contact can be made for "
                    "“%(author)s”: link the author to an existing contact first.",
                    user=self.env.user.name,
                    author=self.author_id.display_name,
                )
            )
        self.author_id.action_create_partner()
        self.invalidate_recordset(["partner_id"])
        if not self.partner_id:
            raise UserError(
                self.env._(
                    "No contact could be created for the author “%(author)s”.",
                    author=self.author_id.display_name,
                )
            )
        return self.partner_id

    def _lead_values(self):
        self.ensure_one()
        team = self._matrix_sales_team()
        values = {
            "name": self.env._(
                "%(platform)s: %(mention)s",
                platform=self.platform_id.display_name,
                mention=self.name or self.env._("mention"),
            ),
            "partner_id": self.partner_id.id or False,
            "description": self._lead_description(),
            "source_id": self._utm_source().id,
            "medium_id": self.env.ref(SOCIAL_MEDIUM_XMLID).id,
            "company_id": self.company_id.id,
        }
        if not self.partner_id and self.author_id:
            values["contact_name"] = self.author_id.name
        if team:
            values["team_id"] = team.id
            if self.env.user not in team.member_ids | team.user_id:
                # not the caller's team: its own assignment or leader takes the lead
                values["user_id"] = False
        return values

    def _lead_description(self):
        """The mention's text and link, and where it came from, as the lead's notes."""
        self.ensure_one()
        rows = [
            (self.env._("Platform"), self.platform_id.display_name),
            (self.env._("Author"), self.author_id.display_name),
            (self.env._("Published"), fields.Datetime.to_string(self.published_at) or ""),
            (self.env._("Consumer-cycle stage"), self.stage_id.display_name),
        ]
        body = Markup("<p>%s</p>") % self.env._("Started from a mention in Social CRM.")
        body += Markup("").join(
            Markup("<p><b>%s:</b> %s</p>") % (label, value) for label, value in rows if value
        )
        body += Markup('<div class="border-start border-3 ps-2">%s</div>') % Markup("<br/>").join(
            (self.title and [self.title] or []) + (self.text or "").splitlines()
        )
        if self.url:
            body += Markup('<p><a href="%s" target="_blank" rel="noopener">%s</a></p>') % (
                self.url,
                self.url,
            )
        return body

    def _utm_source(self):
        """The UTM source named after the platform (its English name, so one source per
        platform whatever the reader's language), created once."""
        self.ensure_one()
        name = self.platform_id.with_context(lang="en_US").name or self.platform_id.code
        return self.env["utm.mixin"].sudo()._find_or_create_record("utm.source", name)

    def _matrix_sales_team(self):
        """The sales team of the mention's cell in the communication matrix, if any."""
        self.ensure_one()
        return self.env["social_crm.matrix"].sudo()._row_for(self).crm_team_id.sudo(False)

    def action_open_lead(self):
        self.ensure_one()
        if not self.lead_id:
            raise UserError(
                self.env._("The mention “%(mention)s” has no lead.", mention=self.display_name)
            )
        return self.lead_id._social_crm_open_action()

    def action_view_partner_opportunities(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_opportunities")
        action["domain"] = [("id", "in", self.partner_opportunity_ids.ids)]
        action["context"] = {
            "default_partner_id": self.partner_id.id,
            "default_type": "opportunity",
        }
        return action
