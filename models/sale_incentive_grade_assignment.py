# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SaleIncentiveGradeAssignment(models.Model):
    """The grade a person holds from one day to another: the history.

    An approved ``sale.incentive.grade.change`` closes the person's current
    assignment the day before its effective date and opens the new one on
    that date, so the past is never rewritten.  The plans of a grade cover
    its holders on the days of their assignments (``_covers``).
    """

    _name = "sale.incentive.grade.assignment"
    _description = "Sales Incentive Grade Assignment"
    _order = "user_id, date_from desc, id desc"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users", "Salesperson", required=True, index=True, ondelete="cascade"
    )
    grade_id = fields.Many2one(
        "sale.incentive.grade",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="grade_id.company_id", store=True, index=True, precompute=True
    )
    date_from = fields.Date("From", required=True, index=True)
    date_to = fields.Date("To", help="Empty: until further notice.")
    change_id = fields.Many2one(
        "sale.incentive.grade.change",
        "Decided By Change",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        help="The approved grade change that opened this assignment.",
    )

    _sql_constraints = [
        (
            "dates_ordered",
            "CHECK(date_to IS NULL OR date_to >= date_from)",
            "An assignment ends on or after its start.",
        )
    ]

    @api.depends("user_id", "grade_id", "date_from")
    def _compute_display_name(self):
        for assignment in self:
            assignment.display_name = self.env._(
                "%(user)s: %(grade)s from %(date)s",
                user=assignment.user_id.name or "",
                grade=assignment.grade_id.name or "",
                date=assignment.date_from or "",
            )

    @api.constrains("user_id", "company_id", "date_from", "date_to")
    def _check_no_overlap(self):
        """A person holds one grade a day in a company."""
        others = self.search(
            [
                ("user_id", "in", self.user_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("id", "not in", self.ids),
            ]
        )
        candidates = self | others
        for assignment in self:
            for other in candidates:
                if other == assignment or (other.user_id, other.company_id) != (
                    assignment.user_id,
                    assignment.company_id,
                ):
                    continue
                if assignment._overlaps(other):
                    raise ValidationError(
                        self.env._(
                            "%(user)s already holds %(grade)s from %(date)s: one "
                            "grade a day.",
                            user=assignment.user_id.name,
                            grade=other.grade_id.name,
                            date=other.date_from,
                        )
                    )

    def _overlaps(self, other):
        end_a = self.date_to or fields.Date.to_date("9999-12-31")
        end_b = other.date_to or fields.Date.to_date("9999-12-31")
        return self.date_from <= end_b and other.date_from <= end_a

    def _on(self, day):
        """The assignments of ``self`` covering ``day``."""
        return self.filtered(
            lambda a: a.date_from <= day and (not a.date_to or a.date_to >= day)
        )

    @api.model
    def _get_holders(self, grade, day):
        """The assignments to ``grade`` covering ``day``."""
        return self.sudo().search(
            [
                ("grade_id", "=", grade.id),
                ("date_from", "<=", day),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", day),
            ]
        )

    @api.model
    def _covers(self, plan, user, day=None):
        """Whether ``plan`` covers ``user`` on ``day`` (today) through their
        grade of that day; None when the plan is no grade's or the person
        holds no grade that day in its company (the plan's own lists decide)."""
        if not user:
            return None
        # read once per plan and transaction (the plans of a batch)
        if not plan.sudo().grade_ids:
            return None
        day = day or fields.Date.context_today(self)
        held = self.sudo().search(
            [
                ("user_id", "=", user.id),
                ("company_id", "=", plan.company_id.id),
                ("date_from", "<=", day),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", day),
            ]
        )
        if not held:
            return None
        return plan in held.grade_id.plan_ids
