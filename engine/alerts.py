"""Under-performance alerts (seed 002: 连续3个月未能完成定额60%).

A rep under-performs when their achievement stays below a percentage of
their target for a number of closed periods in a row.  A period without a
target (0 or none) breaks the streak: there is nothing to fall short of.
"""


def below(achieved, target, percent):
    """Whether ``achieved`` is below ``percent`` % of a positive ``target``."""
    if not target or target <= 0:
        return False
    return (achieved or 0.0) * 100.0 < target * percent


def trailing_streak(results, percent):
    """Number of periods at the end of ``results`` in a row below ``percent``.

    :param results: ``[(target, achieved)]``, oldest period first.
    """
    count = 0
    for target, achieved in reversed(results):
        if not below(achieved, target, percent):
            break
        count += 1
    return count


def streak_start(results, percent, periods):
    """Index in ``results`` of the first period of the streak that makes an
    alert, or None when the last ``periods`` periods are not all below.

    ``streak_start([(100, 90), (100, 50), (100, 40), (100, 30)], 60, 3)`` is
    ``1``: the streak started in the second period.
    """
    if periods <= 0:
        return None
    count = trailing_streak(results, percent)
    if count < periods:
        return None
    return len(results) - count
