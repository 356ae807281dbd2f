# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import IncentiveCase


@tagged("post_install", "-at_install")
class TestPlanValidation(IncentiveCase):
    def _count(self):
        return (
            self.env["sale.incentive.plan"].search_count([]),
            self.env["sale.incentive.rule"].search_count([]),
        )

    def _assert_refused(self, rule_vals, message):
        before = self._count()
        with (
            self.assertRaisesRegex(ValidationError, message),
            self.env.cr.savepoint(),
        ):
            self._make_plan(rule=dict({"name": "Bad"}, **rule_vals))
        self.assertEqual(self._count(), before)

    def test_negative_rate_refused(self):
        self._assert_refused({"rate": -1.0}, "cannot be negative")

    def test_rate_over_hundred_refused(self):
        self._assert_refused({"rate": 100.01}, "over 100%")

    def test_negative_fixed_amount_refused(self):
        self._assert_refused(
            {"compute_type": "fixed_unit", "fixed_amount": -5.0}, "cannot be negative"
        )

    def test_rate_bounds_accepted(self):
        plan = self._make_plan(rule={"name": "Zero", "rate": 0.0}, activate=False)
        plan.rule_ids.rate = 100.0
        self.assertEqual(plan.rule_ids.rate, 100.0)

    def test_unsafe_formula_refused_at_save(self):
        self._assert_refused(
            {"compute_type": "formula", "formula": "__import__('os').system('id')"},
            "formula is refused",
        )
        self._assert_refused(
            {"compute_type": "formula", "formula": "base * "}, "formula is refused"
        )
        self._assert_refused(
            {"compute_type": "formula", "formula": "'text'"}, "must return a number"
        )

    def test_overlapping_brackets_refused(self):
        self._assert_refused(
            {
                "compute_type": "bracket",
                "bracket_ids": [
                    Command.create({"amount_from": 0, "amount_to": 500000, "rate": 2}),
                    Command.create({"amount_from": 400000, "amount_to": 0, "rate": 3}),
                ],
            },
            "bracket table is invalid",
        )

    def test_bracket_hole_refused(self):
        self._assert_refused(
            {
                "compute_type": "bracket",
                "bracket_ids": [
                    Command.create({"amount_from": 0, "amount_to": 500000, "rate": 2}),
                    Command.create({"amount_from": 600000, "amount_to": 0, "rate": 3}),
                ],
            },
            "bracket table is invalid",
        )

    def test_plan_dates_checked(self):
        with (
            self.assertRaisesRegex(ValidationError, "start on or before"),
            self.env.cr.savepoint(),
        ):
            self._make_plan(date_from="2026-05-01", date_to="2026-04-01")
