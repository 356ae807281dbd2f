# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import draws

# what changes the meaning of the components already made from a term
FROZEN_ONCE_USED = {"plan_id", "user_id", "partner_id", "kind"}


class SaleIncentiveDraw(models.Model):
    """A person's draw or guarantee under a plan (issue 22.2).

    A *recoverable draw* advances the pay of a period up to its amount and
    recovers the advance from later periods paying more than the draw (at
    most the recovery cap per period); a *guarantee* pays a minimum for a
    ramp period and is never recovered.  The settlement run reads the terms
    active in a period (``sale.incentive.settlement.facts``) and the engine
    (``engine.draws``) makes the ``draw`` / ``draw_recovery`` /
    ``guarantee`` components.  The balance still to recover is what the
    posted settlements' draw components add up to (:meth:`_get_balances`,
    the one definition): nothing is stored.
    """

    _name = "sale.incentive.draw"
    _description = "Sales Incentive Draw or Guarantee"
    _inherit = ["sale.incentive.beneficiary.mixin", "mail.thread"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    kind = fields.Selection(
        [("draw", "Recoverable draw"), ("guarantee", "Guarantee")],
        required=True,
        default="draw",
        tracking=True,
        help="Recoverable draw: an advance up to the amount, recovered from "
        "later periods paying more. Guarantee: a minimum, never recovered.",
    )
    amount = fields.Monetary(
        "Amount per Period",
        required=True,
        tracking=True,
        help="What a period of the plan pays at least while the term runs.",
    )
    recovery_cap = fields.Monetary(
        "Recovery Cap per Period",
        tracking=True,
        help="The most recovered from one period; 0: no cap. What is not "
        "recovered is carried to the next period.",
    )
    date_from = fields.Date(
        "From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_to = fields.Date(
        "To",
        tracking=True,
        help="The last day of the term (a guarantee's ramp period); empty: "
        "open-ended. The balance of an ended draw is still recovered.",
    )
    on_leave = fields.Selection(
        [
            ("forgive", "Forgiven"),
            ("recover", "Recovered from the final payout"),
        ],
        "When the Person Leaves",
        required=True,
        default="forgive",
        tracking=True,
        help="What the forfeiture decision does with the unrecovered balance: "
        "forgiven (written off), or deducted from the final payout (what the "
        "payout does not cover stays owed, like any negative total).",
    )
    note = fields.Text()
    balance = fields.Monetary(
        "Balance to Recover",
        compute="_compute_balance",
        help="Advanced and not recovered yet: the draw components of the "
        "person's posted settlements under the plan.",
    )
    settlement_line_ids = fields.One2many(
        "sale.incentive.settlement.line",
        "draw_id",
        "Settlement Components",
        readonly=True,
    )

    _sql_constraints = [
        (
            "dates_check",
            "CHECK(date_to IS NULL OR date_from <= date_to)",
            "A draw or guarantee must start before it ends.",
        )
    ]

    @api.depends("partner_id", "plan_id")
    def _compute_balance(self):
        families = {plan: plan._get_version_family() for plan in self.plan_id}
        for plan, family in families.items():
            records = self.filtered(lambda d, p=plan: d.plan_id == p)
            balances = self._get_balances(records.partner_id, family)
            for draw in records:
                draw.balance = balances.get(draw.partner_id.id, 0.0)
        for draw in self.filtered(lambda d: not d.plan_id):
            draw.balance = 0.0

    @api.depends("partner_id", "kind", "amount")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for draw in self:
            draw.display_name = self.env._(
                "%(kind)s %(partner)s",
                kind=kinds.get(draw.kind, ""),
                partner=draw.partner_id.display_name or "",
            )

    @api.constrains("amount", "recovery_cap", "kind", "user_id", "partner_id")
    def _check_amounts(self):
        for draw in self:
            currency = draw.currency_id
            if currency.compare_amounts(draw.amount, 0.0) <= 0:
                raise ValidationError(
                    self.env._("A draw or guarantee pays a positive amount per period.")
                )
            if currency.compare_amounts(draw.recovery_cap, 0.0) < 0:
                raise ValidationError(
                    self.env._("A recovery cap cannot be negative (0: no cap).")
                )
            if draw.user_id and draw.partner_id != draw.user_id.partner_id:
                raise ValidationError(
                    self.env._("The beneficiary of a salesperson is their own partner.")
                )

    @api.constrains("partner_id", "plan_id", "kind", "date_from", "date_to")
    def _check_overlap(self):
        for draw in self:
            domain = [
                ("id", "!=", draw.id),
                ("partner_id", "=", draw.partner_id.id),
                ("plan_id", "in", draw.plan_id._get_version_family().ids),
                ("kind", "=", draw.kind),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", draw.date_from),
            ]
            if draw.date_to:
                domain.append(("date_from", "<=", draw.date_to))
            if self.sudo().search_count(domain, limit=1):
                raise ValidationError(
                    self.env._(
                        "%(name)s overlaps another term of the same kind on the "
                        "plan: end the other one first.",
                        name=draw.display_name,
                    )
                )

    def write(self, vals):
        if FROZEN_ONCE_USED & set(vals) and self.sudo().settlement_line_ids:
            raise UserError(
                self.env._(
                    "This term was already settled: its person, plan and kind "
                    "stay; end it and create another."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_settled(self):
        if self.sudo().settlement_line_ids:
            raise UserError(
                self.env._(
                    "This term was already settled: end it (its last day) "
                    "instead of deleting it."
                )
            )

    # ------------------------------------------------------------------
    # The balance and the terms of a period, read in batch
    # ------------------------------------------------------------------
    @api.model
    def _get_balances(self, partners, plans, before=None):
        """{partner_id: balance to recover} of ``partners`` under ``plans``
        (one plan's versions): what the draw components of their posted (or
        paid) settlements add up to, those ending before ``before`` when
        given.  The one definition of the balance."""
        if not partners or not plans:
            return {}
        domain = [
            ("draw_id", "!=", False),
            ("partner_id", "in", partners.ids),
            ("plan_id", "in", plans.ids),
            ("settlement_id.workflow_state", "=", "posted"),
        ]
        if before:
            domain.append(("settlement_id.date_to", "<", before))
        groups = (
            self.env["sale.incentive.settlement.line"]
            .sudo()
            ._read_group(domain, ["partner_id"], ["draw_balance:sum"])
        )
        currency = plans[:1].currency_id
        return {partner.id: currency.round(total) for partner, total in groups}

    @api.model
    def _read_terms(self, plan, date_from, date_to, partners=None, forfeit=False):
        """{partner_id: (engine DrawTerms, user id)} of the persons with a
        draw or guarantee active in the period, or a balance to recover
        (a forfeiture: the balance only, whatever the dates)."""
        family = plan._get_version_family()
        domain = [("plan_id", "in", family.ids), ("date_from", "<=", date_to)]
        if partners:
            domain.append(("partner_id", "in", partners.ids))
        terms = self.sudo().search(domain, order="date_from desc, id desc")
        if not terms:
            return {}
        balances = self._get_balances(
            terms.partner_id, family, before=None if forfeit else date_from
        )
        by_partner = defaultdict(lambda: self.sudo().browse())
        for term in terms:
            by_partner[term.partner_id.id] |= term
        result = {}
        for partner_id, items in by_partner.items():
            values = self._get_engine_terms(items, date_from, forfeit)
            balance = balances.get(partner_id, 0.0)
            if not (values.get("draw") or values.get("guarantee") or balance):
                continue
            user = items.user_id[:1]
            result[partner_id] = (
                draws.DrawTerms(balance=max(balance, 0.0), **values),
                user.id,
            )
        return result

    @api.model
    def _get_engine_terms(self, items, date_from, forfeit):
        """The engine values of one person's ``items`` (latest first)."""
        active = items.filtered(
            lambda t: not forfeit and (not t.date_to or t.date_to >= date_from)
        )
        draw = active.filtered(lambda t: t.kind == "draw")[:1]
        guarantee = active.filtered(lambda t: t.kind == "guarantee")[:1]
        # the balance belongs to the active draw, else the latest one
        owner = draw or items.filtered(lambda t: t.kind == "draw")[:1]
        return {
            "draw": draw.amount,
            "recovery_cap": owner.recovery_cap,
            "guarantee": guarantee.amount,
            "draw_id": owner.id or None,
            "guarantee_id": guarantee.id or None,
            "on_leave": owner.on_leave or "forgive",
        }

    def _end_on_leaving(self, partner, date):
        """The forfeiture decision ends the person's running terms on the
        leaving ``date`` (in the chatter)."""
        running = self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", self.env.company.id),
                ("date_from", "<=", date),
                "|",
                ("date_to", "=", False),
                ("date_to", ">", date),
            ]
        )
        for term in running:
            term.date_to = date
            term.message_post(
                body=self.env._(
                    "Ended by the forfeiture decision of %(date)s.", date=date
                )
            )

    def action_view_settlements(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Settlements"),
            "res_model": "sale.incentive.settlement",
            "view_mode": "list,form",
            "domain": [("id", "in", self.settlement_line_ids.settlement_id.ids)],
        }
