from . import test_engine
from . import test_commission_flow
from . import test_security
from . import test_plan_validation
