"""Earn a share of a commission from exact amounts.

Used for the paid basis (what successive payments of an invoice earn) and for
credit notes (what a credit note claws back of the line it reverses). Shares
are never stored rounded: each result is computed in :class:`decimal.Decimal`
from the amounts themselves and rounded once, and a share that reaches the
whole gives the whole amount exactly, so that the parts always add up to it.
"""

from decimal import Decimal

from .money import quantize, to_decimal, to_float


def prorate(amount, part, whole, *, digits):
    """Return ``amount * part / whole`` rounded half-up to ``digits`` decimals.

    The share ``part / whole`` is clamped to ``[0, 1]`` (sign-aware: a part of
    the opposite sign of ``whole`` is 0) and a share of 1 gives ``amount``
    itself; a zero ``whole`` counts as wholly covered.
    """
    amount = to_decimal(amount)
    part, whole = to_decimal(part), to_decimal(whole)
    if not whole or part / whole >= 1:
        return to_float(quantize(amount, digits=digits))
    if part / whole <= 0:
        return 0.0
    return to_float(quantize(amount * part / whole, digits=digits))


def earned_increments(amount, total, payments, *, digits):
    """Return what each of successive ``payments`` of ``total`` earns of ``amount``.

    After payments ``p1 .. pk`` (in their order) the earned total is
    ``prorate(amount, p1 + .. + pk, total)``: exact, rounded once, and the
    whole ``amount`` once the total is paid. Each payment earns the difference
    between the earned totals after and before it, so the increments add up
    exactly to what is earned, and to ``amount`` when fully paid.

    ``earned_increments(100, 300, [100, 100, 100], digits=2) ==
    [33.33, 33.34, 33.33]``.
    """
    increments = []
    paid = Decimal(0)
    previous = Decimal(0)
    for payment in payments:
        paid += to_decimal(payment)
        earned = to_decimal(prorate(amount, paid, total, digits=digits))
        increments.append(to_float(earned - previous))
        previous = earned
    return increments
