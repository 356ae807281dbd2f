# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..engine import brackets as bracket_engine
from ..engine import champions as champion_engine
from ..engine import components, periods, scoring
from ..engine import kpi as kpi_engine

GROUP_ADMIN = "sale_incentive.group_sale_incentive_admin"
# what an incentive accountant may change on a plan
FINANCE_FIELDS = {
    "holdback_expense_coefficient",
    "holdback_profit_coefficient",
    # capitalized commissions (issue 22.1): an accounting policy
    "capitalize",
    "capitalize_period",
    "capitalize_months",
}
PLAN_STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("active", "Active"),
    ("closed", "Closed"),
]
# written by the state actions only (with sudo, after their checks)
STATE_FIELDS = {"state", "activation_requested_by_id", "activated_by_id"}
# what the commission lines of a plan in force were computed and grouped
# with: changed through a new version, never in place
VERSIONED_FIELDS = {"rule_ids", "base", "basis", "period"}
# who earns under a plan: a new one acknowledges the version in force
BENEFICIARY_FIELDS = {"user_ids", "team_ids", "agent_ids"}


def check_states(records, states):
    """Refuse a workflow step on ``records`` whose ``state`` is not in
    ``states`` (plans, adjustments)."""
    labels = dict(records._fields["state"]._description_selection(records.env))
    for record in records:
        if record.state not in states:
            raise UserError(
                records.env._(
                    "%(name)s is %(state)s: this step is not possible.",
                    name=record.display_name,
                    state=labels[record.state],
                )
            )


class SaleIncentivePlan(models.Model):
    """A commission scheme, valid over a date range (one record per version)."""

    _name = "sale.incentive.plan"
    _description = "Sales Incentive Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name, date_from desc, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    state = fields.Selection(
        PLAN_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="Draft: edited and simulated, writes no commission. Active: writes "
        "the commission lines of the documents of its validity; its rules change "
        "through a new version. Closed: writes no new line; what it earned is "
        "still settled.",
    )
    activation_requested_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        tracking=True,
        help="With a second approver (Settings), the administrator who asked "
        "for the activation; another administrator approves it.",
    )
    activated_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True
    )
    coefficient_ids = fields.One2many(
        "sale.incentive.plan.coefficient",
        "plan_id",
        "Finance Coefficients",
        readonly=True,
        help="Expense-ratio and profit coefficients per year, entered by the "
        "accountants; they multiply the holdbacks of that year when released.",
    )
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(
        "Valid From",
        tracking=True,
        help="First invoice date this version applies to. Empty: no lower limit.",
    )
    date_to = fields.Date(
        "Valid To",
        tracking=True,
        help="Last invoice date this version applies to. Empty: no upper limit.",
    )
    previous_version_id = fields.Many2one(
        "sale.incentive.plan",
        copy=False,
        readonly=True,
        check_company=True,
        help="The version this plan replaced.",
    )
    period = fields.Selection(
        [("month", "Monthly"), ("quarter", "Quarterly"), ("year", "Yearly")],
        required=True,
        default="month",
        tracking=True,
        help="Settlement period; also the window of period-cumulative brackets.",
    )
    basis = fields.Selection(
        [("invoiced", "Invoiced"), ("paid", "Paid")],
        required=True,
        default="invoiced",
        tracking=True,
        help="Invoiced: commissions are earned when the invoice is posted.\n"
        "Paid: they are earned as the customer pays, pro rata to the amount "
        "paid and dated by the payment.",
    )
    base = fields.Selection(
        [
            ("revenue", "Untaxed revenue"),
            ("margin", "Margin"),
            ("quantity", "Quantity"),
        ],
        required=True,
        default="revenue",
        tracking=True,
        help="What the rules' rates apply to. Margin is the untaxed revenue "
        "minus the cost of the goods sold on the line.",
    )
    user_ids = fields.Many2many(
        "res.users",
        "sale_incentive_plan_user_rel",
        "plan_id",
        "user_id",
        string="Salespeople",
        help="Salespeople who earn under this plan.",
    )
    team_ids = fields.Many2many(
        "crm.team",
        "sale_incentive_plan_team_rel",
        "plan_id",
        "team_id",
        string="Sales Teams",
        check_company=True,
        help="Every member of these teams earns under this plan.",
    )
    agent_ids = fields.Many2many(
        "res.partner",
        "sale_incentive_plan_agent_rel",
        "plan_id",
        "partner_id",
        string="External Agents",
        domain=[("is_incentive_agent", "=", True)],
        help="External agents (partners flagged as agents) earning under this plan.",
    )
    rule_ids = fields.One2many(
        "sale.incentive.rule", "plan_id", string="Rules", copy=True
    )
    grade_ids = fields.Many2many(
        "sale.incentive.grade",
        "sale_incentive_grade_plan_rel",
        "plan_id",
        "grade_id",
        string="Grades",
        readonly=True,
        help="Grades putting their holders on this plan: for a person holding "
        "a grade on a day, their grade decides whether the plan covers them.",
    )
    line_ids = fields.One2many("sale.incentive.line", "plan_id", readonly=True)
    line_count = fields.Integer(compute="_compute_line_count")
    note = fields.Html()
    attribution_policy = fields.Selection(
        [
            ("closer", "The salesperson who closed the order"),
            ("owner", "The customer's owner"),
            ("first_contact", "The first contact"),
            ("split", "Split closer / owner"),
            ("manager", "The manager decides (conflict)"),
        ],
        tracking=True,
        help="Who is credited when the salesperson of an order is not the "
        "customer's owner. Empty: the default of the Settings.",
    )
    attribution_closer_share = fields.Float(
        "Closer's Share (%)",
        default=50.0,
        help="Split policy: the closer's share; the owner gets the rest.",
    )
    scorecard_line_ids = fields.One2many(
        "sale.incentive.scorecard.line",
        "plan_id",
        string="KPI Scorecard",
        copy=True,
        help="Weighted indicators (weights add up to 100%); the score is a "
        "multiplier or a share of a bonus pool at settlement.",
    )

    # acknowledgements of this version by its beneficiaries (issue 22.3)
    acknowledgement_ids = fields.One2many(
        "sale.incentive.plan.acknowledgement", "plan_id", "Acknowledgements"
    )
    acknowledgement_pending_count = fields.Integer(
        "Not Acknowledged", compute="_compute_acknowledgement_counts"
    )
    acknowledgement_count = fields.Integer(
        "Acknowledgements", compute="_compute_acknowledgement_counts"
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for plan in self:
            if plan.date_from and plan.date_to and plan.date_from > plan.date_to:
                raise ValidationError(
                    self.env._(
                        "Plan '%(name)s' must start on or before its end date.",
                        name=plan.name,
                    )
                )

    @api.constrains("scorecard_line_ids", "attribution_closer_share")
    def _check_scorecard(self):
        for plan in self:
            if not 0 <= plan.attribution_closer_share <= 100:
                raise ValidationError(
                    self.env._("The closer's share is between 0% and 100%.")
                )
            lines = plan.scorecard_line_ids
            if not lines:
                continue
            if scoring.validate_weights(lines.mapped("weight")):
                raise ValidationError(
                    self.env._(
                        "The KPI weights of plan '%(plan)s' must add up to 100%% "
                        "(now %(total)s%%).",
                        plan=plan.name,
                        total=format(sum(lines.mapped("weight")), "g"),
                    )
                )
            if len(lines.kpi_id) != len(lines):
                raise ValidationError(
                    self.env._(
                        "An indicator appears twice in the scorecard of '%(plan)s'.",
                        plan=plan.name,
                    )
                )

    def _compute_acknowledgement_counts(self):
        counts = {
            (plan.id, state): count
            for plan, state, count in self.env[
                "sale.incentive.plan.acknowledgement"
            ]._read_group(
                [("plan_id", "in", self.ids)], ["plan_id", "state"], ["__count"]
            )
        }
        for plan in self:
            pending = counts.get((plan.id, "pending"), 0)
            plan.acknowledgement_pending_count = pending
            plan.acknowledgement_count = pending + counts.get((plan.id, "accepted"), 0)

    def action_view_acknowledgements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_incentive.action_sale_incentive_plan_acknowledgement"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_request_acknowledgements(self):
        """Ask the beneficiaries who have not been asked yet (a team's new
        member) to acknowledge this version in force."""
        self._check_incentive_admin()
        check_states(self, ("active",))
        self.env["sale.incentive.plan.acknowledgement"]._request(self)
        return True

    def _compute_line_count(self):
        counts = dict(
            self.env["sale.incentive.line"]._read_group(
                [("plan_id", "in", self.ids)], ["plan_id"], ["__count"]
            )
        )
        for plan in self:
            plan.line_count = counts.get(plan, 0)

    @api.constrains("date_from", "date_to", "user_ids", "team_ids", "company_id")
    def _check_version_overlap(self):
        """Two versions of one plan must not cover the same day."""
        for plan in self.filtered("previous_version_id"):
            family = plan._get_version_family() - plan
            for other in family:
                if plan._overlaps(other):
                    raise ValidationError(
                        self.env._(
                            "Plan versions '%(a)s' and '%(b)s' overlap in time.",
                            a=plan.display_name,
                            b=other.display_name,
                        )
                    )

    def _get_version_family(self):
        """All versions linked to this one (previous and next)."""
        self.ensure_one()
        family = self
        todo = self
        while todo:
            linked = todo.previous_version_id | self.search(
                [("previous_version_id", "in", todo.ids)]
            )
            todo = linked - family
            family |= linked
        return family

    def _overlaps(self, other):
        start_a, end_a = (
            self.date_from or fields.Date.to_date("1900-01-01"),
            (self.date_to or fields.Date.to_date("9999-12-31")),
        )
        start_b, end_b = (
            other.date_from or fields.Date.to_date("1900-01-01"),
            (other.date_to or fields.Date.to_date("9999-12-31")),
        )
        return start_a <= end_b and start_b <= end_a

    # ------------------------------------------------------------------
    # Which plans apply
    # ------------------------------------------------------------------
    @api.model
    def _get_applicable_plans(self, company, date):
        """Active plans of ``company`` whose validity covers ``date``: the
        only plans that write commission lines."""
        return self._get_applicable_plans_by_day({(company, date)})[(company, date)]

    @api.model
    def _get_applicable_plans_by_day(self, keys):
        """{(company, date): ``_get_applicable_plans(company, date)``} for
        the set ``keys`` in one query: the active plans of the companies,
        their validity compared in Python."""
        if not keys:
            return {}
        candidates = self.search(
            [
                ("state", "=", "active"),
                ("company_id", "in", list({company.id for company, _date in keys})),
            ]
        )
        return {
            (company, date): candidates.filtered(
                lambda p, c=company, d=date: (
                    p.company_id == c
                    and (not p.date_from or p.date_from <= d)
                    and (not p.date_to or p.date_to >= d)
                )
            )
            for company, date in keys
        }

    def _covers_user(self, user, date=None):
        """Whether ``user`` earns under this plan on ``date`` (today): through
        their grade of that day when the plan is a grade's, else directly or
        through a team."""
        self.ensure_one()
        graded = self.env["sale.incentive.grade.assignment"]._covers(self, user, date)
        if graded is not None:
            return graded
        return user in self.user_ids or bool(
            self.team_ids & (user.crm_team_ids | user.sale_team_id)
        )

    def _covers_beneficiary(self, user, partner, date=None):
        self.ensure_one()
        if user:
            return self._covers_user(user, date)
        return partner in self.agent_ids

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_incentive.action_sale_incentive_line_analysis"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"search_default_group_user": 1}
        return action

    def _check_incentive_admin(self):
        if not self.env.user.has_group("sale_incentive.group_sale_incentive_admin"):
            raise AccessError(
                self.env._("Only a sales incentive administrator can do this.")
            )

    def action_new_version(self):
        """Ask the date the new version takes effect (wizard)."""
        self.ensure_one()
        self._check_incentive_admin()
        if self.state != "active":
            raise UserError(
                self.env._(
                    "Plan '%(plan)s' is not in force: a draft is edited directly, "
                    "only an active plan gets a new version.",
                    plan=self.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Version"),
            "res_model": "sale.incentive.plan.version.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id},
        }

    def _create_version(self, date_from):
        """Close this version the day before ``date_from`` and continue it in
        a draft copy from that date; returns the copy."""
        self.ensure_one()
        self._check_incentive_admin()
        self._check_version_date(date_from)
        self._check_version_nothing_earned(date_from)
        end = self.date_to
        self.date_to = date_from - datetime.timedelta(days=1)
        new = self.copy(
            {
                "name": self.name,
                "date_from": date_from,
                "date_to": end,
                "previous_version_id": self.id,
                "user_ids": [fields.Command.set(self.user_ids.ids)],
                "team_ids": [fields.Command.set(self.team_ids.ids)],
                "agent_ids": [fields.Command.set(self.agent_ids.ids)],
            }
        )
        self._log_new_version(new, date_from)
        return new

    def _check_version_date(self, date_from):
        """A new version continues an active plan from within its validity."""
        if self.state != "active":
            raise UserError(
                self.env._("Only an active plan gets a new version (it is a draft).")
            )
        if self.date_from and date_from <= self.date_from:
            raise UserError(
                self.env._(
                    "The new version must start after the version in force "
                    "starts (%(date)s).",
                    date=self.date_from,
                )
            )
        if self.date_to and date_from > self.date_to:
            raise UserError(
                self.env._(
                    "This version ends on %(date)s: a new version starts on or "
                    "before that day.",
                    date=self.date_to,
                )
            )

    def _check_version_nothing_earned(self, date_from):
        """No document from ``date_from`` on is earned under this version."""
        earned = (
            self.env["sale.incentive.line"]
            .sudo()
            .search_count(
                [
                    ("plan_id", "=", self.id),
                    ("kind", "in", ("invoice", "refund")),
                    ("date", ">=", date_from),
                ]
            )
        )
        if earned:
            raise UserError(
                self.env._(
                    "%(count)s commission lines of documents dated on or after "
                    "%(date)s were already earned under this version: choose a "
                    "later date.",
                    count=earned,
                    date=date_from,
                )
            )

    def _log_new_version(self, new, date_from):
        """This version's and its continuation's chatter."""
        self.message_post(
            body=self.env._(
                "Closed on %(end)s: a new version takes effect on %(date)s.",
                end=self.date_to,
                date=date_from,
            )
        )
        new.message_post(
            body=self.env._(
                "New version of %(plan)s (until %(end)s), taking effect on %(date)s; "
                "it writes commissions once activated.",
                plan=self.display_name,
                end=self.date_to,
                date=date_from,
            )
        )

    # ------------------------------------------------------------------
    # States: draft -> (to approve) -> active -> closed
    # ------------------------------------------------------------------
    def _check_rules_editable(self):
        """The rules of a plan in force are not edited in place."""
        locked = self.filtered(lambda plan: plan.state != "draft")
        if locked:
            raise UserError(
                self.env._(
                    "The rules of '%(plan)s' are in force: change them in a New "
                    "Version, which takes effect on the date you choose.",
                    plan=locked[0].display_name,
                )
            )

    def action_activate(self):
        """Put draft plans in force, or ask a second administrator to when
        the company wants one (Settings)."""
        self._check_incentive_admin()
        check_states(self, ("draft",))
        second = self.filtered("company_id.incentive_plan_second_approval")
        if second:
            second.sudo().write(
                {"state": "to_approve", "activation_requested_by_id": self.env.user.id}
            )
            for plan in second:
                plan.message_post(
                    body=self.env._(
                        "Activation requested by %(user)s; another administrator "
                        "approves it.",
                        user=self.env.user.name,
                    )
                )
        (self - second)._do_activate()
        return True

    def action_approve_activation(self):
        """Second administrator: approve the activation another one asked."""
        self._check_incentive_admin()
        check_states(self, ("to_approve",))
        if any(plan.activation_requested_by_id == self.env.user for plan in self):
            raise UserError(
                self.env._(
                    "You asked for this activation: another administrator approves it."
                )
            )
        self._do_activate()
        return True

    def action_reset_draft(self):
        """Withdraw an activation request."""
        self._check_incentive_admin()
        check_states(self, ("to_approve",))
        self.sudo().write({"state": "draft", "activation_requested_by_id": False})
        return True

    def action_close(self):
        """Stop writing commission lines; what the plan earned is still settled."""
        self._check_incentive_admin()
        check_states(self, ("active",))
        self.sudo().write({"state": "closed"})
        return True

    def _do_activate(self):
        self.sudo().write({"state": "active", "activated_by_id": self.env.user.id})
        # each beneficiary acknowledges the version in force (issue 22.3)
        self.env["sale.incentive.plan.acknowledgement"]._request(self)
        for plan in self:
            moves = plan._accrue_posted_documents()
            plan.message_post(
                body=self.env._(
                    "Activated by %(user)s; %(count)s posted invoice(s) and credit "
                    "note(s) of its validity accrued.",
                    user=self.env.user.name,
                    count=len(moves),
                )
            )

    def _get_posted_documents(self, date_from, date_to=None):
        """Posted customer invoices and credit notes of the plan's company
        dated within the dates."""
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
            ("invoice_date", ">=", date_from),
        ]
        if date_to:
            domain.append(("invoice_date", "<=", date_to))
        return self.env["account.move"].sudo().search(domain, order="invoice_date, id")

    def _accrue_documents(self, moves):
        """Write this plan's lines of ``moves`` (invoices first, so that a
        credit note finds the lines it reverses) and what their payments
        earned; returns the lines written."""
        self.ensure_one()
        accrual = self.env["sale.incentive.accrual"].sudo()
        invoices = moves.filtered(lambda m: m.move_type == "out_invoice")
        lines = accrual._create_for_invoices(invoices, plans=self)
        lines |= accrual._create_for_invoices(moves - invoices, plans=self)
        if self.basis == "paid":
            reversal = self.env["sale.incentive.reversal"].sudo()
            lines |= reversal._sync_payments(moves).filtered(
                lambda line: line.plan_id == self
            )
        return lines

    def _accrue_posted_documents(self):
        """At activation: the documents of the plan's validity posted while
        it was a draft (none when it has no start date: it writes from now on)."""
        self.ensure_one()
        if not self.date_from:
            return self.env["account.move"]
        moves = self._get_posted_documents(self.date_from, self.date_to)
        self._accrue_documents(moves)
        return moves

    def action_simulate(self):
        """What-if simulation of this plan on a past period (wizard)."""
        self.ensure_one()
        self.env["sale.incentive.simulation"]._check_can_simulate()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Simulate"),
            "res_model": "sale.incentive.simulation",
            "view_mode": "form",
            "target": "new",
            "context": {"default_plan_id": self.id},
        }

    def _get_release_coefficients(self, year, yearly):
        """Finance's coefficients multiplying what this plan held in ``year``
        when released (hook): the row of that year (``yearly``, see
        ``sale.incentive.plan.coefficient._get_yearly``), else the plan's."""
        self.ensure_one()
        return (
            yearly.get((self.id, year))
            or yearly.get((False, year))
            or (self.holdback_expense_coefficient, self.holdback_profit_coefficient)
        )

    # ------------------------------------------------------------------
    # Guards
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            vals.get("state", "draft") != "draft"
            or vals.keys() & (STATE_FIELDS - {"state"})
            for vals in vals_list
        ):
            raise AccessError(
                self.env._("A plan is created as a draft, then activated.")
            )
        return super().create(vals_list)

    def write(self, vals):
        keys = {k for k in vals if not k.startswith(("message_", "activity_"))}
        if (
            keys - FINANCE_FIELDS
            and not self.env.su
            and not self.env.user.has_group(GROUP_ADMIN)
        ):
            raise AccessError(
                self.env._(
                    "Only sales incentive administrators configure plans; "
                    "accountants enter the finance coefficients."
                )
            )
        if vals.keys() & STATE_FIELDS and not self.env.su:
            raise AccessError(
                self.env._(
                    "A plan changes state through its actions (activate, approve, "
                    "close), not by editing it."
                )
            )
        if vals.keys() & VERSIONED_FIELDS:
            self._check_rules_editable()
        result = super().write(vals)
        if vals.keys() & BENEFICIARY_FIELDS:
            # a beneficiary added to a plan in force acknowledges it too
            self.env["sale.incentive.plan.acknowledgement"]._request(self)
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_force(self):
        if any(plan.state != "draft" for plan in self):
            raise UserError(
                self.env._("Only draft plans are deleted; archive or close the others.")
            )

    def action_recompute_unsettled(self):
        """Recompute this plan's unsettled lines with the current rules."""
        self._check_incentive_admin()
        self.check_access("write")
        lines = self.env["sale.incentive.line"].search([("plan_id", "in", self.ids)])
        kept = (
            self.env["sale.incentive.accrual"].sudo()._recompute_unsettled(lines.sudo())
        )
        message = self.env._(
            "Unsettled commission lines recomputed; %(count)s line(s) kept as "
            "they are (settled, paid or reversed).",
            count=len(kept),
        )
        for plan in self:
            plan.message_post(body=message)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "success", "sticky": False},
        }

    # ------------------------------------------------------------------
    # Settlement policy, as the engine reads it
    # ------------------------------------------------------------------
    def _get_settlement_policy(self, date_to, forfeit=None):
        """The plan's settlement policy as engine values (hook).

        ``forfeit``: (reason, percent paid) for a forfeiture decision.
        """
        self.ensure_one()
        plan = self
        month_start = periods.period_bounds(date_to, "month")[0]
        months = plan.service_months if plan.service_months > 1 else 0
        return components.Policy(
            digits=plan.currency_id.decimal_places,
            date_to=str(date_to),
            target_gate=plan.target_gate,
            use_achievement_coefficient=plan.use_achievement_coefficient,
            achievement_cap=plan.achievement_cap,
            achievement_floor=plan.achievement_floor,
            use_kpi_score=plan.use_kpi_score,
            kpi_scored_amount=plan._get_kpi_scored_amount(date_to),
            new_product_target_ratio=plan.new_product_target_ratio
            if plan.new_product_ids
            else 0.0,
            new_product_cap=plan.new_product_cap,
            override_percent=plan.override_percent,
            champion_award=plan.champion_award,
            threshold_award_amount=plan.threshold_award_amount,
            threshold_award_base=plan.threshold_award_base,
            overdue_penalty_percent=plan.overdue_penalty_percent,
            overdue_suspend_after=plan.overdue_suspend_after,
            service_months=months,
            service_release_dates=tuple(
                str(month_start + relativedelta(months=index))
                for index in range(1, months)
            ),
            holdback_percent=plan.holdback_percent,
            holdback_release_date=str(self._holdback_release_date(date_to)),
            bands=tuple(
                band._to_policy_band()
                for band in plan.pay_band_ids.sorted(lambda b: (b.amount_from, b.id))
            ),
            band_measure=plan.band_measure,
            band_boundary=plan.band_boundary,
            forfeit_percent=forfeit[1] if forfeit else None,
            forfeit_reason=forfeit[0] if forfeit else "",
        )

    def _holdback_release_date(self, date_to):
        plan = self
        if plan.holdback_release == "months":
            return date_to + relativedelta(months=plan.holdback_release_months)
        return datetime.date(date_to.year + 1, 1, 1)

    # ------------------------------------------------------------------
    # Targets and KPI scorecard (called by the settlement)
    # ------------------------------------------------------------------
    def _get_incentive_targets(self, users, date_from, date_to):
        """{user: target} of ``users`` under this plan within the dates (hook);
        a user without a target gets the plan's default target."""
        self.ensure_one()
        amounts = self.env["sale.incentive.target"]._get_target_amounts(
            self, users, date_from, date_to
        )
        return {user: amounts.get(user) or self.target_amount for user in users}

    def _get_kpi_actuals(self, users, date_from, date_to):
        """{(kpi, user): actual} of the indicators of the scorecard.

        Measured indicators are computed for all ``users`` at once, the others
        come from approved values (0.0 when there is none).
        """
        self.ensure_one()
        kpis = self.scorecard_line_ids.kpi_id
        measured = kpis._measure(users, date_from, date_to, self.company_id)
        approved = self.env["sale.incentive.kpi.value"]._get_approved(
            kpis.filtered(lambda k: not k.is_measured), users, date_from, date_to
        )
        actuals = {}
        for kpi in kpis:
            for user in users:
                if kpi in measured:
                    actuals[kpi, user] = measured[kpi].get(user, 0.0)
                else:
                    actuals[kpi, user] = approved.get((kpi, user), 0.0)
        return actuals

    def _get_kpi_details(self, users, date_from, date_to):
        """{user: ([(scorecard line, actual, score ratio)], weighted score)}.

        Measured indicators are computed for all ``users`` at once.
        """
        self.ensure_one()
        lines = self.scorecard_line_ids
        actual_of = self._get_kpi_actuals(users, date_from, date_to)
        result = {}
        for user in users:
            items = []
            actuals = []
            for line in lines:
                actual = actual_of[line.kpi_id, user]
                actuals.append(actual)
                items.append(
                    {
                        "weight": line.weight,
                        "actual": actual,
                        "target": line.target,
                        "direction": line.direction,
                        "floor": line.floor,
                        "cap": line.cap,
                    }
                )
            total, scores = kpi_engine.scorecard(items)
            result[user] = (list(zip(lines, actuals, scores, strict=True)), total)
        return result

    def _get_kpi_score(self, user, date_from, date_to):
        """Weighted KPI score of ``user`` as a ratio (0.83), None without scorecard."""
        self.ensure_one()
        if not self.scorecard_line_ids:
            return None
        return self._get_kpi_details(user, date_from, date_to)[user][1]

    # ------------------------------------------------------------------
    # Settlement policy (issue #5)
    # ------------------------------------------------------------------
    target_amount = fields.Monetary(
        "Default Target",
        tracking=True,
        help="Target of each beneficiary for one period when no target is "
        "defined for them (fallback of _get_incentive_targets).",
    )
    target_gate = fields.Selection(
        [
            ("none", "No gate"),
            ("above", "Pay only above the target"),
            ("reach", "Pay from the target on"),
        ],
        default="none",
        required=True,
        tracking=True,
        help="Above: nothing is paid unless the actual exceeds the target "
        "(seed: 实际完成销售额>目标销售额时才可以分得销售提成).",
    )
    use_achievement_coefficient = fields.Boolean(
        "Achievement Coefficient",
        help="Multiply the period's commission by actual / target.",
    )
    achievement_cap = fields.Float(default=1.2, digits=(16, 4))
    achievement_floor = fields.Float(digits=(16, 4))
    new_product_ids = fields.Many2many(
        "product.product",
        "sale_incentive_plan_new_product_rel",
        "plan_id",
        "product_id",
        string="New Products",
        help="Sales of these products make the new-product ratio.",
    )
    new_product_target_ratio = fields.Float(
        "New-Product Target (%)",
        help="Share of new products in the period's sales that earns a "
        "coefficient of 1: the coefficient is actual share / this target.",
    )
    new_product_cap = fields.Float(
        "New-Product Coefficient Cap", default=1.2, digits=(16, 4)
    )
    use_kpi_score = fields.Boolean(
        "KPI Score Multiplier",
        help="Multiply the period's commission by the beneficiary's KPI score "
        "(1.0 = 100%).",
    )
    kpi_scored_amount = fields.Monetary(
        "KPI-Scored Amount",
        tracking=True,
        help="Paid each period x the beneficiary's scorecard score (capped at "
        "100%), as its own settlement component beside the commission, never "
        "multiplied by it (seed: 综合得分比例 x 1500元: 8.5 points of 10 pay "
        "0.85 x 1,500 = 1,275). An indicator without an approved value "
        "scores 0. Needs a KPI scorecard.",
    )

    def _get_kpi_scored_amount(self, date_to):
        """The KPI-scored amount of the period ending ``date_to``: paid by
        the version in force on the period's last day only, so that a period
        split between two versions pays it once."""
        self.ensure_one()
        if self.date_to and self.date_to < date_to:
            return 0.0
        return self.kpi_scored_amount

    @api.constrains("kpi_scored_amount", "scorecard_line_ids")
    def _check_kpi_scored_amount(self):
        for plan in self:
            if plan.currency_id.compare_amounts(plan.kpi_scored_amount, 0.0) < 0:
                raise ValidationError(
                    self.env._(
                        "The KPI-scored amount of '%(plan)s' cannot be negative.",
                        plan=plan.name,
                    )
                )
            if plan.kpi_scored_amount and not plan.scorecard_line_ids:
                raise ValidationError(
                    self.env._(
                        "Plan '%(plan)s' pays a KPI-scored amount: give it a KPI "
                        "scorecard (its score is the share of the amount paid).",
                        plan=plan.name,
                    )
                )

    holdback_percent = fields.Float(
        "Holdback (%)",
        tracking=True,
        help="Part of each settlement deferred (seed: 20%).",
    )
    holdback_release = fields.Selection(
        [("next_year", "January of the next year"), ("months", "After N months")],
        default="next_year",
        required=True,
    )
    holdback_release_months = fields.Integer(default=12)
    holdback_expense_coefficient = fields.Float(
        "Expense-Ratio Coefficient",
        default=1.0,
        digits=(16, 4),
        tracking=True,
        help="Entered by finance for the year; multiplies released holdbacks.",
    )
    holdback_profit_coefficient = fields.Float(
        "Profit Coefficient",
        default=1.0,
        digits=(16, 4),
        tracking=True,
        help="Entered by finance for the year; multiplies released holdbacks.",
    )
    overdue_penalty_percent = fields.Float(
        "Overdue Penalty (%)",
        help="Deducted per overdue customer invoice and period (seed: 10%).",
    )
    overdue_suspend_after = fields.Integer(
        default=3, help="Overdue periods after which the payout is suspended."
    )

    override_percent = fields.Float(
        "Manager Override (%)",
        digits=(16, 4),
        help="The leader of each sales team earns this % of the team's period "
        "sales under this plan (seed: 0.25%).",
    )
    pool_percent = fields.Float(
        "Team Pool (%)",
        digits=(16, 4),
        help="This % of each team's period sales is shared among its members "
        "pro rata to their own sales.",
    )
    champion_award = fields.Monetary(
        help="Paid to the beneficiary with the highest sales of the period "
        "(seed: 300 a month, 500 a quarter, 5,000 a year)."
    )
    threshold_award_base = fields.Monetary(
        "Award Threshold", help="Period sales reaching this earn the award below."
    )
    threshold_award_amount = fields.Monetary("Threshold Award")
    champion_award_quarter = fields.Monetary(
        "Quarter Champion Award",
        help="Monthly plans: paid to the beneficiary with the highest sales of "
        "the quarter, in the settlement of the quarter's last month (seed: 500). "
        "Tied champions share it.",
    )
    champion_award_year = fields.Monetary(
        "Year Champion Award",
        help="Monthly and quarterly plans: paid to the beneficiary with the "
        "highest sales of the calendar year, in the settlement of December "
        "(seed: 5,000). Tied champions share it.",
    )
    benefit_rule_ids = fields.One2many(
        "sale.incentive.benefit.rule",
        "plan_id",
        "Benefit Rules",
        copy=True,
        help="Benefits that are not money (free guidance, a lecture...) granted "
        "when the period's settlement is posted.",
    )

    # Capitalized commissions (issue 22.1)
    capitalize = fields.Boolean(
        "Capitalize Commissions",
        tracking=True,
        help="Line commissions are incremental costs of obtaining a contract "
        "(ASC 340-40 / IFRS 15): settled, they are an asset amortized monthly "
        "over the contract's benefit period, not an expense.",
    )
    capitalize_period = fields.Selection(
        [
            ("line", "Sold line's service period"),
            ("default", "Default number of months"),
        ],
        "Benefit Period",
        default="line",
        required=True,
        help="Sold line's service period: the order line's service dates, "
        "else the product's service months, else the default below.",
    )
    capitalize_months = fields.Integer(
        "Default Benefit Months",
        default=36,
        help="Months over which a capitalized commission is amortized when "
        "the sold line does not say.",
    )

    service_months = fields.Integer(
        help="Service period in months: each period's commission (refunds "
        "deducted) is earned 1/N a month over N months (seed: 客户月均服务金额 = "
        "实际到帐金额 / 会期). 0 or 1: earned at once.",
    )
    pay_band_ids = fields.One2many(
        "sale.incentive.pay.band", "plan_id", "Pay Bands", copy=True
    )
    band_measure = fields.Selection(
        [
            ("sales", "Own period sales"),
            ("team_sales", "Led teams' period sales"),
            ("achievement", "Achievement (% of target)"),
        ],
        default="sales",
        required=True,
        help="What picks the pay band (seed: the director's table uses the "
        "team's monthly sales, the rep's table their own).",
    )
    band_boundary = fields.Selection(
        [("lower", "Lower bound included"), ("upper", "Upper bound included")],
        default="upper",
        required=True,
        help="Seed: 90-150万(含): the upper bound belongs to the band.",
    )

    @api.constrains("pay_band_ids")
    def _check_pay_bands(self):
        for plan in self.filtered("pay_band_ids"):
            table = [
                band._to_engine()
                for band in plan.pay_band_ids.sorted(lambda b: (b.amount_from, b.id))
            ]
            errors = bracket_engine.validate_brackets(table)
            if errors:
                raise ValidationError(
                    self.env._(
                        "Pay bands of %(plan)s: %(errors)s",
                        plan=plan.display_name,
                        errors=" ".join(errors),
                    )
                )

    @api.constrains("period", "champion_award_quarter", "champion_award_year")
    def _check_champion_awards(self):
        for plan in self:
            if plan.champion_award_quarter and plan.period != "month":
                raise ValidationError(
                    self.env._(
                        "%(plan)s: the quarter champion award needs a monthly "
                        "plan (a quarterly plan pays its champion award).",
                        plan=plan.display_name,
                    )
                )
            if plan.champion_award_year and plan.period == "year":
                raise ValidationError(
                    self.env._(
                        "%(plan)s: a yearly plan pays its own champion award, "
                        "not a year champion award.",
                        plan=plan.display_name,
                    )
                )
            awards = (
                plan.champion_award,
                plan.champion_award_quarter,
                plan.champion_award_year,
            )
            if any(award < 0 for award in awards):
                raise ValidationError(self.env._("Champion awards cannot be negative."))

    def _get_champion_scopes(self, date_to):
        """{scope: award} of the quarter and year champions paid in the
        settlement ending ``date_to`` (the last month of the quarter or
        year; not on a plan whose own period is that long)."""
        self.ensure_one()
        date_to = fields.Date.to_date(date_to)
        awards = {}
        if self.champion_award_quarter and self.period == "month":
            awards["quarter"] = self.champion_award_quarter
        if self.champion_award_year and self.period != "year":
            awards["year"] = self.champion_award_year
        return {
            scope: award
            for scope, award in awards.items()
            if champion_engine.scope_bounds(date_to, scope)
        }

    @api.constrains(
        "holdback_percent",
        "achievement_cap",
        "achievement_floor",
        "overdue_penalty_percent",
    )
    def _check_settlement_policy(self):
        for plan in self:
            if not 0 <= plan.holdback_percent <= 100:
                raise ValidationError(
                    self.env._("The holdback must be between 0 and 100%.")
                )
            if plan.achievement_cap and plan.achievement_cap < plan.achievement_floor:
                raise ValidationError(
                    self.env._("The coefficient cap cannot be below its floor.")
                )
            if plan.overdue_penalty_percent < 0:
                raise ValidationError(
                    self.env._("The overdue penalty cannot be negative.")
                )
