# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Period tables pay per line.

A line of a period-cumulative bracket table (whole-amount 全额累进 or
marginal 超额累进, applied to the beneficiary's total of the plan period)
carries its increment of its period's table::

    amount = table(period total after the line) - table(period total before)

the period total being the credited base (``_get_credited_base``) of the
beneficiary's earned lines of that rule counting in the period (their
``period_date``: a clawback counts in the period of the sale it reverses, a
payment in its own).  The increments of a period telescope: the sum of its
lines is what its table pays on its total, on every screen.  A credit note,
an undone payment or a late document writes its increment in the period it
counts in; if that period is settled, the line is an older unsettled line the
next settlement takes: the true-up.
"""

from odoo import api, models
from odoo.tools import SQL

from ..engine.periods import period_bounds


class SaleIncentivePeriodTable(models.AbstractModel):
    """The lines of period-cumulative tables: each line's increment of its
    period's table, their forecast, and the true-up of a period whose
    documents left it."""

    _name = "sale.incentive.period.table"
    _description = "Sales Incentive Period Table"

    @api.model
    def _get_period_table_key(self, vals, rule):
        """(rule id, beneficiary id, first day of the period) the line values
        ``vals`` of the period-table ``rule`` count in."""
        day = vals.get("period_date") or vals["date"]
        return (rule.id, vals["partner_id"], period_bounds(day, rule.plan_id.period)[0])

    @api.model
    def _get_period_table_items(self, vals_list, forecast=False):
        """[(key, vals, rule)] of the line values of period-table rules in
        ``vals_list``: the forecast ones or the others."""
        rules = (
            self.env["sale.incentive.rule"]
            .browse({vals["rule_id"] for vals in vals_list if vals.get("rule_id")})
            ._filtered_period()
        )
        items = []
        for vals in vals_list:
            if vals.get("rule_id") in rules._ids and (
                (vals["kind"] == "forecast") == forecast
            ):
                rule = rules.browse(vals["rule_id"])
                items.append((self._get_period_table_key(vals, rule), vals, rule))
        return items

    @api.model
    def _apply_period_tables(self, vals_list, totals=None):
        """Give each line of a period-table rule in ``vals_list`` (not
        forecasts) its increment of its period's table, in order; return
        ``vals_list``.

        The periods are locked first (``sale.incentive.period.lock``), then
        their totals read; ``totals``: {key: total} kept for a batch written
        in several calls (a posting's chunks), so the lines of one period
        accumulate in order.  A line not earned yet (accrued on the paid
        basis) shows what it would add now, without adding to the total.  A
        line without base adds nothing to its period: it keeps its amount (a
        true-up, ``_true_up_period_tables``).
        """
        items = [
            item
            for item in self._get_period_table_items(vals_list)
            if item[1]["base_amount"]
        ]
        if not items:
            return vals_list
        totals = self._read_locked_totals(items, {} if totals is None else totals)
        for key, vals, rule in items:
            before = totals[key]
            after = self._add_to_period(rule, before, vals)
            if vals["is_earned"]:
                totals[key] = after
            vals.update(self._prepare_period_table_vals(vals, rule, before, after))
        return vals_list

    @api.model
    def _read_locked_totals(self, items, totals):
        """``totals`` ({key: period total}) completed with the periods of
        ``items`` it lacks, each locked before its total is read."""
        missing = {key for key, _vals, _rule in items} - totals.keys()
        if missing:
            self._lock_period_keys(missing)
            totals.update(self._read_period_table_totals(missing))
        return totals

    @api.model
    def _add_to_period(self, rule, total, vals):
        """The period total of ``rule`` once the line values ``vals`` add
        their credited base to ``total``."""
        line_model = self.env["sale.incentive.line"]
        return rule.currency_id.round(total + line_model._get_credited_base(vals))

    @api.model
    def _lock_period_keys(self, keys):
        """Lock the periods of ``keys`` (rule, beneficiary, period start):
        two postings never read the same period total."""
        rules = self.env["sale.incentive.rule"].browse({key[0] for key in keys})
        self.env["sale.incentive.period.lock"].sudo()._lock_periods(
            {
                (rules.browse(rule_id).plan_id.id, partner_id, date_from)
                for rule_id, partner_id, date_from in keys
            }
        )

    @api.model
    def _apply_period_forecast(self, vals_list):
        """Forecast of period tables: each order's increment on top of what
        is already earned and forecast in its period, in order.

        Each order counts once: by its forecast while it has one (an
        invoiced order's earned lines are not counted again), else by its
        earned lines; the orders of ``vals_list`` by their new values."""
        items = self._get_period_table_items(vals_list, forecast=True)
        if not items:
            return vals_list
        keys = {key for key, _vals, _rule in items}
        orders = {vals["order_id"] for _key, vals, _rule in items if vals["order_id"]}
        totals = self._read_period_table_totals(
            keys,
            self.env["sale.incentive.line"]._get_forecast_domain,
            exclude_orders=orders,
        )
        forecast_orders = self._get_period_table_orders(keys)
        earned = self._read_period_table_totals(
            keys, exclude_orders=orders | forecast_orders
        )
        for key in keys:
            totals[key] += earned[key]
        for key, vals, rule in items:
            before = totals[key]
            after = totals[key] = self._add_to_period(rule, before, vals)
            vals.update(self._prepare_period_table_vals(vals, rule, before, after))
        return vals_list

    @api.model
    def _get_period_table_domain(self, plan, keys):
        """Domain of the lines of ``plan`` of the (rule, beneficiary) pairs
        of ``keys`` counting in the periods of ``keys`` (and between them)."""
        starts = [date_from for _rule, _partner, date_from in keys]
        return [
            ("rule_id", "in", list({rule_id for rule_id, _p, _d in keys})),
            ("partner_id", "in", list({partner_id for _r, partner_id, _d in keys})),
            ("period_date", ">=", min(starts)),
            ("period_date", "<=", period_bounds(max(starts), plan.period)[1]),
        ]

    @api.model
    def _group_keys_by_plan(self, keys):
        """[(plan, its keys)] of the keys (rule id, beneficiary id, period
        start) ``keys``."""
        rules = self.env["sale.incentive.rule"].browse({key[0] for key in keys})
        return [
            (plan, [key for key in keys if key[0] in plan_rules._ids])
            for plan, plan_rules in rules.grouped("plan_id").items()
        ]

    @api.model
    def _read_period_table_totals(self, keys, domain_of=None, exclude_orders=()):
        """{key: the credited base counting in that period} of the earned
        lines (or of the lines of ``domain_of(plan)``) of each (rule,
        beneficiary, period start) of ``keys``, except those of
        ``exclude_orders`` (ids): one grouped query per plan."""
        line_model = self.env["sale.incentive.line"]
        totals = dict.fromkeys(keys, 0.0)
        line_model.sudo().flush_model()
        for plan, plan_keys in self._group_keys_by_plan(keys):
            domain = (
                domain_of(plan) if domain_of else line_model._get_earned_domain(plan)
            ) + self._get_period_table_domain(plan, plan_keys)
            if exclude_orders:
                domain += [
                    "|",
                    ("order_id", "=", False),
                    ("order_id", "not in", list(exclude_orders)),
                ]
            for rule_id, partner_id, date_from, base in self._query_period_bases(
                plan, domain
            ):
                if (rule_id, partner_id, date_from) in totals:
                    totals[(rule_id, partner_id, date_from)] = plan.currency_id.round(
                        base or 0.0
                    )
        return totals

    @api.model
    def _query_period_bases(self, plan, domain):
        """[(rule id, beneficiary id, period start, credited base)] of the
        lines of ``domain``, by period of ``plan`` (one query)."""
        line_model = self.env["sale.incentive.line"]
        query = line_model.sudo()._search(domain)
        self.env.cr.execute(
            SQL(
                """SELECT sale_incentive_line.rule_id,
                          sale_incentive_line.partner_id,
                          date_trunc(%s, sale_incentive_line.period_date)::date,
                          SUM(%s)
                     FROM %s WHERE %s GROUP BY 1, 2, 3""",
                plan.period,
                line_model._credited_base_sql(),
                query.from_clause,
                query.where_clause,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _get_period_table_orders(self, keys):
        """Ids of the orders with forecast lines in the periods of ``keys``."""
        line_model = self.env["sale.incentive.line"].sudo()
        orders = set()
        for plan, plan_keys in self._group_keys_by_plan(keys):
            groups = line_model._read_group(
                line_model._get_forecast_domain(plan)
                + self._get_period_table_domain(plan, plan_keys),
                ["order_id"],
            )
            orders.update(order.id for (order,) in groups if order)
        return orders

    @api.model
    def _prepare_period_table_vals(self, vals, rule, before, after):
        """What a line of the period-table ``rule`` carries when its period's
        total goes from ``before`` to ``after``: its increment of the table,
        the bracket reached and the explanation."""
        currency = rule.currency_id
        paid_before, _bracket = rule._get_table_amount(before)
        table, bracket = rule._get_table_amount(after)
        increment = currency.round(table - paid_before)
        return {
            "amount": increment,
            "bracket_id": bracket.id,
            "rate": bracket.rate,
            "explanation_data": self._get_period_table_explanation(
                vals, rule, bracket, (after, table, increment)
            ),
        }

    @api.model
    def _get_period_table_explanation(self, vals, rule, bracket, figures):
        """'…; the month reaches 1,050,000.00: 3 % on the whole month
        (31,500.00), +23,500.00', as explanation parts; ``figures``: (period
        total, what the table pays on it, the line's increment)."""
        total, table, increment = figures
        return [
            self.env["sale.incentive.explanation"]._part(
                "period_table",
                line=self._get_period_line_label(vals),
                period=rule.plan_id.period,
                total=total,
                how=self._get_bracket_label(rule, bracket),
                table=table,
                increment=increment,
            )
        ]

    @api.model
    def _get_bracket_label(self, rule, bracket):
        """How the table of ``rule`` pays at ``bracket`` ('3% on the whole
        month', '3% above 100,000.00', 'below the first bracket'), as
        explanation parts."""
        part = self.env["sale.incentive.explanation"]._part
        if not bracket:
            return [part("bracket_none")]
        if rule.bracket_mode == "whole":
            return [
                part("bracket_whole", rate=bracket.rate, period=rule.plan_id.period)
            ]
        return [part("bracket_above", rate=bracket.rate, lower=bracket.amount_from)]

    @api.model
    def _get_period_line_label(self, vals):
        """What the line itself is, in its period-table explanation (parts):
        its own explanation, or for a clawback or a payment its document and
        base."""
        if not vals.get("origin_line_id"):
            return vals["explanation_data"]
        document = self.env["account.move"].browse(
            vals.get("payment_move_id") or vals.get("move_id")
        )
        return [
            self.env["sale.incentive.explanation"]._part(
                "document_base", document=document.name or "", base=vals["base_amount"]
            )
        ]

    # ------------------------------------------------------------------
    # Lines removed from a period (an invoice reset to draft, a recompute)
    # ------------------------------------------------------------------
    @api.model
    def _unlink_from_periods(self, lines):
        """Delete ``lines`` (an invoice reset to draft, a recompute) and true
        up the periods of period tables they leave
        (``_true_up_period_tables``): what each period pays still equals its
        table."""
        removed = {
            key: vals
            for key, vals, _rule in self._get_period_table_items(
                [
                    {
                        "rule_id": line.rule_id.id,
                        "kind": line.kind,
                        "partner_id": line.partner_id.id,
                        "date": line.date,
                        "period_date": line.period_date,
                        "company_id": line.company_id.id,
                        "plan_id": line.plan_id.id,
                        "user_id": line.user_id.id,
                    }
                    for line in lines.sudo()
                    if line.is_earned
                ]
            )
        }
        lines.unlink()
        if removed:
            self._true_up_period_tables(removed)

    @api.model
    def _true_up_period_tables(self, periods):
        """Write, for each period of ``periods`` ({key: values of one of its
        lines}) whose lines no longer add up to its table, one line of the
        difference (base 0), so the period pays its table again."""
        self.env["sale.incentive.period.lock"].sudo()._lock_periods(
            {
                (vals["plan_id"], vals["partner_id"], key[2])
                for key, vals in periods.items()
            }
        )
        totals = self._read_period_table_totals(periods.keys())
        paid = self._read_period_table_amounts(periods.keys())
        rules = self.env["sale.incentive.rule"].browse({key[0] for key in periods})
        vals_list = []
        for key, vals in periods.items():
            rule = rules.browse(key[0])
            table = rule._get_table_amount(totals[key])[0]
            difference = rule.currency_id.round(table - paid[key])
            if rule.currency_id.is_zero(difference):
                continue
            vals_list.append(
                self._prepare_period_difference_vals(
                    vals,
                    rule,
                    (totals[key], table, difference),
                    [self.env["sale.incentive.explanation"]._part("documents_left")],
                )
            )
        return self.env["sale.incentive.accrual"]._create_lines(vals_list)

    @api.model
    def _prepare_period_difference_vals(self, vals, rule, figures, reason):
        """Values of the line of base 0 that carries a period's difference
        (``figures``: its total, what the table pays on it, the difference)
        so that the period pays its table again; ``vals``: values of one of
        the period's lines, ``reason``: why the period was off (explanation
        parts)."""
        total, _table, difference = figures
        bracket = rule._get_table_amount(total)[1]
        line_model = self.env["sale.incentive.line"]
        return dict(
            vals,
            kind="invoice",
            is_earned=line_model._is_earned_line("invoice", rule.plan_id, True),
            base_amount=0.0,
            share=100.0,
            amount=difference,
            bracket_id=bracket.id,
            rate=bracket.rate,
            explanation_data=self._get_period_table_explanation(
                {"explanation_data": reason}, rule, bracket, figures
            ),
        )

    @api.model
    def _read_period_table_amounts(self, keys):
        """{key: the amount of the earned lines counting in that period}."""
        line_model = self.env["sale.incentive.line"].sudo()
        amounts = dict.fromkeys(keys, 0.0)
        for plan, plan_keys in self._group_keys_by_plan(keys):
            for rule, partner, day, amount in line_model._read_group(
                line_model._get_earned_domain(plan)
                + self._get_period_table_domain(plan, plan_keys),
                ["rule_id", "partner_id", f"period_date:{plan.period}"],
                ["amount:sum"],
            ):
                key = (rule.id, partner.id, period_bounds(day, plan.period)[0])
                if key in amounts:
                    amounts[key] = amount
        return amounts
