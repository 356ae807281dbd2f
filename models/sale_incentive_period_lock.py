# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.tools import SQL


class SaleIncentivePeriodLock(models.Model):
    """One row per plan × beneficiary × period of a period-cumulative table:
    what two postings of that period lock before reading the period's total.

    A posting inserts or touches the row (``_lock_periods``) in its own
    transaction: a second posting of the same period waits for the first to
    end, and, when its snapshot is older than the first's commit, fails with
    a serialization error (Odoo retries the request from a fresh snapshot).
    So no two postings ever read the same total.  The row holds no figure:
    the total is the sum of the lines.
    """

    _name = "sale.incentive.period.lock"
    _description = "Sales Incentive Period Lock"
    _log_access = False

    plan_id = fields.Many2one(
        "sale.incentive.plan", required=True, readonly=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner", required=True, readonly=True, ondelete="cascade"
    )
    date_from = fields.Date(required=True, readonly=True)

    _sql_constraints = [
        (
            "period_unique",
            "UNIQUE(plan_id, partner_id, date_from)",
            "One lock per plan, beneficiary and period.",
        )
    ]

    @api.model
    def _lock_periods(self, keys):
        """Lock the periods ``keys`` ({(plan id, partner id, date_from)}) for
        the rest of the transaction, in a fixed order (no deadlock between
        two postings of several periods)."""
        if not keys:
            return
        # one upsert, its rows in key order: the one statement that both
        # waits for a concurrent holder and refuses a snapshot older than its
        # commit
        self.env.cr.execute(
            SQL(
                """INSERT INTO %(table)s (plan_id, partner_id, date_from)
                   VALUES %(rows)s
                   ON CONFLICT (plan_id, partner_id, date_from)
                   DO UPDATE SET date_from = EXCLUDED.date_from""",
                table=SQL.identifier(self._table),
                rows=SQL(", ").join(
                    SQL("(%s, %s, %s::date)", plan_id, partner_id, date_from)
                    for plan_id, partner_id, date_from in sorted(keys)
                ),
            ),
            log_exceptions=False,
        )
