# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class SaleIncentiveStatementDispute(models.TransientModel):
    """The beneficiary disputes a statement line with a reason; the sales
    manager resolves or rejects the dispute with a note."""

    _name = "sale.incentive.statement.dispute"
    _description = "Statement Line Dispute"

    line_id = fields.Many2one(
        "sale.incentive.settlement.line",
        "Statement Line",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    settlement_id = fields.Many2one(related="line_id.settlement_id")
    amount = fields.Monetary(related="line_id.amount")
    currency_id = fields.Many2one(related="line_id.currency_id")
    dispute_reason = fields.Text(related="line_id.dispute_reason")
    mode = fields.Selection(
        [("dispute", "Dispute"), ("resolved", "Resolve"), ("rejected", "Reject")],
        required=True,
        default="dispute",
        readonly=True,
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        line = self.line_id
        if self.mode == "dispute":
            line._check_can_dispute()
            line._do_dispute(self.reason)
        else:
            line._check_can_answer_dispute()
            line._do_answer_dispute(self.mode, self.reason)
        return {"type": "ir.actions.act_window_close"}
