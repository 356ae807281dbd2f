# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Seed 002 (城际物流营销部) on the real flow: a KPI-scored amount beside the
commission, and rules paying on revenue or on net profit in one plan.

综合得分比例 × 1500 元 + 业绩指标完成额 × 4 % = 当月实得工资 (自营线路业务按
总收入提 4 %; 线路外业务提纯利润的 8 %).
"""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestKpiPay(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kpi_score = cls.env.ref("sale_incentive.kpi_comprehensive_score")
        product = cls.env["product.product"]
        cls.own_route = product.create(
            {
                "name": "Chongqing - Chengdu line haul (own route)",
                "type": "service",
                "list_price": 1000.0,
                "standard_price": 0.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        cls.off_route = product.create(
            {
                "name": "Partner carrier haul (off route)",
                "type": "service",
                "list_price": 30_000.0,
                "standard_price": 10_000.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        cls.plan = cls._make_plan(
            name="Intercity Logistics",
            basis="paid",
            kpi_scored_amount=1500.0,
            rule_ids=[
                Command.create(
                    {
                        "name": "Off-route business: 8% of net profit",
                        "sequence": 5,
                        "product_ids": [Command.set(cls.off_route.ids)],
                        "rule_base": "margin",
                        "rate": 8.0,
                    }
                ),
                Command.create(
                    {"name": "Own-route business: 4% of revenue", "rate": 4.0}
                ),
            ],
            scorecard_line_ids=[
                Command.create(
                    {
                        "kpi_id": cls.kpi_score.id,
                        "weight": 100,
                        "target": 10,
                        "cap": 100,
                    }
                )
            ],
        )

    def _score(self, points, date="2026-03-01", user=None):
        value = self.env["sale.incentive.kpi.value"].create(
            {
                "kpi_id": self.kpi_score.id,
                "user_id": (user or self.rep).id,
                "date_from": date,
                "value": points,
            }
        )
        value.action_approve()
        return value

    def _sell_and_collect(self, lines):
        order = self._order(lines)
        invoice = self._invoice(order, date="2026-03-15")
        self._pay(invoice, date="2026-03-20")
        return invoice

    def test_seed_002_pays_10875(self):
        """0.85 × 1,500 + 200,000 × 4 % + (30,000 − 10,000) × 8 % = 10,875."""
        self._score(8.5)
        self._sell_and_collect([(self.own_route, 200, 1000.0)])
        invoice = self._sell_and_collect([(self.off_route, 1, 30_000.0)])
        off_route = self._lines(move_id=invoice.id, kind="invoice")
        self.assertMoney(off_route.base_amount, 20_000.0)  # net profit
        self.assertMoney(off_route.amount, 1_600.0)
        self.assertIn("8", off_route.explanation)
        settlement = self._settle("2026-03-31")
        self.assertEqual(len(settlement), 1)
        commission = self._component(settlement, "commission")
        scored = self._component(settlement, "kpi_amount")
        self.assertMoney(commission.amount, 9_600.0)  # 8,000 + 1,600
        self.assertMoney(scored.amount, 1_275.0)
        self.assertEqual(scored.factor, 0.85)
        self.assertMoney(scored.base_amount, 1_500.0)
        self.assertIn("85", scored.name)
        self.assertIn("1,500.00", scored.name)
        self.assertMoney(settlement.amount_total, 10_875.0)
        # My Commissions: the lines' 9,600 earned, the scored 1,275 beside them
        row = self.env["sale.incentive.period.report"].search(
            [("plan_id", "=", self.plan.id), ("user_id", "=", self.rep.id)]
        )
        self.assertMoney(row.earned, 9_600.0)
        self.assertMoney(row.team_amount, 1_275.0)
        self._close(settlement)
        # one payout entry: expense 10,875.00 / payable (the rep) 10,875.00
        self.assertMoney(
            self._balance(settlement.move_id, self.expense_account), 10_875.0
        )
        self.assertMoney(
            self._balance(settlement.move_id, self.payable_account), -10_875.0
        )

    def test_no_kpi_value_scores_zero(self):
        """No approved score for the month: the amount is shown, 0 paid."""
        self._sell_and_collect([(self.own_route, 10, 1000.0)])
        settlement = self._settle("2026-03-31")
        scored = self._component(settlement, "kpi_amount")
        self.assertMoney(scored.amount, 0.0)
        self.assertMoney(settlement.amount_total, 400.0)

    def test_scored_without_sales_is_paid_the_scored_amount(self):
        """A month without business still pays the score's part; a user the
        plan does not cover is not paid, a zero score makes no settlement."""
        self._score(9.0, date="2026-04-01")
        self._score(10.0, date="2026-04-01", user=self.rep_c)  # not covered
        settlement = self._settle("2026-04-30")
        self.assertEqual(settlement.partner_id, self.rep.partner_id)
        self.assertEqual(settlement.line_ids.mapped("component"), ["kpi_amount"])
        self.assertMoney(settlement.amount_total, 1_350.0)
        self.assertFalse(self._settle("2026-05-31"))  # no score, no sales

    def test_period_split_between_versions_pays_it_once(self):
        """A new version from March 16: the March settlement of the old
        version pays its lines only, the new version's pays the amount."""
        new = self._new_version(self.plan, "2026-03-16")
        new.action_activate()
        self._score(8.5)
        self._sell_and_collect([(self.own_route, 10, 1000.0)])  # 15 March
        settlements = self._settle("2026-03-31", plans=self.plan | new)
        old_one = settlements.filtered(lambda s: s.plan_id == self.plan)
        new_one = settlements.filtered(lambda s: s.plan_id == new)
        self.assertFalse(self._component(old_one, "kpi_amount"))
        self.assertMoney(old_one.amount_total, 400.0)
        self.assertMoney(self._component(new_one, "kpi_amount").amount, 1_275.0)
        self.assertMoney(new_one.amount_total, 1_275.0)

    def test_plan_base_margin_rule_on_revenue(self):
        """A rule may take the revenue on a margin plan too."""
        plan = self._make_plan(
            name="Margin plan",
            base="margin",
            rule={"name": "Revenue rule", "rule_base": "revenue", "rate": 1.0},
        )
        order = self._order([(self.off_route, 1, 30_000.0)])
        invoice = self._invoice(order)
        line = self._lines(move_id=invoice.id, plan_id=plan.id, kind="invoice")
        self.assertMoney(line.base_amount, 30_000.0)
        self.assertMoney(line.amount, 300.0)

    def test_negative_or_unscored_amount_is_refused(self):
        with self.assertRaises(ValidationError):
            self.plan.kpi_scored_amount = -1500.0
        with self.assertRaises(ValidationError):
            self._make_plan(name="No scorecard", kpi_scored_amount=1500.0)
