# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from contextlib import contextmanager

from odoo import api, fields, models

from ..engine.brackets import Bracket

# ids of the rules whose table is being written as a whole (by the rule's own
# write, which validates the table once at its end), per transaction
TABLES_IN_EDIT = "sale_incentive.bracket_tables_in_edit"


class SaleIncentiveBracket(models.Model):
    """One row of a bracket table (全额累进 / 超额累进)."""

    _name = "sale.incentive.bracket"
    _description = "Sales Incentive Bracket"
    _order = "rule_id, amount_from, id"

    rule_id = fields.Many2one(
        "sale.incentive.rule", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="rule_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="rule_id.currency_id")
    amount_from = fields.Monetary("From", currency_field="currency_id")
    amount_to = fields.Monetary(
        "To",
        currency_field="currency_id",
        help="Leave 0 on the last bracket for 'and above'.",
    )
    rate = fields.Float("Rate (%)", digits=(16, 4))
    open_end_label = fields.Char(
        " ", compute="_compute_open_end_label", help="The open end of the table."
    )
    fixed_amount = fields.Monetary(
        currency_field="currency_id",
        help="Paid once when this bracket is reached (amount tables).",
    )

    @api.depends("amount_to")
    def _compute_open_end_label(self):
        for bracket in self:
            bracket.open_end_label = (
                self.env._("and above") if not bracket.amount_to else False
            )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["sale.incentive.rule"].browse(
            {vals["rule_id"] for vals in vals_list if vals.get("rule_id")}
        ).plan_id._check_rules_editable()
        return super().create(vals_list)

    def write(self, vals):
        plans = self.rule_id.plan_id
        if vals.get("rule_id"):
            plans |= self.rule_id.browse(vals["rule_id"]).plan_id
        plans._check_rules_editable()
        return super().write(vals)

    @api.constrains("rule_id", "amount_from", "amount_to", "rate", "fixed_amount")
    def _check_table(self):
        """The table is validated whatever writes its rows (API, import)."""
        self._check_tables(self.rule_id)

    def unlink(self):
        rules = self.rule_id
        # the rules of a plan in force are changed through a new version
        rules.plan_id._check_rules_editable()
        res = super().unlink()
        self._check_tables(rules.exists())
        return res

    def _check_tables(self, rules):
        editing = self.env.cr.cache.get(TABLES_IN_EDIT, set())
        rules.filtered(lambda rule: rule.id not in editing)._check_brackets()

    @contextmanager
    def _tables_in_edit(self, rules):
        """Rows of the tables of ``rules`` change together (the rule's own
        write, whose ``_check_brackets`` validates each table once, at its end):
        a row is not checked against a half-edited table meanwhile."""
        editing = self.env.cr.cache.setdefault(TABLES_IN_EDIT, set())
        added = set(rules.ids) - editing
        editing |= added
        try:
            yield
        finally:
            editing -= added

    def _to_engine(self):
        self.ensure_one()
        return Bracket(
            lower=self.amount_from,
            upper=self.amount_to or None,
            rate=self.rate,
            fixed=self.fixed_amount,
        )
