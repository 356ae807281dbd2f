# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class SaleIncentiveSettlementReset(models.TransientModel):
    """Confirms sending settlements under approval back to draft, with the
    reason, which their chatter keeps."""

    _name = "sale.incentive.settlement.reset"
    _description = "Reset Settlements to Draft"

    settlement_ids = fields.Many2many(
        "sale.incentive.settlement",
        "sale_incentive_settlement_reset_rel",
        "reset_id",
        "settlement_id",
        string="Settlements",
        required=True,
        readonly=True,
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        settlements = self.settlement_ids
        settlements._check_can_reset_draft()
        settlements._do_reset_draft(self.reason)
        return {"type": "ir.actions.act_window_close"}
