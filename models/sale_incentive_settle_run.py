# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from psycopg2 import Error as PsycopgError

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine import periods

ACTIVE = ("queued", "running")
CRON = "sale_incentive.ir_cron_sale_incentive_settle_run"


class SaleIncentiveSettleRun(models.Model):
    """A settlement run in the background, in batches of beneficiaries.

    The settle wizard queues a run when the period holds more unsettled lines than
    the company's threshold; the scheduled action (:meth:`_cron_process`) settles
    one batch per call through the settlement run's ``_settle``
    (``sale.incentive.settlement.builder``) and reports its progress to ``ir.cron``,
    which commits after each call and calls again while work remains.  The run keeps
    its batches and how many are done, so a crashed or failed run resumes where it
    stopped; beneficiaries already settled for the period are skipped (one
    settlement per plan x beneficiary x period x type).
    """

    _name = "sale.incentive.settle.run"
    _description = "Sales Incentive Settlement Run"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    user_id = fields.Many2one(
        "res.users",
        "Started By",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
    )
    plan_ids = fields.Many2many(
        "sale.incentive.plan",
        "sale_incentive_settle_run_plan_rel",
        "run_id",
        "plan_id",
        "Plans",
        readonly=True,
        check_company=True,
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "sale_incentive_settle_run_partner_rel",
        "run_id",
        "partner_id",
        "Beneficiaries Asked",
        readonly=True,
        help="Empty: every beneficiary of the plans.",
    )
    date_from = fields.Date(required=True, readonly=True)
    date_to = fields.Date(required=True, readonly=True, index=True)
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    line_count = fields.Integer(
        "Lines", readonly=True, help="Unsettled commission lines when queued."
    )
    total_count = fields.Integer("Beneficiaries", readonly=True)
    done_count = fields.Integer("Beneficiaries Done", readonly=True)
    progress = fields.Float(compute="_compute_progress")
    batches = fields.Json(
        "Batch Plan",
        readonly=True,
        copy=False,
        help="[[plan id, [partner ids]]] in the order they are settled.",
    )
    batch_done = fields.Integer("Batches Done", readonly=True, copy=False)
    batch_count = fields.Integer("Batches", readonly=True, copy=False)
    settlement_ids = fields.Many2many(
        "sale.incentive.settlement",
        "sale_incentive_settle_run_settlement_rel",
        "run_id",
        "settlement_id",
        "Settlements",
        readonly=True,
        copy=False,
    )
    settlement_count = fields.Integer(compute="_compute_settlement_count")
    error = fields.Text(readonly=True, copy=False)
    date_start = fields.Datetime("Started", readonly=True, copy=False)
    date_done = fields.Datetime("Finished", readonly=True, copy=False)

    @api.depends("done_count", "total_count", "state")
    def _compute_progress(self):
        for run in self:
            if run.state == "done":
                run.progress = 100.0
            else:
                run.progress = (
                    100.0 * run.done_count / run.total_count if run.total_count else 0.0
                )

    def _compute_settlement_count(self):
        for run in self:
            run.settlement_count = len(run.settlement_ids)

    @api.depends("plan_ids", "date_from", "date_to")
    def _compute_display_name(self):
        for run in self:
            run.display_name = self.env._(
                "Settlement run %(plans)s (%(date_from)s - %(date_to)s)",
                plans=", ".join(run.plan_ids.mapped("name")),
                date_from=run.date_from,
                date_to=run.date_to,
            )

    # ------------------------------------------------------------------
    # Starting a run (the settle wizard)
    # ------------------------------------------------------------------
    @api.model
    def _count_unsettled_lines(self, plans, date, partners=None):
        """Unsettled earned lines ``plans`` would settle up to the period of
        ``date`` (all plans of one wizard share their period type)."""
        _date_from, date_to = periods.period_bounds(date, plans[:1].period)
        lines = self.env["sale.incentive.line"].sudo()
        return lines.search_count(
            lines._get_earned_domain(
                plans, date_to=date_to, partners=partners, settled=False
            )
        )

    @api.model
    def _background_line_count(self, plans, date, partners=None):
        """The lines to settle when they reach the company's threshold (the
        run goes to the background), else 0."""
        threshold = self.env.company.incentive_settle_background_lines
        if not threshold:
            return 0
        count = self._count_unsettled_lines(plans, date, partners)
        return count if count >= threshold else 0

    @api.model
    def _check_no_active_run(self, plans, date, exclude=None):
        """Refuse to settle a plan and period a background run holds."""
        date_from, _date_to = periods.period_bounds(date, plans[:1].period)
        active = self.sudo().search(
            [
                ("state", "in", ACTIVE),
                ("plan_ids", "in", plans.ids),
                ("date_from", "=", date_from),
                ("id", "not in", (exclude or self).ids),
            ],
            limit=1,
        )
        if active:
            raise UserError(
                self.env._(
                    "%(plans)s is already being settled for %(date_from)s - "
                    "%(date_to)s in the background (started by %(user)s); follow "
                    "it under Commissions > Settlement Runs and try again once "
                    "it is finished.",
                    plans=", ".join((active.plan_ids & plans).mapped("display_name")),
                    date_from=active.date_from,
                    date_to=active.date_to,
                    user=active.user_id.name,
                )
            )

    @api.model
    def _start(self, plans, date, partners=None, line_count=0):
        """Queue a run of ``plans`` for the period of ``date`` and wake up
        the scheduled action; returns the run."""
        self.env["sale.incentive.settlement.builder"]._check_can_settle()
        date_from, date_to = periods.period_bounds(date, plans[:1].period)
        self._claim_plans(plans, date_from, date_to)
        self._check_no_active_run(plans, date)
        run = self.create(
            {
                "company_id": plans[:1].company_id.id or self.env.company.id,
                "plan_ids": [Command.set(plans.ids)],
                "partner_ids": [Command.set(partners.ids if partners else [])],
                "date_from": date_from,
                "date_to": date_to,
                "line_count": line_count,
            }
        )
        self.env.ref(CRON).sudo()._trigger()
        return run

    @api.model
    def _claim_plans(self, plans, date_from, date_to):
        """One settlement of a plan at a time: a concurrent start fails on
        the plan's row lock, a later one sees the run queued."""
        facts = self.env["sale.incentive.settlement.facts"]
        for plan in plans:
            # read before the lock: a refused lock aborts the transaction
            busy = self.env._(
                "%(plan)s is being settled for %(date_from)s - %(date_to)s by "
                "someone else at this very moment; see the result under "
                "Commissions > Settlement Runs or Settlements once it is finished.",
                plan=plan.display_name,
                date_from=date_from,
                date_to=date_to,
            )
            try:
                facts._claim_plan(plan)
            except UserError as exc:
                raise UserError(busy) from exc

    def _get_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Settlement Run"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # The scheduled action: one batch per call
    # ------------------------------------------------------------------
    @api.model
    def _cron_process(self):
        """Settle the next batch of the oldest run waiting; report the
        progress to ``ir.cron`` (which commits and calls again while
        ``remaining`` is not 0)."""
        run = self._take_next_run()
        if not run:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        done = run.with_user(run.user_id).with_company(run.company_id)._step()
        waiting = self.sudo().search_count(
            [("state", "in", ACTIVE), ("id", "!=", run.id)]
        )
        remaining = run.total_count - run.done_count if run.state in ACTIVE else 0
        self.env["ir.cron"]._notify_progress(
            done=max(done, 1), remaining=remaining + waiting
        )

    @api.model
    def _take_next_run(self):
        """The oldest queued or running run, locked (SKIP LOCKED: a run being
        processed elsewhere is left alone)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sale_incentive_settle_run WHERE state = ANY(%s) "
                "ORDER BY id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED",
                list(ACTIVE),
            )
        )
        row = self.env.cr.fetchone()
        return self.sudo().browse(row[0] if row else [])

    def _step(self):
        """Plan (first call) and settle one batch; a failure rolls the batch
        back and fails the run with its message.  Returns the beneficiaries
        processed."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                if self.state == "queued":
                    self._plan_batches()
                return self._settle_next_batch()
        except (UserError, PsycopgError) as exc:
            self._fail(exc)
            return 0

    def _plan_batches(self):
        """Replace the period's drafts and split the beneficiaries in batches
        of about as many lines as the background threshold."""
        builder = self.env["sale.incentive.settlement.builder"]
        builder._check_can_settle()
        partners = self.partner_ids or None
        size = max(self.company_id.incentive_settle_background_lines, 1)
        batches = []
        for plan in self.plan_ids:
            builder._replace_drafts(plan, self.date_from, self.date_to, partners)
            counts = self._count_lines_per_beneficiary(plan, partners)
            batches += [[plan.id, ids] for ids in _pack(counts, size)]
        self.write(
            {
                "state": "running",
                "batches": batches,
                "batch_count": len(batches),
                "batch_done": 0,
                "total_count": sum(len(ids) for _plan, ids in batches),
                "done_count": 0,
                "date_start": fields.Datetime.now(),
            }
        )

    def _count_lines_per_beneficiary(self, plan, partners):
        """{partner_id: unsettled lines} of every beneficiary of the period."""
        facts = self.env["sale.incentive.settlement.facts"]
        raw = facts._read_facts(plan, self.date_from, self.date_to, partners)
        return {
            partner.id: sum(
                group["count"]
                for group in raw["lines"].get(partner.id, {}).get("groups", [])
            )
            for partner in raw.get("users", {})
        }

    def _settle_next_batch(self):
        """Settle the next batch through the builder's ``_settle``,
        skipping the beneficiaries already settled for the period."""
        builder = self.env["sale.incentive.settlement.builder"]
        builder._check_can_settle()
        if self.batch_done >= self.batch_count:
            self._finish()
            return 0
        plan_id, partner_ids = self.batches[self.batch_done]
        plan = self.env["sale.incentive.plan"].browse(plan_id)
        partners = self.env["res.partner"].browse(partner_ids)
        settlements = self.env["sale.incentive.settlement"]
        domain = builder._get_settlement_domain(
            plan, self.date_from, self.date_to, partners
        )
        todo = partners - settlements.sudo().search(domain).partner_id
        if todo:
            settlements = builder._settle(plan, self.date_from, self.date_to, todo)
        self.write(
            {
                "batch_done": self.batch_done + 1,
                "done_count": self.done_count + len(partners),
                "settlement_ids": [Command.link(s.id) for s in settlements],
            }
        )
        if self.batch_done >= self.batch_count:
            self._finish()
        return len(partners)

    def _finish(self):
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        self._notify_user(
            self.env._(
                "The settlement run is done: %(count)s settlements for "
                "%(beneficiaries)s beneficiaries.",
                count=len(self.settlement_ids),
                beneficiaries=self.total_count,
            )
        )

    def _fail(self, exc):
        message = exc.args[0] if isinstance(exc, UserError) else str(exc)
        # recorded whatever the failure, lost rights included
        self.sudo().write(
            {"state": "failed", "error": message, "date_done": fields.Datetime.now()}
        )
        self._notify_user(
            self.env._(
                "The settlement run stopped: %(error)s Fix the cause, then resume "
                "it: the beneficiaries already settled are kept.",
                error=message,
            )
        )

    def _notify_user(self, body):
        """Post ``body`` on the run, notifying the user who started it."""
        self.sudo().message_post(
            body=body,
            author_id=self.env.ref("base.partner_root").id,
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_resume(self):
        """Resume a failed run where it stopped."""
        self.env["sale.incentive.settlement.builder"]._check_can_settle()
        for run in self:
            if run.state != "failed":
                raise UserError(self.env._("Only a failed run can be resumed."))
            self._check_no_active_run(run.plan_ids, run.date_from, exclude=run)
            run.write(
                {
                    "state": "running" if run.batch_count else "queued",
                    "error": False,
                    "date_done": False,
                }
            )
        self.env.ref(CRON).sudo()._trigger()
        return True

    def action_view_settlements(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Settlements"),
            "res_model": "sale.incentive.settlement",
            "view_mode": "list,form",
            "domain": [("id", "in", self.settlement_ids.ids)],
        }


def _pack(counts, size):
    """Beneficiary ids (sorted) in batches of about ``size`` lines; a
    beneficiary is never split, and one with no line joins the current
    batch."""
    batches, current, lines = [], [], 0
    for partner_id in sorted(counts):
        count = counts[partner_id]
        if current and lines + count > size:
            batches.append(current)
            current, lines = [], 0
        current.append(partner_id)
        lines += count
    if current:
        batches.append(current)
    return batches
