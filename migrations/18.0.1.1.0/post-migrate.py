# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""18.0.1.1.0, once the tables are updated: the customer tiers of a database
installed before ``sale.incentive.partner.tier`` existed (the
company-dependent jsonb columns ``res_partner.incentive_tier_id`` and
``incentive_tier_locked``, ``{company id: value}``) move into that table,
and those columns are dropped."""

import logging

from odoo.tools import SQL, sql

_logger = logging.getLogger(__name__)

OLD_COLUMNS = ("incentive_tier_id", "incentive_tier_locked")


def migrate(cr, version):
    if version:
        move_partner_tiers(cr)


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
