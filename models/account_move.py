# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    incentive_line_ids = fields.One2many(
        "sale.incentive.line",
        "move_id",
        string="Commission Lines",
        readonly=True,
        groups="sale_incentive.group_sale_incentive_user",
    )
    incentive_line_count = fields.Integer(
        compute="_compute_incentive_line_count",
        groups="sale_incentive.group_sale_incentive_user",
    )
    incentive_settlement_id = fields.Many2one(
        "sale.incentive.settlement",
        "Commission Settlement",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="sale_incentive.group_sale_incentive_user",
        help="The settlement this entry (or vendor bill) pays out.",
    )

    def _compute_incentive_line_count(self):
        counts = dict(
            self.env["sale.incentive.line"]._read_group(
                [("move_id", "in", self.ids)], ["move_id"], ["__count"]
            )
        )
        for move in self:
            move.incentive_line_count = counts.get(move, 0)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        customer = posted.filtered(
            lambda m: m.move_type in ("out_invoice", "out_refund")
        )
        if customer:
            customer._set_incentive_first_sale_date()
            self.env["sale.incentive.accrual"].sudo()._create_for_invoices(customer)
            refunds = customer.filtered(lambda m: m.move_type == "out_refund")
            if refunds:
                # a clawback writes off the contract's capitalized commission
                capitalization = self.env["sale.incentive.capitalization"].sudo()
                capitalization._impair_for_refunds(refunds)
        return posted

    def _set_incentive_first_sale_date(self):
        for move in self.filtered(lambda m: m.move_type == "out_invoice"):
            partner = move.commercial_partner_id
            date = move.invoice_date or move.date
            if (
                not partner.incentive_first_sale_date
                or partner.incentive_first_sale_date > date
            ):
                partner.sudo().incentive_first_sale_date = date

    def button_draft(self):
        """Refused when any commission line of the moves (accrued, clawback or
        earned by payment, of any plan) is settled: they are locked by their
        settlement; a credit note corrects them."""
        lines = (
            self.env["sale.incentive.line"].sudo().search([("move_id", "in", self.ids)])
        )
        settled = lines._is_settled()
        if settled:
            raise UserError(
                self.env._(
                    "Commissions of %(moves)s are already settled: issue a credit "
                    "note instead of resetting the invoice to draft.",
                    moves=", ".join(settled.move_id.mapped("name")),
                )
            )
        self.env["sale.incentive.period.table"]._unlink_from_periods(lines)
        return super().button_draft()

    def write(self, vals):
        if vals.get("state", "posted") != "posted":
            self._check_incentive_payout_stays_posted()
        return super().write(vals)

    def _check_incentive_payout_stays_posted(self):
        """The entry (or vendor bill) paying out a posted settlement stays
        posted (reset to draft, cancelled: refused), whichever way it is
        asked: a posted settlement is undone by its own Cancel, which
        reverses the entry and frees the commission lines."""
        settlements = (
            self.sudo()
            .filtered(lambda m: m.state == "posted")
            .incentive_settlement_id.filtered(
                lambda s: s.state in ("posted", "paid") and s.move_id in self
            )
        )
        if settlements:
            raise UserError(
                self.env._(
                    "%(moves)s pays out the commission settlement %(names)s, "
                    "which is posted: the entry stays posted. Cancel the "
                    "settlement instead (unreconcile its payment first if it is "
                    "paid): its entry is then reversed and its commission lines "
                    "are freed to be settled again.",
                    moves=", ".join(settlements.move_id.mapped("name")),
                    names=", ".join(settlements.mapped("name")),
                )
            )

    def _get_incentive_payments(self):
        """[(payment entry, its date, amount paid)] of an invoice, the amounts
        in the invoice's currency, in the order payments count: by (date, id).

        Credit notes reconciled with the invoice do not count as payments: the
        credit note's own clawback lines handle them.
        """
        self.ensure_one()
        paid = defaultdict(float)
        for _partial, amount, counterpart in self._get_reconciled_invoices_partials()[
            0
        ]:
            if not counterpart.move_id.is_invoice(include_receipts=True):
                paid[counterpart.move_id] += amount
        return sorted(
            (
                (entry, entry.date, self.currency_id.round(amount))
                for entry, amount in paid.items()
            ),
            key=lambda payment: (payment[1], payment[0].id),
        )

    def _get_incentive_reversed_lines(self):
        """{credit note line: invoice line it reverses} of a reversal
        (``reversed_entry_id``).

        Each invoice line is reversed once: lines are paired on the closest
        key first (product, order lines, price, quantity, discount, label),
        then on fewer fields (a partial credit note changes the quantity),
        and among equals in the documents' order.
        """
        self.ensure_one()

        def product_lines(move):
            return move.invoice_line_ids.filtered(
                lambda l: l.display_type == "product"
            ).sorted(lambda l: (l.sequence, l.id))

        keys = (
            lambda l: (
                l.product_id.id,
                frozenset(l.sale_line_ids.ids),
                l.price_unit,
                l.quantity,
                l.discount,
                l.name,
            ),
            lambda l: (
                l.product_id.id,
                frozenset(l.sale_line_ids.ids),
                l.price_unit,
                l.discount,
                l.name,
            ),
            lambda l: (l.product_id.id, frozenset(l.sale_line_ids.ids)),
            lambda l: l.product_id.id,
        )
        left = list(product_lines(self.reversed_entry_id))
        found = {}
        for key in keys:
            for line in product_lines(self):
                if line in found:
                    continue
                match = next((o for o in left if key(o) == key(line)), None)
                if match:
                    found[line] = match
                    left.remove(match)
        return found

    def action_view_incentive_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_incentive.action_sale_incentive_line_analysis"
        )
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {}
        return action
