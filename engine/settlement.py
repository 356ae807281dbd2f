"""Settlement arithmetic: what is paid now, held, released, and how it posts.

All amounts are money (rounded half-up to ``digits``); no Odoo import.
"""

from .money import round_money, to_decimal, to_float


def net_total(amounts, *, digits):
    """Return the exact sum of component ``amounts``, rounded once."""
    total = sum((to_decimal(amount) for amount in amounts), to_decimal(0))
    return round_money(total, digits=digits)


def posting_amounts(expense, held, released_from, released, *, digits):
    """Split a settlement into journal amounts.

    :param expense: sum of the components that are neither holdbacks nor
        releases (commissions, brackets, coefficients, clawbacks...).
    :param held: amount deferred by this settlement (positive).
    :param released_from: the held amounts this settlement releases (positive,
        what the holdback liability carries).
    :param released: what is paid out of them (after release coefficients).
    :return: dict with ``expense`` (debit, negative = credit),
        ``holdback_debit`` (liability cleared), ``holdback_credit`` (liability
        created) and ``payable`` (credit); debits equal credits.

    ``posting_amounts(10000, 2000, 0, 0)`` gives an expense of 10,000, a
    holdback credit of 2,000 and a payable of 8,000; releasing 2,000 as 1,980
    gives an expense of -20 (a gain), a holdback debit of 2,000 and a payable
    of 1,980.
    """
    expense = to_decimal(round_money(expense, digits=digits))
    held = to_decimal(round_money(held, digits=digits))
    released_from = to_decimal(round_money(released_from, digits=digits))
    released = to_decimal(round_money(released, digits=digits))
    payable = expense - held + released
    return {
        "expense": to_float(expense - released_from + released),
        "holdback_debit": to_float(released_from),
        "holdback_credit": to_float(held),
        "payable": to_float(payable),
    }


def months_overdue(due_date, period_end):
    """Number of started months an invoice due on ``due_date`` is overdue.

    0 when not yet due at ``period_end``; 1 as soon as it is overdue, 2 when it
    was already overdue a month before, and so on.
    """
    if due_date is None or due_date >= period_end:
        return 0
    months = (period_end.year - due_date.year) * 12 + period_end.month - due_date.month
    if period_end.day <= due_date.day:
        months -= 1
    return max(months, 0) + 1
