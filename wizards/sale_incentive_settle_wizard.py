# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine import periods


class SaleIncentiveSettleWizard(models.TransientModel):
    """Create (or replace) the draft settlements of a period."""

    _name = "sale.incentive.settle.wizard"
    _description = "Settle Commissions"

    period = fields.Selection(
        selection=lambda self: (
            self.env["sale.incentive.plan"]
            ._fields["period"]
            ._description_selection(self.env)
        ),
        required=True,
        default="month",
    )
    date = fields.Date(
        "Up To",
        required=True,
        default=lambda self: self._default_date("month"),
        help="The period containing this date is settled; lines earned up to "
        "its end count.  Proposed: the end of the last closed period.",
    )
    plan_ids = fields.Many2many(
        "sale.incentive.plan",
        string="Plans",
        help="Empty: every active plan of this period type valid in the period.",
    )
    user_ids = fields.Many2many("res.users", string="Salespeople")
    partner_ids = fields.Many2many("res.partner", string="Agents / Beneficiaries")

    @api.model
    def _default_date(self, period):
        """The end of the last closed ``period``: the current one is not over."""
        today = fields.Date.context_today(self)
        return periods.previous_period(today, period)[1]

    @api.onchange("period")
    def _onchange_period(self):
        if self.period:
            self.date = self._default_date(self.period)

    @api.model
    def _get_plans(self, period, date):
        date_from, date_to = periods.period_bounds(date, period)
        return self.env["sale.incentive.plan"].search(
            [
                ("company_id", "in", self.env.companies.ids),
                ("state", "in", ("active", "closed")),
                ("period", "=", period),
                "|",
                ("date_from", "=", False),
                ("date_from", "<=", date_to),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", date_from),
            ]
        )

    def action_settle(self):
        self.ensure_one()
        self.env["sale.incentive.settlement.builder"]._check_can_settle()
        plans = self.plan_ids or self._get_plans(self.period, self.date)
        self._check_plans(plans)
        partners = self.partner_ids | self.user_ids.partner_id
        runs = self.env["sale.incentive.settle.run"]
        runs._check_no_active_run(plans, self.date)
        line_count = runs._background_line_count(plans, self.date, partners or None)
        if line_count:
            run = runs._start(plans, self.date, partners or None, line_count)
            return run._get_form_action()
        settlements = self.env["sale.incentive.settlement.builder"]._run_settlement(
            plans, self.date, partners or None
        )
        if not settlements:
            raise UserError(self._nothing_to_settle_message(plans, partners))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Settlements"),
            "res_model": "sale.incentive.settlement",
            "view_mode": "list,form",
            "domain": [("id", "in", settlements.ids)],
        }

    def _check_plans(self, plans):
        """Plans to settle, all of the wizard's period type."""
        wrong = plans.filtered(lambda p: p.period != self.period)
        if wrong:
            period_labels = self.env["sale.incentive.explanation"]._get_period_labels()
            raise UserError(
                self.env._(
                    "These plans are not settled per %(period)s: %(plans)s",
                    period=period_labels[self.period],
                    plans=", ".join(wrong.mapped("display_name")),
                )
            )
        if not plans:
            raise UserError(self.env._("No plan to settle for this period."))

    def _nothing_to_settle_message(self, plans, partners):
        """Why settling ``plans`` for the wizard's period created nothing:
        per plan, what its lines of the period are."""
        date_from, date_to = periods.period_bounds(self.date, self.period)
        counts = self._count_period_lines(plans, date_from, date_to, partners)
        reasons = "; ".join(
            self.env._(
                "%(plan)s: %(reason)s",
                plan=plan.display_name,
                reason=self._nothing_to_settle_reason(plan, counts[plan], partners),
            )
            for plan in plans
        )
        return self.env._(
            "Nothing to settle for %(date_from)s – %(date_to)s. %(reasons)s.",
            date_from=date_from,
            date_to=date_to,
            reasons=reasons,
        )

    @api.model
    def _count_period_lines(self, plans, date_from, date_to, partners):
        """{plan: {"settled", "unsettled", kind: count}} of the lines of the
        period: the earned lines (``sale.incentive.line._get_earned_domain``,
        settled or not), and per kind those not earned yet (the same domain,
        its earned condition reversed).  Two grouped queries."""
        lines = self.env["sale.incentive.line"].sudo()
        earned = lines._get_earned_domain(plans, date_from, date_to, partners or None)
        waiting = [
            ("is_earned", "=", False) if leaf == ("is_earned", "=", True) else leaf
            for leaf in earned
        ]
        counts = defaultdict(lambda: defaultdict(int))
        for plan, count, settled in lines._read_group(
            earned, ["plan_id"], ["__count", "settlement_line_id:count"]
        ):
            counts[plan].update(settled=settled, unsettled=count - settled)
        for plan, kind, count in lines._read_group(
            waiting, ["plan_id", "kind"], ["__count"]
        ):
            counts[plan][kind] = count
        return counts

    def _nothing_to_settle_reason(self, plan, found, partners):
        """Why ``plan`` settles nothing, from its ``found`` line counts."""
        if plan.state not in ("active", "closed"):
            states = dict(plan._fields["state"]._description_selection(self.env))
            return self.env._(
                "the plan is not active (%(state)s)", state=states[plan.state]
            )
        if found["settled"] and not found["unsettled"]:
            return self.env._(
                "its %(count)s earned lines are already settled",
                count=found["settled"],
            )
        if found["invoice"]:
            return self.env._(
                "no line is earned yet: %(count)s invoiced lines wait for "
                "their payment",
                count=found["invoice"],
            )
        if found["forecast"]:
            return self.env._(
                "no line is earned yet: %(count)s confirmed order lines "
                "are not invoiced",
                count=found["forecast"],
            )
        if partners:
            return self.env._(
                "nothing was earned by %(names)s",
                names=", ".join(partners.mapped("display_name")),
            )
        return self.env._("nothing was earned")
