# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Draws and guarantees (issue 22.2) on the real flow: orders, invoices,
customer payments, the settle wizard, the approval chain, the posting and
the forfeiture wizard."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestDraws(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 10 % of what the customers pay, month by month
        cls.plan = cls._make_plan(
            rate=10.0, name="Field sales", basis="paid", users=cls.rep | cls.rep_b
        )
        cls.Draw = cls.env["sale.incentive.draw"]

    def _draw(self, user=None, **values):
        return self.Draw.create(
            {
                "plan_id": self.plan.id,
                "user_id": (user or self.rep).id,
                "amount": 2_000.0,
                "date_from": "2026-01-01",
            }
            | values
        )

    def _month(self, month, commission, user=None):
        """``commission`` earned in 2026-``month`` (a sale paid that month),
        then the month settled and posted; the user's settlement."""
        user = user or self.rep
        if commission:
            invoice = self._sell(
                commission * 10, date=f"2026-{month:02d}-05", user=user
            )
            self._pay(invoice, date=f"2026-{month:02d}-10")
        settlements = self._settle(f"2026-{month:02d}-28")
        settlement = settlements.filtered(lambda s: s.user_id == user)
        self.assertEqual(len(settlement), 1)
        return self._close(settlement)

    def _components(self, settlement):
        return [(c.component, c.amount) for c in settlement.line_ids]

    # ------------------------------------------------------------------
    # Recoverable draw
    # ------------------------------------------------------------------
    def test_issue_example_2000_draw(self):
        """Commissions 500, 1,200, 5,000 under a draw of 2,000: paid 2,000,
        2,000, 2,700 and nothing left to recover."""
        draw = self._draw()
        january = self._month(1, 500.0)
        self.assertEqual(
            self._components(january), [("commission", 500.0), ("draw", 1_500.0)]
        )
        self.assertMoney(january.amount_payable, 2_000.0)
        self.assertMoney(january.draw_balance, 1_500.0)
        self.assertTrue(january.has_draw)
        line = self._component(january, "draw")
        self.assertEqual(line.draw_id, draw)
        self.assertIn("1,500.00", line.name)
        self.assertIn("balance to recover", line.name)
        self.assertMoney(draw.balance, 1_500.0)
        # the advance is booked with the commissions: expense, payable
        move = january.move_id
        self.assertMoney(self._balance(move, self.expense_account), 2_000.0)
        self.assertMoney(self._balance(move, self.payable_account), -2_000.0)
        self._pay_settlement(january, date="2026-02-05")
        self.assertEqual(january.state, "paid")

        february = self._month(2, 1_200.0)
        self.assertEqual(
            self._components(february), [("commission", 1_200.0), ("draw", 800.0)]
        )
        self.assertMoney(february.amount_payable, 2_000.0)
        draw.invalidate_recordset(["balance"])
        self.assertMoney(draw.balance, 2_300.0)

        march = self._month(3, 5_000.0)
        self.assertEqual(
            self._components(march),
            [("commission", 5_000.0), ("draw_recovery", -2_300.0)],
        )
        self.assertMoney(march.amount_payable, 2_700.0)
        self.assertMoney(march.draw_balance, 0.0)
        recovery = self._component(march, "draw_recovery")
        self.assertIn("never below the draw", recovery.name)
        self.assertMoney(self._balance(march.move_id, self.expense_account), 2_700.0)
        draw.invalidate_recordset(["balance"])
        self.assertMoney(draw.balance, 0.0)
        # over the three months the expense is what was earned: 6,700
        self.assertMoney(
            sum(january.line_ids.mapped("amount"))
            + sum(february.line_ids.mapped("amount"))
            + sum(march.line_ids.mapped("amount")),
            6_700.0,
        )
        # the statement shows the balance
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sale_incentive.action_report_settlement", march.ids)[0]
            .decode()
        )
        self.assertIn("Draw balance to recover", html)

    def test_cap_per_period_carries_the_balance(self):
        draw = self._draw(recovery_cap=1_000.0, date_to="2026-03-31")
        self._month(1, 500.0)
        self._month(2, 1_200.0)
        march = self._month(3, 5_000.0)
        # 3,000 above the draw, 2,300 owed, 1,000 at most
        self.assertEqual(
            self._components(march),
            [("commission", 5_000.0), ("draw_recovery", -1_000.0)],
        )
        self.assertEqual(
            self._component(march, "draw_recovery").message, "draw_recovery_capped"
        )
        self.assertMoney(march.amount_payable, 4_000.0)
        self.assertMoney(march.draw_balance, 1_300.0)
        # the draw has ended: April recovers from the whole pay, capped
        april = self._month(4, 3_000.0)
        self.assertMoney(self._component(april, "draw_recovery").amount, -1_000.0)
        self.assertMoney(april.amount_payable, 2_000.0)
        may = self._month(5, 100.0)
        self.assertMoney(self._component(may, "draw_recovery").amount, -100.0)
        self.assertMoney(may.amount_payable, 0.0)
        draw.invalidate_recordset(["balance"])
        self.assertMoney(draw.balance, 200.0)
        # a month without sales pays nothing once the draw has ended
        self.assertFalse(self._settle("2026-06-28"))

    def test_month_without_sales_pays_the_draw(self):
        self._draw()
        january = self._month(1, 0.0)
        self.assertEqual(self._components(january), [("draw", 2_000.0)])
        self.assertEqual(january.user_id, self.rep)
        self.assertMoney(january.move_id.amount_total, 2_000.0)

    def test_draft_periods_do_not_count(self):
        """The balance is the posted settlements': a replaced draft changes
        nothing, a cancelled posted period gives its advance back."""
        draw = self._draw()
        january = self._month(1, 500.0)
        self._pay(self._sell(12_000.0, date="2026-02-05"), date="2026-02-10")
        draft = self._settle("2026-02-28")
        self.assertMoney(self._component(draft, "draw").amount, 800.0)
        draw.invalidate_recordset(["balance"])
        self.assertMoney(draw.balance, 1_500.0)
        draft.unlink()
        january.action_cancel()
        draw.invalidate_recordset(["balance"])
        self.assertMoney(draw.balance, 0.0)

    # ------------------------------------------------------------------
    # Guarantee
    # ------------------------------------------------------------------
    def test_new_hire_guarantee_never_recovered(self):
        guarantee = self._draw(
            user=self.rep_b,
            kind="guarantee",
            amount=1_500.0,
            date_from="2026-01-01",
            date_to="2026-03-31",
        )
        paid = [
            self._month(month, commission, user=self.rep_b)
            for month, commission in ((1, 0.0), (2, 800.0), (3, 2_500.0), (4, 600.0))
        ]
        self.assertEqual(
            [s.amount_payable for s in paid], [1_500.0, 1_500.0, 2_500.0, 600.0]
        )
        self.assertEqual(self._components(paid[0]), [("guarantee", 1_500.0)])
        self.assertEqual(
            self._components(paid[1]), [("commission", 800.0), ("guarantee", 700.0)]
        )
        self.assertEqual(self._components(paid[3]), [("commission", 600.0)])
        self.assertEqual(self._component(paid[1], "guarantee").draw_id, guarantee)
        self.assertFalse(any(s.has_draw for s in paid))
        self.assertMoney(guarantee.balance, 0.0)

    # ------------------------------------------------------------------
    # Leaving
    # ------------------------------------------------------------------
    def _leave_with_balance(self, on_leave):
        draw = self._draw(on_leave=on_leave)
        self._month(1, 500.0)
        self._month(2, 1_200.0)
        # 800 earned in March, not settled yet
        invoice = self._sell(8_000.0, date="2026-03-05")
        self._pay(invoice, date="2026-03-10")
        return draw

    def test_leaver_forgiven(self):
        draw = self._leave_with_balance("forgive")
        forfeit = self._forfeit("resigned", date="2026-03-15")
        self.assertEqual(
            self._components(forfeit),
            [("commission", 800.0), ("forfeit", -800.0), ("draw_forgiven", 0.0)],
        )
        forgiven = self._component(forfeit, "draw_forgiven")
        self.assertMoney(forgiven.draw_balance, -2_300.0)
        self.assertIn("2,300.00 forgiven", forgiven.name)
        self._close(forfeit)
        self.assertFalse(forfeit.move_id)
        draw.invalidate_recordset(["balance"])
        self.assertMoney(draw.balance, 0.0)
        # the draw ends with the person: nothing more is advanced
        self.assertEqual(str(draw.date_to), "2026-03-15")
        self.assertFalse(self._settle("2026-04-28"))

    def test_leaver_recovered(self):
        self.env.company.incentive_dismissal_payout_percent = 100.0
        draw = self._leave_with_balance("recover")
        forfeit = self._forfeit("dismissed", date="2026-03-15")
        self.assertEqual(
            self._components(forfeit),
            [("commission", 800.0), ("forfeit", 0.0), ("draw_recovery", -2_300.0)],
        )
        self.assertEqual(
            self._component(forfeit, "draw_recovery").message, "draw_recovered"
        )
        # the payout covers 800; 1,500 stays owed like any negative total
        self.assertMoney(forfeit.amount_total, -1_500.0)
        self.assertMoney(forfeit.amount_carried, -1_500.0)
        self._close(forfeit)
        self.assertFalse(forfeit.move_id)
        draw.invalidate_recordset(["balance"])
        self.assertMoney(draw.balance, 0.0)

    def test_leaver_recovered_covered_by_the_payout(self):
        self.env.company.incentive_dismissal_payout_percent = 100.0
        draw = self._draw(on_leave="recover")
        self._month(1, 1_800.0)
        invoice = self._sell(30_000.0, date="2026-02-05")
        self._pay(invoice, date="2026-02-10")
        forfeit = self._close(self._forfeit("dismissed", date="2026-02-15"))
        self.assertMoney(forfeit.amount_payable, 2_800.0)
        self.assertMoney(self._balance(forfeit.move_id, self.payable_account), -2_800.0)
        draw.invalidate_recordset(["balance"])
        self.assertMoney(draw.balance, 0.0)

    # ------------------------------------------------------------------
    # Bad input, guards, access
    # ------------------------------------------------------------------
    def test_bad_input(self):
        with self.assertRaises(ValidationError):
            self._draw(amount=-2_000.0)
        with self.assertRaises(ValidationError):
            self._draw(amount=0.0)
        with self.assertRaises(ValidationError):
            self._draw(recovery_cap=-1.0)
        draw = self._draw(date_to="2026-06-30")
        with self.assertRaises(ValidationError):
            self._draw(date_from="2026-06-01")
        # a guarantee may run with a draw
        self._draw(kind="guarantee", amount=500.0, date_from="2026-06-01")
        with self.assertRaises(ValidationError):
            draw.partner_id = self.customer
        self._month(1, 500.0)
        with self.assertRaises(UserError):
            draw.user_id = self.rep_b
        with self.assertRaises(UserError):
            draw.unlink()
        # the amount of the next periods may change
        draw.amount = 2_500.0

    def test_access(self):
        draw = self._draw()
        self._month(1, 500.0)
        # the person reads their terms and balance, never changes them
        own = draw.with_user(self.rep)
        self.assertMoney(own.balance, 1_500.0)
        self.assertEqual(own.settlement_line_ids.mapped("component"), ["draw"])
        with self.assertRaises(AccessError):
            own.amount = 10_000.0
        with self.assertRaises(AccessError):
            self.Draw.with_user(self.rep).create(
                {"plan_id": self.plan.id, "user_id": self.rep.id, "amount": 9.0}
            )
        # a colleague does not see them; the team's manager does
        with self.assertRaises(AccessError):
            draw.with_user(self.rep_b).read(["amount"])
        self.assertEqual(draw.with_user(self.manager).amount, 2_000.0)
        with self.assertRaises(AccessError):
            draw.with_user(self.manager).amount = 1.0
        # the incentive administrator sets them
        admin_draw = self.Draw.with_user(self.incentive_admin).create(
            {
                "plan_id": self.plan.id,
                "user_id": self.rep_b.id,
                "amount": 1_000.0,
                "date_from": "2026-01-01",
            }
        )
        self.assertMoney(admin_draw.balance, 0.0)
