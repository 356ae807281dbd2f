# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    incentive_amount = fields.Monetary(
        "Commission",
        compute="_compute_incentive_amount",
        currency_field="company_currency_id",
        groups="sale_incentive.group_sale_incentive_user",
        help="Expected commission of this line (forecast), company currency.",
    )

    @api.depends("order_id.incentive_line_ids.amount")
    def _compute_incentive_amount(self):
        data = dict(
            self.env["sale.incentive.line"]._read_group(
                [("sale_line_id", "in", self.ids), ("kind", "=", "forecast")],
                ["sale_line_id"],
                ["amount:sum"],
            )
        )
        for line in self:
            line.incentive_amount = data.get(line, 0.0)

    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )

    def write(self, vals):
        res = super().write(vals)
        if not self.env.context.get("incentive_skip_forecast") and {
            "product_uom_qty",
            "price_unit",
            "discount",
            "product_id",
        } & set(vals):
            orders = self.order_id.filtered(lambda o: o.state == "sale")
            if orders:
                self.env["sale.incentive.line"].sudo()._refresh_forecast(orders)
        return res
