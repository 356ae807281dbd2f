# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from dateutil.relativedelta import relativedelta

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    incentive_new_customer_mode = fields.Selection(
        [
            ("months", "First sale within N months"),
            ("date", "First sale on or after a date"),
        ],
        default="months",
        required=True,
    )
    incentive_new_customer_months = fields.Integer(default=12)
    incentive_new_customer_date = fields.Date()

    def _incentive_new_customer_since(self, date):
        """Earliest first-sale date that still makes a customer new on ``date``."""
        self.ensure_one()
        if (
            self.incentive_new_customer_mode == "date"
            and self.incentive_new_customer_date
        ):
            return self.incentive_new_customer_date
        return date - relativedelta(months=self.incentive_new_customer_months or 0)
