# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class SaleIncentiveForfeitWizard(models.TransientModel):
    """Decide what happens to what a leaving beneficiary is still owed."""

    _name = "sale.incentive.forfeit.wizard"
    _description = "Commission Forfeiture"

    partner_id = fields.Many2one("res.partner", "Beneficiary", required=True)
    reason = fields.Selection(
        [
            ("resigned", "Resigned: nothing more is paid"),
            (
                "dismissed",
                "Dismissed by the company: the configured % of everything owed is paid",
            ),
            ("fraud", "Fraud: nothing more is paid"),
        ],
        required=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    note = fields.Text(required=True, help="Why: kept on the decision.")

    def action_confirm(self):
        self.ensure_one()
        settlements = self.env["sale.incentive.settlement"]._forfeit(
            self.partner_id, self.reason, self.date, self.note
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Forfeiture"),
            "res_model": "sale.incentive.settlement",
            "view_mode": "list,form",
            "domain": [("id", "in", settlements.ids)],
        }
