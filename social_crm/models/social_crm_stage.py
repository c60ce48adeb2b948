from odoo import api, fields, models

STAGE_CODES = [
    ("general", "General query"),
    ("competitor", "Competitor query"),
    ("product", "Product query"),
    ("first_review", "First review"),
    ("negative", "Negative"),
    ("support", "Support"),
    ("churn", "Churn"),
    ("awkward", "Awkward question"),
]


class SocialCrmStage(models.Model):
    _name = "social_crm.stage"
    _description = "Social CRM Consumer-Cycle Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(STAGE_CODES, help="What the stage means to the classifier.")
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(string="Folded in Kanban")
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True, help="What belongs in this stage.")
    playbook = fields.Text(translate=True, help="How staff handle a mention of this stage.")
    sla_minutes = fields.Integer(
        string="First response (minutes)",
        help="Time to the first response for mentions of this stage; 0 = the default policy.",
    )
    color = fields.Integer()
    expert_id = fields.Many2one(
        "res.users",
        string="Default expert",
        domain=[("share", "=", False)],
        help="Who answers this stage's questions the knowledge base has no answer for, "
        "unless the agent picks someone else.",
    )

    _sql_constraints = [
        ("code_unique", "unique(code)", "Each consumer-cycle code belongs to one stage only."),
    ]

    @api.model
    def _learned_model(self, company):
        """The stage model learnt from staff corrections, when there is one."""
        return self.env["social_crm.classifier"]._get_model(company, "stage")
