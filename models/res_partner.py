# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_incentive_agent = fields.Boolean(
        "External Agent",
        help="An external agent can be a commission beneficiary; it is paid by "
        "journal entry or vendor bill.",
    )
    incentive_first_sale_date = fields.Date(
        "First Sale",
        copy=False,
        help="Date of the first posted customer invoice of this commercial "
        "partner; decides whether it is a new customer.",
    )
