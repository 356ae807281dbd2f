# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import models

from ..engine.periods import period_bounds

# the source documents of a statement, in print order
DOCUMENT_KINDS = ("forecast", "invoice", "refund", "payment")
# workflow steps of the approval trail, in order
TRAIL_STATES = ("submitted", "approved", "validated", "executive", "posted")


class SaleIncentiveLine(models.Model):
    _inherit = "sale.incentive.line"

    def _get_document(self):
        """The document the line comes from: the payment's entry, the
        invoice or credit note, else the order."""
        self.ensure_one()
        if self.kind == "payment":
            return self.payment_move_id or self.move_id
        return self.move_id or self.order_id


class SaleIncentiveSettlement(models.Model):
    _inherit = "sale.incentive.settlement"

    def _get_statement_documents(self):
        """The settlement's source lines grouped by document, in print order:
        [{"kind", "label", "document", "lines", "amount"}] (the statement's
        detail)."""
        self.ensure_one()
        kinds = dict(
            self.env["sale.incentive.line"]
            ._fields["kind"]
            ._description_selection(self.env)
        )
        self.check_access("read")
        # the documents' names, even those of payments the reader may not
        # open (a rep paid on collection): the statement is theirs to read
        groups = defaultdict(self.env["sale.incentive.line"].sudo)
        lines = self.sudo().incentive_line_ids
        for line in lines.sorted(lambda l: (l.date, l.id)):
            groups[(line.kind, line._get_document())] |= line
        order = {kind: index for index, kind in enumerate(DOCUMENT_KINDS)}
        return [
            {
                "kind": kind,
                "label": kinds.get(kind, kind),
                "document": document,
                "lines": lines,
                # the orders behind an invoice, a credit note or a payment
                "origin": ", ".join(
                    lines.order_id.filtered(lambda o, d=document: o != d).mapped("name")
                ),
                "amount": self.currency_id.round(sum(lines.mapped("amount"))),
            }
            for (kind, document), lines in sorted(
                groups.items(),
                key=lambda item: (
                    order.get(item[0][0], 9),
                    item[1][:1].date,
                    item[0][1].display_name or "",
                ),
            )
        ]

    def _get_approval_trail(self):
        """[(step label, user, datetime)]: who moved the settlement to each
        step of its workflow it has reached (submitted, approved, validated,
        executive approved, posted), and when."""
        self.ensure_one()
        labels = dict(self._fields["workflow_state"]._description_selection(self.env))
        order = [state for state, _label in self._fields["workflow_state"].selection]
        current = order.index(self.workflow_state)
        steps = []
        for state in TRAIL_STATES:
            user = self[f"{state}_by_id"]
            if user and order.index(state) <= current:
                steps.append((labels[state], user, self[f"{state}_date"]))
        return steps

    def _get_payment_info(self):
        """[(date, reference, amount)] of the payments reconciled with the
        settlement's payable (empty until paid)."""
        self.ensure_one()
        payments = []
        for line in self.sudo()._get_payable_lines():
            partials = [
                (partial, partial.debit_move_id.move_id)
                for partial in line.matched_debit_ids
            ] + [
                (partial, partial.credit_move_id.move_id)
                for partial in line.matched_credit_ids
            ]
            for partial, move in partials:
                reference = move.name
                if move.ref and move.ref != move.name:
                    reference = f"{move.name} ({move.ref})"
                payments.append((partial.max_date, reference, partial.amount))
        return payments

    def _get_statement_tables(self):
        """The table applied to its period's total, as the explanation of the
        period-table lines of the settlement: [{"rule", "date_from",
        "date_to", "total", "table", "before", "amount", "open"}], one per
        rule and period.  ``total``: the period's credited base now;
        ``table``: what the table pays on it, i.e. the sum of the period's
        lines: ``before`` (settled earlier), ``amount`` (this statement) and
        ``open`` (not settled yet)."""
        self.ensure_one()
        self.check_access("read")
        Line = self.env["sale.incentive.line"].sudo()
        mine = self.sudo().incentive_line_ids
        items = self.env["sale.incentive.period.table"]._get_period_table_items(
            [
                {
                    "rule_id": line.rule_id.id,
                    "kind": line.kind,
                    "partner_id": line.partner_id.id,
                    "date": line.date,
                    "period_date": line.period_date,
                }
                for line in mine
            ]
        )
        keys = {key for key, _vals, _rule in items}
        if not keys:
            return []
        totals = self.env["sale.incentive.period.table"]._read_period_table_totals(keys)
        rows = []
        for rule_id, partner_id, date_from in sorted(keys, key=lambda k: (k[2], k[0])):
            rule = self.env["sale.incentive.rule"].browse(rule_id)
            date_to = period_bounds(date_from, rule.plan_id.period)[1]
            lines = Line.search(
                Line._get_earned_domain(rule.plan_id)
                + self.env["sale.incentive.period.table"]._get_period_table_domain(
                    rule.plan_id, [(rule_id, partner_id, date_from)]
                )
            )
            currency = rule.currency_id
            table = rule._get_table_amount(totals[(rule_id, partner_id, date_from)])[0]
            amount = currency.round(sum((lines & mine).mapped("amount")))
            before = currency.round(
                sum(
                    lines.filtered(
                        lambda l: (
                            l.settlement_id
                            and l.settlement_id.id < self.id
                            and l.settlement_id.state != "cancel"
                        )
                    ).mapped("amount")
                )
            )
            rows.append(
                {
                    "rule": rule.name,
                    "date_from": date_from,
                    "date_to": date_to,
                    "total": totals[(rule_id, partner_id, date_from)],
                    "table": table,
                    "before": before,
                    "amount": amount,
                    "open": currency.round(table - before - amount),
                }
            )
        return rows
