# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class SaleIncentiveBeneficiaryMixin(models.AbstractModel):
    """A record about one beneficiary under one plan: the plan, its company
    and currency, the salesperson and the partner paid (the salesperson's
    own partner, or an external agent).  Adjustments and draws are such
    records."""

    _name = "sale.incentive.beneficiary.mixin"
    _description = "Sales Incentive Record of a Beneficiary under a Plan"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "sale.incentive.plan",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    # the plan's company; before a plan is chosen, the current company, so
    # that the plan field's company domain offers its plans
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        precompute=True,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users", "Salesperson", index=True, tracking=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Beneficiary",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        help="Who is paid: the salesperson's partner or an external agent.",
    )

    @api.depends("plan_id")
    def _compute_company_id(self):
        for record in self:
            record.company_id = (
                record.plan_id.company_id or record.company_id or self.env.company
            )

    @api.depends("user_id")
    def _compute_partner_id(self):
        for record in self.filtered("user_id"):
            record.partner_id = record.user_id.partner_id
