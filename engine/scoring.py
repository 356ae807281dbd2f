"""KPI scorecards: indicator scores as ratios and their weighted total.

A score is a ratio: ``1.0`` means 100 % of the target. Weights are percents
that must add up to 100.
"""

from .money import to_decimal, to_float

DIRECTIONS = ("higher", "lower")
WEIGHT_TOLERANCE = 0.01


def indicator_score(actual, target, direction="higher", floor=None, cap=None):
    """Return the score of one indicator as a ratio (1.0 = 100 %).

    * ``direction="higher"`` (revenue, visits…): ``actual / target``;
      0.0 when ``target <= 0``.
    * ``direction="lower"`` (complaints, overdue days…): ``target / actual``, so
      doing better than the target scores 1.0 or more. A negative actual counts
      as zero, and a zero actual (the best possible) scores ``cap`` when set,
      else 1.0. A non-positive target with a positive actual scores 0.0.

    Then a score below ``floor`` (a ratio, e.g. 0.6) becomes 0.0, and a score
    above ``cap`` (e.g. 1.2) becomes ``cap``.

    :raise ValueError: on an unknown ``direction``.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'higher' or 'lower', not {direction!r}")
    actual = to_decimal(actual or 0)
    target = to_decimal(target or 0)
    if direction == "higher":
        score = to_float(actual / target) if target > 0 else 0.0
    elif actual <= 0:
        score = 1.0 if cap is None else cap
    else:
        score = to_float(max(target, 0) / actual)
    if floor is not None and score < floor:
        return 0.0
    if cap is not None and score > cap:
        return cap
    return score


def weighted_score(items):
    """Return the weighted score, as a ratio, of ``(weight_percent, score)``.

    ``weighted_score([(40, 0.9), (20, 0.95), (20, 0.9), (20, 0.5)]) == 0.83``,
    computed in Decimal so that the result has no float noise. Weights are not
    renormalised: check them with :func:`validate_weights`.
    """
    total = sum(
        (to_decimal(weight) * to_decimal(score) for weight, score in items),
        to_decimal(0),
    )
    return to_float(total / 100)


def validate_weights(weights):
    """Return the problems of a list of weight percents (empty when valid).

    Weights cannot be negative and must add up to 100 (tolerance 0.01).
    """
    weights = list(weights)
    errors = []
    if any(weight < 0 for weight in weights):
        errors.append("Weights cannot be negative.")
    total = sum((to_decimal(weight) for weight in weights), to_decimal(0))
    if abs(total - 100) > to_decimal(WEIGHT_TOLERANCE):
        errors.append(f"Weights must add up to 100, not {to_float(total):g}.")
    return errors
