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
        return self._prepare_incentive_sources()[0]

    def _prepare_incentive_sources(self):
        """``_prepare_incentive_source`` of every line of ``self``, in order;
        what lines of one invoice or one order share (dates, customer, team,
        split) and the products' costs are read once."""
        per_move = {}
        per_order = {}
        costs = {}
        sources = []
        for line in self:
            move = line.move_id
            if move not in per_move:
                user = move.invoice_user_id
                per_move[move] = {
                    "company": move.company_id,
                    "date": move.invoice_date or move.date,
                    "sign": -1 if move.move_type == "out_refund" else 1,
                    "customer": move.commercial_partner_id,
                    "team": move.team_id,
                    "shares": [(user, user.partner_id, 100.0)] if user else [],
                }
            common = per_move[move]
            company = common["company"]
            sale_lines = line.sale_line_ids
            order = sale_lines.order_id[:1]
            if order and order not in per_order:
                per_order[order] = order._get_incentive_shares()
            product = line.product_id
            if (product, company) not in costs:
                costs[(product, company)] = product.with_company(company).standard_price
            sign = common["sign"]
            revenue = -line.balance
            quantity = line.quantity * sign
            sources.append(
                {
                    "company": company,
                    "date": common["date"],
                    "sign": sign,
                    "product": product,
                    "quantity": quantity,
                    "revenue": revenue,
                    "amount_currency": -line.amount_currency,
                    "currency": line.currency_id,
                    "cost": costs[(product, company)] * quantity,
                    "price_unit": abs(revenue / quantity) if quantity else 0.0,
                    "customer": common["customer"],
                    "order": order,
                    "sale_line": sale_lines[:1],
                    "move": move,
                    "move_line": line,
                    "team": order.team_id or common["team"],
                    "shares": per_order[order] if order else common["shares"],
                }
            )
        return sources

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
