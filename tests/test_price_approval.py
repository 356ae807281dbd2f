# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Selling below the minimum price needs a manager's approval, which sets the
line's commission percentage (issue 21.4, seed 004 4.2.9)."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from . import test_access_rpc
from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestPriceApproval(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.incentive_price_approval = True
        cls.product.incentive_guide_price = 1000.0
        # the plan pays 5 %, and 2 % below the guide price (today's reduction)
        cls.plan = cls._make_plan(
            rule_ids=[
                Command.create(
                    {
                        "name": "Below guide",
                        "sequence": 1,
                        "price_condition": "below_guide",
                        "rate": 2.0,
                        "flag_review": True,
                    }
                ),
                Command.create({"name": "Standard", "sequence": 2, "rate": 5.0}),
            ],
        )
        cls.Approval = cls.env["sale.incentive.price.approval"]

    def _quotation(self, price, user=None, qty=10):
        return self._order([(self.product, qty, price)], user=user, confirm=False)

    def _request(self, order, user=None):
        order.with_user(user or self.rep).action_request_price_approval()
        return self.Approval.search(
            [("order_id", "=", order.id)], order="id desc", limit=1
        )

    def _approve(self, approval, rate, user=None):
        approval = approval.with_user(user or self.manager)
        approval.write({"commission_rate": rate})
        approval.action_approve()
        return approval

    def test_below_minimum_cannot_confirm(self):
        order = self._quotation(800.0)
        with self.assertRaisesRegex(UserError, "below their product's minimum") as err:
            order.action_confirm()
        self.assertIn(order.name, str(err.exception))
        self.assertIn("Widget", str(err.exception))
        self.assertEqual(order.state, "draft")
        # at the guide price: confirmed as usual
        fine = self._quotation(1000.0)
        fine.action_confirm()
        self.assertEqual(fine.state, "sale")
        with self.assertRaisesRegex(UserError, "No line is sold below"):
            fine.with_user(self.rep).action_request_price_approval()

    def test_request_goes_to_the_team_leader_not_the_rep(self):
        order = self._quotation(800.0)
        approval = self._request(order)
        self.assertRecordValues(
            approval,
            [
                {
                    "state": "requested",
                    "approver_id": self.manager.id,
                    "requested_by_id": self.rep.id,
                    "user_id": self.rep.id,
                    "sale_line_id": order.order_line.id,
                    "price_unit": 800.0,
                    "min_price": 1000.0,
                }
            ],
        )
        activity = approval.activity_ids
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("sale_incentive.mail_activity_price_approval"),
        )
        self.assertEqual(order.incentive_price_approval_count, 1)
        # asking again for the same price adds nothing
        with self.assertRaisesRegex(UserError, "already requested"):
            order.with_user(self.rep).action_request_price_approval()
        # the rep cannot approve their own, nor set the commission
        rep_approval = approval.with_user(self.rep)
        self.assertFalse(rep_approval.can_decide)
        with self.assertRaises(UserError):
            rep_approval.action_approve()
        with self.assertRaises(UserError):
            rep_approval.write({"commission_rate": 10.0})
        with self.assertRaises(AccessError):
            rep_approval.write({"state": "approved"})
        # another manager's rep, nor a manager of no team above the rep
        other_manager = self._make_user(
            "mgr2", [self.env.ref("sale_incentive.group_sale_incentive_manager")]
        )
        with self.assertRaises(AccessError):
            approval.with_user(other_manager).action_approve()
        self.assertEqual(approval.state, "requested")
        with self.assertRaisesRegex(UserError, "minimum"):
            order.action_confirm()

    def test_leader_approves_at_one_percent_and_the_line_earns_it(self):
        order = self._quotation(800.0)
        approval = self._request(order)
        self.assertTrue(approval.with_user(self.manager).can_decide)
        self._approve(approval, 1.0)
        self.assertRecordValues(
            approval,
            [
                {
                    "state": "approved",
                    "approved_by_id": self.manager.id,
                    "commission_rate": 1.0,
                    "covers_line": True,
                }
            ],
        )
        self.assertFalse(approval.activity_ids)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        invoice = self._invoice(order)
        self._pay(invoice)
        self.assertEqual(invoice.payment_state, "paid")
        line = self._lines(move_id=invoice.id, kind="invoice")
        self.assertEqual(len(line), 1)
        # 1 % of 8,000.00, not the rule's 2 % (160.00) nor 5 %
        self.assertMoney(line.base_amount, 8000.0)
        self.assertMoney(line.amount, 80.0)
        self.assertEqual(line.rate, 1.0)
        self.assertEqual(line.rule_id.name, "Below guide")
        self.assertFalse(line.needs_review)
        self.assertEqual(line.explanation_data[0]["key"], "source")
        self.assertEqual(
            line.explanation_data[0]["params"]["calc"][0]["key"], "price_approval"
        )
        self.assertIn("approved by Mgr", line.explanation)
        self.assertIn("price below the minimum", line.explanation)
        # the settlement pays it
        settlement = self._settle("2026-03-31")
        self.assertMoney(settlement.amount_payable, 80.0)

    def test_approved_percent_of_a_per_unit_plan_and_an_awards_plan(self):
        """The approved % is a percentage of money: a plan counting units
        (per-car amounts) pays it on the line's revenue, not on its quantity;
        a plan paying nothing on the line (an awards-only plan, 0 %) keeps
        paying nothing, so the approval never pays a line twice."""
        self.plan.action_close()
        per_unit = self._make_plan(
            base="quantity",
            rule={"name": "Per unit", "compute_type": "fixed_unit"}
            | {"fixed_amount": 50.0},
        )
        awards = self._make_plan(rate=0.0, name="Awards only")
        order = self._quotation(800.0)
        self._approve(self._request(order), 1.0)
        order.action_confirm()
        invoice = self._invoice(order)
        lines = self._lines(move_id=invoice.id, kind="invoice")
        per_unit_line = lines.filtered(lambda line: line.plan_id == per_unit)
        awards_line = lines.filtered(lambda line: line.plan_id == awards)
        # 1 % of 8,000.00 (10 units at 800), not 1 % of 10 units
        self.assertMoney(per_unit_line.amount, 80.0)
        self.assertEqual(per_unit_line.rate, 1.0)
        self.assertMoney(sum(awards_line.mapped("amount")), 0.0)

    def test_lower_price_after_approval_needs_a_new_one(self):
        order = self._quotation(800.0)
        first = self._approve(self._request(order), 1.0)
        order.order_line.price_unit = 750.0
        self.assertFalse(first.covers_line)
        with self.assertRaisesRegex(UserError, "minimum"):
            order.action_confirm()
        second = self._request(order)
        self.assertNotEqual(second, first)
        self.assertEqual(second.price_unit, 750.0)
        self.assertEqual(first.state, "approved")
        self._approve(second, 0.5)
        order.action_confirm()
        # confirmed: a still lower price is refused without a new approval
        with self.assertRaisesRegex(UserError, "minimum"):
            order.order_line.price_unit = 700.0
        # a higher price stays covered
        order.order_line.price_unit = 780.0
        invoice = self._invoice(order)
        line = self._lines(move_id=invoice.id, kind="invoice")
        self.assertMoney(line.amount, 39.0)  # 0.5 % of 7,800.00

    def test_pending_request_replaced_by_a_lower_price(self):
        order = self._quotation(800.0)
        first = self._request(order)
        order.order_line.price_unit = 700.0
        second = self._request(order)
        self.assertEqual(first.state, "refused")
        self.assertFalse(first.activity_ids)
        self.assertEqual(second.state, "requested")
        self.assertEqual(second.price_unit, 700.0)

    def test_refused_keeps_the_order_unconfirmed(self):
        order = self._quotation(800.0)
        approval = self._request(order)
        approval.with_user(self.manager).action_refuse()
        self.assertEqual(approval.state, "refused")
        with self.assertRaisesRegex(UserError, "minimum"):
            order.action_confirm()
        with self.assertRaises(UserError):
            approval.with_user(self.manager).action_approve()

    def test_leader_selling_goes_to_an_administrator(self):
        """The team leader sells: a manager above them (an incentive
        administrator) approves, never the leader."""
        order = self._quotation(800.0, user=self.manager)
        approval = self._request(order, user=self.manager)
        self.assertNotEqual(approval.approver_id, self.manager)
        self.assertTrue(
            approval.approver_id.has_group("sale_incentive.group_sale_incentive_admin")
        )
        self.assertEqual(approval.activity_ids.user_id, approval.approver_id)
        with self.assertRaises(UserError):
            self._approve(approval, 1.0, user=self.manager)
        self._approve(approval, 1.5, user=self.incentive_admin)
        self.assertEqual(approval.approved_by_id, self.incentive_admin)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_company_without_the_setting_keeps_the_reduced_rate(self):
        self.env.company.incentive_price_approval = False
        order = self._quotation(800.0)
        order.action_confirm()
        with self.assertRaisesRegex(UserError, "does not require"):
            order.with_user(self.rep).action_request_price_approval()
        line = self._lines(move_id=self._invoice(order).id, kind="invoice")
        self.assertMoney(line.amount, 160.0)  # the rule's 2 %
        self.assertTrue(line.needs_review)
        self.assertEqual(line.rule_id.name, "Below guide")


@tagged("post_install", "-at_install")
class TestPriceApprovalRpc(SettlementCase, HttpCase):
    """The guards over real JSON-RPC, with an empty context and with every
    context key the module reads set (``test_access_rpc``)."""

    # the helpers of the module's JSON-RPC tests (not their tests)
    _call = test_access_rpc.TestAccessRpc._call
    _contexts = test_access_rpc.TestAccessRpc._contexts
    _assert_refused = test_access_rpc.TestAccessRpc._assert_refused

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.keys = test_access_rpc.module_context_keys()
        cls.env.company.incentive_price_approval = True
        cls.product.incentive_guide_price = 1000.0
        cls.order = cls._order(cls, [(cls.product, 1, 800.0)], confirm=False)
        cls.order.with_user(cls.rep).action_request_price_approval()
        cls.approval = cls.env["sale.incentive.price.approval"].search(
            [("order_id", "=", cls.order.id)]
        )

    def _state(self):
        approval = self.approval
        return lambda: (
            approval.state,
            approval.commission_rate,
            approval.approved_by_id,
        )

    def test_rep_cannot_decide_over_rpc(self):
        model = "sale.incentive.price.approval"
        ids = self.approval.ids
        state = self._state()
        self._assert_refused(self.rep, model, "action_approve", [ids], state=state)
        self._assert_refused(
            self.rep, model, "write", [ids, {"commission_rate": 50.0}], state=state
        )
        self._assert_refused(
            self.rep, model, "write", [ids, {"state": "approved"}], state=state
        )
        self._assert_refused(self.rep_b, model, "action_approve", [ids], state=state)
        self._assert_refused(self.rep, "sale.order", "action_confirm", [self.order.ids])
        self.assertEqual(self.order.state, "draft")

    def test_leader_approves_over_rpc(self):
        model = "sale.incentive.price.approval"
        ids = self.approval.ids
        answer = self._call(self.manager, model, "write", [ids, {"commission_rate": 1}])
        self.assertNotIn("error", answer)
        answer = self._call(self.manager, model, "action_approve", [ids])
        self.assertNotIn("error", answer)
        self.assertEqual(self.approval.state, "approved")
        self.assertEqual(self.approval.commission_rate, 1.0)
        answer = self._call(self.rep, "sale.order", "action_confirm", [self.order.ids])
        self.assertNotIn("error", answer)
        self.assertEqual(self.order.state, "sale")
