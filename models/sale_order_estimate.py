# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Commission on quotations (issue #10): what confirming the quotation would
earn, computed by the forecast code without writing any line."""

from collections import defaultdict

from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    incentive_estimate = fields.Monetary(
        "Commission if Confirmed",
        compute="_compute_incentive_estimate",
        currency_field="company_currency_id",
        groups="sale_incentive.group_sale_incentive_user",
        help="What confirming this quotation would earn its salespeople, "
        "including what it adds to their period result, in company currency.",
    )
    incentive_estimate_note = fields.Text(
        "Commission Estimate",
        compute="_compute_incentive_estimate",
        groups="sale_incentive.group_sale_incentive_user",
    )

    @api.depends(
        "state",
        "date_order",
        "user_id",
        "partner_id",
        "order_line.product_id",
        "order_line.product_uom_qty",
        "order_line.price_subtotal",
    )
    def _compute_incentive_estimate(self):
        """One pass of the forecast engine for every quotation of ``self``."""
        quotations = self.filtered(lambda o: o.state in ("draft", "sent"))
        sources = quotations.order_line.filtered(
            lambda l: not l.display_type and l.product_id
        )._prepare_incentive_sources()
        vals_list = (
            self.env["sale.incentive.line"]
            .sudo()
            ._prepare_lines_for_sources(sources, "forecast")
            if sources
            else []
        )
        by_order = defaultdict(list)
        for vals in vals_list:
            by_order[vals["order_id"]].append(vals)
        for order in self:
            found = by_order.get(order.id, [])
            order.incentive_estimate = order.company_id.currency_id.round(
                sum(v["amount"] for v in found)
            )
            order.incentive_estimate_note = (
                "\n".join(dict.fromkeys(v["explanation"] for v in found)) or False
            )
