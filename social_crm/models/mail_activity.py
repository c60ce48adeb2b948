from odoo import models
from odoo.tools import html2plaintext


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """An 'Expert answer' activity done with feedback: the feedback is the answer."""
        answers = []
        activity_type = self.env.ref("social_crm.mail_activity_type_expert_answer",
                                     raise_if_not_found=False)
        if activity_type and feedback:
            text = html2plaintext(feedback) if "<" in feedback else feedback
            for activity in self:
                if activity.activity_type_id == activity_type \
                        and activity.res_model == "social_crm.mention" and activity.res_id:
                    answers.append((activity.res_id, activity.user_id or self.env.user))
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        for mention_id, expert in answers:
            mention = self.env["social_crm.mention"].sudo().browse(mention_id).exists()
            if mention:
                mention._record_expert_answer(text, expert)
        return result
