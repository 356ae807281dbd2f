"""Tests of the grade review engine (no database needed)."""

import datetime

from odoo.tests import BaseCase, tagged

from odoo.addons.sale_incentive.engine import grades


@tagged("post_install", "-at_install")
class TestEngineGrades(BaseCase):
    def test_kpi_streak(self):
        # seed 002: 5 marketing-centre tasks a month, 3 failed months in a row
        self.assertTrue(grades.streak_failed([3, 4, 2], 5, 3))
        self.assertFalse(grades.streak_failed([3, 4, 5], 5, 3))
        self.assertFalse(grades.streak_failed([3, 2, 6], 5, 3))
        self.assertEqual(grades.failed_streak([6, 3, 4, 2], 5), 3)
        self.assertFalse(grades.streak_failed([1, 1, 1], 5, 0))

    def test_team_targets(self):
        # 2 of 3 members below their target: 66.7 % > 50 %
        rows = [(30_000, 40_000), (30_000, 0), (30_000, 29_999.99)]
        self.assertEqual(grades.missed_share(rows)[:2], (2, 3))
        self.assertTrue(grades.team_failed(rows, 50))
        # exactly half is not more than half
        self.assertFalse(grades.team_failed(rows[:1] + rows[2:], 50))
        # a member without a target has nothing to miss
        self.assertEqual(grades.missed_share([(0, 0), (10, 0)])[:2], (1, 1))
        self.assertFalse(grades.team_failed([], 50))

    def test_periods(self):
        day = datetime.date(2026, 3, 31)
        self.assertEqual(
            grades.last_months(day, 3),
            [
                datetime.date(2026, 1, 1),
                datetime.date(2026, 2, 1),
                datetime.date(2026, 3, 1),
            ],
        )
        self.assertEqual(
            grades.last_closed_period(datetime.date(2026, 4, 1), "quarter"),
            (datetime.date(2026, 1, 1), day),
        )
