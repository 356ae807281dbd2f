# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine import periods
from ..engine.money import round_money
from ..models.sale_incentive_period_mixin import PERIOD_SELECTION


class SaleIncentiveTargetGenerate(models.TransientModel):
    """Create a period's targets in bulk, from the previous period + x %."""

    _name = "sale.incentive.target.generate"
    _description = "Generate Sales Incentive Targets"

    plan_id = fields.Many2one("sale.incentive.plan", required=True)
    period = fields.Selection(
        PERIOD_SELECTION,
        required=True,
        compute="_compute_period",
        store=True,
        precompute=True,
        readonly=False,
    )
    date_from = fields.Date(
        "Period Start",
        required=True,
        default=fields.Date.context_today,
        help="Any day of the period to create; its start is used.",
    )
    basis = fields.Selection(
        [
            ("target", "Previous period's target"),
            ("achieved", "Previous period's achievement"),
            ("fixed", "A fixed amount"),
        ],
        required=True,
        default="target",
    )
    increase = fields.Float(
        "Increase (%)", help="Added to the previous period's figure (e.g. 10)."
    )
    fixed_amount = fields.Float(digits="Account")
    user_ids = fields.Many2many(
        "res.users",
        string="Salespeople",
        compute="_compute_user_ids",
        store=True,
        readonly=False,
    )

    @api.depends("plan_id")
    def _compute_period(self):
        for wizard in self:
            wizard.period = wizard.plan_id.period or "month"

    @api.depends("plan_id")
    def _compute_user_ids(self):
        for wizard in self:
            plan = wizard.plan_id
            wizard.user_ids = plan.user_ids | plan.team_ids.member_ids

    def _target_domain(self, date_from):
        """Targets of the wizard's plan and salespeople starting on ``date_from``."""
        return [
            ("plan_id", "=", self.plan_id.id),
            ("user_id", "in", self.user_ids.ids),
            ("date_from", "=", date_from),
            ("period", "=", self.period),
        ]

    def _previous_amounts(self, prev_from, prev_to):
        """{user: amount} of the previous period: its target or its achievement."""
        Target = self.env["sale.incentive.target"]
        if self.basis == "achieved":
            by_user = Target._get_achieved_amounts(self.plan_id, prev_from, prev_to)[0]
            return {
                user: by_user.get((self.plan_id.id, user.id), 0.0)
                for user in self.user_ids
            }
        # the plan's default target for whoever had none (as settlements do)
        targets = self.plan_id._get_incentive_targets(self.user_ids, prev_from, prev_to)
        return {user: amount for user, amount in targets.items() if amount}

    def action_generate(self):
        self.ensure_one()
        self._check_can_generate()
        targets = self._do_generate()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Generated Targets"),
            "res_model": "sale.incentive.target",
            "view_mode": "list,form",
            "domain": [("id", "in", targets.ids)],
        }

    def _check_can_generate(self):
        if not self.env.user.has_group("sale_incentive.group_sale_incentive_manager"):
            raise AccessError(self.env._("Only incentive managers set targets."))

    def _do_generate(self):
        """The targets of the period for the salespeople who have none."""
        date_from = periods.period_bounds(self.date_from, self.period)[0]
        vals_list = [
            {
                "plan_id": self.plan_id.id,
                "user_id": user.id,
                "period": self.period,
                "date_from": date_from,
                "amount": amount,
            }
            for user, amount in self._new_target_amounts(date_from).items()
        ]
        if not vals_list:
            raise UserError(
                self.env._(
                    "No target to create for %(plan)s from %(date)s: everyone "
                    "has one already or there is nothing to start from in the "
                    "previous period (no target there and no default target "
                    "on the plan).",
                    plan=self.plan_id.display_name,
                    date=date_from,
                )
            )
        return self.env["sale.incentive.target"].create(vals_list)

    def _new_target_amounts(self, date_from):
        """{user: amount} of the targets to create from ``date_from``: the
        fixed amount, or the previous period's figure increased; nobody who
        has a target already, nor anyone without a figure to start from."""
        existing = self.env["sale.incentive.target"].search(
            self._target_domain(date_from)
        )
        prev_amounts = self._previous_amounts(
            *periods.previous_period(date_from, self.period)
        )
        factor = 1 + (self.increase or 0.0) / 100.0
        digits = self.plan_id.currency_id.decimal_places
        amounts = {}
        for user in self.user_ids - existing.user_id:
            if self.basis == "fixed":
                amounts[user] = self.fixed_amount
            elif user in prev_amounts:
                amounts[user] = round_money(prev_amounts[user] * factor, digits=digits)
        return amounts
