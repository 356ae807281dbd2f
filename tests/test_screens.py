# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import lxml.html
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged

from .test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestSettlementClose(SettlementCase):
    """Settlements numbered when submitted; those paying nothing close alone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0)

    def test_draft_is_numbered_when_submitted(self):
        self._sell(10_000.0)
        draft = self._settle("2026-03-31")
        self.assertEqual(draft.state, "draft")
        self.assertEqual(draft.name, "/")
        self.assertTrue(draft.display_name.startswith("Draft - "))
        sequence = self.env.ref("sale_incentive.seq_sale_incentive_settlement")
        expected = sequence.get_next_char(sequence.number_next_actual)
        draft.action_submit()
        self.assertEqual(draft.state, "submitted")
        self.assertEqual(draft.name, expected)
        self.assertTrue(draft.display_name.startswith(expected))

    def test_reruns_and_simulations_burn_no_number(self):
        """Settling a period again replaces its draft and a simulation runs
        the settlement for real before rolling it back: neither draws a
        number, so the settlements submitted are numbered without a gap."""
        self._sell(10_000.0)
        self._sell(20_000.0, date="2026-04-15")
        sequence = self.env.ref("sale_incentive.seq_sale_incentive_settlement")
        first = sequence.number_next_actual
        self._settle("2026-03-31")
        march = self._settle("2026-03-31")
        self._simulate(self.plan, "2026-03-01", "2026-04-30")
        march.action_submit()
        self._settle("2026-04-30")
        self._simulate(self.plan, "2026-03-01", "2026-04-30")
        april = self._settle("2026-04-30")
        april.action_submit()
        self.assertEqual(
            (march | april).mapped("name"),
            [sequence.get_next_char(first), sequence.get_next_char(first + 1)],
        )
        sequence.invalidate_recordset(["number_next_actual"])
        self.assertEqual(sequence.number_next_actual, first + 2)

    def _negative_april(self, auto_close):
        """April's settlement of a March sale credited in April (negative)."""
        self.env.company.incentive_auto_close_exceptions = auto_close
        invoice = self._sell(30_000.0)
        self._close(self._settle("2026-03-31"))
        self._refund(invoice, date="2026-04-10")
        return self._settle("2026-04-30")

    def test_negative_settlement_closes_on_submit_with_the_reason(self):
        april = self._negative_april(auto_close=True)
        self.assertMoney(april.amount_total, -3_000.0)
        april.with_context(tracking_disable=False).action_submit()
        self.assertEqual(april.state, "posted")
        self.assertFalse(april.move_id)
        self.assertEqual(april.approved_by_id, self.env.user)
        body = april.message_ids[:1].body
        self.assertIn("Validated automatically", body)
        self.assertIn("negative total", body)
        self.assertFalse(april.activity_ids)

    def test_positive_settlement_keeps_the_approval_chain(self):
        self.env.company.incentive_auto_close_exceptions = True
        self._sell(10_000.0)
        settlement = self._settle("2026-03-31")
        settlement.action_submit()
        self.assertEqual(settlement.state, "submitted")

    def test_negative_settlement_waits_when_the_setting_is_off(self):
        april = self._negative_april(auto_close=False)
        self.assertMoney(april.amount_total, -3_000.0)
        april.action_submit()
        self.assertEqual(april.state, "submitted")


@tagged("post_install", "-at_install")
class TestRepSettlement(SettlementCase):
    """The beneficiary follows their settlement; the entry is the accountants'."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=10.0)

    def _notified(self, settlement):
        # tracking messages are written when the transaction commits
        self.env.flush_all()
        self.env.cr.flush()
        return settlement.message_ids.filtered(
            lambda m: self.rep.partner_id in m.notified_partner_ids
        )

    def test_beneficiary_is_notified_when_approved_and_posted(self):
        # the class environment disables tracking: this test tracks
        self.env = self.env(context=dict(self.env.context, tracking_disable=False))
        self._sell(10_000.0)
        settlement = self._settle("2026-03-31").with_env(self.env)
        self.assertIn(self.rep.partner_id, settlement.message_partner_ids)
        settlement.action_submit()
        self.assertFalse(self._notified(settlement))
        settlement.with_user(self.manager).action_approve()
        self.assertEqual(
            self._notified(settlement).subtype_id,
            self.env.ref("sale_incentive.mt_settlement_approved"),
        )
        settlement.action_validate()
        settlement.action_post()
        self.assertEqual(len(self._notified(settlement)), 2)
        self.assertEqual(
            self._notified(settlement)[:1].subtype_id,
            self.env.ref("sale_incentive.mt_settlement_posted"),
        )

    def test_line_status_follows_the_settlement(self):
        order = self._order([(self.product, 1, 5_000.0)])
        self._run_forecast_job()
        forecast = self._lines(order_id=order.id)
        self.assertEqual(forecast.mapped("incentive_status"), ["forecast"])
        invoice = self._sell(10_000.0)
        line = self._lines(move_id=invoice.id)
        self.assertEqual(line.incentive_status, "earned")
        settlement = self._settle("2026-03-31")
        # the run links the lines in SQL: a new request reads them afresh
        line.invalidate_recordset()
        self.assertEqual(line.incentive_status, "settled")
        settlement.action_cancel()
        line.invalidate_recordset()
        self.assertEqual(line.incentive_status, "earned")

    def test_journal_entry_button_is_for_accountants_only(self):
        model = self.Settlement.with_user(self.rep)
        arch = model.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("action_view_move", arch)
        arch = self.Settlement.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("action_view_move", arch)


@tagged("post_install", "-at_install")
class TestConflictOwnFavour(SettlementCase):
    def test_manager_cannot_resolve_a_dispute_in_their_own_favour(self):
        self._make_plan(rate=3.0, users=self.rep | self.manager)
        self.customer.incentive_owner_id = self.manager
        order = self._order([(self.product, 1, 1000.0)])
        self._dispute(order, self.rep, "The manager's customer, my deal")
        self.assertTrue(order.incentive_conflict)
        wizard = (
            self.env["sale.incentive.conflict.resolve"]
            .with_user(self.manager)
            .create(
                {
                    "order_id": order.id,
                    "mode": "reassign",
                    "user_id": self.manager.id,
                    "reason": "My customer",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "own favour"):
            wizard.action_resolve()
        self.assertTrue(order.incentive_conflict)
        self.env["sale.incentive.conflict.resolve"].with_user(
            self.incentive_admin
        ).create(
            {
                "order_id": order.id,
                "mode": "reassign",
                "user_id": self.manager.id,
                "reason": "The manager's customer",
            }
        ).action_resolve()
        self.assertFalse(order.incentive_conflict)
        self.assertEqual(order.incentive_share_ids.user_id, self.manager)


@tagged("post_install", "-at_install")
class TestQuotationEstimate(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=3.0)

    def test_quotation_shows_what_confirming_earns_without_writing(self):
        order = self._order([(self.product, 15, 1000.0)], confirm=False)
        self.assertMoney(order.incentive_estimate, 450.0)
        self.assertFalse(order.incentive_line_ids)
        with Form(order) as form:
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 20
            self.assertMoney(form.incentive_estimate, 600.0)
        order.action_confirm()
        self.assertMoney(order.incentive_estimate, 0.0)
        self.assertMoney(order.incentive_amount, 600.0)

    def test_estimate_per_line_adds_up_to_the_order(self):
        """Each quotation line shows its share of the estimate (as OCA shows
        agents' commission per line), from the same engine pass."""
        order = self._order(
            [(self.product, 15, 1000.0), (self.product, 5, 1000.0)], confirm=False
        )
        self.assertMoney(order.incentive_estimate, 600.0)
        self.assertEqual(
            [line.incentive_estimate for line in order.order_line], [450.0, 150.0]
        )
        with Form(order) as form:
            with form.order_line.edit(1) as line:
                line.product_uom_qty = 10
                self.assertMoney(line.incentive_estimate, 300.0)
            self.assertMoney(form.incentive_estimate, 750.0)
        order.action_confirm()
        self.assertEqual(order.order_line.mapped("incentive_estimate"), [0.0, 0.0])

    def test_estimate_where_the_rep_looks(self):
        """Beside the quotation's total, as an optional column of the
        quotation and order lists, per order line; not in Other Info."""
        SaleOrder = self.env["sale.order"].with_user(self.rep)
        form = SaleOrder.get_view(self.env.ref("sale.view_order_form").id, "form")
        arch = etree.fromstring(form["arch"])
        self.assertTrue(
            arch.xpath("//group[@name='sale_total']//field[@name='incentive_estimate']")
        )
        self.assertTrue(
            arch.xpath("//group[@name='sale_total']//field[@name='incentive_amount']")
        )
        self.assertFalse(
            arch.xpath(
                "//page[@name='other_information']//field[@name='incentive_estimate']"
            )
        )
        self.assertTrue(
            arch.xpath(
                "//field[@name='order_line']/list/field[@name='incentive_estimate']"
            )
        )
        for xmlid in (
            "sale.view_quotation_tree_with_onboarding",
            "sale.view_order_tree",
        ):
            with self.subTest(view=xmlid):
                view = SaleOrder.get_view(self.env.ref(xmlid).id, "list")
                arch = etree.fromstring(view["arch"])
                for name in ("incentive_estimate", "incentive_amount"):
                    self.assertTrue(arch.xpath(f"//field[@name='{name}'][@optional]"))

    def test_period_table_estimate_counts_money_earned(self):
        """The estimate of a period table says what the table pays on the
        period's total in money, and what the order adds, not the base."""
        self.plan.action_close()
        self._make_plan(rule=self._period_table(), name="Ladder")
        today = fields.Date.context_today(self.env.user)
        self._sell(100_000.0, date=today)
        order = self._order([(self.product, 10, 1000.0)], confirm=False)
        self.assertMoney(order.incentive_estimate, 200.0)
        note = order.incentive_estimate_note
        # the period's total, what the table pays on it (money), the increment
        self.assertIn("110,000.00", note)
        self.assertIn("(2,200.00), +200.00", note)


@tagged("post_install", "-at_install")
class TestAccountantTour(SettlementCase, HttpCase):
    """The accountant settles, validates, posts and pays from Invoicing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=3.0)
        cls.accountant = cls._make_user(
            "acct",
            [
                cls.env.ref("account.group_account_invoice"),
                cls.env.ref("sale_incentive.group_sale_incentive_accountant"),
            ],
        )

    def test_accountant_settles_validates_posts_and_pays_from_invoicing(self):
        # sold last month: the wizard proposes the last closed period
        last_month = fields.Date.context_today(self.env.user).replace(
            day=1
        ) - relativedelta(days=1)
        self._sell(10_000.0, date=last_month)
        self.start_tour(
            "/odoo",
            "sale_incentive_accountant_settle_tour",
            login=self.accountant.login,
        )
        settlement = self.Settlement.search([("plan_id", "=", self.plan.id)])
        self.assertEqual(settlement.state, "draft")
        self.assertMoney(settlement.amount_total, 300.0)
        settlement.action_submit()
        settlement.with_user(self.manager).action_approve()
        self.start_tour(
            "/odoo", "sale_incentive_accountant_pay_tour", login=self.accountant.login
        )
        self.assertEqual(settlement.validated_by_id, self.accountant)
        self.assertEqual(settlement.state, "paid")
        self.assertMoney(
            self._balance(settlement.move_id, self.payable_account), -300.0
        )


@tagged("post_install", "-at_install")
class TestSettleWizardDefault(SettlementCase):
    """The settle wizard proposes the last closed period, not the unfinished
    current one (issue #20)."""

    def test_proposes_the_last_closed_period(self):
        today = fields.Date.context_today(self.env.user)
        month_start = today.replace(day=1)
        form = Form(self.env["sale.incentive.settle.wizard"])
        self.assertEqual(form.period, "month")
        self.assertEqual(form.date, month_start - relativedelta(days=1))
        form.period = "quarter"
        quarter_start = month_start - relativedelta(months=(today.month - 1) % 3)
        self.assertEqual(form.date, quarter_start - relativedelta(days=1))
        form.period = "year"
        self.assertEqual(
            form.date, today.replace(month=1, day=1) - relativedelta(days=1)
        )


@tagged("post_install", "-at_install")
class TestUnitsAndFormats(SettlementCase):
    """A quantity is not money, values of different indicators do not add up
    (issue #20)."""

    def test_per_unit_settlement_base_counts_units(self):
        self.plan = self._make_plan(
            base="quantity",
            rule={"name": "Per unit", "compute_type": "fixed_unit", "fixed_amount": 50},
        )
        self._invoice(self._order([(self.product, 6, 1000.0)]))
        settlement = self._settle("2026-03-31")
        commission = self._component(settlement, "commission")
        self.assertEqual(commission.base_amount, 6.0)
        self.assertFalse(commission.base_currency_id)
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "sale_incentive.action_report_settlement", settlement.ids
        )
        text = " ".join(lxml.html.fromstring(html).text_content().split())
        self.assertIn(f"{commission.base_amount:.2f} units", text)
        self.assertNotIn(f"$ {commission.base_amount:.2f}", text.replace("\xa0", " "))

    def test_kpi_values_are_not_summed(self):
        fields_info = self.env["sale.incentive.kpi.value"].fields_get(
            ["value"], ["aggregator"]
        )
        self.assertFalse(fields_info["value"].get("aggregator"))
