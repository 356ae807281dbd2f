# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Selling below the minimum price (issue 21.4, seed 004 4.2.9), through the
real flow: the reps ask from their orders, the team's manager approves."""

from odoo import api, fields, models

# the commission % the showroom manager sets on Ming Zhao's Sedan
APPROVED_RATE = 1.0


class SaleIncentiveDemo(models.AbstractModel):
    _inherit = "sale.incentive.demo"

    @api.model
    def _load_demo_minprice(self):
        """The company requires approval below the minimum price; Lei Wang
        asks for his Sedan at 135,000 (Mei Chen has the activity); Ming Zhao
        asked for his at 136,000, Tao Sun approved it at 1 %, and the order
        is confirmed and invoiced today."""
        ref = self.env.ref
        ref("base.main_company").incentive_price_approval = True
        Approval = self.env["sale.incentive.price.approval"]
        reasons = {
            "sale_incentive.demo_order_minprice_waiting": "Year-end offer to a "
            "big customer ordering three more next quarter",
            "sale_incentive.demo_order_minprice_approved": "The customer has a "
            "competitor's offer at 135,000",
        }
        for xmlid, reason in reasons.items():
            order = ref(xmlid).with_user(ref(xmlid).user_id)
            order.action_request_price_approval()
            Approval.with_user(order.user_id).search(
                [("order_id", "=", order.id)]
            ).reason = reason
        approved = ref("sale_incentive.demo_order_minprice_approved")
        approval = Approval.with_user(
            ref("sale_incentive.demo_user_manager_showroom")
        ).search([("order_id", "=", approved.id), ("state", "=", "requested")])
        approval.commission_rate = APPROVED_RATE
        approval.action_approve()
        approved._incentive_demo_invoice(fields.Date.context_today(self))
