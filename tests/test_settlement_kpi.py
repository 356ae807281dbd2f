# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command
from odoo.tests import tagged

from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestSettlementKpiMultiplier(SettlementCase):
    """The plan's KPI scorecard (issue #4) multiplies the settlement (issue #5)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kpi_satisfaction = cls.env.ref("sale_incentive.kpi_satisfaction")
        cls.kpi_market_share = cls.env.ref("sale_incentive.kpi_market_share")
        cls.plan = cls._make_plan(
            rate=3.0,
            use_kpi_score=True,
            scorecard_line_ids=[
                Command.create(
                    {"kpi_id": cls.kpi_satisfaction.id, "weight": 60, "target": 100}
                ),
                Command.create(
                    {
                        "kpi_id": cls.kpi_market_share.id,
                        "weight": 40,
                        "target": 20,
                        "cap": 120.0,  # %
                    }
                ),
            ],
        )

    def _value(self, kpi, value, approve=True):
        record = self.env["sale.incentive.kpi.value"].create(
            {
                "kpi_id": kpi.id,
                "user_id": self.rep.id,
                "date_from": "2026-03-01",
                "value": value,
            }
        )
        if approve:
            record.action_approve()
        return record

    def test_score_multiplies_the_commission(self):
        self._sell(100_000.0)  # 3,000.00 of commission in March
        self._value(self.kpi_satisfaction, 90.0)  # 0.9
        self._value(self.kpi_market_share, 30.0)  # 1.5, capped at 1.2
        settlement = self._settle("2026-03-31")
        kpi = self._component(settlement, "kpi")
        # score 0.6 × 0.9 + 0.4 × 1.2 = 1.02 → +60.00
        self.assertEqual(kpi.factor, 1.02)
        self.assertMoney(kpi.amount, 60.0)
        self.assertMoney(settlement.amount_total, 3_060.0)

    def test_unapproved_value_does_not_count(self):
        self._sell(100_000.0)
        self._value(self.kpi_satisfaction, 100.0)
        self._value(self.kpi_market_share, 20.0, approve=False)
        settlement = self._settle("2026-03-31")
        kpi = self._component(settlement, "kpi")
        # market share counts 0 until approved: score 0.6 → −1,200.00
        self.assertEqual(kpi.factor, 0.6)
        self.assertMoney(kpi.amount, -1_200.0)
        self.assertMoney(settlement.amount_total, 1_800.0)
