# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict
from itertools import accumulate

from odoo import api, models

from ..engine import proration

# what the clawbacks of an origin line add up to so far
NOTHING_CLAWED = {"part": 0.0, "amount": 0.0, "base_amount": 0.0}


class SaleIncentiveReversal(models.AbstractModel):
    """What undoes or earns accrued lines after they are written.

    * Credit notes: the clawback of the accrued lines a credit note line
      reverses, at their original rates, prorated by the share credited
      (``_prepare_clawback_vals``); successive partial credit notes add up to
      the whole to the cent.
    * Payments (paid basis): what each payment reconciled with an invoice
      earns of its accrued lines, and what an undone payment takes back
      (``_sync_payments``, called when partials are created or removed).
    """

    _name = "sale.incentive.reversal"
    _description = "Sales Incentive Reversal"

    # ------------------------------------------------------------------
    # What an origin line passes on to the lines that reverse or earn it
    # ------------------------------------------------------------------
    @api.model
    def _get_origin_vals(self, origin):
        """The values a clawback or payment line copies of the accrued line
        ``origin`` it reverses or earns."""
        return {
            "company_id": origin.company_id.id,
            "plan_id": origin.plan_id.id,
            "rule_id": origin.rule_id.id,
            "bracket_id": origin.bracket_id.id,
            "user_id": origin.user_id.id,
            "partner_id": origin.partner_id.id,
            "team_id": origin.team_id.id,
            "customer_id": origin.customer_id.id,
            "tier_id": origin.tier_id.id,
            "product_id": origin.product_id.id,
            "order_id": origin.order_id.id,
            "sale_line_id": origin.sale_line_id.id,
            "origin_line_id": origin.id,
            "share": origin.share,
            "rate": origin.rate,
        }

    # ------------------------------------------------------------------
    # Credit notes
    # ------------------------------------------------------------------
    @api.model
    def _find_origin_lines(self, refund_sources):
        """{source index: (accrued lines, invoice line)} a credit note line
        reverses.

        A reversal (``reversed_entry_id``) reverses the invoice line its credit
        note pairs it with; a return invoiced as a refund from an order, the
        latest invoice line of its order line.
        """
        pairs = {}
        for move in {s["move"] for s in refund_sources if s["move"].reversed_entry_id}:
            pairs.update(move._get_incentive_reversed_lines())
        candidates = self._get_origin_candidates(refund_sources, pairs)
        by_aml = candidates.grouped("move_line_id")
        by_sale_line = candidates.grouped("sale_line_id")
        no_lines = candidates.browse()
        found = {}
        for index, source in enumerate(refund_sources):
            aml = self.env["account.move.line"]
            if source["move"].reversed_entry_id:
                aml = pairs.get(source["move_line"], aml)
            elif source["sale_line"]:
                invoiced = by_sale_line.get(source["sale_line"], no_lines).move_line_id
                aml = invoiced.sorted("id")[-1:]
            found[index] = (by_aml.get(aml, no_lines) if aml else no_lines, aml)
        return found

    @api.model
    def _get_origin_candidates(self, refund_sources, pairs):
        """The accrued lines of the invoice lines reversed (``pairs``: {credit
        note line: invoice line}) and of the order lines of the credit note
        lines that reverse no entry."""
        reversed_amls = self.env["account.move.line"].union(*pairs.values())
        sale_lines = self.env["sale.order.line"].union(
            *(
                s["sale_line"]
                for s in refund_sources
                if s["sale_line"] and not s["move"].reversed_entry_id
            )
        )
        return self.env["sale.incentive.line"].search(
            [
                ("kind", "=", "invoice"),
                "|",
                ("move_line_id", "in", reversed_amls.ids),
                ("sale_line_id", "in", sale_lines.ids),
            ]
        )

    @api.model
    def _describe_move_lines(self, amls):
        """{invoice line: its source} of ``amls``, described in one batch."""
        return dict(zip(amls, amls._prepare_incentive_sources(), strict=True))

    @api.model
    def _prepare_clawback_vals(self, refund_sources, plans=None, skip=frozenset()):
        """Opposite lines of what credit notes reverse, at the original rates."""
        if not refund_sources:
            return []
        origins = self._find_origin_lines(refund_sources)
        invoiced, clawed = self._read_clawed_back(origins)
        vals_list = []
        plain = []
        for source, (lines, origin_aml) in zip(
            refund_sources, origins.values(), strict=True
        ):
            if not lines:
                plain.append(source)
                continue
            credited = self._get_credited_share(source, invoiced[origin_aml])
            vals_list += [
                self._claw_back(source, origin, credited, clawed[origin.id])
                for origin in self._filter_origins(source, lines, plans, skip)
            ]
        return vals_list + self.env[
            "sale.incentive.accrual"
        ]._prepare_lines_for_sources(plain, "refund", plans, skip)

    @api.model
    def _read_clawed_back(self, origins):
        """({invoice line: its source}, ``_get_clawed_back``) of the origin
        lines of ``origins`` (``_find_origin_lines``): the invoice lines
        reversed are described once for the batch (an origin line's invoice
        line is the one its credit note reverses)."""
        origin_lines = self.env["sale.incentive.line"].union(
            *(lines for lines, _aml in origins.values())
        )
        invoiced = self._describe_move_lines(origin_lines.move_line_id)
        return invoiced, self._get_clawed_back(origin_lines, invoiced)

    @api.model
    def _filter_origins(self, source, origins, plans, skip):
        """The ``origins`` the credit note line ``source`` claws back: those
        of ``plans`` (all when None) not accrued for its credit note yet
        (``skip``: (move id, plan id) pairs)."""
        return origins.filtered(
            lambda origin: (
                (source["move"].id, origin.plan_id.id) not in skip
                and (plans is None or origin.plan_id in plans)
            )
        )

    @api.model
    def _claw_back(self, source, origin, credited, done):
        """Values of the clawback of ``origin`` by ``source`` (``credited``:
        (part, whole)), counted in ``done`` (what the clawbacks of the origin
        add up to) for the next credit note line of the batch."""
        part, whole = credited
        vals = self._prepare_clawback_line_vals(source, origin, part, whole, done)
        done["part"] += part
        done["amount"] += vals["amount"]
        done["base_amount"] += vals["base_amount"]
        return vals

    @api.model
    def _get_credited_share(self, source, reversed_source):
        """(part, whole): the share of the invoice line described by
        ``reversed_source`` that the credit note line ``source`` credits,
        measured in the invoice's currency (a rate change since the invoice
        does not matter)."""
        key = (
            "amount_currency"
            if reversed_source["currency"] == source["currency"]
            else "revenue"
        )
        return abs(source[key]), abs(reversed_source[key])

    @api.model
    def _get_clawed_back(self, origins, invoiced):
        """{origin line id: {"part", "amount", "base_amount"}} what earlier
        credit notes credited of each origin's invoice line and clawed back of
        it (one read for all); ``invoiced``: {invoice line: its source}."""
        result = defaultdict(lambda: dict(NOTHING_CLAWED))
        if not origins:
            return result
        earlier = origins.search(
            [("origin_line_id", "in", origins.ids), ("kind", "=", "refund")]
        )
        sources = self._describe_move_lines(earlier.move_line_id)
        counted = set()
        for line in earlier:
            done = result[line.origin_line_id.id]
            done["amount"] += line.amount
            done["base_amount"] += line.base_amount
            # one credit note line credits its share once, whatever the
            # number of beneficiaries its clawback has
            key = (line.origin_line_id.id, line.move_line_id.id)
            if line.move_line_id and key not in counted:
                counted.add(key)
                done["part"] += self._get_credited_share(
                    sources[line.move_line_id],
                    invoiced[line.origin_line_id.move_line_id],
                )[0]
        return result

    @api.model
    def _prepare_clawback_line_vals(self, source, origin, part, whole, done=None):
        """Values of the clawback of ``part`` / ``whole`` of ``origin`` (hook):
        the origin's own commission prorated, so a full credit note nets 0.

        ``done``: what earlier credit notes credited (``part``) and clawed
        back (``amount``, ``base_amount``) of it; this one claws back what the
        credited total reaches less that, so successive partial credit notes
        add up to the whole to the cent (as successive payments earn it)."""
        currency = origin.currency_id
        done = done or NOTHING_CLAWED
        reached = done["part"] + part
        share = min(part / whole, 1.0) if whole else 1.0
        return {
            **self._get_origin_vals(origin),
            "kind": "refund",
            "is_earned": origin._is_earned_line("refund", origin.plan_id),
            "date": source["date"],
            "period_date": origin.period_date or origin.date,
            "move_id": source["move"].id,
            "move_line_id": source["move_line"].id,
            "quantity": -abs(source["quantity"]),
            "base_amount": self._prorate_origin(
                abs(origin.base_amount), currency, (reached, whole), done["base_amount"]
            ),
            "amount": self._prorate_origin(
                origin.amount, currency, (reached, whole), done["amount"]
            ),
            "explanation_data": self._get_clawback_explanation(origin, share),
        }

    @api.model
    def _get_clawback_explanation(self, origin, share):
        """'Clawback of <invoice>: <share> of <its amount>', as explanation
        parts."""
        return [
            self.env["sale.incentive.explanation"]._part(
                "clawback",
                origin=origin.move_id.name,
                ratio=share,
                amount=origin.amount,
            )
        ]

    @api.model
    def _prorate_origin(self, amount, currency, credited, done):
        """What a clawback takes back of ``amount`` when the credited total
        reaches ``credited`` (reached, whole), less what was ``done``."""
        reached, whole = credited
        return currency.round(
            -proration.prorate(amount, reached, whole, digits=currency.decimal_places)
            - done
        )

    # ------------------------------------------------------------------
    # Paid basis
    # ------------------------------------------------------------------
    @api.model
    def _sync_payments(self, moves):
        """Earn (or un-earn) the accrued lines of ``moves`` as payments reconcile.

        Per accrued line and per payment entry, what that payment earns
        (``proration.earned_increments``: exact, the last payment earns the
        remainder) is compared with the payment lines already written for it,
        and the difference is written at that payment's date. An undone
        payment earns nothing any more: its lines are reversed at their date.
        """
        accrued = self._get_paid_basis_lines(moves)
        if not accrued:
            return accrued
        written = self._read_payment_lines(accrued)
        # a period-table line earns its base; its amount is the increment of
        # its period's table (``_apply_period_tables``)
        tables = accrued.rule_id._filtered_period()
        vals_list = []
        for move, lines in accrued.grouped("move_id").items():
            payments = move._get_incentive_payments()
            for line in lines:
                target = self._get_earned_by_payment(line, move, payments)
                vals_list += self._prepare_payment_differences(
                    line, target, written[line], line.rule_id in tables
                )
        return self.env["sale.incentive.accrual"]._create_lines(vals_list)

    @api.model
    def _get_paid_basis_lines(self, moves):
        """The accrued lines (invoices and clawbacks) of ``moves`` under plans
        on the paid basis: what their payments earn."""
        return self.env["sale.incentive.line"].search(
            [
                ("move_id", "in", moves.ids),
                ("kind", "in", ("invoice", "refund")),
                ("plan_id.basis", "=", "paid"),
            ]
        )

    @api.model
    def _read_payment_lines(self, accrued):
        """{accrued line: {(payment entry, date): (amount, base)}} of the
        payment lines written so far (one grouped read)."""
        written = defaultdict(dict)
        for line, entry, date, amount, base in accrued._read_group(
            [("origin_line_id", "in", accrued.ids), ("kind", "=", "payment")],
            ["origin_line_id", "payment_move_id", "date:day"],
            ["amount:sum", "base_amount:sum"],
        ):
            written[line][(entry, date)] = (amount, base)
        return written

    @api.model
    def _prepare_payment_differences(self, line, target, done, table):
        """Payment line values of what each payment earns of ``line``
        (``target``: {(entry, date): (amount, base, share paid)}) beyond what
        is ``done`` ({(entry, date): (amount, base)}), payments in date order;
        ``table``: the line is of a period table (its base decides)."""
        currency = line.currency_id
        vals_list = []
        for key in sorted(target.keys() | done.keys(), key=lambda k: (k[1], k[0].id)):
            new_amount, new_base, paid = target.get(key, (0.0, 0.0, None))
            old_amount, old_base = done.get(key, (0.0, 0.0))
            amount = currency.round(new_amount - old_amount)
            base = currency.round(new_base - old_base)
            if currency.is_zero(base) and (table or currency.is_zero(amount)):
                continue
            vals_list.append(
                self._prepare_payment_line_vals(line, key, (amount, base), paid)
            )
        return vals_list

    @api.model
    def _get_earned_by_payment(self, line, move, payments):
        """{(payment entry, date): (amount, base, share paid so far)} that the
        payments of ``move`` earn of the accrued ``line``."""
        digits = line.currency_id.decimal_places
        paid = [amount for _entry, _date, amount in payments]
        total = move.amount_total
        amounts = proration.earned_increments(line.amount, total, paid, digits=digits)
        bases = proration.earned_increments(
            line.base_amount, total, paid, digits=digits
        )
        shares = [
            min(so_far / total, 1.0) if total else 1.0 for so_far in accumulate(paid)
        ]
        return {
            (payment[0], payment[1]): (amount, base, share)
            for payment, amount, base, share in zip(
                payments, amounts, bases, shares, strict=True
            )
        }

    @api.model
    def _prepare_payment_line_vals(self, line, key, earned, paid):
        """Values of what the payment ``entry`` earns (or, undone, takes back)
        of the accrued ``line`` on ``date`` (hook); ``key``: (entry, date);
        ``earned``: (amount, base); ``paid``: share of the invoice paid after
        it, ``None`` when undone."""
        (entry, date), (amount, base) = key, earned
        return {
            **self._get_origin_vals(line),
            "kind": "payment",
            "is_earned": line._is_earned_line("payment", line.plan_id),
            "date": date,
            "period_date": date,
            "move_id": line.move_id.id,
            "payment_move_id": entry.id,
            "base_amount": base,
            "amount": amount,
            "explanation_data": self._get_payment_explanation(
                line, entry, amount, paid
            ),
        }

    @api.model
    def _get_payment_explanation(self, line, entry, amount, paid):
        """'<ratio> of <invoice> paid (<payment>): <amount>', or what an undone
        payment takes back (``paid`` None), as explanation parts."""
        part = self.env["sale.incentive.explanation"]._part
        if paid is None:
            return [
                part(
                    "payment_undone",
                    payment=entry.name or "",
                    name=line.move_id.name,
                    amount=amount,
                )
            ]
        return [
            part(
                "payment",
                ratio=paid,
                name=line.move_id.name,
                payment=entry.name,
                amount=amount,
            )
        ]
