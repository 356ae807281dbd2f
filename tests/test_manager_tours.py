# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.sale_incentive.engine import periods

from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestManagerTour(SettlementCase, HttpCase):
    """The manager in the browser: team board figures, a settlement waiting
    for them, a credit dispute resolved with the pre-filled wizard."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.plan = cls._make_plan(
            rate=3.0, users=cls.rep | cls.rep_b, attribution_policy="owner"
        )
        month_from = periods.period_bounds(cls.today, "month")[0]
        cls.env["sale.incentive.target"].create(
            [
                {
                    "plan_id": cls.plan.id,
                    "user_id": user.id,
                    "date_from": month_from,
                    "amount": amount,
                }
                for user, amount in ((cls.rep, 10_000.0), (cls.rep_b, 8_000.0))
            ]
        )
        cls.owned = cls.env["res.partner"].create(
            {"name": "Owned Co", "incentive_owner_id": cls.rep_b.id}
        )

    def test_manager_board_approve_and_resolve(self):
        # this month: Rep_A 4,000 invoiced + 2,000 confirmed; Rep_B 2,000
        self._sell(4_000.0, date=self.today)
        self._order([(self.product, 2, 1000.0)])
        self._sell(2_000.0, date=self.today, user=self.rep_b)
        # March: Rep_B's settlement of 30.00, submitted
        self._sell(1_000.0, date="2026-03-10", user=self.rep_b)
        settlement = self._settle("2026-03-31")
        self.assertEqual(settlement.partner_id, self.rep_b.partner_id)
        settlement.action_submit()
        # Rep_A sold to Rep_B's customer: Rep_B is credited, Rep_A disputes
        order = self._order([(self.product, 1, 1000.0)], partner=self.owned)
        self.assertEqual(order.incentive_share_ids.user_id, self.rep_b)
        self._dispute(order, self.rep, "I closed it")
        self._run_forecast_job()  # as the cron worker does after confirming
        self.start_tour(
            "/odoo", "sale_incentive_manager_tour", login=self.manager.login
        )
        self.assertEqual(settlement.state, "approved")
        self.assertEqual(settlement.approved_by_id, self.manager)
        self.assertFalse(order.incentive_conflict)
        self.assertEqual(
            [(s.user_id, s.share) for s in order.incentive_share_ids],
            [(self.rep, 100.0)],
        )
        self.assertIn("Rep_A closed it", order.message_ids.sorted("id")[-1].body)
        self.assertFalse(order.activity_ids)
