# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    incentive_new_customer_mode = fields.Selection(
        related="company_id.incentive_new_customer_mode", readonly=False
    )
    incentive_new_customer_months = fields.Integer(
        related="company_id.incentive_new_customer_months", readonly=False
    )
    incentive_new_customer_date = fields.Date(
        related="company_id.incentive_new_customer_date", readonly=False
    )
    incentive_tier_window = fields.Selection(
        [
            ("trailing_12", "Trailing 12 months"),
            ("calendar_year", "Calendar year"),
        ],
        string="Customer Tier Window",
        default="trailing_12",
        config_parameter="sale_incentive.tier_window",
        help="Invoiced sales over which customers are classified in tiers.",
    )
    incentive_attribution_policy = fields.Selection(
        [
            ("closer", "The salesperson who closed the order"),
            ("owner", "The customer's owner"),
            ("first_contact", "The first contact"),
            ("split", "Split closer / owner"),
            ("manager", "The manager decides (conflict)"),
        ],
        string="Default Attribution",
        default="closer",
        config_parameter="sale_incentive.attribution_policy",
        help="Who is credited when the salesperson is not the customer's owner "
        "and the applicable plans set no policy or disagree.",
    )

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
    incentive_plan_second_approval = fields.Boolean(
        related="company_id.incentive_plan_second_approval", readonly=False
    )
    incentive_settle_background_lines = fields.Integer(
        related="company_id.incentive_settle_background_lines", readonly=False
    )
    incentive_auto_close_exceptions = fields.Boolean(
        related="company_id.incentive_auto_close_exceptions", readonly=False
    )
    incentive_alert_percent = fields.Float(
        related="company_id.incentive_alert_percent", readonly=False
    )
    incentive_alert_periods = fields.Integer(
        related="company_id.incentive_alert_periods", readonly=False
    )

    # selling below the minimum price (issue 21.4)
    incentive_price_approval = fields.Boolean(
        related="company_id.incentive_price_approval", readonly=False
    )
    # plan acknowledgement (issue 22.3)
    incentive_block_unacknowledged = fields.Boolean(
        related="company_id.incentive_block_unacknowledged", readonly=False
    )
