from odoo import api, fields, models


def split_lines(text):
    """The non-empty lines of a one-per-line Text field."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# What the brand matching of the analysis reads (tools/stage_model.Featurizer).
_MATCHED_FIELDS = {"name", "aliases", "product_names", "is_competitor", "active", "company_id"}


class SocialCrmBrand(models.Model):
    _name = "social_crm.brand"
    _description = "Social CRM Brand"
    _order = "is_competitor, sequence, name"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_competitor = fields.Boolean(
        string="Competitor", help="A competitor's brand: mentions naming it are comparisons."
    )
    aliases = fields.Text(
        help="Other names of the brand, one per line. Word forms (Орбита, Орбиты, Орбитой) "
        "are recognised without listing them."
    )
    product_names = fields.Text(string="Products", help="Product names, one per line.")
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        help="Leave empty to share the brand between companies.",
    )
    color = fields.Integer()
    mention_count = fields.Integer(compute="_compute_mention_count")

    def _compute_mention_count(self):
        counts = dict(
            self.env["social_crm.mention"]._read_group(
                [("brand_ids", "in", self.ids)], ["brand_ids"], ["__count"]
            )
        )
        for brand in self:
            brand.mention_count = counts.get(brand, 0)

    # -- what the learnt stage model was fitted for ------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        brands = super().create(vals_list)
        self.env["social_crm.classifier"]._wake_fitting()
        return brands

    def write(self, vals):
        result = super().write(vals)
        if _MATCHED_FIELDS & set(vals):
            # the corrections are fitted again for the new brand configuration
            self.env["social_crm.classifier"]._wake_fitting()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["social_crm.classifier"]._wake_fitting()
        return result

    def _alias_list(self):
        self.ensure_one()
        names = [self.name] + split_lines(self.aliases)
        return list(dict.fromkeys(names))

    def _product_list(self):
        self.ensure_one()
        return split_lines(self.product_names)

    @api.model
    def _brand_specs(self, company=None):
        """The active brands as plain specs for the analysis tools."""
        from ..tools.pipeline import BrandSpec

        company = company or self.env.company
        brands = self.search([("company_id", "in", [False, company.id])])
        return [
            BrandSpec(
                name=b.name,
                aliases=b._alias_list(),
                products=b._product_list(),
                is_competitor=b.is_competitor,
            )
            for b in brands
        ]
