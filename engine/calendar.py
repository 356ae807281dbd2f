"""The settlement calendar: a period's steps and their deadlines.

Each step of a company's calendar falls on a day of a month counted from the
period's month: the 25th of the period's month (offset 0) for the tracking
and the next month's plan, the 5th, 10th and 15th of the following month
(offset 1) for the records, the approvals and the payout of the period.  A
day the month does not have (the 31st in April) is the month's last day.
"""

import calendar
import datetime

from .periods import _as_date

STATES = ("todo", "late", "done")


def month_start(day):
    """The first day of the month of ``day``."""
    return _as_date(day).replace(day=1)


def add_months(day, months):
    """The first day of the month ``months`` after the month of ``day``
    (negative: before)."""
    day = _as_date(day)
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def step_deadline(period_start, day, month_offset=0):
    """The deadline of a step due on ``day`` of the month ``month_offset``
    months after the period's month; clamped to that month's last day.

    ``step_deadline(date(2026, 1, 1), 31, 1)`` is ``date(2026, 2, 28)``.

    :raise ValueError: on a day outside 1..31.
    """
    if not 1 <= day <= 31:
        raise ValueError(f"a day of the month is 1..31, not {day!r}")
    month = add_months(period_start, month_offset)
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=min(day, last))


def step_state(deadline, today, done):
    """``done``, ``late`` (the deadline passed) or ``todo``."""
    if done:
        return "done"
    return "late" if _as_date(today) > _as_date(deadline) else "todo"


def open_periods(today, offsets):
    """The period starts whose steps may still be due on ``today``: the
    current month and the months before it that a step's offset reaches
    (a step of offset 1 falls in the month after its period)."""
    today = _as_date(today)
    reach = max([0, *offsets])
    return [add_months(today, -back) for back in range(reach, -1, -1)]
