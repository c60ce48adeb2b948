"""The outcome of an escalation: when its activity is done, the feedback (or the outcome typed
on the activity's form) is written in the mention's chatter; a cancellation is written too."""

from odoo import fields, models

from .social_crm_mention_escalation import ESCALATION_ACTIVITY_XMLID


class MailActivity(models.Model):
    _inherit = "mail.activity"  # pylint: disable=consider-merging-classes-inherited
    # a feature layer of the model in its own file (README, Architecture)

    social_crm_escalation_team_id = fields.Many2one(
        "social_crm.escalation.team",
        string="Escalation team",
        ondelete="set null",
        readonly=True,
        help="The Social CRM escalation team this activity was given to.",
    )

    social_crm_outcome = fields.Text(
        string="Outcome",
        help="What was done about the escalated mention; written in the mention's history "
        "when the activity is marked as done.",
    )

    def _escalated_mentions(self):
        """[(activity, mention)] for this set's 'Escalation' activities on mentions."""
        return self._social_crm_mentions(ESCALATION_ACTIVITY_XMLID)

    def _action_done(self, feedback=False, attachment_ids=None):
        text = self._feedback_text(feedback)
        # the feedback of "Done", else the outcome typed on the activity's form (a person
        # without access to the mention marks it done from there, without a feedback box)
        outcomes = [
            (
                mention,
                activity.social_crm_escalation_team_id,
                self.env.user,
                (text or activity.social_crm_outcome or "").strip(),
            )
            for activity, mention in self._escalated_mentions()
        ]
        result = super(MailActivity, self.with_context(social_crm_activity_done=True))._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )
        for mention, team, user, outcome in outcomes:
            mention._escalation_closed(team, user, outcome)
        return result

    def unlink(self):
        dropped = (
            []
            if self.env.context.get("social_crm_activity_done")
            else [
                (mention, activity.social_crm_escalation_team_id)
                for activity, mention in self._escalated_mentions()
            ]
        )
        result = super().unlink()
        for mention, team in dropped:
            mention._escalation_closed(team, self.env.user, cancelled=True)
        return result
