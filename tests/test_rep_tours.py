# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The rep in the browser (headless Chromium): the quotation estimate, My
Commissions by period (in English and in Chinese), and acknowledging and
disputing a statement."""

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.sale_incentive.engine.periods import period_bounds

from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestRepTours(SettlementCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0, name="Rep Plan")
        cls.today = fields.Date.context_today(cls.rep)
        cls.month, cls.month_end = period_bounds(cls.today, "month")
        cls.env["sale.incentive.target"].create(
            {
                "plan_id": cls.plan.id,
                "user_id": cls.rep.id,
                "date_from": cls.month,
                "amount": 20_000.0,
            }
        )

    def _this_month(self):
        """10,000 invoiced this month (earns 1,000, settled in a draft) and a
        confirmed order of 5,000 not invoiced (forecast 500)."""
        self._sell(10_000.0, date=self.today)
        self._order([(self.product, 5, 1_000.0)])
        self._run_forecast_job()  # as the cron worker does after confirming
        return self._settle(self.month_end)

    def test_quotation_estimate(self):
        order = self._order([(self.product, 15, 1_000.0)], confirm=False)
        self.start_tour(
            f"/odoo/sales/{order.id}",
            "sale_incentive_quotation_estimate_tour",
            login=self.rep.login,
        )
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.order_line.product_uom_qty, 20)
        self.assertMoney(order.incentive_estimate, 2_000.0)
        self.assertFalse(self._lines(order_id=order.id))

    def test_period_view(self):
        self._this_month()
        self.start_tour("/odoo", "sale_incentive_period_tour", login=self.rep.login)

    def test_period_view_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["sale_incentive"], ["zh_CN"], overwrite=True
        )
        self.rep.lang = "zh_CN"
        self._this_month()
        self.start_tour("/odoo", "sale_incentive_period_zh_tour", login=self.rep.login)

    def test_acknowledge_and_dispute_a_statement(self):
        self._sell(10_000.0, date=self.today)
        settlement = self._settle(self.month_end)
        settlement.action_submit()
        settlement.with_user(self.manager).action_approve()
        self.start_tour(
            "/odoo/action-sale_incentive.action_sale_incentive_settlement_my",
            "sale_incentive_statement_tour",
            login=self.rep.login,
        )
        self.assertEqual(settlement.acknowledged_by_id, self.rep)
        line = settlement.line_ids.filtered(lambda c: c.component == "commission")
        self.assertEqual(line.dispute_state, "disputed")
        self.assertEqual(line.dispute_reason, "The order of 2 March is missing")
        activity = settlement.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("sale_incentive.mail_activity_statement_dispute")
            )
        )
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("The order of 2 March is missing", activity.note)
