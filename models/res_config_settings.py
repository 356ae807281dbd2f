# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # settlements and payouts (issue #5)
    incentive_journal_id = fields.Many2one(
        related="company_id.incentive_journal_id",
        readonly=False,
        domain="[('type', '=', 'general'), ('company_id', '=', company_id)]",
    )
    incentive_expense_account_id = fields.Many2one(
        related="company_id.incentive_expense_account_id", readonly=False
    )
    incentive_payable_account_id = fields.Many2one(
        related="company_id.incentive_payable_account_id", readonly=False
    )
    incentive_holdback_account_id = fields.Many2one(
        related="company_id.incentive_holdback_account_id", readonly=False
    )
    incentive_approval_steps = fields.Selection(
        related="company_id.incentive_approval_steps", readonly=False
    )
    incentive_finance_user_id = fields.Many2one(
        related="company_id.incentive_finance_user_id", readonly=False
    )
    incentive_executive_user_id = fields.Many2one(
        related="company_id.incentive_executive_user_id", readonly=False
    )
    incentive_agent_vendor_bill = fields.Boolean(
        related="company_id.incentive_agent_vendor_bill", readonly=False
    )
    incentive_dismissal_payout_percent = fields.Float(
        related="company_id.incentive_dismissal_payout_percent", readonly=False
    )
