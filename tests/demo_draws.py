# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The demo rep on a draw (issue 22.2), mixed into ``TestDemoCompany``."""


class DemoDrawsMixin:
    def test_demo_draws_balance(self):
        """Hao Lin's draw of 3,000: topped up twice, then 2,000 recovered
        (the cap), 1,000 left to recover, shown on the draw and the last
        settlement."""
        draw = self.env.ref("sale_incentive.demo_draw_hao")
        settlements = self.env["sale.incentive.settlement"].search(
            [("plan_id", "=", draw.plan_id.id)], order="date_to"
        )
        self.assertEqual(len(settlements), 3)
        self.assertEqual(settlements.mapped("state"), ["paid", "posted", "posted"])
        self.assertEqual(settlements.mapped("amount_payable"), [3000.0, 3000.0, 4000.0])
        self.assertEqual(
            [
                [(c.component, c.amount) for c in s.line_ids if c.draw_id]
                for s in settlements
            ],
            [[("draw", 1800.0)], [("draw", 1200.0)], [("draw_recovery", -2000.0)]],
        )
        self.assertEqual(settlements.mapped("draw_balance"), [1800.0, 3000.0, 1000.0])
        self.assertEqual(draw.balance, 1000.0)
        # the rep reads his own terms and balance
        hao = self.env.ref("sale_incentive.demo_user_rep_hao")
        self.assertEqual(draw.with_user(hao).balance, 1000.0)
