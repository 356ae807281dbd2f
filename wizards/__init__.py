from . import sale_incentive_settle_wizard
