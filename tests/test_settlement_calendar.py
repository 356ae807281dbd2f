# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The settlement calendar and the deferral to next month (issue 21.5)."""

import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, tagged

from odoo.addons.sale_incentive.engine import calendar as calendar_engine

from .test_settlement import SettlementCase

date = datetime.date


@tagged("post_install", "-at_install")
class TestEngineCalendar(BaseCase):
    def test_deadlines_of_a_month(self):
        january = date(2026, 1, 1)
        self.assertEqual(
            calendar_engine.step_deadline(january, 25, 0), date(2026, 1, 25)
        )
        self.assertEqual(
            calendar_engine.step_deadline(january, 15, 1), date(2026, 2, 15)
        )
        # the 31st is the last day of a shorter month
        self.assertEqual(
            calendar_engine.step_deadline(january, 31, 1), date(2026, 2, 28)
        )
        self.assertEqual(
            calendar_engine.step_deadline(date(2028, 1, 1), 31, 1), date(2028, 2, 29)
        )
        self.assertEqual(
            calendar_engine.step_deadline(date(2026, 3, 1), 31, 1), date(2026, 4, 30)
        )
        # December's steps fall in January of the next year
        self.assertEqual(
            calendar_engine.step_deadline(date(2026, 12, 1), 5, 1), date(2027, 1, 5)
        )
        with self.assertRaises(ValueError):
            calendar_engine.step_deadline(january, 32, 0)

    def test_state_and_open_periods(self):
        deadline = date(2026, 2, 5)
        self.assertEqual(calendar_engine.step_state(deadline, deadline, False), "todo")
        self.assertEqual(
            calendar_engine.step_state(deadline, date(2026, 2, 6), False), "late"
        )
        self.assertEqual(
            calendar_engine.step_state(deadline, date(2026, 3, 1), True), "done"
        )
        self.assertEqual(
            calendar_engine.open_periods(date(2026, 1, 7), [0, 1]),
            [date(2025, 12, 1), date(2026, 1, 1)],
        )


@tagged("post_install", "-at_install")
class TestSettlementCalendar(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0, name="Partners")
        cls.PeriodStep = cls.env["sale.incentive.period.step"]
        cls.company = cls.env.company
        cls.env["sale.incentive.calendar.step"]._create_default_steps(cls.company)
        cls.templates = cls.env["sale.incentive.calendar.step"].search(
            [("company_id", "=", cls.company.id)]
        )
        cls.accountant = cls._make_user(
            "calendar_acc",
            [cls.env.ref("sale_incentive.group_sale_incentive_accountant")],
        )

    def _steps(self, period_start):
        return self.PeriodStep.search(
            [("company_id", "=", self.company.id), ("period_start", "=", period_start)]
        )

    def _step(self, period_start, done_check=None, day=None):
        steps = self._steps(period_start)
        if done_check:
            steps = steps.filtered(lambda s: s.done_check == done_check)
        if day:
            steps = steps.filtered(lambda s: s.step_id.day == day)
        self.assertEqual(len(steps), 1)
        return steps

    def test_cron_makes_the_months_steps_with_their_deadlines(self):
        self.assertEqual(
            sorted(self.templates.mapped("day")), [5, 10, 15, 25], "the seed's four"
        )
        self.env["sale.incentive.calendar.step"].create(
            {
                "name": "Month-end review",
                "company_id": self.company.id,
                "day": 31,
                "month_offset": "1",
                "owner_user_id": self.manager.id,
            }
        )
        with freeze_time("2026-02-03"):
            self.PeriodStep._cron_settlement_calendar()
            self.PeriodStep._cron_settlement_calendar()  # idempotent
        february = self._steps(date(2026, 2, 1))
        self.assertEqual(
            sorted(february.mapped("date_deadline")),
            [
                date(2026, 2, 25),
                date(2026, 3, 5),
                date(2026, 3, 10),
                date(2026, 3, 15),
                date(2026, 3, 31),
            ],
        )
        # January's steps still due in February; its 25th is past: none made
        january = self._steps(date(2026, 1, 1))
        self.assertEqual(
            sorted(january.mapped("date_deadline")),
            [date(2026, 2, 5), date(2026, 2, 10), date(2026, 2, 15), date(2026, 2, 28)],
        )
        self.assertEqual(set((january | february).mapped("state")), {"todo"})
        with freeze_time("2026-03-02"):
            self.PeriodStep._cron_settlement_calendar()
        self.assertEqual(len(self._steps(date(2026, 2, 1))), 5, "no step twice")
        self.assertEqual(len(self._steps(date(2026, 3, 1))), 5)

    def test_owners_get_an_activity_on_the_deadline(self):
        with freeze_time("2026-02-03"):
            self.PeriodStep._cron_settlement_calendar()
        approvals = self._step(date(2026, 2, 1), "approved")
        self.assertIn(self.manager, approvals.owner_ids, "the managers' step")
        self.assertNotIn(self.rep, approvals.owner_ids)
        activity = approvals.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertEqual(activity.date_deadline, date(2026, 3, 10))
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("sale_incentive.mail_activity_calendar_step"),
        )
        payout = self._step(date(2026, 2, 1), "paid")
        self.assertIn(self.accountant, payout.owner_ids, "the accountants' step")
        self.assertNotIn(self.manager, payout.owner_ids)
        self.assertIn(self.accountant, payout.activity_ids.user_id)

    def test_late_step_reminds_its_owners(self):
        with freeze_time("2026-02-03"):
            self.PeriodStep._cron_settlement_calendar()
        records = self._step(date(2026, 1, 1), "acknowledged")
        with freeze_time("2026-02-05"):
            self.PeriodStep._cron_settlement_calendar()
        self.assertEqual(records.state, "todo", "due today: not late yet")
        with freeze_time("2026-02-06"):
            self.PeriodStep._cron_settlement_calendar()
        self.assertEqual(records.state, "late")
        reminder = records.message_ids.filtered(lambda m: "Late" in (m.body or ""))
        self.assertEqual(len(reminder), 1)
        self.assertIn(self.manager.partner_id, reminder.partner_ids)
        self.assertEqual(self._step(date(2026, 1, 1), "approved").state, "todo")
        # reminded once
        with freeze_time("2026-02-07"):
            self.PeriodStep._cron_settlement_calendar()
        reminder = records.message_ids.filtered(lambda m: "Late" in (m.body or ""))
        self.assertEqual(len(reminder), 1)
        # its owner marks it done: the activity is closed
        records.with_user(self.manager).action_done()
        self.assertEqual(records.state, "done")
        self.assertEqual(records.done_by_id, self.manager)
        self.assertFalse(records.activity_ids)

    def test_approvals_and_payout_mark_themselves_done(self):
        self._sell(10_000.0, date="2026-01-15")
        self._sell(4_000.0, date="2026-01-20", user=self.rep)
        settlement = self._settle("2026-01-31")
        self.assertEqual(len(settlement), 1)
        self.PeriodStep._generate(
            date(2026, 2, 1), self.company, period_starts=[date(2026, 1, 1)]
        )
        approvals = self._step(date(2026, 1, 1), "approved")
        payout = self._step(date(2026, 1, 1), "paid")
        with freeze_time("2026-02-03"):
            self.PeriodStep._cron_settlement_calendar()
        self.assertEqual(approvals.state, "todo")
        settlement.action_submit()
        settlement.action_approve()
        with freeze_time("2026-02-04"):
            self.PeriodStep._cron_settlement_calendar()
        self.assertEqual(approvals.state, "todo", "finance has not validated yet")
        settlement.action_validate()
        with freeze_time("2026-02-04"):
            self.PeriodStep._cron_settlement_calendar()
        self.assertEqual(approvals.state, "done")
        self.assertFalse(approvals.done_by_id, "done by itself")
        self.assertFalse(approvals.activity_ids)
        self.assertEqual(payout.state, "todo")
        settlement.action_post()
        self._pay_settlement(settlement, date="2026-02-12")
        self.assertEqual(settlement.state, "paid")
        with freeze_time("2026-02-12"):
            self.PeriodStep._cron_settlement_calendar()
        self.assertEqual(payout.state, "done")

    def test_deferred_settlement_is_paid_next_month_once(self):
        january_invoice = self._sell(10_000.0, date="2026-01-15")
        january = self._settle("2026-01-31")
        self.assertMoney(january.amount_total, 1_000.0)
        january.action_submit()
        action = january.with_user(self.accountant).action_defer()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.accountant)
            .with_context(**action["context"])
            .create({"deferred_by": "partner", "reason": "Records not returned"})
        )
        wizard.action_confirm()
        self.assertEqual(january.state, "cancel")
        self.assertEqual(january.deferred_by, "partner")
        january_lines = january_invoice.sudo().incentive_line_ids
        self.assertFalse(january_lines.settlement_line_id, "the lines wait")
        # settling January again does not settle the deferred beneficiary
        self.assertFalse(self._settle("2026-01-31"))
        february_invoice = self._sell(5_000.0, date="2026-02-10")
        february = self._settle("2026-02-28")
        self.assertEqual(len(february), 1)
        self.assertMoney(february.amount_total, 1_500.0, "both months, once")
        self.assertEqual(january.deferred_into_id, february)
        self.assertEqual(
            (january_lines | february_invoice.sudo().incentive_line_ids).settlement_id,
            february,
        )
        self.assertIn("2026-01", february.deferral_note)
        self.assertIn("Records not returned", february.deferral_note)
        self.assertIn("partner", february.deferral_note)
        self.assertTrue(
            february.message_ids.filtered(
                lambda m: "Records not returned" in (m.body or "")
            )
        )
        # a new run of February replaces the draft and keeps saying why
        february_again = self._settle("2026-02-28")
        self.assertMoney(february_again.amount_total, 1_500.0)
        self.assertEqual(january.deferred_into_id, february_again)
        self._close(february_again)
        self.assertEqual(february_again.state, "posted")

    def test_deferral_needs_a_reason_and_the_right_people(self):
        self._sell(10_000.0, date="2026-01-15")
        january = self._settle("2026-01-31")
        with self.assertRaises(AccessError):
            january.with_user(self.rep).action_defer()
        with self.assertRaises(UserError):
            january._do_defer("  ", "staff")
        self.assertEqual(january.state, "draft")
        january.with_user(self.manager)._check_can_defer()
        self._close(january)
        with self.assertRaises(UserError):
            january._check_can_defer()

    def test_rep_cannot_see_the_board(self):
        with freeze_time("2026-02-03"):
            self.PeriodStep._cron_settlement_calendar()
        step = self._step(date(2026, 2, 1), "approved")
        with self.assertRaises(AccessError):
            self.PeriodStep.with_user(self.rep).search([])
        with self.assertRaises(AccessError):
            step.with_user(self.rep).action_done()
        with self.assertRaises(AccessError):
            step.with_user(self.manager).write({"state": "done"})
        step.with_user(self.manager).note = "Waiting for two partners"
        self.assertTrue(self.PeriodStep.with_user(self.accountant).search([]))
