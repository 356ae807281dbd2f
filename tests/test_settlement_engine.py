"""Pure settlement arithmetic (no database)."""

import datetime

from odoo.tests import BaseCase, tagged

from odoo.addons.sale_incentive.engine import holdback
from odoo.addons.sale_incentive.engine import settlement as engine


@tagged("post_install", "-at_install")
class TestSettlementEngine(BaseCase):
    def test_posting_amounts_of_a_holdback(self):
        amounts = engine.posting_amounts(10_000, 2_000, 0, 0, digits=2)
        self.assertEqual(
            amounts,
            {
                "expense": 10_000.0,
                "holdback_debit": 0.0,
                "holdback_credit": 2_000.0,
                "payable": 8_000.0,
            },
        )

    def test_posting_amounts_of_a_release_balance(self):
        released = holdback.release_amount(2_000, 0.9, 1.1, digits=2)
        self.assertEqual(released, 1_980.0)
        amounts = engine.posting_amounts(0, 0, 2_000, released, digits=2)
        self.assertEqual(amounts["expense"], -20.0)
        self.assertEqual(amounts["payable"], 1_980.0)
        debit = amounts["expense"] + amounts["holdback_debit"]
        credit = amounts["holdback_credit"] + amounts["payable"]
        self.assertEqual(debit, credit)

    def test_posting_amounts_are_exact_to_the_cent(self):
        amounts = engine.posting_amounts(0.1 + 0.2, 0.1, 0, 0, digits=2)
        self.assertEqual(amounts["payable"], 0.2)

    def test_months_overdue(self):
        day = datetime.date
        self.assertEqual(engine.months_overdue(day(2026, 3, 31), day(2026, 3, 31)), 0)
        self.assertEqual(engine.months_overdue(day(2026, 3, 15), day(2026, 3, 31)), 1)
        self.assertEqual(engine.months_overdue(day(2026, 2, 28), day(2026, 3, 31)), 2)
        self.assertEqual(engine.months_overdue(day(2026, 1, 15), day(2026, 3, 31)), 3)
        self.assertEqual(engine.months_overdue(None, day(2026, 3, 31)), 0)

    def test_net_total(self):
        self.assertEqual(engine.net_total([0.1, 0.2, -0.3], digits=2), 0.0)
        self.assertEqual(engine.net_total([8_000, 1_980.005], digits=2), 9_980.01)
