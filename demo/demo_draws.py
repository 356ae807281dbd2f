# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A rep on a recoverable draw (issue 22.2), through the real flows.

Hao Lin sells memberships (6,000 each, 5 % commission: 300 each) since he
was hired three months ago, under a draw of 3,000 a month:

* 3 months ago, 4 memberships: 1,200 earned, the draw adds 1,800;
* 2 months ago, 6 memberships: 1,800 earned, the draw adds 1,200 (balance
  3,000);
* last month, 20 memberships: 6,000 earned, 3,000 above the draw, 2,000
  recovered (the cap): 4,000 paid, 1,000 left to recover.

Each month is invoiced, settled by the accountant, approved by the
administrator (Hao has no team manager yet) and posted; the oldest is paid.
"""

from odoo import api, fields, models

from .demo_company import DemoCompany

# months ago: memberships sold
HAO_SALES = {3: 4, 2: 6, 1: 20}
HAO_STATES = {3: "paid", 2: "posted", 1: "posted"}


class SaleIncentiveDemo(models.AbstractModel):
    _inherit = "sale.incentive.demo"

    @api.model
    def _load_demo_draws(self):
        demo = DemoCompany(self.env)
        hao = demo.ref("demo_user_rep_hao")
        plan = demo.ref("demo_plan_draw")
        if plan.state == "draft":
            plan.action_activate()
        if self.env["sale.incentive.settlement"].search_count(
            [("plan_id", "=", plan.id)], limit=1
        ):
            return
        product = demo.ref("demo_product_membership")
        customer = demo.ref("demo_customer_qingyun")
        for months_ago, quantity in sorted(HAO_SALES.items(), reverse=True):
            order = self.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "user_id": hao.id,
                    "team_id": False,
                    "order_line": [
                        fields.Command.create(
                            {"product_id": product.id, "product_uom_qty": quantity}
                        )
                    ],
                }
            )
            order.action_confirm()
            date = demo.day(months_ago, 12)
            order.date_order = fields.Datetime.to_datetime(date)
            invoice = order._create_invoices()
            invoice.invoice_date = date
            invoice.action_post()
            wizard = (
                self.env["sale.incentive.settle.wizard"]
                .with_user(demo.accountant)
                .create(
                    {
                        "period": "month",
                        "date": demo.month_start(months_ago),
                        "plan_ids": [fields.Command.set(plan.ids)],
                    }
                )
            )
            settlements = self.env["sale.incentive.settlement"].search(
                wizard.action_settle()["domain"]
            )
            demo.advance(
                settlements, dict.fromkeys(settlements, HAO_STATES[months_ago])
            )
