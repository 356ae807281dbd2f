# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The champions and benefits of the demo company (issue 21.3), mixed into
``TestDemoCompany``."""

from odoo.exceptions import AccessError

MODULE = "sale_incentive"


class DemoChampionsMixin:
    def _champion_settlements(self):
        plan = self.env.ref(f"{MODULE}.demo_plan_champions")
        return self.env["sale.incentive.settlement"].search(
            [("plan_id", "=", plan.id), ("state", "in", ("posted", "paid"))]
        )

    def test_demo_champions_paid_in_settlements(self):
        settlements = self._champion_settlements()
        self.assertEqual(len(set(settlements.mapped("date_to"))), 5)
        awards = settlements.line_ids.filtered(lambda c: c.component == "award")
        # a month's champion every settled month (ties share the 300)
        months = awards.filtered(lambda c: c.message.startswith("champion"))
        self.assertEqual(
            set(months.settlement_id.mapped("date_to")),
            set(settlements.mapped("date_to")),
        )
        for date_to in set(settlements.mapped("date_to")):
            of_month = awards.filtered(
                lambda c, d=date_to: (
                    c.settlement_id.date_to == d
                    and c.message in ("champion", "champion_tied")
                )
            )
            self.assertEqual(sum(of_month.mapped("amount")), 300.0)
        # five months hold a quarter's end: its champion got 500
        quarter = awards.filtered(lambda c: c.message.startswith("champion_quarter"))
        self.assertTrue(quarter)
        self.assertEqual(sum(quarter.mapped("amount")) % 500.0, 0.0)
        self.assertIn("Champion of the quarter", quarter[0].name)
        for settlement in settlements:
            self.assertEqual(
                settlement.currency_id.compare_amounts(
                    settlement.amount_total, sum(settlement.line_ids.mapped("amount"))
                ),
                0,
            )

    def test_demo_champions_benefits_granted_used_expired(self):
        plan = self.env.ref(f"{MODULE}.demo_plan_champions")
        benefits = self.env["sale.incentive.benefit"].search(
            [("plan_id", "=", plan.id)]
        )
        self.assertEqual(set(benefits.mapped("state")), {"granted", "used", "expired"})
        lei = self.env.ref(f"{MODULE}.demo_user_rep")
        used = benefits.filtered(lambda b: b.state == "used")
        self.assertEqual(used.user_id, lei)
        # Lei reads his own, not Ming's (the other team)
        ming = benefits.filtered(
            lambda b: b.user_id == self.env.ref(f"{MODULE}.demo_user_rep_ming")
        )
        own = self.env["sale.incentive.benefit"].with_user(lei).search([])
        self.assertEqual(own, benefits.filtered(lambda b: b.user_id == lei))
        with self.assertRaises(AccessError):
            ming[:1].with_user(lei).read(["name"])
        # granted at posting: each on a posted settlement of its period
        for benefit in benefits:
            self.assertIn(benefit.settlement_id.state, ("posted", "paid"))
            self.assertEqual(benefit.settlement_id.date_to, benefit.period_to)
