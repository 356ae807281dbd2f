# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""18.0.1.1.0, once the tables are updated:

* the customer tiers of a database installed before
  ``sale.incentive.partner.tier`` existed (the company-dependent jsonb
  columns ``res_partner.incentive_tier_id`` and ``incentive_tier_locked``,
  ``{company id: value}``) move into that table, and those columns are
  dropped;
* period tables pay per line: the lines of period-cumulative tables still to
  settle get their increments (``pay_period_tables_per_line``);
* the forecast's scheduled action (kept on update) runs on
  ``sale.incentive.forecast``, which now writes the forecast
  (``move_forecast_cron``).
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, sql

from odoo.addons.sale_incentive.engine.periods import period_bounds

_logger = logging.getLogger(__name__)

OLD_COLUMNS = ("incentive_tier_id", "incentive_tier_locked")


def migrate(cr, version):
    if version:
        move_partner_tiers(cr)
        env = api.Environment(cr, SUPERUSER_ID, {})
        move_forecast_cron(env)
        pay_period_tables_per_line(env)


def move_forecast_cron(env):
    cron = env.ref("sale_incentive.ir_cron_incentive_forecast", False)
    if cron and cron.model_id.model != "sale.incentive.forecast":
        cron.model_id = env["ir.model"]._get("sale.incentive.forecast")


def move_partner_tiers(cr):
    present = [col for col in OLD_COLUMNS if sql.column_exists(cr, "res_partner", col)]
    if not present:
        return
    tier_json, locked_json = (
        SQL.identifier("p", col) if col in present else SQL("NULL")
        for col in OLD_COLUMNS
    )
    cr.execute(
        SQL(
            """INSERT INTO sale_incentive_partner_tier
                   (company_id, partner_id, tier_id, locked)
            SELECT c.id, p.id, t.id,
                   COALESCE((%(locked)s::jsonb ->> k.key)::boolean, FALSE)
              FROM res_partner p
             CROSS JOIN LATERAL jsonb_object_keys(
                   COALESCE(%(tier)s::jsonb, '{}'::jsonb)
                   || COALESCE(%(locked)s::jsonb, '{}'::jsonb)) AS k(key)
              JOIN res_company c ON c.id::text = k.key
              LEFT JOIN sale_incentive_customer_tier t
                     ON t.id = (%(tier)s::jsonb ->> k.key)::int
                    AND t.company_id = c.id
             WHERE (t.id IS NOT NULL
                    OR COALESCE((%(locked)s::jsonb ->> k.key)::boolean, FALSE))
            ON CONFLICT (partner_id, company_id) DO NOTHING""",
            tier=tier_json,
            locked=locked_json,
        )
    )
    _logger.info(
        "sale_incentive: %s customer tier(s) moved from res_partner to "
        "sale_incentive_partner_tier",
        cr.rowcount,
    )
    for column in present:
        cr.execute(
            SQL("ALTER TABLE res_partner DROP COLUMN %s", SQL.identifier(column))
        )


# ----------------------------------------------------------------------
# Period tables pay per line
# ----------------------------------------------------------------------
# Up to 18.0.1.0.0 a line of a period-cumulative table carried its base and
# amount 0: the settlement added table(period total) - table(part of the
# period already settled).  Since 18.0.1.1.0 each line carries its increment
# and the settlement adds no table: the lines not paid yet get theirs here.
# A line is paid when a posted (or paid) settlement took it: a settlement
# not posted yet either posts as it is (its own table component pays the
# table, its lines stay linked) or goes back to draft and is rebuilt by the
# next run, which then pays the lines' increments.


# what a difference line takes of the period's last unpaid line
DIFFERENCE_TEMPLATE = (
    "company_id",
    "plan_id",
    "rule_id",
    "user_id",
    "partner_id",
    "date",
    "period_date",
)


PAID_STATES = ("posted", "paid")


def _paid_domain():
    """The lines a posted (or paid) settlement took."""
    return [("settlement_line_id.settlement_id.state", "in", PAID_STATES)]


def _unpaid_domain():
    return [
        "|",
        ("settlement_line_id", "=", False),
        ("settlement_line_id.settlement_id.state", "not in", PAID_STATES),
    ]


def pay_period_tables_per_line(env):
    """For each rule x beneficiary x period with period-table lines not paid
    yet: those lines carry their increments over the period's total in line
    order (the paid lines count in it), and, where the paid part of the
    period makes them add up to something else than what the period still
    owes (table(period total) - table(paid part), what the old settlements
    paid), one line of base 0 carries the difference.  One period start at a
    time (memory stays flat); running it again changes nothing."""
    rules = (
        env["sale.incentive.rule"]
        .with_context(active_test=False)
        .search([("compute_type", "=", "bracket")])
        ._filtered_period()
    )
    lines = env["sale.incentive.line"].sudo()
    for plan, plan_rules in rules.grouped("plan_id").items():
        keys = _open_periods(lines, plan, plan_rules)
        for date_from in sorted({key[2] for key in keys}):
            _pay_periods(lines, plan, {key for key in keys if key[2] == date_from})
            env.invalidate_all()


def _open_periods(lines, plan, rules):
    """The (rule, beneficiary, period start) keys of ``rules`` with lines
    not paid yet."""
    groups = lines._read_group(
        [("rule_id", "in", rules.ids), ("kind", "!=", "forecast")] + _unpaid_domain(),
        ["rule_id", "partner_id", f"period_date:{plan.period}"],
    )
    return {
        (rule.id, partner.id, period_bounds(day, plan.period)[0])
        for rule, partner, day in groups
    }


def _line_values(line):
    """What ``_apply_period_tables`` reads of a line, and what it writes."""
    return {
        "id": line.id,
        "company_id": line.company_id.id,
        "plan_id": line.plan_id.id,
        "rule_id": line.rule_id.id,
        "user_id": line.user_id.id,
        "partner_id": line.partner_id.id,
        "kind": line.kind,
        "date": line.date,
        "period_date": line.period_date,
        "base_amount": line.base_amount,
        "share": line.share,
        "is_earned": line.is_earned,
        "origin_line_id": line.origin_line_id.id,
        "move_id": line.move_id.id,
        "payment_move_id": line.payment_move_id.id,
        "amount": line.amount,
        "bracket_id": line.bracket_id.id,
        "rate": line.rate,
        "explanation_data": line.explanation_data,
    }


def _pay_periods(lines, plan, keys):
    """Increments on the unpaid lines of the periods ``keys`` of ``plan``,
    then one difference line per period where they do not add up to what
    it owes."""
    records = lines.search(
        [("plan_id", "=", plan.id), ("kind", "!=", "forecast")]
        + lines.env["sale.incentive.period.table"]._get_period_table_domain(plan, keys),
        order="id",
    )
    unpaid = set(records.filtered_domain(_unpaid_domain())._ids)
    items = [
        (key, vals)
        for key, vals, _rule in lines.env[
            "sale.incentive.period.table"
        ]._get_period_table_items([_line_values(line) for line in records])
        if key in keys
    ]
    before = {vals["id"]: dict(vals) for _key, vals in items}
    # every line of the periods in order, from 0 (the paid ones only count):
    # the one definition of an increment
    lines.env["sale.incentive.period.table"]._apply_period_tables(
        [vals for _key, vals in items], dict.fromkeys(keys, 0)
    )
    owed, totals = _read_owed(lines, keys)
    last = {}
    for key, vals in items:
        if vals["id"] not in unpaid:
            continue
        old = before[vals["id"]]
        if (vals["amount"], vals["bracket_id"]) != (old["amount"], old["bracket_id"]):
            lines.browse(vals["id"]).write(
                {name: value for name, value in vals.items() if value != old.get(name)}
            )
        if vals["is_earned"]:
            owed[key] -= vals["amount"]
            last[key] = vals
    _write_differences(lines, {key: owed[key] for key in last}, totals, last)


def _read_owed(lines, keys):
    """({key: what the period owes: its table on its total, less what the
    old settlements' table paid on its paid part}, {key: its total})."""
    totals = lines.env["sale.incentive.period.table"]._read_period_table_totals(keys)
    paid = lines.env["sale.incentive.period.table"]._read_period_table_totals(
        keys, lambda plan: lines._get_earned_domain(plan) + _paid_domain()
    )
    rules = lines.env["sale.incentive.rule"].browse({key[0] for key in keys})
    owed = {
        key: rules.browse(key[0])._get_table_amount(totals[key])[0]
        - rules.browse(key[0])._get_table_amount(paid[key])[0]
        for key in keys
    }
    return owed, totals


def _write_differences(lines, owed, totals, last):
    """One line of base 0 per period whose unpaid lines do not add up to
    what it owes (``owed``: {key: what is left}; ``last``: {key: values of
    its last unpaid line})."""
    vals_list = []
    for key, left in owed.items():
        rule = lines.env["sale.incentive.rule"].browse(key[0])
        difference = rule.currency_id.round(left)
        if rule.currency_id.is_zero(difference):
            continue
        template = {name: last[key][name] for name in DIFFERENCE_TEMPLATE}
        vals_list.append(
            lines.env["sale.incentive.period.table"]._prepare_period_difference_vals(
                template,
                rule,
                (totals[key], rule._get_table_amount(totals[key])[0], difference),
                [lines.env["sale.incentive.explanation"]._part("upgrade_difference")],
            )
        )
    if vals_list:
        lines.env["sale.incentive.accrual"]._create_lines(vals_list)
        _logger.info(
            "sale_incentive: %s period table(s) trued up on upgrade", len(vals_list)
        )
