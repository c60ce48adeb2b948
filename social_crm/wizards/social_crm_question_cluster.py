"""Typical questions: recent questions the knowledge base does not answer yet — unanswered
or answered by an expert — grouped into clusters and proposed as new draft knowledge answers.
"""

from collections import Counter
from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError

from ..models.social_crm_mention import OPEN_STATES
from ..tools.knowledge import cluster_questions

# Variants kept on a proposed answer: enough to teach the index, few enough to read.
MAX_VARIANTS = 8


class SocialCrmQuestionCluster(models.TransientModel):
    _name = "social_crm.question.cluster"
    _description = "Social CRM Typical Questions"

    days = fields.Integer(string="Questions of the last (days)", default=30, required=True)
    min_size = fields.Integer(
        string="Minimum cluster size",
        default=2,
        required=True,
        help="How many similar questions make a typical one.",
    )
    include_covered = fields.Boolean(
        string="Include questions the knowledge base answers",
        help="By default a question with a good approved answer is left out.",
    )
    line_ids = fields.One2many(
        "social_crm.question.cluster.line", "wizard_id", string="Typical questions"
    )
    question_count = fields.Integer(string="Questions examined", readonly=True)

    result_message = fields.Char(string="Result", readonly=True)

    def _candidate_mentions(self):
        """Recent questions without a good approved answer (and those an expert answered).

        The knowledge base is consulted once for all of them: one index look-up, then a
        pure-Python search per mention and one read of the answers found.
        """
        since = fields.Datetime.now() - timedelta(days=max(self.days, 1))
        mentions = self.env["social_crm.mention"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("published_at", ">=", since),
                "|",
                "&",
                ("state", "in", OPEN_STATES),
                ("is_question", "=", True),
                ("expert_answer", "!=", False),
            ],
            order="published_at desc",
            limit=5000,
        )
        if self.include_covered:
            return mentions
        Answer = self.env["social_crm.knowledge.answer"]
        to_check = mentions.filtered(lambda m: not m.expert_answer)
        found = Answer._suggest_many(
            [(m.id, m._question_text(), m.lang or "", m.stage_id.code or "") for m in to_check],
            company=self.env.company,
            limit=1,
            min_score=Answer._good_score(),
        )
        covered = {mention_id for mention_id, answers in found.items() if answers}
        return mentions.filtered(lambda m: m.id not in covered)

    def _no_cluster_message(self, examined):
        if not examined:
            return self.env._(
                "No typical question found in the last %(days)s days: no open question "
                "without a good answer in the knowledge base was asked in that period.",
                days=self.days,
            )
        return self.env._(
            "No typical question found in the last %(days)s days: none of the %(count)s "
            "questions examined was asked at least %(min_size)s times in similar words.",
            days=self.days,
            count=examined,
            min_size=max(self.min_size, 2),
        )

    def action_find(self):
        self.ensure_one()
        mentions = self._candidate_mentions()
        by_id = {mention.id: mention for mention in mentions}
        clusters = cluster_questions(
            [(m.id, m._question_text(), m.lang or "") for m in mentions],
            min_size=max(self.min_size, 2),
        )
        lines = [(5, 0, 0)]
        for cluster in clusters:
            members = self.env["social_crm.mention"].browse(cluster.member_ids)
            stages = Counter(m.stage_id.id for m in members if m.stage_id)
            expert_answers = [m.expert_answer for m in members if m.expert_answer]
            others = [
                by_id[i]._question_text().strip()
                for i in cluster.member_ids
                if i != cluster.representative_id
            ]
            lines.append(
                (
                    0,
                    0,
                    {
                        "question": cluster.representative.strip().splitlines()[0][:200],
                        "variants": "\n".join(
                            q.replace("\n", " ")[:200] for q in others[:MAX_VARIANTS]
                        ),
                        "key_terms": ", ".join(cluster.key_terms),
                        "lang": cluster.lang or False,
                        "size": cluster.size,
                        "stage_id": stages.most_common(1)[0][0] if stages else False,
                        "mention_ids": [(6, 0, cluster.member_ids)],
                        "representative_id": cluster.representative_id,
                        "answer": expert_answers[0] if expert_answers else False,
                        "selected": True,
                    },
                )
            )
        self.write(
            {
                "line_ids": lines,
                "question_count": len(mentions),
                "result_message": False if clusters else self._no_cluster_message(len(mentions)),
            }
        )
        return True  # the form reloads in place: no new breadcrumb, no dialog

    def action_create_answers(self):
        self.ensure_one()
        chosen = self.line_ids.filtered("selected")
        if not chosen:
            raise UserError(self.env._("Select at least one typical question."))
        answers = self.env["social_crm.knowledge.answer"].create(
            [
                {
                    "name": line.question,
                    "question_variants": line.variants or False,
                    "answer": line.answer or False,
                    "lang": line.lang or False,
                    "stage_ids": [(6, 0, line.stage_id.ids)],
                    "mention_id": line.representative_id.id,
                    "state": "draft",
                }
                for line in chosen
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Proposed knowledge answers"),
            "res_model": "social_crm.knowledge.answer",
            "view_mode": "list,form",
            "domain": [("id", "in", answers.ids)],
        }


class SocialCrmQuestionClusterLine(models.TransientModel):
    _name = "social_crm.question.cluster.line"
    _description = "Social CRM Typical Question"
    _order = "size desc, id"

    wizard_id = fields.Many2one("social_crm.question.cluster", required=True, ondelete="cascade")
    selected = fields.Boolean(string="Propose")
    question = fields.Char(required=True)
    variants = fields.Text(string="Other wordings")
    key_terms = fields.Char(string="Key words")
    lang = fields.Char(string="Language", size=8)
    size = fields.Integer(string="Questions")
    stage_id = fields.Many2one("social_crm.stage")
    mention_ids = fields.Many2many("social_crm.mention", string="Mentions")
    representative_id = fields.Many2one("social_crm.mention", string="Most typical")
    answer = fields.Text(
        help="The expert's answer when one of the questions got one; "
        "otherwise write it here or later on the draft."
    )
