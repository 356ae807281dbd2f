# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models
from odoo.exceptions import AccessError, UserError

GROUP_ADMIN = "sale_incentive.group_sale_incentive_admin"


class SaleIncentiveForfeitWizard(models.TransientModel):
    """Decide what happens to what a leaving beneficiary is still owed."""

    _name = "sale.incentive.forfeit.wizard"
    _description = "Commission Forfeiture"

    partner_id = fields.Many2one("res.partner", "Beneficiary", required=True)
    reason = fields.Selection(
        [
            ("resigned", "Resigned: nothing more is paid"),
            (
                "dismissed",
                "Dismissed by the company: the configured % of everything owed is paid",
            ),
            ("fraud", "Fraud: nothing more is paid"),
        ],
        required=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    note = fields.Text(required=True, help="Why: kept on the decision.")

    def action_confirm(self):
        """Record what a leaving beneficiary is still paid (seed 2022提成制度 五.2).

        Resigned or fraud: nothing more is paid.  Dismissed by the company:
        the company's configured % of everything owed.  Everything owed means
        every unsettled earned line, every settlement not posted yet
        (cancelled first; for fraud the posted, unpaid ones too, their entries
        reversed) and every unreleased holdback.  Each decision is a
        forfeiture settlement per plan, made by the settlement run itself and
        approved like any settlement.
        """
        self.ensure_one()
        settlements = self._forfeit()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Forfeiture"),
            "res_model": "sale.incentive.settlement",
            "view_mode": "list,form",
            "domain": [("id", "in", settlements.ids)],
        }

    def _forfeit(self):
        self.ensure_one()
        self._check_can_forfeit()
        self._cancel_open_settlements()
        company = self.env.company
        percent = 0.0
        if self.reason == "dismissed":
            percent = company.incentive_dismissal_payout_percent
        plans = self.env["sale.incentive.plan"].sudo().with_context(active_test=False)
        plans = plans.search([("company_id", "=", company.id)])
        builder = self.env["sale.incentive.settlement.builder"]
        forfeit = (self.reason, percent)
        settlements = self.env["sale.incentive.settlement"].union(
            *(
                builder._settle(plan, self.date, self.date, self.partner_id, forfeit)
                for plan in plans
            )
        )
        if not settlements:
            raise UserError(
                self.env._(
                    "%(partner)s has nothing held or unpaid to decide on.",
                    partner=self.partner_id.display_name,
                )
            )
        self._log_decision(settlements, percent)
        # the draws and guarantees stop with the person (issue 22.2)
        self.env["sale.incentive.draw"]._end_on_leaving(self.partner_id, self.date)
        return settlements

    def _check_can_forfeit(self):
        if not (self.env.su or self.env.user.has_group(GROUP_ADMIN)):
            raise AccessError(
                self.env._("Only incentive administrators record forfeiture decisions.")
            )

    def _cancel_open_settlements(self):
        """Cancel what is not booked yet (fraud: the booked, unpaid too)."""
        closed = ("paid", "cancel")
        if self.reason != "fraud":
            closed += ("posted",)
        open_settlements = self.env["sale.incentive.settlement"].search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.env.company.id),
                ("state", "not in", closed),
            ]
        )
        for settlement in open_settlements.sorted("date_to", reverse=True):
            settlement.action_cancel()

    def _log_decision(self, settlements, percent):
        reasons = dict(
            settlements._fields["forfeit_reason"]._description_selection(self.env)
        )
        for settlement in settlements:
            settlement.sudo().note = self.note
            settlement.message_post(
                body=self.env._(
                    "Forfeiture decision: %(reason)s on %(date)s, %(percent)s%% "
                    "of what was owed is paid. %(note)s",
                    reason=reasons[self.reason],
                    date=self.date,
                    percent=format(percent, "g"),
                    note=self.note or "",
                )
            )
