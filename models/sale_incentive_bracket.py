# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

from ..engine.brackets import Bracket


class SaleIncentiveBracket(models.Model):
    """One row of a bracket table (全额累进 / 超额累进)."""

    _name = "sale.incentive.bracket"
    _description = "Sales Incentive Bracket"
    _order = "rule_id, amount_from, id"

    rule_id = fields.Many2one(
        "sale.incentive.rule", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="rule_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="rule_id.currency_id")
    amount_from = fields.Monetary("From", currency_field="currency_id")
    amount_to = fields.Monetary(
        "To",
        currency_field="currency_id",
        help="Leave 0 on the last bracket for 'and above'.",
    )
    rate = fields.Float("Rate (%)", digits=(16, 4))
    fixed_amount = fields.Monetary(
        currency_field="currency_id",
        help="Paid once when this bracket is reached (amount tables).",
    )

    def _to_engine(self):
        self.ensure_one()
        return Bracket(
            lower=self.amount_from,
            upper=self.amount_to or None,
            rate=self.rate,
            fixed=self.fixed_amount,
        )
