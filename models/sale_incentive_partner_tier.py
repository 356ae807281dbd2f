# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging

from odoo import api, fields, models
from odoo.tools import SQL, Query, sql
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)

# the company-dependent columns of res.partner that held the tiers before
OLD_COLUMNS = ("incentive_tier_id", "incentive_tier_locked")
UNIQUE_INDEX = "sale_incentive_partner_tier_partner_company_uniq"


class SaleIncentivePartnerTier(models.Model):
    """The customer tier of a partner in a company, and its manual lock.

    A lean table (primary key, the unique pair and the tier) that the daily
    recomputation writes in one statement, instead of rewriting the wide,
    heavily indexed partner table.  A partner reads its tier in the current
    company through ``res.partner.incentive_tier_id`` / ``incentive_tier_locked``.

    The table is created by :meth:`init` without foreign keys: a first
    classification writes a row per customer, and three key checks per row
    (partner, company, tier) cost four times the row itself.  What the keys
    would do is done by the code that deletes their targets
    (:meth:`_forget`, called when a partner, a tier or a company is deleted),
    and a row whose tier is gone reads as no tier.  The rows are a cache of
    the invoiced sales: the next recomputation rewrites them anyway.
    """

    _name = "sale.incentive.partner.tier"
    _description = "Sales Incentive Tier of a Customer"
    _order = "company_id, partner_id"
    _check_company_auto = True
    _rec_name = "partner_id"
    # the table is init()'s: no foreign keys, no log access columns
    _auto = False
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        ondelete="cascade",
    )
    tier_id = fields.Many2one(
        "sale.incentive.customer.tier",
        "Customer Tier",
        ondelete="set null",
        check_company=True,
    )
    locked = fields.Boolean(
        "Tier Locked",
        default=False,
        help="Keep the tier set by hand: the recomputation leaves it alone.",
    )

    def init(self):
        res = super().init()
        cr = self.env.cr
        cr.execute(
            SQL(
                """CREATE TABLE IF NOT EXISTS %(table)s (
                       id SERIAL PRIMARY KEY,
                       company_id INTEGER NOT NULL,
                       partner_id INTEGER NOT NULL,
                       tier_id INTEGER,
                       locked BOOLEAN NOT NULL DEFAULT FALSE)""",
                table=SQL.identifier(self._table),
            )
        )
        # one tier per customer and company; leads with the partner: also
        # the index of a partner's rows
        sql.create_unique_index(
            cr, UNIQUE_INDEX, self._table, ["partner_id", "company_id"]
        )
        self._migrate_partner_columns()
        return res

    @api.model
    def _forget(self, fname, records):
        """Do what a foreign key to ``records`` would on delete: the rows of
        deleted partners and companies go, a deleted tier is cleared (and a
        row left without tier or lock goes)."""
        if not records:
            return
        self.flush_model()
        if fname == "tier_id":
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET tier_id = NULL WHERE tier_id = ANY(%s)",
                    SQL.identifier(self._table),
                    records.ids,
                )
            )
            where = SQL("tier_id IS NULL AND NOT locked")
        else:
            where = SQL("%s = ANY(%s)", SQL.identifier(fname), records.ids)
        self.env.cr.execute(
            SQL("DELETE FROM %s WHERE %s", SQL.identifier(self._table), where)
        )
        self.invalidate_model()
        self.env["res.partner"].invalidate_model(
            ["incentive_tier_id", "incentive_tier_locked"]
        )

    def _migrate_partner_columns(self):
        """Move the tiers of a database installed before this table (the
        company-dependent jsonb columns ``res_partner.incentive_tier_id`` and
        ``incentive_tier_locked``, ``{company id: value}``) into this table,
        then drop those columns: done once, their data lives here now."""
        cr = self.env.cr
        present = [col for col in OLD_COLUMNS if column_exists(cr, "res_partner", col)]
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
            "sale_incentive: %s customer tier(s) moved from res_partner to %s",
            cr.rowcount,
            self._table,
        )
        for column in present:
            cr.execute(
                SQL(
                    "ALTER TABLE res_partner DROP COLUMN %s",
                    SQL.identifier(column),
                )
            )

    @api.model
    def _get_tiers(self, partner_ids, company):
        """{partner id: (tier id or None, locked)} of the partners
        ``partner_ids`` in ``company``: one query for the whole batch,
        whoever reads (a partner's tier is read like the partner)."""
        if not partner_ids:
            return {}
        self.flush_model(["company_id", "partner_id", "tier_id", "locked"])
        rows = self.env.execute_query(
            SQL(
                """SELECT r.partner_id, t.id, r.locked
                     FROM sale_incentive_partner_tier r
                     LEFT JOIN sale_incentive_customer_tier t ON t.id = r.tier_id
                    WHERE r.company_id = %s AND r.partner_id = ANY(%s)""",
                company.id,
                list(partner_ids),
            )
        )
        return {
            partner_id: (tier_id, bool(locked)) for partner_id, tier_id, locked in rows
        }

    @api.model
    def _set_tiers(self, partners, company, values):
        """Write ``values`` (``tier_id`` or ``locked``) on the rows of
        ``partners`` in ``company``; a value set on a partner without a row
        creates it, a row left with no tier and no lock is removed.  The
        caller checks the rights (``res.partner._check_incentive_credit_access``)."""
        if not partners:
            return
        Rows = self.sudo()
        rows = Rows.search(
            [("company_id", "=", company.id), ("partner_id", "in", partners.ids)]
        )
        rows.write(values)
        if any(values.values()):
            Rows.create(
                [
                    dict(values, company_id=company.id, partner_id=partner.id)
                    for partner in partners - rows.partner_id
                ]
            )
        rows.filtered(lambda row: not row.tier_id and not row.locked).unlink()

    @api.model
    def _partner_domain(self, fname, operator, value):
        """Domain on res.partner: their row's ``fname`` in the current
        company satisfies ``(operator, value)``; no row reads as empty."""
        negative = operator in ("!=", "<>", "not in", "not like", "not ilike")
        if negative:
            operator = {
                "!=": "=",
                "<>": "=",
                "not in": "in",
                "not like": "like",
                "not ilike": "ilike",
            }[operator]
        # does the (positive) condition hold for an empty value?
        if isinstance(value, Query | SQL):  # a sub-query: ids of tiers
            empty = False
        else:
            values = value if isinstance(value, list | tuple) else [value]
            empty = operator in ("=", "in") and any(not v for v in values)
        rows = self.sudo().with_context(active_test=False)
        company = [("company_id", "=", self.env.company.id)]
        matching = rows._search(company + [(fname, operator, value)])
        partner_ids = matching.subselect("partner_id")
        domain = [("id", "not in" if negative else "in", partner_ids)]
        if empty:  # the partners without a row match too
            every = rows._search(company).subselect("partner_id")
            if negative:
                domain = ["&", *domain, ("id", "in", every)]
            else:
                domain = ["|", *domain, ("id", "not in", every)]
        return domain
