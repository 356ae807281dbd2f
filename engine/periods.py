"""Settlement periods: month, quarter and year bounds as ``datetime.date``."""

import calendar
import datetime

PERIODS = ("month", "quarter", "year")
# months in each period: SQL period ends are ``start + N months - 1 day``
# (PostgreSQL has no 'quarter' interval unit)
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _as_date(day):
    """Return ``day`` as a ``datetime.date`` (a datetime loses its time)."""
    if isinstance(day, datetime.datetime):
        return day.date()
    return day


def period_bounds(day, period):
    """Return ``(date_from, date_to)``, both inclusive, of the period of ``day``.

    ``period_bounds(date(2025, 5, 17), "quarter")`` is
    ``(date(2025, 4, 1), date(2025, 6, 30))``.

    :param day: a ``datetime.date`` (or datetime).
    :param period: ``"month"``, ``"quarter"`` or ``"year"``.
    :raise ValueError: on an unknown period.
    """
    day = _as_date(day)
    if period == "month":
        first_month, last_month = day.month, day.month
    elif period == "quarter":
        first_month = (day.month - 1) // 3 * 3 + 1
        last_month = first_month + 2
    elif period == "year":
        first_month, last_month = 1, 12
    else:
        raise ValueError(f"period must be one of {PERIODS}, not {period!r}")
    last_day = calendar.monthrange(day.year, last_month)[1]
    return (
        datetime.date(day.year, first_month, 1),
        datetime.date(day.year, last_month, last_day),
    )


def previous_period(date_from, period):
    """Return the bounds of the period just before the one of ``date_from``."""
    start = period_bounds(date_from, period)[0]
    return period_bounds(start - datetime.timedelta(days=1), period)
