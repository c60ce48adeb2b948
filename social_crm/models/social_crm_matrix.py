"""The communication matrix: consumer-cycle stage × platform → the default reply
template, the tone of voice, the responsible team and the sales team of leads.

One matrix shortens the response time: whoever picks a mention sees its template, tone and
team at once, and new staff need less training.  A row without a platform holds for every platform of its stage;
a row for a platform overrides it.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SocialCrmMatrix(models.Model):
    _name = "social_crm.matrix"
    _description = "Social CRM Communication Matrix Row"
    _order = "stage_id, platform_id, id"
    _rec_name = "stage_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    stage_id = fields.Many2one("social_crm.stage", required=True, index=True, ondelete="cascade")
    platform_id = fields.Many2one(
        "social_crm.platform", index=True, ondelete="cascade", help="Empty = every platform."
    )
    template_id = fields.Many2one(
        "social_crm.reply.template",
        string="Reply template",
        ondelete="set null",
        domain="[('stage_id', 'in', [False, stage_id]), ('company_id', 'in', [False, company_id])]",
    )
    tone_id = fields.Many2one(
        "social_crm.tone",
        string="Tone of voice",
        ondelete="set null",
        domain="[('company_id', 'in', [False, company_id])]",
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Responsible team",
        domain=[("share", "=", False)],
        help="New mentions of this stage and platform are assigned "
        "to the team member with the fewest open mentions.",
    )
    crm_team_id = fields.Many2one(
        "crm.team",
        string="Sales team",
        ondelete="set null",
        domain="[('company_id', 'in', [False, company_id])]",
        help="Leads created from mentions of this stage and platform go to this sales team.",
    )
    note = fields.Char(
        string="Guideline",
        translate=True,
        help="A one-line reminder for agents (what to stress, whom to involve).",
    )

    @api.constrains("company_id", "stage_id", "platform_id")
    def _check_unique_cell(self):
        for row in self:
            clash = self.search_count(
                [
                    ("id", "!=", row.id),
                    ("company_id", "=", row.company_id.id),
                    ("stage_id", "=", row.stage_id.id),
                    ("platform_id", "=", row.platform_id.id or False),
                ]
            )
            if clash:
                raise ValidationError(
                    self.env._(
                        "The communication matrix already has a row for %(stage)s × %(platform)s.",
                        stage=row.stage_id.display_name,
                        platform=row.platform_id.display_name or self.env._("every platform"),
                    )
                )

    def _compute_display_name(self):
        for row in self:
            platform = row.platform_id.display_name or self.env._("every platform")
            row.display_name = f"{row.stage_id.display_name} × {platform}"

    @api.model
    def _rows_for(self, mentions):
        """{mention id: matrix row (maybe empty)} in two queries for any number of mentions."""
        result = {mention.id: self.browse() for mention in mentions}
        stages = mentions.stage_id
        if not stages:
            return result
        rows = self.search(
            [("company_id", "in", mentions.company_id.ids), ("stage_id", "in", stages.ids)]
        )
        by_cell = {(r.company_id.id, r.stage_id.id, r.platform_id.id): r for r in rows}
        for mention in mentions:
            base = (mention.company_id.id, mention.stage_id.id)
            result[mention.id] = (
                by_cell.get(base + (mention.platform_id.id,))
                or by_cell.get(base + (False,))
                or self.browse()
            )
        return result

    @api.model
    def _row_for(self, mention):
        mention.ensure_one()
        if not mention.id:
            return self.browse()
        return self._rows_for(mention)[mention.id]

    @api.model
    def action_fill_grid(self):
        """Add the missing rows — per stage one for every platform and one per active
        platform — so the whole matrix is edited in one list grouped by stage."""
        company = self.env.company
        stages = self.env["social_crm.stage"].search([])
        platforms = self.env["social_crm.platform"].search([])
        existing = {
            (r.stage_id.id, r.platform_id.id)
            for r in self.search([("company_id", "=", company.id)])
        }
        vals_list = []
        for stage in stages:
            for platform_id in [False] + platforms.ids:
                if (stage.id, platform_id) not in existing:
                    vals_list.append(
                        {"company_id": company.id, "stage_id": stage.id, "platform_id": platform_id}
                    )
        if vals_list:
            self.create(vals_list)
        return {"type": "ir.actions.client", "tag": "reload"}
