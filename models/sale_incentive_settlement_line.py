# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import UserError

COMPONENTS = [
    ("commission", "Line commissions"),
    ("bracket", "Period bracket"),
    ("gate", "Target gate"),
    ("coefficient", "Coefficient"),
    ("kpi", "KPI score"),
    ("override", "Manager override"),
    ("pool", "Team pool"),
    ("award", "Award"),
    ("band", "Pay band"),
    ("overdue", "Overdue penalty"),
    ("clawback", "Clawback"),
    ("carry", "Carried forward"),
    ("holdback", "Holdback"),
    ("deferred", "Deferred (service period)"),
    ("release", "Holdback release"),
    ("forfeit", "Forfeiture"),
    ("suspended", "Suspended"),
]


class SaleIncentiveSettlementLine(models.Model):
    """One explained component of a settlement."""

    _name = "sale.incentive.settlement.line"
    _description = "Sales Incentive Settlement Component"
    _order = "settlement_id, sequence, id"
    _check_company_auto = True

    settlement_id = fields.Many2one(
        "sale.incentive.settlement",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(related="settlement_id.company_id", store=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    partner_id = fields.Many2one(related="settlement_id.partner_id", store=True)
    plan_id = fields.Many2one(related="settlement_id.plan_id", store=True)
    state = fields.Selection(related="settlement_id.state")
    sequence = fields.Integer(readonly=True)
    component = fields.Selection(COMPONENTS, required=True, readonly=True)
    name = fields.Char("Explanation", required=True, readonly=True)
    base_amount = fields.Monetary("Base", readonly=True)
    factor = fields.Float(readonly=True, digits=(16, 6))
    amount = fields.Monetary(readonly=True)
    rule_id = fields.Many2one("sale.incentive.rule", readonly=True)
    incentive_line_ids = fields.One2many(
        "sale.incentive.line", "settlement_line_id", "Source Lines", readonly=True
    )
    incentive_line_count = fields.Integer(compute="_compute_incentive_line_count")
    # holdbacks
    release_date = fields.Date(readonly=True, help="When a holdback matures.")
    released_by_id = fields.Many2one(
        "sale.incentive.settlement.line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The release (or forfeiture) component that used this holdback.",
    )
    released_ids = fields.One2many(
        "sale.incentive.settlement.line", "released_by_id", readonly=True
    )
    held_amount = fields.Monetary(
        readonly=True, help="For a release: the held amounts it clears."
    )
    carry_from_id = fields.Many2one(
        "sale.incentive.settlement",
        readonly=True,
        index="btree_not_null",
        help="The settlement whose negative total this component carries.",
    )

    def _compute_incentive_line_count(self):
        counts = dict(
            self.env["sale.incentive.line"]._read_group(
                [("settlement_line_id", "in", self.ids)],
                ["settlement_line_id"],
                ["__count"],
            )
        )
        for line in self:
            line.incentive_line_count = counts.get(line, 0)

    def write(self, vals):
        if set(vals) - {"released_by_id"} and self.settlement_id.filtered(
            lambda s: s.state != "draft"
        ):
            raise UserError(
                self.env._("Only the components of a draft settlement can change.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft(self):
        if self.settlement_id.filtered(lambda s: s.state != "draft"):
            raise UserError(
                self.env._("Only the components of a draft settlement can change.")
            )

    def action_view_incentive_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "sale.incentive.line",
            "view_mode": "list,form",
            "domain": [("settlement_line_id", "=", self.id)],
        }
