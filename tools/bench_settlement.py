"""Settlement benchmark: ~100,000 commission lines, hundreds of beneficiaries.

Run by ``make bench`` (tools/dev.sh bench) on a throwaway database where
sale_incentive is installed::

    python3 tools/bench_settlement.py -d DB --addons-path=... [--lines N] [--reps N]

Lines are inserted by SQL (the commission engine is not what is measured);
the settlement run, its re-run (drafts replaced), and posting are timed.
"""

import argparse
import datetime
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import config


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--data-dir")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=300)
    return parser.parse_args()


def out(text=""):
    """Write a line of the report (a command-line tool: stdout, not a logger)."""
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


def timed(label, func):
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    out(f"{label:<48} {elapsed:8.2f} s")
    return result, elapsed


def setup(env, lines, reps):
    company = env.ref("base.main_company")
    if not company.chart_template:
        env["account.chart.template"].try_loading(
            "generic_coa", company, install_demo=False
        )
    payable = env["account.account"].create(
        {
            "name": "Commissions Payable",
            "code": "219001",
            "account_type": "liability_payable",
            "reconcile": True,
        }
    )
    held = env["account.account"].create(
        {
            "name": "Commissions Held",
            "code": "219002",
            "account_type": "liability_current",
        }
    )
    expense = env["account.account"].search(
        [("account_type", "=", "expense"), ("company_ids", "in", company.ids)], limit=1
    )
    journal = env["account.journal"].search(
        [("type", "=", "general"), ("company_id", "=", company.id)], limit=1
    )
    company.write(
        {
            "incentive_journal_id": journal.id,
            "incentive_expense_account_id": expense.id,
            "incentive_payable_account_id": payable.id,
            "incentive_holdback_account_id": held.id,
            "incentive_approval_steps": "1",
            "incentive_agent_vendor_bill": False,
        }
    )
    partners = env["res.partner"].create(
        [{"name": f"Bench Agent {i}", "is_incentive_agent": True} for i in range(reps)]
    )
    plan = env["sale.incentive.plan"].create(
        {
            "name": "Bench",
            "company_id": company.id,
            "holdback_percent": 20.0,
            "agent_ids": [(6, 0, partners.ids)],
        }
    )
    env.cr.execute(
        """INSERT INTO sale_incentive_line
               (company_id, plan_id, kind, is_earned, date, partner_id, base_amount,
                amount, period_date, share, rate, explanation,
                create_uid, write_uid, create_date, write_date)
           SELECT %(company)s, %(plan)s,
                  CASE WHEN g %% 20 = 0 THEN 'refund' ELSE 'invoice' END, true,
                  DATE '2026-03-01' + (g %% 31),
                  (%(partners)s::int[])[1 + g %% %(reps)s],
                  CASE WHEN g %% 20 = 0 THEN -1000 ELSE 1000 END + g %% 7,
                  CASE WHEN g %% 20 = 0 THEN -30 ELSE 30 END + (g %% 7) * 0.03,
                  DATE '2026-03-01' + (g %% 31), 100, 3, 'bench', 1, 1, now(), now()
             FROM generate_series(1, %(lines)s) AS g""",
        {
            "company": company.id,
            "plan": plan.id,
            "partners": partners.ids,
            "reps": reps,
            "lines": lines,
        },
    )
    env.cr.execute(
        "SELECT SUM(amount) FROM sale_incentive_line WHERE plan_id = %s", [plan.id]
    )
    return plan, env.cr.fetchone()[0]


def load_registry(args):
    config.parse_config(
        ["-d", args.database, f"--addons-path={args.addons_path}", "--log-level=warn"]
        + ([f"--data-dir={args.data_dir}"] if args.data_dir else [])
    )
    return odoo.modules.registry.Registry(args.database)


def run_twice(env, plan):
    """Timed settlement run and re-run as admin: (settlements, first run s, queries)."""
    admin = env.ref("base.user_admin")
    settlement_model = env["sale.incentive.settlement"].with_user(admin)
    day = datetime.date(2026, 3, 31)
    plan = plan.with_user(admin)
    queries = env.cr.sql_log_count
    settlements, first = timed(
        "settlement run (draft)",
        lambda: settlement_model._run_settlement(plan, day),
    )
    run_queries = env.cr.sql_log_count - queries
    settlements, _rerun = timed(
        "re-run (drafts replaced)",
        lambda: settlement_model._run_settlement(plan, day),
    )
    return settlements, first, run_queries


def line_counts(cr, plan):
    """(lines, settlements linked, sum of the linked lines) of the plan."""
    cr.execute(
        "SELECT count(*), count(DISTINCT settlement_id), "
        "SUM(amount) FILTER (WHERE settlement_id IS NOT NULL) "
        "FROM sale_incentive_line WHERE plan_id = %s",
        [plan.id],
    )
    return cr.fetchone()


def approve_and_post(settlements):
    timed(
        "submit + approve",
        lambda: (settlements.action_submit(), settlements.action_approve()),
    )
    timed("post journal entries", settlements.action_post)


def main():
    args = parse()
    registry = load_registry(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        (plan, expected), _t = timed(
            f"setup: {args.lines:,} lines, {args.reps} beneficiaries",
            lambda: setup(env, args.lines, args.reps),
        )
        settlements, first, run_queries = run_twice(env, plan)
        count, linked, settled = line_counts(cr, plan)
        total = sum(settlements.mapped("amount_total")) + sum(
            settlements.mapped("amount_held")
        )
        approve_and_post(settlements)
        out()
        out(f"settlements created          {len(settlements)}")
        out(f"lines settled / total        {count:,} in {linked} settlements")
        out(f"queries of the first run     {run_queries}")
        out(f"lines per second (first run) {count / first:,.0f}")
        out(f"sum of lines                 {expected:,.2f}")
        out(f"sum settled (lines)          {settled:,.2f}")
        out(f"settled + held (settlements) {total:,.2f}")
        out(f"entries posted               {len(settlements.move_id)}")
        assert settled == expected, "every line settled exactly once"


if __name__ == "__main__":
    main()
