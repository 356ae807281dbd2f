# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import IncentiveCase


@tagged("post_install", "-at_install")
class TestCommissionLifecycle(IncentiveCase):
    """Paid basis, splits, agents, currencies, versions, recompute, refunds."""

    # -- paid basis -------------------------------------------------------------
    def test_paid_basis_earns_pro_rata_by_payment_date(self):
        self._make_plan(basis="paid")
        invoice = self._invoice(self._order([(self.product, 10, 1000.0)]))
        accrued = self._lines(move_id=invoice.id, kind="invoice")
        self.assertMoney(accrued.amount, 300.0)
        self.assertFalse(accrued.is_earned)
        self._pay(invoice, amount=4000.0, date="2026-03-20")
        first = self._lines(move_id=invoice.id, kind="payment")
        self.assertMoney(first.amount, 120.0)
        self.assertEqual(first.date, fields.Date.to_date("2026-03-20"))
        self.assertTrue(first.is_earned)
        self._pay(invoice, amount=6000.0, date="2026-04-02")
        payments = self._lines(move_id=invoice.id, kind="payment")
        second = payments - first
        self.assertMoney(second.amount, 180.0)
        self.assertEqual(second.date, fields.Date.to_date("2026-04-02"))
        self.assertMoney(sum(payments.mapped("amount")), 300.0)

    def test_paid_basis_unreconciled_payment_unearns(self):
        self._make_plan(basis="paid")
        invoice = self._invoice(self._order([(self.product, 10, 1000.0)]))
        payment = self._pay(invoice, amount=4000.0)
        self.assertMoney(self._lines(move_id=invoice.id, kind="payment").amount, 120.0)
        payment.action_draft()
        earned = self._lines(move_id=invoice.id, kind="payment")
        self.assertEqual(len(earned), 2)
        self.assertMoney(sum(earned.mapped("amount")), 0.0)

    def test_paid_basis_credit_note_is_not_a_payment(self):
        self._make_plan(basis="paid")
        invoice = self._invoice(self._order([(self.product, 10, 1000.0)]))
        self._refund(invoice)  # reconciled with the unpaid invoice
        self.assertEqual(invoice.payment_state, "reversed")
        earned = self._lines(user_id=self.rep.id, is_earned=True)
        self.assertMoney(sum(earned.mapped("amount")), 0.0)

    # -- splits and agents ---------------------------------------------------
    def test_split_is_cent_exact(self):
        self._make_plan(users=self.rep | self.rep_b, rule={"name": "1%", "rate": 1.0})
        order = self._order(
            [(self.product, 1, 10_001.0)],
            incentive_share_ids=[
                Command.create({"user_id": self.rep.id, "share": 50.0}),
                Command.create({"user_id": self.rep_b.id, "share": 50.0}),
            ],
        )
        lines = self._lines(move_id=self._invoice(order).id)
        self.assertEqual(sorted(lines.mapped("amount")), [50.0, 50.01])
        self.assertMoney(sum(lines.mapped("amount")), 100.01)
        self.assertEqual(set(lines.mapped("share")), {50.0})

    def test_split_with_external_agent(self):
        agent = self.env["res.partner"].create(
            {"name": "Agent Zhang", "is_incentive_agent": True}
        )
        self._make_plan(agent_ids=[Command.set(agent.ids)])
        order = self._order(
            [(self.product, 10, 1000.0)],
            incentive_share_ids=[
                Command.create({"user_id": self.rep.id, "share": 70.0}),
                Command.create({"partner_id": agent.id, "share": 30.0}),
            ],
        )
        lines = self._lines(move_id=self._invoice(order).id)
        by_partner = {line.partner_id: line.amount for line in lines}
        self.assertMoney(by_partner[self.rep.partner_id], 210.0)
        self.assertMoney(by_partner[agent], 90.0)
        self.assertFalse(lines.filtered(lambda l: l.partner_id == agent).user_id)

    def test_shares_must_sum_to_hundred(self):
        order = self._order([(self.product, 1, 1000.0)], confirm=False)
        with self.assertRaisesRegex(ValidationError, "add up to 100"):
            order.write(
                {
                    "incentive_share_ids": [
                        Command.create({"user_id": self.rep.id, "share": 50.0}),
                        Command.create({"user_id": self.rep_b.id, "share": 40.0}),
                    ]
                }
            )

    def test_split_edited_in_one_save(self):
        order = self._order(
            [(self.product, 1, 1000.0)],
            confirm=False,
            incentive_share_ids=[
                Command.create({"user_id": self.rep.id, "share": 100.0})
            ],
        )
        with Form(order) as form:
            with form.incentive_share_ids.edit(0) as share:
                share.share = 60.0
            with form.incentive_share_ids.new() as share:
                share.user_id = self.rep_b
                share.share = 40.0
        self.assertEqual(order.incentive_share_ids.mapped("share"), [60.0, 40.0])

    # -- currencies -------------------------------------------------------------
    def test_foreign_currency_converted_at_invoice_date(self):
        eur = self.setup_other_currency(
            "EUR", rates=[("2026-01-01", 2.0), ("2026-03-01", 4.0)]
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": eur.id}
        )
        self._make_plan()
        order = self._order([(self.product, 120, 1000.0)], pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, eur)
        invoice = self._invoice(order, date="2026-03-15")
        line = self._lines(move_id=invoice.id)
        # 120,000 EUR at 4 EUR per USD = 30,000 USD; 3% = 900 USD
        self.assertMoney(line.base_amount, 30_000.0)
        self.assertMoney(line.amount, 900.0)
        self.assertEqual(line.currency_id, self.env.company.currency_id)

    # -- versions and recompute -----------------------------------------------
    def test_invoice_date_picks_the_plan_version(self):
        v1 = self._make_plan(name="2026", date_from="2026-01-01", date_to="2026-03-31")
        v2 = self._make_plan(
            name="2026",
            date_from="2026-04-01",
            rule={"name": "Raised", "rate": 4.0},
            previous_version_id=v1.id,
        )
        march = self._invoice(self._order([(self.product, 10, 1000.0)]), "2026-03-31")
        april = self._invoice(self._order([(self.product, 10, 1000.0)]), "2026-04-01")
        self.assertEqual(self._lines(move_id=march.id).plan_id, v1)
        self.assertMoney(self._lines(move_id=march.id).amount, 300.0)
        self.assertEqual(self._lines(move_id=april.id).plan_id, v2)
        self.assertMoney(self._lines(move_id=april.id).amount, 400.0)

    def test_overlapping_versions_refused(self):
        v1 = self._make_plan(date_from="2026-01-01", date_to="2026-06-30")
        with self.assertRaisesRegex(ValidationError, "overlap"):
            self._make_plan(date_from="2026-06-01", previous_version_id=v1.id)

    def test_new_version_closes_the_current_one(self):
        plan = self._make_plan(date_from="2026-01-01")
        action = plan.action_new_version()
        new = self.env["sale.incentive.plan"].browse(action["res_id"])
        today = fields.Date.context_today(plan)
        self.assertEqual(new.date_from, today)
        self.assertEqual(plan.date_to, fields.Date.subtract(today, days=1))
        self.assertEqual(new.previous_version_id, plan)
        self.assertEqual(new.rule_ids.rate, 3.0)
        self.assertEqual(new.user_ids, self.rep)

    def test_editing_a_plan_needs_an_explicit_recompute(self):
        plan = self._make_plan()
        settled_inv = self._invoice(
            self._order([(self.product, 10, 1000.0)]), date="2026-02-15"
        )
        open_inv = self._invoice(self._order([(self.product, 20, 1000.0)]))
        settled = self._lines(move_id=settled_inv.id)
        self.env["sale.incentive.settle.wizard"].create(
            {"date": "2026-02-28", "plan_ids": [Command.set(plan.ids)]}
        ).action_settle()
        self.assertTrue(settled.settlement_id)
        plan.rule_ids.rate = 5.0
        self.assertMoney(self._lines(move_id=open_inv.id).amount, 600.0)
        plan.action_recompute_unsettled()
        self.assertMoney(self._lines(move_id=open_inv.id).amount, 1000.0)
        self.assertEqual(self._lines(move_id=settled_inv.id), settled)
        self.assertMoney(settled.amount, 300.0)

    # -- other sources -------------------------------------------------------
    def test_invoice_without_order_uses_invoice_salesperson(self):
        self._make_plan()
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_user_id": self.rep.id,
                "invoice_date": "2026-03-15",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": 5,
                            "price_unit": 1000.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        line = self._lines(move_id=invoice.id)
        self.assertEqual(line.user_id, self.rep)
        self.assertMoney(line.amount, 150.0)

    def test_return_invoiced_as_refund_claws_back_at_original_rate(self):
        plan = self._make_plan()
        order = self._order([(self.product, 10, 1000.0)])
        self._invoice(order)
        plan.rule_ids.rate = 10.0  # later change must not matter
        order.order_line.product_uom_qty = 8
        refund = order._create_invoices(final=True)
        self.assertEqual(refund.move_type, "out_refund")
        refund.invoice_date = "2026-04-01"
        refund.action_post()
        clawback = self._lines(move_id=refund.id)
        self.assertEqual(clawback.kind, "refund")
        self.assertMoney(clawback.amount, -60.0)
        self.assertEqual(clawback.rate, 3.0)
