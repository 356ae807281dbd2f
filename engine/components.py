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
``params`` (JSON-safe: numbers, ISO dates, names) that the ORM layer renders
in the reader's language.  Money parameters are listed in
:data:`MONEY_PARAMS`, so the renderer formats them with the currency.
"""

from dataclasses import dataclass, field

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
        "settled_base",
        "period_total",
        "paid_before",
        "subtotal",
    }
)


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
class PeriodTable:
    """A period-cumulative bracket table of one rule for ONE of its periods.

    The table applies to each period's own total: lines settled late still
    count in the period they belong to (their sale's period; a credit note
    belongs to the period of the sale it reverses).  ``settled_base`` is the
    base of that period already settled (and paid for) by earlier
    settlements, ``new_base`` the base of the unsettled lines of that period.
    The component pays ``table(settled_base + new_base) - table(settled_base)``
    plus ``line_amount`` (amounts the lines carry themselves, normally 0): a
    first settlement of the period when ``settled_base`` is 0, a true-up
    otherwise (``true_up`` is then True).

    ``brackets`` is a tuple of :class:`.brackets.Bracket` rows; ``mode`` is ``"whole"`` or ``"marginal"``; ``boundary``
    ``"lower"`` or ``"upper"``.
    """

    key: tuple
    rule_id: int
    rule_name: str
    date_from: str
    date_to: str
    brackets: tuple
    mode: str
    boundary: str
    settled_base: float
    new_base: float
    line_amount: float
    count: int
    true_up: bool = False


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
    tables: list = field(default_factory=list)  # [PeriodTable]
    actual: float = 0.0  # sales base earned in the period (targets, bands)
    new_product_sales: float = 0.0
    target: float = 0.0
    kpi_score: float | None = None
    overdue_count: int = 0
    team_sales: float = 0.0
    overrides: list = field(default_factory=list)  # [TeamOverride]
    pools: list = field(default_factory=list)  # [PoolShare]
    champion_base: float | None = None
    holdbacks: list = field(default_factory=list)  # [Holdback], matured
    carries: list = field(default_factory=list)  # [Carry]


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
    band_measure: str = "own_sales"  # own_sales / team_sales / achievement
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
    sources: tuple = ()  # keys of the LineGroup / PeriodTable it settles
    holdback_ids: tuple = ()  # Holdback.component_id it releases


@dataclass
class Result:
    components: list
    suspended: bool
    total: float


def settle(facts, policy):
    """Run the pipeline for one beneficiary; return a :class:`Result`."""
    raise NotImplementedError
