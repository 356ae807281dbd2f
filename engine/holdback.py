"""Holdbacks, deferred releases, overdue penalties and service spreading.

Seed: "提成总额中的80%按实际发放,20%按照5.2进行分配" (holdback 20 %, released
later times coefficients: "个人提成总额×20%×期间费用率系数×利润额系数"); "用户出现
欠款,每增加1户或1期,扣减该部10%的提成;出现3期欠款停发" (overdue penalty and
suspension); "客户月均服务金额=客户实际到帐金额÷会期" (spreading over months).
"""

from .money import multiply, percent_of, round_money, to_decimal, to_float
from .splits import split_amount


def holdback_split(amount, holdback_percent, *, digits):
    """Split ``amount`` into ``(pay_now, held)``, exact to ``digits``.

    ``held`` is ``holdback_percent`` % of the amount rounded half-up to
    ``digits``, and ``pay_now`` the rest, so both add up to the rounded amount.
    ``holdback_split(10_000, 20, digits=2) == (8000.0, 2000.0)``.

    :raise ValueError: when the percent is outside ``[0, 100]``.
    """
    if not 0 <= holdback_percent <= 100:
        raise ValueError("The holdback percent must be between 0 and 100.")
    total = to_decimal(round_money(amount, digits=digits))
    held = to_decimal(percent_of(amount, holdback_percent, digits=digits))
    return to_float(total - held), to_float(held)


def release_amount(held, *coefficients, digits):
    """Return the held amount to release: ``held`` times all coefficients.

    The product is exact and rounded once to ``digits``:
    ``release_amount(2000, 0.9, 1.1, digits=2) == 1980.0``.
    """
    return multiply(held, *coefficients, digits=digits)


def overdue_penalty(
    amount, overdue_count, penalty_percent=10.0, suspend_after=3, *, digits
):
    """Return ``(penalty, suspended)`` for a number of overdue invoices/periods.

    The penalty is ``-penalty_percent`` % of ``amount`` per overdue item,
    rounded to ``digits``, never more than the amount itself (it is returned
    with the opposite sign of ``amount``, ready to be added). ``suspended`` is True when
    ``overdue_count >= suspend_after`` (payment withheld until collected);
    ``suspend_after=None`` never suspends.

    :raise ValueError: on a negative count or percent.
    """
    if overdue_count < 0 or penalty_percent < 0:
        raise ValueError("The overdue count and penalty percent cannot be negative.")
    percent = min(to_decimal(penalty_percent) * overdue_count, to_decimal(100))
    penalty = -percent_of(amount, percent, digits=digits)
    suspended = suspend_after is not None and overdue_count >= suspend_after
    return penalty + 0.0, suspended


def spread_service(amount, months, *, digits):
    """Spread ``amount`` evenly over ``months``, exact to ``digits``.

    Earlier months take the remainder units:
    ``spread_service(100, 3, digits=2) == [33.34, 33.33, 33.33]``.

    :raise ValueError: when ``months`` is not a positive integer.
    """
    if not isinstance(months, int) or months <= 0:
        raise ValueError("The number of months must be a positive integer.")
    return split_amount(amount, [1] * months, digits=digits)
