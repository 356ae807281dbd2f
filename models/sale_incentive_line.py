# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, split_every, sql

from ..engine import proration, splits

# every query of earned lines is bound to a plan, most to dates as well
PLAN_DATE_INDEX = "sale_incentive_line_plan_id_date_index"
# invoice lines turned into commission lines by one create() when posting
POST_CHUNK = 250


class SaleIncentiveLine(models.Model):
    """What one source line earns one beneficiary under one plan.

    Kinds:

    * ``forecast``: a confirmed sale order line (what the rep can expect);
      never settled, replaced when the order changes.
    * ``invoice``: a posted customer invoice line (accrued).  Earned at
      posting on the invoiced basis; on the paid basis the ``payment`` lines
      earn it.
    * ``refund``: a posted credit note line, the opposite of what it reverses
      at the original rates (clawback).
    * ``payment``: on the paid basis, the part of an accrued line earned (or
      un-earned) by a payment, dated by the payment.
    """

    _name = "sale.incentive.line"
    _description = "Sales Incentive Line"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "explanation"

    # Every many2one has its foreign key (ondelete as declared).  Indexes:
    # every one is rewritten when a settlement links its lines (an UPDATE of
    # 100,000 rows), so only those a query needs are kept; company, kind,
    # earned, team, customer and product are always read together with the
    # plan, the order, the invoice or the origin line; plan and date share
    # one index (PLAN_DATE_INDEX, plan first).
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="restrict"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    plan_id = fields.Many2one(
        "sale.incentive.plan",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    rule_id = fields.Many2one("sale.incentive.rule", readonly=True, ondelete="set null")
    bracket_id = fields.Many2one(
        "sale.incentive.bracket", readonly=True, ondelete="set null"
    )
    kind = fields.Selection(
        [
            ("forecast", "Forecast"),
            ("invoice", "Accrued (invoice)"),
            ("refund", "Clawback (credit note)"),
            ("payment", "Earned by payment"),
        ],
        required=True,
        readonly=True,
    )
    is_earned = fields.Boolean(
        "Earned",
        readonly=True,
        help="Earned lines are what settlements pay.",
    )
    date = fields.Date(required=True, readonly=True)
    # not indexed: read only together with the plan, partner and rule
    period_date = fields.Date(
        readonly=True,
        help="The date whose period the line counts in for period-cumulative "
        "tables: its own date, except a clawback, which counts in the period "
        "of the sale it reverses.",
    )
    user_id = fields.Many2one(
        "res.users", "Salesperson", readonly=True, index=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Beneficiary",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        help="Who is paid: the salesperson's partner or the external agent.",
    )
    team_id = fields.Many2one(
        "crm.team", "Sales Team", readonly=True, ondelete="set null"
    )
    customer_id = fields.Many2one("res.partner", readonly=True, ondelete="restrict")
    tier_id = fields.Many2one(
        "sale.incentive.customer.tier",
        "Customer Tier",
        readonly=True,
        ondelete="restrict",
        help="The customer's tier when the line was written.",
    )
    product_id = fields.Many2one("product.product", readonly=True, ondelete="restrict")
    order_id = fields.Many2one("sale.order", readonly=True, index=True)
    sale_line_id = fields.Many2one(
        "sale.order.line", readonly=True, index=True, ondelete="cascade"
    )
    # an invoice reset to draft drops its (unsettled) lines first
    # (account.move.button_draft); a line goes with its document
    move_id = fields.Many2one(
        "account.move", "Invoice", readonly=True, index=True, ondelete="cascade"
    )
    move_line_id = fields.Many2one(
        "account.move.line", readonly=True, index="btree_not_null", ondelete="cascade"
    )
    payment_move_id = fields.Many2one(
        "account.move",
        "Payment Entry",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="For a line earned by payment, the payment (or other entry) "
        "reconciled with the invoice that earned it.",
    )
    origin_line_id = fields.Many2one(
        "sale.incentive.line",
        readonly=True,
        index="btree_not_null",
        help="For a clawback, the line it reverses; for a payment, the accrued "
        "line it earns.",
    )
    quantity = fields.Float(readonly=True, digits="Product Unit of Measure")
    base_amount = fields.Monetary("Base", readonly=True)
    base_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_base_currency_id",
        help="The currency of the base; none when the plan's base is a "
        "quantity (units are not money).",
    )
    share = fields.Float(
        "Share (%)",
        readonly=True,
        default=100.0,
        help="Beneficiary's share of the line.",
    )
    rate = fields.Float("Rate (%)", readonly=True, digits=(16, 4))
    amount = fields.Monetary(readonly=True)
    # The settlement link: the component that took the line, empty while
    # unsettled; a component cannot be deleted while lines point to it (its
    # draft settlement frees them first: sale.incentive.settlement.
    # _free_sources).  Settled = this link, nothing else.
    settlement_line_id = fields.Many2one(
        "sale.incentive.settlement.line",
        "Settlement Component",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
    settlement_id = fields.Many2one(
        related="settlement_line_id.settlement_id", string="Settlement"
    )
    needs_review = fields.Boolean(
        readonly=True, help="Sold below the guide price, or flagged by the rule."
    )
    explanation = fields.Char(readonly=True)

    def init(self):
        res = super().init()
        sql.create_index(self.env.cr, PLAN_DATE_INDEX, self._table, ["plan_id", "date"])
        return res

    @api.depends("plan_id.base", "currency_id")
    def _compute_base_currency_id(self):
        for line in self:
            line.base_currency_id = (
                line.currency_id if line.plan_id.base != "quantity" else False
            )

    # ------------------------------------------------------------------
    # Guards: lines are written by the engine only
    # ------------------------------------------------------------------
    def _is_settled(self):
        """The lines taken by a settlement (draft included): settled is the
        link to the settlement, nothing else."""
        return self.filtered("settlement_line_id")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_settled(self):
        if self._is_settled():
            raise UserError(
                self.env._(
                    "Settled commission lines cannot be deleted: a credit note "
                    "or a new settlement corrects them."
                )
            )

    # ------------------------------------------------------------------
    # One definition of each fact
    # ------------------------------------------------------------------
    @api.model
    def _get_earned_domain(
        self, plans, date_from=None, date_to=None, partners=None, settled=None
    ):
        """THE earned lines of ``plans``, dated within the optional bounds.

        Settlements, forecasts of period tables, targets, KPIs, team figures
        and forfeiture all read "what is earned" through this domain (SQL is
        built from it with ``_search``).  ``settled``: True for the lines a
        settlement took, False for those still to settle, None for both.
        """
        domain = [("plan_id", "in", plans.ids), ("is_earned", "=", True)]
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<=", date_to))
        if partners is not None:
            domain.append(("partner_id", "in", partners.ids))
        if settled is not None:
            domain.append(("settlement_line_id", "!=" if settled else "=", False))
        return domain

    @api.model
    def _get_forecast_domain(self, plans, date_from=None, date_to=None):
        """The forecast lines of ``plans`` (orders confirmed, commission
        expected), dated within the optional bounds: what My Commissions and
        the team board show beside what is earned, never added to it."""
        domain = [("plan_id", "in", plans.ids), ("kind", "=", "forecast")]
        if date_from:
            domain.append(("date", ">=", date_from))
        if date_to:
            domain.append(("date", "<=", date_to))
        return domain

    @api.model
    def _credited_base_sql(self):
        """SQL of the base credited to the line's beneficiary (base × share)."""
        return SQL(
            "(sale_incentive_line.base_amount * sale_incentive_line.share / 100.0)"
        )

    @api.model
    def _get_credited_base(self, vals):
        """The credited base of line values not written yet: what
        ``_credited_base_sql`` reads of the line once written."""
        return vals["base_amount"] * vals.get("share", 100.0) / 100.0

    # ------------------------------------------------------------------
    # Building the values a rule looks at
    # ------------------------------------------------------------------
    @api.model
    def _is_new_customer(self, customer, date, company=None):
        """Whether ``customer`` counts as new on ``date`` for ``company`` (hook)."""
        company = company or self.env.company
        first = customer.incentive_first_sale_date
        return bool(first) and first >= company._incentive_new_customer_since(date)

    @api.model
    def _get_customer_tier(self, customer, date, company=None):
        """Tier code of the customer in ``company`` (hook)."""
        return self._get_customer_tier_record(customer, company).code or ""

    @api.model
    def _get_customer_tier_record(self, customer, company=None):
        """The tier in force of ``customer`` (its commercial partner)."""
        company = company or self.env.company
        # whoever posts: tiers are not every employee's to read
        partner = customer.commercial_partner_id.sudo().with_company(company)
        return partner.incentive_tier_id

    @api.model
    def _get_rule_values(self, source, plan):
        """The dict rules are matched and computed on, for ``plan``."""
        product = source["product"]
        quantity = abs(source["quantity"])
        revenue = abs(source["revenue"])
        cost = abs(source["cost"])
        margin = revenue - cost
        base = {"revenue": revenue, "margin": margin, "quantity": quantity}[plan.base]
        # read once per batch (_add_product_values)
        product_values = source.get("product_values") or self._get_product_values(
            product
        )
        guide = product_values["guide_price"]
        price_unit = source["price_unit"]
        currency = self._get_source_currency(source)
        if "tier" in source:  # read once per batch (_add_customer_values)
            tier, is_new = source["tier"], source["is_new_customer"]
        else:
            customer, company = source["customer"], source["company"]
            tier = self._get_customer_tier(customer, source["date"], company)
            is_new = self._is_new_customer(customer, source["date"], company)
        values = {
            "product": product,
            "product_id": product.id,
            "categ_path": product_values["categ_path"],
            "team": source["team"],
            "team_id": source["team"].id,
            "quantity": quantity,
            "base": base,
            "price_unit": price_unit,
            "list_price": product_values["list_price"],
            "guide_price": guide,
            "below_guide": bool(guide)
            and float_compare(price_unit, guide, precision_rounding=currency.rounding)
            < 0,
            "order_quantity": source.get("order_quantity", quantity),
            "order_base": source.get("order_bases", {}).get(plan.base, base),
            "is_new_customer": is_new,
            "tier": tier,
            "display_name": product_values["display_name"],
            "format": lambda amount: self._format_amount(amount, currency),
        }
        values["formula_values"] = {
            "base": base,
            "revenue": revenue,
            "margin": margin,
            "cost": cost,
            "quantity": quantity,
            "price_unit": price_unit,
            "list_price": values["list_price"],
            "guide_price": guide,
            "order_quantity": values["order_quantity"],
            "tier": tier or "",
            "is_new_customer": is_new,
        }
        return values

    @api.model
    def _get_product_values(self, product):
        """What rules read of ``product`` (plain data)."""
        return {
            "categ_path": product.categ_id.parent_path if product else "",
            "list_price": product.lst_price if product else 0.0,
            "guide_price": product.incentive_guide_price if product else 0.0,
            "display_name": product.display_name or "",
        }

    @api.model
    def _add_product_values(self, sources, cache=None):
        """``_get_product_values`` on every source, once per product of the
        batch (``cache``: {product id: values} kept for a batch)."""
        cache = {} if cache is None else cache
        for source in sources:
            product = source["product"]
            if product.id not in cache:
                cache[product.id] = self._get_product_values(product)
            source["product_values"] = cache[product.id]

    @api.model
    def _add_company_values(self, sources, cache=None):
        """The company's currency on every source (``company_currency``),
        read once per company of the batch (``cache``: {company id:
        currency} kept for a batch)."""
        cache = {} if cache is None else cache
        for source in sources:
            company = source["company"]
            currency = cache.get(company.id)
            if currency is None:
                currency = cache[company.id] = company.currency_id
            source["company_currency"] = currency

    @api.model
    def _get_source_currency(self, source):
        """The company currency of ``source`` (``_add_company_values`` reads
        it once per batch)."""
        return source.get("company_currency") or source["company"].currency_id

    @api.model
    def _add_order_values(self, sources):
        """Per-order figures (quantity of the product, order base) in batch."""
        orders = self.env["sale.order"].browse(
            {s["order"].id for s in sources if s["order"]}
        )
        if not orders:
            return
        qty = defaultdict(float)
        bases = defaultdict(lambda: defaultdict(float))
        order_lines = orders.order_line.filtered(lambda l: not l.display_type)
        for sol, src in zip(
            order_lines, order_lines._prepare_incentive_sources(), strict=True
        ):
            qty[(sol.order_id.id, sol.product_id.id)] += sol.product_uom_qty
            margin = src["revenue"] - src["cost"]
            bases[sol.order_id.id]["revenue"] += src["revenue"]
            bases[sol.order_id.id]["margin"] += margin
            bases[sol.order_id.id]["quantity"] += src["quantity"]
        for source in sources:
            order = source["order"]
            if order:
                source["order_quantity"] = qty[(order.id, source["product"].id)]
                source["order_bases"] = bases[order.id]

    @api.model
    def _add_customer_values(self, sources):
        """The customer's tier (record and code) and newness on every source,
        read once per (customer, company, date) for the whole batch instead
        of once per line and plan."""
        by_company = defaultdict(list)
        for source in sources:
            by_company[source["company"]].append(source)
        cache = {}
        for company, company_sources in by_company.items():
            # the tiers of all the batch's customers: one query (the tier
            # table), then read from the cache by the hooks below
            customers = self.env["res.partner"].union(
                *(s["customer"] for s in company_sources)
            )
            partners = customers.commercial_partner_id.sudo().with_company(company)
            partners.incentive_tier_id.mapped("code")
            for source in company_sources:
                customer, date = source["customer"], source["date"]
                key = (customer.id, company.id, date)
                if key not in cache:
                    record = self._get_customer_tier_record(customer, company)
                    cache[key] = (
                        record,
                        self._get_customer_tier(customer, date, company),
                        self._is_new_customer(customer, date, company),
                    )
                record, source["tier"], source["is_new_customer"] = cache[key]
                source["tier_record"] = record

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

    # ------------------------------------------------------------------
    # Computing lines
    # ------------------------------------------------------------------
    @api.model
    def _compute_source(self, source, plan, rules_cache=None):
        """Commission of a whole source line under ``plan`` (signed, rounded).

        Returns ``None`` when no rule matches, else a dict with ``amount``,
        ``rate``, ``rule``, ``bracket_id``, ``base``, ``needs_review`` and
        ``explanation``.  ``rules_cache``: a dict kept for a batch so that the
        plan's rules are sorted once.
        """
        values = self._get_rule_values(source, plan)
        rules, additions = self._get_plan_rules(plan, rules_cache)
        match = self.env["sale.incentive.rule"]._match_data
        rule, data = next(
            ((r, data) for r, data in rules if match(data, values)), (None, None)
        )
        if rule is None:
            return None
        res = rule._compute_commission(values)
        currency = self._get_source_currency(source)
        total, parts = self._apply_additions(values, additions, res, currency)
        sign = source["sign"]
        explanation = self.env._(
            "%(calc)s on [%(doc)s] %(product)s, rule '%(rule)s'",
            calc=" ".join([res["explanation"], *parts]),
            doc=source["order"].name or source["move"].name or "",
            product=values["display_name"],
            rule=data["name"],
        )
        return {
            "amount": currency.round(total["amount"]) * sign,
            "rate": res["rate"],
            "rule": rule,
            "bracket_id": res["bracket_id"],
            "base": values["base"] * sign,
            "needs_review": data["flag_review"]
            or values["below_guide"]
            or total["review"],
            "explanation": explanation,
        }

    @api.model
    def _apply_additions(self, values, additions, main, currency):
        """The ``main`` result with what the matching ``additions`` add:
        ({"amount": total, "review": flagged}, [explanation of each])."""
        extra = {"amount": main["amount"], "review": False}
        parts = []
        match = self.env["sale.incentive.rule"]._match_data
        for addition, data in additions:
            if match(data, values):
                res = addition._compute_commission(values, main_amount=main["amount"])
                if currency.is_zero(res["amount"]):
                    continue
                extra["amount"] += res["amount"]
                extra["review"] = extra["review"] or addition.flag_review
                parts.append(f"+ {res['explanation']} ({addition.name})")
        return extra, parts

    @api.model
    def _prepare_incentive_line_vals(self, source, plan, result, beneficiary, amount):
        """Values of one line for one beneficiary (hook)."""
        user, partner, share = beneficiary
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
            "tier_id": (
                source["tier_record"]
                if "tier_record" in source
                else self._get_customer_tier_record(
                    source["customer"], source["company"]
                )
            ).id,
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
            "explanation": result["explanation"]
            + (f" ({share:g}%)" if share != 100.0 else ""),
        }

    @api.model
    def _prepare_lines_for_sources(
        self,
        sources,
        kind,
        plans=None,
        skip=frozenset(),
        plans_by_day=None,
        caches=None,
    ):
        """Line values for ``sources`` (dicts), for every applicable plan (or
        only ``plans``) and every beneficiary; ``skip`` holds (move id, plan id)
        pairs already accrued; ``plans_by_day``: {(company, date): plans}
        already looked up (restricted to ``plans``); ``caches``: the dict of
        ``_new_batch_caches`` when several calls make one batch."""
        plan_model = self.env["sale.incentive.plan"]
        plans_cache = dict(plans_by_day or {})
        plans_cache.update(
            self._get_plans_by_day(
                {(s["company"], s["date"]) for s in sources} - plans_cache.keys(),
                plans,
            )
        )
        all_plans = plan_model.union(*plans_cache.values())
        if not all_plans:
            return []
        if caches is None:
            caches = self._new_batch_caches()
        if any(
            rule._needs_order_values()
            for plan in all_plans
            for rule, _data in self._get_plan_rules(plan, caches["rules"])[0]
        ):
            self._add_order_values(sources)
        self._add_company_values(sources, caches["companies"])
        self._add_customer_values(sources)
        self._add_product_values(sources, caches["products"])
        vals_list = []
        for source in sources:
            for plan in plans_cache[(source["company"], source["date"])]:
                if (source["move"].id, plan.id) not in skip:
                    vals_list += self._prepare_plan_lines(source, plan, kind, caches)
        if kind == "forecast":
            self._apply_period_forecast(vals_list)
        return vals_list

    @api.model
    def _new_batch_caches(self):
        """What the engine reads once per batch: the plans' sorted rules, who
        each plan covers, the products' values."""
        return {"rules": {}, "covers": {}, "products": {}, "companies": {}}

    @api.model
    def _get_plans_by_day(self, keys, plans=None):
        """{(company, date): the plans applicable that day, within ``plans``
        when given} for the set ``keys``, in one query."""
        found = self.env["sale.incentive.plan"]._get_applicable_plans_by_day(keys)
        if plans is not None:
            found = {key: day_plans & plans for key, day_plans in found.items()}
        return found

    @api.model
    def _prepare_plan_lines(self, source, plan, kind, caches):
        """Line values of ``source`` under ``plan``, one per beneficiary it
        covers; ``caches``: dicts kept for a batch (sorted rules, coverage)."""
        covers = caches["covers"]
        beneficiaries = []
        for beneficiary in source["shares"]:
            key = (plan.id, beneficiary[0].id, beneficiary[1].id)
            if key not in covers:
                covers[key] = plan._covers_beneficiary(beneficiary[0], beneficiary[1])
            if covers[key]:
                beneficiaries.append(beneficiary)
        if not beneficiaries:
            return []
        result = self._compute_source(source, plan, caches["rules"])
        if result is None:
            return []
        amounts = splits.split_amount(
            result["amount"],
            [b[2] for b in source["shares"]],
            digits=self._get_source_currency(source).decimal_places,
        )
        vals_list = []
        for beneficiary, amount in zip(source["shares"], amounts, strict=True):
            if beneficiary in beneficiaries:
                vals_list.append(
                    self._prepare_incentive_line_vals(
                        source, plan, result, beneficiary, amount
                    )
                )
        for vals in vals_list:
            vals["kind"] = kind
            vals["is_earned"] = kind != "forecast" and plan.basis == "invoiced"
        return vals_list

    @api.model
    def _create_lines(self, vals_list, totals=None):
        """Write the engine's line values through ``create()`` (one batch:
        Odoo inserts many rows per statement), as superuser: lines are the
        engine's, whoever posts.  An extension's defaults, stored computes
        and ``create`` overrides apply to every line.  Lines of period tables
        get their increment of their period's table first
        (``_apply_period_tables``; ``totals`` carries the period totals over
        the calls of one batch)."""
        return self.sudo().create(self._apply_period_tables(vals_list, totals))

    # ------------------------------------------------------------------
    # Entry points called by sale orders and invoices
    # ------------------------------------------------------------------
    @api.model
    def _create_for_invoices(self, moves, plans=None):
        """Accrue the lines of posted customer invoices and credit notes.

        Idempotent: a (move, plan) pair that has lines already is skipped.
        """
        moves = moves.filtered(
            lambda m: (
                m.move_type in ("out_invoice", "out_refund") and m.state == "posted"
            )
        )
        if not moves:
            return self
        # invoices of a day no plan covers earn nothing: nothing to read
        plans_by_day = self._get_plans_by_day(
            {(move.company_id, move.invoice_date or move.date) for move in moves},
            plans,
        )
        moves = moves.filtered(
            lambda m: (
                m.move_type == "out_refund"
                or plans_by_day[(m.company_id, m.invoice_date or m.date)]
            )
        )
        if not moves:
            return self
        skip = {
            (move.id, plan.id)
            for move, plan in self._read_group(
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
        # invoice lines by chunks, each written by one create(): a posting's
        # thousands of source and value dicts are not all alive together,
        # so they do not pile up for Python's full garbage collections
        caches = self._new_batch_caches()
        # period totals of period tables, accumulated over the chunks
        totals = {}
        lines, refund_sources = self.sudo().browse(), []
        for chunk in split_every(POST_CHUNK, amls.ids, amls.browse):
            sources = []
            for source in chunk._prepare_incentive_sources():
                (refund_sources if source["sign"] < 0 else sources).append(source)
            lines |= self._create_lines(
                self._prepare_lines_for_sources(
                    sources, "invoice", plans, skip, plans_by_day, caches
                ),
                totals,
            )
        # credit notes in one batch: what each reverses is read together
        return lines | self._create_lines(
            self._prepare_clawback_vals(refund_sources, plans, skip), totals
        )

    @api.model
    def _find_origin_lines(self, refund_sources):
        """{source index: (accrued lines, invoice line)} a credit note line
        reverses.

        A reversal (``reversed_entry_id``) reverses the invoice line its credit
        note pairs it with; a return invoiced as a refund from an order, the
        latest invoice line of its order line.
        """
        pairs = {}
        for move in {s["move"] for s in refund_sources if s["move"].reversed_entry_id}:
            pairs.update(move._get_incentive_reversed_lines())
        reversed_amls = self.env["account.move.line"].union(*pairs.values())
        sale_lines = self.env["sale.order.line"].union(
            *(
                s["sale_line"]
                for s in refund_sources
                if s["sale_line"] and not s["move"].reversed_entry_id
            )
        )
        candidates = self.search(
            [
                ("kind", "=", "invoice"),
                "|",
                ("move_line_id", "in", reversed_amls.ids),
                ("sale_line_id", "in", sale_lines.ids),
            ]
        )
        by_aml = candidates.grouped("move_line_id")
        by_sale_line = candidates.grouped("sale_line_id")
        found = {}
        for index, source in enumerate(refund_sources):
            aml = self.env["account.move.line"]
            if source["move"].reversed_entry_id:
                aml = pairs.get(source["move_line"], aml)
            elif source["sale_line"]:
                invoiced = by_sale_line.get(source["sale_line"], self).move_line_id
                aml = invoiced.sorted("id")[-1:]
            found[index] = (by_aml.get(aml, self) if aml else self, aml)
        return found

    @api.model
    def _prepare_clawback_vals(self, refund_sources, plans=None, skip=frozenset()):
        """Opposite lines of what credit notes reverse, at the original rates."""
        if not refund_sources:
            return []
        origins = self._find_origin_lines(refund_sources)
        origin_lines = self.union(*(lines for lines, _aml in origins.values()))
        # the invoice lines reversed, described once for the batch (an origin
        # line's invoice line is the one its credit note reverses)
        invoiced = dict(
            zip(
                origin_lines.move_line_id,
                origin_lines.move_line_id._prepare_incentive_sources(),
                strict=True,
            )
        )
        clawed = self._get_clawed_back(origin_lines, invoiced)
        vals_list = []
        plain = []
        for index, source in enumerate(refund_sources):
            lines, origin_aml = origins[index]
            if not lines:
                plain.append(source)
                continue
            part, whole = self._get_credited_share(source, invoiced[origin_aml])
            for origin in lines:
                if (source["move"].id, origin.plan_id.id) in skip or (
                    plans is not None and origin.plan_id not in plans
                ):
                    continue
                done = clawed[origin.id]
                vals = self._prepare_clawback_line_vals(
                    source, origin, part, whole, done
                )
                done["part"] += part
                done["amount"] += vals["amount"]
                done["base_amount"] += vals["base_amount"]
                vals_list.append(vals)
        vals_list += self._prepare_lines_for_sources(plain, "refund", plans, skip)
        return vals_list

    @api.model
    def _get_credited_share(self, source, reversed_source):
        """(part, whole): the share of the invoice line described by
        ``reversed_source`` that the credit note line ``source`` credits,
        measured in the invoice's currency (a rate change since the invoice
        does not matter)."""
        key = (
            "amount_currency"
            if reversed_source["currency"] == source["currency"]
            else "revenue"
        )
        return abs(source[key]), abs(reversed_source[key])

    @api.model
    def _get_clawed_back(self, origins, invoiced):
        """{origin line id: {"part", "amount", "base_amount"}} what earlier
        credit notes credited of each origin's invoice line and clawed back of
        it (one read for all); ``invoiced``: {invoice line: its source}."""
        result = defaultdict(lambda: {"part": 0.0, "amount": 0.0, "base_amount": 0.0})
        if not origins:
            return result
        earlier = self.search(
            [("origin_line_id", "in", origins.ids), ("kind", "=", "refund")]
        )
        sources = dict(
            zip(
                earlier.move_line_id,
                earlier.move_line_id._prepare_incentive_sources(),
                strict=True,
            )
        )
        counted = set()
        for line in earlier:
            done = result[line.origin_line_id.id]
            done["amount"] += line.amount
            done["base_amount"] += line.base_amount
            # one credit note line credits its share once, whatever the
            # number of beneficiaries its clawback has
            key = (line.origin_line_id.id, line.move_line_id.id)
            if line.move_line_id and key not in counted:
                counted.add(key)
                done["part"] += self._get_credited_share(
                    sources[line.move_line_id],
                    invoiced[line.origin_line_id.move_line_id],
                )[0]
        return result

    @api.model
    def _prepare_clawback_line_vals(self, source, origin, part, whole, done=None):
        """Values of the clawback of ``part`` / ``whole`` of ``origin`` (hook):
        the origin's own commission prorated, so a full credit note nets 0.

        ``done``: what earlier credit notes credited (``part``) and clawed
        back (``amount``, ``base_amount``) of it; this one claws back what the
        credited total reaches less that, so successive partial credit notes
        add up to the whole to the cent (as successive payments earn it)."""
        currency = origin.currency_id
        digits = currency.decimal_places
        done = done or {"part": 0.0, "amount": 0.0, "base_amount": 0.0}
        reached = done["part"] + part
        share = min(part / whole, 1.0) if whole else 1.0
        return {
            "company_id": origin.company_id.id,
            "plan_id": origin.plan_id.id,
            "rule_id": origin.rule_id.id,
            "bracket_id": origin.bracket_id.id,
            "kind": "refund",
            "is_earned": origin.plan_id.basis == "invoiced",
            "date": source["date"],
            "period_date": origin.period_date or origin.date,
            "user_id": origin.user_id.id,
            "partner_id": origin.partner_id.id,
            "team_id": origin.team_id.id,
            "customer_id": origin.customer_id.id,
            "tier_id": origin.tier_id.id,
            "product_id": origin.product_id.id,
            "order_id": origin.order_id.id,
            "sale_line_id": origin.sale_line_id.id,
            "move_id": source["move"].id,
            "move_line_id": source["move_line"].id,
            "origin_line_id": origin.id,
            "quantity": -abs(source["quantity"]),
            "base_amount": currency.round(
                -proration.prorate(
                    abs(origin.base_amount), reached, whole, digits=digits
                )
                - done["base_amount"]
            ),
            "share": origin.share,
            "rate": origin.rate,
            "amount": currency.round(
                -proration.prorate(origin.amount, reached, whole, digits=digits)
                - done["amount"]
            ),
            "explanation": self.env._(
                "Clawback of %(origin)s: %(ratio)s of %(amount)s",
                origin=origin.move_id.name,
                ratio=format(share, ".2%"),
                amount=self._format_amount(origin.amount, currency),
            ),
        }

    @api.model
    def _refresh_forecast(self, orders):
        """Forecast of ``orders`` out of date (confirmed, cancelled, changed):
        their forecast lines are dropped now and written again by a
        background job (``_cron_refresh_forecast``), so confirming an order
        costs no commission computation.  Until the job has run, the order's
        figures (button, line column) are computed on read from the order
        lines by the same engine (``_get_pending_forecast_vals``)."""
        self.sudo().search(
            [("order_id", "in", orders.ids), ("kind", "=", "forecast")]
        ).unlink()
        orders = orders.sudo()
        confirmed = orders.filtered(lambda o: o.state == "sale")
        stale = (orders - confirmed).filtered("incentive_forecast_pending")
        if stale:
            stale.incentive_forecast_pending = False
        todo = confirmed.filtered(lambda o: not o.incentive_forecast_pending)
        if todo:
            todo.incentive_forecast_pending = True
        if confirmed:
            self.env.ref("sale_incentive.ir_cron_incentive_forecast")._trigger()
        return self

    @api.model
    def _write_forecast(self, orders):
        """Write the forecast lines of ``orders`` now (confirmed ones only),
        replacing those they have."""
        self.sudo().search(
            [("order_id", "in", orders.ids), ("kind", "=", "forecast")]
        ).unlink()
        orders = orders.sudo()
        lines = self._create_lines(
            self._prepare_forecast_vals(orders.filtered(lambda o: o.state == "sale"))
        )
        pending = orders.filtered("incentive_forecast_pending")
        if pending:
            pending.incentive_forecast_pending = False
        return lines

    @api.model
    def _prepare_forecast_vals(self, orders):
        """Forecast line values of ``orders``, computed without writing."""
        sources = orders.order_line.filtered(
            lambda l: not l.display_type and l.product_id
        )._prepare_incentive_sources()
        if not sources:
            return []
        return self._prepare_lines_for_sources(sources, "forecast")

    @api.model
    def _get_pending_forecast_vals(self, orders):
        """Forecast line values of the confirmed ``orders`` whose lines the
        background job has not written yet, restricted to the lines the
        current user may read (what they would see once written)."""
        pending = orders.sudo().filtered(
            lambda o: o.state == "sale" and o.incentive_forecast_pending
        )
        if not pending:
            return []
        vals_list = self.sudo()._prepare_forecast_vals(pending)
        if self.env.su or not vals_list:
            return vals_list
        self.check_access("read")
        domain = self.env["ir.rule"]._compute_domain(self._name, "read")
        if not domain:
            return vals_list
        fields_read = {"company_id", "user_id", "team_id", "partner_id", "plan_id"}
        drafts = [
            self.new({k: v for k, v in vals.items() if k in fields_read})
            for vals in vals_list
        ]
        visible = set(self.concat(*drafts).filtered_domain(domain))
        return [
            vals
            for vals, draft in zip(vals_list, drafts, strict=True)
            if draft in visible
        ]

    @api.model
    def _sum_vals(self, vals_list, key):
        """{vals[key]: total amount} of line values, in the company
        currency's digits."""
        totals = defaultdict(float)
        currencies = {}
        for vals in vals_list:
            totals[vals[key]] += vals["amount"]
            currencies[vals[key]] = vals["company_id"]
        companies = self.env["res.company"].browse(set(currencies.values()))
        rounding = {company.id: company.currency_id for company in companies}
        return {
            k: rounding[currencies[k]].round(amount) for k, amount in totals.items()
        }

    @api.model
    def _cron_refresh_forecast(self, batch_size=200):
        """Write the forecast lines of the orders waiting for them, by batch
        (the cron commits and calls again while some remain)."""
        domain = [("incentive_forecast_pending", "=", True)]
        orders = self.env["sale.order"].sudo().search(domain, limit=batch_size)
        self._write_forecast(orders)
        remaining = self.env["sale.order"].sudo().search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(orders), remaining=remaining)

    # ------------------------------------------------------------------
    # Paid basis
    # ------------------------------------------------------------------
    @api.model
    def _sync_payments(self, moves):
        """Earn (or un-earn) the accrued lines of ``moves`` as payments reconcile.

        Per accrued line and per payment entry, what that payment earns
        (``proration.earned_increments``: exact, the last payment earns the
        remainder) is compared with the payment lines already written for it,
        and the difference is written at that payment's date. An undone
        payment earns nothing any more: its lines are reversed at their date.
        """
        accrued = self.search(
            [
                ("move_id", "in", moves.ids),
                ("kind", "in", ("invoice", "refund")),
                ("plan_id.basis", "=", "paid"),
            ]
        )
        if not accrued:
            return self
        written = defaultdict(dict)
        for line, entry, date, amount, base in self._read_group(
            [("origin_line_id", "in", accrued.ids), ("kind", "=", "payment")],
            ["origin_line_id", "payment_move_id", "date:day"],
            ["amount:sum", "base_amount:sum"],
        ):
            written[line][(entry, date)] = (amount, base)
        # a period-table line earns its base; its amount is the increment of
        # its period's table (``_apply_period_tables``)
        tables = accrued.rule_id._filtered_period()
        vals_list = []
        for move, lines in accrued.grouped("move_id").items():
            payments = move._get_incentive_payments()
            for line in lines:
                currency = line.currency_id
                target = self._get_earned_by_payment(line, move, payments)
                done = written[line]
                for key in sorted(
                    target.keys() | done.keys(), key=lambda k: (k[1], k[0].id)
                ):
                    new_amount, new_base, paid = target.get(key, (0.0, 0.0, None))
                    old_amount, old_base = done.get(key, (0.0, 0.0))
                    amount = currency.round(new_amount - old_amount)
                    base = currency.round(new_base - old_base)
                    if currency.is_zero(base) and (
                        line.rule_id in tables or currency.is_zero(amount)
                    ):
                        continue
                    vals_list.append(
                        self._prepare_payment_line_vals(line, key, (amount, base), paid)
                    )
        return self._create_lines(vals_list)

    @api.model
    def _get_earned_by_payment(self, line, move, payments):
        """{(payment entry, date): (amount, base, share paid so far)} that the
        payments of ``move`` earn of the accrued ``line``."""
        digits = line.currency_id.decimal_places
        paid = [amount for _entry, _date, amount in payments]
        total = move.amount_total
        amounts = proration.earned_increments(line.amount, total, paid, digits=digits)
        bases = proration.earned_increments(
            line.base_amount, total, paid, digits=digits
        )
        target = {}
        so_far = 0.0
        for (entry, date, amount_paid), amount, base in zip(
            payments, amounts, bases, strict=True
        ):
            so_far += amount_paid
            share = min(so_far / total, 1.0) if total else 1.0
            target[(entry, date)] = (amount, base, share)
        return target

    @api.model
    def _prepare_payment_line_vals(self, line, key, earned, paid):
        """Values of what the payment ``entry`` earns (or, undone, takes back)
        of the accrued ``line`` on ``date`` (hook); ``key``: (entry, date);
        ``earned``: (amount, base); ``paid``: share of the invoice paid after
        it, ``None`` when undone."""
        (entry, date), (amount, base) = key, earned
        currency = line.currency_id
        if paid is None:
            explanation = self.env._(
                "Payment %(payment)s of %(name)s undone: %(amount)s",
                payment=entry.name or "",
                name=line.move_id.name,
                amount=self._format_amount(amount, currency),
            )
        else:
            explanation = self.env._(
                "%(ratio)s of %(name)s paid (%(payment)s): %(amount)s",
                ratio=format(paid, ".2%"),
                name=line.move_id.name,
                payment=entry.name,
                amount=self._format_amount(amount, currency),
            )
        return {
            "company_id": line.company_id.id,
            "plan_id": line.plan_id.id,
            "rule_id": line.rule_id.id,
            "bracket_id": line.bracket_id.id,
            "kind": "payment",
            "is_earned": True,
            "date": date,
            "period_date": date,
            "user_id": line.user_id.id,
            "partner_id": line.partner_id.id,
            "team_id": line.team_id.id,
            "customer_id": line.customer_id.id,
            "tier_id": line.tier_id.id,
            "product_id": line.product_id.id,
            "order_id": line.order_id.id,
            "sale_line_id": line.sale_line_id.id,
            "move_id": line.move_id.id,
            "origin_line_id": line.id,
            "payment_move_id": entry.id,
            "base_amount": base,
            "share": line.share,
            "rate": line.rate,
            "amount": amount,
            "explanation": explanation,
        }

    @api.model
    def _format_amount(self, amount, currency):
        """``amount`` as shown in explanations, in the digits of ``currency``."""
        return format(amount, f",.{currency.decimal_places}f")

    # ------------------------------------------------------------------
    # Recompute
    # ------------------------------------------------------------------
    def _recompute_unsettled(self):
        """Recompute accrued and forecast lines with the plans' current rules.

        Accrued lines are recomputed per (invoice, plan) only when none of
        them is settled, paid (paid basis) or reversed: those are kept as they
        are.  Returns the lines kept.
        """
        accrued = self.filtered(lambda l: l.kind == "invoice")
        group_lines = self.search(
            [
                ("move_id", "in", accrued.move_id.ids),
                ("plan_id", "in", accrued.plan_id.ids),
                ("kind", "=", "invoice"),
            ]
        )
        children = self.search(
            [
                ("origin_line_id", "in", group_lines.ids),
                ("kind", "in", ("payment", "refund")),
            ]
        )
        kept = group_lines._is_settled() | children.origin_line_id
        redo = self.browse()
        for lines in group_lines.grouped(lambda l: (l.move_id, l.plan_id)).values():
            if not lines & kept:
                redo |= lines
        moves, plans = redo.move_id, redo.plan_id
        orders = self.filtered(lambda l: l.kind == "forecast").order_id
        redo.sudo()._unlink_from_periods()
        self._create_for_invoices(moves, plans)
        self._write_forecast(orders)
        return group_lines.exists() & kept

    # Line status (issue #10)
    incentive_status = fields.Selection(
        [
            ("forecast", "Forecast"),
            ("accrued", "Accrued"),
            ("earned", "Earned"),
            ("settled", "Settled"),
            ("paid", "Paid"),
        ],
        "Status",
        compute="_compute_incentive_status",
        help="Forecast: a confirmed order not invoiced yet. Accrued: invoiced, "
        "not earned yet (paid basis). Earned: due at the next settlement. "
        "Settled: in a settlement. Paid: its settlement is paid.",
    )

    @api.depends("kind", "is_earned", "settlement_id.state")
    def _compute_incentive_status(self):
        for line in self:
            settlement = line.settlement_id
            if settlement.state == "paid":
                line.incentive_status = "paid"
            elif settlement and settlement.state != "cancel":
                line.incentive_status = "settled"
            elif line.kind == "forecast":
                line.incentive_status = "forecast"
            elif line.is_earned:
                line.incentive_status = "earned"
            else:
                line.incentive_status = "accrued"
