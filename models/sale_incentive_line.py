# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, sql
from odoo.tools.misc import formatLang

# every query of earned lines is bound to a plan, most to dates as well
PLAN_DATE_INDEX = "sale_incentive_line_plan_id_date_index"


class SaleIncentiveLine(models.Model):
    """What one source line earns one beneficiary under one plan.

    Kinds:

    * ``forecast``: a confirmed sale order line (what the rep can expect);
      never settled, replaced when the order changes.
    * ``invoice``: a posted customer invoice line (accrued).  Earned at
      posting on the invoiced basis; on the paid basis the ``payment`` lines
      earn it.
    * ``refund``: a posted credit note line, the opposite of what it reverses
      at the original rates (clawback).
    * ``payment``: on the paid basis, the part of an accrued line earned (or
      un-earned) by a payment, dated by the payment.

    This model is the record (fields, status, domains, the settlement link);
    the lines are written by services, each in its own file:
    ``sale.incentive.source`` (what a document line is to the engine),
    ``sale.incentive.accrual`` (sources -> rule values -> line values ->
    create), ``sale.incentive.reversal`` (credit notes, payments),
    ``sale.incentive.forecast`` and ``sale.incentive.period.table``.
    """

    _name = "sale.incentive.line"
    _description = "Sales Incentive Line"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "explanation"

    # Every many2one has its foreign key (ondelete as declared).  Indexes:
    # every one is rewritten when a settlement links its lines (an UPDATE of
    # 100,000 rows), so only those a query needs are kept; company, kind,
    # earned, team, customer and product are always read together with the
    # plan, the order, the invoice or the origin line; plan and date share
    # one index (PLAN_DATE_INDEX, plan first).
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="restrict"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    plan_id = fields.Many2one(
        "sale.incentive.plan",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    rule_id = fields.Many2one("sale.incentive.rule", readonly=True, ondelete="set null")
    bracket_id = fields.Many2one(
        "sale.incentive.bracket", readonly=True, ondelete="set null"
    )
    kind = fields.Selection(
        [
            ("forecast", "Forecast"),
            ("invoice", "Accrued (invoice)"),
            ("refund", "Clawback (credit note)"),
            ("payment", "Earned by payment"),
        ],
        required=True,
        readonly=True,
    )
    is_earned = fields.Boolean(
        "Earned",
        readonly=True,
        help="Earned lines are what settlements pay.",
    )
    date = fields.Date(required=True, readonly=True)
    # not indexed: read only together with the plan, partner and rule
    period_date = fields.Date(
        readonly=True,
        help="The date whose period the line counts in for period-cumulative "
        "tables: its own date, except a clawback, which counts in the period "
        "of the sale it reverses.",
    )
    user_id = fields.Many2one(
        "res.users", "Salesperson", readonly=True, index=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Beneficiary",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        help="Who is paid: the salesperson's partner or the external agent.",
    )
    team_id = fields.Many2one(
        "crm.team", "Sales Team", readonly=True, ondelete="set null"
    )
    customer_id = fields.Many2one("res.partner", readonly=True, ondelete="restrict")
    tier_id = fields.Many2one(
        "sale.incentive.customer.tier",
        "Customer Tier",
        readonly=True,
        ondelete="restrict",
        help="The customer's tier when the line was written.",
    )
    product_id = fields.Many2one("product.product", readonly=True, ondelete="restrict")
    order_id = fields.Many2one("sale.order", readonly=True, index=True)
    sale_line_id = fields.Many2one(
        "sale.order.line", readonly=True, index=True, ondelete="cascade"
    )
    # an invoice reset to draft drops its (unsettled) lines first
    # (account.move.button_draft); a line goes with its document
    move_id = fields.Many2one(
        "account.move", "Invoice", readonly=True, index=True, ondelete="cascade"
    )
    move_line_id = fields.Many2one(
        "account.move.line", readonly=True, index="btree_not_null", ondelete="cascade"
    )
    payment_move_id = fields.Many2one(
        "account.move",
        "Payment Entry",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="For a line earned by payment, the payment (or other entry) "
        "reconciled with the invoice that earned it.",
    )
    origin_line_id = fields.Many2one(
        "sale.incentive.line",
        readonly=True,
        index="btree_not_null",
        help="For a clawback, the line it reverses; for a payment, the accrued "
        "line it earns.",
    )
    quantity = fields.Float(readonly=True, digits="Product Unit of Measure")
    base_amount = fields.Monetary("Base", readonly=True)
    base_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_base_currency_id",
        help="The currency of the base; none when the plan's base is a "
        "quantity (units are not money).",
    )
    share = fields.Float(
        "Share (%)",
        readonly=True,
        default=100.0,
        help="Beneficiary's share of the line.",
    )
    rate = fields.Float("Rate (%)", readonly=True, digits=(16, 4))
    amount = fields.Monetary(readonly=True)
    # The settlement link: the component that took the line, empty while
    # unsettled; a component cannot be deleted while lines point to it (its
    # draft settlement frees them first: sale.incentive.settlement.
    # _free_sources).  Settled = this link, nothing else.
    settlement_line_id = fields.Many2one(
        "sale.incentive.settlement.line",
        "Settlement Component",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
    settlement_id = fields.Many2one(
        related="settlement_line_id.settlement_id", string="Settlement"
    )
    needs_review = fields.Boolean(
        readonly=True, help="Sold below the guide price, or flagged by the rule."
    )
    explanation_data = fields.Json(
        readonly=True,
        help="What explains the line, as data: a list of parts, each "
        '{"key": template, "params": raw values} '
        "(``sale.incentive.explanation``).",
    )
    explanation = fields.Char(
        compute="_compute_explanation",
        search="_search_explanation",
        help="The explanation in the reader's language.",
    )

    def init(self):
        res = super().init()
        sql.create_index(self.env.cr, PLAN_DATE_INDEX, self._table, ["plan_id", "date"])
        return res

    @api.depends_context("lang")
    @api.depends("explanation_data", "currency_id")
    def _compute_explanation(self):
        renderer = self.env["sale.incentive.explanation"]
        templates = renderer._get_templates()  # translated once for all
        for line in self:
            line.explanation = renderer._render(
                line.explanation_data, line.currency_id, templates
            )

    def _search_explanation(self, operator, value):
        """The text is rendered when read: a search looks into the data of
        its parts (documents, products, rules, figures)."""
        return [("explanation_data", operator, value)]

    @api.depends("plan_id.base", "currency_id")
    def _compute_base_currency_id(self):
        for line in self:
            line.base_currency_id = (
                line.currency_id if line.plan_id.base != "quantity" else False
            )

    # ------------------------------------------------------------------
    # Guards: lines are written by the engine only
    # ------------------------------------------------------------------
    def _is_settled(self):
        """The lines taken by a settlement (draft included): settled is the
        link to the settlement, nothing else."""
        return self.filtered("settlement_line_id")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_settled(self):
        if self._is_settled():
            raise UserError(
                self.env._(
                    "Settled commission lines cannot be deleted: a credit note "
                    "or a new settlement corrects them."
                )
            )

    # ------------------------------------------------------------------
    # One definition of each fact
    # ------------------------------------------------------------------
    @api.model
    def _get_earned_domain(
        self, plans, date_from=None, date_to=None, partners=None, settled=None
    ):
        """THE earned lines of ``plans``, dated within the optional bounds.

        Settlements, forecasts of period tables, targets, KPIs, team figures
        and forfeiture all read "what is earned" through this domain (SQL is
        built from it with ``_search``).  ``settled``: True for the lines a
        settlement took, False for those still to settle, None for both.
        """
        domain = [("plan_id", "in", plans.ids), ("is_earned", "=", True)]
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<=", date_to))
        if partners is not None:
            domain.append(("partner_id", "in", partners.ids))
        if settled is not None:
            domain.append(("settlement_line_id", "!=" if settled else "=", False))
        return domain

    @api.model
    def _get_forecast_domain(self, plans, date_from=None, date_to=None):
        """The forecast lines of ``plans`` (orders confirmed, commission
        expected), dated within the optional bounds: what My Commissions and
        the team board show beside what is earned, never added to it."""
        domain = [("plan_id", "in", plans.ids), ("kind", "=", "forecast")]
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<=", date_to))
        return domain

    @api.model
    def _credited_base_sql(self):
        """SQL of the base credited to the line's beneficiary (base × share)."""
        return SQL(
            "(sale_incentive_line.base_amount * sale_incentive_line.share / 100.0)"
        )

    @api.model
    def _get_credited_base(self, vals):
        """The credited base of line values not written yet: what
        ``_credited_base_sql`` reads of the line once written."""
        return vals["base_amount"] * vals.get("share", 100.0) / 100.0

    @api.model
    def _is_earned_line(self, kind, plan, true_up=False):
        """Whether a line of ``kind`` under ``plan`` is earned when written
        (``is_earned``: what settlements pay).

        A forecast never is; a payment line always is; an accrued line
        (invoice) and its clawback (refund) are on the invoiced basis, while
        on the paid basis their payment lines earn them.  A true-up of a
        period table (``true_up``) corrects earned lines: it is earned.
        """
        if kind == "forecast":
            return False
        return true_up or kind == "payment" or plan.basis == "invoiced"

    @api.model
    def _format_amount(self, amount, currency, signed=False):
        """``amount`` as shown in explanations: in the digits of
        ``currency``, the reader's separators, without the symbol (the
        explanation names its currency once); ``signed``: with its sign
        always (an increment: +23,500.00)."""
        text = formatLang(self.env, amount, digits=currency.decimal_places)
        return f"+{text}" if signed and amount >= 0 else text

    # Line status (issue #10)
    incentive_status = fields.Selection(
        [
            ("forecast", "Forecast"),
            ("accrued", "Accrued"),
            ("earned", "Earned"),
            ("settled", "Settled"),
            ("paid", "Paid"),
        ],
        "Status",
        compute="_compute_incentive_status",
        help="Forecast: a confirmed order not invoiced yet. Accrued: invoiced, "
        "not earned yet (paid basis). Earned: due at the next settlement. "
        "Settled: in a settlement. Paid: its settlement is paid.",
    )

    @api.depends("kind", "is_earned", "settlement_id.state")
    def _compute_incentive_status(self):
        for line in self:
            settlement = line.settlement_id
            if settlement.state == "paid":
                line.incentive_status = "paid"
            elif settlement and settlement.state != "cancel":
                line.incentive_status = "settled"
            elif line.kind == "forecast":
                line.incentive_status = "forecast"
            elif line.is_earned:
                line.incentive_status = "earned"
            else:
                line.incentive_status = "accrued"
