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
    incentive_tier_id = fields.Many2one(
        "sale.incentive.customer.tier",
        "Customer Tier",
        company_dependent=True,
        help="Recomputed daily from the invoiced sales of the commercial partner, "
        "unless locked.",
    )
    incentive_tier_locked = fields.Boolean(
        "Tier Locked",
        company_dependent=True,
        help="Keep the tier set by hand: the recomputation leaves it alone.",
    )
    incentive_owner_id = fields.Many2one(
        "res.users",
        "Customer Owner",
        tracking=True,
        domain=[("share", "=", False)],
        help="The salesperson who owns this customer; when someone else sells to "
        "it, the plan's attribution policy decides who is credited.",
    )
    incentive_referrer_id = fields.Many2one(
        "res.partner",
        "Referrer",
        help="Who brought this customer (informative; can be made a beneficiary "
        "in the order's commission split).",
    )
