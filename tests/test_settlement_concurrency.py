# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import (
    IncentiveCase,
    commit_agent_plan,
    commit_table_plan,
    delete_committed_plan,
    read_settled_lines,
)

LINES = 40


@tagged("post_install", "-at_install")
class TestSettlementConcurrency(TransactionCase):
    """Two settlement runs in two real, concurrent transactions.

    The data is committed through a separate cursor (the test transaction is
    invisible to other cursors) and deleted again by a cleanup.
    """

    def setUp(self):
        super().setUp()
        self.plan_id, [self.partner_id] = commit_agent_plan(
            self.registry, "Concurrency", 1, LINES
        )
        self.addCleanup(self._delete_committed_data)

    def _delete_committed_data(self):
        delete_committed_plan(self.registry, self.plan_id, self.partner_id)

    def _run(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        plan = env["sale.incentive.plan"].browse(self.plan_id)
        return env["sale.incentive.settlement.builder"]._run_settlement(
            plan, datetime.date(2026, 3, 31)
        )

    def test_two_concurrent_runs_settle_each_line_once(self):
        cr1 = self.registry.cursor()
        cr2 = self.registry.cursor()
        try:
            first = self._run(cr1)
            self.assertEqual(len(first), 1)
            self.assertEqual(first.amount_total, 493.6)
            # cr1 holds the row locks: the second run is refused at once
            with self.assertRaisesRegex(UserError, "Another settlement"):
                self._run(cr2)
            cr2.rollback()
            # cr2 takes its snapshot, then cr1 commits: the lines changed
            # under cr2's snapshot and cannot be settled again from it
            cr2.execute("SELECT count(*) FROM sale_incentive_line")
            cr1.commit()
            with self.assertRaisesRegex(UserError, "Another settlement"):
                self._run(cr2)
            cr2.rollback()
        finally:
            cr1.close()
            cr2.close()
        with self.registry.cursor() as cr:
            linked = read_settled_lines(cr, self.plan_id)
            cr.execute(
                "SELECT count(*), SUM(amount_total) FROM sale_incentive_settlement "
                "WHERE plan_id = %s",
                [self.plan_id],
            )
            runs, total = cr.fetchone()
        self.assertEqual(linked["lines"], LINES)
        self.assertEqual(linked["settlements"], 1)
        self.assertEqual(runs, 1)
        self.assertEqual(linked["settled_amount"], linked["amount"])
        self.assertEqual(float(total), 493.6)


@tagged("post_install", "-at_install")
class TestPeriodTableConcurrency(TransactionCase):
    """Two postings of one plan, beneficiary and period in two real,
    concurrent transactions never read the same period total."""

    def setUp(self):
        super().setUp()
        self.plan_id, self.rule_id, self.partner_id = commit_table_plan(
            self.registry, "Concurrent table", IncentiveCase._period_table()
        )
        self.addCleanup(self._delete_committed_data)

    def _delete_committed_data(self):
        delete_committed_plan(self.registry, self.plan_id, self.partner_id)

    def _post(self, cr, base):
        """Write, on ``cr``, an earned line of ``base`` in March 2026 through
        the method that writes the engine's lines; returns its amount."""
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        lines = env["sale.incentive.accrual"]._create_lines(
            [
                {
                    "company_id": env.ref("base.main_company").id,
                    "plan_id": self.plan_id,
                    "rule_id": self.rule_id,
                    "kind": "invoice",
                    "is_earned": True,
                    "date": datetime.date(2026, 3, 10),
                    "period_date": datetime.date(2026, 3, 10),
                    "partner_id": self.partner_id,
                    "base_amount": base,
                    "share": 100.0,
                    "amount": 0.0,
                    "explanation_data": [{"key": "text", "params": {"text": "posted"}}],
                }
            ]
        )
        return lines.amount

    def test_second_posting_waits_and_reads_the_first(self):
        cr1 = self.registry.cursor()
        cr2 = self.registry.cursor()
        try:
            # 400,000 x 2 %, not committed yet
            self.assertEqual(self._post(cr1, 400_000.0), 8_000.0)
            # the second posting of the same period waits for the first
            cr2.execute("SET lock_timeout = '200ms'")
            with self.assertRaises(pg_errors.LockNotAvailable):
                self._post(cr2, 300_000.0)
            cr2.rollback()
            # its snapshot taken before the first commits: it cannot go on
            # from a total that misses the first line (Odoo retries it)
            cr2.execute("SELECT count(*) FROM sale_incentive_line")
            cr1.commit()
            with self.assertRaises(pg_errors.SerializationFailure):
                self._post(cr2, 300_000.0)
            cr2.rollback()
            # retried: the period reaches 700,000, 16,000 in all
            self.assertEqual(self._post(cr2, 300_000.0), 8_000.0)
            cr2.commit()
        finally:
            cr1.close()
            cr2.close()
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT SUM(amount) FROM sale_incentive_line WHERE plan_id = %s",
                [self.plan_id],
            )
            self.assertEqual(float(cr.fetchone()[0]), 16_000.0)
