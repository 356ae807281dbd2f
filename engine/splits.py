"""Split an amount between beneficiaries, exact to the currency's unit.

Each part is first rounded down (toward zero) to the smallest unit of the
currency (``digits`` decimals: a cent, a yen, a fils), then the remaining
units go one by one to the parts with the largest remainders; ties go to the
earlier share, so the result is deterministic and the parts always add up to
the rounded amount.
"""

from decimal import ROUND_DOWN, Decimal

from .money import quantize, to_decimal, to_float

SHARE_TOLERANCE = 0.001


def split_amount(amount, shares, *, digits):
    """Split ``amount`` proportionally to ``shares``, exact to ``digits``.

    Shares are percents meant to add up to 100 (see :func:`validate_shares`);
    they are used relative to their total, so the parts always sum to
    ``round_money(amount, digits=digits)``. A negative amount gives negative
    parts mirroring the positive split.

    ``split_amount(100, [1, 1, 1], digits=2) == [33.34, 33.33, 33.33]``.

    :raise ValueError: when a share is negative or they add up to zero.
    """
    if len(shares) == 1 and shares[0] > 0:  # one beneficiary: the whole
        return [to_float(quantize(amount, digits=digits))]
    shares = [to_decimal(share) for share in shares]
    if any(share < 0 for share in shares):
        raise ValueError("Shares cannot be negative.")
    total_share = sum(shares, Decimal(0))
    if not total_share:
        raise ValueError("Shares must add up to more than zero.")
    total = quantize(amount, digits=digits)
    sign = -1 if total < 0 else 1
    unit = Decimal(1).scaleb(-digits)
    units = abs(total) / unit  # an integral Decimal
    raw = [units * share / total_share for share in shares]
    parts = [value.to_integral_value(rounding=ROUND_DOWN) for value in raw]
    left = int(units - sum(parts, Decimal(0)))
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for index in order[:left]:
        parts[index] += 1
    return [to_float(sign * part * unit) for part in parts]


def validate_shares(shares):
    """Return the problems of a list of share percents (empty when valid).

    Shares cannot be negative and must add up to 100 (tolerance 0.001).
    """
    shares = list(shares)
    errors = []
    if any(share < 0 for share in shares):
        errors.append("Shares cannot be negative.")
    total = sum((to_decimal(share) for share in shares), Decimal(0))
    if abs(total - 100) > to_decimal(SHARE_TOLERANCE):
        errors.append(f"Shares must add up to 100, not {to_float(total):g}.")
    return errors
