"""Capitalized commissions (ASC 340-40 / IFRS 15 §91-94): benefit period,
amortization schedule, caps and impairments.

Commissions that are incremental costs of obtaining a contract are an asset,
amortized over the months the contract's goods or services are delivered,
unless that period is one year or less (the practical expedient: expensed at
once).  Amortization is straight-line **by month**: each month of the benefit
period takes an equal part whatever its number of days, the month the period
starts in counting in full; the cent remainder goes to the last month so that
the parts add up to the whole.

All amounts are money rounded half-up to ``digits`` (the currency's decimal
places, 0, 2 or 3); no Odoo import.
"""

import calendar
import datetime
from decimal import ROUND_DOWN, Decimal

from .money import quantize, to_decimal, to_float
from .splits import split_amount

# the practical expedient: a benefit period of this many months or less is
# expensed at once
EXPEDIENT_MONTHS = 12


def month_end(day):
    """The last day of the month of ``day``."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day, months):
    """The first day of the month ``months`` after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def benefit_months(date_from, date_to):
    """Months of the period from ``date_from`` to ``date_to`` (both included),
    a started month counting in full.

    ``benefit_months(date(2026, 1, 1), date(2028, 12, 31)) == 36``;
    ``benefit_months(date(2026, 1, 15), date(2026, 2, 14)) == 1``.

    :raise ValueError: when the period ends before it starts.
    """
    if date_to < date_from:
        raise ValueError("A benefit period cannot end before it starts.")
    after = date_to + datetime.timedelta(days=1)
    months = (after.year - date_from.year) * 12 + after.month - date_from.month
    if after.day < date_from.day:
        months -= 1
    # what is left after the whole months is a started month
    whole_end = _shift_day(date_from, months)
    return months + (1 if whole_end < after else 0)


def _shift_day(day, months):
    """``day`` moved ``months`` months later, its day kept (clamped)."""
    first = add_months(day, months)
    last = calendar.monthrange(first.year, first.month)[1]
    return first.replace(day=min(day.day, last))


def uses_expedient(months, expedient, limit=EXPEDIENT_MONTHS):
    """Whether a benefit period of ``months`` is expensed at once: the
    company applies the practical expedient (``expedient``) and the period is
    ``limit`` months or less (a period of 0 months, unknown, never is
    capitalized either)."""
    if months <= 0:
        return True
    return bool(expedient) and months <= limit


def spread(amount, months, *, digits):
    """``amount`` in ``months`` equal parts, the remainder on the last one.

    ``spread(1000, 3, digits=2) == [333.33, 333.33, 333.34]``;
    ``spread(100, 3, digits=0) == [33, 33, 34]``.

    :raise ValueError: when ``months`` is not a positive integer.
    """
    if not isinstance(months, int) or months <= 0:
        raise ValueError("The number of months must be a positive integer.")
    total = quantize(amount, digits=digits)
    unit = Decimal(1).scaleb(-digits)
    sign = -1 if total < 0 else 1
    units = abs(total) / unit
    part = (units / months).to_integral_value(rounding=ROUND_DOWN)
    parts = [part] * (months - 1) + [units - part * (months - 1)]
    return [to_float(sign * value * unit) for value in parts]


def schedule(amount, date_from, months, *, digits):
    """[(date, amount)] of the monthly amortization of ``amount`` over
    ``months`` months from the month of ``date_from``: one row per month,
    dated its last day, straight-line with the remainder on the last row.

    ``schedule(3600, date(2026, 1, 1), 36, digits=2)[0] ==
    (date(2026, 1, 31), 100.0)``.
    """
    amounts = spread(amount, months, digits=digits)
    return [
        (month_end(add_months(date_from, index)), part)
        for index, part in enumerate(amounts)
    ]


def respread(remaining, count, *, digits):
    """What is ``remaining`` spread again over the ``count`` months left (a
    partial impairment lowers the months still to come); [] when none."""
    if count <= 0:
        return []
    return spread(remaining, count, digits=digits)


def capitalized_parts(amounts, expense, *, digits):
    """The capitalized part of each of the contracts' commission ``amounts``
    when the settlement's expense is ``expense``: the amounts themselves,
    unless the expense is smaller (a gate, a coefficient, a penalty took part
    of them back), then scaled down proportionally to it, exact to the cent.
    Never negative; the parts add up to ``min(sum(amounts), expense)``.

    ``capitalized_parts([3000, 1000], 2000, digits=2) == [1500.0, 500.0]``.
    """
    amounts = [max(to_decimal(amount), Decimal(0)) for amount in amounts]
    total = sum(amounts, Decimal(0))
    expense = max(to_decimal(expense), Decimal(0))
    if not total:
        return [0.0] * len(amounts)
    if total <= expense:
        return [to_float(quantize(amount, digits=digits)) for amount in amounts]
    return split_amount(expense, amounts, digits=digits)


def impairment(remaining, clawed, capitalized, *, digits):
    """What a clawback of ``clawed`` (positive) of a contract whose
    commission capitalized was ``capitalized`` writes off of the
    ``remaining`` asset: all of it when the whole commission is clawed back,
    else the same share of what remains.

    ``impairment(2400, 3600, 3600, digits=2) == 2400.0``;
    ``impairment(2400, 1800, 3600, digits=2) == 1200.0``.
    """
    remaining = to_decimal(remaining)
    clawed, capitalized = abs(to_decimal(clawed)), abs(to_decimal(capitalized))
    if remaining <= 0:
        return 0.0
    if not capitalized or clawed >= capitalized:
        return to_float(quantize(remaining, digits=digits))
    return to_float(quantize(remaining * clawed / capitalized, digits=digits))
