from odoo import api, fields, models

from ..tools.schema import normalize_platform


class SocialCrmPlatform(models.Model):
    _name = "social_crm.platform"
    _description = "Social CRM Platform"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True, index=True, help="Technical code sources use (vk, telegram, otzovik, …)."
    )
    kind = fields.Selection(
        [
            ("social", "Social network"),
            ("review", "Review site"),
            ("messenger", "Messenger"),
            ("media", "Media and forums"),
        ],
        required=True,
        default="social",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    reply_limit = fields.Integer(
        string="Reply length limit",
        help="Maximum number of characters of a reply on this platform (0 = no limit).",
    )
    rating_target = fields.Float(
        default=4.0, help="Average review rating the company aims for on this platform."
    )
    can_reply = fields.Boolean(
        string="Replies through the API",
        help="The platform's API lets a source post replies; otherwise replies are posted by hand.",
    )
    url_pattern = fields.Char(help="Domain of the platform, used to recognise it from a URL.")
    color = fields.Integer()
    mention_count = fields.Integer(compute="_compute_mention_count")

    _sql_constraints = [
        ("code_unique", "unique(code)", "A platform with this code already exists."),
    ]

    def _compute_mention_count(self):
        counts = dict(
            self.env["social_crm.mention"]._read_group(
                [("platform_id", "in", self.ids)], ["platform_id"], ["__count"]
            )
        )
        for platform in self:
            platform.mention_count = counts.get(platform, 0)

    @api.model
    def _get_or_create_by_codes(self, codes):
        """{code: platform} for the given codes; an unknown code becomes a new platform
        (a source naming a network we don't know yet is no reason to reject a mention)."""
        codes = {normalize_platform(code) for code in codes}
        found = self.with_context(active_test=False).search([("code", "in", list(codes))])
        by_code = {platform.code: platform for platform in found}
        missing = sorted(codes - set(by_code))
        if missing:
            created = self.sudo().create(
                [
                    {"code": code, "name": code.replace("_", " ").title(), "kind": "media"}
                    for code in missing
                ]
            )
            by_code.update({platform.code: platform for platform in created})
        return by_code
