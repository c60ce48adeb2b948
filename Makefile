# social_crm — see README.rst. Every target finds an installed Odoo 18 (ODOO_BIN, odoo /
# odoo-bin on PATH, or an importable odoo) and stops with instructions when there is none.
.PHONY: demo test deps bench lint pytest

deps:            ## the module's Python requirements (and pytest) into Odoo's Python
	@eval "$$(scripts/find-odoo)" && "$$ODOO_PYTHON" -m pip install -q -r requirements.txt pytest

demo:            ## fresh database $${DEMO_DB:-social_crm_demo} (dropped first) with demo data, served on :$${DEMO_PORT:-8069}
	scripts/demo

test: deps       ## pytest for social_crm/tools, then Odoo's tests (tour included)
	scripts/test

pytest:          ## only the plain pytest part (no database)
	@eval "$$(scripts/find-odoo)" && "$$ODOO_PYTHON" -m pytest -q tests

bench: deps      ## benchmarks that print figures (webhook_load.py and file_import.py: see bench/README.md)
	@eval "$$(scripts/find-odoo)" && for b in nlp ingest knowledge sentiment_eval; do \
		echo "== bench/$$b.py"; "$$ODOO_PYTHON" bench/$$b.py || exit 1; done

lint:            ## ruff (format, imports, bugbear, pyupgrade) and pylint-odoo for 18.0; XML syntax
	scripts/lint
