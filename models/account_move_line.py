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
        # the amounts of the whole batch in one pass over the cache
        balances = self.mapped("balance")
        quantities = self.mapped("quantity")
        amounts_currency = self.mapped("amount_currency")
        for line, balance, line_quantity, amount_currency in zip(
            self, balances, quantities, amounts_currency, strict=True
        ):
            move = line.move_id
            common = per_move.get(move.id)
            if common is None:
                user = move.invoice_user_id
                common = per_move[move.id] = {
                    "company": move.company_id,
                    "date": move.invoice_date or move.date,
                    "sign": -1 if move.move_type == "out_refund" else 1,
                    "customer": move.commercial_partner_id,
                    "team": move.team_id,
                    "shares": [(user, user.partner_id, 100.0)] if user else [],
                }
            company = common["company"]
            sale_lines = line.sale_line_ids
            if sale_lines:
                order = sale_lines.order_id[:1]
                if order.id not in per_order:
                    per_order[order.id] = (
                        order.team_id,
                        order._get_incentive_shares(),
                    )
                team, shares = per_order[order.id]
                team = team or common["team"]
                sale_line = sale_lines[:1]
            else:
                order, sale_line = sale_lines.order_id, sale_lines
                team, shares = common["team"], common["shares"]
            product = line.product_id
            cost_key = (product.id, company.id)
            cost = costs.get(cost_key)
            if cost is None:
                cost = costs[cost_key] = product.with_company(company).standard_price
            sign = common["sign"]
            revenue = -balance
            quantity = line_quantity * sign
            sources.append(
                {
                    "company": company,
                    "date": common["date"],
                    "sign": sign,
                    "product": product,
                    "quantity": quantity,
                    "revenue": revenue,
                    "amount_currency": -amount_currency,
                    "currency": line.currency_id,
                    "cost": cost * quantity,
                    "price_unit": abs(revenue / quantity) if quantity else 0.0,
                    "customer": common["customer"],
                    "order": order,
                    "sale_line": sale_line,
                    "move": move,
                    "move_line": line,
                    "team": team,
                    "shares": shares,
                }
            )
        return sources

    def unlink(self):
        """The commission lines of these invoice lines go with them (the line
        table has no foreign key to invoice lines: see
        ``sale.incentive.line.move_line_id``)."""
        # commission lines are written at posting only: a draft never posted
        # (the invoice being edited) has none to look for
        posted = self.filtered(lambda line: line.move_id.posted_before)
        if posted:
            self.env["sale.incentive.line"].sudo().search(
                [("move_line_id", "in", posted.ids)]
            ).unlink()
        return super().unlink()

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
