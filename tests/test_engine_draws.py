"""Draws and guarantees (engine/draws.py, issue 22.2) on plain numbers, and
their step of the settlement pipeline, no database."""

from odoo.tests import BaseCase, tagged

from odoo.addons.sale_incentive.engine import components
from odoo.addons.sale_incentive.engine.components import (
    MESSAGES,
    MONEY_PARAMS,
    Facts,
    LineGroup,
    Policy,
)
from odoo.addons.sale_incentive.engine.draws import DrawTerms, leave, settle_draw


def run_months(commissions, draw=2000.0, cap=0.0, guarantee=0.0, balance=0.0):
    """[(paid, outcome)] of consecutive periods, the balance carried."""
    result = []
    for subtotal in commissions:
        outcome = settle_draw(
            subtotal, draw=draw, cap=cap, balance=balance, guarantee=guarantee
        )
        paid = round(subtotal + outcome.draw + outcome.guarantee - outcome.recovery, 2)
        result.append((paid, outcome))
        balance = outcome.balance
    return result


@tagged("post_install", "-at_install")
class TestEngineDraws(BaseCase):
    def test_issue_example_500_1200_5000(self):
        months = run_months([500.0, 1200.0, 5000.0])
        self.assertEqual([paid for paid, _o in months], [2000.0, 2000.0, 2700.0])
        self.assertEqual(
            [(o.draw, o.recovery, o.balance) for _p, o in months],
            [(1500.0, 0.0, 1500.0), (800.0, 0.0, 2300.0), (0.0, 2300.0, 0.0)],
        )

    def test_recovery_never_below_the_draw(self):
        # 2,300 owed, but only 500 above the draw: 500 recovered, 2,000 paid
        outcome = settle_draw(2500.0, draw=2000.0, balance=2300.0)
        self.assertEqual((outcome.recovery, outcome.balance), (500.0, 1800.0))
        # exactly the draw: nothing advanced, nothing recovered
        outcome = settle_draw(2000.0, draw=2000.0, balance=2300.0)
        self.assertEqual((outcome.draw, outcome.recovery), (0.0, 0.0))
        self.assertEqual(outcome.balance, 2300.0)

    def test_cap_per_period_carries_the_rest(self):
        months = run_months([500.0, 1200.0, 5000.0, 4000.0, 3000.0], cap=1000.0)
        self.assertEqual(
            [paid for paid, _o in months], [2000.0, 2000.0, 4000.0, 3000.0, 2700.0]
        )
        self.assertEqual(
            [o.balance for _p, o in months], [1500.0, 2300.0, 1300.0, 300.0, 0.0]
        )

    def test_ended_draw_recovers_from_the_whole_pay(self):
        # no draw any more: the balance comes out of the pay, down to 0
        outcome = settle_draw(700.0, draw=0.0, balance=1000.0)
        self.assertEqual((outcome.recovery, outcome.balance), (700.0, 300.0))
        outcome = settle_draw(-200.0, draw=0.0, balance=300.0)
        self.assertEqual((outcome.recovery, outcome.balance), (0.0, 300.0))
        # and nothing tops a negative period up without a draw or guarantee
        self.assertEqual((outcome.draw, outcome.guarantee), (0.0, 0.0))

    def test_negative_period_is_topped_up_and_owed(self):
        # clawbacks larger than the commissions: the draw covers them too
        outcome = settle_draw(-300.0, draw=2000.0)
        self.assertEqual((outcome.draw, outcome.balance), (2300.0, 2300.0))

    def test_guarantee_is_never_recovered(self):
        months = run_months([0.0, 800.0, 2500.0, 9000.0], draw=0.0, guarantee=1500.0)
        self.assertEqual(
            [paid for paid, _o in months], [1500.0, 1500.0, 2500.0, 9000.0]
        )
        self.assertEqual([o.guarantee for _p, o in months], [1500.0, 700.0, 0, 0])
        self.assertTrue(all(o.balance == 0 for _p, o in months))

    def test_guarantee_over_an_old_balance(self):
        # the guarantee pays first; an old draw balance only from the excess
        outcome = settle_draw(1800.0, guarantee=1500.0, balance=1000.0)
        self.assertEqual((outcome.guarantee, outcome.recovery), (0.0, 300.0))

    def test_cents_and_currency_digits(self):
        outcome = settle_draw(333.335, draw=1000.0, digits=2)
        self.assertEqual(outcome.draw, 666.66)  # 1,000 - 333.34
        outcome = settle_draw(3333.0, draw=1000.0, balance=5000.0, cap=0.5, digits=0)
        self.assertEqual((outcome.recovery, outcome.balance), (1.0, 4999.0))

    def test_bad_input(self):
        for values in (
            {"draw": -1.0},
            {"cap": -1.0},
            {"balance": -1.0},
            {"guarantee": -5.0},
        ):
            with self.assertRaises(ValueError):
                settle_draw(100.0, **values)
        with self.assertRaises(ValueError):
            leave(100.0, "pardon")
        self.assertEqual(leave(123.456, "recover"), (123.46, 0.0))
        self.assertEqual(leave(123.456, "forgive"), (0.0, 123.46))


def facts(amount, terms):
    group = LineGroup(("sales",), "commission", amount, amount * 10, 1)
    return Facts(groups=[group] if amount else [], draw=terms)


@tagged("post_install", "-at_install")
class TestEngineDrawPipeline(BaseCase):
    policy = Policy(digits=2, date_to="2026-03-31")

    def test_messages_and_money(self):
        for key in ("draw", "draw_recovery", "guarantee", "draw_forgiven"):
            self.assertIn(key, MESSAGES)
        self.assertLessEqual({"draw", "guarantee", "balance"}, MONEY_PARAMS)

    def test_draw_component_after_the_holdback(self):
        # 20 % of 500 held: 400 paid now, the draw tops up 1,600
        policy = Policy(
            digits=2, holdback_percent=20, holdback_release_date="2027-01-01"
        )
        terms = DrawTerms(draw=2000.0, draw_id=7)
        result = components.settle(facts(500.0, terms), policy)
        kinds = [(c.component, c.amount) for c in result.components]
        self.assertEqual(
            kinds, [("commission", 500.0), ("holdback", -100.0), ("draw", 1600.0)]
        )
        self.assertEqual(result.total, 2000.0)
        draw = result.components[-1]
        self.assertEqual((draw.draw_id, draw.draw_balance), (7, 1600.0))
        self.assertEqual(draw.params["balance"], 1600.0)
        self.assertEqual(set(draw.params), set(MESSAGES[draw.message]))

    def test_recovery_component_capped(self):
        terms = DrawTerms(balance=2300.0, draw=2000.0, recovery_cap=1000.0, draw_id=7)
        result = components.settle(facts(5000.0, terms), self.policy)
        recovery = result.components[-1]
        self.assertEqual(recovery.component, "draw_recovery")
        self.assertEqual(recovery.message, "draw_recovery_capped")
        self.assertEqual((recovery.amount, recovery.draw_balance), (-1000.0, -1000.0))
        self.assertEqual(recovery.params["balance"], 1300.0)
        self.assertEqual(result.total, 4000.0)

    def test_no_sales_pays_the_draw(self):
        result = components.settle(facts(0.0, DrawTerms(draw=2000.0)), self.policy)
        self.assertEqual([c.component for c in result.components], ["draw"])
        self.assertEqual(result.total, 2000.0)

    def test_guarantee_component(self):
        terms = DrawTerms(guarantee=1500.0, guarantee_id=3)
        result = components.settle(facts(600.0, terms), self.policy)
        guarantee = result.components[-1]
        self.assertEqual(
            (guarantee.component, guarantee.amount, guarantee.draw_balance),
            ("guarantee", 900.0, 0.0),
        )
        self.assertEqual(guarantee.draw_id, 3)

    def test_leaver_forgiven_or_recovered(self):
        forfeit = Policy(digits=2, forfeit_percent=0.0, forfeit_reason="resigned")
        forgiven = components.settle(
            facts(800.0, DrawTerms(balance=2300.0, draw_id=7)), forfeit
        )
        last = forgiven.components[-1]
        self.assertEqual((last.component, last.amount), ("draw_forgiven", 0.0))
        self.assertEqual(last.draw_balance, -2300.0)
        self.assertEqual(forgiven.total, 0.0)
        # dismissed, 100 % paid: 800 owed, 2,300 recovered: 1,500 still owed
        dismissed = Policy(digits=2, forfeit_percent=100.0, forfeit_reason="dismissed")
        terms = DrawTerms(balance=2300.0, draw_id=7, on_leave="recover")
        recovered = components.settle(facts(800.0, terms), dismissed)
        last = recovered.components[-1]
        self.assertEqual((last.component, last.amount), ("draw_recovery", -2300.0))
        self.assertEqual(recovered.total, -1500.0)

    def test_bad_terms_rejected(self):
        with self.assertRaises(ValueError):
            components.settle(facts(10.0, DrawTerms(draw=-5.0)), self.policy)
