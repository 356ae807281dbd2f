"""Tests of the KPI scorecard engine (no database needed)."""

from odoo.tests import BaseCase, tagged

from odoo.addons.sale_incentive.engine import kpi


@tagged("post_install", "-at_install")
class TestEngineKpi(BaseCase):
    def test_seed_scorecard(self):
        # revenue 900k / 1M, collection 95 % / 100 %, 18 / 20 visits,
        # 2 complaints for at most 1 (lower is better); weights 40/20/20/20
        items = [
            {"weight": 40, "actual": 900_000, "target": 1_000_000},
            {"weight": 20, "actual": 95, "target": 100},
            {"weight": 20, "actual": 18, "target": 20},
            {"weight": 20, "actual": 2, "target": 1, "direction": "lower"},
        ]
        score, scores = kpi.scorecard(items)
        self.assertEqual(scores, [0.9, 0.95, 0.9, 0.5])
        self.assertEqual(score, 0.83)

    def test_cap_and_floor(self):
        items = [
            {"weight": 50, "actual": 1_500_000, "target": 1_000_000, "cap": 120},
            {"weight": 50, "actual": 50, "target": 100, "floor": 60, "cap": 120},
        ]
        score, scores = kpi.scorecard(items)
        self.assertEqual(scores, [1.2, 0.0])
        self.assertEqual(score, 0.6)

    def test_negative_growth_scores_zero(self):
        self.assertEqual(kpi.growth_percent(90, 100), -10.0)
        score, scores = kpi.scorecard(
            [{"weight": 100, "actual": kpi.growth_percent(90, 100), "target": 10}]
        )
        self.assertEqual((score, scores), (0.0, [0.0]))

    def test_percent(self):
        self.assertEqual(kpi.percent(855_000, 900_000), 95.0)
        self.assertEqual(kpi.percent(5, 0), 0.0)
