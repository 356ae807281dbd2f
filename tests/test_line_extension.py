# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo_test_helper import FakeModelLoader

from odoo.tests import tagged

from .common import IncentiveCase


@tagged("post_install", "-at_install")
class TestLineExtension(IncentiveCase):
    """Commission lines are written by ``create()``: a module extending
    sale.incentive.line with a field default, a stored compute and a
    ``create`` override sees every line the flows write (posting, credit
    note, payment, forecast)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .line_extension import SaleIncentiveLine

        cls.loader.update_registry((SaleIncentiveLine,))
        cls.plan = cls._make_plan(rate=3.0)
        cls.paid_plan = cls._make_plan(rate=1.0, name="Paid", basis="paid")

    @classmethod
    def tearDownClass(cls):
        cls.loader.restore_registry()
        super().tearDownClass()

    def assertExtended(self, lines):
        self.assertTrue(lines)
        for line in lines:
            self.assertEqual(line.extension_note, "seen by the extension")
            self.assertTrue(line.extension_created)
            self.assertEqual(line.extension_cents, round(line.amount * 100))

    def test_posting_a_credit_note_and_a_payment_go_through_create(self):
        order = self._order([(self.product, 10, 1000.0)])
        self._run_forecast_job()
        forecast = self._lines(order_id=order.id, kind="forecast")
        self.assertExtended(forecast)
        invoice = self._invoice(order)
        accrued = self._lines(move_id=invoice.id, kind="invoice")
        self.assertEqual(accrued.plan_id, self.plan | self.paid_plan)
        self.assertExtended(accrued)
        self.assertEqual(
            accrued.filtered(lambda l: l.plan_id == self.plan).extension_cents,
            30_000,
        )
        self._pay(invoice, amount=4_000.0)
        paid = self._lines(move_id=invoice.id, kind="payment")
        self.assertEqual(len(paid), 1)
        self.assertExtended(paid)
        self.assertEqual(paid.extension_cents, 4_000)
        refund = self._refund(invoice, quantity=5)
        clawback = self._lines(move_id=refund.id, kind="refund")
        self.assertEqual(len(clawback), 2)
        self.assertExtended(clawback)
