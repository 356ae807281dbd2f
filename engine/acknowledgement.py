"""Worked examples of a commission plan, for the document a beneficiary
acknowledges (issue 22.3).  No Odoo import.

An example is one period in which the beneficiary sells ``sales``: the
plan's commission on that base (computed by the ORM layer with the plan's
own rule) becomes one line group, and the period runs through the ONE
settlement pipeline (:func:`components.settle`) with the plan's policy: the
gate, coefficients, bands and holdback of the example are those a real
settlement applies.  Nothing here is a hand-written figure.
"""

import itertools

from .components import Facts, LineGroup, settle
from .money import round_money

# the example periods' sales as shares of the target (below, at, above)
TARGET_SHARES = (0.5, 1.0, 1.5)
# without a target: the example sales (in the plan's base unit)
DEFAULT_LEVELS = (10_000.0, 50_000.0, 100_000.0)


def example_levels(target, bounds=(), digits=2):
    """The sales of the example periods, ascending and distinct.

    ``target``: the beneficiary's target of one period (0: none);
    ``bounds``: the lower bounds of the plan's first table (brackets or pay
    bands): without a target, the examples fall inside its brackets (the
    middle of the first three closed ones, the last one doubled when open).
    """
    if target and target > 0:
        levels = [round_money(target * share, digits=digits) for share in TARGET_SHARES]
    else:
        positive = sorted({b for b in bounds if b and b > 0})
        if positive:
            edges = [0.0, *positive]
            levels = [
                round_money((low + high) / 2, digits=digits)
                for low, high in itertools.pairwise(edges)
            ]
            levels.append(round_money(positive[-1] * 1.5, digits=digits))
            levels = levels[-3:] if len(levels) > 3 else levels
        else:
            levels = list(DEFAULT_LEVELS)
    return sorted(set(levels))


def example_facts(sales, commission, target=0.0, count=1):
    """The :class:`Facts` of one example period: ``commission`` earned on
    ``sales`` (``count`` lines), the sales counting for the target, the
    pay bands and the team's sales (the beneficiary alone)."""
    return Facts(
        groups=[
            LineGroup(
                key=("example",),
                kind="commission",
                amount=commission,
                base=sales,
                count=count,
            )
        ],
        actual=sales,
        target=target or 0.0,
        team_sales=sales,
    )


def example(sales, commission, policy, target=0.0):
    """One worked example: {"sales", "commission", "components", "total",
    "held"} where ``components`` is the pipeline's result (the components
    of the period, with their amounts and explanation parameters) and
    ``held`` what the holdback and the service period defer."""
    result = settle(example_facts(sales, commission, target), policy)
    held = -sum(
        c.amount for c in result.components if c.component in ("holdback", "deferred")
    )
    return {
        "sales": sales,
        "commission": round_money(commission, digits=policy.digits),
        "components": result.components,
        "total": result.total,
        "held": round_money(held, digits=policy.digits),
    }
