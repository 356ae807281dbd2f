# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Screens that failed for a role on the demo company (issue #20): My
Commissions, the order's Commission button, the adjustment form and the
incentive administrator's payout settings, each opened as the web client
does, by the user who opens it."""

from datetime import date

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .demo_menus import DemoMenusMixin
from .test_settlement import SettlementCase


class ScreenCase(SettlementCase):
    """Opening an action as the web client does (default filters included)."""

    def _action_domain(self, action, user):
        """The domain of the records ``action`` shows ``user`` at first:
        its domain and the filters its context activates by default."""
        opener = DemoMenusMixin()
        env = self.env(user=user, su=False)
        eval_context = opener._eval_context(env)
        context, domain = opener._evaluate_action(action, eval_context)
        model = env[action["res_model"]].with_context(**context)
        search = action.get("search_view_id")
        views = model.get_views([(search[0] if search else False, "search")])
        default_domain, _groupby = opener._search_defaults(
            env, model._name, views["views"]["search"]["arch"], context, eval_context
        )
        return expression.AND([domain, default_domain])


@tagged("post_install", "-at_install")
class TestMyCommissionsOpens(ScreenCase):
    """My Commissions as the rep and, without the *Mine* filter, as the
    manager: a quarterly plan and a posted settlement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0, users=cls.rep | cls.rep_b)
        cls.quarterly = cls._make_plan(
            rate=5.0, users=cls.rep, period="quarter", name="Quarterly"
        )
        cls.Report = cls.env["sale.incentive.period.report"]

    def _read_rows(self, user, domain):
        """The list view's read of My Commissions, as ``user``."""
        report = self.Report.with_user(user)
        arch = report.get_views([(False, "list")])["views"]["list"]["arch"]
        spec = DemoMenusMixin()._spec(report.env, report._name, etree.fromstring(arch))
        return report.web_search_read(domain, spec)["records"]

    def test_quarterly_plan_rows_span_their_quarter(self):
        self._sell(10_000.0, date="2026-02-10")
        for user, domain in (
            (self.rep, [("user_id", "=", self.rep.id)]),
            (self.manager, []),
        ):
            rows = [
                row
                for row in self._read_rows(user, domain)
                if row["plan_id"]["id"] == self.quarterly.id
            ]
            self.assertEqual(len(rows), 1, user.login)
            self.assertEqual(
                (rows[0]["date_from"], rows[0]["date_to"]),
                (date(2026, 1, 1), date(2026, 3, 31)),
            )
            self.assertMoney(rows[0]["earned"], 500.0)

    def test_rep_sees_the_due_date_of_the_posted_payout(self):
        self._sell(10_000.0, date="2026-03-10")
        settlement = self._settle("2026-03-31").filtered(
            lambda s: s.user_id == self.rep
        )
        self._close(settlement)
        self.assertEqual(settlement.state, "posted")
        self.env.invalidate_all()
        rows = self._read_rows(self.rep, [("plan_id", "=", self.plan.id)])
        self.assertEqual(
            [(row["date_from"], row["next_payout_date"]) for row in rows],
            [(date(2026, 3, 1), date(2026, 3, 31))],
        )
        # the rep may still not read the entry itself
        payable = settlement._get_payable_lines()
        self.assertFalse(
            payable.with_user(self.rep).has_access("read"),
            "the test needs a rep who may not read the payout entry",
        )


@tagged("post_install", "-at_install")
class TestOrderCommissionButton(ScreenCase):
    """The order's Commission button shows what the lines it opens add up to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0, users=cls.rep)

    def test_button_equals_the_lines_it_opens(self):
        order = self._order([(self.product, 2, 1_000.0), (self.product, 1, 500.0)])
        self._run_forecast_job()
        invoice = self._invoice(order, date="2026-03-15")
        self._pay(invoice, amount=1_000.0, date="2026-03-20")
        for user in (self.rep, self.manager, self.env.user):
            order_as = order.with_user(user)
            self.assertMoney(order_as.incentive_amount, 250.0, user.login)
            action = order_as.action_view_incentive_lines()
            lines = self.env["sale.incentive.line"].with_user(user)
            opened = lines.search(self._action_domain(action, user))
            self.assertMoney(
                sum(opened.mapped("amount")), order_as.incentive_amount, user.login
            )
            # the pivot the action opens first shows the same total
            groups = lines.read_group(
                self._action_domain(action, user), ["amount"], [], lazy=False
            )
            self.assertMoney(groups[0]["amount"], 250.0, user.login)


@tagged("post_install", "-at_install")
class TestAdjustmentForm(ScreenCase):
    """A manager creates an adjustment from its form."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0, users=cls.rep)

    def test_manager_creates_an_adjustment_from_the_form(self):
        Adjustment = self.env["sale.incentive.adjustment"].with_user(self.manager)
        form = Form(Adjustment)
        # the plan dropdown: the field's domain evaluated on the new record's
        # values, as the web client does before its name_search
        description = Adjustment.get_views([(False, "form")])["models"][
            "sale.incentive.adjustment"
        ]["fields"]["plan_id"]
        values = {
            name: (form[name].id if hasattr(form[name], "_name") else form[name])
            for name in ("company_id", "state")
        }
        domain = safe_eval(
            description.get("domain") or "[]",
            dict(values, uid=self.manager.id, context_today=fields.Date.today),
        )
        offered = (
            self.env["sale.incentive.plan"]
            .with_user(self.manager)
            .name_search("", domain)
        )
        self.assertIn(self.plan.id, [plan_id for plan_id, _name in offered])
        form.plan_id = self.plan
        form.user_id = self.rep
        form.amount = 150.0
        form.reason = "Order booked on a colleague's account"
        adjustment = form.save()
        self.assertEqual(adjustment.company_id, self.plan.company_id)
        self.assertEqual(adjustment.partner_id, self.rep.partner_id)
        self.assertEqual(adjustment.requested_by_id, self.manager)
        self.assertEqual(adjustment.state, "draft")


@tagged("post_install", "-at_install")
class TestPayoutSettingsScreen(ScreenCase):
    """The incentive administrator (Sales Incentives / Administrator, Sales /
    Administrator, not Settings) sets the payout accounting from his menu."""

    def _menu_action(self, user):
        menu = self.env.ref("sale_incentive.menu_sale_incentive_payout_settings")
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(False)
        self.assertIn(menu.id, menus, user.login)
        model, action_id = menus[menu.id]["action"].split(",")
        return self.env[model].browse(int(action_id))

    def test_incentive_admin_sets_the_payout_accounting(self):
        admin = self.incentive_admin
        self.assertFalse(admin.has_group("base.group_system"))
        action = self._menu_action(admin)
        other_holdback = self.env["account.account"].create(
            {
                "name": "Commissions Held (long term)",
                "code": "250950",
                "account_type": "liability_non_current",
            }
        )
        form = Form(self.env[action.res_model].with_user(admin))
        self.assertEqual(form.journal_id, self.company_data["default_journal_misc"])
        self.assertEqual(form.payable_account_id, self.payable_account)
        self.assertEqual(form.approval_steps, "2")
        form.holdback_account_id = other_holdback
        form.approval_steps = "3"
        form.executive_user_id = self.manager
        form.save().action_save()
        company = self.env.company
        self.assertEqual(company.incentive_holdback_account_id, other_holdback)
        self.assertEqual(company.incentive_approval_steps, "3")
        self.assertEqual(company.incentive_executive_user_id, self.manager)
        self.assertEqual(company.incentive_payable_account_id, self.payable_account)

    def test_only_incentive_administrators_open_it(self):
        self._menu_action(self.incentive_admin)
        model = self.env.ref("sale_incentive.menu_sale_incentive_payout_settings")
        for user in (self.rep, self.manager):
            menus = self.env["ir.ui.menu"].with_user(user).load_menus(False)
            self.assertNotIn(model.id, menus, user.login)
            with self.assertRaises(AccessError, msg=user.login):
                self.env["sale.incentive.payout.settings"].with_user(user).create({})


@tagged("post_install", "-at_install")
class TestOrderFormOfAnotherTeam(ScreenCase):
    """A sales administrator who manages one team's incentives opens an order
    of another team with a commission split."""

    def test_sales_administrator_opens_another_teams_split_order(self):
        order = self._order(
            [(self.product, 1, 1_000.0)],
            user=self.rep_c,
            team_id=self.other_team.id,
            incentive_share_ids=[
                Command.create({"user_id": self.rep_c.id, "share": 60.0}),
                Command.create({"user_id": self.rep_b.id, "share": 40.0}),
            ],
        )
        self.assertTrue(self.manager.has_group("sales_team.group_sale_manager"))
        as_manager = order.with_user(self.manager)
        arch = as_manager.get_views([(False, "form")])["views"]["form"]["arch"]
        spec = DemoMenusMixin()._spec(
            as_manager.env, "sale.order", etree.fromstring(arch)
        )
        values = as_manager.web_read(spec)[0]
        self.assertEqual(
            sorted(share["share"] for share in values["incentive_share_ids"]),
            [40.0, 60.0],
        )
        # reading is all: the split stays his team's managers' to change
        with self.assertRaises(AccessError):
            as_manager.incentive_share_ids[0].share = 50.0
