"""The activity clock on a mention's kanban card, computed once per batch.

The card's ``kanban_activity`` widget reads six fields of ``mail.activity.mixin``. The mixin
computes them one by one (two computes and three related fields, each walking every card's
activities again), which cost about 60 ms of a kanban's first load at 280 cards (``bench/scale.py``
at a million mentions). Here one compute fills the six from one read of the cards' activities,
with the mixin's meaning: the state is the most urgent of the activities' states; the type,
its icon and the summary are the next activity's (activities in their order: deadline, then id);
the exception decoration is the first ``danger`` type, else the last ``warning`` one. Searches
keep the mixin's own search methods.
"""

from collections import defaultdict

from odoo import api, fields, models


class SocialCrmMention(models.Model):
    _inherit = "social_crm.mention"  # pylint: disable=consider-merging-classes-inherited
    # a feature layer of the model in its own file (README, Architecture)

    activity_state = fields.Selection(compute="_compute_activity_card", compute_sudo=True)
    activity_exception_decoration = fields.Selection(
        compute="_compute_activity_card", compute_sudo=True
    )
    activity_exception_icon = fields.Char(compute="_compute_activity_card", compute_sudo=True)
    activity_type_id = fields.Many2one(
        related=False, compute="_compute_activity_card", compute_sudo=True, readonly=True
    )
    activity_type_icon = fields.Char(
        related=False,
        compute="_compute_activity_card",
        compute_sudo=True,
        help="Font awesome icon e.g. fa-tasks",
    )
    activity_summary = fields.Char(
        related=False, compute="_compute_activity_card", compute_sudo=True, readonly=True
    )

    @api.depends(
        "activity_ids.state",
        "activity_ids.summary",
        "activity_ids.icon",
        "activity_ids.activity_type_id.decoration_type",
        "activity_ids.activity_type_id.icon",
    )
    def _compute_activity_card(self):
        # prefetch every card's activities and their types at once
        self.activity_ids.activity_type_id.mapped("decoration_type")
        no_type = self.env["mail.activity.type"]
        # cards with the same clock (most have no activity) get their six values in one
        # assignment each: one per card cost a third of the compute
        same_clock = defaultdict(list)
        for mention in self:
            activities = mention.activity_ids
            states = set(activities.mapped("state"))
            exception = no_type
            for activity_type in activities.activity_type_id:
                if activity_type.decoration_type == "danger":
                    exception = activity_type
                    break
                if activity_type.decoration_type == "warning":
                    exception = activity_type
            first = activities[:1]
            clock = (
                next((s for s in ("overdue", "today", "planned") if s in states), False),
                exception.decoration_type or False,
                exception.icon or False,
                first.activity_type_id.id,
                first.icon or False,
                first.summary or False,
            )
            same_clock[clock].append(mention.id)
        for clock, ids in same_clock.items():
            state, decoration, exception_icon, type_id, icon, summary = clock
            self.browse(ids).update(
                {
                    "activity_state": state,
                    "activity_exception_decoration": decoration,
                    "activity_exception_icon": exception_icon,
                    "activity_type_id": type_id,
                    "activity_type_icon": icon,
                    "activity_summary": summary,
                }
            )
