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
        SELECT m.text, m.lang, m.sentiment, s.code
          FROM social_crm_mention m LEFT JOIN social_crm_stage s ON s.id = m.stage_id
         WHERE m.company_id = %s AND m.sentiment_manual AND m.sentiment IS NOT NULL""",
}
# The mention fields staff correct, per kind of model.
CORRECTED_FIELDS = {"stage": "stage_id", "sentiment": "sentiment"}


def _model_class(kind):
    """What learns each kind: stages on top of the shipped stage model, sentiment on top of
    the shipped sentiment model (tools/learn.py; bench/nlp.py measures the same classes)."""
    from ..tools.learn import SentimentLearner, StageModel

    return SentimentLearner if kind == "sentiment" else StageModel


class SocialCrmClassifier(models.Model):
    """What the database learnt from staff corrections: per company, a stage model and a
    sentiment model. Retrained when staff correct a mention (never while importing: the
    import only reads the stored model)."""

    _name = "social_crm.classifier"
    _description = "Social CRM Learned Model"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    kind = fields.Selection(
        [("stage", "Stage"), ("sentiment", "Sentiment")], required=True, default="stage"
    )
    data = fields.Json()
    n_samples = fields.Integer(string="Corrections learnt")
    signature = fields.Char(help="Identifies the training, for the in-memory cache.")
    trained_at = fields.Datetime()

    _sql_constraints = [
        (
            "company_kind_unique",
            "unique(company_id, kind)",
            "One learned model of each kind per company.",
        ),
    ]

    @api.model
    def _get_model(self, company, kind="stage"):
        """The company's model of ``kind`` as last trained (None before any correction).
        One indexed read; the model itself is kept in memory per training."""
        record = self.sudo().search([("company_id", "=", company.id), ("kind", "=", kind)], limit=1)
        if not record or not record.n_samples or not record.data:
            return None
        key = (self.env.cr.dbname, record.id, record.signature)
        model = _MODEL_CACHE.get(key)
        if model is None:
            model = _model_class(kind).from_dict(record.data)
            if model.n_samples != record.n_samples:
                # stored by an older version that kept no corrections: learn them again
                self._retrain(company, [kind])
                record.invalidate_recordset()
                model = _model_class(kind).from_dict(record.data) if record.data else None
                if model is None:
                    return None
                key = (self.env.cr.dbname, record.id, record.signature)
            if len(_MODEL_CACHE) >= _MODEL_CACHE_SIZE:
                _MODEL_CACHE.clear()
            _MODEL_CACHE[key] = model
        return model

    @api.model
    def _retrain(self, companies, kinds=("stage", "sentiment")):
        """Train the models of ``companies`` on every hand-set label, and store them."""
        self.env["social_crm.mention"].flush_model(
            ["stage_manual", "stage_id", "sentiment_manual", "sentiment", "text", "lang"]
        )
        for company in companies:
            for kind in kinds:
                self.env.cr.execute(_LABEL_SQL[kind], [company.id])
                model = _model_class(kind)().train(self.env.cr.fetchall())
                now = fields.Datetime.now()
                values = {
                    "data": model.to_dict() if model.n_samples else False,
                    "n_samples": model.n_samples,
                    "trained_at": now,
                    "signature": f"{model.n_samples}:{now.isoformat()}:{id(model)}",
                }
                record = self.sudo().search(
                    [("company_id", "=", company.id), ("kind", "=", kind)], limit=1
                )
                if record:
                    record.write(values)
                else:
                    self.sudo().create(dict(values, company_id=company.id, kind=kind))
                _logger.info(
                    "Social CRM: %s model of %s retrained on %s corrections",
                    kind,
                    company.name,
                    model.n_samples,
                )
