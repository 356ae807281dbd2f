# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..engine import splits


class SaleOrder(models.Model):
    _inherit = "sale.order"

    incentive_share_ids = fields.One2many(
        "sale.incentive.share",
        "order_id",
        string="Commission Split",
        copy=False,
        groups="sale_incentive.group_sale_incentive_user",
        help="Who shares this order's commissions. Empty: 100% to the salesperson. "
        "Changed by the incentive managers of the order's team and by the "
        "incentive administrators.",
    )
    incentive_line_ids = fields.One2many(
        "sale.incentive.line",
        "order_id",
        string="Commission Lines",
        readonly=True,
        groups="sale_incentive.group_sale_incentive_user",
    )
    incentive_amount = fields.Monetary(
        "Expected Commission",
        compute="_compute_incentive_amount",
        currency_field="company_currency_id",
        groups="sale_incentive.group_sale_incentive_user",
        help="Commissions this confirmed order is expected to earn (forecast), "
        "in company currency.",
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    incentive_forecast_pending = fields.Boolean(
        "Forecast Pending",
        readonly=True,
        copy=False,
        index=True,
        groups="base.group_system",
        help="Confirmed or changed since its forecast lines were written: a "
        "background job writes them; until then the expected commission is "
        "computed from the order lines.",
    )
    incentive_attribution = fields.Selection(
        [
            ("closer", "Closer credited"),
            ("owner", "Owner credited"),
            ("first_contact", "First contact credited"),
            ("split", "Split closer / owner"),
            ("conflict", "Disputed"),
            ("resolved", "Resolved by the manager"),
        ],
        "Credit Attribution",
        readonly=True,
        copy=False,
        help="How the commission credit was attributed at confirmation when the "
        "salesperson is not the customer's owner.",
    )
    incentive_dispute_user_id = fields.Many2one(
        "res.users",
        "Credit Disputed By",
        readonly=True,
        copy=False,
        help="The salesperson who disputed the credit of this order.",
    )
    # selling below the minimum price (issue 21.4, seed 004 4.2.9)
    incentive_price_approval_count = fields.Integer(
        "Price Approvals",
        compute="_compute_incentive_price_approval_count",
        groups="sale_incentive.group_sale_incentive_user",
    )
    incentive_price_approval_required = fields.Boolean(
        related="company_id.incentive_price_approval",
        string="Prices Below the Minimum Need Approval",
    )
    incentive_conflict = fields.Boolean(
        "Credit Disputed",
        readonly=True,
        copy=False,
        index=True,
        help="The credit of this order is disputed: a manager resolves it.",
    )

    @api.depends(
        "incentive_line_ids.amount",
        "incentive_line_ids.kind",
        "incentive_forecast_pending",
        "state",
        "user_id",
        "incentive_share_ids.share",
        "order_line.product_id",
        "order_line.product_uom_qty",
        "order_line.price_subtotal",
    )
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_incentive_amount(self):
        """The forecast lines' total; for an order whose lines the background
        job has not written yet, the same figure computed from its lines."""
        Line = self.env["sale.incentive.line"]
        forecast = self.env["sale.incentive.forecast"]
        pending = forecast._sum_vals(
            forecast._get_pending_forecast_vals(self), "order_id"
        )
        data = dict(
            Line._read_group(
                self._get_incentive_lines_domain(), ["order_id"], ["amount:sum"]
            )
        )
        for order in self:
            if order.sudo().incentive_forecast_pending:
                order.incentive_amount = pending.get(order.id, 0.0)
            else:
                order.incentive_amount = data.get(order, 0.0)

    def _get_incentive_lines_domain(self):
        """The commission lines of the orders that their Commission button
        adds up and opens: the forecast lines (what the order is expected to
        earn, whether invoiced yet or not)."""
        return [("order_id", "in", self.ids), ("kind", "=", "forecast")]

    def _get_incentive_shares(self):
        """[(user, partner, share %)] of this order (hook).

        Read whoever confirms or invoices the order: the split decides the
        credit even for users who may not see it.
        """
        self.ensure_one()
        shares = self.sudo().incentive_share_ids
        if shares:
            return [
                (s.user_id.with_env(self.env), s.partner_id.with_env(self.env), s.share)
                for s in shares
            ]
        if self.user_id:
            return [(self.user_id, self.user_id.partner_id, 100.0)]
        return []

    # ------------------------------------------------------------------
    # Commission split: who changes it, and how
    # ------------------------------------------------------------------
    def _check_incentive_split_access(self, beneficiaries=None):
        """Raise unless the current user may change the split of ``self``.

        Incentive administrators change any split; incentive managers the
        splits of the orders of the teams they lead (the order's team or the
        salesperson's team), never one crediting themselves
        (``beneficiaries``: the users credited before or after the change).
        Salespeople never change a split.  A cancelled order's split is closed.
        """
        if self.env.su or not self:
            return
        user = self.env.user
        if not user.has_group("sale_incentive.group_sale_incentive_manager"):
            raise AccessError(
                self.env._(
                    "Only incentive managers and administrators change a "
                    "commission split."
                )
            )
        orders = self.sudo()
        cancelled = orders.filtered(lambda o: o.state == "cancel")
        if cancelled:
            raise UserError(
                self.env._(
                    "The commission split of a cancelled order cannot change: "
                    "%(orders)s",
                    orders=", ".join(cancelled.mapped("name")),
                )
            )
        if user.has_group("sale_incentive.group_sale_incentive_admin"):
            return
        foreign = orders.filtered(
            lambda o: user not in (o.team_id.user_id | o.user_id.sale_team_id.user_id)
        )
        if foreign:
            raise AccessError(
                self.env._(
                    "You change the commission split of the orders of the teams "
                    "you lead only: %(orders)s",
                    orders=", ".join(foreign.mapped("name")),
                )
            )
        if beneficiaries and user in beneficiaries:
            raise AccessError(
                self.env._(
                    "You cannot change a commission split that credits yourself: "
                    "ask another manager or an administrator."
                )
            )

    @api.model
    def _incentive_split_vals(self, share):
        return {
            "sequence": share.sequence,
            "user_id": share.user_id.id,
            "partner_id": share.partner_id.id,
            "share": share.share,
        }

    def _get_incentive_split_after(self, commands):
        """The values of this order's split once ``commands`` are applied."""
        self.ensure_one()
        current = {
            s.id: self._incentive_split_vals(s) for s in self.sudo().incentive_share_ids
        }
        created = []
        for command in commands or ():
            operation = command[0]
            if operation == Command.CREATE:
                created.append(dict(command[2]))
            elif operation == Command.UPDATE:
                if command[1] not in current:
                    raise UserError(
                        self.env._("This share is not part of the order's split.")
                    )
                vals = current[command[1]]
                if "user_id" in command[2] and "partner_id" not in command[2]:
                    vals.pop("partner_id")
                vals.update(command[2])
            elif operation in (Command.DELETE, Command.UNLINK):
                current.pop(command[1], None)
            elif operation == Command.LINK:
                if command[1] not in current:
                    raise UserError(
                        self.env._("A commission share belongs to its order.")
                    )
            elif operation == Command.CLEAR:
                current.clear()
            elif operation == Command.SET:
                if set(command[2]) - set(current):
                    raise UserError(
                        self.env._("A commission share belongs to its order.")
                    )
                current = {k: v for k, v in current.items() if k in command[2]}
        return list(current.values()) + created

    def _write_incentive_split(self, commands):
        """Replace each order's split by the result of ``commands`` at once.

        The share model checks the whole split after each of its writes; the
        form sends a split row by row, so the order applies it in two steps
        that are both whole: remove the old split, create the new one.
        """
        Share = self.env["sale.incentive.share"]
        for order in self:
            after = order._get_incentive_split_after(commands)
            shares = Share.browse(order.sudo().incentive_share_ids.ids)
            if after == [self._incentive_split_vals(s) for s in shares.sudo()]:
                continue
            shares.unlink()
            Share.create([dict(vals, order_id=order.id) for vals in after])

    @api.constrains("incentive_share_ids")
    def _check_incentive_shares(self):
        for order in self.filtered("incentive_share_ids"):
            errors = splits.validate_shares(order.incentive_share_ids.mapped("share"))
            if errors:
                raise ValidationError(
                    self.env._(
                        "The commission split of %(order)s must add up to 100%% "
                        "(now %(total)s%%).",
                        order=order.display_name,
                        total=format(
                            sum(order.incentive_share_ids.mapped("share")), "g"
                        ),
                    )
                )

    # ------------------------------------------------------------------
    # Attribution (customer ownership, seed 004 §4.1)
    # ------------------------------------------------------------------
    def _get_incentive_attribution_policy(self, owner, plans_cache=None):
        """Policy of the plans covering the salesperson or the owner.

        When they set none or disagree, the company default (Settings) applies.
        """
        self.ensure_one()
        plans_cache = {} if plans_cache is None else plans_cache
        key = (self.company_id, (self.date_order or fields.Datetime.now()).date())
        if key not in plans_cache:
            plans_cache[key] = (
                self.env["sale.incentive.plan"].sudo()._get_applicable_plans(*key)
            )
        plans = plans_cache[key].filtered(
            lambda p: p._covers_user(self.user_id) or p._covers_user(owner)
        )
        policies = set(
            plans.filtered("attribution_policy").mapped("attribution_policy")
        )
        if len(policies) == 1:
            plan = plans.filtered("attribution_policy")[:1]
            return policies.pop(), plan.attribution_closer_share
        default = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("sale_incentive.attribution_policy")
        )
        return default or "closer", 50.0

    @api.model
    def _get_incentive_first_contacts(self, partners):
        """{commercial partner: internal user} of the earliest logged interaction.

        The author of the earliest message or done activity on the partner by
        an internal user; one query for all ``partners``.
        """
        if not partners:
            return {}
        odoobot = self.env.ref("base.partner_root")
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                    ("author_id", "!=", odoobot.id),
                    ("author_id.user_ids.share", "=", False),
                    "|",
                    ("message_type", "in", ("comment", "email")),
                    ("mail_activity_type_id", "!=", False),
                ],
                order="date, id",
            )
        )
        found = {}
        for message in messages:
            partner = partners.browse(message.res_id)
            if partner not in found:
                user = message.author_id.user_ids.filtered(lambda u: not u.share)[:1]
                if user:
                    found[partner] = user
        return found

    def _apply_incentive_attribution(self):
        """Credit the owner / first contact / a split when someone else sells."""
        orders = self.sudo().filtered(
            lambda o: (
                o.user_id
                and not o.incentive_share_ids
                and o.partner_id.commercial_partner_id.incentive_owner_id
                and o.partner_id.commercial_partner_id.incentive_owner_id != o.user_id
            )
        )
        first_contacts = self._get_incentive_first_contacts(
            orders.partner_id.commercial_partner_id
        )
        plans_cache = {}
        for order in orders:
            customer = order.partner_id.commercial_partner_id
            policy, closer_share = order._get_incentive_attribution_policy(
                customer.incentive_owner_id, plans_cache
            )
            shares, outcome = order._get_incentive_attribution_shares(
                policy, closer_share, first_contacts.get(customer)
            )
            order._write_incentive_attribution(shares, outcome)

    def _get_incentive_attribution_shares(self, policy, closer_share, contact):
        """(shares, outcome) of the order under the attribution ``policy``:
        the (user, share %) credited, none when the closer keeps the credit;
        ``contact``: the customer's first contact (first_contact policy)."""
        self.ensure_one()
        closer = self.user_id
        owner = self.partner_id.commercial_partner_id.incentive_owner_id
        if policy == "owner":
            return [(owner, 100.0)], policy
        if policy == "first_contact":
            if not contact:
                return [], "closer"
            return ([(contact, 100.0)] if contact != closer else []), policy
        if policy == "split":
            shares = [(closer, closer_share), (owner, 100.0 - closer_share)]
            return [share for share in shares if share[1] > 0], policy
        if policy == "manager":
            return [], "conflict"
        return [], policy

    def _write_incentive_attribution(self, shares, outcome):
        """Write the order's split and attribution outcome, and log them."""
        self.ensure_one()
        # the confirmation decides the credit: written on the company's
        # behalf, whoever confirms
        self.sudo().write(
            {
                "incentive_share_ids": [
                    Command.create(
                        {
                            "user_id": user.id,
                            "partner_id": user.partner_id.id,
                            "share": share,
                        }
                    )
                    for user, share in shares
                ],
                "incentive_attribution": outcome,
                "incentive_conflict": outcome == "conflict",
            }
        )
        self._log_incentive_attribution(shares, outcome)

    def _log_incentive_attribution(self, shares, outcome):
        """Who sold to whose customer, the outcome and who is credited."""
        closer = self.user_id
        credited = ", ".join(
            f"{user.name} {share:g}%" for user, share in shares
        ) or self.env._("%(name)s 100%%", name=closer.name)
        outcomes = dict(
            self._fields["incentive_attribution"]._description_selection(self.env)
        )
        self.message_post(
            body=self.env._(
                "%(closer)s sold to a customer owned by %(owner)s: %(outcome)s "
                "(%(credited)s).",
                closer=closer.name,
                owner=self.partner_id.commercial_partner_id.incentive_owner_id.name,
                outcome=outcomes[outcome],
                credited=credited,
            )
        )

    def action_incentive_dispute(self):
        """A salesperson disputes who is credited: they give a reason, the
        manager resolves it."""
        self._check_can_dispute()
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispute the Credit"),
            "res_model": "sale.incentive.conflict.dispute",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _check_can_dispute(self):
        if not self.env.user.has_group("sale_incentive.group_sale_incentive_user"):
            raise AccessError(
                self.env._("Only sales incentive users can dispute a credit.")
            )
        self.check_access("read")
        for order in self:
            if order.state != "sale":
                raise UserError(
                    self.env._("Only a confirmed order's credit can be disputed.")
                )

    def _get_incentive_dispute_manager(self):
        """Who resolves the dispute: the leader of the order's team, else of
        the salesperson's team (hook)."""
        self.ensure_one()
        order = self.sudo()
        return (order.team_id.user_id or order.user_id.sale_team_id.user_id).with_env(
            self.env
        )

    def _incentive_dispute(self, reason):
        """Flag the credit of these orders as disputed by the current user,
        for ``reason``; the manager gets an activity."""
        self._check_can_dispute()
        if not (reason or "").strip():
            raise UserError(self.env._("Say why you dispute the credit."))
        # a salesperson may dispute an order they can see but not edit: the
        # flag is written on their behalf
        self.sudo().write(
            {
                "incentive_conflict": True,
                "incentive_attribution": "conflict",
                "incentive_dispute_user_id": self.env.user.id,
            }
        )
        for order in self.sudo():
            order.message_post(
                author_id=self.env.user.partner_id.id,
                body=self.env._(
                    "%(user)s disputes the commission credit of this order: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                ),
            )
            manager = order._get_incentive_dispute_manager()
            if manager:
                order.activity_schedule(
                    "sale_incentive.mail_activity_credit_dispute",
                    user_id=manager.id,
                    summary=self.env._(
                        "%(user)s disputes the credit", user=self.env.user.name
                    ),
                    note=reason,
                )
        return True

    def _get_incentive_dispute_parties(self):
        """``(winner, [(user, share %)])`` a resolution starts from: the
        claimant (who disputed) or the customer's owner against the
        salesperson, split as the applicable plans split closer and owner."""
        self.ensure_one()
        order = self.sudo()
        closer = order.user_id
        owner = order.partner_id.commercial_partner_id.incentive_owner_id
        claimant = order.incentive_dispute_user_id
        other = claimant if claimant and claimant != closer else owner
        winner = claimant or owner or closer
        if not closer or not other or other == closer:
            return winner, [(closer or other, 100.0)] if (closer or other) else []
        closer_share = order._get_incentive_attribution_policy(owner or other)[1]
        shares = [(closer, closer_share), (other, 100.0 - closer_share)]
        return winner, [share for share in shares if share[1] > 0]

    def action_incentive_resolve(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Resolve Credit Conflict"),
            "res_model": "sale.incentive.conflict.resolve",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_confirm(self):
        self._check_incentive_price_approvals()
        self._apply_incentive_attribution()
        res = super().action_confirm()
        self.env["sale.incentive.forecast"].sudo()._refresh_forecast(self)
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self.env["sale.incentive.forecast"].sudo()._refresh_forecast(self)
        return res

    def write(self, vals):
        if (
            {
                "incentive_attribution",
                "incentive_conflict",
                "incentive_dispute_user_id",
            }
            & set(vals)
            and not self.env.su
            and not self.env.user.has_group(
                "sale_incentive.group_sale_incentive_manager"
            )
        ):
            raise AccessError(
                self.env._(
                    "The credit attribution of an order is decided at confirmation "
                    "and by the incentive managers."
                )
            )
        refresh = {"order_line", "incentive_share_ids", "user_id", "team_id"} & set(
            vals
        )
        split = None
        if "incentive_share_ids" in vals:
            vals = dict(vals)
            split = vals.pop("incentive_share_ids")
        # the order refreshes its forecast once, after all its line writes
        orders = self.with_context(incentive_skip_forecast=True) if refresh else self
        res = super(SaleOrder, orders).write(vals)
        if split is not None:
            self._write_incentive_split(split)
        if refresh:
            confirmed = self.filtered(lambda o: o.state == "sale")
            if confirmed:
                self.env["sale.incentive.forecast"].sudo()._refresh_forecast(confirmed)
        return res

    def _incentive_demo_invoice(self, invoice_date):
        """Demo data: confirm, invoice and post these orders (``make run``)."""
        self.filtered(lambda o: o.state in ("draft", "sent")).action_confirm()
        invoices = self._create_invoices()
        invoices.invoice_date = invoice_date
        invoices.action_post()
        return invoices

    def action_view_incentive_lines(self):
        """The lines the Commission button adds up (one domain for both); an
        order whose forecast the background job has not written yet gets it
        written now, so that the button's figure has its lines."""
        self.ensure_one()
        if self.sudo().incentive_forecast_pending:
            self.env["sale.incentive.forecast"].sudo()._write_forecast(self)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_incentive.action_sale_incentive_line_analysis"
        )
        action["name"] = action["display_name"] = self.env._(
            "Expected Commission: %(order)s", order=self.name
        )
        action["domain"] = self._get_incentive_lines_domain()
        # no default filter: the domain is the button's (the analysis
        # action's default "Accrued" filter would hide the forecast lines)
        action["context"] = {}
        return action

    # Commission on quotations (issue #10): what confirming the quotation would
    # earn, computed by the forecast code without writing any line.
    incentive_estimate = fields.Monetary(
        "Commission if Confirmed",
        compute="_compute_incentive_estimate",
        currency_field="company_currency_id",
        groups="sale_incentive.group_sale_incentive_user",
        help="What confirming this quotation would earn its salespeople, "
        "including what it adds to their period result, in company currency.",
    )
    incentive_estimate_note = fields.Text(
        "Commission Estimate",
        compute="_compute_incentive_estimate",
        groups="sale_incentive.group_sale_incentive_user",
    )

    @api.depends_context("lang")
    @api.depends(
        "state",
        "date_order",
        "user_id",
        "partner_id",
        "order_line.product_id",
        "order_line.product_uom_qty",
        "order_line.price_subtotal",
    )
    def _compute_incentive_estimate(self):
        """One pass of the forecast engine for every quotation of ``self``."""
        renderer = self.env["sale.incentive.explanation"]
        templates = renderer._get_templates()  # translated once for all
        by_order = defaultdict(list)
        for vals in self._get_incentive_estimate_vals():
            by_order[vals["order_id"]].append(vals)
        for order in self:
            found = by_order.get(order.id, [])
            currency = order.company_id.currency_id
            order.incentive_estimate = currency.round(sum(v["amount"] for v in found))
            order.incentive_estimate_note = (
                "\n".join(
                    dict.fromkeys(
                        renderer._render(v["explanation_data"], currency, templates)
                        for v in found
                    )
                )
                or False
            )

    def _get_incentive_estimate_vals(self):
        """The forecast line values confirming the quotations of ``self`` would
        write, computed without writing: the order's estimate and its lines'
        (one pass of the forecast engine)."""
        quotations = self.filtered(lambda o: o.state in ("draft", "sent"))
        return (
            self.env["sale.incentive.forecast"]
            .sudo()
            ._prepare_forecast_vals(quotations)
        )

    # ------------------------------------------------------------------
    # Selling below the minimum price (issue 21.4, seed 004 4.2.9)
    # ------------------------------------------------------------------
    def _compute_incentive_price_approval_count(self):
        counts = dict(
            self.env["sale.incentive.price.approval"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.incentive_price_approval_count = counts.get(order, 0)

    def _get_incentive_below_price_lines(self):
        """[(order line, its commission source)] of these orders sold below
        their product's guide (minimum) price, in company currency after
        discount: the rule values' ``below_guide``, the one definition."""
        lines = self.order_line.filtered(
            lambda l: not l.display_type and l.product_id and l.product_uom_qty > 0
        )
        if not lines:
            return []
        Source = self.env["sale.incentive.source"]
        sources = lines.sudo()._prepare_incentive_sources()
        Source._add_product_values(sources)
        return [
            (line, source)
            for line, source in zip(lines, sources, strict=True)
            if Source._get_product_rule_values(source, source["price_unit"])[
                "below_guide"
            ]
        ]

    def _get_incentive_unapproved_lines(self):
        """The lines of these orders, in companies requiring it, sold below
        their minimum price without an approval covering their price."""
        orders = self.filtered("company_id.incentive_price_approval")
        below = orders._get_incentive_below_price_lines()
        covering = self.env["sale.incentive.price.approval"]._get_covering_approvals(
            [source for _line, source in below]
        )
        return self.env["sale.order.line"].union(
            *(line for line, _source in below if line.id not in covering)
        )

    def _check_incentive_price_approvals(self, lines=None):
        """Refuse to confirm these orders (or to lower the price of their
        ``lines`` once confirmed) with lines sold below their minimum price
        without an approval covering their price."""
        unapproved = self._get_incentive_unapproved_lines()
        if lines is not None:
            unapproved &= lines
        lines = unapproved
        if not lines:
            return
        raise UserError(
            self.env._(
                "These lines are sold below their product's minimum price and "
                "need the approval of a manager above the salesperson (button "
                "Request Price Approval):\n%(lines)s",
                lines="\n".join(
                    self.env._(
                        "%(order)s: %(product)s at %(price)s, minimum %(minimum)s",
                        order=line.order_id.name,
                        product=line.product_id.display_name,
                        price=line.currency_id.format(
                            line.price_subtotal / line.product_uom_qty
                        ),
                        minimum=line.company_id.currency_id.format(
                            line.product_id.incentive_guide_price
                        ),
                    )
                    for line in lines
                ),
            )
        )

    def _check_can_request_price_approval(self):
        """Who may sell the order asks: a salesperson with write access to
        it, while it is a quotation (or confirmed, for a lowered price) in a
        company requiring approvals."""
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(self.env._("Only salespeople request a price approval."))
        self.check_access("write")
        for order in self:
            if order.state not in ("draft", "sent", "sale"):
                raise UserError(
                    self.env._(
                        "%(order)s is cancelled: nothing to approve.", order=order.name
                    )
                )
            if not order.company_id.incentive_price_approval:
                raise UserError(
                    self.env._(
                        "%(company)s does not require approving prices below "
                        "the minimum.",
                        company=order.company_id.name,
                    )
                )

    def action_request_price_approval(self):
        """Ask a manager above the salesperson to approve the lines sold
        below their minimum price (one approval per line, with an activity
        for the approver); a pending request for a higher price of the same
        line is replaced."""
        self._check_can_request_price_approval()
        lines = self._get_incentive_unapproved_lines()
        if not lines:
            raise UserError(
                self.env._("No line is sold below its minimum price without approval.")
            )
        Approval = self.env["sale.incentive.price.approval"].sudo()
        Source = self.env["sale.incentive.source"]
        pending = Approval.search(
            [("sale_line_id", "in", lines.ids), ("state", "=", "requested")]
        )
        sources = dict(self._get_incentive_below_price_lines())
        vals_list = []
        for line in lines:
            source = sources[line]
            price = Source._get_source_currency(source).round(source["price_unit"])
            same = pending.filtered(
                lambda a, line=line, price=price: (
                    a.sale_line_id == line
                    and a.product_id == line.product_id
                    and a.currency_id.compare_amounts(a.price_unit, price) <= 0
                )
            )
            if same:
                continue  # already asked for this price or a lower one
            stale = pending.filtered(lambda a, line=line: a.sale_line_id == line)
            if stale:
                stale._do_refuse(self.env._("Replaced by a request for a lower price."))
            vals_list.append(
                {
                    "order_id": line.order_id.id,
                    "sale_line_id": line.id,
                    "product_id": line.product_id.id,
                    "user_id": line.order_id.user_id.id,
                    "team_id": line.order_id.team_id.id,
                    "price_unit": price,
                    "min_price": source["product_values"]["guide_price"],
                    "requested_by_id": self.env.user.id,
                }
            )
        if not vals_list:
            raise UserError(
                self.env._("The approval of these prices is already requested.")
            )
        approvals = Approval.create(vals_list)
        approvals._do_request()
        for order in approvals.order_id:
            order.message_post(
                body=self.env._(
                    "%(user)s asks %(approvers)s to approve prices below the minimum.",
                    user=self.env.user.name,
                    approvers=", ".join(
                        approvals.filtered(
                            lambda a, o=order: a.order_id == o
                        ).approver_id.mapped("name")
                    )
                    or self.env._("an incentive administrator"),
                ),
                author_id=self.env.user.partner_id.id,
            )
        if not self.env.user.has_group("sale_incentive.group_sale_incentive_user"):
            return True
        return self.action_view_price_approvals()

    def action_view_price_approvals(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_incentive.action_sale_incentive_price_approval"
        )
        action["domain"] = [("order_id", "in", self.ids)]
        action["context"] = {}
        return action
