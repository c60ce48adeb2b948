from odoo import fields, models


class SocialCrmAuthor(models.Model):
    _inherit = "social_crm.author"  # pylint: disable=consider-merging-classes-inherited
    # a feature layer of the model in its own file (README, Architecture)

    is_vip = fields.Boolean(
        string="VIP",
        help="A key customer, partner or public figure: their posts get a higher priority.",
    )
