# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..engine import periods


class SaleIncentiveScorecardReport(models.TransientModel):
    """A plan's KPI scorecard for a period: each indicator's actual and score.

    Salespeople see their own scorecard; managers choose whom to show.  A
    report (and its lines) is reached by the user who made it only.
    """

    _name = "sale.incentive.scorecard.report"
    _description = "Sales Incentive Scorecard"

    plan_id = fields.Many2one(
        "sale.incentive.plan",
        required=True,
        domain=[("scorecard_line_ids", "!=", False)],
    )
    date = fields.Date(
        "Period of",
        required=True,
        default=fields.Date.context_today,
        help="Any day of the plan's period to show.",
    )
    date_from = fields.Date(compute="_compute_dates")
    date_to = fields.Date(compute="_compute_dates")
    user_ids = fields.Many2many(
        "res.users",
        string="Salespeople",
        default=lambda self: self.env.user,
        help="Empty: the plan's beneficiaries.",
    )
    line_ids = fields.One2many(
        "sale.incentive.scorecard.report.line", "report_id", readonly=True
    )

    @api.depends("plan_id", "date")
    def _compute_dates(self):
        for report in self:
            if report.plan_id and report.date:
                report.date_from, report.date_to = periods.period_bounds(
                    report.date, report.plan_id.period
                )
            else:
                report.date_from = report.date_to = False

    def _get_users(self):
        self.ensure_one()
        if not self.env.user.has_group("sale_incentive.group_sale_incentive_manager"):
            return self.env.user
        plan = self.plan_id
        return self.user_ids or (plan.user_ids | plan.team_ids.member_ids)

    def action_compute(self):
        self.ensure_one()
        self._check_can_compute()
        self._do_compute()
        # the menu's action again, on this report: its dialog keeps its title
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_incentive.action_sale_incentive_scorecard_report"
        )
        action["res_id"] = self.id
        return action

    def _check_can_compute(self):
        if not self.env.user.has_group("sale_incentive.group_sale_incentive_user"):
            raise AccessError(
                self.env._("Only sales incentive users have a KPI scorecard.")
            )
        self.check_access("write")

    def _do_compute(self):
        """The report's lines, computed again: one per user and indicator."""
        details_by_user = self.plan_id._get_kpi_details(
            self._get_users(), self.date_from, self.date_to
        )
        vals_list = [
            {
                "report_id": self.id,
                "user_id": user.id,
                "kpi_id": line.kpi_id.id,
                "weight": line.weight,
                "target": line.target,
                "actual": actual,
                "score": score * 100,
                "weighted": score * line.weight,
                "total": total * 100,
            }
            for user, (details, total) in details_by_user.items()
            for line, actual, score in details
        ]
        self.line_ids.unlink()
        self.env["sale.incentive.scorecard.report.line"].create(vals_list)


class SaleIncentiveScorecardReportLine(models.TransientModel):
    _name = "sale.incentive.scorecard.report.line"
    _description = "Sales Incentive Scorecard Line (report)"
    _order = "user_id, id"

    report_id = fields.Many2one(
        "sale.incentive.scorecard.report", required=True, ondelete="cascade"
    )
    user_id = fields.Many2one("res.users", "Salesperson")
    kpi_id = fields.Many2one("sale.incentive.kpi", "Indicator")
    weight = fields.Float("Weight (%)")
    target = fields.Float(digits=(16, 2))
    actual = fields.Float(digits=(16, 2))
    score = fields.Float("Score (%)", digits=(16, 2))
    weighted = fields.Float("Weighted (%)", digits=(16, 2))
    total = fields.Float("Total Score (%)", digits=(16, 2))
