# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Capitalized commissions in the demo company (issue 22.1).

Jun sells 36-month telematics subscriptions four months ago, three, two and
last month; each month is settled and posted under the capitalizing plan
(its commissions debit the deferred commission asset), the months due are
amortized, and last month the customer of the first contract cancels it: a
credit note writes off what remained of its commission.
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .demo_company import DemoCompany

# months ago: subscriptions sold that month (the first one cancelled)
SUBSCRIPTIONS = {4: 2, 3: 3, 2: 1, 1: 4}
CANCELLED = 4


class DemoCapitalize(DemoCompany):
    def load(self):
        plan = self.ref("demo_plan_capitalized")
        if plan.state == "draft":
            plan.action_activate()
        company = self.env.ref("base.main_company")
        if not company.incentive_deferred_account_id:
            # the company's record is not written again by an update
            company.write(
                {
                    "incentive_deferred_account_id": self.ref(
                        "demo_account_deferred_commission"
                    ).id,
                    "incentive_amortization_account_id": self.ref(
                        "demo_account_commission_amortization"
                    ).id,
                    "incentive_impairment_account_id": self.ref(
                        "demo_account_commission_impairment"
                    ).id,
                }
            )
        invoices = {}
        for months_ago, quantity in sorted(SUBSCRIPTIONS.items(), reverse=True):
            if months_ago == 1:
                self.cancel(invoices[CANCELLED])
            invoices[months_ago] = self.subscribe(months_ago, quantity)
            wizard = (
                self.env["sale.incentive.settle.wizard"]
                .with_user(self.accountant)
                .create(
                    {
                        "period": "month",
                        "date": self.month_start(months_ago),
                        "plan_ids": [fields.Command.set(plan.ids)],
                    }
                )
            )
            settlements = self.env["sale.incentive.settlement"].search(
                wizard.action_settle()["domain"]
            )
            self.advance(settlements, dict.fromkeys(settlements, "posted"))

    def subscribe(self, months_ago, quantity):
        """A subscription order serving 36 months from the first of the
        month, confirmed and invoiced on the 6th."""
        rep = self.ref("demo_user_rep_jun")
        start = self.month_start(months_ago)
        date = self.day(months_ago, 6)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.ref("demo_customer_hengyuan").id,
                "user_id": rep.id,
                "team_id": rep.sale_team_id.id,
                "order_line": [
                    fields.Command.create(
                        {
                            "product_id": self.ref("demo_product_telematics").id,
                            "product_uom_qty": quantity,
                            "incentive_service_start": start,
                            "incentive_service_end": start
                            + relativedelta(months=36, days=-1),
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = fields.Datetime.to_datetime(date)
        invoice = order._create_invoices()
        invoice.invoice_date = date
        invoice.action_post()
        return invoice

    def cancel(self, invoice):
        """The customer cancels the subscription: a credit note through the
        reversal wizard, on the 3rd of last month."""
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "date": self.day(1, 3),
                    "reason": "Subscription cancelled",
                    "journal_id": invoice.journal_id.id,
                }
            )
        )
        refund = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        refund.action_post()


class SaleIncentiveDemo(models.AbstractModel):
    _inherit = "sale.incentive.demo"

    @api.model
    def _load_demo_capitalize(self):
        """Capitalized subscriptions: settled, amortized, one written off
        (once: nothing when the plan has settlements already)."""
        plan = self.env.ref("sale_incentive.demo_plan_capitalized")
        if self.env["sale.incentive.settlement"].search_count(
            [("plan_id", "=", plan.id)]
        ):
            return
        DemoCapitalize(self.env).load()
