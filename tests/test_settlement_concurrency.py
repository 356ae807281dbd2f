# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import commit_agent_plan, delete_committed_plan, read_settled_lines

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
        return env["sale.incentive.settlement"]._run_settlement(
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
