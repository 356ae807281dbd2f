# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class SaleIncentiveConflictDispute(models.TransientModel):
    """A salesperson disputes who is credited with an order, and says why."""

    _name = "sale.incentive.conflict.dispute"
    _description = "Dispute a Commission Credit"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    reason = fields.Text(
        required=True, help="Why the credit is wrong: the manager reads it."
    )

    def action_dispute(self):
        self.ensure_one()
        self.order_id._incentive_dispute(self.reason)
        return {"type": "ir.actions.act_window_close"}
