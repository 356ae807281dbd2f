# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import coefficients


class SaleIncentiveTarget(models.Model):
    """A quota of a salesperson or a sales team for one period of a plan.

    The quota is on the plan's measure (its base: revenue, margin or
    quantity, on its basis: invoiced or paid).  Achievement sums the earned
    commission lines' base amounts of the plan, times the beneficiary's
    share, in one grouped query for all the targets shown.
    """

    _name = "sale.incentive.target"
    _description = "Sales Incentive Target"
    _inherit = ["mail.thread", "sale.incentive.period.mixin"]
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
        groups = (
            self.env["sale.incentive.line"]
            .sudo()
            ._read_group(
                self.env["sale.incentive.line"]._get_earned_domain(
                    plans, date_from=date_from, date_to=date_to
                ),
                ["plan_id", "user_id", "team_id", "share", "date:day"],
                ["base_amount:sum"],
            )
        )
        by_user = defaultdict(float)
        by_team = defaultdict(float)
        rows = []
        for plan, user, team, share, day, base in groups:
            value = base * share / 100.0
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
