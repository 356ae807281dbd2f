# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError

# who is credited for a customer: set by incentive managers and the system
CREDIT_FIELDS = {
    "is_incentive_agent",
    "incentive_first_sale_date",
    "incentive_tier_id",
    "incentive_tier_locked",
    "incentive_owner_id",
    "incentive_referrer_id",
}


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
    # the tier in the current company, kept in sale.incentive.partner.tier
    incentive_tier_id = fields.Many2one(
        "sale.incentive.customer.tier",
        "Customer Tier",
        compute="_compute_incentive_tier_id",
        inverse="_inverse_incentive_tier_id",
        search="_search_incentive_tier_id",
        help="Recomputed daily from the invoiced sales of the commercial partner, "
        "unless locked.",
    )
    incentive_tier_locked = fields.Boolean(
        "Tier Locked",
        compute="_compute_incentive_tier_locked",
        inverse="_inverse_incentive_tier_locked",
        search="_search_incentive_tier_locked",
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

    def _read_incentive_tiers(self):
        """{partner id: (tier id, locked)} in the current company, one query;
        a partner being edited (a form) reads the row of its record."""
        return self.env["sale.incentive.partner.tier"]._get_tiers(
            [pid for pid in self._origin.ids if pid], self.env.company
        )

    # two computes and inverses: writing one field never reads the other
    @api.depends_context("company")
    def _compute_incentive_tier_id(self):
        tiers = self._read_incentive_tiers()
        Tier = self.env["sale.incentive.customer.tier"]
        for partner in self:
            partner.incentive_tier_id = Tier.browse(
                tiers.get(partner._origin.id, (None, False))[0]
            )

    @api.depends_context("company")
    def _compute_incentive_tier_locked(self):
        tiers = self._read_incentive_tiers()
        for partner in self:
            partner.incentive_tier_locked = tiers.get(
                partner._origin.id, (None, False)
            )[1]

    def _inverse_incentive_tier_id(self):
        # set by hand: the rights are checked by write() / create()
        for tier_id in set(self.incentive_tier_id.ids) | {False}:
            self.env["sale.incentive.partner.tier"]._set_tiers(
                self.filtered(lambda p, t=tier_id: p.incentive_tier_id.id == t),
                self.env.company,
                {"tier_id": tier_id},
            )

    def _inverse_incentive_tier_locked(self):
        for locked in (True, False):
            self.env["sale.incentive.partner.tier"]._set_tiers(
                self.filtered(lambda p, v=locked: p.incentive_tier_locked == v),
                self.env.company,
                {"locked": locked},
            )

    def _search_incentive_tier_id(self, operator, value):
        return self.env["sale.incentive.partner.tier"]._partner_domain(
            "tier_id", operator, value
        )

    def _search_incentive_tier_locked(self, operator, value):
        return self.env["sale.incentive.partner.tier"]._partner_domain(
            "locked", operator, value
        )

    def _check_incentive_credit_access(self):
        if not self.env.su and not self.env.user.has_group(
            "sale_incentive.group_sale_incentive_manager"
        ):
            raise AccessError(
                self.env._(
                    "The customer's owner, referrer, tier, first sale and agent "
                    "flag decide commissions: incentive managers set them."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        # empty values (a form's defaults) are neutral
        if any(vals.get(name) for vals in vals_list for name in CREDIT_FIELDS):
            self._check_incentive_credit_access()
        return super().create(vals_list)

    def write(self, vals):
        if CREDIT_FIELDS & set(vals):
            self._check_incentive_credit_access()
        return super().write(vals)
