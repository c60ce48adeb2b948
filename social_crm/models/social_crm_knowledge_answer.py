"""Knowledge answers and the cached search index over the approved ones.

The knowledge loop: a reply starts from an approved answer; when there is none, an expert
writes one, it is archived here and suggested next time.  Answers are born as
drafts (typed in, imported, proposed from typical questions, or written by an expert for a
mention), a manager approves them, and only approved answers are suggested.

The search index (``tools.knowledge.KnowledgeIndex``) is built once per database and company
and kept in this process.  Each suggestion checks a signature of the approved answers (one
aggregate query: count, latest and summed write dates) and rebuilds only when it changed, so
an answer approved in another worker is picked up on the next request; a local generation
counter covers edits made earlier in the same transaction (same write_date).
"""
import logging
import threading
import time

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.knowledge import GOOD_SCORE, AnswerDoc, KnowledgeIndex
from .social_crm_brand import split_lines

_logger = logging.getLogger(__name__)

# Fields the search index reads: changing any of them means a rebuild.
INDEXED_FIELDS = frozenset({"name", "question_variants", "answer", "lang", "stage_ids", "tag_ids",
                            "state", "company_id"})
ANSWER_STATES = [("draft", "Draft"), ("approved", "Approved"), ("archived", "Archived")]

# (dbname, company id) → (signature, KnowledgeIndex); per process, shared by its threads.
_INDEX_CACHE = {}
_INDEX_LOCK = threading.Lock()
# dbname → counter bumped by every change of answers in this process.
_GENERATION = {}


def _bump_generation(dbname):
    with _INDEX_LOCK:
        _GENERATION[dbname] = _GENERATION.get(dbname, 0) + 1


class SocialCrmKnowledgeAnswer(models.Model):
    _name = "social_crm.knowledge.answer"
    _description = "Social CRM Knowledge Answer"
    _inherit = ["mail.thread"]
    _order = "state, usage_count desc, id desc"

    name = fields.Char(string="Question", required=True, tracking=True,
                       help="The question as customers ask it.")
    question_variants = fields.Text(
        string="Other wordings",
        help="Other ways people ask the same thing, one per line. Word forms (доставка, "
             "доставку, доставки) need no separate line.")
    answer = fields.Text(tracking=True,
                         help="The answer's substance (needed to approve it). The reply "
                              "composer adds the greeting, closing and signature of the tone "
                              "of voice; [[formal|informal]] markers adapt it to «Вы» or «ты».")
    lang = fields.Char(string="Language", size=8, index=True,
                       help="ISO 639-1 code (ru, kk, uk, en, …); empty = any language.")
    stage_ids = fields.Many2many("social_crm.stage", string="Stages",
                                 help="Consumer-cycle stages the answer is made for; they rank "
                                      "it higher for mentions of those stages.")
    tag_ids = fields.Many2many("social_crm.knowledge.tag", string="Tags")
    state = fields.Selection(ANSWER_STATES, default="draft", required=True, index=True,
                             tracking=True)
    expert_id = fields.Many2one("res.users", string="Expert", tracking=True,
                                help="Who gave or vouches for the answer.")
    approved_by_id = fields.Many2one("res.users", string="Approved by", readonly=True,
                                     copy=False)
    approved_date = fields.Datetime(string="Approved on", readonly=True, copy=False)
    usage_count = fields.Integer(string="Used", readonly=True, copy=False,
                                 help="How many replies used this answer.")
    last_used_at = fields.Datetime(string="Last used", readonly=True, copy=False)
    mention_id = fields.Many2one("social_crm.mention", string="Born from", index="btree_not_null",
                                 ondelete="set null", copy=False,
                                 help="The mention whose question produced this answer.")
    company_id = fields.Many2one("res.company", index=True,
                                 default=lambda self: self.env.company,
                                 help="Leave empty to share the answer between companies.")
    color = fields.Integer()

    # ------------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_manager():
            for vals in vals_list:
                if vals.get("state", "draft") != "draft":
                    raise AccessError(self.env._(
                        "Only Social CRM administrators approve knowledge answers."))
        answers = super().create(vals_list)
        _bump_generation(self.env.cr.dbname)
        return answers

    def write(self, vals):
        if vals.get("state") == "approved" and not self._is_manager():
            raise AccessError(self.env._(
                "Only Social CRM administrators approve knowledge answers."))
        result = super().write(vals)
        if INDEXED_FIELDS.intersection(vals):
            _bump_generation(self.env.cr.dbname)
        return result

    def unlink(self):
        result = super().unlink()
        _bump_generation(self.env.cr.dbname)
        return result

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        return [dict(vals, name=self.env._("%(question)s (copy)", question=answer.name),
                     state="draft")
                for answer, vals in zip(self, vals_list)]

    def _is_manager(self):
        return self.env.su or self.env.user.has_group("social_crm.group_manager")

    # ------------------------------------------------------------------ workflow

    def action_approve(self):
        if not self._is_manager():
            raise AccessError(self.env._(
                "Only Social CRM administrators approve knowledge answers."))
        for answer in self:
            if not (answer.answer or "").strip():
                raise UserError(self.env._("The answer to “%(question)s” is empty.",
                                           question=answer.name))
        self.write({"state": "approved", "approved_by_id": self.env.uid,
                    "approved_date": fields.Datetime.now()})
        return True

    def action_set_archived(self):
        if not self._is_manager():
            raise AccessError(self.env._(
                "Only Social CRM administrators archive knowledge answers."))
        self.write({"state": "archived"})
        return True

    def action_reset_draft(self):
        self.write({"state": "draft"})
        return True

    def _questions(self):
        self.ensure_one()
        return [self.name] + split_lines(self.question_variants)

    def _mark_used(self):
        """Count a reply that used these answers.

        A counter, not an edit: plain SQL, so agents may use approved answers they cannot
        edit, and write_date (the index signature) stays — using an answer never rebuilds
        the index.
        """
        if not self:
            return
        self.env.cr.execute("""
            UPDATE social_crm_knowledge_answer
               SET usage_count = coalesce(usage_count, 0) + 1, last_used_at = %s
             WHERE id = ANY(%s)
        """, [fields.Datetime.now(), self.ids])
        self.invalidate_recordset(["usage_count", "last_used_at"])

    def action_use_in_reply(self):
        """From a mention's suggestions: open the reply composer with this answer."""
        self.ensure_one()
        mention = self.env["social_crm.mention"].browse(
            self.env.context.get("social_crm_mention_id")).exists()
        if not mention:
            raise UserError(self.env._("Open the mention to reply with this answer."))
        action = mention.action_open_composer()
        action["context"] = dict(action["context"], default_answer_id=self.id)
        return action

    def action_open_mention(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "social_crm.mention",
                "res_id": self.mention_id.id, "view_mode": "form"}

    # ------------------------------------------------------------------ search index

    @api.model
    def _flush_index_fields(self):
        """Pending ORM writes reach the database before the index's SQL reads them."""
        self.flush_model(sorted(INDEXED_FIELDS))
        self.env["social_crm.stage"].flush_model(["code"])
        self.env["social_crm.knowledge.tag"].flush_model(["name"])

    @api.model
    def _index_signature(self, company_id):
        """What changes whenever the approved answers of the company change."""
        self.env.cr.execute("""
            SELECT count(*), max(write_date), sum(extract(epoch FROM write_date)), max(id)
              FROM social_crm_knowledge_answer
             WHERE state = 'approved' AND (company_id = %s OR company_id IS NULL)
        """, [company_id])
        count, last, total, max_id = self.env.cr.fetchone()
        return (count, str(last), float(total or 0.0), max_id,
                _GENERATION.get(self.env.cr.dbname, 0))

    @api.model
    def _index_docs(self, company_id):
        """The approved answers of the company as AnswerDoc, read in three queries."""
        cr = self.env.cr
        cr.execute("""
            SELECT id, name, question_variants, answer, lang
              FROM social_crm_knowledge_answer
             WHERE state = 'approved' AND (company_id = %s OR company_id IS NULL)
          ORDER BY id
        """, [company_id])
        rows = cr.fetchall()
        ids = [row[0] for row in rows]
        stages, tags = {}, {}
        if ids:
            stage_rel = self._fields["stage_ids"]
            cr.execute(f"""
                SELECT rel.{stage_rel.column1}, stage.code
                  FROM {stage_rel.relation} rel
                  JOIN social_crm_stage stage ON stage.id = rel.{stage_rel.column2}
                 WHERE rel.{stage_rel.column1} = ANY(%s) AND stage.code IS NOT NULL
            """, [ids])
            for answer_id, code in cr.fetchall():
                stages.setdefault(answer_id, []).append(code)
            tag_rel = self._fields["tag_ids"]
            cr.execute(f"""
                SELECT rel.{tag_rel.column1}, tag.name
                  FROM {tag_rel.relation} rel
                  JOIN social_crm_knowledge_tag tag ON tag.id = rel.{tag_rel.column2}
                 WHERE rel.{tag_rel.column1} = ANY(%s)
            """, [ids])
            for answer_id, name in cr.fetchall():
                tags.setdefault(answer_id, []).append(name)
        return [AnswerDoc(id=answer_id, questions=[name] + split_lines(variants),
                          answer=answer or "", lang=(lang or "").lower(),
                          stages=stages.get(answer_id, []), tags=tags.get(answer_id, []))
                for answer_id, name, variants, answer, lang in rows]

    @api.model
    def _get_index(self, company=None):
        """The KnowledgeIndex of the company's approved answers, rebuilt only on change."""
        company_id = (company or self.env.company).id
        key = (self.env.cr.dbname, company_id)
        self._flush_index_fields()  # the signature and the docs are read with SQL
        signature = self._index_signature(company_id)
        cached = _INDEX_CACHE.get(key)
        if cached and cached[0] == signature:
            return cached[1]
        start = time.perf_counter()
        index = KnowledgeIndex.build(self._index_docs(company_id))
        with _INDEX_LOCK:
            _INDEX_CACHE[key] = (signature, index)
        _logger.info("Knowledge index of company %s rebuilt: %d approved answers in %.0f ms",
                     company_id, len(index), (time.perf_counter() - start) * 1000)
        return index

    @api.model
    def _suggest(self, text, lang="", stage_code="", company=None, limit=5, min_score=0.0):
        """[(answer, score)] best first: approved answers the current user may read."""
        if not (text or "").strip():
            return []
        index = self._get_index(company)
        if not len(index):
            return []
        found = index.search(text, lang=lang or "", stage=stage_code or "", limit=limit,
                             min_score=min_score)
        if not found:
            return []
        visible = self.search([("id", "in", [answer_id for answer_id, _ in found]),
                               ("state", "=", "approved")])
        by_id = {answer.id: answer for answer in visible}
        return [(by_id[answer_id], score) for answer_id, score in found if answer_id in by_id]

    @api.model
    def _matched_words(self, answer, text, lang="", company=None):
        return self._get_index(company).matched_terms(answer.id, text, lang or "")

    @api.model
    def _good_score(self):
        return GOOD_SCORE
