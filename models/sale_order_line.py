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

    @api.depends(
        "order_id.incentive_line_ids.amount",
        "order_id.incentive_forecast_pending",
        "order_id.state",
        "order_id.user_id",
        "order_id.incentive_share_ids.share",
        "product_id",
        "product_uom_qty",
        "price_subtotal",
    )
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_incentive_amount(self):
        """The line's forecast lines; computed from the line itself while the
        background job has not written them (see the order's figure)."""
        Line = self.env["sale.incentive.line"]
        pending = Line._sum_vals(
            Line._get_pending_forecast_vals(self.order_id), "sale_line_id"
        )
        data = dict(
            Line._read_group(
                [("sale_line_id", "in", self.ids), ("kind", "=", "forecast")],
                ["sale_line_id"],
                ["amount:sum"],
            )
        )
        for line in self:
            if line.order_id.sudo().incentive_forecast_pending:
                line.incentive_amount = pending.get(line.id, 0.0)
            else:
                line.incentive_amount = data.get(line, 0.0)

    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )

    def _prepare_incentive_source(self):
        """This line described for the commission engine, as a plain dict (the
        way ``_prepare_base_line_for_taxes_computation`` describes it for taxes).

        Amounts in company currency at the order date; ``amount_currency`` in
        the order's currency.
        """
        self.ensure_one()
        order = self.order_id
        company = order.company_id
        date = order.date_order.date()
        revenue = order.currency_id._convert(
            self.price_subtotal, company.currency_id, company, date
        )
        quantity = self.product_uom_qty
        unit_cost = self.product_id.with_company(company).standard_price
        return {
            "company": company,
            "date": date,
            "sign": 1,
            "product": self.product_id,
            "quantity": quantity,
            "revenue": revenue,
            "amount_currency": self.price_subtotal,
            "currency": order.currency_id,
            "cost": unit_cost * quantity,
            "price_unit": revenue / quantity if quantity else 0.0,
            "customer": order.partner_id.commercial_partner_id,
            "order": order,
            "sale_line": self,
            "move": self.env["account.move"],
            "move_line": self.env["account.move.line"],
            "team": order.team_id,
            "shares": order._get_incentive_shares(),
        }

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
