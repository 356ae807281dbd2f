# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine import periods

# written by the approval actions and the measurement only
WORKFLOW_FIELDS = {"state", "approved_by_id", "is_measured"}


class SaleIncentiveKpiValue(models.Model):
    """The actual of one indicator for one salesperson and period.

    Measured indicators write approved values (``_store_measured``); manual
    ones are entered by a manager and count only once approved.  Nobody but
    the system enters, changes or approves their own value, and the approval
    fields change through the actions only.
    """

    _name = "sale.incentive.kpi.value"
    _description = "Sales Incentive KPI Value"
    _inherit = ["mail.thread", "sale.incentive.period.mixin"]
    _order = "date_from desc, user_id, kpi_id"
    _check_company_auto = True

    kpi_id = fields.Many2one(
        "sale.incentive.kpi",
        "Indicator",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users", "Salesperson", required=True, index=True, tracking=True
    )
    # revenue, %, scores and counts: values of different indicators never add up
    value = fields.Float(required=True, tracking=True, digits=(16, 4), aggregator=None)
    unit = fields.Selection(related="kpi_id.unit")
    is_measured = fields.Boolean(
        readonly=True, help="Computed from Odoo data, not entered."
    )
    state = fields.Selection(
        [("draft", "To Approve"), ("approved", "Approved")],
        required=True,
        default="draft",
        tracking=True,
        readonly=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    note = fields.Char()

    _sql_constraints = [
        (
            "kpi_user_period_uniq",
            "unique(kpi_id, user_id, date_from, period)",
            "An indicator has one value per salesperson and period.",
        )
    ]

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if vals.get("user_id") == self.env.uid:
                    raise AccessError(self._own_value_error())
                if (
                    vals.get("state", "draft") != "draft"
                    or vals.get("approved_by_id")
                    or vals.get("is_measured")
                ):
                    raise AccessError(self._workflow_field_error())
        return super().create(vals_list)

    def write(self, vals):
        keys = {k for k in vals if not k.startswith(("message_", "activity_"))}
        if keys and not self.env.su:
            if WORKFLOW_FIELDS & keys:
                raise AccessError(self._workflow_field_error())
            if self.env.user in self.user_id or vals.get("user_id") == self.env.uid:
                raise AccessError(self._own_value_error())
            approved = self.filtered(lambda v: v.state == "approved")
            if approved and keys - {"note"}:
                raise UserError(
                    self.env._(
                        "Approved KPI values cannot be changed: reset them to "
                        "draft first."
                    )
                )
        return super().write(vals)

    def _own_value_error(self):
        return self.env._(
            "You cannot enter, change or approve your own KPI values: another "
            "manager does."
        )

    def _workflow_field_error(self):
        return self.env._(
            "KPI values are approved and reset with their buttons, not by "
            "editing their state."
        )

    def _check_can_approve(self):
        if not self.env.user.has_group("sale_incentive.group_sale_incentive_manager"):
            raise AccessError(self.env._("Only a sales incentive manager can approve."))
        self.check_access("write")
        if self.env.user in self.user_id:
            raise AccessError(self._own_value_error())

    def action_approve(self):
        self._check_can_approve()
        self.filtered(lambda v: v.state == "draft").sudo().write(
            {"state": "approved", "approved_by_id": self.env.user.id}
        )
        return True

    def action_reset_draft(self):
        self._check_can_approve()
        self.filtered(lambda v: not v.is_measured).sudo().write(
            {"state": "draft", "approved_by_id": False}
        )
        return True

    @api.model
    def _get_approved(self, kpis, users, date_from, date_to):
        """{(kpi, user): value} of approved values within the dates."""
        values = self.sudo().search(
            [
                ("kpi_id", "in", kpis.ids),
                ("user_id", "in", users.ids),
                ("state", "=", "approved"),
                ("date_from", ">=", date_from),
                ("date_to", "<=", date_to),
            ]
        )
        res = {}
        for value in values:
            key = (value.kpi_id, value.user_id)
            res[key] = res.get(key, 0.0) + value.value
        return res

    @api.model
    def _split_measured(self, measured, existing, company, period, date_from):
        """(values to create, {value: records to update}) of measured KPIs."""
        index = {(v.kpi_id, v.user_id): v for v in existing}
        to_create = []
        to_update = defaultdict(self.browse)
        for kpi, by_user in measured.items():
            for user, amount in by_user.items():
                record = index.get((kpi, user))
                if record:
                    to_update[amount] |= record
                    continue
                to_create.append(
                    {
                        "kpi_id": kpi.id,
                        "company_id": company.id,
                        "user_id": user.id,
                        "period": period,
                        "date_from": date_from,
                        "value": amount,
                        "is_measured": True,
                        "state": "approved",
                    }
                )
        return to_create, to_update

    def _store_measured(self, kpis, users, date_from, period, company=None):
        """Measure ``kpis`` for ``users`` and write them as approved values."""
        company = company or self.env.company
        date_from, date_to = periods.period_bounds(date_from, period)
        measured = kpis._measure(users, date_from, date_to, company)
        existing = self.sudo().search(
            [
                ("kpi_id", "in", kpis.ids),
                ("user_id", "in", users.ids),
                ("date_from", "=", date_from),
                ("period", "=", period),
            ]
        )
        to_create, to_update = self._split_measured(
            measured, existing, company, period, date_from
        )
        # one write per distinct value
        updated = self.browse()
        for amount, records in to_update.items():
            records.sudo().write({"value": amount, "state": "approved"})
            updated |= records
        return self.sudo().create(to_create) | updated

    @api.model
    def _measure_plans(self, plans, date=None):
        """Store the measured indicators of ``plans``' scorecards for the
        period of ``date`` (today), for every beneficiary of each plan."""
        date = date or fields.Date.context_today(self)
        values = self.browse()
        for plan in plans.filtered("scorecard_line_ids"):
            kpis = plan.scorecard_line_ids.kpi_id.filtered("is_measured")
            users = plan.user_ids | plan.team_ids.member_ids
            if kpis and users:
                values |= self._store_measured(
                    kpis, users, date, plan.period, plan.company_id
                )
        return values

    @api.model
    def _cron_measure_kpis(self):
        plans = self.env["sale.incentive.plan"].search(
            [("scorecard_line_ids", "!=", False)]
        )
        self._measure_plans(plans)
