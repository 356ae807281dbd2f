# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine.champions import BenefitRule


class SaleIncentiveBenefitRule(models.Model):
    """A benefit that is not money, earned by reaching a sales threshold.

    Seed 4.3.1: a month's sales ≥ 10,000, or three consecutive months ≥
    30,000, earn two days of free market guidance the next month; 4.3.2: ≥
    20,000 (or ≥ 50,000 over three months) AND first of the department earn
    a free lecture.  Stackable, valid the next month, then expired.
    """

    _name = "sale.incentive.benefit.rule"
    _description = "Sales Incentive Benefit Rule"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "sale.incentive.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer(default=10)
    name = fields.Char(
        "Benefit", required=True, translate=True, help="What the person gets."
    )
    threshold_amount = fields.Monetary(
        "Period Threshold",
        help="The period's sales reaching this earn the benefit (0: unused).",
    )
    window_months = fields.Integer(
        "Window (months)",
        default=3,
        help="Months of the window threshold, ending with the settled month.",
    )
    threshold_window_amount = fields.Monetary(
        "Window Threshold",
        help="The sales of the window's months reaching this also earn the "
        "benefit (0: unused).",
    )
    first_condition = fields.Selection(
        [
            ("none", "No"),
            ("team", "First of the sales team"),
            ("plan", "First of the plan"),
        ],
        "Must Be First",
        default="none",
        required=True,
        help="Also be first (ties included) of the team or of the plan's "
        "beneficiaries on the sales that reached the threshold.",
    )
    validity_months = fields.Integer(
        "Valid (months)",
        default=1,
        help="Valid this many months from the month after the period earned.",
    )
    stackable = fields.Boolean(
        default=True,
        help="Granted with the other benefits of the period. Non-stackable "
        "rules exclude each other: only the first one reached (in order) is "
        "granted.",
    )

    @api.constrains(
        "threshold_amount",
        "threshold_window_amount",
        "window_months",
        "validity_months",
    )
    def _check_thresholds(self):
        for rule in self:
            if rule.threshold_amount < 0 or rule.threshold_window_amount < 0:
                raise ValidationError(
                    self.env._("Benefit thresholds cannot be negative.")
                )
            if not (rule.threshold_amount or rule.threshold_window_amount):
                raise ValidationError(
                    self.env._(
                        "The benefit %(name)s needs a period or a window threshold.",
                        name=rule.name,
                    )
                )
            if rule.threshold_window_amount and not 2 <= rule.window_months <= 12:
                raise ValidationError(
                    self.env._("A benefit's window counts 2 to 12 months.")
                )
            if rule.validity_months < 1:
                raise ValidationError(
                    self.env._("A benefit is valid at least one month.")
                )

    def _to_engine(self):
        self.ensure_one()
        return BenefitRule(
            rule_id=self.id,
            threshold=self.threshold_amount,
            threshold_window=self.threshold_window_amount,
            window=self.window_months,
            first="" if self.first_condition == "none" else self.first_condition,
            stackable=self.stackable,
        )
