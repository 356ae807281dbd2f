# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine import calendar as calendar_engine

GROUP_MANAGER = "sale_incentive.group_sale_incentive_manager"
GROUP_ACCOUNTANT = "sale_incentive.group_sale_incentive_accountant"
ACTIVITY = "sale_incentive.mail_activity_calendar_step"
# the approval steps in their order; posted and paid are past them all
APPROVAL_ORDER = ("approved", "validated", "executive")
CLOSED = ("posted", "paid")
# what a user may write on a period step: the rest through its actions
USER_WRITABLE = {"note"}


def _approved(settlement):
    """Whether ``settlement`` passed the last approval of its company."""
    final = APPROVAL_ORDER.index(settlement._final_approval_state())
    state = settlement.state
    return state in APPROVAL_ORDER and APPROVAL_ORDER.index(state) >= final


class SaleIncentivePeriodStep(models.Model):
    """One step of one company's settlement calendar for one month.

    Made by the daily cron (``_cron_settlement_calendar``) from the
    company's ``sale.incentive.calendar.step``: its deadline, its owners,
    an activity for each owner on the deadline day, a reminder when it is
    late.  A checked step is done by itself once the period's settlements
    are acknowledged, approved or paid; a manual one by its owner.
    """

    _name = "sale.incentive.period.step"
    _description = "Settlement Calendar: Step of a Month"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, date_deadline, sequence, id"
    _check_company_auto = True

    step_id = fields.Many2one(
        "sale.incentive.calendar.step",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    name = fields.Char(related="step_id.name")
    description = fields.Text(related="step_id.description")
    sequence = fields.Integer(related="step_id.sequence", store=True)
    done_check = fields.Selection(related="step_id.done_check")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    period_start = fields.Date(
        "Period",
        required=True,
        readonly=True,
        index=True,
        help="The first day of the month settled.",
    )
    period_end = fields.Date(compute="_compute_period_end")
    date_deadline = fields.Date("Deadline", required=True, readonly=True)
    owner_ids = fields.Many2many(
        "res.users",
        "sale_incentive_period_step_owner_rel",
        "step_id",
        "user_id",
        string="Owners",
        readonly=True,
    )
    state = fields.Selection(
        [("todo", "To Do"), ("late", "Late"), ("done", "Done")],
        default="todo",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    done_by_id = fields.Many2one("res.users", readonly=True)
    done_date = fields.Datetime("Done On", readonly=True)
    note = fields.Text()
    settlement_count = fields.Integer(compute="_compute_settlement_count")

    _sql_constraints = [
        (
            "step_period_unique",
            "UNIQUE(step_id, period_start)",
            "A calendar step is due once per month.",
        )
    ]

    @api.depends("period_start")
    def _compute_period_end(self):
        for step in self:
            step.period_end = step.period_start and (
                calendar_engine.add_months(step.period_start, 1) - timedelta(days=1)
            )

    @api.depends("name", "period_start")
    def _compute_display_name(self):
        for step in self:
            period = step.period_start and step.period_start.strftime("%Y-%m")
            step.display_name = f"{step.name or ''} ({period or ''})"

    def _compute_settlement_count(self):
        settlements = self._get_period_settlements()
        for step in self:
            key = (step.company_id.id, step.period_start)
            step.settlement_count = len(settlements.get(key, ()))

    # ------------------------------------------------------------------
    # Guards
    # ------------------------------------------------------------------
    def write(self, vals):
        keys = {key for key in vals if not key.startswith(("message_", "activity_"))}
        if keys - USER_WRITABLE and not self.env.su:
            raise AccessError(
                self.env._(
                    "Calendar steps change through their actions (mark done, "
                    "reopen), not by editing them."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # The period's settlements
    # ------------------------------------------------------------------
    def _get_period_settlements(self):
        """{(company id, period start): settlements} of the periods of
        ``self``: the live regular settlements ending in the month (one
        search)."""
        if not self:
            return {}
        starts = set(self.mapped("period_start"))
        first, last = min(starts), max(starts)
        settlements = (
            self.env["sale.incentive.settlement"]
            .sudo()
            .search(
                [
                    ("company_id", "in", self.company_id.ids),
                    ("settlement_type", "=", "regular"),
                    ("workflow_state", "!=", "cancel"),
                    ("date_to", ">=", first),
                    ("date_to", "<", calendar_engine.add_months(last, 1)),
                ]
            )
        )
        result = defaultdict(settlements.browse)
        for settlement in settlements:
            month = calendar_engine.month_start(settlement.date_to)
            result[settlement.company_id.id, month] |= settlement
        return result

    @api.model
    def _is_checked(self, done_check, settlements):
        """Whether the period's ``settlements`` meet ``done_check`` (none:
        nothing to check yet, not done)."""
        if not settlements:
            return False
        if done_check == "acknowledged":
            return all(settlements.mapped("acknowledged_date"))
        if done_check == "approved":
            return all(s.state in CLOSED or _approved(s) for s in settlements)
        if done_check == "paid":
            return all(
                s.state == "paid"
                or (s.state == "posted" and s.currency_id.is_zero(s.amount_payable))
                for s in settlements
            )
        return False

    def _refresh_checked(self):
        """Mark done the open checked steps of ``self`` whose period's
        settlements meet their check."""
        steps = self.filtered(lambda s: s.state != "done" and s.done_check != "manual")
        settlements = steps._get_period_settlements()
        done = steps.filtered(
            lambda s: self._is_checked(
                s.done_check, settlements.get((s.company_id.id, s.period_start))
            )
        )
        done._do_done(automatic=True)
        return done

    # ------------------------------------------------------------------
    # Workflow: action_x -> _check_can_x -> _do_x
    # ------------------------------------------------------------------
    def _is_owner(self):
        self.ensure_one()
        return self.env.user in self.owner_ids

    def _check_can_done(self):
        for step in self:
            if step.state == "done":
                raise UserError(
                    self.env._("Step %(name)s is done already.", name=step.display_name)
                )
        if not (
            self.env.su
            or self.env.user.has_group(GROUP_MANAGER)
            or self.env.user.has_group(GROUP_ACCOUNTANT)
            or all(step._is_owner() for step in self)
        ):
            raise AccessError(
                self.env._(
                    "Only the step's owners, managers and accountants mark it done."
                )
            )
        self.check_access("write")

    def action_done(self):
        """Done by hand (a checked step too: a month without settlements)."""
        self._check_can_done()
        self._do_done()
        return True

    def _do_done(self, automatic=False):
        if not self:
            return
        self.sudo().write(
            {
                "state": "done",
                "done_by_id": False if automatic else self.env.user.id,
                "done_date": fields.Datetime.now(),
            }
        )
        self.activity_feedback([ACTIVITY])
        if automatic:
            checks = dict(self._fields["done_check"]._description_selection(self.env))
            for step in self:
                step.message_post(
                    body=self.env._(
                        "Done by itself: %(check)s.", check=checks[step.done_check]
                    )
                )

    def action_reopen(self):
        self._check_can_reopen()
        today = fields.Date.context_today(self)
        for step in self:
            state = calendar_engine.step_state(step.date_deadline, today, False)
            step.sudo().write({"state": state, "done_by_id": False, "done_date": False})
        self._schedule_owner_activities()
        return True

    def _check_can_reopen(self):
        if any(step.state != "done" for step in self):
            raise UserError(self.env._("Only a done step is reopened."))
        if not (
            self.env.su
            or self.env.user.has_group(GROUP_MANAGER)
            or self.env.user.has_group(GROUP_ACCOUNTANT)
        ):
            raise AccessError(
                self.env._("Only managers and accountants reopen a step.")
            )
        self.check_access("write")

    def action_view_settlements(self):
        self.ensure_one()
        settlements = self._get_period_settlements().get(
            (self.company_id.id, self.period_start)
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Settlements of %(step)s", step=self.display_name),
            "res_model": "sale.incentive.settlement",
            "view_mode": "list,form",
            "domain": [("id", "in", settlements.ids if settlements else [])],
        }

    # ------------------------------------------------------------------
    # The daily cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_settlement_calendar(self):
        """Make the open months' steps (idempotent), close the checked ones
        that are met, remind the owners of the late ones."""
        today = fields.Date.context_today(self)
        self.env["sale.incentive.calendar.step"]._create_default_steps()
        self._generate(today)
        open_steps = self.sudo().search([("state", "!=", "done")])
        open_steps._refresh_checked()
        open_steps.filtered(lambda s: s.state == "todo")._mark_late(today)

    @api.model
    def _generate(self, today, companies=None, period_starts=None):
        """Create the missing steps of the months whose steps are due from
        ``today`` on (or of ``period_starts``), for ``companies`` (all)."""
        templates = (
            self.env["sale.incentive.calendar.step"]
            .sudo()
            .search([("company_id", "in", companies.ids)] if companies else [])
        )
        if not templates:
            return self.browse()
        offsets = [int(offset) for offset in set(templates.mapped("month_offset"))]
        starts = period_starts or calendar_engine.open_periods(today, offsets)
        existing = {
            (step.step_id.id, step.period_start)
            for step in self.sudo().search(
                [("step_id", "in", templates.ids), ("period_start", "in", starts)]
            )
        }
        vals_list = []
        for start in starts:
            for template in templates:
                deadline = calendar_engine.step_deadline(
                    start, template.day, int(template.month_offset)
                )
                # nothing made for a deadline already past (no backfill)
                if (template.id, start) in existing or (
                    not period_starts and deadline < today
                ):
                    continue
                vals_list.append(
                    {
                        "step_id": template.id,
                        "company_id": template.company_id.id,
                        "period_start": start,
                        "date_deadline": deadline,
                        "owner_ids": [(6, 0, template._get_owners().ids)],
                    }
                )
        steps = self.sudo().with_context(mail_create_nolog=True).create(vals_list)
        steps._schedule_owner_activities()
        return steps

    def _schedule_owner_activities(self):
        """An activity for each owner of the open steps, on the deadline."""
        for step in self.filtered(lambda s: s.state != "done"):
            planned = step.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref(ACTIVITY)
            ).user_id
            for owner in step.owner_ids - planned:
                step.activity_schedule(
                    ACTIVITY,
                    date_deadline=step.date_deadline,
                    summary=step.name,
                    note=step.description,
                    user_id=owner.id,
                )

    def _mark_late(self, today):
        """Late: the deadline passed; the owners are reminded in the chatter
        (their activity is overdue)."""
        late = self.filtered(
            lambda s: (
                calendar_engine.step_state(s.date_deadline, today, False) == "late"
            )
        )
        if not late:
            return late
        late.sudo().write({"state": "late"})
        for step in late:
            step.message_post(
                body=self.env._(
                    "Late: %(step)s was due on %(deadline)s.",
                    step=step.display_name,
                    deadline=step.date_deadline,
                ),
                partner_ids=step.owner_ids.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return late
