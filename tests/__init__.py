from . import test_engine
from . import test_commission_flow
from . import test_security
from . import test_plan_validation
from . import test_commission_rules
from . import test_commission_lifecycle
from . import test_ui_tour
