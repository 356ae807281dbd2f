# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The demo company's settlement calendar and deferred settlement (issue
21.5), mixed into ``TestDemoCompany``."""

from odoo import fields

MODULE = "sale_incentive"


class DemoCalendarMixin:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a demo database installed before this demo file was added (a demo
        # file is not loaded again by an update): loaded as the
        # installation loads it, inside the test's transaction (idempotent)
        if not cls.env["sale.incentive.period.step"].search_count([]):
            cls.env["sale.incentive.demo"]._load_demo_calendar()

    def test_demo_calendar_board(self):
        """The last months' steps: some done by their owners or by
        themselves, the late ones past their deadline, each open step with
        an activity for its owners."""
        company = self.env.ref("base.main_company")
        today = fields.Date.context_today(self.env.user)
        steps = self.env["sale.incentive.period.step"].search(
            [("company_id", "=", company.id)]
        )
        self.assertGreaterEqual(len(set(steps.mapped("period_start"))), 3)
        self.assertTrue(steps.filtered(lambda s: s.state == "done"))
        late = steps.filtered(lambda s: s.state == "late")
        self.assertTrue(late)
        for step in late:
            self.assertLess(step.date_deadline, today, step.display_name)
        for step in steps.filtered(lambda s: s.state != "done"):
            self.assertTrue(step.owner_ids, step.display_name)
            self.assertEqual(
                step.activity_ids.user_id, step.owner_ids, step.display_name
            )
        manager = self.env.ref(f"{MODULE}.demo_user_manager_showroom")
        self.assertIn(manager, steps.done_by_id)

    def test_demo_calendar_deferred_settlement(self):
        """Yan's settlement deferred by the partner is paid with last
        month's, which says why."""
        yan = self.env.ref(f"{MODULE}.demo_user_rep_yan")
        deferred = self.env["sale.incentive.settlement"].search(
            [("partner_id", "=", yan.partner_id.id), ("deferred_by", "=", "partner")]
        )
        self.assertEqual(len(deferred), 1)
        self.assertEqual(deferred.state, "cancel")
        into = deferred.deferred_into_id
        self.assertTrue(into)
        self.assertNotEqual(into.state, "cancel")
        self.assertGreater(into.date_from, deferred.date_to)
        self.assertIn(deferred.date_from.strftime("%Y-%m"), into.deferral_note)
        # the deferred month's lines are paid by the later settlement, once
        lines = self.env["sale.incentive.line"].search(
            [
                ("partner_id", "=", yan.partner_id.id),
                ("plan_id", "=", deferred.plan_id.id),
                ("is_earned", "=", True),
                ("date", ">=", deferred.date_from),
                ("date", "<=", deferred.date_to),
            ]
        )
        self.assertTrue(lines)
        self.assertEqual(lines.settlement_id, into)
