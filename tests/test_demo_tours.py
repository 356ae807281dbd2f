# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Each demo role in the browser, on the demo company (issue #20).

The figures each tour asserts are read here from the demo database (its
settlements and their components, the order's lines, the payout entry, the
company's payout accounts) and passed to the tour in its options; the tours
(static/tests/tours/sale_incentive_demo_tours.js) fail when a screen shows
another figure."""

import json

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools.misc import format_date, formatLang

from .common import DemoCompanyCase, activate_zh_cn

try:
    from cn2an import an2cn
except ImportError:  # the statement then shows figures (tests/test_statement.py)
    an2cn = None

MODULE = "sale_incentive"
# what a settlement pays before its period policies: its lines' commissions
# (and their clawbacks)
LINE_COMPONENTS = ("commission", "clawback")


@tagged("post_install", "-at_install")
class TestDemoTours(DemoCompanyCase, HttpCase):
    """The rep, the manager, the accountant, the incentive administrator and
    a Chinese-speaking rep on the demo company, each screen asserted against
    the settlements of the demo database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.rep = ref(f"{MODULE}.demo_user_rep")
        cls.manager = ref(f"{MODULE}.demo_user_manager")
        cls.accountant = ref(f"{MODULE}.demo_user_accountant")
        cls.incentive_admin = ref(f"{MODULE}.demo_user_admin")
        cls.company = ref("base.main_company")
        cls.currency = cls.company.currency_id
        cls.Settlement = cls.env["sale.incentive.settlement"]

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _start(self, url, tour, user, **figures):
        """``start_tour`` as ``user``, with ``figures`` in the tour's options
        (read by the tour through its runner's saved configuration)."""
        options = {
            "stepDelay": 0,
            "keepWatchBrowser": False,
            "debug": False,
            "startUrl": url,
            "saleIncentive": figures,
        }
        self.start_tour(
            url,
            tour,
            login=user.login,
            code=f"odoo.startTour({json.dumps(tour)}, {json.dumps(options)})",
        )

    def _amount(self, user, amount):
        """``amount`` as the web client shows it to ``user`` (without the
        currency symbol)."""
        env = self.env(context=dict(self.env.context, lang=user.lang))
        return formatLang(env, amount, digits=self.currency.decimal_places)

    def _date(self, user, date):
        env = self.env(context=dict(self.env.context, lang=user.lang))
        return format_date(env, date)

    @staticmethod
    def _before_policies(settlement):
        components = settlement.line_ids.filtered(
            lambda c: c.component in LINE_COMPONENTS
        )
        return sum(components.mapped("amount"))

    # ------------------------------------------------------------------
    # the rep
    # ------------------------------------------------------------------
    def test_rep_earned_is_the_settlement_before_policies(self):
        """Lei Wang's My Commissions: each closed month of his monthly
        plans shows as earned what its settlement pays before its period
        policies."""
        settlements = self.Settlement.search(
            [
                ("partner_id", "=", self.rep.partner_id.id),
                ("state", "!=", "cancel"),
                ("plan_id.period", "=", "month"),
            ]
        )
        self.assertGreaterEqual(len(settlements), 5)
        periods = [
            {
                "plan": settlement.plan_id.display_name,
                "date": self._date(self.rep, settlement.date_from),
                "earned": self._amount(self.rep, self._before_policies(settlement)),
            }
            for settlement in settlements
        ]
        self.assertTrue(any(period["earned"] != "0.00" for period in periods))
        self._start("/odoo", "sale_incentive_demo_rep_tour", self.rep, periods=periods)

    def _settle_now(self, plan):
        """``_settle_open_period`` rolled back: nothing stays written."""
        savepoint = self.env.cr.savepoint()
        try:
            return self._settle_open_period(plan)
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()

    def test_rep_projected_payout_is_what_settling_now_pays(self):
        """My Commissions of a rep with something to be paid this period (Lei
        Wang when he has): each row of the open period shows as projected
        payout what the settle wizard pays now for it (net of the holdback)."""
        self.company.incentive_settle_background_lines = 0  # settle here
        today = fields.Date.context_today(self.env.user)
        rows = self.env["sale.incentive.period.report"].search(
            [("date_from", "<=", today), ("date_to", ">=", today)]
        )
        paid = {}
        for plan in rows.plan_id:
            for partner, amount in self._settle_now(plan).items():
                paid[(plan, partner)] = amount
        reps = rows.user_id.filtered(
            lambda user: any(paid.get((plan, user.partner_id)) for plan in rows.plan_id)
        )
        self.assertTrue(reps, "nobody has anything to be paid this period")
        rep = self.rep if self.rep in reps else reps.sorted("login")[0]
        periods = [
            {
                "plan": row.plan_id.display_name,
                "date": self._date(rep, row.date_from),
                "projected": self._amount(
                    rep, paid.get((row.plan_id, row.partner_id), 0.0)
                ),
            }
            for row in rows.filtered(lambda r: r.partner_id == rep.partner_id)
        ]
        self._start("/odoo", "sale_incentive_demo_projected_tour", rep, periods=periods)

    def test_order_button_is_the_lines_it_opens(self):
        """Lei Wang's last invoiced order: its Commission button shows what
        the lines it opens add up to (its forecast, written when opened if
        the background job has not yet)."""
        order = self.env["sale.order"].search(
            [
                ("user_id", "=", self.rep.id),
                ("state", "=", "sale"),
                ("invoice_ids.state", "=", "posted"),
            ],
            order="date_order desc",
            limit=1,
        )
        shown = order.with_user(self.rep).incentive_amount
        self.assertTrue(shown)
        self._start(
            f"/odoo/sales/{order.id}",
            "sale_incentive_demo_order_button_tour",
            self.rep,
            amount=self._amount(self.rep, shown),
        )
        lines = (
            self.env["sale.incentive.line"]
            .with_user(self.rep)
            .search([("order_id", "=", order.id), ("kind", "=", "forecast")])
        )
        self.assertEqual(
            self.currency.compare_amounts(sum(lines.mapped("amount")), shown), 0
        )

    # ------------------------------------------------------------------
    # the manager
    # ------------------------------------------------------------------
    def test_manager_creates_an_adjustment_from_the_form(self):
        plan = self.env.ref(f"{MODULE}.demo_plan_key_accounts")
        jun = self.env.ref(f"{MODULE}.demo_user_rep_jun")
        reason = "Zhongtai renewal booked on a colleague's account"
        self._start(
            "/odoo",
            "sale_incentive_demo_adjustment_tour",
            self.manager,
            plan=plan.display_name,
            beneficiary=jun.name,
            amount="1234.56",
            amount_shown=self._amount(self.manager, 1234.56),
            reason=reason,
        )
        adjustment = self.env["sale.incentive.adjustment"].search(
            [("reason", "=", reason)]
        )
        self.assertEqual(len(adjustment), 1)
        self.assertEqual(adjustment.plan_id, plan)
        self.assertEqual(adjustment.user_id, jun)
        self.assertEqual(adjustment.partner_id, jun.partner_id)
        self.assertEqual(self.currency.compare_amounts(adjustment.amount, 1234.56), 0)
        self.assertEqual(adjustment.company_id, plan.company_id)
        self.assertEqual(adjustment.requested_by_id, self.manager)
        self.assertEqual(adjustment.state, "draft")

    # ------------------------------------------------------------------
    # the accountant
    # ------------------------------------------------------------------
    def test_accountant_settlements_to_post_and_pay_and_the_entry(self):
        """Na Li's Settlements list the approved settlements to validate and
        the posted ones to pay, each with what it pays; a posted one opens its
        payout entry, whose payable is credited with that amount."""
        waiting = self.Settlement.search(
            [
                "|",
                ("state", "=", "approved"),
                "&",
                ("state", "=", "posted"),
                ("amount_payable", ">", 0),
            ]
        )
        self.assertEqual(set(waiting.mapped("state")), {"approved", "posted"})
        posted = waiting.filtered(lambda s: s.state == "posted")[:1]
        payable = posted.move_id.line_ids.filtered(
            lambda line: line.account_id == self.company.incentive_payable_account_id
        )
        self.assertEqual(len(payable), 1)
        self.assertEqual(
            self.currency.compare_amounts(payable.credit, posted.amount_payable), 0
        )
        self._start(
            "/odoo",
            "sale_incentive_demo_accountant_tour",
            self.accountant,
            settlements=[
                {
                    "name": settlement.name,
                    "state": settlement.state,
                    "amount": self._amount(self.accountant, settlement.amount_payable),
                }
                for settlement in waiting
            ],
            entry={
                "name": posted.name,
                "move": posted.move_id.name,
                "account": payable.account_id.display_name,
                "credit": self._amount(self.accountant, posted.amount_payable),
            },
        )

    # ------------------------------------------------------------------
    # the incentive administrator
    # ------------------------------------------------------------------
    def test_incentive_admin_opens_the_payout_settings(self):
        company = self.company
        self.assertFalse(self.incentive_admin.has_group("base.group_system"))
        self._start(
            "/odoo",
            "sale_incentive_demo_payout_settings_tour",
            self.incentive_admin,
            fields={
                name: company[f"incentive_{name}"].display_name
                for name in (
                    "journal_id",
                    "expense_account_id",
                    "payable_account_id",
                    "holdback_account_id",
                )
            },
        )

    # ------------------------------------------------------------------
    # a Chinese-speaking rep
    # ------------------------------------------------------------------
    def test_chinese_rep_reads_the_statement_in_financial_uppercase(self):
        """Jun Zhao reads Chinese: his statement (in the company's dollars)
        says what it pays in Chinese financial uppercase, with the currency's
        Chinese name, not in English words."""
        self.assertIsNotNone(an2cn, "cn2an is needed for the amounts in words")
        activate_zh_cn(self.env)
        jun = self.env.ref(f"{MODULE}.demo_user_rep_jun")
        jun.lang = "zh_CN"
        settlement = self.Settlement.search(
            [("partner_id", "=", jun.partner_id.id), ("state", "=", "paid")],
            order="date_from desc",
            limit=1,
        )
        self.assertTrue(settlement)
        self.assertEqual(self.currency.name, "USD")
        amount = self.currency.round(settlement.amount_payable)
        self.assertGreater(amount, 0)
        digits = self.currency.decimal_places
        words = "美元" + an2cn(f"{amount:.{digits}f}", "rmb")
        self._start(
            "/my/commissions",
            "sale_incentive_demo_chinese_statement_tour",
            jun,
            name=settlement.name,
            words=words,
        )
        # the statement itself is in Chinese words only
        self.authenticate(jun.login, jun.login)
        response = self.url_open(settlement.get_portal_url(report_type="html"))
        html = response.content.decode()
        self.assertIn(words, html)
        self.assertNotIn("Dollars", html)
