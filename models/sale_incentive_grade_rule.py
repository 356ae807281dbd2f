# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import grades, periods

RULE_KINDS = [
    ("kpi_streak", "KPI streak (monthly)"),
    ("team_targets", "Team targets (quarterly)"),
]
# the period each kind reviews
REVIEW_PERIODS = {"kpi_streak": "month", "team_targets": "quarter"}


class SaleIncentiveGradeRule(models.Model):
    """When the holders of a grade move to another grade (seed 002, 考核与晋升).

    * KPI streak: a month passes when the indicator reaches the threshold
      (5 营销中心任务); after N failed months in a row the holder moves
      (自动调整为销售人员).
    * Team targets: at the end of a quarter, when more than X % of the members
      of the teams the holder leads missed their targets of the quarter under
      the measured plan, the holder moves (总监降级).

    The review proposes the change to the person's manager; nothing moves
    before it is approved (``sale.incentive.grade.change``).
    """

    _name = "sale.incentive.grade.rule"
    _description = "Sales Incentive Grade Rule"
    _order = "grade_id, sequence, id"
    _check_company_auto = True

    grade_id = fields.Many2one(
        "sale.incentive.grade", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="grade_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    kind = fields.Selection(RULE_KINDS, required=True, default="kpi_streak")
    to_grade_id = fields.Many2one(
        "sale.incentive.grade",
        "Move To",
        required=True,
        check_company=True,
        ondelete="restrict",
        help="The grade the person is moved to when the rule fails them.",
    )
    kpi_id = fields.Many2one(
        "sale.incentive.kpi",
        "Indicator",
        check_company=True,
        ondelete="restrict",
        help="KPI streak: its monthly values (approved, or measured).",
    )
    kpi_threshold = fields.Float(
        "Monthly Minimum",
        default=5.0,
        digits=(16, 4),
        help="KPI streak: a month passes when the value reaches this.",
    )
    streak_months = fields.Integer(
        "Failed Months in a Row",
        default=3,
        help="KPI streak: the person moves after this many failed months.",
    )
    target_plan_id = fields.Many2one(
        "sale.incentive.plan",
        "Measured Plan",
        check_company=True,
        ondelete="restrict",
        help="Team targets: the plan whose targets (and default target) the "
        "team's members are measured against.",
    )
    miss_percent = fields.Float(
        "Missed Share (%)",
        default=50.0,
        help="Team targets: the person moves when more than this share of "
        "the team's members missed their target of the quarter.",
    )
    approver_id = fields.Many2one(
        "res.users",
        help="Who approves when the person leads their own team (a director); "
        "empty: an incentive administrator of the company.",
    )

    @api.constrains("kind", "kpi_id", "target_plan_id", "to_grade_id", "streak_months")
    def _check_rule(self):
        for rule in self:
            if rule.to_grade_id == rule.grade_id:
                raise ValidationError(
                    self.env._("A grade rule moves its holders to another grade.")
                )
            if rule.kind == "kpi_streak" and (
                not rule.kpi_id or rule.streak_months < 1
            ):
                raise ValidationError(
                    self.env._(
                        "A KPI streak rule needs an indicator and at least one month."
                    )
                )
            if rule.kind == "team_targets" and (
                not rule.target_plan_id or rule.target_plan_id.period == "year"
            ):
                raise ValidationError(
                    self.env._(
                        "A team targets rule needs a monthly or quarterly plan "
                        "whose targets it reads."
                    )
                )

    def _get_approver(self, user):
        """Who approves a change of ``user``: their team leader, else the
        rule's approver, else an incentive administrator of the company;
        never ``user``."""
        self.ensure_one()
        leader = user.sale_team_id.user_id
        if leader and leader != user:
            return leader
        if self.approver_id and self.approver_id != user:
            return self.approver_id
        admins = self.env.ref("sale_incentive.group_sale_incentive_admin").users
        return admins.filtered(
            lambda u: (
                u != user
                and not u._is_superuser()
                and not u.share
                and self.company_id in u.company_ids
            )
        ).sorted("id")[:1]

    def _get_review_period(self):
        self.ensure_one()
        return REVIEW_PERIODS[self.kind]

    # ------------------------------------------------------------------
    # Review
    # ------------------------------------------------------------------
    def _review(self, period_end):
        """Propose the changes of the period of each rule ending on
        ``period_end``; returns the changes created (none twice)."""
        vals_list = []
        for rule in self.sudo():
            if rule.kind == "kpi_streak":
                vals_list += rule._review_kpi_streak(period_end)
            else:
                vals_list += rule._review_team_targets(period_end)
        return self.env["sale.incentive.grade.change"]._propose(vals_list)

    def _holders(self, date_from, date_to):
        """{user: assignment} of the holders of the grade over the whole
        review window (those assigned since have not been reviewed on it)."""
        assignments = self.env["sale.incentive.grade.assignment"]._get_holders(
            self.grade_id, date_to
        )
        return {a.user_id: a for a in assignments if a.date_from <= date_from}

    def _change_vals(self, user, period_end, reason):
        return {
            "user_id": user.id,
            "rule_id": self.id,
            "from_grade_id": self.grade_id.id,
            "to_grade_id": self.to_grade_id.id,
            "date_review": period_end,
            "date_effective": period_end + datetime.timedelta(days=1),
            "reason": reason,
        }

    def _review_kpi_streak(self, period_end):
        months = grades.last_months(period_end, self.streak_months)
        holders = self._holders(months[0], period_end)
        if not holders:
            return []
        users = self.env["res.users"].union(*holders)
        values = self._read_monthly_kpi(users, months[0], period_end)
        vals_list = []
        for user in users:
            series = [values.get((user.id, month), 0.0) for month in months]
            if grades.streak_failed(series, self.kpi_threshold, self.streak_months):
                vals_list.append(
                    self._change_vals(
                        user,
                        period_end,
                        self.env._(
                            "%(kpi)s below %(threshold)s for %(count)s months in a "
                            "row (%(start)s to %(end)s): %(values)s.",
                            kpi=self.kpi_id.name,
                            threshold=format(self.kpi_threshold, "g"),
                            count=self.streak_months,
                            start=months[0],
                            end=period_end,
                            values=", ".join(format(v, "g") for v in series),
                        ),
                    )
                )
        return vals_list

    def _read_monthly_kpi(self, users, date_from, date_to):
        """{(user id, first day of a month): value} of the rule's indicator:
        measured month by month for all ``users`` at once, or the approved
        monthly values in one grouped query."""
        kpi = self.kpi_id
        if kpi.is_measured:
            values = {}
            for month in grades.month_starts(date_from, date_to):
                end = periods.period_bounds(month, "month")[1]
                measured = kpi._measure(users, month, end, self.company_id)
                for user, value in measured.get(kpi, {}).items():
                    values[user.id, month] = value
            return values
        groups = (
            self.env["sale.incentive.kpi.value"]
            .sudo()
            ._read_group(
                [
                    ("kpi_id", "=", kpi.id),
                    ("user_id", "in", users.ids),
                    ("state", "=", "approved"),
                    ("period", "=", "month"),
                    ("date_from", ">=", date_from),
                    ("date_from", "<=", date_to),
                ],
                ["user_id", "date_from:day"],
                ["value:sum"],
            )
        )
        return {(user.id, day): value for user, day, value in groups}

    def _review_team_targets(self, period_end):
        date_from, date_to = periods.period_bounds(period_end, "quarter")
        holders = self._holders(date_from, date_to)
        if not holders:
            return []
        teams = (
            self.env["crm.team"]
            .sudo()
            .search([("user_id", "in", [user.id for user in holders])])
        )
        members = teams.member_ids
        results = self._read_quarter_results(members, date_from, date_to)
        vals_list = []
        for user in holders:
            led = teams.filtered(lambda t, u=user: t.user_id == u)
            team_members = led.member_ids - user
            rows = [results[member] for member in team_members]
            if not grades.team_failed(rows, self.miss_percent):
                continue
            missed, counted, share = grades.missed_share(rows)
            vals_list.append(
                self._change_vals(
                    user,
                    period_end,
                    self.env._(
                        "%(missed)s of the %(count)s members of %(teams)s missed "
                        "their targets of %(plan)s from %(start)s to %(end)s "
                        "(%(share)s%%, more than %(limit)s%%).",
                        missed=missed,
                        count=counted,
                        teams=", ".join(led.mapped("name")),
                        plan=self.target_plan_id.name,
                        start=date_from,
                        end=date_to,
                        share=format(round(share, 1), "g"),
                        limit=format(self.miss_percent, "g"),
                    ),
                )
            )
        return vals_list

    def _read_quarter_results(self, users, date_from, date_to):
        """{user: (target, achieved)} under the measured plan over the quarter:
        the targets of its periods within it (or its default target), the
        earned base (``sale.incentive.target._get_achieved_amounts``)."""
        plan = self.target_plan_id
        Target = self.env["sale.incentive.target"].sudo()
        by_user = Target._get_achieved_amounts(plan, date_from, date_to)[0]
        targets = defaultdict(float)
        starts = (
            grades.month_starts(date_from, date_to)
            if plan.period == "month"
            else [date_from]
        )
        for start in starts:
            bounds = periods.period_bounds(start, plan.period)
            for user, amount in plan._get_incentive_targets(users, *bounds).items():
                targets[user] += amount or 0.0
        return {
            user: (targets[user], by_user.get((plan.id, user.id), 0.0))
            for user in users
        }
