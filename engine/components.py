"""The settlement as one ordered pipeline: period facts + plan policy in,
explained components out.  No Odoo import.

The ORM layer (``sale.incentive.settlement``) reads the facts of every
beneficiary of a plan and period in batch (SQL), builds one :class:`Facts`
per beneficiary and one :class:`Policy` per plan, calls :func:`settle` and
writes the returned components.  Everything here is plain data so that the
arithmetic is tested without a database, and the simulation and the
forfeiture use the very same pipeline.

Money is rounded half-up to ``Policy.digits`` (the currency's decimals) at
every component; a component's amount is what it adds to the total.  The
components of one result always add up to ``Result.total``.

Explanations are not text: each component carries a ``message`` key and
``params`` (JSON-safe: numbers, ISO dates, names, lists of numbers, ``None``)
that the ORM layer renders in the reader's language.  :data:`MESSAGES` lists
every key with its parameters; money parameters are listed in
:data:`MONEY_PARAMS`, so the renderer formats them with the currency.

The pipeline of a regular settlement, in this order (the numbers are those
of the plan form and the seeds); the *subtotal* is the sum of the components
so far:

1. ``commission``: the line commissions (:class:`LineGroup` of kind
   ``"commission"``), one component;
2. (no step) period-cumulative bracket tables pay on their lines: each line
   carries its increment of its period's table, so the line groups of step 1
   and 12 already hold what the tables pay (a late line of a settled period
   is its true-up);
3. target gate (nothing is paid unless the target is passed);
4. achievement coefficient; 5. KPI score; 4b. new-product coefficient
   (each multiplies a positive subtotal);
5b. ``kpi_amount``: the plan's KPI-scored amount x the scorecard score
   (:mod:`.kpipay`), added beside the commission, never multiplied;
7. manager overrides; 8. team pool shares; 9. champion and threshold awards;
13. overdue penalty, or the suspension of the whole payout (a single
   ``suspended`` component; the lines, carries, holdbacks and adjustments
   stay open);
14. ``adjustment``: the manual adjustments approved by a manager
    (:class:`Adjustment`), one component each, with their reason;
12. ``clawback``: the credit notes (:class:`LineGroup` of kind
    ``"clawback"``), one component;
15. ``carry``: the negative totals of earlier settlements, one each;
10. service-period spreading and holdback, only of a positive subtotal;
11. releases of the matured :class:`Holdback` -- ALWAYS, even after a
    negative month (only the net total is carried);
6. the pay band reached, paid in full;
22. ``draw`` / ``draw_recovery`` / ``guarantee``: the person's draw terms
    (:mod:`.draws`), last, on what the period pays now: the advance is never
    held back, deferred nor multiplied, and a release paid now counts.

A forfeiture (``Policy.forfeit_percent`` set) runs 1, 14, 12 and 15, releases
every holdback given at face value (no coefficient), then adds one
``forfeit`` component so that exactly ``forfeit_percent`` % of the positive
subtotal is paid.  A subtotal of zero or less gets no ``forfeit`` component:
nothing is paid and a negative total stays on the record as the amount the
leaver owes (carried like any negative total), never written off nor turned
into a payment.  Last, the unrecovered draw balance is forgiven
(``draw_forgiven``, 0 money) or recovered from that payout (``draw_recovery``).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from . import brackets as bracket_engine
from . import coefficients, draws, holdback, kpi, kpipay
from .money import multiply, percent_of, round_money, to_decimal, to_float
from .settlement import net_total

# parameters of explanations that are money (formatted with the currency)
MONEY_PARAMS = frozenset(
    {
        "amount",
        "base",
        "actual",
        "target",
        "held",
        "pool",
        "total",
        "threshold",
        "new",
        "lower",
        "upper",
        "base_pay",
        "perf",
        "subtotal",
        "measure",
        "owed",
        "paid",
        # the period-table components of settlements written before period
        # tables paid per line (``bracket``, ``bracket_true_up``), still shown
        "settled_base",
        "period_total",
        "paid_before",
        "table_amount",
        "line_amount",
        # the KPI-scored amount at full marks (``kpi_amount``)
        "full",
        # draws and guarantees (issue 22.2)
        "draw",
        "guarantee",
        "balance",
        "recovery_cap",
        # a champion's award shared on a tie (the whole award)
        "award",
    }
)

# explanation key -> the names of its params (the renderer's contract).
# Not money: counts, ``percent`` (a percentage: 20 = 20 %), ``ratio``,
# ``coefficient``, ``factor``, ``score``, ``cap``, ``floor`` (ratios: 1.2 =
# x1.2), ``coefficients`` (list of ratios), ``share_percent``,
# ``target_percent``, ``achievement``, ``lower_percent``, ``upper_percent``
# (percentages), ``index``/``months``, dates (ISO strings), names, and
# ``gate`` ("above": actual must exceed the target, "reach": reach it),
# ``measure_kind`` ("sales"/"team_sales"),
# ``reason`` (the forfeit reason key). ``upper``/``upper_percent`` are None
# for an open-ended band.
MESSAGES = {
    "commission": ("count", "date_to", "amount", "base"),
    "gate_passed": ("gate", "actual", "target", "subtotal"),
    "gate_failed": ("gate", "actual", "target", "subtotal"),
    "coefficient": (
        "actual",
        "target",
        "ratio",
        "coefficient",
        "cap",
        "floor",
        "subtotal",
    ),
    "kpi": ("score", "subtotal"),
    # ``percent``: the score ratio paid, in percent (85 = 85 %)
    "kpi_amount": ("score", "percent", "full", "amount"),
    "new_products": (
        "new",
        "actual",
        "share_percent",
        "target_percent",
        "coefficient",
        "cap",
        "subtotal",
    ),
    "override": ("team", "percent", "base"),
    "pool": ("team", "pool", "base", "total"),
    "champion": ("base", "amount"),
    # champions of the quarter and year of a monthly plan, and ties (the
    # award shared by ``count`` champions): engine/champions.py
    "champion_tied": ("base", "amount", "count", "award"),
    "champion_quarter": ("base", "amount", "date_from", "date_to"),
    "champion_quarter_tied": (
        "base",
        "amount",
        "date_from",
        "date_to",
        "count",
        "award",
    ),
    "champion_year": ("base", "amount", "date_from", "date_to"),
    "champion_year_tied": ("base", "amount", "date_from", "date_to", "count", "award"),
    "threshold_award": ("actual", "threshold", "amount"),
    "overdue": ("count", "percent", "subtotal"),
    "suspended": ("count", "suspend_after", "subtotal"),
    "clawback": ("count", "date_to", "amount", "base"),
    "carry": ("name", "amount"),
    "deferred": ("index", "months", "subtotal", "amount", "date"),
    "holdback": ("percent", "subtotal", "held", "date"),
    "release_deferred": ("held", "count"),
    "release_holdback": ("held", "count", "coefficients", "factor", "amount"),
    "band": ("measure_kind", "measure", "lower", "upper", "base_pay", "perf"),
    "band_achievement": (
        "achievement",
        "lower_percent",
        "upper_percent",
        "base_pay",
        "perf",
    ),
    "forfeit": ("reason", "percent", "owed", "paid", "amount"),
    # ``note``: the manager's reason; ``reference``: the source document
    "adjustment": ("note", "date", "amount"),
    "adjustment_document": ("note", "date", "amount", "reference"),
    # draws and guarantees (issue 22.2); ``balance``: carried out
    "guarantee": ("guarantee", "subtotal", "amount"),
    "draw": ("draw", "subtotal", "amount", "balance"),
    "draw_recovery": ("draw", "subtotal", "amount", "balance"),
    "draw_recovery_capped": ("draw", "subtotal", "amount", "recovery_cap", "balance"),
    "draw_recovered": ("amount", "balance"),
    "draw_forgiven": ("balance",),
}

TARGET_GATES = ("none", "above", "reach")
BAND_MEASURES = ("sales", "team_sales", "achievement")
GROUP_KINDS = ("commission", "clawback")
HOLDBACK_KINDS = ("holdback", "deferred")


@dataclass(frozen=True)
class LineGroup:
    """Unsettled earned commission lines of one beneficiary settled together.

    ``kind`` is ``"commission"`` (sales, payments) or ``"clawback"`` (credit
    notes).  ``key`` is opaque to the engine: it is echoed in
    :attr:`Component.sources` so that the ORM links the lines to the
    component that settles them.
    """

    key: tuple
    kind: str
    amount: float
    base: float
    count: int


@dataclass(frozen=True)
class Holdback:
    """A held (``"holdback"``) or deferred (``"deferred"``) amount to release.

    ``coefficients`` multiply a holdback when released (finance's expense
    ratio and profit coefficients); a deferred service-period part is
    released as it is.
    """

    component_id: int
    kind: str
    held: float
    source_key: tuple = ()
    coefficients: tuple = ()


@dataclass(frozen=True)
class Adjustment:
    """A manual adjustment approved by a manager: an amount, its reason, the
    date it belongs to and, optionally, the name of its source document."""

    adjustment_id: int
    amount: float
    note: str
    date: str
    reference: str = ""


@dataclass(frozen=True)
class Carry:
    """A negative total of an earlier settlement, deducted from this one."""

    settlement_id: int
    name: str
    amount: float


@dataclass(frozen=True)
class TeamOverride:
    team_name: str
    team_base: float


@dataclass(frozen=True)
class PoolShare:
    team_name: str
    amount: float
    pool: float
    base: float
    team_base: float


@dataclass(frozen=True)
class PayBand:
    amount_from: float
    amount_to: float
    base_pay: float
    performance_pay: float


@dataclass
class Facts:
    """What one beneficiary did in the period, read in batch by the ORM."""

    groups: list = field(default_factory=list)  # [LineGroup]
    actual: float = 0.0  # sales base earned in the period (targets, bands)
    new_product_sales: float = 0.0
    target: float = 0.0
    kpi_score: float | None = None
    overdue_count: int = 0
    team_sales: float = 0.0
    overrides: list = field(default_factory=list)  # [TeamOverride]
    pools: list = field(default_factory=list)  # [PoolShare]
    champion_base: float | None = None
    champions: list = field(default_factory=list)  # [champions.Champion]
    holdbacks: list = field(default_factory=list)  # [Holdback], matured
    carries: list = field(default_factory=list)  # [Carry]
    adjustments: list = field(default_factory=list)  # [Adjustment], approved
    draw: draws.DrawTerms | None = None  # the person's draw terms


@dataclass(frozen=True)
class Policy:
    """The plan's settlement policy, as plain values."""

    digits: int
    date_to: str = ""
    target_gate: str = "none"  # none / above / reach
    use_achievement_coefficient: bool = False
    achievement_cap: float = 0.0
    achievement_floor: float = 0.0
    use_kpi_score: bool = False
    kpi_scored_amount: float = 0.0  # paid x the score ratio (kpipay)
    new_product_target_ratio: float = 0.0
    new_product_cap: float = 0.0
    override_percent: float = 0.0
    champion_award: float = 0.0
    threshold_award_amount: float = 0.0
    threshold_award_base: float = 0.0
    overdue_penalty_percent: float = 0.0
    overdue_suspend_after: int = 0
    service_months: int = 0
    service_release_dates: tuple = ()  # ISO dates of months 2..N
    holdback_percent: float = 0.0
    holdback_release_date: str = ""
    bands: tuple = ()  # (PayBand, ...) sorted by amount_from
    band_measure: str = "sales"  # sales / team_sales / achievement
    band_boundary: str = "lower"
    # forfeiture: pay this % of everything owed (None: a regular settlement)
    forfeit_percent: float | None = None
    forfeit_reason: str = ""


@dataclass
class Component:
    """One explained component; becomes a ``sale.incentive.settlement.line``."""

    component: str  # selection key of sale.incentive.settlement.line
    amount: float
    message: str  # explanation key, rendered by the ORM layer
    params: dict = field(default_factory=dict)
    base_amount: float = 0.0
    factor: float = 0.0
    rule_id: int | None = None
    release_date: str | None = None
    held_amount: float = 0.0
    carry_from_id: int | None = None
    sources: tuple = ()  # keys of the LineGroups it settles
    holdback_ids: tuple = ()  # Holdback.component_id it releases
    adjustment_id: int | None = None  # Adjustment.adjustment_id it pays
    draw_id: int | None = None  # the draw term it advances or recovers
    draw_balance: float = 0.0  # what it adds to the draw balance


@dataclass
class Result:
    components: list
    suspended: bool
    total: float


# ----------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------
def _iso(value):
    """An ISO date string (``datetime.date`` or already a string)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value or ""


def _product(factors):
    """Exact product of ratios, as a float (1.0 for none)."""
    result = Decimal(1)
    for factor in factors:
        result *= to_decimal(factor)
    return to_float(result)


@dataclass
class _Run:
    """The components built so far for one beneficiary."""

    facts: Facts
    policy: Policy
    components: list = field(default_factory=list)
    suspended: bool = False

    def money(self, value):
        return round_money(value, digits=self.policy.digits)

    def sum(self, values):
        """Exact sum of ``values``, rounded once."""
        return net_total(values, digits=self.policy.digits)

    @property
    def subtotal(self):
        return self.sum(component.amount for component in self.components)

    def add(self, component, message, amount, params, **values):
        item = Component(
            component=component,
            amount=self.money(amount),
            message=message,
            params=params,
            **values,
        )
        self.components.append(item)
        return item


# ----------------------------------------------------------------------
# Steps, in pipeline order
# ----------------------------------------------------------------------
def _line_groups(run, kind):
    """One component for all the line groups of ``kind``."""
    groups = [group for group in run.facts.groups if group.kind == kind]
    if not groups:
        return
    amount = run.sum(group.amount for group in groups)
    base = run.sum(group.base for group in groups)
    params = {
        "count": sum(group.count for group in groups),
        "date_to": _iso(run.policy.date_to),
        "amount": amount,
        "base": base,
    }
    run.add(
        kind,
        kind,
        amount,
        params,
        base_amount=base,
        sources=tuple(group.key for group in groups),
    )


def _commissions(run):
    """1. line commissions."""
    _line_groups(run, "commission")


def _gate(run):
    """3. target gate: below the target, the subtotal is taken back."""
    policy, facts = run.policy, run.facts
    if policy.target_gate == "none":
        return
    passed = coefficients.gate_passed(
        facts.actual, facts.target, strict=policy.target_gate == "above"
    )
    subtotal = run.subtotal
    params = {
        "gate": policy.target_gate,
        "actual": run.money(facts.actual),
        "target": run.money(facts.target),
        "subtotal": subtotal,
    }
    run.add(
        "gate",
        "gate_passed" if passed else "gate_failed",
        0.0 if passed or subtotal <= 0 else -subtotal,
        params,
        base_amount=params["actual"],
    )


def _scale(run, component, message, factor, params):
    """Multiply the positive subtotal by ``factor`` (adds the difference)."""
    subtotal = run.subtotal
    params = dict(params, subtotal=subtotal)
    run.add(
        component,
        message,
        multiply(subtotal, factor, digits=run.policy.digits) - subtotal,
        params,
        base_amount=subtotal,
        factor=factor,
    )


def _achievement(run):
    """4. achievement coefficient: actual / target, capped."""
    policy, facts = run.policy, run.facts
    if not policy.use_achievement_coefficient or run.subtotal <= 0:
        return
    coefficient = coefficients.achievement_coefficient(
        facts.actual,
        facts.target,
        cap=policy.achievement_cap or None,
        floor=policy.achievement_floor or None,
    )
    params = {
        "actual": run.money(facts.actual),
        "target": run.money(facts.target),
        "ratio": coefficients.ratio(facts.actual, facts.target),
        "coefficient": coefficient,
        "cap": policy.achievement_cap,
        "floor": policy.achievement_floor,
    }
    _scale(run, "coefficient", "coefficient", coefficient, params)


def _kpi(run):
    """5. KPI score: the weighted score of the scorecard."""
    score = run.facts.kpi_score
    if not run.policy.use_kpi_score or score is None or run.subtotal <= 0:
        return
    _scale(run, "kpi", "kpi", score, {"score": score})


def _new_products(run):
    """4b. new-product coefficient: new-product share / target share."""
    policy, facts = run.policy, run.facts
    if not policy.new_product_target_ratio or run.subtotal <= 0:
        return
    share = kpi.percent(facts.new_product_sales, facts.actual)
    coefficient = coefficients.achievement_coefficient(
        share, policy.new_product_target_ratio, cap=policy.new_product_cap or None
    )
    params = {
        "new": run.money(facts.new_product_sales),
        "actual": run.money(facts.actual),
        "share_percent": share,
        "target_percent": policy.new_product_target_ratio,
        "coefficient": coefficient,
        "cap": policy.new_product_cap,
    }
    _scale(run, "coefficient", "new_products", coefficient, params)


def _kpi_amount(run):
    """5b. KPI-scored amount: the plan's amount x the score ratio, added as
    its own component (not multiplied by the coefficients before it); a
    beneficiary without a score (no user) gets none."""
    full, score = run.policy.kpi_scored_amount, run.facts.kpi_score
    if not full or score is None:
        return
    ratio, amount = kpipay.scored_amount(score, full, digits=run.policy.digits)
    params = {
        "score": score,
        "percent": to_float(to_decimal(ratio) * 100),
        "full": run.money(full),
        "amount": amount,
    }
    run.add("kpi_amount", "kpi_amount", amount, params, base_amount=full, factor=ratio)


def _overrides(run):
    """7. manager override: a percent of each led team's sales."""
    percent = run.policy.override_percent
    if not percent:
        return
    for override in run.facts.overrides:
        base = run.money(override.team_base)
        params = {"team": override.team_name, "percent": percent, "base": base}
        run.add(
            "override",
            "override",
            percent_of(base, percent, digits=run.policy.digits),
            params,
            base_amount=base,
            factor=to_float(to_decimal(percent) / 100),
        )


def _pools(run):
    """8. team pool: the beneficiary's piece, split by the ORM."""
    for share in run.facts.pools:
        params = {
            "team": share.team_name,
            "pool": run.money(share.pool),
            "base": run.money(share.base),
            "total": run.money(share.team_base),
        }
        run.add("pool", "pool", share.amount, params, base_amount=params["base"])


def _awards(run):
    """9. champion of the period and threshold award."""
    policy, facts = run.policy, run.facts
    if policy.champion_award and facts.champion_base is not None:
        base = run.money(facts.champion_base)
        amount = run.money(policy.champion_award)
        params = {"base": base, "amount": amount}
        run.add("award", "champion", amount, params, base_amount=base)
    for champion in run.facts.champions:
        run.add(
            "award",
            champion.message,
            champion.amount,
            champion.params,
            base_amount=champion.base,
        )
    threshold = run.money(policy.threshold_award_base)
    actual = run.money(facts.actual)
    if policy.threshold_award_amount and threshold and actual >= threshold:
        amount = run.money(policy.threshold_award_amount)
        params = {"actual": actual, "threshold": threshold, "amount": amount}
        run.add("award", "threshold_award", amount, params, base_amount=actual)


def _overdue(run):
    """13. overdue receivables: a penalty, or the whole payout suspended."""
    policy, count = run.policy, run.facts.overdue_count
    if not policy.overdue_penalty_percent or not count:
        return
    subtotal = run.subtotal
    penalty, suspended = holdback.overdue_penalty(
        max(subtotal, 0.0),
        count,
        policy.overdue_penalty_percent,
        policy.overdue_suspend_after or None,
        digits=policy.digits,
    )
    if suspended:
        run.components.clear()
        run.suspended = True
        params = {
            "count": count,
            "suspend_after": policy.overdue_suspend_after,
            "subtotal": subtotal,
        }
        run.add("suspended", "suspended", 0.0, params, base_amount=subtotal)
        return
    params = {
        "count": count,
        "percent": policy.overdue_penalty_percent,
        "subtotal": subtotal,
    }
    run.add("overdue", "overdue", penalty, params, base_amount=subtotal)


def _adjustments(run):
    """14. manual adjustments, one component each, before the clawbacks."""
    for item in run.facts.adjustments:
        amount = run.money(item.amount)
        params = {"note": item.note, "date": _iso(item.date), "amount": amount}
        message = "adjustment"
        if item.reference:
            message = "adjustment_document"
            params["reference"] = item.reference
        run.add("adjustment", message, amount, params, adjustment_id=item.adjustment_id)


def _clawbacks(run):
    """12. clawbacks of credit notes."""
    _line_groups(run, "clawback")


def _carries(run):
    """15. negative totals of earlier settlements."""
    for carry in run.facts.carries:
        amount = run.money(carry.amount)
        run.add(
            "carry",
            "carry",
            amount,
            {"name": carry.name, "amount": amount},
            carry_from_id=carry.settlement_id,
        )


def _spread(run):
    """10. service period: month 1 is paid now, the others deferred."""
    policy = run.policy
    months, subtotal = policy.service_months, run.subtotal
    if months <= 1 or subtotal <= 0:
        return
    parts = holdback.spread_service(subtotal, months, digits=policy.digits)
    dates = policy.service_release_dates
    for index, (part, day) in enumerate(zip(parts[1:], dates, strict=True), 2):
        params = {
            "index": index,
            "months": months,
            "subtotal": subtotal,
            "amount": part,
            "date": _iso(day),
        }
        run.add(
            "deferred",
            "deferred",
            -part,
            params,
            base_amount=subtotal,
            factor=1 / months,
            release_date=_iso(day),
        )


def _holdback(run):
    """10. holdback: a percent of the positive subtotal is held."""
    policy, subtotal = run.policy, run.subtotal
    if not policy.holdback_percent or subtotal <= 0:
        return
    _now, held = holdback.holdback_split(
        subtotal, policy.holdback_percent, digits=policy.digits
    )
    day = _iso(policy.holdback_release_date)
    params = {
        "percent": policy.holdback_percent,
        "subtotal": subtotal,
        "held": held,
        "date": day,
    }
    run.add(
        "holdback",
        "holdback",
        -held,
        params,
        base_amount=subtotal,
        factor=to_float(to_decimal(policy.holdback_percent) / 100),
        release_date=day,
    )


def _add_release(run, kind, factors, items):
    """One release of held amounts of one kind and coefficients."""
    held = run.sum(item.held for item in items)
    factor = _product(factors)
    amount = multiply(held, *factors, digits=run.policy.digits)
    if kind == "deferred":
        message, params = "release_deferred", {"held": held, "count": len(items)}
    else:
        message = "release_holdback"
        params = {
            "held": held,
            "count": len(items),
            "coefficients": list(factors),
            "factor": factor,
            "amount": amount,
        }
    run.add(
        "release",
        message,
        amount,
        params,
        base_amount=held,
        held_amount=held,
        factor=factor,
        holdback_ids=tuple(item.component_id for item in items),
    )


def _release_groups(run, use_coefficients):
    """Releases grouped by kind and coefficients, in the order given."""
    groups = {}
    for item in run.facts.holdbacks:
        factors = ()
        if item.kind == "holdback" and use_coefficients:
            factors = tuple(item.coefficients)
        groups.setdefault((item.kind, factors), []).append(item)
    for (kind, factors), items in groups.items():
        _add_release(run, kind, factors, items)


def _releases(run):
    """11. matured holdbacks (x their coefficients) and deferred parts."""
    _release_groups(run, use_coefficients=True)


def _band_measure(facts, policy):
    if policy.band_measure == "team_sales":
        return facts.team_sales
    if policy.band_measure == "achievement":
        return kpi.percent(facts.actual, facts.target)
    return facts.actual


def _band_params(run, band, measure):
    if run.policy.band_measure == "achievement":
        return "band_achievement", {
            "achievement": measure,
            "lower_percent": band.amount_from,
            "upper_percent": band.amount_to or None,
        }
    upper = run.money(band.amount_to) if band.amount_to else None
    return "band", {
        "measure_kind": run.policy.band_measure,
        "measure": run.money(measure),
        "lower": run.money(band.amount_from),
        "upper": upper,
    }


def _band(run):
    """6. pay band: base and performance pay of the band reached."""
    policy = run.policy
    if not policy.bands:
        return
    measure = _band_measure(run.facts, policy)
    table = [
        bracket_engine.Bracket(band.amount_from, band.amount_to or None, 0.0)
        for band in policy.bands
    ]
    reached = bracket_engine.bracket_for(measure, table, policy.band_boundary)
    if reached is None:
        return
    band = policy.bands[table.index(reached)]
    message, params = _band_params(run, band, measure)
    params.update(
        base_pay=run.money(band.base_pay), perf=run.money(band.performance_pay)
    )
    amount = run.sum((band.base_pay, band.performance_pay))
    run.add("band", message, amount, params, base_amount=measure)


def _draws(run):
    """22. draw terms: top up to the guarantee or the draw, else recover
    the balance from the excess over the draw (see :mod:`.draws`)."""
    terms = run.facts.draw
    if terms is None:
        return
    subtotal = run.subtotal
    outcome = draws.settle_draw(
        subtotal,
        draw=terms.draw,
        cap=terms.recovery_cap,
        balance=terms.balance,
        guarantee=terms.guarantee,
        digits=run.policy.digits,
    )
    if outcome.guarantee:
        params = {
            "guarantee": run.money(terms.guarantee),
            "subtotal": subtotal,
            "amount": outcome.guarantee,
        }
        run.add(
            "guarantee",
            "guarantee",
            outcome.guarantee,
            params,
            base_amount=subtotal,
            draw_id=terms.guarantee_id,
        )
    if outcome.draw or outcome.recovery:
        amount = outcome.draw or -outcome.recovery
        message = "draw" if outcome.draw else "draw_recovery"
        params = {
            "draw": run.money(terms.draw),
            "subtotal": subtotal,
            "amount": outcome.draw or outcome.recovery,
            "balance": outcome.balance,
        }
        if outcome.recovery and terms.recovery_cap:
            message = "draw_recovery_capped"
            params["recovery_cap"] = run.money(terms.recovery_cap)
        run.add(
            "draw" if outcome.draw else "draw_recovery",
            message,
            amount,
            params,
            base_amount=subtotal,
            draw_id=terms.draw_id,
            draw_balance=amount,
        )


def _draw_leaving(run):
    """Forfeiture: the unrecovered draw balance forgiven or recovered."""
    terms = run.facts.draw
    if terms is None or not terms.balance:
        return
    recovered, forgiven = draws.leave(
        terms.balance, terms.on_leave, digits=run.policy.digits
    )
    if recovered:
        run.add(
            "draw_recovery",
            "draw_recovered",
            -recovered,
            {"amount": recovered, "balance": 0.0},
            base_amount=recovered,
            draw_id=terms.draw_id,
            draw_balance=-recovered,
        )
    else:
        run.add(
            "draw_forgiven",
            "draw_forgiven",
            0.0,
            {"balance": forgiven},
            base_amount=forgiven,
            draw_id=terms.draw_id,
            draw_balance=-forgiven,
        )


def _forfeit_releases(run):
    """Forfeiture: every holdback given is released at face value."""
    _release_groups(run, use_coefficients=False)


def _forfeit(run):
    """Forfeiture: pay exactly ``forfeit_percent`` % of a positive subtotal."""
    policy, subtotal = run.policy, run.subtotal
    if subtotal <= 0:
        return
    paid = percent_of(subtotal, policy.forfeit_percent, digits=policy.digits)
    forfeited = run.sum((paid, -subtotal))
    params = {
        "reason": policy.forfeit_reason,
        "percent": policy.forfeit_percent,
        "owed": subtotal,
        "paid": paid,
        "amount": forfeited,
    }
    run.add(
        "forfeit",
        "forfeit",
        forfeited,
        params,
        base_amount=subtotal,
        factor=to_float(to_decimal(policy.forfeit_percent) / 100),
    )


PIPELINE = (
    _commissions,
    _gate,
    _achievement,
    _kpi,
    _new_products,
    _kpi_amount,
    _overrides,
    _pools,
    _awards,
    _overdue,
    _adjustments,
    _clawbacks,
    _carries,
    _spread,
    _holdback,
    _releases,
    _band,
    _draws,
)
FORFEIT_PIPELINE = (
    _commissions,
    _adjustments,
    _clawbacks,
    _carries,
    _forfeit_releases,
    _forfeit,
    _draw_leaving,
)


# ----------------------------------------------------------------------
# Entry point
# ----------------------------------------------------------------------
def _check_facts(facts):
    """The problems of ``facts`` (unknown kinds and modes)."""
    problems = [
        f"unknown line group kind {group.kind!r}"
        for group in facts.groups
        if group.kind not in GROUP_KINDS
    ]
    problems += [
        f"unknown holdback kind {item.kind!r}"
        for item in facts.holdbacks
        if item.kind not in HOLDBACK_KINDS
    ]
    if facts.draw is not None:
        problems += draws.check_terms(facts.draw)
    return problems


def _check_policy(policy):
    """The problems of ``policy``; release dates only matter when it holds."""
    problems = []
    if policy.forfeit_percent is not None:
        if not 0 <= policy.forfeit_percent <= 100:
            problems.append("the forfeit percent must be between 0 and 100")
        return problems
    if policy.kpi_scored_amount < 0:
        problems.append("the KPI-scored amount cannot be negative")
    if policy.target_gate not in TARGET_GATES:
        problems.append(f"unknown target gate {policy.target_gate!r}")
    if policy.bands and policy.band_measure not in BAND_MEASURES:
        problems.append(f"unknown band measure {policy.band_measure!r}")
    if policy.service_months > 1 and (
        len(policy.service_release_dates) != policy.service_months - 1
    ):
        problems.append("service_release_dates: one date per month after the first")
    if policy.holdback_percent and not policy.holdback_release_date:
        problems.append("a holdback needs holdback_release_date")
    return problems


def settle(facts, policy):
    """Run the pipeline for one beneficiary; return a :class:`Result`.

    :raise ValueError: when the facts or the policy break the contract
        (unknown kinds or modes, missing release dates, a forfeit percent
        outside ``[0, 100]``).
    """
    problems = _check_facts(facts) + _check_policy(policy)
    if problems:
        raise ValueError("; ".join(problems))
    run = _Run(facts, policy)
    steps = PIPELINE if policy.forfeit_percent is None else FORFEIT_PIPELINE
    for step in steps:
        step(run)
        if run.suspended:
            break
    return Result(
        components=run.components,
        suspended=run.suspended,
        total=run.sum(component.amount for component in run.components),
    )
