# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Bo Han on the Intercity Logistics plan (seed 002, 城际物流营销部), mixed
into ``TestDemoCompany``."""

from dateutil.relativedelta import relativedelta

from odoo import fields

MODULE = "sale_incentive"


class DemoKpiPayMixin:
    """``test_demo_kpipay_*`` (needs ``self.env`` on the demo company)."""

    def _kpipay_settlements(self):
        bo = self.env.ref(f"{MODULE}.demo_user_rep_bo")
        return self.env["sale.incentive.settlement"].search(
            [
                ("plan_id", "=", self.env.ref(f"{MODULE}.demo_plan_intercity").id),
                ("partner_id", "=", bo.partner_id.id),
                ("state", "!=", "cancel"),
            ],
            order="date_from",
        )

    def test_demo_kpipay_seed_month_pays_10875(self):
        """Two months ago: 8.5 points x 1,500 + 200,000 x 4 % + (30,000 -
        10,000) x 8 % = 10,875.00, posted, its components shown."""
        first = fields.Date.context_today(self.env.user).replace(day=1)
        settlements = self._kpipay_settlements()
        self.assertEqual(
            settlements.mapped("state"), ["paid", "posted", "draft"], settlements
        )
        seed = settlements.filtered(
            lambda s: s.date_from == first - relativedelta(months=2)
        )
        amounts = {c.component: c.amount for c in seed.line_ids}
        self.assertEqual(amounts, {"commission": 9_600.0, "kpi_amount": 1_275.0})
        self.assertEqual(seed.amount_total, 10_875.0)
        scored = seed.line_ids.filtered(lambda c: c.component == "kpi_amount")
        self.assertIn("85", scored.name)
        self.assertEqual(
            -sum(seed._get_payable_lines().mapped("balance")), seed.amount_payable
        )

    def test_demo_kpipay_off_route_pays_on_net_profit(self):
        """Off-route loads (15,000, carrier cost 5,000) pay 8 % of 10,000 a
        load; own-route trucks 4 % of their revenue."""
        plan = self.env.ref(f"{MODULE}.demo_plan_intercity")
        carrier = self.env.ref(f"{MODULE}.demo_product_partner_carrier")
        lines = self.env["sale.incentive.line"].search(
            [("plan_id", "=", plan.id), ("kind", "=", "invoice")]
        )
        off_route = lines.filtered(lambda l: l.product_id == carrier)
        self.assertTrue(off_route)
        for line in off_route:
            self.assertEqual(line.base_amount, 10_000.0 * line.quantity)
            self.assertEqual(line.amount, 800.0 * line.quantity)
        for line in lines - off_route:
            self.assertEqual(line.amount, line.base_amount * 0.04)
