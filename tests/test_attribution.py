# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import IncentiveCase


@tagged("post_install", "-at_install")
class TestAttribution(IncentiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(
            rate=3.0, users=cls.rep | cls.rep_b | cls.rep_c, attribution_policy="owner"
        )
        cls.customer.incentive_owner_id = cls.rep_b

    def _shares(self, order):
        return {(s.user_id, s.share) for s in order.incentive_share_ids}

    def _forecast(self, order):
        self._run_forecast_job()
        return {
            line.user_id: line.amount
            for line in self._lines(order_id=order.id, kind="forecast")
        }

    def _last_message(self, order):
        return order.message_ids.sorted("id")[-1:].body or ""

    def test_owner_policy(self):
        order = self._order([(self.product, 1, 1000.0)])
        self.assertEqual(order.incentive_attribution, "owner")
        self.assertFalse(order.incentive_conflict)
        self.assertEqual(self._shares(order), {(self.rep_b, 100.0)})
        self.assertEqual(self._forecast(order), {self.rep_b: 30.0})
        self.assertIn("Owner credited", self._last_message(order))
        invoice = self._invoice(order)
        line = self._lines(move_id=invoice.id)
        self.assertEqual(line.user_id, self.rep_b)
        self.assertMoney(line.amount, 30.0)

    def test_owner_sells_and_manual_split_untouched(self):
        order = self._order([(self.product, 1, 1000.0)], user=self.rep_b)
        self.assertFalse(order.incentive_attribution)
        self.assertFalse(order.incentive_share_ids)
        manual = self._order(
            [(self.product, 1, 1000.0)],
            incentive_share_ids=[
                Command.create(
                    {
                        "user_id": self.rep.id,
                        "partner_id": self.rep.partner_id.id,
                        "share": 70.0,
                    }
                ),
                Command.create(
                    {
                        "user_id": self.rep_c.id,
                        "partner_id": self.rep_c.partner_id.id,
                        "share": 30.0,
                    }
                ),
            ],
        )
        self.assertFalse(manual.incentive_attribution)
        self.assertEqual(self._forecast(manual), {self.rep: 21.0, self.rep_c: 9.0})

    def test_split_policy(self):
        self.plan.write({"attribution_policy": "split", "attribution_closer_share": 60})
        order = self._order([(self.product, 1, 1000.0)])
        self.assertEqual(order.incentive_attribution, "split")
        self.assertEqual(self._shares(order), {(self.rep, 60.0), (self.rep_b, 40.0)})
        self.assertEqual(self._forecast(order), {self.rep: 18.0, self.rep_b: 12.0})

    def test_first_contact_policy(self):
        self.plan.attribution_policy = "first_contact"
        for user in (self.rep_c, self.rep_b):
            self.customer.message_post(
                body="Called the buyer",
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                author_id=user.partner_id.id,
            )
        order = self._order([(self.product, 1, 1000.0)])
        self.assertEqual(order.incentive_attribution, "first_contact")
        self.assertEqual(self._shares(order), {(self.rep_c, 100.0)})
        self.assertEqual(self._forecast(order), {self.rep_c: 30.0})
        # no logged interaction on the other customer: the closer keeps it
        other = self.env["res.partner"].create(
            {"name": "Quiet Ltd", "incentive_owner_id": self.rep_b.id}
        )
        order2 = self._order([(self.product, 1, 1000.0)], partner=other)
        self.assertEqual(order2.incentive_attribution, "closer")
        self.assertEqual(self._forecast(order2), {self.rep: 30.0})

    def test_plans_disagree_use_company_default(self):
        self._make_plan(rate=1.0, users=self.rep, attribution_policy="closer")
        self.env["ir.config_parameter"].set_param(
            "sale_incentive.attribution_policy", "split"
        )
        order = self._order([(self.product, 1, 1000.0)])
        self.assertEqual(order.incentive_attribution, "split")
        self.assertEqual(self._shares(order), {(self.rep, 50.0), (self.rep_b, 50.0)})

    def test_conflict_resolved_by_manager(self):
        self.plan.attribution_policy = "manager"
        order = self._order([(self.product, 1, 1000.0)])
        self.assertTrue(order.incentive_conflict)
        self.assertEqual(order.incentive_attribution, "conflict")
        self.assertEqual(self._forecast(order), {self.rep: 30.0})
        conflicts = (
            self.env["sale.order"]
            .with_user(self.manager)
            .search([("incentive_conflict", "=", True)])
        )
        self.assertEqual(conflicts, order)
        # a rep cannot resolve
        with self.assertRaises(AccessError):
            self.env["sale.incentive.conflict.resolve"].with_user(self.rep).create(
                {"order_id": order.id, "reason": "mine"}
            )
        action = order.with_user(self.manager).action_incentive_resolve()
        Wizard = self.env[action["res_model"]].with_user(self.manager)
        form = Form(Wizard.with_context(**action["context"]))
        form.mode = "split"
        # pre-filled from the conflict: the closer and the owner, 50 / 50
        with form.line_ids.edit(1) as line:
            self.assertEqual(line.user_id, self.rep_b)
            line.share = 40.0
        form.reason = "Both worked on it"
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "now 90%"), self.env.cr.savepoint():
            wizard.action_resolve()
        wizard.line_ids[1].share = 50.0
        wizard.action_resolve()
        self.assertFalse(order.incentive_conflict)
        self.assertEqual(order.incentive_attribution, "resolved")
        self.assertEqual(self._shares(order), {(self.rep, 50.0), (self.rep_b, 50.0)})
        self.assertEqual(self._forecast(order), {self.rep: 15.0, self.rep_b: 15.0})
        self.assertIn("Both worked on it", self._last_message(order))
        self.assertIn("Credit conflict resolved by Mgr", self._last_message(order))

    def test_dispute_and_reassign(self):
        # the owner is credited; the closer disputes it
        order = self._order([(self.product, 1, 1000.0)])
        self.assertEqual(order.incentive_attribution, "owner")
        self.assertFalse(order.incentive_conflict)
        with self.assertRaises(AccessError):  # cannot see rep's order
            order.with_user(self.rep_c).action_incentive_dispute()
        self._dispute(order, self.rep)
        self.assertTrue(order.incentive_conflict)
        self.assertIn("Rep_A disputes", self._last_message(order))
        with self.assertRaises(UserError):
            self._order([(self.product, 1, 1000.0)], confirm=False).with_user(
                self.rep
            ).action_incentive_dispute()
        wizard = (
            self.env["sale.incentive.conflict.resolve"]
            .with_user(self.manager)
            .create(
                {
                    "order_id": order.id,
                    "mode": "reassign",
                    "user_id": self.rep.id,
                    "reason": "The closer found the deal",
                }
            )
        )
        wizard.action_resolve()
        self.assertEqual(self._forecast(order), {self.rep: 30.0})
        self.assertEqual(order.incentive_attribution, "resolved")
