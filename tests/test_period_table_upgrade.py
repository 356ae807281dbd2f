# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Upgrading from 18.0.1.0.0 keeps the money of period tables.

In 18.0.1.0.0 the lines of a period-cumulative table carried their base and
amount 0, and the settlement added the table of the period (what the table
paid on the part already settled was settled).  The 18.0.1.1.0
post-migration gives the lines still to settle their increments, so that the
next settlement, which adds no table any more, pays exactly the rest."""

from odoo.tests import tagged

from .common import load_migration
from .test_period_table_lines import MARGINAL_QUARTER
from .test_settlement import SettlementCase
from .test_settlement_money import PERIOD_TABLE

LINE_FIELDS = ["amount", "bracket_id", "rate", "explanation", "settlement_line_id"]


@tagged("post_install", "-at_install")
class TestPeriodTableUpgrade(SettlementCase):
    def _as_in_1_0(self, plan):
        """The plan's lines as 18.0.1.0.0 wrote them (the simulation of the
        old data): amount 0, no bracket, no table in the explanation."""
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE sale_incentive_line
                  SET amount = 0, bracket_id = NULL, rate = 0,
                      explanation_data = COALESCE(
                          explanation_data -> 0 -> 'params' -> 'line',
                          explanation_data)
                WHERE plan_id = %s""",
            [plan.id],
        )
        self.env.invalidate_all()

    def _upgrade(self):
        """The post-migration as Odoo runs it from 18.0.1.0.0, then once
        more: a second run changes nothing."""
        migrate = load_migration("18.0.1.1.0", "post").migrate
        migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        lines = self.env["sale.incentive.line"].search([], order="id")
        migrated = lines.read(LINE_FIELDS)
        migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        again = self.env["sale.incentive.line"].search([], order="id")
        self.assertEqual(again, lines)
        self.assertEqual(again.read(LINE_FIELDS), migrated)

    def _period_lines(self, plan, date_from, date_to, settled=None):
        domain = [
            ("plan_id", "=", plan.id),
            ("is_earned", "=", True),
            ("period_date", ">=", date_from),
            ("period_date", "<=", date_to),
        ]
        if settled is not None:
            domain.append(("settlement_line_id", "!=" if settled else "=", False))
        return self.env["sale.incentive.line"].search(domain, order="id")

    def _sum(self, lines):
        return self.currency.round(sum(lines.mapped("amount")))

    def test_month_and_its_submitted_settlement(self):
        """Whole-amount table (2 % up to 500,000, 3 % of the whole month
        above); the settlement 18.0.1.0.0 made of March, submitted, not
        posted: reset to draft after the update, the next run rebuilds it
        and pays the lines."""
        plan = self._make_plan(name="Month table", rule=PERIOD_TABLE)
        self._sell(400_000.0, date="2026-03-05")
        self._sell(650_000.0, date="2026-03-20")
        submitted = self._settle("2026-03-31", plans=plan)
        submitted.action_submit()
        self._as_in_1_0(plan)
        self._upgrade()
        march = self._period_lines(plan, "2026-03-01", "2026-03-31")
        self.assertEqual(march.mapped("amount"), [8_000.0, 23_500.0])
        self.assertEqual(march.bracket_id.mapped("rate"), [2.0, 3.0])
        self.assertIn("the month reaches 1,050,000.00", march[1].explanation)
        self.env["sale.incentive.settlement.reset"].create(
            {"settlement_ids": submitted.ids, "reason": "Upgraded"}
        ).action_confirm()
        settlement = self._settle("2026-03-31", plans=plan)
        self.assertMoney(settlement.amount_total, 31_500.0)

    def test_quarter(self):
        """Marginal 2-6 % on the quarter: 1,200,000 in January, 800,000 in
        March."""
        plan = self._make_plan(
            name="Quarter table", period="quarter", rule=MARGINAL_QUARTER
        )
        self._sell(1_200_000.0, date="2026-01-20")
        self._sell(800_000.0, date="2026-03-05")
        self._as_in_1_0(plan)
        self._upgrade()
        quarter = self._period_lines(plan, "2026-01-01", "2026-03-31")
        self.assertEqual(quarter.mapped("amount"), [33_000.0, 32_000.0])
        settlement = self._settle("2026-03-31", plans=plan, period="quarter")
        self.assertMoney(settlement.amount_total, 65_000.0)

    def test_credit_note_in_a_settled_period(self):
        """March settled on 1,050,000 (the table paid 31,500); a credit
        note of 200,000 in April counts in March: its line carries
        table(850,000) - table(1,050,000) = -6,000, April pays it."""
        plan = self._make_plan(name="Month table", rule=PERIOD_TABLE)
        self._sell(400_000.0, date="2026-03-05")
        invoice = self._invoice(
            self._order([(self.product, 13, 50_000.0)]), date="2026-03-20"
        )
        self._close(self._settle("2026-03-31", plans=plan))
        self._refund(invoice, date="2026-04-10", quantity=4)
        self._as_in_1_0(plan)
        self._upgrade()
        march = ("2026-03-01", "2026-03-31")
        self.assertMoney(self._sum(self._period_lines(plan, *march, settled=True)), 0)
        open_lines = self._period_lines(plan, *march, settled=False)
        self.assertEqual(open_lines.mapped("amount"), [-6_000.0])
        self.assertMoney(self._settle("2026-04-30", plans=plan).amount_total, -6_000.0)

    def test_partly_settled_period_gets_one_difference_line(self):
        """A credit note dated in April of a March sale (400,000, 100,000
        credited) is written before a second March sale (650,000); settling
        March takes both sales (the table paid table(1,050,000) = 31,500),
        not the credit note.  The period owes table(950,000) - 31,500 =
        -3,000; the credit note's increment in line order is table(300,000)
        - table(400,000) = -2,000: one line of base 0 carries the -1,000."""
        plan = self._make_plan(name="Month table", rule=PERIOD_TABLE)
        first = self._invoice(
            self._order([(self.product, 4, 100_000.0)]), date="2026-03-05"
        )
        self._refund(first, date="2026-04-05", quantity=1)
        self._sell(650_000.0, date="2026-03-20")
        march = self._close(self._settle("2026-03-31", plans=plan))
        self._as_in_1_0(plan)
        self._upgrade()
        period = ("2026-03-01", "2026-03-31")
        settled = self._period_lines(plan, *period, settled=True)
        self.assertEqual(settled.settlement_id, march)
        self.assertMoney(self._sum(settled), 0.0)
        open_lines = self._period_lines(plan, *period, settled=False)
        self.assertEqual(open_lines.mapped("amount"), [-2_000.0, -1_000.0])
        difference = open_lines[1]
        self.assertFalse(difference.move_id)
        self.assertEqual(difference.base_amount, 0.0)
        self.assertIn("the month reaches 950,000.00", difference.explanation)
        self.assertMoney(self._settle("2026-04-30", plans=plan).amount_total, -3_000.0)


@tagged("post_install", "-at_install")
class TestForecastCronUpgrade(SettlementCase):
    def test_forecast_cron_runs_on_the_forecast_model(self):
        """The forecast's scheduled action is kept on update (noupdate): a
        database from 18.0.1.0.0 has it on the line model, which no longer
        carries ``_cron_refresh_forecast``; the upgrade moves it."""
        cron = self.env.ref("sale_incentive.ir_cron_incentive_forecast")
        cron.model_id = self.env["ir.model"]._get("sale.incentive.line")
        load_migration("18.0.1.1.0", "post").migrate(self.env.cr, "18.0.1.0.0")
        self.assertEqual(cron.model_id.model, "sale.incentive.forecast")
        cron.method_direct_trigger()
