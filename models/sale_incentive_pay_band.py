# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

from ..engine.brackets import Bracket
from ..engine.components import PayBand


class SaleIncentivePayBand(models.Model):
    """One row of a plan's pay band table: base and performance pay.

    Seed: 大客户人员 月业绩 ≤90万 底薪4000 绩效1000, 90-150万(含) 4000 / 1500 ...
    """

    _name = "sale.incentive.pay.band"
    _description = "Sales Incentive Pay Band"
    _order = "plan_id, amount_from, id"

    plan_id = fields.Many2one(
        "sale.incentive.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    amount_from = fields.Float(
        "From", digits=(16, 2), help="Sales amount, or achievement in %."
    )
    amount_to = fields.Float("To", digits=(16, 2), help="Empty: no upper limit.")
    base_pay = fields.Monetary(help="Fixed base pay of the band.")
    performance_pay = fields.Monetary(help="Performance pay of the band.")

    def _to_engine(self):
        self.ensure_one()
        return Bracket(
            lower=self.amount_from,
            upper=self.amount_to or None,
            rate=0.0,
            fixed=self.base_pay + self.performance_pay,
        )

    def _to_policy_band(self):
        """The band as :class:`..engine.components.PayBand` (``Policy.bands``)."""
        self.ensure_one()
        return PayBand(
            amount_from=self.amount_from,
            amount_to=self.amount_to,
            base_pay=self.base_pay,
            performance_pay=self.performance_pay,
        )
