from odoo import models
from odoo.tools import html2plaintext

EXPERT_ACTIVITY_XMLID = "social_crm.mail_activity_type_expert_answer"


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _social_crm_mentions(self, type_xmlid):
        """[(activity, mention)] for this set's activities of type ``type_xmlid`` on mentions
        (the mentions read at once)."""
        activity_type = self.env.ref(type_xmlid, raise_if_not_found=False)
        if not activity_type:
            return []
        activities = self.sudo().filtered(
            lambda a: (
                a.activity_type_id == activity_type
                and a.res_model == "social_crm.mention"
                and a.res_id
            )
        )
        mentions = self.env["social_crm.mention"].sudo().browse(activities.mapped("res_id"))
        existing = set(mentions.exists().ids)
        return [
            (activity, mentions.browse(activity.res_id).sudo())
            for activity in activities
            if activity.res_id in existing
        ]

    def _expert_mentions(self):
        """[(activity, mention)] for this set's 'Expert answer' activities on mentions."""
        return self._social_crm_mentions(EXPERT_ACTIVITY_XMLID)

    @staticmethod
    def _feedback_text(feedback):
        """The feedback of "Done" as plain text."""
        return (
            html2plaintext(feedback) if feedback and "<" in feedback else feedback or ""
        ).strip()

    def _action_done(self, feedback=False, attachment_ids=None):
        """An 'Expert answer' activity done with feedback: the feedback is the answer. Done
        without one: the mention goes back to its agent with a notice."""
        text = self._feedback_text(feedback)
        outcomes = [
            (mention, activity.user_id or self.env.user)
            for activity, mention in self._expert_mentions()
        ]
        result = super(MailActivity, self.with_context(social_crm_activity_done=True))._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )
        for mention, expert in outcomes:
            if text:
                mention._record_expert_answer(text, expert)
            else:
                mention._expert_gave_no_answer(expert)
        return result

    def unlink(self):
        """An 'Expert answer' activity cancelled (not done): the mention goes back to its
        agent with a notice, instead of waiting for an answer that will never come."""
        dropped = (
            []
            if self.env.context.get("social_crm_activity_done")
            else [(mention, activity.user_id) for activity, mention in self._expert_mentions()]
        )
        result = super().unlink()
        for mention, expert in dropped:
            mention._expert_gave_no_answer(expert, cancelled=True)
        return result
