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
        split) and the products' costs are read once.

        The lines' own figures are read in one ``read`` and each invoice,
        product, currency and order line is one record for the whole batch:
        a posting describes thousands of lines, and a record per line and
        field was most of the objects it left to Python's garbage
        collector."""
        moves = {move.id: move for move in self.move_id}
        products = {product.id: product for product in self.product_id}
        currencies = {currency.id: currency for currency in self.currency_id}
        sale_lines = {line.id: line for line in self.sale_line_ids}
        no_order = self.env["sale.order"]
        no_sale_line = self.env["sale.order.line"]
        no_product = self.env["product.product"]
        per_move = {}
        per_order = {}
        costs = {}
        sources = []
        rows = self.read(
            [
                "move_id",
                "product_id",
                "sale_line_ids",
                "quantity",
                "balance",
                "amount_currency",
                "currency_id",
            ],
            load=None,
        )
        for line, row in zip(self, rows, strict=True):
            common = per_move.get(row["move_id"])
            if common is None:
                move = moves[row["move_id"]]
                user = move.invoice_user_id
                common = per_move[move.id] = {
                    "move": move,
                    "company": move.company_id,
                    "date": move.invoice_date or move.date,
                    "sign": -1 if move.move_type == "out_refund" else 1,
                    "customer": move.commercial_partner_id,
                    "team": move.team_id,
                    "shares": [(user, user.partner_id, 100.0)] if user else [],
                }
            company = common["company"]
            if row["sale_line_ids"]:
                sale_line = sale_lines[row["sale_line_ids"][0]]
                order = sale_line.order_id
                if order.id not in per_order:
                    per_order[order.id] = (
                        order,
                        order.team_id,
                        order._get_incentive_shares(),
                    )
                order, team, shares = per_order[order.id]
                team = team or common["team"]
            else:
                order, sale_line = no_order, no_sale_line
                team, shares = common["team"], common["shares"]
            product = products.get(row["product_id"], no_product)
            cost_key = (product.id, company.id)
            cost = costs.get(cost_key)
            if cost is None:
                cost = costs[cost_key] = product.with_company(company).standard_price
            sign = common["sign"]
            revenue = -row["balance"]
            quantity = row["quantity"] * sign
            sources.append(
                {
                    "company": company,
                    "date": common["date"],
                    "sign": sign,
                    "product": product,
                    "quantity": quantity,
                    "revenue": revenue,
                    "amount_currency": -row["amount_currency"],
                    "currency": currencies[row["currency_id"]],
                    "cost": cost * quantity,
                    "price_unit": abs(revenue / quantity) if quantity else 0.0,
                    "customer": common["customer"],
                    "order": order,
                    "sale_line": sale_line,
                    "move": common["move"],
                    "move_line": line,
                    "team": team,
                    "shares": shares,
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
