"""Bracket tables: whole-amount (全额累进) and marginal (超额累进) commissions.

A table is a list of :class:`Bracket`, sorted and contiguous: the first one
starts at ``lower >= 0``, each next one starts where the previous one ends, and
only the last one may be open-ended (``upper=None``). An amount beyond the
upper bound of a closed last bracket stays in that last bracket.

``boundary`` decides which bracket a boundary value belongs to:

* ``"lower"``: lower bound included, ``[lower, upper)`` -- "达到10万即按1.5%":
  exactly 100,000 already earns the 100,000 bracket;
* ``"upper"``: upper bound included, ``(lower, upper]`` -- "90–150万(含)":
  exactly 1,500,000 still earns the 900,000–1,500,000 bracket.

Rates are percentages (``2.0`` means 2 %). ``fixed`` is an amount paid when the
bracket is reached (amount tables, step bonuses). Negative amounts (refunds)
are computed on their absolute value and returned negative. Commissions are
rounded to ``digits``, the currency's decimal places (a required keyword).
"""

from dataclasses import dataclass

from .money import quantize, to_decimal, to_float

BOUNDARIES = ("lower", "upper")


@dataclass(frozen=True)
class Bracket:
    """One row of a bracket table.

    :param lower: start of the bracket (amount, >= 0).
    :param upper: end of the bracket, ``None`` when open-ended.
    :param rate: commission rate in percent (``2.0`` = 2 %).
    :param fixed: fixed amount paid when the bracket is reached.
    """

    lower: float
    upper: float | None
    rate: float
    fixed: float = 0.0


def _same(left, right):
    """Return whether two bounds are equal, ignoring float noise."""
    return to_decimal(left) == to_decimal(right)


def validate_brackets(brackets):
    """Return the list of problems of a bracket table (empty when valid).

    Checks: at least one bracket; first lower >= 0; upper > lower; rate >= 0;
    fixed >= 0; only the last bracket open-ended; each lower equal to the
    previous upper (a greater one is a hole, a smaller one an overlap).

    :param brackets: iterable of :class:`Bracket`, in table order.
    :return: list of short English messages, for the caller to translate.
    """
    brackets = list(brackets)
    errors = []
    if not brackets:
        return ["A bracket table needs at least one bracket."]
    if brackets[0].lower < 0:
        errors.append("The first bracket must start at zero or more.")
    last = len(brackets) - 1
    for index, bracket in enumerate(brackets):
        label = f"Bracket {index + 1}"
        if bracket.rate < 0:
            errors.append(f"{label}: the rate cannot be negative.")
        if bracket.fixed < 0:
            errors.append(f"{label}: the fixed amount cannot be negative.")
        if bracket.upper is None:
            if index != last:
                errors.append(f"{label}: only the last bracket may be open-ended.")
        elif bracket.upper <= bracket.lower:
            errors.append(f"{label}: the upper bound must exceed the lower bound.")
        if index:
            previous = brackets[index - 1].upper
            if previous is None or _same(previous, bracket.lower):
                continue
            if bracket.lower > previous:
                errors.append(f"{label}: hole after the previous bracket.")
            else:
                errors.append(f"{label}: overlaps the previous bracket.")
    return errors


def _check_boundary(boundary):
    """Raise ValueError when ``boundary`` is neither 'lower' nor 'upper'."""
    if boundary not in BOUNDARIES:
        raise ValueError(f"boundary must be 'lower' or 'upper', not {boundary!r}")


def _reaches(amount, bracket, boundary):
    """Return whether a non-negative Decimal ``amount`` reaches ``bracket``."""
    lower = to_decimal(bracket.lower)
    if boundary == "lower":
        return amount >= lower
    return amount > lower


def bracket_for(amount, brackets, boundary="lower"):
    """Return the bracket reached by ``amount`` or None if below the first one.

    The sign of ``amount`` is ignored (a refund falls in the bracket of the
    sale it reverses). Beyond a closed last bracket, the last one is returned.

    :param amount: the base (order total, period cumulative…).
    :param brackets: a valid table (see :func:`validate_brackets`).
    :param boundary: ``"lower"`` for ``[lower, upper)``, ``"upper"`` for
        ``(lower, upper]``.
    """
    _check_boundary(boundary)
    amount = abs(to_decimal(amount))
    reached = None
    for bracket in brackets:
        if not _reaches(amount, bracket, boundary):
            break
        reached = bracket
    return reached


def whole_amount(amount, brackets, boundary="lower", *, digits):
    """Whole-amount commission (全额累进): one rate on the whole amount.

    The rate of the bracket reached applies to the whole amount, plus that
    bracket's fixed amount. Nothing is earned below the first bracket, nor on a
    zero amount (even if the first bracket has a fixed amount).

    :return: ``(commission, bracket)``; commission rounded to ``digits`` and
        negative for a negative amount; bracket is None when none is reached.
    """
    bracket = bracket_for(amount, brackets, boundary)
    value = to_decimal(amount)
    if bracket is None or not value:
        return 0.0, bracket
    base = abs(value)
    commission = quantize(
        base * to_decimal(bracket.rate) / 100 + to_decimal(bracket.fixed),
        digits=digits,
    )
    if value < 0:
        commission = -commission
    return to_float(commission), bracket


def marginal(amount, brackets, boundary="lower", *, digits):
    """Marginal commission (超额累进): each slice of the amount at its own rate.

    Slices are continuous: the part of the amount between a bracket's lower and
    upper bound earns that bracket's rate (the part below the first bracket
    earns nothing). ``boundary`` only decides whether an amount equal to a bound
    has reached the next bracket, which matters for its fixed amount: every
    bracket reached pays its ``fixed`` once. Zero-width slices are listed only
    when their bracket pays a fixed amount. A zero amount earns nothing.

    :return: ``(commission, slices)`` where slices is a list of
        ``(bracket, slice_amount, slice_commission)``; each slice is rounded to
        ``digits`` and the commission is their exact sum. All values are negative
        for a negative amount.
    """
    brackets = list(brackets)
    reached = bracket_for(amount, brackets, boundary)
    value = to_decimal(amount)
    if reached is None or not value:
        return 0.0, []
    base = abs(value)
    sign = -1 if value < 0 else 1
    slices = []
    total = 0
    for bracket in brackets:
        lower = to_decimal(bracket.lower)
        top = base if bracket is reached else min(base, to_decimal(bracket.upper))
        width = max(top - lower, 0)
        commission = quantize(
            width * to_decimal(bracket.rate) / 100 + to_decimal(bracket.fixed),
            digits=digits,
        )
        if width or bracket.fixed:
            total += commission
            slices.append(
                (
                    bracket,
                    to_float(sign * quantize(width, digits=digits)),
                    to_float(sign * commission),
                )
            )
        if bracket is reached:
            break
    return to_float(sign * total), slices


MODES = ("whole", "marginal")


def table_amount(amount, brackets, mode="whole", boundary="lower", *, digits):
    """THE commission of a bracket table on ``amount``: :func:`whole_amount`
    or :func:`marginal` as ``mode`` says.

    Every table of the module (per line, per order, per period) is evaluated
    here; a period-table line carries ``table_amount(period total after it)
    - table_amount(period total before it)``.

    :return: ``(commission, bracket)``: commission rounded to ``digits`` and
        signed like ``amount``; the bracket reached (None below the first).
    :raise ValueError: on an unknown ``mode`` or ``boundary``.
    """
    if mode == "whole":
        return whole_amount(amount, brackets, boundary, digits=digits)
    if mode != "marginal":
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    commission, _slices = marginal(amount, brackets, boundary, digits=digits)
    return commission, bracket_for(amount, brackets, boundary)
