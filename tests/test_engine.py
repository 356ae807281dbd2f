"""Tests of the pure calculation layer (no database needed)."""

import datetime

from odoo.tests import BaseCase, tagged

from odoo.addons.sale_incentive.engine import (
    brackets,
    coefficients,
    holdback,
    periods,
    proration,
    scoring,
    splits,
    tiers,
)
from odoo.addons.sale_incentive.engine import settlement as settlement_engine
from odoo.addons.sale_incentive.engine.brackets import Bracket
from odoo.addons.sale_incentive.engine.money import multiply, percent_of, round_money

# 大客户销售提成: 0-50万 2%, 50-100万 3%, 100-200万 4%, 200-300万 5%, 300万以上 6%
KEY_ACCOUNT_TABLE = [
    Bracket(0, 500_000, 2.0),
    Bracket(500_000, 1_000_000, 3.0),
    Bracket(1_000_000, 2_000_000, 4.0),
    Bracket(2_000_000, 3_000_000, 5.0),
    Bracket(3_000_000, None, 6.0),
]
# 客服营销人员: 每月完成10万按1.5%提成 ... 50万以上按6% (lower bound included)
SERVICE_LADDER = [
    Bracket(0, 100_000, 0.0),
    Bracket(100_000, 200_000, 1.5),
    Bracket(200_000, 300_000, 3.0),
    Bracket(300_000, 400_000, 4.0),
    Bracket(400_000, 500_000, 5.0),
    Bracket(500_000, None, 6.0),
]
# 大客户人员: ≤90万 1.5%, 90-150万(含) 2%, 150-200万(含) 2.5%, 200-260万(含) 3%,
# >260万 3.5% (upper bound included)
KEY_REP_TABLE = [
    Bracket(0, 900_000, 1.5),
    Bracket(900_000, 1_500_000, 2.0),
    Bracket(1_500_000, 2_000_000, 2.5),
    Bracket(2_000_000, 2_600_000, 3.0),
    Bracket(2_600_000, None, 3.5),
]


@tagged("post_install", "-at_install")
class TestMoney(BaseCase):
    def test_round_money_half_up(self):
        self.assertEqual(round_money(2.675, digits=2), 2.68)
        self.assertEqual(round_money(-2.675, digits=2), -2.68)
        self.assertEqual(round_money(1.005, digits=2), 1.01)
        self.assertEqual(round_money(0.1 + 0.2, digits=2), 0.3)
        self.assertEqual(round_money(1234.5, digits=0), 1235.0)


@tagged("post_install", "-at_install")
class TestCurrencyDigits(BaseCase):
    """Bug 14: digits always come from the currency, never a default of 2."""

    def test_digits_are_required(self):
        calls = [
            lambda: round_money(1.5),
            lambda: multiply(2_000, 0.9),
            lambda: percent_of(1_001, 20),
            lambda: brackets.whole_amount(100, KEY_ACCOUNT_TABLE),
            lambda: brackets.marginal(100, KEY_ACCOUNT_TABLE),
            lambda: splits.split_amount(100, [50, 50]),
            lambda: proration.prorate(100, 1, 2),
            lambda: proration.earned_increments(100, 2, [1, 1]),
            lambda: holdback.holdback_split(1_001, 20),
            lambda: holdback.release_amount(2_000, 0.9),
            lambda: holdback.overdue_penalty(1_000, 1),
            lambda: holdback.spread_service(100, 3),
            lambda: settlement_engine.net_total([1.0, 2.0]),
            lambda: settlement_engine.posting_amounts(1.0, 0.0, 0.0, 0.0),
        ]
        for call in calls:
            with self.assertRaises(TypeError):
                call()

    def test_zero_decimals(self):
        self.assertEqual(holdback.holdback_split(1_001, 20, digits=0), (801.0, 200.0))
        self.assertEqual(splits.split_amount(100, [1, 1, 1], digits=0), [34, 33, 33])
        self.assertEqual(
            brackets.whole_amount(12_345, KEY_ACCOUNT_TABLE, digits=0)[0], 247.0
        )
        self.assertEqual(holdback.release_amount(201, 0.9, 1.1, digits=0), 199.0)
        self.assertEqual(
            proration.earned_increments(1_001, 2, [1, 1], digits=0), [501.0, 500.0]
        )
        self.assertEqual(holdback.overdue_penalty(1_005, 1, digits=0), (-101.0, False))

    def test_three_decimals(self):
        self.assertEqual(
            holdback.holdback_split(123.457, 20, digits=3), (98.766, 24.691)
        )
        self.assertEqual(
            splits.split_amount(1.0, [1, 1, 1], digits=3), [0.334, 0.333, 0.333]
        )
        self.assertEqual(
            holdback.spread_service(100, 3, digits=3), [33.334, 33.333, 33.333]
        )
        commission, slices = brackets.marginal(
            500_123.4567, KEY_ACCOUNT_TABLE, digits=3
        )
        # 10,000 + 123.4567 x 3 % = 3.703701 → 3.704
        self.assertEqual(commission, 10_003.704)
        self.assertEqual(slices[1][1:], (123.457, 3.704))
        self.assertEqual(proration.prorate(10.001, 1, 3, digits=3), 3.334)
        amounts = settlement_engine.posting_amounts(10.0005, 2.0001, 0, 0, digits=3)
        self.assertEqual(amounts["payable"], 8.001)


@tagged("post_install", "-at_install")
class TestBracketValidation(BaseCase):
    def test_valid_tables(self):
        for table in (KEY_ACCOUNT_TABLE, SERVICE_LADDER, KEY_REP_TABLE):
            self.assertEqual(brackets.validate_brackets(table), [])

    def test_first_lower_may_be_positive(self):
        table = [Bracket(100_000, 200_000, 1.5), Bracket(200_000, None, 3.0)]
        self.assertEqual(brackets.validate_brackets(table), [])

    def test_empty_table(self):
        self.assertEqual(len(brackets.validate_brackets([])), 1)

    def test_hole(self):
        table = [Bracket(0, 100, 1.0), Bracket(150, None, 2.0)]
        errors = brackets.validate_brackets(table)
        self.assertEqual(len(errors), 1)
        self.assertIn("hole", errors[0])

    def test_overlap(self):
        table = [Bracket(0, 100, 1.0), Bracket(80, None, 2.0)]
        errors = brackets.validate_brackets(table)
        self.assertEqual(len(errors), 1)
        self.assertIn("overlaps", errors[0])

    def test_unsorted_is_an_overlap(self):
        table = [Bracket(100, 200, 2.0), Bracket(0, 100, 1.0)]
        self.assertIn("overlaps", brackets.validate_brackets(table)[0])

    def test_negative_rate(self):
        errors = brackets.validate_brackets([Bracket(0, None, -1.0)])
        self.assertEqual(errors, ["Bracket 1: the rate cannot be negative."])

    def test_negative_first_lower(self):
        errors = brackets.validate_brackets([Bracket(-10, None, 1.0)])
        self.assertEqual(errors, ["The first bracket must start at zero or more."])

    def test_open_ended_not_last(self):
        table = [Bracket(0, None, 1.0), Bracket(100, None, 2.0)]
        errors = brackets.validate_brackets(table)
        self.assertEqual(
            errors, ["Bracket 1: only the last bracket may be open-ended."]
        )

    def test_upper_not_above_lower(self):
        table = [Bracket(0, 100, 1.0), Bracket(100, 100, 2.0)]
        errors = brackets.validate_brackets(table)
        self.assertIn("Bracket 2: the upper bound must exceed the lower bound.", errors)

    def test_float_bounds_are_contiguous(self):
        table = [Bracket(0, 0.1 + 0.2, 1.0), Bracket(0.3, None, 2.0)]
        # 0.1 + 0.2 is 0.30000000000000004: the bounds still differ
        self.assertEqual(len(brackets.validate_brackets(table)), 1)
        table = [Bracket(0, 0.3, 1.0), Bracket(0.3, None, 2.0)]
        self.assertEqual(brackets.validate_brackets(table), [])


@tagged("post_install", "-at_install")
class TestBracketFor(BaseCase):
    def test_lower_boundary_included(self):
        self.assertEqual(
            brackets.bracket_for(100_000, SERVICE_LADDER, "lower"), SERVICE_LADDER[1]
        )
        self.assertEqual(
            brackets.bracket_for(99_999.99, SERVICE_LADDER, "lower"),
            SERVICE_LADDER[0],
        )

    def test_upper_boundary_included(self):
        self.assertEqual(
            brackets.bracket_for(1_500_000, KEY_REP_TABLE, "upper"), KEY_REP_TABLE[1]
        )
        self.assertEqual(
            brackets.bracket_for(1_500_000.01, KEY_REP_TABLE, "upper"),
            KEY_REP_TABLE[2],
        )

    def test_below_first_bracket(self):
        table = [Bracket(100_000, None, 1.5)]
        self.assertIsNone(brackets.bracket_for(99_999.99, table, "lower"))
        self.assertIsNone(brackets.bracket_for(100_000, table, "upper"))
        self.assertEqual(brackets.bracket_for(100_000, table, "lower"), table[0])

    def test_beyond_closed_last_bracket(self):
        table = [Bracket(0, 100, 1.0), Bracket(100, 200, 2.0)]
        self.assertEqual(brackets.bracket_for(500, table), table[1])

    def test_refund_uses_absolute_value(self):
        self.assertEqual(
            brackets.bracket_for(-350_000, SERVICE_LADDER), SERVICE_LADDER[3]
        )

    def test_bad_boundary(self):
        with self.assertRaises(ValueError):
            brackets.bracket_for(1, SERVICE_LADDER, "both")


@tagged("post_install", "-at_install")
class TestWholeAmount(BaseCase):
    def test_key_account_per_order(self):
        first, bracket = brackets.whole_amount(1_200_000, KEY_ACCOUNT_TABLE, digits=2)
        self.assertEqual(first, 48_000.00)
        self.assertEqual(bracket.rate, 4.0)
        second, bracket = brackets.whole_amount(800_000, KEY_ACCOUNT_TABLE, digits=2)
        self.assertEqual(second, 24_000.00)
        self.assertEqual(bracket.rate, 3.0)
        self.assertEqual(first + second, 72_000.00)

    def test_service_ladder(self):
        expected = {
            99_999.99: 0.0,
            100_000: 1_500.00,
            350_000: 14_000.00,
            500_000: 30_000.00,
        }
        for amount, commission in expected.items():
            result, _bracket = brackets.whole_amount(
                amount, SERVICE_LADDER, "lower", digits=2
            )
            self.assertEqual(result, commission, amount)

    def test_key_rep_upper_included(self):
        expected = {
            1_500_000: 30_000.00,
            1_500_000.01: 37_500.00,
            1_800_000: 45_000.00,
            900_000: 13_500.00,
        }
        for amount, commission in expected.items():
            result, _bracket = brackets.whole_amount(
                amount, KEY_REP_TABLE, "upper", digits=2
            )
            self.assertEqual(result, commission, amount)

    def test_below_first_bracket_earns_nothing(self):
        table = [Bracket(100_000, None, 1.5, fixed=500)]
        self.assertEqual(brackets.whole_amount(50_000, table, digits=2), (0.0, None))

    def test_fixed_amount_table(self):
        table = [Bracket(10_000, 20_000, 0.0, 300), Bracket(20_000, None, 0.0, 500)]
        self.assertEqual(brackets.whole_amount(15_000, table, digits=2)[0], 300.00)
        self.assertEqual(brackets.whole_amount(20_000, table, digits=2)[0], 500.00)
        self.assertEqual(brackets.whole_amount(-20_000, table, digits=2)[0], -500.00)

    def test_zero_amount_earns_nothing(self):
        table = [Bracket(0, 100, 0.0, 50), Bracket(100, None, 1.0)]
        self.assertEqual(brackets.whole_amount(0, table, digits=2), (0.0, table[0]))
        self.assertEqual(brackets.marginal(0, table, digits=2), (0.0, []))
        self.assertEqual(brackets.whole_amount(0.01, table, digits=2)[0], 50.00)

    def test_refund_is_negative(self):
        commission, bracket = brackets.whole_amount(
            -1_200_000, KEY_ACCOUNT_TABLE, digits=2
        )
        self.assertEqual(commission, -48_000.00)
        self.assertEqual(bracket.rate, 4.0)

    def test_rounding_to_the_cent(self):
        commission, _bracket = brackets.whole_amount(
            333.33, [Bracket(0, None, 1.5)], digits=2
        )
        self.assertEqual(commission, 5.00)  # 4.99995
        commission, _bracket = brackets.whole_amount(
            -333.33, [Bracket(0, None, 1.5)], digits=2
        )
        self.assertEqual(commission, -5.00)


@tagged("post_install", "-at_install")
class TestMarginal(BaseCase):
    def test_key_account_quarter_total(self):
        commission, slices = brackets.marginal(2_000_000, KEY_ACCOUNT_TABLE, digits=2)
        self.assertEqual(commission, 65_000.00)
        self.assertEqual(
            [(s[0].rate, s[1], s[2]) for s in slices],
            [
                (2.0, 500_000.00, 10_000.00),
                (3.0, 500_000.00, 15_000.00),
                (4.0, 1_000_000.00, 40_000.00),
            ],
        )

    def test_open_ended_slice(self):
        commission, slices = brackets.marginal(3_500_000, KEY_ACCOUNT_TABLE, digits=2)
        # 10,000 + 15,000 + 40,000 + 50,000 + 500,000 x 6 %
        self.assertEqual(commission, 145_000.00)
        self.assertEqual(slices[-1][1:], (500_000.00, 30_000.00))

    def test_refund_is_negative(self):
        commission, slices = brackets.marginal(-2_000_000, KEY_ACCOUNT_TABLE, digits=2)
        self.assertEqual(commission, -65_000.00)
        self.assertEqual(sum(s[2] for s in slices), -65_000.00)
        self.assertEqual(slices[0][1], -500_000.00)

    def test_starts_at_first_lower(self):
        table = [Bracket(100_000, 200_000, 1.0), Bracket(200_000, None, 2.0)]
        commission, slices = brackets.marginal(250_000, table, digits=2)
        self.assertEqual(commission, 2_000.00)  # 1,000 + 1,000
        self.assertEqual(brackets.marginal(90_000, table, digits=2), (0.0, []))
        self.assertEqual(len(slices), 2)

    def test_fixed_paid_per_bracket_reached(self):
        table = [Bracket(0, 100, 0.0, 10), Bracket(100, None, 0.0, 20)]
        self.assertEqual(brackets.marginal(100, table, "lower", digits=2)[0], 30.00)
        self.assertEqual(brackets.marginal(100, table, "upper", digits=2)[0], 10.00)

    def test_slices_sum_to_commission(self):
        commission, slices = brackets.marginal(
            1_234_567.89, KEY_ACCOUNT_TABLE, digits=2
        )
        self.assertEqual(round_money(sum(s[2] for s in slices), digits=2), commission)
        self.assertEqual(round_money(sum(s[1] for s in slices), digits=2), 1_234_567.89)
        self.assertEqual(commission, 34_382.72)  # 10,000 + 15,000 + 9,382.7156


@tagged("post_install", "-at_install")
class TestCoefficients(BaseCase):
    def test_ratio(self):
        self.assertEqual(coefficients.ratio(1_500_000, 1_000_000), 1.5)
        self.assertEqual(coefficients.ratio(100, 0), 0.0)
        self.assertEqual(coefficients.ratio(100, -5), 0.0)

    def test_capped(self):
        self.assertEqual(coefficients.capped(1.5, cap=1.2), 1.2)
        self.assertEqual(coefficients.capped(0.5, floor=0.8), 0.8)
        self.assertEqual(coefficients.capped(1.1, cap=1.2, floor=0.8), 1.1)
        self.assertEqual(coefficients.capped(1.1), 1.1)
        with self.assertRaises(ValueError):
            coefficients.capped(1.0, cap=0.5, floor=0.8)

    def test_achievement_coefficient(self):
        self.assertEqual(
            coefficients.achievement_coefficient(1_500_000, 1_000_000, cap=1.2), 1.2
        )
        self.assertEqual(
            coefficients.achievement_coefficient(900_000, 1_000_000, cap=1.2), 0.9
        )

    def test_gate(self):
        self.assertFalse(coefficients.gate_passed(990_000, 1_000_000))
        self.assertFalse(coefficients.gate_passed(1_000_000, 1_000_000))
        self.assertTrue(coefficients.gate_passed(1_000_000, 1_000_000, strict=False))
        self.assertTrue(coefficients.gate_passed(1_000_000.01, 1_000_000))


@tagged("post_install", "-at_install")
class TestScoring(BaseCase):
    def test_scorecard(self):
        revenue = scoring.indicator_score(900_000, 1_000_000)
        collection = scoring.indicator_score(95, 100)
        visits = scoring.indicator_score(18, 20)
        complaints = scoring.indicator_score(2, 1, direction="lower")
        self.assertEqual(
            (revenue, collection, visits, complaints), (0.9, 0.95, 0.9, 0.5)
        )
        total = scoring.weighted_score(
            [(40, revenue), (20, collection), (20, visits), (20, complaints)]
        )
        self.assertEqual(total, 0.83)
        self.assertEqual(scoring.validate_weights([40, 20, 20, 20]), [])

    def test_cap(self):
        self.assertEqual(scoring.indicator_score(150, 100, cap=1.2), 1.2)

    def test_below_floor(self):
        self.assertEqual(scoring.indicator_score(50, 100, floor=0.6), 0.0)
        self.assertEqual(scoring.indicator_score(60, 100, floor=0.6), 0.6)

    def test_lower_is_better(self):
        self.assertEqual(scoring.indicator_score(1, 2, direction="lower"), 2.0)
        self.assertEqual(scoring.indicator_score(1, 2, direction="lower", cap=1.2), 1.2)
        self.assertEqual(scoring.indicator_score(0, 1, direction="lower"), 1.0)
        self.assertEqual(scoring.indicator_score(0, 1, direction="lower", cap=1.2), 1.2)
        self.assertEqual(scoring.indicator_score(3, 0, direction="lower"), 0.0)

    def test_zero_target(self):
        self.assertEqual(scoring.indicator_score(10, 0), 0.0)

    def test_bad_direction(self):
        with self.assertRaises(ValueError):
            scoring.indicator_score(1, 1, direction="up")

    def test_validate_weights(self):
        self.assertEqual(scoring.validate_weights([33.33, 33.33, 33.34]), [])
        self.assertEqual(scoring.validate_weights([50, 49.995]), [])
        self.assertEqual(len(scoring.validate_weights([40, 20, 20])), 1)
        self.assertEqual(len(scoring.validate_weights([120, -20])), 1)
        self.assertEqual(len(scoring.validate_weights([])), 1)


@tagged("post_install", "-at_install")
class TestSplits(BaseCase):
    def test_given_shares(self):
        parts = splits.split_amount(100.00, [33.33, 33.33, 33.34], digits=2)
        self.assertEqual(parts, [33.33, 33.33, 33.34])
        self.assertEqual(round_money(sum(parts), digits=2), 100.00)

    def test_equal_thirds(self):
        parts = splits.split_amount(100.00, [100 / 3] * 3, digits=2)
        self.assertEqual(parts, [33.34, 33.33, 33.33])
        self.assertEqual(round_money(sum(parts), digits=2), 100.00)

    def test_one_cent(self):
        self.assertEqual(splits.split_amount(0.01, [50, 50], digits=2), [0.01, 0.0])

    def test_largest_remainder(self):
        # 7 cents x 15/25/60 % = 1.05, 1.75, 4.2: floors 1+1+4, the 7th cent
        # goes to the largest remainder (0.75)
        self.assertEqual(
            splits.split_amount(0.07, [15, 25, 60], digits=2), [0.01, 0.02, 0.04]
        )

    def test_negative_amount(self):
        parts = splits.split_amount(-100.00, [100 / 3] * 3, digits=2)
        self.assertEqual(parts, [-33.34, -33.33, -33.33])

    def test_amount_rounded_first(self):
        parts = splits.split_amount(10.005, [50, 50], digits=2)
        self.assertEqual(parts, [5.01, 5.0])

    def test_bad_shares_raise(self):
        with self.assertRaises(ValueError):
            splits.split_amount(100, [120, -20], digits=2)
        with self.assertRaises(ValueError):
            splits.split_amount(100, [0, 0], digits=2)

    def test_validate_shares(self):
        self.assertEqual(splits.validate_shares([60, 40]), [])
        self.assertEqual(splits.validate_shares([33.333, 33.333, 33.334]), [])
        self.assertEqual(
            splits.validate_shares([60, 30]), ["Shares must add up to 100, not 90."]
        )
        self.assertIn("Shares cannot be negative.", splits.validate_shares([120, -20]))
        self.assertEqual(len(splits.validate_shares([])), 1)


@tagged("post_install", "-at_install")
class TestProration(BaseCase):
    def test_prorate_is_exact_and_clamped(self):
        self.assertEqual(proration.prorate(333.33, 40, 100, digits=2), 133.33)
        self.assertEqual(proration.prorate(-333.33, -40, -100, digits=2), -133.33)
        self.assertEqual(proration.prorate(60_000, 666_666.67, 2e6, digits=2), 20_000)
        self.assertEqual(proration.prorate(100, 150, 100, digits=2), 100.0)
        self.assertEqual(proration.prorate(100, -10, 100, digits=2), 0.0)
        self.assertEqual(proration.prorate(100, 0, 0, digits=2), 100.0)
        self.assertEqual(proration.prorate(67, 1, 2, digits=0), 34.0)
        self.assertEqual(proration.prorate(3.335, 1, 2, digits=3), 1.668)

    def test_increments_add_up_to_the_amount(self):
        thirds = proration.earned_increments(100, 300, [100, 100, 100], digits=2)
        self.assertEqual(thirds, [33.33, 33.34, 33.33])
        # the last payment earns the remainder, not a rounded ratio's share
        self.assertEqual(
            proration.earned_increments(
                60_000, 2_000_000, [666_666.67, 1_333_333.33], digits=2
            ),
            [20_000.0, 40_000.0],
        )
        self.assertEqual(
            proration.earned_increments(67, 2, [1, 1], digits=0), [34.0, 33.0]
        )
        # partly paid: what is paid so far, rounded once
        self.assertEqual(
            proration.earned_increments(333.33, 100, [40], digits=2), [133.33]
        )


@tagged("post_install", "-at_install")
class TestHoldback(BaseCase):
    def test_split(self):
        self.assertEqual(
            holdback.holdback_split(10_000, 20, digits=2), (8_000.00, 2_000.00)
        )
        self.assertEqual(holdback.holdback_split(100.01, 20, digits=2), (80.01, 20.00))
        self.assertEqual(
            holdback.holdback_split(-10_000, 20, digits=2), (-8_000.00, -2_000.00)
        )
        with self.assertRaises(ValueError):
            holdback.holdback_split(100, 120, digits=2)

    def test_release(self):
        self.assertEqual(holdback.release_amount(2_000, 0.9, 1.1, digits=2), 1_980.00)
        self.assertEqual(holdback.release_amount(2_000, digits=2), 2_000.00)

    def test_overdue_penalty(self):
        self.assertEqual(holdback.overdue_penalty(5_000, 0, digits=2), (0.0, False))
        self.assertEqual(holdback.overdue_penalty(5_000, 1, digits=2), (-500.00, False))
        self.assertEqual(
            holdback.overdue_penalty(5_000, 2, digits=2), (-1_000.00, False)
        )
        self.assertEqual(
            holdback.overdue_penalty(5_000, 3, digits=2), (-1_500.00, True)
        )
        self.assertEqual(holdback.overdue_penalty(5_000, 12, digits=2)[0], -5_000.00)
        self.assertEqual(
            holdback.overdue_penalty(5_000, 5, suspend_after=None, digits=2),
            (-2_500.00, False),
        )
        with self.assertRaises(ValueError):
            holdback.overdue_penalty(5_000, -1, digits=2)

    def test_spread_service(self):
        self.assertEqual(holdback.spread_service(3_000, 3, digits=2), [1_000.00] * 3)
        self.assertEqual(
            holdback.spread_service(100, 3, digits=2), [33.34, 33.33, 33.33]
        )
        with self.assertRaises(ValueError):
            holdback.spread_service(100, 0, digits=2)


@tagged("post_install", "-at_install")
class TestPeriods(BaseCase):
    def test_bounds(self):
        day = datetime.date(2024, 2, 14)
        self.assertEqual(
            periods.period_bounds(day, "month"),
            (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
        )
        self.assertEqual(
            periods.period_bounds(day, "quarter"),
            (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)),
        )
        self.assertEqual(
            periods.period_bounds(day, "year"),
            (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
        )
        self.assertEqual(
            periods.period_bounds(datetime.datetime(2025, 11, 30, 23, 59), "quarter"),
            (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)),
        )
        with self.assertRaises(ValueError):
            periods.period_bounds(day, "week")

    def test_previous(self):
        self.assertEqual(
            periods.previous_period(datetime.date(2025, 1, 1), "month"),
            (datetime.date(2024, 12, 1), datetime.date(2024, 12, 31)),
        )
        self.assertEqual(
            periods.previous_period(datetime.date(2025, 4, 1), "quarter"),
            (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)),
        )
        self.assertEqual(
            periods.previous_period(datetime.date(2025, 3, 31), "month"),
            (datetime.date(2025, 2, 1), datetime.date(2025, 2, 28)),
        )
        self.assertEqual(
            periods.previous_period(datetime.date(2025, 6, 1), "year"),
            (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
        )


@tagged("post_install", "-at_install")
class TestEngineTiers(BaseCase):
    def test_classify_creates_moves_and_removes_rows(self):
        """Tiers 1: [0, 100), 2: [100, ...).  Partners: 10 new with sales,
        11 moving up, 12 locked, 13 a contact (not commercial), 14 active
        without sales (tier of 0), 15 archived without sales (left)."""
        thresholds = [(2, 100.0, None), (1, 0.0, 100.0)]
        self.assertEqual(tiers.tier_for_amount(99.99, thresholds), 1)
        self.assertEqual(tiers.tier_for_amount(100.0, thresholds), 2)
        self.assertIsNone(tiers.tier_for_amount(-1.0, thresholds))
        changes = tiers.classify(
            {10: 50.0, 11: 150.0, 12: 150.0, 13: 150.0},
            {11: (1, False), 12: (1, True), 14: (2, False), 15: (2, False)},
            thresholds,
            {10: True, 11: True, 12: True, 14: True, 15: False},
        )
        self.assertEqual(changes.create, {10: 1})
        self.assertEqual(changes.update, {11: 2, 14: 1})
        self.assertEqual(changes.remove, [])
        self.assertEqual(len(changes), 3)
        # no tier covers a negative total (credit notes only): the row goes
        changes = tiers.classify({11: -5.0}, {11: (1, False)}, thresholds, {11: True})
        self.assertEqual((changes.create, changes.update), ({}, {}))
        self.assertEqual(changes.remove, [11])
