"""The page where an expert answers a customer's question, whatever their access.

An expert is often someone from another department without Social CRM rights: the
'Expert answer' activity they get (and its e-mail) links here. The page shows the question
and the mention's text and takes the answer; only the activity's own user (or a Social CRM
administrator of the mention's company) may open it. The answer goes through the activity's
*Done* like any other.
"""

from markupsafe import escape

from odoo import http
from odoo.http import request

from ..models.mail_activity import EXPERT_ACTIVITY_XMLID


class SocialCrmExpert(http.Controller):
    def _activity(self, activity_id):
        """The expert activity ``activity_id`` if the current user answers it, else None."""
        activity = request.env["mail.activity"].sudo().browse(activity_id).exists()
        activity_type = request.env.ref(EXPERT_ACTIVITY_XMLID, raise_if_not_found=False)
        if (
            not activity
            or activity.activity_type_id != activity_type
            or activity.res_model != "social_crm.mention"
        ):
            return None
        user = request.env.user
        company = request.env["social_crm.mention"].sudo().browse(activity.res_id).company_id
        if activity.user_id != user and not (
            user.has_group("social_crm.group_manager") and company in user.company_ids
        ):
            return None
        return activity

    def _page(self, **values):
        return request.render("social_crm.expert_answer_page", values)

    @http.route("/social_crm/expert/<int:activity_id>", type="http", auth="user", methods=["GET"])
    def expert_page(self, activity_id, **_kw):
        activity = self._activity(activity_id)
        if activity is None:
            return self._page(state="gone")
        mention = request.env["social_crm.mention"].sudo().browse(activity.res_id)
        return self._page(state="ask", activity=activity, mention=mention)

    @http.route("/social_crm/expert/<int:activity_id>", type="http", auth="user", methods=["POST"])
    def expert_answer(self, activity_id, answer="", **_kw):
        activity = self._activity(activity_id)
        if activity is None:
            return self._page(state="gone")
        mention = request.env["social_crm.mention"].sudo().browse(activity.res_id)
        answer = (answer or "").strip()
        if not answer:
            return self._page(
                state="ask",
                activity=activity,
                mention=mention,
                error=request.env._("Write the answer first."),
            )
        # Done with the answer as feedback, by the expert: the same path as the activity's
        # own Done button (the answer becomes the draft knowledge answer and the reply).
        activity.with_user(request.env.user).sudo()._action_done(
            feedback=str(escape(answer)).replace("\n", "<br/>")
        )
        return self._page(state="done", mention=mention)
