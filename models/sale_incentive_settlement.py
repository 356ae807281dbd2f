# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).

from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, formatLang

from ..engine import settlement as settlement_engine
from .sale_incentive_statement_mixin import STATEMENT_FIELDS

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
    # a deferred (cancelled) settlement learns which one paid its lines
    "deferred_into_id",
} | STATEMENT_FIELDS
APPROVAL_ACTIVITIES = [
    "sale_incentive.mail_activity_settlement_approve",
    "sale_incentive.mail_activity_settlement_validate",
    "sale_incentive.mail_activity_settlement_executive",
]
GROUP_MANAGER = "sale_incentive.group_sale_incentive_manager"
GROUP_ADMIN = "sale_incentive.group_sale_incentive_admin"
GROUP_ACCOUNTANT = "sale_incentive.group_sale_incentive_accountant"


class SaleIncentiveSettlement(models.Model):
    """What one beneficiary is owed for one period under one plan.

    One settlement per plan x beneficiary x period x type (a database index
    enforces it), made by the settlement run
    (``sale.incentive.settlement.builder``: facts -> engine -> values ->
    create -> link).  The settlement keeps the record, the workflow and the
    posting.  The workflow follows ``hr_expense``: ``action_x`` checks
    (``_check_can_x``) then does (``_do_x``, written with ``sudo()``).
    """

    _name = "sale.incentive.settlement"
    _description = "Sales Incentive Settlement"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "sale.incentive.statement.mixin",
    ]
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
    benefit_ids = fields.One2many(
        "sale.incentive.benefit",
        "settlement_id",
        "Benefits",
        readonly=True,
        help="Benefits that are not money granted when this settlement was posted.",
    )
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

    # Deferred to next month (issue 21.5, 累计下月结算)
    deferred_by = fields.Selection(
        [("partner", "The partner"), ("staff", "The staff")],
        "Delayed By",
        readonly=True,
        copy=False,
        help="Who delayed this settlement: it was cancelled and its lines "
        "roll into the next month's settlement.",
    )
    deferral_reason = fields.Text(readonly=True, copy=False)
    deferred_date = fields.Datetime("Deferred On", readonly=True, copy=False)
    deferred_into_id = fields.Many2one(
        "sale.incentive.settlement",
        "Paid With",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The later settlement that took this deferred settlement's lines.",
    )
    deferred_from_ids = fields.One2many(
        "sale.incentive.settlement",
        "deferred_into_id",
        "Deferred Settlements Included",
        readonly=True,
    )
    deferral_note = fields.Text("Includes Deferred", compute="_compute_deferral_note")
    # draws (issue 22.2): the balance to recover once this settlement is
    # posted, written by the settlement run (carried in + this period)
    has_draw = fields.Boolean("Under a Draw", readonly=True)
    draw_balance = fields.Monetary(
        readonly=True,
        help="The draw advanced and not recovered yet, after this settlement.",
    )

    is_beneficiary = fields.Boolean(compute="_compute_is_beneficiary")
    # issue 22.3: the beneficiary accepted the plan version of the settlement
    block_unacknowledged = fields.Boolean(
        related="company_id.incentive_block_unacknowledged"
    )
    plan_acknowledged = fields.Boolean(
        "Plan Accepted",
        compute="_compute_plan_acknowledged",
        help="The beneficiary accepted the plan version this settlement pays "
        "under. Without it, the company may refuse to post it (Settings).",
    )
    dispute_count = fields.Integer(
        "Open Disputes", compute="_compute_dispute_count", store=True
    )
    capitalization_ids = fields.One2many(
        "sale.incentive.capitalization",
        "settlement_id",
        "Capitalized Commissions",
        readonly=True,
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
            held = settlement.line_ids.filtered(lambda c: c.component in HELD)
            settlement.amount_total = total
            settlement.amount_held = currency.round(-sum(held.mapped("amount")))
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

    def _compute_plan_acknowledged(self):
        accepted = self.env["sale.incentive.plan.acknowledgement"]._get_accepted_keys(
            self.plan_id, self.partner_id
        )
        for settlement in self:
            settlement.plan_acknowledged = (
                settlement.plan_id.id,
                settlement.partner_id.id,
            ) in accepted

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

    @api.depends(
        "deferred_from_ids.deferral_reason",
        "deferred_from_ids.deferred_by",
        "deferred_from_ids.date_from",
    )
    def _compute_deferral_note(self):
        for settlement in self:
            settlement.deferral_note = "\n".join(
                deferred._get_deferral_label()
                for deferred in settlement.deferred_from_ids.sorted("date_from")
            )

    def _get_deferral_label(self):
        """ "Includes the deferred settlement of <month>: <reason>"."""
        self.ensure_one()
        who = dict(self._fields["deferred_by"]._description_selection(self.env))
        return self.env._(
            "Includes the deferred settlement of %(month)s (delayed by "
            "%(who)s): %(reason)s",
            month=self.date_from.strftime("%Y-%m"),
            who=(who.get(self.deferred_by) or "").lower(),
            reason=self.deferral_reason or "",
        )

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
        """The payable lines of the settlements' entries or bills."""
        return self.move_id.line_ids.filtered(
            lambda line: line.account_type == "liability_payable"
        )

    # ------------------------------------------------------------------
    # Guards: the workflow writes, users do not
    # ------------------------------------------------------------------
    def write(self, vals):
        keys = {key for key in vals if not key.startswith(("message_", "activity_"))}
        if keys - WRITABLE_WHEN_CLOSED and any(
            s.state in CLOSED + ("cancel",) for s in self
        ):
            raise UserError(
                self.env._(
                    "A posted or cancelled settlement cannot be changed: cancel "
                    "it (the entry is reversed) and settle again."
                )
            )
        if keys - USER_WRITABLE and not self.env.su:
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
        self.env["sale.incentive.settlement.builder"]._free_sources(self)
        return super().unlink()

    # ------------------------------------------------------------------
    # Approval workflow: action_x -> _check_can_x -> _do_x
    # ------------------------------------------------------------------
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

    def _has_group(self, *xmlids):
        """Superuser, or the current user is in one of the groups ``xmlids``."""
        return self.env.su or any(self.env.user.has_group(x) for x in xmlids)

    def _check_group(self, xmlid):
        if not self._has_group(xmlid):
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

    def _get_sales_approver(self):
        """The sales manager who approves the settlement: the leader of the
        beneficiary's team, else of the team of its lines."""
        self.ensure_one()
        return (
            self.user_id.sale_team_id.user_id
            or self.incentive_line_ids.team_id.user_id[:1]
        )

    def _write_step(self, state):
        """Move to the workflow ``state``, recording who and when (the
        approval trail: ``<state>_by_id``, ``<state>_date``)."""
        self.sudo().write(
            {
                "workflow_state": state,
                f"{state}_by_id": self.env.user.id,
                f"{state}_date": fields.Datetime.now(),
            }
        )

    def _schedule_approval_activity(self, xmlid, user):
        if user and user != self.env.user:
            self.activity_schedule(xmlid, user_id=user.id)

    def action_submit(self):
        self._check_can_submit()
        self._do_submit()
        return True

    def _check_can_submit(self):
        self._check_state(("draft",))
        if self._has_group(GROUP_MANAGER, GROUP_ACCOUNTANT):
            self.check_access("write")
            return
        self.check_access("read")
        if any(not settlement._is_own() for settlement in self):
            raise AccessError(self.env._("You can only submit your own settlements."))

    def _do_submit(self):
        self._number_unnumbered()
        self._write_step("submitted")
        for settlement in self:
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
        self._write_step("approved")
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
        self._write_step("validated")
        self.activity_feedback([APPROVAL_ACTIVITIES[1]])
        for settlement in self.filtered(lambda s: s.approval_steps == "3"):
            settlement._schedule_approval_activity(
                APPROVAL_ACTIVITIES[2],
                settlement.company_id.incentive_executive_user_id,
            )

    def action_executive_approve(self):
        self._check_can_executive_approve()
        self._write_step("executive")
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
        if not self._has_group(GROUP_MANAGER, GROUP_ACCOUNTANT):
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
        unsigned = {"acknowledged_by_id": False, "acknowledged_date": False}
        self.sudo().write({"workflow_state": "draft", **unsigned})
        self.activity_unlink(APPROVAL_ACTIVITIES)
        user = self.env.user
        body = self.env._(
            "Reset to draft by %(user)s: %(reason)s",
            user=user.display_name,
            reason=reason,
        )
        for settlement in self.sudo():
            settlement.message_post(body=body, author_id=user.partner_id.id)

    # ------------------------------------------------------------------
    # Deferred to next month (issue 21.5): cancelled, its lines stay
    # unsettled and next month's settlement takes them (the earned domain
    # takes every unsettled line up to its period end), saying why
    # ------------------------------------------------------------------
    def action_defer(self):
        """Defer to next month, with the reason and who delayed (a dialog)."""
        self._check_can_defer()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Defer to Next Month"),
            "res_model": "sale.incentive.settlement.defer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_settlement_ids": self.ids},
        }

    def _check_can_defer(self):
        self._check_state(("draft", "submitted", "approved", "validated", "executive"))
        if not self._has_group(GROUP_MANAGER, GROUP_ACCOUNTANT):
            raise AccessError(
                self.env._("Only managers and accountants defer a settlement.")
            )
        if any(s.settlement_type != "regular" for s in self):
            raise UserError(self.env._("A forfeiture decision is not deferred."))
        self.check_access("write")

    def _do_defer(self, reason, deferred_by):
        """Cancel ``self``, recording why; the lines go to next month's run."""
        reason = (reason or "").strip()
        if not reason or deferred_by not in ("partner", "staff"):
            raise UserError(
                self.env._(
                    "Say why the settlement is deferred and who delayed it: "
                    "the partner or the staff."
                )
            )
        self.sudo().write(
            {
                "deferred_by": deferred_by,
                "deferral_reason": reason,
                "deferred_date": fields.Datetime.now(),
            }
        )
        self._do_cancel()
        user = self.env.user
        for settlement in self.sudo():
            settlement.message_post(
                body=self.env._(
                    "Deferred to next month by %(user)s: %(reason)s",
                    user=user.display_name,
                    reason=settlement._get_deferral_label(),
                ),
                author_id=user.partner_id.id,
            )

    @api.model
    def _get_deferred_partners(self, plan, date_from, date_to):
        """The beneficiaries whose settlement of ``plan`` for the period was
        deferred: next month's run settles them, not a new run of this one."""
        deferred = self.sudo().search(
            [
                ("plan_id", "=", plan.id),
                ("date_from", "=", date_from),
                ("date_to", "=", date_to),
                ("settlement_type", "=", "regular"),
                ("workflow_state", "=", "cancel"),
                ("deferred_by", "!=", False),
            ]
        )
        return deferred.partner_id

    def _link_deferred(self):
        """Point the earlier deferred settlements of the beneficiaries of
        ``self`` (not paid with a live settlement yet) at the settlement
        that now takes their lines, and say so in its chatter."""
        regular = self.filtered(lambda s: s.settlement_type == "regular")
        if not regular:
            return
        families = {plan: plan._get_version_family() for plan in regular.plan_id}
        candidates = self.sudo().search(
            [
                ("plan_id", "in", self.plan_id.union(*families.values()).ids),
                ("partner_id", "in", regular.partner_id.ids),
                ("date_to", "<", max(regular.mapped("date_from"))),
                ("workflow_state", "=", "cancel"),
                ("deferred_by", "!=", False),
                "|",
                ("deferred_into_id", "=", False),
                ("deferred_into_id.workflow_state", "=", "cancel"),
            ]
        )
        for settlement in regular.sudo():
            deferred = candidates.filtered(
                lambda d, s=settlement: (
                    d.partner_id == s.partner_id
                    and d.date_to < s.date_from
                    and d.plan_id in families[s.plan_id]
                )
            )
            if not deferred:
                continue
            deferred.write({"deferred_into_id": settlement.id})
            settlement.message_post(
                body="\n".join(d._get_deferral_label() for d in deferred)
            )

    # ------------------------------------------------------------------
    # Accounting
    # ------------------------------------------------------------------
    def _get_posting_amounts(self):
        self.ensure_one()
        releases = self.line_ids.filtered("held_amount")
        earned = (self.line_ids - releases).filtered(lambda c: c.component not in HELD)
        expense = sum(earned.mapped("amount"))
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
        """(account, balance, label[, line values]) of the settlement's entry
        (hook)."""
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
        # capitalized commissions (issue 22.1): the asset, not the expense
        capitalized = self.capitalization_ids.filtered(lambda c: c.state == "draft")
        assets = capitalized._get_settlement_move_lines()
        expense = self.currency_id.round(
            amounts["expense"] - sum(capitalized.mapped("amount"))
        )
        if self._uses_vendor_bill():
            net = amounts["holdback_debit"] - amounts["holdback_credit"]
            return [
                (company.incentive_expense_account_id, expense, label),
                *assets,
                (held, net, self.env._("Holdback (net)")),
            ]
        return [
            (company.incentive_expense_account_id, expense, label),
            *assets,
            (held, amounts["holdback_debit"], self.env._("Holdback released")),
            (held, -amounts["holdback_credit"], self.env._("Holdback")),
            (company.incentive_payable_account_id, -amounts["payable"], label),
        ]

    def _prepare_move_vals(self):
        """Journal entry (or vendor bill for agents) of the settlement (hook)."""
        self.ensure_one()
        bill = self._uses_vendor_bill()
        # (account, balance, label[, values of the line's links])
        lines = [
            Command.create(
                self._prepare_move_line_vals(account, amount, name, bill) | dict(*links)
            )
            for account, amount, name, *links in self._get_move_lines()
            if not self.currency_id.is_zero(amount)
        ]
        vals = {
            "date": self.date_to,
            "ref": self.name,
            "company_id": self.company_id.id,
            "incentive_settlement_id": self.id,
        }
        if bill:
            return vals | {
                "move_type": "in_invoice",
                "partner_id": self.partner_id.id,
                "invoice_date": self.date_to,
                "invoice_line_ids": lines,
            }
        journal = self.company_id.incentive_journal_id
        return vals | {
            "move_type": "entry",
            "journal_id": journal.id,
            "line_ids": lines,
        }

    def _prepare_move_line_vals(self, account, amount, name, bill):
        """One line of the entry (a balance) or of the vendor bill (a price,
        untaxed) (hook)."""
        vals = {"name": name, "account_id": account.id}
        if bill:
            return vals | {
                "quantity": 1.0,
                "price_unit": amount,
                "tax_ids": [Command.clear()],
            }
        return vals | {"partner_id": self.partner_id.id, "balance": amount}

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
        self._check_plan_acknowledged()

    def _check_plan_acknowledged(self):
        """Posting books what is owed: a company blocking payment until the
        plan is acknowledged (Settings) refuses it while the beneficiary has
        not accepted the plan version of the settlement (issue 22.3)."""
        blocked = self.filtered(
            lambda s: (
                s.company_id.incentive_block_unacknowledged and not s.plan_acknowledged
            )
        )
        if blocked:
            raise UserError(
                self.env._(
                    "%(names)s: the beneficiary has not acknowledged the plan "
                    "version yet, and the company pays only acknowledged plans.",
                    names=", ".join(blocked.mapped("display_name")),
                )
            )

    def _do_post(self):
        to_move = self.filtered(lambda s: s._needs_move())
        capitalized = self.env["sale.incentive.capitalization"]._create_for_settlements(
            to_move
        )
        moves = (
            self.env["account.move"]
            .sudo()
            .create([settlement._prepare_move_vals() for settlement in to_move])
        )
        moves.action_post()
        for settlement, move in zip(to_move, moves, strict=True):
            settlement.sudo().move_id = move
        capitalized._start()
        self._write_step("posted")
        self._notify_beneficiary("posted")
        # the period's benefits that are not money (issue 21.3)
        self.env["sale.incentive.benefit"].sudo()._grant_for_settlements(self)

    def action_register_payment(self):
        """Odoo's register-payment wizard on the settlement's payable."""
        self._check_can_register_payment()
        lines = self._get_payable_lines().filtered(lambda line: not line.reconciled)
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
        posted = self.filtered(lambda s: s.state == "posted")
        if posted:
            self._check_group(GROUP_ACCOUNTANT)
        elif not self._has_group(GROUP_ACCOUNTANT):
            self._check_group(GROUP_MANAGER)
        self.check_access("write")
        posted._check_nothing_builds_on()

    def _check_nothing_builds_on(self):
        """No live settlement released a holdback of ``self`` or carried its
        negative total: those are cancelled first."""
        used = self.line_ids.released_by_id.settlement_id.filtered(
            lambda s: s.state != "cancel"
        )
        if used:
            raise UserError(
                self.env._(
                    "Holdbacks of these settlements were already released by "
                    "%(names)s; cancel those first.",
                    names=", ".join(used.mapped("name")),
                )
            )
        carried = self._get_carrying_components()
        if carried:
            raise UserError(
                self.env._(
                    "These settlements' balances were carried into %(names)s; "
                    "cancel those first.",
                    names=", ".join(carried.settlement_id.mapped("display_name")),
                )
            )

    def _get_carrying_components(self):
        """The live components that carried the negative totals of ``self``."""
        live = [("settlement_id.workflow_state", "!=", "cancel")]
        components_ = self.env["sale.incentive.settlement.line"].sudo()
        return components_.search([("carry_from_id", "in", self.ids)] + live)

    def _do_cancel(self):
        today = fields.Date.context_today(self)
        for settlement in self.filtered(lambda s: s.state == "posted" and s.move_id):
            ref = self.env._("Reversal of %(name)s", name=settlement.name)
            reversal = settlement.move_id.sudo()._reverse_moves(
                [{"date": today, "ref": ref}], cancel=True
            )
            settlement.sudo().reversal_move_id = reversal
        self.capitalization_ids._cancel_with_settlement(today)
        self.env["sale.incentive.settlement.builder"]._free_sources(self)
        self.sudo().write({"workflow_state": "cancel"})
        self.activity_unlink(APPROVAL_ACTIVITIES)

    # ------------------------------------------------------------------
    # Numbering, closing what pays nothing (issue #10)
    # ------------------------------------------------------------------
    def _number_unnumbered(self):
        """Number the drafts of ``self`` (named "/") by their company's
        ``sale.incentive.settlement`` sequence, in id order.  At submission
        only: replaced drafts and simulations draw no number, and a failed
        submission rolls the sequence back (no gap)."""
        sequences = self.env["ir.sequence"].sudo()
        for settlement in self.filtered(lambda s: s.name == "/").sorted("id"):
            sequence = sequences.with_company(settlement.company_id)
            number = sequence.next_by_code("sale.incentive.settlement")
            settlement.sudo().name = number or "/"

    def _auto_close_reason(self):
        """Why this settlement needs no approval, or None (hook)."""
        self.ensure_one()
        currency = self.currency_id
        if not self.company_id.incentive_auto_close_exceptions:
            return None
        if self.is_suspended:
            return self.env._(
                "suspended: overdue receivables, nothing is paid and the lines "
                "stay open until collected"
            )
        if currency.compare_amounts(self.amount_total, 0.0) < 0:
            return self.env._(
                "negative total %(amount)s, carried to the next settlement",
                amount=formatLang(self.env, self.amount_total, currency_obj=currency),
            )
        if currency.is_zero(self.amount_total):
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
            settlement.activity_unlink(APPROVAL_ACTIVITIES)
            body = self.env._(
                "Validated automatically without the approval chain: %(reason)s.",
                reason=reason,
            )
            if not settlement._needs_move():
                settlement._do_post()
                body += " " + self.env._("Closed without a journal entry.")
            settlement.message_post(body=body)

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
        return self.move_id._get_records_action()
