# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SaleIncentiveShare(models.Model):
    """A beneficiary's share of an order's commissions (order splits)."""

    _name = "sale.incentive.share"
    _description = "Sales Incentive Order Share"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    user_id = fields.Many2one("res.users", "Salesperson")
    partner_id = fields.Many2one(
        "res.partner",
        "Beneficiary",
        compute="_compute_partner_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="The salesperson's partner, or an external agent.",
    )
    share = fields.Float("Share (%)", required=True, default=100.0, digits=(16, 4))

    @api.depends("user_id")
    def _compute_partner_id(self):
        for line in self:
            line.partner_id = line.user_id.partner_id or line.partner_id

    @api.constrains("share", "user_id", "partner_id")
    def _check_share(self):
        for line in self:
            if line.share <= 0 or line.share > 100:
                raise ValidationError(
                    self.env._("A share must be more than 0% and at most 100%.")
                )
            if not line.user_id and not line.partner_id.is_incentive_agent:
                raise ValidationError(
                    self.env._(
                        "%(name)s is neither a salesperson nor an external agent.",
                        name=line.partner_id.display_name,
                    )
                )
