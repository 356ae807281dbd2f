# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command
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

    def test_deleted_invoice_takes_its_commission_lines(self):
        """An invoice line's commission lines go with it whatever deletes it,
        here a posted invoice deleted outright (``force_delete``); the line
        table has no foreign key to the invoice lines (posting would check it
        per line), the ORM deletes them."""
        order = self._order([(self.product, 10, 1000.0)])
        invoice = self._invoice(order)
        other = self._invoice(self._order([(self.product, 5, 1000.0)]))
        lines = self._lines(move_id=invoice.id)
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines.move_line_id, invoice.invoice_line_ids)
        invoice_line_ids = lines.move_line_id.ids
        invoice.with_context(force_delete=True).unlink()
        self.assertFalse(lines.exists())
        self.assertFalse(
            self.env["sale.incentive.line"].search_count(
                [("move_line_id", "in", invoice_line_ids)]
            )
        )
        self.assertMoney(self._lines(move_id=other.id).amount, 150.0)

    def test_forecast_written_by_background_job(self):
        """Confirming computes no commission line: it triggers the job that
        writes the forecast; meanwhile the order shows the same figures,
        computed from its lines, and each user sees only what the lines
        would show them."""
        self._make_plan(rate=3.0, users=self.rep_b, name="Rep B 3%")
        triggers = self.env["ir.cron.trigger"].search([])
        order = self._order(
            [(self.product, 10, 1000.0), (self.product, 5, 1000.0)],
            confirm=False,
            incentive_share_ids=[
                Command.create({"user_id": self.rep.id, "share": 60.0}),
                Command.create({"user_id": self.rep_b.id, "share": 40.0}),
            ],
        )
        order.action_confirm()
        self.assertFalse(self._lines(order_id=order.id))
        cron = self.env.ref("sale_incentive.ir_cron_incentive_forecast")
        self.assertIn(cron, (self.env["ir.cron.trigger"].search([]) - triggers).cron_id)
        before = {
            "all": order.incentive_amount,
            "lines": order.order_line.mapped("incentive_amount"),
            "rep": order.with_user(self.rep).incentive_amount,
            "manager": order.with_user(self.manager).incentive_amount,
        }
        self.assertMoney(before["all"], 450.0)
        self.assertEqual(before["lines"], [300.0, 150.0])
        self.assertMoney(before["rep"], 270.0)
        self.assertMoney(before["manager"], 450.0)
        self._run_forecast_job()
        self.assertFalse(order.sudo().incentive_forecast_pending)
        forecast = self._lines(order_id=order.id, kind="forecast")
        self.assertEqual(
            sorted((line.user_id.login, line.amount) for line in forecast),
            [("rep_a", 90.0), ("rep_a", 180.0), ("rep_b", 60.0), ("rep_b", 120.0)],
        )
        order.invalidate_recordset()
        after = {
            "all": order.incentive_amount,
            "lines": order.order_line.mapped("incentive_amount"),
            "rep": order.with_user(self.rep).incentive_amount,
            "manager": order.with_user(self.manager).incentive_amount,
        }
        self.assertEqual(after, before)
        # cancelled: no forecast, nothing pending
        order._action_cancel()
        self.assertFalse(self._lines(order_id=order.id))
        self.assertFalse(order.sudo().incentive_forecast_pending)
        self.assertMoney(order.incentive_amount, 0.0)

    def test_user_outside_plan_earns_nothing(self):
        order = self._order([(self.product, 10, 1000.0)], user=self.rep_c)
        invoice = self._invoice(order)
        self.assertFalse(self._lines(move_id=invoice.id))

    def test_forecast_follows_order_changes(self):
        order = self._order([(self.product, 10, 1000.0)])
        self.assertMoney(order.incentive_amount, 300.0)
        order.order_line.product_uom_qty = 20
        self.assertMoney(order.incentive_amount, 600.0)
        self._run_forecast_job()
        self.assertMoney(self._lines(order_id=order.id, kind="forecast").amount, 600.0)
        # edited in the order form: the order's write refreshes it once
        with Form(order) as form, form.order_line.edit(0) as line:
            line.product_uom_qty = 30
        self.assertMoney(order.incentive_amount, 900.0)
        self._run_forecast_job()
        self.assertEqual(len(self._lines(order_id=order.id, kind="forecast")), 1)
        self.assertMoney(order.incentive_amount, 900.0)
        order._action_cancel()
        self.assertMoney(order.incentive_amount, 0.0)
