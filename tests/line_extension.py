# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""An extension of sale.incentive.line as another module would write it,
registered by tests/test_line_extension.py only (odoo-test-helper)."""

from odoo import api, fields, models


class SaleIncentiveLine(models.Model):
    _inherit = "sale.incentive.line"

    extension_note = fields.Char(default="seen by the extension")
    extension_cents = fields.Integer(compute="_compute_extension_cents", store=True)
    extension_created = fields.Boolean()

    @api.depends("amount")
    def _compute_extension_cents(self):
        for line in self:
            line.extension_cents = round(line.amount * 100)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["extension_created"] = True
        return super().create(vals_list)
