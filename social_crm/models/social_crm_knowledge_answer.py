"""Knowledge answers and the cached search index over the approved ones.

The knowledge loop: a reply starts from an approved answer; when there is none, an expert
writes one, it is archived here and suggested next time.  Answers are born as
drafts (typed in, imported, proposed from typical questions, or written by an expert for a
mention), a manager approves them, and only approved answers are suggested.

The search index (``tools.knowledge.KnowledgeIndex``) is built once per database and company
and kept in this process.  Each suggestion checks a signature of the approved answers (one
aggregate query: count, latest and summed write dates, highest id) and, only when it
changed, brings the index up to date incrementally: one query finds the answers written
since the last sync (whichever worker wrote them; checked against the signature, with the
full list of approved answers as the fallback), only those are read and applied with
``KnowledgeIndex.updated`` (a full rebuild happens inside it once too many changed).  A local
generation counter and the ids it touched cover edits made earlier in the same transaction
(same write_date).
"""

import logging
import threading
import time
from dataclasses import dataclass

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.knowledge import GOOD_SCORE, AnswerDoc, KnowledgeIndex
from .social_crm_brand import split_lines

_logger = logging.getLogger(__name__)

# Fields the search index reads: changing any of them means an update of the index.
INDEXED_FIELDS = frozenset(
    {"name", "question_variants", "answer", "lang", "stage_ids", "tag_ids", "state", "company_id"}
)
# An answer's write date as integer microseconds: exact to compare and to sum.
STAMP = "(extract(epoch FROM write_date) * 1000000)::bigint"
ANSWER_STATES = [("draft", "Draft"), ("approved", "Approved"), ("archived", "Archived")]


@dataclass(frozen=True)
class _CachedIndex:
    signature: tuple
    index: KnowledgeIndex
    stamps: dict  # answer id → write stamp (µs) of the approved answers indexed
    generation: int  # this process's change counter when the index was synced


# (dbname, company id) → _CachedIndex; per process, shared by its threads.
_INDEX_CACHE = {}
_INDEX_LOCK = threading.Lock()
# dbname → counter bumped by every change of answers in this process.
_GENERATION = {}
# dbname → {answer id: generation of its last change in this process}.
_CHANGED = {}


def _bump_generation(dbname, ids=()):
    with _INDEX_LOCK:
        generation = _GENERATION[dbname] = _GENERATION.get(dbname, 0) + 1
        _CHANGED.setdefault(dbname, {}).update(dict.fromkeys(ids, generation))


class SocialCrmKnowledgeAnswer(models.Model):
    _name = "social_crm.knowledge.answer"
    _description = "Social CRM Knowledge Answer"
    _inherit = ["mail.thread"]
    _order = "state, usage_count desc, id desc"

    name = fields.Char(
        string="Question", required=True, tracking=True, help="The question as customers ask it."
    )
    question_variants = fields.Text(
        string="Other wordings",
        help="Other ways people ask the same thing, one per line. Word forms (доставка, "
        "доставку, доставки) need no separate line.",
    )
    answer = fields.Text(
        tracking=True,
        help="The answer's substance (needed to approve it). The reply "
        "composer adds the greeting, closing and signature of the tone "
        "of voice; [[formal|informal]] markers adapt it to «Вы» or «ты».",
    )
    lang = fields.Char(
        string="Language",
        size=8,
        index=True,
        help="ISO 639-1 code (ru, kk, uk, en, …); empty = any language.",
    )
    stage_ids = fields.Many2many(
        "social_crm.stage",
        string="Stages",
        help="Consumer-cycle stages the answer is made for; they rank "
        "it higher for mentions of those stages.",
    )
    tag_ids = fields.Many2many("social_crm.knowledge.tag", string="Tags")
    state = fields.Selection(
        ANSWER_STATES, default="draft", required=True, index=True, tracking=True
    )
    expert_id = fields.Many2one(
        "res.users", tracking=True, help="Who gave or vouches for the answer."
    )
    approved_by_id = fields.Many2one("res.users", string="Approved by", readonly=True, copy=False)
    approved_date = fields.Datetime(string="Approved on", readonly=True, copy=False)
    usage_count = fields.Integer(
        string="Used", readonly=True, copy=False, help="How many replies used this answer."
    )
    last_used_at = fields.Datetime(string="Last used", readonly=True, copy=False)
    mention_id = fields.Many2one(
        "social_crm.mention",
        string="Born from",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        help="The mention whose question produced this answer.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to share the answer between companies.",
    )
    color = fields.Integer()

    # ------------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_manager():
            for vals in vals_list:
                if vals.get("state", "draft") != "draft":
                    raise AccessError(
                        self.env._("Only Social CRM administrators approve knowledge answers.")
                    )
        answers = super().create(vals_list)
        _bump_generation(self.env.cr.dbname, answers.ids)
        return answers

    def write(self, vals):
        if vals.get("state") == "approved" and not self._is_manager():
            raise AccessError(
                self.env._("Only Social CRM administrators approve knowledge answers.")
            )
        result = super().write(vals)
        if INDEXED_FIELDS.intersection(vals):
            _bump_generation(self.env.cr.dbname, self.ids)
        return result

    def unlink(self):
        ids = self.ids
        result = super().unlink()
        _bump_generation(self.env.cr.dbname, ids)
        return result

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        return [
            dict(vals, name=self.env._("%(question)s (copy)", question=answer.name), state="draft")
            for answer, vals in zip(self, vals_list, strict=False)
        ]

    def _is_manager(self):
        return self.env.su or self.env.user.has_group("social_crm.group_manager")

    # ------------------------------------------------------------------ workflow

    def action_approve(self):
        if not self._is_manager():
            raise AccessError(
                self.env._("Only Social CRM administrators approve knowledge answers.")
            )
        for answer in self:
            if not (answer.answer or "").strip():
                raise UserError(
                    self.env._("The answer to “%(question)s” is empty.", question=answer.name)
                )
        self.write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "approved_date": fields.Datetime.now(),
            }
        )
        return True

    def action_set_archived(self):
        if not self._is_manager():
            raise AccessError(
                self.env._("Only Social CRM administrators archive knowledge answers.")
            )
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
        self.env.cr.execute(
            """
            UPDATE social_crm_knowledge_answer
               SET usage_count = coalesce(usage_count, 0) + 1, last_used_at = %s
             WHERE id = ANY(%s)
        """,
            [fields.Datetime.now(), self.ids],
        )
        self.invalidate_recordset(["usage_count", "last_used_at"])

    def action_use_in_reply(self):
        """From a mention's suggestions: open the reply composer with this answer."""
        self.ensure_one()
        mention = (
            self.env["social_crm.mention"]
            .browse(self.env.context.get("social_crm_mention_id"))
            .exists()
        )
        if not mention:
            raise UserError(self.env._("Open the mention to reply with this answer."))
        action = mention.action_open_composer()
        action["context"] = dict(action["context"], default_answer_id=self.id)
        return action

    def action_open_mention(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "social_crm.mention",
            "res_id": self.mention_id.id,
            "view_mode": "form",
        }

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
        self.env.cr.execute(
            f"""
            SELECT count(*), max({STAMP}), sum({STAMP})::text, max(id)
              FROM social_crm_knowledge_answer
             WHERE state = 'approved' AND (company_id = %s OR company_id IS NULL)
        """,
            [company_id],
        )
        # the sum as text: Odoo reads numeric as float, which would round it
        count, last, total, max_id = self.env.cr.fetchone()
        return (
            count,
            int(last or 0),
            int(total or 0),
            max_id or 0,
            _GENERATION.get(self.env.cr.dbname, 0),
        )

    @api.model
    def _index_docs(self, company_id, ids=None):
        """(AnswerDoc list, {id: write date}) of the company's approved answers — all, or
        those of ``ids`` still approved — read in three queries."""
        cr = self.env.cr
        only = "AND id = ANY(%s)" if ids is not None else ""
        cr.execute(
            f"""
            SELECT id, name, question_variants, answer, lang, {STAMP}
              FROM social_crm_knowledge_answer
             WHERE state = 'approved' AND (company_id = %s OR company_id IS NULL) {only}
          ORDER BY id
        """,
            [company_id] + ([list(ids)] if ids is not None else []),
        )
        rows = cr.fetchall()
        found = [row[0] for row in rows]
        stages, tags = {}, {}
        if found:
            stage_rel = self._fields["stage_ids"]
            cr.execute(
                f"""
                SELECT rel.{stage_rel.column1}, stage.code
                  FROM {stage_rel.relation} rel
                  JOIN social_crm_stage stage ON stage.id = rel.{stage_rel.column2}
                 WHERE rel.{stage_rel.column1} = ANY(%s) AND stage.code IS NOT NULL
            """,
                [found],
            )
            for answer_id, code in cr.fetchall():
                stages.setdefault(answer_id, []).append(code)
            tag_rel = self._fields["tag_ids"]
            cr.execute(
                f"""
                SELECT rel.{tag_rel.column1}, tag.name
                  FROM {tag_rel.relation} rel
                  JOIN social_crm_knowledge_tag tag ON tag.id = rel.{tag_rel.column2}
                 WHERE rel.{tag_rel.column1} = ANY(%s)
            """,
                [found],
            )
            for answer_id, name in cr.fetchall():
                tags.setdefault(answer_id, []).append(name)
        docs = [
            AnswerDoc(
                id=answer_id,
                questions=[name] + split_lines(variants),
                answer=answer or "",
                lang=(lang or "").lower(),
                stages=stages.get(answer_id, []),
                tags=tags.get(answer_id, []),
            )
            for answer_id, name, variants, answer, lang, _stamp in rows
        ]
        return docs, {row[0]: row[5] or 0 for row in rows}

    @api.model
    def _index_stamps(self, company_id):
        """{id: write stamp} of the company's approved answers: what the index must hold."""
        self.env.cr.execute(
            f"""
            SELECT id, {STAMP}
              FROM social_crm_knowledge_answer
             WHERE state = 'approved' AND (company_id = %s OR company_id IS NULL)
        """,
            [company_id],
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _index_changes(self, company_id, cached, signature, touched):
        """(current stamps, changed ids, removed ids) since ``cached`` was synced.

        Cheap first: the answers written after the latest stamp the cache holds (any state:
        an archived one must leave) and those this process touched.  The result is checked
        against the signature — count and exact sum of the stamps — which also catches what
        that filter cannot see: a deleted answer, or a transaction that began before the
        last sync and committed after it (its write date is older than the stamps cached).
        On a mismatch, the full list of approved answers is compared instead.
        """
        since = max(cached.stamps.values(), default=0)
        self.env.cr.execute(
            f"""
            SELECT id, state = 'approved', {STAMP}
              FROM social_crm_knowledge_answer
             WHERE (company_id = %s OR company_id IS NULL)
               AND (write_date > 'epoch'::timestamp + %s * interval '1 microsecond'
                    OR id = ANY(%s))
        """,
            [company_id, since, list(touched)],
        )
        stamps, changed, removed = dict(cached.stamps), [], []
        for answer_id, approved, stamp in self.env.cr.fetchall():
            if not approved:
                if stamps.pop(answer_id, None) is not None:
                    removed.append(answer_id)
            elif stamps.get(answer_id) != stamp or answer_id in touched:
                stamps[answer_id] = stamp
                changed.append(answer_id)
        if len(stamps) == signature[0] and sum(stamps.values()) == signature[2]:
            return stamps, changed, removed
        stamps = self._index_stamps(company_id)
        changed = [
            answer_id
            for answer_id, stamp in stamps.items()
            if cached.stamps.get(answer_id) != stamp or answer_id in touched
        ]
        removed = [answer_id for answer_id in cached.stamps if answer_id not in stamps]
        return stamps, changed, removed

    @api.model
    def _get_index(self, company=None):
        """The KnowledgeIndex of the company's approved answers, brought up to date.

        Unchanged signature: the cached index as is.  Changed: the answers whose write date
        differs from the cached one, the new ones, those edited in this process since the
        last sync and those no longer approved are applied to the cached index; a process
        that has no index yet builds it in full.
        """
        company_id = (company or self.env.company).id
        dbname = self.env.cr.dbname
        key = (dbname, company_id)
        self._flush_index_fields()  # the signature and the docs are read with SQL
        signature = self._index_signature(company_id)
        cached = _INDEX_CACHE.get(key)
        if cached and cached.signature == signature:
            return cached.index
        start = time.perf_counter()
        if cached is None:
            docs, stamps = self._index_docs(company_id)
            index = KnowledgeIndex.build(docs)
            _logger.info(
                "Knowledge index of company %s built: %d approved answers in %.0f ms",
                company_id,
                len(index),
                (time.perf_counter() - start) * 1000,
            )
        else:
            with _INDEX_LOCK:  # other threads of this process may be recording changes
                local_changes = list(_CHANGED.get(dbname, {}).items())
            touched = {
                answer_id
                for answer_id, generation in local_changes
                if generation > cached.generation
            }
            stamps, changed, removed = self._index_changes(company_id, cached, signature, touched)
            docs, read = self._index_docs(company_id, changed) if changed else ([], {})
            stamps.update(read)  # the same transaction's view as the docs themselves
            index = cached.index.updated(docs, removed)
        if cached is not None and index is not cached.index:
            _logger.info(
                "Knowledge index of company %s %s: %d answers changed, %d no longer approved, "
                "%d approved answers, in %.0f ms",
                company_id,
                "updated" if index.overlay_size else "rebuilt",
                len(changed),
                len(removed),
                len(index),
                (time.perf_counter() - start) * 1000,
            )
        with _INDEX_LOCK:
            _INDEX_CACHE[key] = _CachedIndex(signature, index, stamps, signature[-1])
        return index

    @api.model
    def _suggest(self, text, lang="", stage_code="", company=None, limit=5, min_score=0.0):
        """[(answer, score)] best first: approved answers the current user may read."""
        if not (text or "").strip():
            return []
        index = self._get_index(company)
        if not len(index):
            return []
        found = index.search(
            text, lang=lang or "", stage=stage_code or "", limit=limit, min_score=min_score
        )
        if not found:
            return []
        visible = self.search(
            [("id", "in", [answer_id for answer_id, _ in found]), ("state", "=", "approved")]
        )
        by_id = {answer.id: answer for answer in visible}
        return [(by_id[answer_id], score) for answer_id, score in found if answer_id in by_id]

    @api.model
    def _suggest_many(self, items, company=None, limit=5, min_score=0.0):
        """{key: [(answer, score)]} for ``items`` [(key, text, lang, stage code)]: one index
        look-up and one access-checked read of every answer found, whatever the number of
        texts (the searches themselves are pure Python)."""
        index = self._get_index(company)
        found = {}
        if len(index):
            for key, text, lang, stage_code in items:
                if (text or "").strip():
                    found[key] = index.search(
                        text,
                        lang=lang or "",
                        stage=stage_code or "",
                        limit=limit,
                        min_score=min_score,
                    )
        answer_ids = {answer_id for results in found.values() for answer_id, _ in results}
        visible = (
            self.search([("id", "in", list(answer_ids)), ("state", "=", "approved")])
            if answer_ids
            else self
        )
        by_id = {answer.id: answer for answer in visible}
        return {
            key: [
                (by_id[answer_id], score)
                for answer_id, score in found.get(key, ())
                if answer_id in by_id
            ]
            for key, _text, _lang, _stage in items
        }

    @api.model
    def _matched_words(self, answer, text, lang="", company=None):
        return self._get_index(company).matched_terms(answer.id, text, lang or "")

    @api.model
    def _good_score(self):
        return GOOD_SCORE
