# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import api, models
from odoo.tools import formatLang

from ..engine.periods import period_bounds

try:
    from cn2an import an2cn
except ImportError:  # optional: Chinese amounts in words (as l10n_cn)
    an2cn = None

# The Chinese names of the currencies a statement is most often paid in (the
# names of the People's Bank of China's exchange rates).  Odoo's zh_CN unit
# labels do not name a currency ("元" is the unit of 22 dollars, USD
# included): a currency not listed here is named by its ISO code.
CHINESE_CURRENCY_NAMES = {
    "AED": "阿联酋迪拉姆",
    "AUD": "澳元",
    "BRL": "巴西雷亚尔",
    "CAD": "加元",
    "CHF": "瑞士法郎",
    "CNH": "离岸人民币",
    "CNY": "人民币",
    "DKK": "丹麦克朗",
    "EUR": "欧元",
    "GBP": "英镑",
    "HKD": "港元",
    "IDR": "印尼卢比",
    "INR": "印度卢比",
    "JPY": "日元",
    "KRW": "韩元",
    "MOP": "澳门元",
    "MXN": "墨西哥比索",
    "MYR": "林吉特",
    "NOK": "挪威克朗",
    "NZD": "新西兰元",
    "PHP": "菲律宾比索",
    "RUB": "卢布",
    "SAR": "沙特里亚尔",
    "SEK": "瑞典克朗",
    "SGD": "新加坡元",
    "THB": "泰铢",
    "TRY": "土耳其里拉",
    "TWD": "新台币",
    "USD": "美元",
    "VND": "越南盾",
    "ZAR": "南非兰特",
}

# the source documents of a statement, in print order
DOCUMENT_KINDS = ("forecast", "invoice", "refund", "payment")
# workflow steps of the approval trail, in order
TRAIL_STATES = ("submitted", "approved", "validated", "executive", "posted")


class SaleIncentiveSettlementStatement(models.AbstractModel):
    """The commission statement of a settlement (the PDF report
    ``sale_incentive.report_settlement``, the portal's download, the XLSX
    summary): what it reads beside the settlement's own fields.

    Odoo's report model (``report.<report_name>``): the template gets it as
    ``statement`` and calls ``statement._get_x(o)``; the settlement keeps the
    record, its workflow and its posting.
    """

    _name = "report.sale_incentive.report_settlement"
    _description = "Commission Statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        return {
            "doc_ids": docids,
            "doc_model": "sale.incentive.settlement",
            "docs": self.env["sale.incentive.settlement"].browse(docids),
            "statement": self,
        }

    @api.model
    def _get_document(self, line):
        """The document ``line`` comes from: the payment's entry, the
        invoice or credit note, else the order."""
        if line.kind == "payment":
            return line.payment_move_id or line.move_id
        return line.move_id or line.order_id

    @api.model
    def _get_documents(self, settlement):
        """The statement's detail: its source lines by document, in print
        order: [{"kind", "label", "document", "lines", "origin", "amount"}]."""
        env = settlement.env
        kinds = dict(
            env["sale.incentive.line"]._fields["kind"]._description_selection(env)
        )
        order = {kind: index for index, kind in enumerate(DOCUMENT_KINDS)}
        groups = self._group_by_document(settlement)
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
                "amount": settlement.currency_id.round(sum(lines.mapped("amount"))),
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

    @api.model
    def _group_by_document(self, settlement):
        """{(kind, document): lines} of the settlement's source lines, by
        date.  Read as superuser once the reader may read the settlement:
        the documents' names, even those of payments the reader may not open
        (a rep paid on collection), are theirs to read on their statement."""
        settlement.ensure_one()
        settlement.check_access("read")
        groups = defaultdict(settlement.env["sale.incentive.line"].sudo)
        for line in settlement.sudo().incentive_line_ids.sorted(
            lambda l: (l.date, l.id)
        ):
            groups[(line.kind, self._get_document(line))] |= line
        return groups

    @api.model
    def _get_approval_trail(self, settlement):
        """[(step label, user, datetime)]: who moved the settlement to each
        step of its workflow it has reached (submitted, approved, validated,
        executive approved, posted), and when."""
        settlement.ensure_one()
        field = settlement._fields["workflow_state"]
        labels = dict(field._description_selection(settlement.env))
        order = [state for state, _label in field.selection]
        current = order.index(settlement.workflow_state)
        return [
            (labels[state], settlement[f"{state}_by_id"], settlement[f"{state}_date"])
            for state in TRAIL_STATES
            if settlement[f"{state}_by_id"] and order.index(state) <= current
        ]

    @api.model
    def _get_payment_info(self, settlement):
        """[(date, reference, amount)] of the payments reconciled with the
        settlement's payable (empty until paid)."""
        settlement.ensure_one()
        payments = []
        for line in settlement.sudo()._get_payable_lines():
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

    @api.model
    def _get_tables(self, settlement):
        """Each period table applied to its period's total, the explanation
        of the settlement's period-table lines: [{"rule", "date_from",
        "date_to", "total", "table", "before", "amount", "open"}], one per
        rule and period (see ``_get_table_row``)."""
        settlement.ensure_one()
        settlement.check_access("read")
        tables = settlement.env["sale.incentive.period.table"]
        mine = settlement.sudo().incentive_line_ids
        items = tables._get_period_table_items(
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
        totals = tables._read_period_table_totals(keys)
        return [
            self._get_table_row(settlement, key, totals[key], mine)
            for key in sorted(keys, key=lambda k: (k[2], k[0]))
        ]

    @api.model
    def _get_table_row(self, settlement, key, total, mine):
        """The period ``key`` (rule id, partner id, date_from): ``total`` its
        credited base now, ``table`` what the table pays on it, i.e. the sum
        of the period's lines: ``before`` (settled earlier), ``amount`` (this
        statement, ``mine`` its lines) and ``open`` (not settled yet)."""
        rule = settlement.env["sale.incentive.rule"].browse(key[0])
        lines = settlement.env["sale.incentive.line"].sudo()
        lines = lines.search(
            lines._get_earned_domain(rule.plan_id)
            + settlement.env["sale.incentive.period.table"]._get_period_table_domain(
                rule.plan_id, [key]
            )
        )
        currency = rule.currency_id
        table = rule._get_table_amount(total)[0]
        amount = currency.round(sum((lines & mine).mapped("amount")))
        earlier = lines.settlement_id.filtered(
            lambda s: s.id < settlement.id and s.state != "cancel"
        )
        before = currency.round(
            sum(lines.filtered(lambda l: l.settlement_id in earlier).mapped("amount"))
        )
        return {
            "rule": rule.name,
            "date_from": key[2],
            "date_to": period_bounds(key[2], rule.plan_id.period)[1],
            "total": total,
            "table": table,
            "before": before,
            "amount": amount,
            "open": currency.round(table - before - amount),
        }

    @api.model
    def _amount_in_words(self, settlement, amount=None):
        """The amount (default: the payable) in words in the reader's
        language (the settlement's context), whatever the currency: for a
        Chinese reader, the currency's Chinese name and the amount in
        financial uppercase through cn2an (as ``l10n_cn``: 美元壹万贰仟元整),
        the figures when cn2an is not installed or the currency has more than
        two decimals (元, 角, 分 only); the reader's words
        (``res.currency.amount_to_text``) otherwise."""
        settlement.ensure_one()
        env = settlement.env
        currency = settlement.currency_id
        amount = currency.round(settlement.amount_payable if amount is None else amount)
        if (env.lang or "").startswith("zh"):
            if an2cn is None or currency.decimal_places > 2:
                return formatLang(env, amount, currency_obj=currency)
            name = CHINESE_CURRENCY_NAMES.get(currency.name, currency.name)
            return name + an2cn(f"{amount:.{currency.decimal_places}f}", "rmb")
        words = currency.amount_to_text(abs(amount))
        if amount < 0:
            return env._("Minus %(amount)s", amount=words)
        return words
