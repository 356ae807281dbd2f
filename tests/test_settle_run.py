# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import (
    commit_agent_plan,
    delete_committed_plan,
    delete_committed_runs,
    read_settled_lines,
)
from .test_settlement import SettlementCase

CRON = "sale_incentive.ir_cron_sale_incentive_settle_run"


@tagged("post_install", "-at_install")
class TestSettleRun(SettlementCase):
    """A period above the company's threshold is settled in the background,
    one batch of beneficiaries per call of the scheduled action."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reps = cls.rep | cls.rep_b | cls.rep_c
        cls.plan = cls._make_plan(rate=10.0, users=cls.reps, name="Field sales")
        cls.cron = cls.env.ref(CRON)

    def _sell_to_all(self):
        """Two invoice lines per rep: two commission lines each."""
        for rep in self.reps:
            self._direct_invoice(
                [(self.product, 1, 1_000.0), (self.product, 2, 750.0)], user=rep
            )
        return self._lines(plan_id=self.plan.id)

    def _wizard(self):
        return self.env["sale.incentive.settle.wizard"].create(
            {
                "period": "month",
                "date": "2026-03-31",
                "plan_ids": [Command.set(self.plan.ids)],
            }
        )

    def _last_progress(self):
        return self.env["ir.cron.progress"].search(
            [("cron_id", "=", self.cron.id)], order="id desc", limit=1
        )

    def test_below_threshold_settles_at_once(self):
        self.env.company.incentive_settle_background_lines = 7
        lines = self._sell_to_all()
        self.assertEqual(len(lines), 6)
        action = self._wizard().action_settle()
        self.assertEqual(action["res_model"], "sale.incentive.settlement")
        settlements = self.Settlement.search(action["domain"])
        self.assertEqual(settlements.partner_id, self.reps.partner_id)
        self.assertEqual(lines.settlement_id, settlements)
        runs = self.env["sale.incentive.settle.run"].search([])
        self.assertFalse(runs)

    def test_large_period_settles_in_background_batches(self):
        # batches of about 2 lines: one rep (2 lines) per batch
        self.env.company.incentive_settle_background_lines = 2
        lines = self._sell_to_all()
        self.assertEqual(len(lines), 6)
        action = self._wizard().action_settle()
        self.assertEqual(action["res_model"], "sale.incentive.settle.run")
        run = self.env["sale.incentive.settle.run"].browse(action["res_id"])
        self.assertEqual(run.state, "queued")
        self.assertEqual(run.user_id, self.env.user)
        self.assertEqual(run.line_count, 6)
        self.assertFalse(lines.settlement_id, "nothing settled before the job")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]),
            "the wizard wakes the scheduled action up",
        )

        steps = []
        for _call in range(3):
            self.cron.sudo().method_direct_trigger()
            progress = self._last_progress()
            steps.append(
                (
                    run.state,
                    run.batch_done,
                    run.done_count,
                    progress.done,
                    progress.remaining,
                    len(run.settlement_ids),
                )
            )
        self.assertEqual(
            steps,
            [
                ("running", 1, 1, 1, 2, 1),
                ("running", 2, 2, 1, 1, 2),
                ("done", 3, 3, 1, 0, 3),
            ],
        )
        self.assertEqual(run.total_count, 3)
        self.assertEqual(run.batch_count, 3)
        self.assertEqual(run.progress, 100.0)

        # every line settled once, by the run's settlements
        self.assertEqual(run.settlement_ids.partner_id, self.reps.partner_id)
        self.assertEqual(lines.settlement_id, run.settlement_ids)
        for settlement in run.settlement_ids:
            own = lines.filtered(lambda line, s=settlement: line.settlement_id == s)
            self.assertEqual(len(own), 2)
            # 10 % of 1,000 + 1,500
            self.assertMoney(settlement.amount_total, 250.0)
        self.assertMoney(
            sum(run.settlement_ids.mapped("amount_total")),
            sum(lines.mapped("amount")),
        )
        self.assertMoney(sum(lines.mapped("amount")), 750.0)

        # the user who started it is told
        message = run.message_ids.filtered(
            lambda m: self.env.user.partner_id in m.partner_ids
        )
        self.assertEqual(len(message), 1)
        self.assertIn("3 settlements for 3 beneficiaries", message.body)

        # nothing left: the next call does nothing
        self.cron.sudo().method_direct_trigger()
        self.assertEqual(
            (self._last_progress().done, self._last_progress().remaining), (0, 0)
        )
        settlements = self.Settlement.search([("plan_id", "=", self.plan.id)])
        self.assertEqual(settlements, run.settlement_ids)

    def test_period_held_by_a_run_is_not_settled_again(self):
        self.env.company.incentive_settle_background_lines = 2
        self._sell_to_all()
        self._wizard().action_settle()
        # neither in the background nor at once while the run is queued
        with self.assertRaisesRegex(UserError, "already being settled"):
            self._wizard().action_settle()
        self.env.company.incentive_settle_background_lines = 0
        with self.assertRaisesRegex(UserError, "already being settled"):
            self._wizard().action_settle()

    def test_rep_sees_own_runs_only(self):
        self.env.company.incentive_settle_background_lines = 2
        self._sell_to_all()
        action = self._wizard().action_settle()
        run = self.env["sale.incentive.settle.run"].browse(action["res_id"])
        runs = self.env["sale.incentive.settle.run"]
        self.assertFalse(runs.with_user(self.rep).search([]))
        self.assertEqual(runs.with_user(self.incentive_admin).search([]), run)
        with self.assertRaises(UserError):
            run.with_user(self.rep).action_resume()


@tagged("post_install", "-at_install")
class TestSettleRunResume(TransactionCase):
    """A batch failing in a real transaction (another settlement holds the
    plan), then the run resumed: each beneficiary settled once.

    The data is committed through separate cursors (each call of the
    scheduled action commits, as ``ir.cron`` does after each batch) and
    deleted again by a cleanup.
    """

    AGENTS = 3
    LINES = 4

    def setUp(self):
        super().setUp()
        self.plan_id, self.partner_ids = commit_agent_plan(
            self.registry, "Resumable", self.AGENTS, self.LINES
        )
        with self.registry.cursor() as cr:
            company = api.Environment(cr, SUPERUSER_ID, {}).ref("base.main_company")
            threshold = company.incentive_settle_background_lines
            # batches of 4 lines: one agent per batch
            company.incentive_settle_background_lines = self.LINES
        self.addCleanup(self._cleanup, threshold)

    def _cleanup(self, threshold):
        delete_committed_runs(self.registry, self.plan_id)
        delete_committed_plan(self.registry, self.plan_id, self.partner_ids)
        with self.registry.cursor() as cr:
            company = api.Environment(cr, SUPERUSER_ID, {}).ref("base.main_company")
            company.incentive_settle_background_lines = threshold

    def _admin_env(self, cr):
        admin = api.Environment(cr, SUPERUSER_ID, {}).ref("base.user_admin")
        return api.Environment(cr, admin.id, {"tracking_disable": True})

    def _cron_call(self):
        """One call of the scheduled action, committed."""
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {}).ref(CRON).method_direct_trigger()

    def _read_run(self, run_id):
        with self.registry.cursor() as cr:
            run = api.Environment(cr, SUPERUSER_ID, {})["sale.incentive.settle.run"]
            run = run.browse(run_id)
            return {
                "state": run.state,
                "done": run.done_count,
                "batches": run.batch_done,
                "error": run.error or "",
                "settlements": len(run.settlement_ids),
                "told": any(
                    run.user_id.partner_id in message.partner_ids
                    and "stopped" in message.body
                    for message in run.message_ids
                ),
            }

    def test_failed_batch_then_resume_settles_each_line_once(self):
        with self.registry.cursor() as cr:
            env = self._admin_env(cr)
            wizard = env["sale.incentive.settle.wizard"].create(
                {
                    "period": "month",
                    "date": "2026-03-31",
                    "plan_ids": [Command.set([self.plan_id])],
                }
            )
            run_id = wizard.action_settle()["res_id"]
        self._cron_call()
        self.assertEqual(
            self._read_run(run_id),
            {
                "state": "running",
                "done": 1,
                "batches": 1,
                "error": "",
                "settlements": 1,
                "told": False,
            },
        )
        # another settlement of the second agent is running (not committed)
        other = self.registry.cursor()
        try:
            env = self._admin_env(other)
            env["sale.incentive.settlement.builder"]._run_settlement(
                env["sale.incentive.plan"].browse(self.plan_id),
                datetime.date(2026, 3, 31),
                env["res.partner"].browse(self.partner_ids[1]),
            )
            self._cron_call()
            failed = self._read_run(run_id)
        finally:
            other.rollback()
            other.close()
        self.assertEqual(failed["state"], "failed")
        self.assertIn("Another settlement is running", failed["error"])
        self.assertEqual((failed["done"], failed["batches"]), (1, 1))
        self.assertEqual(failed["settlements"], 1)
        self.assertTrue(failed["told"], "the user who started the run is told")
        # a failed run waits to be resumed
        self._cron_call()
        self.assertEqual(self._read_run(run_id)["state"], "failed")

        with self.registry.cursor() as cr:
            self._admin_env(cr)["sale.incentive.settle.run"].browse(
                run_id
            ).action_resume()
        self._cron_call()
        self._cron_call()
        done = self._read_run(run_id)
        self.assertEqual(
            (done["state"], done["done"], done["batches"], done["error"]),
            ("done", 3, 3, ""),
        )
        self.assertEqual(done["settlements"], self.AGENTS)

        with self.registry.cursor() as cr:
            linked = read_settled_lines(cr, self.plan_id)
            cr.execute(
                """SELECT count(*), count(DISTINCT partner_id), SUM(amount_total)
                     FROM sale_incentive_settlement WHERE plan_id = %s""",
                [self.plan_id],
            )
            runs, partners, total = cr.fetchone()
        self.assertEqual(
            (linked["lines"], linked["settled"]), (self.AGENTS * self.LINES,) * 2
        )
        self.assertEqual((linked["settlements"], runs, partners), (self.AGENTS,) * 3)
        self.assertEqual(linked["settled_amount"], linked["amount"])
        # 3 agents x 4 lines x 12.34
        self.assertEqual(round(float(total), 2), 148.08)
