# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging

from odoo import api, fields, models
from odoo.tools import SQL, Query
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)

# the company-dependent columns of res.partner that held the tiers before
OLD_COLUMNS = ("incentive_tier_id", "incentive_tier_locked")


class SaleIncentivePartnerTier(models.Model):
    """The customer tier of a partner in a company, and its manual lock.

    A lean table (primary key, the unique pair and the tier) that the daily
    recomputation writes in one statement, instead of rewriting the wide,
    heavily indexed partner table.  A partner reads its tier in the current
    company through ``res.partner.incentive_tier_id`` / ``incentive_tier_locked``.
    """

    _name = "sale.incentive.partner.tier"
    _description = "Sales Incentive Tier of a Customer"
    _order = "company_id, partner_id"
    _check_company_auto = True
    _rec_name = "partner_id"
    # lean: no create/write uid and date (two foreign keys checked per row)
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

    _sql_constraints = [
        (
            "company_partner_uniq",
            # leads with the partner: also the index of the partner's rows
            "unique(partner_id, company_id)",
            "A customer has one tier per company.",
        )
    ]

    def init(self):
        res = super().init()
        self._migrate_partner_columns()
        return res

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
                """SELECT partner_id, tier_id, locked
                     FROM sale_incentive_partner_tier
                    WHERE company_id = %s AND partner_id = ANY(%s)""",
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
