# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class SaleIncentiveShare(models.Model):
    """A beneficiary's share of an order's commissions (order splits).

    Whatever path writes them (the order form, a direct call, ``sudo()``):
    only the people allowed to change the order's split may
    (``sale.order._check_incentive_split_access``), and after every create,
    write or unlink each order's split adds up to 100 % or is empty.
    """

    _name = "sale.incentive.share"
    _description = "Sales Incentive Order Share"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
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

    # ------------------------------------------------------------------
    # Guards: who changes a split, and the 100 % rule on every write path
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["sale.order"].browse(
            {vals["order_id"] for vals in vals_list if vals.get("order_id")}
        )
        orders._check_incentive_split_access()
        shares = super().create(vals_list)
        orders._check_incentive_split_access(beneficiaries=shares.user_id)
        orders.sudo()._check_incentive_shares()
        return shares

    def write(self, vals):
        if "order_id" in vals and any(s.order_id.id != vals["order_id"] for s in self):
            raise UserError(
                self.env._(
                    "A commission share belongs to its order: change the split "
                    "of the other order instead."
                )
            )
        orders = self.order_id
        orders._check_incentive_split_access(beneficiaries=self.user_id)
        res = super().write(vals)
        orders._check_incentive_split_access(beneficiaries=self.user_id)
        orders.sudo()._check_incentive_shares()
        return res

    def unlink(self):
        orders = self.order_id
        orders._check_incentive_split_access(beneficiaries=self.user_id)
        res = super().unlink()
        orders.sudo()._check_incentive_shares()
        return res
