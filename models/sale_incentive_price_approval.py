# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

from .sale_incentive_plan import check_states

GROUP_ADMIN = "sale_incentive.group_sale_incentive_admin"
ACTIVITY = "sale_incentive.mail_activity_price_approval"
# what may be edited by hand: the requester's reason (draft or requested) and
# the commission % the approver decides (requested, by who may approve); the
# rest is written by the actions (with sudo, after their checks)
EDITABLE = {"reason", "commission_rate"}


class SaleIncentivePriceApproval(models.Model):
    """Selling below the minimum (guide) price (seed 004, 4.2.9).

    One order line sold below its product's guide price, in a company that
    requires approval: the order cannot be confirmed until a manager above
    the salesperson approves the price, and the approval sets the commission
    percentage of that line (``commission_rate``, instead of the rule's).
    The approval covers the line while its unit price stays at or above the
    approved price (``_get_covering_approvals``): a lower price needs a new
    approval.
    """

    _name = "sale.incentive.price.approval"
    _description = "Sales Incentive Price Approval"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    order_id = fields.Many2one(
        "sale.order",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        readonly=True,
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        "Order Line",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    product_id = fields.Many2one(
        "product.product", required=True, readonly=True, ondelete="restrict"
    )
    user_id = fields.Many2one(
        "res.users",
        "Salesperson",
        readonly=True,
        index=True,
        ondelete="restrict",
        help="The order's salesperson when the approval was requested.",
    )
    team_id = fields.Many2one(
        "crm.team", "Sales Team", readonly=True, index=True, ondelete="set null"
    )
    price_unit = fields.Monetary(
        "Unit Price",
        readonly=True,
        tracking=True,
        help="The unit price asked for, after discount, in company currency: "
        "the approval covers the line while its price stays at or above it.",
    )
    min_price = fields.Monetary(
        "Minimum Price",
        readonly=True,
        help="The product's guide (minimum) price when the approval was requested.",
    )
    requested_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, index=True, ondelete="restrict"
    )
    approver_id = fields.Many2one(
        "res.users",
        readonly=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        help="The manager above the salesperson: the sales team's leader; "
        "when the salesperson leads the team (or it has no leader), an "
        "incentive administrator. Any incentive administrator may approve too.",
    )
    approved_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True, ondelete="restrict"
    )
    date_decided = fields.Datetime("Decided On", readonly=True, copy=False)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("requested", "Requested"),
            ("approved", "Approved"),
            ("refused", "Refused"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    commission_rate = fields.Float(
        "Commission (%)",
        digits=(16, 4),
        tracking=True,
        help="Set by the approver: the commission percentage of the line's "
        "base, instead of the plan rule's rate.",
    )
    reason = fields.Text(help="Why the line is sold below the minimum price.")
    covers_line = fields.Boolean(
        "Covers the Line",
        compute="_compute_covers_line",
        help="Approved, and the order line is still sold at or above the "
        "approved price.",
    )

    can_decide = fields.Boolean(
        compute="_compute_can_decide",
        help="The current user may approve or refuse (the buttons).",
    )

    @api.depends("approver_id", "requested_by_id", "user_id")
    @api.depends_context("uid")
    def _compute_can_decide(self):
        user = self.env.user
        is_admin = user.has_group(GROUP_ADMIN)
        for approval in self:
            approval.can_decide = user not in (
                approval.requested_by_id | approval.user_id
            ) and (is_admin or user == approval.approver_id)

    @api.depends("sale_line_id", "price_unit", "order_id.display_name")
    def _compute_display_name(self):
        for approval in self:
            approval.display_name = self.env._(
                "%(order)s: %(product)s below the minimum price",
                order=approval.order_id.display_name or "",
                product=approval.product_id.display_name or "",
            )

    @api.depends(
        "state",
        "price_unit",
        "sale_line_id.price_subtotal",
        "sale_line_id.product_uom_qty",
        "sale_line_id.product_id",
    )
    def _compute_covers_line(self):
        # the line's figures are the engine's: read whoever reads the approval
        lines = self.sale_line_id.sudo()
        covering = self._get_covering_approvals(
            lines._prepare_incentive_sources() if lines else []
        )
        for approval in self:
            approval.covers_line = (
                covering.get(approval.sale_line_id.id, self.browse()).id == approval.id
            )

    @api.constrains("commission_rate")
    def _check_commission_rate(self):
        for approval in self:
            if not 0.0 <= approval.commission_rate <= 100.0:
                raise ValidationError(
                    self.env._("The commission percentage is between 0 and 100.")
                )

    # ------------------------------------------------------------------
    # Which approval covers a line (one definition)
    # ------------------------------------------------------------------
    @api.model
    def _get_covering_approvals(self, sources):
        """{order line id: the approval covering it} for the commission
        ``sources`` (dicts of ``sale.incentive.source``) whose order line has
        an approved approval for its product at or below the source's unit
        price (company currency, after discount); the latest one when
        several do.  One query for the batch."""
        line_ids = {s["sale_line"].id for s in sources if s.get("sale_line")}
        if not line_ids:
            return {}
        approvals = (
            self.sudo()
            .search(
                [("sale_line_id", "in", list(line_ids)), ("state", "=", "approved")],
                order="id desc",
            )
            .with_env(self.env)
        )
        if not approvals:
            return {}
        by_line = approvals.grouped("sale_line_id")
        Source = self.env["sale.incentive.source"]
        covering = {}
        for source in sources:
            line = source.get("sale_line")
            if not line or line not in by_line:
                continue
            rounding = Source._get_source_currency(source).rounding
            approval = next(
                (
                    a
                    for a in by_line[line].sudo()
                    if a.product_id == source["product"]
                    and float_compare(
                        source["price_unit"], a.price_unit, precision_rounding=rounding
                    )
                    >= 0
                ),
                None,
            )
            if approval:
                covering[line.id] = approval.with_env(self.env)
        return covering

    # ------------------------------------------------------------------
    # Guards: the actions write the workflow
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if vals.get("state", "draft") != "draft" or vals.get("approved_by_id"):
                    raise AccessError(
                        self.env._("A price approval is created as a draft.")
                    )
        for vals in vals_list:
            vals.setdefault("requested_by_id", self.env.uid)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            protected = {
                key
                for key in set(vals) - EDITABLE
                if not key.startswith(("message_", "activity_"))
            }
            if protected:
                raise AccessError(
                    self.env._(
                        "Price approvals are requested, approved and refused "
                        "through their buttons, not by editing them."
                    )
                )
            if any(a.state not in ("draft", "requested") for a in self):
                raise UserError(
                    self.env._("A decided price approval does not change anymore.")
                )
            if "commission_rate" in vals:
                self._check_can_decide()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decided(self):
        if any(a.state == "approved" for a in self):
            raise UserError(
                self.env._(
                    "An approved price approval sets commissions: it is kept "
                    "(a lower price needs a new one)."
                )
            )

    # ------------------------------------------------------------------
    # Who approves
    # ------------------------------------------------------------------
    @api.model
    def _get_approver(self, order, requester):
        """The manager above the salesperson of ``order``: the leader of the
        order's team (else of the salesperson's team), an incentive manager;
        when that is the salesperson or ``requester`` (or nobody, or not an
        incentive manager), the first incentive administrator of the company
        who is neither (hook)."""
        order = order.sudo()
        rep = order.user_id
        excluded = rep | requester
        leader = order.team_id.user_id or rep.sale_team_id.user_id
        if (
            leader
            and leader not in excluded
            and leader.has_group("sale_incentive.group_sale_incentive_manager")
        ):
            return leader.with_env(self.env)
        admins = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", self.env.ref(GROUP_ADMIN).ids),
                    ("company_ids", "in", order.company_id.ids),
                    ("share", "=", False),
                    ("id", "not in", excluded.ids),
                ],
                order="id",
            )
        )
        return admins.filtered(lambda u: not u._is_superuser())[:1].with_env(self.env)

    def _check_can_decide(self):
        """Only the approver or an incentive administrator decides, never the
        requester nor the salesperson of the order."""
        user = self.env.user
        is_admin = user.has_group(GROUP_ADMIN)
        for approval in self:
            if user in approval.requested_by_id | approval.user_id:
                raise UserError(
                    self.env._(
                        "You asked for this price or sell at it: %(approver)s decides.",
                        approver=approval.approver_id.name
                        or self.env._("an incentive administrator"),
                    )
                )
            if user != approval.approver_id and not is_admin:
                raise AccessError(
                    self.env._(
                        "Only %(approver)s or an incentive administrator decides "
                        "this price approval.",
                        approver=approval.approver_id.name or "",
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_request(self):
        self._check_can_request()
        self._do_request()
        return True

    def _check_can_request(self):
        check_states(self, ("draft",))
        self.order_id._check_can_request_price_approval()

    def _do_request(self):
        """Requested: the approver is chosen, follows it and gets an activity."""
        for approval in self.sudo():
            approver = self._get_approver(approval.order_id, approval.requested_by_id)
            approval.write({"state": "requested", "approver_id": approver.id})
            approval.message_subscribe(
                partner_ids=(
                    approver | approval.requested_by_id | approval.user_id
                ).partner_id.ids
            )
            if approver:
                approval.activity_schedule(
                    ACTIVITY,
                    user_id=approver.id,
                    summary=self.env._(
                        "%(product)s at %(price)s, minimum %(minimum)s",
                        product=approval.product_id.display_name,
                        price=approval._format_price(approval.price_unit),
                        minimum=approval._format_price(approval.min_price),
                    ),
                    note=approval.reason or "",
                )

    def _format_price(self, amount):
        return self.env["sale.incentive.line"]._format_amount(amount, self.currency_id)

    def action_approve(self):
        """The approver approves the price at the commission % entered."""
        self._check_can_approve()
        self._do_approve()
        return True

    def _check_can_approve(self):
        check_states(self, ("requested",))
        self._check_can_decide()

    def _do_approve(self):
        self.sudo().write(
            {
                "state": "approved",
                "approved_by_id": self.env.user.id,
                "date_decided": fields.Datetime.now(),
            }
        )
        for approval in self.sudo():
            approval.activity_feedback([ACTIVITY])
            approval.message_post(
                body=self.env._(
                    "Price of %(price)s approved by %(user)s: the line earns "
                    "%(rate)s%% commission.",
                    price=approval._format_price(approval.price_unit),
                    user=self.env.user.name,
                    rate=format(approval.commission_rate, "g"),
                ),
                author_id=self.env.user.partner_id.id,
            )
        # a confirmed order's forecast follows the approved rate
        orders = self.order_id.filtered(lambda o: o.state == "sale")
        if orders:
            self.env["sale.incentive.forecast"].sudo()._refresh_forecast(orders)

    def action_refuse(self):
        self._check_can_refuse()
        self._do_refuse()
        return True

    def _check_can_refuse(self):
        check_states(self, ("requested",))
        self._check_can_decide()

    def _do_refuse(self, note=None):
        self.sudo().write(
            {
                "state": "refused",
                "approved_by_id": False,
                "date_decided": fields.Datetime.now(),
            }
        )
        for approval in self.sudo():
            approval.activity_unlink([ACTIVITY])
            approval.message_post(
                body=note
                or self.env._("Price refused by %(user)s.", user=self.env.user.name),
                author_id=self.env.user.partner_id.id,
            )

    def action_view_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }
