# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

# what the commission engine reads of an invoice line itself
INCENTIVE_SOURCE_FIELDS = [
    "move_id",
    "product_id",
    "sale_line_ids",
    "quantity",
    "balance",
    "amount_currency",
    "currency_id",
]


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # capitalized commissions (issue 22.1): what the line does to the
    # deferred-commission asset of which capitalization (the roll-forward
    # reads them); a reversal copies them, with the opposite amount
    incentive_capitalization_id = fields.Many2one(
        "sale.incentive.capitalization",
        "Capitalized Commission",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        groups="sale_incentive.group_sale_incentive_user",
    )
    incentive_capitalization_step = fields.Selection(
        [
            ("capitalize", "Capitalized"),
            ("amortize", "Amortized"),
            ("impair", "Impaired"),
        ],
        "Capitalization Step",
        readonly=True,
        groups="sale_incentive.group_sale_incentive_user",
    )

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
        builder = self.env["sale.incentive.source"]
        batch = self._get_incentive_batch()
        rows = self.read(INCENTIVE_SOURCE_FIELDS, load=None)
        sources = []
        for line, row in zip(self, rows, strict=True):
            document = self._get_incentive_document(row, batch)
            figures = self._get_incentive_line_figures(
                line, row, batch, document["sign"]
            )
            sources.append(builder._prepare_source(document, figures, batch["costs"]))
        return sources

    def _get_incentive_batch(self):
        """The records the lines of ``self`` point to, one each for the batch
        (invoices, products, currencies, order lines), and the per-document
        and per-product values read once (filled as the lines are read)."""
        return {
            "moves": {move.id: move for move in self.move_id},
            "products": {product.id: product for product in self.product_id},
            "currencies": {currency.id: currency for currency in self.currency_id},
            "sale_lines": {line.id: line for line in self.sale_line_ids},
            "per_move": {},
            "per_order": {},
            "costs": {},
        }

    def _get_incentive_document(self, row, batch):
        """What the line of ``row`` shares with the lines of its invoice and
        of its order: the invoice's date, customer and sign; the order's team
        (else the invoice's) and split (else the invoice's salesperson)."""
        common = batch["per_move"].get(row["move_id"])
        if common is None:
            move = batch["moves"][row["move_id"]]
            common = batch["per_move"][move.id] = self._get_incentive_move_document(
                move
            )
        if not row["sale_line_ids"]:
            return common
        sale_line = batch["sale_lines"][row["sale_line_ids"][0]]
        order = sale_line.order_id
        if order.id not in batch["per_order"]:
            batch["per_order"][order.id] = (
                order.team_id,
                order._get_incentive_shares(),
            )
        team, shares = batch["per_order"][order.id]
        return {
            **common,
            "order": order,
            "sale_line": sale_line,
            "team": team or common["team"],
            "shares": shares,
        }

    def _get_incentive_move_document(self, move):
        """What the lines of the invoice ``move`` share without an order: its
        date, customer, sign, team and salesperson."""
        user = move.invoice_user_id
        return {
            "move": move,
            "company": move.company_id,
            "date": move.invoice_date or move.date,
            "sign": -1 if move.move_type == "out_refund" else 1,
            "customer": move.commercial_partner_id,
            "team": move.team_id,
            "shares": [(user, user.partner_id, 100.0)] if user else [],
            "order": self.env["sale.order"],
            "sale_line": self.env["sale.order.line"],
        }

    def _get_incentive_line_figures(self, line, row, batch, sign):
        """The figures of the invoice ``line`` itself (``row``: what was read
        of it), signed as its invoice (``sign``)."""
        revenue = -row["balance"]
        quantity = row["quantity"] * sign
        return {
            "product": batch["products"].get(
                row["product_id"], self.env["product.product"]
            ),
            "quantity": quantity,
            "revenue": revenue,
            "amount_currency": -row["amount_currency"],
            "currency": batch["currencies"][row["currency_id"]],
            "price_unit": abs(revenue / quantity) if quantity else 0.0,
            "move_line": line,
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
