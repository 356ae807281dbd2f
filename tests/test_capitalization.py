# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Capitalized commissions (issue 22.1, ASC 340-40 / IFRS 15 §91-94)."""

import datetime
import io

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, tagged

from odoo.addons.sale_incentive.engine import capitalization as engine

from .test_settlement import SettlementCase

D = datetime.date


@tagged("post_install", "-at_install")
class TestEngineCapitalization(BaseCase):
    def test_benefit_months_count_started_months(self):
        self.assertEqual(engine.benefit_months(D(2026, 1, 1), D(2028, 12, 31)), 36)
        self.assertEqual(engine.benefit_months(D(2026, 1, 1), D(2026, 12, 31)), 12)
        self.assertEqual(engine.benefit_months(D(2026, 1, 15), D(2026, 2, 14)), 1)
        self.assertEqual(engine.benefit_months(D(2026, 1, 15), D(2026, 2, 20)), 2)
        # a month after 31 January ends on 27 February: 28 February starts
        # a second month
        self.assertEqual(engine.benefit_months(D(2026, 1, 31), D(2026, 2, 27)), 1)
        self.assertEqual(engine.benefit_months(D(2026, 1, 31), D(2026, 2, 28)), 2)
        with self.assertRaises(ValueError):
            engine.benefit_months(D(2026, 2, 1), D(2026, 1, 31))

    def test_schedule_by_month_remainder_on_the_last(self):
        rows = engine.schedule(3600, D(2026, 1, 1), 36, digits=2)
        self.assertEqual(len(rows), 36)
        self.assertEqual(rows[0], (D(2026, 1, 31), 100.0))
        self.assertEqual(rows[1], (D(2026, 2, 28), 100.0))
        self.assertEqual(rows[-1], (D(2028, 12, 31), 100.0))
        self.assertEqual(
            [a for _d, a in engine.schedule(1000, D(2026, 3, 20), 3, digits=2)],
            [333.33, 333.33, 333.34],
        )
        self.assertEqual(engine.spread(100, 3, digits=0), [33.0, 33.0, 34.0])
        self.assertEqual(engine.spread(1, 3, digits=3), [0.333, 0.333, 0.334])
        self.assertEqual(engine.spread(-10, 3, digits=2), [-3.33, -3.33, -3.34])
        with self.assertRaises(ValueError):
            engine.spread(100, 0, digits=2)

    def test_expedient(self):
        self.assertTrue(engine.uses_expedient(12, True))
        self.assertFalse(engine.uses_expedient(13, True))
        self.assertFalse(engine.uses_expedient(12, False))
        self.assertTrue(engine.uses_expedient(0, False))

    def test_capitalized_parts_capped_by_expense(self):
        self.assertEqual(
            engine.capitalized_parts([3000, 1000], 5000, digits=2), [3000.0, 1000.0]
        )
        self.assertEqual(
            engine.capitalized_parts([3000, 1000], 2000, digits=2), [1500.0, 500.0]
        )
        self.assertEqual(
            engine.capitalized_parts([100, 100, 100], 100, digits=2),
            [33.34, 33.33, 33.33],
        )
        self.assertEqual(engine.capitalized_parts([100, -50], 0, digits=2), [0.0, 0.0])

    def test_impairment_share_of_what_remains(self):
        self.assertEqual(engine.impairment(2400, 3600, 3600, digits=2), 2400.0)
        self.assertEqual(engine.impairment(2400, 1800, 3600, digits=2), 1200.0)
        self.assertEqual(engine.impairment(0, 3600, 3600, digits=2), 0.0)
        self.assertEqual(engine.impairment(100, 1, 3, digits=0), 33.0)


class CapitalizationCase(SettlementCase):
    """A plan capitalizing its 10 % commissions over the sold line's service
    period (36 months by default)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.deferred_account = Account.create(
            {
                "name": "Deferred Commissions",
                "code": "180900",
                "account_type": "asset_non_current",
            }
        )
        cls.amortization_account = Account.create(
            {
                "name": "Commission Amortization",
                "code": "620900",
                "account_type": "expense",
            }
        )
        cls.impairment_account = Account.create(
            {
                "name": "Commission Impairment",
                "code": "620950",
                "account_type": "expense",
            }
        )
        cls.env.company.write(
            {
                "incentive_deferred_account_id": cls.deferred_account.id,
                "incentive_amortization_account_id": cls.amortization_account.id,
                "incentive_impairment_account_id": cls.impairment_account.id,
                "incentive_capitalize_expedient": True,
            }
        )
        cls.plan = cls._make_plan(rate=10.0, name="Subscriptions", capitalize=True)
        cls.Capitalization = cls.env["sale.incentive.capitalization"]
        cls.cron = cls.env.ref("sale_incentive.ir_cron_sale_incentive_capitalization")

    def _contract(self, amount, start, end, user=None, date=None):
        """A confirmed order of one line serving from ``start`` to ``end``,
        invoiced (posted) on ``date`` (``start``)."""
        order = self._order([(self.product, 1, amount)], user=user, confirm=False)
        order.order_line.write(
            {"incentive_service_start": start, "incentive_service_end": end}
        )
        order.action_confirm()
        return order, self._invoice(order, date=date or start)

    def _account_balance(self, account, date=None):
        """Balance of ``account`` (posted, up to ``date``), read with
        _read_group on the journal items."""
        domain = [
            ("account_id", "=", account.id),
            ("parent_state", "=", "posted"),
            ("company_id", "=", self.env.company.id),
        ]
        if date:
            domain.append(("date", "<=", date))
        [(balance,)] = self.env["account.move.line"]._read_group(
            domain, [], ["balance:sum"]
        )
        return balance or 0.0

    def _run_cron(self, day):
        with freeze_time(day):
            self.cron.method_direct_trigger()

    def _rollforward(self, date_from, date_to, group_by="plan_partner"):
        report = self.env["sale.incentive.capitalization.report"].create(
            {"date_from": date_from, "date_to": date_to, "group_by": group_by}
        )
        return report, report._get_rows()

    def _post_january(self):
        """The issue's example: a 36-month contract sold on 1 January with
        3,600 of commission, settled and posted on 31 January."""
        order, invoice = self._contract(36_000.0, "2026-01-01", "2028-12-31")
        with freeze_time("2026-01-31"):
            settlement = self._close(self._settle("2026-01-31"))
        asset = settlement.capitalization_ids
        return order, invoice, settlement, asset


@tagged("post_install", "-at_install")
class TestCapitalization(CapitalizationCase):
    def test_36_month_contract_amortized_then_clawed_back_in_month_13(self):
        _order, invoice, settlement, asset = self._post_january()
        self.assertEqual(len(asset), 1)
        self.assertEqual(asset.state, "running")
        self.assertEqual((asset.months, str(asset.date_start)), (36, "2026-01-01"))
        self.assertEqual(len(asset.line_ids), 36)
        self.assertMoney(sum(asset.line_ids.mapped("amount")), 3_600.0)
        # January: 3,600 to the asset instead of the expense, 100 amortized
        move = settlement.move_id
        self.assertMoney(self._balance(move, self.deferred_account), 3_600.0)
        self.assertMoney(self._balance(move, self.expense_account), 0.0)
        self.assertMoney(self._balance(move, self.payable_account), -3_600.0)
        self.assertMoney(asset.amount_amortized, 100.0)
        self.assertMoney(self._account_balance(self.deferred_account), 3_500.0)
        self.assertMoney(self._account_balance(self.amortization_account), 100.0)
        # the cron, month after month: idempotent (run twice in March)
        for day in (
            "2026-02-28",
            "2026-03-31",
            "2026-03-31",
            "2026-04-30",
            "2026-05-31",
            "2026-06-30",
            "2026-07-31",
            "2026-08-31",
            "2026-09-30",
            "2026-10-31",
            "2026-11-30",
            "2026-12-31",
        ):
            self._run_cron(day)
        self.assertEqual(len(asset.line_ids.move_id), 12)
        self.assertMoney(asset.amount_amortized, 1_200.0)
        self.assertMoney(asset.amount_remaining, 2_400.0)
        self.assertMoney(self._account_balance(self.deferred_account), 2_400.0)
        # one entry per company and month: Dr amortization 100 / Cr asset 100
        december = asset.line_ids[11].move_id
        self.assertEqual(str(december.date), "2026-12-31")
        self.assertEqual(december.state, "posted")
        self.assertMoney(self._balance(december, self.amortization_account), 100.0)
        self.assertMoney(self._balance(december, self.deferred_account), -100.0)
        # month 13: the invoice is reversed (credit note), the rest written off
        with freeze_time("2027-01-15"):
            self._refund(invoice, date="2027-01-15")
        self.assertEqual(asset.state, "impaired")
        self.assertMoney(asset.amount_impaired, 2_400.0)
        self.assertMoney(asset.amount_remaining, 0.0)
        impairment = asset.impairment_move_id
        self.assertEqual(str(impairment.date), "2027-01-15")
        self.assertMoney(self._balance(impairment, self.impairment_account), 2_400.0)
        self.assertMoney(self._balance(impairment, self.deferred_account), -2_400.0)
        self.assertMoney(self._account_balance(self.deferred_account), 0.0)
        # nothing more is amortized
        self._run_cron("2027-01-31")
        self.assertEqual(len(asset.line_ids.move_id), 12)
        # the roll-forward of the two years ties to the asset account
        _report, rows = self._rollforward("2026-01-01", "2026-12-31")
        self.assertEqual(len(rows), 1)
        self.assertEqual(
            rows[0][:2], [self.plan.display_name, self.rep.partner_id.name]
        )
        self.assertEqual(rows[0][2:], [0.0, 3_600.0, 1_200.0, 0.0, 0.0, 2_400.0])
        self.assertMoney(
            rows[0][-1], self._account_balance(self.deferred_account, "2026-12-31")
        )
        _report, rows = self._rollforward("2027-01-01", "2027-01-31", "plan")
        self.assertEqual(rows[0][2:], [2_400.0, 0.0, 0.0, 2_400.0, 0.0, 0.0])

    def test_12_month_contract_is_expensed_at_once(self):
        self._contract(12_000.0, "2026-01-01", "2026-12-31")
        with freeze_time("2026-01-31"):
            settlement = self._close(self._settle("2026-01-31"))
        self.assertFalse(settlement.capitalization_ids)
        self.assertMoney(
            self._balance(settlement.move_id, self.expense_account), 1_200.0
        )
        self.assertMoney(self._account_balance(self.deferred_account), 0.0)

    def test_without_the_expedient_a_year_is_capitalized(self):
        self.env.company.incentive_capitalize_expedient = False
        self._contract(12_000.0, "2026-01-01", "2026-12-31")
        with freeze_time("2026-01-31"):
            settlement = self._close(self._settle("2026-01-31"))
        self.assertEqual(settlement.capitalization_ids.months, 12)
        self.assertMoney(self._account_balance(self.deferred_account), 1_100.0)

    def test_product_months_then_plan_default(self):
        self.product.incentive_service_months = 24
        order = self._order([(self.product, 1, 24_000.0)])
        self._invoice(order, date="2026-03-10")
        with freeze_time("2026-03-31"):
            settlement = self._close(self._settle("2026-03-31"))
        asset = settlement.capitalization_ids
        self.assertEqual(asset.months, 24)
        self.assertMoney(asset.line_ids[0].amount, 100.0)
        self.assertEqual(asset.date_start, order.date_order.date())
        self.product.incentive_service_months = 0
        self._invoice(self._order([(self.product, 1, 36_000.0)]), date="2026-04-10")
        with freeze_time("2026-04-30"):
            april = self._close(self._settle("2026-04-30"))
        self.assertEqual(april.capitalization_ids.months, 36)

    def test_catch_up_and_cancelled_settlement(self):
        """A contract started in January and settled in March: January to
        March are amortized at once (dated the settlement's date); cancelling
        the settlement takes everything back."""
        self._contract(36_000.0, "2026-01-01", "2028-12-31", date="2026-03-05")
        with freeze_time("2026-03-31"):
            settlement = self._close(self._settle("2026-03-31"))
        asset = settlement.capitalization_ids
        self.assertMoney(asset.amount_amortized, 300.0)
        self.assertEqual(set(asset.line_ids.move_id.mapped("date")), {D(2026, 3, 31)})
        self.assertMoney(self._account_balance(self.deferred_account), 3_300.0)
        with freeze_time("2026-04-15"):
            settlement.action_cancel()
        self.assertEqual(asset.state, "cancel")
        self.assertMoney(self._account_balance(self.deferred_account), 0.0)
        self.assertMoney(self._account_balance(self.amortization_account), 0.0)
        self._run_cron("2026-04-30")
        self.assertEqual(len(asset.line_ids.filtered("move_id")), 3)
        _report, rows = self._rollforward("2026-01-01", "2026-12-31")
        self.assertEqual(rows[0][2:], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0])

    def test_partial_clawback_respreads_the_rest(self):
        _order, invoice, _settlement, asset = self._post_january()
        self._run_cron("2026-02-28")
        # half the contract credited in March: half of 3,400 written off
        with freeze_time("2026-03-10"):
            self._refund(invoice, date="2026-03-10", quantity=0.5)
        self.assertEqual(asset.state, "running")
        self.assertMoney(asset.amount_impaired, 1_700.0)
        left = asset.line_ids.filtered(lambda r: not r.move_id)
        self.assertEqual(len(left), 34)
        self.assertMoney(sum(left.mapped("amount")), 1_700.0)
        self.assertMoney(left[0].amount, 50.0)
        self.assertMoney(self._account_balance(self.deferred_account), 1_700.0)

    def test_a_clawback_in_the_settlement_credits_the_expense(self):
        """February settles a clawback of January's contract (written off
        when credited) and a new contract: the new one is capitalized whole,
        the clawback credits the expense."""
        _order, invoice, _settlement, january = self._post_january()
        with freeze_time("2026-02-10"):
            self._refund(invoice, date="2026-02-10")
        self.assertMoney(january.amount_impaired, 3_500.0)
        self._contract(72_000.0, "2026-02-01", "2029-01-31", date="2026-02-12")
        with freeze_time("2026-02-28"):
            february = self._close(self._settle("2026-02-28"))
        asset = february.capitalization_ids
        self.assertMoney(asset.amount, 7_200.0)
        move = february.move_id
        self.assertMoney(self._balance(move, self.deferred_account), 7_200.0)
        self.assertMoney(self._balance(move, self.expense_account), -3_600.0)
        self.assertMoney(self._balance(move, self.payable_account), -3_600.0)
        # the asset: 7,200 less February's 200
        self.assertMoney(self._account_balance(self.deferred_account), 7_000.0)

    def test_write_off_of_a_cancelled_contract(self):
        *_rest, asset = self._post_january()
        with self.assertRaises(AccessError):
            asset.with_user(self.manager).action_write_off()
        with freeze_time("2026-02-10"):
            asset.action_write_off()
        self.assertEqual(asset.state, "impaired")
        self.assertMoney(asset.amount_impaired, 3_500.0)
        self.assertMoney(self._account_balance(self.impairment_account), 3_500.0)
        with self.assertRaises(UserError):
            asset.action_write_off()

    def test_posting_needs_the_deferred_account(self):
        self.env.company.incentive_deferred_account_id = False
        self._contract(36_000.0, "2026-01-01", "2028-12-31")
        settlement = self._settle("2026-01-31")
        with self.assertRaisesRegex(UserError, "deferred commission account"):
            self._close(settlement)

    def test_rollforward_by_rep_ties_and_exports(self):
        self.plan.user_ids += self.rep_b
        self._contract(36_000.0, "2026-01-01", "2028-12-31")
        self._contract(72_000.0, "2026-01-01", "2028-12-31", user=self.rep_b)
        with freeze_time("2026-01-31"):
            settlements = self._settle("2026-01-31")
            for settlement in settlements:
                self._close(settlement)
        self._run_cron("2026-02-28")
        report, rows = self._rollforward("2026-02-01", "2026-02-28", "partner")
        by_rep = {row[1]: row[2:] for row in rows}
        self.assertEqual(
            by_rep[self.rep.partner_id.name], [3_500.0, 0.0, 100.0, 0.0, 0.0, 3_400.0]
        )
        self.assertEqual(
            by_rep[self.rep_b.partner_id.name], [7_000.0, 0.0, 200.0, 0.0, 0.0, 6_800.0]
        )
        self.assertMoney(
            sum(row[-1] for row in rows),
            self._account_balance(self.deferred_account, "2026-02-28"),
        )
        self.assertIn("10,200.00", report.preview)
        action = report.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        self.assertEqual(sheet.cell(1, 8).value, "Closing")
        self.assertEqual(sheet.cell(4, 1).value, "Total")
        self.assertEqual(sheet.cell(4, 8).value, "=SUBTOTAL(9,H2:H3)")

    def test_a_rep_reads_only_own_capitalizations(self):
        self.plan.user_ids += self.rep_b
        self._contract(36_000.0, "2026-01-01", "2028-12-31")
        self._contract(72_000.0, "2026-01-01", "2028-12-31", user=self.rep_b)
        with freeze_time("2026-01-31"):
            for settlement in self._settle("2026-01-31"):
                self._close(settlement)
        assets = self.Capitalization.search([("plan_id", "=", self.plan.id)])
        self.assertEqual(len(assets), 2)
        mine = self.Capitalization.with_user(self.rep).search([])
        self.assertEqual(mine.partner_id, self.rep.partner_id)
        other = assets.filtered(lambda a: a.partner_id == self.rep_b.partner_id)
        with self.assertRaises(AccessError):
            other.with_user(self.rep).read(["amount"])
        with self.assertRaises(AccessError):
            other.line_ids.with_user(self.rep).read(["amount"])
        with self.assertRaises(AccessError):
            mine.with_user(self.rep).write({"amount": 1.0})
        # the team's manager reads both; the roll-forward is finance's
        self.assertEqual(len(self.Capitalization.with_user(self.manager).search([])), 2)
        with self.assertRaises(AccessError):
            self.env["sale.incentive.capitalization.report"].with_user(
                self.manager
            ).create({"date_from": "2026-01-01", "date_to": "2026-01-31"})


@tagged("post_install", "-at_install")
class TestCapitalizationZeroDigits(CapitalizationCase):
    company_currency_code = "JPY"

    def test_yen_schedule_adds_up_with_the_rest_on_the_last_month(self):
        self.assertEqual(self.env.company.currency_id.decimal_places, 0)
        self._contract(10_000.0, "2026-01-01", "2028-12-31")
        with freeze_time("2026-01-31"):
            settlement = self._close(self._settle("2026-01-31"))
        asset = settlement.capitalization_ids
        amounts = asset.line_ids.mapped("amount")
        self.assertEqual(amounts[:35], [27.0] * 35)
        self.assertEqual(amounts[-1], 55.0)
        self.assertEqual(sum(amounts), 1_000.0)
        self.assertEqual(self._account_balance(self.deferred_account), 973.0)
