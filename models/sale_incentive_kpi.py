# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..engine import kpi as kpi_engine

INVOICE_TYPES = ("out_invoice", "out_refund")

SOURCES = [
    ("revenue", "Revenue invoiced (untaxed)"),
    ("collected", "Collected amount"),
    ("collection_rate", "Collection rate (%)"),
    ("margin", "Gross margin"),
    ("cost_rate", "Cost-of-sales rate (%)"),
    ("growth", "Growth vs same period last year (%)"),
    ("new_customers", "New customers"),
    ("repeat_rate", "Customer retention / repeat rate (%)"),
    ("visits", "Customer visits"),
    ("visit_success", "Visit success rate (%)"),
    ("complaints", "Customer complaints"),
    ("on_time_delivery", "On-time delivery (%)"),
    ("manual", "Entered by a manager"),
]


@dataclass(frozen=True)
class MeasureScope:
    """What one ``_measure`` call measures: who, when, where, and its cache.

    ``cache`` is shared by every indicator of the call (and by a scope derived
    with other dates), so one grouped query serves several indicators.
    """

    users: object  # res.users recordset
    date_from: date
    date_to: date
    company: object  # res.company record
    cache: dict


class SaleIncentiveKpi(models.Model):
    """An indicator of the KPI library: measured from Odoo data or entered.

    Measured indicators are computed for many salespeople at once, with one
    grouped query per indicator (``_measure``).  Manual ones come from
    approved ``sale.incentive.kpi.value`` records.
    """

    _name = "sale.incentive.kpi"
    _description = "Sales Incentive KPI"
    _order = "category, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Empty: shared by all companies.")
    category = fields.Selection(
        [("result", "Result"), ("process", "Process")],
        required=True,
        default="result",
    )
    source = fields.Selection(
        SOURCES,
        required=True,
        default="manual",
        help="How the actual value is obtained.  On-time delivery is measured "
        "when Inventory is installed, otherwise entered.",
    )
    direction = fields.Selection(
        [("higher", "Higher is better"), ("lower", "Lower is better")],
        required=True,
        default="higher",
    )
    unit = fields.Selection(
        [
            ("amount", "Amount"),
            ("percent", "%"),
            ("count", "Count"),
            ("score", "Score"),
        ],
        required=True,
        default="amount",
    )
    visit_success_days = fields.Integer(
        "Success Window (days)",
        default=30,
        help="A visit succeeds when the customer confirms an order within this "
        "many days.",
    )
    description = fields.Text(translate=True)
    is_measured = fields.Boolean(compute="_compute_is_measured")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A KPI code must be unique per company.",
        )
    ]

    @api.depends("source")
    def _compute_is_measured(self):
        stock = self._stock_installed()
        for kpi in self:
            kpi.is_measured = kpi.source != "manual" and (
                kpi.source != "on_time_delivery" or stock
            )

    def _stock_installed(self):
        return "stock.picking" in self.env and "sale_id" in self.env["stock.picking"]

    # ------------------------------------------------------------------
    # Measuring
    # ------------------------------------------------------------------
    def _measure(self, users, date_from, date_to, company=None):
        """{kpi: {user: value}} of the measured indicators in ``self``.

        One grouped query per data source, for all ``users`` at once.
        """
        scope = MeasureScope(
            users=users,
            date_from=date_from,
            date_to=date_to,
            company=company or self.env.company,
            cache={},
        )
        result = {}
        for kpi in self.filtered("is_measured"):
            method = getattr(self, f"_measure_{kpi.source}")
            result[kpi] = method(kpi, scope)
        return result

    def _invoice_domain(self, scope):
        return [
            ("company_id", "=", scope.company.id),
            ("move_type", "in", INVOICE_TYPES),
            ("state", "=", "posted"),
            ("invoice_user_id", "in", scope.users.ids),
            ("invoice_date", ">=", scope.date_from),
            ("invoice_date", "<=", scope.date_to),
        ]

    def _invoice_totals(self, scope):
        """{user: (untaxed, total, residual)} of posted invoices, signed."""
        key = ("invoices", scope.date_from, scope.date_to)
        if key not in scope.cache:
            groups = (
                self.env["account.move"]
                .sudo()
                ._read_group(
                    self._invoice_domain(scope),
                    ["invoice_user_id"],
                    [
                        "amount_untaxed_signed:sum",
                        "amount_total_signed:sum",
                        "amount_residual_signed:sum",
                    ],
                )
            )
            scope.cache[key] = {
                user: (untaxed, total, residual)
                for user, untaxed, total, residual in groups
            }
        return scope.cache[key]

    def _measure_revenue(self, kpi, scope):
        totals = self._invoice_totals(scope)
        return {user: totals.get(user, (0.0,))[0] for user in scope.users}

    def _measure_collected(self, kpi, scope):
        """Part of the period's invoices already paid."""
        totals = self._invoice_totals(scope)
        res = {}
        for user in scope.users:
            _untaxed, total, residual = totals.get(user, (0.0, 0.0, 0.0))
            res[user] = total - residual
        return res

    def _measure_collection_rate(self, kpi, scope):
        totals = self._invoice_totals(scope)
        res = {}
        for user in scope.users:
            _untaxed, total, residual = totals.get(user, (0.0, 0.0, 0.0))
            res[user] = kpi_engine.percent(total - residual, total)
        return res

    def _revenue_and_cost(self, scope):
        """{user: (revenue, cost)} from invoice lines, cost at product cost."""
        key = ("margin", scope.date_from, scope.date_to)
        if key not in scope.cache:
            groups = (
                self.env["account.move.line"]
                .sudo()
                ._read_group(
                    [
                        (
                            "move_id",
                            "any",
                            self._invoice_domain(scope),
                        ),
                        ("display_type", "=", "product"),
                    ],
                    ["move_id", "product_id"],
                    ["balance:sum", "quantity:sum"],
                )
            )
            res = defaultdict(lambda: [0.0, 0.0])
            for move, product, balance, quantity in groups:
                sign = -1 if move.move_type == "out_refund" else 1
                cost = (
                    product.with_company(scope.company).standard_price * quantity * sign
                )
                res[move.invoice_user_id][0] += -balance
                res[move.invoice_user_id][1] += cost
            scope.cache[key] = res
        return scope.cache[key]

    def _measure_margin(self, kpi, scope):
        data = self._revenue_and_cost(scope)
        return {u: data[u][0] - data[u][1] if u in data else 0.0 for u in scope.users}

    def _measure_cost_rate(self, kpi, scope):
        data = self._revenue_and_cost(scope)
        return {
            u: kpi_engine.percent(data[u][1], data[u][0]) if u in data else 0.0
            for u in scope.users
        }

    def _measure_growth(self, kpi, scope):
        current = self._invoice_totals(scope)
        previous = self._invoice_totals(
            replace(
                scope,
                date_from=scope.date_from - relativedelta(years=1),
                date_to=scope.date_to - relativedelta(years=1),
            )
        )
        return {
            user: kpi_engine.growth_percent(
                current.get(user, (0.0,))[0], previous.get(user, (0.0,))[0]
            )
            for user in scope.users
        }

    def _customers_invoiced(self, scope):
        """{user: commercial partners invoiced in the period}."""
        key = ("customers", scope.date_from, scope.date_to)
        if key not in scope.cache:
            groups = (
                self.env["account.move"]
                .sudo()
                ._read_group(
                    self._invoice_domain(scope) + [("move_type", "=", "out_invoice")],
                    ["invoice_user_id", "commercial_partner_id"],
                )
            )
            res = defaultdict(lambda: self.env["res.partner"])
            for user, partner in groups:
                res[user] |= partner
            scope.cache[key] = res
        return scope.cache[key]

    def _measure_new_customers(self, kpi, scope):
        data = self._customers_invoiced(scope)
        return {
            user: len(
                data[user].filtered(
                    lambda p: (
                        p.incentive_first_sale_date
                        and p.incentive_first_sale_date >= scope.date_from
                    )
                )
            )
            for user in scope.users
        }

    def _measure_repeat_rate(self, kpi, scope):
        """Customers invoiced in the period who had bought before it, in %."""
        data = self._customers_invoiced(scope)
        res = {}
        for user in scope.users:
            partners = data[user]
            repeat = partners.filtered(
                lambda p: (
                    p.incentive_first_sale_date
                    and p.incentive_first_sale_date < scope.date_from
                )
            )
            res[user] = kpi_engine.percent(len(repeat), len(partners))
        return res

    def _done_activities(self, xmlid, scope):
        activity_type = self.env.ref(xmlid, raise_if_not_found=False)
        if not activity_type:
            return self.env["mail.activity"]
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("activity_type_id", "=", activity_type.id),
                    ("active", "=", False),
                    ("user_id", "in", scope.users.ids),
                    ("date_done", ">=", scope.date_from),
                    ("date_done", "<=", scope.date_to),
                ]
            )
        )

    def _measure_visits(self, kpi, scope):
        visits = self._done_activities(
            "sale_incentive.activity_type_customer_visit", scope
        )
        counts = defaultdict(int)
        for visit in visits:
            counts[visit.user_id] += 1
        return {user: counts[user] for user in scope.users}

    def _measure_visit_success(self, kpi, scope):
        """Visits followed by a confirmed order of the customer within N days."""
        visits = self._done_activities(
            "sale_incentive.activity_type_customer_visit", scope
        ).filtered(lambda a: a.res_model == "res.partner")
        days = kpi.visit_success_days or 0
        order_dates = self._visited_order_dates(visits, scope, days)
        done = defaultdict(int)
        success = defaultdict(int)
        for visit in visits:
            done[visit.user_id] += 1
            if any(
                visit.date_done <= day <= visit.date_done + timedelta(days=days)
                for day in order_dates[visit.res_id]
            ):
                success[visit.user_id] += 1
        return {
            user: kpi_engine.percent(success[user], done[user]) for user in scope.users
        }

    def _visited_order_dates(self, visits, scope, days):
        """{commercial partner id: [order dates]} of the confirmed orders of
        the visited customers, from the scope's start to ``days`` after its
        end."""
        order_dates = defaultdict(list)
        if not visits:
            return order_dates
        customers = list(set(visits.mapped("res_id")))
        start = datetime.combine(scope.date_from, time.min)
        end = datetime.combine(scope.date_to + timedelta(days=days), time.max)
        orders = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("company_id", "=", scope.company.id),
                    ("state", "=", "sale"),
                    ("partner_id.commercial_partner_id", "in", customers),
                    ("date_order", ">=", start),
                    ("date_order", "<=", end),
                ]
            )
        )
        for order in orders:
            order_dates[order.partner_id.commercial_partner_id.id].append(
                order.date_order.date()
            )
        return order_dates

    def _measure_complaints(self, kpi, scope):
        """Complaint activities assigned to the salesperson, by deadline."""
        activity_type = self.env.ref(
            "sale_incentive.activity_type_customer_complaint", raise_if_not_found=False
        )
        groups = []
        if activity_type:
            groups = (
                self.env["mail.activity"]
                .sudo()
                .with_context(active_test=False)
                ._read_group(
                    [
                        ("activity_type_id", "=", activity_type.id),
                        ("user_id", "in", scope.users.ids),
                        ("date_deadline", ">=", scope.date_from),
                        ("date_deadline", "<=", scope.date_to),
                    ],
                    ["user_id"],
                    ["__count"],
                )
            )
        counts = dict(groups)
        return {user: counts.get(user, 0) for user in scope.users}

    def _measure_on_time_delivery(self, kpi, scope):
        """Deliveries of the salesperson's orders done by their deadline, in %."""
        pickings = (
            self.env["stock.picking"]
            .sudo()
            .search(
                [
                    ("company_id", "=", scope.company.id),
                    ("picking_type_code", "=", "outgoing"),
                    ("state", "=", "done"),
                    ("sale_id.user_id", "in", scope.users.ids),
                    ("date_done", ">=", datetime.combine(scope.date_from, time.min)),
                    ("date_done", "<=", datetime.combine(scope.date_to, time.max)),
                ]
            )
        )
        done = defaultdict(int)
        on_time = defaultdict(int)
        for picking in pickings:
            user = picking.sale_id.user_id
            done[user] += 1
            deadline = picking.date_deadline or picking.scheduled_date
            if not deadline or picking.date_done <= deadline:
                on_time[user] += 1
        return {
            user: kpi_engine.percent(on_time[user], done[user]) for user in scope.users
        }
