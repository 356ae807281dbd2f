# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare
from odoo.tools.safe_eval import safe_eval

from ..engine import brackets as bracket_engine

# Names a formula may use, with their help text (shown on the rule form).
FORMULA_NAMES = {
    "base": "the plan's base for the line (revenue, margin or quantity)",
    "revenue": "untaxed revenue of the line, company currency",
    "margin": "revenue minus cost of the goods sold",
    "cost": "cost of the goods sold on the line",
    "quantity": "quantity invoiced (or ordered, for a forecast)",
    "price_unit": "unit price, company currency, after discount",
    "list_price": "the product's sales price",
    "guide_price": "the product's guide (minimum) price",
    "order_quantity": "quantity of this product on the whole order",
    "tier": "code of the customer's tier ('' when none)",
    "is_new_customer": "True when the customer is new",
    "min": "min()",
    "max": "max()",
    "round": "round()",
    "abs": "abs()",
}

# what may still change on the rules of a plan in force (their label)
RULE_LABEL_FIELDS = {"name"}

# A formula is checked at save time with these sample values.
FORMULA_SAMPLE = {
    "base": 1000.0,
    "revenue": 1000.0,
    "margin": 300.0,
    "cost": 700.0,
    "quantity": 2.0,
    "price_unit": 500.0,
    "list_price": 480.0,
    "guide_price": 450.0,
    "order_quantity": 2.0,
    "tier": "big",
    "is_new_customer": False,
}


class SaleIncentiveRule(models.Model):
    """A line-level rule: conditions, then a computation.

    Main rules are tried by sequence and the first that matches computes the
    commission; addition rules that match all add to it (stock-car bonus,
    +50 % for multi-unit orders, a share of the price above list...).
    """

    _name = "sale.incentive.rule"
    _description = "Sales Incentive Rule"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    plan_id = fields.Many2one(
        "sale.incentive.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    plan_state = fields.Selection(related="plan_id.state")
    rule_kind = fields.Selection(
        [("main", "Commission"), ("addition", "Addition on top")],
        required=True,
        default="main",
        help="Commission: the first matching rule (by sequence) computes the "
        "line's commission.\nAddition: added on top of it whenever it matches.",
    )
    # Conditions -----------------------------------------------------------
    product_ids = fields.Many2many("product.product", string="Products")
    categ_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        help="Matches products of these categories and of their children.",
    )
    team_ids = fields.Many2many("crm.team", string="Sales Teams")
    tier_ids = fields.Many2many(
        "sale.incentive.customer.tier",
        string="Customer Tiers",
        check_company=True,
        help="Matches only customers in one of these tiers (when the line is written).",
    )
    customer_type = fields.Selection(
        [("any", "Any customer"), ("new", "New customers"), ("existing", "Existing")],
        required=True,
        default="any",
    )
    price_condition = fields.Selection(
        [
            ("any", "Any price"),
            ("below_guide", "Below the guide price"),
            ("at_or_above_guide", "At or above the guide price"),
        ],
        required=True,
        default="any",
        help="The guide price is set on the product (Sales tab).",
    )
    min_order_quantity = fields.Float(
        digits="Product Unit of Measure",
        help="Matches only when the order has at least this quantity of the "
        "product (e.g. 2 for 'a customer buying 2 or more units').",
    )
    flag_review = fields.Boolean(
        "Flag for Review",
        help="Lines computed by this rule are flagged for the manager's review.",
    )
    # Computation ---------------------------------------------------------
    compute_type = fields.Selection(
        [
            ("percentage", "Percentage of the base"),
            ("fixed_unit", "Fixed amount per unit"),
            ("fixed_line", "Fixed amount per line"),
            ("fixed_order", "Fixed amount per order"),
            ("bracket", "Bracket table"),
            ("formula", "Formula"),
            ("commission_pct", "Percentage of the commission (addition)"),
            ("above_list", "Share of the price above list price (addition)"),
        ],
        required=True,
        default="percentage",
    )
    rule_base = fields.Selection(
        [
            ("plan", "Plan's base"),
            ("revenue", "Untaxed revenue"),
            ("margin", "Net profit (revenue − cost)"),
        ],
        "Base",
        required=True,
        default="plan",
        help="What this rule's rate applies to. Plan's base: the plan's base "
        "(revenue, margin or quantity). Net profit: the untaxed revenue minus "
        "the cost of the goods sold on the line, the plan's margin (seed: "
        "线路外业务提纯利润的8%, off-route business pays 8% of net profit "
        "while own-route business pays 4% of revenue).",
    )
    rate = fields.Float(
        digits=(16, 4),
        help="Percentage: % of the base. Percentage of the commission: % of the "
        "main rule's amount. Share above list price: % of (price - list price) "
        "x quantity.",
    )
    fixed_amount = fields.Monetary(currency_field="currency_id")
    bracket_ids = fields.One2many(
        "sale.incentive.bracket", "rule_id", string="Brackets", copy=True
    )
    bracket_mode = fields.Selection(
        [("whole", "Whole amount (全额累进)"), ("marginal", "Marginal (超额累进)")],
        default="whole",
        required=True,
    )
    bracket_basis = fields.Selection(
        [
            ("line", "Per line"),
            ("order", "Per order"),
            ("period", "Period cumulative"),
        ],
        default="line",
        required=True,
        help="Period cumulative: the table applies to the beneficiary's total "
        "of the plan period; each line carries what it adds to the period's "
        "table.",
    )
    bracket_boundary = fields.Selection(
        [
            ("lower", "Lower bound included (from 100,000 on)"),
            ("upper", "Upper bound included (up to 1,500,000 incl.)"),
        ],
        default="lower",
        required=True,
    )
    formula = fields.Text(
        help="A Python expression evaluated in a sandbox; it must return the "
        "commission amount. Names: " + ", ".join(FORMULA_NAMES)
    )

    @api.constrains("compute_type", "rate", "fixed_amount", "rule_kind")
    def _check_amounts(self):
        for rule in self:
            if float_compare(rule.rate, 0.0, precision_digits=4) < 0:
                raise ValidationError(
                    self.env._(
                        "Rule '%(name)s': a rate cannot be negative.", name=rule.name
                    )
                )
            if (
                rule.compute_type == "percentage"
                and float_compare(rule.rate, 100.0, precision_digits=4) > 0
            ):
                raise ValidationError(
                    self.env._(
                        "Rule '%(name)s': a rate over 100%% of the base is not "
                        "a commission.",
                        name=rule.name,
                    )
                )
            if rule.fixed_amount < 0:
                raise ValidationError(
                    self.env._(
                        "Rule '%(name)s': a fixed amount cannot be negative.",
                        name=rule.name,
                    )
                )
            if rule.rule_kind == "main" and rule.compute_type in (
                "commission_pct",
                "above_list",
            ):
                raise ValidationError(
                    self.env._(
                        "Rule '%(name)s': this computation only exists as an "
                        "addition on top of a commission.",
                        name=rule.name,
                    )
                )

    @api.constrains("formula", "compute_type")
    def _check_formula(self):
        for rule in self.filtered(lambda r: r.compute_type == "formula"):
            if not (rule.formula or "").strip():
                raise ValidationError(
                    self.env._("Rule '%(name)s' needs a formula.", name=rule.name)
                )
            try:
                result = rule._eval_formula(dict(FORMULA_SAMPLE))
            except Exception as error:  # reported to the user, whatever it is
                raise ValidationError(
                    self.env._(
                        "Rule '%(name)s': the formula is refused: %(error)s",
                        name=rule.name,
                        error=error,
                    )
                ) from error
            if not isinstance(result, int | float) or isinstance(result, bool):
                raise ValidationError(
                    self.env._(
                        "Rule '%(name)s': the formula must return a number.",
                        name=rule.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["sale.incentive.plan"].browse(
            {vals["plan_id"] for vals in vals_list if vals.get("plan_id")}
        )._check_rules_editable()
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) - RULE_LABEL_FIELDS:
            plans = self.plan_id
            if vals.get("plan_id"):
                plans |= plans.browse(vals["plan_id"])
            plans._check_rules_editable()
        if "bracket_ids" not in vals:
            return super().write(vals)
        # rows edited together (e.g. one boundary moved on two rows) are
        # validated once, as a table, by _check_brackets below
        with self.env["sale.incentive.bracket"]._tables_in_edit(self):
            return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_force(self):
        self.plan_id._check_rules_editable()

    @api.constrains("bracket_ids", "compute_type")
    def _check_brackets(self):
        for rule in self.filtered(lambda r: r.compute_type == "bracket"):
            errors = bracket_engine.validate_brackets(rule._get_engine_brackets())
            if not rule.bracket_ids:
                errors = ["a bracket table needs at least one bracket"]
            if errors:
                raise ValidationError(
                    self.env._(
                        "Rule '%(name)s': the bracket table is invalid: %(errors)s",
                        name=rule.name,
                        errors="; ".join(errors),
                    )
                )

    def _filtered_period(self):
        return self.filtered(
            lambda r: r.compute_type == "bracket" and r.bracket_basis == "period"
        )

    def _eval_formula(self, values):
        self.ensure_one()
        names = dict(values, min=min, max=max, round=round, abs=abs)
        return safe_eval(self.formula.strip(), names)

    def _get_engine_brackets(self):
        self.ensure_one()
        return [
            bracket._to_engine()
            for bracket in self.bracket_ids.sorted(lambda b: (b.amount_from, b.id))
        ]

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------
    def _get_match_data(self):
        """The conditions of this rule as plain data, read once per batch of
        lines (``_match_data`` evaluates them without the ORM)."""
        self.ensure_one()
        return {
            "product_ids": frozenset(self.product_ids.ids),
            "categ_paths": tuple(self.categ_ids.mapped("parent_path")),
            "team_ids": frozenset(self.team_ids.ids),
            "customer_type": self.customer_type,
            "tier_codes": frozenset(self.tier_ids.mapped("code")),
            "price_condition": self.price_condition,
            "min_order_quantity": self.min_order_quantity,
        }

    @api.model
    def _match_data(self, data, values):
        """Whether the conditions ``data`` (``_get_match_data``) hold for
        ``values`` (plain Python, one call per line and rule)."""
        return self._match_what(data, values) and self._match_how(data, values)

    @api.model
    def _match_what(self, data, values):
        """What is sold, by whom: products, product categories, teams."""
        paths = data["categ_paths"]
        return (
            (not data["product_ids"] or values["product_id"] in data["product_ids"])
            and (
                not paths
                or any((values["categ_path"] or "").startswith(p) for p in paths)
            )
            and (not data["team_ids"] or values["team_id"] in data["team_ids"])
        )

    @api.model
    def _match_how(self, data, values):
        """To whom and how: the customer's type and tier, the price against
        the guide price, the order's quantity."""
        customer = data["customer_type"]
        is_new = bool(values["is_new_customer"])
        condition = data["price_condition"]
        minimum = data["min_order_quantity"]
        return (
            (customer == "any" or (customer == "new") == is_new)
            and (not data["tier_codes"] or values["tier"] in data["tier_codes"])
            and (
                condition == "any"
                or (condition == "below_guide") == bool(values["below_guide"])
            )
            and (
                not minimum
                or float_compare(values["order_quantity"], minimum, precision_digits=6)
                >= 0
            )
        )

    def _needs_order_values(self):
        """Whether this rule reads the order's figures (order quantity or
        base): only then does a batch compute them."""
        self.ensure_one()
        return bool(
            self.min_order_quantity
            or self.compute_type == "fixed_order"
            or (self.compute_type == "bracket" and self.bracket_basis == "order")
            or (self.compute_type == "formula" and "order_" in (self.formula or ""))
        )

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------
    def _get_rule_base_values(self, values):
        """``values`` (``sale.incentive.source._get_rule_values``) with the
        base of this rule: the plan's, or the line's revenue or net profit
        (the margin: revenue - cost) whatever the plan's base."""
        self.ensure_one()
        if self.rule_base == "plan":
            return values
        base = values["bases"][self.rule_base]
        return {
            **values,
            "base": base,
            "order_base": values["order_bases"].get(self.rule_base, base),
            "formula_values": {**values["formula_values"], "base": base},
        }

    def _compute_commission(self, values, main_amount=0.0):
        """Commission of one line under this rule, unsigned.

        Returns a dict: ``amount`` (company currency, not yet rounded),
        ``rate`` (effective % shown on the line), ``bracket_id`` and
        ``parts`` (its calculation as explanation parts,
        ``sale.incentive.explanation``).
        """
        self.ensure_one()
        base = values["base"]
        part = self.env["sale.incentive.explanation"]._part
        res = {"rate": 0.0, "bracket_id": False}
        kind = self.compute_type
        approval = self._get_price_approval(values)
        if kind == "percentage":
            res["amount"] = base * self.rate / 100.0
            res["rate"] = self.rate
            res["parts"] = [part("percentage", rate=self.rate, base=base)]
        elif kind == "fixed_unit":
            res["amount"] = self.fixed_amount * values["quantity"]
            res["parts"] = [
                part(
                    "fixed_unit", amount=self.fixed_amount, quantity=values["quantity"]
                ),
                part("units"),
            ]
        elif kind == "fixed_line":
            res["amount"] = self.fixed_amount if values["quantity"] else 0.0
            res["parts"] = [part("money", amount=self.fixed_amount), part("per_line")]
        elif kind == "fixed_order":
            # once per order, shared by its lines in proportion to their base
            order_base = values["order_base"]
            share = values["base"] / order_base if order_base else 1.0
            res["amount"] = self.fixed_amount * share
            res["parts"] = [
                part("money", amount=self.fixed_amount),
                part("per_order", share=share),
            ]
        elif kind == "bracket":
            res.update(self._compute_bracket(values))
        else:
            res.update(self._compute_other(values, main_amount))
        if approval and res.get("amount"):
            res.update(self._compute_price_approval(approval, values))
        return res

    def _compute_price_approval(self, approval, values):
        """The commission of a line sold below the minimum price at the %
        its approver set (issue 21.4): a percentage of money, i.e. of the
        plan's base, or of the line's revenue when the plan counts units.
        Only a line the rule pays: a rule paying nothing on it (an
        awards-only plan, 0 %) keeps paying nothing."""
        base = values["base"]
        if self.plan_id.base == "quantity":
            base = values.get("bases", {}).get("revenue", base)
        rate = approval.commission_rate
        part = self.env["sale.incentive.explanation"]._part
        return {
            "amount": base * rate / 100.0,
            "rate": rate,
            "bracket_id": False,
            "price_approval": approval,
            "parts": [
                part(
                    "price_approval",
                    rate=rate,
                    base=base,
                    approver=approval.approved_by_id.name or "",
                )
            ],
        }

    def _get_price_approval(self, values):
        """The approval of a price below the minimum that sets the rate of
        the line of ``values`` under this rule: a main rule computing the
        line itself (a period-cumulative table keeps its table)."""
        approval = values.get("price_approval")
        if (
            not approval
            or self.rule_kind != "main"
            or (self.compute_type == "bracket" and self.bracket_basis == "period")
        ):
            return None
        return approval

    def _compute_other(self, values, main_amount):
        """The formula, a percentage of the main commission, or above list."""
        part = self.env["sale.incentive.explanation"]._part
        kind = self.compute_type
        if kind == "formula":
            return {
                "amount": float(self._eval_formula(values["formula_values"])),
                "parts": [part("formula", formula=self.formula)],
            }
        if kind == "commission_pct":
            return {
                "amount": main_amount * self.rate / 100.0,
                "parts": [part("percentage", rate=self.rate, base=main_amount)],
            }
        excess = max(values["price_unit"] - values["list_price"], 0.0)
        return {
            "amount": excess * values["quantity"] * self.rate / 100.0,
            "parts": [
                part(
                    "above_list",
                    rate=self.rate,
                    price=values["price_unit"],
                    list_price=values["list_price"],
                    quantity=values["quantity"],
                )
            ],
        }

    def _get_table_amount(self, amount):
        """(commission, bracket record reached) of this rule's table on
        ``amount``, through the one evaluation of a table
        (``engine.brackets.table_amount``); the commission is rounded in the
        plan's currency and signed like ``amount``."""
        self.ensure_one()
        commission, reached = bracket_engine.table_amount(
            amount,
            self._get_engine_brackets(),
            self.bracket_mode,
            self.bracket_boundary,
            digits=self.currency_id.decimal_places,
        )
        bracket = self.env["sale.incentive.bracket"]
        if reached is not None:
            bracket = self.bracket_ids.filtered(lambda b: b._to_engine() == reached)[:1]
        return commission, bracket

    def _compute_bracket(self, values):
        """Line or order bracket tables; a line of a period-cumulative table
        carries its increment of its period's table, computed when the line
        is written (``sale.incentive.period.table._apply_period_tables``)."""
        part = self.env["sale.incentive.explanation"]._part
        if self.bracket_basis == "period":
            return {"amount": 0.0, "parts": [part("period_base", base=values["base"])]}
        amount = values["base"]
        share = 1.0
        if self.bracket_basis == "order":
            amount = values["order_base"] or values["base"]
            share = values["base"] / amount if amount else 0.0
        total, bracket = self._get_table_amount(amount)
        rate = (total / amount * 100.0) if amount else 0.0
        parts = [
            part(
                "bracket",
                mode=self.bracket_mode,
                what=self.bracket_basis,
                amount=amount,
                total=total,
            )
        ]
        if share != 1.0:
            parts.append(part("order_share", order_share=share))
        return {
            "amount": total * share,
            "rate": rate,
            "bracket_id": bracket.id,
            "parts": parts,
        }
