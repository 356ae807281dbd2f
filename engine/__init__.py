"""Pure calculation layer of ``sale_incentive``: no Odoo import here.

Every function takes and returns plain Python values (floats, lists, tuples,
``datetime.date``) so that it can be unit-tested without a database and reused
by the ORM layer, the simulation wizard and the reports alike.
"""

from . import (
    acknowledgement,
    alerts,
    brackets,
    coefficients,
    components,
    holdback,
    money,
    periods,
    proration,
    scoring,
    splits,
    tiers,
)
from .money import round_money

__all__ = [
    "acknowledgement",
    "alerts",
    "brackets",
    "coefficients",
    "components",
    "holdback",
    "money",
    "periods",
    "proration",
    "round_money",
    "scoring",
    "splits",
]
