"""Grades: when a person's results move them to another grade (seed 002).

Pure functions, read by ``sale.incentive.grade.rule``:

* KPI streak (大客户体系人员每月必须完成5个营销中心任务后方考核达标; 如连续3个
  月未完成达标考核, 则自动调整为销售人员): a month passes when the indicator
  reaches the threshold; the person moves after ``months`` failed months in a
  row.
* Team targets (大客户总监季度考核, 团队个人业绩不达标比率超过50%, 则总监降级):
  the share of the team's members who missed their target over the quarter.
"""

import datetime

from .alerts import below
from .periods import period_bounds


def failed_streak(values, threshold):
    """Number of periods at the end of ``values`` (oldest first) below
    ``threshold``: ``failed_streak([6, 3, 4, 2], 5)`` is ``3``."""
    count = 0
    for value in reversed(values):
        if (value or 0.0) >= threshold:
            break
        count += 1
    return count


def streak_failed(values, threshold, months):
    """Whether the last ``months`` values are all below ``threshold``."""
    return months > 0 and failed_streak(values, threshold) >= months


def missed_share(results):
    """``(missed, counted, percent)`` of ``results`` ``[(target, achieved)]``:
    a member without a target (0) has nothing to miss and does not count."""
    counted = [(t, a) for t, a in results if t and t > 0]
    missed = sum(1 for target, achieved in counted if below(achieved, target, 100.0))
    percent = missed * 100.0 / len(counted) if counted else 0.0
    return missed, len(counted), percent


def team_failed(results, percent):
    """Whether more than ``percent`` % of the counted members missed."""
    missed, counted, share = missed_share(results)
    return bool(counted) and share > percent and missed > 0


def month_starts(date_from, date_to):
    """First days of the months from ``date_from`` to ``date_to``."""
    months = []
    day = period_bounds(date_from, "month")[0]
    while day <= date_to:
        months.append(day)
        day = period_bounds(day, "month")[1] + datetime.timedelta(days=1)
    return months


def last_months(day, count):
    """``count`` month starts ending with the month of ``day``, oldest first."""
    months = [period_bounds(day, "month")[0]]
    while len(months) < count:
        months.insert(
            0, period_bounds(months[0] - datetime.timedelta(days=1), "month")[0]
        )
    return months


def last_closed_period(today, period):
    """Bounds of the last period of ``period`` ended before ``today``."""
    start = period_bounds(today, period)[0]
    return period_bounds(start - datetime.timedelta(days=1), period)
