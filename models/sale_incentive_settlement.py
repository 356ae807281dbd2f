# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from psycopg2 import errors as pg_errors

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..engine import brackets as bracket_engine
from ..engine import coefficients, holdback, periods, splits
from ..engine import settlement as settlement_engine
from ..engine.money import percent_of

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("validated", "Validated"),
    ("executive", "Executive Approved"),
    ("posted", "Posted"),
    ("paid", "Paid"),
    ("cancel", "Cancelled"),
]
FINAL_APPROVAL = {"1": "approved", "2": "validated", "3": "executive"}
CLOSED = ("posted", "paid")
# components deferring an amount to a later settlement (holdback liability)
HELD = ("holdback", "deferred")
# fields a posted settlement still accepts (workflow and chatter)
WRITABLE_WHEN_CLOSED = {"workflow_state", "reversal_move_id"}


class SaleIncentiveSettlement(models.Model):
    """What one beneficiary is owed for one period under one plan."""

    _name = "sale.incentive.settlement"
    _description = "Sales Incentive Settlement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_to desc, id desc"
    _check_company_auto = True

    name = fields.Char(default="/", readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    plan_id = fields.Many2one(
        "sale.incentive.plan",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", "Beneficiary", required=True, readonly=True, index=True
    )
    is_agent = fields.Boolean("External Agent", readonly=True)
    date_from = fields.Date(required=True, readonly=True)
    date_to = fields.Date(required=True, readonly=True, index=True)
    workflow_state = fields.Selection(
        [s for s in STATES if s[0] != "paid"],
        "Workflow",
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    state = fields.Selection(
        STATES,
        compute="_compute_state",
        store=True,
        index=True,
        help="Paid when the payable of the posted entry or bill is reconciled.",
    )
    is_paid = fields.Boolean(compute="_compute_is_paid", store=True)
    is_suspended = fields.Boolean(
        "Suspended",
        readonly=True,
        help="Overdue receivables: nothing is paid and the lines stay open "
        "until collected.",
    )
    line_ids = fields.One2many(
        "sale.incentive.settlement.line", "settlement_id", "Components", readonly=True
    )
    incentive_line_ids = fields.One2many(
        "sale.incentive.line", "settlement_id", "Commission Lines", readonly=True
    )
    incentive_line_count = fields.Integer(compute="_compute_incentive_line_count")
    amount_total = fields.Monetary(
        "Total", compute="_compute_amounts", store=True, tracking=True
    )
    amount_held = fields.Monetary("Held", compute="_compute_amounts", store=True)
    amount_payable = fields.Monetary("To Pay", compute="_compute_amounts", store=True)
    amount_carried = fields.Monetary(
        "Carried Forward",
        compute="_compute_amounts",
        store=True,
        help="A negative total, deducted from the next settlement.",
    )
    move_id = fields.Many2one(
        "account.move", "Journal Entry", readonly=True, copy=False, check_company=True
    )
    reversal_move_id = fields.Many2one(
        "account.move", "Reversal", readonly=True, copy=False, check_company=True
    )
    approval_steps = fields.Selection(related="company_id.incentive_approval_steps")
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    validated_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    executive_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    note = fields.Text()
    forfeit_reason = fields.Selection(
        [
            ("resigned", "Resigned"),
            ("dismissed", "Dismissed by the company"),
            ("fraud", "Fraud"),
        ],
        readonly=True,
        help="Set on the settlement recording a forfeiture decision.",
    )

    _sql_constraints = [
        (
            "period_check",
            "CHECK(date_from <= date_to)",
            "A settlement period must start before it ends.",
        )
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("line_ids.amount", "line_ids.component")
    def _compute_amounts(self):
        for settlement in self:
            currency = settlement.currency_id
            total = currency.round(sum(settlement.line_ids.mapped("amount")))
            held = -sum(
                settlement.line_ids.filtered(lambda c: c.component in HELD).mapped(
                    "amount"
                )
            )
            settlement.amount_total = total
            settlement.amount_held = currency.round(held)
            settlement.amount_payable = max(total, 0.0)
            settlement.amount_carried = min(total, 0.0)

    @api.depends("move_id.line_ids.reconciled", "move_id.line_ids.amount_residual")
    def _compute_is_paid(self):
        for settlement in self:
            payable = settlement._get_payable_lines()
            settlement.is_paid = bool(payable) and all(payable.mapped("reconciled"))

    @api.depends("workflow_state", "is_paid")
    def _compute_state(self):
        for settlement in self:
            if settlement.workflow_state == "posted" and settlement.is_paid:
                settlement.state = "paid"
            else:
                settlement.state = settlement.workflow_state

    def _compute_incentive_line_count(self):
        counts = dict(
            self.env["sale.incentive.line"]._read_group(
                [("settlement_id", "in", self.ids)], ["settlement_id"], ["__count"]
            )
        )
        for settlement in self:
            settlement.incentive_line_count = counts.get(settlement, 0)

    @api.depends("name", "partner_id", "date_from", "date_to")
    def _compute_display_name(self):
        for settlement in self:
            name = settlement.name if settlement.name != "/" else self.env._("Draft")
            settlement.display_name = (
                f"{name} - {settlement.partner_id.name or ''} "
                f"({settlement.date_from} - {settlement.date_to})"
            )

    def _get_payable_lines(self):
        self.ensure_one()
        return self.move_id.line_ids.filtered(
            lambda line: line.account_type == "liability_payable"
        )

    # ------------------------------------------------------------------
    # Guards: posted settlements are immutable
    # ------------------------------------------------------------------
    def write(self, vals):
        free = {
            key
            for key in vals
            if key != "note" and not key.startswith(("message_", "activity_"))
        }
        if free and not self.env.su:
            raise AccessError(
                self.env._(
                    "Settlements change through their actions (submit, approve, "
                    "post, cancel), not by editing them."
                )
            )
        protected = {
            key
            for key in vals
            if key not in WRITABLE_WHEN_CLOSED
            and not key.startswith(("message_", "activity_"))
        }
        if protected and any(s.state in CLOSED + ("cancel",) for s in self):
            raise UserError(
                self.env._(
                    "A posted or cancelled settlement cannot be changed: cancel "
                    "it (the entry is reversed) and settle again."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft(self):
        if any(s.state != "draft" for s in self):
            raise UserError(
                self.env._("Only draft settlements can be deleted; cancel the others.")
            )

    def unlink(self):
        self._unlink_except_draft()
        self._free_lines()
        return super().unlink()

    def _write_workflow(self, vals):
        """Write done by the workflow actions once they checked who may act
        (direct edits are refused): on records the user may change, as
        superuser."""
        self.check_access("write")
        return self.sudo().write(vals)

    def _free_lines(self):
        """Release the commission lines, holdbacks and carries of ``self``."""
        if not self:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE sale_incentive_line SET settlement_id = NULL, "
                "settlement_line_id = NULL, amount_settled = 0 "
                "WHERE settlement_id = ANY(%s)",
                self.ids,
            )
        )
        self.env["sale.incentive.line"].invalidate_model(
            ["settlement_id", "settlement_line_id", "amount_settled"]
        )
        self.line_ids.released_ids.sudo().write({"released_by_id": False})

    # ------------------------------------------------------------------
    # Settlement run
    # ------------------------------------------------------------------
    @api.model
    def _run_settlement(self, plans, date, partners=None):
        """Create the draft settlements of ``plans`` for the period of ``date``.

        One per beneficiary, plan and period; drafts of the same period are
        replaced. Returns the new settlements.
        """
        settlements = self.browse()
        for plan in plans:
            date_from, date_to = periods.period_bounds(date, plan.period)
            settlements |= self._settle_plan_period(plan, date_from, date_to, partners)
        return settlements

    @api.model
    def _get_settlement_domain(self, plan, date_from, date_to, partners=None):
        """Settlements of ``plan`` for the period (hook)."""
        domain = [
            ("plan_id", "=", plan.id),
            ("date_from", "=", date_from),
            ("date_to", "=", date_to),
            ("state", "!=", "cancel"),
            ("forfeit_reason", "=", False),
        ]
        if partners:
            domain.append(("partner_id", "in", partners.ids))
        return domain

    @api.model
    def _get_settlement_where(self, plan, date_to, partners=None):
        """SQL condition on ``sale_incentive_line l`` of what can be settled."""
        where = SQL(
            "l.plan_id = %s AND l.company_id = %s AND l.is_earned "
            "AND l.kind != 'forecast' AND l.settlement_id IS NULL AND l.date <= %s",
            plan.id,
            plan.company_id.id,
            date_to,
        )
        if partners:
            where = SQL("%s AND l.partner_id = ANY(%s)", where, partners.ids)
        return where

    @api.model
    def _lock(self, query):
        """Lock rows (NOWAIT): another run holding them raises a UserError."""
        try:
            self.env.cr.execute(query, log_exceptions=False)
        except (pg_errors.LockNotAvailable, pg_errors.SerializationFailure) as exc:
            raise UserError(
                self.env._(
                    "Another settlement is running on the same commission lines; "
                    "try again once it is finished."
                )
            ) from exc

    @api.model
    def _settle_plan_period(self, plan, date_from, date_to, partners=None):
        existing = self.sudo().search(
            self._get_settlement_domain(plan, date_from, date_to, partners)
        )
        closed = existing.filtered(lambda s: s.state != "draft")
        if closed:
            raise UserError(
                self.env._(
                    "Plan '%(plan)s' is already settled for %(date_from)s - "
                    "%(date_to)s for: %(names)s. Late lines go to the next "
                    "period; cancel a settlement to settle its period again.",
                    plan=plan.display_name,
                    date_from=date_from,
                    date_to=date_to,
                    names=", ".join(closed.partner_id.mapped("display_name")),
                )
            )
        existing.unlink()
        # raw SQL below: pending ORM changes (payment states...) go first
        self.env.flush_all()
        where = self._get_settlement_where(plan, date_to, partners)
        self._lock(
            SQL(
                "SELECT count(*) FROM (SELECT l.id FROM sale_incentive_line l "
                "WHERE %s FOR UPDATE NOWAIT) AS locked",
                where,
            )
        )
        period_rules = plan.rule_ids.filtered(lambda r: r.bracket_basis == "period")
        rule_key = SQL(
            "CASE WHEN l.rule_id = ANY(%s) THEN l.rule_id ELSE 0 END",
            period_rules.ids or [0],
        )
        self.env.cr.execute(
            SQL(
                """SELECT l.partner_id, MAX(l.user_id), l.kind = 'refund', %(key)s,
                          SUM(l.amount), SUM(l.base_amount),
                          SUM(l.base_amount) FILTER (WHERE l.date >= %(date_from)s),
                          SUM(l.base_amount) FILTER (WHERE l.date >= %(date_from)s
                              AND l.product_id = ANY(%(new_products)s)),
                          COUNT(*)
                     FROM sale_incentive_line l
                    WHERE %(where)s
                 GROUP BY l.partner_id, l.kind = 'refund', %(key)s""",
                key=rule_key,
                date_from=date_from,
                where=where,
                new_products=plan.new_product_ids.ids or [0],
            )
        )
        data = defaultdict(lambda: {"groups": [], "user": 0})
        for row in self.env.cr.fetchall():
            partner_id, user_id, is_refund, key, amount, base, base_in, base_new = row[
                :8
            ]
            count = row[8]
            entry = data[partner_id]
            entry["user"] = entry["user"] or user_id or 0
            entry["groups"].append(
                {
                    "is_refund": is_refund,
                    "rule": key,
                    "amount": amount or 0.0,
                    "base": base or 0.0,
                    "base_in_period": base_in or 0.0,
                    "base_new_products": base_new or 0.0,
                    "count": count,
                }
            )
        holdbacks = self._get_matured_holdbacks(plan, date_to, partners)
        carries = self._get_carries(plan, date_from, partners)
        for partner_id in set(holdbacks) | set(carries):
            data.setdefault(partner_id, {"groups": [], "user": 0})
        self._add_team_data(plan, date_from, date_to, partners, data)
        if not data:
            return self.browse()
        overdue = self._get_overdue_counts(plan, date_to, list(data))
        previous_users = self._get_previous_users(plan, list(data))
        vals_list = []
        keys_list = []
        for partner_id, entry in data.items():
            user = self.env["res.users"].browse(
                entry["user"] or previous_users.get(partner_id, 0)
            )
            entry["overdue"] = overdue.get(partner_id, 0)
            entry["holdbacks"] = holdbacks.get(partner_id, [])
            entry["carries"] = carries.get(partner_id, [])
            partner = self.env["res.partner"].browse(partner_id)
            components, suspended = self._prepare_settlement_components(
                plan, partner, user, date_from, date_to, entry, period_rules
            )
            vals = self._prepare_settlement_vals(
                plan, partner, user, date_from, date_to, components
            )
            vals["is_suspended"] = suspended
            vals_list.append(vals)
            keys_list.append(components)
        settlements = self.sudo().create(vals_list)
        self._link_sources(plan, date_to, partners, settlements, keys_list, where)
        return settlements.with_env(self.env)

    @api.model
    def _prepare_settlement_vals(
        self, plan, partner, user, date_from, date_to, components
    ):
        """Values of one settlement (hook)."""
        return {
            "company_id": plan.company_id.id,
            "plan_id": plan.id,
            "partner_id": partner.id,
            "user_id": user.id,
            "is_agent": not user and partner.is_incentive_agent,
            "date_from": date_from,
            "date_to": date_to,
            "line_ids": [
                Command.create(
                    {
                        key: value
                        for key, value in component.items()
                        if not key.startswith("_")
                    }
                )
                for component in components
            ],
        }

    @api.model
    def _link_sources(self, plan, date_to, partners, settlements, keys_list, where):
        """Point the settled lines at their settlement and component (SQL)."""
        partner_ids, refunds, rules, settlement_ids, component_ids = (
            [],
            [],
            [],
            [],
            [],
        )
        expected = 0
        release_writes = []
        for settlement, components in zip(settlements, keys_list, strict=True):
            records = settlement.line_ids.sorted("sequence")
            for component, record in zip(components, records, strict=True):
                for is_refund, rule, count in component.get("_keys", []):
                    partner_ids.append(settlement.partner_id.id)
                    refunds.append(is_refund)
                    rules.append(rule)
                    settlement_ids.append(settlement.id)
                    component_ids.append(record.id)
                    expected += count
                if component.get("_holdbacks"):
                    release_writes.append((component["_holdbacks"], record))
        if partner_ids:
            period_rules = plan.rule_ids.filtered(lambda r: r.bracket_basis == "period")
            self.env.cr.execute(
                SQL(
                    """UPDATE sale_incentive_line l
                          SET settlement_id = v.sid, settlement_line_id = v.cid,
                              amount_settled = l.amount
                         FROM unnest(%s::int[], %s::bool[], %s::int[], %s::int[],
                                     %s::int[]) AS v(pid, refund, rule, sid, cid)
                        WHERE %s AND l.partner_id = v.pid
                          AND (l.kind = 'refund') = v.refund
                          AND (CASE WHEN l.rule_id = ANY(%s) THEN l.rule_id
                               ELSE 0 END) = v.rule""",
                    partner_ids,
                    refunds,
                    rules,
                    settlement_ids,
                    component_ids,
                    where,
                    period_rules.ids or [0],
                )
            )
            if self.env.cr.rowcount != expected:
                raise UserError(
                    self.env._(
                        "The commission lines changed during the settlement; "
                        "run it again."
                    )
                )
            self.env["sale.incentive.line"].invalidate_model(
                ["settlement_id", "settlement_line_id", "amount_settled"]
            )
        for holdback_ids, release in release_writes:
            self.env["sale.incentive.settlement.line"].sudo().browse(
                holdback_ids
            ).write({"released_by_id": release.id})

    @api.model
    def _add_team_data(self, plan, date_from, date_to, partners, data):
        """Overrides, team pools and the champion of the period into ``data``."""
        team_bands = plan.pay_band_ids and plan.band_measure == "team_sales"
        if not (
            plan.override_percent
            or plan.pool_percent
            or plan.champion_award
            or team_bands
        ):
            return
        currency = plan.currency_id
        self.env.cr.execute(
            SQL(
                """SELECT l.team_id, l.partner_id, SUM(l.base_amount)
                     FROM sale_incentive_line l
                    WHERE l.plan_id = %s AND l.company_id = %s AND l.is_earned
                      AND l.kind != 'forecast' AND l.date BETWEEN %s AND %s
                 GROUP BY l.team_id, l.partner_id
                 ORDER BY l.team_id, l.partner_id""",
                plan.id,
                plan.company_id.id,
                date_from,
                date_to,
            )
        )
        teams = defaultdict(list)
        totals = defaultdict(float)
        for team_id, partner_id, base in self.env.cr.fetchall():
            teams[team_id].append((partner_id, base or 0.0))
            totals[partner_id] += base or 0.0
        wanted = set(partners.ids) if partners else None

        def entry(partner_id, user_id=0):
            if wanted is not None and partner_id not in wanted:
                return None
            item = data.setdefault(partner_id, {"groups": [], "user": 0})
            item["user"] = item["user"] or user_id
            return item

        records = self.env["crm.team"].browse([t for t in teams if t])
        for team in records:
            members = teams[team.id]
            team_base = currency.round(sum(base for _p, base in members))
            if team_bands and team.user_id:
                item = entry(team.user_id.partner_id.id, team.user_id.id)
                if item is not None:
                    item["team_sales"] = item.get("team_sales", 0.0) + team_base
            if plan.override_percent and team.user_id and team_base > 0:
                item = entry(team.user_id.partner_id.id, team.user_id.id)
                if item is not None:
                    item.setdefault("overrides", []).append((team, team_base))
            if plan.pool_percent and team_base > 0:
                pool = percent_of(team_base, plan.pool_percent)
                weights = [max(base, 0.0) for _p, base in members]
                pieces = splits.split_amount(pool, weights, currency.decimal_places)
                for (partner_id, base), piece in zip(members, pieces, strict=True):
                    item = entry(partner_id)
                    if item is not None and piece:
                        item.setdefault("pools", []).append(
                            (team, piece, pool, base, team_base)
                        )
        if plan.champion_award and totals:
            ranking = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)
            best, best_base = ranking[0]
            runner_up = ranking[1][1] if len(ranking) > 1 else None
            if best_base > 0 and (
                runner_up is None or currency.compare_amounts(best_base, runner_up) > 0
            ):
                item = entry(best)
                if item is not None:
                    item["champion"] = best_base

    @api.model
    def _get_matured_holdbacks(self, plan, date_to, partners=None):
        """{partner_id: [(component_id, held, plan)]} of holdbacks to release."""
        family = plan._get_version_family()
        where = SQL(
            "c.component IN ('holdback', 'deferred') AND c.released_by_id IS NULL "
            "AND c.release_date <= %s AND s.plan_id = ANY(%s) "
            "AND s.state IN ('posted', 'paid')",
            date_to,
            family.ids,
        )
        if partners:
            where = SQL("%s AND s.partner_id = ANY(%s)", where, partners.ids)
        self._lock(
            SQL(
                "SELECT c.id, s.partner_id, -c.amount, s.plan_id, c.component "
                "FROM sale_incentive_settlement_line c "
                "JOIN sale_incentive_settlement s ON s.id = c.settlement_id "
                "WHERE %s ORDER BY c.id FOR UPDATE OF c NOWAIT",
                where,
            )
        )
        result = defaultdict(list)
        for component_id, partner_id, held, plan_id, kind in self.env.cr.fetchall():
            result[partner_id].append((component_id, held, plan_id, kind))
        return result

    @api.model
    def _get_carries(self, plan, date_from, partners=None):
        """{partner_id: [settlement]} negative totals not yet carried."""
        domain = [
            ("plan_id", "in", plan._get_version_family().ids),
            ("state", "in", CLOSED),
            ("amount_total", "<", 0.0),
            ("date_to", "<", date_from),
        ]
        if partners:
            domain.append(("partner_id", "in", partners.ids))
        negatives = self.sudo().search(domain)
        if not negatives:
            return {}
        carried = (
            self.env["sale.incentive.settlement.line"]
            .sudo()
            .search(
                [
                    ("carry_from_id", "in", negatives.ids),
                    ("settlement_id.state", "!=", "cancel"),
                ]
            )
            .carry_from_id
        )
        result = defaultdict(list)
        for settlement in negatives - carried:
            result[settlement.partner_id.id].append(settlement)
        return result

    @api.model
    def _get_previous_users(self, plan, partner_ids):
        rows = self.sudo()._read_group(
            [("plan_id", "=", plan.id), ("partner_id", "in", partner_ids)],
            ["partner_id"],
            ["user_id:max"],
        )
        return {partner.id: getattr(user, "id", user) for partner, user in rows if user}

    @api.model
    def _get_overdue_counts(self, plan, date_to, partner_ids):
        """{partner_id: overdue periods} of the customer invoices behind lines."""
        if not plan.overdue_penalty_percent:
            return {}
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT l.partner_id, m.id, m.invoice_date_due
                     FROM sale_incentive_line l
                     JOIN account_move m ON m.id = l.move_id
                    WHERE l.plan_id = %s AND l.kind = 'invoice'
                      AND l.partner_id = ANY(%s)
                      AND m.state = 'posted' AND m.move_type = 'out_invoice'
                      AND m.payment_state NOT IN ('paid', 'in_payment', 'reversed')
                      AND m.invoice_date_due < %s""",
                plan.id,
                partner_ids,
                date_to,
            )
        )
        counts = defaultdict(int)
        for partner_id, _move_id, due in self.env.cr.fetchall():
            counts[partner_id] += settlement_engine.months_overdue(due, date_to)
        return counts

    @api.model
    def _get_settlement_target(self, plan, user, date_from, date_to):
        """The target of the period: the plan's hook, else its default target."""
        return plan._get_incentive_target(user, date_from, date_to) or (
            plan.target_amount
        )

    @api.model
    def _holdback_release_date(self, plan, date_to):
        if plan.holdback_release == "months":
            return date_to + relativedelta(months=plan.holdback_release_months)
        return datetime.date(date_to.year + 1, 1, 1)

    @api.model
    def _add_component(self, components, currency, component, name, amount, **values):
        values.update(
            component=component,
            name=name,
            amount=currency.round(amount),
            sequence=len(components) + 1,
        )
        components.append(values)
        return values["amount"]

    @api.model
    def _prepare_settlement_components(
        self, plan, partner, user, date_from, date_to, entry, period_rules
    ):
        """Explained components of one settlement and whether it is suspended.

        Each component is a dict of ``sale.incentive.settlement.line`` values,
        plus ``_keys`` (the line groups it settles: refund flag, period rule,
        count) and ``_holdbacks`` (the holdback components a release uses).
        """
        currency = plan.currency_id
        components = []
        actual = currency.round(sum(g["base_in_period"] for g in entry["groups"]))
        subtotal = self._prepare_commission_components(
            components, plan, entry, period_rules, date_to
        )
        subtotal = self._prepare_target_components(
            components, plan, user, date_from, date_to, actual, subtotal
        )
        subtotal = self._prepare_new_product_component(
            components, plan, entry, actual, subtotal
        )
        subtotal = self._prepare_team_components(
            components, plan, entry, actual, subtotal
        )
        subtotal, suspended = self._prepare_overdue_component(
            components, plan, entry, subtotal
        )
        if suspended:
            return components, True
        subtotal = self._prepare_clawback_components(components, plan, entry, subtotal)
        self._prepare_holdback_components(components, plan, entry, date_to, subtotal)
        self._prepare_band_component(
            components, plan, user, date_from, date_to, entry, actual
        )
        return components, False

    @api.model
    def _prepare_band_component(
        self, components, plan, user, date_from, date_to, entry, actual
    ):
        """6. pay band: base and performance pay of the band reached.

        Paid in full every period (not held back), after the holdback.
        """
        if not plan.pay_band_ids:
            return
        currency = plan.currency_id
        if plan.band_measure == "team_sales":
            measure = entry.get("team_sales", 0.0)
        elif plan.band_measure == "achievement":
            target = self._get_settlement_target(plan, user, date_from, date_to)
            measure = coefficients.ratio(actual, target) * 100
        else:
            measure = actual
        bands = plan.pay_band_ids.sorted(lambda b: (b.amount_from, b.id))
        table = [band._to_engine() for band in bands]
        reached = bracket_engine.bracket_for(measure, table, plan.band_boundary)
        if reached is None:
            return
        band = bands[table.index(reached)]
        label = dict(plan._fields["band_measure"]._description_selection(self.env))[
            plan.band_measure
        ]
        self._add_component(
            components,
            currency,
            "band",
            self.env._(
                "Pay band %(lower)s - %(upper)s for %(measure_label)s %(measure)s: "
                "base %(base)s + performance %(perf)s",
                lower=format(band.amount_from, ",.2f"),
                upper=format(band.amount_to, ",.2f") if band.amount_to else "...",
                measure_label=label,
                measure=format(measure, ",.2f"),
                base=format(band.base_pay, ",.2f"),
                perf=format(band.performance_pay, ",.2f"),
            ),
            band.base_pay + band.performance_pay,
            base_amount=measure,
        )

    @api.model
    def _prepare_commission_components(
        self, components, plan, entry, period_rules, date_to
    ):
        """1. line commissions and 2. period-cumulative bracket tables."""
        currency = plan.currency_id
        groups = entry["groups"]
        subtotal = 0.0
        plain = [g for g in groups if not g["rule"] and not g["is_refund"]]
        if plain:
            count = sum(g["count"] for g in plain)
            subtotal += self._add_component(
                components,
                currency,
                "commission",
                self.env._(
                    "Commissions of %(count)s lines earned up to %(date)s",
                    count=count,
                    date=date_to,
                ),
                sum(g["amount"] for g in plain),
                base_amount=sum(g["base"] for g in plain),
                _keys=[(False, 0, count)],
            )
        for rule in period_rules:
            rule_groups = [g for g in groups if g["rule"] == rule.id]
            if not rule_groups:
                continue
            base = sum(g["base"] for g in rule_groups)
            result, _bracket, explanation = rule._compute_period_amount(base)
            subtotal += self._add_component(
                components,
                currency,
                "bracket",
                explanation,
                result + sum(g["amount"] for g in rule_groups),
                base_amount=base,
                rule_id=rule.id,
                _keys=[(g["is_refund"], rule.id, g["count"]) for g in rule_groups],
            )
        return currency.round(subtotal)

    @api.model
    def _prepare_target_components(
        self, components, plan, user, date_from, date_to, actual, subtotal
    ):
        """3. target gate, 4. achievement coefficient, 5. KPI score."""
        currency = plan.currency_id
        target = None
        if plan.target_gate != "none":
            target = self._get_settlement_target(plan, user, date_from, date_to)
            passed = coefficients.gate_passed(
                actual, target, strict=plan.target_gate == "above"
            )
            subtotal += self._add_component(
                components,
                currency,
                "gate",
                self.env._(
                    "Target gate: actual %(actual)s vs target %(target)s: %(result)s",
                    actual=format(actual, ",.2f"),
                    target=format(target, ",.2f"),
                    result=self.env._("passed")
                    if passed
                    else self.env._("not passed, nothing is paid"),
                ),
                0.0 if passed or subtotal <= 0 else -subtotal,
                base_amount=actual,
            )
        if plan.use_achievement_coefficient and subtotal > 0:
            if target is None:
                target = self._get_settlement_target(plan, user, date_from, date_to)
            coefficient = coefficients.achievement_coefficient(
                actual,
                target,
                cap=plan.achievement_cap or None,
                floor=plan.achievement_floor or None,
            )
            subtotal += self._add_component(
                components,
                currency,
                "coefficient",
                self.env._(
                    "Achievement %(actual)s / %(target)s = %(ratio)s: "
                    "coefficient x%(coef)s (cap %(cap)s)",
                    actual=format(actual, ",.2f"),
                    target=format(target, ",.2f"),
                    ratio=format(coefficients.ratio(actual, target), ".4f"),
                    coef=format(coefficient, "g"),
                    cap=format(plan.achievement_cap, "g"),
                ),
                holdback.release_amount(subtotal, coefficient) - subtotal,
                base_amount=subtotal,
                factor=coefficient,
            )
        if plan.use_kpi_score and subtotal > 0:
            score = plan._get_kpi_score(user, date_from, date_to)
            if score is not None:
                subtotal += self._add_component(
                    components,
                    currency,
                    "kpi",
                    self.env._("KPI score x%(score)s", score=format(score, "g")),
                    holdback.release_amount(subtotal, score) - subtotal,
                    base_amount=subtotal,
                    factor=score,
                )
        return currency.round(subtotal)

    @api.model
    def _prepare_new_product_component(self, components, plan, entry, actual, subtotal):
        """4b. new-product coefficient: (new-product share / target), capped."""
        if (
            not (plan.new_product_ids and plan.new_product_target_ratio)
            or subtotal <= 0
        ):
            return subtotal
        currency = plan.currency_id
        new_sales = sum(g.get("base_new_products", 0.0) for g in entry["groups"])
        share = coefficients.ratio(new_sales, actual)
        coefficient = coefficients.achievement_coefficient(
            share * 100, plan.new_product_target_ratio, cap=plan.new_product_cap or None
        )
        subtotal += self._add_component(
            components,
            currency,
            "coefficient",
            self.env._(
                "New products %(new)s of %(actual)s = %(share)s vs target "
                "%(target)s%%: coefficient x%(coef)s (cap %(cap)s)",
                new=format(new_sales, ",.2f"),
                actual=format(actual, ",.2f"),
                share=format(share, ".2%"),
                target=format(plan.new_product_target_ratio, "g"),
                coef=format(coefficient, "g"),
                cap=format(plan.new_product_cap, "g"),
            ),
            holdback.release_amount(subtotal, coefficient) - subtotal,
            base_amount=subtotal,
            factor=coefficient,
        )
        return currency.round(subtotal)

    @api.model
    def _prepare_team_components(self, components, plan, entry, actual, subtotal):
        """7. manager override, 8. team pool share, 9. awards."""
        currency = plan.currency_id
        for team, team_base in entry.get("overrides", []):
            subtotal += self._add_component(
                components,
                currency,
                "override",
                self.env._(
                    "Override %(percent)s%% of team %(team)s's sales %(base)s",
                    percent=format(plan.override_percent, "g"),
                    team=team.name,
                    base=format(team_base, ",.2f"),
                ),
                percent_of(team_base, plan.override_percent),
                base_amount=team_base,
                factor=plan.override_percent / 100,
            )
        for team, piece, pool, base, team_base in entry.get("pools", []):
            subtotal += self._add_component(
                components,
                currency,
                "pool",
                self.env._(
                    "Share of team %(team)s's pool %(pool)s: own sales %(base)s "
                    "of %(total)s",
                    team=team.name,
                    pool=format(pool, ",.2f"),
                    base=format(base, ",.2f"),
                    total=format(team_base, ",.2f"),
                ),
                piece,
                base_amount=base,
            )
        if entry.get("champion"):
            subtotal += self._add_component(
                components,
                currency,
                "award",
                self.env._(
                    "Champion of the period with sales of %(base)s",
                    base=format(entry["champion"], ",.2f"),
                ),
                plan.champion_award,
                base_amount=entry["champion"],
            )
        if (
            plan.threshold_award_amount
            and plan.threshold_award_base
            and currency.compare_amounts(actual, plan.threshold_award_base) >= 0
        ):
            subtotal += self._add_component(
                components,
                currency,
                "award",
                self.env._(
                    "Threshold award: sales %(actual)s reached %(threshold)s",
                    actual=format(actual, ",.2f"),
                    threshold=format(plan.threshold_award_base, ",.2f"),
                ),
                plan.threshold_award_amount,
                base_amount=actual,
            )
        return currency.round(subtotal)

    @api.model
    def _prepare_overdue_component(self, components, plan, entry, subtotal):
        """13. overdue-receivable penalty, or suspension of the payout."""
        count = entry.get("overdue", 0)
        if not plan.overdue_penalty_percent or not count:
            return subtotal, False
        currency = plan.currency_id
        penalty, suspended = holdback.overdue_penalty(
            max(subtotal, 0.0),
            count,
            plan.overdue_penalty_percent,
            plan.overdue_suspend_after or None,
        )
        if suspended:
            components.clear()
            self._add_component(
                components,
                currency,
                "suspended",
                self.env._(
                    "Payout suspended: %(count)s overdue invoice periods; the "
                    "commissions stay open until collected.",
                    count=count,
                ),
                0.0,
                base_amount=subtotal,
            )
            return 0.0, True
        subtotal += self._add_component(
            components,
            currency,
            "overdue",
            self.env._(
                "Overdue receivables: %(count)s invoice periods x -%(percent)s%%",
                count=count,
                percent=format(plan.overdue_penalty_percent, "g"),
            ),
            penalty,
            base_amount=subtotal,
        )
        return currency.round(subtotal), False

    @api.model
    def _prepare_clawback_components(self, components, plan, entry, subtotal):
        """12. clawbacks of credit notes, 15. negative balances carried."""
        currency = plan.currency_id
        refunds = [g for g in entry["groups"] if not g["rule"] and g["is_refund"]]
        if refunds:
            count = sum(g["count"] for g in refunds)
            subtotal += self._add_component(
                components,
                currency,
                "clawback",
                self.env._("Clawbacks of %(count)s credit note lines", count=count),
                sum(g["amount"] for g in refunds),
                base_amount=sum(g["base"] for g in refunds),
                _keys=[(True, 0, count)],
            )
        for previous in entry.get("carries", []):
            subtotal += self._add_component(
                components,
                currency,
                "carry",
                self.env._(
                    "Negative balance carried from %(name)s",
                    name=previous.display_name,
                ),
                previous.amount_total,
                carry_from_id=previous.id,
            )
        return currency.round(subtotal)

    @api.model
    def _prepare_holdback_components(self, components, plan, entry, date_to, subtotal):
        """10. holdback of this period, 11. release of matured holdbacks."""
        currency = plan.currency_id
        if plan.service_months > 1 and subtotal > 0:
            parts = holdback.spread_service(subtotal, plan.service_months)
            month_start = periods.period_bounds(date_to, "month")[0]
            for index, part in enumerate(parts[1:], start=1):
                self._add_component(
                    components,
                    currency,
                    "deferred",
                    self.env._(
                        "Service period: 1/%(months)s of %(amount)s earned in "
                        "month %(index)s",
                        months=plan.service_months,
                        amount=format(subtotal, ",.2f"),
                        index=index + 1,
                    ),
                    -part,
                    base_amount=subtotal,
                    factor=1 / plan.service_months,
                    release_date=month_start + relativedelta(months=index),
                )
            subtotal = parts[0]
        if plan.holdback_percent and subtotal > 0:
            _now, held = holdback.holdback_split(subtotal, plan.holdback_percent)
            release = self._holdback_release_date(plan, date_to)
            self._add_component(
                components,
                currency,
                "holdback",
                self.env._(
                    "%(percent)s%% of %(amount)s held until %(date)s",
                    percent=format(plan.holdback_percent, "g"),
                    amount=format(subtotal, ",.2f"),
                    date=release,
                ),
                -held,
                base_amount=subtotal,
                factor=plan.holdback_percent / 100,
                release_date=release,
            )
        if subtotal < 0 or not entry.get("holdbacks"):
            return
        by_plan = defaultdict(list)
        for component_id, held, plan_id, kind in entry["holdbacks"]:
            by_plan[(plan_id, kind)].append((component_id, held))
        for (plan_id, kind), items in by_plan.items():
            source = self.env["sale.incentive.plan"].browse(plan_id)
            held = currency.round(sum(h for _c, h in items))
            if kind == "deferred":
                self._add_component(
                    components,
                    currency,
                    "release",
                    self.env._(
                        "Service-period commission earned this month: %(held)s",
                        held=format(held, ",.2f"),
                    ),
                    held,
                    base_amount=held,
                    held_amount=held,
                    factor=1.0,
                    _holdbacks=[c for c, _h in items],
                )
                continue
            expense = source.holdback_expense_coefficient
            profit = source.holdback_profit_coefficient
            self._add_component(
                components,
                currency,
                "release",
                self.env._(
                    "Release of %(held)s held x expense-ratio coefficient "
                    "%(expense)s x profit coefficient %(profit)s",
                    held=format(held, ",.2f"),
                    expense=format(expense, "g"),
                    profit=format(profit, "g"),
                ),
                holdback.release_amount(held, expense, profit),
                base_amount=held,
                held_amount=held,
                factor=expense * profit,
                _holdbacks=[c for c, _h in items],
            )

    # ------------------------------------------------------------------
    # Approval workflow
    # ------------------------------------------------------------------
    def _check_state(self, states):
        for settlement in self:
            if settlement.state not in states:
                raise UserError(
                    self.env._(
                        "Settlement %(name)s is %(state)s: this step is not possible.",
                        name=settlement.display_name,
                        state=dict(STATES)[settlement.state],
                    )
                )

    def _check_not_own(self):
        user = self.env.user
        for settlement in self:
            if settlement.user_id == user or settlement.partner_id == user.partner_id:
                raise UserError(self.env._("You cannot approve your own settlement."))

    def _check_group(self, *xmlids):
        if not any(self.env.user.has_group(xmlid) for xmlid in xmlids):
            raise AccessError(
                self.env._("You are not allowed to perform this approval step.")
            )

    def _final_approval_state(self):
        self.ensure_one()
        return FINAL_APPROVAL[self.company_id.incentive_approval_steps or "1"]

    def _schedule_approval_activity(self, xmlid, user):
        for settlement in self:
            if user and user != self.env.user:
                settlement.activity_schedule(xmlid, user_id=user.id)

    def _done_activities(self, xmlid):
        self.activity_feedback([xmlid])

    def action_submit(self):
        self._check_group(
            "sale_incentive.group_sale_incentive_manager",
            "sale_incentive.group_sale_incentive_accountant",
        )
        self._check_state(("draft",))
        for settlement in self:
            settlement._write_workflow(
                {
                    "workflow_state": "submitted",
                    "submitted_by_id": self.env.user.id,
                    "name": settlement.name
                    if settlement.name != "/"
                    else self.env["ir.sequence"]
                    .with_company(settlement.company_id)
                    .next_by_code("sale.incentive.settlement")
                    or "/",
                }
            )
            leader = (
                settlement.user_id.sale_team_id.user_id
                or settlement.incentive_line_ids.team_id.user_id[:1]
            )
            settlement._schedule_approval_activity(
                "sale_incentive.mail_activity_settlement_approve", leader
            )
        return True

    def action_approve(self):
        """Sales manager approval."""
        self._check_group("sale_incentive.group_sale_incentive_manager")
        self._check_state(("submitted",))
        self._check_not_own()
        self._write_workflow(
            {"workflow_state": "approved", "approved_by_id": self.env.user.id}
        )
        self._done_activities("sale_incentive.mail_activity_settlement_approve")
        for settlement in self.filtered(lambda s: s.approval_steps != "1"):
            settlement._schedule_approval_activity(
                "sale_incentive.mail_activity_settlement_validate",
                settlement.company_id.incentive_finance_user_id,
            )
        return True

    def action_validate(self):
        """Finance confirmation."""
        self._check_group("sale_incentive.group_sale_incentive_accountant")
        self._check_state(("approved",))
        if any(s.approval_steps == "1" for s in self):
            raise UserError(self.env._("This company posts approved settlements."))
        self._check_not_own()
        self._write_workflow(
            {"workflow_state": "validated", "validated_by_id": self.env.user.id}
        )
        self._done_activities("sale_incentive.mail_activity_settlement_validate")
        for settlement in self.filtered(lambda s: s.approval_steps == "3"):
            settlement._schedule_approval_activity(
                "sale_incentive.mail_activity_settlement_executive",
                settlement.company_id.incentive_executive_user_id,
            )
        return True

    def action_executive_approve(self):
        self._check_group("sale_incentive.group_sale_incentive_admin")
        self._check_state(("validated",))
        if any(s.approval_steps != "3" for s in self):
            raise UserError(
                self.env._("This company does not use an executive approval.")
            )
        self._check_not_own()
        self._write_workflow(
            {"workflow_state": "executive", "executive_by_id": self.env.user.id}
        )
        self._done_activities("sale_incentive.mail_activity_settlement_executive")
        return True

    def action_reset_draft(self):
        self._check_group(
            "sale_incentive.group_sale_incentive_manager",
            "sale_incentive.group_sale_incentive_accountant",
        )
        self._check_state(("submitted", "approved", "validated", "executive"))
        self._write_workflow({"workflow_state": "draft"})
        self.activity_unlink(
            [
                "sale_incentive.mail_activity_settlement_approve",
                "sale_incentive.mail_activity_settlement_validate",
                "sale_incentive.mail_activity_settlement_executive",
            ]
        )
        return True

    # ------------------------------------------------------------------
    # Accounting
    # ------------------------------------------------------------------
    def _check_accounting_setup(self):
        for company in self.company_id:
            missing = [
                company._fields[name].string
                for name in (
                    "incentive_journal_id",
                    "incentive_expense_account_id",
                    "incentive_payable_account_id",
                    "incentive_holdback_account_id",
                )
                if not company[name]
            ]
            if missing:
                raise UserError(
                    self.env._(
                        "Configure the commission accounting of %(company)s "
                        "first (Sales > Configuration > Settings): %(missing)s.",
                        company=company.name,
                        missing=", ".join(missing),
                    )
                )

    def _get_posting_amounts(self):
        self.ensure_one()
        components = self.line_ids
        releases = components.filtered("held_amount")
        expense = sum(
            (components - releases)
            .filtered(lambda c: c.component not in HELD)
            .mapped("amount")
        )
        return settlement_engine.posting_amounts(
            expense,
            self.amount_held,
            sum(releases.mapped("held_amount")),
            sum(releases.mapped("amount")),
            self.currency_id.decimal_places,
        )

    def _uses_vendor_bill(self):
        self.ensure_one()
        return (
            self.is_agent
            and self.company_id.incentive_agent_vendor_bill
            and self.amount_payable > 0
        )

    def _needs_move(self):
        """A negative total is carried, not posted; else post what moves."""
        self.ensure_one()
        if self.amount_total < 0:
            return False
        return any(
            not self.currency_id.is_zero(amount)
            for amount in self._get_posting_amounts().values()
        )

    def _prepare_move_vals(self):
        """Journal entry (or vendor bill for agents) of the settlement (hook)."""
        self.ensure_one()
        company = self.company_id
        amounts = self._get_posting_amounts()
        label = self.env._(
            "Commissions %(name)s %(date_from)s - %(date_to)s",
            name=self.name,
            date_from=self.date_from,
            date_to=self.date_to,
        )
        holdback_net = amounts["holdback_debit"] - amounts["holdback_credit"]
        if self._uses_vendor_bill():
            lines = [
                (company.incentive_expense_account_id, amounts["expense"], label),
                (
                    company.incentive_holdback_account_id,
                    holdback_net,
                    self.env._("Holdback (net)"),
                ),
            ]
            return {
                "move_type": "in_invoice",
                "partner_id": self.partner_id.id,
                "invoice_date": self.date_to,
                "date": self.date_to,
                "ref": self.name,
                "company_id": company.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": name,
                            "account_id": account.id,
                            "quantity": 1.0,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for account, amount, name in lines
                    if not self.currency_id.is_zero(amount)
                ],
            }
        lines = [
            (company.incentive_expense_account_id, amounts["expense"], label),
            (
                company.incentive_holdback_account_id,
                amounts["holdback_debit"],
                self.env._("Holdback released"),
            ),
            (
                company.incentive_holdback_account_id,
                -amounts["holdback_credit"],
                self.env._("Holdback"),
            ),
            (company.incentive_payable_account_id, -amounts["payable"], label),
        ]
        return {
            "move_type": "entry",
            "journal_id": company.incentive_journal_id.id,
            "date": self.date_to,
            "ref": self.name,
            "company_id": company.id,
            "line_ids": [
                Command.create(
                    {
                        "name": name,
                        "account_id": account.id,
                        "partner_id": self.partner_id.id,
                        "balance": balance,
                    }
                )
                for account, balance, name in lines
                if not self.currency_id.is_zero(balance)
            ],
        }

    def action_post(self):
        """Write the journal entry (or vendor bill) and close the settlement."""
        self._check_group("sale_incentive.group_sale_incentive_accountant")
        for settlement in self:
            settlement._check_state((settlement._final_approval_state(),))
        self._check_accounting_setup()
        to_move = self.filtered(lambda s: s._needs_move())
        moves = self.env["account.move"].create(
            [settlement._prepare_move_vals() for settlement in to_move]
        )
        moves.action_post()
        for settlement, move in zip(to_move, moves, strict=True):
            settlement._write_workflow({"move_id": move.id})
        self._write_workflow({"workflow_state": "posted"})
        return True

    def action_register_payment(self):
        """Odoo's register-payment wizard on the settlement's payable."""
        self._check_group("sale_incentive.group_sale_incentive_accountant")
        lines = self.move_id.line_ids.filtered(
            lambda line: (
                line.account_type == "liability_payable" and not line.reconciled
            )
        )
        if not lines:
            raise UserError(self.env._("There is nothing left to pay."))
        return lines.action_register_payment()

    def action_cancel(self):
        """Cancel: a posted entry is reversed and the lines are freed."""
        self._check_group(
            "sale_incentive.group_sale_incentive_manager",
            "sale_incentive.group_sale_incentive_accountant",
        )
        if any(s.state in ("paid", "cancel") for s in self):
            raise UserError(
                self.env._(
                    "Paid or cancelled settlements cannot be cancelled; "
                    "unreconcile the payment first."
                )
            )
        posted = self.filtered(lambda s: s.state == "posted")
        if posted:
            self._check_group("sale_incentive.group_sale_incentive_accountant")
        used = posted.line_ids.filtered(
            lambda c: (
                c.component in HELD
                and c.released_by_id
                and c.released_by_id.settlement_id.state != "cancel"
            )
        )
        if used:
            raise UserError(
                self.env._(
                    "Holdbacks of these settlements were already released by "
                    "%(names)s; cancel those first.",
                    names=", ".join(used.released_by_id.settlement_id.mapped("name")),
                )
            )
        carried = self.env["sale.incentive.settlement.line"].search(
            [
                ("carry_from_id", "in", posted.ids),
                ("settlement_id.state", "!=", "cancel"),
            ]
        )
        if carried:
            raise UserError(
                self.env._(
                    "These settlements' balances were carried into %(names)s; "
                    "cancel those first.",
                    names=", ".join(carried.settlement_id.mapped("display_name")),
                )
            )
        for settlement in posted.filtered("move_id"):
            reversal = settlement.move_id._reverse_moves(
                [
                    {
                        "date": fields.Date.context_today(self),
                        "ref": self.env._("Reversal of %(name)s", name=settlement.name),
                    }
                ],
                cancel=True,
            )
            settlement._write_workflow({"reversal_move_id": reversal.id})
        self._free_lines()
        self._write_workflow({"workflow_state": "cancel"})
        self.activity_unlink(
            [
                "sale_incentive.mail_activity_settlement_approve",
                "sale_incentive.mail_activity_settlement_validate",
                "sale_incentive.mail_activity_settlement_executive",
            ]
        )
        return True

    # ------------------------------------------------------------------
    # Navigation
    # ------------------------------------------------------------------
    def action_view_incentive_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Settled Commission Lines"),
            "res_model": "sale.incentive.line",
            "view_mode": "list,form",
            "domain": [("settlement_id", "=", self.id)],
        }

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Forfeiture
    # ------------------------------------------------------------------
    @api.model
    def _forfeit(self, partner, reason, date, note=False):
        """Record a forfeiture decision for ``partner`` leaving.

        * resigned: the held amounts are forfeited;
        * dismissed by the company: the company's configured % of the held
          amounts is paid, the rest forfeited;
        * fraud: the held amounts and everything not paid yet are forfeited
          (open settlements are cancelled, posted unpaid ones reversed, and
          unsettled commission lines consumed without payment).

        Each decision is a settlement (one per plan) going through the usual
        approvals; nothing is deleted. Returns the forfeiture settlements.
        """
        if reason == "fraud":
            open_settlements = self.search(
                [
                    ("partner_id", "=", partner.id),
                    ("state", "not in", ("paid", "cancel")),
                ]
            )
            for settlement in open_settlements.sorted("date_to", reverse=True):
                settlement.action_cancel()
        company = self.env.company
        percent = (
            company.incentive_dismissal_payout_percent if reason == "dismissed" else 0.0
        )
        self.env.flush_all()
        self._lock(
            SQL(
                "SELECT c.id FROM sale_incentive_settlement_line c "
                "JOIN sale_incentive_settlement s ON s.id = c.settlement_id "
                "WHERE c.component IN ('holdback', 'deferred') "
                "AND c.released_by_id IS NULL "
                "AND s.state IN ('posted', 'paid') AND s.partner_id = %s "
                "AND s.company_id = %s FOR UPDATE OF c NOWAIT",
                partner.id,
                company.id,
            )
        )
        held_ids = [row[0] for row in self.env.cr.fetchall()]
        held = self.env["sale.incentive.settlement.line"].browse(held_ids)
        plans = held.settlement_id.plan_id
        if reason == "fraud":
            plans |= (
                self.env["sale.incentive.line"]
                .search(
                    [
                        ("partner_id", "=", partner.id),
                        ("company_id", "=", company.id),
                        ("is_earned", "=", True),
                        ("settlement_id", "=", False),
                    ]
                )
                .plan_id
            )
        if not plans:
            raise UserError(
                self.env._(
                    "%(partner)s has nothing held or unpaid to decide on.",
                    partner=partner.display_name,
                )
            )
        label = dict(self._fields["forfeit_reason"]._description_selection(self.env))[
            reason
        ]
        settlements = self.browse()
        for plan in plans:
            plan_held = held.filtered(lambda c, p=plan: c.settlement_id.plan_id == p)
            amount = plan.currency_id.round(-sum(plan_held.mapped("amount")))
            components = []
            if plan_held:
                paid = holdback.release_amount(amount, percent / 100)
                self._add_component(
                    components,
                    plan.currency_id,
                    "forfeit",
                    self.env._(
                        "%(reason)s: %(percent)s%% of %(held)s held is paid, "
                        "the rest is forfeited",
                        reason=label,
                        percent=format(percent, "g"),
                        held=format(amount, ",.2f"),
                    ),
                    paid,
                    base_amount=amount,
                    held_amount=amount,
                    factor=percent / 100,
                    _holdbacks=plan_held.ids,
                )
            where = None
            if reason == "fraud":
                where = SQL(
                    "l.plan_id = %s AND l.partner_id = %s AND l.is_earned "
                    "AND l.kind != 'forecast' AND l.settlement_id IS NULL",
                    plan.id,
                    partner.id,
                )
                self._lock(
                    SQL(
                        "SELECT count(*) FROM (SELECT l.id FROM sale_incentive_line l "
                        "WHERE %s FOR UPDATE NOWAIT) AS locked",
                        where,
                    )
                )
                self.env.cr.execute(
                    SQL(
                        "SELECT COUNT(*), COALESCE(SUM(l.amount), 0) "
                        "FROM sale_incentive_line l WHERE %s",
                        where,
                    )
                )
                count, unpaid = self.env.cr.fetchone()
                if count:
                    self._add_component(
                        components,
                        plan.currency_id,
                        "forfeit",
                        self.env._(
                            "%(reason)s: %(count)s unpaid commission lines "
                            "(%(amount)s) forfeited",
                            reason=label,
                            count=count,
                            amount=format(unpaid, ",.2f"),
                        ),
                        0.0,
                        base_amount=unpaid,
                        _forfeit_lines=count,
                    )
            if not components:
                continue
            vals = self._prepare_settlement_vals(
                plan, partner, self.env["res.users"], date, date, components
            )
            vals.update(
                forfeit_reason=reason,
                note=note,
                user_id=held.settlement_id.filtered(lambda s, p=plan: s.plan_id == p)
                .user_id[:1]
                .id,
            )
            settlement = self.create(vals)
            records = settlement.line_ids.sorted("sequence")
            for component, record in zip(components, records, strict=True):
                if component.get("_holdbacks"):
                    self.env["sale.incentive.settlement.line"].browse(
                        component["_holdbacks"]
                    ).write({"released_by_id": record.id})
                if component.get("_forfeit_lines"):
                    self.env.cr.execute(
                        SQL(
                            "UPDATE sale_incentive_line l SET settlement_id = %s, "
                            "settlement_line_id = %s, amount_settled = l.amount "
                            "WHERE %s",
                            settlement.id,
                            record.id,
                            where,
                        )
                    )
            settlement.message_post(
                body=self.env._(
                    "Forfeiture decision: %(reason)s on %(date)s. %(note)s",
                    reason=label,
                    date=date,
                    note=note or "",
                )
            )
            settlements |= settlement
        self.env["sale.incentive.line"].invalidate_model(
            ["settlement_id", "settlement_line_id", "amount_settled"]
        )
        return settlements

    def _amount_in_words(self):
        self.ensure_one()
        return self.currency_id.amount_to_text(self.amount_payable)
