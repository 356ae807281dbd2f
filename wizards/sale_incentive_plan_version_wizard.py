# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from dateutil.relativedelta import relativedelta

from odoo import fields, models


def _first_of_next_month(wizard):
    return fields.Date.context_today(wizard).replace(day=1) + relativedelta(months=1)


class SaleIncentivePlanVersionWizard(models.TransientModel):
    """New version of a plan in force, from the date it takes effect."""

    _name = "sale.incentive.plan.version.wizard"
    _description = "New Plan Version"

    plan_id = fields.Many2one("sale.incentive.plan", required=True, readonly=True)
    plan_date_from = fields.Date(related="plan_id.date_from", string="In Force Since")
    date_from = fields.Date(
        "Takes Effect On",
        required=True,
        default=_first_of_next_month,
        help="Documents dated from this day are paid by the new version; the "
        "current version ends the day before.",
    )

    def action_confirm(self):
        self.ensure_one()
        new = self.plan_id._create_version(self.date_from)
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.incentive.plan",
            "res_id": new.id,
            "view_mode": "form",
            "target": "current",
        }
