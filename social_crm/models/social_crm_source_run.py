from datetime import timedelta

from odoo import api, fields, models

ORIGINS = [
    ("webhook", "Webhook"),
    ("pull", "Scheduled import"),
    ("file", "File"),
    ("api", "API"),
    ("manual", "Entered by hand"),
    ("demo", "Demo data"),
    ("summary", "Summary of older runs"),
]
# Errors kept per run: the rest is counted ("… and N more").
ERROR_LINES = 50
# Runs older than this are folded into one summary row per source and day.
KEEP_DAYS = 14


class SocialCrmSourceRun(models.Model):
    """One run of a source — a webhook delivery, a pulled batch, a file, a failure.

    Append-only: concurrent deliveries each insert their own row instead of updating
    counters on the source, so they never wait for each other. The source's counters, last
    run and last error are read from here.
    """

    _name = "social_crm.source.run"
    _description = "Social CRM Source Run"
    _order = "id desc"

    source_id = fields.Many2one("social_crm.source", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="source_id.company_id", store=True, precompute=True)
    origin = fields.Selection(ORIGINS, required=True, default="api")
    created = fields.Integer()
    updated = fields.Integer()
    rejected = fields.Integer()
    failed = fields.Boolean(help="The run stopped on an error; nothing of its batch is stored.")
    error = fields.Text(help="Why the run failed, or the records it rejected and why.")

    @api.model
    def _log(self, source, origin, created=0, updated=0, errors=(), failure=None):
        """Append a run of ``source``: its counts and the records rejected, or the
        ``failure`` that stopped it."""
        lines = self._error_lines(list(errors))
        if len(errors) > ERROR_LINES:
            lines.append(self.env._("… and %(count)s more", count=len(errors) - ERROR_LINES))
        text = failure or "\n".join(lines) or False
        return self.sudo().create(
            {
                "source_id": source.id,
                "origin": origin,
                "created": created,
                "updated": updated,
                "rejected": len(errors),
                "failed": bool(failure),
                "error": text,
            }
        )

    @api.model
    def _error_lines(self, errors):
        """One readable line per rejected record or file row (``{"record" | "row",
        "reason"}``), at most ERROR_LINES."""
        lines = []
        for error in errors[:ERROR_LINES]:
            if error.get("row") is not None:
                lines.append(
                    self.env._(
                        "Row %(row)s: %(reason)s", row=error["row"], reason=error.get("reason", "")
                    )
                )
            else:
                lines.append(f"{error.get('record') or '?'}: {error.get('reason', '')}")
        return lines

    @api.model
    def _last_runs(self, source_ids=None):
        """{source id: ({"at", "error"} of its latest run, time of its latest clean run)}
        in one query."""
        self.flush_model()
        where, params = ("WHERE source_id IN %s", [tuple(source_ids)]) if source_ids else ("", [])
        if source_ids is not None and not source_ids:
            return {}
        self.env.cr.execute(
            f"""
            SELECT DISTINCT ON (source_id) source_id, create_date, error,
                   max(create_date) FILTER (WHERE NOT failed AND rejected = 0)
                       OVER (PARTITION BY source_id)
              FROM social_crm_source_run {where}
          ORDER BY source_id, id DESC
        """,
            params,
        )  # noqa: S608 - the WHERE clause is one of two constants
        return {
            source_id: ({"at": at, "error": error}, success_at)
            for source_id, at, error, success_at in self.env.cr.fetchall()
        }

    @api.autovacuum
    def _gc_fold_old_runs(self):
        """Fold runs older than KEEP_DAYS into one summary row per source and day: the
        source's totals stay right while the log stays small."""
        limit = fields.Datetime.now() - timedelta(days=KEEP_DAYS)
        self.flush_model()
        self.env.cr.execute(
            """
            WITH old AS (
                DELETE FROM social_crm_source_run
                 WHERE create_date < %s AND origin != 'summary'
             RETURNING source_id, company_id, create_date, created, updated, rejected, failed
            )
            INSERT INTO social_crm_source_run
                   (source_id, company_id, origin, created, updated, rejected, failed,
                    create_date, write_date, create_uid, write_uid)
            SELECT source_id, company_id, 'summary', sum(created), sum(updated), sum(rejected),
                   false, date_trunc('day', max(create_date)), now() AT TIME ZONE 'UTC',
                   %s, %s
              FROM old
          GROUP BY source_id, company_id, date_trunc('day', create_date)
        """,
            [limit, self.env.uid, self.env.uid],
        )
        self.invalidate_model()
