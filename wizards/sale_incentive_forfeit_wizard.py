# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models
from odoo.exceptions import AccessError


class SaleIncentiveForfeitWizard(models.TransientModel):
    """Decide what happens to what a leaving beneficiary is still owed."""

    _name = "sale.incentive.forfeit.wizard"
    _description = "Commission Forfeiture"

    partner_id = fields.Many2one("res.partner", "Beneficiary", required=True)
    reason = fields.Selection(
        [
            ("resigned", "Resigned: held amounts are forfeited"),
            ("dismissed", "Dismissed by the company: the configured % is paid"),
            ("fraud", "Fraud: everything unpaid is forfeited"),
        ],
        required=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    note = fields.Text(required=True, help="Why: kept on the decision.")

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("sale_incentive.group_sale_incentive_admin"):
            raise AccessError(
                self.env._("Only incentive administrators record a forfeiture.")
            )
        # a decision recorded as settlements, which nobody creates by hand
        settlements = (
            self.env["sale.incentive.settlement"]
            .sudo()
            ._forfeit(self.partner_id, self.reason, self.date, self.note)
            .sudo(False)
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Forfeiture"),
            "res_model": "sale.incentive.settlement",
            "view_mode": "list,form",
            "domain": [("id", "in", settlements.ids)],
        }
