# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import IncentiveCase, load_migration


@tagged("post_install", "-at_install")
class TestI18n(IncentiveCase):
    """The Simplified Chinese translation (i18n/zh_CN.po) is loaded and used."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._activate_zh_cn()
        cls.rep.lang = "zh_CN"

    def _zh_env(self):
        return self.env(context=dict(self.env.context, lang=self.rep.lang))

    def test_validation_error_in_chinese(self):
        zh_env = self._zh_env()
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            zh_env["sale.incentive.plan"].create(
                {
                    "name": "Plan",
                    "user_ids": [(6, 0, self.rep.ids)],
                    "rule_ids": [(0, 0, {"name": "Standard", "rate": -1.0})],
                }
            )
        self.assertEqual(
            caught.exception.args[0], "规则“Standard”：提成比例不能为负数。"
        )

    def test_english_unchanged(self):
        en_env = self.env(context=dict(self.env.context, lang="en_US"))
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            en_env["sale.incentive.plan"].create(
                {
                    "name": "Plan",
                    "rule_ids": [(0, 0, {"name": "Standard", "rate": -1.0})],
                }
            )
        self.assertEqual(
            caught.exception.args[0], "Rule 'Standard': a rate cannot be negative."
        )

    def test_menu_and_selection_translated(self):
        zh_env = self._zh_env()
        menu = zh_env.ref("sale_incentive.menu_sale_incentive_root")
        self.assertEqual(menu.name, "提成")
        modes = dict(
            zh_env["sale.incentive.rule"]
            ._fields["bracket_mode"]
            ._description_selection(zh_env)
        )
        self.assertEqual(modes, {"whole": "全额累进", "marginal": "超额累进"})
        self.assertEqual(
            zh_env["sale.incentive.plan"].fields_get(["rule_ids"])["rule_ids"][
                "string"
            ],
            "规则",
        )

    def test_period_label_translated_in_message(self):
        zh_env = self._zh_env()
        plan = self._make_plan()
        year = fields.Date.today().year + 1
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            zh_env["sale.incentive.target"].create(
                {
                    "plan_id": plan.id,
                    "user_id": self.rep.id,
                    "period": "quarter",
                    "date_from": datetime.date(year, 2, 1),
                    "amount": 1000.0,
                }
            )
        self.assertEqual(
            caught.exception.args[0],
            f"期间必须从所在季度的第一天开始（{year}-01-01）。",
        )

    def test_settle_wizard_period_label_in_chinese(self):
        """The settle wizard names the period of its plans in the reader's
        language (the one table of period words)."""
        plan = self._make_plan()
        wizard = (
            self._zh_env()["sale.incentive.settle.wizard"]
            .create({"date": "2026-03-31", "period": "quarter"})
            .with_context(lang="zh_CN")
        )
        with self.assertRaises(UserError) as caught:
            wizard._check_plans(plan)
        self.assertEqual(
            caught.exception.args[0],
            f"以下提成方案不按季度结算：{plan.display_name}",
        )

    def test_settlement_explanation_in_the_readers_language(self):
        """Components store a message key and parameters, not text: the same
        component reads in English or in Chinese, with the reader's formats."""
        plan = self._make_plan()
        self._invoice(self._order([(self.product, 10, 1000.0)]))
        self.env["sale.incentive.settle.wizard"].create(
            {"date": "2026-03-31", "plan_ids": [(6, 0, plan.ids)]}
        ).action_settle()
        component = self.env["sale.incentive.settlement.line"].search(
            [("plan_id", "=", plan.id), ("component", "=", "commission")]
        )
        self.assertEqual(component.message, "commission")
        self.assertEqual(component.message_params["count"], 1)
        english = component.with_context(lang="en_US").name
        chinese = component.with_context(lang="zh_CN").name
        self.assertTrue(english.startswith("Commissions of 1 lines earned up to"))
        self.assertIn("10,000.00", english)
        self.assertTrue(chinese.startswith("截至 "), chinese)
        self.assertIn("已实现的 1 行提成，基数", chinese)
        self.assertIn("10,000.00", chinese)

    def test_rules_of_a_plan_in_force_refused_in_chinese(self):
        plan = self._make_plan(name="大客户")
        zh_env = self._zh_env()
        with self.assertRaises(UserError) as caught:
            plan.rule_ids.with_env(zh_env).write({"rate": 5.0})
        self.assertEqual(
            caught.exception.args[0],
            "“大客户”的规则正在生效：请在新版本中修改，新版本自您选择的日期起生效。",
        )
        states = dict(
            zh_env["sale.incentive.plan"]
            ._fields["state"]
            ._description_selection(zh_env)
        )
        self.assertEqual(states["closed"], "已关闭")


@tagged("post_install", "-at_install")
class TestLineExplanationLanguage(IncentiveCase):
    """Commission lines store what explains them as data (key + params) and
    read in the reader's language, whoever posted them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._activate_zh_cn()
        cls.plan = cls._make_plan()

    def _as_zh_poster(self, record):
        """``record`` in the environment of a Chinese-speaking user."""
        return record.with_context(lang="zh_CN")

    def _read(self, record, lang, field="explanation"):
        return record.with_context(lang=lang)[field]

    def _post_as_zh(self, order, date="2026-03-15"):
        invoice = order._create_invoices()
        invoice.invoice_date = date
        self._as_zh_poster(invoice).action_post()
        return invoice

    def test_percentage_line_follows_the_reader(self):
        order = self._order([(self.product, 10, 1000.0)])
        line = self._lines(move_id=self._post_as_zh(order).id)
        self.assertEqual(line.explanation_data[0]["key"], "source")
        english = self._read(line, "en_US")
        chinese = self._read(line, "zh_CN")
        self.assertEqual(
            english,
            f"3% × 10,000.00 on [{order.name}] {self.product.display_name}, "
            "rule 'Standard'",
        )
        self.assertTrue(chinese.startswith("3% × 10,000.00，依据 ["), chinese)
        self.assertIn("规则“Standard”", chinese)
        self.assertEqual(self._read(line, "en_US", "display_name"), english)

    def test_line_found_by_what_its_explanation_names(self):
        """The explanation is rendered when read; searching it (the line's
        name, e.g. in a field linking to a commission line) looks into its
        parts: the order named there finds the line."""
        order = self._order([(self.product, 10, 1000.0)])
        line = self._lines(move_id=self._post_as_zh(order).id)
        Line = self.env["sale.incentive.line"]
        self.assertEqual(Line.search([("explanation", "ilike", order.name)]), line)
        found = Line.name_search(order.name)
        self.assertEqual([line_id for line_id, _name in found], line.ids)

    def test_period_table_line_follows_the_reader(self):
        self.plan.action_close()
        self._make_plan(rule=self._period_table(), name="Ladder")
        order = self._order([(self.product, 600, 1000.0)])
        line = self._lines(move_id=self._post_as_zh(order).id)
        english = self._read(line, "en_US")
        chinese = self._read(line, "zh_CN")
        self.assertIn(" on [", english)
        self.assertIn("; the month reaches 600,000.00: 3% above 500,000.00", english)
        self.assertIn("+13,000.00", english)
        self.assertIn("，依据 [", chinese)
        self.assertNotIn(" on [", chinese)
        self.assertIn("月", chinese)
        self.assertIn("+13,000.00", chinese)

    def test_clawback_line_follows_the_reader(self):
        order = self._order([(self.product, 10, 1000.0)])
        invoice = self._post_as_zh(order)
        refund = self._refund(invoice, post=False)
        self._as_zh_poster(refund).action_post()
        line = self._lines(move_id=refund.id)
        self.assertEqual(
            self._read(line, "en_US"),
            f"Clawback of {invoice.name}: 100.00% of 300.00",
        )
        self.assertEqual(
            self._read(line, "zh_CN"), f"扣回 {invoice.name}：300.00 的 100.00%"
        )

    def test_quotation_estimate_follows_the_reader(self):
        order = self._order([(self.product, 10, 1000.0)], confirm=False)
        english = self._read(order, "en_US", "incentive_estimate_note")
        chinese = self._read(order, "zh_CN", "incentive_estimate_note")
        self.assertIn(f"3% × 10,000.00 on [{order.name}]", english)
        self.assertIn(f"3% × 10,000.00，依据 [{order.name}]", chinese)

    def test_old_lines_keep_their_text(self):
        """A database updated from 18.0.1.0.0: a line whose explanation was
        stored as text reads that text, whoever reads it (the pre-migration
        keeps it as a part before the tables are updated); the old column
        goes."""
        order = self._order([(self.product, 10, 1000.0)])
        line = self._lines(move_id=self._post_as_zh(order).id)
        old = "3% × 10,000.00，依据 [S00001] Widget，规则“Standard”"
        cr = self.env.cr
        line.flush_recordset()
        cr.execute("ALTER TABLE sale_incentive_line ADD COLUMN explanation varchar")
        cr.execute(
            "UPDATE sale_incentive_line SET explanation = %s, explanation_data = NULL "
            "WHERE id = %s",
            (old, line.id),
        )
        line.invalidate_recordset()
        load_migration("18.0.1.1.0", "pre-explanation").migrate(cr, "18.0.1.0.0")
        line.invalidate_recordset()
        self.assertEqual(
            line.explanation_data, [{"key": "text", "params": {"text": old}}]
        )
        self.assertEqual(self._read(line, "en_US"), old)
        self.assertEqual(self._read(line, "zh_CN"), old)
        cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = "
            "'sale_incentive_line' AND column_name = 'explanation'"
        )
        self.assertFalse(cr.fetchall())

    def test_payment_line_follows_the_reader(self):
        """On the paid basis, the line a payment earns."""
        self.plan.action_close()
        self._make_plan(basis="paid", name="Paid")
        invoice = self._post_as_zh(self._order([(self.product, 10, 1000.0)]))
        self._pay(invoice, amount=4000.0)
        line = self._lines(move_id=invoice.id, kind="payment")
        entry = line.payment_move_id.name
        self.assertEqual(
            self._read(line, "en_US"),
            f"40.00% of {invoice.name} paid ({entry}): 120.00",
        )
        self.assertEqual(
            self._read(line, "zh_CN"), f"{invoice.name} 已付 40.00%（{entry}）：120.00"
        )
