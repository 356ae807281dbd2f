# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from . import demo_company
from . import demo_kpipay
from . import demo_calendar
from . import demo_grades
from . import demo_minprice
from . import demo_draws
from . import demo_acknowledge
from . import demo_capitalize
from . import demo_champions
