# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SaleIncentiveScorecardLine(models.Model):
    """One weighted indicator of a plan's KPI scorecard."""

    _name = "sale.incentive.scorecard.line"
    _description = "Sales Incentive Scorecard Line"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "sale.incentive.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    kpi_id = fields.Many2one(
        "sale.incentive.kpi",
        "Indicator",
        required=True,
        ondelete="restrict",
        check_company=True,
    )
    direction = fields.Selection(related="kpi_id.direction")
    unit = fields.Selection(related="kpi_id.unit")
    weight = fields.Float("Weight (%)", required=True, digits=(16, 2))
    target = fields.Float(
        required=True,
        digits=(16, 4),
        help="Per period. For 'lower is better' indicators, the maximum accepted.",
    )
    floor = fields.Float(
        "Floor (%)",
        help="Below this percentage of the target the indicator scores 0.",
    )
    cap = fields.Float(
        "Cap (%)", default=120.0, help="The indicator scores at most this. 0: no cap."
    )

    @api.constrains("weight", "floor", "cap", "target")
    def _check_values(self):
        for line in self:
            if line.weight < 0 or line.weight > 100:
                raise ValidationError(self.env._("A weight is between 0% and 100%."))
            if line.floor < 0 or line.cap < 0 or line.target < 0:
                raise ValidationError(
                    self.env._("Targets, floors and caps cannot be negative.")
                )
            if line.cap and line.floor > line.cap:
                raise ValidationError(
                    self.env._(
                        "%(kpi)s: the floor cannot be above the cap.",
                        kpi=line.kpi_id.name,
                    )
                )
