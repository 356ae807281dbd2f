# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The access matrix of the module, generated from the registry (issue #9).

Every ``sale.incentive.*`` model and every field this module adds to another
model must have an entry below: a new model or field without one fails.

Letters: ``r`` read, ``w`` write, ``c`` create, ``d`` delete (unlink).  A
missing role means no access at all.  Models are checked with the access
rights and record rules (``has_access``) on a reference record of the
``user`` role (a rep of the team the ``manager`` role leads) in the main
company; fields with a real ``read`` and a real ``write`` of a new value
(rolled back), so the models' own guards count too.
"""

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .test_settlement import SettlementCase

ROLES = (
    "portal",
    "employee",
    "sales_own",
    "sales_all",
    "billing",
    "user",
    "manager",
    "accountant",
    "admin",
    "other_company",
)
OPERATIONS = {"r": "read", "w": "write", "c": "create", "d": "unlink"}
CONFIG = {"user": "r", "manager": "r", "accountant": "r", "admin": "rwcd"}
# read by the rep, the team's manager, finance and the administrators
READERS = dict.fromkeys(("user", "manager", "accountant", "admin"), "r")
# changed by the team's manager and the administrators
TEAM_MANAGED = dict(READERS, manager="rwcd", admin="rwcd")

# on a record of the rep (role ``user``), main company
MODELS = {
    "sale.incentive.plan": {
        "user": "r",
        "manager": "r",
        "accountant": "rw",  # the finance coefficients only (guard)
        "admin": "rwcd",
    },
    "sale.incentive.rule": CONFIG,
    "sale.incentive.bracket": CONFIG,
    "sale.incentive.pay.band": CONFIG,
    "sale.incentive.kpi": CONFIG,
    "sale.incentive.scorecard.line": CONFIG,
    "sale.incentive.customer.tier": CONFIG,
    # a customer's tier and lock: set by the incentive managers (also
    # through the partner's form), read by every incentive user
    "sale.incentive.partner.tier": dict(READERS, manager="rwcd", admin="rwcd"),
    "sale.incentive.line": READERS,
    "sale.incentive.share": TEAM_MANAGED,
    "sale.incentive.target": TEAM_MANAGED,
    "sale.incentive.kpi.value": TEAM_MANAGED,
    "sale.incentive.settlement": {
        "user": "r",
        "manager": "rw",  # the note only (guard); the workflow through actions
        "accountant": "rwd",
        "admin": "rw",
    },
    "sale.incentive.settlement.line": READERS,
    # finance's coefficients per year: the accountants' (issue #11)
    "sale.incentive.plan.coefficient": dict(CONFIG, accountant="rwcd"),
    # requested and approved by managers (guards: drafts, not their own)
    "sale.incentive.adjustment": dict(READERS, manager="rwcd", admin="rwcd"),
    # background settlement runs (issue #13): finance and the administrators
    # manage them; a user sees the runs they started (here: the rep's)
    "sale.incentive.settle.run": {"user": "r", "accountant": "rwcd", "admin": "rwcd"},
    # My Commissions by period (issue #10): read-only, the lines' readers
    "sale.incentive.period.report": READERS,
    # what postings of a period table lock: nobody's to open
    "sale.incentive.period.lock": {},
    # the settlement calendar (issue 21.5): the company's steps are
    # configured by the administrators; the month's board is the managers'
    # and accountants' (done / reopen through actions, the note by hand)
    "sale.incentive.calendar.step": {"manager": "r", "accountant": "r"}
    | {"admin": "rwcd"},
    "sale.incentive.period.step": {"manager": "rw", "accountant": "rw", "admin": "rwd"},
    # capitalized commissions (issue 22.1): written by the posting, the
    # scheduled action and the write-off (sudo after their checks); read
    # like the settlements
    "sale.incentive.capitalization": READERS,
    "sale.incentive.capitalization.line": READERS,
    # draws and guarantees (issue 22.2): set by the administrators, read by
    # the person, their team's manager and finance
    "sale.incentive.draw": dict(READERS, admin="rwcd"),
    # champions and benefits (issue 21.3): rules are plan configuration; a
    # granted benefit is read by the rep, their manager and finance, marked
    # used through its action
    "sale.incentive.benefit.rule": CONFIG,
    "sale.incentive.benefit": dict(READERS, admin="rwcd"),
    # grades (issue 21.2): configured by the administrators; the history
    # read like the lines, set by the administrators (and approved changes);
    # the changes are read only: the review proposes, the actions decide
    "sale.incentive.grade": CONFIG,
    "sale.incentive.grade.rule": CONFIG,
    "sale.incentive.grade.assignment": dict(READERS, admin="rwcd"),
    "sale.incentive.grade.change": READERS,
    # selling below the minimum price (issue 21.4): the rep's request, decided
    # by the team's manager (guards: the commission % by the approver only,
    # the workflow through the actions); created by the order's button
    "sale.incentive.price.approval": dict(
        READERS, user="rw", manager="rw", admin="rwcd"
    ),
    # the rep's acknowledgement of the plan (issue 22.3): read by the rep, the
    # team's manager, finance and the administrators; accepted through its
    # action by the rep only, changed by nobody
    "sale.incentive.plan.acknowledgement": READERS,
}

# wizards and temporary reports: what each role does with its own records
# (nobody reaches another user's)
ALL = "rwcd"
TRANSIENT = {
    "sale.incentive.target.generate": {
        "manager": ALL,
        "admin": ALL,
        "other_company": ALL,
    },
    "sale.incentive.conflict.resolve": {
        "manager": ALL,
        "admin": ALL,
        "other_company": ALL,
    },
    "sale.incentive.conflict.resolve.line": {
        "manager": ALL,
        "admin": ALL,
        "other_company": ALL,
    },
    # a salesperson disputes the credit of an order they see (issue #10)
    "sale.incentive.conflict.dispute": dict.fromkeys(
        ("user", "manager", "accountant", "admin", "other_company"), ALL
    ),
    "sale.incentive.scorecard.report": dict.fromkeys(
        ("user", "manager", "accountant", "admin", "other_company"), ALL
    ),
    "sale.incentive.scorecard.report.line": dict.fromkeys(
        ("user", "manager", "accountant", "admin", "other_company"), ALL
    ),
    "sale.incentive.settle.wizard": {"accountant": ALL, "other_company": ALL},
    "sale.incentive.forfeit.wizard": {"admin": ALL, "other_company": ALL},
    # the beneficiary disputes, the manager answers (guards in the actions)
    "sale.incentive.statement.dispute": dict.fromkeys(
        ("user", "manager", "accountant", "admin", "other_company"), ALL
    ),
    "sale.incentive.plan.version.wizard": {"admin": ALL, "other_company": ALL},
    # managers and accountants reset a settlement with a reason (guards in
    # the actions); a transient record is vacuumed, never deleted by hand
    "sale.incentive.settlement.reset": dict.fromkeys(
        ("manager", "accountant", "admin", "other_company"), "rwc"
    ),
    # managers and accountants defer a settlement to next month with a
    # reason (issue 21.5)
    "sale.incentive.settlement.defer": dict.fromkeys(
        ("manager", "accountant", "admin", "other_company"), "rwc"
    ),
    # the incentive administrators' Commission Payouts form (issue #20)
    "sale.incentive.payout.settings": {"admin": ALL, "other_company": ALL},
    "sale.incentive.simulation": {
        "accountant": ALL,
        "admin": ALL,
        "other_company": ALL,
    },
    "sale.incentive.simulation.line": {
        "accountant": ALL,
        "admin": ALL,
        "other_company": ALL,
    },
    # the deferred-commission roll-forward (issue 22.1): finance's
    "sale.incentive.capitalization.report": {
        "accountant": ALL,
        "admin": ALL,
        "other_company": ALL,
    },
}

# fields of this module on other models: ``r`` read, ``w`` write a new value
# who reads the rep's order (the company currency shown on it)
ORDER_READERS = dict(READERS, sales_all="r", billing="r")
# the credit attribution is no secret on the order; managers decide it
ATTRIBUTION = dict(ORDER_READERS, manager="rw", admin="rw")
# the company's settings: its users read them like the rest of the company,
# Settings (Administration) writes them
COMPANY_FIELDS = dict.fromkeys(
    ("portal", "employee", "sales_own", "sales_all", "billing", "user")
    + ("manager", "accountant", "admin"),
    "r",
)
# customers and products are shared by the companies: every internal user
# reads them, the sales / incentive managers (of any company) set this data
SHARED_SALES_DATA = dict.fromkeys(
    ("employee", "sales_own", "sales_all", "billing", "user", "accountant"), "r"
) | dict.fromkeys(("manager", "admin", "other_company"), "rw")
# the service period sold on an order line: whoever writes the line
SERVICE_DATES = dict.fromkeys(ORDER_READERS, "rw")
# a journal item's capitalization: its accounting, like the payout entry's link
MOVE_LINE_LINKS = dict(READERS, accountant="rw")
FIELDS = {
    # the rep's confirmed order, split 100 % to the rep
    ("sale.order", "incentive_share_ids"): dict(READERS, manager="rw", admin="rw"),
    ("sale.order", "incentive_line_ids"): READERS,
    ("sale.order", "incentive_amount"): READERS,
    ("sale.order", "incentive_estimate"): READERS,
    ("sale.order", "incentive_estimate_note"): READERS,
    ("sale.order", "company_currency_id"): ORDER_READERS,
    # technical: the forecast job's flag, written by the module as superuser
    ("sale.order", "incentive_forecast_pending"): {},
    ("sale.order", "incentive_attribution"): ATTRIBUTION,
    ("sale.order", "incentive_conflict"): ATTRIBUTION,
    ("sale.order", "incentive_dispute_user_id"): ATTRIBUTION,
    # selling below the minimum price (issue 21.4)
    ("sale.order", "incentive_price_approval_count"): READERS,
    ("sale.order", "incentive_price_approval_required"): ORDER_READERS,
    ("sale.order.line", "incentive_amount"): READERS,
    ("sale.order.line", "incentive_estimate"): READERS,
    ("sale.order.line", "company_currency_id"): ORDER_READERS,
    # the rep's posted invoice
    ("account.move", "incentive_line_ids"): READERS,
    # the payout entry's link: the move's accounting, like its other links
    ("account.move", "incentive_settlement_id"): dict(READERS, accountant="rw"),
    ("account.move", "incentive_line_count"): READERS,
    # the product's guide price: sales configuration, set with the product
    ("product.template", "incentive_guide_price"): SHARED_SALES_DATA,
    # capitalized commissions (issue 22.1): the service period sold
    ("product.template", "incentive_service_months"): SHARED_SALES_DATA,
    ("sale.order.line", "incentive_service_start"): SERVICE_DATES,
    ("sale.order.line", "incentive_service_end"): SERVICE_DATES,
    ("account.move.line", "incentive_capitalization_id"): MOVE_LINE_LINKS,
    ("account.move.line", "incentive_capitalization_step"): MOVE_LINE_LINKS,
}
# fields with their own expectation per model when not listed in FIELDS: the
# customer's owner, referrer, tier... decide credit (the tier per company)
MODEL_FIELDS = {"res.partner": SHARED_SALES_DATA, "res.company": COMPANY_FIELDS}
# the Settings screen is base's (Administration / Settings)
EXCLUDED_MODELS = {"res.config.settings"}


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestAccessMatrix(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company_b = cls.setup_other_company(name="Company B")["company"]
        cls.roles = cls._make_access_roles(company_b)
        cls.kpi = cls.env["sale.incentive.kpi"].create(
            {
                "name": "Shop visits",
                "code": "shop_visits",
                "company_id": cls.env.company.id,
                "category": "process",
                "source": "manual",
                "direction": "higher",
                "unit": "count",
            }
        )
        cls.plan = cls._make_plan(
            rate=10.0,
            activate=False,
            users=cls.rep | cls.rep_b,
            holdback_percent=20,
            pay_band_ids=[Command.create({"amount_from": 0, "base_pay": 4_000.0})],
            scorecard_line_ids=[
                Command.create({"kpi_id": cls.kpi.id, "weight": 100, "target": 20})
            ],
        )
        cls.env["sale.incentive.rule"].create(
            {
                "name": "Table",
                "plan_id": cls.plan.id,
                "sequence": 20,
                "compute_type": "bracket",
                "bracket_basis": "line",
                "bracket_ids": [
                    Command.create({"amount_from": 0, "amount_to": 0, "rate": 2.0})
                ],
            }
        )
        cls.plan.action_activate()
        cls.coefficient = cls.env["sale.incentive.plan.coefficient"].create(
            {"plan_id": cls.plan.id, "year": 2026, "expense_coefficient": 0.9}
        )
        cls.tier = cls.env["sale.incentive.customer.tier"].create(
            {"name": "Key", "code": "key", "min_amount": 1_000_000.0}
        )
        cls.env["sale.incentive.customer.tier"].create(
            {"name": "Other", "code": "other", "max_amount": 1_000_000.0}
        )
        cls.customer.write({"incentive_tier_id": cls.tier.id})
        cls.order = cls._order(
            cls,
            [(cls.product, 1, 10_000.0)],
            incentive_share_ids=[Command.create({"user_id": cls.rep.id, "share": 100})],
        )
        cls.invoice = cls._invoice(cls, cls.order)
        cls.settlement = cls._settle(cls, "2026-03-31")
        # the current period: a closed period's targets are frozen
        date_from = fields.Date.context_today(cls.plan).replace(day=1)
        cls.target = cls.env["sale.incentive.target"].create(
            {"plan_id": cls.plan.id, "user_id": cls.rep.id, "date_from": date_from}
            | {"amount": 50_000.0}
        )
        cls.kpi_value = cls.env["sale.incentive.kpi.value"].create(
            {"kpi_id": cls.kpi.id, "user_id": cls.rep.id, "date_from": "2026-03-01"}
            | {"value": 18.0}
        )
        # the rep's adjustment, requested by the team's manager
        cls.adjustment = (
            cls.env["sale.incentive.adjustment"]
            .with_user(cls.manager)
            .create(
                {
                    "plan_id": cls.plan.id,
                    "user_id": cls.rep.id,
                    "date": "2026-03-20",
                    "amount": 100.0,
                    "reason": "Fair",
                }
            )
            .with_user(cls.env.user)
        )
        benefit_rule = cls.env["sale.incentive.benefit.rule"].create(
            {"plan_id": cls.plan.id, "name": "Guidance", "threshold_amount": 1.0}
        )
        benefit = cls.env["sale.incentive.benefit"].create(
            {
                "name": "Guidance",
                "rule_id": benefit_rule.id,
                "plan_id": cls.plan.id,
                "company_id": cls.env.company.id,
                "user_id": cls.rep.id,
                "partner_id": cls.rep.partner_id.id,
                "period_from": "2026-03-01",
                "period_to": "2026-03-31",
                "valid_from": "2026-04-01",
                "valid_to": "2026-04-30",
            }
        )
        # the company's settlement calendar and this month's board
        company = cls.env.company
        cls.env["sale.incentive.calendar.step"]._create_default_steps(company)
        period_steps = cls.env["sale.incentive.period.step"]._generate(
            fields.Date.context_today(cls.plan), company
        )
        # the rep asks to sell below the minimum price (issue 21.4)
        cls.env.company.incentive_price_approval = True
        low_product = cls.env["product.product"].create(
            {"name": "Guarded", "list_price": 1000.0, "incentive_guide_price": 1000.0}
        )
        low_order = cls._order(cls, [(low_product, 1, 800.0)], confirm=False)
        low_order.with_user(cls.rep).action_request_price_approval()
        cls.env.company.incentive_price_approval = False
        cls.records = {
            "sale.incentive.calendar.step": period_steps.step_id[:1],
            "sale.incentive.period.step": period_steps[:1],
            "sale.incentive.benefit.rule": benefit_rule,
            "sale.incentive.benefit": benefit,
            "sale.incentive.plan": cls.plan,
            "sale.incentive.rule": cls.plan.rule_ids[-1:],
            "sale.incentive.bracket": cls.plan.rule_ids.bracket_ids,
            "sale.incentive.pay.band": cls.plan.pay_band_ids,
            "sale.incentive.kpi": cls.kpi,
            "sale.incentive.scorecard.line": cls.plan.scorecard_line_ids,
            "sale.incentive.customer.tier": cls.tier,
            "sale.incentive.partner.tier": cls.env[
                "sale.incentive.partner.tier"
            ].search([("partner_id", "=", cls.customer.id)]),
            "sale.incentive.line": cls.invoice.sudo().incentive_line_ids,
            "sale.incentive.share": cls.order.incentive_share_ids,
            "sale.incentive.target": cls.target,
            "sale.incentive.kpi.value": cls.kpi_value,
            "sale.incentive.settlement": cls.settlement,
            "sale.incentive.settlement.line": cls.settlement.line_ids[:1],
            "sale.incentive.plan.coefficient": cls.coefficient,
            "sale.incentive.adjustment": cls.adjustment,
            "sale.incentive.settle.run": cls.env["sale.incentive.settle.run"].create(
                {
                    "user_id": cls.rep.id,
                    "plan_ids": [Command.set(cls.plan.ids)],
                    "date_from": "2026-03-01",
                    "date_to": "2026-03-31",
                }
            ),
            "sale.incentive.period.report": cls.env[
                "sale.incentive.period.report"
            ].search([("user_id", "=", cls.rep.id), ("earned", "!=", 0)]),
            "sale.incentive.draw": cls.env["sale.incentive.draw"].create(
                {
                    "plan_id": cls.plan.id,
                    "user_id": cls.rep.id,
                    "amount": 2_000.0,
                    "date_from": "2026-06-01",
                }
            ),
            "sale.incentive.period.lock": cls.env["sale.incentive.period.lock"]
            .sudo()
            .create(
                {
                    "plan_id": cls.plan.id,
                    "partner_id": cls.rep.partner_id.id,
                    "date_from": "2026-03-01",
                }
            ),
            "sale.incentive.capitalization": cls._make_capitalization(),
            "sale.incentive.capitalization.line": cls.capitalization.line_ids,
            "account.move.line": cls.invoice.invoice_line_ids[:1],
            "sale.incentive.price.approval": cls.env[
                "sale.incentive.price.approval"
            ].search([("order_id", "=", low_order.id)]),
            "sale.incentive.plan.acknowledgement": cls.env[
                "sale.incentive.plan.acknowledgement"
            ].search(
                [
                    ("plan_id", "=", cls.plan.id),
                    ("partner_id", "=", cls.rep.partner_id.id),
                ]
            ),
            "sale.order": cls.order,
            "sale.order.line": cls.order.order_line,
            "account.move": cls.invoice,
            "res.partner": cls.customer,
            "product.template": cls.product.product_tmpl_id,
            "res.company": cls.env.company,
        }
        cls.records.update(cls._grade_records())

    @classmethod
    def _grade_records(cls):
        """The rep's grade, its rule, assignment and a proposed change."""
        Grade = cls.env["sale.incentive.grade"]
        lower = Grade.create({"name": "Salesperson"})
        grade = Grade.create({"name": "Key-account rep", "plan_ids": cls.plan.ids})
        rule = cls.env["sale.incentive.grade.rule"].create(
            {"grade_id": grade.id, "kpi_id": cls.kpi.id, "to_grade_id": lower.id}
        )
        assignment = cls.env["sale.incentive.grade.assignment"].create(
            {"user_id": cls.rep.id, "grade_id": grade.id, "date_from": "2026-01-01"}
        )
        change = cls.env["sale.incentive.grade.change"]._propose(
            rule._review_kpi_streak(fields.Date.to_date("2026-03-31"))
        )
        return {
            "sale.incentive.grade": grade,
            "sale.incentive.grade.rule": rule,
            "sale.incentive.grade.assignment": assignment,
            "sale.incentive.grade.change": change,
        }

    @classmethod
    def _make_capitalization(cls):
        """A capitalized commission of the rep's settlement (issue 22.1)."""
        cls.capitalization = (
            cls.env["sale.incentive.capitalization"]
            .sudo()
            .create(
                {
                    "name": "Matrix",
                    "company_id": cls.env.company.id,
                    "settlement_id": cls.settlement.id,
                    "plan_id": cls.plan.id,
                    "user_id": cls.rep.id,
                    "partner_id": cls.rep.partner_id.id,
                    "date": "2026-03-31",
                    "date_start": "2026-03-01",
                    "months": 24,
                    "amount": 240.0,
                    "line_ids": [
                        Command.create({"date": "2026-03-31", "amount": 10.0})
                    ],
                }
            )
            .sudo(False)
        )
        return cls.capitalization

    # ------------------------------------------------------------------
    # What the registry holds
    # ------------------------------------------------------------------
    def _incentive_models(self):
        return sorted(
            name
            for name, model in self.env.registry.items()
            if name.startswith("sale.incentive.") and not model._abstract
        )

    def _module_fields(self):
        """[(model, field)] this module adds to other models."""
        return sorted(
            (name, fname)
            for name, model in self.env.registry.items()
            if not name.startswith("sale.incentive.") and not model._abstract
            for fname, field in model._fields.items()
            if field._module == "sale_incentive"
        )

    def _transient_vals(self, model, user):
        """Values of a wizard of ``user`` (a new wizard needs an entry)."""
        env = self.env(user=user, su=True)
        return {
            "sale.incentive.target.generate": lambda: {"plan_id": self.plan.id},
            "sale.incentive.conflict.resolve": lambda: {
                "order_id": self.order.id,
                "reason": "Who sold it?",
            },
            "sale.incentive.conflict.resolve.line": lambda: {
                "wizard_id": env["sale.incentive.conflict.resolve"]
                .create({"order_id": self.order.id, "reason": "Split"})
                .id,
                "user_id": self.rep.id,
            },
            "sale.incentive.conflict.dispute": lambda: {
                "order_id": self.order.id,
                "reason": "I closed it",
            },
            "sale.incentive.scorecard.report": lambda: {"plan_id": self.plan.id},
            "sale.incentive.scorecard.report.line": lambda: {
                "report_id": env["sale.incentive.scorecard.report"]
                .create({"plan_id": self.plan.id})
                .id,
            },
            "sale.incentive.settle.wizard": dict,
            "sale.incentive.plan.version.wizard": lambda: {"plan_id": self.plan.id},
            "sale.incentive.payout.settings": dict,
            "sale.incentive.capitalization.report": dict,
            "sale.incentive.simulation": lambda: {"plan_id": self.plan.id},
            "sale.incentive.simulation.line": lambda: {
                "simulation_id": env["sale.incentive.simulation"]
                .create({"plan_id": self.plan.id})
                .id,
                "partner_id": self.rep.partner_id.id,
            },
            "sale.incentive.settlement.reset": lambda: {
                "settlement_ids": [Command.set(self.settlement.ids)],
                "reason": "The figures change",
            },
            "sale.incentive.settlement.defer": lambda: {
                "settlement_ids": [Command.set(self.settlement.ids)],
                "deferred_by": "partner",
                "reason": "The partner's records are late",
            },
            "sale.incentive.statement.dispute": lambda: {
                "line_id": self.settlement.line_ids[:1].id,
                "reason": "Not what I sold",
            },
            "sale.incentive.forfeit.wizard": lambda: {
                "partner_id": self.rep.partner_id.id,
                "reason": "resigned",
                "note": "Leaves",
            },
        }[model]()

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def _record_access(self, record, user):
        record = record.with_user(user)
        return "".join(
            letter
            for letter, operation in OPERATIONS.items()
            if record.has_access(operation)
        )

    def _attempt(self, function):
        """Whether ``function`` runs without an access or validation error;
        whatever it did is rolled back."""
        try:
            with self.env.cr.savepoint():
                function()
                self.env.flush_all()
                raise _Rollback
        except _Rollback:
            return True
        except (AccessError, UserError, ValidationError):
            return False
        finally:
            self.env.invalidate_all()

    def _new_value(self, record, fname, user):
        field = record._fields[fname]
        current = record.sudo()[fname]
        if fname == "incentive_share_ids":
            # a 50/50 split between two colleagues of the role
            others = (self.rep | self.rep_b | self.rep_c) - user
            return [Command.clear()] + [
                Command.create({"user_id": other.id, "share": 50.0})
                for other in others[:2]
            ]
        if fname == "incentive_tier_id":
            # a tier is one company's: another tier of the writer's company
            return (
                self.env[field.comodel_name]
                .sudo()
                .search(
                    [("company_id", "=", user.company_id.id), ("id", "!=", current.id)],
                    limit=1,
                )
                .id
            )
        if field.type == "boolean":
            return not current
        if field.type in ("integer", "float", "monetary"):
            return current + 1
        if field.type == "date":
            return "2020-01-01"
        if field.type == "selection":
            values = [v for v, _l in field._description_selection(self.env)]
            return next(v for v in values if v != current)
        if field.type == "many2one":
            if field.comodel_name == "res.users":
                return user.id
            if field.comodel_name == "res.partner":
                return user.partner_id.id
            other = (
                self.env[field.comodel_name]
                .sudo()
                .search([("id", "!=", current.id)], limit=1)
            )
            return other.id
        if field.type == "one2many":
            return [Command.clear()]
        raise NotImplementedError(f"{record._name}.{fname}: {field.type}")

    def _field_access(self, record, fname, user):
        field = record._fields[fname]
        record = record.with_user(user)
        access = "r" if self._attempt(lambda: record.read([fname])) else ""
        if field.readonly and (field.compute or field.related):
            return access  # computed: nothing to write
        value = self._new_value(record, fname, user)
        if self._attempt(lambda: record.write({fname: value})):
            access += "w"
        return access

    def _compare(self, expected, actual):
        wrong = {
            key: (expected[key], actual[key])
            for key in actual
            if expected[key] != actual[key]
        }
        self.assertFalse(
            wrong,
            "(expected, actual) access differs:\n"
            + "\n".join(f"{key}: {values}" for key, values in sorted(wrong.items())),
        )

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_every_model_has_an_entry(self):
        transient = [m for m in self._incentive_models() if self.env[m]._transient]
        regular = [m for m in self._incentive_models() if m not in transient]
        self.assertEqual(sorted(MODELS), regular, "models without an entry")
        self.assertEqual(sorted(TRANSIENT), transient, "wizards without an entry")
        self.assertIn("sale.incentive.share", regular)
        covered = set(MODEL_FIELDS) | {model for model, _f in FIELDS}
        missing = [
            (model, fname)
            for model, fname in self._module_fields()
            if model not in EXCLUDED_MODELS
            and (model, fname) not in FIELDS
            and model not in MODEL_FIELDS
        ]
        self.assertFalse(missing, "fields of this module without an entry")
        self.assertTrue({"sale.order", "account.move", "res.partner"} <= covered)

    def test_models(self):
        expected, actual = {}, {}
        for model in self._incentive_models():
            if self.env[model]._transient:
                continue
            record = self.records[model]
            self.assertEqual(len(record), 1, model)
            for role in ROLES:
                expected[model, role] = MODELS.get(model, {}).get(role, "")
                actual[model, role] = self._record_access(record, self.roles[role])
        self._compare(expected, actual)

    def test_transient_models(self):
        owner = self.env.user
        expected, actual = {}, {}
        for model in self._incentive_models():
            Model = self.env[model]
            if not Model._transient:
                continue
            others = (
                Model.with_user(owner).sudo().create(self._transient_vals(model, owner))
            )
            for role in ROLES:
                user = self.roles[role]
                own = (
                    Model.with_user(user)
                    .sudo()
                    .create(self._transient_vals(model, user))
                )
                expected[model, role] = TRANSIENT.get(model, {}).get(role, "")
                actual[model, role] = self._record_access(own.sudo(False), user)
                # another user's record: out of reach, whatever the rights
                expected[model, role, "other's"] = ""
                actual[model, role, "other's"] = self._record_access(
                    others.sudo(False), user
                )
        self._compare(expected, actual)

    def test_fields_on_orders_invoices_partners(self):
        expected, actual = {}, {}
        for model, fname in self._module_fields():
            if model in EXCLUDED_MODELS:
                continue
            record = self.records[model][:1]
            self.assertTrue(record, model)
            entry = FIELDS.get((model, fname), MODEL_FIELDS.get(model))
            self.assertIsNotNone(entry, f"{model}.{fname} has no entry")
            for role in ROLES:
                expected[model, fname, role] = entry.get(role, "")
                actual[model, fname, role] = self._field_access(
                    record, fname, self.roles[role]
                )
        self._compare(expected, actual)
