# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Seed 002, 城际物流营销部: Bo Han's months on the Intercity Logistics plan.

综合得分比例 x 1500 元 + 业绩指标完成额 x 4 % = 当月实得工资: each month Bo
hauls trucks on the company's own routes (4 % of revenue) and sells a few
off-route loads carried by a partner carrier (8 % of their net profit), and
his manager enters and approves his comprehensive score out of 10.  Written
by the real flows, as demo/demo_company.py writes the company's history:
orders confirmed, invoiced and posted at their date, paid by the
register-payment wizard, the past months settled by the settle wizard and
taken through the approval chain.  Two months ago is the seed's own example:
8.5 points, 200,000 of own-route revenue, 30,000 of off-route revenue at a
cost of 10,000: 1,275 + 8,000 + 1,600 = 10,875.
"""

from odoo import api, fields, models

from .demo_company import DemoCompany

# months ago: (own-route trucks, off-route loads, score out of 10, where its
# settlement stops; None: the open month, its score waiting for approval)
MONTHS = {
    3: (90, 1, 9.0, "paid"),
    2: (100, 2, 8.5, "posted"),
    1: (110, 3, 7.5, "draft"),
    0: (60, 1, 8.0, None),
}


class DemoKpiPay(DemoCompany):
    """Bo Han's history, reusing the company history's dates and steps."""

    def load(self):
        plan = self.ref("demo_plan_intercity")
        self.kpi_values()
        invoices = self.sell()
        for invoice in invoices:
            paid_on = self.pay_day(invoice.invoice_date)
            if paid_on <= self.today:
                self.register_payment(invoice, paid_on)
        for months_ago, (_trucks, _loads, _score, state) in sorted(
            MONTHS.items(), reverse=True
        ):
            if state is None:
                continue
            settlements = self.run_plan(plan, self.month_start(months_ago))
            self.advance(settlements, dict.fromkeys(settlements, state))

    def sell(self):
        """One order a month, confirmed, invoiced and posted at its date."""
        bo = self.ref("demo_user_rep_bo")
        haul = self.ref("demo_product_line_haul")
        carrier = self.ref("demo_product_partner_carrier")
        invoices = self.env["account.move"]
        for months_ago, (trucks, loads, _score, _state) in sorted(
            MONTHS.items(), reverse=True
        ):
            date = self.day(months_ago, 10)
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.ref("demo_customer_yufeng").id,
                    "user_id": bo.id,
                    "team_id": bo.sale_team_id.id,
                    "order_line": [
                        fields.Command.create(
                            {"product_id": product.id, "product_uom_qty": quantity}
                        )
                        for product, quantity in ((haul, trucks), (carrier, loads))
                    ],
                }
            )
            order.action_confirm()
            order.date_order = fields.Datetime.to_datetime(date)
            invoice = order._create_invoices()
            invoice.invoice_date = date
            invoice.action_post()
            invoices |= invoice
        return invoices

    def kpi_values(self):
        """Bo's comprehensive score of each month, entered by his manager and
        approved (the open month's waits for approval)."""
        bo = self.ref("demo_user_rep_bo")
        manager = bo.sale_team_id.user_id
        values = self.env["sale.incentive.kpi.value"].with_user(manager)
        for months_ago, (_trucks, _loads, score, state) in MONTHS.items():
            value = values.create(
                {
                    "kpi_id": self.ref("kpi_comprehensive_score").id,
                    "user_id": bo.id,
                    "period": "month",
                    "date_from": self.month_start(months_ago),
                    "value": score,
                }
            )
            if state is not None:
                value.action_approve()

    def run_plan(self, plan, date):
        """The settle wizard on ``plan`` alone, for the month of ``date``."""
        wizard = (
            self.env["sale.incentive.settle.wizard"]
            .with_user(self.accountant)
            .create(
                {
                    "period": "month",
                    "date": date,
                    "plan_ids": [fields.Command.set(plan.ids)],
                }
            )
        )
        action = wizard.action_settle()
        return self.env["sale.incentive.settlement"].search(action["domain"])


class SaleIncentiveDemo(models.AbstractModel):
    _inherit = "sale.incentive.demo"

    @api.model
    def _load_demo_kpipay(self):
        """Bo Han's months on the Intercity Logistics plan (seed 002)."""
        DemoKpiPay(self.env).load()
