# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine import champions

GROUP_MANAGER = "sale_incentive.group_sale_incentive_manager"


class SaleIncentiveBenefit(models.Model):
    """A benefit that is not money, granted to a beneficiary for a period.

    Granted when the period's settlement is posted (``_grant_for_settlements``,
    never twice for the same rule, beneficiary and period); valid from the
    month after the period; the daily cron expires what was not used.
    """

    _name = "sale.incentive.benefit"
    _description = "Sales Incentive Benefit"
    _inherit = ["mail.thread"]
    _order = "valid_from desc, id desc"
    _check_company_auto = True

    name = fields.Char("Benefit", required=True, readonly=True)
    rule_id = fields.Many2one(
        "sale.incentive.benefit.rule",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    plan_id = fields.Many2one(
        "sale.incentive.plan",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", "Beneficiary", required=True, readonly=True, index=True
    )
    team_id = fields.Many2one(
        related="user_id.sale_team_id",
        string="Sales Team",
        store=True,
        help="The beneficiary's sales team.",
    )
    settlement_id = fields.Many2one(
        "sale.incentive.settlement",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        help="The posted settlement of the period that granted it.",
    )
    period_from = fields.Date("Earned From", required=True, readonly=True)
    period_to = fields.Date("Earned To", required=True, readonly=True)
    valid_from = fields.Date(required=True, readonly=True)
    valid_to = fields.Date(required=True, readonly=True, index=True)
    reached = fields.Selection(
        [("period", "Period sales"), ("window", "Sales over the window")],
        readonly=True,
    )
    sales_amount = fields.Monetary(
        "Sales", readonly=True, help="The sales that reached the threshold."
    )
    state = fields.Selection(
        [("granted", "Granted"), ("used", "Used"), ("expired", "Expired")],
        default="granted",
        required=True,
        readonly=True,
        tracking=True,
    )
    used_date = fields.Date(readonly=True, tracking=True)

    _sql_constraints = [
        (
            "rule_partner_period_unique",
            "UNIQUE(rule_id, partner_id, period_to)",
            "A benefit is granted once per rule, beneficiary and period.",
        ),
    ]

    # ------------------------------------------------------------------
    # Granting
    # ------------------------------------------------------------------
    @api.model
    def _grant_for_settlements(self, settlements):
        """Grant the benefits earned by the beneficiaries of ``settlements``
        (posted, regular) under their plans' rules: one batch per plan and
        period, idempotent."""
        regular = settlements.filtered(
            lambda s: s.settlement_type == "regular" and s.plan_id.benefit_rule_ids
        )
        batches = defaultdict(lambda: self.env["sale.incentive.settlement"])
        for settlement in regular:
            key = (settlement.plan_id, settlement.date_from, settlement.date_to)
            batches[key] |= settlement
        vals_list = []
        for (plan, date_from, date_to), batch in batches.items():
            vals_list += self._prepare_grants(plan, date_from, date_to, batch)
        benefits = self.create(vals_list)
        for benefit in benefits:
            benefit.message_subscribe(partner_ids=benefit.partner_id.ids)
        return benefits

    @api.model
    def _prepare_grants(self, plan, date_from, date_to, settlements):
        """Values of the benefits not granted yet of ``settlements`` (one
        plan and period)."""
        rules = plan.benefit_rule_ids.sorted(lambda r: (r.sequence, r.id))
        measures = self._read_measures(plan, date_from, date_to, rules)
        by_partner = {s.partner_id.id: s for s in settlements}
        earned = champions.earned_benefits(
            [rule._to_engine() for rule in rules],
            measures,
            keys=list(by_partner),
            digits=plan.currency_id.decimal_places,
        )
        done = self._get_granted(rules, list(by_partner), date_to)
        vals_list = []
        for partner_id, items in earned.items():
            settlement = by_partner[partner_id]
            for rule_id, how in items:
                if (rule_id, partner_id) in done:
                    continue
                rule = rules.browse(rule_id)
                valid_from, valid_to = champions.validity(date_to, rule.validity_months)
                vals_list.append(
                    {
                        "name": rule.name,
                        "rule_id": rule.id,
                        "plan_id": plan.id,
                        "company_id": settlement.company_id.id,
                        "user_id": settlement.user_id.id,
                        "partner_id": partner_id,
                        "settlement_id": settlement.id,
                        "period_from": date_from,
                        "period_to": date_to,
                        "valid_from": valid_from,
                        "valid_to": valid_to,
                        "reached": how,
                        "sales_amount": measures[partner_id].value(
                            how, rule.window_months
                        ),
                    }
                )
        return vals_list

    @api.model
    def _read_measures(self, plan, date_from, date_to, rules):
        """{partner_id: engine Measure} of the plan's beneficiaries: the
        sales of the period and of each window (one grouped query each),
        the team they sold the most for."""
        facts = self.env["sale.incentive.settlement.facts"]
        teams, totals = facts._read_team_bases(plan, date_from, date_to)
        windows = {}
        # a window may have begun under an earlier version of the plan
        family = plan._get_version_family()
        for months in set(
            rules.filtered("threshold_window_amount").mapped("window_months")
        ):
            start = champions.window_start(date_to, months)
            windows[months] = facts._read_team_bases(family, start, date_to)[1]
        best_team = {}
        for team_id, members in teams.items():
            for partner_id, base in members:
                if partner_id not in best_team or base > best_team[partner_id][1]:
                    best_team[partner_id] = (team_id, base)
        partner_ids = set(totals).union(*windows.values())
        return {
            partner_id: champions.Measure(
                period=totals.get(partner_id, 0.0),
                windows={
                    months: sales.get(partner_id, 0.0)
                    for months, sales in windows.items()
                },
                team=best_team.get(partner_id, (None, 0.0))[0],
            )
            for partner_id in partner_ids
        }

    @api.model
    def _get_granted(self, rules, partner_ids, date_to):
        """{(rule id, partner id)} already granted for the period."""
        groups = self.sudo()._read_group(
            [
                ("rule_id", "in", rules.ids),
                ("partner_id", "in", partner_ids),
                ("period_to", "=", date_to),
            ],
            ["rule_id", "partner_id"],
        )
        return {(rule.id, partner.id) for rule, partner in groups}

    # ------------------------------------------------------------------
    # Use and expiry
    # ------------------------------------------------------------------
    def action_use(self):
        """The benefit was given (a manager records it)."""
        self._check_can_use()
        self._do_use()
        return True

    def _check_can_use(self):
        if not self.env.user.has_group(GROUP_MANAGER):
            raise AccessError(self.env._("Only sales managers record a used benefit."))
        # the record rules: the benefits of the teams they lead
        self.check_access("read")
        today = fields.Date.context_today(self)
        for benefit in self:
            if benefit.state != "granted":
                raise UserError(
                    self.env._(
                        "%(name)s is not a granted benefit any more.",
                        name=benefit.display_name,
                    )
                )
            if not benefit.valid_from <= today <= benefit.valid_to:
                raise UserError(
                    self.env._(
                        "%(name)s is valid from %(start)s to %(end)s.",
                        name=benefit.display_name,
                        start=benefit.valid_from,
                        end=benefit.valid_to,
                    )
                )

    def _do_use(self):
        self.sudo().write(
            {"state": "used", "used_date": fields.Date.context_today(self)}
        )

    @api.model
    def _cron_expire(self):
        """Expire the granted benefits whose validity ended."""
        expired = self.sudo().search(
            [
                ("state", "=", "granted"),
                ("valid_to", "<", fields.Date.context_today(self)),
            ]
        )
        expired.write({"state": "expired"})
        return expired
