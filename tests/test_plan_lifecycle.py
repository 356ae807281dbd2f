# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Plans that change safely (issue #11), on Odoo's real flow: draft, active
and closed plans, versions taking effect on a chosen date, the what-if
simulation, manual adjustments and finance's yearly coefficients."""

import io

import openpyxl

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.sale_incentive.engine.components import Adjustment, Facts

from .test_engine_components import ComponentsCase, clawback, commission
from .test_settlement import SettlementCase


def day(value):
    return fields.Date.to_date(value)


@tagged("post_install", "-at_install")
class TestPlanStates(SettlementCase):
    def test_draft_plan_writes_nothing(self):
        plan = self._make_plan(rate=5.0, name="Draft", activate=False)
        self.assertEqual(plan.state, "draft")
        order = self._order([(self.product, 10, 1000.0)])
        invoice = self._invoice(order, date="2026-03-10")
        self._refund(invoice, date="2026-03-20", quantity=2)
        self.assertFalse(self._lines(plan_id=plan.id))
        self.assertFalse(self._settle("2026-03-31", plans=plan))

    def test_activation_starts_writing(self):
        plan = self._make_plan(rate=5.0, activate=False, date_from="2026-03-01")
        february = self._sell(10_000.0, date="2026-02-27")
        march = self._sell(10_000.0, date="2026-03-10")
        self.assertFalse(self._lines(plan_id=plan.id))
        plan.action_activate()
        self.assertEqual(plan.state, "active")
        # the invoices of its validity posted while it was a draft are accrued
        self.assertMoney(self._lines(move_id=march.id, plan_id=plan.id).amount, 500.0)
        self.assertFalse(self._lines(move_id=february.id))
        april = self._sell(20_000.0, date="2026-04-02")
        self.assertMoney(self._lines(move_id=april.id).amount, 1_000.0)
        self.assertMoney(self._settle("2026-03-31", plans=plan).amount_total, 500.0)
        self.assertIn("1 posted invoice", " ".join(plan.message_ids.mapped("preview")))

    def test_activation_of_a_paid_basis_plan_earns_the_payments(self):
        plan = self._make_plan(
            rate=5.0, activate=False, basis="paid", date_from="2026-03-01"
        )
        invoice = self._sell(10_000.0, date="2026-03-10")
        self._pay(invoice, amount=4_000.0, date="2026-03-20")
        plan.action_activate()
        earned = self._lines(plan_id=plan.id, kind="payment")
        self.assertMoney(earned.amount, 200.0)
        self.assertEqual(earned.date, day("2026-03-20"))

    def test_activation_needs_the_administrator(self):
        plan = self._make_plan(activate=False)
        for user in (self.rep, self.manager):
            with self.assertRaises(AccessError):
                plan.with_user(user).action_activate()
        # the group is checked, whatever the context says
        with self.assertRaises(AccessError):
            plan.with_user(self.manager).with_context(
                incentive_admin=True, active_test=False
            ).action_activate()
        # and the state is not written around the action
        with self.assertRaises(AccessError):
            plan.with_user(self.incentive_admin).write({"state": "active"})
        with self.assertRaises(AccessError):
            self.env["sale.incentive.plan"].with_user(self.incentive_admin).create(
                {"name": "Born active", "state": "active"}
            )
        self.assertEqual(plan.state, "draft")
        plan.with_user(self.incentive_admin).action_activate()
        self.assertEqual(plan.state, "active")

    def test_second_administrator_approves_the_activation(self):
        self.env.company.incentive_plan_second_approval = True
        plan = self._make_plan(activate=False)
        plan.action_activate()
        self.assertEqual(plan.state, "to_approve")
        self.assertEqual(plan.activation_requested_by_id, self.env.user)
        invoice = self._sell(10_000.0)
        self.assertFalse(self._lines(move_id=invoice.id))
        with self.assertRaisesRegex(UserError, "another administrator"):
            plan.action_approve_activation()
        with self.assertRaises(AccessError):
            plan.with_user(self.manager).action_approve_activation()
        plan.with_user(self.incentive_admin).action_approve_activation()
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.activated_by_id, self.incentive_admin)
        self.assertMoney(self._sell(10_000.0).incentive_line_ids.amount, 300.0)

    def test_rules_of_an_active_plan_change_through_a_version(self):
        plan = self._make_plan(rule=self._period_table())
        rule = plan.rule_ids
        bracket = rule.bracket_ids.sorted("amount_from")[-1]
        edits = (
            lambda: rule.write({"rate": 5.0}),
            lambda: bracket.write({"rate": 9.0}),
            bracket.unlink,
            rule.unlink,
            lambda: self.env["sale.incentive.rule"].create(
                {"plan_id": plan.id, "name": "More", "rate": 1.0}
            ),
            lambda: self.env["sale.incentive.bracket"].create(
                {"rule_id": rule.id, "amount_from": 0, "rate": 1.0}
            ),
            lambda: plan.write(
                {"rule_ids": [Command.update(rule.id, {"bracket_mode": "whole"})]}
            ),
            lambda: plan.write({"base": "margin"}),
            lambda: plan.write({"basis": "paid"}),
        )
        for edit in edits:
            with self.assertRaisesRegex(UserError, "New Version"):
                edit()
        self.assertEqual(rule.bracket_mode, "marginal")
        self.assertEqual(len(rule.bracket_ids), 2)
        self.assertEqual(bracket.rate, 3.0)
        # a rule's label and the plan's payout settings stay editable
        rule.name = "Ladder"
        plan.holdback_percent = 20
        # a draft is edited freely
        draft = self._make_plan(activate=False)
        draft.rule_ids.rate = 4.0
        self.assertEqual(draft.rule_ids.rate, 4.0)

    def test_closed_plan_writes_no_more_lines_but_settles_what_it_earned(self):
        plan = self._make_plan(rate=10.0)
        march = self._sell(10_000.0, date="2026-03-10")
        plan.action_close()
        self.assertEqual(plan.state, "closed")
        april = self._sell(10_000.0, date="2026-04-10")
        self.assertFalse(self._lines(move_id=april.id))
        self.assertTrue(self._lines(move_id=march.id))
        self.assertMoney(self._settle("2026-03-31", plans=plan).amount_total, 1_000.0)
        with self.assertRaises(AccessError):
            plan.with_user(self.manager).action_close()


@tagged("post_install", "-at_install")
class TestPlanVersions(SettlementCase):
    def test_version_from_the_first_pays_the_31st_old_and_the_1st_new(self):
        v1 = self._make_plan(rate=3.0, name="Key accounts", date_from="2026-01-01")
        v2 = self._new_version(v1, "2026-04-01")
        self.assertEqual((v1.state, v1.date_to), ("active", day("2026-03-31")))
        self.assertEqual(
            (v2.state, v2.date_from, v2.date_to, v2.previous_version_id),
            ("draft", day("2026-04-01"), False, v1),
        )
        self.assertEqual(v2.user_ids, self.rep)
        v2.rule_ids.rate = 4.0
        # posted before the new version is active: accrued when it is
        first = self._sell(10_000.0, date="2026-04-01")
        self.assertFalse(self._lines(move_id=first.id))
        v2.action_activate()
        last = self._sell(10_000.0, date="2026-03-31")
        self.assertEqual(self._lines(move_id=last.id).plan_id, v1)
        self.assertMoney(self._lines(move_id=last.id).amount, 300.0)
        self.assertEqual(self._lines(move_id=first.id).plan_id, v2)
        self.assertMoney(self._lines(move_id=first.id).amount, 400.0)
        self.assertMoney(self._settle("2026-03-31", plans=v1 | v2).amount_total, 300.0)
        self.assertMoney(self._settle("2026-04-30", plans=v1 | v2).amount_total, 400.0)
        self.assertIn("2026", " ".join(v1.message_ids.mapped("preview")))

    def test_version_cannot_start_before_what_was_already_earned(self):
        plan = self._make_plan(date_from="2026-01-01")
        self._sell(10_000.0, date="2026-04-10")
        with self.assertRaisesRegex(UserError, "already earned"):
            self._new_version(plan, "2026-04-01")
        with self.assertRaisesRegex(UserError, "after the version"):
            self._new_version(plan, "2026-01-01")
        self.assertFalse(plan.date_to)
        self.assertEqual(len(plan._get_version_family()), 1)
        draft = self._make_plan(activate=False, name="Draft")
        with self.assertRaisesRegex(UserError, "draft"):
            draft.action_new_version()


@tagged("post_install", "-at_install")
class TestPlanSimulation(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(
            rate=10.0,
            name="Key accounts",
            users=cls.rep | cls.rep_b,
            holdback_percent=20,
        )

    def _by_partner(self, wizard):
        return {line.partner_id: line for line in wizard.line_ids}

    def test_simulation_of_the_active_plan_equals_its_settlement(self):
        invoice = self._sell(100_000.0, date="2026-03-10")
        self._sell(45_678.91, date="2026-03-12", user=self.rep_b)
        self._refund(invoice, date="2026-03-20", quantity=0.25)
        march = self._settle("2026-03-31")
        self.assertEqual(len(march), 2)
        posted = march.filtered(lambda s: s.partner_id == self.rep.partner_id)
        self._close(posted)
        # 10 % of 100,000 - 25,000, 20 % held; 10 % of 45,678.91, 20 % held
        self.assertMoney(posted.amount_total, 6_000.0)
        self.assertMoney((march - posted).amount_total, 3_654.31)
        wizard = self._simulate(self.plan, "2026-03-01", "2026-03-31")
        self.assertEqual(wizard.compare_plan_ids, self.plan)
        lines = self._by_partner(wizard)
        self.assertEqual(set(lines), set(march.partner_id))
        for settlement in march:
            line = lines[settlement.partner_id]
            self.assertEqual(line.amount_simulated, settlement.amount_total)
            self.assertEqual(line.amount_actual, settlement.amount_total)
            self.assertEqual(line.amount_difference, 0.0)
        self.assertMoney(wizard.amount_simulated, 9_654.31)
        self.assertMoney(wizard.amount_actual, 9_654.31)
        self.assertMoney(wizard.amount_difference, 0.0)
        # the real settlements are untouched
        self.assertEqual(posted.state, "posted")
        self.assertEqual((march - posted).state, "draft")
        self.assertEqual(
            self._lines(move_id=invoice.id).settlement_id, posted, "still settled"
        )

    def test_simulating_a_draft_version_writes_nothing(self):
        self._sell(100_000.0, date="2026-01-15")
        self._sell(50_000.0, date="2026-02-15", user=self.rep_b)
        self._sell(20_000.0, date="2026-03-15")
        for month_end in ("2026-01-31", "2026-02-28", "2026-03-31"):
            for settlement in self._settle(month_end):
                self._close(settlement)
        version = self._new_version(self.plan, "2026-07-01")
        version.rule_ids.rate = 12.0
        models = (
            "sale.incentive.line",
            "sale.incentive.settlement",
            "sale.incentive.settlement.line",
            "mail.message",
        )
        before = {model: self.env[model].search_count([]) for model in models}
        wizard = self._simulate(version, "2026-01-01", "2026-03-31")
        self.assertEqual(wizard.compare_plan_ids, self.plan)
        lines = self._by_partner(wizard)
        rep, rep_b = lines[self.rep.partner_id], lines[self.rep_b.partner_id]
        # 12 % instead of 10 %, 20 % held either way
        self.assertMoney(rep.amount_simulated, 11_520.0)
        self.assertMoney(rep.amount_actual, 9_600.0)
        self.assertMoney(rep.amount_difference, 1_920.0)
        self.assertMoney(rep_b.amount_simulated, 4_800.0)
        self.assertMoney(rep_b.amount_actual, 4_000.0)
        self.assertMoney(wizard.amount_simulated, 16_320.0)
        self.assertMoney(wizard.amount_actual, 13_600.0)
        self.assertMoney(wizard.amount_difference, 2_720.0)
        # nothing was written: no line, settlement or message, still a draft
        after = {model: self.env[model].search_count([]) for model in models}
        self.assertEqual(after, before)
        self.assertEqual(version.state, "draft")
        self.assertFalse(self._lines(plan_id=version.id))
        self.assertEqual(
            set(
                self.Settlement.search([("plan_id", "=", self.plan.id)]).mapped("state")
            ),
            {"posted"},
        )
        # the comparison as a spreadsheet
        book = openpyxl.load_workbook(io.BytesIO(wizard._export_xlsx()))
        rows = list(book.active.iter_rows(values_only=True))
        self.assertIn(self.rep.partner_id.display_name, [row[0] for row in rows])
        self.assertEqual(rows[-1][-3:], (16_320.0, 13_600.0, 2_720.0))

    def test_only_administrators_and_accountants_simulate(self):
        for user in (self.rep, self.manager):
            with self.assertRaises(AccessError):
                self._simulate(self.plan, "2026-01-01", "2026-03-31", user=user)


@tagged("post_install", "-at_install")
class TestAdjustmentStep(ComponentsCase):
    """The engine's ``adjustment`` step on plain facts."""

    FAIR = Adjustment(7, 250.0, "Fair order", "2026-03-20")
    DEMO = Adjustment(8, -50.0, "Demo unit", "2026-03-21", reference="INV/2026/0001")

    def test_adjustments_come_before_the_clawbacks_and_are_held_back(self):
        facts = Facts(
            groups=[commission(1_000.0, 10_000.0), clawback(-100.0, -1_000.0)],
            adjustments=[self.FAIR, self.DEMO],
        )
        result = self._settle(
            facts, holdback_percent=20, holdback_release_date="2027-01-01"
        )
        self.assertEqual(
            self._messages(result),
            [
                ("commission", 1_000.0),
                ("adjustment", 250.0),
                ("adjustment_document", -50.0),
                ("clawback", -100.0),
                ("holdback", -220.0),
            ],
        )
        paid = [c for c in result.components if c.component == "adjustment"]
        self.assertEqual([c.adjustment_id for c in paid], [7, 8])
        self.assertEqual(paid[1].params["reference"], "INV/2026/0001")
        self.assertEqual(result.total, 880.0)

    def test_a_suspended_payout_leaves_the_adjustments_open(self):
        facts = Facts(
            groups=[commission(1_000.0, 10_000.0)],
            adjustments=[self.FAIR],
            overdue_count=3,
        )
        result = self._settle(
            facts, overdue_penalty_percent=10, overdue_suspend_after=3
        )
        self.assertTrue(result.suspended)
        self.assertEqual(self._messages(result), [("suspended", 0.0)])

    def test_forfeiture_pays_its_percent_of_the_adjustments_too(self):
        facts = Facts(groups=[commission(1_000.0, 10_000.0)], adjustments=[self.FAIR])
        result = self._settle(facts, forfeit_percent=40.0, forfeit_reason="dismissed")
        self.assertEqual(
            self._messages(result),
            [("commission", 1_000.0), ("adjustment", 250.0), ("forfeit", -750.0)],
        )


@tagged("post_install", "-at_install")
class TestAdjustments(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0, name="Key accounts", holdback_percent=20)

    def test_adjustment_reaches_the_next_settlement_and_its_statement(self):
        invoice = self._sell(100_000.0, date="2026-03-10")
        reason = "Trade-fair order booked on a colleague account"
        adjustment = self._adjust(
            500.0, reason, "2026-03-20", source_document=f"account.move,{invoice.id}"
        )
        self.assertEqual(adjustment.state, "draft")
        # a draft is not paid
        self.assertFalse(self._component(self._settle("2026-03-31"), "adjustment"))
        with self.assertRaises(AccessError):
            adjustment.with_user(self.rep).action_approve()
        with self.assertRaisesRegex(UserError, "requested"):
            adjustment.with_user(self.manager).action_approve()
        adjustment.with_user(self.incentive_admin).action_approve()
        self.assertEqual(
            (adjustment.state, adjustment.approved_by_id),
            ("approved", self.incentive_admin),
        )
        march = self._settle("2026-03-31")
        component = self._component(march, "adjustment")
        self.assertMoney(component.amount, 500.0)
        self.assertIn(reason, component.name)
        self.assertEqual(adjustment.settlement_line_id, component)
        self.assertEqual(adjustment.state, "settled")
        # (10,000 + 500) x 20 % held
        self.assertMoney(self._component(march, "holdback").amount, -2_100.0)
        self.assertMoney(march.amount_total, 8_400.0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sale_incentive.action_report_settlement", march.ids)[0]
            .decode()
        )
        self.assertIn(reason, html)
        # cancelling the settlement frees it for the next one
        march.action_cancel()
        self.assertEqual(adjustment.state, "approved")
        self.assertFalse(adjustment.settlement_line_id)
        again = self._settle("2026-03-31")
        self.assertEqual(adjustment.settlement_line_id.settlement_id, again)
        with self.assertRaises(UserError):
            adjustment.with_user(self.manager).write({"amount": 5.0})

    def test_adjustment_waits_for_the_period_of_its_date(self):
        self._sell(10_000.0, date="2026-03-10")
        adjustment = self._adjust(-250.0, "Returned demo unit", "2026-04-05")
        adjustment.with_user(self.incentive_admin).action_approve()
        self.assertFalse(self._component(self._settle("2026-03-31"), "adjustment"))
        # a beneficiary with nothing else this month is still settled
        april = self._settle("2026-04-30")
        self.assertEqual(april.partner_id, self.rep.partner_id)
        self.assertMoney(self._component(april, "adjustment").amount, -250.0)
        self.assertMoney(april.amount_total, -250.0)

    def test_adjustment_needs_a_reason_and_another_manager(self):
        with self.assertRaisesRegex(ValidationError, "reason"):
            self._adjust(100.0, "   ", "2026-03-20")
        with self.assertRaises(AccessError):
            self._adjust(100.0, "Mine", "2026-03-20", by=self.rep)
        own = self._adjust(
            100.0, "Team lead bonus", "2026-03-20", user=self.manager, by=self.env.user
        )
        with self.assertRaisesRegex(UserError, "own"):
            own.with_user(self.manager).action_approve()
        own.with_user(self.incentive_admin).action_approve()
        self.assertEqual(own.state, "approved")


@tagged("post_install", "-at_install")
class TestFinanceCoefficients(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0, name="Key accounts", holdback_percent=20)
        cls.accountant = cls._make_user(
            "acct", [cls.env.ref("sale_incentive.group_sale_incentive_accountant")]
        )

    def test_january_release_uses_the_accountants_coefficients(self):
        """Seed 002 5.2: 2,000 held x 0.9 x 1.1 = 1,980 paid in January."""
        self._sell(100_000.0, date="2026-03-15")
        self._close(self._settle("2026-03-31"))
        coefficients = self.env["sale.incentive.plan.coefficient"].with_user(
            self.accountant
        )
        coefficients.create(
            {
                "plan_id": self.plan.id,
                "year": 2026,
                "expense_coefficient": 0.9,
                "profit_coefficient": 1.1,
            }
        )
        # next year's coefficients are for the amounts held next year
        coefficients.create(
            {
                "plan_id": self.plan.id,
                "year": 2027,
                "expense_coefficient": 0.5,
                "profit_coefficient": 0.5,
            }
        )
        with self.assertRaises(ValidationError):
            coefficients.create({"plan_id": self.plan.id, "year": 2026})
        # the plan's own coefficients stay the fallback
        self.assertEqual(self.plan.holdback_expense_coefficient, 1.0)
        messages = self.plan.message_ids.filtered(
            lambda m: m.author_id == self.accountant.partner_id
        )
        self.assertEqual(len(messages), 2)
        self.assertIn("0.9", messages[-1].preview)
        january = self._settle("2027-01-31")
        release = self._component(january, "release")
        self.assertMoney(release.amount, 1_980.0)
        self.assertIn("0.9 × 1.1", release.name)
        # the simulation of the same month agrees to the cent
        wizard = self._simulate(self.plan, "2027-01-01", "2027-01-31")
        self.assertEqual(wizard.line_ids.amount_simulated, 1_980.0)
        self.assertEqual(wizard.line_ids.amount_difference, 0.0)
        self.assertEqual(len(release.released_ids), 1)

    def test_year_without_coefficients_falls_back_to_the_plan(self):
        self._sell(100_000.0, date="2026-03-15")
        self._close(self._settle("2026-03-31"))
        self.plan.write(
            {"holdback_expense_coefficient": 0.8, "holdback_profit_coefficient": 1.0}
        )
        self.env["sale.incentive.plan.coefficient"].with_user(self.accountant).create(
            {"plan_id": self.plan.id, "year": 2025, "expense_coefficient": 2.0}
        )
        january = self._settle("2027-01-31")
        # 2,000 x 0.8 x 1.0: the 2025 coefficients are not those of 2026
        self.assertMoney(self._component(january, "release").amount, 1_600.0)
