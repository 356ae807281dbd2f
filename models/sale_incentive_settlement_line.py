# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import LazyTranslate
from odoo.tools.misc import format_date, formatLang

from ..engine import components
from .sale_incentive_explanation import ExplanationParams
from .sale_incentive_statement_mixin import STATEMENT_STATES

_lt = LazyTranslate(__name__)

COMPONENTS = [
    ("commission", "Line commissions"),
    ("bracket", "Period bracket"),
    ("gate", "Target gate"),
    ("coefficient", "Coefficient"),
    ("kpi", "KPI score"),
    ("kpi_amount", "KPI-scored amount"),
    ("override", "Manager override"),
    ("pool", "Team pool"),
    ("award", "Award"),
    ("band", "Pay band"),
    ("overdue", "Overdue penalty"),
    ("adjustment", "Manual adjustment"),
    ("clawback", "Clawback"),
    ("carry", "Carried forward"),
    ("holdback", "Holdback"),
    ("deferred", "Deferred (service period)"),
    ("release", "Holdback release"),
    ("forfeit", "Forfeiture"),
    ("suspended", "Suspended"),
    # draws and guarantees (issue 22.2)
    ("draw", "Draw"),
    ("draw_recovery", "Draw recovery"),
    ("guarantee", "Guarantee"),
    ("draw_forgiven", "Draw forgiven"),
]


# the components whose base is the plan's base (units for a quantity plan);
# the others' base is an amount of commission
PLAN_BASE_COMPONENTS = frozenset(
    {"commission", "clawback", "bracket", "gate", "override", "pool", "award"}
)
# their explanation's parameters that are the plan's base (units then)
PLAN_BASE_PARAMS = frozenset(
    {"base", "actual", "target", "settled_base", "period_total", "team_base"}
)
DATE_PARAMS = frozenset({"date", "date_from", "date_to"})
# what the dispute of a statement line writes on a closed settlement's component
DISPUTE_FIELDS = frozenset(
    {"dispute_state", "dispute_reason", "dispute_note", "dispute_activity_id"}
)
DISPUTE_ACTIVITY = "sale_incentive.mail_activity_statement_dispute"
GROUP_MANAGER = "sale_incentive.group_sale_incentive_manager"


# the explanation of each message key of ``engine.components.MESSAGES``,
# translated in the reader's language when read
EXPLANATIONS = {
    "commission": _lt(
        "Commissions of %(count)s lines earned up to %(date_to)s on a base of %(base)s"
    ),
    "clawback": _lt(
        "Clawbacks of %(count)s credit note lines up to %(date_to)s on a "
        "base of %(base)s"
    ),
    "bracket": _lt(
        "%(rule)s: period %(date_from)s - %(date_to)s, total "
        "%(period_total)s gives %(table_amount)s"
    ),
    "bracket_true_up": _lt(
        "%(rule)s: true-up of the period %(date_from)s - %(date_to)s: "
        "total %(period_total)s gives %(table_amount)s, %(paid_before)s "
        "was paid on %(settled_base)s"
    ),
    "gate_passed": _lt("Target gate: actual %(actual)s vs target %(target)s: passed"),
    "gate_failed": _lt(
        "Target gate: actual %(actual)s vs target %(target)s: not "
        "passed, nothing is paid"
    ),
    "coefficient": _lt(
        "Achievement %(actual)s / %(target)s = %(ratio)s: coefficient "
        "x%(coefficient)s (cap %(cap)s) on %(subtotal)s"
    ),
    "kpi": _lt("KPI score x%(score)s on %(subtotal)s"),
    "kpi_amount": _lt(
        "KPI-scored amount: score %(percent)s%% of %(full)s = %(amount)s"
    ),
    "new_products": _lt(
        "New products %(new)s of %(actual)s = %(share_percent)s%% vs "
        "target %(target_percent)s%%: coefficient x%(coefficient)s "
        "(cap %(cap)s)"
    ),
    "override": _lt("Override %(percent)s%% of team %(team)s's sales %(base)s"),
    "pool": _lt(
        "Share of team %(team)s's pool %(pool)s: own sales %(base)s of %(total)s"
    ),
    "champion": _lt("Champion of the period with sales of %(base)s"),
    "champion_tied": _lt(
        "Champion of the period with sales of %(base)s, one of "
        "%(count)s tied champions sharing the award %(award)s"
    ),
    "champion_quarter": _lt(
        "Champion of the quarter %(date_from)s - %(date_to)s with sales of %(base)s"
    ),
    "champion_quarter_tied": _lt(
        "Champion of the quarter %(date_from)s - %(date_to)s with sales of "
        "%(base)s, one of %(count)s tied champions sharing the award %(award)s"
    ),
    "champion_year": _lt(
        "Champion of the year %(date_from)s - %(date_to)s with sales of %(base)s"
    ),
    "champion_year_tied": _lt(
        "Champion of the year %(date_from)s - %(date_to)s with sales of "
        "%(base)s, one of %(count)s tied champions sharing the award %(award)s"
    ),
    "threshold_award": _lt("Threshold award: sales %(actual)s reached %(threshold)s"),
    "overdue": _lt(
        "Overdue receivables: %(count)s invoice periods x -%(percent)s%% "
        "of %(subtotal)s"
    ),
    "suspended": _lt(
        "Payout suspended: %(count)s overdue invoice periods; the "
        "commissions stay open until collected."
    ),
    "carry": _lt("Negative balance carried from %(name)s"),
    "deferred": _lt(
        "Service period: 1/%(months)s of %(subtotal)s earned in month "
        "%(index)s (%(date)s)"
    ),
    "holdback": _lt("%(percent)s%% of %(subtotal)s held until %(date)s"),
    "release_deferred": _lt("Service-period commission earned this month: %(held)s"),
    "release_holdback": _lt("Release of %(held)s held x coefficients %(coefficients)s"),
    "band": _lt(
        "Pay band %(range)s reached with %(measure)s: base %(base_pay)s "
        "+ performance %(perf)s"
    ),
    "band_achievement": _lt(
        "Pay band %(range)s%% reached with an achievement of "
        "%(achievement)s%%: base %(base_pay)s + performance %(perf)s"
    ),
    "forfeit": _lt(
        "Forfeiture (%(reason)s): %(percent)s%% of %(owed)s owed is paid, "
        "%(amount)s is forfeited"
    ),
    "adjustment": _lt("Manual adjustment of %(date)s: %(note)s"),
    "adjustment_document": _lt(
        "Manual adjustment of %(date)s (%(reference)s): %(note)s"
    ),
    "guarantee": _lt(
        "Guarantee of %(guarantee)s for the period: %(subtotal)s earned, "
        "%(amount)s added (never recovered)"
    ),
    "draw": _lt(
        "Draw of %(draw)s: %(subtotal)s earned, %(amount)s advanced; "
        "balance to recover %(balance)s"
    ),
    "draw_recovery": _lt(
        "Draw recovery: %(amount)s of %(subtotal)s earned (never below the "
        "draw of %(draw)s); balance to recover %(balance)s"
    ),
    "draw_recovery_capped": _lt(
        "Draw recovery: %(amount)s of %(subtotal)s earned (never below the "
        "draw of %(draw)s, at most %(recovery_cap)s a period); balance to "
        "recover %(balance)s"
    ),
    "draw_recovered": _lt(
        "Draw balance of %(amount)s recovered from the final payout; what it "
        "does not cover stays owed"
    ),
    "draw_forgiven": _lt("Draw balance of %(balance)s forgiven on leaving"),
}


class SaleIncentiveSettlementLine(models.Model):
    """One explained component of a settlement."""

    _name = "sale.incentive.settlement.line"
    _description = "Sales Incentive Settlement Component"
    _order = "settlement_id, sequence, id"
    _check_company_auto = True

    settlement_id = fields.Many2one(
        "sale.incentive.settlement",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(related="settlement_id.company_id", store=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    partner_id = fields.Many2one(related="settlement_id.partner_id", store=True)
    plan_id = fields.Many2one(related="settlement_id.plan_id", store=True)
    state = fields.Selection(related="settlement_id.state")
    sequence = fields.Integer(readonly=True)
    component = fields.Selection(COMPONENTS, required=True, readonly=True)
    name = fields.Char("Explanation", compute="_compute_name")
    message = fields.Char(
        readonly=True, help="Key of the explanation, rendered in the reader's language."
    )
    message_params = fields.Json(readonly=True)
    base_amount = fields.Monetary("Base", readonly=True)
    base_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_base_currency_id",
        help="The currency of the base; none when it counts the units of a "
        "quantity plan (units are not money).",
    )
    factor = fields.Float(readonly=True, digits=(16, 6))
    amount = fields.Monetary(readonly=True)
    rule_id = fields.Many2one("sale.incentive.rule", readonly=True)
    incentive_line_ids = fields.One2many(
        "sale.incentive.line", "settlement_line_id", "Source Lines", readonly=True
    )
    incentive_line_count = fields.Integer(compute="_compute_incentive_line_count")
    # holdbacks
    release_date = fields.Date(readonly=True, help="When a holdback matures.")
    released_by_id = fields.Many2one(
        "sale.incentive.settlement.line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The release (or forfeiture) component that used this holdback.",
    )
    released_ids = fields.One2many(
        "sale.incentive.settlement.line", "released_by_id", readonly=True
    )
    held_amount = fields.Monetary(
        readonly=True, help="For a release: the held amounts it clears."
    )
    carry_from_id = fields.Many2one(
        "sale.incentive.settlement",
        readonly=True,
        index="btree_not_null",
        help="The settlement whose negative total this component carries.",
    )
    adjustment_ids = fields.One2many(
        "sale.incentive.adjustment",
        "settlement_line_id",
        "Adjustments",
        readonly=True,
        help="The manual adjustment this component pays.",
    )
    draw_id = fields.Many2one(
        "sale.incentive.draw",
        "Draw or Guarantee",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The draw or guarantee term this component pays or recovers.",
    )
    draw_balance = fields.Monetary(
        "Draw Balance Change",
        readonly=True,
        help="What this component adds to the draw balance to recover "
        "(advanced: positive; recovered or forgiven: negative).",
    )

    @api.depends("component", "plan_id.base", "currency_id")
    def _compute_base_currency_id(self):
        for line in self:
            in_units = (
                line.plan_id.base == "quantity"
                and line.component in PLAN_BASE_COMPONENTS
            )
            line.base_currency_id = False if in_units else line.currency_id

    @api.model
    def _prepare_component_vals(self, item, sequence):
        """Values of one component from an ``engine.components.Component``."""
        return {
            "sequence": sequence,
            "component": item.component,
            "amount": item.amount,
            "base_amount": item.base_amount,
            "factor": item.factor,
            "rule_id": item.rule_id or False,
            "release_date": item.release_date or False,
            "held_amount": item.held_amount,
            "carry_from_id": item.carry_from_id or False,
            "adjustment_ids": [Command.link(item.adjustment_id)]
            if item.adjustment_id
            else [],
            "message": item.message,
            "message_params": item.params,
            "draw_id": item.draw_id or False,
            "draw_balance": item.draw_balance,
        }

    @api.depends_context("lang")
    @api.depends("message", "message_params")
    def _compute_name(self):
        templates = self._get_explanation_templates()
        renderer = self.env["sale.incentive.explanation"]
        for line in self:
            line.name = renderer._render(
                [{"key": line.message, "params": line.message_params}],
                line.currency_id,
                templates,
                line._format_params,
            )

    def _format_params(self, params):
        """The explanation's parameters as text in the reader's language:
        money with the currency's digits, dates in the user's format."""
        currency = self.currency_id
        in_units = not self.base_currency_id
        values = ExplanationParams()
        for key, value in params.items():
            if in_units and key in PLAN_BASE_PARAMS and isinstance(value, int | float):
                values[key] = formatLang(self.env, value, dp="Product Unit of Measure")
            elif key in components.MONEY_PARAMS and isinstance(value, int | float):
                values[key] = formatLang(self.env, value, currency_obj=currency)
            elif key in DATE_PARAMS and value:
                values[key] = format_date(self.env, value)
            elif isinstance(value, list):
                values[key] = " × ".join(format(v, "g") for v in value)
            elif isinstance(value, float):
                values[key] = format(value, "g")
            else:
                values[key] = value
        return self._format_named_params(params, values)

    def _format_named_params(self, params, values):
        """The explanation's parameters read together: the band's range, the
        forfeiture's reason (``values``: the others, formatted)."""
        if "lower" in params or "lower_percent" in params:
            lower = values.get("lower", values.get("lower_percent"))
            upper = values.get("upper", values.get("upper_percent"))
            values["range"] = (
                self.env._("%(lower)s and above", lower=lower)
                if upper is None
                else f"{lower} - {upper}"
            )
        if "reason" in params:
            reasons = dict(
                self.env["sale.incentive.settlement"]
                ._fields["forfeit_reason"]
                ._description_selection(self.env)
            )
            values["reason"] = reasons.get(params["reason"], params["reason"])
        return values

    @api.model
    def _get_explanation_templates(self):
        """{message key: template in the reader's language} (``EXPLANATIONS``)."""
        return {key: self.env._(text) for key, text in EXPLANATIONS.items()}

    def _compute_incentive_line_count(self):
        counts = dict(
            self.env["sale.incentive.line"]._read_group(
                [("settlement_line_id", "in", self.ids)],
                ["settlement_line_id"],
                ["__count"],
            )
        )
        for line in self:
            line.incentive_line_count = counts.get(line, 0)

    def write(self, vals):
        if set(vals) - {
            "released_by_id"
        } - DISPUTE_FIELDS and self.settlement_id.filtered(
            lambda s: s.state != "draft"
        ):
            raise UserError(
                self.env._("Only the components of a draft settlement can change.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft(self):
        if self.settlement_id.filtered(lambda s: s.state != "draft"):
            raise UserError(
                self.env._("Only the components of a draft settlement can change.")
            )

    def action_view_incentive_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "sale.incentive.line",
            "view_mode": "list,form",
            "domain": [("settlement_line_id", "=", self.id)],
        }

    # ------------------------------------------------------------------
    # Dispute of a statement line (issue #10): the beneficiary disputes, the
    # sales manager who approves the settlement resolves or rejects
    # ------------------------------------------------------------------
    dispute_state = fields.Selection(
        [("disputed", "Disputed"), ("resolved", "Resolved"), ("rejected", "Rejected")],
        "Dispute",
        readonly=True,
        copy=False,
    )
    dispute_reason = fields.Text(readonly=True, copy=False)
    dispute_note = fields.Text("Dispute Outcome", readonly=True, copy=False)
    dispute_activity_id = fields.Many2one(
        "mail.activity", readonly=True, copy=False, ondelete="set null"
    )
    can_dispute = fields.Boolean(compute="_compute_can_dispute")
    can_answer_dispute = fields.Boolean(compute="_compute_can_dispute")

    @api.depends_context("uid")
    @api.depends("dispute_state", "settlement_id.state", "settlement_id.partner_id")
    def _compute_can_dispute(self):
        is_manager = self.env.user.has_group(GROUP_MANAGER)
        for line in self:
            settlement = line.settlement_id
            line.can_dispute = (
                settlement._is_own()
                and settlement.state in STATEMENT_STATES
                and line.dispute_state != "disputed"
            )
            line.can_answer_dispute = (
                is_manager
                and line.dispute_state == "disputed"
                and not settlement._is_own()
            )

    def _open_dispute_wizard(self, mode):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Statement Line Dispute"),
            "res_model": "sale.incentive.statement.dispute",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id, "default_mode": mode},
        }

    def action_dispute(self):
        """Open the wizard asking the beneficiary for a reason."""
        self.settlement_id._check_beneficiary()
        return self._open_dispute_wizard("dispute")

    def action_resolve_dispute(self):
        self._check_can_answer_dispute()
        return self._open_dispute_wizard("resolved")

    def action_reject_dispute(self):
        self._check_can_answer_dispute()
        return self._open_dispute_wizard("rejected")

    def _check_can_dispute(self):
        self.settlement_id._check_beneficiary()
        if self.filtered(lambda line: line.dispute_state == "disputed"):
            raise UserError(self.env._("This statement line is already disputed."))

    def _do_dispute(self, reason):
        user = self.env.user
        for line in self:
            settlement = line.settlement_id.sudo()
            approver = settlement._get_sales_approver() or settlement.approved_by_id
            activity = settlement.activity_schedule(
                DISPUTE_ACTIVITY,
                user_id=approver.id,
                summary=self.env._("Disputed: %(line)s", line=line.name),
                note=reason,
            )
            line.sudo().write(
                {
                    "dispute_state": "disputed",
                    "dispute_reason": reason,
                    "dispute_note": False,
                    "dispute_activity_id": activity.id,
                }
            )
            settlement.message_post(
                body=self.env._(
                    "%(user)s disputes the statement line %(line)s: %(reason)s",
                    user=user.display_name,
                    line=line.name,
                    reason=reason,
                ),
                author_id=user.partner_id.id,
            )

    def _check_can_answer_dispute(self):
        if not self.env.user.has_group(GROUP_MANAGER):
            raise AccessError(
                self.env._("Only a sales manager answers a statement dispute.")
            )
        # the settlements the manager may change: their team's, not their own
        self.settlement_id.check_access("write")
        if any(line.settlement_id._is_own() for line in self):
            raise UserError(
                self.env._("You cannot answer a dispute of your own statement.")
            )
        if self.filtered(lambda line: line.dispute_state != "disputed"):
            raise UserError(self.env._("This statement line is not disputed."))

    def _do_answer_dispute(self, outcome, note):
        labels = dict(self._fields["dispute_state"]._description_selection(self.env))
        for line in self:
            activity = line.dispute_activity_id
            line.sudo().write({"dispute_state": outcome, "dispute_note": note})
            if activity:
                activity.sudo().action_feedback(feedback=note)
            line.settlement_id.sudo().message_post(
                body=self.env._(
                    "Dispute of the statement line %(line)s: %(outcome)s by "
                    "%(user)s: %(note)s",
                    line=line.name,
                    outcome=labels[outcome],
                    user=self.env.user.display_name,
                    note=note,
                ),
                author_id=self.env.user.partner_id.id,
            )
