"""A lead that started from mentions: the link back to them and the figures of the
*Leads from mentions* report (platform, consumer-cycle stage, won revenue)."""

from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    social_crm_mention_ids = fields.One2many(
        "social_crm.mention",
        "lead_id",
        string="Mentions",
        groups="social_crm.group_user",
        help="The Social CRM mentions this lead started from.",
    )
    social_crm_mention_count = fields.Integer(
        string="Mentions count",
        compute="_compute_social_crm_mention_count",
        groups="social_crm.group_user",
    )
    # Stored, so the report groups and sums in SQL: the platform and the consumer-cycle
    # stage of the first mention the lead started from.
    social_crm_platform_id = fields.Many2one(
        "social_crm.platform",
        string="Mention platform",
        compute="_compute_social_crm_origin",
        store=True,
        index="btree_not_null",
        help="The platform of the mention this lead started from.",
    )
    social_crm_stage_id = fields.Many2one(
        "social_crm.stage",
        string="Consumer-cycle stage",
        compute="_compute_social_crm_origin",
        store=True,
        help="The consumer-cycle stage of the mention this lead started from.",
    )
    social_crm_won_revenue = fields.Monetary(
        string="Won revenue",
        currency_field="company_currency",
        compute="_compute_social_crm_won_revenue",
        store=True,
        aggregator="sum",
        help="The expected revenue of a won lead; zero while it is open or once lost.",
    )

    def _compute_social_crm_mention_count(self):
        counts = dict(
            self.env["social_crm.mention"]
            .sudo()
            ._read_group([("lead_id", "in", self.ids)], ["lead_id"], ["__count"])
        )
        for lead in self:
            lead.social_crm_mention_count = counts.get(lead, 0)

    @api.depends(
        "social_crm_mention_ids",
        "social_crm_mention_ids.platform_id",
        "social_crm_mention_ids.stage_id",
    )
    def _compute_social_crm_origin(self):
        for lead in self:
            first = lead.social_crm_mention_ids.sorted("id")[:1]
            lead.social_crm_platform_id = first.platform_id
            lead.social_crm_stage_id = first.stage_id

    @api.depends("expected_revenue", "stage_id.is_won", "active")
    def _compute_social_crm_won_revenue(self):
        for lead in self:
            won = lead.active and lead.stage_id.is_won
            lead.social_crm_won_revenue = lead.expected_revenue if won else 0.0

    def _social_crm_open_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": "crm.lead",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_view_social_crm_mentions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_crm.social_crm_mention_action"
        )
        mentions = self.social_crm_mention_ids
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {}
        if len(mentions) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=mentions.id)
        else:
            action["view_mode"] = "list,kanban,form"
            action["views"] = [(False, "list"), (False, "kanban"), (False, "form")]
        return action

    @api.model
    @api.model
    def _social_crm_counts_by(self, field, ids):
        """{id: number of leads the reader may see} started from mentions whose ``field``
        (``author_id``, ``partner_id``) is one of ``ids``; empty without CRM rights."""
        Lead = self.with_context(active_test=False)
        if not ids or not Lead.has_access("read"):
            return {}
        # the reader's own view of CRM (its record rules), grouped per value in SQL
        groups = (
            self.env["social_crm.mention"]
            .sudo()
            ._read_group([(field, "in", ids), ("lead_id", "!=", False)], [field, "lead_id"])
        )
        visible = set(Lead.search([("id", "in", [lead.id for _r, lead in groups])]).ids)
        counts = {}
        for record, lead in groups:
            if lead.id in visible:
                counts[record.id] = counts.get(record.id, 0) + 1
        return counts

    def _social_crm_leads_action(self, domain):
        """Leads and opportunities (won, open and lost) matching ``domain``."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Leads from mentions"),
            "res_model": "crm.lead",
            "domain": domain,
            "context": {"active_test": False},
            "view_mode": "list,kanban,form",
            "views": [(False, "list"), (False, "kanban"), (False, "form")],
        }
