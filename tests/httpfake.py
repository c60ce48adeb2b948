"""The local HTTP server of the connector tests, shared with Odoo's tests: the one copy lives
in social_crm/tests/httpfake.py (no odoo import there); this module loads it by path, since
importing the social_crm.tests package would import Odoo, and adds the pytest fixtures."""

import importlib.util
import pathlib

_PATH = pathlib.Path(__file__).resolve().parents[1] / "social_crm" / "tests" / "httpfake.py"
_spec = importlib.util.spec_from_file_location("social_crm_httpfake", _PATH)
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
globals().update({k: v for k, v in vars(_module).items() if not k.startswith("__")})
FakeServer = _module.FakeServer
Sleeps = _module.Sleeps


try:
    import pytest
except ImportError:  # pragma: no cover
    pytest = None

if pytest is not None:

    @pytest.fixture
    def server():
        """A started FakeServer; import this fixture into a test module to use it."""
        with FakeServer() as srv:
            yield srv

    @pytest.fixture
    def sleeps():
        return Sleeps()
