# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine import splits


class SaleIncentiveConflictResolve(models.TransientModel):
    """The manager's decision on a disputed order: reassign or split."""

    _name = "sale.incentive.conflict.resolve"
    _description = "Resolve a Commission Credit Conflict"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    mode = fields.Selection(
        [("reassign", "Credit one salesperson"), ("split", "Split the credit")],
        required=True,
        default="reassign",
    )
    user_id = fields.Many2one(
        "res.users",
        "Credited Salesperson",
        domain=[("share", "=", False)],
        compute="_compute_user_id",
        store=True,
        readonly=False,
    )
    line_ids = fields.One2many(
        "sale.incentive.conflict.resolve.line",
        "wizard_id",
        string="Split",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )
    reason = fields.Text(required=True)

    @api.depends("order_id")
    def _compute_user_id(self):
        """The claim on the table: who disputed, or the customer's owner."""
        for wizard in self:
            wizard.user_id = (
                wizard.order_id._get_incentive_dispute_parties()[0]
                if wizard.order_id
                else False
            )

    @api.depends("order_id")
    def _compute_line_ids(self):
        """The parties of the dispute, split as the plans split closer and
        owner."""
        for wizard in self:
            shares = (
                wizard.order_id._get_incentive_dispute_parties()[1]
                if wizard.order_id
                else []
            )
            wizard.line_ids = [Command.clear()] + [
                Command.create({"user_id": user.id, "share": share})
                for user, share in shares
            ]

    def _check_not_own_favour(self, shares):
        """A manager never credits themselves: their own manager or an
        incentive administrator decides."""
        user = self.env.user
        if self.env.su or user.has_group("sale_incentive.group_sale_incentive_admin"):
            return
        if any(credited == user for credited, _share in shares):
            raise UserError(
                self.env._(
                    "You cannot resolve a credit dispute in your own favour: "
                    "your own manager or an incentive administrator decides."
                )
            )

    def action_resolve(self):
        self.ensure_one()
        if not self.env.user.has_group("sale_incentive.group_sale_incentive_manager"):
            raise AccessError(
                self.env._("Only a sales incentive manager can resolve conflicts.")
            )
        order = self.order_id
        if self.mode == "reassign":
            if not self.user_id:
                raise UserError(self.env._("Choose the salesperson to credit."))
            shares = [(self.user_id, 100.0)]
        else:
            shares = [(line.user_id, line.share) for line in self.line_ids]
            if not shares or splits.validate_shares([s for _u, s in shares]):
                raise UserError(
                    self.env._(
                        "The split must add up to 100%% (now %(total)s%%).",
                        total=format(sum(s for _u, s in shares), "g"),
                    )
                )
        self._check_not_own_favour(shares)
        order.write(
            {
                "incentive_share_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "user_id": user.id,
                            "partner_id": user.partner_id.id,
                            "share": share,
                        }
                    )
                    for user, share in shares
                ],
                "incentive_conflict": False,
                "incentive_attribution": "resolved",
                "incentive_dispute_user_id": False,
            }
        )
        order.sudo().activity_feedback(
            ["sale_incentive.mail_activity_credit_dispute"], feedback=self.reason
        )
        order.message_post(
            body=self.env._(
                "Credit conflict resolved by %(manager)s: %(shares)s. Reason: "
                "%(reason)s",
                manager=self.env.user.name,
                shares=", ".join(f"{user.name} {share:g}%" for user, share in shares),
                reason=self.reason,
            )
        )
        return {"type": "ir.actions.act_window_close"}


class SaleIncentiveConflictResolveLine(models.TransientModel):
    _name = "sale.incentive.conflict.resolve.line"
    _description = "Commission Credit Conflict Split Line"

    wizard_id = fields.Many2one(
        "sale.incentive.conflict.resolve", required=True, ondelete="cascade"
    )
    user_id = fields.Many2one(
        "res.users", "Salesperson", required=True, domain=[("share", "=", False)]
    )
    share = fields.Float("Share (%)", required=True, default=50.0)
