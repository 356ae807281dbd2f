"""The settlement pipeline (engine/components.py) on plain facts, no database.

The seed examples of test_settlement.py are reproduced here on the data the
ORM gathers, plus the arithmetic bugs of issue #8 (3, 10, 11, 13, 14).
"""

import datetime
import json

from dateutil.relativedelta import relativedelta

from odoo.tests import BaseCase, tagged

from odoo.addons.sale_incentive.engine import components
from odoo.addons.sale_incentive.engine.brackets import Bracket, table_amount
from odoo.addons.sale_incentive.engine.components import (
    MESSAGES,
    Carry,
    Facts,
    Holdback,
    LineGroup,
    PayBand,
    Policy,
    PoolShare,
    TeamOverride,
)
from odoo.addons.sale_incentive.engine.money import round_money, to_decimal

# 0-50万 2 %, 50万以上 3 %
TABLE = (Bracket(0, 500_000, 2.0), Bracket(500_000, None, 3.0))
# 大客户人员: ≤90万 4000+1000, 90-150万(含) 4000+1500, ... >260万 4500+2500
REP_BANDS = (
    PayBand(0, 900_000, 4000, 1000),
    PayBand(900_000, 1_500_000, 4000, 1500),
    PayBand(1_500_000, 2_000_000, 4500, 1500),
    PayBand(2_000_000, 2_600_000, 4500, 2000),
    PayBand(2_600_000, 0, 4500, 2500),
)
# 大客户总监: team ≤800万 8000+2000, 800-1500万(含) 8000+3000, ...
DIRECTOR_BANDS = (
    PayBand(0, 8_000_000, 8000, 2000),
    PayBand(8_000_000, 15_000_000, 8000, 3000),
    PayBand(15_000_000, 23_000_000, 12000, 3000),
    PayBand(23_000_000, 0, 13000, 3000),
)


def commission(amount, base, key=("sales",), count=1):
    return LineGroup(key=key, kind="commission", amount=amount, base=base, count=count)


def clawback(amount, base, key=("refunds",), count=1):
    return LineGroup(key=key, kind="clawback", amount=amount, base=base, count=count)


def increment(before, after, mode="whole", digits=2):
    """What a line of a period table carries: table(after) - table(before)."""
    return round_money(
        table_amount(after, TABLE, mode, digits=digits)[0]
        - table_amount(before, TABLE, mode, digits=digits)[0],
        digits=digits,
    )


class ComponentsCase(BaseCase):
    def _settle(self, facts, digits=2, **policy):
        """Settle, and check what every result must satisfy."""
        policy = Policy(digits=digits, date_to="2026-03-31", **policy)
        result = components.settle(facts, policy)
        total = sum((to_decimal(c.amount) for c in result.components), to_decimal(0))
        self.assertEqual(result.total, float(total))
        for component in result.components:
            self.assertEqual(
                component.amount, round_money(component.amount, digits=digits)
            )
            self.assertEqual(
                set(component.params), set(MESSAGES[component.message]), component
            )
            json.dumps(component.params)
        return result

    def _one(self, result, message):
        found = [c for c in result.components if c.message == message]
        self.assertEqual(len(found), 1, f"{message}: {result.components}")
        return found[0]

    def _messages(self, result):
        return [(c.message, c.amount) for c in result.components]


@tagged("post_install", "-at_install")
class TestComponentsLines(ComponentsCase):
    def test_commissions_and_clawbacks_are_one_component_each(self):
        facts = Facts(
            groups=[
                commission(600.0, 6_000.0, key=("a",), count=2),
                clawback(-120.0, -1_200.0, key=("b",)),
                commission(400.0, 4_000.0, key=("c",), count=3),
            ]
        )
        result = self._settle(facts)
        self.assertEqual(
            self._messages(result), [("commission", 1_000.0), ("clawback", -120.0)]
        )
        line = self._one(result, "commission")
        self.assertEqual(line.sources, (("a",), ("c",)))
        self.assertEqual(line.base_amount, 10_000.0)
        self.assertEqual(line.params["count"], 5)
        self.assertEqual(line.params["date_to"], "2026-03-31")
        self.assertEqual(self._one(result, "clawback").sources, (("b",),))
        self.assertEqual(result.total, 880.0)
        self.assertFalse(result.suspended)

    def test_carry_then_holdback_of_the_net(self):
        """Seed: -3,000 carried from April; May earns 5,000, 20 % held."""
        facts = Facts(
            groups=[commission(5_000.0, 50_000.0)],
            carries=[Carry(12, "SET/2026/0004", -3_000.0)],
        )
        result = self._settle(
            facts, holdback_percent=20, holdback_release_date="2027-01-01"
        )
        self.assertEqual(
            self._messages(result),
            [("commission", 5_000.0), ("carry", -3_000.0), ("holdback", -400.0)],
        )
        self.assertEqual(self._one(result, "carry").carry_from_id, 12)
        # (5,000 - 3,000) x 80 %
        self.assertEqual(result.total, 1_600.0)

    def test_nothing_to_settle_is_empty(self):
        result = self._settle(Facts(), holdback_percent=20, holdback_release_date="x")
        self.assertEqual(result.components, [])
        self.assertEqual(result.total, 0.0)

    def test_contract_errors_raise(self):
        with self.assertRaises(ValueError):
            self._settle(Facts(groups=[LineGroup(("x",), "bonus", 1.0, 1.0, 1)]))
        with self.assertRaises(ValueError):
            self._settle(Facts(groups=[commission(10.0, 100.0)]), holdback_percent=20)
        with self.assertRaises(ValueError):
            self._settle(Facts(), service_months=3, service_release_dates=("x",))
        with self.assertRaises(ValueError):
            self._settle(Facts(), forfeit_percent=120.0)
        with self.assertRaises(TypeError):
            components.settle(Facts(), Policy())  # digits: from the currency
        # a forfeiture neither holds nor spreads: no release date needed
        forfeit = self._settle(
            Facts(groups=[commission(10.0, 100.0)]),
            forfeit_percent=0.0,
            holdback_percent=20,
            service_months=3,
        )
        self.assertEqual(forfeit.total, 0.0)


@tagged("post_install", "-at_install")
class TestComponentsTables(ComponentsCase):
    """Period tables pay on their lines: each carries its increment of its
    period's table; the pipeline only adds the lines up."""

    def test_marginal_table_on_the_period_total(self):
        """Seed: 400,000 + 300,000 in March: 500,000 x 2 % + 200,000 x 3 %."""
        lines = [increment(0, 400_000.0, "marginal")]
        lines.append(increment(400_000.0, 700_000.0, "marginal"))
        self.assertEqual(lines, [8_000.0, 8_000.0])
        result = self._settle(Facts(groups=[commission(sum(lines), 700_000.0)]))
        self.assertEqual(self._messages(result), [("commission", 16_000.0)])

    def test_bug10_each_period_on_its_own_total(self):
        """Q2 settled late with Q3: 400,000 each → 8,000 + 8,000, not 24,000."""
        q2, q3 = increment(0, 400_000.0), increment(0, 400_000.0)
        result = self._settle(Facts(groups=[commission(q2 + q3, 800_000.0)]))
        self.assertEqual(result.total, 16_000.0)

    def test_bug11_credit_note_of_a_paid_period_is_a_true_up(self):
        """600,000 paid at 3 % = 18,000; a -200,000 credit note of that
        period: table(400,000) - table(600,000) = 8,000 - 18,000."""
        claw = increment(600_000.0, 400_000.0)
        self.assertEqual(claw, -10_000.0)
        result = self._settle(Facts(groups=[clawback(claw, -200_000.0)]))
        self.assertEqual(self._messages(result), [("clawback", -10_000.0)])
        self.assertEqual(result.total, -10_000.0)

    def test_late_sale_of_a_paid_period_tops_it_up(self):
        """400,000 paid at 2 % = 8,000; 200,000 more: 600,000 x 3 % - 8,000."""
        self.assertEqual(increment(400_000.0, 600_000.0), 10_000.0)

    def test_increments_of_a_period_add_up_to_its_table(self):
        """Whatever the order and signs of the lines, to the cent."""
        bases = [123_456.78, 400_000.01, -50_000.0, 333_333.33, -1.0, 7.77]
        for mode in ("whole", "marginal"):
            total, paid = 0.0, 0.0
            for base in bases:
                paid += increment(total, round(total + base, 2), mode)
                total = round(total + base, 2)
            self.assertEqual(
                round_money(paid, digits=2),
                table_amount(total, TABLE, mode, digits=2)[0],
                mode,
            )

    def test_unknown_mode_is_refused(self):
        with self.assertRaises(ValueError):
            table_amount(1_000.0, TABLE, "ladder", digits=2)


@tagged("post_install", "-at_install")
class TestComponentsTargets(ComponentsCase):
    def _gate(self, target, gate="above"):
        facts = Facts(
            groups=[commission(99_000.0, 990_000.0)], actual=990_000.0, target=target
        )
        return self._settle(facts, target_gate=gate)

    def test_gate_below_target_pays_nothing(self):
        result = self._gate(1_000_000.0)
        self.assertEqual(self._one(result, "gate_failed").amount, -99_000.0)
        self.assertEqual(result.total, 0.0)
        # exactly the target: "above" pays nothing, "reach" pays
        self.assertEqual(self._gate(990_000.0).total, 0.0)
        passed = self._gate(990_000.0, gate="reach")
        self.assertEqual(self._one(passed, "gate_passed").amount, 0.0)
        self.assertEqual(passed.total, 99_000.0)
        self.assertEqual(self._gate(989_999.99).total, 99_000.0)

    def test_achievement_coefficient_is_capped(self):
        facts = Facts(
            groups=[commission(15_000.0, 1_500_000.0)],
            actual=1_500_000.0,
            target=1_000_000.0,
        )
        result = self._settle(
            facts, use_achievement_coefficient=True, achievement_cap=1.2
        )
        coefficient = self._one(result, "coefficient")
        self.assertEqual(coefficient.factor, 1.2)
        self.assertEqual(coefficient.amount, 3_000.0)
        self.assertEqual(coefficient.params["ratio"], 1.5)
        self.assertEqual(result.total, 18_000.0)

    def test_achievement_floor(self):
        facts = Facts(
            groups=[commission(5_000.0, 500_000.0)],
            actual=500_000.0,
            target=1_000_000.0,
        )
        result = self._settle(
            facts, use_achievement_coefficient=True, achievement_floor=0.8
        )
        self.assertEqual(self._one(result, "coefficient").amount, -1_000.0)
        self.assertEqual(result.total, 4_000.0)

    def test_kpi_score(self):
        facts = Facts(groups=[commission(10_000.0, 100_000.0)], kpi_score=0.83)
        result = self._settle(facts, use_kpi_score=True)
        self.assertEqual(self._one(result, "kpi").amount, -1_700.0)
        self.assertEqual(result.total, 8_300.0)
        facts.kpi_score = None  # no scorecard value: nothing applies
        self.assertEqual(self._settle(facts, use_kpi_score=True).total, 10_000.0)

    def test_new_product_coefficient_is_capped(self):
        policy = {"new_product_target_ratio": 20.0, "new_product_cap": 1.2}
        facts = Facts(
            groups=[commission(10_000.0, 100_000.0)],
            actual=100_000.0,
            new_product_sales=10_000.0,
        )
        result = self._settle(facts, **policy)
        # 10 % new products vs a 20 % target: x0.5
        self.assertEqual(self._one(result, "new_products").factor, 0.5)
        self.assertEqual(result.total, 5_000.0)
        facts = Facts(
            groups=[commission(20_000.0, 200_000.0)],
            actual=200_000.0,
            new_product_sales=110_000.0,
        )
        result = self._settle(facts, **policy)
        # 55 % vs 20 % = x2.75, capped at x1.2
        self.assertEqual(self._one(result, "new_products").factor, 1.2)
        self.assertEqual(result.total, 24_000.0)

    def test_coefficients_do_not_scale_a_negative_subtotal(self):
        facts = Facts(
            groups=[commission(-300.0, -3_000.0)],
            actual=-3_000.0,
            target=1_000.0,
            kpi_score=1.5,
        )
        result = self._settle(
            facts, use_achievement_coefficient=True, use_kpi_score=True
        )
        self.assertEqual(self._messages(result), [("commission", -300.0)])


@tagged("post_install", "-at_install")
class TestComponentsTeam(ComponentsCase):
    POLICY = {
        "override_percent": 0.25,
        "champion_award": 300.0,
        "threshold_award_base": 100_000.0,
        "threshold_award_amount": 200.0,
    }

    def test_override_pool_and_awards(self):
        """Seed: rep 100,000, rep B 50,000 at 3 %; pool 1 % shared 2:1."""
        rep = Facts(
            groups=[commission(3_000.0, 100_000.0)],
            actual=100_000.0,
            pools=[PoolShare("Sales", 1_000.0, 1_500.0, 100_000.0, 150_000.0)],
            champion_base=100_000.0,
        )
        result = self._settle(rep, **self.POLICY)
        self.assertEqual(self._one(result, "pool").amount, 1_000.0)
        self.assertEqual(self._one(result, "champion").amount, 300.0)
        self.assertEqual(self._one(result, "threshold_award").amount, 200.0)
        self.assertEqual(result.total, 4_500.0)
        rep_b = Facts(
            groups=[commission(1_500.0, 50_000.0)],
            actual=50_000.0,
            pools=[PoolShare("Sales", 500.0, 1_500.0, 50_000.0, 150_000.0)],
        )
        result = self._settle(rep_b, **self.POLICY)
        self.assertEqual(
            self._messages(result), [("commission", 1_500.0), ("pool", 500.0)]
        )
        manager = Facts(overrides=[TeamOverride("Sales", 150_000.0)])
        result = self._settle(manager, **self.POLICY)
        # 0.25 % of the team's 150,000
        self.assertEqual(self._messages(result), [("override", 375.0)])
        self.assertEqual(self._one(result, "override").factor, 0.0025)


@tagged("post_install", "-at_install")
class TestComponentsOverdue(ComponentsCase):
    POLICY = {"overdue_penalty_percent": 10.0, "overdue_suspend_after": 3}

    def test_overdue_costs_ten_percent_per_invoice_period(self):
        facts = Facts(groups=[commission(1_000.0, 10_000.0)], overdue_count=1)
        result = self._settle(facts, **self.POLICY)
        self.assertEqual(self._one(result, "overdue").amount, -100.0)
        self.assertEqual(result.total, 900.0)
        facts.overdue_count = 2
        self.assertEqual(self._settle(facts, **self.POLICY).total, 800.0)

    def test_three_overdue_periods_suspend_everything(self):
        facts = Facts(
            groups=[commission(1_000.0, 10_000.0), clawback(-50.0, -500.0)],
            overdue_count=3,
            holdbacks=[Holdback(5, "holdback", 2_000.0)],
            carries=[Carry(9, "SET/1", -10.0)],
        )
        result = self._settle(
            facts,
            holdback_percent=20,
            holdback_release_date="2027-01-01",
            bands=REP_BANDS,
            **self.POLICY,
        )
        self.assertTrue(result.suspended)
        self.assertEqual(self._messages(result), [("suspended", 0.0)])
        suspended = result.components[0]
        self.assertEqual(suspended.base_amount, 1_000.0)
        self.assertEqual(suspended.sources, ())
        self.assertEqual(suspended.holdback_ids, ())
        self.assertEqual(result.total, 0.0)


@tagged("post_install", "-at_install")
class TestComponentsHoldback(ComponentsCase):
    def test_80_20_holdback_and_january_release(self):
        march = self._settle(
            Facts(groups=[commission(10_000.0, 100_000.0)]),
            holdback_percent=20,
            holdback_release_date="2027-01-01",
        )
        held = self._one(march, "holdback")
        self.assertEqual(held.amount, -2_000.0)
        self.assertEqual(held.release_date, "2027-01-01")
        self.assertEqual(held.factor, 0.2)
        self.assertEqual(march.total, 8_000.0)
        # January: 2,000 x expense ratio 0.9 x profit 1.1
        january = self._settle(
            Facts(holdbacks=[Holdback(41, "holdback", 2_000.0, (), (0.9, 1.1))]),
            holdback_percent=20,
            holdback_release_date="2028-01-01",
        )
        release = self._one(january, "release_holdback")
        self.assertEqual(release.component, "release")
        self.assertEqual(release.amount, 1_980.0)
        self.assertEqual(release.held_amount, 2_000.0)
        self.assertEqual(release.factor, 0.99)
        self.assertEqual(release.holdback_ids, (41,))
        self.assertEqual(release.params["coefficients"], [0.9, 1.1])
        # a release is not held back again
        self.assertEqual(self._messages(january), [("release_holdback", 1_980.0)])
        self.assertEqual(january.total, 1_980.0)

    def test_releases_grouped_by_kind_and_coefficients(self):
        facts = Facts(
            holdbacks=[
                Holdback(1, "holdback", 1_000.0, (), (0.9, 1.1)),
                Holdback(2, "deferred", 33.33),
                Holdback(3, "holdback", 500.0, (), (1.0, 1.0)),
                Holdback(4, "holdback", 1_000.0, (), (0.9, 1.1)),
                Holdback(5, "deferred", 33.33),
            ]
        )
        result = self._settle(facts)
        releases = [(c.message, c.amount, c.holdback_ids) for c in result.components]
        self.assertEqual(
            releases,
            [
                ("release_holdback", 1_980.0, (1, 4)),
                ("release_deferred", 66.66, (2, 5)),
                ("release_holdback", 500.0, (3,)),
            ],
        )

    def test_releases_are_paid_after_a_negative_month(self):
        """Bug 3: a credit note does not block matured releases."""
        facts = Facts(
            groups=[clawback(-500.0, -5_000.0)],
            holdbacks=[Holdback(41, "holdback", 2_000.0, (), (0.9, 1.1))],
        )
        result = self._settle(
            facts, holdback_percent=20, holdback_release_date="2027-01-01"
        )
        self.assertEqual(
            self._messages(result),
            [("clawback", -500.0), ("release_holdback", 1_980.0)],
        )
        self.assertEqual(result.total, 1_480.0)

    def test_service_commission_is_earned_a_third_a_month(self):
        result = self._settle(
            Facts(groups=[commission(100.0, 1_000.0)]),
            service_months=3,
            service_release_dates=("2026-04-01", "2026-05-01"),
        )
        deferred = [c for c in result.components if c.component == "deferred"]
        self.assertEqual([c.amount for c in deferred], [-33.33, -33.33])
        self.assertEqual(
            [c.release_date for c in deferred], ["2026-04-01", "2026-05-01"]
        )
        self.assertEqual([c.params["index"] for c in deferred], [2, 3])
        self.assertEqual(result.total, 33.34)

    def test_refunds_are_deducted_before_spreading(self):
        facts = Facts(groups=[commission(300.0, 3_000.0), clawback(-150.0, -1_500.0)])
        result = self._settle(
            facts,
            service_months=3,
            service_release_dates=("2026-04-01", "2026-05-01"),
        )
        # (300 - 150) / 3
        self.assertEqual(result.total, 50.0)

    def test_a_negative_subtotal_is_neither_spread_nor_held(self):
        facts = Facts(groups=[clawback(-300.0, -3_000.0)])
        result = self._settle(
            facts,
            holdback_percent=20,
            holdback_release_date="2027-01-01",
            service_months=3,
            service_release_dates=("2026-04-01", "2026-05-01"),
        )
        self.assertEqual(self._messages(result), [("clawback", -300.0)])

    def _run_months(self, facts_by_month, months=6):
        """Settle month after month as the ORM would: deferred parts mature
        at their release date, a negative total is carried to the next."""
        outstanding, carries, totals = [], [], []
        for number, facts in enumerate(facts_by_month, start=1):
            start = datetime.date(2026, number, 1)
            date_to = (start + relativedelta(months=1, days=-1)).isoformat()
            facts.holdbacks = [h for day, h in outstanding if day <= date_to]
            facts.carries = carries
            outstanding = [(day, h) for day, h in outstanding if day > date_to]
            dates = tuple(
                (start + relativedelta(months=index)).isoformat()
                for index in range(1, months)
            )
            result = self._settle(
                facts, service_months=months, service_release_dates=dates
            )
            for index, component in enumerate(result.components):
                if component.component == "deferred":
                    held = Holdback(100 * number + index, "deferred", -component.amount)
                    outstanding.append((component.release_date, held))
            carries = []
            if result.total < 0:
                carries = [Carry(number, f"M{number}", result.total)]
            totals.append(result)
        return totals, outstanding, carries

    def test_bug3_refund_of_a_spread_service(self):
        """6,000 for 6 months at 10 %: 100 a month; a 1,200 refund in month 3
        makes it -20, carried; month 4 pays 80; (6,000 - 1,200) x 10 % paid."""
        months = [Facts() for _month in range(6)]
        months[0].groups = [commission(600.0, 6_000.0)]
        months[2].groups = [clawback(-120.0, -1_200.0)]
        results, outstanding, carries = self._run_months(months)
        self.assertEqual(
            [result.total for result in results],
            [100.0, 100.0, -20.0, 80.0, 100.0, 100.0],
        )
        self.assertEqual(
            self._messages(results[2]),
            [("clawback", -120.0), ("release_deferred", 100.0)],
        )
        self.assertEqual(
            self._messages(results[3]),
            [("carry", -20.0), ("release_deferred", 100.0)],
        )
        paid = sum(max(result.total, 0.0) for result in results)
        self.assertEqual(paid, 480.0)
        self.assertEqual(outstanding, [])
        self.assertEqual(carries, [])


@tagged("post_install", "-at_install")
class TestComponentsBands(ComponentsCase):
    def test_rep_band_upper_bound_included(self):
        facts = Facts(groups=[commission(22_500.0, 1_500_000.0)], actual=1_500_000.0)
        result = self._settle(facts, bands=REP_BANDS, band_boundary="upper")
        band = self._one(result, "band")
        self.assertEqual(band.amount, 5_500.0)
        self.assertEqual(band.params["lower"], 900_000.0)
        self.assertEqual(band.params["upper"], 1_500_000.0)
        self.assertEqual(result.total, 28_000.0)
        # lower bound included: 1,500,000 is in the next band
        result = self._settle(facts, bands=REP_BANDS, band_boundary="lower")
        self.assertEqual(self._one(result, "band").amount, 6_000.0)

    def test_band_is_paid_in_full_after_the_holdback(self):
        facts = Facts(groups=[commission(1_000.0, 100_000.0)], actual=100_000.0)
        result = self._settle(
            facts,
            bands=REP_BANDS,
            holdback_percent=20,
            holdback_release_date="2027-01-01",
        )
        self.assertEqual(
            self._messages(result),
            [("commission", 1_000.0), ("holdback", -200.0), ("band", 5_000.0)],
        )

    def test_director_band_from_team_sales(self):
        facts = Facts(team_sales=8_000_001.0)
        result = self._settle(facts, bands=DIRECTOR_BANDS, band_measure="team_sales")
        band = self._one(result, "band")
        # above 800万: 8000 + 3000
        self.assertEqual(band.amount, 11_000.0)
        self.assertEqual(band.params["upper"], 15_000_000.0)
        open_ended = self._settle(
            Facts(team_sales=30_000_000.0),
            bands=DIRECTOR_BANDS,
            band_measure="team_sales",
        )
        self.assertIsNone(self._one(open_ended, "band").params["upper"])

    def test_achievement_band(self):
        bands = (PayBand(80, 100, 1_000, 0), PayBand(100, 0, 1_000, 500))
        facts = Facts(actual=1_100_000.0, target=1_000_000.0)
        result = self._settle(facts, bands=bands, band_measure="achievement")
        band = self._one(result, "band_achievement")
        self.assertEqual(band.amount, 1_500.0)
        self.assertEqual(band.params["achievement"], 110.0)
        facts = Facts(actual=700_000.0, target=1_000_000.0)
        result = self._settle(facts, bands=bands, band_measure="achievement")
        self.assertEqual(result.components, [])


@tagged("post_install", "-at_install")
class TestComponentsForfeit(ComponentsCase):
    def _facts(self):
        return Facts(
            groups=[commission(1_000.0, 10_000.0), clawback(-200.0, -2_000.0)],
            holdbacks=[
                Holdback(1, "holdback", 2_000.0, (), (0.9, 1.1)),
                Holdback(2, "deferred", 33.33),
            ],
            actual=10_000.0,
            target=1_000_000.0,
            kpi_score=0.5,
            overdue_count=5,
        )

    def _forfeit(self, facts, percent, reason):
        return self._settle(
            facts,
            forfeit_percent=percent,
            forfeit_reason=reason,
            target_gate="above",
            use_kpi_score=True,
            overdue_penalty_percent=10.0,
            overdue_suspend_after=3,
            holdback_percent=20,
            holdback_release_date="2027-01-01",
            bands=REP_BANDS,
        )

    def test_resigned_forfeits_everything_unpaid(self):
        """Seed 2022提成制度 五.2: a rep who resigns gets no commission."""
        result = self._forfeit(self._facts(), 0.0, "resigned")
        self.assertEqual(
            self._messages(result),
            [
                ("commission", 1_000.0),
                ("clawback", -200.0),
                ("release_holdback", 2_000.0),
                ("release_deferred", 33.33),
                ("forfeit", -2_833.33),
            ],
        )
        release = self._one(result, "release_holdback")
        self.assertEqual(release.factor, 1.0)
        self.assertEqual(release.holdback_ids, (1,))
        forfeit = self._one(result, "forfeit")
        self.assertEqual(forfeit.params["owed"], 2_833.33)
        self.assertEqual(forfeit.params["reason"], "resigned")
        self.assertFalse(result.suspended)
        self.assertEqual(result.total, 0.0)

    def test_dismissed_is_paid_the_configured_percent(self):
        result = self._forfeit(self._facts(), 40.0, "dismissed")
        forfeit = self._one(result, "forfeit")
        # 40 % of 2,833.33 = 1,133.332 → 1,133.33 paid
        self.assertEqual(forfeit.params["paid"], 1_133.33)
        self.assertEqual(forfeit.amount, -1_700.0)
        self.assertEqual(result.total, 1_133.33)

    def test_a_negative_balance_is_kept_not_written_off(self):
        facts = Facts(groups=[clawback(-500.0, -5_000.0)])
        result = self._forfeit(facts, 40.0, "dismissed")
        self.assertEqual(self._messages(result), [("clawback", -500.0)])
        self.assertEqual(result.total, -500.0)

    def test_period_table_lines_and_carries_count(self):
        facts = Facts(
            groups=[commission(increment(0.0, 400_000.0), 400_000.0)],
            carries=[Carry(3, "SET/3", -1_000.0)],
        )
        result = self._forfeit(facts, 50.0, "dismissed")
        # (8,000 - 1,000) x 50 %
        self.assertEqual(self._one(result, "forfeit").amount, -3_500.0)
        self.assertEqual(result.total, 3_500.0)


@tagged("post_install", "-at_install")
class TestComponentsDigits(ComponentsCase):
    """Bug 14: every amount is rounded to the currency's decimals."""

    def test_zero_decimal_currency(self):
        facts = Facts(groups=[commission(1_001.0, 50_050.0)])
        result = self._settle(
            facts, digits=0, holdback_percent=20, holdback_release_date="2027-01-01"
        )
        # 20 % of 1,001 = 200.2 → 200 held, 801 paid now
        self.assertEqual(self._one(result, "holdback").amount, -200.0)
        self.assertEqual(result.total, 801.0)
        result = self._settle(
            Facts(groups=[commission(100.0, 1_000.0)]),
            digits=0,
            service_months=3,
            service_release_dates=("2026-04-01", "2026-05-01"),
        )
        self.assertEqual([c.amount for c in result.components], [100.0, -33.0, -33.0])
        self.assertEqual(result.total, 34.0)

    def test_zero_decimal_table_and_release(self):
        # 12,345 x 2 % = 246.9 → 247
        line = increment(0.0, 12_345.0, digits=0)
        self.assertEqual(line, 247.0)
        result = self._settle(
            Facts(
                groups=[commission(line, 12_345.0)],
                holdbacks=[Holdback(1, "holdback", 201.0, (), (0.9, 1.1))],
            ),
            digits=0,
        )
        # 201 x 0.99 = 198.99 → 199
        self.assertEqual(
            self._messages(result),
            [("commission", 247.0), ("release_holdback", 199.0)],
        )
        self.assertEqual(result.total, 446.0)

    def test_three_decimal_currency(self):
        facts = Facts(groups=[commission(123.457, 1_234.57)])
        result = self._settle(
            facts, digits=3, holdback_percent=20, holdback_release_date="2027-01-01"
        )
        # 20 % of 123.457 = 24.6914 → 24.691 held
        self.assertEqual(self._one(result, "holdback").amount, -24.691)
        self.assertEqual(result.total, 98.766)
        result = self._settle(
            Facts(groups=[commission(100.0, 1_000.0)]),
            digits=3,
            service_months=3,
            service_release_dates=("2026-04-01", "2026-05-01"),
        )
        self.assertEqual(
            [c.amount for c in result.components], [100.0, -33.333, -33.333]
        )
        self.assertEqual(result.total, 33.334)

    def test_three_decimal_coefficients_and_forfeit(self):
        facts = Facts(
            groups=[commission(10.001, 100.01)],
            actual=1_500.0,
            target=1_000.0,
        )
        result = self._settle(
            facts, digits=3, use_achievement_coefficient=True, achievement_cap=1.2
        )
        # 10.001 x 1.2 = 12.0012 → 12.001
        self.assertEqual(self._one(result, "coefficient").amount, 2.0)
        self.assertEqual(result.total, 12.001)
        result = self._settle(facts, digits=3, forfeit_percent=33.0)
        # 33 % of 10.001 = 3.30033 → 3.300 paid
        self.assertEqual(self._one(result, "forfeit").amount, -6.701)
        self.assertEqual(result.total, 3.3)
