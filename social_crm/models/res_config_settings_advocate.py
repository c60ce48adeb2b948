"""Settings: the advocate score from which an author is flagged a brand advocate."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .social_crm_author import ADVOCATE_THRESHOLD_PARAM, DEFAULT_ADVOCATE_THRESHOLD


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    social_crm_advocate_threshold = fields.Integer(
        string="Advocate threshold",
        config_parameter=ADVOCATE_THRESHOLD_PARAM,
        default=DEFAULT_ADVOCATE_THRESHOLD,
        help="Authors whose advocate score (0–100) reaches this are flagged brand advocates.",
    )

    @api.constrains("social_crm_advocate_threshold")
    def _check_social_crm_advocate_threshold(self):
        for settings in self:
            if not 1 <= settings.social_crm_advocate_threshold <= 100:
                raise ValidationError(
                    self.env._(
                        "The advocate threshold must be between 1 and 100, not %(value)s.",
                        value=settings.social_crm_advocate_threshold,
                    )
                )

    def set_values(self):
        before = self.env["social_crm.author"]._advocate_threshold()
        result = super().set_values()
        if self.env["social_crm.author"]._advocate_threshold() != before:
            self.env["social_crm.author"]._apply_advocate_threshold()
        return result
