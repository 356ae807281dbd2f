# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Projected payout of the open period (issue #20, finding 2): My
Commissions and the Team Board show what settling the open period now pays,
computed by the settlement's own run, rolled back."""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.sale_incentive.engine.periods import period_bounds

from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestProjectedPayout(SettlementCase):
    """A plan with an achievement coefficient (achieved / target, target
    20,000) and a 20 % holdback: 10 % of 10,000 invoiced this month is 1,000
    earned, 500 after the coefficient, 400 paid now."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(
            rate=10.0,
            users=cls.rep | cls.rep_b,
            target_amount=20_000.0,
            use_achievement_coefficient=True,
            holdback_percent=20.0,
        )
        today = fields.Date.context_today(cls.rep)
        cls.today = today
        cls.month, cls.month_end = period_bounds(today, "month")
        cls.last_month = period_bounds(cls.month - relativedelta(days=1), "month")[0]
        cls.Report = cls.env["sale.incentive.period.report"]
        cls.Target = cls.env["sale.incentive.target"]

    def _row(self, user, date_from=None, reader=None):
        rows = self.Report.with_user(reader or self.env.user).search(
            [
                ("plan_id", "=", self.plan.id),
                ("user_id", "=", user.id),
                ("date_from", "=", date_from or self.month),
            ]
        )
        self.assertEqual(len(rows), 1)
        return rows

    def _written(self):
        """What a settlement run writes, counted."""
        lines = self.env["sale.incentive.line"].search([])
        return {
            "settlements": self.Settlement.with_context(active_test=False).search_count(
                []
            ),
            "components": self.env["sale.incentive.settlement.line"].search_count([]),
            "linked lines": len(lines.filtered("settlement_id")),
            "messages": self.env["mail.message"].search_count([]),
            "followers": self.env["mail.followers"].search_count([]),
        }

    def _sell_this_month(self):
        self._sell(10_000.0, date=self.today)
        self._sell(30_000.0, date=self.today, user=self.rep_b)

    def test_projected_payout_is_what_settling_now_pays(self):
        self._sell_this_month()
        rows = {user: self._row(user) for user in (self.rep, self.rep_b)}
        projected = {user: row.projected_payout for user, row in rows.items()}
        self.assertTrue(all(row.is_open_period for row in rows.values()))
        # earned is the lines; the projection is after coefficient and holdback
        self.assertMoney(rows[self.rep].earned, 1_000.0)
        self.assertMoney(projected[self.rep], 400.0)
        # rep_b: coefficient 1.5 capped at 1.2, 3,600 less 20 % held
        self.assertMoney(projected[self.rep_b], 2_880.0)
        self.assertFalse(self.Settlement.search([("plan_id", "=", self.plan.id)]))
        settlements = self._settle(self.today)
        self.assertEqual(len(settlements), 2)
        for settlement in settlements:
            with self.subTest(user=settlement.user_id.name):
                self.assertTrue(self._component(settlement, "holdback"))
                self.assertMoney(
                    projected[settlement.user_id], settlement.amount_payable
                )

    def test_reading_the_projection_writes_nothing(self):
        self._sell_this_month()
        target = self.Target.create(
            {
                "plan_id": self.plan.id,
                "user_id": self.rep.id,
                "date_from": self.month,
                "amount": 20_000.0,
            }
        )
        self.env.flush_all()
        before = self._written()
        self.assertMoney(self._row(self.rep).projected_payout, 400.0)
        self.assertMoney(target.projected_payout, 400.0)
        self.env.flush_all()
        self.assertEqual(self._written(), before)
        self.assertFalse(self.Settlement.search([("plan_id", "=", self.plan.id)]))
        # the period can still be settled, as if never read
        self.assertEqual(len(self._settle(self.today)), 2)

    def test_rep_reads_only_their_own_projection(self):
        self._sell_this_month()
        rows = self.Report.with_user(self.rep).search(
            [("plan_id", "=", self.plan.id), ("date_from", "=", self.month)]
        )
        self.assertEqual(rows.user_id, self.rep)
        self.assertMoney(rows.projected_payout, 400.0)
        read = rows.read(["projected_payout", "earned"])
        self.assertMoney(read[0]["projected_payout"], 400.0)
        self.assertFalse(self.Settlement.search([("plan_id", "=", self.plan.id)]))

    def test_closed_period_shows_no_projection(self):
        self._sell(10_000.0, date=self.last_month + relativedelta(days=9))
        self._sell(10_000.0, date=self.today)
        closed = self._row(self.rep, self.last_month)
        self.assertFalse(closed.is_open_period)
        self.assertMoney(closed.projected_payout, 0.0)
        # the open period's settlement also takes last month's unsettled
        # line (as settling now would): 2,000 at coefficient 0.5, 20 % held
        self.assertMoney(self._row(self.rep).projected_payout, 800.0)
        settlement = self._settle(self.today).filtered(lambda s: s.user_id == self.rep)
        self.assertMoney(settlement.amount_payable, 800.0)

    def test_draft_of_the_open_period_is_replaced_as_the_wizard_does(self):
        self._sell_this_month()
        draft = self._settle(self.today)
        self.assertMoney(self._row(self.rep).projected_payout, 400.0)
        self.assertTrue(draft.exists())
        self.assertEqual(draft.incentive_line_ids.settlement_id, draft)

    def test_team_board_shows_the_projection_of_the_open_period(self):
        self._sell_this_month()
        targets = self.Target.create(
            [
                {
                    "plan_id": self.plan.id,
                    "user_id": user.id,
                    "date_from": self.month,
                    "amount": 20_000.0,
                }
                for user in (self.rep, self.rep_b)
            ]
        )
        board = self.Target.with_user(self.manager).search([("id", "in", targets.ids)])
        projected = {target.user_id: target.projected_payout for target in board}
        settlements = self._settle(self.today)
        for settlement in settlements:
            self.assertMoney(projected[settlement.user_id], settlement.amount_payable)
