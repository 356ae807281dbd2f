"""KPI scorecards: from indicator actuals to one weighted score.

Builds on :mod:`.scoring`; floors and caps are given in percent of the target
as users enter them (floor 60 = "below 60 % of the target scores 0", cap 120).
"""

from .money import to_decimal, to_float
from .scoring import indicator_score, weighted_score


def growth_percent(current, previous):
    """Growth of ``current`` over ``previous`` in percent (0.0 when no base).

    ``growth_percent(110, 100) == 10.0``.
    """
    previous = to_decimal(previous or 0)
    if previous <= 0:
        return 0.0
    return to_float((to_decimal(current or 0) - previous) / previous * 100)


def percent(part, whole):
    """``part / whole`` in percent, 0.0 when ``whole`` is not positive."""
    whole = to_decimal(whole or 0)
    if whole <= 0:
        return 0.0
    return to_float(to_decimal(part or 0) / whole * 100)


def scorecard(items):
    """Score a scorecard.

    :param items: iterable of dicts with ``weight`` (percent), ``actual``,
        ``target``, ``direction`` (``"higher"``/``"lower"``), ``floor`` and
        ``cap`` (percent of the target; 0/None = none).
    :return: ``(score, scores)``: the weighted score as a ratio and the
        list of each indicator's score (ratio, never negative).
    """
    scores = []
    for item in items:
        floor = item.get("floor") or None
        cap = item.get("cap") or None
        score = indicator_score(
            item["actual"],
            item["target"],
            item.get("direction", "higher"),
            floor=floor / 100 if floor is not None else None,
            cap=cap / 100 if cap is not None else None,
        )
        scores.append(max(score, 0.0))
    total = weighted_score(
        (item["weight"], score) for item, score in zip(items, scores, strict=True)
    )
    return total, scores
