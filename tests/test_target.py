# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.sale_incentive.engine import periods

from .common import IncentiveCase


@tagged("post_install", "-at_install")
class TestTarget(IncentiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=3.0, users=cls.rep | cls.rep_b | cls.rep_c)
        cls.today = fields.Date.today()
        cls.month_from, cls.month_to = periods.period_bounds(cls.today, "month")
        cls.next_month = cls.month_from + relativedelta(months=1)
        cls.Target = cls.env["sale.incentive.target"]
        cls.target = cls.Target.create(
            {
                "plan_id": cls.plan.id,
                "user_id": cls.rep.id,
                "date_from": cls.month_from,
                "amount": 10_000.0,
            }
        )

    def _sell(self, user, qty):
        order = self._order([(self.product, qty, 1000.0)], user=user)
        return self._invoice(order, date=self.today)

    def test_achievement_from_earned_lines(self):
        self._sell(self.rep, 9)
        self._sell(self.rep_b, 2)
        team_target = self.Target.create(
            {
                "plan_id": self.plan.id,
                "team_id": self.team.id,
                "date_from": self.month_from,
                "amount": 20_000.0,
            }
        )
        targets = self.target | team_target
        targets.invalidate_recordset(["achieved", "achievement"])
        self.assertMoney(self.target.achieved, 9_000.0)
        self.assertAlmostEqual(self.target.achievement, 90.0, places=6)
        self.assertMoney(team_target.achieved, 11_000.0)
        self.assertAlmostEqual(team_target.achievement, 55.0, places=6)
        self.assertEqual(self.target.measure, "invoiced_revenue")
        # the settlement's entry point: every beneficiary in one call; a rep
        # without a target gets the plan's default target
        self.plan.target_amount = 5_000.0
        self.assertEqual(
            self.plan._get_incentive_targets(
                self.rep | self.rep_b, self.month_from, self.month_to
            ),
            {self.rep: 10_000.0, self.rep_b: 5_000.0},
        )

    def test_bad_targets(self):
        with self.assertRaisesRegex(ValidationError, "closed"), self.env.cr.savepoint():
            self.Target.create(
                {
                    "plan_id": self.plan.id,
                    "user_id": self.rep_b.id,
                    "date_from": self.month_from - relativedelta(months=1),
                    "amount": 5_000.0,
                }
            )
        with (
            self.assertRaisesRegex(ValidationError, "already has a target"),
            self.env.cr.savepoint(),
        ):
            self.Target.create(
                {
                    "plan_id": self.plan.id,
                    "user_id": self.rep.id,
                    "period": "quarter",
                    "date_from": periods.period_bounds(self.today, "quarter")[0],
                    "amount": 5_000.0,
                }
            )
        with (
            self.assertRaisesRegex(ValidationError, "either for a salesperson"),
            self.env.cr.savepoint(),
        ):
            self.Target.create(
                {
                    "plan_id": self.plan.id,
                    "user_id": self.rep_b.id,
                    "team_id": self.team.id,
                    "date_from": self.next_month,
                    "amount": 5_000.0,
                }
            )
        with (
            self.assertRaisesRegex(ValidationError, "first day"),
            self.env.cr.savepoint(),
        ):
            self.Target.create(
                {
                    "plan_id": self.plan.id,
                    "user_id": self.rep_b.id,
                    "date_from": self.next_month + relativedelta(days=3),
                    "amount": 5_000.0,
                }
            )
        self.assertEqual(
            self.Target.search([("plan_id", "=", self.plan.id)]).mapped(
                lambda t: (t.user_id.login, str(t.date_from), t.period)
            ),
            [("rep_a", str(self.month_from), "month")],
        )

    def test_generate_from_previous_period(self):
        self.Target.create(
            {
                "plan_id": self.plan.id,
                "user_id": self.rep_b.id,
                "date_from": self.month_from,
                "amount": 4_000.0,
            }
        )
        form = Form(self.env["sale.incentive.target.generate"])
        form.plan_id = self.plan
        form.date_from = self.next_month + relativedelta(days=10)
        form.increase = 10.0
        action = form.save().action_generate()
        new = self.Target.search(action["domain"])
        self.assertEqual(
            {(t.user_id, t.date_from, t.amount) for t in new},
            {
                (self.rep, self.next_month, 11_000.0),
                (self.rep_b, self.next_month, 4_400.0),
            },
        )

    def test_generate_from_achievement(self):
        self._sell(self.rep, 9)
        self._sell(self.rep_c, 3)
        wizard = self.env["sale.incentive.target.generate"].create(
            {
                "plan_id": self.plan.id,
                "date_from": self.next_month,
                "basis": "achieved",
                "increase": 10.0,
            }
        )
        new = self.Target.search(wizard.action_generate()["domain"])
        amounts = {t.user_id: t.amount for t in new}
        self.assertEqual(
            amounts, {self.rep: 9_900.0, self.rep_b: 0.0, self.rep_c: 3_300.0}
        )

    def test_access(self):
        other = self.Target.create(
            {
                "plan_id": self.plan.id,
                "user_id": self.rep_c.id,
                "date_from": self.month_from,
                "amount": 1_000.0,
            }
        )
        team_target = self.Target.create(
            {
                "plan_id": self.plan.id,
                "user_id": self.rep_b.id,
                "date_from": self.month_from,
                "amount": 1_000.0,
            }
        )
        domain = [("plan_id", "=", self.plan.id)]
        self.assertEqual(self.Target.with_user(self.rep).search(domain), self.target)
        with self.assertRaises(AccessError):
            self.Target.with_user(self.rep).create(
                {
                    "plan_id": self.plan.id,
                    "user_id": self.rep.id,
                    "date_from": self.next_month,
                    "amount": 1.0,
                }
            )
        # the manager leads rep and rep_b's team, not rep_c's
        self.assertEqual(
            self.Target.with_user(self.manager).search(domain),
            self.target | team_target,
        )
        self.target.with_user(self.manager).amount = 12_000.0
        self.assertEqual(self.target.amount, 12_000.0)
        with self.assertRaises(AccessError):
            other.with_user(self.manager).amount = 1.0

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.env.user.company_ids += other
        plan_b = self._make_plan(rate=1.0, company_id=other.id).with_company(other)
        target_b = self.Target.with_company(other).create(
            {
                "plan_id": plan_b.id,
                "user_id": self.rep.id,
                "date_from": self.month_from,
                "amount": 1_000.0,
            }
        )
        self.assertEqual(target_b.company_id, other)
        domain = [("user_id", "=", self.rep.id)]
        for user in (self.rep, self.manager, self.incentive_admin):
            self.assertEqual(
                self.Target.with_user(user).search(domain), self.target, user.login
            )
        self.assertEqual(
            self.Target.with_context(allowed_company_ids=[other.id]).search(domain),
            target_b,
        )
