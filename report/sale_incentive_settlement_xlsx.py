# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import io

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from odoo import api, models

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_table(sheet, columns, rows, styles, total_label):
    """A sheet as a table: bold frozen header, autofilter, one row per item
    of ``rows`` and a totals row of SUM formulas (with their value cached)
    under the columns whose type is ``money``.

    ``columns``: [(header, type)], type in None, "date", "money", "rate".
    """
    sheet.write_row(0, 0, [header for header, _type in columns], styles["header"])
    sheet.freeze_panes(1, 0)
    totals = [0.0] * len(columns)
    count = 0
    for count, values in enumerate(rows, start=1):
        for col, (value, (_header, kind)) in enumerate(
            zip(values, columns, strict=True)
        ):
            if value is None or value is False:
                sheet.write_blank(count, col, None)
            elif kind == "date":
                sheet.write_datetime(count, col, value, styles["date"])
            elif kind in ("money", "rate"):
                sheet.write_number(count, col, value, styles[kind])
                totals[col] += value
            else:
                sheet.write(count, col, value)
    sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    total_row = count + 1
    sheet.write(total_row, 0, total_label, styles["total_label"])
    for col, (_header, kind) in enumerate(columns):
        if kind != "money":
            continue
        first, last = xl_rowcol_to_cell(1, col), xl_rowcol_to_cell(count, col)
        sheet.write_formula(
            total_row,
            col,
            f"=SUBTOTAL(9,{first}:{last})",
            styles["total"],
            round(totals[col], 6),
        )
    sheet.set_column(0, len(columns) - 1, 16)
    return total_row


class XlsxExport(models.AbstractModel):
    """Workbooks of the exports: formats and download (shared)."""

    _name = "sale.incentive.xlsx"
    _description = "Sales Incentive XLSX Export"

    @api.model
    def _new_workbook(self, currency):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        digits = currency.decimal_places
        money = "#,##0" + ("." + "0" * digits if digits else "")
        if currency.symbol:
            symbol = currency.symbol.replace('"', "")
            money = (
                f'"{symbol}" {money}'
                if currency.position == "before"
                else f'{money} "{symbol}"'
            )
        styles = {
            "header": workbook.add_format({"bold": True, "bottom": 1}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "money": workbook.add_format({"num_format": money}),
            "rate": workbook.add_format({"num_format": "0.00##"}),
            "total_label": workbook.add_format({"bold": True, "top": 1}),
            "total": workbook.add_format({"bold": True, "top": 1, "num_format": money}),
        }
        return buffer, workbook, styles

    @api.model
    def _export(self, currency, sheets):
        """An XLSX file (bytes) of one table per sheet; ``sheets``:
        [(sheet name, records)], the records giving ``_get_xlsx_columns()``
        and ``_get_xlsx_rows()``."""
        buffer, workbook, styles = self._new_workbook(currency)
        for name, records in sheets:
            write_table(
                workbook.add_worksheet(name),
                records._get_xlsx_columns(),
                records._get_xlsx_rows(),
                styles,
                self.env._("Total"),
            )
        workbook.close()
        return buffer.getvalue()

    @api.model
    def _download(self, name, data):
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(data),
                "mimetype": XLSX_MIMETYPE,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }


class SaleIncentiveLine(models.Model):
    _inherit = "sale.incentive.line"

    def _get_xlsx_columns(self):
        """(header, type) of the commission-line analysis (hook)."""
        return [
            (self.env._("Settlement"), None),
            (self.env._("Beneficiary"), None),
            (self.env._("Plan"), None),
            (self.env._("Kind"), None),
            (self.env._("Document"), None),
            (self.env._("Date"), "date"),
            (self.env._("Customer"), None),
            (self.env._("Product"), None),
            (self.env._("Base"), "money"),
            (self.env._("Share (%)"), "rate"),
            (self.env._("Rate (%)"), "rate"),
            (self.env._("Rule"), None),
            (self.env._("Amount"), "money"),
        ]

    def _get_xlsx_rows(self):
        """One row per commission line, in the columns' order (hook)."""
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        statement = self.env["report.sale_incentive.report_settlement"]
        for line in self:
            document = statement._get_document(line)
            yield [
                line.settlement_id.name or "",
                line.partner_id.display_name,
                line.plan_id.display_name,
                kinds.get(line.kind, line.kind),
                document.display_name or "",
                line.date,
                line.customer_id.display_name or "",
                line.product_id.display_name or "",
                line.base_amount,
                line.share,
                line.rate,
                line.rule_id.display_name or "",
                line.amount,
            ]

    def _export_xlsx(self):
        """The commission-line analysis as an XLSX file (bytes)."""
        return self.env["sale.incentive.xlsx"]._export(
            self.currency_id[:1] or self.env.company.currency_id,
            [(self.env._("Commission Lines"), self)],
        )

    def action_export_xlsx(self):
        """The lines the user reads, with the names of their documents even
        where the user has no Sales or Invoicing rights (as the statement)."""
        self.check_access("read")
        return self.env["sale.incentive.xlsx"]._download(
            "commission_lines.xlsx", self.sudo()._export_xlsx()
        )


class SaleIncentiveSettlement(models.Model):
    _inherit = "sale.incentive.settlement"

    def _get_xlsx_components(self):
        """[(component, label)] present in the settlements, in the
        selection's order: the summary's component columns."""
        present = set(self.line_ids.mapped("component"))
        return [
            (key, label)
            for key, label in self.env["sale.incentive.settlement.line"]
            ._fields["component"]
            ._description_selection(self.env)
            if key in present
        ]

    def _get_xlsx_figures(self):
        """{name: amount} of the summary: gross (earned before holdback and
        releases), held, released, carried, payable and paid."""
        self.ensure_one()
        round_ = self.currency_id.round
        statement = self.env["report.sale_incentive.report_settlement"]
        released = sum(
            self.line_ids.filtered(lambda c: c.component == "release").mapped("amount")
        )
        return {
            "gross": round_(self.amount_total + self.amount_held - released),
            "held": self.amount_held,
            "released": round_(released),
            "carried": self.amount_carried,
            "payable": self.amount_payable,
            "paid": round_(
                sum(amount for _d, _r, amount in statement._get_payment_info(self))
            ),
        }

    def _get_xlsx_columns(self):
        return (
            [
                (self.env._("Settlement"), None),
                (self.env._("Beneficiary"), None),
                (self.env._("Plan"), None),
                (self.env._("From"), "date"),
                (self.env._("To"), "date"),
            ]
            + [(label, "money") for _key, label in self._get_xlsx_components()]
            + [
                (self.env._("Gross"), "money"),
                (self.env._("Held"), "money"),
                (self.env._("Released"), "money"),
                (self.env._("Carried"), "money"),
                (self.env._("To Pay"), "money"),
                (self.env._("Paid"), "money"),
                (self.env._("Status"), None),
            ]
        )

    def _get_xlsx_rows(self):
        """One summary row per settlement (beneficiary), in the columns'
        order (hook)."""
        components = [key for key, _label in self._get_xlsx_components()]
        states = dict(self._fields["state"]._description_selection(self.env))
        for settlement in self:
            by_component = dict.fromkeys(components, 0.0)
            for line in settlement.line_ids:
                by_component[line.component] += line.amount
            figures = settlement._get_xlsx_figures()
            yield (
                [
                    settlement.name,
                    settlement.partner_id.display_name,
                    settlement.plan_id.display_name,
                    settlement.date_from,
                    settlement.date_to,
                ]
                + [settlement.currency_id.round(by_component[c]) for c in components]
                + [
                    figures["gross"],
                    figures["held"],
                    figures["released"],
                    figures["carried"],
                    figures["payable"],
                    figures["paid"],
                    states[settlement.state],
                ]
            )

    def _export_xlsx(self):
        """The settlements as an XLSX file (bytes): a summary sheet (one row
        per settlement) and a lines sheet (every source line)."""
        lines = self.incentive_line_ids.sorted(
            lambda l: (l.settlement_id.id, l.date, l.id)
        )
        return self.env["sale.incentive.xlsx"]._export(
            self.currency_id[:1] or self.env.company.currency_id,
            [(self.env._("Summary"), self), (self.env._("Lines"), lines)],
        )

    def action_export_xlsx(self):
        """The settlements the user reads, with their source lines and
        documents as their statement shows them, whatever the user's Sales
        or Invoicing rights."""
        self.check_access("read")
        return self.env["sale.incentive.xlsx"]._download(
            "commission_settlements.xlsx", self.sudo()._export_xlsx()
        )
