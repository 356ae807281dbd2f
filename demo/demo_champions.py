# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Champions and benefits in the demo company (issue 21.3).

The plan "Partner Awards" of demo/sale_incentive_champions_demo.xml pays
awards only: activated once the history is written, it accrues its lines
for the history's invoices (the accrual's own method, as a posting does),
then the accountant settles each past month of it and the chain takes the
settlements to posted: the month's champion is paid every month, the
quarter's in the month closing it; the benefits are granted at posting, the
daily cron expires those whose month is over, and the Key Accounts director
records one of this month's as used.
"""

from odoo import api, fields, models

from .demo_company import MONTHS, DemoCompany

# months ago: the state the plan's settlements reach
SETTLED = {5: "paid", 4: "paid", 3: "posted", 2: "posted", 1: "posted"}


class SaleIncentiveDemo(models.AbstractModel):
    _inherit = "sale.incentive.demo"

    @api.model
    def _load_demo_champions(self):
        demo = DemoCompany(self.env)
        plan = demo.ref("demo_plan_champions")
        if plan.state != "draft":
            return  # loaded already
        plan.action_activate()
        invoices = self.env["account.move"].search(
            [
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                ("company_id", "=", plan.company_id.id),
                ("invoice_date", ">=", demo.month_start(MONTHS - 1)),
            ]
        )
        self.env["sale.incentive.accrual"]._create_for_invoices(invoices, plans=plan)
        for months_ago, state in sorted(SETTLED.items(), reverse=True):
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
            action = wizard.action_settle()
            settlements = self.env["sale.incentive.settlement"].search(action["domain"])
            demo.advance(settlements, dict.fromkeys(settlements, state))
        benefits = self.env["sale.incentive.benefit"]
        benefits._cron_expire()
        # this month's guidance of Lei, given: the director records it
        current = benefits.search(
            [
                ("plan_id", "=", plan.id),
                ("state", "=", "granted"),
                ("user_id", "=", demo.ref("demo_user_rep").id),
                ("rule_id", "=", demo.ref("demo_benefit_rule_guidance").id),
            ],
            limit=1,
        )
        if current:
            current.with_user(demo.ref("demo_user_manager")).action_use()
