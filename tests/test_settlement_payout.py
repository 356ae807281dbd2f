# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What a settlement pays, once more: the simulation across a January
release, the payout entry kept posted while its settlement is, and the
settlement's screens for each role (issue 19 "money left over" 2-3, issue 20
items 10-12)."""

import io

import openpyxl
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged

from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestSimulationAcrossRelease(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 10 %, 20 % held until January of the next year
        cls.plan = cls._make_plan(rate=10.0, name="Key accounts", holdback_percent=20)

    def test_simulation_equals_the_settlements_across_a_january_release(self):
        self._sell(50_000.0, date="2026-12-10")
        self._sell(20_000.0, date="2027-01-15")
        december = self._close(self._settle("2026-12-31"))
        january = self._close(self._settle("2027-01-31"))
        # 5,000 earned, 1,000 held
        self.assertMoney(december.amount_total, 4_000.0)
        # 2,000 earned, 400 held, December's 1,000 released
        self.assertMoney(self._component(january, "release").amount, 1_000.0)
        self.assertMoney(january.amount_total, 2_600.0)
        wizard = self._simulate(self.plan, "2026-12-01", "2027-01-31")
        self.assertMoney(wizard.amount_actual, 6_600.0)
        self.assertMoney(wizard.amount_simulated, 6_600.0)
        self.assertMoney(wizard.amount_difference, 0.0)
        self.assertIn("1,000.00", wizard.line_ids.details)
        # the real settlements are untouched: posted, the release still theirs
        self.assertEqual((december | january).mapped("state"), ["posted", "posted"])
        self.assertEqual(
            self._component(december, "holdback").released_by_id,
            self._component(january, "release"),
        )

    def test_a_negative_month_is_carried_in_the_simulation_too(self):
        invoice = self._sell(50_000.0, date="2026-11-10")
        self._close(self._settle("2026-11-30"))
        # all returned in December: -5,000, carried into January
        self._refund(invoice, date="2026-12-05")
        self._sell(80_000.0, date="2027-01-15")
        december = self._settle("2026-12-31")
        self.assertMoney(december.amount_total, -5_000.0)
        self._close(december)
        january = self._close(self._settle("2027-01-31"))
        self.assertTrue(self._component(january, "carry"))
        wizard = self._simulate(self.plan, "2026-12-01", "2027-01-31")
        self.assertMoney(
            wizard.amount_actual, december.amount_total + january.amount_total
        )
        self.assertMoney(wizard.amount_difference, 0.0)


@tagged("post_install", "-at_install")
class TestPayoutEntry(SettlementCase):
    """The payout entry stays posted while its settlement is; a payment goes
    only to a posted entry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0, name="Key accounts")
        cls.billing = cls._make_user(
            "billing_acct",
            [cls.env.ref("sale_incentive.group_sale_incentive_accountant")],
        )

    def _posted(self):
        self._sell(10_000.0, date="2026-03-10")
        return self._close(self._settle("2026-03-31"))

    def test_the_entry_of_a_posted_settlement_is_not_reset_to_draft(self):
        settlement = self._posted()
        move = settlement.move_id
        for user in (self.env.user, self.billing):
            with self.assertRaisesRegex(UserError, "Cancel the settlement"):
                move.with_user(user).button_draft()
        self.assertEqual(move.state, "posted")
        # nor by writing its state
        with self.assertRaisesRegex(UserError, "Cancel the settlement"):
            move.with_user(self.billing).write({"state": "draft"})
        self.assertEqual(move.state, "posted")
        # the payment still reaches the posted entry and pays it
        self._pay_settlement(settlement)
        self.assertEqual(settlement.state, "paid")
        # paid: still refused
        with self.assertRaisesRegex(UserError, "Cancel the settlement"):
            move.button_draft()

    def test_cancelling_the_settlement_reverses_its_entry(self):
        settlement = self._posted()
        move = settlement.move_id
        settlement.action_cancel()
        self.assertEqual(settlement.state, "cancel")
        self.assertEqual(move.state, "posted")
        self.assertEqual(settlement.reversal_move_id.reversed_entry_id, move)
        self.assertTrue(settlement._get_payable_lines().reconciled)

    def test_a_payment_is_registered_on_a_posted_settlement_only(self):
        self._sell(10_000.0, date="2026-03-10")
        settlement = self._settle("2026-03-31")
        settlement.action_submit()
        settlement.action_approve()
        with self.assertRaisesRegex(UserError, "not possible"):
            settlement.action_register_payment()
        settlement.action_validate()
        settlement.action_post()
        with self.assertRaises(AccessError):
            settlement.with_user(self.manager).action_register_payment()
        action = settlement.with_user(self.billing).action_register_payment()
        self.assertEqual(action["res_model"], "account.payment.register")


@tagged("post_install", "-at_install")
class TestSettlementScreens(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0, name="Key accounts", holdback_percent=20)
        ref = cls.env.ref
        cls.billing = cls._make_user(
            "billing_acct", [ref("sale_incentive.group_sale_incentive_accountant")]
        )
        # a service employee: commissions, no Sales nor Invoicing rights
        cls.service = cls._make_user(
            "service_rep", [ref("sale_incentive.group_sale_incentive_user")]
        )
        cls.plan.user_ids += cls.service

    def test_billing_accountant_sees_the_payout_entry_journal_items(self):
        self.assertFalse(self.billing.has_group("account.group_account_readonly"))
        self._sell(10_000.0, date="2026-03-10")
        settlement = self._close(self._settle("2026-03-31"))
        move = settlement.move_id.with_user(self.billing)
        arch = etree.fromstring(
            move.get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertTrue(arch.xpath("//page//field[@name='line_ids']"))
        form = Form(move)
        self.assertEqual(len(form.line_ids), len(settlement.move_id.line_ids))
        # what the list reads, as the accountant
        [values] = move.web_read(
            {"line_ids": {"fields": {"account_id": {}, "debit": {}, "credit": {}}}}
        )
        self.assertIn(
            self.payable_account.id,
            [line["account_id"] for line in values["line_ids"]],
        )
        # an accountant of Odoo's Accounting keeps Odoo's own tab, once
        arch = etree.fromstring(
            settlement.move_id.get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertEqual(len(arch.xpath("//field[@name='line_ids']")), 1)

    def _reset(self, settlement, user, reason):
        action = settlement.with_user(user).action_reset_draft()
        form = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        )
        form.reason = reason
        return form.save().action_confirm()

    def test_reset_to_draft_asks_for_a_reason_logged_in_the_chatter(self):
        self._sell(10_000.0, date="2026-03-10")
        settlement = self._settle("2026-03-31")
        settlement.action_submit()
        settlement.with_user(self.manager).action_approve()
        # the button opens a confirmation asking why, nothing changes yet
        action = settlement.with_user(self.manager).action_reset_draft()
        self.assertEqual(action["type"], "ir.actions.act_window")
        self.assertEqual(action["target"], "new")
        self.assertEqual(settlement.state, "approved")
        with self.assertRaisesRegex(UserError, "reason"):
            self._reset(settlement, self.manager, "   ")
        self.assertEqual(settlement.state, "approved")
        # the rep cannot, even through the confirmation
        with self.assertRaises(AccessError):
            self._reset(settlement, self.rep, "Mine")
        self._reset(settlement, self.manager, "The March trade-fair order is missing")
        self.assertEqual(settlement.state, "draft")
        message = settlement.message_ids[0]
        self.assertIn("The March trade-fair order is missing", message.body)
        self.assertEqual(message.author_id, self.manager.partner_id)
        # a draft is not reset again
        with self.assertRaisesRegex(UserError, "not possible"):
            settlement.with_user(self.manager).action_reset_draft()

    def test_kpi_scorecard_dialog_has_a_title(self):
        plan = self._make_plan(
            name="Scorecard",
            scorecard_line_ids=[
                Command.create(
                    {
                        "kpi_id": self.env.ref("sale_incentive.kpi_revenue").id,
                        "weight": 100,
                        "target": 4_000,
                    }
                )
            ],
        )
        report = (
            self.env["sale.incentive.scorecard.report"]
            .with_user(self.rep)
            .create({"plan_id": plan.id})
        )
        action = report.action_compute()
        self.assertEqual(action["name"], "KPI Scorecard")
        self.assertEqual(action["res_id"], report.id)
        self.assertEqual(action["target"], "new")

    def test_rep_without_sales_rights_exports_own_settlements(self):
        self.assertFalse(self.service.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(self.service.has_group("account.group_account_invoice"))
        invoice = self._sell(10_000.0, date="2026-03-10", user=self.service)
        self._sell(5_000.0, date="2026-03-12")
        settlements = self._settle("2026-03-31")
        own = settlements.filtered(lambda s: s.user_id == self.service)
        self._close(own)
        mine = self.Settlement.with_user(self.service).search([])
        self.assertEqual(mine, own)
        # the statement worked already; the spreadsheet now too
        self.env["ir.actions.report"].with_user(self.service)._render_qweb_html(
            "sale_incentive.action_report_settlement", mine.ids
        )
        # the spreadsheet through its Action menu entry, as the list runs it
        action = self._export(mine, self.service)
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        summary = list(book.worksheets[0].iter_rows(values_only=True))
        self.assertEqual(summary[1][0], own.name)
        lines = list(book.worksheets[1].iter_rows(values_only=True))
        self.assertEqual(lines[1][4], invoice.name)
        # their commission lines too (Commission Analysis)
        own_lines = self.env["sale.incentive.line"].with_user(self.service).search([])
        self.assertEqual(own_lines, own.incentive_line_ids)
        action = self._export(own_lines, self.service)
        self.assertEqual(action["type"], "ir.actions.act_url")
        # and never someone else's: the record rules still decide
        with self.assertRaises(AccessError):
            self._export(settlements - own, self.service)
        with self.assertRaises(AccessError):
            self._export((settlements - own).incentive_line_ids, self.service)

    def _export(self, records, user):
        """Run the XLSX export bound to the list of ``records``' model."""
        xmlid = {
            "sale.incentive.settlement": "action_server_settlement_xlsx",
            "sale.incentive.line": "action_server_incentive_line_xlsx",
        }[records._name]
        return (
            self.env.ref(f"sale_incentive.{xmlid}")
            .with_user(user)
            .with_context(
                active_model=records._name,
                active_ids=records.ids,
                active_id=records[:1].id,
            )
            .run()
        )


@tagged("post_install", "-at_install")
class TestMySettlementsTour(SettlementCase, HttpCase):
    def test_my_settlements_show_the_whole_number(self):
        # a plan named as plans are: long enough to squeeze the other columns
        self.plan = self._make_plan(
            rate=10.0,
            name="Key Account Table 2-6 % on the invoiced sales of the month, "
            "20 % held until January of the next year",
        )
        self._sell(10_000.0, date="2026-03-10")
        settlement = self._settle("2026-03-31")
        settlement.action_submit()
        self.assertTrue(settlement.name.startswith("COM/"))
        self.start_tour(
            "/odoo/action-sale_incentive.action_sale_incentive_settlement_my",
            "sale_incentive_my_settlements_number_tour",
            login=self.rep.login,
        )
