# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import io
import logging
import time

import lxml.html
import openpyxl
from PyPDF2 import PdfReader

from odoo import Command, fields
from odoo.tests import Form, HttpCase, tagged

from .test_settlement import SettlementCase

_logger = logging.getLogger(__name__)
REPORT = "sale_incentive.action_report_settlement"


def _words(settlement, amount=None):
    """The statement's amount in words of ``settlement``, in its reader's
    language (the settlement's context)."""
    statement = settlement.env["report.sale_incentive.report_settlement"]
    return statement._amount_in_words(settlement, amount)


class StatementCase(SettlementCase, HttpCase):
    """A yuan company; statements printed through wkhtmltopdf (the HTTP
    server of HttpCase serves the report's assets)."""

    company_currency_code = "CNY"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.rep_d = cls._make_user(
            "rep_d",
            [
                cls.env.ref("sales_team.group_sale_salesman"),
                cls.env.ref("sale_incentive.group_sale_incentive_user"),
            ],
        )
        cls.plan = cls._make_plan(
            rate=10.0,
            name="Key accounts",
            users=cls.rep + cls.rep_b + cls.rep_c + cls.rep_d,
        )
        cls.rep.partner_id.write(
            {"lang": "zh_CN", "street": "1 Nanjing Road", "city": "Shanghai"}
        )
        cls.rep_b.partner_id.lang = "zh_CN"
        cls.rep_c.partner_id.lang = "en_US"
        cls.rep_d.partner_id.lang = "zh_CN"

    def _pdf_text(self, settlements):
        """Print each statement through wkhtmltopdf and return the text of
        the HTML of them all, printed in one go.

        The wkhtmltopdf of this machine (0.12.6, unpatched Qt) draws the
        report's web fonts as outlines, so its PDFs hold no extractable text
        (PyPDF2 and pdftotext read blanks): the words are read from the HTML
        wkhtmltopdf prints.  It also prints one document per run only (two
        statements, English or not, end in "Exit with code 1"), hence the PDF
        per statement."""
        report = self.env["ir.actions.report"]
        for settlement in settlements:
            pdf, _format = report.with_context(
                force_report_rendering=True
            )._render_qweb_pdf(REPORT, settlement.ids)
            self.assertTrue(pdf.startswith(b"%PDF"))
            self.assertTrue(PdfReader(io.BytesIO(pdf)).pages)
        html, _format = report._render_qweb_html(REPORT, settlements.ids)
        return " ".join(lxml.html.fromstring(html).text_content().split())

    def _approve_and_post(self, settlements):
        """Submitted and validated by the test user; the team's settlements
        approved by its leader, the others by the test user."""
        settlements.action_submit()
        team = settlements.filtered(lambda s: s.user_id in self.team.member_ids)
        team.with_user(self.manager).action_approve()
        (settlements - team).action_approve()
        settlements.action_validate()
        settlements.action_post()
        return settlements

    def _of(self, settlements, user):
        return settlements.filtered(lambda s: s.user_id == user)


@tagged("post_install", "-at_install")
class TestStatementPdf(StatementCase):
    def test_period_statements_in_one_pdf(self):
        big = self._order([(self.product, 1, 1_000_050.0)], user=self.rep)
        big_invoice = self._invoice(big, date="2026-03-10")
        self._sell(10_015.0, user=self.rep_b)
        self._sell(100_000.0, user=self.rep_c)
        self._sell(0.5, user=self.rep_d)
        settlements = self._approve_and_post(self._settle("2026-03-31"))
        self.assertEqual(len(settlements), 4)
        rep = self._of(settlements, self.rep)
        self.assertMoney(rep.amount_payable, 100_005.0)

        text = self._pdf_text(settlements)
        # the whole period in one PDF: every beneficiary, in their language
        self.assertIn("壹拾万零伍元整", text)
        self.assertIn("壹仟零壹元伍角", text)
        self.assertIn("伍分", text)
        self.assertIn("Ten Thousand Yuan", text)
        # the source lines: document, customer, base, rate
        self.assertIn(big.name, text)
        self.assertIn(big_invoice.name, text)
        self.assertIn("Big Buyer Ltd", text)
        self.assertIn("1,000,050.00", text)
        self.assertIn("10.00 %", text)
        # the beneficiary's address and the approval trail
        self.assertIn("Nanjing Road", text)
        self.assertIn(self.manager.name, text)
        self.assertIn(self.env.user.name, text)

    def test_payment_on_statement(self):
        self._sell(10_000.0, user=self.rep_c)
        settlement = self._approve_and_post(self._settle("2026-03-31"))
        action = settlement.action_register_payment()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        form.payment_date = fields.Date.to_date("2026-04-05")
        payment = form.save()._create_payments()
        self.assertEqual(settlement.state, "paid")
        text = self._pdf_text(settlement)
        self.assertIn("Paid on", text)
        self.assertIn("04/05/2026", text)
        self.assertIn(payment.move_id.name, text)
        self.assertIn("One Thousand Yuan", text)

    def test_negative_carried_balance(self):
        invoice = self._sell(10_000.0, user=self.rep_c)
        self._approve_and_post(self._settle("2026-03-31"))
        refund = self._refund(invoice, date="2026-04-10")
        april = self._settle("2026-04-30")
        self.assertMoney(april.amount_carried, -1_000.0)
        self.assertMoney(april.amount_payable, 0.0)
        text = self._pdf_text(april)
        self.assertIn(refund.name, text)
        self.assertIn("Minus One Thousand Yuan", text)
        self.assertIn("Zero Yuan", text)
        self.rep_c.partner_id.lang = "zh_CN"
        text = self._pdf_text(april)
        self.assertIn("负壹仟元整", text)
        self.assertIn("零元整", text)

    def test_500_source_lines_render_time(self):
        """Measured, not asserted: see the log line."""
        order = self._order([(self.product, 1, 100.0)] * 500, user=self.rep_c)
        self._invoice(order)
        settlement = self._settle("2026-03-31")
        self.assertEqual(len(settlement.incentive_line_ids), 500)
        report = self.env["ir.actions.report"]
        start = time.perf_counter()
        html, _format = report._render_qweb_html(REPORT, settlement.ids)
        html_time = time.perf_counter() - start
        start = time.perf_counter()
        pdf, _format = report.with_context(
            force_report_rendering=True
        )._render_qweb_pdf(REPORT, settlement.ids)
        _logger.info(
            "statement of 500 source lines: HTML %.2f s, PDF %.2f s, %d pages",
            html_time,
            time.perf_counter() - start,
            len(PdfReader(io.BytesIO(pdf)).pages),
        )
        text = " ".join(lxml.html.fromstring(html).text_content().split())
        self.assertIn("Five Thousand Yuan", text)


@tagged("post_install", "-at_install")
class TestAmountInWordsReader(SettlementCase):
    """A dollar company: the reader's language decides the words (issue #20),
    not the currency: Chinese financial uppercase with the currency's name
    for a Chinese reader, the reader's own words otherwise."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.plan = cls._make_plan(rate=10.0, users=cls.rep)

    def test_dollars_for_a_chinese_and_an_english_reader(self):
        self.assertEqual(self.currency.name, "USD")
        self._sell(120_000.0, user=self.rep)
        settlement = self._settle("2026-03-31")
        self.assertMoney(settlement.amount_payable, 12_000.0)
        chinese = settlement.with_context(lang="zh_CN")
        english = settlement.with_context(lang="en_US")
        self.assertEqual(_words(chinese), "美元壹万贰仟元整")
        self.assertEqual(_words(chinese, 1_001.5), "美元壹仟零壹元伍角")
        self.assertEqual(_words(english), "Twelve Thousand Dollars")
        self.assertEqual(
            _words(english, 1_001.5),
            "One Thousand And One Dollars and Fifty Cents",
        )

    def test_currency_without_chinese_name_reads_its_code(self):
        self._sell(10_000.0, user=self.rep)
        settlement = self._settle("2026-03-31").with_context(lang="zh_CN")
        self.currency.name = "ZZZ"
        self.assertEqual(_words(settlement), "ZZZ壹仟元整")


@tagged("post_install", "-at_install")
class TestAmountInWords(StatementCase):
    def test_edge_cases(self):
        self._sell(10_000.0, user=self.rep_c)
        settlement = self._settle("2026-03-31")
        chinese = settlement.with_context(lang="zh_CN")
        english = settlement.with_context(lang="en_US")
        cases = {
            100_005.0: ("人民币壹拾万零伍元整", "One Hundred Thousand And Five Yuan"),
            1_001.5: (
                "人民币壹仟零壹元伍角",
                "One Thousand And One Yuan and Fifty Fen",
            ),
            0.05: ("人民币伍分", "Zero Yuan and Five Fen"),
            10_000.0: ("人民币壹万元整", "Ten Thousand Yuan"),
            -1_000.0: ("人民币负壹仟元整", "Minus One Thousand Yuan"),
        }
        for amount, (zh, en) in cases.items():
            with self.subTest(amount=amount):
                self.assertEqual(_words(chinese, amount), zh)
                self.assertEqual(_words(english, amount), en)

    def test_without_cn2an_figures(self):
        from ..report import sale_incentive_settlement_statement as module

        self._sell(10_000.0, user=self.rep_c)
        settlement = self._settle("2026-03-31").with_context(lang="zh_CN")
        an2cn, module.an2cn = module.an2cn, None
        try:
            self.assertEqual(_words(settlement, 1_001.5), "¥\N{NO-BREAK SPACE}1,001.50")
        finally:
            module.an2cn = an2cn


@tagged("post_install", "-at_install")
class TestStatementXlsx(StatementCase):
    def _rows(self, data, sheet, data_only=True):
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)
        return list(book[sheet].iter_rows(values_only=True))

    def test_period_export_equals_the_settlements(self):
        self._sell(10_015.0, user=self.rep_b)
        self._sell(100_000.0, user=self.rep_c)
        self._sell(20_000.0, user=self.rep_c, date="2026-03-20")
        settlements = self._approve_and_post(self._settle("2026-03-31"))
        self.assertEqual(len(settlements), 2)
        paid = self._of(settlements, self.rep_c)
        action = paid.action_register_payment()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        form.save().action_create_payments()
        self.assertEqual(paid.state, "paid")

        data = settlements._export_xlsx()
        summary = self._rows(data, "Summary")
        header = summary[0]
        self.assertEqual(
            header[:6],
            ("Settlement", "Beneficiary", "Plan", "From", "To", "Line commissions"),
        )
        column = {name: index for index, name in enumerate(header)}
        by_name = {row[0]: row for row in summary[1:-1]}
        self.assertEqual(set(by_name), set(settlements.mapped("name")))
        for settlement in settlements:
            row = by_name[settlement.name]
            self.assertEqual(row[column["Beneficiary"]], settlement.partner_id.name)
            self.assertEqual(row[column["To Pay"]], settlement.amount_payable)
            self.assertEqual(row[column["Held"]], settlement.amount_held)
            self.assertEqual(row[column["Carried"]], settlement.amount_carried)
            self.assertEqual(row[column["Gross"]], settlement.amount_total)
            self.assertEqual(row[column["Line commissions"]], settlement.amount_total)
        self.assertEqual(by_name[paid.name][column["Paid"]], 12_000.0)
        self.assertEqual(by_name[paid.name][column["Status"]], "Paid")
        # totals: formulas, with their values cached
        totals = summary[-1]
        self.assertEqual(totals[0], "Total")
        self.assertEqual(
            totals[column["To Pay"]], sum(settlements.mapped("amount_payable"))
        )
        formulas = self._rows(data, "Summary", data_only=False)[-1]
        self.assertEqual(formulas[column["To Pay"]], "=SUBTOTAL(9,K2:K3)")

        lines = self._rows(data, "Lines")
        sources = settlements.incentive_line_ids
        self.assertEqual(len(lines), len(sources) + 2)
        column = {name: index for index, name in enumerate(lines[0])}
        documents = {row[column["Document"]] for row in lines[1:-1]}
        self.assertEqual(documents, set(sources.move_id.mapped("name")))
        self.assertEqual(
            {row[column["Customer"]] for row in lines[1:-1]}, {"Big Buyer Ltd"}
        )
        self.assertEqual(
            sorted(row[column["Amount"]] for row in lines[1:-1]),
            sorted(sources.mapped("amount")),
        )
        self.assertEqual(
            lines[-1][column["Amount"]], sum(settlements.mapped("amount_total"))
        )
        self.assertIn("/web/content/", settlements.action_export_xlsx()["url"])

    def test_commission_line_analysis(self):
        self._sell(10_000.0, user=self.rep_b)
        self._sell(30_000.0, user=self.rep_c)
        sources = self._lines(plan_id=self.plan.id, kind="invoice")
        rows = self._rows(sources._export_xlsx(), "Commission Lines")
        column = {name: index for index, name in enumerate(rows[0])}
        self.assertEqual(len(rows), len(sources) + 2)
        self.assertEqual(
            sorted((r[column["Beneficiary"]], r[column["Amount"]]) for r in rows[1:-1]),
            sorted((s.partner_id.name, s.amount) for s in sources),
        )
        self.assertEqual(rows[-1][column["Amount"]], 4_000.0)
        self.assertEqual(rows[-1][column["Base"]], 40_000.0)


@tagged("post_install", "-at_install")
class TestStatementPortal(StatementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = cls._make_agent("Agent Li", login="agent_li")
        cls.other_agent = cls._make_agent("Agent Wang", login="agent_wang")
        cls.agent_plan = cls._make_plan(
            rate=5.0,
            name="Agents",
            users=cls.env["res.users"],
            agent_ids=[Command.set((cls.agent + cls.other_agent).ids)],
        )

    def _agent_sale(self, agent, amount):
        order = self._order(
            [(self.product, 1, amount)],
            incentive_share_ids=[
                Command.create({"partner_id": agent.id, "share": 100.0})
            ],
        )
        self._invoice(order)

    def test_agent_reads_only_their_statements(self):
        self._agent_sale(self.agent, 20_000.0)
        self._agent_sale(self.other_agent, 40_000.0)
        settlements = self._settle("2026-03-31", plans=self.agent_plan)
        own = settlements.filtered(lambda s: s.partner_id == self.agent)
        other = settlements - own
        for settlement in settlements:
            self._close(settlement)

        self.authenticate("agent_li", "agent_li")
        listing = self.url_open("/my/commissions")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(own.name, listing.text)
        self.assertNotIn(other.name, listing.text)

        # the settlement's page shows the statement and offers its download
        page = self.url_open(own.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn(
            own.get_portal_url(report_type="html").replace("&", "&amp;"), page.text
        )
        self.assertIn("download=true", page.text)
        statement = self.url_open(f"/my/commissions/{own.id}?report_type=html")
        self.assertEqual(statement.status_code, 200)
        self.assertIn("Commission Statement", statement.text)
        self.assertIn("Agent Li", statement.text)
        download = self.url_open(own.get_portal_url(report_type="pdf", download=True))
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.headers["Content-Type"], "application/pdf")

        for url in (
            f"/my/commissions/{other.id}",
            f"/my/commissions/{other.id}?report_type=html",
            f"/my/commissions/{other.id}?report_type=html&access_token=wrong",
            f"/my/commissions/{other.id}?report_type=html&access_token={own.access_token}",
            "/my/commissions/999999?report_type=html",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        # the portal user has no access right on settlements
        portal_user = self.env["res.users"].search([("login", "=", "agent_li")])
        self.assertFalse(
            self.env["sale.incentive.settlement"]
            .with_user(portal_user)
            .has_access("read")
        )
