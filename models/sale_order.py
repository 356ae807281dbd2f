# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import splits


class SaleOrder(models.Model):
    _inherit = "sale.order"

    incentive_share_ids = fields.One2many(
        "sale.incentive.share",
        "order_id",
        string="Commission Split",
        copy=True,
        help="Who shares this order's commissions. Empty: 100% to the salesperson.",
    )
    incentive_line_ids = fields.One2many(
        "sale.incentive.line", "order_id", string="Commission Lines", readonly=True
    )
    incentive_amount = fields.Monetary(
        "Expected Commission",
        compute="_compute_incentive_amount",
        currency_field="company_currency_id",
        groups="sale_incentive.group_sale_incentive_user",
        help="Commissions this confirmed order is expected to earn (forecast), "
        "in company currency.",
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )

    @api.depends("incentive_line_ids.amount", "incentive_line_ids.kind")
    def _compute_incentive_amount(self):
        data = dict(
            self.env["sale.incentive.line"]._read_group(
                [("order_id", "in", self.ids), ("kind", "=", "forecast")],
                ["order_id"],
                ["amount:sum"],
            )
        )
        for order in self:
            order.incentive_amount = data.get(order, 0.0)

    def _get_incentive_shares(self):
        """[(user, partner, share %)] of this order (hook)."""
        self.ensure_one()
        if self.incentive_share_ids:
            return [
                (s.user_id, s.partner_id, s.share) for s in self.incentive_share_ids
            ]
        if self.user_id:
            return [(self.user_id, self.user_id.partner_id, 100.0)]
        return []

    @api.constrains("incentive_share_ids")
    def _check_incentive_shares(self):
        for order in self.filtered("incentive_share_ids"):
            errors = splits.validate_shares(order.incentive_share_ids.mapped("share"))
            if errors:
                raise ValidationError(
                    self.env._(
                        "The commission split of %(order)s must add up to 100%% "
                        "(now %(total)s%%).",
                        order=order.display_name,
                        total=f"{sum(order.incentive_share_ids.mapped('share')):g}",
                    )
                )

    def action_confirm(self):
        res = super().action_confirm()
        self.env["sale.incentive.line"].sudo()._refresh_forecast(self)
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self.env["sale.incentive.line"].sudo()._refresh_forecast(self)
        return res

    def write(self, vals):
        res = super().write(vals)
        if {"order_line", "incentive_share_ids", "user_id", "team_id"} & set(vals):
            confirmed = self.filtered(lambda o: o.state == "sale")
            if confirmed:
                self.env["sale.incentive.line"].sudo()._refresh_forecast(confirmed)
        return res

    def _incentive_demo_invoice(self, invoice_date):
        """Demo data: confirm, invoice and post these orders (``make run``)."""
        self.filtered(lambda o: o.state in ("draft", "sent")).action_confirm()
        invoices = self._create_invoices()
        invoices.invoice_date = invoice_date
        invoices.action_post()
        return invoices

    def action_view_incentive_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_incentive.action_sale_incentive_line_analysis"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {}
        return action
