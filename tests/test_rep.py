# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The rep's side of issue #10: commissions by period, acknowledging or
disputing a statement, and the notification that a settlement is paid."""

import html

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import formatLang

from odoo.addons.sale_incentive.engine.periods import period_bounds

from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestPeriodReport(SettlementCase):
    """My Commissions by period: one row per period and plan."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(
            rate=10.0, users=cls.rep | cls.rep_b, target_amount=16_000.0
        )
        today = fields.Date.context_today(cls.rep)
        cls.month, cls.month_end = period_bounds(today, "month")
        cls.last_month = period_bounds(cls.month - relativedelta(days=1), "month")[0]
        # targets are set for current and future periods only
        cls.env["sale.incentive.target"].create(
            {
                "plan_id": cls.plan.id,
                "user_id": cls.rep.id,
                "date_from": cls.month,
                "amount": 20_000.0,
            }
        )
        cls.Report = cls.env["sale.incentive.period.report"]

    def _settled_this_month(self):
        """The rep earns 400 last month and 1,000 this month, both settled by
        this month's posted settlement, and has a confirmed order not invoiced
        (forecast 500); a colleague earns 700 (draft settlement)."""
        self._sell(4_000.0, date=self.last_month + relativedelta(days=9))
        self._sell(10_000.0, date=self.month)
        self._order([(self.product, 5, 1_000.0)])
        self._sell(7_000.0, date=self.month, user=self.rep_b)
        self._run_forecast_job()  # as the cron worker does after confirming
        settlements = self._settle(self.month_end)
        settlement = settlements.filtered(lambda s: s.user_id == self.rep)
        self._close(settlement)
        return settlement

    def _assertRows(self, rows, expected):
        """{period start: (target, achieved, % of target, forecast, earned,
        settled, paid)} of the rep's rows: money to the cent, % to 0.01."""
        names = ("target", "achieved", "achievement")
        names += ("forecast", "earned", "settled", "paid")
        for date_from, figures in expected.items():
            row = rows[(self.rep, date_from)]
            for name, value in zip(names, figures, strict=True):
                with self.subTest(period=date_from, field=name):
                    if name == "achievement":
                        self.assertEqual(round(row.achievement, 2), value)
                    else:
                        self.assertMoney(row[name], value)

    def _rows(self, user):
        rows = self.Report.with_user(user).search([("plan_id", "=", self.plan.id)])
        return {(row.user_id, row.date_from): row for row in rows}

    def test_rep_sees_target_achieved_earned_settled_paid_per_period(self):
        settlement = self._settled_this_month()
        rows = self._rows(self.rep)
        self.assertEqual(
            sorted(rows, key=lambda k: k[1]),
            [(self.rep, self.last_month), (self.rep, self.month)],
        )
        row = rows[(self.rep, self.month)]
        self.assertEqual(row.date_to, self.month_end)
        # target, achieved, % of target, forecast, earned, settled, paid; last
        # month has the plan's default target, and its late line went into
        # this month's settlement; the orders were all confirmed this month
        # (forecast: 10 % of 4,000 + 10,000 + 5,000)
        self._assertRows(
            rows,
            {
                self.month: (20_000.0, 10_000.0, 50.0, 1_900.0, 1_000.0, 1_000.0, 0.0),
                self.last_month: (16_000.0, 4_000.0, 25.0, 0.0, 400.0, 400.0, 0.0),
            },
        )
        # the entry's payable has no due date: it is due on the entry's date,
        # the end of the settled period, for both periods it settles
        payable = settlement._get_payable_lines()
        self.assertEqual((len(payable), payable.date), (1, self.month_end))
        self.assertEqual(row.next_payout_date, self.month_end)
        self.assertEqual(
            rows[(self.rep, self.last_month)].next_payout_date, self.month_end
        )

        self._pay_settlement(settlement, date=self.month_end)
        self.assertEqual(settlement.state, "paid")
        rows = self._rows(self.rep)
        self.assertMoney(rows[(self.rep, self.month)].paid, 1_000.0)
        self.assertMoney(rows[(self.rep, self.last_month)].paid, 400.0)
        self.assertFalse(rows[(self.rep, self.month)].next_payout_date)

    def test_rep_sees_own_rows_and_manager_the_team(self):
        self._settled_this_month()
        self.assertEqual({user for user, _d in self._rows(self.rep)}, {self.rep})
        self.assertEqual(
            {user for user, _d in self._rows(self.manager)}, {self.rep, self.rep_b}
        )
        self.assertFalse(self._rows(self.rep_c))
        colleague = self._rows(self.manager)[(self.rep_b, self.month)]
        self.assertMoney(colleague.earned, 700.0)
        self.assertMoney(colleague.settled, 700.0)
        self.assertMoney(colleague.target, 16_000.0)

    def test_totals_only_on_money(self):
        self._settled_this_month()
        groups = self.Report.with_user(self.rep)._read_group(
            [("plan_id", "=", self.plan.id)], ["plan_id"], ["earned:sum", "paid:sum"]
        )
        self.assertEqual(len(groups), 1)
        self.assertMoney(groups[0][1], 1_400.0)
        arch = etree.fromstring(
            self.Report.get_views([(False, "list")])["views"]["list"]["arch"]
        )
        summed = {node.get("name") for node in arch.xpath("//field[@sum]")}
        self.assertEqual(
            summed, {"forecast", "earned", "settled", "paid", "team_amount"}
        )

    def test_quantity_base_is_shown_in_units_not_money(self):
        """A plan counting units: its target and what is achieved carry no
        currency (units are not money); the commission columns still do."""
        plan = self._make_plan(
            rate=10.0, users=self.rep, base="quantity", name="Units", target_amount=8
        )
        order = self._order([(self.product, 5, 1_000.0)])
        self._invoice(order, date=self.month)
        rows = self.Report.with_user(self.rep).search([("plan_id", "=", plan.id)])
        self.assertEqual(len(rows), 1)
        self.assertFalse(rows.base_currency_id)
        self.assertEqual(rows.achieved, 5.0)
        self.assertEqual(rows.target, 8.0)
        self.assertEqual(rows.currency_id, self.env.company.currency_id)
        # the same sale under the money plan: its base is money
        money = self._rows(self.rep)[(self.rep, self.month)]
        self.assertEqual(money.base_currency_id, self.env.company.currency_id)
        self.assertMoney(money.achieved, 5_000.0)
        arch = etree.fromstring(
            self.Report.get_views([(False, "list")])["views"]["list"]["arch"]
        )
        self.assertTrue(arch.xpath("//field[@name='base_currency_id']"))

    def test_row_drills_down_to_its_lines_with_status(self):
        self._settled_this_month()
        row = self._rows(self.rep)[(self.rep, self.month)]
        action = row.with_user(self.rep).action_view_lines()
        lines = (
            self.env["sale.incentive.line"].with_user(self.rep).search(action["domain"])
        )
        self.assertEqual(
            sorted((line.incentive_status, line.amount) for line in lines),
            [
                ("forecast", 400.0),
                ("forecast", 500.0),
                ("forecast", 1_000.0),
                ("settled", 1_000.0),
            ],
        )


@tagged("post_install", "-at_install")
class TestStatementAcknowledge(SettlementCase):
    """The beneficiary acknowledges the statement or disputes a line of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0)
        cls.dispute_type = cls.env.ref("sale_incentive.mail_activity_statement_dispute")

    def _approved(self):
        self._sell(10_000.0)
        settlement = self._settle("2026-03-31")
        settlement.action_submit()
        settlement.with_user(self.manager).action_approve()
        return settlement

    def _wizard(self, line, user, method, reason):
        action = getattr(line.with_user(user), method)()
        model = self.env[action["res_model"]].with_user(user)
        form = Form(model.with_context(**action["context"]))
        if reason is not None:
            form.reason = reason
        return form.save()

    def test_beneficiary_acknowledges_the_approved_statement(self):
        settlement = self._approved()
        settlement.with_user(self.rep).action_acknowledge()
        self.assertEqual(settlement.acknowledged_by_id, self.rep)
        self.assertTrue(settlement.acknowledged_date)
        self.assertIn("Statement acknowledged by Rep_A", settlement.message_ids[0].body)
        self.assertEqual(settlement.message_ids[0].author_id, self.rep.partner_id)
        with self.assertRaisesRegex(UserError, "already acknowledged"):
            settlement.with_user(self.rep).action_acknowledge()

    def test_reset_to_draft_withdraws_the_acknowledgement(self):
        """The rep signed the approved figures: once the settlement goes back
        to draft (and may change) the signature no longer holds, and the rep
        acknowledges the statement again once it is approved again."""
        settlement = self._approved()
        settlement.with_user(self.rep).action_acknowledge()
        action = settlement.with_user(self.manager).action_reset_draft()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
        )
        wizard.reason = "The figures change"
        wizard.save().action_confirm()
        self.assertFalse(settlement.acknowledged_by_id)
        self.assertFalse(settlement.acknowledged_date)
        settlement.action_submit()
        settlement.with_user(self.manager).action_approve()
        settlement.with_user(self.rep).action_acknowledge()
        self.assertEqual(settlement.acknowledged_by_id, self.rep)

    def test_posted_statement_can_be_acknowledged(self):
        settlement = self._approved()
        settlement.action_validate()
        settlement.action_post()
        settlement.with_user(self.rep).action_acknowledge()
        self.assertEqual(settlement.acknowledged_by_id, self.rep)

    def test_only_the_beneficiary_of_an_approved_statement_acknowledges(self):
        self._sell(10_000.0)
        settlement = self._settle("2026-03-31")
        settlement.action_submit()
        with self.assertRaisesRegex(UserError, "not possible"):
            settlement.with_user(self.rep).action_acknowledge()
        settlement.with_user(self.manager).action_approve()
        for user in (self.manager, self.rep_b, self.incentive_admin):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                settlement.with_user(user).action_acknowledge()
        self.assertFalse(settlement.acknowledged_by_id)

    def test_dispute_becomes_an_activity_for_the_approver_and_outcome_is_logged(self):
        settlement = self._approved()
        line = settlement.line_ids.filtered(lambda c: c.component == "commission")
        with self.assertRaises(AssertionError):  # the reason is required
            self._wizard(line, self.rep, "action_dispute", None)
        self._wizard(
            line, self.rep, "action_dispute", "Order of 2 March is missing"
        ).action_confirm()
        self.assertEqual(line.dispute_state, "disputed")
        self.assertEqual(settlement.dispute_count, 1)
        activity = settlement.activity_ids.filtered(
            lambda a: a.activity_type_id == self.dispute_type
        )
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn("Order of 2 March is missing", activity.note)
        self.assertIn("disputes the statement line", settlement.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "disputed lines"):
            settlement.with_user(self.rep).action_acknowledge()
        # the rep cannot answer their own dispute
        with self.assertRaises(AccessError):
            line.with_user(self.rep).action_resolve_dispute()

        self._wizard(
            line, self.manager, "action_resolve_dispute", "Added to April"
        ).action_confirm()
        self.assertEqual(line.dispute_state, "resolved")
        self.assertEqual(line.dispute_note, "Added to April")
        self.assertFalse(activity.exists())
        self.assertEqual(settlement.dispute_count, 0)
        bodies = " ".join(settlement.message_ids.mapped("body"))
        self.assertIn("Resolved by Mgr: Added to April", bodies)
        settlement.with_user(self.rep).action_acknowledge()
        self.assertEqual(settlement.acknowledged_by_id, self.rep)

    def test_rejected_dispute_is_logged(self):
        settlement = self._approved()
        line = settlement.line_ids[:1]
        self._wizard(line, self.rep, "action_dispute", "Rate too low").action_confirm()
        self._wizard(
            line, self.manager, "action_reject_dispute", "The rate is the plan's"
        ).action_confirm()
        self.assertEqual(line.dispute_state, "rejected")
        self.assertFalse(settlement.activity_ids)
        self.assertIn(
            "Rejected by Mgr: The rate is the plan", settlement.message_ids[0].body
        )

    def test_others_cannot_dispute_the_statement(self):
        settlement = self._approved()
        line = settlement.line_ids[:1]
        for user in (self.manager, self.rep_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                line.with_user(user).action_dispute()
            wizard = (
                self.env["sale.incentive.statement.dispute"]
                .with_user(user)
                .create({"line_id": line.id, "reason": "Not mine"})
            )
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                wizard.action_confirm()
        self.assertFalse(line.dispute_state)
        self.assertFalse(settlement.activity_ids)


@tagged("post_install", "-at_install")
class TestPaidNotification(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0)

    def test_beneficiary_is_notified_when_paid(self):
        self.env = self.env(context=dict(self.env.context, tracking_disable=False))
        self._sell(10_000.0)
        settlement = self._close(self._settle("2026-03-31").with_env(self.env))
        paid = self.env.ref("sale_incentive.mt_settlement_paid")
        self.assertFalse(
            settlement.message_ids.filtered(lambda m: m.subtype_id == paid)
        )
        self._pay_settlement(settlement)
        self.assertEqual(settlement.state, "paid")
        message = settlement.message_ids.filtered(lambda m: m.subtype_id == paid)
        self.assertEqual(len(message), 1)
        self.assertIn(self.rep.partner_id, message.notified_partner_ids)
        amount = formatLang(self.env, 1_000.0, currency_obj=settlement.currency_id)
        self.assertIn(f"is paid: {amount}.", html.unescape(message.body))
