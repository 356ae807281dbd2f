# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Settlement-side money bugs of issue #8, on the real flow.

Each test states the amounts the settlement must pay; the figures come from
the issue (bug numbers in the docstrings).
"""

import datetime

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import delete_committed_plan
from .test_settlement import SettlementCase

# period-cumulative whole table of bugs 10 and 11: 0-500,000 at 2 %, 3 % above
PERIOD_TABLE = {
    "name": "Period table",
    "compute_type": "bracket",
    "bracket_basis": "period",
    "bracket_mode": "whole",
    "bracket_ids": [
        Command.create({"amount_from": 0, "amount_to": 500_000, "rate": 2.0}),
        Command.create({"amount_from": 500_000, "amount_to": 0, "rate": 3.0}),
    ],
}


@tagged("post_install", "-at_install")
class TestSettlementMoney(SettlementCase):
    def _totals(self, settlements):
        return [self.currency.round(s.amount_total) for s in settlements]

    # ------------------------------------------------------------------
    # Bug 2: one definition of a period-table rule
    # ------------------------------------------------------------------
    def test_percentage_rule_keeping_old_period_brackets_adds_no_bracket(self):
        """Bug 2: a rule changed from a period table to 3 % pays 3 % only."""
        plan = self._make_plan(
            activate=False,
            name="Former table",
            rule={
                "name": "Was a table",
                "compute_type": "bracket",
                "bracket_basis": "period",
                "bracket_ids": [
                    Command.create({"amount_from": 0, "amount_to": 0, "rate": 5.0})
                ],
            },
        )
        rule = plan.rule_ids
        rule.write({"compute_type": "percentage", "rate": 3.0})
        # the old setup stays behind: basis 'period' and its bracket row
        self.assertEqual(rule.bracket_basis, "period")
        self.assertEqual(len(rule.bracket_ids), 1)
        plan.action_activate()
        self._sell(100_000.0, date="2026-03-15")
        march = self._settle("2026-03-31", plans=plan)
        self.assertEqual(len(march), 1)
        self.assertMoney(march.amount_total, 3_000.0)
        self.assertFalse(self._component(march, "bracket"))

    # ------------------------------------------------------------------
    # Bug 3: releases are computed even when a month is negative
    # ------------------------------------------------------------------
    def test_negative_month_does_not_block_the_service_releases(self):
        """Bug 3: 6,000 for 6 months at 10 %, 1,200 refunded in March."""
        plan = self._make_plan(rate=10.0, name="Memberships", service_months=6)
        order = self._order([(self.product, 1, 6_000.0)])
        invoice = self._invoice(order, date="2026-01-15")
        refund = self._refund(invoice, date="2026-03-10", quantity=0.2)
        self.assertMoney(refund.amount_untaxed, 1_200.0)
        settlements = self.Settlement
        for month_end in (
            "2026-01-31",
            "2026-02-28",
            "2026-03-31",
            "2026-04-30",
            "2026-05-31",
            "2026-06-30",
        ):
            settlement = self._settle(month_end, plans=plan)
            self.assertEqual(len(settlement), 1, month_end)
            settlements |= self._close(settlement)
        # March: (1,000 - 1,200) x 10 % = -20 carried; April pays 100 - 20
        self.assertEqual(self._totals(settlements), [100, 100, -20, 80, 100, 100])
        # (6,000 - 1,200) x 10 %
        self.assertMoney(sum(settlements.mapped("amount_payable")), 480.0)
        self.assertFalse(self._settle("2026-07-31", plans=plan))

    # ------------------------------------------------------------------
    # Bug 10: a period table applies to each period's own total
    # ------------------------------------------------------------------
    def test_period_table_of_a_late_period_is_not_pooled(self):
        """Bug 10: April (never settled) and May, 400,000 each: 2 % each."""
        plan = self._make_plan(name="Period table", rule=PERIOD_TABLE)
        self._sell(400_000.0, date="2026-04-15")
        self._sell(400_000.0, date="2026-05-15")
        may = self._settle("2026-05-31", plans=plan)
        self.assertEqual(len(may), 1)
        # 400,000 x 2 % for April + 400,000 x 2 % for May, not 800,000 x 3 %
        self.assertMoney(may.amount_total, 16_000.0)
        # each month's line carries its own month's table
        self.assertEqual(may.incentive_line_ids.mapped("amount"), [8_000.0, 8_000.0])
        self.assertMoney(self._component(may, "commission").amount, 16_000.0)

    # ------------------------------------------------------------------
    # Bug 11: a late credit note is a true-up of its own period
    # ------------------------------------------------------------------
    def test_late_credit_note_trues_up_its_settled_period(self):
        """Bug 11: January 600,000 settled (18,000); 200,000 of it credited in
        February, with 300,000 of February sales."""
        plan = self._make_plan(name="Period table", rule=PERIOD_TABLE)
        invoice = self._invoice(
            self._order([(self.product, 3, 200_000.0)]), date="2026-01-15"
        )
        january = self._close(self._settle("2026-01-31", plans=plan))
        self.assertMoney(january.amount_total, 18_000.0)
        refund = self._refund(invoice, date="2026-02-10", quantity=1)
        self.assertMoney(refund.amount_untaxed, 200_000.0)
        # the credit note's line counts in January, the sale's period, and
        # carries January's true-up: table(400,000) - table(600,000)
        clawback = self._lines(move_id=refund.id)
        self.assertEqual(str(clawback.period_date), "2026-01-15")
        self.assertMoney(clawback.amount, -10_000.0)
        self._sell(300_000.0, date="2026-02-20")
        february = self._settle("2026-02-28", plans=plan)
        self.assertEqual(len(february), 1)
        # February's own table: 300,000 x 2 % = 6,000; January's true-up
        # -10,000: an older unsettled line, no special component
        self.assertMoney(february.amount_total, -4_000.0)
        self.assertMoney(february.amount_carried, -4_000.0)
        self.assertFalse(self._component(february, "bracket_true_up"))
        self.assertEqual(
            sorted(february.line_ids.mapped("component")), ["clawback", "commission"]
        )
        # the closed January settlement is untouched
        self.assertEqual(january.state, "posted")
        self.assertMoney(january.amount_total, 18_000.0)
        # the statement shows each table applied to its period's total
        self.assertEqual(
            [
                (str(row["date_from"]), row["total"], row["table"], row["before"])
                + (row["amount"], row["open"])
                for row in self.env[
                    "report.sale_incentive.report_settlement"
                ]._get_tables(february)
            ],
            [
                ("2026-01-01", 400_000.0, 8_000.0, 18_000.0, -10_000.0, 0.0),
                ("2026-02-01", 300_000.0, 6_000.0, 0.0, 6_000.0, 0.0),
            ],
        )
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "sale_incentive.action_report_settlement", february.ids
        )
        self.assertIn("Period tables", html.decode())

    # ------------------------------------------------------------------
    # Bug 13: forfeiture covers everything unpaid
    # ------------------------------------------------------------------
    def _leaving_rep(self):
        """March: 10,000 earned, 2,000 held (posted); April: 3,000 earned,
        not settled."""
        plan = self._make_plan(rate=10.0, name="Holdback", holdback_percent=20)
        self._sell(100_000.0, date="2026-03-15")
        march = self._close(self._settle("2026-03-31", plans=plan))
        self.assertMoney(march.amount_held, 2_000.0)
        self.assertMoney(march.amount_payable, 8_000.0)
        self._sell(30_000.0, date="2026-04-10")
        return plan

    def _paid_later(self, plan):
        """What settling and posting after the decision still pays: July,
        then next January (when holdbacks are released)."""
        paid = 0.0
        for date in ("2026-07-31", "2027-01-31"):
            settlements = self._close(self._settle(date, plans=plan))
            paid += sum(settlements.mapped("amount_total"))
        return self.currency.round(paid)

    def test_resigned_is_paid_nothing_more(self):
        """Bug 13: 自行离职 … 提成奖金一律不予发放: the unsettled 3,000 and the
        2,000 held are all forfeited."""
        plan = self._leaving_rep()
        decisions = self._forfeit("resigned")
        self.assertTrue(decisions)
        self.assertMoney(sum(decisions.mapped("amount_total")), 0.0)
        self.assertMoney(sum(decisions.mapped("amount_payable")), 0.0)
        self._close(decisions)
        self.assertMoney(self._paid_later(plan), 0.0)

    def test_dismissed_is_paid_the_percent_of_everything_unpaid(self):
        """Bug 13: dismissed, 40 % of (3,000 unsettled + 2,000 held)."""
        self.env.company.incentive_dismissal_payout_percent = 40.0
        plan = self._leaving_rep()
        decisions = self._forfeit("dismissed")
        self.assertMoney(sum(decisions.mapped("amount_total")), 2_000.0)
        self.assertMoney(sum(decisions.mapped("amount_payable")), 2_000.0)
        self._close(decisions)
        self.assertMoney(
            sum(
                self._balance(move, self.payable_account) for move in decisions.move_id
            ),
            -2_000.0,
        )
        self.assertMoney(self._paid_later(plan), 0.0)


@tagged("post_install", "-at_install")
class TestSettlementMoneyConcurrency(TransactionCase):
    """Bug 4: two runs at the same time carry a negative balance once.

    The beneficiary's March holds nothing but February's negative total: no
    commission line to lock.  The data is committed through a separate cursor
    (the test transaction is invisible to other cursors) and deleted again by
    a cleanup, as in ``test_settlement_concurrency``.
    """

    CONFIG = (
        "incentive_journal_id",
        "incentive_expense_account_id",
        "incentive_payable_account_id",
        "incentive_holdback_account_id",
        "incentive_approval_steps",
    )

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env.ref("base.main_company")
            self.company_id = company.id
            self.config = {
                name: company[name].id if name.endswith("_id") else company[name]
                for name in self.CONFIG
            }
            accounts = env["account.account"].with_company(company)
            company.write(
                {
                    "incentive_journal_id": env["account.journal"]
                    .search(
                        [("company_id", "=", company.id), ("type", "=", "general")],
                        limit=1,
                    )
                    .id,
                    "incentive_expense_account_id": accounts.search(
                        [("account_type", "=", "expense")], limit=1
                    ).id,
                    "incentive_payable_account_id": accounts.search(
                        [("account_type", "=", "liability_payable")], limit=1
                    ).id,
                    "incentive_holdback_account_id": accounts.search(
                        [("account_type", "=", "liability_current")], limit=1
                    ).id,
                    "incentive_approval_steps": "2",
                }
            )
            partner = env["res.partner"].create(
                {"name": "Carried Agent", "is_incentive_agent": True}
            )
            plan = env["sale.incentive.plan"].create(
                {
                    "name": "Carried balance",
                    "company_id": company.id,
                    "agent_ids": [Command.set(partner.ids)],
                }
            )
            self.plan_id, self.partner_id = plan.id, partner.id
            # February: a credit note's clawback only, settled and posted
            env["sale.incentive.line"].create(
                {
                    "company_id": company.id,
                    "plan_id": plan.id,
                    "kind": "refund",
                    "is_earned": True,
                    "date": datetime.date(2026, 2, 10),
                    "partner_id": partner.id,
                    "base_amount": -1000.0,
                    "amount": -50.0,
                }
            )
            february = self._run(cr, "2026-02-28")
            february.action_submit()
            february.action_approve()
            february.action_validate()
            february.action_post()
            self.february_state = february.state
            self.february_total = february.amount_total
        self.addCleanup(self._delete_committed_data)

    def _delete_committed_data(self):
        delete_committed_plan(self.registry, self.plan_id, self.partner_id)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["res.company"].browse(self.company_id).write(self.config)

    def _run(self, cr, date):
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        wizard = env["sale.incentive.settle.wizard"].create(
            {
                "period": "month",
                "date": date,
                "plan_ids": [Command.set([self.plan_id])],
            }
        )
        action = wizard.action_settle()
        return env["sale.incentive.settlement"].search(action["domain"])

    def _run_second(self, cr):
        """The other run: refused (UserError) or settling nothing.

        A run waiting for the first one's transaction would hang this test:
        it fails after a lock timeout instead.
        """
        cr.execute("SET LOCAL lock_timeout = '10s'")
        try:
            return self._run(cr, "2026-03-31")
        except UserError:
            cr.rollback()
            return api.Environment(cr, SUPERUSER_ID, {})["sale.incentive.settlement"]

    def test_two_concurrent_runs_carry_a_negative_balance_once(self):
        self.assertEqual(self.february_state, "posted")
        self.assertEqual(self.february_total, -50.0)
        cr1 = self.registry.cursor()
        cr2 = self.registry.cursor()
        try:
            first = self._run(cr1, "2026-03-31")
            self.assertEqual(len(first), 1)
            self.assertEqual(first.amount_total, -50.0)
            # cr1 holds the carried balance: the second run gets nothing
            second = self._run_second(cr2)
            self.assertFalse(second, "the second run carried the balance again")
            cr2.rollback()
            # cr2 takes its snapshot, then cr1 commits: the balance was
            # carried under cr2's snapshot and cannot be carried again from it
            cr2.execute("SELECT count(*) FROM sale_incentive_settlement")
            cr1.commit()
            second = self._run_second(cr2)
            self.assertFalse(second, "the second run carried the balance again")
            cr2.commit()
        finally:
            cr1.close()
            cr2.close()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            march = env["sale.incentive.settlement"].search(
                [
                    ("plan_id", "=", self.plan_id),
                    ("date_to", "=", "2026-03-31"),
                    ("state", "!=", "cancel"),
                ]
            )
            self.assertEqual(len(march), 1)
            self.assertEqual(march.amount_total, -50.0)
            self.assertEqual(
                march.line_ids.filtered(lambda c: c.component == "carry").mapped(
                    "amount"
                ),
                [-50.0],
            )


class CurrencyDigitsCase(SettlementCase):
    """Bug 14: a commission of 3 % held back 20 % in the company's currency."""

    def _check_holdback(self, price, commission, held, payable):
        plan = self._make_plan(rate=3.0, name="Digits", holdback_percent=20)
        invoice = self._sell(price)
        self.assertEqual(invoice.currency_id, self.currency)
        settlement = self._settle("2026-03-31", plans=plan)
        self.assertEqual(len(settlement), 1)
        self.assertMoney(self._component(settlement, "commission").amount, commission)
        self.assertMoney(self._component(settlement, "holdback").amount, -held)
        self.assertMoney(settlement.amount_held, held)
        self.assertMoney(settlement.amount_payable, payable)
        self._close(settlement)
        move = settlement.move_id
        self.assertEqual(move.currency_id, self.currency)
        self.assertMoney(self._balance(move, self.expense_account), commission)
        self.assertMoney(self._balance(move, self.holdback_account), -held)
        self.assertMoney(self._balance(move, self.payable_account), -payable)
        # balanced in the currency
        self.assertMoney(sum(move.line_ids.mapped("debit")), commission)
        self.assertMoney(sum(move.line_ids.mapped("credit")), commission)


@tagged("post_install", "-at_install")
class TestSettlementMoneyZeroDecimals(CurrencyDigitsCase):
    company_currency_code = "JPY"

    def test_holdback_in_a_currency_without_decimals(self):
        self.assertEqual(self.currency.decimal_places, 0)
        # 10,050 x 3 % = 301.5 -> 302; 20 % = 60.4 -> 60 held; 242 paid
        self._check_holdback(10_050.0, 302.0, 60.0, 242.0)

    def test_service_spread_in_a_currency_without_decimals(self):
        """101 over 3 months: the first months take the remainder yen."""
        plan = self._make_plan(rate=10.0, name="Memberships", service_months=3)
        self._sell(1_010.0)
        payable = []
        for date in ("2026-03-31", "2026-04-30", "2026-05-31"):
            settlement = self._close(self._settle(date, plans=plan))
            payable.append(self.currency.round(settlement.amount_payable))
        self.assertEqual(payable, [34, 34, 33])


@tagged("post_install", "-at_install")
class TestSettlementMoneyThreeDecimals(CurrencyDigitsCase):
    company_currency_code = "KWD"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # prices in fils, as a company in dinars keeps them
        cls.env.ref("product.decimal_price").digits = 3

    def test_holdback_in_a_currency_with_three_decimals(self):
        self.assertEqual(self.currency.decimal_places, 3)
        # 1,234.567 x 3 % = 37.03701 -> 37.037; 20 % = 7.4074 -> 7.407 held
        self._check_holdback(1_234.567, 37.037, 7.407, 29.630)
