# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What a settlement pays, once more: the simulation across a January
release, the payout entry kept posted while its settlement is, and the
settlement's screens for each role (issue 19 "money left over" 2-3, issue 20
items 10-12)."""

from odoo.tests import tagged

from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestSimulationAcrossRelease(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 10 %, 20 % held until January of the next year
        cls.plan = cls._make_plan(rate=10.0, name="Key accounts", holdback_percent=20)

    def test_simulation_equals_the_settlements_across_a_january_release(self):
        self._sell(50_000.0, date="2026-12-10")
        self._sell(20_000.0, date="2027-01-15")
        december = self._close(self._settle("2026-12-31"))
        january = self._close(self._settle("2027-01-31"))
        # 5,000 earned, 1,000 held
        self.assertMoney(december.amount_total, 4_000.0)
        # 2,000 earned, 400 held, December's 1,000 released
        self.assertMoney(self._component(january, "release").amount, 1_000.0)
        self.assertMoney(january.amount_total, 2_600.0)
        wizard = self._simulate(self.plan, "2026-12-01", "2027-01-31")
        self.assertMoney(wizard.amount_actual, 6_600.0)
        self.assertMoney(wizard.amount_simulated, 6_600.0)
        self.assertMoney(wizard.amount_difference, 0.0)
        self.assertIn("1,000.00", wizard.line_ids.details)
        # the real settlements are untouched: posted, the release still theirs
        self.assertEqual((december | january).mapped("state"), ["posted", "posted"])
        self.assertEqual(
            self._component(december, "holdback").released_by_id,
            self._component(january, "release"),
        )

    def test_a_negative_month_is_carried_in_the_simulation_too(self):
        invoice = self._sell(50_000.0, date="2026-11-10")
        self._close(self._settle("2026-11-30"))
        # all returned in December: -5,000, carried into January
        self._refund(invoice, date="2026-12-05")
        self._sell(80_000.0, date="2027-01-15")
        december = self._settle("2026-12-31")
        self.assertMoney(december.amount_total, -5_000.0)
        self._close(december)
        january = self._close(self._settle("2027-01-31"))
        self.assertTrue(self._component(january, "carry"))
        wizard = self._simulate(self.plan, "2026-12-01", "2027-01-31")
        self.assertMoney(
            wizard.amount_actual, december.amount_total + january.amount_total
        )
        self.assertMoney(wizard.amount_difference, 0.0)
