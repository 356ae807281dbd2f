from . import sale_incentive_settlement_xlsx
