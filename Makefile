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

bench: deps      ## benchmarks that print figures
	@eval "$$(scripts/find-odoo)" && for b in bench/*.py; do echo "== $$b"; "$$ODOO_PYTHON" $$b || exit 1; done

lint:            ## syntax of every Python and XML file
	python3 -m compileall -q social_crm tests bench
	python3 -c "import pathlib, xml.etree.ElementTree as E; [E.parse(p) for p in pathlib.Path('social_crm').rglob('*.xml')]"
