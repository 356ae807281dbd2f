# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import io

import openpyxl
import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger, sql

from .common import IncentiveCase, load_migration


class SettlementCase(IncentiveCase):
    """Company with commission accounting configured."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.payable_account = cls.env["account.account"].create(
            {
                "name": "Commissions Payable",
                "code": "210900",
                "account_type": "liability_payable",
                "reconcile": True,
            }
        )
        cls.holdback_account = cls.env["account.account"].create(
            {
                "name": "Commissions Held",
                "code": "210950",
                "account_type": "liability_current",
            }
        )
        cls.expense_account = cls.company_data["default_account_expense"]
        company.write(
            {
                "incentive_journal_id": cls.company_data["default_journal_misc"].id,
                "incentive_expense_account_id": cls.expense_account.id,
                "incentive_payable_account_id": cls.payable_account.id,
                "incentive_holdback_account_id": cls.holdback_account.id,
                "incentive_approval_steps": "2",
            }
        )
        cls.Settlement = cls.env["sale.incentive.settlement"]

    def _settle(self, date, plans=None, **values):
        wizard = self.env["sale.incentive.settle.wizard"].create(
            dict(
                {
                    "period": "month",
                    "date": date,
                    "plan_ids": [Command.set((plans or self.plan).ids)],
                },
                **values,
            )
        )
        try:
            action = wizard.action_settle()
        except UserError as error:
            # the wizard says why a period has nothing to settle
            if not str(error).startswith("Nothing to settle"):
                raise
            return self.Settlement
        return self.Settlement.search(action["domain"])

    def _close(self, settlement):
        """Submit, approve, validate and post (the test user is admin and
        accountant, not the beneficiary)."""
        settlement.action_submit()
        settlement.action_approve()
        settlement.action_validate()
        settlement.action_post()
        return settlement

    def _balance(self, move, account):
        """Balance of ``account`` on a journal entry (company currency)."""
        lines = move.line_ids.filtered(lambda l: l.account_id == account)
        return sum(lines.mapped("balance"))

    def _component(self, settlement, component):
        return settlement.line_ids.filtered(lambda c: c.component == component)

    def _sell(self, amount, date="2026-03-15", user=None):
        order = self._order([(self.product, 1, amount)], user=user)
        return self._invoice(order, date=date)


@tagged("post_install", "-at_install")
class TestSettlement(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0, name="Key accounts", holdback_percent=20)

    def test_80_20_holdback_and_january_release(self):
        invoice = self._sell(100_000.0)
        settlement = self._settle("2026-03-31")
        self.assertEqual(len(settlement), 1)
        self.assertEqual(settlement.partner_id, self.rep.partner_id)
        self.assertEqual(settlement.user_id, self.rep)
        self.assertEqual(
            (settlement.date_from, settlement.date_to),
            (fields.Date.to_date("2026-03-01"), fields.Date.to_date("2026-03-31")),
        )
        self.assertMoney(self._component(settlement, "commission").amount, 10_000.0)
        held = self._component(settlement, "holdback")
        self.assertMoney(held.amount, -2_000.0)
        self.assertEqual(held.release_date, fields.Date.to_date("2027-01-01"))
        self.assertMoney(settlement.amount_payable, 8_000.0)
        line = self._lines(move_id=invoice.id)
        self.assertEqual(line.settlement_id, settlement)
        self.assertEqual(
            line.settlement_line_id, self._component(settlement, "commission")
        )

        self._close(settlement)
        self.assertEqual(settlement.state, "posted")
        move = settlement.move_id
        self.assertEqual(move.state, "posted")
        by_account = {
            account: sum(
                move.line_ids.filtered(lambda l, a=account: l.account_id == a).mapped(
                    "balance"
                )
            )
            for account in move.line_ids.account_id
        }
        self.assertMoney(by_account[self.expense_account], 10_000.0)
        self.assertMoney(by_account[self.holdback_account], -2_000.0)
        self.assertMoney(by_account[self.payable_account], -8_000.0)
        payable = move.line_ids.filtered(lambda l: l.account_id == self.payable_account)
        self.assertEqual(payable.partner_id, self.rep.partner_id)

        # nothing to release before January
        self.assertFalse(self._settle("2026-12-31"))
        # finance enters the year's coefficients; January releases 2,000 x 0.9 x 1.1
        self.plan.write(
            {"holdback_expense_coefficient": 0.9, "holdback_profit_coefficient": 1.1}
        )
        january = self._settle("2027-01-31")
        release = self._component(january, "release")
        self.assertMoney(release.amount, 1_980.0)
        self.assertEqual(held.released_by_id, release)
        self.assertMoney(january.amount_payable, 1_980.0)
        self._close(january)
        self.assertMoney(
            self._balance(january.move_id, self.holdback_account),
            2_000.0,
        )
        self.assertMoney(
            self._balance(january.move_id, self.expense_account),
            -20.0,
        )
        self.assertMoney(
            self._balance(january.move_id, self.payable_account),
            -1_980.0,
        )
        # released once only
        self.assertFalse(self._settle("2027-02-28"))

    def test_payment_registered_makes_settlement_paid(self):
        self._sell(10_000.0)
        settlement = self._close(self._settle("2026-03-31"))
        self.assertMoney(settlement.amount_payable, 800.0)
        action = settlement.action_register_payment()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        form.payment_date = fields.Date.to_date("2026-04-05")
        form.save().action_create_payments()
        self.assertEqual(settlement.state, "paid")
        with self.assertRaises(UserError):
            settlement.action_cancel()

    def test_rerun_replaces_the_draft(self):
        invoice = self._sell(10_000.0)
        first = self._settle("2026-03-31")
        self._sell(5_000.0, date="2026-03-20")
        second = self._settle("2026-03-31")
        self.assertFalse(first.exists())
        self.assertEqual(len(second), 1)
        self.assertMoney(self._component(second, "commission").amount, 1_500.0)
        self.assertEqual(self._lines(move_id=invoice.id).settlement_id, second)

    def test_lines_after_period_end_wait(self):
        self._sell(10_000.0)
        self._sell(5_000.0, date="2026-04-02")
        march = self._settle("2026-03-31")
        self.assertMoney(self._component(march, "commission").amount, 1_000.0)
        april = self._settle("2026-04-30")
        self.assertMoney(self._component(april, "commission").amount, 500.0)

    def test_settling_a_closed_period_twice_is_refused(self):
        self._sell(10_000.0)
        settlement = self._settle("2026-03-31")
        settlement.action_submit()
        with self.assertRaisesRegex(UserError, "already settled"):
            self._settle("2026-03-31")
        self.assertEqual(
            self.Settlement.search_count([("plan_id", "=", self.plan.id)]), 1
        )

    def test_posting_without_accounts_is_refused(self):
        self._sell(10_000.0)
        settlement = self._settle("2026-03-31")
        settlement.action_submit()
        settlement.action_approve()
        settlement.action_validate()
        self.env.company.incentive_payable_account_id = False
        with self.assertRaisesRegex(UserError, "Commission Payable Account"):
            settlement.action_post()
        self.assertEqual(settlement.state, "validated")
        self.assertFalse(settlement.move_id)

    def test_approving_own_settlement_is_refused(self):
        plan = self._make_plan(rate=5.0, users=self.manager, name="Managers")
        self._sell(10_000.0, user=self.manager)
        settlement = self._settle("2026-03-31", plans=plan)
        settlement.action_submit()
        with self.assertRaisesRegex(UserError, "your own settlement"):
            settlement.with_user(self.manager).action_approve()
        self.assertEqual(settlement.state, "submitted")
        # nor skip the workflow by editing the state
        with self.assertRaises(AccessError):
            settlement.with_user(self.manager).write({"workflow_state": "approved"})
        self.assertEqual(settlement.state, "submitted")
        # a rep cannot approve at all
        with self.assertRaises(AccessError):
            settlement.with_user(self.rep).action_approve()

    def test_manager_approves_team_settlement_with_activity(self):
        self.env.company.incentive_finance_user_id = self.env.user
        self._sell(10_000.0)
        settlement = self._settle("2026-03-31")
        settlement.action_submit()
        self.assertEqual(settlement.activity_ids.user_id, self.manager)
        settlement.with_user(self.manager).action_approve()
        self.assertEqual(settlement.state, "approved")
        self.assertEqual(settlement.approved_by_id, self.manager)
        self.assertFalse(
            settlement.activity_ids.filtered(lambda a: a.user_id == self.manager)
        )
        # the rep sees their settlement, not the others'
        other = self._make_plan(rate=1.0, users=self.rep_c, name="Channel")
        self._sell(1_000.0, user=self.rep_c)
        self._settle("2026-03-31", plans=other)
        visible = self.Settlement.with_user(self.rep).search([])
        self.assertEqual(visible, settlement)
        with self.assertRaises(AccessError):
            visible.with_user(self.rep).action_approve()

    def test_three_step_approval(self):
        self.env.company.incentive_approval_steps = "3"
        self._sell(10_000.0)
        settlement = self._settle("2026-03-31")
        settlement.action_submit()
        settlement.action_approve()
        settlement.action_validate()
        with self.assertRaises(UserError):
            settlement.action_post()
        settlement.action_executive_approve()
        settlement.action_post()
        self.assertEqual(settlement.state, "posted")

    def test_posted_settlement_is_immutable_and_cancel_reverses(self):
        invoice = self._sell(10_000.0)
        settlement = self._close(self._settle("2026-03-31"))
        with self.assertRaisesRegex(UserError, "posted or cancelled"):
            settlement.sudo().write({"date_to": "2026-04-30"})
        with self.assertRaises(UserError):
            settlement.line_ids[0].write({"amount": 1.0})
        with self.assertRaises(UserError):
            settlement.unlink()
        move = settlement.move_id
        settlement.action_cancel()
        self.assertEqual(settlement.state, "cancel")
        self.assertEqual(move.state, "posted")
        self.assertEqual(settlement.reversal_move_id.reversed_entry_id, move)
        self.assertTrue(
            all(
                move.line_ids.filtered(lambda l: l.account_id.reconcile).mapped(
                    "reconciled"
                )
            )
        )
        line = self._lines(move_id=invoice.id)
        self.assertFalse(line.settlement_id)
        again = self._settle("2026-03-31")
        self.assertMoney(self._component(again, "commission").amount, 1_000.0)

    def test_late_credit_note_lands_in_next_period_and_carries_forward(self):
        invoice = self._sell(30_000.0)
        march = self._close(self._settle("2026-03-31"))
        self.assertMoney(march.amount_payable, 2_400.0)
        self._refund(invoice, date="2026-04-10")
        april = self._settle("2026-04-30")
        self.assertMoney(self._component(april, "clawback").amount, -3_000.0)
        self.assertFalse(self._component(april, "holdback"))
        self.assertMoney(april.amount_total, -3_000.0)
        self.assertMoney(april.amount_carried, -3_000.0)
        # the closed March settlement is untouched
        self.assertMoney(march.amount_total, 2_400.0)
        self._close(april)
        self.assertEqual(april.state, "posted")
        self.assertFalse(april.move_id)
        self._sell(50_000.0, date="2026-05-05")
        may = self._settle("2026-05-31")
        self.assertMoney(self._component(may, "carry").amount, -3_000.0)
        # (5,000 - 3,000) x 80%
        self.assertMoney(may.amount_payable, 1_600.0)
        with self.assertRaises(UserError):
            april.action_cancel()

    def test_gate_below_target_pays_nothing(self):
        self.plan.write(
            {
                "target_gate": "above",
                "target_amount": 1_000_000.0,
                "holdback_percent": 0,
            }
        )
        self._sell(990_000.0)
        settlement = self._settle("2026-03-31")
        self.assertMoney(self._component(settlement, "commission").amount, 99_000.0)
        gate = self._component(settlement, "gate")
        self.assertMoney(gate.amount, -99_000.0)
        self.assertIn("not passed", gate.name)
        self.assertMoney(settlement.amount_total, 0.0)
        # exactly the target still pays nothing: actual must exceed it
        self.plan.target_amount = 990_000.0
        settlement = self._settle("2026-03-31")
        self.assertMoney(settlement.amount_total, 0.0)
        self.plan.target_amount = 989_999.99
        settlement = self._settle("2026-03-31")
        self.assertMoney(settlement.amount_total, 99_000.0)

    def test_achievement_coefficient_is_capped(self):
        # a plan at 1% (the rules of a plan in force are not edited)
        plan = self._make_plan(
            rate=1.0,
            name="Achievement",
            use_achievement_coefficient=True,
            achievement_cap=1.2,
            target_amount=1_000_000.0,
        )
        self._sell(1_500_000.0)
        settlement = self._settle("2026-03-31", plans=plan)
        coefficient = self._component(settlement, "coefficient")
        self.assertAlmostEqual(coefficient.factor, 1.2)
        self.assertMoney(settlement.amount_total, 18_000.0)

    def test_new_product_coefficient_is_capped(self):
        gadget = self.env["product.product"].create(
            {
                "name": "Gadget",
                "type": "consu",
                "list_price": 1000.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        self.plan.write(
            {
                "holdback_percent": 0,
                "new_product_ids": [Command.set(gadget.ids)],
                "new_product_target_ratio": 20.0,
                "new_product_cap": 1.2,
            }
        )
        self._order_and_invoice([(self.product, 1, 90_000.0), (gadget, 1, 10_000.0)])
        settlement = self._settle("2026-03-31")
        # 10% new products vs a 20% target: x0.5
        coefficient = self._component(settlement, "coefficient")
        self.assertAlmostEqual(coefficient.factor, 0.5)
        self.assertMoney(settlement.amount_total, 5_000.0)
        self._order_and_invoice([(gadget, 1, 100_000.0)], date="2026-03-20")
        settlement = self._settle("2026-03-31")
        # 55% vs 20% = x2.75, capped at x1.2
        self.assertAlmostEqual(self._component(settlement, "coefficient").factor, 1.2)
        self.assertMoney(settlement.amount_total, 24_000.0)

    def _order_and_invoice(self, lines, date="2026-03-15"):
        return self._invoice(self._order(lines), date=date)

    def test_period_bracket_applies_to_period_total(self):
        plan = self._make_plan(
            name="Period ladder",
            rule={
                "name": "Ladder",
                "compute_type": "bracket",
                "bracket_basis": "period",
                "bracket_mode": "marginal",
                "bracket_ids": [
                    Command.create(
                        {"amount_from": 0, "amount_to": 500_000, "rate": 2.0}
                    ),
                    Command.create(
                        {"amount_from": 500_000, "amount_to": 0, "rate": 3.0}
                    ),
                ],
            },
        )
        self.plan.active = False
        self._sell(400_000.0)
        self._sell(300_000.0, date="2026-03-25")
        settlement = self._settle("2026-03-31", plans=plan)
        # each line carries its increment of March's table: 400,000 x 2 %,
        # then 500,000 x 2 % + 200,000 x 3 % - 8,000
        lines = settlement.incentive_line_ids.sorted("date")
        self.assertEqual(lines.mapped("amount"), [8_000.0, 8_000.0])
        commission = self._component(settlement, "commission")
        self.assertMoney(commission.amount, 16_000.0)
        self.assertMoney(commission.base_amount, 700_000.0)
        self.assertEqual(commission.incentive_line_count, 2)
        self.assertFalse(self._component(settlement, "bracket"))
        self.assertMoney(settlement.amount_total, 16_000.0)

    def test_one_run_subscribes_every_beneficiary(self):
        """A run creates its drafts in one batch, unnumbered (numbers are
        drawn at submission); each is followed by its own beneficiary, with
        the approval and posting notifications."""
        plan = self._make_plan(rate=5.0, users=self.rep | self.rep_b, name="Both")
        self.plan.active = False
        self._sell(10_000.0)
        self._sell(20_000.0, user=self.rep_b)
        settlements = self._settle("2026-03-31", plans=plan).sorted("id")
        self.assertEqual(
            settlements.partner_id.ids, (self.rep | self.rep_b).partner_id.ids
        )
        self.assertEqual(settlements.mapped("name"), ["/", "/"])
        notified = (
            self.env.ref("sale_incentive.mt_settlement_approved")
            | self.env.ref("sale_incentive.mt_settlement_posted")
            | self.env.ref("sale_incentive.mt_settlement_paid")
        )
        for settlement in settlements:
            follower = settlement.message_follower_ids.filtered(
                lambda f, s=settlement: f.partner_id == s.partner_id
            )
            self.assertEqual(len(follower), 1)
            self.assertEqual(follower.subtype_ids, notified)
        self.assertNotIn(
            self.rep_b.partner_id, settlements[0].message_follower_ids.partner_id
        )
        self.assertMoney(sum(settlements.mapped("amount_total")), 1_500.0)

    def test_settled_lines_point_at_their_component(self):
        """The settlement's link is the line's key to the component that took
        it: the settlement finds its lines and its lines their settlement; a
        component with lines cannot be deleted; deleting the draft frees its
        lines."""
        for amount in (1_000.0, 2_000.0, 3_000.0):
            self._sell(amount)
        lines = self._lines(plan_id=self.plan.id, is_earned=True)
        self.assertEqual(len(lines), 3)
        settlement = self._settle("2026-03-31")
        component = settlement.line_ids[:1]
        self.assertEqual(lines.settlement_id, settlement)
        self.assertEqual(lines.settlement_line_id, component)
        line_model = self.env["sale.incentive.line"]
        self.assertEqual(
            line_model.search([("settlement_id", "=", settlement.id)]), lines
        )
        self.assertEqual(
            line_model.search([("settlement_id.state", "=", "draft")]), lines
        )
        self.assertEqual(
            line_model.search([("settlement_line_id", "=", component.id)]), lines
        )
        self.assertEqual(settlement.incentive_line_count, 3)
        self.assertEqual(component.incentive_line_count, 3)
        # the key refuses a component its lines still point at
        with (
            self.assertRaises(psycopg2.errors.ForeignKeyViolation),
            mute_logger("odoo.sql_db"),
        ):
            component.sudo().unlink()
        self.assertTrue(component.exists())
        # deleting the draft frees its lines first
        settlement.unlink()
        self.assertFalse(lines.settlement_id)
        self.assertEqual(
            line_model.search([("id", "in", lines.ids), ("settlement_id", "=", False)]),
            lines,
        )
        self.assertEqual(self._settle("2026-03-31").incentive_line_count, 3)

    def test_an_earlier_link_is_carried_over(self):
        """A database of the previous version linked lines by an integer
        without key (``settlement_line_ref``) on a half-filled table: its
        update keeps every link, so no settled line becomes payable again,
        and a link to a component gone reads as unsettled, as it did."""
        self._sell(1_000.0)
        self._sell(2_000.0, date="2026-04-15")
        march = self._settle("2026-03-31")
        april = self._settle("2026-04-30")
        line = self._lines(plan_id=self.plan.id, is_earned=True, settlement_id=march.id)
        lost = self._lines(plan_id=self.plan.id, is_earned=True, settlement_id=april.id)
        component = line.settlement_line_id
        cr = self.env.cr
        self.env.flush_all()
        for name in sql.get_foreign_keys(
            cr,
            "sale_incentive_line",
            "settlement_line_id",
            "sale_incentive_settlement_line",
            "id",
            "restrict",
        ):
            sql.drop_constraint(cr, "sale_incentive_line", name)
        cr.execute(
            """ALTER TABLE sale_incentive_line
                 RENAME COLUMN settlement_line_id TO settlement_line_ref;
               ALTER TABLE sale_incentive_line SET (fillfactor = 50);
               DELETE FROM sale_incentive_settlement_line WHERE id = %s""",
            lost.settlement_line_id.ids,
        )
        with mute_logger("sale_incentive_pre_migrate"):
            load_migration("18.0.1.1.0", "pre").migrate(cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(line.settlement_line_id, component)
        self.assertEqual(line.settlement_id, march)
        self.assertFalse(lost.settlement_line_id)
        self.assertEqual(
            self.env["sale.incentive.line"].search(
                [("id", "in", (line | lost).ids), ("settlement_id", "=", False)]
            ),
            lost,
        )


@tagged("post_install", "-at_install")
class TestSettlementPaidBasis(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=3.0, name="Paid basis", basis="paid")

    def test_payment_split_over_two_periods_adds_up_to_the_cent(self):
        invoice = self._sell(100_000.01)
        self._pay(invoice, amount=33_333.33, date="2026-03-20")
        march = self._settle("2026-03-31")
        self._pay(invoice, date="2026-04-10")
        april = self._settle("2026-04-30")
        self.assertMoney(march.amount_total, 1_000.00)
        self.assertMoney(april.amount_total, 2_000.00)
        total = self._lines(move_id=invoice.id, kind="invoice").amount
        self.assertMoney(march.amount_total + april.amount_total, total)


@tagged("post_install", "-at_install")
class TestSettlementOverdue(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(
            rate=10.0,
            name="Collections",
            overdue_penalty_percent=10.0,
            overdue_suspend_after=3,
        )
        cls.customer.property_payment_term_id = cls.env.ref(
            "account.account_payment_term_immediate"
        )

    def test_overdue_invoice_costs_ten_percent(self):
        invoice = self._sell(10_000.0, date="2026-03-15")
        self.assertEqual(invoice.invoice_date_due, fields.Date.to_date("2026-03-15"))
        settlement = self._settle("2026-03-31")
        self.assertMoney(self._component(settlement, "overdue").amount, -100.0)
        self.assertMoney(settlement.amount_total, 900.0)

    def test_three_overdue_periods_suspend_until_collected(self):
        invoice = self._sell(10_000.0, date="2026-01-15")
        settlement = self._settle("2026-03-31")
        self.assertTrue(settlement.is_suspended)
        self.assertMoney(settlement.amount_total, 0.0)
        line = self._lines(move_id=invoice.id)
        self.assertFalse(line.settlement_id)
        self._pay(invoice, date="2026-04-02")
        april = self._settle("2026-04-30")
        self.assertFalse(april.is_suspended)
        self.assertMoney(april.amount_total, 1_000.0)
        self.assertEqual(line.settlement_id, april)


@tagged("post_install", "-at_install")
class TestSettlementLeaving(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0, name="Holdback", holdback_percent=20)

    def _held(self):
        self._sell(100_000.0)
        march = self._close(self._settle("2026-03-31"))
        self.assertMoney(march.amount_held, 2_000.0)
        return march

    def test_resigned_forfeits_held_amounts(self):
        march = self._held()
        decision = self._forfeit("resigned")
        self.assertEqual(decision.forfeit_reason, "resigned")
        self.assertMoney(decision.amount_total, 0.0)
        # the held 2,000 is released into the decision and forfeited there
        self.assertEqual(
            self._component(march, "holdback").released_by_id,
            self._component(decision, "release"),
        )
        self.assertMoney(self._component(decision, "release").amount, 2_000.0)
        self.assertMoney(self._component(decision, "forfeit").amount, -2_000.0)
        self._close(decision)
        lines = decision.move_id.line_ids
        self.assertMoney(
            self._balance(decision.move_id, self.holdback_account),
            2_000.0,
        )
        self.assertMoney(
            self._balance(decision.move_id, self.expense_account),
            -2_000.0,
        )
        self.assertFalse(lines.filtered(lambda l: l.account_id == self.payable_account))
        # nothing left to release in January
        self.assertFalse(self._settle("2027-01-31"))

    def test_dismissed_pays_the_configured_percent(self):
        self._held()
        decision = self._forfeit("dismissed")
        self.assertMoney(decision.amount_payable, 800.0)
        self._close(decision)
        payable = decision.move_id.line_ids.filtered(
            lambda l: l.account_id == self.payable_account
        )
        self.assertMoney(payable.balance, -800.0)

    def test_fraud_forfeits_everything_unpaid(self):
        march = self._held()
        self._sell(50_000.0, date="2026-04-10")
        decision = self._forfeit("fraud")
        self.assertEqual(march.state, "cancel")
        self.assertTrue(march.reversal_move_id)
        self.assertMoney(decision.amount_total, 0.0)
        self.assertEqual(decision.incentive_line_count, 2)
        self._close(decision)
        self.assertFalse(decision.move_id)
        self.assertFalse(self._settle("2026-04-30"))

    def test_nothing_to_decide_is_refused(self):
        with self.assertRaisesRegex(UserError, "nothing held"):
            self._forfeit("resigned")


@tagged("post_install", "-at_install")
class TestSettlementAgent(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = cls.env["res.partner"].create(
            {"name": "Agent Smith", "is_incentive_agent": True}
        )
        cls.plan = cls._make_plan(
            rate=5.0,
            name="Agents",
            users=cls.env["res.users"],
            agent_ids=[Command.set(cls.agent.ids)],
        )

    def test_agent_is_paid_by_vendor_bill(self):
        order = self._order(
            [(self.product, 1, 20_000.0)],
            incentive_share_ids=[
                Command.create({"partner_id": self.agent.id, "share": 100.0})
            ],
        )
        self._invoice(order)
        settlement = self._settle("2026-03-31")
        self.assertTrue(settlement.is_agent)
        self.assertFalse(settlement.user_id)
        self._close(settlement)
        bill = settlement.move_id
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(bill.partner_id, self.agent)
        self.assertMoney(bill.amount_total, 1_000.0)
        action = settlement.action_register_payment()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        form.save().action_create_payments()
        self.assertEqual(settlement.state, "paid")


@tagged("post_install", "-at_install")
class TestSettlementStatement(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0, name="Statement", holdback_percent=20)

    def test_statement_shows_components_and_amount_in_words(self):
        self._sell(12_345.0)
        settlement = self._settle("2026-03-31")
        self.assertMoney(settlement.amount_payable, 987.60)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "sale_incentive.report_settlement", settlement.ids
        )
        html = html.decode()
        self.assertIn("Commission Statement", html)
        self.assertIn("Commissions of 1 lines", html)
        self.assertIn(settlement.currency_id.amount_to_text(987.60), html)
        self.assertIn(
            "Nine Hundred And Eighty-Seven",
            self.env["report.sale_incentive.report_settlement"]._amount_in_words(
                settlement
            ),
        )

    def test_xlsx_export_lists_the_components(self):
        self._sell(10_000.0)
        settlement = self._settle("2026-03-31")
        book = openpyxl.load_workbook(io.BytesIO(settlement._export_xlsx()))
        rows = list(book["Summary"].iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Settlement")
        self.assertEqual(rows[0][5:7], ("Line commissions", "Holdback"))
        self.assertEqual(rows[1][5:7], (1_000.0, -200.0))
        self.assertEqual(rows[1][7:9], (1_000.0, 200.0))  # gross, held
        self.assertEqual(rows[1][11], 800.0)  # to pay
        action = settlement.action_export_xlsx()
        self.assertIn("/web/content/", action["url"])

    def test_transitions_are_tracked_with_author(self):
        self._sell(10_000.0)
        settlement = self._settle("2026-03-31").with_context(
            tracking_disable=False, mail_notrack=False
        )
        settlement.action_submit()
        self.env.cr.precommit.run()  # tracking is written at commit time
        settlement.with_user(self.manager).action_approve()
        self.env.cr.precommit.run()
        tracked = settlement.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "workflow_state"
        )
        self.assertEqual(settlement.submitted_by_id, self.env.user)
        self.assertIn("Approved", tracked.mapped("new_value_char"))
        approval = tracked.filtered(lambda t: t.new_value_char == "Approved")
        self.assertEqual(approval.mail_message_id.author_id, self.manager.partner_id)


@tagged("post_install", "-at_install")
class TestSettlementTeam(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(
            rate=3.0,
            name="Team",
            users=cls.rep | cls.rep_b,
            override_percent=0.25,
            pool_percent=1.0,
            champion_award=300.0,
            threshold_award_base=100_000.0,
            threshold_award_amount=200.0,
        )

    def test_override_pool_and_awards(self):
        self._sell(100_000.0)
        self._sell(50_000.0, user=self.rep_b)
        settlements = self._settle("2026-03-31")
        by_user = {s.user_id: s for s in settlements}
        self.assertEqual(set(by_user), {self.rep, self.rep_b, self.manager})
        rep, rep_b, manager = (
            by_user[self.rep],
            by_user[self.rep_b],
            by_user[self.manager],
        )
        # 0.25% of the team's 150,000
        self.assertMoney(self._component(manager, "override").amount, 375.0)
        self.assertMoney(manager.amount_total, 375.0)
        # pool 1% of 150,000 shared 2:1
        self.assertMoney(self._component(rep, "pool").amount, 1_000.0)
        self.assertMoney(self._component(rep_b, "pool").amount, 500.0)
        awards = self._component(rep, "award")
        self.assertEqual(len(awards), 2)
        self.assertMoney(sum(awards.mapped("amount")), 500.0)
        self.assertFalse(self._component(rep_b, "award"))
        self.assertMoney(rep.amount_total, 4_500.0)
        self.assertMoney(rep_b.amount_total, 2_000.0)

    def test_tied_sales_share_the_champion_award(self):
        self._sell(60_000.0)
        self._sell(60_000.0, user=self.rep_b)
        settlements = self._settle("2026-03-31")
        champions = settlements.line_ids.filtered(lambda c: "Champion" in c.name)
        self.assertEqual(champions.settlement_id.user_id, self.rep | self.rep_b)
        self.assertEqual(champions.mapped("message"), ["champion_tied"] * 2)
        self.assertMoney(sum(champions.mapped("amount")), 300.0)


@tagged("post_install", "-at_install")
class TestSettlementPayBands(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def bands(rows):
            return [
                Command.create(
                    {
                        "amount_from": lower,
                        "amount_to": upper,
                        "base_pay": base,
                        "performance_pay": perf,
                    }
                )
                for lower, upper, base, perf in rows
            ]

        # 大客户人员: ≤90万 4000+1000, 90-150万(含) 4000+1500, ... >260万 4500+2500
        cls.plan = cls._make_plan(
            rate=1.5,
            name="Key account reps",
            pay_band_ids=bands(
                [
                    (0, 900_000, 4000, 1000),
                    (900_000, 1_500_000, 4000, 1500),
                    (1_500_000, 2_000_000, 4500, 1500),
                    (2_000_000, 2_600_000, 4500, 2000),
                    (2_600_000, 0, 4500, 2500),
                ]
            ),
        )
        # 大客户总监: team ≤800万 8000+2000, 800-1500万(含) 8000+3000, ...
        cls.director_plan = cls._make_plan(
            rate=0.0,
            name="Key account director",
            users=cls.env["res.users"],
            team_ids=[Command.set(cls.team.ids)],
            band_measure="team_sales",
            pay_band_ids=bands(
                [
                    (0, 8_000_000, 8000, 2000),
                    (8_000_000, 15_000_000, 8000, 3000),
                    (15_000_000, 23_000_000, 12000, 3000),
                    (23_000_000, 0, 13000, 3000),
                ]
            ),
        )

    def test_rep_band_upper_bound_included(self):
        self._sell(1_500_000.0)
        settlement = self._settle("2026-03-31")
        band = self._component(settlement, "band")
        self.assertMoney(band.amount, 5_500.0)
        self.assertMoney(settlement.amount_total, 22_500.0 + 5_500.0)

    def test_director_band_from_team_sales(self):
        self._sell(8_000_000.0)
        self._sell(1.0, user=self.rep_b)
        settlements = self._settle("2026-03-31", plans=self.director_plan)
        director = settlements.filtered(lambda s: s.user_id == self.manager)
        # 8,000,001 is above 800万: 8000 + 3000
        self.assertMoney(self._component(director, "band").amount, 11_000.0)
        reps = settlements - director
        self.assertFalse(reps.line_ids.filtered(lambda c: c.component == "band"))

    def test_overlapping_bands_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "overlaps"):
            self.plan.write(
                {
                    "pay_band_ids": [
                        Command.create({"amount_from": 100_000, "amount_to": 300_000})
                    ]
                }
            )


@tagged("post_install", "-at_install")
class TestSettlementServicePeriod(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0, name="Memberships", service_months=3)

    def test_service_commission_is_earned_a_third_a_month(self):
        self._sell(1_000.0)
        march = self._settle("2026-03-31")
        self.assertMoney(march.amount_payable, 33.34)
        deferred = self._component(march, "deferred")
        self.assertEqual(
            deferred.mapped("release_date"),
            [fields.Date.to_date("2026-04-01"), fields.Date.to_date("2026-05-01")],
        )
        self._close(march)
        payable = march.move_id.line_ids.filtered(
            lambda l: l.account_id == self.payable_account
        )
        self.assertMoney(payable.balance, -33.34)
        april = self._close(self._settle("2026-04-30"))
        may = self._close(self._settle("2026-05-31"))
        self.assertMoney(april.amount_payable, 33.33)
        self.assertMoney(may.amount_payable, 33.33)
        self.assertFalse(self._settle("2026-06-30"))

    def test_refunds_are_deducted_before_spreading(self):
        invoice = self._sell(3_000.0)
        self._refund(invoice, date="2026-03-20", quantity=0.5)
        march = self._settle("2026-03-31")
        # (300 - 150) / 3
        self.assertMoney(march.amount_payable, 50.0)


@tagged("post_install", "-at_install")
class TestSettlementSettings(SettlementCase):
    def test_settings_write_the_company_accounting(self):
        self.env.company.incentive_payable_account_id = False
        with Form(self.env["res.config.settings"]) as settings:
            settings.incentive_payable_account_id = self.payable_account
            settings.incentive_approval_steps = "3"
            settings.incentive_dismissal_payout_percent = 40.0
        self.assertEqual(
            self.env.company.incentive_payable_account_id, self.payable_account
        )
        self.assertEqual(self.env.company.incentive_approval_steps, "3")
