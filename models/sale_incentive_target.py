# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import alerts, coefficients, periods

# closed periods read beyond the streak length: a streak filling the whole
# window is one already alerted on (see _cron_underperformance_alerts)
ALERT_SLACK_PERIODS = 3
QUANTITY_MEASURES = ("invoiced_quantity", "paid_quantity")


class SaleIncentiveTarget(models.Model):
    """A quota of a salesperson or a sales team for one period of a plan.

    The quota is on the plan's measure (its base: revenue, margin or
    quantity, on its basis: invoiced or paid).  Achievement sums the earned
    commission lines' base amounts of the plan, times the beneficiary's
    share, in one grouped query for all the targets shown.
    """

    _name = "sale.incentive.target"
    _description = "Sales Incentive Target"
    _inherit = [
        "mail.thread",
        "sale.incentive.period.mixin",
        "sale.incentive.projected.mixin",
    ]
    _order = "date_from desc, plan_id, user_id, team_id, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    plan_id = fields.Many2one(
        "sale.incentive.plan",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users", "Salesperson", index=True, tracking=True, ondelete="cascade"
    )
    team_id = fields.Many2one(
        "crm.team",
        "Sales Team",
        index=True,
        tracking=True,
        check_company=True,
        ondelete="cascade",
    )
    measure = fields.Selection(
        [
            ("invoiced_revenue", "Revenue invoiced"),
            ("paid_revenue", "Revenue paid"),
            ("invoiced_margin", "Margin invoiced"),
            ("paid_margin", "Margin paid"),
            ("invoiced_quantity", "Quantity invoiced"),
            ("paid_quantity", "Quantity paid"),
        ],
        compute="_compute_measure",
    )
    amount = fields.Float("Target", required=True, digits="Account", tracking=True)
    achieved = fields.Float(compute="_compute_achievement", digits="Account")
    achievement = fields.Float(
        "Achievement (%)",
        compute="_compute_achievement",
        help="Achieved / target, from the earned commission lines of the plan.",
    )
    is_quantity = fields.Boolean(
        compute="_compute_measure",
        help="The target counts units, not money.",
    )
    user_team_id = fields.Many2one(
        related="user_id.sale_team_id",
        string="Salesperson's Team",
        store=True,
        help="The team the salesperson belongs to (the team board's groups).",
    )
    forecast_amount = fields.Monetary(
        "Forecast",
        compute="_compute_commissions",
        help="Commission forecast of the confirmed orders of the period, not "
        "invoiced or earned yet.",
    )
    earned_amount = fields.Monetary(
        "Earned",
        compute="_compute_commissions",
        help="Commission earned in the period (what settlements pay).",
    )
    projected_payout = fields.Monetary(
        compute="_compute_projected_payout",
        help="What settling the plan's open period now would pay the "
        "salesperson, net of the holdback (as on My Commissions); empty for "
        "other periods and for team targets.",
    )
    note = fields.Char()

    _sql_constraints = [
        (
            "amount_positive",
            "CHECK(amount >= 0)",
            "A target cannot be negative.",
        ),
    ]

    @api.depends("plan_id.name", "user_id.name", "team_id.name", "date_from", "period")
    def _compute_name(self):
        for target in self:
            who = target.user_id.name or target.team_id.name or ""
            target.name = f"{who} – {target.plan_id.name or ''} – {target.date_from}"

    @api.depends("plan_id.basis", "plan_id.base")
    def _compute_measure(self):
        for target in self:
            plan = target.plan_id
            target.measure = f"{plan.basis}_{plan.base}" if plan else False
            target.is_quantity = target.measure in QUANTITY_MEASURES

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.constrains("user_id", "team_id", "date_from", "period", "plan_id", "amount")
    def _check_target(self):
        today = fields.Date.context_today(self)
        for target in self:
            if bool(target.user_id) == bool(target.team_id):
                raise ValidationError(
                    self.env._("A target is either for a salesperson or for a team.")
                )
            if target.date_to < today:
                raise ValidationError(
                    self.env._(
                        "The period %(from)s – %(to)s is closed: its targets can "
                        "no longer be set or changed.",
                        **{"from": target.date_from, "to": target.date_to},
                    )
                )
        domain = [
            ("id", "not in", self.ids),
            ("plan_id", "in", self.plan_id.ids),
            ("date_from", "<=", max(self.mapped("date_to"))),
            ("date_to", ">=", min(self.mapped("date_from"))),
        ]
        others = self.search(domain) | self
        for target in self:
            clash = others.filtered(
                lambda o, t=target: (
                    o != t
                    and o.plan_id == t.plan_id
                    and o.user_id == t.user_id
                    and o.team_id == t.team_id
                    and o.date_from <= t.date_to
                    and t.date_from <= o.date_to
                )
            )
            if clash:
                raise ValidationError(
                    self.env._(
                        "%(who)s already has a target of plan %(plan)s over "
                        "this period.",
                        who=(target.user_id or target.team_id).display_name,
                        plan=target.plan_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Achievement
    # ------------------------------------------------------------------
    @api.model
    def _get_achieved_amounts(self, plans, date_from, date_to):
        """Earned base of ``plans`` between two dates, by user and by team.

        Returns ``(by_user, by_team)``: dicts keyed by ``(plan_id, user_id)``
        and ``(plan_id, team_id)``.  One grouped query.
        """
        line_model = self.env["sale.incentive.line"]
        by_user = defaultdict(float)
        by_team = defaultdict(float)
        rows = []
        for plan, user, team, share, day, base in line_model.sudo()._read_group(
            line_model._get_earned_domain(plans, date_from=date_from, date_to=date_to),
            ["plan_id", "user_id", "team_id", "share", "date:day"],
            ["base_amount:sum"],
        ):
            value = line_model._get_credited_base({"base_amount": base, "share": share})
            by_user[(plan.id, user.id)] += value
            by_team[(plan.id, team.id)] += value
            rows.append((plan.id, user.id, team.id, day, value))
        return by_user, by_team, rows

    @api.depends("amount", "date_from", "date_to", "user_id", "team_id", "plan_id")
    def _compute_achievement(self):
        valid = self.filtered(lambda t: t.plan_id and t.date_from and t.date_to)
        rows = []
        if valid:
            rows = self._get_achieved_amounts(
                valid.plan_id,
                min(valid.mapped("date_from")),
                max(valid.mapped("date_to")),
            )[2]
        for target in self:
            achieved = 0.0
            if target in valid:
                for plan_id, user_id, team_id, day, value in rows:
                    if plan_id != target.plan_id.id or not (
                        target.date_from <= day <= target.date_to
                    ):
                        continue
                    if (target.user_id and user_id == target.user_id.id) or (
                        target.team_id and team_id == target.team_id.id
                    ):
                        achieved += value
            target.achieved = achieved
            target.achievement = coefficients.ratio(achieved, target.amount) * 100.0

    @api.depends("date_from", "date_to", "user_id", "team_id", "plan_id")
    def _compute_commissions(self):
        """Forecast and earned commission of each target's person (or team)
        in its period: two grouped queries for all the targets shown, the
        earned lines read through the one definition of what is earned."""
        valid = self.filtered(lambda t: t.plan_id and t.date_from and t.date_to)
        earned_rows = forecast_rows = []
        if valid:
            Line = self.env["sale.incentive.line"].sudo()
            bounds = (min(valid.mapped("date_from")), max(valid.mapped("date_to")))
            groupby = ["plan_id", "user_id", "team_id", "date:day"]
            earned_rows = Line._read_group(
                Line._get_earned_domain(valid.plan_id, *bounds),
                groupby,
                ["amount:sum"],
            )
            forecast_rows = Line._read_group(
                Line._get_forecast_domain(valid.plan_id, *bounds),
                groupby,
                ["amount:sum"],
            )
        for target in self:
            target.earned_amount = target._sum_rows(earned_rows)
            target.forecast_amount = target._sum_rows(forecast_rows)

    @api.depends("date_from", "date_to", "user_id", "plan_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_projected_payout(self):
        """One rolled-back settlement run per plan for the salespeople of the
        targets of its open period (values read before: the rollback empties
        the cache); see ``sale.incentive.simulation._get_projected_payouts``."""
        today = fields.Date.context_today(self)
        projected = self.env["sale.incentive.simulation"]._project_records(
            {
                target: (
                    target.plan_id,
                    target.user_id.partner_id,
                    (target.date_from, target.date_to),
                )
                for target in self
                if target.user_id
                and target.plan_id
                and target.date_from
                and target.date_from <= today <= target.date_to
            }
        )
        for target in self:
            # the target measures the very period the settlement would pay
            target.projected_payout = projected.get(target) or 0.0

    def _sum_rows(self, rows):
        """Sum of grouped ``(plan, user, team, day, amount)`` rows of this
        target's plan, person (or team) and period."""
        self.ensure_one()
        if not (self.plan_id and self.date_from and self.date_to):
            return 0.0
        return sum(
            amount
            for plan, user, team, day, amount in rows
            if plan == self.plan_id
            and self.date_from <= day <= self.date_to
            and (
                (self.user_id and user == self.user_id)
                or (self.team_id and team == self.team_id)
            )
        )

    @api.model
    def _get_target_amounts(self, plan, users, date_from, date_to):
        """{user: target under ``plan`` for periods within the dates}, in one
        grouped query for all ``users``."""
        groups = self.sudo()._read_group(
            [
                ("plan_id", "=", plan.id),
                ("user_id", "in", users.ids),
                ("date_from", ">=", date_from),
                ("date_to", "<=", date_to),
            ],
            ["user_id"],
            ["amount:sum"],
        )
        return dict(groups)

    # ------------------------------------------------------------------
    # Under-performance alerts (seed 002: 连续3个月未能完成定额60%)
    # ------------------------------------------------------------------
    @api.model
    def _cron_underperformance_alerts(self):
        """Give the rep's manager an activity when the rep stays below the
        company's percentage of their target for its number of closed
        periods in a row; one activity per rep and streak."""
        plans = self._alert_plans()
        if not plans:
            return
        today = fields.Date.context_today(self)
        windows = {plan: self._alert_periods(plan, today) for plan in plans}
        achieved = self._read_monthly_achieved(plans, windows)
        streaks = defaultdict(list)  # user: [(plan, streak start or None)]
        for plan, window in windows.items():
            for user, start in self._get_alert_streaks(plan, window, achieved):
                streaks[user].append((plan, start))
        self._create_underperformance_activities(streaks)

    @api.model
    def _alert_plans(self):
        """The active plans of companies that alert on under-performance."""
        return (
            self.env["sale.incentive.plan"]
            .sudo()
            .search([("state", "=", "active")])
            .filtered(lambda p: p.company_id.incentive_alert_periods > 0)
        )

    @api.model
    def _read_monthly_achieved(self, plans, windows):
        """{(plan id, user id, first day of a month): achievement} over the
        alert ``windows`` ({plan: period bounds}) of ``plans``."""
        rows = self._get_achieved_amounts(
            plans,
            min(w[0][0] for w in windows.values()),
            max(w[-1][1] for w in windows.values()),
        )[2]
        achieved = defaultdict(float)
        for plan_id, user_id, _team_id, day, value in rows:
            achieved[plan_id, user_id, periods.period_bounds(day, "month")[0]] += value
        return achieved

    @api.model
    def _get_alert_streaks(self, plan, window, achieved):
        """[(user, start of the streak or None)] of the users of ``plan``
        below the alert percentage of their target for the company's number
        of periods of ``window`` in a row (``achieved``: from
        ``_read_monthly_achieved``)."""
        company = plan.company_id
        users = self._alert_users(plan, window)
        targets = [
            plan._get_incentive_targets(users, *bounds)
            if not plan.date_from or bounds[0] >= plan.date_from
            else {}
            for bounds in window
        ]
        streaks = []
        for user in users:
            results = [
                (
                    by_user.get(user, 0.0),
                    self._sum_achieved(achieved, plan, user, bounds),
                )
                for bounds, by_user in zip(window, targets, strict=True)
            ]
            start = alerts.streak_start(
                results,
                company.incentive_alert_percent,
                company.incentive_alert_periods,
            )
            if start is not None:
                # a streak filling the whole window started earlier: any
                # alert already given counts for it
                streaks.append((user, window[start][0] if start else None))
        return streaks

    @api.model
    def _alert_periods(self, plan, today):
        """Bounds of the closed periods of ``plan`` read for its alerts,
        oldest first."""
        count = plan.company_id.incentive_alert_periods + ALERT_SLACK_PERIODS
        bounds = [periods.previous_period(today, plan.period)]
        while len(bounds) < count:
            bounds.insert(0, periods.previous_period(bounds[0][0], plan.period))
        return bounds

    @api.model
    def _alert_users(self, plan, window):
        """The salespeople of ``plan``, and whoever has a target in it."""
        with_target = self.sudo().search(
            [
                ("plan_id", "=", plan.id),
                ("user_id", "!=", False),
                ("date_from", ">=", window[0][0]),
            ]
        )
        return (
            plan.user_ids | plan.team_ids.member_ids | with_target.user_id
        ).filtered(lambda u: not u.share)

    @api.model
    def _sum_achieved(self, achieved, plan, user, bounds):
        """Achievement of ``user`` under ``plan`` in a period, from the
        monthly sums of ``achieved``."""
        total = 0.0
        month = bounds[0]
        while month <= bounds[1]:
            total += achieved.get((plan.id, user.id, month), 0.0)
            month = periods.period_bounds(month, "month")[1] + timedelta(days=1)
        return total

    @api.model
    def _create_underperformance_activities(self, streaks):
        """One activity per rep for the manager of their team, unless one
        was already given since the streak started."""
        if not streaks:
            return
        activity_type = self.env.ref("sale_incentive.mail_activity_underperformance")
        partners = (
            self.env["res.users"].browse([user.id for user in streaks]).partner_id
        )
        given = defaultdict(list)
        for activity in (
            self.env["mail.activity"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        ):
            given[activity.res_id].append(activity.create_date.date())
        model = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for user, found in streaks.items():
            manager = user.sale_team_id.user_id
            if not manager or manager == user:
                continue
            new = [
                (plan, start)
                for plan, start in found
                if not any(
                    start is None or day >= start for day in given[user.partner_id.id]
                )
            ]
            if not new:
                continue
            company = new[0][0].company_id
            vals_list.append(
                {
                    "res_model_id": model,
                    "res_id": user.partner_id.id,
                    "activity_type_id": activity_type.id,
                    "user_id": manager.id,
                    "summary": self.env._(
                        "%(name)s below %(percent)s%% of target for %(count)s periods",
                        name=user.name,
                        percent=format(company.incentive_alert_percent, "g"),
                        count=company.incentive_alert_periods,
                    ),
                    "note": self.env._(
                        "%(name)s stayed below %(percent)s%% of their target "
                        "for %(count)s closed periods in a row under: "
                        "%(plans)s.",
                        name=user.name,
                        percent=format(company.incentive_alert_percent, "g"),
                        count=company.incentive_alert_periods,
                        plans=", ".join(plan.display_name for plan, _s in new),
                    ),
                    "date_deadline": fields.Date.context_today(self),
                }
            )
        self.env["mail.activity"].sudo().create(vals_list)
