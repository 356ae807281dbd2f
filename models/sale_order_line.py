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
        forecast = self.env["sale.incentive.forecast"]
        pending = forecast._sum_vals(
            forecast._get_pending_forecast_vals(self.order_id), "sale_line_id"
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
    # the service period of what is sold: the benefit period of a capitalized
    # commission (issue 22.1)
    incentive_service_start = fields.Date(
        "Service Start",
        copy=False,
        help="First day of the service or subscription sold on this line: "
        "a capitalized commission is amortized from it.",
    )
    incentive_service_end = fields.Date(
        "Service End",
        copy=False,
        help="Last day of the service or subscription sold on this line.",
    )
    incentive_estimate = fields.Monetary(
        "Commission if Confirmed",
        compute="_compute_incentive_estimate",
        currency_field="company_currency_id",
        groups="sale_incentive.group_sale_incentive_user",
        help="This quotation line's part of what confirming the quotation "
        "would earn its salespeople, in company currency.",
    )

    @api.depends(
        "order_id.state",
        "order_id.date_order",
        "order_id.user_id",
        "order_id.partner_id",
        "product_id",
        "product_uom_qty",
        "price_subtotal",
    )
    def _compute_incentive_estimate(self):
        """The quotation's estimate (``sale.order._get_incentive_estimate_vals``)
        per line."""
        estimates = self.env["sale.incentive.forecast"]._sum_vals(
            self.order_id._get_incentive_estimate_vals(), "sale_line_id"
        )
        for line in self:
            line.incentive_estimate = estimates.get(line.id, 0.0)

    def _prepare_incentive_source(self):
        """This line described for the commission engine, as a plain dict (the
        way ``_prepare_base_line_for_taxes_computation`` describes it for taxes).

        Amounts in company currency at the order date; ``amount_currency`` in
        the order's currency.
        """
        self.ensure_one()
        return self._prepare_incentive_sources()[0]

    def _prepare_incentive_sources(self):
        """``_prepare_incentive_source`` of every line of ``self``, in order;
        what the lines of one order share (date, customer, team, split) and
        the products' costs are read once."""
        builder = self.env["sale.incentive.source"]
        per_order = {}
        costs = {}
        sources = []
        for line in self:
            order = line.order_id
            if order not in per_order:
                per_order[order] = line._get_incentive_document()
            document = per_order[order]
            company, date = document["company"], document["date"]
            revenue = order.currency_id._convert(
                line.price_subtotal, company.currency_id, company, date
            )
            quantity = line.product_uom_qty
            figures = {
                "product": line.product_id,
                "quantity": quantity,
                "revenue": revenue,
                "amount_currency": line.price_subtotal,
                "currency": order.currency_id,
                "price_unit": revenue / quantity if quantity else 0.0,
                "sale_line": line,
            }
            sources.append(builder._prepare_source(document, figures, costs))
        return sources

    def _get_incentive_document(self):
        """What this line shares with the lines of its order, for the
        commission engine: date, customer, team, split (no invoice yet)."""
        order = self.order_id
        return {
            "company": order.company_id,
            "date": order.date_order.date(),
            "sign": 1,
            "customer": order.partner_id.commercial_partner_id,
            "order": order,
            "move": self.env["account.move"],
            "move_line": self.env["account.move.line"],
            "team": order.team_id,
            "shares": order._get_incentive_shares(),
        }

    def write(self, vals):
        res = super().write(vals)
        if {"price_unit", "discount", "product_id"} & set(vals):
            # a confirmed line's price lowered below its approved price
            # needs a new approval (issue 21.4)
            confirmed = self.order_id.filtered(lambda o: o.state == "sale")
            confirmed._check_incentive_price_approvals(self)
        if not self.env.context.get("incentive_skip_forecast") and {
            "product_uom_qty",
            "price_unit",
            "discount",
            "product_id",
        } & set(vals):
            orders = self.order_id.filtered(lambda o: o.state == "sale")
            if orders:
                self.env["sale.incentive.forecast"].sudo()._refresh_forecast(orders)
        return res
