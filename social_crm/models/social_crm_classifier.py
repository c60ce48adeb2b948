import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# Trained models kept in memory, keyed by (database, company id, kind, signature).
_MODEL_CACHE = {}
_MODEL_CACHE_SIZE = 32

# What each kind learns from: hand-set stages, or hand-set sentiments.
_LABEL_SQL = {
    "stage": """
        SELECT m.text, m.lang, s.code
          FROM social_crm_mention m JOIN social_crm_stage s ON s.id = m.stage_id
         WHERE m.company_id = %s AND m.stage_manual AND s.code IS NOT NULL""",
    "sentiment": """
        SELECT m.text, m.lang, m.sentiment
          FROM social_crm_mention m
         WHERE m.company_id = %s AND m.sentiment_manual AND m.sentiment IS NOT NULL""",
}
_SIGNATURE_SQL = {
    "stage": """SELECT count(*), max(write_date) FROM social_crm_mention
                 WHERE company_id = %s AND stage_manual AND stage_id IS NOT NULL""",
    "sentiment": """SELECT count(*), max(write_date) FROM social_crm_mention
                     WHERE company_id = %s AND sentiment_manual AND sentiment IS NOT NULL""",
}


class SocialCrmClassifier(models.Model):
    """What the database learnt from staff corrections: per company, a stage model and a
    sentiment model, retrained whenever the hand-set labels change."""

    _name = "social_crm.classifier"
    _description = "Social CRM Learned Model"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    kind = fields.Selection([("stage", "Stage"), ("sentiment", "Sentiment")], required=True,
                            default="stage")
    data = fields.Json()
    n_samples = fields.Integer(string="Corrections learnt")
    signature = fields.Char(help="Count and last change of the corrections it was trained on.")
    trained_at = fields.Datetime()

    _sql_constraints = [
        ("company_kind_unique", "unique(company_id, kind)",
         "One learned model of each kind per company."),
    ]

    @api.model
    def _label_signature(self, company, kind):
        self.env["social_crm.mention"].flush_model(
            ["stage_manual", "stage_id", "sentiment_manual", "sentiment", "text", "lang"])
        self.env.cr.execute(_SIGNATURE_SQL[kind], [company.id])
        count, last = self.env.cr.fetchone()
        return count, f"{count}:{last or ''}"

    @api.model
    def _get_model(self, company, kind="stage"):
        """The company's model of ``kind``, trained on every hand-set label (None without
        any label)."""
        from ..tools.learn import StageModel

        count, signature = self._label_signature(company, kind)
        if not count:
            return None
        key = (self.env.cr.dbname, company.id, kind, signature)
        model = _MODEL_CACHE.get(key)
        if model is not None:
            return model
        record = self.sudo().search([("company_id", "=", company.id), ("kind", "=", kind)],
                                    limit=1)
        if record and record.signature == signature and record.data:
            model = StageModel.from_dict(record.data)
        else:
            self.env.cr.execute(_LABEL_SQL[kind], [company.id])
            model = StageModel().train(self.env.cr.fetchall())
            values = {"data": model.to_dict(), "n_samples": model.n_samples,
                      "signature": signature, "trained_at": fields.Datetime.now()}
            if record:
                record.write(values)
            else:
                self.sudo().create(dict(values, company_id=company.id, kind=kind))
            _logger.info("Social CRM: %s model of %s retrained on %s corrections",
                         kind, company.name, model.n_samples)
        if len(_MODEL_CACHE) >= _MODEL_CACHE_SIZE:
            _MODEL_CACHE.clear()
        _MODEL_CACHE[key] = model
        return model
