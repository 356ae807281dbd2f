# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import IncentiveCase
from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestIncentiveSecurity(IncentiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=3.0, users=cls.rep | cls.rep_b | cls.rep_c)

    def _line_for(self, user):
        team = self.other_team if user == self.rep_c else self.team
        order = self._order([(self.product, 10, 1000.0)], user=user, team_id=team.id)
        invoice = self._invoice(order)
        return self._lines(move_id=invoice.id)

    def test_rep_reads_own_lines_only(self):
        own = self._line_for(self.rep)
        other = self._line_for(self.rep_b)
        Line = self.env["sale.incentive.line"].with_user(self.rep)
        self.assertEqual(Line.search([("kind", "!=", "forecast")]), own)
        self.assertEqual(Line.search([]).user_id, self.rep)
        self.assertMoney(own.with_user(self.rep).amount, 300.0)
        with self.assertRaises(AccessError):
            other.with_user(self.rep).read(["amount"])

    def test_rep_cannot_create_or_write(self):
        own = self._line_for(self.rep)
        with self.assertRaises(AccessError):
            own.with_user(self.rep).write({"amount": 1_000_000.0})
        with self.assertRaises(AccessError):
            self.env["sale.incentive.line"].with_user(self.rep).create(
                {
                    "company_id": self.env.company.id,
                    "plan_id": self.plan.id,
                    "kind": "invoice",
                    "date": "2026-03-01",
                    "partner_id": self.rep.partner_id.id,
                    "amount": 1_000_000.0,
                }
            )
        with self.assertRaises(AccessError):
            own.with_user(self.rep).unlink()

    def test_manager_sees_team_not_others(self):
        own_team = self._line_for(self.rep) | self._line_for(self.rep_b)
        outsider = self._line_for(self.rep_c)
        Line = self.env["sale.incentive.line"].with_user(self.manager)
        self.assertEqual(Line.search([("kind", "!=", "forecast")]), own_team)
        with self.assertRaises(AccessError):
            outsider.with_user(self.manager).read(["amount"])

    def test_rep_cannot_configure_plans(self):
        with self.assertRaises(AccessError):
            self.plan.with_user(self.rep).write({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.env["sale.incentive.plan"].with_user(self.manager).create(
                {"name": "X"}
            )
        plan = (
            self.env["sale.incentive.plan"]
            .with_user(self.incentive_admin)
            .create({"name": "Admin plan"})
        )
        self.assertEqual(plan.company_id, self.env.company)


@tagged("post_install", "-at_install")
class TestIncentiveMultiCompany(IncentiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.env.user.company_ids |= cls.company_b
        cls.rep.company_ids |= cls.company_b
        cls.plan_a = cls._make_plan(rate=3.0, name="A 3%")
        cls.plan_b = cls._make_plan(rate=7.0, name="B 7%", company_id=cls.company_b.id)

    def test_each_company_applies_its_own_plans(self):
        line_a = self._lines(move_id=self._invoice_in(self.env.company).id)
        line_b = self._lines(move_id=self._invoice_in(self.company_b).id)
        self.assertEqual(line_a.plan_id, self.plan_a)
        self.assertMoney(line_a.amount, 30.0)
        self.assertEqual(line_b.plan_id, self.plan_b)
        self.assertEqual(line_b.company_id, self.company_b)
        self.assertMoney(line_b.amount, 70.0)

    def test_lines_of_another_company_are_hidden(self):
        line_b = self._lines(move_id=self._invoice_in(self.company_b).id)
        rep_in_a = (
            self.env["sale.incentive.line"]
            .with_user(self.rep)
            .with_context(allowed_company_ids=self.env.company.ids)
        )
        self.assertFalse(rep_in_a.search([("id", "=", line_b.id)]))
        with self.assertRaises(AccessError):
            rep_in_a.browse(line_b.id).read(["amount"])


@tagged("post_install", "-at_install")
class TestSplitWithoutSplitAccess(IncentiveCase):
    """Who cannot read a split still confirms and invoices orders that have one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        # the customer's tier decides the rate: reading it is part of the credit
        cls.tier = cls.env["sale.incentive.customer.tier"].create(
            {"name": "Key", "code": "key", "min_amount": 1_000_000.0}
        )
        cls.customer.incentive_tier_id = cls.tier
        cls.plan = cls._make_plan(
            users=cls.rep | cls.rep_b,
            rule={
                "name": "Key customers",
                "rate": 10.0,
                "tier_ids": [Command.set(cls.tier.ids)],
            },
        )
        cls.seller = cls._make_user("seller", [ref("sales_team.group_sale_salesman")])
        cls.billing = cls._make_user("clerk", [ref("account.group_account_invoice")])

    def test_split_credits_whoever_confirms_and_posts(self):
        order = self._order(
            [(self.product, 1, 10_000.0)],
            user=self.seller,
            confirm=False,
            incentive_share_ids=[
                Command.create({"user_id": self.rep.id, "share": 60.0}),
                Command.create({"user_id": self.rep_b.id, "share": 40.0}),
            ],
        )
        with self.assertRaises(AccessError):
            order.with_user(self.seller).read(["incentive_share_ids"])
        order.with_user(self.seller).action_confirm()
        self._run_forecast_job()
        self.assertEqual(
            {
                (line.user_id, round(line.amount, 2))
                for line in self._lines(order_id=order.id, kind="forecast")
            },
            {(self.rep, 600.0), (self.rep_b, 400.0)},
        )
        invoice = self._invoice(order, post=False)
        invoice.with_user(self.billing).action_post()
        self.assertEqual(
            {
                (line.user_id, round(line.amount, 2))
                for line in self._lines(move_id=invoice.id)
            },
            {(self.rep, 600.0), (self.rep_b, 400.0)},
        )


@tagged("post_install", "-at_install")
class TestAccountantRole(SettlementCase):
    """The Accountant group alone is enough for finance's part of the work."""

    def test_accountant_settles_validates_posts_and_pays(self):
        accountant = self._make_user(
            "finance", [self.env.ref("sale_incentive.group_sale_incentive_accountant")]
        )
        self.plan = self._make_plan(rate=10.0, name="Finance")
        self._sell(10_000.0)
        wizard = (
            self.env["sale.incentive.settle.wizard"]
            .with_user(accountant)
            .create(
                {
                    "period": "month",
                    "date": "2026-03-31",
                    "plan_ids": [Command.set(self.plan.ids)],
                }
            )
        )
        action = wizard.action_settle()
        settlement = self.Settlement.with_user(accountant).search(action["domain"])
        self.assertEqual(settlement.user_id, self.rep)
        settlement.action_submit()
        settlement.with_user(self.manager).action_approve()
        settlement.action_validate()
        settlement.action_post()
        self.assertEqual(settlement.state, "posted")
        self.assertEqual(settlement.move_id.state, "posted")
        self.assertMoney(settlement.amount_payable, 1_000.0)
        action = settlement.action_register_payment()
        form = Form(
            self.env[action["res_model"]]
            .with_user(accountant)
            .with_context(**action["context"])
        )
        form.payment_date = fields.Date.to_date("2026-04-05")
        form.save().action_create_payments()
        self.assertEqual(settlement.state, "paid")
        # finance coefficients, not the plan's rules
        self.plan.with_user(accountant).holdback_profit_coefficient = 1.1
        self.assertEqual(self.plan.holdback_profit_coefficient, 1.1)
        with self.assertRaises(AccessError):
            self.plan.with_user(accountant).write({"name": "Mine"})
