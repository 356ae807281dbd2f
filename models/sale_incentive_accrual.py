# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models
from odoo.tools import split_every

from ..engine import splits

# invoice lines turned into commission lines by one create() when posting
POST_CHUNK = 250


class SaleIncentiveAccrual(models.AbstractModel):
    """Accrual: sources -> rule values -> line values -> create.

    The sources (``sale.incentive.source``) of posted invoices and credit
    notes, or of confirmed orders (forecasts), are matched with the rules of
    every applicable plan; each beneficiary of a matching plan gets the
    values of one line (``_prepare_incentive_line_vals``), and a batch of
    values is written by one ``create()`` (``_create_lines``).  Credit notes
    that reverse accrued lines are clawed back by ``sale.incentive.reversal``.
    """

    _name = "sale.incentive.accrual"
    _description = "Sales Incentive Accrual"

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    @api.model
    def _get_plan_rules(self, plan, cache=None):
        """(main rules, additions) of ``plan``, each a list of (rule, its
        conditions as plain data) sorted by sequence; read once per batch
        when a ``cache`` dict is given."""
        if cache is not None and plan.id in cache:
            return cache[plan.id]
        # the conditions, and what the line's explanation and review flag
        # read of the rule, as plain data
        rules = [
            (
                rule,
                {
                    **rule._get_match_data(),
                    "name": rule.name,
                    "flag_review": rule.flag_review,
                },
            )
            for rule in plan.rule_ids.sorted(lambda r: (r.sequence, r.id))
        ]
        result = (rules, [r for r in rules if r[0].rule_kind == "addition"])
        if cache is not None:
            cache[plan.id] = result
        return result

    @api.model
    def _compute_source(self, source, plan, rules_cache=None):
        """Commission of a whole source line under ``plan`` (signed, rounded).

        Returns ``None`` when no rule matches, else a dict with ``amount``,
        ``rate``, ``rule``, ``bracket_id``, ``base``, ``needs_review`` and
        ``parts`` (its explanation, ``sale.incentive.explanation``).
        ``rules_cache``: a dict kept for a batch so that the plan's rules are
        sorted once.
        """
        source_model = self.env["sale.incentive.source"]
        values = source_model._get_rule_values(source, plan)
        rules, additions = self._get_plan_rules(plan, rules_cache)
        rule, data = self._find_rule(rules, values)
        if rule is None:
            return None
        # the rule's base: the plan's, or the line's revenue or net profit
        rule_values = rule._get_rule_base_values(values)
        res = rule._compute_commission(rule_values)
        if res.get("price_approval"):
            # the approved % is the line's whole commission, reviewed
            additions = []
        currency = source_model._get_source_currency(source)
        total, parts = self._apply_additions(values, additions, res, currency)
        return {
            "amount": currency.round(total["amount"]) * source["sign"],
            "rate": res["rate"],
            "rule": rule,
            "bracket_id": res["bracket_id"],
            "base": rule_values["base"] * source["sign"],
            # a price approved below the minimum has been reviewed
            "needs_review": (
                (data["flag_review"] or values["below_guide"])
                and not res.get("price_approval")
            )
            or total["review"],
            "parts": self._get_source_explanation(
                source, values, data, [*res["parts"], *parts]
            ),
        }

    @api.model
    def _find_rule(self, rules, values):
        """(rule, its data): the first of ``rules`` whose conditions hold
        for ``values``; (None, None) when none does."""
        match = self.env["sale.incentive.rule"]._match_data
        return next(
            ((r, data) for r, data in rules if match(data, values)), (None, None)
        )

    @api.model
    def _get_source_explanation(self, source, values, data, parts):
        """'<calculation> on [<document>] <product>, rule '<rule>'', as
        explanation parts; ``parts``: those of the calculation."""
        return [
            self.env["sale.incentive.explanation"]._part(
                "source",
                calc=parts,
                doc=source["order"].name or source["move"].name or "",
                product=values["display_name"],
                rule=data["name"],
            )
        ]

    @api.model
    def _apply_additions(self, values, additions, main, currency):
        """The ``main`` result with what the matching ``additions`` add:
        ({"amount": total, "review": flagged}, [explanation part of each])."""
        extra = {"amount": main["amount"], "review": False}
        parts = []
        match = self.env["sale.incentive.rule"]._match_data
        for addition, data in additions:
            if match(data, values):
                res = addition._compute_commission(
                    addition._get_rule_base_values(values), main_amount=main["amount"]
                )
                if currency.is_zero(res["amount"]):
                    continue
                extra["amount"] += res["amount"]
                extra["review"] = extra["review"] or addition.flag_review
                parts.append(
                    self.env["sale.incentive.explanation"]._part(
                        "addition", calc=res["parts"], rule=addition.name
                    )
                )
        return extra, parts

    # ------------------------------------------------------------------
    # Line values
    # ------------------------------------------------------------------
    @api.model
    def _prepare_incentive_line_vals(self, source, plan, result, beneficiary, amount):
        """Values of one line for one beneficiary (hook)."""
        user, partner, share = beneficiary
        tier = self.env["sale.incentive.source"]._get_source_tier(source)
        return {
            "company_id": source["company"].id,
            "plan_id": plan.id,
            "rule_id": result["rule"].id,
            "bracket_id": result["bracket_id"],
            "date": source["date"],
            "period_date": source["date"],
            "user_id": user.id,
            "partner_id": partner.id,
            "team_id": source["team"].id,
            "customer_id": source["customer"].id,
            "tier_id": tier.id,
            "product_id": source["product"].id,
            "order_id": source["order"].id,
            "sale_line_id": source["sale_line"].id,
            "move_id": source["move"].id,
            "move_line_id": source["move_line"].id,
            "quantity": source["quantity"],
            "base_amount": result["base"],
            "share": share,
            "rate": result["rate"],
            "amount": amount,
            "needs_review": result["needs_review"],
            "explanation_data": result["parts"] + self._get_share_explanation(share),
        }

    @api.model
    def _get_share_explanation(self, share):
        """The explanation part of a beneficiary's ``share`` ('(50%)'), none
        for the whole line."""
        if share == 100.0:
            return []
        return [self.env["sale.incentive.explanation"]._part("share", percent=share)]

    @api.model
    def _prepare_lines_for_sources(
        self, sources, kind, plans=None, skip=frozenset(), caches=None
    ):
        """Line values for ``sources`` (dicts), for every applicable plan (or
        only ``plans``) and every beneficiary; ``skip`` holds (move id, plan
        id) pairs already accrued; ``caches``: the dicts of
        ``_new_batch_caches`` when several calls make one batch (its
        ``plans`` holds the plans by day already looked up, restricted to
        ``plans``)."""
        caches = self._new_batch_caches() if caches is None else caches
        plans_by_day = self._add_plans_by_day(caches, sources, plans)
        all_plans = self.env["sale.incentive.plan"].union(*plans_by_day.values())
        if not all_plans:
            return []
        self.env["sale.incentive.source"]._add_batch_values(
            sources, caches, self._needs_order_values(all_plans, caches)
        )
        vals_list = []
        for source in sources:
            for plan in plans_by_day[(source["company"], source["date"])]:
                if (source["move"].id, plan.id) not in skip:
                    vals_list += self._prepare_plan_lines(source, plan, kind, caches)
        if kind == "forecast":
            self.env["sale.incentive.period.table"]._apply_period_forecast(vals_list)
        return vals_list

    @api.model
    def _needs_order_values(self, plans, caches):
        """Whether a rule of ``plans`` reads the figures of the whole order."""
        return any(
            rule._needs_order_values()
            for plan in plans
            for rule, _data in self._get_plan_rules(plan, caches["rules"])[0]
        )

    @api.model
    def _new_batch_caches(self):
        """What the engine reads once per batch: the plans' sorted rules, who
        each plan covers, the products' values, the companies' currencies,
        the plans of each (company, day)."""
        return {
            "rules": {},
            "covers": {},
            "products": {},
            "companies": {},
            "plans": {},
        }

    @api.model
    def _add_plans_by_day(self, caches, sources, plans=None):
        """The plans by (company, date) of ``caches``, completed with the
        days of ``sources`` not looked up yet."""
        plans_by_day = caches["plans"]
        missing = {(s["company"], s["date"]) for s in sources} - plans_by_day.keys()
        if missing:
            plans_by_day.update(self._get_plans_by_day(missing, plans))
        return plans_by_day

    @api.model
    def _get_plans_by_day(self, keys, plans=None):
        """{(company, date): the plans applicable that day, within ``plans``
        when given} for the set ``keys``, in one query."""
        found = self.env["sale.incentive.plan"]._get_applicable_plans_by_day(keys)
        if plans is not None:
            found = {key: day_plans & plans for key, day_plans in found.items()}
        return found

    @api.model
    def _get_covered_shares(self, source, plan, covers):
        """The beneficiaries (user, partner, share) of ``source`` that
        ``plan`` covers; ``covers``: {(plan, user, partner, day): covered} kept
        for a batch."""
        covered = []
        for beneficiary in source["shares"]:
            # dated: a grade puts its holders on its plans from a day on
            key = (plan.id, beneficiary[0].id, beneficiary[1].id, source["date"])
            if key not in covers:
                covers[key] = plan._covers_beneficiary(
                    beneficiary[0], beneficiary[1], source["date"]
                )
            if covers[key]:
                covered.append(beneficiary)
        return covered

    @api.model
    def _prepare_plan_lines(self, source, plan, kind, caches):
        """Line values of ``source`` under ``plan``, one per beneficiary it
        covers; ``caches``: dicts kept for a batch (sorted rules, coverage)."""
        covered = self._get_covered_shares(source, plan, caches["covers"])
        result = covered and self._compute_source(source, plan, caches["rules"])
        if not result:
            return []
        currency = self.env["sale.incentive.source"]._get_source_currency(source)
        amounts = splits.split_amount(
            result["amount"],
            [b[2] for b in source["shares"]],
            digits=currency.decimal_places,
        )
        is_earned = self.env["sale.incentive.line"]._is_earned_line(kind, plan)
        return [
            dict(
                self._prepare_incentive_line_vals(
                    source, plan, result, beneficiary, amount
                ),
                kind=kind,
                is_earned=is_earned,
            )
            for beneficiary, amount in zip(source["shares"], amounts, strict=True)
            if beneficiary in covered
        ]

    # ------------------------------------------------------------------
    # Writing lines
    # ------------------------------------------------------------------
    @api.model
    def _create_lines(self, vals_list, totals=None):
        """Write the engine's line values through ``create()`` (one batch:
        Odoo inserts many rows per statement), as superuser: lines are the
        engine's, whoever posts.  An extension's defaults, stored computes
        and ``create`` overrides apply to every line.  Lines of period tables
        get their increment of their period's table first
        (``sale.incentive.period.table._apply_period_tables``; ``totals``
        carries the period totals over the calls of one batch)."""
        tables = self.env["sale.incentive.period.table"]
        return (
            self.env["sale.incentive.line"]
            .sudo()
            .create(tables._apply_period_tables(vals_list, totals))
        )

    @api.model
    def _create_for_invoices(self, moves, plans=None):
        """Accrue the lines of posted customer invoices and credit notes.

        Idempotent: a (move, plan) pair that has lines already is skipped.
        """
        caches = self._new_batch_caches()
        moves = self._filter_accrued_moves(moves, plans, caches)
        if not moves:
            return self.env["sale.incentive.line"]
        skip = {
            (move.id, plan.id)
            for move, plan in self.env["sale.incentive.line"]._read_group(
                [("move_id", "in", moves.ids), ("kind", "in", ("invoice", "refund"))],
                ["move_id", "plan_id"],
            )
        }
        # batch reads for the whole posting, not one per invoice
        moves.invoice_line_ids.sale_line_ids.order_id.sudo().incentive_share_ids.mapped(
            "share"
        )
        moves.invoice_user_id.partner_id.mapped("name")
        amls = self.env["account.move.line"].concat(
            *(
                move.invoice_line_ids.filtered(lambda l: l.display_type == "product")
                for move in moves
            )
        )
        return self._create_for_move_lines(amls, plans, skip, caches)

    @api.model
    def _filter_accrued_moves(self, moves, plans, caches):
        """The posted customer invoices and credit notes of ``moves`` that may
        earn something: invoices of a day no plan covers earn nothing (the
        plans by day are kept in ``caches``)."""
        moves = moves.filtered(
            lambda m: (
                m.move_type in ("out_invoice", "out_refund") and m.state == "posted"
            )
        )
        if not moves:
            return moves
        plans_by_day = caches["plans"]
        plans_by_day.update(
            self._get_plans_by_day(
                {(move.company_id, move.invoice_date or move.date) for move in moves},
                plans,
            )
        )
        return moves.filtered(
            lambda m: (
                m.move_type == "out_refund"
                or plans_by_day[(m.company_id, m.invoice_date or m.date)]
            )
        )

    @api.model
    def _create_for_move_lines(self, amls, plans, skip, caches):
        """Write the lines of the invoice lines ``amls`` by chunks, each by
        one create(): a posting's thousands of source and value dicts are not
        all alive together, so they do not pile up for Python's full garbage
        collections; the credit note lines are clawed back in one batch at
        the end (what each reverses is read together)."""
        totals = {}  # period totals of period tables, over the chunks
        lines = self.env["sale.incentive.line"].sudo()
        refund_sources = []
        for chunk in split_every(POST_CHUNK, amls.ids, amls.browse):
            sources = []
            for source in chunk._prepare_incentive_sources():
                (refund_sources if source["sign"] < 0 else sources).append(source)
            lines |= self._create_lines(
                self._prepare_lines_for_sources(
                    sources, "invoice", plans, skip, caches
                ),
                totals,
            )
        reversal = self.env["sale.incentive.reversal"]
        return lines | self._create_lines(
            reversal._prepare_clawback_vals(refund_sources, plans, skip), totals
        )

    # ------------------------------------------------------------------
    # Recompute
    # ------------------------------------------------------------------
    @api.model
    def _recompute_unsettled(self, lines):
        """Recompute the accrued and forecast ``lines`` with the plans'
        current rules.

        Accrued lines are recomputed per (invoice, plan) only when none of
        them is settled, paid (paid basis) or reversed: those are kept as they
        are.  Returns the lines kept.
        """
        group_lines, kept = self._get_kept_lines(lines)
        redo = group_lines.browse()
        for group in group_lines.grouped(lambda l: (l.move_id, l.plan_id)).values():
            if not group & kept:
                redo |= group
        moves, plans = redo.move_id, redo.plan_id
        orders = lines.filtered(lambda l: l.kind == "forecast").order_id
        self.env["sale.incentive.period.table"]._unlink_from_periods(redo.sudo())
        self._create_for_invoices(moves, plans)
        self.env["sale.incentive.forecast"]._write_forecast(orders)
        return group_lines.exists() & kept

    @api.model
    def _get_kept_lines(self, lines):
        """(accrued lines of the (invoice, plan) pairs of ``lines``, those of
        them a recompute keeps: settled, paid or reversed)."""
        accrued = lines.filtered(lambda l: l.kind == "invoice")
        group_lines = lines.search(
            [
                ("move_id", "in", accrued.move_id.ids),
                ("plan_id", "in", accrued.plan_id.ids),
                ("kind", "=", "invoice"),
            ]
        )
        children = lines.search(
            [
                ("origin_line_id", "in", group_lines.ids),
                ("kind", "in", ("payment", "refund")),
            ]
        )
        return group_lines, group_lines._is_settled() | children.origin_line_id
