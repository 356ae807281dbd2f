# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Champions of the month, quarter and year and the benefits that are not
money (issue 21.3, seed 004 section 4.3)."""

import datetime

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import BaseCase, tagged

from odoo.addons.sale_incentive.engine import champions, components

from .test_settlement import SettlementCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestChampionEngine(BaseCase):
    """engine/champions.py on plain values."""

    def test_best_and_ties(self):
        self.assertEqual(champions.best({1: 10.0, 2: 30.0, 3: 20.0}), [2])
        self.assertEqual(champions.best({1: 30.0, 2: 30.004, 3: 20.0}), [1, 2])
        self.assertEqual(champions.best({1: 0.0, 2: -5.0}), [])
        self.assertEqual(champions.best({}), [])

    def test_tied_champions_share_the_award_to_the_cent(self):
        result = champions.champions(
            {1: 50.0, 2: 50.0, 3: 50.0, 4: 10.0}, 100.0, "period"
        )
        self.assertEqual(sorted(result), [1, 2, 3])
        amounts = [result[key].amount for key in (1, 2, 3)]
        self.assertEqual(amounts, [33.34, 33.33, 33.33])
        self.assertEqual(round(sum(amounts), 2), 100.0)
        self.assertEqual(result[1].message, "champion_tied")
        self.assertEqual(result[1].params["count"], 3)
        alone = champions.champions({1: 5.0}, 300.0, "quarter", date_from="x")
        self.assertEqual(alone[1].message, "champion_quarter")
        self.assertEqual(alone[1].amount, 300.0)

    def test_scope_bounds(self):
        self.assertIsNone(champions.scope_bounds(D(2026, 2, 28), "quarter"))
        self.assertEqual(
            champions.scope_bounds(D(2026, 3, 31), "quarter"),
            (D(2026, 1, 1), D(2026, 3, 31)),
        )
        self.assertIsNone(champions.scope_bounds(D(2026, 9, 30), "year"))
        self.assertEqual(
            champions.scope_bounds(D(2026, 12, 31), "year"),
            (D(2026, 1, 1), D(2026, 12, 31)),
        )
        self.assertEqual(champions.window_start(D(2026, 2, 28), 3), D(2025, 12, 1))

    def test_validity_is_the_next_month(self):
        self.assertEqual(
            champions.validity(D(2026, 12, 31), 1), (D(2027, 1, 1), D(2027, 1, 31))
        )
        self.assertEqual(
            champions.validity(D(2026, 1, 31), 2), (D(2026, 2, 1), D(2026, 3, 31))
        )

    def test_seed_benefits_stack(self):
        guidance = champions.BenefitRule(1, 10_000, 30_000, 3)
        lecture = champions.BenefitRule(2, 20_000, 50_000, 3, first="plan")
        measures = {
            "a": champions.Measure(25_000, {3: 25_000}),
            "b": champions.Measure(12_000, {3: 12_000}),
            "c": champions.Measure(5_000, {3: 31_000}),
            "d": champions.Measure(1_000, {3: 1_000}),
        }
        earned = champions.earned_benefits([guidance, lecture], measures)
        self.assertEqual(
            earned,
            {
                "a": [(1, "period"), (2, "period")],
                "b": [(1, "period")],
                "c": [(1, "window")],
            },
        )

    def test_first_of_the_team_and_exclusive_rules(self):
        lecture = champions.BenefitRule(2, 20_000, first="team")
        measures = {
            "a": champions.Measure(25_000, team=1),
            "b": champions.Measure(30_000, team=2),
            "c": champions.Measure(21_000, team=1),
        }
        earned = champions.earned_benefits([lecture], measures)
        self.assertEqual(sorted(earned), ["a", "b"])
        big = champions.BenefitRule(1, 20_000, stackable=False)
        small = champions.BenefitRule(3, 10_000, stackable=False)
        earned = champions.earned_benefits([big, small], measures, keys=["a"])
        self.assertEqual(earned, {"a": [(1, "period")]})

    def test_pipeline_adds_one_component_per_title(self):
        facts = components.Facts(
            champions=list(
                champions.champions({7: 40.0, 8: 40.0}, 300.0, "period").values()
            )[:1]
            + [champions.champions({7: 90.0}, 500.0, "quarter")[7]]
        )
        result = components.settle(facts, components.Policy(digits=2))
        self.assertEqual(
            [(c.message, c.amount) for c in result.components],
            [("champion_tied", 150.0), ("champion_quarter", 500.0)],
        )
        self.assertEqual(result.total, 650.0)
        for item in result.components:
            self.assertEqual(set(item.params), set(components.MESSAGES[item.message]))


@tagged("post_install", "-at_install")
class TestChampions(SettlementCase):
    """The seed's numbers through the real flow: orders, invoices, the settle
    wizard, the approval chain and the posting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(
            rate=1.0,
            name="Partners",
            users=cls.rep | cls.rep_b | cls.rep_c,
            champion_award=300.0,
            champion_award_quarter=500.0,
            champion_award_year=5_000.0,
            benefit_rule_ids=[
                fields.Command.create(
                    {
                        "name": "Two days of free market guidance",
                        "sequence": 1,
                        "threshold_amount": 10_000.0,
                        "threshold_window_amount": 30_000.0,
                        "window_months": 3,
                    }
                ),
                fields.Command.create(
                    {
                        "name": "A free lecture",
                        "sequence": 2,
                        "threshold_amount": 20_000.0,
                        "threshold_window_amount": 50_000.0,
                        "window_months": 3,
                        "first_condition": "plan",
                    }
                ),
            ],
        )
        cls.guidance, cls.lecture = cls.plan.benefit_rule_ids.sorted("sequence")
        cls.Benefit = cls.env["sale.incentive.benefit"]

    def _by_user(self, settlements):
        return {s.user_id: s for s in settlements}

    def _titles(self, settlement):
        return [
            (c.message, c.amount)
            for c in self._component(settlement, "award").sorted("sequence")
        ]

    def test_month_champion_paid_and_benefits_granted(self):
        self._sell(25_000.0, date="2026-01-15")
        self._sell(12_000.0, date="2026-01-16", user=self.rep_b)
        self._sell(5_000.0, date="2026-01-17", user=self.rep_c)
        settlements = self._settle("2026-01-31")
        by_user = self._by_user(settlements)
        rep = by_user[self.rep]
        self.assertEqual(self._titles(rep), [("champion", 300.0)])
        self.assertIn("Champion of the period", self._component(rep, "award").name)
        self.assertMoney(rep.amount_total, 250.0 + 300.0)
        self.assertFalse(self._component(by_user[self.rep_b], "award"))
        self.assertFalse(self.Benefit.search([("plan_id", "=", self.plan.id)]))
        for settlement in settlements:
            self._close(settlement)
        benefits = self.Benefit.search([("plan_id", "=", self.plan.id)])
        granted = {(b.user_id, b.rule_id) for b in benefits}
        self.assertEqual(
            granted,
            {
                (self.rep, self.guidance),
                (self.rep, self.lecture),
                (self.rep_b, self.guidance),
            },
        )
        lecture = benefits.filtered(lambda b: b.rule_id == self.lecture)
        self.assertEqual(lecture.settlement_id, rep)
        self.assertEqual(
            (lecture.valid_from, lecture.valid_to), (D(2026, 2, 1), D(2026, 2, 28))
        )
        self.assertEqual((lecture.reached, lecture.sales_amount), ("period", 25_000.0))
        self.assertEqual(
            rep.benefit_ids, benefits.filtered(lambda b: b.user_id == self.rep)
        )
        # the statement lists them after the money
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sale_incentive.report_settlement", rep.ids)[0]
            .decode()
        )
        self.assertIn("Benefits granted (not paid in money)", html)
        self.assertIn("A free lecture", html)
        # never twice for the same rule, person and period
        self.assertFalse(self.Benefit._grant_for_settlements(settlements))
        self.assertEqual(self.Benefit.search_count([("plan_id", "=", self.plan.id)]), 3)

    def test_quarter_champion_in_the_quarters_last_month(self):
        self._sell(30_000.0, date="2026-01-15", user=self.rep_b)
        january = self._settle("2026-01-31")
        self.assertEqual(self._titles(january), [("champion", 300.0)])
        self._close(january)
        self._sell(10_000.0, date="2026-02-10")
        february = self._settle("2026-02-28")
        # February closes no quarter
        self.assertEqual(self._titles(february), [("champion", 300.0)])
        self._sell(15_000.0, date="2026-03-10")
        self._sell(1_000.0, date="2026-03-11", user=self.rep_b)
        march = self._by_user(self._settle("2026-03-31"))
        # March: the rep's 15,000 is the month's best; the quarter's is
        # rep_b's 31,000 (January's settled lines count) against 25,000
        self.assertEqual(self._titles(march[self.rep]), [("champion", 300.0)])
        quarter = self._component(march[self.rep_b], "award")
        self.assertEqual(self._titles(march[self.rep_b]), [("champion_quarter", 500.0)])
        self.assertMoney(quarter.base_amount, 31_000.0)
        self.assertIn("Champion of the quarter", quarter.name)
        self.assertMoney(march[self.rep_b].amount_total, 10.0 + 500.0)
        # three months ≥ 30,000: guidance for rep_b, lecture not (< 50,000)
        self._close(march[self.rep_b])
        self.assertEqual(march[self.rep_b].benefit_ids.mapped("rule_id"), self.guidance)
        self.assertEqual(march[self.rep_b].benefit_ids.reached, "window")

    def test_year_champion_in_december(self):
        self._sell(40_000.0, date="2025-06-15")
        self._sell(30_000.0, date="2025-12-10", user=self.rep_b)
        december = self._by_user(self._settle("2025-12-31"))
        # rep_b: champion of December and of the fourth quarter; the rep:
        # of the year (40,000 of June, settled in December too)
        self.assertEqual(
            self._titles(december[self.rep_b]),
            [("champion", 300.0), ("champion_quarter", 500.0)],
        )
        year = self._component(december[self.rep], "award")
        self.assertEqual(self._titles(december[self.rep]), [("champion_year", 5_000.0)])
        self.assertMoney(year.base_amount, 40_000.0)
        self.assertIn("Champion of the year", year.name)
        self.assertMoney(december[self.rep].amount_total, 400.0 + 5_000.0)

    def test_tied_champions_share_the_award(self):
        self._sell(20_000.0, date="2026-01-15")
        self._sell(20_000.0, date="2026-01-16", user=self.rep_b)
        self._sell(2_000.0, date="2026-01-17", user=self.rep_c)
        settlements = self._settle("2026-01-31")
        by_user = self._by_user(settlements)
        for user in (self.rep, self.rep_b):
            award = self._component(by_user[user], "award")
            self.assertEqual(self._titles(by_user[user]), [("champion_tied", 150.0)])
            self.assertIn("one of 2 tied champions", award.name)
        self.assertFalse(self._component(by_user[self.rep_c], "award"))
        # both are first of the plan: both get the lecture
        for settlement in settlements:
            self._close(settlement)
        lectures = self.Benefit.search([("rule_id", "=", self.lecture.id)])
        self.assertEqual(lectures.user_id, self.rep | self.rep_b)

    def _sell_last_month(self):
        """Sales of last month, settled and posted: benefits valid this month."""
        today = fields.Date.context_today(self.plan)
        month_end = today.replace(day=1) - datetime.timedelta(days=1)
        self._sell(25_000.0, date=str(month_end.replace(day=10)))
        self._sell(12_000.0, date=str(month_end.replace(day=11)), user=self.rep_b)
        self._sell(11_000.0, date=str(month_end.replace(day=12)), user=self.rep_c)
        for settlement in self._settle(str(month_end)):
            self._close(settlement)
        return self.Benefit.search([("plan_id", "=", self.plan.id)])

    def test_cron_expires_ended_benefits(self):
        self._sell(11_000.0, date="2026-01-15")
        for settlement in self._settle("2026-01-31"):
            self._close(settlement)
        old = self.Benefit.search([("plan_id", "=", self.plan.id)])
        self.assertEqual(old.mapped("state"), ["granted"])
        self.assertEqual(old.rule_id, self.guidance)
        current = self._sell_last_month() - old
        self.assertTrue(current)
        self.env.ref("sale_incentive.ir_cron_expire_benefits").method_direct_trigger()
        self.assertEqual(set(old.mapped("state")), {"expired"})
        self.assertEqual(set(current.mapped("state")), {"granted"})
        # a manager records a current benefit of the team as used
        guidance = current.filtered(
            lambda b: b.user_id == self.rep and b.rule_id == self.guidance
        )
        guidance.with_user(self.manager).action_use()
        self.assertEqual(guidance.state, "used")
        with self.assertRaises(AccessError):
            current.filtered(lambda b: b.user_id == self.rep_b)[:1].with_user(
                self.rep_b
            ).action_use()

    def test_rep_sees_own_manager_sees_team(self):
        benefits = self._sell_last_month()
        of = {
            user: benefits.filtered(lambda b, u=user: b.user_id == u)
            for user in (self.rep, self.rep_b, self.rep_c)
        }
        Benefit = self.Benefit.with_user(self.rep_b)
        self.assertEqual(Benefit.search([]), of[self.rep_b])
        with self.assertRaises(AccessError):
            of[self.rep].with_user(self.rep_b).read(["name"])
        with self.assertRaises(AccessError):
            of[self.rep].with_user(self.rep_b).write({"state": "used"})
        # the team's leader: rep and rep_b, not rep_c of the other team
        self.assertEqual(
            self.Benefit.with_user(self.manager).search([]),
            of[self.rep] | of[self.rep_b],
        )
        self.assertTrue(of[self.rep_c])
        # the settlement shows its benefits to its beneficiary
        settlement = of[self.rep_b].settlement_id.with_user(self.rep_b)
        self.assertEqual(
            settlement.benefit_ids.mapped("name"), of[self.rep_b].mapped("name")
        )

    def test_bad_awards_are_refused(self):
        with self.assertRaises(ValidationError):
            self._make_plan(
                name="Quarterly", period="quarter", champion_award_quarter=500.0
            )
        with self.assertRaises(ValidationError):
            self.plan.benefit_rule_ids[:1].write(
                {"threshold_amount": 0.0, "threshold_window_amount": 0.0}
            )
