# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""An extension of sale.incentive.partner.tier as another module would write
it, registered by tests/test_customer_tier.py only (odoo-test-helper)."""

from odoo import api, fields, models


class SaleIncentivePartnerTier(models.Model):
    _inherit = "sale.incentive.partner.tier"

    extension_note = fields.Char(default="seen by the extension")
    extension_created = fields.Boolean()
    extension_moved = fields.Boolean()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["extension_created"] = True
        return super().create(vals_list)

    def write(self, vals):
        if "tier_id" in vals:
            vals = dict(vals, extension_moved=True)
        return super().write(vals)
