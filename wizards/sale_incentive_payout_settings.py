# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError

GROUP_ADMIN = "sale_incentive.group_sale_incentive_admin"
# {field of this form: field of res.company it shows and writes}
COMPANY_FIELDS = {
    "journal_id": "incentive_journal_id",
    "expense_account_id": "incentive_expense_account_id",
    "payable_account_id": "incentive_payable_account_id",
    "holdback_account_id": "incentive_holdback_account_id",
    "approval_steps": "incentive_approval_steps",
    "finance_user_id": "incentive_finance_user_id",
    "executive_user_id": "incentive_executive_user_id",
    "agent_vendor_bill": "incentive_agent_vendor_bill",
    "dismissal_payout_percent": "incentive_dismissal_payout_percent",
    "settle_background_lines": "incentive_settle_background_lines",
    "auto_close_exceptions": "incentive_auto_close_exceptions",
    # capitalized commissions (issue 22.1)
    "deferred_account_id": "incentive_deferred_account_id",
    "amortization_account_id": "incentive_amortization_account_id",
    "impairment_account_id": "incentive_impairment_account_id",
    "capitalize_expedient": "incentive_capitalize_expedient",
}


# each field shows the company's value until changed
FROM_COMPANY = {
    "compute": "_compute_from_company",
    "store": True,
    "precompute": True,
    "readonly": False,
}


class SaleIncentivePayoutSettings(models.TransientModel):
    """Commission Payouts of the current company, for the incentive
    administrators.

    The payout journal, accounts and approval chain are fields of
    ``res.company``, which only Settings administrators may write (through
    ``res.config.settings``).  This form shows them to the incentive
    administrators and writes exactly these fields of their current company,
    after checking the group.
    """

    _name = "sale.incentive.payout.settings"
    _description = "Commission Payout Settings"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda s: s.env.company
    )
    journal_id = fields.Many2one(
        "account.journal",
        "Commission Payout Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        **FROM_COMPANY,
    )
    expense_account_id = fields.Many2one(
        "account.account",
        "Commission Expense Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
        **FROM_COMPANY,
    )
    payable_account_id = fields.Many2one(
        "account.account",
        "Commission Payable Account",
        check_company=True,
        domain="[('account_type', '=', 'liability_payable')]",
        help="Must be a payable account: payments are registered on it.",
        **FROM_COMPANY,
    )
    holdback_account_id = fields.Many2one(
        "account.account",
        "Commission Holdback Account",
        check_company=True,
        domain="[('account_type', 'in', "
        "('liability_current', 'liability_non_current'))]",
        **FROM_COMPANY,
    )
    approval_steps = fields.Selection(
        selection=lambda self: (
            self.env["res.company"]
            ._fields["incentive_approval_steps"]
            ._description_selection(self.env)
        ),
        required=True,
        **FROM_COMPANY,
    )
    finance_user_id = fields.Many2one(
        "res.users",
        "Finance Approver",
        help="Gets the validation activities.",
        **FROM_COMPANY,
    )
    executive_user_id = fields.Many2one(
        "res.users",
        "Executive Approver",
        help="Gets the executive activities.",
        **FROM_COMPANY,
    )
    agent_vendor_bill = fields.Boolean(
        "Pay Agents by Vendor Bill",
        help="External agents get a vendor bill instead of a journal entry.",
        **FROM_COMPANY,
    )
    dismissal_payout_percent = fields.Float(
        "Payout on Dismissal (%)",
        help="Part of the held amounts paid when the company dismisses a beneficiary.",
        **FROM_COMPANY,
    )
    settle_background_lines = fields.Integer(
        "Background Settlement From",
        help="A settlement taking at least this many commission lines runs in "
        "the background, in batches; 0: never.",
        **FROM_COMPANY,
    )
    auto_close_exceptions = fields.Boolean(
        "Close Settlements Paying Nothing",
        help="Zero, suspended and negative settlements are validated "
        "automatically when submitted (the reason is logged) and closed "
        "without a journal entry.",
        **FROM_COMPANY,
    )

    deferred_account_id = fields.Many2one(
        "account.account",
        "Deferred Commission Account",
        check_company=True,
        domain="[('account_type', 'in', ('asset_current', 'asset_non_current', "
        "'asset_prepayments'))]",
        help="The asset of the capitalized commissions.",
        **FROM_COMPANY,
    )
    amortization_account_id = fields.Many2one(
        "account.account",
        "Commission Amortization Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
        help="Empty: the commission expense account.",
        **FROM_COMPANY,
    )
    impairment_account_id = fields.Many2one(
        "account.account",
        "Commission Impairment Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
        help="Empty: the amortization account.",
        **FROM_COMPANY,
    )
    capitalize_expedient = fields.Boolean(
        "Expense Short Contracts at Once",
        help="A commission whose benefit period is 12 months or less is "
        "expensed when settled (practical expedient).",
        **FROM_COMPANY,
    )

    @api.depends("company_id")
    def _compute_from_company(self):
        for settings in self:
            company = settings.company_id.sudo()
            for name, company_name in COMPANY_FIELDS.items():
                settings[name] = company[company_name]

    def action_save(self):
        """Write the payout settings on the company."""
        self._check_can_save()
        self._do_save()
        return {"type": "ir.actions.client", "tag": "reload"}

    def _check_can_save(self):
        if not self.env.user.has_group(GROUP_ADMIN):
            raise AccessError(
                self.env._(
                    "Only incentive administrators change the commission payouts."
                )
            )
        for settings in self:
            if settings.company_id not in self.env.user.company_ids:
                raise AccessError(
                    self.env._(
                        "You cannot change the commission payouts of %(company)s.",
                        company=settings.company_id.name,
                    )
                )

    def _do_save(self):
        for settings in self:
            values = settings._convert_to_write(
                {name: settings[name] for name in COMPANY_FIELDS}
            )
            settings.company_id.sudo().write(
                {COMPANY_FIELDS[name]: value for name, value in values.items()}
            )
