# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

GROUP_MANAGER = "sale_incentive.group_sale_incentive_manager"
GROUP_ACCOUNTANT = "sale_incentive.group_sale_incentive_accountant"
DONE_CHECKS = [
    ("manual", "Marked done by its owner"),
    ("acknowledged", "Every settlement of the period acknowledged"),
    ("approved", "Every settlement of the period approved"),
    ("paid", "Every settlement of the period paid"),
]


class SaleIncentiveCalendarStep(models.Model):
    """One step of a company's settlement calendar (issue 21.5).

    The template of a monthly deadline: the day of the month, counted from
    the period's month (offset 0: the 25th of the month settled) or from the
    following month (offset 1: the 5th, 10th and 15th after it), who owns it
    (a user, or the users of a group), and what "done" means when it can be
    checked on the period's settlements.  The daily cron makes one
    ``sale.incentive.period.step`` per company, period and step.
    """

    _name = "sale.incentive.calendar.step"
    _description = "Settlement Calendar Step"
    _order = "company_id, month_offset, day, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    day = fields.Integer(
        "Day of Month",
        required=True,
        default=5,
        help="A day the month does not have is its last day (the 31st of "
        "April is the 30th).",
    )
    month_offset = fields.Selection(
        [("0", "The period's month"), ("1", "The following month")],
        "Month",
        required=True,
        default="1",
        help="The 25th of the month settled (tracking and next month's plan) "
        "or the 5th, 10th, 15th of the month after it (records, approvals, "
        "payout).",
    )
    owner_user_id = fields.Many2one(
        "res.users",
        "Owner",
        domain="[('share', '=', False)]",
        help="Who does this step; empty: every user of the owner group in the company.",
    )
    owner_group_id = fields.Many2one(
        "res.groups",
        help="Its users of the company own the step when no owner is set "
        "(e.g. the incentive managers, the commission accountants).",
    )
    done_check = fields.Selection(
        DONE_CHECKS,
        "Done When",
        required=True,
        default="manual",
        help="A checked step is done by itself once every settlement of the "
        "period (not cancelled) is acknowledged, approved or paid; a manual "
        "step is marked done by its owner.",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "day_check",
            "CHECK(day >= 1 AND day <= 31)",
            "A calendar step falls on a day of the month, 1 to 31.",
        )
    ]

    @api.constrains("owner_user_id", "owner_group_id")
    def _check_owner(self):
        for step in self:
            if not step.owner_user_id and not step.owner_group_id:
                raise ValidationError(
                    self.env._(
                        "Calendar step %(name)s needs an owner: a user or a group.",
                        name=step.name,
                    )
                )

    def _get_owners(self):
        """The users who own this step in its company."""
        self.ensure_one()
        if self.owner_user_id:
            return self.owner_user_id
        company = self.company_id
        return self.owner_group_id.sudo().users.filtered(
            lambda user: user.active and not user.share and company in user.company_ids
        )

    @api.model
    def _get_default_steps(self):
        """The seed's four deadlines of a month (制度 4.2.2 - 4.2.7)."""
        manager = self.env.ref(GROUP_MANAGER)
        accountant = self.env.ref(GROUP_ACCOUNTANT)
        return [
            {
                "name": self.env._("Tracking and next month's plan"),
                "sequence": 10,
                "day": 25,
                "month_offset": "0",
                "owner_group_id": manager.id,
                "done_check": "manual",
                "description": self.env._(
                    "The month's customer and market tracking analysed; next "
                    "month's sales plan submitted to the regional manager."
                ),
            },
            {
                "name": self.env._("Records collected, settlements checked"),
                "sequence": 20,
                "day": 5,
                "month_offset": "1",
                "owner_group_id": manager.id,
                "done_check": "acknowledged",
                "description": self.env._(
                    "The partners' customer records of the month collected; "
                    "each settlement checked with its partner, who "
                    "acknowledges it."
                ),
            },
            {
                "name": self.env._("Approvals done"),
                "sequence": 30,
                "day": 10,
                "month_offset": "1",
                "owner_group_id": manager.id,
                "done_check": "approved",
                "description": self.env._("Every settlement of the month approved."),
            },
            {
                "name": self.env._("Payout received"),
                "sequence": 40,
                "day": 15,
                "month_offset": "1",
                "owner_group_id": accountant.id,
                "done_check": "paid",
                "description": self.env._(
                    "The partners confirmed they received last month's payout."
                ),
            },
        ]

    @api.model
    def _create_default_steps(self, companies=None):
        """The default steps of every company that has none (archived
        steps count: a company that removed them keeps its choice)."""
        companies = companies or self.env["res.company"].sudo().search(
            [("active", "=", True)]
        )
        steps = self.sudo().with_context(active_test=False)
        having = {
            company
            for [company] in steps._read_group(
                [("company_id", "in", companies.ids)], ["company_id"]
            )
        }
        defaults = self._get_default_steps()
        return steps.create(
            [
                dict(vals, company_id=company.id)
                for company in companies
                if company not in having
                for vals in defaults
            ]
        )
