"""A request to a review site's administrators to take down a review the agent believes false.

Who was contacted, when, why, and what came of it; every step is logged in the review's
chatter. A review taken down no longer counts in the review ratings (the site dropped it).
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from .social_crm_mention_quality import REMOVAL_STATES


class SocialCrmRemovalRequest(models.Model):
    _name = "social_crm.removal.request"
    _description = "Social CRM Review Removal Request"
    _order = "requested_on desc, id desc"
    _rec_name = "mention_id"

    mention_id = fields.Many2one(
        "social_crm.mention", string="Review", required=True, index=True, ondelete="cascade"
    )
    platform_id = fields.Many2one(related="mention_id.platform_id", store=True)
    company_id = fields.Many2one(related="mention_id.company_id", store=True, index=True)
    contacted = fields.Char(
        required=True,
        help="Whom the request went to: the site's moderators, support address, form, manager.",
    )
    requested_on = fields.Datetime(
        string="Requested on", required=True, default=fields.Datetime.now
    )
    user_id = fields.Many2one(
        "res.users", string="Requested by", default=lambda self: self.env.user, readonly=True
    )
    reason = fields.Text(
        required=True, help="Why the review is believed false (e.g. no such order, a competitor)."
    )
    state = fields.Selection(REMOVAL_STATES, default="requested", required=True, readonly=True)
    decided_on = fields.Datetime(string="Answer received", readonly=True)
    outcome = fields.Text(help="What the site answered.")

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        requests.mention_id.check_access("write")  # asking about a review is working on it
        for request in requests:
            if request.mention_id.platform_kind != "review":
                raise UserError(
                    self.env._(
                        "“%(mention)s” is not a review: only reviews on review sites can be "
                        "reported to the site for removal.",
                        mention=request.mention_id.display_name,
                    )
                )
            request.mention_id.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (
                    self.env._(
                        "Removal requested from %(contacted)s on %(date)s.",
                        contacted=request.contacted,
                        date=fields.Datetime.to_string(request.requested_on),
                    ),
                    request.reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return requests

    def action_mark_removed(self):
        return self._decide("removed")

    def action_mark_refused(self):
        return self._decide("refused")

    def _decide(self, state):
        self.check_access("write")
        for request in self:
            if request.state != "requested":
                raise UserError(
                    self.env._(
                        "The removal request for “%(mention)s” is already decided.",
                        mention=request.mention_id.display_name,
                    )
                )
        self.write({"state": state, "decided_on": fields.Datetime.now()})
        label = dict(self._fields["state"]._description_selection(self.env))[state]
        for request in self:
            mention = request.mention_id
            mention.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Removal request to %(contacted)s: %(outcome)s.",
                    contacted=request.contacted,
                    outcome=label,
                )
                + (Markup("<p>%s</p>") % request.outcome if request.outcome else ""),
                subtype_xmlid="mail.mt_note",
            )
            if state == "removed" and mention.state not in ("closed", "ignored"):
                mention.action_close()
        return True
