# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""18.0.1.1.0: Odoo's data layer back on the commission lines.

Run before Odoo updates the tables (it then adds every foreign key and the
link's index itself):

* the settlement link: the integer ``settlement_line_ref`` (no key) becomes
  the many2one ``settlement_line_id``; a database older still (linked by
  ``settlement_id`` and ``settlement_line_id``) keeps its links too;
* the line table back to PostgreSQL's fill factor; the single-column
  indexes earlier versions dropped stay dropped;
* rows pointing at records deleted while they had no key are repaired as
  the key's ``ondelete`` would have done, so that the keys can be added;
* the settlement numbers: the sequence becomes a no-gap one, continuing
  from the next number the standard one would have given.
"""

import logging

from odoo.tools import SQL, sql

_logger = logging.getLogger(__name__)

LINE = "sale_incentive_line"
COMPONENT = "sale_incentive_settlement_line"
# the columns that had no key: table, column, target table, ondelete
UNCHECKED = [
    row.split(maxsplit=3)
    for row in """
    sale_incentive_line move_line_id account_move_line cascade
    sale_incentive_line move_id account_move cascade
    sale_incentive_line company_id res_company restrict
    sale_incentive_line plan_id sale_incentive_plan restrict
    sale_incentive_line rule_id sale_incentive_rule set null
    sale_incentive_line user_id res_users restrict
    sale_incentive_line partner_id res_partner restrict
    sale_incentive_line customer_id res_partner restrict
    sale_incentive_line product_id product_product restrict
    sale_incentive_line team_id crm_team set null
    sale_incentive_line create_uid res_users set null
    sale_incentive_line write_uid res_users set null
    sale_incentive_partner_tier partner_id res_partner cascade
    sale_incentive_partner_tier company_id res_company cascade
    sale_incentive_partner_tier tier_id sale_incentive_customer_tier cascade
    """.strip().splitlines()
]
# indexes of earlier versions (plan and date share one composite index)
OBSOLETE_INDEXES = (
    "company_id",
    "kind",
    "is_earned",
    "team_id",
    "customer_id",
    "plan_id",
    "date",
)


def migrate(cr, version):
    if not version or not sql.table_exists(cr, LINE):
        return
    migrate_settlement_link(cr)
    cr.execute(SQL("ALTER TABLE %s RESET (fillfactor)", SQL.identifier(LINE)))
    for column in OBSOLETE_INDEXES:
        sql.drop_index(cr, sql.make_index_name(LINE, column), LINE)
    repair_references(cr)
    sequence_without_gaps(cr)


def migrate_settlement_link(cr):
    """``settlement_line_ref`` (or the older ``settlement_id``) into
    ``settlement_line_id``; a link to a component that no longer exists is
    dropped (the line is unsettled, as it was read before)."""
    if sql.column_exists(cr, LINE, "settlement_line_ref"):
        if sql.column_exists(cr, LINE, "settlement_line_id"):
            cr.execute(
                SQL(
                    "UPDATE %s SET settlement_line_id = settlement_line_ref "
                    "WHERE settlement_line_ref IS NOT NULL",
                    SQL.identifier(LINE),
                )
            )
            cr.execute(
                SQL(
                    "ALTER TABLE %s DROP COLUMN settlement_line_ref",
                    SQL.identifier(LINE),
                )
            )
        else:
            sql.rename_column(cr, LINE, "settlement_line_ref", "settlement_line_id")
    if sql.column_exists(cr, LINE, "settlement_id"):
        if not sql.column_exists(cr, LINE, "settlement_line_id"):
            sql.create_column(cr, LINE, "settlement_line_id", "int4")
        cr.execute(
            SQL(
                """UPDATE %(line)s l
                      SET settlement_line_id = (
                          SELECT MIN(c.id) FROM %(component)s c
                           WHERE c.settlement_id = l.settlement_id)
                    WHERE l.settlement_id IS NOT NULL
                      AND l.settlement_line_id IS NULL""",
                line=SQL.identifier(LINE),
                component=SQL.identifier(COMPONENT),
            )
        )
        cr.execute(
            SQL("ALTER TABLE %s DROP COLUMN settlement_id", SQL.identifier(LINE))
        )
    if sql.column_exists(cr, LINE, "settlement_line_id"):
        repair(cr, LINE, "settlement_line_id", COMPONENT, "set null")


def repair_references(cr):
    for table, column, target, ondelete in UNCHECKED:
        if sql.table_exists(cr, table) and sql.column_exists(cr, table, column):
            repair(cr, table, column, target, ondelete)


def repair(cr, table, column, target, ondelete):
    """Rows of ``table`` whose ``column`` points at no row of ``target``:
    deleted (cascade) or emptied (set null, or restrict on an optional
    column, the target being gone anyway).  A required restrict column is
    reported: its key cannot be added until the rows are fixed by hand."""
    orphan = SQL(
        "%(column)s IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM %(target)s t WHERE t.id = %(table)s.%(column)s)",
        column=SQL.identifier(column),
        target=SQL.identifier(target),
        table=SQL.identifier(table),
    )
    required = sql.table_columns(cr, table)[column]["is_nullable"] == "NO"
    if ondelete == "cascade":
        action = SQL("DELETE FROM %s WHERE %s", SQL.identifier(table), orphan)
    elif not required:
        action = SQL(
            "UPDATE %s SET %s = NULL WHERE %s",
            SQL.identifier(table),
            SQL.identifier(column),
            orphan,
        )
    else:
        cr.execute(
            SQL("SELECT count(*) FROM %s WHERE %s", SQL.identifier(table), orphan)
        )
        count = cr.fetchone()[0]
        if count:
            _logger.error(
                "%s: %s row(s) refer to a deleted %s in %s; the foreign key "
                "cannot be added until they are fixed",
                table,
                count,
                target,
                column,
            )
        return
    cr.execute(action)
    if cr.rowcount:
        _logger.warning(
            "%s: %s row(s) referred to a deleted %s in %s (%s)",
            table,
            cr.rowcount,
            target,
            column,
            ondelete,
        )


def sequence_without_gaps(cr):
    """The settlement sequence becomes a no-gap one (the data file says so)
    and goes on from the number the standard sequence would have drawn."""
    cr.execute(
        """SELECT s.id, s.number_increment
             FROM ir_sequence s
             JOIN ir_model_data d ON d.model = 'ir.sequence' AND d.res_id = s.id
            WHERE d.module = 'sale_incentive'
              AND d.name = 'seq_sale_incentive_settlement'
              AND s.implementation = 'standard'"""
    )
    row = cr.fetchone()
    if not row:
        return
    seq_id, increment = row
    name = f"ir_sequence_{seq_id:03d}"
    cr.execute("SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = %s", [name])
    if cr.fetchone():
        cr.execute(SQL("SELECT last_value, is_called FROM %s", SQL.identifier(name)))
        last_value, is_called = cr.fetchone()
        cr.execute(
            "UPDATE ir_sequence SET number_next = %s WHERE id = %s",
            [last_value + increment if is_called else last_value, seq_id],
        )
        cr.execute(SQL("DROP SEQUENCE %s", SQL.identifier(name)))
    cr.execute(
        "UPDATE ir_sequence SET implementation = 'no_gap' WHERE id = %s", [seq_id]
    )
