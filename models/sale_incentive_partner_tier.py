# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.tools import SQL, Query, sql

UNIQUE_INDEX = "sale_incentive_partner_tier_partner_company_uniq"


class SaleIncentivePartnerTier(models.Model):
    """The customer tier of a partner in a company, and its manual lock.

    A narrow table (partner, company, tier, lock) that the daily
    recomputation writes (``create``/``write``/``unlink`` in batches, the
    rows that change only), instead of rewriting the wide, heavily indexed
    partner table.  A partner reads its tier in the current
    company through ``res.partner.incentive_tier_id`` / ``incentive_tier_locked``.

    Its rows are a cache of the invoiced sales, with their foreign keys: a
    row dies with its partner, its company or its tier (the next
    recomputation classifies the customer again).
    """

    _name = "sale.incentive.partner.tier"
    _description = "Sales Incentive Tier of a Customer"
    _order = "company_id, partner_id"
    _check_company_auto = True
    _rec_name = "partner_id"
    # a cache rewritten by the recomputation: no log access columns
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
        ondelete="cascade",
        check_company=True,
    )
    locked = fields.Boolean(
        "Tier Locked",
        default=False,
        help="Keep the tier set by hand: the recomputation leaves it alone.",
    )

    def init(self):
        res = super().init()
        # one tier per customer and company; leads with the partner: also
        # the index of a partner's rows
        sql.create_unique_index(
            self.env.cr, UNIQUE_INDEX, self._table, ["partner_id", "company_id"]
        )
        return res

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
