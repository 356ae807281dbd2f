"""Champions of a period and the non-money benefits of thresholds.  No Odoo
import.

The ORM layer reads the period's sales per beneficiary in one grouped query
(the credited base of the plan's earned lines, refunds deducted) and calls
these functions; the amounts become settlement components (step 9 of
:mod:`.components`), the benefits ``sale.incentive.benefit`` records.

Ties: the beneficiaries whose sales equal the best (to the currency's
digits) share the champion's award in equal parts, cent-exact (the parts add
up to the award, the first ones by key getting the leftover cents).  Nobody
is champion of a period whose best sales are zero or less.
"""

import datetime
from dataclasses import dataclass, field

from .money import round_money
from .periods import period_bounds
from .splits import split_amount

SCOPES = ("period", "quarter", "year")


@dataclass(frozen=True)
class Champion:
    """One beneficiary's title of champion and their part of the award."""

    scope: str  # period (the plan's own) / quarter / year
    base: float  # the champion's sales of the period
    count: int  # how many share the title (1: no tie)
    award: float  # the whole award of the period
    amount: float  # this beneficiary's part
    date_from: str = ""
    date_to: str = ""

    @property
    def message(self):
        """The explanation key of the component (MESSAGES)."""
        key = "champion" if self.scope == "period" else f"champion_{self.scope}"
        return f"{key}_tied" if self.count > 1 else key

    @property
    def params(self):
        params = {"base": self.base, "amount": self.amount}
        if self.scope != "period":
            params.update(date_from=self.date_from, date_to=self.date_to)
        if self.count > 1:
            params.update(count=self.count, award=self.award)
        return params


def best(totals, digits=2):
    """The keys of ``totals`` ({key: sales}) with the best positive sales,
    sorted (several on a tie); ``[]`` when nobody sold."""
    rounded = {
        key: round_money(value or 0.0, digits=digits) for key, value in totals.items()
    }
    if not rounded:
        return []
    top = max(rounded.values())
    if top <= 0:
        return []
    return sorted(key for key, value in rounded.items() if value == top)


def champions(totals, award, scope, digits=2, date_from="", date_to=""):
    """{key: Champion} of the period: the award shared by the best."""
    award = round_money(award or 0.0, digits=digits)
    winners = best(totals, digits)
    if award <= 0 or not winners:
        return {}
    parts = split_amount(award, [1.0] * len(winners), digits=digits)
    return {
        key: Champion(
            scope=scope,
            base=round_money(totals[key], digits=digits),
            count=len(winners),
            award=award,
            amount=part,
            date_from=str(date_from),
            date_to=str(date_to),
        )
        for key, part in zip(winners, parts, strict=True)
    }


def scope_bounds(date_to, scope):
    """(first day, last day) of the ``scope`` period ending with the month of
    ``date_to``, or None when ``date_to``'s month does not close one (a
    quarter closes in March, June, September and December, a year in
    December)."""
    bounds = period_bounds(date_to, scope)
    if bounds[1] != period_bounds(date_to, "month")[1]:
        return None
    return bounds


def window_start(date_to, months):
    """The first day of the ``months`` months ending with ``date_to``'s."""
    start = date_to.replace(day=1)
    index = start.year * 12 + start.month - 1 - (months - 1)
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class BenefitRule:
    """A benefit earned by reaching a threshold (``threshold``: the
    period's sales; ``threshold_window``: the sales of the ``window``
    months ending with the period; either reached is enough; 0: unused).
    ``first``: also be first of the ``"team"`` or the ``"plan"`` on the
    measure reached (``""``: no such condition).  Non-stackable rules
    exclude each other: of those reached, only the first in order is
    granted; stackable ones are granted with any other."""

    rule_id: int
    threshold: float = 0.0
    threshold_window: float = 0.0
    window: int = 3
    first: str = ""
    stackable: bool = True


@dataclass(frozen=True)
class Measure:
    """What one beneficiary sold: in the period, over windows of months
    ending with it (``{months: sales}``), and their team (a key, or None)."""

    period: float = 0.0
    windows: dict = field(default_factory=dict)
    team: object = None

    def value(self, how, months):
        """The sales measured ``how`` (``"period"`` or ``"window"``)."""
        if how == "period":
            return self.period
        return self.windows.get(months, 0.0)


def _is_first(key, measures, how, rule, digits):
    """Whether ``key`` is among the best of its team or of all on the
    measure ``how`` of ``rule`` (ties are all first)."""
    own = measures[key]
    pool = {
        other: measure.value(how, rule.window)
        for other, measure in measures.items()
        if rule.first != "team" or measure.team == own.team
    }
    return key in best(pool, digits)


def reaches(rule, key, measures, digits=2):
    """Which measure of ``key`` earns ``rule``: ``"period"``, ``"window"``
    or None."""
    measure = measures[key]
    for how, threshold in (
        ("period", rule.threshold),
        ("window", rule.threshold_window),
    ):
        if threshold <= 0:
            continue
        value = round_money(measure.value(how, rule.window), digits=digits)
        if value < round_money(threshold, digits=digits):
            continue
        if rule.first and not _is_first(key, measures, how, rule, digits):
            continue
        return how
    return None


def earned_benefits(rules, measures, keys=None, digits=2):
    """{key: [(rule_id, measure reached)]} of the beneficiaries ``keys``
    (default: all of ``measures``) under ``rules`` (in order)."""
    result = {}
    for key in sorted(measures if keys is None else keys):
        if key not in measures:
            continue
        granted, exclusive = [], False
        for rule in rules:
            if not rule.stackable and exclusive:
                continue
            how = reaches(rule, key, measures, digits)
            if how is None:
                continue
            granted.append((rule.rule_id, how))
            exclusive = exclusive or not rule.stackable
        if granted:
            result[key] = granted
    return result


def validity(date_to, months, offset=1):
    """(valid from, valid to) of a benefit earned in the period ending
    ``date_to``: ``months`` whole months starting ``offset`` months after
    the period's month (seed: the next month)."""
    start = date_to.replace(day=1)
    index = start.year * 12 + start.month - 1 + offset
    valid_from = datetime.date(index // 12, index % 12 + 1, 1)
    index += max(months, 1)
    valid_to = datetime.date(index // 12, index % 12 + 1, 1) - datetime.timedelta(1)
    return valid_from, valid_to
