# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models
from odoo.exceptions import UserError

from ..engine import proration


class AccountMove(models.Model):
    _inherit = "account.move"

    incentive_line_ids = fields.One2many(
        "sale.incentive.line",
        "move_id",
        string="Commission Lines",
        readonly=True,
        groups="sale_incentive.group_sale_incentive_user",
    )
    incentive_line_count = fields.Integer(
        compute="_compute_incentive_line_count",
        groups="sale_incentive.group_sale_incentive_user",
    )

    def _compute_incentive_line_count(self):
        counts = dict(
            self.env["sale.incentive.line"]._read_group(
                [("move_id", "in", self.ids)], ["move_id"], ["__count"]
            )
        )
        for move in self:
            move.incentive_line_count = counts.get(move, 0)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        customer = posted.filtered(
            lambda m: m.move_type in ("out_invoice", "out_refund")
        )
        if customer:
            customer._set_incentive_first_sale_date()
            self.env["sale.incentive.line"].sudo()._create_for_invoices(customer)
        return posted

    def _set_incentive_first_sale_date(self):
        for move in self.filtered(lambda m: m.move_type == "out_invoice"):
            partner = move.commercial_partner_id
            date = move.invoice_date or move.date
            if (
                not partner.incentive_first_sale_date
                or partner.incentive_first_sale_date > date
            ):
                partner.sudo().incentive_first_sale_date = date

    def button_draft(self):
        lines = (
            self.env["sale.incentive.line"].sudo().search([("move_id", "in", self.ids)])
        )
        if lines._is_settled():
            raise UserError(
                self.env._(
                    "Commissions of %(moves)s are already settled: issue a credit "
                    "note instead of resetting the invoice to draft.",
                    moves=", ".join(lines._is_settled().move_id.mapped("name")),
                )
            )
        lines.unlink()
        return super().button_draft()

    def _get_incentive_paid_ratio(self):
        """(ratio paid by payments, date of the latest payment) of an invoice.

        Credit notes reconciled with the invoice do not count as payments: the
        credit note's own clawback lines handle them.
        """
        self.ensure_one()
        total = abs(self.amount_total)
        paid = 0.0
        last = False
        for _partial, amount, counterpart in self._get_reconciled_invoices_partials()[
            0
        ]:
            if counterpart.move_id.is_invoice(include_receipts=True):
                continue
            paid += amount
            last = max(last, counterpart.date) if last else counterpart.date
        return proration.paid_ratio(paid, total), last

    def action_view_incentive_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_incentive.action_sale_incentive_line_analysis"
        )
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {}
        return action
