# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.modules.module import get_manifest
from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file

from .demo_menus import DemoMenusMixin

MODULE = "sale_incentive"
GROUP = "sale_incentive.group_sale_incentive_"


@tagged("post_install", "-at_install")
class TestDemoCompany(DemoMenusMixin, TransactionCase):
    """The demo company of ``make run`` (issue #10).

    On a database installed with demo data (the demo install of ``make test``)
    it checks the demo as installed; installed without (the suite's
    database), it loads the module's demo files first, inside the test's
    transaction, the way the installation does.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.installed_with_demo = bool(
            cls.env.ref(f"{MODULE}.demo_plan_key_accounts", raise_if_not_found=False)
        )
        if not cls.installed_with_demo:
            # as the installation does: no sign-up invitation to the new users
            env = cls.env(context=dict(cls.env.context, no_reset_password=True))
            for path in get_manifest(MODULE)["demo"]:
                convert_file(env, MODULE, path, {}, mode="init", kind="demo")
        ref = cls.env.ref
        cls.teams = ref(f"{MODULE}.demo_team_key_accounts") | ref(
            f"{MODULE}.demo_team_showroom"
        )
        demo_plans = cls.env["ir.model.data"].search(
            [
                ("module", "=", MODULE),
                ("model", "=", "sale.incentive.plan"),
                ("name", "like", "demo_%"),
            ]
        )
        cls.plans = cls.env["sale.incentive.plan"].browse(demo_plans.mapped("res_id"))
        cls.settlements = cls.env["sale.incentive.settlement"].search(
            [("plan_id", "in", cls.plans.ids)]
        )
        cls.customers = cls.env["res.partner"].search(
            [("incentive_tier_id", "!=", False)]
        )

    def test_every_menu_of_every_demo_role_opens(self):
        """Issue #20: each demo user opens each view of each of their menus,
        with and without its default filters (``demo_menus``)."""
        self._check_every_menu_opens()

    def test_installed_with_demo_matches_module_state(self):
        module = self.env["ir.module.module"].search([("name", "=", MODULE)])
        self.assertEqual(module.demo, self.installed_with_demo)

    def test_people_two_teams_six_reps(self):
        reps = self.teams.member_ids
        self.assertGreaterEqual(len(reps), 6)
        for team in self.teams:
            self.assertGreaterEqual(len(team.member_ids), 3, team.name)
            self.assertTrue(team.user_id.has_group(GROUP + "manager"), team.name)
        for rep in reps:
            self.assertTrue(rep.has_group(GROUP + "user"), rep.login)
            self.assertFalse(rep.has_group(GROUP + "manager"), rep.login)
        accountant = self.env.ref(f"{MODULE}.demo_user_accountant")
        self.assertTrue(accountant.has_group(GROUP + "accountant"))
        self.assertTrue(accountant.has_group("account.group_account_invoice"))
        self.assertTrue(
            self.env.ref(f"{MODULE}.demo_user_admin").has_group(GROUP + "admin")
        )
        # every rep earns under at least one active plan
        active = self.plans.filtered(lambda p: p.state == "active")
        for rep in reps:
            self.assertTrue(
                any(plan._covers_user(rep) for plan in active), f"{rep.login}: no plan"
            )

    def test_customers_in_each_tier_and_payout_accounting(self):
        tiers = self.customers.mapped("incentive_tier_id.code")
        self.assertEqual(
            set(tiers) & {"big", "medium", "small"}, {"big", "medium", "small"}
        )
        company = self.env.ref("base.main_company")
        company._check_incentive_accounting()  # raises when one is missing
        self.assertEqual(
            company.incentive_journal_id,
            self.env.ref(f"{MODULE}.demo_journal_commissions"),
        )

    def test_settlements_in_every_state_add_up(self):
        states = set(self.settlements.mapped("state"))
        for state in ("draft", "submitted", "approved", "posted", "paid"):
            self.assertIn(state, states)
        for settlement in self.settlements:
            currency = settlement.currency_id
            self.assertEqual(
                currency.compare_amounts(
                    settlement.amount_total, sum(settlement.line_ids.mapped("amount"))
                ),
                0,
                settlement.display_name,
            )
            if settlement.state not in ("posted", "paid") or not settlement.move_id:
                continue
            payable = settlement._get_payable_lines()
            self.assertEqual(
                currency.compare_amounts(
                    -sum(payable.mapped("balance")), settlement.amount_payable
                ),
                0,
                settlement.display_name,
            )
            self.assertEqual(
                all(payable.mapped("reconciled")), settlement.state == "paid"
            )
        # the linked commission lines of a percentage plan are what it settles
        fang = self.settlements.filtered(
            lambda s: s.plan_id == self.env.ref(f"{MODULE}.demo_plan_holdback")
        )
        self.assertTrue(fang)
        for settlement in fang:
            linked = sum(settlement.incentive_line_ids.mapped("amount"))
            components = settlement.line_ids.filtered(
                lambda c: c.component in ("commission", "clawback")
            )
            self.assertEqual(
                settlement.currency_id.compare_amounts(
                    linked, sum(components.mapped("amount"))
                ),
                0,
            )

    def test_payments_credit_note_dispute(self):
        moves = self.env["account.move"].search(
            [("partner_id", "in", self.customers.ids), ("state", "=", "posted")]
        )
        invoices = moves.filtered(lambda m: m.move_type == "out_invoice")
        self.assertIn("paid", invoices.mapped("payment_state"))
        self.assertIn("partial", invoices.mapped("payment_state"))
        refund = moves.filtered(
            lambda m: m.move_type == "out_refund" and m.reversed_entry_id
        )
        self.assertEqual(len(refund), 1)
        # 5 memberships of 6,000 returned; the 80/20 plan claws back its 3 %
        self.assertEqual(refund.amount_untaxed, 30000.0)
        clawback = self.env["sale.incentive.line"].search(
            [("move_id", "=", refund.id), ("kind", "=", "refund")]
        )
        self.assertEqual(clawback.mapped("amount"), [-900.0])
        disputed = self.env["sale.order"].search(
            [
                ("incentive_conflict", "=", True),
                ("partner_id", "in", self.customers.ids),
            ]
        )
        self.assertEqual(disputed.user_id, self.env.ref(f"{MODULE}.demo_user_rep_ming"))
        # the dispute waits for the leader of the order's team, with the reason
        activity = disputed.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref(f"{MODULE}.mail_activity_credit_dispute")
            )
        )
        self.assertEqual(
            activity.user_id, self.env.ref(f"{MODULE}.demo_user_manager_showroom")
        )
        self.assertIn("Huaxin's fleet manager", activity.note)

    def test_six_months_of_lines_targets_kpis(self):
        lines = self.env["sale.incentive.line"].search(
            [("plan_id", "in", self.plans.ids), ("kind", "!=", "forecast")]
        )
        months = {line.date.replace(day=1) for line in lines}
        first = fields.Date.context_today(lines).replace(day=1)
        for months_ago in range(6):
            self.assertIn(first - relativedelta(months=months_ago), months)
        users = self.teams.member_ids
        self.assertTrue(
            self.env["sale.incentive.target"].search_count(
                [("plan_id", "in", self.plans.ids)]
            )
            >= 6
        )
        values = self.env["sale.incentive.kpi.value"].search(
            [("user_id", "in", users.ids)]
        )
        self.assertEqual(set(values.mapped("state")), {"draft", "approved"})
        self.assertTrue(values.filtered("is_measured"))
