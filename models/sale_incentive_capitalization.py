# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine import capitalization as engine

STATES = [
    ("draft", "Draft"),
    ("running", "Amortizing"),
    ("done", "Fully Amortized"),
    ("impaired", "Written Off"),
    ("cancel", "Cancelled"),
]
# what each entry line on the deferred-commission asset does to it
STEPS = [
    ("capitalize", "Capitalized"),
    ("amortize", "Amortized"),
    ("impair", "Impaired"),
]
GROUP_ACCOUNTANT = "sale_incentive.group_sale_incentive_accountant"
# the commission lines a settlement capitalizes: what contracts earned
CAPITALIZED_KINDS = ("invoice", "payment")
# settlement components undoing earlier contracts' commissions: they credit
# the expense and do not lower what this period's contracts capitalize
UNDOING = ("clawback", "carry")


class SaleIncentiveCapitalization(models.Model):
    """A capitalized commission: the asset of one settled commission of one
    contract (ASC 340-40 / IFRS 15 §91-94, issue 22.1).

    Created when a settlement of a capitalizing plan is posted: one per
    settlement x contract (sold order line; an invoice line without order),
    its amount debited to the deferred-commission asset instead of the
    commission expense.  Its schedule (``line_ids``) amortizes it straight
    by month over the contract's benefit period; the scheduled action posts
    the months due (``_post_due_amortization``).  A clawback of the contract
    (credit note) writes off what remains (impairment); a cancelled
    settlement takes its capitalizations back.  Posted entries are never
    edited: each step is an entry of its own, reversed or trued up.
    """

    _name = "sale.incentive.capitalization"
    _description = "Capitalized Commission"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    settlement_id = fields.Many2one(
        "sale.incentive.settlement",
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
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", "Beneficiary", required=True, readonly=True, index=True
    )
    order_id = fields.Many2one("sale.order", "Contract", readonly=True, index=True)
    sale_line_id = fields.Many2one(
        "sale.order.line", "Contract Line", readonly=True, index="btree_not_null"
    )
    origin_line_ids = fields.Many2many(
        "sale.incentive.line",
        "sale_incentive_capitalization_origin_rel",
        "capitalization_id",
        "line_id",
        "Accrued Commission Lines",
        readonly=True,
        help="The accrued commission lines of the contract: a clawback of one "
        "of them writes off this asset.",
    )
    date = fields.Date(
        "Capitalized On", required=True, readonly=True, help="The settlement's date."
    )
    date_start = fields.Date("Benefit Start", required=True, readonly=True)
    months = fields.Integer("Benefit Months", required=True, readonly=True)
    date_end = fields.Date("Benefit End", compute="_compute_date_end")
    commission_amount = fields.Monetary(
        "Contract Commission",
        readonly=True,
        help="What the contract's accrued commission lines earn: a clawback "
        "writes off the same share of what remains.",
    )
    amount = fields.Monetary("Capitalized", required=True, readonly=True)
    amount_amortized = fields.Monetary(
        "Amortized", compute="_compute_amounts", store=True
    )
    amount_impaired = fields.Monetary("Written Off", readonly=True)
    amount_remaining = fields.Monetary(
        "Remaining", compute="_compute_amounts", store=True
    )
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, index=True
    )
    line_ids = fields.One2many(
        "sale.incentive.capitalization.line",
        "capitalization_id",
        "Amortization Schedule",
        readonly=True,
    )
    move_id = fields.Many2one(
        "account.move",
        "Settlement Entry",
        related="settlement_id.move_id",
        help="The settlement's entry, which debits the asset.",
    )
    impairment_move_id = fields.Many2one(
        "account.move", "Write-off Entry", readonly=True, copy=False, check_company=True
    )
    cancel_move_id = fields.Many2one(
        "account.move",
        "Cancellation Entry",
        readonly=True,
        copy=False,
        check_company=True,
        help="Takes back what was amortized or written off when the settlement "
        "is cancelled (its own entry is reversed).",
    )

    _sql_constraints = [
        ("months_positive", "CHECK(months > 0)", "A benefit period has months."),
    ]

    @api.depends("date_start", "months")
    def _compute_date_end(self):
        for asset in self:
            if asset.date_start and asset.months:
                asset.date_end = engine.month_end(
                    engine.add_months(asset.date_start, asset.months - 1)
                )
            else:
                asset.date_end = False

    @api.depends("amount", "amount_impaired", "line_ids.move_id", "line_ids.amount")
    def _compute_amounts(self):
        for asset in self:
            currency = asset.currency_id
            amortized = currency.round(
                sum(asset.line_ids.filtered("move_id").mapped("amount"))
            )
            asset.amount_amortized = amortized
            asset.amount_remaining = currency.round(
                asset.amount - amortized - asset.amount_impaired
            )

    # ------------------------------------------------------------------
    # Accounts
    # ------------------------------------------------------------------
    def _get_accounts(self):
        """(asset, amortization expense, impairment expense) of the company."""
        company = self.company_id
        company.ensure_one()
        amortization = (
            company.incentive_amortization_account_id
            or company.incentive_expense_account_id
        )
        return (
            company.incentive_deferred_account_id,
            amortization,
            company.incentive_impairment_account_id or amortization,
        )

    # ------------------------------------------------------------------
    # Capitalized at posting (the settlement's hook)
    # ------------------------------------------------------------------
    @api.model
    def _create_for_settlements(self, settlements):
        """Draft capitalizations of the settlements about to be posted (their
        entry then debits the asset, ``_get_settlement_move_lines``)."""
        vals_list = []
        for settlement in settlements.filtered("plan_id.capitalize"):
            vals_list += self._prepare_settlement_vals(settlement)
        # checked before anything is written
        companies = (
            self.env["res.company"]
            .browse(list({vals["company_id"] for vals in vals_list}))
            .filtered(lambda c: not c.incentive_deferred_account_id)
        )
        if companies:
            raise UserError(
                self.env._(
                    "Set the deferred commission account of %(company)s first "
                    "(Commission Payouts): its plans capitalize commissions.",
                    company=", ".join(companies.mapped("name")),
                )
            )
        return self.sudo().create(vals_list)

    @api.model
    def _prepare_settlement_vals(self, settlement):
        """Values of the capitalizations of one settlement: its line
        commissions grouped by contract, capped at the settlement's expense,
        without those the practical expedient expenses."""
        plan, company = settlement.plan_id, settlement.company_id
        digits = settlement.currency_id.decimal_places
        groups = defaultdict(lambda: self.env["sale.incentive.line"])
        for line in settlement.incentive_line_ids:
            if line.kind in CAPITALIZED_KINDS:
                accrued = line if line.kind == "invoice" else line.origin_line_id
                key = accrued.sale_line_id or accrued.move_line_id or accrued
                groups[key] |= line
        candidates = []
        for lines in groups.values():
            accrued = (
                lines.filtered(lambda l: l.kind == "invoice")
                | lines.filtered(lambda l: l.kind == "payment").origin_line_id
            )
            date_start, months = self._get_benefit_period(plan, accrued, settlement)
            if engine.uses_expedient(months, company.incentive_capitalize_expedient):
                continue
            candidates.append((lines, accrued, date_start, months))
        # what contracts cost this period: the expense, clawbacks and carried
        # balances (credits of earlier contracts, written off on their own)
        # put back
        earlier = settlement.line_ids.filtered(lambda c: c.component in UNDOING)
        expense = settlement._get_posting_amounts()["expense"] - sum(
            earlier.mapped("amount")
        )
        parts = engine.capitalized_parts(
            [sum(lines.mapped("amount")) for lines, *_rest in candidates],
            expense,
            digits=digits,
        )
        vals_list = []
        for (_lines, accrued, date_start, months), amount in zip(
            candidates, parts, strict=True
        ):
            if settlement.currency_id.is_zero(amount):
                continue
            sale_line = accrued.sale_line_id[:1]
            document = sale_line.order_id.name or accrued.move_id[:1].name or ""
            vals_list.append(
                {
                    "name": f"{settlement.name} / {document}",
                    "company_id": company.id,
                    "settlement_id": settlement.id,
                    "plan_id": plan.id,
                    "user_id": settlement.user_id.id,
                    "partner_id": settlement.partner_id.id,
                    "order_id": sale_line.order_id.id,
                    "sale_line_id": sale_line.id,
                    "origin_line_ids": [Command.set(accrued.ids)],
                    "date": settlement.date_to,
                    "date_start": date_start,
                    "months": months,
                    "commission_amount": sum(accrued.mapped("amount")),
                    "amount": amount,
                    "line_ids": [
                        Command.create({"date": day, "amount": part})
                        for day, part in engine.schedule(
                            amount, date_start, months, digits=digits
                        )
                    ],
                }
            )
        return vals_list

    @api.model
    def _get_benefit_period(self, plan, accrued, settlement):
        """(start, months) of the benefit period of a contract whose accrued
        commission lines are ``accrued``: the sold line's service dates,
        else its product's service months, else the plan's default months;
        it starts with the service, else the order's date, else the
        commission's."""
        sale_line = accrued.sale_line_id[:1]
        start = (
            sale_line.incentive_service_start
            or (sale_line.order_id.date_order and sale_line.order_id.date_order.date())
            or min(accrued.mapped("date"), default=settlement.date_to)
        )
        months = plan.capitalize_months
        if plan.capitalize_period == "line":
            end = sale_line.incentive_service_end
            product_months = accrued.product_id[:1].incentive_service_months
            if sale_line.incentive_service_start and end and end >= start:
                months = engine.benefit_months(start, end)
            elif product_months > 0:
                months = product_months
        return start, months

    def _get_settlement_move_lines(self):
        """(account, balance, label, line values) of the asset debits of the
        settlement's entry, one per capitalization."""
        lines = []
        for asset in self:
            account = asset._get_accounts()[0]
            label = self.env._(
                "Deferred commission %(name)s (%(months)s months)",
                name=asset.name,
                months=asset.months,
            )
            lines.append(
                (account, asset.amount, label, asset._get_move_line_link("capitalize"))
            )
        return lines

    def _get_move_line_link(self, step):
        self.ensure_one()
        return {
            "incentive_capitalization_id": self.id,
            "incentive_capitalization_step": step,
        }

    def _start(self):
        """The settlement's entry is posted: amortize, the months already due
        at once."""
        self.sudo().write({"state": "running"})
        self._post_due_amortization()

    # ------------------------------------------------------------------
    # Monthly amortization (scheduled action)
    # ------------------------------------------------------------------
    @api.model
    def _cron_post_due_amortization(self):
        self.search([("state", "=", "running")])._post_due_amortization()

    def _post_due_amortization(self, date=None):
        """Post the amortization of the months due by ``date`` (today) of the
        running capitalizations ``self``: one entry per company and month,
        one expense debit and one asset credit per capitalization.
        Idempotent: a posted month is never posted again."""
        date = date or fields.Date.context_today(self)
        rows = (
            self.env["sale.incentive.capitalization.line"]
            .sudo()
            .search(
                [
                    ("capitalization_id", "in", self.ids),
                    ("capitalization_id.state", "=", "running"),
                    ("move_id", "=", False),
                    ("date", "<=", date),
                ],
                order="date, id",
            )
        )
        if not rows:
            return self.env["account.move"]
        batches = defaultdict(rows.browse)
        for row in rows:
            asset = row.capitalization_id
            # a month already closed when the asset was capitalized posts on
            # the capitalization date (catch-up)
            batches[asset.company_id, max(row.date, asset.date)] |= row
        vals_list = [
            self._prepare_amortization_move(company, day, batch)
            for (company, day), batch in batches.items()
        ]
        moves = self.env["account.move"].sudo().create(vals_list)
        moves.action_post()
        for batch, move in zip(batches.values(), moves, strict=True):
            batch.write({"move_id": move.id})
        assets = rows.capitalization_id
        assets.filtered(
            lambda a: a.currency_id.is_zero(a.amount_remaining)
        ).sudo().write({"state": "done"})
        return moves

    @api.model
    def _prepare_amortization_move(self, company, day, rows):
        journal = company.incentive_journal_id
        lines = []
        for row in rows:
            asset = row.capitalization_id
            deferred, expense, _impairment = asset._get_accounts()
            label = self.env._(
                "Commission amortization %(name)s %(month)s",
                name=asset.name,
                month=row.date.strftime("%Y-%m"),
            )
            link = asset._get_move_line_link("amortize")
            common = {"name": label, "partner_id": asset.partner_id.id} | link
            lines += [
                Command.create(
                    common | {"account_id": expense.id, "balance": row.amount}
                ),
                Command.create(
                    common | {"account_id": deferred.id, "balance": -row.amount}
                ),
            ]
        return {
            "move_type": "entry",
            "date": day,
            "journal_id": journal.id,
            "company_id": company.id,
            "ref": self.env._("Commission amortization %(month)s", month=day),
            "line_ids": lines,
        }

    # ------------------------------------------------------------------
    # Impairment: clawbacks, cancelled contracts
    # ------------------------------------------------------------------
    @api.model
    def _impair_for_refunds(self, refunds):
        """Write off the capitalized commissions of the contracts the posted
        credit notes ``refunds`` claw back, in the share clawed back."""
        clawbacks = (
            self.env["sale.incentive.line"]
            .sudo()
            .search(
                [
                    ("move_id", "in", refunds.ids),
                    ("kind", "=", "refund"),
                    ("origin_line_id", "!=", False),
                ]
            )
        )
        if not clawbacks:
            return self
        assets = self.sudo().search(
            [
                ("origin_line_ids", "in", clawbacks.origin_line_id.ids),
                ("state", "=", "running"),
            ]
        )
        for refund in refunds:
            lines = clawbacks.filtered(lambda l, r=refund: l.move_id == r)
            for asset in assets:
                clawed = lines.filtered(
                    lambda l, a=asset: (
                        l.origin_line_id in a.origin_line_ids
                        and l.plan_id == a.plan_id
                        and l.partner_id == a.partner_id
                    )
                )
                if clawed:
                    asset._impair(
                        -sum(clawed.mapped("amount")),
                        refund.date,
                        self.env._("Clawback %(refund)s", refund=refund.name),
                    )
        return assets

    def action_write_off(self):
        """Write off what remains (a cancelled contract), today."""
        self._check_can_write_off()
        today = fields.Date.context_today(self)
        for asset in self:
            asset._impair(
                asset.commission_amount or asset.amount,
                today,
                self.env._("Contract cancelled"),
            )
        return True

    def _check_can_write_off(self):
        if not (self.env.su or self.env.user.has_group(GROUP_ACCOUNTANT)):
            raise AccessError(
                self.env._(
                    "Only commission accountants write off a deferred commission."
                )
            )
        self.check_access("read")
        for asset in self:
            if asset.state != "running":
                raise UserError(
                    self.env._(
                        "%(name)s is not amortizing: nothing is left to write off.",
                        name=asset.name,
                    )
                )

    def _impair(self, clawed, date, reason):
        """Write off the share ``clawed`` / contract commission of what
        remains on ``date`` (the months due before it are amortized first):
        Dr impairment / Cr asset; the months left are spread again over
        what still remains."""
        self.ensure_one()
        asset = self.sudo()
        digits = asset.currency_id.decimal_places
        asset._post_due_amortization(date - datetime.timedelta(days=1))
        amount = engine.impairment(
            asset.amount_remaining, clawed, asset.commission_amount, digits=digits
        )
        if asset.currency_id.is_zero(amount):
            return
        deferred, _expense, impairment = asset._get_accounts()
        label = self.env._(
            "Commission write-off %(name)s: %(reason)s", name=asset.name, reason=reason
        )
        common = {"name": label, "partner_id": asset.partner_id.id}
        common |= asset._get_move_line_link("impair")
        move = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "entry",
                    "date": date,
                    "journal_id": asset.company_id.incentive_journal_id.id,
                    "company_id": asset.company_id.id,
                    "ref": label,
                    "line_ids": [
                        Command.create(
                            common | {"account_id": impairment.id, "balance": amount}
                        ),
                        Command.create(
                            common | {"account_id": deferred.id, "balance": -amount}
                        ),
                    ],
                }
            )
        )
        move.action_post()
        impaired = asset.currency_id.round(asset.amount_impaired + amount)
        asset.write({"amount_impaired": impaired, "impairment_move_id": move.id})
        left = asset.currency_id.round(asset.amount_remaining)
        rows = asset.line_ids.filtered(lambda r: not r.move_id).sorted("date")
        parts = engine.respread(left, len(rows), digits=digits)
        for row, part in zip(rows, parts, strict=True):
            row.amount = part
        if asset.currency_id.is_zero(left):
            asset.state = "impaired"

    # ------------------------------------------------------------------
    # The settlement is cancelled: its entry is reversed (the asset debit);
    # what was amortized or written off since is taken back
    # ------------------------------------------------------------------
    def _cancel_with_settlement(self, date):
        assets = self.sudo().filtered(lambda a: a.state != "cancel")
        vals_list, posted = [], assets.browse()
        for asset in assets:
            amortized, impaired = asset.amount_amortized, asset.amount_impaired
            deferred, expense, impairment = asset._get_accounts()
            label = self.env._("Cancelled settlement: %(name)s", name=asset.name)
            lines = []
            for step, account, amount in (
                ("amortize", expense, amortized),
                ("impair", impairment, impaired),
            ):
                if asset.currency_id.is_zero(amount):
                    continue
                common = {"name": label, "partner_id": asset.partner_id.id}
                common |= asset._get_move_line_link(step)
                lines += [
                    Command.create(
                        common | {"account_id": deferred.id, "balance": amount}
                    ),
                    Command.create(
                        common | {"account_id": account.id, "balance": -amount}
                    ),
                ]
            if lines:
                posted |= asset
                vals_list.append(
                    {
                        "move_type": "entry",
                        "date": date,
                        "journal_id": asset.company_id.incentive_journal_id.id,
                        "company_id": asset.company_id.id,
                        "ref": label,
                        "line_ids": lines,
                    }
                )
        moves = self.env["account.move"].sudo().create(vals_list)
        moves.action_post()
        for asset, move in zip(posted, moves, strict=True):
            asset.cancel_move_id = move
        assets.write({"state": "cancel"})

    # ------------------------------------------------------------------
    # Navigation
    # ------------------------------------------------------------------
    def action_view_moves(self):
        self.ensure_one()
        moves = (
            self.env["account.move.line"]
            .sudo()
            .search([("incentive_capitalization_id", "=", self.id)])
            .move_id
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Journal Entries"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
        }
