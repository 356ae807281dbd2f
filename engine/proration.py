"""Earn commissions as invoices are paid (basis "paid").

A commission line keeps its full amount; what is earned is the amount times
the paid ratio of the invoice, rounded. Each payment (or unreconciliation)
earns the difference between the new and the previous rounded prorata, so the
increments always add up to the cent.
"""

from .money import round_money, to_decimal, to_float


def paid_ratio(paid, total):
    """Return ``paid / total`` clamped to ``[0, 1]``.

    Sign-aware: a refund of -100 with -40 paid is 0.4; a paid amount of the
    opposite sign gives 0.0. A zero total (nothing due) counts as fully paid,
    1.0, which earns nothing anyway since the commission of zero is zero.
    """
    total = to_decimal(total or 0)
    paid = to_decimal(paid or 0)
    if not total:
        return 1.0
    value = paid / total
    return to_float(min(max(value, to_decimal(0)), to_decimal(1)))


def prorate(amount, ratio, *, digits):
    """Return ``amount * ratio`` rounded half-up to ``digits`` decimals."""
    return round_money(to_decimal(amount) * to_decimal(ratio), digits=digits)


def earned_increment(amount, previous_ratio, new_ratio, *, digits):
    """Return what becomes earned when the paid ratio moves between two values.

    ``prorate(amount, new_ratio) - prorate(amount, previous_ratio)``: both are
    rounded first, so successive increments add up exactly to
    ``prorate(amount, last_ratio)``. Negative when the ratio decreases (an
    unreconciled payment takes back what it had earned).
    """
    earned = to_decimal(prorate(amount, new_ratio, digits=digits)) - to_decimal(
        prorate(amount, previous_ratio, digits=digits)
    )
    return round_money(earned, digits=digits)
