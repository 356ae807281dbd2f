# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"

    incentive_new_customer_mode = fields.Selection(
        [
            ("months", "First sale within N months"),
            ("date", "First sale on or after a date"),
        ],
        default="months",
        required=True,
    )
    incentive_new_customer_months = fields.Integer(default=12)
    incentive_new_customer_date = fields.Date()

    # Settlements and payouts (issue #5)
    incentive_journal_id = fields.Many2one(
        "account.journal",
        "Commission Payout Journal",
        domain="[('type', '=', 'general')]",
    )
    incentive_expense_account_id = fields.Many2one(
        "account.account",
        "Commission Expense Account",
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
    )
    incentive_payable_account_id = fields.Many2one(
        "account.account",
        "Commission Payable Account",
        domain="[('account_type', '=', 'liability_payable')]",
        help="Must be a payable account: payments are registered on it.",
    )
    incentive_holdback_account_id = fields.Many2one(
        "account.account",
        "Commission Holdback Account",
        domain="[('account_type', 'in', "
        "('liability_current', 'liability_non_current'))]",
    )
    incentive_approval_steps = fields.Selection(
        [
            ("1", "Sales manager"),
            ("2", "Sales manager, then finance"),
            ("3", "Sales manager, finance, then executive"),
        ],
        default="2",
        required=True,
    )
    incentive_finance_user_id = fields.Many2one(
        "res.users", "Finance Approver", help="Gets the validation activities."
    )
    incentive_executive_user_id = fields.Many2one(
        "res.users", "Executive Approver", help="Gets the executive activities."
    )
    incentive_agent_vendor_bill = fields.Boolean(
        "Pay Agents by Vendor Bill",
        default=True,
        help="External agents get a vendor bill instead of a journal entry.",
    )
    incentive_dismissal_payout_percent = fields.Float(
        "Payout on Dismissal (%)",
        default=40.0,
        help="Part of the held amounts paid when the company dismisses a "
        "beneficiary (seed: 40%).",
    )

    # Background settlement runs (issue #13)
    incentive_settle_background_lines = fields.Integer(
        "Background Settlement From",
        default=20_000,
        help="A settlement taking at least this many commission lines runs in "
        "the background, in batches of about as many lines; 0: never.",
    )

    # Plans (issue #11)
    incentive_plan_second_approval = fields.Boolean(
        "Second Approver for Plans",
        help="Activating a plan takes two incentive administrators: one asks, "
        "another approves.",
    )

    # Plan acknowledgement (issue 22.3)
    incentive_block_unacknowledged = fields.Boolean(
        "Block Payment Until the Plan Is Acknowledged",
        help="A settlement is posted only when its beneficiary accepted the "
        "plan version it pays under (California Labor Code 2751: a signed "
        "commission contract).",
    )

    # Settlements paying nothing (issue #10)
    incentive_auto_close_exceptions = fields.Boolean(
        "Close Settlements Paying Nothing",
        help="Zero, suspended and negative settlements skip the approval chain "
        "when submitted: they are validated automatically (the reason is "
        "logged) and closed without a journal entry.",
    )

    # Under-performance alerts (issue #10, seed 002)
    incentive_alert_percent = fields.Float(
        "Under-performance Threshold (%)",
        default=60.0,
        help="A rep whose achievement stays below this percentage of their "
        "target for the set number of closed periods in a row gets their "
        "manager an activity.",
    )
    incentive_alert_periods = fields.Integer(
        "Under-performance Periods",
        default=3,
        help="Closed periods in a row below the threshold before the manager "
        "is alerted; 0 turns the alerts off.",
    )

    # Capitalized commissions (issue 22.1, ASC 340-40 / IFRS 15 §91-94)
    incentive_deferred_account_id = fields.Many2one(
        "account.account",
        "Deferred Commission Account",
        domain="[('account_type', 'in', ('asset_current', 'asset_non_current', "
        "'asset_prepayments'))]",
        help="The asset of the commissions capitalized as costs of obtaining a "
        "contract; required to post a settlement of a capitalizing plan.",
    )
    incentive_amortization_account_id = fields.Many2one(
        "account.account",
        "Commission Amortization Account",
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
        help="Expense of the monthly amortization; empty: the commission "
        "expense account.",
    )
    incentive_impairment_account_id = fields.Many2one(
        "account.account",
        "Commission Impairment Account",
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
        help="Expense of what a clawback or a cancelled contract writes off; "
        "empty: the amortization account.",
    )
    incentive_capitalize_expedient = fields.Boolean(
        "Expense Short Contracts at Once",
        default=True,
        help="Practical expedient: a commission whose benefit period is 12 "
        "months or less is expensed when settled, not capitalized.",
    )
    # Selling below the minimum price (issue 21.4, seed 004 4.2.9)
    incentive_price_approval = fields.Boolean(
        "Approve Prices Below the Minimum",
        help="An order line sold below its product's guide (minimum) price "
        "cannot be confirmed until a manager above the salesperson approves "
        "it; the approval sets the line's commission percentage.",
    )

    def _incentive_new_customer_since(self, date):
        """Earliest first-sale date that still makes a customer new on ``date``."""
        self.ensure_one()
        if (
            self.incentive_new_customer_mode == "date"
            and self.incentive_new_customer_date
        ):
            return self.incentive_new_customer_date
        return date - relativedelta(months=self.incentive_new_customer_months or 0)

    def _check_incentive_accounting(self):
        """Refuse to post commissions before the payout accounts are set."""
        for company in self:
            missing = [
                company._fields[name].string
                for name in (
                    "incentive_journal_id",
                    "incentive_expense_account_id",
                    "incentive_payable_account_id",
                    "incentive_holdback_account_id",
                )
                if not company[name]
            ]
            if missing:
                raise UserError(
                    self.env._(
                        "Configure the commission accounting of %(company)s "
                        "first (Sales > Configuration > Commissions > Commission "
                        "Payouts): %(missing)s.",
                        company=company.name,
                        missing=", ".join(missing),
                    )
                )
