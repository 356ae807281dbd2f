# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The demo's grades (issue 21.2), mixed into ``TestDemoCompany``."""

from odoo.exceptions import AccessError


class DemoGradesMixin:
    def test_demo_grades_demotion_waits_for_the_manager(self):
        ref = self.env.ref
        rep = ref("sale_incentive.demo_user_rep")
        manager = ref("sale_incentive.demo_user_manager")
        change = self.env["sale.incentive.grade.change"].search(
            [("user_id", "=", rep.id)]
        )
        self.assertEqual(len(change), 1)
        self.assertEqual(change.state, "proposed")
        self.assertEqual(change.to_grade_id, ref("sale_incentive.demo_grade_sales"))
        self.assertIn("3, 4, 2", change.reason)
        self.assertEqual(change.manager_id, manager)
        self.assertEqual(change.activity_ids.user_id, manager)
        # Jun Zhao completed their tasks: nothing proposed
        jun = ref("sale_incentive.demo_user_rep_jun")
        self.assertFalse(
            self.env["sale.incentive.grade.change"].search([("user_id", "=", jun.id)])
        )
        # the rep cannot approve their own move; the manager sees it waiting
        with self.assertRaises(AccessError):
            change.with_user(rep).action_approve()
        waiting = (
            self.env["sale.incentive.grade.change"]
            .with_user(manager)
            .search([("state", "=", "proposed"), ("manager_id", "=", manager.id)])
        )
        self.assertIn(change, waiting)

    def test_demo_grades_director_pay_bands(self):
        director = self.env.ref("sale_incentive.demo_grade_director")
        bands = director.pay_band_ids.sorted("amount_from")
        self.assertEqual(bands.mapped("base_pay"), [8000, 8000, 12000, 13000])
        self.assertEqual(bands.mapped("performance_pay"), [2000, 3000, 3000, 3000])
        self.assertEqual(director.plan_ids.override_percent, 0.25)
        # the history: the rep holds the key-account grade until approved
        rep = self.env.ref("sale_incentive.demo_user_rep")
        held = self.env["sale.incentive.grade.assignment"].search(
            [("user_id", "=", rep.id)]
        )
        self.assertEqual(
            held.grade_id, self.env.ref("sale_incentive.demo_grade_key_account")
        )
        self.assertFalse(held.date_to)
