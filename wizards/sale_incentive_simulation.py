# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import datetime
import io
from collections import defaultdict

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..engine import periods as period_engine

GROUP_ADMIN = "sale_incentive.group_sale_incentive_admin"
GROUP_ACCOUNTANT = "sale_incentive.group_sale_incentive_accountant"


class _SimulationDone(Exception):
    """Leaves the simulation's savepoint, rolling everything back, with the
    results read as plain values."""

    def __init__(self, results):
        super().__init__("simulation done")
        self.results = results


def _last_quarter(wizard):
    today = fields.Date.context_today(wizard)
    return period_engine.period_bounds(today - relativedelta(months=3), "quarter")


class SaleIncentiveSimulation(models.TransientModel):
    """What-if: what a plan (draft or active) would have paid over past
    periods, against what was settled.

    The simulation IS a settlement run, rolled back: inside a savepoint the plan is
    put in force over the dates, its commission lines are written for the real
    invoices, credit notes and payments of the dates by the line model's own create
    path, the real settlements of the dates (of the plan and of the plans compared)
    are set aside, and the settlement run
    (``sale.incentive.settlement.builder._settle``) runs period by period -- the
    same facts, engine pipeline and links as a real run.  The results are read as
    plain values, then the savepoint is rolled back: nothing persists.  Simulating
    the active plan over a settled period therefore gives its settlement to the
    cent.
    """

    _name = "sale.incentive.simulation"
    _description = "Commission Plan Simulation"

    plan_id = fields.Many2one("sale.incentive.plan", required=True, readonly=True)
    company_id = fields.Many2one(related="plan_id.company_id")
    currency_id = fields.Many2one(related="plan_id.currency_id")
    period = fields.Selection(related="plan_id.period")
    date_from = fields.Date(
        "From", required=True, default=lambda self: _last_quarter(self)[0]
    )
    date_to = fields.Date(
        "To", required=True, default=lambda self: _last_quarter(self)[1]
    )
    compare_plan_ids = fields.Many2many(
        "sale.incentive.plan",
        "sale_incentive_simulation_compare_rel",
        "simulation_id",
        "plan_id",
        string="Compared With",
        compute="_compute_compare_plan_ids",
        store=True,
        readonly=False,
        help="The plans whose settlements of these dates are what was actually "
        "paid: the plan itself when in force, else its other versions.",
    )
    line_ids = fields.One2many(
        "sale.incentive.simulation.line", "simulation_id", "Beneficiaries"
    )
    simulated = fields.Boolean("Simulation Run", readonly=True)
    amount_simulated = fields.Monetary("Simulated", compute="_compute_totals")
    amount_actual = fields.Monetary("Settled", compute="_compute_totals")
    amount_difference = fields.Monetary("Difference", compute="_compute_totals")

    @api.depends("plan_id")
    def _compute_compare_plan_ids(self):
        for wizard in self:
            plan = wizard.plan_id
            if plan.state in ("active", "closed"):
                wizard.compare_plan_ids = plan
            else:
                wizard.compare_plan_ids = (plan._get_version_family() - plan).filtered(
                    lambda p: p.state in ("active", "closed")
                )

    @api.depends("line_ids.amount_simulated", "line_ids.amount_actual")
    def _compute_totals(self):
        for wizard in self:
            currency = wizard.currency_id
            lines = wizard.line_ids
            wizard.amount_simulated = currency.round(
                sum(lines.mapped("amount_simulated"))
            )
            wizard.amount_actual = currency.round(sum(lines.mapped("amount_actual")))
            wizard.amount_difference = currency.round(
                wizard.amount_simulated - wizard.amount_actual
            )

    @api.model
    def _check_can_simulate(self):
        """Everyone's pay is shown: incentive administrators and accountants."""
        user = self.env.user
        if not (user.has_group(GROUP_ADMIN) or user.has_group(GROUP_ACCOUNTANT)):
            raise AccessError(
                self.env._(
                    "Only incentive administrators and accountants simulate plans."
                )
            )

    def _get_periods(self):
        """The plan's whole periods covering the dates, in order."""
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(self.env._("The simulation must start before it ends."))
        periods = []
        day = self.date_from
        while day <= self.date_to:
            bounds = period_engine.period_bounds(day, self.plan_id.period)
            periods.append(bounds)
            day = bounds[1] + datetime.timedelta(days=1)
        return periods

    # ------------------------------------------------------------------
    # Run
    # ------------------------------------------------------------------
    def action_simulate(self):
        self.ensure_one()
        self._check_can_simulate()
        periods = self._get_periods()
        bounds = (periods[0][0], periods[-1][1])
        actual = self._read_actual(*bounds)
        simulated = self._simulate(periods)
        self.write(
            {
                "date_from": bounds[0],
                "date_to": bounds[1],
                "simulated": True,
                "line_ids": [fields.Command.clear()]
                + [
                    fields.Command.create(vals)
                    for vals in self._prepare_line_vals(simulated, actual)
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Simulation"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _prepare_line_vals(self, simulated, actual):
        """Values of the comparison's lines, one per beneficiary simulated or
        settled (``{partner_id: {amount, user_id[, details]}}`` each)."""
        vals_list = []
        for partner_id in sorted(simulated.keys() | actual.keys()):
            sim = simulated.get(partner_id, {})
            real = actual.get(partner_id, {})
            vals_list.append(
                {
                    "partner_id": partner_id,
                    "user_id": sim.get("user_id") or real.get("user_id") or False,
                    "amount_simulated": sim.get("amount", 0.0),
                    "amount_actual": real.get("amount", 0.0),
                    "details": sim.get("details", ""),
                }
            )
        return vals_list

    def _get_real_settlements(self, plans, date_from, date_to):
        return (
            self.env["sale.incentive.settlement"]
            .sudo()
            .search(
                [
                    ("plan_id", "in", plans.ids),
                    ("date_from", ">=", date_from),
                    ("date_to", "<=", date_to),
                    ("workflow_state", "!=", "cancel"),
                    ("settlement_type", "=", "regular"),
                ]
            )
        )

    def _read_actual(self, date_from, date_to):
        """{partner_id: {amount, user_id}} settled by the compared plans."""
        currency = self.currency_id
        actual = defaultdict(lambda: {"amount": 0.0, "user_id": False})
        settlements = self._get_real_settlements(
            self.compare_plan_ids, date_from, date_to
        )
        for settlement in settlements:
            entry = actual[settlement.partner_id.id]
            entry["amount"] = currency.round(entry["amount"] + settlement.amount_total)
            entry["user_id"] = entry["user_id"] or settlement.user_id.id
        return actual

    def _simulate(self, periods):
        """{partner_id: {amount, user_id, details}} the plan would have paid
        over ``periods``; everything written meanwhile is rolled back."""
        return self._rolled_back("_run_in_savepoint", periods)

    @api.model
    def _rolled_back(self, method, *args):
        """Call ``method`` (a method name of this model) with ``args`` as
        superuser, without tracking, inside a savepoint rolled back
        afterwards: nothing it writes persists (settlements, components,
        links, followers, messages).  Returns its result, plain values read
        before the rollback (records would be stale afterwards)."""
        try:
            with self.env.cr.savepoint():
                quiet = self.sudo().with_context(
                    tracking_disable=True, mail_notrack=True, mail_create_nolog=True
                )
                args = [
                    arg.with_env(quiet.env)
                    if isinstance(arg, models.BaseModel)
                    else arg
                    for arg in args
                ]
                raise _SimulationDone(getattr(quiet, method)(*args))
        except _SimulationDone as done:
            return done.results

    @api.model
    def _settle_and_read(self, plan, date_from, date_to, partners=None):
        """What settling ``plan`` over one period pays ``partners`` (all
        beneficiaries: None): the settlement run (``builder._settle``), for
        real -- call it inside ``_rolled_back``.  Returns ``(settlements,
        {partner_id: {user_id, total, payable, components}})``: ``total`` the
        settlement's total (negative: carried forward), ``payable`` what it
        pays now (net of the holdback, ``amount_payable``), ``components``
        {component: amount}."""
        settlements = self.env["sale.incentive.settlement.builder"]._settle(
            plan, date_from, date_to, partners
        )
        return settlements, {
            settlement.partner_id.id: self._read_settlement(settlement)
            for settlement in settlements
        }

    @api.model
    def _read_settlement(self, settlement):
        """The figures of ``settlement`` as plain values (see
        ``_settle_and_read``)."""
        currency = settlement.currency_id
        components = {}
        for component in settlement.line_ids:
            components[component.component] = currency.round(
                components.get(component.component, 0.0) + component.amount
            )
        return {
            "user_id": settlement.user_id.id,
            "total": settlement.amount_total,
            "payable": settlement.amount_payable,
            "components": components,
        }

    def _run_in_savepoint(self, periods):
        """The settlement runs of the plan over ``periods``, for real (the
        caller rolls them back)."""
        plan = self.plan_id
        date_from, date_to = periods[0][0], periods[-1][1]
        self._put_in_force(date_from, date_to)
        written = plan._accrue_documents(self._get_documents(date_from, date_to))
        # only what the dates earned: earlier payments of their invoices not
        written.filtered(lambda line: line.is_earned and line.date < date_from).unlink()
        results = {}
        for period_from, period_to in periods:
            settlements, paid = self._settle_and_read(plan, period_from, period_to)
            for partner_id, figures in paid.items():
                self._add_result(results, partner_id, figures)
            self._close_period(settlements)
        return {
            partner_id: dict(entry, details=self._format_details(entry["components"]))
            for partner_id, entry in results.items()
        }

    def _put_in_force(self, date_from, date_to):
        """The plan in force over the dates, whatever its state and validity,
        and the real settlements of the dates (of the plan and of the plans
        compared) set aside for the simulated ones (the caller rolls back)."""
        plan = self.plan_id
        real = self._get_real_settlements(
            plan | self.compare_plan_ids, date_from, date_to
        )
        self.env["sale.incentive.settlement.builder"]._free_sources(real)
        real.write({"workflow_state": "cancel"})
        self.env.cr.execute(
            SQL(
                "UPDATE sale_incentive_plan SET state = 'active', date_from = %s, "
                "date_to = %s WHERE id = %s",
                date_from,
                date_to,
                plan.id,
            )
        )
        plan.invalidate_recordset(["state", "date_from", "date_to"])

    # ------------------------------------------------------------------
    # Projected payout of the open period (My Commissions, Team Board)
    # ------------------------------------------------------------------
    @api.model
    def _get_projected_payouts(self, partners_by_plan):
        """What settling each plan's open period (the one containing today)
        would pay now, if the period closed now: ``{plan: partners}`` ->
        ``{plan id: ((date_from, date_to), {partner id: payable})}``.

        The settlement's own run (gate, coefficients, caps, holdback,
        releases, carried totals, adjustments), once per plan for all its
        partners, rolled back: nothing is left written.  ``payable`` is what
        the settlement pays now (``amount_payable``: net of the holdback,
        zero when the total is carried forward or suspended).  Only plans the
        settle wizard would settle for that period are run; a plan being
        settled at the same moment is left out (its lines are locked)."""
        today = fields.Date.context_today(self)
        wizard = self.env["sale.incentive.settle.wizard"].sudo()
        settleable = {}
        result = {}
        for plan, partners in partners_by_plan.items():
            plan = plan.sudo()
            if plan.period not in settleable:
                settleable[plan.period] = wizard._get_plans(plan.period, today)
            if plan not in settleable[plan.period] or not partners:
                continue
            bounds = period_engine.period_bounds(today, plan.period)
            try:
                paid = self._rolled_back("_run_projection", plan, *bounds, partners)
            except UserError:
                continue
            result[plan.id] = (bounds, paid)
        return result

    @api.model
    def _project_records(self, keys):
        """Projected payout of records (My Commissions' rows, the Team
        Board's targets): ``{record: (plan, partner, (date_from, date_to))}``
        -> ``{record: payable}``, ``None`` for a record whose dates are not
        its plan's open period (or whose plan is not settled then).  One
        rolled-back run per plan for all its partners; read the keys before
        calling (the rollback empties the cache)."""
        partners_by_plan = defaultdict(lambda: self.env["res.partner"])
        for plan, partner, _bounds in keys.values():
            partners_by_plan[plan] |= partner
        payouts = self._get_projected_payouts(partners_by_plan)
        result = {}
        for record, (plan, partner, bounds) in keys.items():
            open_bounds, paid = payouts.get(plan.id, (None, {}))
            result[record] = (
                paid.get(partner.id, 0.0) if bounds == open_bounds else None
            )
        return result

    @api.model
    def _run_projection(self, plan, date_from, date_to, partners):
        """{partner id: payable} of settling ``plan`` now for ``partners``
        (the caller rolls it back): the period's drafts are replaced, as the
        settle wizard does; a partner whose period is already settled past
        draft keeps that settlement's figure."""
        builder = self.env["sale.incentive.settlement.builder"]
        existing = self.env["sale.incentive.settlement"].search(
            builder._get_settlement_domain(plan, date_from, date_to, partners)
        )
        closed = existing.filtered(lambda s: s.state != "draft")
        paid = {s.partner_id.id: s.amount_payable for s in closed}
        partners -= closed.partner_id
        if partners:
            builder._replace_drafts(plan, date_from, date_to, partners)
            figures = self._settle_and_read(plan, date_from, date_to, partners)[1]
            paid.update(
                (partner_id, entry["payable"]) for partner_id, entry in figures.items()
            )
        return paid

    @api.model
    def _close_period(self, settlements):
        """The simulated settlements of a period count as posted before the
        next period is settled, as the real ones are: the next run releases
        what they hold back and carries their negative totals, through the
        same facts (posted settlements) as a real run.  No entry is written;
        the caller rolls everything back."""
        settlements.write({"workflow_state": "posted"})

    def _get_documents(self, date_from, date_to):
        """The real invoices and credit notes of the dates, and on the paid
        basis those whose payments were reconciled within them."""
        plan = self.plan_id
        moves = plan._get_posted_documents(date_from, date_to)
        if plan.basis == "paid":
            partials = (
                self.env["account.partial.reconcile"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", plan.company_id.id),
                        ("max_date", ">=", date_from),
                        ("max_date", "<=", date_to),
                    ]
                )
            )
            moves |= partials._get_incentive_invoices().filtered(
                lambda m: m.state == "posted"
            )
        return moves

    def _add_result(self, results, partner_id, figures):
        currency = self.currency_id
        entry = results.setdefault(
            partner_id,
            {"amount": 0.0, "user_id": figures["user_id"], "components": {}},
        )
        entry["amount"] = currency.round(entry["amount"] + figures["total"])
        parts = entry["components"]
        for component, amount in figures["components"].items():
            parts[component] = currency.round(parts.get(component, 0.0) + amount)

    def _format_details(self, parts):
        labels = dict(
            self.env["sale.incentive.settlement.line"]
            ._fields["component"]
            ._description_selection(self.env)
        )
        currency = self.currency_id
        return "\n".join(
            f"{labels[key]}: {currency.format(amount)}" for key, amount in parts.items()
        )

    # ------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------
    def _export_xlsx(self):
        """The comparison as an XLSX file (bytes): one row per beneficiary,
        then the totals."""
        self.ensure_one()
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Simulation"))
        bold = workbook.add_format({"bold": True})
        digits = self.currency_id.decimal_places
        money = workbook.add_format(
            {"num_format": "#,##0" + ("." + "0" * digits if digits else "")}
        )
        sheet.write_row(
            0,
            0,
            [
                self.plan_id.display_name,
                f"{self.date_from} - {self.date_to}",
                ", ".join(self.compare_plan_ids.mapped("display_name")),
            ],
            bold,
        )
        headers = [
            self.env._("Beneficiary"),
            self.env._("Salesperson"),
            self.env._("Simulated"),
            self.env._("Settled"),
            self.env._("Difference"),
        ]
        sheet.write_row(2, 0, headers, bold)
        row = 2
        for row, line in enumerate(self.line_ids, start=3):
            sheet.write(row, 0, line.partner_id.display_name)
            sheet.write(row, 1, line.user_id.name or "")
            sheet.write(row, 2, line.amount_simulated, money)
            sheet.write(row, 3, line.amount_actual, money)
            sheet.write(row, 4, line.amount_difference, money)
        sheet.write(row + 1, 0, self.env._("Total"), bold)
        sheet.write(row + 1, 2, self.amount_simulated, money)
        sheet.write(row + 1, 3, self.amount_actual, money)
        sheet.write(row + 1, 4, self.amount_difference, money)
        sheet.set_column(0, 1, 28)
        sheet.set_column(2, 4, 16)
        workbook.close()
        return buffer.getvalue()

    def action_export_xlsx(self):
        self.ensure_one()
        self._check_can_simulate()
        attachment = self.env["ir.attachment"].create(
            {
                "name": "commission_simulation.xlsx",
                "datas": base64.b64encode(self._export_xlsx()),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }


class SaleIncentiveSimulationLine(models.TransientModel):
    _name = "sale.incentive.simulation.line"
    _description = "Commission Plan Simulation Line"
    _order = "partner_id"

    simulation_id = fields.Many2one(
        "sale.incentive.simulation", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="simulation_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Beneficiary", required=True)
    user_id = fields.Many2one("res.users", "Salesperson")
    amount_simulated = fields.Monetary("Simulated")
    amount_actual = fields.Monetary("Settled")
    amount_difference = fields.Monetary(
        "Difference", compute="_compute_difference", store=True
    )
    details = fields.Text("Simulated Components")

    @api.depends("amount_simulated", "amount_actual")
    def _compute_difference(self):
        for line in self:
            line.amount_difference = line.currency_id.round(
                line.amount_simulated - line.amount_actual
            )
