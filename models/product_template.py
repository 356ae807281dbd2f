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
