# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from .common import DemoCompanyCase
from .demo_acknowledge import DemoAcknowledgeMixin
from .demo_calendar import DemoCalendarMixin
from .demo_capitalize import DemoCapitalizeMixin
from .demo_champions import DemoChampionsMixin
from .demo_draws import DemoDrawsMixin
from .demo_grades import DemoGradesMixin
from .demo_kpipay import DemoKpiPayMixin
from .demo_menus import DemoMenusMixin
from .demo_minprice import DemoMinpriceMixin

MODULE = "sale_incentive"
GROUP = "sale_incentive.group_sale_incentive_"


@tagged("post_install", "-at_install")
class TestDemoCompany(
    DemoAcknowledgeMixin,
    DemoCalendarMixin,
    DemoCapitalizeMixin,
    DemoChampionsMixin,
    DemoDrawsMixin,
    DemoGradesMixin,
    DemoKpiPayMixin,
    DemoMinpriceMixin,
    DemoMenusMixin,
    DemoCompanyCase,
    TransactionCase,
):
    """The demo company of ``make run`` (issue #10), as installed or loaded
    by ``DemoCompanyCase``."""

    # the mixins' ``test_demo_*`` methods run too (Odoo's loader takes only
    # the class's own methods otherwise)
    allow_inherited_tests_method = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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

    def test_period_tables_pay_on_their_lines(self):
        """Key Account Reps, the Customer Service Ladder and the Key Account
        Table 2-6 %: their money is on their lines (every screen summing line
        amounts shows it), each period's lines add up to its table, and each
        settlement pays its lines, with no separate table amount."""
        Line = self.env["sale.incentive.line"]
        plans = self.plans.filtered(lambda p: p.rule_ids._filtered_period())
        self.assertGreaterEqual(len(plans), 3)
        for plan in plans:
            periods = {}
            for line in Line.search(Line._get_earned_domain(plan)):
                rule = line.rule_id
                if rule not in plan.rule_ids._filtered_period():
                    continue
                key = self.env["sale.incentive.period.table"]._get_period_table_key(
                    {"partner_id": line.partner_id.id, "date": line.period_date},
                    rule,
                )
                base, amount = periods.get(key, (0.0, 0.0))
                periods[key] = (
                    base + line.base_amount * line.share / 100.0,
                    amount + line.amount,
                )
            with self.subTest(plan=plan.name):
                self.assertTrue(periods)
                self.assertGreater(sum(a for _b, a in periods.values()), 0.0)
                for (rule_id, _partner, _start), (base, amount) in periods.items():
                    rule = self.env["sale.incentive.rule"].browse(rule_id)
                    self.assertAlmostEqual(
                        amount, rule._get_table_amount(round(base, 2))[0], places=2
                    )
            # a cancelled settlement (Yan's, deferred to next month) freed
            # its lines: it pays nothing
            for settlement in self.settlements.filtered(
                lambda s, p=plan: s.plan_id == p and s.state != "cancel"
            ):
                components = settlement.line_ids
                self.assertFalse(
                    components.filtered(lambda c: c.component == "bracket"),
                    settlement.name,
                )
                self.assertAlmostEqual(
                    sum(
                        components.filtered(
                            lambda c: c.component in ("commission", "clawback")
                        ).mapped("amount")
                    ),
                    sum(settlement.incentive_line_ids.mapped("amount")),
                    places=2,
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
            [
                ("move_id", "=", refund.id),
                ("kind", "=", "refund"),
                ("plan_id", "=", self.env.ref(f"{MODULE}.demo_plan_holdback").id),
            ]
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

    def test_approval_chain_dated_in_the_flow(self):
        """Each step of a settlement is dated a few days after its period,
        before its payment, as the rest of the history (issue #20)."""
        steps = (
            "submitted_date",
            "approved_date",
            "validated_date",
            "executive_date",
            "posted_date",
        )
        dated = self.settlements.filtered("submitted_date")
        self.assertTrue(dated.filtered(lambda s: s.state == "paid"))
        for settlement in dated:
            days = [settlement[step] for step in steps if settlement[step]]
            self.assertEqual(days, sorted(days), settlement.display_name)
            for day in days:
                self.assertGreater(day.date(), settlement.date_to)
                self.assertLess(
                    day.date(),
                    settlement.date_to + relativedelta(days=10),
                    settlement.display_name,
                )
            payments = settlement._get_payable_lines().matched_debit_ids.debit_move_id
            for payment in payments:
                self.assertLessEqual(days[-1].date(), payment.date)

    def test_underperformance_alert(self):
        """Ming sold two cars a month for three months against a task of 4
        (below the 60 % of the alert): his manager has the alert."""
        ming = self.env.ref(f"{MODULE}.demo_user_rep_ming")
        alerts = self.env["mail.activity"].search(
            [
                (
                    "activity_type_id",
                    "=",
                    self.env.ref(f"{MODULE}.mail_activity_underperformance").id,
                ),
                ("res_model", "=", "res.partner"),
                ("res_id", "=", ming.partner_id.id),
            ]
        )
        self.assertEqual(
            alerts.user_id, self.env.ref(f"{MODULE}.demo_user_manager_showroom")
        )

    def test_director_override_in_her_commissions(self):
        """Mei Chen's override of her team's sales is paid by settlements,
        not by commission lines: My Commissions shows it on her rows."""
        mei = self.env.ref(f"{MODULE}.demo_user_manager")
        plan = self.env.ref(f"{MODULE}.demo_plan_key_accounts")
        settlements = self.settlements.filtered(
            lambda s: (
                s.partner_id == mei.partner_id
                and s.plan_id == plan
                and s.state != "cancel"
            )
        )
        self.assertTrue(settlements)
        # grouped per period as she reads them (the rows' end dates are not
        # read: issue #20's quarterly interval is fixed with My Commissions)
        per_period = dict(
            self.env["sale.incentive.period.report"]
            .with_user(mei)
            ._read_group(
                [("user_id", "=", mei.id), ("plan_id", "=", plan.id)],
                ["date_from:day"],
                ["team_amount:sum"],
            )
        )
        for settlement in settlements:
            override = settlement.line_ids.filtered(lambda c: c.component == "override")
            self.assertTrue(override, settlement.display_name)
            self.assertEqual(
                settlement.currency_id.compare_amounts(
                    per_period.get(settlement.date_from, 0.0),
                    sum(override.mapped("amount")),
                ),
                0,
                settlement.display_name,
            )

    def test_projected_payout_of_the_open_period_is_what_settling_pays(self):
        """My Commissions' projected payout of each row of the open period
        (the one containing today) is what the settle wizard pays now for
        it (the amount payable, net of the holdback); reading it settles
        nothing."""
        company = self.env.ref("base.main_company")
        company.incentive_settle_background_lines = 0  # settle here, not in a job
        Settlement = self.env["sale.incentive.settlement"]
        before = Settlement.search_count([])
        today = fields.Date.context_today(self.env.user)
        rows = self.env["sale.incentive.period.report"].search(
            [
                ("plan_id", "in", self.plans.ids),
                ("date_from", "<=", today),
                ("date_to", ">=", today),
            ]
        )
        self.assertTrue(rows)
        projected = {
            (row.plan_id, row.partner_id): row.projected_payout for row in rows
        }
        self.assertTrue(all(rows.mapped("is_open_period")))
        self.assertTrue(any(projected.values()))
        self.assertEqual(Settlement.search_count([]), before)
        for plan in rows.plan_id:
            paid = self._settle_open_period(plan)
            for (row_plan, partner), amount in projected.items():
                if row_plan != plan:
                    continue
                with self.subTest(plan=plan.name, partner=partner.name):
                    self.assertEqual(
                        plan.currency_id.compare_amounts(
                            amount, paid.get(partner, 0.0)
                        ),
                        0,
                        f"projected {amount}, settled {paid.get(partner, 0.0)}",
                    )
