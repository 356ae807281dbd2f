# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""One test per access hole of issue #9 (each failed before the fix)."""

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestAccessHoles(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        # 10 %, 20 % below the product's guide price (none is set)
        cls.plan = cls._make_plan(
            users=cls.rep | cls.rep_b | cls.rep_c,
            rule_ids=[
                Command.create({"name": "Standard", "sequence": 10, "rate": 10.0}),
                Command.create(
                    {
                        "name": "Below guide",
                        "sequence": 1,
                        "price_condition": "below_guide",
                        "rate": 20.0,
                    }
                ),
            ],
        )
        cls.sales_own = cls._make_user(
            "sales_own", [ref("sales_team.group_sale_salesman")]
        )
        cls.sales_all = cls._make_user(
            "sales_all", [ref("sales_team.group_sale_salesman_all_leads")]
        )
        cls.billing = cls._make_user("billing", [ref("account.group_account_invoice")])
        cls.employee = cls._make_user("employee", [ref("base.group_user")])
        cls.Share = cls.env["sale.incentive.share"]

    def _split(self, order, *shares):
        """Set ``order``'s split through the order (as the test administrator)."""
        order.write(
            {
                "incentive_share_ids": [Command.clear()]
                + [
                    Command.create({"user_id": user.id, "share": share})
                    for user, share in shares
                ]
            }
        )
        return order.incentive_share_ids

    # ------------------------------------------------------------------
    # Credit theft: shares created on someone else's order
    # ------------------------------------------------------------------
    def test_credit_theft_through_the_share_model_is_refused(self):
        order = self._order([(self.product, 1, 10_000.0)], user=self.rep_b)
        for thief in (self.rep, self.sales_own):
            with self.subTest(thief=thief.login), self.assertRaises(AccessError):
                self.Share.with_user(thief).create(
                    {"order_id": order.id, "user_id": thief.id, "share": 100.0}
                )
        self.assertFalse(order.incentive_share_ids)
        # the colleague keeps the whole commission
        line = self._lines(move_id=self._invoice(order).id)
        self.assertEqual(line.user_id, self.rep_b)
        self.assertMoney(line.amount, 1_000.0)

    def test_salesperson_cannot_change_the_split_of_own_order(self):
        order = self._order([(self.product, 1, 10_000.0)])
        split = self._split(order, (self.rep, 50.0), (self.rep_b, 50.0))
        own = split.filtered(lambda s: s.user_id == self.rep)
        with self.assertRaises(AccessError):
            order.with_user(self.rep).write(
                {
                    "incentive_share_ids": [
                        Command.update(own.id, {"share": 100.0}),
                        Command.delete((split - own).id),
                    ]
                }
            )
        with self.assertRaises(AccessError):
            own.with_user(self.rep).unlink()
        self.assertEqual(
            {(s.user_id, s.share) for s in order.incentive_share_ids},
            {(self.rep, 50.0), (self.rep_b, 50.0)},
        )

    def test_split_adds_up_to_100_whatever_path_writes(self):
        order = self._order([(self.product, 1, 10_000.0)])
        split = self._split(order, (self.rep, 60.0), (self.rep_b, 40.0))
        first, second = split.sorted("share", reverse=True)
        admin = self.incentive_admin
        attempts = {
            "write": lambda: first.with_user(admin).write({"share": 80.0}),
            "sudo write": lambda: first.sudo().write({"share": 10.0}),
            "create": lambda: self.Share.with_user(admin).create(
                {"order_id": order.id, "user_id": self.rep_c.id, "share": 10.0}
            ),
            "unlink": lambda: second.with_user(admin).unlink(),
        }
        for path, attempt in attempts.items():
            with (
                self.subTest(path=path),
                self.assertRaisesRegex(ValidationError, "100%"),
                self.env.cr.savepoint(),
            ):
                attempt()
        self.assertEqual(
            {(s.user_id, s.share) for s in order.incentive_share_ids},
            {(self.rep, 60.0), (self.rep_b, 40.0)},
        )
        # through the order, a split changed row by row is checked once, whole
        order.with_user(admin).write(
            {
                "incentive_share_ids": [
                    Command.update(first.id, {"share": 30.0}),
                    Command.update(second.id, {"share": 20.0}),
                    Command.create({"user_id": self.rep_c.id, "share": 50.0}),
                ]
            }
        )
        self.assertEqual(
            {(s.user_id, s.share) for s in order.incentive_share_ids},
            {(self.rep, 30.0), (self.rep_b, 20.0), (self.rep_c, 50.0)},
        )
        line = self._lines(move_id=self._invoice(order).id)
        self.assertEqual(
            {(c.user_id, round(c.amount, 2)) for c in line},
            {(self.rep, 300.0), (self.rep_b, 200.0), (self.rep_c, 500.0)},
        )

    # ------------------------------------------------------------------
    # Splits readable by everyone
    # ------------------------------------------------------------------
    def test_split_is_read_only_by_the_people_it_belongs_to(self):
        mine = self._order([(self.product, 1, 1_000.0)])
        self._split(mine, (self.rep, 100.0))
        theirs = self._order([(self.product, 1, 1_000.0)], user=self.rep_c)
        theirs_split = self._split(theirs, (self.rep_c, 100.0))
        self.assertEqual(
            self.Share.with_user(self.rep).search([]), mine.incentive_share_ids
        )
        with self.assertRaises(AccessError):
            theirs_split.with_user(self.rep).read(["share"])
        for user in (self.sales_own, self.sales_all, self.billing, self.employee):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Share.with_user(user).search([])
        # a sales user who reads every order does not read their splits
        self.assertTrue(theirs.with_user(self.sales_all).read(["name"]))
        with self.assertRaises(AccessError):
            theirs.with_user(self.sales_all).read(["incentive_share_ids"])

    # ------------------------------------------------------------------
    # Temporary scorecard reports of other users
    # ------------------------------------------------------------------
    def test_scorecard_report_reaches_its_creator_only(self):
        kpi = self.env.ref("sale_incentive.kpi_satisfaction")
        self.plan.scorecard_line_ids = [
            Command.create({"kpi_id": kpi.id, "weight": 100, "target": 90})
        ]
        Report = self.env["sale.incentive.scorecard.report"]
        report = Report.with_user(self.rep).create({"plan_id": self.plan.id})
        report.action_compute()
        self.assertEqual(report.line_ids.kpi_id, kpi)
        self.assertEqual(Report.with_user(self.rep).search([]), report)
        for user in (self.rep_b, self.manager):
            other = report.with_user(user)
            with self.subTest(user=user.login):
                self.assertFalse(Report.with_user(user).search([]))
                with self.assertRaises(AccessError):
                    other.read(["plan_id"])
                with self.assertRaises(AccessError):
                    other.write({"date": "2026-01-01"})
                with self.assertRaises(AccessError):
                    other.unlink()
                with self.assertRaises(AccessError):
                    report.line_ids.with_user(user).read(["score"])
        self.assertTrue(report.exists())

    # ------------------------------------------------------------------
    # Brackets and pay bands across companies
    # ------------------------------------------------------------------
    def test_brackets_and_pay_bands_stay_in_their_company(self):
        plan = self._make_plan(
            name="Banded",
            rule={
                "name": "Table",
                "compute_type": "bracket",
                "bracket_basis": "line",
                "bracket_ids": [
                    Command.create({"amount_from": 0, "amount_to": 0, "rate": 2.0})
                ],
            },
            pay_band_ids=[
                Command.create({"amount_from": 0, "base_pay": 4_000.0}),
            ],
        )
        bracket = plan.rule_ids.bracket_ids
        band = plan.pay_band_ids
        self.assertEqual(bracket.company_id, self.env.company)
        company_b = self.setup_other_company(name="Company B")["company"]
        other = self._make_user(
            "admin_b",
            [
                self.env.ref("sale_incentive.group_sale_incentive_admin"),
                self.env.ref("sales_team.group_sale_manager"),
            ],
        )
        other.write(
            {"company_id": company_b.id, "company_ids": [Command.set(company_b.ids)]}
        )
        for record in (bracket, band, plan.rule_ids, plan):
            model = self.env[record._name].with_user(other)
            with self.subTest(model=record._name):
                self.assertFalse(model.search([("id", "=", record.id)]))
                with self.assertRaises(AccessError):
                    record.with_user(other).read(["id"])

    # ------------------------------------------------------------------
    # Customer tiers readable by every employee
    # ------------------------------------------------------------------
    def test_customer_tiers_are_not_for_every_employee(self):
        tier = self.env["sale.incentive.customer.tier"].create(
            {"name": "Key", "code": "key", "min_amount": 1_000_000.0}
        )
        for user in (self.employee, self.sales_own, self.billing):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                tier.with_user(user).read(["min_amount"])
        self.assertEqual(tier.with_user(self.rep).read(["code"])[0]["code"], tier.code)

    # ------------------------------------------------------------------
    # Billing is not commission access
    # ------------------------------------------------------------------
    def test_billing_gives_no_commission_access(self):
        invoice = self._sell(10_000.0)
        line = self._lines(move_id=invoice.id)
        settlement = self._settle("2026-03-31")
        billing = self.billing
        for records in (line, settlement, settlement.line_ids):
            with self.subTest(model=records._name):
                with self.assertRaises(AccessError):
                    self.env[records._name].with_user(billing).search([])
                with self.assertRaises(AccessError):
                    records.with_user(billing).read(["id"])
        with self.assertRaises(AccessError):
            settlement.with_user(billing).write({"note": "mine"})
        with self.assertRaises(AccessError):
            settlement.with_user(billing).unlink()
        with self.assertRaises(AccessError):
            self.Settlement.with_user(billing).create(
                {
                    "company_id": self.env.company.id,
                    "plan_id": self.plan.id,
                    "partner_id": billing.partner_id.id,
                    "date_from": "2026-03-01",
                    "date_to": "2026-03-31",
                }
            )
        with self.assertRaises(AccessError):
            self.env["sale.incentive.settle.wizard"].with_user(billing).create(
                {"period": "month", "date": "2026-03-31"}
            )
        with self.assertRaises(AccessError):
            settlement.with_user(billing).action_submit()
        self.assertTrue(settlement.exists())
        self.assertEqual(settlement.state, "draft")
        self.assertFalse(settlement.note)
        # the invoice itself stays the billing user's business
        self.assertEqual(invoice.with_user(billing).read(["name"])[0]["id"], invoice.id)
        with self.assertRaises(AccessError):
            invoice.with_user(billing).read(["incentive_line_ids"])

    # ------------------------------------------------------------------
    # A context key opens the workflow
    # ------------------------------------------------------------------
    def test_context_key_does_not_open_the_settlement_workflow(self):
        plan = self._make_plan(rate=5.0, users=self.manager, name="Managers")
        self._sell(10_000.0, user=self.manager)
        settlement = self._settle("2026-03-31", plans=plan)
        settlement.action_submit()
        manager_env = settlement.with_user(self.manager).with_context(
            incentive_settlement_write=True
        )
        for vals in (
            {"workflow_state": "approved"},
            {"approved_by_id": self.manager.id},
            {"amount_total": 1_000_000.0},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                manager_env.write(vals)
        self.assertEqual(settlement.state, "submitted")
        self.assertFalse(settlement.approved_by_id)
        self.assertMoney(settlement.amount_total, 500.0)

    # ------------------------------------------------------------------
    # action_recompute_unsettled without a group check
    # ------------------------------------------------------------------
    def test_recompute_unsettled_needs_an_administrator(self):
        invoice = self._sell(10_000.0)
        line = self._lines(move_id=invoice.id)
        # the rules of a plan in force do not change: what they look at does
        self.product.incentive_guide_price = 20_000.0
        for user in (self.rep, self.manager):
            with (
                self.subTest(user=user.login),
                self.assertRaisesRegex(AccessError, "administrator"),
            ):
                self.plan.with_user(user).action_recompute_unsettled()
            # refused before anything was recomputed
            self.assertTrue(line.exists())
            self.assertMoney(line.amount, 1_000.0)
        self.plan.with_user(self.incentive_admin).action_recompute_unsettled()
        self.assertFalse(line.exists())
        self.assertMoney(self._lines(move_id=invoice.id).amount, 2_000.0)

    # ------------------------------------------------------------------
    # A manager enters and approves their own KPI value
    # ------------------------------------------------------------------
    def test_manager_cannot_enter_or_approve_own_kpi_value(self):
        kpi = self.env.ref("sale_incentive.kpi_satisfaction")
        Value = self.env["sale.incentive.kpi.value"]
        date_from = fields.Date.to_date("2026-03-01")
        with self.assertRaises(AccessError):
            Value.with_user(self.manager).create(
                {
                    "kpi_id": kpi.id,
                    "user_id": self.manager.id,
                    "date_from": date_from,
                    "value": 100.0,
                }
            )
        own = Value.create(
            {
                "kpi_id": kpi.id,
                "user_id": self.manager.id,
                "date_from": date_from,
                "value": 80.0,
            }
        )
        mine = own.with_user(self.manager)
        for attempt in (
            mine.action_approve,
            lambda: mine.write({"value": 100.0}),
            lambda: mine.write({"state": "approved"}),
        ):
            with self.assertRaises(AccessError):
                attempt()
        self.assertEqual((own.state, own.value), ("draft", 80.0))
        # the manager approves a team member's value, not by writing its state
        rep_value = Value.create(
            {
                "kpi_id": kpi.id,
                "user_id": self.rep.id,
                "date_from": date_from,
                "value": 90.0,
            }
        )
        with self.assertRaises(AccessError):
            rep_value.with_user(self.manager).write({"state": "approved"})
        rep_value.with_user(self.manager).action_approve()
        self.assertEqual(rep_value.state, "approved")
        self.assertEqual(rep_value.approved_by_id, self.manager)
