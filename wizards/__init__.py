from . import sale_incentive_settle_wizard
from . import sale_incentive_forfeit_wizard
