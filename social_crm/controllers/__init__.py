from . import webhook
from . import expert
