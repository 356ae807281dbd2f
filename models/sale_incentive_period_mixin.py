# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import periods

# THE period selection of records about one period (targets, KPI values, the
# period report, the target wizard); plans name theirs Monthly / Quarterly /
# Yearly
PERIOD_SELECTION = [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]


class SaleIncentivePeriodMixin(models.AbstractModel):
    """A record about one month, quarter or year (targets, KPI values)."""

    _name = "sale.incentive.period.mixin"
    _description = "Sales Incentive Period"

    period = fields.Selection(
        PERIOD_SELECTION,
        required=True,
        default="month",
        tracking=True,
    )
    date_from = fields.Date(
        "Period Start",
        required=True,
        default=lambda self: periods.period_bounds(
            fields.Date.context_today(self), "month"
        )[0],
        tracking=True,
    )
    date_to = fields.Date(
        "Period End", compute="_compute_date_to", store=True, index=True
    )

    @api.depends("date_from", "period")
    def _compute_date_to(self):
        for record in self:
            record.date_to = (
                periods.period_bounds(record.date_from, record.period)[1]
                if record.date_from
                else False
            )

    @api.constrains("date_from", "period")
    def _check_period_start(self):
        period_labels = self.env["sale.incentive.explanation"]._get_period_labels()
        for record in self:
            start = periods.period_bounds(record.date_from, record.period)[0]
            if record.date_from != start:
                raise ValidationError(
                    self.env._(
                        "The period must start on the first day of its "
                        "%(period)s (%(date)s).",
                        period=period_labels[record.period],
                        date=start,
                    )
                )
