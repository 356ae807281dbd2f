# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import itertools
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..engine import tiers as tier_engine

TIER_WINDOW_PARAM = "sale_incentive.tier_window"


class SaleIncentiveCustomerTier(models.Model):
    """A customer tier (big / medium / small) by invoiced sales over a window.

    A commercial partner falls in the tier whose range contains its invoiced
    untaxed sales (company currency, converted into the tier's currency) over
    the window chosen in Settings: the trailing 12 months or the calendar year.
    """

    _name = "sale.incentive.customer.tier"
    _description = "Sales Incentive Customer Tier"
    _order = "company_id, min_amount desc, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Used by rule conditions and formulas (variable 'tier').",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        help="Currency of the thresholds; sales are converted at the "
        "recomputation date.",
    )
    min_amount = fields.Monetary(
        "Sales From", help="Invoiced untaxed sales from this amount (included)."
    )
    max_amount = fields.Monetary(
        "Sales Up To",
        help="Up to this amount (excluded). Zero: no upper limit.",
    )
    partner_count = fields.Integer(compute="_compute_partner_count")
    note = fields.Text()

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "A tier code must be unique per company.",
        )
    ]

    @api.constrains("min_amount", "max_amount", "company_id", "active")
    def _check_thresholds(self):
        for tier in self:
            if tier.min_amount < 0 or tier.max_amount < 0:
                raise ValidationError(self.env._("Tier thresholds cannot be negative."))
            if tier.max_amount and tier.max_amount <= tier.min_amount:
                raise ValidationError(
                    self.env._(
                        "Tier '%(name)s': the upper threshold must be above the "
                        "lower one.",
                        name=tier.name,
                    )
                )
        companies = self.company_id
        tiers = self.search([("company_id", "in", companies.ids)])
        for company in companies:
            ranges = sorted(
                (
                    (t.min_amount, t.max_amount or float("inf"), t)
                    for t in tiers.filtered(lambda t, c=company: t.company_id == c)
                ),
                key=lambda r: (r[0], r[1]),
            )
            for (_lo_a, hi_a, tier_a), (lo_b, _hi_b, tier_b) in itertools.pairwise(
                ranges
            ):
                if tier_a.currency_id != tier_b.currency_id:
                    raise ValidationError(
                        self.env._("All tiers of a company must use one currency.")
                    )
                if lo_b < hi_a:
                    raise ValidationError(
                        self.env._(
                            "Tiers '%(a)s' and '%(b)s' have overlapping thresholds.",
                            a=tier_a.name,
                            b=tier_b.name,
                        )
                    )

    def _compute_partner_count(self):
        counts = dict(
            self.env["sale.incentive.partner.tier"]._read_group(
                [("tier_id", "in", self.ids), ("partner_id.active", "=", True)],
                ["tier_id"],
                ["__count"],
            )
        )
        for tier in self:
            tier.partner_count = counts.get(tier, 0)

    # ------------------------------------------------------------------
    # Classification
    # ------------------------------------------------------------------
    @api.model
    def _get_window(self, date):
        """(date_from, date_to) of the sales window ending on ``date``."""
        window = (
            self.env["ir.config_parameter"].sudo().get_param(TIER_WINDOW_PARAM)
            or "trailing_12"
        )
        if window == "calendar_year":
            return date.replace(month=1, day=1), date.replace(month=12, day=31)
        return date - relativedelta(years=1) + relativedelta(days=1), date

    def _get_thresholds(self, company, date):
        """[(tier, low, high or None)] of ``self`` in company currency,
        converted once (one rate look-up per tier, not per partner)."""
        thresholds = []
        for tier in self:
            low = tier.currency_id._convert(
                tier.min_amount, company.currency_id, company, date, round=False
            )
            high = (
                tier.currency_id._convert(
                    tier.max_amount, company.currency_id, company, date, round=False
                )
                if tier.max_amount
                else None
            )
            thresholds.append((tier, low, high))
        return thresholds

    @api.model
    def _tier_for_amount(self, amount, thresholds):
        """The tier of ``thresholds`` (from ``_get_thresholds``) containing
        ``amount`` (company currency), or an empty recordset."""
        return tier_engine.tier_for_amount(amount, thresholds) or self.browse()

    @api.model
    def _get_invoiced_sales_query(self, company, date_from, date_to):
        """SQL of (partner_id, amount): the untaxed invoiced sales of each
        commercial partner of ``company`` in company currency, one GROUP BY."""
        query = self.env["account.move.line"]._search(
            [
                ("company_id", "=", company.id),
                ("parent_state", "=", "posted"),
                ("move_id.move_type", "in", ("out_invoice", "out_refund")),
                ("display_type", "=", "product"),
                ("invoice_date", ">=", date_from),
                ("invoice_date", "<=", date_to),
                ("partner_id", "!=", False),
            ]
        )
        query.groupby = SQL.identifier("account_move_line", "partner_id")
        return query.select(
            SQL.identifier("account_move_line", "partner_id"),
            SQL("-SUM(%s) AS amount", SQL.identifier("account_move_line", "balance")),
        )

    @api.model
    def _get_invoiced_sales(self, company, date_from, date_to, partners=None):
        """{commercial partner: untaxed invoiced sales} in one grouped query."""
        rows = self.env.execute_query(
            self._get_invoiced_sales_query(company, date_from, date_to)
        )
        sales = {
            self.env["res.partner"].browse(partner_id): float(amount)
            for partner_id, amount in rows
        }
        if partners is not None:
            sales = {p: amount for p, amount in sales.items() if p in partners}
        return sales

    @api.model
    def _recompute_partner_tiers(self, companies=None, date=None):
        """Classify the commercial partners of ``companies`` (batch).

        Partners with sales in the window or a tier already are classified;
        locked partners are left alone.  Returns the number of changes.
        """
        date = date or fields.Date.context_today(self)
        companies = companies or self.search([("company_id", "!=", False)]).company_id
        changed = 0
        for company in companies:
            tiers = self.search([("company_id", "=", company.id)])
            if tiers:
                changed += tiers._recompute_company_tiers(company, date)
        return changed

    def _recompute_company_tiers(self, company, date):
        """Classify the partners of one company with its tiers ``self``: the
        sales of the window read in one grouped query, the rows of
        ``sale.incentive.partner.tier`` (never the partners) read, the
        changes computed (``engine.tiers.classify``), then written in
        batches through ``create``/``write``/``unlink``.

        Partners with sales in the window or a tier already are classified
        (no sales: the tier of 0; no tier: the row goes); locked partners are
        left alone.  Returns the number of partners whose tier changed."""
        row_of, current = self._read_partner_tier_rows(company)
        sales = self._read_window_sales(company, *self._get_window(date))
        thresholds = [
            (tier.id, low, high)
            for tier, low, high in self._get_thresholds(company, date)
        ]
        partners = self._read_commercial_partners(sales.keys() | current.keys())
        changes = tier_engine.classify(sales, current, thresholds, partners)
        self._write_tier_changes(company, row_of, changes)
        return len(changes)

    @api.model
    def _read_partner_tier_rows(self, company):
        """({partner id: row id}, {partner id: (tier id or None, locked)})
        of the tier table of ``company`` (as superuser, in one query), the
        table locked against other writers until the end of the transaction:
        the recomputation creates the rows it found missing, no other
        transaction adds rows meanwhile (readers are not blocked)."""
        Rows = self.env["sale.incentive.partner.tier"].sudo()
        Rows.flush_model()
        self.env.cr.execute(
            SQL("LOCK TABLE %s IN EXCLUSIVE MODE", SQL.identifier(Rows._table))
        )
        columns = ("id", "partner_id", "tier_id", "locked")
        rows = self.env.execute_query(
            Rows._search([("company_id", "=", company.id)]).select(
                *(SQL.identifier(Rows._table, name) for name in columns)
            )
        )
        return {partner: row_id for row_id, partner, _tier, _locked in rows}, {
            partner: (tier, bool(locked)) for _row, partner, tier, locked in rows
        }

    @api.model
    def _read_window_sales(self, company, date_from, date_to):
        """{commercial partner id: untaxed invoiced sales} of the window."""
        rows = self.env.execute_query(
            self._get_invoiced_sales_query(company, date_from, date_to)
        )
        return {partner_id: float(amount) for partner_id, amount in rows}

    @api.model
    def _read_commercial_partners(self, partner_ids):
        """{partner id: active} of the commercial partners of ``partner_ids``
        (archived ones included), in one query."""
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        query = Partner._search([("id", "in", list(partner_ids))])
        query.add_where(SQL("res_partner.commercial_partner_id = res_partner.id"))
        return dict(
            self.env.execute_query(
                query.select(SQL("res_partner.id"), SQL("res_partner.active"))
            )
        )

    def _write_tier_changes(self, company, row_of, changes):
        """Write ``changes`` (``engine.tiers.TierChanges``) on the tier table
        of ``company`` (``row_of``: {partner id: its row id}): one
        ``create`` for the new rows, one ``write`` per tier for the changed
        ones, one ``unlink``."""
        rows = self.env["sale.incentive.partner.tier"].sudo()
        rows.create(
            [
                {"company_id": company.id, "partner_id": partner, "tier_id": tier}
                for partner, tier in changes.create.items()
            ]
        )
        moved = defaultdict(list)
        for partner, tier in changes.update.items():
            moved[tier].append(row_of[partner])
        for tier, row_ids in moved.items():
            rows.browse(row_ids).write({"tier_id": tier})
        rows.browse([row_of[partner] for partner in changes.remove]).unlink()
        self.env["res.partner"].invalidate_model(
            ["incentive_tier_id", "incentive_tier_locked"]
        )

    @api.model
    def _cron_recompute_partner_tiers(self):
        self._recompute_partner_tiers()

    def action_recompute_partner_tiers(self):
        if not self.env.user.has_group("sale_incentive.group_sale_incentive_admin"):
            raise AccessError(
                self.env._("Only sales incentive administrators recompute tiers.")
            )
        companies = self.company_id or self.env.companies
        changed = self._recompute_partner_tiers(companies)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Customer tiers recomputed: %(count)s customer(s) changed tier.",
                    count=changed,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("incentive_tier_id", "=", self.id)],
            "context": {"allowed_company_ids": self.company_id.ids},
        }
