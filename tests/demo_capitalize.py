# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The demo company's capitalized commissions (issue 22.1), mixed into
``TestDemoCompany``."""

from dateutil.relativedelta import relativedelta

from odoo import fields

MODULE = "sale_incentive"


class DemoCapitalizeMixin:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a demo database installed before this demo file was added (an
        # update does not run a new demo function): loaded as the
        # installation loads it, inside the test's transaction (idempotent)
        cls.env["sale.incentive.demo"]._load_demo_capitalize()

    def test_demo_capitalize_subscriptions_amortized_one_written_off(self):
        plan = self.env.ref(f"{MODULE}.demo_plan_capitalized")
        assets = self.env["sale.incentive.capitalization"].search(
            [("plan_id", "=", plan.id)], order="date"
        )
        self.assertEqual(len(assets), 4)
        self.assertEqual(assets.mapped("months"), [36] * 4)
        self.assertEqual(assets[0].state, "impaired")
        self.assertEqual(set(assets[1:].mapped("state")), {"running"})
        for asset in assets:
            currency = asset.currency_id
            self.assertTrue(asset.line_ids.filtered("move_id"), asset.name)
            self.assertEqual(
                currency.compare_amounts(
                    sum(asset.line_ids.mapped("amount")),
                    asset.amount - asset.amount_impaired
                    if asset.state == "impaired"
                    else asset.amount,
                ),
                0,
                asset.name,
            )
        # a rep reads their own capitalizations only
        jun = self.env.ref(f"{MODULE}.demo_user_rep_jun")
        rep = self.env.ref(f"{MODULE}.demo_user_rep")
        Capitalization = self.env["sale.incentive.capitalization"]
        self.assertEqual(Capitalization.with_user(jun).search([]), assets)
        self.assertFalse(Capitalization.with_user(rep).search([]))

    def test_demo_capitalize_rollforward_ties_to_the_asset_account(self):
        company = self.env.ref("base.main_company")
        account = company.incentive_deferred_account_id
        self.assertTrue(account)
        today = fields.Date.context_today(self.env.user)
        report = (
            self.env["sale.incentive.capitalization.report"]
            .with_user(self.env.ref(f"{MODULE}.demo_user_accountant"))
            .create(
                {
                    "company_id": company.id,
                    "date_from": today.replace(day=1) - relativedelta(months=5),
                    "date_to": today,
                    "group_by": "plan_partner",
                }
            )
        )
        rows = report._get_rows()
        self.assertEqual(len(rows), 1)
        opening, capitalized, amortized, impaired, other, closing = rows[0][2:]
        self.assertEqual((opening, other), (0.0, 0.0))
        self.assertGreater(amortized, 0.0)
        self.assertGreater(impaired, 0.0)
        [(balance,)] = self.env["account.move.line"]._read_group(
            [
                ("account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("date", "<=", today),
            ],
            [],
            ["balance:sum"],
        )
        self.assertEqual(company.currency_id.compare_amounts(closing, balance), 0)
        self.assertEqual(
            company.currency_id.compare_amounts(
                closing, capitalized - amortized - impaired
            ),
            0,
        )
