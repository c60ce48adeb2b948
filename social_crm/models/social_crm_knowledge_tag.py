from odoo import fields, models


class SocialCrmKnowledgeTag(models.Model):
    _name = "social_crm.knowledge.tag"
    _description = "Social CRM Knowledge Tag"
    _order = "name"

    name = fields.Char(required=True)
    color = fields.Integer()

    _sql_constraints = [
        ("name_unique", "unique(name)", "A knowledge tag with this name already exists."),
    ]
