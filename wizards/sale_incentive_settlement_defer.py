# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class SaleIncentiveSettlementDefer(models.TransientModel):
    """Defers settlements to next month (累计下月结算): they are cancelled,
    their lines stay unsettled and next month's settlement pays them, saying
    why (issue 21.5)."""

    _name = "sale.incentive.settlement.defer"
    _description = "Defer Settlements to Next Month"

    settlement_ids = fields.Many2many(
        "sale.incentive.settlement",
        "sale_incentive_settlement_defer_rel",
        "defer_id",
        "settlement_id",
        string="Settlements",
        required=True,
        readonly=True,
    )
    deferred_by = fields.Selection(
        [("partner", "The partner"), ("staff", "The staff")],
        "Delayed By",
        required=True,
        default="partner",
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        settlements = self.settlement_ids
        settlements._check_can_defer()
        settlements._do_defer(self.reason, self.deferred_by)
        return {"type": "ir.actions.act_window_close"}
