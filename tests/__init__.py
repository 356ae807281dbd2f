from . import test_engine
from . import test_commission_flow
from . import test_security
from . import test_plan_validation
from . import test_settlement
from . import test_settlement_concurrency
from . import test_settlement_engine
