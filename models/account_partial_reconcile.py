# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def _get_incentive_invoices(self):
        moves = (self.debit_move_id | self.credit_move_id).move_id
        return moves.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        invoices = partials._get_incentive_invoices()
        if invoices:
            self.env["sale.incentive.reversal"].sudo()._sync_payments(invoices)
        return partials

    def unlink(self):
        invoices = self._get_incentive_invoices()
        res = super().unlink()
        if invoices:
            self.env["sale.incentive.reversal"].sudo()._sync_payments(invoices.exists())
        return res
