# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import json

from psycopg2 import errors as pg_errors

from odoo import Command, api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..engine import components, periods
from ..engine.settlement import net_total

GROUP_ACCOUNTANT = "sale_incentive.group_sale_incentive_accountant"


class SaleIncentiveSettlementBuilder(models.AbstractModel):
    """The settlement run: facts -> engine -> values -> create -> link.

    What ``account.payment.register`` is to payments: the one place that
    makes settlements.  It reads a period's facts in batch
    (``sale.incentive.settlement.facts``), settles each beneficiary through
    the engine (``engine.components.settle``), creates the draft settlements
    and their components in one ``create()``, and links every source line,
    holdback and adjustment taken to the component that settles it.  The
    settle wizard, the background run, the forfeiture, the simulation and
    the projected payout all call it.  A service (no record of its own): the
    run's inputs are arguments, its outputs settlements.
    """

    _name = "sale.incentive.settlement.builder"
    _description = "Sales Incentive Settlement Run"

    @api.model
    def _run_settlement(self, plans, date, partners=None):
        """Create the draft settlements of ``plans`` for the period of ``date``.

        One per beneficiary, plan and period; drafts of the same period are
        replaced.  Returns the new settlements.
        """
        self._check_can_settle()
        settlements = self.env["sale.incentive.settlement"]
        for plan in plans:
            date_from, date_to = periods.period_bounds(date, plan.period)
            self._replace_drafts(plan, date_from, date_to, partners)
            settlements |= self._settle(plan, date_from, date_to, partners)
        return settlements

    @api.model
    def _check_can_settle(self):
        if not (self.env.su or self.env.user.has_group(GROUP_ACCOUNTANT)):
            raise AccessError(
                self.env._(
                    "Only commission accountants settle periods "
                    "(Sales Incentives / Accountant)."
                )
            )

    @api.model
    def _get_settlement_domain(self, plan, date_from, date_to, partners=None):
        """Live settlements of ``plan`` for the period (hook)."""
        domain = [
            ("plan_id", "=", plan.id),
            ("date_from", "=", date_from),
            ("date_to", "=", date_to),
            ("workflow_state", "!=", "cancel"),
            ("settlement_type", "=", "regular"),
        ]
        if partners:
            domain.append(("partner_id", "in", partners.ids))
        return domain

    @api.model
    def _replace_drafts(self, plan, date_from, date_to, partners=None):
        existing = (
            self.env["sale.incentive.settlement"]
            .sudo()
            .search(self._get_settlement_domain(plan, date_from, date_to, partners))
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

    @api.model
    def _settle(self, plan, date_from, date_to, partners=None, forfeit=None):
        """Settle ``plan`` for one period (or a forfeiture decision).

        ``forfeit``: ``(reason, percent paid)`` for a forfeiture, which takes
        everything unsettled up to ``date_to`` and every unreleased holdback.
        """
        facts_model = self.env["sale.incentive.settlement.facts"]
        facts_model._claim_plan(plan)
        query = facts_model._lock_unsettled(plan, date_to, partners)
        gathered = facts_model._gather(plan, date_from, date_to, partners, forfeit)
        if not gathered:
            return self.env["sale.incentive.settlement"]
        policy = plan._get_settlement_policy(date_to, forfeit)
        results = [components.settle(facts, policy) for facts, _u in gathered.values()]
        extra = {}
        if forfeit:
            extra = {"settlement_type": "forfeit", "forfeit_reason": forfeit[0]}
        vals_list = [
            self._prepare_settlement_vals(
                plan, (date_from, date_to), (partner, user), result
            )
            | extra
            | self._prepare_draw_vals(plan, facts, result)
            for (partner, (facts, user)), result in zip(
                gathered.items(), results, strict=True
            )
        ]
        settlements = self._create_settlements(vals_list)
        self._link_sources(plan, query, settlements, results, gathered)
        if not forfeit:
            settlements = self._set_aside_deferred(
                plan, date_from, date_to, settlements
            )
            settlements._link_deferred()
        return settlements.with_env(self.env)

    @api.model
    def _set_aside_deferred(self, plan, date_from, date_to, settlements):
        """Drop the drafts of the beneficiaries whose settlement of the period
        was deferred to next month (issue 21.5): their lines stay unsettled
        for the next month's settlement."""
        deferred = self.env["sale.incentive.settlement"]._get_deferred_partners(
            plan, date_from, date_to
        )
        dropped = settlements.filtered(lambda s: s.partner_id in deferred)
        dropped.sudo().unlink()
        return settlements - dropped

    @api.model
    def _prepare_draw_vals(self, plan, facts, result):
        """The draw balance after the settlement: carried in + what its
        components add (issue 22.2)."""
        terms = facts.draw
        if terms is None or not terms.draw_id:
            return {}
        changes = [item.draw_balance for item in result.components]
        digits = plan.currency_id.decimal_places
        return {
            "has_draw": True,
            "draw_balance": net_total([terms.balance, *changes], digits=digits),
        }

    @api.model
    def _create_settlements(self, vals_list):
        try:
            with self.env.cr.savepoint(flush=False):
                return self.env["sale.incentive.settlement"].sudo().create(vals_list)
        except pg_errors.UniqueViolation as exc:
            raise UserError(
                self.env._(
                    "This period is being settled by someone else at the same "
                    "time; open the settlements to see the result."
                )
            ) from exc

    @api.model
    def _prepare_settlement_vals(self, plan, period, beneficiary, result):
        """Values of one settlement and its components (hook).

        ``period``: (date_from, date_to); ``beneficiary``: (partner, user).
        """
        (date_from, date_to), (partner, user) = period, beneficiary
        component_model = self.env["sale.incentive.settlement.line"]
        return {
            "company_id": plan.company_id.id,
            "plan_id": plan.id,
            "partner_id": partner.id,
            "user_id": user.id,
            "is_agent": not user and partner.is_incentive_agent,
            "date_from": date_from,
            "date_to": date_to,
            "is_suspended": result.suspended,
            "line_ids": [
                Command.create(component_model._prepare_component_vals(item, index))
                for index, item in enumerate(result.components, start=1)
            ],
        }

    # ------------------------------------------------------------------
    # Linking what a settlement took, and freeing it again
    # ------------------------------------------------------------------
    @api.model
    def _link_sources(self, plan, query, settlements, results, gathered):
        """Point the settled lines at their component and the released
        holdbacks at their release (one UPDATE each)."""
        links, releases, expected, total = [], [], 0, 0
        for settlement, result, (facts, _user) in zip(
            settlements, results, gathered.values(), strict=True
        ):
            found = self._get_links(settlement, result, facts)
            links += found[0]
            releases += found[1]
            expected += found[2]
            total += found[3]
        if links:
            self._write_links(plan, query, links, expected, expected == total)
        if releases:
            self._write_releases(releases)

    @api.model
    def _get_links(self, settlement, result, facts):
        """``(links, releases, lines linked, lines read)`` of one settlement:
        links [(partner id, group key, component id)], releases [(holdback
        component id, release component id)]."""
        counts = {group.key: group.count for group in facts.groups}
        links, releases, expected = [], [], 0
        partner_id = settlement.partner_id.id
        for item, record in zip(
            result.components, settlement.line_ids.sorted("sequence"), strict=True
        ):
            links += [(partner_id, key, record.id) for key in item.sources]
            expected += sum(counts[key] for key in item.sources)
            releases += [(held, record.id) for held in item.holdback_ids]
        return links, releases, expected, sum(counts.values())

    @api.model
    def _write_releases(self, releases):
        """[(holdback component id, release component id)] in one UPDATE."""
        self.env.cr.execute(
            SQL(
                """UPDATE sale_incentive_settlement_line c
                      SET released_by_id = v.rid
                     FROM unnest(%s::int[], %s::int[]) AS v(hid, rid)
                    WHERE c.id = v.hid""",
                *(list(column) for column in zip(*releases, strict=True)),
            )
        )
        self.env["sale.incentive.settlement.line"].invalidate_model(
            ["released_by_id", "released_ids"]
        )

    @api.model
    def _write_links(self, plan, query, links, expected, complete=False):
        """One UPDATE linking the lines of each (beneficiary, group key) of
        ``links`` to their component, looked up per line in one JSON object
        (no join: no plan depends on the table's statistics).  ``complete``:
        every group read is linked, the lines of ``query`` need no test of
        their key (``expected`` lines are linked, or nothing is)."""
        key = self._get_link_key_sql(plan)
        mapping = json.dumps(
            {
                f"{pid}/{rule_id}/{int(is_refund)}/{day}": cid
                for pid, (rule_id, is_refund, day), cid in links
            }
        )
        where = query.where_clause
        if not complete:
            where = SQL("%s AND %s::jsonb ? %s", where, mapping, key)
        linked = self._update_links(
            SQL(
                "UPDATE sale_incentive_line "
                "SET settlement_line_id = (%s::jsonb ->> %s)::int WHERE %s",
                mapping,
                key,
                where,
            )
        )
        if linked != expected:
            raise UserError(
                self.env._(
                    "The commission lines changed during the settlement; run it again."
                )
            )

    @api.model
    def _update_links(self, query):
        """Run ``query``, an UPDATE of the lines' link, the ORM's cache kept
        right; returns how many lines it updated."""
        lines = self.env["sale.incentive.line"]
        lines.flush_model(["settlement_line_id"])
        self.env.cr.execute(query)
        lines.invalidate_model(["settlement_line_id", "settlement_id"])
        return self.env.cr.rowcount

    @api.model
    def _get_link_key_sql(self, plan):
        """SQL of the key a line is linked under in ``_write_links``:
        ``partner/rule/refund/bucket``, from the facts' group columns."""
        facts = self.env["sale.incentive.settlement.facts"]
        rule, refund, bucket = facts._group_columns(plan)
        return SQL(
            "concat_ws('/', sale_incentive_line.partner_id, %s, %s::int, "
            "to_char(%s, 'YYYY-MM-DD'))",
            rule,
            refund,
            bucket,
        )

    @api.model
    def _free_sources(self, settlements):
        """Release the commission lines, holdbacks and adjustments taken by
        ``settlements`` (deleted, cancelled or set aside by a simulation)."""
        if not settlements:
            return
        # one UPDATE of the link column (its index finds the lines)
        self._update_links(
            SQL(
                "UPDATE sale_incentive_line SET settlement_line_id = NULL "
                "WHERE settlement_line_id = ANY(%s)",
                settlements.line_ids.ids,
            )
        )
        settlements.line_ids.released_ids.sudo().write({"released_by_id": False})
        settlements.line_ids.adjustment_ids.sudo().write({"settlement_line_id": False})
