import base64
import copy
import logging
import time

from psycopg2.extensions import TransactionRollbackError

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


# Seconds one call of the fitting job spends before it hands the rest to the next call.
_FIT_BUDGET = 120


class SocialCrmClassifier(models.Model):
    """What the database learnt from staff corrections: per company, a stage model and a
    sentiment model. A correction stores the corrections at once; their fit (seconds of CPU)
    is made by a background job it wakes (``_cron_fit_models``) and stored, and every server
    process loads it — an import or a webhook delivery never fits: until the job has fitted
    the latest corrections it uses the fit of the ones before."""

    _name = "social_crm.classifier"
    _description = "Social CRM Learned Model"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    kind = fields.Selection(
        [("stage", "Stage"), ("sentiment", "Sentiment")], required=True, default="stage"
    )
    # The corrections (learn.*.to_dict); not prefetched: a delivery reads the signatures only.
    data = fields.Json(prefetch=False)
    n_samples = fields.Integer(string="Corrections learnt")
    signature = fields.Char(help="Identifies the training, for the in-memory cache.")
    trained_at = fields.Datetime()
    # The fit of the corrections as of `fit_signature`: {"rows" (the corrections it was made
    # from), "fit" (learn.*.export_fit)}, the stage shift's packed weights in `fit_file`.
    fit_meta = fields.Json(string="Stored fit", prefetch=False)
    fit_file = fields.Binary(string="Stored fit weights", attachment=True)
    fit_signature = fields.Char(help="The signature of the corrections the stored fit is of.")
    fitted_at = fields.Datetime(string="Fitted at")

    _sql_constraints = [
        (
            "company_kind_unique",
            "unique(company_id, kind)",
            "One learned model of each kind per company.",
        ),
    ]

    @api.model
    def _get_model(self, company, kind="stage", fresh=True):
        """The company's model of ``kind`` (None before any correction); the model itself is
        kept in memory per training (a call reads two signatures, not the corrections).

        ``fresh``: the latest corrections, fitted here if the background job has not stored
        their fit yet (what staff asked for by hand, e.g. *Re-analyse*). Otherwise (imports,
        webhooks) the latest stored fit, made by the job, is used as it is — it may be a few
        corrections behind, and before the first one is fitted there is none."""
        record = self.sudo().search([("company_id", "=", company.id), ("kind", "=", kind)], limit=1)
        if not record or not record.n_samples:
            return None
        fitted = record.fit_signature
        if fitted and (not fresh or fitted == record.signature):
            model = self._stored_model(record, frozen=not fresh)
            if model is not None:
                return model
        if not fresh:
            # the correction woke the job that fits it (hourly, it catches a module upgrade)
            return None
        key = (self.env.cr.dbname, record.id, record.signature)
        model = _MODEL_CACHE.get(key)
        if model is None:
            if not record.data:
                return None
            model = _model_class(kind).from_dict(record.data)
            if model.n_samples != record.n_samples:
                # stored by an older version that kept no corrections: learn them again
                self._retrain(company, [kind])
                record.invalidate_recordset()
                model = _model_class(kind).from_dict(record.data) if record.data else None
                if model is None:
                    return None
                key = (self.env.cr.dbname, record.id, record.signature)
            _remember(key, model)
        return model

    def _stored_model(self, record, frozen):
        """The model of ``record``'s stored fit (None when it was made on other shipped
        weights, before a module upgrade); ``frozen``: a copy that shares its fits and never
        fits on the spot."""
        key = (self.env.cr.dbname, record.id, "fit", record.fit_signature)
        model = _MODEL_CACHE.get(key)
        if model is None:
            stored = record.fit_meta or {}
            model = _model_class(record.kind).from_dict(stored.get("rows"))
            blob = base64.b64decode(record.fit_file) if record.fit_file else None
            if not model.n_samples or not model.import_fit(stored.get("fit"), blob):
                model = False  # remembered too: not read again for every delivery
            _remember(key, model)
        if not model or not frozen:
            return model or None
        frozen_model = _MODEL_CACHE.get((*key, "frozen"))
        if frozen_model is None:
            frozen_model = copy.copy(model)  # the fits (megabytes of weights) are shared
            frozen_model.frozen = True
            _remember((*key, "frozen"), frozen_model)
        return frozen_model

    @api.model
    def _wake_fitting(self):
        """Ask the background job to fit what is outdated (nothing to do before the first
        correction)."""
        if not self.sudo().search_count([("n_samples", ">", 0)], limit=1):
            return
        cron = self.env.ref("social_crm.ir_cron_social_crm_fit_models", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    def _fit_outdated(self, featurizer):
        """Whether this record's stored fit is not that of its corrections, the shipped
        weights and (stage) the company's brand configuration."""
        from ..tools.learn import brands_key, shipped_version

        self.ensure_one()
        if self.fit_signature != self.signature:
            return True
        fit = (self.fit_meta or {}).get("fit") or {}
        return fit.get("shipped") != shipped_version() or (
            self.kind == "stage" and fit.get("brands") != brands_key(featurizer)
        )

    def _store_fit(self, model, featurizer):
        """Fit ``model`` (this record's corrections) unless already fitted, and store the fit."""
        self.ensure_one()
        stored, blob = model.export_fit(featurizer)
        self.sudo().write(
            {
                "fit_meta": {"rows": model.to_dict(), "fit": stored},
                "fit_file": base64.b64encode(blob) if blob else False,
                "fit_signature": self.signature,
                "fitted_at": fields.Datetime.now(),
            }
        )

    @api.model
    def _keep_fits(self, company, analyzer):
        """Store the fits ``analyzer`` made of the company's latest corrections (a *Re-analyse*
        fits them on the spot), so that the other processes and imports use them."""
        for kind, model, featurizer in (
            ("stage", analyzer.model, analyzer.featurizer),
            ("sentiment", analyzer.sentiment_model, None),
        ):
            if model is None or model.frozen:
                continue
            record = self.sudo().search(
                [("company_id", "=", company.id), ("kind", "=", kind)], limit=1
            )
            # the model is of the record's corrections (_get_model read it in this transaction)
            if record and record._fit_outdated(featurizer):
                record._store_fit(model, featurizer)

    @api.model
    def _cron_fit_models(self):
        """Fit every company's corrections whose stored fit is outdated, and store the fits
        (woken by each correction; hourly it also catches a module upgrade or a change of
        brands). One call stops after ``_FIT_BUDGET`` seconds and asks for the next."""
        from ..tools.stage_model import Featurizer

        deadline = time.monotonic() + _FIT_BUDGET
        records = self.search([("n_samples", ">", 0)], order="trained_at, id")
        done = remaining = 0
        featurizers = {}
        for record in records:
            company = record.company_id
            if company not in featurizers:
                specs = self.env["social_crm.brand"].with_company(company)._brand_specs(company)
                featurizers[company] = Featurizer(specs)
            featurizer = featurizers[company] if record.kind == "stage" else None
            if not record._fit_outdated(featurizer):
                continue
            if done and time.monotonic() >= deadline:
                remaining += 1
                continue
            model = _model_class(record.kind).from_dict(record.data)
            if model.n_samples != record.n_samples:
                continue  # an older version's record: the next fresh read retrains it
            try:
                with self.env.cr.savepoint():
                    record._store_fit(model, featurizer)
            except TransactionRollbackError:
                # Staff corrected this company meanwhile (after this job's snapshot): the fit
                # is of outdated corrections, and is fitted again right after this call.
                _logger.info(
                    "Social CRM: %s model of %s corrected meanwhile", record.kind, company.name
                )
                remaining += 1
                continue
            except Exception:
                # One company's corrections that cannot be fitted must not stop the others'
                # (its imports keep the fit before; the error is logged at every run).
                _logger.exception(
                    "Social CRM: the %s model of %s could not be fitted", record.kind, company.name
                )
                continue
            done += 1
            _logger.info(
                "Social CRM: %s model of %s fitted on %s corrections",
                record.kind,
                company.name,
                model.n_samples,
            )
            if not self.env["social_crm.source"]._in_test():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if remaining:
            self._wake_fitting()
        return done, remaining

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
        # the fit (seconds of CPU) is made by the background job, not in this request
        self._wake_fitting()


def _remember(key, model):
    if len(_MODEL_CACHE) >= _MODEL_CACHE_SIZE:
        _MODEL_CACHE.clear()
    _MODEL_CACHE[key] = model
