# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import IncentiveCase
from .test_settlement import SettlementCase

D = fields.Date.to_date


@tagged("post_install", "-at_install")
class TestSettledLocksInvoice(SettlementCase):
    """Settled is one stored fact: the line's link to its settlement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(name="Period ladder", rule=cls._period_table())

    def test_settled_period_table_line_locks_its_invoice(self):
        invoice = self._sell(400_000.0)
        line = self._lines(move_id=invoice.id)
        # the line carries its part of March's table: 400,000 x 2 %
        self.assertMoney(line.amount, 8_000.0)
        settlement = self._settle("2026-03-31")
        self.assertMoney(self._component(settlement, "commission").amount, 8_000.0)
        self.assertEqual(line.settlement_id, settlement)
        with self.assertRaisesRegex(UserError, "already settled"):
            invoice.button_draft()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(self._lines(move_id=invoice.id), line)


@tagged("post_install", "-at_install")
class TestPaidBasisPeriodTable(SettlementCase):
    """Paid basis: what counts in a period follows payments for every plan kind."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(
            name="Collected ladder", basis="paid", rule=cls._period_table()
        )

    def test_full_payment_earns_the_base_and_the_table_pays(self):
        invoice = self._sell(700_000.0)
        self._pay(invoice, date="2026-03-20")
        earned = self._lines(move_id=invoice.id, kind="payment")
        self.assertEqual(len(earned), 1)
        self.assertTrue(earned.is_earned)
        # 500,000 x 2 % + 200,000 x 3 %, on the payment's line
        self.assertMoney(earned.amount, 16_000.0)
        self.assertMoney(earned.base_amount, 700_000.0)
        self.assertEqual(earned.date, D("2026-03-20"))
        settlement = self._settle("2026-03-31")
        self.assertMoney(self._component(settlement, "commission").amount, 16_000.0)
        self.assertMoney(settlement.amount_total, 16_000.0)
        # a settled payment line locks its invoice as well
        with self.assertRaisesRegex(UserError, "already settled"):
            invoice.button_draft()


@tagged("post_install", "-at_install")
class TestPaymentEarning(IncentiveCase):
    """Each payment earns at its own date, from exact amounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(basis="paid")  # 3 %

    def _earned_by_date(self, invoice):
        totals = defaultdict(float)
        for line in self._lines(move_id=invoice.id, kind="payment"):
            totals[line.date] += line.amount
        return {date: self.currency.round(total) for date, total in totals.items()}

    def _sell_10000(self):
        return self._invoice(self._order([(self.product, 10, 1000.0)]))

    def test_undone_payment_reverses_at_its_own_date(self):
        invoice = self._sell_10000()
        first = self._pay(invoice, amount=4000.0, date="2026-03-20")
        self._pay(invoice, amount=6000.0, date="2026-04-02")
        first.action_draft()
        self.assertEqual(
            self._earned_by_date(invoice),
            {D("2026-03-20"): 0.0, D("2026-04-02"): 180.0},
        )
        undone = self._lines(move_id=invoice.id, kind="payment").filtered(
            lambda l: l.amount < 0
        )
        self.assertMoney(undone.amount, -120.0)
        self.assertEqual(undone.payment_move_id, first.move_id)

    def test_unreconciled_payment_reverses_at_its_own_date(self):
        invoice = self._sell_10000()
        self._pay(invoice, amount=4000.0, date="2026-03-20")
        second = self._pay(invoice, amount=6000.0, date="2026-04-02")
        second.move_id.line_ids.filtered(
            lambda l: l.account_id.account_type == "asset_receivable"
        ).remove_move_reconcile()
        self.assertEqual(
            self._earned_by_date(invoice),
            {D("2026-03-20"): 120.0, D("2026-04-02"): 0.0},
        )
        # paid again: earned again at that payment's date
        self._pay(invoice, date="2026-04-20")
        self.assertEqual(
            self._earned_by_date(invoice),
            {D("2026-03-20"): 120.0, D("2026-04-02"): 0.0, D("2026-04-20"): 180.0},
        )

    def test_payment_dated_earlier_earns_at_its_own_date(self):
        invoice = self._sell_10000()
        late = self._pay(invoice, amount=6000.0, date="2026-04-02")
        early = self._pay(invoice, amount=4000.0, date="2026-03-20")
        self.assertEqual(
            self._earned_by_date(invoice),
            {D("2026-03-20"): 120.0, D("2026-04-02"): 180.0},
        )
        lines = self._lines(move_id=invoice.id, kind="payment")
        self.assertEqual(lines.payment_move_id, late.move_id | early.move_id)
        self.assertEqual(lines.mapped("period_date"), lines.mapped("date"))

    def test_payments_earn_exactly_the_commission(self):
        invoice = self._invoice(self._order([(self.product, 2, 1_000_000.0)]))
        self.assertMoney(self._lines(move_id=invoice.id).amount, 60_000.0)
        self._pay(invoice, amount=666_666.67, date="2026-03-20")
        self._pay(invoice, amount=1_333_333.33, date="2026-04-02")
        earned = self._lines(move_id=invoice.id, kind="payment").sorted("date")
        self.assertEqual(earned.mapped("amount"), [20_000.0, 40_000.0])
        self.assertEqual(earned.mapped("base_amount"), [666_666.67, 1_333_333.33])
        self.assertEqual(self.currency.round(sum(earned.mapped("amount"))), 60_000.0)


@tagged("post_install", "-at_install")
class TestCreditNotes(IncentiveCase):
    """A credit note reverses exactly what its origin line earned."""

    def _net_per_origin(self, invoice):
        return {
            origin.rule_id.name: self.currency.round(
                origin.amount
                + sum(self._lines(origin_line_id=origin.id).mapped("amount"))
            )
            for origin in self._lines(move_id=invoice.id)
        }

    def test_credit_note_without_order_reverses_each_line(self):
        self.product.incentive_guide_price = 1000.0
        self._make_plan(
            rule_ids=[
                Command.create(
                    {
                        "name": "Below guide",
                        "sequence": 1,
                        "price_condition": "below_guide",
                        "rate": 1.0,
                    }
                ),
                Command.create({"name": "Standard", "sequence": 2, "rate": 3.0}),
            ]
        )
        invoice = self._direct_invoice(
            [(self.product, 10, 800.0), (self.product, 10, 1200.0)]
        )
        self.assertEqual(
            sorted(self._lines(move_id=invoice.id).mapped("amount")), [80.0, 360.0]
        )
        refund = self._refund(invoice)
        self.assertEqual(
            self._net_per_origin(invoice), {"Below guide": 0.0, "Standard": 0.0}
        )
        earned = self._lines(user_id=self.rep.id, is_earned=True)
        self.assertMoney(sum(earned.mapped("amount")), 0.0)
        self.assertEqual(
            self._lines(move_id=refund.id).origin_line_id,
            self._lines(move_id=invoice.id),
        )

    def _eur_sale(self):
        eur = self.setup_other_currency(
            "EUR",
            rates=[("2026-01-01", 2.0), ("2026-03-01", 4.0), ("2026-04-01", 3.9)],
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": eur.id}
        )
        self._make_plan()
        order = self._order([(self.product, 120, 1000.0)], pricelist_id=pricelist.id)
        invoice = self._invoice(order, date="2026-03-15")
        self.assertMoney(self._lines(move_id=invoice.id).amount, 900.0)
        return invoice

    def test_foreign_full_credit_note_after_rate_change_nets_to_zero(self):
        invoice = self._eur_sale()
        refund = self._refund(invoice, date="2026-04-10")
        # booked at the new rate: 120,000 EUR / 3.9
        self.assertMoney(refund.invoice_line_ids.balance, 30_769.23)
        self.assertMoney(self._lines(move_id=refund.id).amount, -900.0)
        self.assertEqual(self._net_per_origin(invoice), {"Standard": 0.0})

    def test_foreign_partial_credit_note_claws_back_the_share_credited(self):
        invoice = self._eur_sale()
        refund = self._refund(invoice, date="2026-04-10", quantity=30)
        # a quarter of the EUR amount: a quarter of 900, whatever the rate
        self.assertMoney(self._lines(move_id=refund.id).amount, -225.0)

    def test_partial_credit_notes_claw_back_exactly_the_whole(self):
        """Three credit notes of a third each claw back the whole commission
        to the cent: each takes what the credited total reaches, less what
        was clawed back before (0.33 + 0.34 + 0.33, not 3 x 0.33)."""
        self._make_plan(rate=1.0)
        invoice = self._invoice(self._order([(self.product, 3, 33.33)]))
        self.assertMoney(self._lines(move_id=invoice.id).amount, 1.0)
        refunds = [
            self._refund(invoice, date=day, quantity=1)
            for day in ("2026-04-10", "2026-04-11", "2026-04-12")
        ]
        self.assertEqual(
            [self._lines(move_id=refund.id).amount for refund in refunds],
            [-0.33, -0.34, -0.33],
        )
        self.assertEqual(self._net_per_origin(invoice), {"Standard": 0.0})

    def test_clawback_counts_in_the_period_of_the_sale(self):
        self._make_plan()
        invoice = self._invoice(self._order([(self.product, 10, 1000.0)]))
        refund = self._refund(invoice, date="2026-04-10")
        accrued = self._lines(move_id=invoice.id)
        clawback = self._lines(move_id=refund.id)
        self.assertEqual(accrued.period_date, D("2026-03-15"))
        self.assertEqual(clawback.date, D("2026-04-10"))
        self.assertEqual(clawback.period_date, D("2026-03-15"))


@tagged("post_install", "-at_install")
class TestBracketTable(IncentiveCase):
    """The table is validated whatever writes its brackets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        table = cls._period_table()
        table["bracket_ids"] = [
            Command.create({"amount_from": 0, "amount_to": 100_000, "rate": 1.0}),
            Command.create({"amount_from": 100_000, "amount_to": 500_000, "rate": 2.0}),
            Command.create({"amount_from": 500_000, "amount_to": 0, "rate": 3.0}),
        ]
        # a draft: the rules of a plan in force change through a version
        cls.rule = cls._make_plan(rule=table, activate=False).rule_ids
        cls.Bracket = cls.env["sale.incentive.bracket"]

    def _table(self):
        return [
            (b.amount_from, b.amount_to)
            for b in self.Bracket.search([("rule_id", "=", self.rule.id)])
        ]

    def test_overlapping_bracket_created_directly_is_refused(self):
        before = self._table()
        # Odoo's assertRaises rolls the failed operation back, as a request would
        with self.assertRaises(ValidationError) as caught:
            self.Bracket.create(
                {
                    "rule_id": self.rule.id,
                    "amount_from": 400_000,
                    "amount_to": 600_000,
                    "rate": 2.5,
                }
            )
        self.assertIn("bracket table is invalid", str(caught.exception))
        self.assertEqual(self._table(), before)

    def test_hole_written_or_deleted_directly_is_refused(self):
        low, middle, _high = self.rule.bracket_ids.sorted("amount_from")
        with self.assertRaises(ValidationError) as written:
            low.write({"amount_to": 50_000})
        with self.assertRaises(ValidationError) as deleted:
            middle.unlink()
        for caught in (written, deleted):
            self.assertIn("bracket table is invalid", str(caught.exception))
        self.assertEqual(
            self._table(), [(0, 100_000), (100_000, 500_000), (500_000, 0)]
        )

    def test_rows_edited_together_through_the_rule(self):
        low, middle, _high = self.rule.bracket_ids.sorted("amount_from")
        self.rule.write(
            {
                "bracket_ids": [
                    Command.update(low.id, {"amount_to": 200_000}),
                    Command.update(middle.id, {"amount_from": 200_000}),
                ]
            }
        )
        self.assertEqual(
            self._table(), [(0, 200_000), (200_000, 500_000), (500_000, 0)]
        )


@tagged("post_install", "-at_install")
class TestDocumentsDescribeThemselves(IncentiveCase):
    KEYS = {
        "company",
        "date",
        "sign",
        "product",
        "quantity",
        "revenue",
        "cost",
        "price_unit",
        "customer",
        "order",
        "sale_line",
        "move",
        "move_line",
        "team",
        "shares",
    }

    def test_order_and_invoice_lines_prepare_their_source(self):
        order = self._order([(self.product, 10, 1000.0)])
        source = order.order_line._prepare_incentive_source()
        self.assertLessEqual(self.KEYS, set(source))
        self.assertEqual(source["sale_line"], order.order_line)
        self.assertMoney(source["revenue"], 10_000.0)
        self.assertMoney(source["cost"], 6_000.0)
        self.assertEqual(source["shares"], [(self.rep, self.rep.partner_id, 100.0)])
        invoice = self._invoice(order)
        refund = self._refund(invoice, post=False)
        source = refund.invoice_line_ids._prepare_incentive_source()
        self.assertLessEqual(self.KEYS, set(source))
        self.assertEqual(source["sign"], -1)
        self.assertEqual(source["quantity"], -10)
        self.assertMoney(source["revenue"], -10_000.0)
        self.assertEqual(source["order"], order)
        self.assertEqual(source["date"], D("2026-04-10"))


class CurrencyDigitsCase(IncentiveCase):
    """A commission split three ways, paid in two payments, in the company
    currency's own digits."""

    def _split_and_pay(self, price, first_payment):
        self._make_plan(
            basis="paid",
            users=self.rep | self.rep_b | self.rep_c,
            rule={"name": "1%", "rate": 1.0},
        )
        order = self._order(
            [(self.product, 1, price)],
            incentive_share_ids=[
                Command.create({"user_id": self.rep.id, "share": 33.33}),
                Command.create({"user_id": self.rep_b.id, "share": 33.33}),
                Command.create({"user_id": self.rep_c.id, "share": 33.34}),
            ],
        )
        invoice = self._invoice(order)
        accrued = self._lines(move_id=invoice.id, kind="invoice").sorted("amount")
        self._pay(invoice, amount=first_payment, date="2026-03-20")
        first = [
            self._lines(origin_line_id=line.id, kind="payment").amount
            for line in accrued
        ]
        self._pay(invoice, date="2026-04-02")
        for line in accrued:
            paid = self._lines(origin_line_id=line.id, kind="payment")
            self.assertEqual(
                self.currency.round(sum(paid.mapped("amount"))), line.amount
            )
            for amount in paid.mapped("amount"):
                self.assertEqual(self.currency.round(amount), amount)
        return accrued.mapped("amount"), first


@tagged("post_install", "-at_install")
class TestZeroDecimalCurrency(CurrencyDigitsCase):
    company_currency_code = "JPY"

    def test_split_and_partial_payment_add_up_in_yen(self):
        self.assertEqual(self.currency.decimal_places, 0)
        # 1 % of 20,000 = 200, split 66.66 / 66.66 / 66.68; half paid first
        amounts, first = self._split_and_pay(20_000.0, 10_000.0)
        self.assertEqual(amounts, [66.0, 67.0, 67.0])
        # half of 67 is 33.5: 34 now, 33 at the end
        self.assertEqual(first, [33.0, 34.0, 34.0])


@tagged("post_install", "-at_install")
class TestThreeDecimalCurrency(CurrencyDigitsCase):
    company_currency_code = "KWD"

    def test_split_and_partial_payment_add_up_in_dinar(self):
        self.assertEqual(self.currency.decimal_places, 3)
        # 1 % of 1,000.1 = 10.001, split 3.3333 / 3.3333 / 3.3343; half paid first
        amounts, first = self._split_and_pay(1_000.1, 500.05)
        self.assertEqual(amounts, [3.333, 3.333, 3.335])
        self.assertEqual(first, [1.667, 1.667, 1.668])
