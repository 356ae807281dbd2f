# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import requests

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import config

from .common import (
    commit_agent_plan,
    delete_committed_plan,
    delete_committed_runs,
    read_settled_lines,
)

CRON = "sale_incentive.ir_cron_sale_incentive_settle_run"
# generous: a loaded 2-core machine starts a server in ~20-60 s
START_TIMEOUT = 180
RUN_TIMEOUT = 240
REQUEST_TIMEOUT = 180
# the loser meets the winner while its run is being queued
LOSER_MESSAGE = "Workers is being settled for 2026-03-01 - 2026-03-31 by someone else"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestSettleWorkers(TransactionCase):
    """Two accountants settle the same plan and period at once, over
    JSON-RPC, on a real multi-process server (``--workers=2``).

    The server is a subprocess on the test database: it sees only committed
    data, so the data is committed through separate cursors and deleted
    again by cleanups; the server is killed in tearDown.

    Overlap whatever the machine's load: this test locks the rows of the
    scheduled actions.  The others ``FOR NO KEY UPDATE`` for the whole test
    (``ir.cron`` skips locked jobs: no other job runs against the test
    database); the settlement runs' ``FOR UPDATE``, which also holds the
    request that queues a run at its wake-up call (``_trigger`` inserts a
    row referencing it) until the other request has answered.  So the winner
    cannot commit before the loser meets it, and the cron worker cannot take
    the run before both have answered.
    """

    AGENTS = 4
    LINES = 25

    def setUp(self):
        super().setUp()
        self.server = None
        self.plan_id, self.partner_ids = commit_agent_plan(
            self.registry, "Workers", self.AGENTS, self.LINES
        )
        self.addCleanup(
            delete_committed_plan, self.registry, self.plan_id, self.partner_ids
        )
        self.logins = [
            ("si_workers_a", "Workers-A-2026!"),
            ("si_workers_b", "Workers-B-2026!"),
        ]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env.ref("base.main_company")
            saved = {
                "incentive_settle_background_lines": (
                    company.incentive_settle_background_lines
                ),
                "incentive_auto_close_exceptions": (
                    company.incentive_auto_close_exceptions
                ),
            }
            company.write(
                {
                    "incentive_settle_background_lines": 10,
                    "incentive_auto_close_exceptions": True,
                }
            )
            users = env["res.users"].create(
                [
                    {
                        "name": login,
                        "login": login,
                        "password": password,
                        "company_id": company.id,
                        "company_ids": [Command.set(company.ids)],
                        "groups_id": [
                            Command.set(
                                [
                                    env.ref("base.group_user").id,
                                    env.ref(
                                        "sale_incentive.group_sale_incentive_accountant"
                                    ).id,
                                ]
                            )
                        ],
                    }
                    for login, password in self.logins
                ]
            )
            self.feb_id = self._close_negative_february(env)
        self.addCleanup(self._restore, saved, users.ids)
        self.addCleanup(delete_committed_runs, self.registry, self.plan_id)

    def _close_negative_february(self, env):
        """February: the first agent's credit note (-100.00) settled and
        closed; its negative balance is carried to March once."""
        plan = env["sale.incentive.plan"].browse(self.plan_id)
        env["sale.incentive.line"].create(
            {
                "company_id": plan.company_id.id,
                "plan_id": plan.id,
                "kind": "refund",
                "is_earned": True,
                "date": datetime.date(2026, 2, 10),
                "partner_id": self.partner_ids[0],
                "base_amount": -1000.0,
                "amount": -100.0,
            }
        )
        february = env["sale.incentive.settlement.builder"]._run_settlement(
            plan, datetime.date(2026, 2, 28)
        )
        february.action_submit()
        self.assertEqual(february.state, "posted")
        self.assertEqual(february.amount_total, -100.0)
        return february.id

    def _restore(self, saved, user_ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.ref("base.main_company").write(saved)
            cr.execute(
                "DELETE FROM sale_incentive_settle_wizard WHERE create_uid = ANY(%s)",
                [user_ids],
            )
            users = env["res.users"].browse(user_ids)
            partners = users.partner_id
            users.unlink()
            partners.unlink()

    def tearDown(self):
        self._stop_server()
        super().tearDown()

    def _remove_log(self):
        if os.path.exists(self.logfile):
            os.unlink(self.logfile)

    # ------------------------------------------------------------------
    # The server
    # ------------------------------------------------------------------
    def _start_server(self):
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.db = get_db_name()
        handle, self.logfile = tempfile.mkstemp(
            prefix="sale_incentive_workers_", suffix=".log"
        )
        os.close(handle)
        self.addCleanup(self._remove_log)
        args = [
            sys.executable,
            "-m",
            "odoo",
            "server",
            f"--database={self.db}",
            f"--db-filter=^{self.db}$",
            f"--addons-path={config['addons_path']}",
            f"--data-dir={config['data_dir']}",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--gevent-port={_free_port()}",
            "--workers=2",
            "--max-cron-threads=1",
            "--limit-time-real=600",
            "--limit-time-cpu=600",
            "--no-database-list",
            f"--logfile={self.logfile}",
            "--log-level=info",
        ]
        for key in ("db_host", "db_port", "db_user", "db_password"):
            if config.get(key):
                args.append(f"--{key}={config[key]}")
        # its own process group: tearDown stops the master and its workers
        self.server = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                self.fail(f"the server stopped at start:\n{self._log_tail()}")
            if self._answers():
                return
            time.sleep(1)
        self.fail(
            f"the server did not answer in {START_TIMEOUT} s:\n{self._log_tail()}"
        )

    def _answers(self):
        """Whether the server answers a JSON-RPC request (not yet: False)."""
        try:
            response = requests.post(
                f"{self.url}/web/webclient/version_info",
                json={"jsonrpc": "2.0", "method": "call", "params": {}},
                timeout=10,
            )
        except requests.RequestException:
            return False
        return response.ok

    def _stop_server(self):
        if not self.server or self.server.poll() is not None:
            return
        os.killpg(self.server.pid, signal.SIGTERM)
        try:
            self.server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.server.pid, signal.SIGKILL)
            self.server.wait(timeout=60)

    def _log_tail(self):
        with open(self.logfile, encoding="utf-8", errors="replace") as log:
            return "".join(log.readlines()[-40:])

    # ------------------------------------------------------------------
    # JSON-RPC
    # ------------------------------------------------------------------
    def _rpc(self, session, path, params):
        response = session.post(
            f"{self.url}{path}",
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=REQUEST_TIMEOUT,
        )
        response.raise_for_status()
        return response.json()

    def _login(self, login, password):
        session = requests.Session()
        answer = self._rpc(
            session,
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )
        self.assertIn("result", answer, answer)
        self.assertTrue(answer["result"].get("uid"), answer)
        return session

    def _call(self, session, model, method, *args):
        return self._rpc(
            session,
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": {}},
        )

    def _result(self, answer):
        self.assertIn("result", answer, answer.get("error"))
        return answer["result"]

    # ------------------------------------------------------------------
    # The test
    # ------------------------------------------------------------------
    def test_two_settlements_at_once_on_two_workers(self):
        with self.registry.cursor() as cr:
            cron_id = api.Environment(cr, SUPERUSER_ID, {}).ref(CRON).id
        hold = self.registry.cursor()
        try:
            hold.execute(
                "SELECT id FROM ir_cron WHERE id != %s FOR NO KEY UPDATE", [cron_id]
            )
            hold.execute("SAVEPOINT settle_cron")
            hold.execute("SELECT id FROM ir_cron WHERE id = %s FOR UPDATE", [cron_id])
            self._start_server()
            sessions = [self._login(*login) for login in self.logins]
            wizards = [
                self._result(
                    self._call(
                        session,
                        "sale.incentive.settle.wizard",
                        "create",
                        {
                            "period": "month",
                            "date": "2026-03-31",
                            "plan_ids": [[6, 0, [self.plan_id]]],
                        },
                    )
                )
                for session in sessions
            ]
            answers = [None, None]
            barrier = threading.Barrier(2)
            answered = threading.Event()

            def settle(index):
                try:
                    barrier.wait(timeout=REQUEST_TIMEOUT)
                    answers[index] = self._call(
                        sessions[index],
                        "sale.incentive.settle.wizard",
                        "action_settle",
                        [wizards[index]],
                    )
                except (requests.RequestException, threading.BrokenBarrierError) as e:
                    answers[index] = {"exception": repr(e)}
                answered.set()

            threads = [threading.Thread(target=settle, args=(i,)) for i in (0, 1)]
            for thread in threads:
                thread.start()
            # the loser answers while the winner waits to wake the cron up
            self.assertTrue(
                answered.wait(REQUEST_TIMEOUT),
                "both requests wait to wake the cron up: both queued a run",
            )
            loser = next(answer for answer in answers if answer)
            # the cron worker may now take the run: release it, wake it up
            hold.execute("ROLLBACK TO SAVEPOINT settle_cron")
            self.env["ir.cron"]._notifydb()
            for thread in threads:
                thread.join(REQUEST_TIMEOUT + 30)
            self.assertTrue(all(answers), f"no answer: {answers}")
            self.assertIn("error", loser, answers)
            winners = [a for a in answers if "result" in a]
            losers = [a for a in answers if "error" in a]
            self.assertEqual(
                (len(winners), len(losers)), (1, 1), f"{answers}\n{self._log_tail()}"
            )
            self.assertEqual(
                winners[0]["result"]["res_model"], "sale.incentive.settle.run"
            )
            error = losers[0]["error"]["data"]
            self.assertEqual(error["name"], "odoo.exceptions.UserError", error)
            self.assertIn(LOSER_MESSAGE, error["message"])
            run_id = winners[0]["result"]["res_id"]
            winner = sessions[answers.index(winners[0])]

            deadline = time.monotonic() + RUN_TIMEOUT
            run = {}
            while time.monotonic() < deadline:
                [run] = self._result(
                    self._call(
                        winner,
                        "sale.incentive.settle.run",
                        "read",
                        [run_id],
                        ["state", "done_count", "total_count", "error"],
                    )
                )
                if run["state"] in ("done", "failed"):
                    break
                time.sleep(1)
        finally:
            hold.rollback()
            hold.close()
        self.assertEqual(
            (run["state"], run["done_count"], run["total_count"], run["error"]),
            ("done", self.AGENTS, self.AGENTS, False),
            self._log_tail(),
        )
        self._assert_settled_once()

    def _assert_settled_once(self):
        with self.registry.cursor() as cr:
            linked = read_settled_lines(cr, self.plan_id, "2026-03-01")
            count, settled, amount = (
                linked["lines"],
                linked["settled"],
                linked["amount"],
            )
            cr.execute(
                """SELECT count(*), count(DISTINCT partner_id), SUM(amount_total)
                     FROM sale_incentive_settlement
                    WHERE plan_id = %s AND date_from = '2026-03-01'""",
                [self.plan_id],
            )
            settlements, partners, total = cr.fetchone()
            cr.execute(
                """SELECT count(*), SUM(c.amount)
                     FROM sale_incentive_settlement_line c
                     JOIN sale_incentive_settlement s ON s.id = c.settlement_id
                    WHERE c.carry_from_id = %s AND s.workflow_state != 'cancel'""",
                [self.feb_id],
            )
            carries, carried = cr.fetchone()
            cr.execute(
                """SELECT count(*) FROM sale_incentive_settle_run_plan_rel
                    WHERE plan_id = %s""",
                [self.plan_id],
            )
            [runs] = cr.fetchone()
        # every March line settled, once, in one settlement per agent
        self.assertEqual((count, settled), (self.AGENTS * self.LINES,) * 2)
        self.assertEqual((settlements, partners, runs), (self.AGENTS, self.AGENTS, 1))
        # the February balance carried once: 4 x 25 x 12.34 - 100.00
        self.assertEqual((carries, float(carried)), (1, -100.0))
        self.assertEqual(round(float(amount), 2), 1234.0)
        self.assertEqual(round(float(total), 2), 1134.0)
