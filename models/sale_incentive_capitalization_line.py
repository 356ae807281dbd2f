# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class SaleIncentiveCapitalizationLine(models.Model):
    """One month of the amortization schedule of a capitalized commission:
    its amount, and the entry that posted it (empty until due)."""

    _name = "sale.incentive.capitalization.line"
    _description = "Capitalized Commission Amortization"
    _order = "date, id"
    _check_company_auto = True

    capitalization_id = fields.Many2one(
        "sale.incentive.capitalization",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="capitalization_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="capitalization_id.currency_id")
    partner_id = fields.Many2one(
        related="capitalization_id.partner_id", store=True, string="Beneficiary"
    )
    user_id = fields.Many2one(
        related="capitalization_id.user_id", store=True, string="Salesperson"
    )
    date = fields.Date(required=True, readonly=True, index=True)
    amount = fields.Monetary(required=True, readonly=True)
    move_id = fields.Many2one(
        "account.move",
        "Amortization Entry",
        readonly=True,
        index="btree_not_null",
        check_company=True,
        ondelete="restrict",
    )
