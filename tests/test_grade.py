"""Grades (issue 21.2, seed 002 考核与晋升): the review proposes, the manager
approves, the grade's plans cover the person from the next period."""

import datetime

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..engine import periods
from .test_settlement import SettlementCase

# seed 002, 大客户总监: team month ≤800万 / 800-1500万 / 1500-2300万 / >2300万
DIRECTOR_BANDS = [
    (0, 8_000_000, 8_000, 2_000),
    (8_000_000, 15_000_000, 8_000, 3_000),
    (15_000_000, 23_000_000, 12_000, 3_000),
    (23_000_000, 0, 13_000, 3_000),
]


@tagged("post_install", "-at_install")
class TestGrade(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.member_ids += cls.rep_c
        cls.kpi = cls.env["sale.incentive.kpi"].create(
            {
                "name": "Marketing-centre tasks",
                "code": "marketing_tasks",
                "company_id": cls.env.company.id,
                "category": "process",
                "source": "manual",
                "unit": "count",
            }
        )
        cls.sales_plan = cls._make_plan(
            rate=2.0, name="Ordinary sales", user_ids=[Command.clear()]
        )
        cls.ka_plan = cls._make_plan(
            rate=5.0,
            name="Key accounts",
            users=cls.rep | cls.rep_b | cls.rep_c,
            target_amount=10_000.0,
        )
        cls.director_plan = cls._make_plan(
            rate=0.0,
            name="Key-account director",
            activate=False,
            user_ids=[Command.clear()],
            team_ids=[Command.set(cls.team.ids)],
            override_percent=0.25,
            band_measure="team_sales",
            pay_band_ids=[
                Command.create(
                    {
                        "amount_from": low,
                        "amount_to": high,
                        "base_pay": base,
                        "performance_pay": performance,
                    }
                )
                for low, high, base, performance in DIRECTOR_BANDS
            ],
        )
        Grade = cls.env["sale.incentive.grade"]
        cls.sales_grade = Grade.create(
            {"name": "Salesperson", "sequence": 30, "plan_ids": cls.sales_plan.ids}
        )
        cls.ka_grade = Grade.create(
            {"name": "Key-account rep", "sequence": 20, "plan_ids": cls.ka_plan.ids}
        )
        cls.director_grade = Grade.create(
            {
                "name": "Key-account director",
                "sequence": 10,
                "plan_ids": cls.director_plan.ids,
            }
        )
        cls.ka_rule = cls.env["sale.incentive.grade.rule"].create(
            {
                "grade_id": cls.ka_grade.id,
                "kind": "kpi_streak",
                "kpi_id": cls.kpi.id,
                "kpi_threshold": 5,
                "streak_months": 3,
                "to_grade_id": cls.sales_grade.id,
            }
        )
        cls.director_rule = cls.env["sale.incentive.grade.rule"].create(
            {
                "grade_id": cls.director_grade.id,
                "kind": "team_targets",
                "target_plan_id": cls.ka_plan.id,
                "miss_percent": 50,
                "to_grade_id": cls.ka_grade.id,
                "approver_id": cls.incentive_admin.id,
            }
        )
        Assignment = cls.env["sale.incentive.grade.assignment"]
        Assignment.create(
            [
                {"user_id": user.id, "grade_id": cls.ka_grade.id}
                | {"date_from": "2026-01-01"}
                for user in cls.rep | cls.rep_b | cls.rep_c
            ]
            + [
                {
                    "user_id": cls.manager.id,
                    "grade_id": cls.director_grade.id,
                    "date_from": "2026-01-01",
                }
            ]
        )

    def _tasks(self, user, values):
        """Approved monthly values of the marketing-centre tasks of ``user``."""
        records = self.env["sale.incentive.kpi.value"].create(
            [
                {"kpi_id": self.kpi.id, "user_id": user.id, "date_from": month}
                | {"period": "month", "value": value}
                for month, value in values.items()
            ]
        )
        records.action_approve()
        return records

    def _others_pass(self, failing):
        """The other key-account reps complete their 5 tasks every month."""
        for user in (self.rep | self.rep_b | self.rep_c) - failing:
            self._tasks(user, {"2026-01-01": 5, "2026-02-01": 7, "2026-03-01": 5})

    def _history(self, user):
        return [
            (a.grade_id, str(a.date_from), a.date_to and str(a.date_to))
            for a in self.env["sale.incentive.grade.assignment"]
            .search([("user_id", "=", user.id)])
            .sorted("date_from")
        ]

    def test_three_failed_months_demote_from_the_next_month(self):
        march = self._sell(10_000.0, date="2026-03-20")
        self._others_pass(self.rep)
        self._tasks(self.rep, {"2026-01-01": 3, "2026-02-01": 4, "2026-03-01": 2})
        change = self.ka_rule._review(datetime.date(2026, 3, 31))
        self.assertEqual(len(change), 1)
        self.assertEqual(change.user_id, self.rep)
        self.assertEqual(change.state, "proposed")
        self.assertEqual(
            (change.from_grade_id, change.to_grade_id),
            (self.ka_grade, self.sales_grade),
        )
        self.assertEqual(str(change.date_effective), "2026-04-01")
        self.assertIn("3, 4, 2", change.reason)
        self.assertIn("Marketing-centre tasks below 5", change.reason)
        # the team's manager gets the activity
        self.assertEqual(change.manager_id, self.manager)
        self.assertEqual(change.activity_ids.user_id, self.manager)
        # the review is idempotent
        self.assertFalse(self.ka_rule._review(datetime.date(2026, 3, 31)))
        # nothing moves before the approval; the rep cannot approve
        with self.assertRaises(AccessError):
            change.with_user(self.rep).action_approve()
        with self.assertRaises(AccessError):
            change.with_user(self.rep).write({"state": "approved"})
        self.assertEqual(
            self._history(self.rep), [(self.ka_grade, "2026-01-01", False)]
        )

        change.with_user(self.manager).action_approve()
        self.assertEqual(change.state, "applied")
        self.assertEqual(change.decided_by_id, self.manager)
        self.assertFalse(change.activity_ids)
        # history kept: key-account rep until March, salesperson from April
        self.assertEqual(
            self._history(self.rep),
            [
                (self.ka_grade, "2026-01-01", "2026-03-31"),
                (self.sales_grade, "2026-04-01", False),
            ],
        )
        self.assertEqual(change.assignment_id.grade_id, self.sales_grade)
        # March stays under the key-account plan, April is on the ordinary one
        april = self._sell(10_000.0, date="2026-04-15")
        self.assertEqual(march.incentive_line_ids.plan_id, self.ka_plan)
        self.assertEqual(april.incentive_line_ids.plan_id, self.sales_plan)
        self.assertMoney(sum(april.incentive_line_ids.mapped("amount")), 200.0)
        # a late March document still earns under the grade of its date
        late = self._sell(1_000.0, date="2026-03-25")
        self.assertEqual(late.incentive_line_ids.plan_id, self.ka_plan)
        # March is settled under the key-account plan (5 % of 11,000), April
        # under the ordinary one (2 % of 10,000)
        march_settlements = self._settle("2026-03-31", plans=self.ka_plan)
        mine = march_settlements.filtered(lambda s: s.partner_id == self.rep.partner_id)
        self.assertMoney(mine.amount_payable, 550.0)
        settlements = self._settle("2026-04-30", plans=self.ka_plan | self.sales_plan)
        mine = settlements.filtered(lambda s: s.partner_id == self.rep.partner_id)
        self.assertEqual(mine.plan_id, self.sales_plan)
        self.assertMoney(mine.amount_payable, 200.0)

    def test_two_failed_then_one_passed_changes_nothing(self):
        self._others_pass(self.rep)
        self._tasks(self.rep, {"2026-01-01": 3, "2026-02-01": 2, "2026-03-01": 6})
        self.assertFalse(self.ka_rule._review(datetime.date(2026, 3, 31)))
        self.assertFalse(
            self.env["sale.incentive.grade.change"].search(
                [("user_id", "=", self.rep.id)]
            )
        )
        self.assertEqual(
            self._history(self.rep), [(self.ka_grade, "2026-01-01", False)]
        )

    def test_director_demoted_when_most_of_the_team_missed(self):
        # default target 10,000 a month: 30,000 for the quarter; only the
        # rep reaches it, rep_b and rep_c sell nothing
        self._sell(40_000.0, date="2026-02-10")
        change = self.director_rule._review(datetime.date(2026, 3, 31))
        self.assertEqual(change.user_id, self.manager)
        self.assertEqual(change.to_grade_id, self.ka_grade)
        self.assertIn("2 of the 3 members of Key Accounts", change.reason)
        self.assertEqual(change.manager_id, self.incentive_admin)
        # the director does not approve their own demotion
        with self.assertRaises(UserError):
            change.with_user(self.manager).action_approve()
        self.assertEqual(change.state, "proposed")
        change.with_user(self.incentive_admin).action_approve()
        self.assertEqual(
            self._history(self.manager),
            [
                (self.director_grade, "2026-01-01", "2026-03-31"),
                (self.ka_grade, "2026-04-01", False),
            ],
        )
        # the director grade shows the 002 pay bands of its plan
        self.assertEqual(
            self.director_grade.pay_band_ids.mapped("base_pay"),
            [8_000.0, 8_000.0, 12_000.0, 13_000.0],
        )

    def test_director_kept_when_half_the_team_reached(self):
        self._sell(40_000.0, date="2026-02-10")
        self._sell(40_000.0, date="2026-03-10", user=self.rep_b)
        self.assertFalse(self.director_rule._review(datetime.date(2026, 3, 31)))

    def test_refused_change_keeps_the_grade(self):
        self._others_pass(self.rep_b)
        self._tasks(self.rep_b, {"2026-01-01": 0, "2026-02-01": 1, "2026-03-01": 4})
        change = self.ka_rule._review(datetime.date(2026, 3, 31))
        self.assertEqual(change.user_id, self.rep_b)
        change.with_user(self.manager).action_refuse()
        self.assertEqual(change.state, "refused")
        self.assertEqual(
            self._history(self.rep_b), [(self.ka_grade, "2026-01-01", False)]
        )
        with self.assertRaises(UserError):
            change.with_user(self.manager).action_approve()
        # refused once for the period: not proposed again
        self.assertFalse(self.ka_rule._review(datetime.date(2026, 3, 31)))

    def test_scheduled_review_proposes_once(self):
        # a rep holding the grade for six months, without any task entered
        today = fields.Date.context_today(self.env.user)
        newcomer = self._make_user("rep_d", self.rep.groups_id)
        self.env["sale.incentive.grade.assignment"].create(
            {
                "user_id": newcomer.id,
                "grade_id": self.ka_grade.id,
                "date_from": today.replace(day=1) - relativedelta(months=6),
            }
        )
        Change = self.env["sale.incentive.grade.change"]
        cron = self.env.ref("sale_incentive.ir_cron_review_grades")
        cron.method_direct_trigger()
        change = Change.search([("user_id", "=", newcomer.id)])
        self.assertEqual(change.state, "proposed")
        self.assertEqual(change.date_effective, today.replace(day=1))
        before = Change.search([])
        cron.method_direct_trigger()
        self.assertEqual(Change.search([]), before)

    def test_future_change_waits_for_its_date(self):
        today = fields.Date.context_today(self.env.user)
        end = periods.period_bounds(today + relativedelta(months=2), "month")[1]
        self._others_pass(self.rep)
        changes = self.ka_rule._review(end)
        change = changes.filtered(lambda c: c.user_id == self.rep)
        change.with_user(self.manager).action_approve()
        self.assertEqual(change.state, "approved")
        effective = end + datetime.timedelta(days=1)
        self.assertEqual(
            self._history(self.rep),
            [
                (self.ka_grade, "2026-01-01", str(end)),
                (self.sales_grade, str(effective), False),
            ],
        )
        # key-account plan until the effective date, the ordinary plan after
        self.assertTrue(self.ka_plan._covers_user(self.rep, today))
        self.assertFalse(self.sales_plan._covers_user(self.rep, today))
        self.assertFalse(self.ka_plan._covers_user(self.rep, effective))
        self.assertTrue(self.sales_plan._covers_user(self.rep, effective))
        # the scheduled action marks it applied only once its date has come
        self.env.ref("sale_incentive.ir_cron_review_grades").method_direct_trigger()
        self.assertEqual(change.state, "approved")
