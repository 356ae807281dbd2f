# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The demo company's settlement calendar and a deferred settlement
(issue 21.5), after its history (demo/demo_company.py).

Yan's settlement of two months ago is deferred by her manager (her customer
records were not returned): it is cancelled and last month's settlement,
settled again for her, pays both months and says why.  The calendar's steps
of the last three months are made by the cron's own method; the tracking
steps and the oldest month's records are marked done by their owners, the
cron closes the checked steps that are met and reminds the owners of the
late ones.  Idempotent: a module update runs it again without effect.
"""

from odoo import Command, api, fields, models

from ..engine import calendar as calendar_engine

DEFER_REASON = (
    "Yan's customer records of the month were not returned by the 5th "
    "(制度 4.2.8: 累计下月结算)."
)


class SaleIncentiveDemo(models.AbstractModel):
    _inherit = "sale.incentive.demo"

    @api.model
    def _load_demo_calendar(self):
        """The deferred settlement, then the calendar of the last months."""
        self._load_demo_deferral()
        self._load_demo_calendar_steps()

    @api.model
    def _load_demo_deferral(self):
        ref = self.env.ref
        yan = ref("sale_incentive.demo_user_rep_yan")
        plan = ref("sale_incentive.demo_plan_service_ladder")
        Settlement = self.env["sale.incentive.settlement"]
        if Settlement.search_count(
            [("plan_id", "=", plan.id), ("deferred_by", "!=", False)]
        ):
            return
        today = fields.Date.context_today(self)
        two_months_ago = calendar_engine.add_months(today, -2)
        settlement = Settlement.search(
            [
                ("plan_id", "=", plan.id),
                ("partner_id", "=", yan.partner_id.id),
                ("date_from", "=", two_months_ago),
                ("state", "in", ("draft", "submitted")),
            ]
        )
        if not settlement:
            return
        manager = ref("sale_incentive.demo_user_manager_showroom")
        accountant = ref("sale_incentive.demo_user_accountant")
        settlement = settlement.with_user(manager)
        settlement._check_can_defer()
        settlement._do_defer(DEFER_REASON, "partner")
        # the accountant settles last month again for her: both months
        last_month = calendar_engine.add_months(today, -1)
        wizard = (
            self.env["sale.incentive.settle.wizard"]
            .with_user(accountant)
            .create(
                {
                    "period": "month",
                    "date": last_month,
                    "plan_ids": [Command.set(plan.ids)],
                    "user_ids": [Command.set(yan.ids)],
                }
            )
        )
        wizard.action_settle()

    @api.model
    def _load_demo_calendar_steps(self):
        company = self.env.ref("base.main_company")
        today = fields.Date.context_today(self)
        PeriodStep = self.env["sale.incentive.period.step"]
        starts = [calendar_engine.add_months(today, -back) for back in (2, 1, 0)]
        PeriodStep._generate(today, company, period_starts=starts)
        steps = PeriodStep.search(
            [("company_id", "=", company.id), ("period_start", "in", starts)]
        )
        # the tracking of the past months and the oldest month's records are
        # done by their owners
        manager = self.env.ref("sale_incentive.demo_user_manager_showroom")
        tracking = steps.filtered(lambda s: s.step_id.month_offset == "0")
        records = steps.filtered(
            lambda s: s.done_check == "acknowledged" and s.period_start == starts[0]
        )
        done = (tracking | records).filtered(
            lambda s: s.state != "done" and s.date_deadline < today
        )
        done.with_user(manager).action_done()
        PeriodStep._cron_settlement_calendar()
