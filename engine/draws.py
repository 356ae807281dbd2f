"""Recoverable draws and non-recoverable guarantees (issue 22.2).  No Odoo
import.

A *recoverable draw* is an advance: while it is active, a period whose pay
is below the draw is topped up to it (component ``draw``), and the top-up
is added to the person's *balance*.  A later period paying more than the
draw gives back part of that excess (component ``draw_recovery``), up to the
recovery cap of a period, until the balance is 0.

The rule of the recovery: **it never brings the payment below the draw
while a draw is active**; once the draw has ended, it never brings the
payment below 0 (nor below an active guarantee).  So the recovery of a
period is the smallest of

* the balance carried in,
* the excess of the period's pay over the draw (over 0 once ended),
* the recovery cap per period (0: no cap).

What is not recovered stays in the balance and is carried to the next
period.  Example, a draw of 2,000 a month: commissions 500, 1,200, 5,000 pay
2,000 (draw 1,500), 2,000 (draw 800, balance 2,300), 2,700 (recovery 2,300
of the excess 3,000, balance 0).

A *guarantee* is a minimum paid for a ramp period (a new hire's first
months): a period paying less is topped up to it (component
``guarantee``), never recovered, never in the balance.

When the person leaves, the unrecovered balance is either forgiven (the
draws were expensed when paid: nothing more to book) or recovered: deducted
in full from the final payout; what the payout does not cover leaves a
negative total, owed like any negative total.

Money is rounded half-up to ``digits`` (the currency's decimals).
"""

from dataclasses import dataclass

from .money import round_money, to_decimal, to_float

KINDS = ("draw", "guarantee")
ON_LEAVE = ("forgive", "recover")


@dataclass(frozen=True)
class DrawTerms:
    """A person's draw terms on a plan for one period, read by the ORM.

    ``draw`` and ``guarantee``: the amounts per period of the draw and the
    guarantee active in the period (0: none active).  ``balance``: what was
    advanced and not recovered yet, carried in.  ``draw_id``: the draw term
    the balance belongs to (the active one, else the latest); ``guarantee_id``
    the active guarantee.  ``on_leave``: ``"forgive"`` or ``"recover"``.
    """

    balance: float = 0.0
    draw: float = 0.0
    recovery_cap: float = 0.0
    guarantee: float = 0.0
    draw_id: int | None = None
    guarantee_id: int | None = None
    on_leave: str = "forgive"


@dataclass(frozen=True)
class DrawOutcome:
    """What the draw terms add to a period: each amount is >= 0; ``draw``
    and ``guarantee`` are paid, ``recovery`` is deducted."""

    draw: float
    recovery: float
    guarantee: float
    balance: float  # carried out


def check_terms(terms):
    """The problems of ``terms`` (negative amounts, unknown modes)."""
    problems = [
        f"the {name} of a draw cannot be negative"
        for name in ("balance", "draw", "recovery_cap", "guarantee")
        if getattr(terms, name) < 0
    ]
    if terms.on_leave not in ON_LEAVE:
        problems.append(f"unknown leaving mode {terms.on_leave!r}")
    return problems


def settle_draw(subtotal, draw=0.0, cap=0.0, balance=0.0, guarantee=0.0, digits=2):
    """Top up, or recover from, a period paying ``subtotal``.

    :param draw: the active draw per period (0: no draw active; a balance
        left is then recovered from the positive pay)
    :param cap: the most recovered in one period (0: no cap)
    :param balance: advanced and not recovered yet, carried in
    :param guarantee: the active guarantee per period (0: none)
    :return: a :class:`DrawOutcome`
    :raise ValueError: on a negative draw, cap, balance or guarantee
    """
    if min(draw, cap, balance, guarantee) < 0:
        raise ValueError("draws, caps, balances and guarantees cannot be negative")
    subtotal = to_decimal(round_money(subtotal, digits=digits))
    draw = to_decimal(round_money(draw, digits=digits))
    guarantee = to_decimal(round_money(guarantee, digits=digits))
    balance = to_decimal(round_money(balance, digits=digits))
    zero = to_decimal(0)
    # the guarantee tops up first (never recovered), the draw the rest
    guaranteed = max(guarantee - subtotal, zero) if guarantee else zero
    drawn = max(draw - subtotal - guaranteed, zero) if draw else zero
    recovery = zero
    if not guaranteed and not drawn and balance:
        excess = subtotal - max(draw, guarantee)
        recovery = min(balance, max(excess, zero))
        if cap:
            recovery = min(recovery, to_decimal(round_money(cap, digits=digits)))
    return DrawOutcome(
        draw=to_float(drawn),
        recovery=to_float(recovery),
        guarantee=to_float(guaranteed),
        balance=to_float(balance + drawn - recovery),
    )


def leave(balance, on_leave, digits=2):
    """What happens to the balance of a leaver: ``(recovered, forgiven)``.

    ``"recover"``: the whole balance is deducted from the final payout (a
    negative total is the rest, owed); ``"forgive"``: it is written off.
    """
    if on_leave not in ON_LEAVE:
        raise ValueError(f"unknown leaving mode {on_leave!r}")
    if balance < 0:
        raise ValueError("a draw balance cannot be negative")
    balance = round_money(balance, digits=digits)
    if on_leave == "recover":
        return balance, 0.0
    return 0.0, balance
