# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import coefficients, periods
from ..models.sale_incentive_period_mixin import PERIOD_SELECTION

# settlement components that no commission line carries: computed from the
# team's or the company's figures when the period is settled
# (kpipay: the KPI-scored amount is paid by the settlement too, no line)
TEAM_COMPONENTS = ("override", "pool", "award", "kpi_amount")
# what a row is (from its lines, else from its settlements' team components)
ROW_KEYS = (
    "company_id",
    "plan_id",
    "period",
    "date_from",
    "date_to",
    "partner_id",
    "user_id",
    "team_id",
)
# the money of a row's commission lines (0 on a row of team components only)
LINE_AMOUNTS = ("achieved", "forecast", "earned", "settled", "paid")


class SaleIncentivePeriodReport(models.Model):
    """My Commissions by period: one row per plan, beneficiary and period of
    the plan, from the commission lines dated in it.

    Each money column is one fact of ``sale.incentive.line``, filtered by the
    SQL that the ORM builds from its one definition (``_get_earned_domain``,
    settled = linked to a settlement); the SQL is rebuilt at every read
    (``_table_query``), so it follows those definitions.  The target comes
    from ``plan._get_incentive_targets`` and the next payout date from the
    settlement's payable, both computed in Python.
    """

    _name = "sale.incentive.period.report"
    _inherit = ["sale.incentive.projected.mixin"]
    _description = "Commissions by Period"
    _auto = False
    _order = "date_from desc, plan_id"
    _rec_name = "date_from"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    plan_id = fields.Many2one("sale.incentive.plan", readonly=True)
    period = fields.Selection(
        PERIOD_SELECTION,
        readonly=True,
    )
    date_from = fields.Date("Period Start", readonly=True)
    date_to = fields.Date("Period End", readonly=True)
    partner_id = fields.Many2one("res.partner", "Beneficiary", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    base_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_base_currency_id",
        help="The currency of the target and of what is achieved; none when "
        "the plan's base is a quantity (units are not money).",
    )
    achieved = fields.Monetary(
        currency_field="base_currency_id",
        readonly=True,
        help="Earned base credited to the beneficiary in the period (what the "
        "target measures).",
    )
    forecast = fields.Monetary(
        readonly=True,
        help="Commission expected from the orders confirmed in the period, "
        "invoiced or not (never added to what is earned).",
    )
    earned = fields.Monetary(
        readonly=True, help="Commission earned in the period (what settlements pay)."
    )
    settled = fields.Monetary(
        readonly=True, help="Part of the earned commission taken by a settlement."
    )
    paid = fields.Monetary(
        readonly=True, help="Part of the earned commission whose settlement is paid."
    )
    team_amount = fields.Monetary(
        "Override & Awards",
        readonly=True,
        help="What the period's settlements pay on top of the commission lines "
        "(not in Earned): a team leader's override of the team's sales, a "
        "share of the team's pool, awards, the KPI-scored amount.",
    )
    target = fields.Monetary(
        compute="_compute_target", currency_field="base_currency_id"
    )
    achievement = fields.Float(
        "% of Target",
        compute="_compute_target",
        help="Achieved / target.",
    )
    is_open_period = fields.Boolean(
        "Open Period",
        compute="_compute_projected_payout",
        help="The period containing today, not closed yet.",
    )
    projected_payout = fields.Monetary(
        compute="_compute_projected_payout",
        help="Open period only: what the settlement would pay now if the "
        "period closed today -- the settlement's own run with the gate, "
        "coefficients, caps, overrides, releases and adjustments, net of the "
        "holdback (the part paid now; zero when the total is carried "
        "forward).  Nothing is written: the run is rolled back.  Closed "
        "periods show nothing: their settlements are in My Settlements.",
    )
    next_payout_date = fields.Date(
        compute="_compute_next_payout_date",
        help="Due date of the unpaid payout of the settlements of the period.",
    )

    # ------------------------------------------------------------------
    # SQL
    # ------------------------------------------------------------------
    @api.model
    def _fact_where(self, domain):
        """WHERE clause of ``domain`` on ``sale_incentive_line`` (no rules)."""
        query = self.env["sale.incentive.line"].sudo()._search(domain)
        return query.where_clause or SQL("TRUE")

    @api.model
    def _period_months_sql(self):
        """SQL of the number of months in the plan's period."""
        return SQL(
            "CASE plan.period %s END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", period, months)
                for period, months in periods.PERIOD_MONTHS.items()
            ),
        )

    @property
    def _table_query(self):
        plans = self._report_plans()
        return SQL(
            """
            WITH line_rows AS (%(lines)s), team_rows AS (%(team)s)
            SELECT COALESCE(line_rows.id, -team_rows.id) AS id,
                   %(keys)s,
                   %(amounts)s,
                   COALESCE(team_rows.amount, 0) AS team_amount
              FROM line_rows
         FULL JOIN team_rows
                ON team_rows.plan_id = line_rows.plan_id
               AND team_rows.partner_id = line_rows.partner_id
               AND team_rows.date_from = line_rows.date_from
            """,
            lines=self._line_rows_query(plans),
            team=self._team_rows_query(plans),
            keys=SQL(", ").join(
                SQL("COALESCE(line_rows.%s, team_rows.%s) AS %s", key, key, key)
                for key in map(SQL.identifier, ROW_KEYS)
            ),
            amounts=SQL(", ").join(
                SQL("COALESCE(line_rows.%s, 0) AS %s", amount, amount)
                for amount in map(SQL.identifier, LINE_AMOUNTS)
            ),
        )

    @api.model
    def _report_plans(self):
        """The plans of the user's companies (the rows' company rule),
        archived versions included."""
        return (
            self.env["sale.incentive.plan"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "in", self.env.companies.ids)])
        )

    @api.model
    def _line_rows_query(self, plans):
        """Per plan, beneficiary and period: the money of the commission
        lines (``LINE_AMOUNTS``).  The row's id is one of its lines'."""
        period_start = SQL("date_trunc(plan.period, sale_incentive_line.date)::date")
        return SQL(
            """
            SELECT COALESCE(MIN(sale_incentive_line.id) FILTER (
                              WHERE sale_incentive_line.kind != 'forecast'),
                            MIN(sale_incentive_line.id)) AS id,
                   sale_incentive_line.company_id,
                   sale_incentive_line.plan_id,
                   plan.period,
                   %(start)s AS date_from,
                   (%(start)s + make_interval(months => %(months)s)
                    - interval '1 day')::date AS date_to,
                   sale_incentive_line.partner_id,
                   MAX(sale_incentive_line.user_id) AS user_id,
                   MAX(sale_incentive_line.team_id) AS team_id,
                   %(sums)s
              FROM sale_incentive_line
              JOIN sale_incentive_plan plan
                ON plan.id = sale_incentive_line.plan_id
          GROUP BY sale_incentive_line.company_id, sale_incentive_line.plan_id,
                   plan.period, sale_incentive_line.partner_id, %(start)s
            """,
            start=period_start,
            months=self._period_months_sql(),
            sums=self._line_sums_sql(plans),
        )

    @api.model
    def _line_sums_sql(self, plans):
        """The ``LINE_AMOUNTS`` columns: each the sum of the lines of one
        fact, filtered by that fact's one definition (its domain)."""
        lines = self.env["sale.incentive.line"]
        earned = lines._get_earned_domain(plans)
        settled = lines._get_earned_domain(plans, settled=True)
        amount = SQL("sale_incentive_line.amount")
        sums = (
            ("achieved", lines._credited_base_sql(), earned),
            ("forecast", amount, lines._get_forecast_domain(plans)),
            ("earned", amount, earned),
            ("settled", amount, settled),
            ("paid", amount, settled + [("settlement_id.state", "=", "paid")]),
        )
        return SQL(", ").join(
            SQL(
                "COALESCE(SUM(%s) FILTER (WHERE %s), 0) AS %s",
                summed,
                self._fact_where(domain),
                SQL.identifier(name),
            )
            for name, summed, domain in sums
        )

    @api.model
    def _team_rows_query(self, plans):
        """Per plan, beneficiary and period: what the settlements (not
        cancelled) pay that no commission line carries (``TEAM_COMPONENTS``),
        e.g. a director's override of her team's sales.  The row's id is a
        component's, negated in the report (never a line's)."""
        return SQL(
            """
            SELECT MIN(component.id) AS id,
                   settlement.company_id,
                   settlement.plan_id,
                   plan.period,
                   settlement.date_from,
                   MAX(settlement.date_to) AS date_to,
                   settlement.partner_id,
                   MAX(settlement.user_id) AS user_id,
                   MAX(settlement.team_id) AS team_id,
                   SUM(component.amount) AS amount
              FROM sale_incentive_settlement_line component
              JOIN sale_incentive_settlement settlement
                ON settlement.id = component.settlement_id
              JOIN sale_incentive_plan plan ON plan.id = settlement.plan_id
             WHERE component.component IN %(components)s
               AND settlement.workflow_state != 'cancel'
               AND settlement.plan_id IN %(plans)s
          GROUP BY settlement.company_id, settlement.plan_id, plan.period,
                   settlement.date_from, settlement.partner_id
            """,
            components=TEAM_COMPONENTS,
            plans=tuple(plans.ids) or (None,),
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("plan_id.base", "currency_id")
    def _compute_base_currency_id(self):
        for row in self:
            row.base_currency_id = (
                row.currency_id if row.plan_id.base != "quantity" else False
            )

    @api.depends("plan_id", "user_id", "date_from", "date_to", "achieved")
    def _compute_target(self):
        groups = defaultdict(self.browse)
        for row in self:
            groups[(row.plan_id, row.date_from, row.date_to)] |= row
        for (plan, date_from, date_to), rows in groups.items():
            targets = plan.sudo()._get_incentive_targets(
                rows.user_id, date_from, date_to
            )
            for row in rows:
                row.target = targets.get(row.user_id, 0.0) if row.user_id else 0.0
                row.achievement = (
                    coefficients.ratio(row.achieved, row.target) * 100.0
                    if row.target
                    else 0.0
                )

    @api.depends("plan_id", "partner_id", "date_from", "date_to")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_projected_payout(self):
        """One rolled-back settlement run per plan, for the beneficiaries of
        the rows of its open period being read (their values are read
        before: the rollback empties the cache)."""
        today = fields.Date.context_today(self)
        projected = self.env["sale.incentive.simulation"]._project_records(
            {
                row: (row.plan_id, row.partner_id, (row.date_from, row.date_to))
                for row in self
                if row.plan_id
                and row.date_from
                and row.date_from <= today <= row.date_to
            }
        )
        for row in self:
            amount = projected.get(row)
            row.is_open_period = amount is not None
            row.projected_payout = amount or 0.0

    def _get_settlements(self):
        """{row: the settlements holding its earned lines}, in one grouped
        read: a settlement may take the late lines of earlier periods."""
        result = defaultdict(lambda: self.env["sale.incentive.settlement"])
        lines = self.env["sale.incentive.line"].sudo()
        domain = lines._get_earned_domain(
            self.plan_id,
            date_from=min(self.mapped("date_from")),
            date_to=max(self.mapped("date_to")),
            partners=self.partner_id,
            settled=True,
        )
        rows_of = defaultdict(list)
        for row in self:
            rows_of[(row.plan_id, row.partner_id)].append(row)
        groups = lines._read_group(
            domain, ["plan_id", "partner_id", "settlement_line_id", "date:month"]
        )
        for plan, partner, component, month in groups:
            for row in rows_of[(plan, partner)]:
                if row.date_from <= month <= row.date_to:
                    result[row] |= component.settlement_id
        return result

    def _compute_next_payout_date(self):
        """The due date of the open payable of the posted settlements of the
        row: read on each settlement's own entry with ``sudo()`` (a rep may
        read their settlement, not the company's journal items)."""
        settlements_of = self._get_settlements() if self else {}
        for row in self:
            dates = [
                line.date_maturity or line.date
                for settlement in settlements_of[row]
                if settlement.state == "posted"
                for line in settlement.sudo()._get_payable_lines()
                if not line.reconciled
            ]
            row.next_payout_date = min(dates, default=False)

    # ------------------------------------------------------------------
    # Drill-down
    # ------------------------------------------------------------------
    def action_view_lines(self):
        """The commission lines of the row, each with its status."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_incentive.action_sale_incentive_line_my"
        )
        action["name"] = self.env._(
            "%(plan)s: %(date_from)s - %(date_to)s",
            plan=self.plan_id.display_name,
            date_from=self.date_from,
            date_to=self.date_to,
        )
        action["domain"] = [
            ("plan_id", "=", self.plan_id.id),
            ("partner_id", "=", self.partner_id.id),
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
        ]
        action["context"] = {}
        action["views"] = [(False, "list"), (False, "form")]
        return action
