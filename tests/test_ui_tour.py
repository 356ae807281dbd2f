# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.sale_incentive.engine.periods import period_bounds

from .common import IncentiveCase
from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestIncentiveTours(IncentiveCase, HttpCase):
    """What a rep sees in the browser (Odoo's tour runner, headless Chromium)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_plan(rate=3.0)

    def test_rep_sees_own_commission(self):
        self._invoice(self._order([(self.product, 10, 1000.0)]))
        self.start_tour(
            "/odoo/action-sale_incentive.action_sale_incentive_line_my",
            "sale_incentive_rep_tour",
            login=self.rep.login,
        )

    def test_rep_sees_expected_commission_on_order(self):
        order = self._order([(self.product, 15, 1000.0)])
        self.start_tour(
            f"/odoo/sales/{order.id}",
            "sale_incentive_order_tour",
            login=self.rep.login,
        )


@tagged("post_install", "-at_install")
class TestSettlementTour(SettlementCase, HttpCase):
    def test_manager_approves_in_the_browser(self):
        self.plan = self._make_plan(rate=3.0)
        self._sell(100_000.0)
        settlement = self._settle("2026-03-31")
        settlement.action_submit()
        self.start_tour(
            f"/odoo/action-sale_incentive.action_sale_incentive_settlement/{settlement.id}",
            "sale_incentive_settlement_approve_tour",
            login=self.manager.login,
        )
        self.assertEqual(settlement.state, "approved")
        self.assertEqual(settlement.approved_by_id, self.manager)


@tagged("post_install", "-at_install")
class TestPlanTour(SettlementCase, HttpCase):
    def test_admin_drafts_simulates_and_activates_a_plan(self):
        today = fields.Date.context_today(self.env.user)
        last_quarter = period_bounds(today - relativedelta(months=3), "quarter")
        self._sell(10_000.0, date=last_quarter[0] + relativedelta(days=14))
        self.start_tour(
            "/odoo/action-sale_incentive.action_sale_incentive_plan",
            "sale_incentive_plan_simulate_tour",
            login=self.incentive_admin.login,
        )
        plan = self.env["sale.incentive.plan"].search([("name", "=", "Tour 5%")])
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.activated_by_id, self.incentive_admin)
        self.assertFalse(
            self.env["sale.incentive.settlement"].search([("plan_id", "=", plan.id)])
        )
        # in force: it writes the commissions of what is invoiced from now on
        invoice = self._sell(2_000.0, date=today)
        self.assertMoney(self._lines(move_id=invoice.id, plan_id=plan.id).amount, 100.0)
