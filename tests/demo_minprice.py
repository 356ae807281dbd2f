# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The demo's prices below the minimum (issue 21.4), mixed into
``TestDemoCompany``."""

from odoo.exceptions import UserError


class DemoMinpriceMixin:
    def _demo_price_approval(self, xmlid):
        order = self.env.ref(f"sale_incentive.{xmlid}")
        return order, self.env["sale.incentive.price.approval"].search(
            [("order_id", "=", order.id)]
        )

    def test_demo_minprice_waiting_for_the_manager(self):
        """Lei Wang's Sedan at 135,000 (minimum 140,000) waits for Mei Chen,
        who has the activity; the quotation cannot be confirmed."""
        order, approval = self._demo_price_approval("demo_order_minprice_waiting")
        manager = self.env.ref("sale_incentive.demo_user_manager")
        self.assertTrue(order.company_id.incentive_price_approval)
        self.assertEqual(order.state, "draft")
        self.assertRecordValues(
            approval,
            [
                {
                    "state": "requested",
                    "approver_id": manager.id,
                    "requested_by_id": order.user_id.id,
                    "price_unit": 135000.0,
                    "min_price": 140000.0,
                }
            ],
        )
        self.assertEqual(approval.activity_ids.user_id, manager)
        self.assertTrue(approval.with_user(manager).can_decide)
        self.assertFalse(approval.with_user(order.user_id).can_decide)
        with self.assertRaisesRegex(UserError, "minimum price"):
            order.action_confirm()

    def test_demo_minprice_approved_and_invoiced(self):
        """Ming Zhao's Sedan at 136,000, approved by Tao Sun at 1 %: the
        order is invoiced and its commission line earns 1 % (1,360.00), not
        the per-car amount of the cars plan."""
        order, approval = self._demo_price_approval("demo_order_minprice_approved")
        self.assertEqual(approval.state, "approved")
        self.assertEqual(
            approval.approved_by_id,
            self.env.ref("sale_incentive.demo_user_manager_showroom"),
        )
        self.assertTrue(approval.covers_line)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.invoice_ids.state, "posted")
        lines = self.env["sale.incentive.line"].search(
            [("move_id", "in", order.invoice_ids.ids), ("kind", "=", "invoice")]
        )
        cars = self.env.ref("sale_incentive.demo_plan_cars")
        # the awards-only plan (0 %) measures the sale and pays nothing on it
        self.assertFalse(
            any(lines.filtered(lambda x: x.plan_id != cars).mapped("amount"))
        )
        lines = lines.filtered(lambda x: x.plan_id == cars)
        self.assertTrue(lines)
        for line in lines:
            self.assertEqual(line.rate, 1.0)
            self.assertAlmostEqual(line.amount, 1360.0, places=2)
            self.assertIn("approved by Tao Sun", line.explanation)
