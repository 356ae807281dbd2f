"""Money helpers: exact decimal arithmetic, half-up rounding, float results.

Floats are accepted everywhere for convenience, but every monetary result is
computed with :class:`decimal.Decimal` from the shortest ``repr`` of the inputs
and rounded half-up (away from zero), so that ``2.675`` rounds to ``2.68`` and
``-2.675`` to ``-2.68`` (refunds mirror invoices to the cent).

``digits`` (the currency's decimal places) is always given by the caller, as a
keyword: there is no default, a currency may have 0, 2 or 3 decimals.
"""

from decimal import ROUND_HALF_UP, Decimal


def to_decimal(value):
    """Return ``value`` (int, float, str or Decimal) as an exact ``Decimal``.

    Floats go through ``str`` so that ``0.1`` becomes ``Decimal("0.1")`` and
    not its binary approximation. ``None`` is treated as zero.
    """
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def quantize(value, *, digits):
    """Round a ``Decimal`` half-up to ``digits`` decimals and return a Decimal."""
    step = Decimal(1).scaleb(-digits)
    return to_decimal(value).quantize(step, rounding=ROUND_HALF_UP)


def to_float(value):
    """Return a Decimal as a float, turning ``-0.0`` into ``0.0``."""
    return float(value) + 0.0


def round_money(amount, *, digits):
    """Round ``amount`` half-up (away from zero) to ``digits`` decimals.

    :param amount: int, float, str or Decimal.
    :param digits: number of decimals (the currency's precision).
    :return: float, free of binary artefacts
        (``round_money(2.675, digits=2) == 2.68``).
    """
    return to_float(quantize(amount, digits=digits))


def multiply(amount, *factors, digits):
    """Return ``amount`` multiplied by all ``factors``, rounded once at the end.

    The product is computed exactly in Decimal, so that e.g.
    ``multiply(2000, 0.9, 1.1, digits=2) == 1980.0`` without float noise.
    """
    result = to_decimal(amount)
    for factor in factors:
        result *= to_decimal(factor)
    return round_money(result, digits=digits)


def percent_of(amount, percent, *, digits):
    """``percent`` % of ``amount``: ``percent_of(200, 2.5, digits=2) == 5.0``."""
    return round_money(to_decimal(amount) * to_decimal(percent) / 100, digits=digits)
