# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import io

import xlsxwriter

from odoo import models


class SaleIncentiveSettlement(models.Model):
    _inherit = "sale.incentive.settlement"

    def _get_xlsx_rows(self):
        """One row per component: what the export shows (hook)."""
        selection = dict(
            self.env["sale.incentive.settlement.line"]
            ._fields["component"]
            ._description_selection(self.env)
        )
        states = dict(self._fields["state"]._description_selection(self.env))
        for settlement in self:
            for line in settlement.line_ids:
                yield [
                    settlement.name,
                    settlement.partner_id.display_name,
                    settlement.plan_id.display_name,
                    settlement.date_from,
                    settlement.date_to,
                    states[settlement.state],
                    selection[line.component],
                    line.name,
                    line.base_amount,
                    line.amount,
                ]

    def _export_xlsx(self):
        """The settlements' components as an XLSX file (bytes)."""
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Settlements"))
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        headers = [
            self.env._("Settlement"),
            self.env._("Beneficiary"),
            self.env._("Plan"),
            self.env._("From"),
            self.env._("To"),
            self.env._("Status"),
            self.env._("Component"),
            self.env._("Explanation"),
            self.env._("Base"),
            self.env._("Amount"),
        ]
        sheet.write_row(0, 0, headers, bold)
        formats = [None, None, None, day, day, None, None, None, money, money]
        row = 0
        for row, values in enumerate(self._get_xlsx_rows(), start=1):
            for col, (value, fmt) in enumerate(zip(values, formats, strict=True)):
                if fmt is day:
                    sheet.write_datetime(row, col, value, fmt)
                else:
                    sheet.write(row, col, value, fmt)
        sheet.write(row + 1, 8, self.env._("Total"), bold)
        sheet.write(row + 1, 9, sum(self.mapped("amount_total")), money)
        sheet.set_column(0, 2, 22)
        sheet.set_column(7, 7, 60)
        workbook.close()
        return buffer.getvalue()

    def action_export_xlsx(self):
        attachment = self.env["ir.attachment"].create(
            {
                "name": "commission_settlements.xlsx",
                "datas": base64.b64encode(self._export_xlsx()),
                "mimetype": "application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
