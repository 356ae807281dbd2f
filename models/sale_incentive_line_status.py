# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class SaleIncentiveLine(models.Model):
    _inherit = "sale.incentive.line"

    incentive_status = fields.Selection(
        [
            ("forecast", "Forecast"),
            ("accrued", "Accrued"),
            ("earned", "Earned"),
            ("settled", "Settled"),
            ("paid", "Paid"),
        ],
        "Status",
        compute="_compute_incentive_status",
        help="Forecast: a confirmed order not invoiced yet. Accrued: invoiced, "
        "not earned yet (paid basis). Earned: due at the next settlement. "
        "Settled: in a settlement. Paid: its settlement is paid.",
    )

    @api.depends("kind", "is_earned", "settlement_id.state")
    def _compute_incentive_status(self):
        for line in self:
            settlement = line.settlement_id
            if settlement.state == "paid":
                line.incentive_status = "paid"
            elif settlement and settlement.state != "cancel":
                line.incentive_status = "settled"
            elif line.kind == "forecast":
                line.incentive_status = "forecast"
            elif line.is_earned:
                line.incentive_status = "earned"
            else:
                line.incentive_status = "accrued"
