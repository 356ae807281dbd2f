# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Accountant's side of the settlement workflow (issue #10).

Drafts are numbered when created, and settlements that pay nothing (zero,
suspended, negative) close without the whole approval chain when the company
says so: they are validated automatically with the reason logged.
"""

from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.tools import SQL

NOTIFIED = {
    "approved": "sale_incentive.mt_settlement_approved",
    "posted": "sale_incentive.mt_settlement_posted",
    "paid": "sale_incentive.mt_settlement_paid",
}


class SaleIncentiveSettlement(models.Model):
    _inherit = "sale.incentive.settlement"

    @api.model_create_multi
    def create(self, vals_list):
        self._number_drafts(vals_list)
        settlements = super().create(vals_list)
        settlements.sudo()._subscribe_beneficiaries()
        return settlements

    @api.model
    def _number_drafts(self, vals_list):
        """Number the new drafts: one draw of the sequence per company for
        the whole batch (a settlement run creates one per beneficiary)."""
        todo = defaultdict(list)
        for vals in vals_list:
            if vals.get("name", "/") == "/" and vals.get("company_id"):
                todo[vals["company_id"]].append(vals)
        for company_id, company_vals in todo.items():
            company = self.env["res.company"].browse(company_id)
            sequence = (
                self.env["ir.sequence"]
                .with_company(company)
                .sudo()
                .search(
                    [
                        ("code", "=", "sale.incentive.settlement"),
                        ("company_id", "in", [company.id, False]),
                    ],
                    order="company_id",
                    limit=1,
                )
            )
            for vals, name in zip(
                company_vals, _next_names(sequence, len(company_vals)), strict=True
            ):
                vals["name"] = name

    def _subscribe_beneficiaries(self):
        """The beneficiary hears when their settlement moves on: the
        followers of all the new settlements written in one batch."""
        subtypes = [self.env.ref(xmlid).id for xmlid in NOTIFIED.values()]
        followers = self.env["mail.followers"].sudo()
        existing = {
            (follower.res_id, follower.partner_id.id): follower
            for follower in followers.search(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)]
            )
        }
        new = []
        # as message_subscribe: archived partners follow nothing
        for settlement in self.filtered("partner_id.active"):
            follower = existing.get((settlement.id, settlement.partner_id.id))
            if follower:  # e.g. the accountant settling is the beneficiary
                follower.subtype_ids = [Command.set(subtypes)]
            else:
                new.append(
                    {
                        "res_model": self._name,
                        "res_id": settlement.id,
                        "partner_id": settlement.partner_id.id,
                        "subtype_ids": [Command.set(subtypes)],
                    }
                )
        followers.create(new)

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


def _next_names(sequence, count):
    """``count`` numbers of ``sequence`` ("/" without one): one nextval
    query for a standard sequence, the sequence's own draw otherwise."""
    if not sequence:
        return ["/"] * count
    if sequence.implementation == "standard" and not sequence.use_date_range:
        sequence.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s) ORDER BY 1",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [sequence.get_next_char(row[0]) for row in sequence.env.cr.fetchall()]
    return [sequence._next() for _index in range(count)]
