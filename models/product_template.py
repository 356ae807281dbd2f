# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    incentive_guide_price = fields.Float(
        "Guide Price",
        digits="Product Price",
        help="Minimum (guide) unit price in company currency. Lines sold below "
        "it are flagged for review and can earn a reduced commission.",
    )
    incentive_service_months = fields.Integer(
        "Service Months",
        help="Months of service (a subscription's term) delivered by one sale "
        "of this product: the benefit period of a capitalized commission when "
        "the order line gives no service dates; 0: the plan's default.",
    )
