from . import social_crm_import_wizard
from . import social_crm_reply_composer
from . import social_crm_expert_request
from . import social_crm_question_cluster
from . import social_crm_author_merge
from . import social_crm_reply_composer_people
from . import social_crm_lead_confirm
from . import social_crm_escalation_wizard
