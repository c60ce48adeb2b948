"""One import of records into a source, run as its own process by test_concurrency.py.

    python concurrent_import.py '<json: db, addons_path, db options, source_id, records, lock_key>'

A process of its own loads its own registry and opens its own database connection, so two
of them are two real, independent transactions. The import takes its snapshot, then waits
on a PostgreSQL advisory lock the test holds until both imports wait there: neither can
see what the other writes. It retries on ConcurrentIngestError in a new transaction, the
way the webhook does, commits, and prints what happened as JSON.
"""

import json
import sys
import traceback


def main(args):
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    options = ["-d", args["db"], "--addons-path", args["addons_path"], "--log-level", "critical"]
    for name, flag in (
        ("db_host", "--db_host"),
        ("db_port", "--db_port"),
        ("db_user", "--db_user"),
        ("db_password", "--db_password"),
    ):
        if args.get(name):
            options += [flag, str(args[name])]
    config.parse_config(options)
    odoo.netsvc.init_logger()

    # a script run on its own (not a module of the package): absolute imports
    from odoo.addons.social_crm.controllers.webhook import RETRIES  # pylint: disable=odoo-addons-relative-import
    from odoo.addons.social_crm.models.social_crm_source import (  # pylint: disable=odoo-addons-relative-import
        ConcurrentIngestError,
    )

    outcome = {"conflicts": 0, "reports": [], "failure": None, "seen_before": None}
    registry = Registry(args["db"])
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            source = (
                env["social_crm.source"]
                .browse(args["source_id"])
                .with_context(**(args.get("context") or {}))
            )
            # This query takes the transaction's snapshot: nothing the other import
            # commits from now on is visible to this attempt.
            outcome["seen_before"] = env["social_crm.mention"].search_count(
                [("source_id", "=", args["source_id"])]
            )
            cr.execute("SELECT pg_advisory_xact_lock_shared(%s)", [args["lock_key"]])
            for attempt in range(RETRIES):
                try:
                    report = source._ingest(args["records"])
                except ConcurrentIngestError:
                    outcome["conflicts"] += 1
                    if attempt == RETRIES - 1:
                        raise
                    cr.rollback()  # a new transaction sees the other import's rows
                    continue
                outcome["reports"].append({k: report[k] for k in ("created", "updated", "errors")})
                break
            cr.commit()  # pylint: disable=invalid-commit  # the point: a real, committed import
    except Exception:  # noqa: BLE001 - reported by the test
        outcome["failure"] = traceback.format_exc()
    sys.stdout.write(json.dumps(outcome) + "\n")  # the test reads the outcome from stdout


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
