# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Period tables pay per line (issue 19): each line of a period-cumulative
table carries its increment of its period's table, so the lines of a period
add up to what the table pays on the period's total, on every screen."""

from odoo import Command, fields
from odoo.tests import tagged

from .test_commission_rules import TABLE_QUARTER, brackets
from .test_settlement import SettlementCase
from .test_settlement_money import PERIOD_TABLE

D = fields.Date.to_date

# the demo's Key Account Table: marginal (超额累进) 2-6 % on the quarter
MARGINAL_QUARTER = {
    "name": "Quarter table",
    "compute_type": "bracket",
    "bracket_basis": "period",
    "bracket_mode": "marginal",
    "bracket_ids": brackets(TABLE_QUARTER),
}


@tagged("post_install", "-at_install")
class TestPeriodTableLines(SettlementCase):
    """The lines of a period-table plan sum to what its settlement pays."""

    def _period_lines(self, plan, date_from, date_to):
        """The earned lines of ``plan`` counting in the period."""
        return self.env["sale.incentive.line"].search(
            [
                ("plan_id", "=", plan.id),
                ("is_earned", "=", True),
                ("period_date", ">=", date_from),
                ("period_date", "<=", date_to),
            ]
        )

    def _sum(self, lines):
        return self.currency.round(sum(lines.mapped("amount")))

    def test_month_lines_sum_to_the_table(self):
        """Whole-amount (全额累进): 2 % of the whole month up to 500,000, 3 %
        above."""
        plan = self._make_plan(name="Month table", rule=PERIOD_TABLE)
        first = self._lines(move_id=self._sell(400_000.0, date="2026-03-05").id)
        second = self._lines(move_id=self._sell(650_000.0, date="2026-03-20").id)
        # 400,000 x 2 %; then the month reaches 1,050,000: 3 % on the whole
        # month (31,500), 8,000 of it already on the first line
        self.assertMoney(first.amount, 8_000.0)
        self.assertMoney(second.amount, 23_500.0)
        self.assertIn("1,050,000.00", second.explanation)
        self.assertIn("+23,500.00", second.explanation)
        self.assertEqual(second.bracket_id.rate, 3.0)
        settlement = self._settle("2026-03-31", plans=plan)
        self.assertMoney(settlement.amount_total, 31_500.0)
        self.assertFalse(self._component(settlement, "bracket"))
        self.assertMoney(self._component(settlement, "commission").amount, 31_500.0)
        self.assertMoney(
            self._sum(self._period_lines(plan, "2026-03-01", "2026-03-31")),
            settlement.amount_total,
        )

    def test_invoice_reset_to_draft_leaves_its_period_paying_the_table(self):
        plan = self._make_plan(name="Month table", rule=PERIOD_TABLE)
        first = self._sell(400_000.0, date="2026-03-05")
        self._sell(650_000.0, date="2026-03-20")
        march = ("2026-03-01", "2026-03-31")
        self.assertMoney(self._sum(self._period_lines(plan, *march)), 31_500.0)
        first.button_draft()
        # 650,000 left: 19,500; the second line carried 23,500
        self.assertMoney(self._sum(self._period_lines(plan, *march)), 19_500.0)
        true_up = self._period_lines(plan, *march).filtered(lambda l: not l.move_id)
        self.assertMoney(true_up.amount, -4_000.0)
        self.assertMoney(true_up.base_amount, 0.0)
        first.action_post()
        self.assertMoney(self._lines(move_id=first.id).amount, 12_000.0)
        self.assertMoney(self._sum(self._period_lines(plan, *march)), 31_500.0)
        self.assertMoney(self._settle("2026-03-31", plans=plan).amount_total, 31_500.0)

    def test_quarter_lines_sum_to_the_table(self):
        plan = self._make_plan(
            name="Quarter table", period="quarter", rule=MARGINAL_QUARTER
        )
        january = self._lines(move_id=self._sell(1_200_000.0, date="2026-01-20").id)
        march = self._lines(move_id=self._sell(800_000.0, date="2026-03-05").id)
        # 500,000 x 2 % + 500,000 x 3 % + 200,000 x 4 %; then the quarter
        # reaches 2,000,000: 65,000, of which 33,000 on January's line
        self.assertMoney(january.amount, 33_000.0)
        self.assertMoney(march.amount, 32_000.0)
        settlement = self._settle("2026-03-31", plans=plan, period="quarter")
        self.assertMoney(settlement.amount_total, 65_000.0)
        self.assertMoney(
            self._sum(self._period_lines(plan, "2026-01-01", "2026-03-31")), 65_000.0
        )

    def test_paid_basis_partial_payments_and_an_undone_one(self):
        """Marginal 2 % up to 500,000, 3 % above, earned by payments."""
        plan = self._make_plan(
            name="Collected ladder", basis="paid", rule=self._period_table()
        )
        invoice = self._sell(700_000.0)
        self._pay(invoice, amount=350_000.0, date="2026-03-20")
        second = self._pay(invoice, amount=350_000.0, date="2026-03-25")
        paid = self._lines(move_id=invoice.id, kind="payment").sorted("date")
        # 350,000 x 2 %; then 700,000 reached: 16,000 - 7,000
        self.assertEqual(paid.mapped("amount"), [7_000.0, 9_000.0])
        march = self._close(self._settle("2026-03-31", plans=plan))
        self.assertMoney(march.amount_total, 16_000.0)
        # the second payment undone in April: reversed at its own date, in
        # March's period, taken by April's settlement
        second.move_id.line_ids.filtered(
            lambda l: l.account_id.account_type == "asset_receivable"
        ).remove_move_reconcile()
        undone = self._lines(move_id=invoice.id, kind="payment") - paid
        self.assertEqual(undone.date, D("2026-03-25"))
        self.assertMoney(undone.amount, -9_000.0)
        march_lines = self._period_lines(plan, "2026-03-01", "2026-03-31")
        self.assertMoney(self._sum(march_lines), 7_000.0)
        april = self._settle("2026-04-30", plans=plan)
        self.assertMoney(april.amount_total, -9_000.0)

    def test_partial_credit_notes_of_a_table_line_net_zero(self):
        """A line credited in three parts that add up to the whole: 0."""
        plan = self._make_plan(name="Month table", rule=PERIOD_TABLE)
        invoice = self._invoice(self._order([(self.product, 3, 333_333.33)]))
        origin = self._lines(move_id=invoice.id)
        # 999,999.99 x 3 %
        self.assertMoney(origin.amount, 30_000.0)
        refunds = [
            self._refund(invoice, date=day, quantity=1)
            for day in ("2026-04-10", "2026-04-11", "2026-04-12")
        ]
        clawbacks = [self._lines(move_id=refund.id).amount for refund in refunds]
        # 666,666.66 x 3 % - 30,000; then 333,333.33 x 2 % - 20,000; then
        # 0 - 6,666.67
        self.assertEqual(clawbacks, [-10_000.0, -13_333.33, -6_666.67])
        self.assertMoney(origin.amount + sum(clawbacks), 0.0)
        self.assertMoney(
            self._sum(self._period_lines(plan, "2026-03-01", "2026-03-31")), 0.0
        )

    def test_partial_credit_notes_posted_together_net_zero(self):
        """Plain percentage, split between two reps, three partial credit
        notes posted at once: each origin line nets exactly 0."""
        self._make_plan(rate=1.0, users=self.rep | self.rep_b)
        order = self._order([(self.product, 3, 33.33)])
        order.write(
            {
                "incentive_share_ids": [
                    Command.clear(),
                    Command.create({"user_id": self.rep.id, "share": 50.0}),
                    Command.create({"user_id": self.rep_b.id, "share": 50.0}),
                ]
            }
        )
        invoice = self._invoice(order)
        origins = self._lines(move_id=invoice.id)
        self.assertEqual(len(origins), 2)
        refunds = self.env["account.move"].concat(
            *(
                self._refund(invoice, date="2026-04-10", quantity=1, post=False)
                for _index in range(3)
            )
        )
        refunds.action_post()
        for origin in origins:
            clawed = self._lines(origin_line_id=origin.id)
            self.assertEqual(len(clawed), 3)
            self.assertMoney(origin.amount + sum(clawed.mapped("amount")), 0.0)

    def test_forecast_counts_an_invoiced_order_once(self):
        """A quarter with 1,420,000 invoiced and 1,420,000 confirmed, under
        the 2-6 % marginal table."""
        self._make_plan(name="Quarter table", period="quarter", rule=MARGINAL_QUARTER)
        today = fields.Date.context_today(self.env["sale.order"])
        invoiced = self._order([(self.product, 1, 1_420_000.0)])
        self._invoice(invoiced, date=today)
        self._run_forecast_job()
        # the invoiced order's forecast is what it earns: table(1,420,000)
        self.assertMoney(self._lines(move_id=invoiced.invoice_ids.id).amount, 41_800)
        self.assertMoney(invoiced.incentive_amount, 41_800.0)
        confirmed = self._order([(self.product, 1, 1_420_000.0)])
        self._run_forecast_job()
        # table(2,840,000) - table(1,420,000): the invoiced order once
        self.assertMoney(confirmed.incentive_amount, 65_200.0)
