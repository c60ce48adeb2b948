"""Make `social_crm.tools` importable without running the Odoo addon's __init__ (which imports odoo)."""

import pathlib
import sys
import types

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_pkg = types.ModuleType("social_crm")
_pkg.__path__ = [str(ROOT / "social_crm")]
sys.modules.setdefault("social_crm", _pkg)
