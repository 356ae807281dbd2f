"""KPI-scored amount: a fixed amount paid in proportion to a scorecard score.

Seed 002 (城际物流营销部): 综合得分比例 × 1500 元 + 业绩指标完成额 × 4 %.
The score is the plan's weighted scorecard score as a ratio (1.0 = every
indicator at its target, the target of a points indicator being its full
marks: 8.5 points of 10 score 0.85).  The ratio paid is that score within
``[0, 1]``: a scorecard whose caps allow more than 100 % never pays more
than the amount, a negative score pays nothing.  No Odoo import.
"""

from .money import multiply, to_decimal, to_float


def score_ratio(score):
    """The share of the amount paid for ``score`` (a ratio): within [0, 1].

    ``score_ratio(0.85) == 0.85``, ``score_ratio(1.2) == 1.0``,
    ``score_ratio(None) == 0.0`` (no score: nothing is paid).
    """
    value = to_decimal(score or 0)
    return to_float(min(max(value, to_decimal(0)), to_decimal(1)))


def scored_amount(score, amount, *, digits):
    """``(ratio, paid)``: the ratio of ``score`` and ``ratio × amount``,
    rounded half-up once to ``digits`` decimals.

    ``scored_amount(0.85, 1500, digits=2) == (0.85, 1275.0)``.

    :raise ValueError: on a negative ``amount``.
    """
    if to_decimal(amount) < 0:
        raise ValueError("the KPI-scored amount cannot be negative")
    ratio = score_ratio(score)
    return ratio, multiply(amount, ratio, digits=digits)
