# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Accountant's side of the settlement workflow (issue #10).

Drafts are numbered when created, and settlements that pay nothing (zero,
suspended, negative) close without the whole approval chain when the company
says so: they are validated automatically with the reason logged.
"""

from odoo import api, fields, models

NOTIFIED = {
    "approved": "sale_incentive.mt_settlement_approved",
    "posted": "sale_incentive.mt_settlement_posted",
    "paid": "sale_incentive.mt_settlement_paid",
}


class SaleIncentiveSettlement(models.Model):
    _inherit = "sale.incentive.settlement"

    @api.model_create_multi
    def create(self, vals_list):
        settlements = super().create(vals_list)
        for settlement in settlements:
            # the beneficiary hears when their settlement moves on
            settlement.sudo().message_subscribe(
                partner_ids=settlement.partner_id.ids,
                subtype_ids=[self.env.ref(xmlid).id for xmlid in NOTIFIED.values()],
            )
        for settlement in settlements.filtered(lambda s: s.name == "/"):
            sequence = (
                self.env["ir.sequence"].with_company(settlement.company_id).sudo()
            )
            settlement.sudo().name = (
                sequence.next_by_code("sale.incentive.settlement") or "/"
            )
        return settlements

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

    def _do_approve(self):
        res = super()._do_approve()
        self._notify_beneficiary("approved")
        return res

    def _do_post(self):
        res = super()._do_post()
        self._notify_beneficiary("posted")
        return res

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

    def _do_submit(self):
        res = super()._do_submit()
        self._auto_close()
        return res

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
