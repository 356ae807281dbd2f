# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import formatLang

# the beneficiary follows their settlement through these subtypes
NOTIFIED = {
    "approved": "sale_incentive.mt_settlement_approved",
    "posted": "sale_incentive.mt_settlement_posted",
    "paid": "sale_incentive.mt_settlement_paid",
}
# what an external agent sees in the portal: settlements on their way or
# booked; drafts are rebuilt by every run and cancellations are void
PORTAL_STATES = ("submitted", "approved", "validated", "executive", "posted", "paid")
# what the beneficiary's side still writes on a posted or paid settlement
STATEMENT_FIELDS = {"access_token", "acknowledged_by_id", "acknowledged_date"}
# when the beneficiary acknowledges or disputes the statement: once the sales
# manager approved it, until (and after) it is paid
STATEMENT_STATES = ("approved", "validated", "executive", "posted", "paid")


class SaleIncentiveStatementMixin(models.AbstractModel):
    """The beneficiary's side of a settlement (issue #10): they follow it and
    hear when it moves on, read and download its statement in the portal
    (/my/commissions, access tokens), and acknowledge (sign) or dispute it.

    The model inheriting it (``sale.incentive.settlement``) provides
    ``partner_id``, ``name``, ``state``, ``amount_payable``, ``currency_id``,
    ``dispute_count`` (its lines disputed and not answered yet),
    ``_is_own()`` (the current user is the beneficiary), ``_check_state()``
    and ``_get_number_label()``; the disputes themselves are the lines'
    (``sale.incentive.settlement.line``, through the
    ``sale.incentive.statement.dispute`` wizard).
    """

    _name = "sale.incentive.statement.mixin"
    _inherit = ["portal.mixin"]
    _description = "Sales Incentive Statement"

    acknowledged_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    acknowledged_date = fields.Datetime(readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.sudo()._subscribe_beneficiaries()
        return records

    def _subscribe_beneficiaries(self):
        """The beneficiary follows their settlement and hears when it moves
        on (the approved, posted and paid subtypes): ``message_subscribe``
        once per beneficiary for all their new settlements."""
        subtypes = [self.env.ref(xmlid).id for xmlid in NOTIFIED.values()]
        # as message_subscribe: archived partners follow nothing
        for partner, records in (
            self.filtered("partner_id.active").grouped("partner_id").items()
        ):
            records.message_subscribe(partner_ids=partner.ids, subtype_ids=subtypes)

    def _notify_beneficiary(self, state):
        """Tell the followers of the subtype (the beneficiary) of ``state``."""
        states = dict(self._fields["state"]._description_selection(self.env))
        for record in self:
            amount = formatLang(
                self.env, record.amount_payable, currency_obj=record.currency_id
            )
            if state == "paid":
                body = self.env._(
                    "Your settlement %(name)s is paid: %(amount)s.",
                    name=record.name,
                    amount=amount,
                )
            else:
                body = self.env._(
                    "Your settlement %(name)s is %(state)s: %(amount)s to pay.",
                    name=record.name,
                    state=states[state],
                    amount=amount,
                )
            record.sudo().message_post(body=body, subtype_xmlid=NOTIFIED[state])

    def _compute_access_url(self):
        for record in self:
            record.access_url = f"/my/commissions/{record.id}"

    @api.model
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
