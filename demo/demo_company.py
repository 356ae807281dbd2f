# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Six months of the demo company's life, written by Odoo's own flows.

Called once, at installation with demo data
(``sale.incentive.demo._load_demo_company``, from
demo/sale_incentive_history_demo.xml).  Everything is dated back from today,
so that the demo stays alive whatever the installation date: the orders are
confirmed, invoiced and posted at their dates, paid (in full or in part) by
Odoo's register-payment wizard, one invoice is partly credited through the
reversal wizard, a salesperson disputes a credit, and the past months are
settled and taken through the approval chain by the demo's own people
(accountant, managers, administrator), leaving settlements in every state.
No amount is written by hand: the commission lines, settlements, journal
entries and payments all come from the module's flow.
"""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

MONTHS = 6  # the current month and the five before it

# rep: (customers, one a month in turn; [(product, quantity per month,
# oldest first)]).  Each rep earns under their own scheme (see the plans).
SALES = {
    "demo_user_rep": (
        ("demo_customer_huaxin",),
        [
            ("demo_product_car", (3, 5, 4, 6, 3, 2)),
            ("demo_product_fleet_contract", (5, 8, 10, 6, 12, 4)),
        ],
    ),
    "demo_user_rep_jun": (
        ("demo_customer_zhongtai",),
        [
            ("demo_product_fleet_contract", (10, 15, 12, 20, 9, 6)),
            ("demo_product_car", (0, 2, 0, 3, 1, 0)),
        ],
    ),
    "demo_user_rep_xin": (
        ("demo_customer_jinhai",),
        [
            ("demo_product_cards", (30, 45, 25, 50, 40, 20)),
            ("demo_product_fleet_contract", (2, 3, 4, 2, 5, 1)),
        ],
    ),
    "demo_user_rep_ming": (
        ("demo_customer_anda", "demo_customer_beifang", "demo_customer_lanshan"),
        [
            # two cars a month the last three months: half of the task of 4,
            # below the 60 % of the under-performance alert
            ("demo_product_car", (1, 2, 1, 1, 2, 1)),
            ("demo_product_stock_car", (1, 0, 1, 1, 0, 1)),
        ],
    ),
    "demo_user_rep_fang": (
        ("demo_customer_lanshan", "demo_customer_beifang"),
        [
            ("demo_product_membership", (40, 55, 35, 60, 45, 20)),
            ("demo_product_fleet_contract", (1, 2, 0, 2, 3, 1)),
        ],
    ),
    "demo_user_rep_yan": (
        ("demo_customer_qingyun", "demo_customer_anda"),
        [("demo_product_membership", (20, 35, 50, 28, 60, 15))],
    ),
}
# negotiated prices (else the list price): above the list, the cars plan
# pays half of the difference
PRICES = {("demo_user_rep_ming", "demo_product_car"): 152000.0}
# orders of this month confirmed but not invoiced yet (forecast lines)
NOT_INVOICED_THIS_MONTH = ("demo_user_rep_fang", "demo_user_rep_yan")
# the invoice partly credited: (rep, months ago, product, quantity returned)
CREDIT_NOTE = ("demo_user_rep_fang", 4, "demo_product_membership", 5)
# where each past month's settlements stop (months ago: state); two months
# ago, the Key Accounts settlements are approved and the Showroom ones wait
# for their manager
SETTLED = {5: "paid", 4: "paid", 3: "posted", 2: "approved", 1: "draft"}
STEPS = ("draft", "submitted", "approved", "validated", "posted", "paid")
# the approval chain's dates: (days after the period's end, the field
# recording the step); the payment follows 10 days after the period's end
STEP_DAYS = (
    (1, "submitted_date"),
    (3, "approved_date"),
    (5, "validated_date"),
    (6, "executive_date"),
    (7, "posted_date"),
)


class DemoCompany:
    """The demo company's history, one phase per method."""

    def __init__(self, env):
        # notifications are queued, as at any installation, not sent one by
        # one (a test run sends them at once)
        self.env = env(context=dict(env.context, mail_notify_force_send=False))
        self.today = fields.Date.context_today(env["sale.incentive.plan"])
        self.first = self.today.replace(day=1)
        self.accountant = self.ref("demo_user_accountant")
        self.admin = self.ref("demo_user_admin")

    def ref(self, name):
        return self.env.ref(f"sale_incentive.{name}")

    # -- dates ---------------------------------------------------------------
    def month_start(self, months_ago):
        return self.first - relativedelta(months=months_ago)

    def day(self, months_ago, day):
        """Day ``day`` of that month, never after its end nor after today."""
        start = self.month_start(months_ago)
        end = start + relativedelta(months=1, days=-1)
        return min(start + relativedelta(days=day - 1), end, self.today)

    # -- the phases ----------------------------------------------------------
    def load(self):
        invoices = self.sell()
        self.credit_note(invoices)
        self.collect(invoices)
        self.dispute()
        self.quotations()
        self.settle()
        self.kpi_values()
        self.alerts()

    def _order_vals(self, rep_xmlid, months_ago):
        customers, lines = SALES[rep_xmlid]
        rep = self.ref(rep_xmlid)
        order_lines = []
        for product_xmlid, quantities in lines:
            quantity = quantities[MONTHS - 1 - months_ago]
            if not quantity:
                continue
            product = self.ref(product_xmlid)
            order_lines.append(
                fields.Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": quantity,
                        "price_unit": PRICES.get(
                            (rep_xmlid, product_xmlid), product.lst_price
                        ),
                    }
                )
            )
        customer = self.ref(customers[months_ago % len(customers)])
        return {
            "partner_id": customer.id,
            "user_id": rep.id,
            "team_id": rep.sale_team_id.id,
            "order_line": order_lines,
        }

    def sell(self):
        """Every rep's order of each month, confirmed, invoiced and posted at
        its date, a month at a time (this month's orders of some reps wait
        to be invoiced).  Returns {(rep xmlid, months ago): invoice}."""
        invoices = {}
        for months_ago in range(MONTHS - 1, -1, -1):
            orders = self.env["sale.order"].create(
                [self._order_vals(rep_xmlid, months_ago) for rep_xmlid in SALES]
            )
            orders.action_confirm()
            to_invoice = self.env["sale.order"]
            dates = {}
            for index, (rep_xmlid, order) in enumerate(zip(SALES, orders, strict=True)):
                date = self.day(months_ago, 4 + 4 * index)
                # the confirmation stamps now: the order was signed that day
                order.date_order = fields.Datetime.to_datetime(date)
                if months_ago or rep_xmlid not in NOT_INVOICED_THIS_MONTH:
                    to_invoice |= order
                    dates[order] = (rep_xmlid, date)
            to_invoice._create_invoices(grouped=True)
            for order in to_invoice:
                rep_xmlid, date = dates[order]
                order.invoice_ids.invoice_date = date
                invoices[rep_xmlid, months_ago] = order.invoice_ids
            to_invoice.invoice_ids.action_post()
        return invoices

    @staticmethod
    def pay_day(date):
        """Customers pay on the 5th or the 20th, ten days after the invoice
        at the earliest."""
        due = date + relativedelta(days=10)
        if due.day <= 5:
            return due.replace(day=5)
        if due.day <= 20:
            return due.replace(day=20)
        return due.replace(day=5) + relativedelta(months=1)

    def register_payment(self, invoices, date, amount=None):
        """Odoo's register-payment wizard on ``invoices`` (one payment each);
        ``amount``: a partial payment of one invoice."""
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"payment_date": date})
        )
        if amount is not None:
            wizard.amount = amount  # partial: the invoice stays open
        return wizard._create_payments()

    def credit_note(self, invoices):
        """Half paid, then goods returned: a partial credit note through the
        reversal wizard, set against the invoice, the rest paid later."""
        rep_xmlid, months_ago, product_xmlid, quantity = CREDIT_NOTE
        invoice = invoices[rep_xmlid, months_ago]
        currency = invoice.currency_id
        paid_on = self.pay_day(invoice.invoice_date)
        self.register_payment(
            invoice, paid_on, currency.round(invoice.amount_total / 2)
        )
        refund_date = self.day(months_ago - 1, 12)
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "date": refund_date,
                    "reason": "Memberships returned unused",
                    "journal_id": invoice.journal_id.id,
                }
            )
        )
        refund = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        product = self.ref(product_xmlid)
        refund.write(
            {
                "invoice_line_ids": [
                    fields.Command.update(line.id, {"quantity": quantity})
                    if line.product_id == product
                    else fields.Command.delete(line.id)
                    for line in refund.invoice_line_ids
                ]
            }
        )
        refund.action_post()  # a reversal is set against its open invoice
        credit = refund.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        if not credit.reconciled:
            invoice.js_assign_outstanding_line(credit.id)
        rest_on = self.pay_day(refund_date)
        if rest_on <= self.today:
            self.register_payment(invoice, rest_on)

    def collect(self, invoices):
        """Customers pay in full on their pay day; every fifth invoice is
        paid 40 % first and the rest a month later; what falls after today
        is still open."""
        credited = invoices[CREDIT_NOTE[0], CREDIT_NOTE[1]]
        in_full = defaultdict(lambda: self.env["account.move"])
        partial = []
        for number, invoice in enumerate(invoices.values()):
            if invoice == credited:
                continue
            first = self.pay_day(invoice.invoice_date)
            if number % 5 != 3:
                in_full[first] |= invoice
                continue
            amount = invoice.currency_id.round(invoice.amount_total * 0.4)
            partial.append((first, invoice, amount))
            in_full[first + relativedelta(months=1)] |= invoice
        events = partial + [(date, moves, None) for date, moves in in_full.items()]
        for date, moves, amount in sorted(events, key=lambda e: (e[0], e[2] is None)):
            if date <= self.today:
                self.register_payment(moves, date, amount)

    def dispute(self):
        """Ming sells a car to Lei's customer: the plans credit the owner;
        Ming disputes it, with a reason; the leader of the order's team (the
        showroom manager) has it to resolve."""
        ming = self.ref("demo_user_rep_ming")
        order = self.env["sale.order"].create(
            {
                "partner_id": self.ref("demo_customer_huaxin").id,
                "user_id": ming.id,
                "team_id": ming.sale_team_id.id,
                "order_line": [
                    fields.Command.create(
                        {
                            "product_id": self.ref("demo_product_car").id,
                            "product_uom_qty": 1,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        action = order.with_user(ming).action_incentive_dispute()
        self.env[action["res_model"]].with_user(ming).with_context(
            **action["context"]
        ).create(
            {
                "reason": "Huaxin's fleet manager came to the showroom and "
                "bought from me; Lei never met him on this order."
            }
        ).action_dispute()

    def quotations(self):
        """Quotations under negotiation: what they would earn shows on them."""
        for rep_xmlid, product_xmlid, quantity in (
            ("demo_user_rep", "demo_product_car", 4),
            ("demo_user_rep_yan", "demo_product_membership", 30),
        ):
            vals = self._order_vals(rep_xmlid, 0)
            product = self.ref(product_xmlid)
            vals["order_line"] = [
                fields.Command.create(
                    {"product_id": product.id, "product_uom_qty": quantity}
                )
            ]
            self.env["sale.order"].create(vals)

    # -- settlements ----------------------------------------------------------
    def settle(self):
        """The accountant settles each past month (and the last quarter);
        managers approve, the accountant validates, posts and pays."""
        showroom = self.ref("demo_team_showroom")
        for months_ago, state in sorted(SETTLED.items(), reverse=True):
            settlements = self.run_settlement("month", self.month_start(months_ago))
            targets = {
                settlement: "submitted"
                if months_ago == 2 and settlement.user_id.sale_team_id == showroom
                else state
                for settlement in settlements
            }
            self.advance(settlements, targets)
        last_quarter = self.first - relativedelta(
            months=(self.first.month - 1) % 3, days=1
        )
        settlements = self.run_settlement("quarter", last_quarter)
        self.advance(settlements, dict.fromkeys(settlements, "paid"))

    def run_settlement(self, period, date):
        wizard = (
            self.env["sale.incentive.settle.wizard"]
            .with_user(self.accountant)
            .create({"period": period, "date": date})
        )
        if not wizard._get_plans(period, date):
            return self.env["sale.incentive.settlement"]
        action = wizard.action_settle()
        return self.env["sale.incentive.settlement"].search(action["domain"])

    def approver(self, settlement):
        """The beneficiary's team manager; the administrator for a manager's
        own settlement."""
        manager = settlement.user_id.sale_team_id.user_id
        if not manager or manager == settlement.user_id:
            return self.admin
        return manager

    def advance(self, settlements, targets):
        """Take each settlement step by step to its target state, every step
        taken by who takes it in the company, for all the settlements at that
        step at once.  (Settlements paying nothing may close on submit.)"""
        accountant = self.accountant
        for state in STEPS[:-1]:
            todo = settlements.filtered(
                lambda s, state=state: (
                    s.state == state and STEPS.index(targets[s]) > STEPS.index(state)
                )
            )
            if state == "draft":
                todo.with_user(accountant).action_submit()
            elif state == "submitted":
                by_approver = defaultdict(settlements.browse)
                for settlement in todo:
                    by_approver[self.approver(settlement)] |= settlement
                for approver, group in by_approver.items():
                    group.with_user(approver).action_approve()
            elif state == "approved":
                todo.with_user(accountant).action_validate()
            elif state == "validated":
                todo.with_user(accountant).action_post()
            else:
                todo = todo.filtered(lambda s: s.move_id and s.amount_payable)
                if todo:
                    self.pay(todo)
        self.date_steps(settlements)

    def date_steps(self, settlements):
        """Each step of the approval chain dated when the company took it, a
        few days after the period's end (never after now), as the orders and
        invoices are dated at their day.  Written below the workflow's guard
        (a posted settlement refuses edits): history, not an edit."""
        now = fields.Datetime.now()
        by_day = defaultdict(settlements.browse)
        for settlement in settlements:
            by_day[settlement.date_to] |= settlement
        for date_to, group in by_day.items():
            for days, field_name in STEP_DAYS:
                taken = group.filtered(field_name)
                when = fields.Datetime.to_datetime(date_to) + relativedelta(
                    days=days, hours=10
                )
                if taken:
                    # below write(): the workflow's own write flushed first,
                    # the cache read again after
                    taken.flush_recordset([field_name])
                    taken.sudo()._write({field_name: min(when, now)})
                    taken.invalidate_recordset([field_name])

    def pay(self, settlements):
        """Register Payment on the settlements' payables (one payment per
        beneficiary), ten days after the period."""
        action = settlements.with_user(self.accountant).action_register_payment()
        date_to = max(settlements.mapped("date_to"))
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.accountant)
            .with_context(**action["context"])
            .create({"payment_date": min(date_to + relativedelta(days=10), self.today)})
        )
        wizard.action_create_payments()

    # -- alerts ----------------------------------------------------------------
    def alerts(self):
        """The daily under-performance alerts, run as the cron runs them once
        the history is written (the managers find the streaks of their
        reps)."""
        self.env["sale.incentive.target"]._cron_underperformance_alerts()

    # -- KPI values ------------------------------------------------------------
    def kpi_values(self):
        """Measured indicators of the scorecards for each past period, and
        the last quarter's satisfaction survey entered by each manager
        (approved; this quarter's wait for approval)."""
        value_model = self.env["sale.incentive.kpi.value"]
        plans = self.env["sale.incentive.plan"].search(
            [("scorecard_line_ids", "!=", False), ("state", "=", "active")]
        )
        for months_ago in range(MONTHS - 1, -1, -1):
            value_model._measure_plans(plans, self.month_start(months_ago))
        satisfaction = self.ref("kpi_satisfaction")
        last_quarter = self.first - relativedelta(months=(self.first.month - 1) % 3 + 3)
        for score, rep_xmlid in enumerate(SALES):
            rep = self.ref(rep_xmlid)
            manager = rep.sale_team_id.user_id
            value = value_model.with_user(manager).create(
                {
                    "kpi_id": satisfaction.id,
                    "user_id": rep.id,
                    "period": "quarter",
                    "date_from": last_quarter,
                    "value": 84 + 2 * score,
                }
            )
            value.action_approve()


class SaleIncentiveDemo(models.AbstractModel):
    """The demo data's loader, not a business model: its one method is
    called by demo/sale_incentive_history_demo.xml (a ``<function>``), once,
    at installation with demo data."""

    _name = "sale.incentive.demo"
    _description = "Sales Incentive Demo Loader"

    @api.model
    def _load_demo_company(self):
        """Six months of the demo company's life, through the real flows."""
        DemoCompany(self.env).load()
