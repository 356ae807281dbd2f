"""The KPI-scored amount (engine/kpipay.py and its pipeline step), no database.

Seed 002 (城际物流营销部): 综合得分比例 × 1500 元 + 业绩指标完成额 × 4 %.
"""

from odoo.tests import BaseCase, tagged

from odoo.addons.sale_incentive.engine import components, kpipay
from odoo.addons.sale_incentive.engine.components import Facts

from .test_engine_components import ComponentsCase, commission


@tagged("post_install", "-at_install")
class TestEngineKpiPay(BaseCase):
    def test_score_ratio_is_within_zero_and_one(self):
        self.assertEqual(kpipay.score_ratio(0.85), 0.85)
        self.assertEqual(kpipay.score_ratio(1.2), 1.0)  # capped: the most paid
        self.assertEqual(kpipay.score_ratio(-0.1), 0.0)
        self.assertEqual(kpipay.score_ratio(None), 0.0)  # no score: nothing

    def test_scored_amount_is_rounded_once_half_up(self):
        self.assertEqual(kpipay.scored_amount(0.85, 1500, digits=2), (0.85, 1275.0))
        # 0.83335 × 1,500 = 1,250.025 -> 1,250.03 (half up, once)
        self.assertEqual(kpipay.scored_amount(0.83335, 1500, digits=2)[1], 1250.03)
        # a currency without decimals
        self.assertEqual(kpipay.scored_amount(0.8333, 1500, digits=0)[1], 1250.0)

    def test_negative_amount_is_refused(self):
        with self.assertRaises(ValueError):
            kpipay.scored_amount(0.85, -1500, digits=2)
        with self.assertRaises(ValueError):
            components.settle(
                Facts(kpi_score=0.85),
                components.Policy(digits=2, kpi_scored_amount=-1500.0),
            )


@tagged("post_install", "-at_install")
class TestComponentsKpiAmount(ComponentsCase):
    def test_seed_002_score_and_commission_add_up(self):
        """0.85 × 1,500 + 200,000 × 4 % + 20,000 × 8 % = 10,875.00."""
        facts = Facts(groups=[commission(9_600.0, 220_000.0)], kpi_score=0.85)
        result = self._settle(facts, kpi_scored_amount=1500.0)
        self.assertEqual(
            self._messages(result), [("commission", 9_600.0), ("kpi_amount", 1_275.0)]
        )
        part = self._one(result, "kpi_amount")
        self.assertEqual(part.component, "kpi_amount")
        self.assertEqual(
            part.params,
            {"score": 0.85, "percent": 85.0, "full": 1500.0, "amount": 1275.0},
        )
        self.assertEqual((part.base_amount, part.factor), (1500.0, 0.85))
        self.assertEqual(result.total, 10_875.0)

    def test_paid_without_commission(self):
        result = self._settle(Facts(kpi_score=0.9), kpi_scored_amount=1500.0)
        self.assertEqual(self._messages(result), [("kpi_amount", 1_350.0)])

    def test_not_multiplied_by_the_kpi_multiplier_nor_the_gate(self):
        """The KPI multiplier scales the commission only; a failed target
        gate takes the commission back, not the scored amount."""
        facts = Facts(groups=[commission(1_000.0, 50_000.0)], kpi_score=0.5)
        result = self._settle(facts, use_kpi_score=True, kpi_scored_amount=1000.0)
        self.assertEqual(
            self._messages(result),
            [("commission", 1_000.0), ("kpi", -500.0), ("kpi_amount", 500.0)],
        )
        facts = Facts(
            groups=[commission(1_000.0, 50_000.0)],
            actual=50_000.0,
            target=100_000.0,
            kpi_score=0.5,
        )
        result = self._settle(facts, target_gate="reach", kpi_scored_amount=1000.0)
        self.assertEqual(
            self._messages(result),
            [("commission", 1_000.0), ("gate_failed", -1_000.0), ("kpi_amount", 500.0)],
        )

    def test_zero_score_shows_a_zero_component_no_score_none(self):
        result = self._settle(Facts(kpi_score=0.0), kpi_scored_amount=1500.0)
        self.assertEqual(self._messages(result), [("kpi_amount", 0.0)])
        result = self._settle(
            Facts(groups=[commission(100.0, 1_000.0)]), kpi_scored_amount=1500.0
        )
        self.assertEqual(self._messages(result), [("commission", 100.0)])

    def test_forfeiture_does_not_pay_it(self):
        facts = Facts(groups=[commission(1_000.0, 50_000.0)], kpi_score=1.0)
        result = self._settle(facts, kpi_scored_amount=1500.0, forfeit_percent=100.0)
        self.assertEqual(
            self._messages(result), [("commission", 1_000.0), ("forfeit", 0.0)]
        )
