# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine import grades
from .sale_incentive_plan import check_states

GROUP_MANAGER = "sale_incentive.group_sale_incentive_manager"
GROUP_ADMIN = "sale_incentive.group_sale_incentive_admin"
CHANGE_STATES = [
    ("proposed", "Proposed"),
    ("approved", "Approved"),
    ("refused", "Refused"),
    ("applied", "Applied"),
]


class SaleIncentiveGradeChange(models.Model):
    """A grade change proposed by the review, with its reason.

    The review of a closed period proposes it to the person's manager (an
    activity); once approved (``action_approve`` → ``_check_can_approve`` →
    ``_do_approve``), the person's grade history gets its new assignment from
    the effective date, the first day of the next period, and the grade's
    plans cover them from that day.  Nobody approves their own change.
    """

    _name = "sale.incentive.grade.change"
    _description = "Sales Incentive Grade Change"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_effective desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        "res.users", "Salesperson", required=True, index=True, readonly=True
    )
    rule_id = fields.Many2one(
        "sale.incentive.grade.rule",
        readonly=True,
        index=True,
        ondelete="set null",
        check_company=True,
    )
    from_grade_id = fields.Many2one(
        "sale.incentive.grade",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    to_grade_id = fields.Many2one(
        "sale.incentive.grade",
        required=True,
        readonly=True,
        check_company=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        related="from_grade_id.company_id", store=True, index=True, precompute=True
    )
    reason = fields.Text(required=True, readonly=True)
    date_review = fields.Date("Reviewed Period End", required=True, readonly=True)
    date_effective = fields.Date(
        "Effective From",
        required=True,
        readonly=True,
        help="The first day of the period after the review: the new grade's "
        "plans cover the person from that day.",
    )
    state = fields.Selection(
        CHANGE_STATES,
        default="proposed",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    manager_id = fields.Many2one(
        "res.users",
        "Approver",
        readonly=True,
        index=True,
        help="The person's team leader, else the rule's approver or an "
        "incentive administrator: the activity goes to them.",
    )
    decided_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    assignment_id = fields.Many2one(
        "sale.incentive.grade.assignment",
        readonly=True,
        check_company=True,
        ondelete="set null",
        help="The assignment the approval opened.",
    )

    _sql_constraints = [
        (
            "one_change_per_period",
            "unique(user_id, rule_id, date_effective)",
            "A rule proposes one change per person and period.",
        )
    ]

    @api.depends("user_id.name", "from_grade_id.name", "to_grade_id.name")
    def _compute_name(self):
        for change in self:
            change.name = (
                f"{change.user_id.name or ''}: {change.from_grade_id.name or ''}"
                f" → {change.to_grade_id.name or ''}"
            )

    # ------------------------------------------------------------------
    # Guards: the review creates, the actions change
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._("Grade changes are proposed by the grade review.")
            )
        return super().create(vals_list)

    def write(self, vals):
        keys = {k for k in vals if not k.startswith(("message_", "activity_"))}
        if keys and not self.env.su:
            raise AccessError(
                self.env._(
                    "A grade change is approved or refused with its buttons, not "
                    "by editing it."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Proposal (the review)
    # ------------------------------------------------------------------
    @api.model
    def _check_can_review(self):
        if not self.env.user.has_group(GROUP_MANAGER):
            raise AccessError(self.env._("Only incentive managers review grades."))

    @api.model
    def _propose(self, vals_list):
        """Create the proposed changes of ``vals_list`` not proposed yet (by
        the same rule for the same person and period) and whose person has no
        other change waiting; an activity for each one's approver."""
        if not vals_list:
            return self.browse()
        existing = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("user_id", "in", [vals["user_id"] for vals in vals_list]),
                    "|",
                    ("state", "=", "proposed"),
                    ("date_effective", "in", [v["date_effective"] for v in vals_list]),
                ]
            )
        )
        taken = {(c.user_id.id, c.rule_id.id, c.date_effective) for c in existing}
        waiting = set(existing.filtered(lambda c: c.state == "proposed").user_id.ids)
        new = []
        for vals in vals_list:
            key = (vals["user_id"], vals["rule_id"], vals["date_effective"])
            if key in taken or vals["user_id"] in waiting:
                continue
            taken.add(key)
            waiting.add(vals["user_id"])
            new.append(vals)
        rules = self.env["sale.incentive.grade.rule"].sudo()
        for vals in new:
            user = self.env["res.users"].browse(vals["user_id"])
            vals["manager_id"] = rules.browse(vals["rule_id"])._get_approver(user).id
        changes = self.sudo().create(new)
        for change in changes:
            if change.manager_id:
                change.message_subscribe(partner_ids=change.manager_id.partner_id.ids)
                change.activity_schedule(
                    "sale_incentive.mail_activity_grade_change",
                    user_id=change.manager_id.id,
                    summary=self.env._(
                        "Approve %(user)s: %(from)s → %(to)s",
                        user=change.user_id.name,
                        **{"from": change.from_grade_id.name},
                        to=change.to_grade_id.name,
                    ),
                    note=change.reason,
                )
        return changes

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def action_approve(self):
        self._check_can_approve()
        self._do_approve()
        return True

    def action_refuse(self):
        self._check_can_approve()
        self._do_refuse()
        return True

    def _check_can_approve(self):
        """An incentive manager who sees the change, never on their own."""
        if not self.env.user.has_group(GROUP_MANAGER):
            raise AccessError(
                self.env._("Only incentive managers approve grade changes.")
            )
        self.check_access("read")
        check_states(self, ("proposed",))
        if self.env.user in self.user_id:
            raise UserError(
                self.env._("You cannot approve or refuse your own grade change.")
            )

    def _do_approve(self):
        today = fields.Date.context_today(self)
        for change in self.sudo():
            assignment = change._open_assignment()
            change.write(
                {
                    "state": "applied"
                    if change.date_effective <= today
                    else "approved",
                    "decided_by_id": self.env.user.id,
                    "assignment_id": assignment.id,
                }
            )
            change.message_post(
                body=self.env._(
                    "Approved by %(user)s: %(person)s holds %(grade)s from %(date)s.",
                    user=self.env.user.name,
                    person=change.user_id.name,
                    grade=change.to_grade_id.name,
                    date=change.date_effective,
                )
            )
        self.sudo().activity_feedback(["sale_incentive.mail_activity_grade_change"])

    def _do_refuse(self):
        self.sudo().write({"state": "refused", "decided_by_id": self.env.user.id})
        for change in self:
            change.sudo().message_post(
                body=self.env._("Refused by %(user)s.", user=self.env.user.name)
            )
        self.sudo().activity_unlink(["sale_incentive.mail_activity_grade_change"])

    def _open_assignment(self):
        """Close the person's assignments the day before the effective date
        (those starting later give way) and open the new grade's from it."""
        self.ensure_one()
        Assignment = self.env["sale.incentive.grade.assignment"].sudo()
        start = self.date_effective
        current = Assignment.search(
            [
                ("user_id", "=", self.user_id.id),
                ("company_id", "=", self.company_id.id),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", start),
            ]
        )
        current.filtered(lambda a: a.date_from >= start).unlink()
        (current.exists()).write({"date_to": start - datetime.timedelta(days=1)})
        return Assignment.create(
            {
                "user_id": self.user_id.id,
                "grade_id": self.to_grade_id.id,
                "date_from": start,
                "change_id": self.id,
            }
        )

    # ------------------------------------------------------------------
    # Scheduled action: review at period end, apply at the effective date
    # ------------------------------------------------------------------
    @api.model
    def _cron_review_grades(self):
        """Review every rule on its last closed period (idempotent: a change
        is proposed once), and mark applied the approved changes whose
        effective date has come."""
        today = fields.Date.context_today(self)
        rules = (
            self.env["sale.incentive.grade.rule"]
            .sudo()
            .search([("grade_id.active", "=", True)])
        )
        for rule in rules:
            end = grades.last_closed_period(today, rule._get_review_period())[1]
            rule._review(end)
        due = self.sudo().search(
            [("state", "=", "approved"), ("date_effective", "<=", today)]
        )
        due.write({"state": "applied"})
