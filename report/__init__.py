from . import sale_incentive_settlement_xlsx
from . import sale_incentive_settlement_statement
from . import sale_incentive_period_report
from . import sale_incentive_capitalization_report
