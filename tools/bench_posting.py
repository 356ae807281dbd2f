"""Benchmark: commission lines written when customer invoices are posted.

Run by ``make bench`` (tools/dev.sh bench) on a throwaway database where
sale_incentive is installed without demo data::

    python3 tools/bench_posting.py DB_NAME [INVOICES] [LINES_PER_INVOICE] [REPS]

It creates reps, a 3% plan and customer invoices, posts them in batches of
500 through ``action_post`` (the real posting path, our hook included) and
prints figures: invoices and lines per second, and the SQL queries the
commission hook alone issues per invoice line (measured by re-running it on
the posted batch).
"""

import os
import sys
import time
from types import SimpleNamespace

import odoo
from odoo import Command
from odoo.tools import config


def out(text):
    """Print a figure (a benchmark prints, it does not log)."""
    sys.stdout.write(text + "\n")


def parse_args():
    """Database and sizes from the command line (positional, with defaults)."""
    return SimpleNamespace(
        db=sys.argv[1],
        invoices=int(sys.argv[2]) if len(sys.argv) > 2 else 2000,
        per_invoice=int(sys.argv[3]) if len(sys.argv) > 3 else 5,
        reps=int(sys.argv[4]) if len(sys.argv) > 4 else 200,
    )


def load_registry(db):
    args = ["-d", db, "--log-level=warn"]
    if os.environ.get("BENCH_ADDONS_PATH"):
        args.append("--addons-path=" + os.environ["BENCH_ADDONS_PATH"])
    config.parse_config(args)
    return odoo.modules.registry.Registry(db)


def setup(env, n_reps):
    """Chart of accounts, reps in a team under a 3% plan, customers, products."""
    company = env.company
    if not env["account.journal"].search_count([("type", "=", "sale")]):
        env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
    reps = env["res.users"].create(
        [{"name": f"Bench rep {i}", "login": f"bench_rep_{i}"} for i in range(n_reps)]
    )
    team = env["crm.team"].create(
        {"name": "Bench team", "member_ids": [Command.set(reps.ids)]}
    )
    env["sale.incentive.plan"].create(
        {
            "name": "Bench 3%",
            "team_ids": [Command.set(team.ids)],
            "rule_ids": [Command.create({"name": "Standard", "rate": 3.0})],
        }
    )
    customers = env["res.partner"].create(
        [{"name": f"Bench customer {i}"} for i in range(200)]
    )
    products = env["product.product"].create(
        [{"name": f"Bench product {i}", "list_price": 100.0 + i} for i in range(50)]
    )
    return reps, customers, products


def create_invoices(env, opts):
    """The draft customer invoices, and the seconds their creation took."""
    reps, customers, products = setup(env, opts.reps)
    t0 = time.perf_counter()
    invoices = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": customers[i % len(customers)].id,
                "invoice_user_id": reps[i % len(reps)].id,
                "invoice_date": "2026-03-15",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": products[(i + j) % len(products)].id,
                            "quantity": 1 + j,
                            "price_unit": 100.0 + j,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for j in range(opts.per_invoice)
                ],
            }
            for i in range(opts.invoices)
        ]
    )
    return invoices, time.perf_counter() - t0


def post_invoices(env, invoices):
    """Post in batches of 500 through ``action_post``; the seconds it took."""
    t0 = time.perf_counter()
    for start in range(0, len(invoices), 500):
        invoices[start : start + 500].action_post()
    env.flush_all()
    return time.perf_counter() - t0


def time_hook(env, batch, lines):
    """Re-run the commission hook alone on ``batch``: (seconds, queries)."""
    cr = env.cr
    lines.filtered(lambda line: line.move_id in batch).unlink()
    env.flush_all()
    env.invalidate_all()
    queries_before = cr.sql_log_count
    t0 = time.perf_counter()
    env["sale.incentive.line"]._create_for_invoices(batch)
    env.flush_all()
    t_hook = time.perf_counter() - t0
    return t_hook, cr.sql_log_count - queries_before


def main():
    opts = parse_args()
    registry = load_registry(opts.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        invoices, t_create = create_invoices(env, opts)
        t_post = post_invoices(env, invoices)
        lines = env["sale.incentive.line"].search([("move_id", "in", invoices.ids)])
        n_lines = opts.invoices * opts.per_invoice
        assert len(lines) == n_lines, (len(lines), n_lines)

        # the hook alone, on one posted batch: time and queries per line
        t_hook, queries = time_hook(env, invoices[:500], lines)
        batch_lines = 500 * opts.per_invoice
        out(f"reps: {opts.reps}, invoices: {opts.invoices}, invoice lines: {n_lines}")
        out(f"create invoices (Odoo):            {t_create:8.2f} s")
        out(
            f"post invoices (Odoo + commissions): {t_post:8.2f} s "
            f"({opts.invoices / t_post:,.0f} invoices/s, "
            f"{n_lines / t_post:,.0f} lines/s)"
        )
        out(
            f"commission hook alone, {batch_lines} invoice lines: {t_hook:6.2f} s "
            f"({batch_lines / t_hook:,.0f} lines/s), {queries} queries "
            f"({queries / batch_lines:.3f} per invoice line)"
        )
        lines = env["sale.incentive.line"].search([("move_id", "in", invoices.ids)])
        total = sum(lines.mapped("amount"))
        out(f"commission lines written: {len(lines)}, total {total:,.2f}")
        cr.rollback()


if __name__ == "__main__":
    main()
