# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import api, models
from odoo.tools import float_compare


class SaleIncentiveSource(models.AbstractModel):
    """What the commission engine reads of a document line.

    A *source* is one invoice line, credit note line or order line described
    as a plain dict (the way ``_prepare_base_line_for_taxes_computation``
    describes a line for taxes): ``_prepare_source`` is its one builder,
    called by ``account.move.line._prepare_incentive_sources`` and
    ``sale.order.line._prepare_incentive_sources``.  The *rule values*
    (``_get_rule_values``) are what the rules of a plan match and compute on;
    the ``_add_*_values`` methods read what a batch of sources shares once.
    """

    _name = "sale.incentive.source"
    _description = "Sales Incentive Source"

    # ------------------------------------------------------------------
    # The source dict of a document line
    # ------------------------------------------------------------------
    @api.model
    def _prepare_source(self, document, line, costs):
        """THE source dict of one document line.

        ``document``: what the lines of its document share (``company``,
        ``date``, ``sign``, ``customer``, ``order``, ``move``, ``team``,
        ``shares``); ``line``: the line's own figures (``product``,
        ``quantity``, ``revenue`` in company currency and signed,
        ``amount_currency``, ``currency``, ``price_unit``, ``sale_line``,
        ``move_line``), which may override the document's (an invoice line's
        order, team and split); ``costs``: {(product id, company id): unit
        cost} kept for a batch.
        """
        source = {**document, **line}
        source["cost"] = (
            self._get_unit_cost(source["product"], source["company"], costs)
            * source["quantity"]
        )
        return source

    @api.model
    def _get_unit_cost(self, product, company, costs):
        """The cost of one unit of ``product`` in ``company``, read once per
        batch (``costs``)."""
        key = (product.id, company.id)
        if key not in costs:
            costs[key] = product.with_company(company).standard_price
        return costs[key]

    # ------------------------------------------------------------------
    # The customer
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
    def _get_source_customer(self, source):
        """(tier code, is new) of the customer of ``source``, read once per
        batch when ``_add_customer_values`` ran."""
        if "tier" in source:
            return source["tier"], source["is_new_customer"]
        customer, company, date = source["customer"], source["company"], source["date"]
        return (
            self._get_customer_tier(customer, date, company),
            self._is_new_customer(customer, date, company),
        )

    # ------------------------------------------------------------------
    # The values a rule looks at
    # ------------------------------------------------------------------
    @api.model
    def _get_rule_values(self, source, plan):
        """The dict rules are matched and computed on, for ``plan``."""
        figures = self._get_source_figures(source)
        base = figures[plan.base]
        order_bases = source.get("order_bases", {})
        tier, is_new = self._get_source_customer(source)
        values = {
            **self._get_product_rule_values(source, figures["price_unit"]),
            "team": source["team"],
            "team_id": source["team"].id,
            "quantity": figures["quantity"],
            "base": base,
            "price_unit": figures["price_unit"],
            "order_quantity": source.get("order_quantity", figures["quantity"]),
            "order_base": order_bases.get(plan.base, base),
            # every base a rule may take instead of the plan's
            # (``sale.incentive.rule._get_rule_base_values``)
            "bases": {kind: figures[kind] for kind in ("revenue", "margin")},
            "order_bases": order_bases,
            "is_new_customer": is_new,
            "tier": tier,
            "price_approval": self._get_source_price_approval(source),
        }
        values["formula_values"] = self._get_formula_values(values, figures)
        return values

    @api.model
    def _get_product_rule_values(self, source, price_unit):
        """What rules read of the product of ``source`` (its values read
        once per batch by ``_add_product_values``), and whether it is sold
        at ``price_unit`` below its guide price."""
        product = source["product"]
        product_values = source.get("product_values") or self._get_product_values(
            product
        )
        guide = product_values["guide_price"]
        rounding = self._get_source_currency(source).rounding
        return {
            "product": product,
            "product_id": product.id,
            "categ_path": product_values["categ_path"],
            "list_price": product_values["list_price"],
            "guide_price": guide,
            "below_guide": bool(guide)
            and float_compare(price_unit, guide, precision_rounding=rounding) < 0,
            "display_name": product_values["display_name"],
        }

    @api.model
    def _get_source_tier(self, source):
        """The tier record of the customer of ``source`` (read once per
        batch when ``_add_customer_values`` ran)."""
        if "tier_record" in source:
            return source["tier_record"]
        return self._get_customer_tier_record(source["customer"], source["company"])

    @api.model
    def _get_source_figures(self, source):
        """The unsigned figures of ``source`` a plan's base is one of
        (``revenue``, ``margin``, ``quantity``), with its cost and unit price."""
        revenue = abs(source["revenue"])
        cost = abs(source["cost"])
        return {
            "quantity": abs(source["quantity"]),
            "revenue": revenue,
            "margin": revenue - cost,
            "cost": cost,
            "price_unit": source["price_unit"],
        }

    @api.model
    def _get_formula_values(self, values, figures):
        """The names a formula rule computes with (plain numbers and codes)."""
        return {
            "base": values["base"],
            "revenue": figures["revenue"],
            "margin": figures["margin"],
            "cost": figures["cost"],
            "quantity": figures["quantity"],
            "price_unit": figures["price_unit"],
            "list_price": values["list_price"],
            "guide_price": values["guide_price"],
            "order_quantity": values["order_quantity"],
            "tier": values["tier"] or "",
            "is_new_customer": values["is_new_customer"],
        }

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
    def _get_source_currency(self, source):
        """The company currency of ``source`` (``_add_company_values`` reads
        it once per batch)."""
        return source.get("company_currency") or source["company"].currency_id

    # ------------------------------------------------------------------
    # What a batch of sources shares, read once
    # ------------------------------------------------------------------
    @api.model
    def _add_batch_values(self, sources, caches, order_values=False):
        """Everything rules read of ``sources`` beyond the sources
        themselves, read once for the batch (``caches``: the dicts of
        ``sale.incentive.accrual._new_batch_caches``); the order figures only
        when a rule needs them (``order_values``)."""
        if order_values:
            self._add_order_values(sources)
        self._add_company_values(sources, caches["companies"])
        self._add_customer_values(sources)
        self._add_product_values(sources, caches["products"])
        self._add_price_approvals(sources)

    @api.model
    def _add_price_approvals(self, sources):
        """The approval of a price below the minimum covering each source's
        order line (``price_approval``, None when none), in one query for
        the batch (issue 21.4)."""
        covering = self.env["sale.incentive.price.approval"]._get_covering_approvals(
            sources
        )
        for source in sources:
            line = source.get("sale_line")
            source["price_approval"] = covering.get(line.id) if line else None

    @api.model
    def _get_source_price_approval(self, source):
        """The approval covering the order line of ``source`` (read by
        ``_add_price_approvals`` for a batch), or None."""
        if "price_approval" not in source:
            self._add_price_approvals([source])
        return source["price_approval"]

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
            bases[sol.order_id.id]["revenue"] += src["revenue"]
            bases[sol.order_id.id]["margin"] += src["revenue"] - src["cost"]
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
                key = (source["customer"].id, company.id, source["date"])
                if key not in cache:
                    cache[key] = self._read_customer_values(source)
                record, source["tier"], source["is_new_customer"] = cache[key]
                source["tier_record"] = record

    @api.model
    def _read_customer_values(self, source):
        """(tier record, tier code, is new) of the customer of ``source``
        through the hooks above."""
        customer, company, date = source["customer"], source["company"], source["date"]
        return (
            self._get_customer_tier_record(customer, company),
            self._get_customer_tier(customer, date, company),
            self._is_new_customer(customer, date, company),
        )
