# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine import champions, components, splits
from ..engine.money import percent_of
from ..engine.settlement import months_overdue

NO_BUCKET = "1900-01-01"


class SaleIncentiveSettlementFacts(models.AbstractModel):
    """What a settlement period holds per beneficiary, read in batch.

    The settlement run (``sale.incentive.settlement.builder``) reads its
    facts here: a few grouped queries per plan and period, never one per line or
    per beneficiary.  The lines a settlement takes are "the unsettled earned
    lines" of ``sale.incentive.line._get_earned_domain``; the same SQL
    expressions (:meth:`_group_columns`) group them for the engine and the
    builder links them to the component that settles them.
    """

    _name = "sale.incentive.settlement.facts"
    _description = "Sales Incentive Settlement Facts"

    # ------------------------------------------------------------------
    # Locks
    # ------------------------------------------------------------------
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
        return self.env.cr.fetchall()

    # ------------------------------------------------------------------
    # Everything a period holds, per beneficiary
    # ------------------------------------------------------------------
    @api.model
    def _claim_plan(self, plan):
        """One run of a plan at a time: lock its row and touch it, so that a
        concurrent run fails at once, and a run whose snapshot predates a
        committed one fails on the concurrent update instead of settling
        from stale data (the unique index stays the last guarantee)."""
        self._lock(
            SQL(
                "SELECT id FROM sale_incentive_plan WHERE id = %s "
                "FOR NO KEY UPDATE NOWAIT",
                plan.id,
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE sale_incentive_plan SET write_date = write_date WHERE id = %s",
                plan.id,
            )
        )

    @api.model
    def _lock_unsettled(self, plan, date_to, partners=None):
        """Lock the lines the run takes; return their query."""
        # raw SQL below: pending ORM changes (payment states...) go first
        self.env.flush_all()
        query = self._unsettled_query(plan, date_to, partners)
        self._lock(
            SQL(
                "SELECT count(*) FROM (SELECT sale_incentive_line.id FROM %s "
                "WHERE %s FOR UPDATE NOWAIT) AS locked",
                query.from_clause,
                query.where_clause,
            )
        )
        return query

    @api.model
    def _gather(self, plan, date_from, date_to, partners=None, forfeit=None):
        """{partner: (engine Facts, user)} of every beneficiary of the period."""
        raw = self._read_facts(plan, date_from, date_to, partners, forfeit)
        if not raw:
            return {}
        return {
            partner: (self._build_facts(plan, raw, partner.id, user), user)
            for partner, user in raw["users"].items()
        }

    @api.model
    def _read_facts(self, plan, date_from, date_to, partners=None, forfeit=None):
        """Everything the period holds, read in batch (a few queries)."""
        raw = {
            "lines": self._read_groups(plan, date_from, date_to, partners),
            "holdbacks": self._read_matured_holdbacks(
                plan, date_to, partners, matured=not forfeit
            ),
            "carries": self._read_carries(plan, date_from, partners),
            "adjustments": self._read_adjustments(plan, date_to, partners),
            "draws": self.env["sale.incentive.draw"]._read_terms(
                plan, date_from, date_to, partners, forfeit=bool(forfeit)
            ),
            "team": {}
            if forfeit
            else self._read_team_facts(plan, date_from, date_to, partners),
            "scored": {}
            if forfeit
            else self._read_scored_users(plan, date_from, date_to, partners),
        }
        partner_ids = set().union(*(v for k, v in raw.items() if k != "draws"))
        # a draw or guarantee pays a period by itself; an ended draw's
        # balance is only recovered from what the period pays otherwise
        partner_ids |= {
            partner_id
            for partner_id, (terms, _user) in raw["draws"].items()
            if forfeit or terms.draw or terms.guarantee
        }
        if not partner_ids:
            return {}
        users = self._get_beneficiary_users(plan, partner_ids, raw)
        records = self.env["res.users"].union(*users.values())
        # one recordset: the beneficiaries' fields are read once for all
        raw["users"] = {
            partner: users[partner.id]
            for partner in self.env["res.partner"].browse(sorted(partner_ids))
        }
        raw["targets"], raw["scores"], raw["overdue"] = {}, {}, {}
        if not forfeit:
            raw["targets"] = self._read_targets(plan, records, date_from, date_to)
            raw["scores"] = self._read_kpi_scores(plan, records, date_from, date_to)
            raw["overdue"] = self._read_overdue_counts(plan, date_to, list(partner_ids))
        return raw

    @api.model
    def _build_facts(self, plan, raw, partner_id, user):
        """The engine facts of one beneficiary."""
        groups = raw["lines"].get(partner_id, {}).get("groups", [])
        extra = raw["team"].get(partner_id, {})
        return components.Facts(
            groups=[
                components.LineGroup(
                    key=group["key"],
                    kind="clawback" if group["key"][1] else "commission",
                    amount=group["amount"],
                    base=group["base"],
                    count=group["count"],
                )
                for group in groups
            ],
            actual=plan.currency_id.round(sum(g["base_in_period"] for g in groups)),
            new_product_sales=sum(g["base_new"] for g in groups),
            target=raw["targets"].get(user.id, plan.target_amount),
            kpi_score=raw["scores"].get(user.id),
            overdue_count=raw["overdue"].get(partner_id, 0),
            team_sales=extra.get("team_sales", 0.0),
            overrides=extra.get("overrides", []),
            pools=extra.get("pools", []),
            champions=extra.get("champions", []),
            holdbacks=raw["holdbacks"].get(partner_id, []),
            carries=raw["carries"].get(partner_id, []),
            adjustments=raw["adjustments"].get(partner_id, []),
            draw=raw["draws"].get(partner_id, (None, 0))[0],
        )

    @api.model
    def _get_beneficiary_users(self, plan, partner_ids, raw):
        """{partner_id: user} paid: from the lines, a team, an adjustment, or
        earlier settlements of the plan."""
        adjusted = self._get_adjustment_users(raw["adjustments"])
        user_ids = {
            partner_id: raw["lines"].get(partner_id, {}).get("user")
            or raw["team"].get(partner_id, {}).get("user")
            or adjusted.get(partner_id)
            or raw["scored"].get(partner_id)
            or raw["draws"].get(partner_id, (None, 0))[1]
            for partner_id in partner_ids
        }
        missing = [
            partner_id for partner_id, user_id in user_ids.items() if not user_id
        ]
        if missing:
            user_ids.update(self._get_previous_users(plan, missing))
        # one prefetch set: the users' fields are read once for all
        prefetch = [user_id for user_id in user_ids.values() if user_id]
        users = self.env["res.users"]
        return {
            partner_id: users.browse(user_id or []).with_prefetch(prefetch)
            for partner_id, user_id in user_ids.items()
        }

    @api.model
    def _get_adjustment_users(self, adjustments):
        """{partner_id: user id} of the adjustments read (``_read_adjustments``)."""
        ids = [item.adjustment_id for items in adjustments.values() for item in items]
        records = self.env["sale.incentive.adjustment"].sudo().browse(ids)
        return {a.partner_id.id: a.user_id.id for a in records if a.user_id}

    @api.model
    def _get_previous_users(self, plan, partner_ids):
        """{partner_id: user id} of the earlier settlements of ``plan``."""
        previous = (
            self.env["sale.incentive.settlement"]
            .sudo()
            ._read_group(
                [("plan_id", "=", plan.id), ("partner_id", "in", partner_ids)],
                ["partner_id"],
                ["user_id:max"],
            )
        )
        return {partner.id: user_id for partner, user_id in previous if user_id}

    # ------------------------------------------------------------------
    # The unsettled earned lines, grouped as the engine settles them
    # ------------------------------------------------------------------
    @api.model
    def _unsettled_query(self, plan, date_to, partners=None):
        """Query of the lines a settlement of ``plan`` up to ``date_to`` takes."""
        lines = self.env["sale.incentive.line"].sudo()
        domain = lines._get_earned_domain(
            plan, date_to=date_to, partners=partners, settled=False
        )
        return lines._search(domain)

    @api.model
    def _group_columns(self, plan):
        """SQL of the (rule, refund, period) key a line is settled under:
        whether it is a clawback.  Lines of period-cumulative tables carry
        what they add to their period's table, so they settle like any other
        line; the rule and period parts of the key are constants."""
        table = SQL.identifier("sale_incentive_line")
        return SQL("0"), SQL("(%s.kind = 'refund')", table), SQL("DATE %s", NO_BUCKET)

    @api.model
    def _read_groups(self, plan, date_from, date_to, partners=None):
        """{partner_id: {"user": id, "groups": [row dict]}} of unsettled lines."""
        query = self._unsettled_query(plan, date_to, partners)
        self.env.cr.execute(self._get_groups_sql(plan, date_from, query))
        data = defaultdict(lambda: {"user": 0, "groups": []})
        for row in self.env.cr.fetchall():
            entry = data[row[0]]
            entry["user"] = entry["user"] or row[1] or 0
            entry["groups"].append(_group_row(row))
        return data

    @api.model
    def _get_groups_sql(self, plan, date_from, query):
        """The query of ``_read_groups``: one row per beneficiary and group
        key of the lines of ``query``."""
        rule, refund, bucket = self._group_columns(plan)
        base = self.env["sale.incentive.line"]._credited_base_sql()
        in_period = SQL("sale_incentive_line.date >= %s", date_from)
        return SQL(
            """SELECT sale_incentive_line.partner_id,
                          MAX(sale_incentive_line.user_id), %(rule)s, %(refund)s,
                          %(bucket)s, SUM(sale_incentive_line.amount), SUM(%(base)s),
                          SUM(%(base)s) FILTER (WHERE %(in_period)s),
                          SUM(%(base)s) FILTER (WHERE %(in_period)s
                              AND sale_incentive_line.product_id = ANY(%(new)s)),
                          COUNT(*)
                     FROM %(from)s WHERE %(where)s
                 GROUP BY sale_incentive_line.partner_id, 3, 4, 5""",
            rule=rule,
            refund=refund,
            bucket=bucket,
            base=base,
            in_period=in_period,
            new=plan.new_product_ids.ids or [0],
            **{"from": query.from_clause, "where": query.where_clause},
        )

    # ------------------------------------------------------------------
    # Other facts
    # ------------------------------------------------------------------
    @api.model
    def _read_matured_holdbacks(self, plan, date_to, partners=None, matured=True):
        """{partner_id: [Holdback]} held or deferred amounts to release, locked."""
        family = plan._get_version_family()
        rows = self._lock_holdbacks(family, date_to, partners, matured)
        plans = self.env["sale.incentive.plan"].browse({row[3] for row in rows})
        yearly = self.env["sale.incentive.plan.coefficient"]._get_yearly(
            family, {row[5] for row in rows}
        )
        result = defaultdict(list)
        for row in rows:
            result[row[1]].append(
                components.Holdback(
                    component_id=row[0],
                    kind=row[4],
                    held=row[2],
                    source_key=(row[3],),
                    # finance's release coefficients of the year the amount
                    # was held (the forfeiture ignores them)
                    coefficients=plans.browse(row[3])._get_release_coefficients(
                        row[5], yearly
                    ),
                )
            )
        return result

    @api.model
    def _lock_holdbacks(self, family, date_to, partners, matured):
        """Lock the unreleased holdbacks of the plans ``family``; their rows
        (id, partner id, held, plan id, component, year held)."""
        where = SQL(
            "c.component IN ('holdback', 'deferred') AND c.released_by_id IS NULL "
            "AND s.plan_id = ANY(%s) AND s.workflow_state = 'posted'",
            family.ids,
        )
        if matured:
            where = SQL("%s AND c.release_date <= %s", where, date_to)
        if partners:
            where = SQL("%s AND s.partner_id = ANY(%s)", where, partners.ids)
        return self._lock(
            SQL(
                "SELECT c.id, s.partner_id, -c.amount, s.plan_id, c.component, "
                "EXTRACT(YEAR FROM s.date_to)::int "
                "FROM sale_incentive_settlement_line c "
                "JOIN sale_incentive_settlement s ON s.id = c.settlement_id "
                "WHERE %s ORDER BY c.id FOR UPDATE OF c NOWAIT",
                where,
            )
        )

    @api.model
    def _read_adjustments(self, plan, date_to, partners=None):
        """{partner_id: [Adjustment]} approved, unpaid adjustments of ``plan``
        dated up to ``date_to``, locked like any source."""
        where = SQL(
            "plan_id = %s AND approved_by_id IS NOT NULL AND cancelled IS NOT TRUE "
            "AND settlement_line_id IS NULL AND date <= %s",
            plan.id,
            date_to,
        )
        if partners:
            where = SQL("%s AND partner_id = ANY(%s)", where, partners.ids)
        rows = self._lock(
            SQL(
                "SELECT id FROM sale_incentive_adjustment WHERE %s "
                "ORDER BY date, id FOR UPDATE NOWAIT",
                where,
            )
        )
        result = defaultdict(list)
        adjustments = self.env["sale.incentive.adjustment"].sudo()
        for adjustment in adjustments.browse([row[0] for row in rows]):
            result[adjustment.partner_id.id].append(adjustment._to_engine_adjustment())
        return result

    @api.model
    def _read_carries(self, plan, date_from, partners=None):
        """{partner_id: [Carry]} negative totals not carried yet, locked.

        The carried settlements are locked like any source, so two runs
        cannot carry the same balance twice.
        """
        negatives = self._find_uncarried(plan, date_from, partners)
        if not negatives:
            return {}
        self._lock(
            SQL(
                "SELECT id FROM sale_incentive_settlement WHERE id = ANY(%s) "
                "FOR UPDATE NOWAIT",
                negatives.ids,
            )
        )
        result = defaultdict(list)
        for settlement in negatives:
            result[settlement.partner_id.id].append(
                components.Carry(
                    settlement_id=settlement.id,
                    name=settlement.display_name,
                    amount=settlement.amount_total,
                )
            )
        return result

    @api.model
    def _find_uncarried(self, plan, date_from, partners=None):
        """The posted settlements before ``date_from`` whose negative total
        no live settlement carried yet."""
        domain = [
            ("plan_id", "in", plan._get_version_family().ids),
            ("workflow_state", "=", "posted"),
            ("amount_total", "<", 0.0),
            ("date_to", "<", date_from),
        ]
        if partners:
            domain.append(("partner_id", "in", partners.ids))
        negatives = self.env["sale.incentive.settlement"].sudo().search(domain)
        return negatives - negatives._get_carrying_components().carry_from_id

    @api.model
    def _read_overdue_counts(self, plan, date_to, partner_ids):
        """{partner_id: overdue invoice periods} of the invoices behind lines."""
        if not plan.overdue_penalty_percent or not partner_ids:
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
            counts[partner_id] += months_overdue(due, date_to)
        return counts

    @api.model
    def _read_team_facts(self, plan, date_from, date_to, partners=None):
        """{partner_id: {team_sales, overrides, pools, champion}} of the period."""
        team_bands = plan.pay_band_ids and plan.band_measure == "team_sales"
        if not (
            plan.override_percent
            or plan.pool_percent
            or plan.champion_award
            or plan._get_champion_scopes(date_to)
            or team_bands
        ):
            return {}
        teams, totals = self._read_team_bases(plan, date_from, date_to)
        result = defaultdict(dict)
        self._add_team_results(plan, teams, result, team_bands)
        self._add_champions(plan, date_from, date_to, totals, result)
        if partners:
            return {key: value for key, value in result.items() if key in partners.ids}
        return result

    @api.model
    def _read_team_bases(self, plan, date_from, date_to):
        """({team_id: [(partner_id, credited base)]}, {partner_id: credited
        base}) of the period's earned lines (``plan``: one plan or the
        versions of one)."""
        lines = self.env["sale.incentive.line"].sudo()
        query = lines._search(
            lines._get_earned_domain(plan, date_from=date_from, date_to=date_to)
        )
        self.env.cr.execute(
            SQL(
                """SELECT sale_incentive_line.team_id, sale_incentive_line.partner_id,
                          SUM(%s)
                     FROM %s WHERE %s GROUP BY 1, 2 ORDER BY 1, 2""",
                lines._credited_base_sql(),
                query.from_clause,
                query.where_clause,
            )
        )
        teams = defaultdict(list)
        totals = defaultdict(float)
        for team_id, partner_id, base in self.env.cr.fetchall():
            teams[team_id].append((partner_id, base or 0.0))
            totals[partner_id] += base or 0.0
        return teams, totals

    @api.model
    def _add_team_results(self, plan, teams, result, team_bands):
        currency = plan.currency_id
        for team in self.env["crm.team"].browse([t for t in teams if t]):
            members = teams[team.id]
            team_base = currency.round(sum(base for _p, base in members))
            leader = team.user_id
            if leader and (team_bands or (plan.override_percent and team_base > 0)):
                item = result[leader.partner_id.id]
                item.setdefault("user", leader.id)
                if team_bands:
                    item["team_sales"] = item.get("team_sales", 0.0) + team_base
                if plan.override_percent and team_base > 0:
                    item.setdefault("overrides", []).append(
                        components.TeamOverride(team.name, team_base)
                    )
            if plan.pool_percent and team_base > 0:
                self._add_pool(plan, team, members, team_base, result)

    @api.model
    def _add_pool(self, plan, team, members, team_base, result):
        """The team's pool shared pro rata to each member's sales, cent-exact."""
        digits = plan.currency_id.decimal_places
        pool = percent_of(team_base, plan.pool_percent, digits=digits)
        weights = [max(base, 0.0) for _p, base in members]
        pieces = splits.split_amount(pool, weights, digits=digits)
        for (partner_id, base), piece in zip(members, pieces, strict=True):
            if piece:
                result[partner_id].setdefault("pools", []).append(
                    components.PoolShare(team.name, piece, pool, base, team_base)
                )

    @api.model
    def _add_champions(self, plan, date_from, date_to, totals, result):
        """The champions of the period (``totals``: its sales per
        beneficiary) and, in the month closing a quarter or a year, of that
        quarter or year (one grouped query each): their part of each award,
        shared on a tie (engine/champions.py)."""
        digits = plan.currency_id.decimal_places
        date_to = fields.Date.to_date(date_to)
        awards = [("period", plan.champion_award, date_from, totals)]
        scopes = plan._get_champion_scopes(date_to)
        # the quarter or year may have begun under an earlier version
        family = plan._get_version_family() if scopes else plan
        for scope, award in scopes.items():
            scope_from, scope_to = champions.scope_bounds(date_to, scope)
            scope_totals = self._read_team_bases(family, scope_from, scope_to)[1]
            awards.append((scope, award, scope_from, scope_totals))
        for scope, award, scope_from, scope_totals in awards:
            if not award:
                continue
            winners = champions.champions(
                scope_totals,
                award,
                scope,
                digits=digits,
                date_from=scope_from,
                date_to=date_to,
            )
            for partner_id, champion in winners.items():
                result[partner_id].setdefault("champions", []).append(champion)

    @api.model
    def _read_targets(self, plan, users, date_from, date_to):
        """{user_id: target} when the policy needs targets, else {}."""
        needs = (
            plan.target_gate != "none"
            or plan.use_achievement_coefficient
            or (plan.pay_band_ids and plan.band_measure == "achievement")
        )
        if not needs:
            return {}
        targets = plan._get_incentive_targets(users, date_from, date_to)
        return {user.id: amount for user, amount in targets.items()}

    @api.model
    def _read_scored_users(self, plan, date_from, date_to, partners=None):
        """{partner_id: user id} of the users the plan covers (its users and
        its teams' members) with a positive score in the period when it pays
        a KPI-scored amount: they are paid it even without a commission line
        (seed 002: 综合得分比例 x 1500 is part of every month's pay)."""
        amount = plan._get_kpi_scored_amount(date_to)
        if not (amount and plan.scorecard_line_ids):
            return {}
        if plan.date_from and plan.date_from > date_to:
            return {}
        users = (plan.user_ids | plan.team_ids.member_ids).filtered("active")
        if partners:
            users = users.filtered(lambda user: user.partner_id in partners)
        if not users:
            return {}
        details = plan._get_kpi_details(users, date_from, date_to)
        return {
            user.partner_id.id: user.id
            for user, (_items, score) in details.items()
            if score > 0
        }

    @api.model
    def _read_kpi_scores(self, plan, users, date_from, date_to):
        # the score multiplies (use_kpi_score) or pays the KPI-scored amount
        uses_score = plan.use_kpi_score or plan.kpi_scored_amount
        if not (uses_score and plan.scorecard_line_ids and users):
            return {}
        details = plan._get_kpi_details(users, date_from, date_to)
        return {user.id: score for user, (_items, score) in details.items()}


def _group_row(row):
    """One grouped row of ``_read_groups`` as the dict the run reads."""
    _partner, _user, rule_id, is_refund, day, amount, base, in_period, new, count = row
    return {
        "key": (rule_id, is_refund, str(day)),
        "amount": amount or 0.0,
        "base": base or 0.0,
        "base_in_period": in_period or 0.0,
        "base_new": new or 0.0,
        "count": count,
    }
