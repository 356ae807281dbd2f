"""Achievement ratios, capped coefficients and target gates.

Seed examples: "总目标达成率=实际完成销售额/目标销售额 (系数最高不超过1.2)" is
``achievement_coefficient(actual, target, cap=1.2)``; "未完成则无提成" is
``gate_passed(actual, target)``.
"""

from .money import to_decimal, to_float


def ratio(actual, target):
    """Return ``actual / target`` as a float, or 0.0 when ``target <= 0``.

    Not rounded: coefficients keep their precision until they multiply money.
    """
    if target is None or target <= 0:
        return 0.0
    return to_float(to_decimal(actual or 0) / to_decimal(target))


def capped(value, cap=None, floor=None):
    """Clamp ``value`` between ``floor`` and ``cap`` (each optional).

    ``capped(1.5, cap=1.2) == 1.2``; ``capped(0.5, floor=0.8) == 0.8``.
    A floor here is a guaranteed minimum; to pay nothing below a threshold use
    :func:`gate_passed` or :func:`.scoring.indicator_score`.

    :raise ValueError: when both are given and ``cap < floor``.
    """
    if cap is not None and floor is not None and cap < floor:
        raise ValueError("The cap cannot be lower than the floor.")
    if cap is not None and value > cap:
        return cap
    if floor is not None and value < floor:
        return floor
    return value


def achievement_coefficient(actual, target, cap=None, floor=None):
    """Return the achievement ratio ``actual / target`` clamped by cap/floor.

    ``achievement_coefficient(1_500_000, 1_000_000, cap=1.2) == 1.2``.
    A missing or non-positive target gives 0.0 before clamping.
    """
    return capped(ratio(actual, target), cap=cap, floor=floor)


def gate_passed(actual, target, strict=True):
    """Return whether ``actual`` passes the ``target`` gate.

    ``strict=True`` (the seed's "nothing unless actual > target") requires
    ``actual > target``; ``strict=False`` accepts ``actual >= target``.
    Amounts are compared exactly in Decimal, so float noise cannot decide.
    """
    actual = to_decimal(actual or 0)
    target = to_decimal(target or 0)
    return actual > target if strict else actual >= target
