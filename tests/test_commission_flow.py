# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo.tests import Form, tagged

from .common import IncentiveCase


@tagged("post_install", "-at_install")
class TestCommissionFlow(IncentiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=3.0, name="Standard 3%")

    def test_posted_invoice_accrues_three_percent(self):
        order = self._order([(self.product, 120, 1000.0)])
        self.assertMoney(order.incentive_amount, 3600.0)
        self.assertMoney(order.order_line.incentive_amount, 3600.0)
        invoice = self._invoice(order)
        line = self._lines(move_id=invoice.id)
        self.assertEqual(len(line), 1)
        self.assertEqual(line.user_id, self.rep)
        self.assertEqual(line.kind, "invoice")
        self.assertTrue(line.is_earned)
        self.assertMoney(line.base_amount, 120000.0)
        self.assertMoney(line.amount, 3600.0)
        self.assertEqual(line.rate, 3.0)
        self.assertEqual(line.plan_id, self.plan)
        self.assertEqual(line.rule_id, self.plan.rule_ids)
        self.assertIn("3% × 120,000.00", line.explanation)
        self.assertIn(order.name, line.explanation)
        self.assertEqual(invoice.incentive_line_count, 1)

    def test_full_credit_note_nets_to_zero(self):
        order = self._order([(self.product, 120, 1000.0)])
        invoice = self._invoice(order)
        refund = self._refund(invoice)
        clawback = self._lines(move_id=refund.id)
        self.assertEqual(clawback.kind, "refund")
        self.assertMoney(clawback.amount, -3600.0)
        self.assertEqual(clawback.origin_line_id, self._lines(move_id=invoice.id))
        earned = self._lines(user_id=self.rep.id, is_earned=True)
        self.assertMoney(sum(earned.mapped("amount")), 0.0)

    def test_partial_credit_note_keeps_original_rate(self):
        order = self._order([(self.product, 120, 1000.0)])
        invoice = self._invoice(order)
        # the plan changes afterwards (a version at 5% from April 1st): the
        # clawback of April 10th still uses the 3% of the invoice
        version = self._new_version(self.plan, "2026-04-01")
        version.rule_ids.rate = 5.0
        version.action_activate()
        refund = self._refund(invoice, quantity=30)
        clawback = self._lines(move_id=refund.id)
        self.assertMoney(clawback.amount, -900.0)
        self.assertEqual(clawback.rate, 3.0)

    def test_lines_are_not_editable(self):
        order = self._order([(self.product, 1, 1000.0)])
        invoice = self._invoice(order)
        line = self._lines(move_id=invoice.id)
        self.assertTrue(line._fields["amount"].readonly)
        self.assertFalse(
            self.env["sale.incentive.line"]
            .with_user(self.incentive_admin)
            .has_access("write")
        )

    def test_reset_to_draft_removes_unsettled_lines(self):
        order = self._order([(self.product, 10, 1000.0)])
        invoice = self._invoice(order)
        self.assertEqual(len(self._lines(move_id=invoice.id)), 1)
        invoice.button_draft()
        self.assertFalse(self._lines(move_id=invoice.id))
        invoice.action_post()
        self.assertMoney(self._lines(move_id=invoice.id).amount, 300.0)

    def test_user_outside_plan_earns_nothing(self):
        order = self._order([(self.product, 10, 1000.0)], user=self.rep_c)
        invoice = self._invoice(order)
        self.assertFalse(self._lines(move_id=invoice.id))

    def test_forecast_follows_order_changes(self):
        order = self._order([(self.product, 10, 1000.0)])
        self.assertMoney(order.incentive_amount, 300.0)
        order.order_line.product_uom_qty = 20
        self.assertMoney(order.incentive_amount, 600.0)
        # edited in the order form: the order's write refreshes it once
        with Form(order) as form, form.order_line.edit(0) as line:
            line.product_uom_qty = 30
        self.assertMoney(order.incentive_amount, 900.0)
        self.assertEqual(len(self._lines(order_id=order.id, kind="forecast")), 1)
        order._action_cancel()
        self.assertMoney(order.incentive_amount, 0.0)
