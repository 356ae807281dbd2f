# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import formatLang

from ..engine import acknowledgement as acknowledgement_engine
from ..engine import periods

ACTIVITY = "sale_incentive.mail_activity_plan_acknowledge"
REPORT = "sale_incentive.action_report_plan_acknowledgement"
CHANNELS = [("backend", "Backend"), ("portal", "Portal")]


class SaleIncentivePlanAcknowledgement(models.Model):
    """One beneficiary's acknowledgement of one plan version (issue 22.3).

    Requested for every beneficiary when a version is activated (a new
    version asks again; the acknowledgements of the earlier versions stay as
    history).  The beneficiary reads the plan as a document in their
    language (the "Commission plan" PDF: rules, tables, targets, holdback,
    forfeiture rules and worked examples computed by the settlement
    pipeline) and accepts it in the backend or the portal; who, when, from
    where and in which language are stored and logged.  An accepted
    acknowledgement is never changed.  Workflow as ``hr_expense``:
    ``action_accept`` -> ``_check_can_accept`` -> ``_do_accept``.
    """

    _name = "sale.incentive.plan.acknowledgement"
    _description = "Commission Plan Acknowledgement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "requested_on desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["plan_id", "partner_id"]
    # who reads it talks about it (and sees its to-do): nobody writes it
    _mail_post_access = "read"

    plan_id = fields.Many2one(
        "sale.incentive.plan",
        "Plan Version",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    plan_date_from = fields.Date(related="plan_id.date_from", string="Valid From")
    plan_date_to = fields.Date(related="plan_id.date_to", string="Valid To")
    partner_id = fields.Many2one(
        "res.partner",
        "Beneficiary",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    user_id = fields.Many2one(
        "res.users",
        "Salesperson",
        readonly=True,
        index="btree_not_null",
        help="The salesperson who earns under the plan; empty for an external agent.",
    )
    team_id = fields.Many2one(
        related="user_id.sale_team_id", string="Sales Team", store=True
    )
    state = fields.Selection(
        [("pending", "To Acknowledge"), ("accepted", "Accepted")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    requested_on = fields.Datetime(
        readonly=True, default=fields.Datetime.now, required=True
    )
    accepted_on = fields.Datetime(readonly=True, tracking=True)
    accepted_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    accepted_from = fields.Selection(CHANNELS, readonly=True, tracking=True)
    accepted_ip = fields.Char("IP Address", readonly=True)
    lang = fields.Selection(
        "_lang_get",
        "Document Language",
        readonly=True,
        help="The language of the plan document the beneficiary received and "
        "accepted (the beneficiary's language).",
    )

    is_mine = fields.Boolean(
        compute="_compute_is_mine", help="The current user is the beneficiary."
    )

    _sql_constraints = [
        (
            "plan_partner_unique",
            "UNIQUE(plan_id, partner_id)",
            "A beneficiary acknowledges a plan version once.",
        )
    ]

    @api.model
    def _lang_get(self):
        return self.env["res.lang"].get_installed()

    @api.depends_context("uid")
    def _compute_is_mine(self):
        for record in self:
            record.is_mine = record.partner_id == self.env.user.partner_id

    @api.depends("plan_id", "partner_id")
    def _compute_display_name(self):
        for record in self:
            record.display_name = self.env._(
                "%(plan)s - %(partner)s",
                plan=record.plan_id.display_name,
                partner=record.partner_id.display_name,
            )

    # ------------------------------------------------------------------
    # Guards: the workflow writes, and an accepted acknowledgement is final
    # ------------------------------------------------------------------
    def write(self, vals):
        keys = {k for k in vals if not k.startswith(("message_", "activity_"))}
        if keys and any(record.state == "accepted" for record in self):
            raise UserError(
                self.env._(
                    "An accepted plan acknowledgement is a signed record: it "
                    "cannot be changed."
                )
            )
        if keys and not self.env.su:
            raise AccessError(
                self.env._(
                    "A plan acknowledgement changes only when its beneficiary "
                    "accepts it."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_accepted(self):
        if any(record.state == "accepted" for record in self):
            raise UserError(
                self.env._("An accepted plan acknowledgement cannot be deleted.")
            )

    # ------------------------------------------------------------------
    # Requests, at the activation of a version
    # ------------------------------------------------------------------
    @api.model
    def _get_beneficiaries(self, plan):
        """[(partner, user)] of who earns under ``plan``: its salespeople,
        the members of its teams, its external agents (user: none)."""
        users = (plan.user_ids | plan.team_ids.member_ids).filtered(
            lambda u: not u.share
        )
        pairs = [(user.partner_id, user) for user in users]
        pairs += [
            (agent, self.env["res.users"])
            for agent in plan.agent_ids - users.partner_id
        ]
        return pairs

    @api.model
    def _request(self, plans):
        """Ask each beneficiary of the active ``plans`` to acknowledge their
        version, once (idempotent); returns the new requests."""
        plans = plans.filtered(lambda p: p.state == "active")
        if not plans:
            return self.browse()
        existing = {
            (ack.plan_id.id, ack.partner_id.id)
            for ack in self.sudo().search([("plan_id", "in", plans.ids)])
        }
        vals_list = []
        for plan in plans:
            for partner, user in self._get_beneficiaries(plan):
                if (plan.id, partner.id) in existing:
                    continue
                existing.add((plan.id, partner.id))
                vals_list.append(
                    {
                        "plan_id": plan.id,
                        "partner_id": partner.id,
                        "user_id": user.id,
                        "lang": (user.lang if user else partner.lang)
                        or self.env.lang
                        or "en_US",
                    }
                )
        requests = self.sudo().create(vals_list)
        requests._notify_request()
        return requests

    def _notify_request(self):
        """A to-do for a salesperson; a message to an agent (e-mail, portal),
        in their language."""
        for record in self:
            env = record.with_context(lang=record.lang).env
            if record.user_id:
                record.activity_schedule(
                    ACTIVITY,
                    user_id=record.user_id.id,
                    note=env._(
                        "Read the commission plan %(plan)s and accept it.",
                        plan=record.plan_id.display_name,
                    ),
                )
            else:
                record.message_subscribe(partner_ids=record.partner_id.ids)
                record.message_post(
                    body=env._(
                        "Please read the commission plan %(plan)s and accept it "
                        "in your portal (My Commission Plans).",
                        plan=record.plan_id.display_name,
                    ),
                    partner_ids=record.partner_id.ids,
                    subtype_xmlid="mail.mt_comment",
                )
        self.invalidate_recordset(["activity_ids"])

    # ------------------------------------------------------------------
    # Acceptance: action_accept -> _check_can_accept -> _do_accept
    # ------------------------------------------------------------------
    def action_accept(self):
        """The beneficiary accepts the plan version (backend)."""
        self._check_can_accept()
        self._do_accept("backend")
        return True

    def _check_can_accept(self):
        """Only the beneficiary, only once."""
        user = self.env.user
        for record in self:
            if record.partner_id != user.partner_id:
                raise AccessError(
                    self.env._(
                        "Only %(person)s can accept their commission plan.",
                        person=record.partner_id.display_name,
                    )
                )
            if record.state != "pending":
                raise UserError(
                    self.env._(
                        "%(name)s is already accepted.", name=record.display_name
                    )
                )

    def _do_accept(self, channel, ip_address=False):
        """Record who, when, from where; close the to-do; log it."""
        user = self.env.user
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "state": "accepted",
                "accepted_on": now,
                "accepted_by_id": user.id,
                "accepted_from": channel,
                "accepted_ip": ip_address or False,
            }
        )
        channels = dict(CHANNELS)
        for record in self.sudo():
            record.activity_feedback([ACTIVITY])
            record.invalidate_recordset(["activity_ids"])
            record.message_post(
                body=self.env._(
                    "Plan version %(plan)s accepted by %(user)s from the "
                    "%(channel)s (document in %(lang)s).",
                    plan=record.plan_id.display_name,
                    user=user.name,
                    channel=channels[channel],
                    lang=record.lang,
                ),
                author_id=user.partner_id.id,
            )
            record.plan_id.message_post(
                body=self.env._(
                    "%(person)s accepted this plan version.",
                    person=record.partner_id.display_name,
                )
            )

    # ------------------------------------------------------------------
    # What is accepted (settlements)
    # ------------------------------------------------------------------
    @api.model
    def _get_accepted_keys(self, plans, partners):
        """{(plan id, partner id)} accepted among ``plans`` x ``partners``
        (one query)."""
        rows = self.sudo()._read_group(
            [
                ("plan_id", "in", plans.ids),
                ("partner_id", "in", partners.ids),
                ("state", "=", "accepted"),
            ],
            ["plan_id", "partner_id"],
        )
        return {(plan.id, partner.id) for plan, partner in rows}

    # ------------------------------------------------------------------
    # The document
    # ------------------------------------------------------------------
    def action_print(self):
        """The plan document (PDF) of this beneficiary."""
        return self.env.ref(REPORT).report_action(self)

    def _get_document_target(self):
        """The beneficiary's target of one period (the period containing the
        version's start, else today)."""
        self.ensure_one()
        plan = self.plan_id
        day = plan.date_from or fields.Date.context_today(self)
        date_from, date_to = periods.period_bounds(day, plan.period)
        if self.user_id:
            return plan._get_incentive_targets(self.user_id, date_from, date_to)[
                self.user_id
            ]
        return plan.target_amount

    def _get_example_rule(self):
        """The plan's first main rule the examples compute with (a formula
        needs a real document: skipped)."""
        self.ensure_one()
        rules = self.plan_id.rule_ids.filtered(
            lambda r: r.rule_kind == "main" and r.compute_type != "formula"
        )
        return rules[:1]

    def _get_example_commission(self, rule, sales):
        """The commission of ``rule`` on one sale of ``sales`` (the plan's
        base): the rule's own computation; a period table on the period's
        total."""
        if not rule:
            return 0.0
        if rule.compute_type == "bracket" and rule.bracket_basis == "period":
            return rule._get_table_amount(sales)[0]
        quantity = sales if self.plan_id.base == "quantity" else 1.0
        values = {
            "base": sales,
            "quantity": quantity,
            "order_base": sales,
            "price_unit": sales / quantity if quantity else sales,
            "list_price": sales / quantity if quantity else sales,
        }
        return rule._compute_commission(values)["amount"]

    def _get_document_examples(self):
        """2-3 worked examples of the plan for this beneficiary: a period
        selling below, at and above their target, paid by the plan's rule
        and settled by the settlement pipeline with the plan's policy."""
        self.ensure_one()
        plan = self.plan_id.sudo()
        currency = plan.currency_id
        target = self._get_document_target()
        rule = self._get_example_rule()
        bounds = []
        if rule and rule.compute_type == "bracket":
            bounds = rule.bracket_ids.mapped("amount_from")
        elif plan.pay_band_ids and plan.band_measure != "achievement":
            bounds = plan.pay_band_ids.mapped("amount_from")
        levels = acknowledgement_engine.example_levels(
            target, bounds, digits=currency.decimal_places
        )
        date_to = self._get_example_date_to()
        policy = plan._get_settlement_policy(date_to)
        examples = []
        for sales in levels:
            commission = currency.round(self._get_example_commission(rule, sales))
            example = acknowledgement_engine.example(sales, commission, policy, target)
            example["lines"] = self._render_components(example["components"])
            example["target"] = target
            examples.append(example)
        return examples

    def _get_example_date_to(self):
        plan = self.plan_id
        day = plan.date_from or fields.Date.context_today(self)
        return periods.period_bounds(day, plan.period)[1]

    def _render_components(self, items):
        """[(label, explanation, amount)] of pipeline components, explained
        as a settlement's components are (same templates and formats)."""
        Line = self.env["sale.incentive.settlement.line"]
        labels = dict(Line._fields["component"]._description_selection(self.env))
        settlement = self.env["sale.incentive.settlement"].new(
            {
                "plan_id": self.plan_id.id,
                "company_id": self.plan_id.company_id.id,
                "partner_id": self.partner_id.id,
                "line_ids": [
                    Command.create(Line._prepare_component_vals(item, index))
                    for index, item in enumerate(items)
                ],
            }
        )
        return [
            (labels.get(line.component, line.component), line.name, line.amount)
            for line in settlement.line_ids
        ]

    def _get_document_rules(self):
        """The rules as the document lists them: (rule, how it computes)."""
        self.ensure_one()
        currency = self.plan_id.currency_id
        kinds = dict(
            self.env["sale.incentive.rule"]
            ._fields["compute_type"]
            ._description_selection(self.env)
        )
        rows = []
        for rule in self.plan_id.sudo().rule_ids:
            if rule.compute_type in ("percentage", "commission_pct", "above_list"):
                how = f"{format(rule.rate, 'g')} %"
            elif rule.compute_type.startswith("fixed"):
                how = formatLang(self.env, rule.fixed_amount, currency_obj=currency)
            elif rule.compute_type == "formula":
                how = rule.formula or ""
            else:
                how = ""
            rows.append((rule, kinds[rule.compute_type], how))
        return rows

    def _get_forfeiture_rules(self):
        """[(reason, % of what is owed still paid)] when a beneficiary leaves
        (the forfeiture decision: the company's dismissal payout, else
        nothing)."""
        reasons = self.env["sale.incentive.settlement"]._fields["forfeit_reason"]
        company = self.plan_id.company_id
        return [
            (
                label,
                company.incentive_dismissal_payout_percent
                if reason == "dismissed"
                else 0.0,
            )
            for reason, label in reasons._description_selection(self.env)
        ]
