# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).

from collections import defaultdict

from psycopg2 import errors as pg_errors

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, formatLang

try:
    from cn2an import an2cn
except ImportError:  # optional: Chinese amounts in words (as l10n_cn)
    an2cn = None

from ..engine import components, periods
from ..engine import settlement as settlement_engine

# The Chinese names of the currencies a statement is most often paid in (the
# names of the People's Bank of China's exchange rates).  Odoo's zh_CN unit
# labels do not name a currency ("元" is the unit of 22 dollars, USD
# included): a currency not listed here is named by its ISO code.
CHINESE_CURRENCY_NAMES = {
    "AED": "阿联酋迪拉姆",
    "AUD": "澳元",
    "BRL": "巴西雷亚尔",
    "CAD": "加元",
    "CHF": "瑞士法郎",
    "CNH": "离岸人民币",
    "CNY": "人民币",
    "DKK": "丹麦克朗",
    "EUR": "欧元",
    "GBP": "英镑",
    "HKD": "港元",
    "IDR": "印尼卢比",
    "INR": "印度卢比",
    "JPY": "日元",
    "KRW": "韩元",
    "MOP": "澳门元",
    "MXN": "墨西哥比索",
    "MYR": "林吉特",
    "NOK": "挪威克朗",
    "NZD": "新西兰元",
    "PHP": "菲律宾比索",
    "RUB": "卢布",
    "SAR": "沙特里亚尔",
    "SEK": "瑞典克朗",
    "SGD": "新加坡元",
    "THB": "泰铢",
    "TRY": "土耳其里拉",
    "TWD": "新台币",
    "USD": "美元",
    "VND": "越南盾",
    "ZAR": "南非兰特",
}

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("validated", "Validated"),
    ("executive", "Executive Approved"),
    ("posted", "Posted"),
    ("paid", "Paid"),
    ("cancel", "Cancelled"),
]
FINAL_APPROVAL = {"1": "approved", "2": "validated", "3": "executive"}
CLOSED = ("posted", "paid")
# components deferring an amount to a later settlement (holdback liability)
HELD = ("holdback", "deferred")
# what a user may still write on a settlement: everything else goes through
# the workflow actions, which write with sudo() after their own checks
USER_WRITABLE = {"note"}
# what the workflow still writes on a posted or cancelled settlement
WRITABLE_WHEN_CLOSED = {
    "workflow_state",
    "reversal_move_id",
    "note",
    "access_token",
    "acknowledged_by_id",
    "acknowledged_date",
}
# when the beneficiary acknowledges or disputes the statement: once the sales
# manager approved it, until (and after) it is paid
STATEMENT_STATES = ("approved", "validated", "executive", "posted", "paid")
APPROVAL_ACTIVITIES = [
    "sale_incentive.mail_activity_settlement_approve",
    "sale_incentive.mail_activity_settlement_validate",
    "sale_incentive.mail_activity_settlement_executive",
]
# the beneficiary follows their settlement through these subtypes
NOTIFIED = {
    "approved": "sale_incentive.mt_settlement_approved",
    "posted": "sale_incentive.mt_settlement_posted",
    "paid": "sale_incentive.mt_settlement_paid",
}
# what an external agent sees in the portal: settlements on their way or
# booked; drafts are rebuilt by every run and cancellations are void
PORTAL_STATES = ("submitted", "approved", "validated", "executive", "posted", "paid")
GROUP_MANAGER = "sale_incentive.group_sale_incentive_manager"
GROUP_ADMIN = "sale_incentive.group_sale_incentive_admin"
GROUP_ACCOUNTANT = "sale_incentive.group_sale_incentive_accountant"


class SaleIncentiveSettlement(models.Model):
    """What one beneficiary is owed for one period under one plan.

    One settlement per plan x beneficiary x period x type (a database index
    enforces it).  The run reads the period's facts in batch
    (``sale.incentive.settlement.facts``), the engine turns them into
    explained components (``engine.components.settle``) and the run links
    every source line to the component that settles it.  The workflow follows
    ``hr_expense``: ``action_x`` checks (``_check_can_x``) then does
    (``_do_x``, written with ``sudo()``).
    """

    _name = "sale.incentive.settlement"
    _description = "Sales Incentive Settlement"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin"]
    _order = "date_to desc, id desc"
    _check_company_auto = True

    name = fields.Char(default="/", readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    plan_id = fields.Many2one(
        "sale.incentive.plan",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", "Beneficiary", required=True, readonly=True, index=True
    )
    is_agent = fields.Boolean("External Agent", readonly=True)
    settlement_type = fields.Selection(
        [("regular", "Period settlement"), ("forfeit", "Forfeiture decision")],
        "Type",
        default="regular",
        required=True,
        readonly=True,
        index=True,
    )
    date_from = fields.Date(required=True, readonly=True)
    date_to = fields.Date(required=True, readonly=True, index=True)
    workflow_state = fields.Selection(
        [s for s in STATES if s[0] != "paid"],
        "Workflow",
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    state = fields.Selection(
        STATES,
        compute="_compute_state",
        store=True,
        index=True,
        help="Paid when the payable of the posted entry or bill is reconciled.",
    )
    is_paid = fields.Boolean(compute="_compute_is_paid", store=True)
    is_suspended = fields.Boolean(
        "Suspended",
        readonly=True,
        help="Overdue receivables: nothing is paid and the lines stay open "
        "until collected.",
    )
    team_id = fields.Many2one(
        related="user_id.sale_team_id",
        string="Sales Team",
        store=True,
        help="The beneficiary's sales team.",
    )
    can_approve = fields.Boolean(
        compute="_compute_can_approve", search="_search_can_approve"
    )
    line_ids = fields.One2many(
        "sale.incentive.settlement.line", "settlement_id", "Components", readonly=True
    )
    incentive_line_ids = fields.One2many(
        "sale.incentive.line", "settlement_id", "Commission Lines", readonly=True
    )
    incentive_line_count = fields.Integer(compute="_compute_incentive_line_count")
    amount_total = fields.Monetary(
        "Total", compute="_compute_amounts", store=True, tracking=True
    )
    amount_held = fields.Monetary("Held", compute="_compute_amounts", store=True)
    amount_payable = fields.Monetary("To Pay", compute="_compute_amounts", store=True)
    amount_carried = fields.Monetary(
        "Carried Forward",
        compute="_compute_amounts",
        store=True,
        help="A negative total, deducted from the next settlement.",
    )
    move_id = fields.Many2one(
        "account.move", "Journal Entry", readonly=True, copy=False, check_company=True
    )
    reversal_move_id = fields.Many2one(
        "account.move", "Reversal", readonly=True, copy=False, check_company=True
    )
    approval_steps = fields.Selection(related="company_id.incentive_approval_steps")
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    validated_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    executive_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    posted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    submitted_date = fields.Datetime(readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    validated_date = fields.Datetime(readonly=True, copy=False)
    executive_date = fields.Datetime(readonly=True, copy=False)
    posted_date = fields.Datetime(readonly=True, copy=False)
    note = fields.Text()
    forfeit_reason = fields.Selection(
        [
            ("resigned", "Resigned"),
            ("dismissed", "Dismissed by the company"),
            ("fraud", "Fraud"),
        ],
        readonly=True,
        help="Why a forfeiture decision was taken.",
    )

    _sql_constraints = [
        (
            "period_check",
            "CHECK(date_from <= date_to)",
            "A settlement period must start before it ends.",
        )
    ]

    def init(self):
        # one live settlement per plan x beneficiary x period x type
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS
                       sale_incentive_settlement_one_per_period
                    ON sale_incentive_settlement
                       (plan_id, partner_id, date_from, date_to, settlement_type)
                 WHERE workflow_state != 'cancel'"""
            )
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("line_ids.amount", "line_ids.component")
    def _compute_amounts(self):
        for settlement in self:
            currency = settlement.currency_id
            total = currency.round(sum(settlement.line_ids.mapped("amount")))
            held = -sum(
                settlement.line_ids.filtered(lambda c: c.component in HELD).mapped(
                    "amount"
                )
            )
            settlement.amount_total = total
            settlement.amount_held = currency.round(held)
            settlement.amount_payable = max(total, 0.0)
            settlement.amount_carried = min(total, 0.0)

    @api.depends("move_id.line_ids.reconciled", "move_id.line_ids.amount_residual")
    def _compute_is_paid(self):
        for settlement in self:
            payable = settlement._get_payable_lines()
            settlement.is_paid = bool(payable) and all(payable.mapped("reconciled"))

    @api.depends("workflow_state", "is_paid")
    def _compute_state(self):
        for settlement in self:
            if settlement.workflow_state == "posted" and settlement.is_paid:
                settlement.state = "paid"
            else:
                settlement.state = settlement.workflow_state

    @api.depends_context("uid")
    @api.depends("state", "user_id", "partner_id")
    def _compute_can_approve(self):
        for settlement in self:
            settlement.can_approve = settlement._approval_error() is None

    def _search_can_approve(self, operator, value):
        """Settlements waiting for the current user's approval step."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        waiting = self.search(
            [("state", "in", ("submitted", "approved", "validated"))]
        ).filtered("can_approve")
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", waiting.ids)]

    def _compute_incentive_line_count(self):
        counts = defaultdict(int)
        for component, count in self.env["sale.incentive.line"]._read_group(
            [("settlement_id", "in", self.ids)], ["settlement_line_id"], ["__count"]
        ):
            counts[component.settlement_id.id] += count
        for settlement in self:
            settlement.incentive_line_count = counts[settlement.id]

    @api.depends("name", "partner_id", "date_from", "date_to")
    def _compute_display_name(self):
        for settlement in self:
            name = settlement._get_number_label()
            settlement.display_name = (
                f"{name} - {settlement.partner_id.name or ''} "
                f"({settlement.date_from} - {settlement.date_to})"
            )

    def _get_number_label(self):
        """The number, or "Draft" before submission (named "/" until then)."""
        self.ensure_one()
        return self.name if self.name != "/" else self.env._("Draft")

    def _get_payable_lines(self):
        self.ensure_one()
        return self.move_id.line_ids.filtered(
            lambda line: line.account_type == "liability_payable"
        )

    # ------------------------------------------------------------------
    # Guards: the workflow writes, users do not
    # ------------------------------------------------------------------
    def write(self, vals):
        protected = set(vals) - WRITABLE_WHEN_CLOSED
        if any(
            not key.startswith(("message_", "activity_")) for key in protected
        ) and any(s.state in CLOSED + ("cancel",) for s in self):
            raise UserError(
                self.env._(
                    "A posted or cancelled settlement cannot be changed: cancel "
                    "it (the entry is reversed) and settle again."
                )
            )
        free = {
            key
            for key in vals
            if key not in USER_WRITABLE
            and not key.startswith(("message_", "activity_"))
        }
        if free and not self.env.su:
            raise AccessError(
                self.env._(
                    "Settlements change through their actions (submit, approve, "
                    "post, cancel), not by editing them."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft(self):
        if any(s.state != "draft" for s in self):
            raise UserError(
                self.env._("Only draft settlements can be deleted; cancel the others.")
            )

    def unlink(self):
        self._unlink_except_draft()
        self._free_sources()
        return super().unlink()

    def _free_sources(self):
        """Release the commission lines, holdbacks and adjustments taken by
        ``self``."""
        if not self:
            return
        lines = self.env["sale.incentive.line"]
        lines.flush_model(["settlement_line_id"])
        # one UPDATE of the link column (its index finds the lines)
        self.env.cr.execute(
            SQL(
                "UPDATE sale_incentive_line SET settlement_line_id = NULL "
                "WHERE settlement_line_id = ANY(%s)",
                self.line_ids.ids,
            )
        )
        lines.invalidate_model(["settlement_line_id", "settlement_id"])
        self.line_ids.released_ids.sudo().write({"released_by_id": False})
        self.line_ids.adjustment_ids.sudo().write({"settlement_line_id": False})

    # ------------------------------------------------------------------
    # Settlement run: facts -> engine -> values -> create -> link
    # ------------------------------------------------------------------
    @api.model
    def _run_settlement(self, plans, date, partners=None):
        """Create the draft settlements of ``plans`` for the period of ``date``.

        One per beneficiary, plan and period; drafts of the same period are
        replaced.  Returns the new settlements.
        """
        self._check_can_settle()
        settlements = self.browse()
        for plan in plans:
            date_from, date_to = periods.period_bounds(date, plan.period)
            self._replace_drafts(plan, date_from, date_to, partners)
            settlements |= self._settle(plan, date_from, date_to, partners)
        return settlements

    def _check_can_settle(self):
        if not (self.env.su or self.env.user.has_group(GROUP_ACCOUNTANT)):
            raise AccessError(
                self.env._(
                    "Only commission accountants settle periods "
                    "(Sales Incentives / Accountant)."
                )
            )

    @api.model
    def _get_settlement_domain(self, plan, date_from, date_to, partners=None):
        """Live settlements of ``plan`` for the period (hook)."""
        domain = [
            ("plan_id", "=", plan.id),
            ("date_from", "=", date_from),
            ("date_to", "=", date_to),
            ("workflow_state", "!=", "cancel"),
            ("settlement_type", "=", "regular"),
        ]
        if partners:
            domain.append(("partner_id", "in", partners.ids))
        return domain

    @api.model
    def _replace_drafts(self, plan, date_from, date_to, partners=None):
        existing = self.sudo().search(
            self._get_settlement_domain(plan, date_from, date_to, partners)
        )
        closed = existing.filtered(lambda s: s.state != "draft")
        if closed:
            raise UserError(
                self.env._(
                    "Plan '%(plan)s' is already settled for %(date_from)s - "
                    "%(date_to)s for: %(names)s. Late lines go to the next "
                    "period; cancel a settlement to settle its period again.",
                    plan=plan.display_name,
                    date_from=date_from,
                    date_to=date_to,
                    names=", ".join(closed.partner_id.mapped("display_name")),
                )
            )
        existing.unlink()

    @api.model
    def _settle(self, plan, date_from, date_to, partners=None, forfeit=None):
        """Settle ``plan`` for one period (or a forfeiture decision).

        ``forfeit``: ``(reason, percent paid)`` for a forfeiture, which takes
        everything unsettled up to ``date_to`` and every unreleased holdback.
        """
        facts_model = self.env["sale.incentive.settlement.facts"]
        facts_model._claim_plan(plan)
        query = facts_model._lock_unsettled(plan, date_to, partners)
        gathered = facts_model._gather(plan, date_from, date_to, partners, forfeit)
        if not gathered:
            return self.browse()
        policy = plan._get_settlement_policy(date_to, forfeit)
        results = [components.settle(facts, policy) for facts, _u in gathered.values()]
        extra = (
            {"settlement_type": "forfeit", "forfeit_reason": forfeit[0]}
            if forfeit
            else {}
        )
        settlements = self._create_settlements(
            [
                self._prepare_settlement_vals(
                    plan, (date_from, date_to), (partner, user), result
                )
                | extra
                for (partner, (_facts, user)), result in zip(
                    gathered.items(), results, strict=True
                )
            ]
        )
        facts_model._link_sources(plan, query, settlements, results, gathered)
        return settlements.with_env(self.env)

    @api.model
    def _create_settlements(self, vals_list):
        try:
            with self.env.cr.savepoint(flush=False):
                return self.sudo().create(vals_list)
        except pg_errors.UniqueViolation as exc:
            raise UserError(
                self.env._(
                    "This period is being settled by someone else at the same "
                    "time; open the settlements to see the result."
                )
            ) from exc

    @api.model
    def _prepare_settlement_vals(self, plan, period, beneficiary, result):
        """Values of one settlement and its components (hook).

        ``period``: (date_from, date_to); ``beneficiary``: (partner, user).
        """
        (date_from, date_to), (partner, user) = period, beneficiary
        component_model = self.env["sale.incentive.settlement.line"]
        return {
            "company_id": plan.company_id.id,
            "plan_id": plan.id,
            "partner_id": partner.id,
            "user_id": user.id,
            "is_agent": not user and partner.is_incentive_agent,
            "date_from": date_from,
            "date_to": date_to,
            "is_suspended": result.suspended,
            "line_ids": [
                Command.create(component_model._prepare_component_vals(item, index))
                for index, item in enumerate(result.components, start=1)
            ],
        }

    # ------------------------------------------------------------------
    # Approval workflow: action_x -> _check_can_x -> _do_x
    # ------------------------------------------------------------------
    def _check_can_forfeit(self):
        if not (self.env.su or self.env.user.has_group(GROUP_ADMIN)):
            raise AccessError(
                self.env._("Only incentive administrators record forfeiture decisions.")
            )

    def _check_state(self, states):
        for settlement in self:
            if settlement.state not in states:
                raise UserError(
                    self.env._(
                        "Settlement %(name)s is %(state)s: this step is not possible.",
                        name=settlement.display_name,
                        state=dict(STATES)[settlement.state],
                    )
                )

    def _check_group(self, xmlid):
        if not self.env.su and not self.env.user.has_group(xmlid):
            raise AccessError(
                self.env._("You are not allowed to perform this approval step.")
            )
        # and only on the settlements the user may change (own team, company)
        self.check_access("write")

    def _is_own(self):
        self.ensure_one()
        user = self.env.user
        return self.user_id == user or self.partner_id == user.partner_id

    def _check_not_own(self):
        if any(settlement._is_own() for settlement in self):
            raise UserError(self.env._("You cannot approve your own settlement."))

    def _approval_error(self):
        """Why the current user cannot take the next approval step, or None."""
        self.ensure_one()
        step = {
            "submitted": GROUP_MANAGER,
            "approved": GROUP_ACCOUNTANT,
            "validated": GROUP_ADMIN,
        }.get(self.state)
        if not step or (self.state == "approved" and self.approval_steps == "1"):
            return "state"
        if not self.env.user.has_group(step):
            return "group"
        if self._is_own():
            return "own"
        return None

    def _final_approval_state(self):
        self.ensure_one()
        return FINAL_APPROVAL[self.company_id.incentive_approval_steps or "1"]

    def _schedule_approval_activity(self, xmlid, user):
        for settlement in self:
            if user and user != self.env.user:
                settlement.activity_schedule(xmlid, user_id=user.id)

    def action_submit(self):
        self._check_can_submit()
        self._do_submit()
        return True

    def _check_can_submit(self):
        self._check_state(("draft",))
        if self.env.su or self.env.user.has_group(GROUP_MANAGER):
            self.check_access("write")
            return
        if self.env.user.has_group(GROUP_ACCOUNTANT):
            self.check_access("write")
            return
        self.check_access("read")
        if any(not settlement._is_own() for settlement in self):
            raise AccessError(self.env._("You can only submit your own settlements."))

    def _do_submit(self):
        self._number_unnumbered()
        for settlement in self:
            settlement.sudo().write(
                {
                    "workflow_state": "submitted",
                    "submitted_by_id": self.env.user.id,
                    "submitted_date": fields.Datetime.now(),
                }
            )
            settlement._schedule_approval_activity(
                APPROVAL_ACTIVITIES[0], settlement._get_sales_approver()
            )
        self._auto_close()

    def action_approve(self):
        """Sales manager approval."""
        self._check_can_approve()
        self._do_approve()
        return True

    def _check_can_approve(self):
        self._check_group(GROUP_MANAGER)
        self._check_state(("submitted",))
        self._check_not_own()

    def _do_approve(self):
        self.sudo().write(
            {
                "workflow_state": "approved",
                "approved_by_id": self.env.user.id,
                "approved_date": fields.Datetime.now(),
            }
        )
        self.activity_feedback([APPROVAL_ACTIVITIES[0]])
        for settlement in self.filtered(lambda s: s.approval_steps != "1"):
            settlement._schedule_approval_activity(
                APPROVAL_ACTIVITIES[1], settlement.company_id.incentive_finance_user_id
            )
        self._notify_beneficiary("approved")

    def action_validate(self):
        """Finance confirmation."""
        self._check_can_validate()
        self._do_validate()
        return True

    def _check_can_validate(self):
        self._check_group(GROUP_ACCOUNTANT)
        self._check_state(("approved",))
        if any(s.approval_steps == "1" for s in self):
            raise UserError(self.env._("This company posts approved settlements."))
        self._check_not_own()

    def _do_validate(self):
        self.sudo().write(
            {
                "workflow_state": "validated",
                "validated_by_id": self.env.user.id,
                "validated_date": fields.Datetime.now(),
            }
        )
        self.activity_feedback([APPROVAL_ACTIVITIES[1]])
        for settlement in self.filtered(lambda s: s.approval_steps == "3"):
            settlement._schedule_approval_activity(
                APPROVAL_ACTIVITIES[2],
                settlement.company_id.incentive_executive_user_id,
            )

    def action_executive_approve(self):
        self._check_can_executive_approve()
        self.sudo().write(
            {
                "workflow_state": "executive",
                "executive_by_id": self.env.user.id,
                "executive_date": fields.Datetime.now(),
            }
        )
        self.activity_feedback([APPROVAL_ACTIVITIES[2]])
        return True

    def _check_can_executive_approve(self):
        self._check_group(GROUP_ADMIN)
        self._check_state(("validated",))
        if any(s.approval_steps != "3" for s in self):
            raise UserError(
                self.env._("This company does not use an executive approval.")
            )
        self._check_not_own()

    def action_reset_draft(self):
        """Back to draft, once confirmed with a reason (a dialog)."""
        self._check_can_reset_draft()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reset to Draft"),
            "res_model": "sale.incentive.settlement.reset",
            "view_mode": "form",
            "target": "new",
            "context": {"default_settlement_ids": self.ids},
        }

    def _check_can_reset_draft(self):
        self._check_state(("submitted", "approved", "validated", "executive"))
        if not (
            self.env.su
            or self.env.user.has_group(GROUP_MANAGER)
            or self.env.user.has_group(GROUP_ACCOUNTANT)
        ):
            raise AccessError(
                self.env._("Only managers and accountants reset a settlement.")
            )
        self.check_access("write")

    def _do_reset_draft(self, reason):
        """Back to draft, the reason in the chatter."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Give the reason why the settlement goes back to draft.")
            )
        # the beneficiary signed the approved figures: back to draft, they
        # may change, so the signature no longer holds
        self.sudo().write(
            {
                "workflow_state": "draft",
                "acknowledged_by_id": False,
                "acknowledged_date": False,
            }
        )
        self.activity_unlink(APPROVAL_ACTIVITIES)
        user = self.env.user
        for settlement in self:
            settlement.sudo().message_post(
                body=self.env._(
                    "Reset to draft by %(user)s: %(reason)s",
                    user=user.display_name,
                    reason=reason,
                ),
                author_id=user.partner_id.id,
            )

    # ------------------------------------------------------------------
    # Accounting
    # ------------------------------------------------------------------
    def _get_posting_amounts(self):
        self.ensure_one()
        components_ = self.line_ids
        releases = components_.filtered("held_amount")
        expense = sum(
            (components_ - releases)
            .filtered(lambda c: c.component not in HELD)
            .mapped("amount")
        )
        return settlement_engine.posting_amounts(
            expense,
            self.amount_held,
            sum(releases.mapped("held_amount")),
            sum(releases.mapped("amount")),
            digits=self.currency_id.decimal_places,
        )

    def _uses_vendor_bill(self):
        self.ensure_one()
        return (
            self.is_agent
            and self.company_id.incentive_agent_vendor_bill
            and self.amount_payable > 0
        )

    def _needs_move(self):
        """A negative total is carried, not posted; else post what moves."""
        self.ensure_one()
        if self.amount_total < 0:
            return False
        return any(
            not self.currency_id.is_zero(amount)
            for amount in self._get_posting_amounts().values()
        )

    def _get_move_lines(self):
        """(account, balance, label) of the settlement's entry (hook)."""
        self.ensure_one()
        company = self.company_id
        amounts = self._get_posting_amounts()
        label = self.env._(
            "Commissions %(name)s %(date_from)s - %(date_to)s",
            name=self.name,
            date_from=self.date_from,
            date_to=self.date_to,
        )
        held = company.incentive_holdback_account_id
        if self._uses_vendor_bill():
            net = amounts["holdback_debit"] - amounts["holdback_credit"]
            return [
                (company.incentive_expense_account_id, amounts["expense"], label),
                (held, net, self.env._("Holdback (net)")),
            ]
        return [
            (company.incentive_expense_account_id, amounts["expense"], label),
            (held, amounts["holdback_debit"], self.env._("Holdback released")),
            (held, -amounts["holdback_credit"], self.env._("Holdback")),
            (company.incentive_payable_account_id, -amounts["payable"], label),
        ]

    def _prepare_move_vals(self):
        """Journal entry (or vendor bill for agents) of the settlement (hook)."""
        self.ensure_one()
        lines = [
            (account, amount, name)
            for account, amount, name in self._get_move_lines()
            if not self.currency_id.is_zero(amount)
        ]
        vals = {
            "date": self.date_to,
            "ref": self.name,
            "company_id": self.company_id.id,
            "incentive_settlement_id": self.id,
        }
        if self._uses_vendor_bill():
            vals.update(
                move_type="in_invoice",
                partner_id=self.partner_id.id,
                invoice_date=self.date_to,
                invoice_line_ids=[
                    Command.create(
                        {
                            "name": name,
                            "account_id": account.id,
                            "quantity": 1.0,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for account, amount, name in lines
                ],
            )
            return vals
        vals.update(
            move_type="entry",
            journal_id=self.company_id.incentive_journal_id.id,
            line_ids=[
                Command.create(
                    {
                        "name": name,
                        "account_id": account.id,
                        "partner_id": self.partner_id.id,
                        "balance": balance,
                    }
                )
                for account, balance, name in lines
            ],
        )
        return vals

    def action_post(self):
        """Write the journal entry (or vendor bill) and close the settlement."""
        self._check_can_post()
        self._do_post()
        return True

    def _check_can_post(self):
        self._check_group(GROUP_ACCOUNTANT)
        for settlement in self:
            settlement._check_state((settlement._final_approval_state(),))
        self.company_id._check_incentive_accounting()

    def _do_post(self):
        to_move = self.filtered(lambda s: s._needs_move())
        moves = (
            self.env["account.move"]
            .sudo()
            .create([settlement._prepare_move_vals() for settlement in to_move])
        )
        moves.action_post()
        for settlement, move in zip(to_move, moves, strict=True):
            settlement.sudo().move_id = move
        self.sudo().write(
            {
                "workflow_state": "posted",
                "posted_by_id": self.env.user.id,
                "posted_date": fields.Datetime.now(),
            }
        )
        self._notify_beneficiary("posted")

    def action_register_payment(self):
        """Odoo's register-payment wizard on the settlement's payable."""
        self._check_can_register_payment()
        lines = self.move_id.line_ids.filtered(
            lambda line: (
                line.account_type == "liability_payable" and not line.reconciled
            )
        )
        if not lines:
            raise UserError(self.env._("There is nothing left to pay."))
        return lines.action_register_payment()

    def _check_can_register_payment(self):
        """Paid: an accountant, a posted settlement, its posted entry (a
        payment matched to a draft entry would never be reconciled)."""
        self._check_group(GROUP_ACCOUNTANT)
        self._check_state(CLOSED)
        for settlement in self:
            if settlement.move_id and settlement.move_id.state != "posted":
                raise UserError(
                    self.env._(
                        "The journal entry %(move)s of %(name)s is not posted: "
                        "a payment goes to a posted entry only.",
                        move=settlement.move_id.display_name,
                        name=settlement.display_name,
                    )
                )

    def action_cancel(self):
        """Cancel: a posted entry is reversed and the sources are freed."""
        self._check_can_cancel()
        self._do_cancel()
        return True

    def _check_can_cancel(self):
        if any(s.state in ("paid", "cancel") for s in self):
            raise UserError(
                self.env._(
                    "Paid or cancelled settlements cannot be cancelled; "
                    "unreconcile the payment first."
                )
            )
        if self.filtered(lambda s: s.state == "posted"):
            self._check_group(GROUP_ACCOUNTANT)
        elif not (self.env.su or self.env.user.has_group(GROUP_ACCOUNTANT)):
            self._check_group(GROUP_MANAGER)
        self.check_access("write")
        posted = self.filtered(lambda s: s.state == "posted")
        used = posted.line_ids.filtered(
            lambda c: (
                c.component in HELD
                and c.released_by_id
                and c.released_by_id.settlement_id.state != "cancel"
            )
        )
        if used:
            raise UserError(
                self.env._(
                    "Holdbacks of these settlements were already released by "
                    "%(names)s; cancel those first.",
                    names=", ".join(used.released_by_id.settlement_id.mapped("name")),
                )
            )
        carried = self.env["sale.incentive.settlement.line"].search(
            [
                ("carry_from_id", "in", posted.ids),
                ("settlement_id.state", "!=", "cancel"),
            ]
        )
        if carried:
            raise UserError(
                self.env._(
                    "These settlements' balances were carried into %(names)s; "
                    "cancel those first.",
                    names=", ".join(carried.settlement_id.mapped("display_name")),
                )
            )

    def _do_cancel(self):
        for settlement in self.filtered(lambda s: s.state == "posted" and s.move_id):
            reversal = settlement.move_id.sudo()._reverse_moves(
                [
                    {
                        "date": fields.Date.context_today(self),
                        "ref": self.env._("Reversal of %(name)s", name=settlement.name),
                    }
                ],
                cancel=True,
            )
            settlement.sudo().reversal_move_id = reversal
        self._free_sources()
        self.sudo().write({"workflow_state": "cancel"})
        self.activity_unlink(APPROVAL_ACTIVITIES)

    # ------------------------------------------------------------------
    # Creation, notifications, closing what pays nothing (issue #10)
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        settlements = super().create(vals_list)
        settlements.sudo()._subscribe_beneficiaries()
        return settlements

    def _number_unnumbered(self):
        """Give the settlements of ``self`` still named "/" (drafts) the next
        numbers of the ``sale.incentive.settlement`` sequence of their company
        (``next_by_code``), in the order of their ids.  Drawn at submission
        only: a draft replaced by the next run and a simulation draw none,
        and the sequence (no gap) is rolled back with a failed submission."""
        sequences = self.env["ir.sequence"].sudo()
        for settlement in self.filtered(lambda s: s.name == "/").sorted("id"):
            settlement.sudo().name = (
                sequences.with_company(settlement.company_id).next_by_code(
                    "sale.incentive.settlement"
                )
                or "/"
            )

    def _subscribe_beneficiaries(self):
        """The beneficiary follows their settlement and hears when it moves
        on (the approved, posted and paid subtypes): ``message_subscribe``
        once per beneficiary for all their new settlements."""
        subtypes = [self.env.ref(xmlid).id for xmlid in NOTIFIED.values()]
        # as message_subscribe: archived partners follow nothing
        for partner, settlements in (
            self.filtered("partner_id.active").grouped("partner_id").items()
        ):
            settlements.message_subscribe(partner_ids=partner.ids, subtype_ids=subtypes)

    def _notify_beneficiary(self, state):
        """Tell the followers of the subtype (the beneficiary) of ``state``."""
        for settlement in self:
            amount = self.env["sale.incentive.line"]._format_amount(
                settlement.amount_payable, settlement.currency_id
            )
            if state == "paid":
                body = self.env._(
                    "Your settlement %(name)s is paid: %(amount)s.",
                    name=settlement.name,
                    amount=amount,
                )
            else:
                body = self.env._(
                    "Your settlement %(name)s is %(state)s: %(amount)s to pay.",
                    name=settlement.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        state
                    ],
                    amount=amount,
                )
            settlement.sudo().message_post(body=body, subtype_xmlid=NOTIFIED[state])

    def _auto_close_reason(self):
        """Why this settlement needs no approval, or None (hook)."""
        self.ensure_one()
        if not self.company_id.incentive_auto_close_exceptions:
            return None
        if self.is_suspended:
            return self.env._(
                "suspended: overdue receivables, nothing is paid and the lines "
                "stay open until collected"
            )
        if self.currency_id.compare_amounts(self.amount_total, 0.0) < 0:
            return self.env._(
                "negative total %(amount)s, carried to the next settlement",
                amount=self.env["sale.incentive.line"]._format_amount(
                    self.amount_total, self.currency_id
                ),
            )
        if self.currency_id.is_zero(self.amount_total):
            return self.env._("nothing to pay")
        return None

    def _auto_close(self):
        """Validate and close the settlements that pay nothing."""
        for settlement in self:
            reason = settlement._auto_close_reason()
            if not reason:
                continue
            final = settlement._final_approval_state()
            settlement.sudo().write(
                {
                    "workflow_state": final,
                    "approved_by_id": self.env.user.id,
                    "validated_by_id": final != "approved" and self.env.user.id,
                }
            )
            settlement.activity_unlink(
                [
                    "sale_incentive.mail_activity_settlement_approve",
                    "sale_incentive.mail_activity_settlement_validate",
                    "sale_incentive.mail_activity_settlement_executive",
                ]
            )
            closed = not settlement._needs_move()
            if closed:
                settlement._do_post()
            settlement.message_post(
                body=self.env._(
                    "Validated automatically without the approval chain: %(reason)s.",
                    reason=reason,
                )
                + (
                    " " + self.env._("Closed without a journal entry.")
                    if closed
                    else ""
                )
            )

    # ------------------------------------------------------------------
    # Portal (/my/commissions): an external agent reads their settlements
    # and downloads their statements through access tokens
    # ------------------------------------------------------------------
    def _compute_access_url(self):
        for settlement in self:
            settlement.access_url = f"/my/commissions/{settlement.id}"

    def _get_portal_domain(self, partner):
        """The settlements ``partner`` (a portal user's partner) may see."""
        return [
            ("partner_id", "child_of", partner.commercial_partner_id.id),
            ("state", "in", PORTAL_STATES),
        ]

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._(
            "Commission Statement - %(name)s", name=self._get_number_label()
        )

    # ------------------------------------------------------------------
    # Navigation
    # ------------------------------------------------------------------
    def action_view_incentive_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Settled Commission Lines"),
            "res_model": "sale.incentive.line",
            "view_mode": "list,form",
            "domain": [("settlement_id", "=", self.id)],
        }

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    def _amount_in_words(self, amount=None):
        """The amount (default: the payable) in words in the reader's
        language, whatever the currency: for a Chinese reader, the currency's
        Chinese name and the amount in financial uppercase through cn2an (as
        ``l10n_cn``: 美元壹万贰仟元整), the figures when cn2an is not installed
        or the currency has more than two decimals (元, 角, 分 only); the
        reader's words (``res.currency.amount_to_text``) otherwise."""
        self.ensure_one()
        amount = self.amount_payable if amount is None else amount
        currency = self.currency_id
        amount = currency.round(amount)
        lang = self.env.lang or ""
        if lang.startswith("zh"):
            if an2cn is None or currency.decimal_places > 2:
                return formatLang(self.env, amount, currency_obj=currency)
            name = CHINESE_CURRENCY_NAMES.get(currency.name, currency.name)
            return name + an2cn(f"{amount:.{currency.decimal_places}f}", "rmb")
        words = currency.amount_to_text(abs(amount))
        if amount < 0:
            return self.env._("Minus %(amount)s", amount=words)
        return words

    # ------------------------------------------------------------------
    # The beneficiary's statement: acknowledge or dispute (issue #10)
    # ------------------------------------------------------------------
    acknowledged_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    acknowledged_date = fields.Datetime(readonly=True, copy=False)
    is_beneficiary = fields.Boolean(compute="_compute_is_beneficiary")
    dispute_count = fields.Integer(
        "Open Disputes", compute="_compute_dispute_count", store=True
    )

    @api.depends_context("uid")
    @api.depends("user_id", "partner_id")
    def _compute_is_beneficiary(self):
        for settlement in self:
            settlement.is_beneficiary = settlement._is_own()

    @api.depends("line_ids.dispute_state")
    def _compute_dispute_count(self):
        for settlement in self:
            settlement.dispute_count = len(
                settlement.line_ids.filtered(lambda c: c.dispute_state == "disputed")
            )

    def _get_sales_approver(self):
        """The sales manager who approves the settlement: the leader of the
        beneficiary's team, else of the team of its lines."""
        self.ensure_one()
        return (
            self.user_id.sale_team_id.user_id
            or self.incentive_line_ids.team_id.user_id[:1]
        )

    def _check_beneficiary(self):
        """The current user is the beneficiary of every settlement of
        ``self``, and the statement is approved."""
        self.check_access("read")
        if any(not settlement._is_own() for settlement in self):
            raise AccessError(
                self.env._(
                    "Only the beneficiary of a settlement acknowledges or disputes "
                    "its statement."
                )
            )
        self._check_state(STATEMENT_STATES)

    def action_acknowledge(self):
        """The beneficiary confirms the statement (signs it)."""
        self._check_can_acknowledge()
        self._do_acknowledge()
        return True

    def _check_can_acknowledge(self):
        self._check_beneficiary()
        for settlement in self:
            if settlement.acknowledged_by_id:
                raise UserError(
                    self.env._(
                        "Statement %(name)s is already acknowledged.",
                        name=settlement.name,
                    )
                )
            if settlement.dispute_count:
                raise UserError(
                    self.env._(
                        "Statement %(name)s has disputed lines: acknowledge it once "
                        "the manager has answered them.",
                        name=settlement.name,
                    )
                )

    def _do_acknowledge(self):
        user = self.env.user
        for settlement in self:
            settlement.sudo().write(
                {
                    "acknowledged_by_id": user.id,
                    "acknowledged_date": fields.Datetime.now(),
                }
            )
            settlement.sudo().message_post(
                body=self.env._(
                    "Statement acknowledged by %(user)s.", user=user.display_name
                ),
                author_id=user.partner_id.id,
            )
