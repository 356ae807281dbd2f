# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..engine import components
from .sale_incentive_plan import check_states

GROUP_MANAGER = "sale_incentive.group_sale_incentive_manager"
# what a requester edits while the adjustment is a draft; the rest is written
# by the actions (with sudo, after their checks) and the settlement run
EDITABLE = {
    "plan_id",
    "user_id",
    "partner_id",
    "date",
    "amount",
    "reason",
    "source_document",
}


class SaleIncentiveAdjustment(models.Model):
    """A manual correction of one beneficiary's pay under one plan.

    Requested by a manager with a mandatory reason (and optionally the
    document it is about), approved by another manager, then paid as its own
    ``adjustment`` component by the first settlement of the plan whose
    period ends on or after its date.  Paid means linked to that component
    (freed again when the settlement is cancelled or deleted).
    """

    _name = "sale.incentive.adjustment"
    _description = "Sales Incentive Adjustment"
    _inherit = [
        "sale.incentive.beneficiary.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "date desc, id desc"
    _check_company_auto = True

    plan_id = fields.Many2one(domain="[('state', 'in', ('active', 'closed'))]")
    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="The first settlement of the plan whose period ends on or after "
        "this date pays it.",
    )
    amount = fields.Monetary(
        required=True, tracking=True, help="Negative to take back an amount."
    )
    reason = fields.Text(required=True, tracking=True)
    source_document = fields.Reference(
        [("account.move", "Invoice / Credit Note"), ("sale.order", "Sales Order")],
        tracking=True,
        help="The document this adjustment is about, if any.",
    )
    requested_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        default=lambda self: self.env.user,
        index=True,
    )
    approved_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True
    )
    cancelled = fields.Boolean(readonly=True, copy=False, default=False)
    settlement_line_id = fields.Many2one(
        "sale.incentive.settlement.line",
        "Settlement Component",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    settlement_id = fields.Many2one(
        related="settlement_line_id.settlement_id", string="Settlement"
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("approved", "Approved"),
            ("settled", "Settled"),
            ("cancel", "Cancelled"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
        help="Settled: paid by a settlement component (the link, nothing else).",
    )

    @api.depends("approved_by_id", "cancelled", "settlement_line_id")
    def _compute_state(self):
        for adjustment in self:
            if adjustment.settlement_line_id:
                adjustment.state = "settled"
            elif adjustment.cancelled:
                adjustment.state = "cancel"
            elif adjustment.approved_by_id:
                adjustment.state = "approved"
            else:
                adjustment.state = "draft"

    @api.depends("partner_id", "amount", "date")
    def _compute_display_name(self):
        for adjustment in self:
            adjustment.display_name = self.env._(
                "Adjustment %(partner)s %(date)s",
                partner=adjustment.partner_id.display_name or "",
                date=adjustment.date or "",
            )

    @api.constrains("reason", "amount", "user_id", "partner_id")
    def _check_adjustment(self):
        for adjustment in self:
            if not (adjustment.reason or "").strip():
                raise ValidationError(
                    self.env._("An adjustment needs a reason, shown on the statement.")
                )
            if adjustment.currency_id.is_zero(adjustment.amount):
                raise ValidationError(
                    self.env._("An adjustment of zero changes nothing.")
                )
            if (
                adjustment.user_id
                and adjustment.partner_id != adjustment.user_id.partner_id
            ):
                raise ValidationError(
                    self.env._("The beneficiary of a salesperson is their own partner.")
                )

    def _to_engine_adjustment(self):
        """The adjustment as the engine settles it."""
        self.ensure_one()
        document = self.source_document
        return components.Adjustment(
            adjustment_id=self.id,
            amount=self.amount,
            note=self.reason.strip(),
            date=fields.Date.to_string(self.date),
            reference=document.display_name if document and document.exists() else "",
        )

    # ------------------------------------------------------------------
    # Guards: requesters edit drafts, actions do the rest
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # recorded, not chosen
            vals["requested_by_id"] = self.env.uid
            for key in ("approved_by_id", "cancelled", "settlement_line_id"):
                if vals.get(key) and not self.env.su:
                    raise AccessError(
                        self.env._("An adjustment is created as a draft.")
                    )
        return super().create(vals_list)

    def write(self, vals):
        protected = set(vals) - EDITABLE
        if (
            any(not key.startswith(("message_", "activity_")) for key in protected)
            and not self.env.su
        ):
            raise AccessError(
                self.env._(
                    "Adjustments are approved, cancelled and settled through "
                    "their actions, not by editing them."
                )
            )
        if set(vals) & EDITABLE and any(a.state != "draft" for a in self):
            raise UserError(
                self.env._(
                    "Only a draft adjustment changes: cancel this one and "
                    "request another."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft(self):
        if any(a.state not in ("draft", "cancel") for a in self):
            raise UserError(
                self.env._("Only draft or cancelled adjustments are deleted.")
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_manager(self):
        if not self.env.user.has_group(GROUP_MANAGER):
            raise AccessError(
                self.env._("Only incentive managers approve or cancel adjustments.")
            )

    def _is_own(self):
        self.ensure_one()
        user = self.env.user
        return self.user_id == user or self.partner_id == user.partner_id

    def action_approve(self):
        """A manager approves; not their own adjustment, not one they asked."""
        self._check_manager()
        check_states(self, ("draft",))
        if any(adjustment._is_own() for adjustment in self):
            raise UserError(self.env._("You cannot approve your own adjustment."))
        if any(a.requested_by_id == self.env.user for a in self):
            raise UserError(
                self.env._(
                    "You requested this adjustment: another manager approves it."
                )
            )
        self.sudo().write({"approved_by_id": self.env.user.id})
        return True

    def action_cancel(self):
        self._check_manager()
        check_states(self, ("draft", "approved"))
        self.sudo().write({"cancelled": True})
        return True

    def action_reset_draft(self):
        self._check_manager()
        check_states(self, ("cancel", "approved"))
        self.sudo().write({"cancelled": False, "approved_by_id": False})
        return True

    def action_view_settlement(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.incentive.settlement",
            "res_id": self.settlement_id.id,
            "view_mode": "form",
        }
