# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models

from ..engine import grades


class SaleIncentiveGrade(models.Model):
    """A grade of the sales organisation (key-account rep, director...): the
    plans it puts its people on, with their pay bands, and the rules that
    move a person to another grade (seed 002: 考核与晋升).

    Who holds a grade is the effective-dated history of
    ``sale.incentive.grade.assignment``: a plan listed here covers a person
    on a day when their assignment of that day is to this grade (see
    ``sale.incentive.grade.assignment._covers``).
    """

    _name = "sale.incentive.grade"
    _description = "Sales Incentive Grade"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(
        "Rank", default=10, help="Lower ranks first (director before rep)."
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    plan_ids = fields.Many2many(
        "sale.incentive.plan",
        "sale_incentive_grade_plan_rel",
        "grade_id",
        "plan_id",
        string="Plans",
        check_company=True,
        tracking=True,
        help="The plans the holders of this grade earn under, from the first "
        "day of their assignment to its last.",
    )
    pay_band_ids = fields.Many2many(
        "sale.incentive.pay.band",
        compute="_compute_pay_band_ids",
        string="Pay Bands",
        help="The pay bands of the grade's plans (base and performance pay).",
    )
    rule_ids = fields.One2many(
        "sale.incentive.grade.rule", "grade_id", "Review Rules", copy=True
    )
    assignment_ids = fields.One2many(
        "sale.incentive.grade.assignment", "grade_id", "Assignments", readonly=True
    )
    change_count = fields.Integer(compute="_compute_change_count")
    note = fields.Html()

    @api.depends("plan_ids.pay_band_ids")
    def _compute_pay_band_ids(self):
        for grade in self:
            grade.pay_band_ids = grade.plan_ids.pay_band_ids

    def _compute_change_count(self):
        counts = dict(
            self.env["sale.incentive.grade.change"]._read_group(
                [("from_grade_id", "in", self.ids)], ["from_grade_id"], ["__count"]
            )
        )
        for grade in self:
            grade.change_count = counts.get(grade, 0)

    def action_review(self):
        """Review the holders of these grades on the last closed period of
        each rule; proposes the changes to their managers (once)."""
        self.env["sale.incentive.grade.change"]._check_can_review()
        today = fields.Date.context_today(self)
        changes = self.env["sale.incentive.grade.change"]
        for rule in self.rule_ids:
            period_end = grades.last_closed_period(today, rule._get_review_period())[1]
            changes |= rule._review(period_end)
        return self.action_view_changes(changes)

    def action_view_changes(self, changes=None):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_incentive.action_sale_incentive_grade_change"
        )
        if changes is not None:
            action["domain"] = [("id", "in", changes.ids)]
        else:
            action["domain"] = [("from_grade_id", "in", self.ids)]
        return action
