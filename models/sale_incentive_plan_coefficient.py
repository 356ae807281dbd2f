# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

TRACKED = ("expense_coefficient", "profit_coefficient", "note")


class SaleIncentivePlanCoefficient(models.Model):
    """Finance's release coefficients of one plan for one year.

    Seed 002 5.2: the 20 % held of a year is paid the next January times the
    company's period-expense-ratio coefficient and its profit coefficient,
    which finance sets from the year's accounts.  The accountants enter them
    here (they cannot edit the plan); every change is logged in the plan's
    chatter.  A release uses the row of the year the amount was held, else
    the plan's own coefficients.
    """

    _name = "sale.incentive.plan.coefficient"
    _description = "Sales Incentive Finance Coefficients"
    _order = "plan_id, year desc"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "sale.incentive.plan",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    year = fields.Integer(
        required=True,
        default=lambda self: fields.Date.context_today(self).year,
        help="The year the held amounts were earned (settled).",
    )
    expense_coefficient = fields.Float(
        "Expense-Ratio Coefficient",
        default=1.0,
        digits=(16, 4),
        help="期间费用率系数: from (operating + administrative + financial "
        "expenses) / revenue of the year.",
    )
    profit_coefficient = fields.Float(
        default=1.0,
        digits=(16, 4),
        help="利润额系数: from the company's profit of the year.",
    )
    note = fields.Char(help="How finance set them (figures of the year).")

    _sql_constraints = [
        (
            "plan_year_unique",
            "UNIQUE(plan_id, year)",
            "A plan has one row of coefficients per year.",
        )
    ]

    @api.depends("plan_id", "year")
    def _compute_display_name(self):
        for row in self:
            row.display_name = f"{row.plan_id.display_name} {row.year}"

    @api.constrains("year", "expense_coefficient", "profit_coefficient")
    def _check_coefficients(self):
        for row in self:
            if not 1900 <= row.year <= 9999:
                raise ValidationError(
                    self.env._("%(year)s is not a year.", year=row.year)
                )
            if row.expense_coefficient < 0 or row.profit_coefficient < 0:
                raise ValidationError(self.env._("A coefficient cannot be negative."))

    @api.model
    def _check_one_per_year(self, pairs, exclude=()):
        """Refuse a second row for a (plan id, year) of ``pairs`` before the
        database's unique index does (with a readable message)."""
        plans = self.env["sale.incentive.plan"].browse({plan for plan, _y in pairs})
        taken = {
            (row.plan_id.id, row.year)
            for row in self.sudo().search(
                [
                    ("plan_id", "in", plans.ids),
                    ("year", "in", [year for _p, year in pairs]),
                    ("id", "not in", list(exclude)),
                ]
            )
        }
        for plan_id, year in pairs:
            if (plan_id, year) in taken or pairs.count((plan_id, year)) > 1:
                raise ValidationError(
                    self.env._(
                        "Plan '%(plan)s' already has coefficients for %(year)s.",
                        plan=plans.browse(plan_id).display_name,
                        year=year,
                    )
                )

    @api.model
    def _get_yearly(self, plans, years):
        """{(plan id, year): (expense ratio, profit)} of ``plans`` (a plan's
        versions) for ``years``; key ``(False, year)``: the row of the newest
        version that has one, for the versions without their own."""
        rows = self.sudo().search(
            [("plan_id", "in", plans.ids), ("year", "in", list(years))],
            order="plan_id desc, id",
        )
        yearly = {}
        for row in rows:
            values = (row.expense_coefficient, row.profit_coefficient)
            yearly[(row.plan_id.id, row.year)] = values
            yearly.setdefault((False, row.year), values)
        return yearly

    # ------------------------------------------------------------------
    # Every change in the plan's chatter
    # ------------------------------------------------------------------
    def _describe(self):
        self.ensure_one()
        note = f" ({self.note})" if self.note else ""
        return self.env._(
            "expense ratio × %(expense)s, profit × %(profit)s%(note)s",
            expense=format(self.expense_coefficient, "g"),
            profit=format(self.profit_coefficient, "g"),
            note=note,
        )

    def _log_on_plan(self, body):
        """A note in the plan's chatter, by the current user (accountants
        cannot write on the plan itself)."""
        self.ensure_one()
        self.plan_id.sudo()._message_log(
            body=body, author_id=self.env.user.partner_id.id
        )

    @api.model_create_multi
    def create(self, vals_list):
        default_year = fields.Date.context_today(self).year
        self._check_one_per_year(
            [
                (vals.get("plan_id"), vals.get("year", default_year))
                for vals in vals_list
            ]
        )
        rows = super().create(vals_list)
        for row in rows:
            row._log_on_plan(
                self.env._(
                    "Finance coefficients %(year)s entered: %(values)s",
                    year=row.year,
                    values=row._describe(),
                )
            )
        return rows

    def write(self, vals):
        if vals.keys() & {"plan_id", "year"}:
            self._check_one_per_year(
                [
                    (vals.get("plan_id", row.plan_id.id), vals.get("year", row.year))
                    for row in self
                ],
                exclude=self.ids,
            )
        before = {row: row._describe() for row in self}
        res = super().write(vals)
        if vals.keys() & (set(TRACKED) | {"year", "plan_id"}):
            for row in self:
                row._log_on_plan(
                    self.env._(
                        "Finance coefficients %(year)s changed: %(before)s → %(after)s",
                        year=row.year,
                        before=before[row],
                        after=row._describe(),
                    )
                )
        return res

    def unlink(self):
        for row in self:
            row._log_on_plan(
                self.env._(
                    "Finance coefficients %(year)s removed (%(values)s).",
                    year=row.year,
                    values=row._describe(),
                )
            )
        return super().unlink()
