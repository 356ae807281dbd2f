from . import sale_incentive_target_generate
from . import sale_incentive_conflict_resolve
from . import sale_incentive_conflict_dispute
from . import sale_incentive_scorecard_report
from . import sale_incentive_settle_wizard
from . import sale_incentive_forfeit_wizard
from . import sale_incentive_plan_version_wizard
from . import sale_incentive_simulation
