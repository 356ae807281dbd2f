# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _prepare_incentive_source(self):
        """This customer invoice (or credit note) line described for the
        commission engine, as a plain dict (the way
        ``_prepare_base_line_for_taxes_computation`` describes it for taxes).

        ``revenue`` is in company currency at the invoice's rate, signed (a
        credit note is negative); ``amount_currency`` likewise in the invoice's
        currency.
        """
        self.ensure_one()
        move = self.move_id
        sign = -1 if move.move_type == "out_refund" else 1
        order = self.sale_line_ids.order_id[:1]
        company = move.company_id
        revenue = -self.balance
        quantity = self.quantity * sign
        unit_cost = self.product_id.with_company(company).standard_price
        if order:
            shares = order._get_incentive_shares()
        else:
            user = move.invoice_user_id
            shares = [(user, user.partner_id, 100.0)] if user else []
        return {
            "company": company,
            "date": move.invoice_date or move.date,
            "sign": sign,
            "product": self.product_id,
            "quantity": quantity,
            "revenue": revenue,
            "amount_currency": -self.amount_currency,
            "currency": self.currency_id,
            "cost": unit_cost * quantity,
            "price_unit": abs(revenue / quantity) if quantity else 0.0,
            "customer": move.commercial_partner_id,
            "order": order,
            "sale_line": self.sale_line_ids[:1],
            "move": move,
            "move_line": self,
            "team": order.team_id or move.team_id,
            "shares": shares,
        }

    # ------------------------------------------------------------------
    # The payout of a settlement: its beneficiary hears when it is paid
    # ------------------------------------------------------------------
    def _reconcile_pre_hook(self):
        data = super()._reconcile_pre_hook()
        data["incentive_unpaid"] = self.move_id.sudo().incentive_settlement_id.filtered(
            lambda s: s.state == "posted"
        )
        return data

    def _reconcile_post_hook(self, data):
        res = super()._reconcile_post_hook(data)
        data["incentive_unpaid"].filtered(
            lambda s: s.state == "paid"
        )._notify_beneficiary("paid")
        return res
