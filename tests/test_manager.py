# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The manager's daily work (issue #10): team board, settlements waiting for
them, credit disputes, under-performance alerts; settling with nothing to
settle; generating the targets of the current period."""

import ast

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import BaseCase, Form, tagged

from odoo.addons.sale_incentive.engine import alerts, periods

from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestAlertEngine(BaseCase):
    def test_streak_of_periods_below_the_threshold(self):
        results = [(100, 90), (100, 50), (100, 40), (100, 59.99)]
        self.assertEqual(alerts.trailing_streak(results, 60), 3)
        self.assertEqual(alerts.streak_start(results, 60, 3), 1)
        self.assertIsNone(alerts.streak_start(results, 60, 4))
        # exactly 60 % is not below 60 %
        self.assertEqual(alerts.trailing_streak([(100, 50), (100, 60)], 60), 0)
        # a period without a target breaks the streak
        results = [(100, 10), (0, 0), (100, 10), (100, 10)]
        self.assertEqual(alerts.trailing_streak(results, 60), 2)
        self.assertIsNone(alerts.streak_start(results, 60, 3))
        # the whole window below: the streak starts at its first period
        self.assertEqual(alerts.streak_start([(100, 1)] * 3, 60, 3), 0)
        self.assertIsNone(alerts.streak_start([(100, 1)] * 3, 60, 0))


@tagged("post_install", "-at_install")
class TestUnderperformanceAlerts(SettlementCase):
    """Seed 002: 连续3个月未能完成定额60% — the manager gets an activity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        cls.months = [
            periods.period_bounds(today - relativedelta(months=n), "month")[0]
            for n in (4, 3, 2, 1)
        ]
        cls.plan = cls._make_plan(
            rate=3.0,
            users=cls.rep | cls.rep_b,
            target_amount=10_000.0,
            date_from=cls.months[0] - relativedelta(months=6),
        )
        cls.alert_type = cls.env.ref("sale_incentive.mail_activity_underperformance")

    def _sell_months(self, user, amounts):
        for month, amount in zip(self.months, amounts, strict=True):
            if amount:
                self._sell(amount, date=month + relativedelta(days=9), user=user)

    def _alerts(self, user):
        return (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", user.partner_id.id),
                    ("activity_type_id", "=", self.alert_type.id),
                ]
            )
        )

    def test_three_periods_below_60_percent_alert_the_manager_once(self):
        # rep: 80 %, then 50 %, 55 %, 30 % of the 10,000 target
        self._sell_months(self.rep, [8_000.0, 5_000.0, 5_500.0, 3_000.0])
        # rep_b: below, 70 %, below, below: a streak of 2
        self._sell_months(self.rep_b, [1_000.0, 7_000.0, 1_000.0, 1_000.0])
        cron = self.env.ref("sale_incentive.ir_cron_underperformance_alerts")
        cron.method_direct_trigger()
        alert = self._alerts(self.rep)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.user_id, self.manager)
        self.assertEqual(alert.summary, "Rep_A below 60% of target for 3 periods")
        self.assertIn("3 closed periods in a row under: Plan", alert.note)
        self.assertFalse(self._alerts(self.rep_b))
        # every night: no duplicate, open or done, while the streak lasts
        cron.method_direct_trigger()
        self.assertEqual(self._alerts(self.rep), alert)
        alert.with_user(self.manager).action_feedback(feedback="Coaching planned")
        self.assertFalse(alert.active)
        cron.method_direct_trigger()
        self.assertEqual(self._alerts(self.rep), alert)

    def test_settings_decide_threshold_and_periods(self):
        self._sell_months(self.rep, [8_000.0, 5_000.0, 5_500.0, 3_000.0])
        self._sell_months(self.rep_b, [6_000.0, 6_500.0, 6_100.0, 6_900.0])
        settings = self.env["res.config.settings"].create({})
        settings.incentive_alert_periods = 4
        settings.incentive_alert_percent = 70.0
        settings.execute()
        self.env["sale.incentive.target"]._cron_underperformance_alerts()
        # rep: only 3 periods below; rep_b: 4 periods below 70 %
        self.assertFalse(self._alerts(self.rep))
        alert = self._alerts(self.rep_b)
        self.assertEqual(alert.summary, "Rep_B below 70% of target for 4 periods")
        self.assertEqual(alert.user_id, self.manager)


@tagged("post_install", "-at_install")
class TestCreditDispute(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(
            rate=3.0,
            users=cls.rep | cls.rep_b,
            attribution_policy="owner",
            attribution_closer_share=70.0,
        )
        cls.customer.incentive_owner_id = cls.rep_b

    def test_dispute_asks_a_reason_and_gives_the_manager_an_activity(self):
        order = self._order([(self.product, 1, 1000.0)])
        self.assertEqual(order.incentive_share_ids.user_id, self.rep_b)
        action = order.with_user(self.rep).action_incentive_dispute()
        self.assertEqual(action["res_model"], "sale.incentive.conflict.dispute")
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.rep)
            .with_context(**action["context"])
        )
        with self.assertRaisesRegex(AssertionError, "reason"):
            form.save()
        with self.assertRaisesRegex(UserError, "Say why"):
            order.with_user(self.rep)._incentive_dispute("  ")
        self.assertFalse(order.incentive_conflict)
        self._dispute(order, self.rep, "I closed it after six visits")
        self.assertTrue(order.incentive_conflict)
        self.assertEqual(order.incentive_dispute_user_id, self.rep)
        activity = order.activity_ids
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("sale_incentive.mail_activity_credit_dispute"),
        )
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.summary, "Rep_A disputes the credit")
        self.assertIn("I closed it after six visits", activity.note)
        self.assertIn(
            "Rep_A disputes the commission credit of this order: I closed it "
            "after six visits",
            order.message_ids.sorted("id")[-1].body,
        )

    def test_resolve_wizard_starts_from_the_dispute(self):
        order = self._order([(self.product, 1, 1000.0)])
        self._dispute(order, self.rep, "My deal")
        action = order.with_user(self.manager).action_incentive_resolve()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
        )
        # the claimant is proposed; the split as the plan splits closer/owner
        self.assertEqual(form.mode, "reassign")
        self.assertEqual(form.user_id, self.rep)
        form.reason = "He closed it"
        wizard = form.save()
        self.assertEqual(
            [(line.user_id, line.share) for line in wizard.line_ids],
            [(self.rep, 70.0), (self.rep_b, 30.0)],
        )
        wizard.action_resolve()
        self.assertFalse(order.incentive_conflict)
        self.assertEqual(
            [(s.user_id, s.share) for s in order.incentive_share_ids],
            [(self.rep, 100.0)],
        )
        self.assertFalse(order.activity_ids)
        self._run_forecast_job()
        self.assertMoney(
            sum(self._lines(order_id=order.id, kind="forecast").mapped("amount")),
            30.0,
        )


@tagged("post_install", "-at_install")
class TestTeamBoard(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.month_from = periods.period_bounds(cls.today, "month")[0]
        cls.plan = cls._make_plan(rate=3.0, users=cls.rep | cls.rep_b)
        cls.Target = cls.env["sale.incentive.target"]
        cls.targets = cls.Target.create(
            [
                {
                    "plan_id": cls.plan.id,
                    "user_id": user.id,
                    "date_from": cls.month_from,
                    "amount": amount,
                }
                for user, amount in ((cls.rep, 10_000.0), (cls.rep_b, 8_000.0))
            ]
        )

    def test_board_shows_target_progress_forecast_and_earned(self):
        self._sell(4_000.0, date=self.today)
        self._order([(self.product, 2, 1000.0)])  # confirmed, not invoiced
        self._sell(2_000.0, date=self.today, user=self.rep_b)
        self._run_forecast_job()  # as the cron worker does after confirming
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_incentive.action_sale_incentive_team_board"
        )
        self.assertTrue(action["view_mode"].startswith("kanban"))
        board = self.Target.with_user(self.manager).search(
            ast.literal_eval(action["domain"])
            + [
                ("date_from", "<=", self.today),
                ("date_to", ">=", self.today),
                ("user_team_id.user_id", "=", self.manager.id),
            ]
        )
        self.assertEqual(board, self.targets)
        figures = {
            t.user_id: (
                t.amount,
                t.achieved,
                round(t.achievement, 2),
                t.forecast_amount,
                t.earned_amount,
            )
            for t in board
        }
        self.assertEqual(
            figures,
            {
                # forecast: the confirmed orders of the period (6,000 sold)
                self.rep: (10_000.0, 4_000.0, 40.0, 180.0, 120.0),
                self.rep_b: (8_000.0, 2_000.0, 25.0, 60.0, 60.0),
            },
        )

    def test_settlements_waiting_for_me(self):
        self._sell(4_000.0, date="2026-03-10")
        self._sell(1_000.0, date="2026-03-10", user=self.rep_b)
        settlements = self._settle("2026-03-31")
        settlements.action_submit()
        Settlement = self.Settlement.with_user(self.manager)
        waiting = Settlement.search([("can_approve", "=", True)])
        self.assertEqual(waiting, settlements)
        self.assertFalse(
            self.Settlement.with_user(self.rep).search([("can_approve", "=", True)])
        )
        settlements[0].with_user(self.manager).action_approve()
        self.assertEqual(
            Settlement.search([("can_approve", "=", True)]), settlements[1]
        )
        self.assertEqual(
            Settlement.search([("can_approve", "!=", True)]) & settlements,
            settlements[0],
        )
        self.assertEqual(settlements.team_id, self.team)


@tagged("post_install", "-at_install")
class TestNothingToSettle(SettlementCase):
    def _refusal(self, plan, date="2026-03-31"):
        """The message of the settle wizard refusing to settle ``plan``."""
        wizard = self.env["sale.incentive.settle.wizard"].create(
            {"period": "month", "date": date, "plan_ids": [Command.set(plan.ids)]}
        )
        with self.assertRaises(UserError) as caught:
            wizard.action_settle()
        return str(caught.exception)

    def test_nothing_earned(self):
        plan = self._make_plan(rate=3.0, name="Key Accounts")
        self.assertEqual(
            self._refusal(plan),
            "Nothing to settle for 2026-03-01 – 2026-03-31. Key Accounts: "
            "nothing was earned.",
        )

    def test_invoices_wait_for_payment(self):
        plan = self._make_plan(rate=3.0, name="On Payment", basis="paid")
        self._sell(1_000.0, date="2026-03-15")
        self.assertEqual(
            self._refusal(plan),
            "Nothing to settle for 2026-03-01 – 2026-03-31. On Payment: no line "
            "is earned yet: 1 invoiced lines wait for their payment.",
        )

    def test_plan_not_active(self):
        draft = self._make_plan(rate=3.0, name="Draft Plan", activate=False)
        self.assertEqual(
            self._refusal(draft),
            "Nothing to settle for 2026-03-01 – 2026-03-31. Draft Plan: the plan "
            "is not active (Draft).",
        )


@tagged("post_install", "-at_install")
class TestGenerateTargetsDefault(SettlementCase):
    def test_generate_targets_on_the_default_period(self):
        plan = self._make_plan(
            rate=3.0, users=self.rep | self.rep_b, target_amount=5_000.0
        )
        form = Form(self.env["sale.incentive.target.generate"])
        form.plan_id = plan
        action = form.save().action_generate()
        targets = self.env["sale.incentive.target"].search(action["domain"])
        month_from = periods.period_bounds(
            fields.Date.context_today(self.env.user), "month"
        )[0]
        self.assertEqual(
            {(t.user_id, t.date_from, t.amount) for t in targets},
            {(self.rep, month_from, 5_000.0), (self.rep_b, month_from, 5_000.0)},
        )


@tagged("post_install", "-at_install")
class TestManagerI18n(SettlementCase):
    """The manager's new screens and messages in Simplified Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._activate_zh_cn()

    def test_nothing_to_settle_and_team_board_in_chinese(self):
        zh_env = self.env(context=dict(self.env.context, lang="zh_CN"))
        plan = self._make_plan(rate=3.0, name="Key Accounts")
        wizard = zh_env["sale.incentive.settle.wizard"].create(
            {
                "period": "month",
                "date": "2026-03-31",
                "plan_ids": [Command.set(plan.ids)],
            }
        )
        with self.assertRaises(UserError) as caught:
            wizard.action_settle()
        self.assertEqual(
            str(caught.exception),
            "2026-03-01 – 2026-03-31 没有可结算的提成。"
            "Key Accounts：本期没有已确认的提成。",
        )
        arch = zh_env["sale.incentive.target"].get_views([(False, "kanban")])["views"][
            "kanban"
        ]["arch"]
        for term in ("已达成", "预估", "已确认", "目标"):
            self.assertIn(term, arch)
        self.assertEqual(
            zh_env.ref("sale_incentive.menu_sale_incentive_team_board").name, "团队看板"
        )
