from . import test_analysis
from . import test_i18n
from . import test_ingest
from . import test_security
from . import test_webhook
from . import test_ui
from . import test_connectors
from . import test_import_wizard
