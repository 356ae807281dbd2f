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

import odoo
from odoo import Command
from odoo.tools import config


def out(text):
    """Print a figure (a benchmark prints, it does not log)."""
    sys.stdout.write(text + "\n")


def main():
    db = sys.argv[1]
    n_invoices = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    per_invoice = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    n_reps = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    args = ["-d", db, "--log-level=warn"]
    if os.environ.get("BENCH_ADDONS_PATH"):
        args.append("--addons-path=" + os.environ["BENCH_ADDONS_PATH"])
    config.parse_config(args)
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        company = env.company
        if not env["account.journal"].search_count([("type", "=", "sale")]):
            env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )
        reps = env["res.users"].create(
            [
                {"name": f"Bench rep {i}", "login": f"bench_rep_{i}"}
                for i in range(n_reps)
            ]
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
                        for j in range(per_invoice)
                    ],
                }
                for i in range(n_invoices)
            ]
        )
        t_create = time.perf_counter() - t0
        t0 = time.perf_counter()
        for start in range(0, n_invoices, 500):
            invoices[start : start + 500].action_post()
        env.flush_all()
        t_post = time.perf_counter() - t0
        lines = env["sale.incentive.line"].search([("move_id", "in", invoices.ids)])
        n_lines = n_invoices * per_invoice
        assert len(lines) == n_lines, (len(lines), n_lines)

        # the hook alone, on one posted batch: time and queries per line
        batch = invoices[:500]
        lines.filtered(lambda line: line.move_id in batch).unlink()
        env.flush_all()
        env.invalidate_all()
        queries_before = cr.sql_log_count
        t0 = time.perf_counter()
        env["sale.incentive.line"]._create_for_invoices(batch)
        env.flush_all()
        t_hook = time.perf_counter() - t0
        queries = cr.sql_log_count - queries_before
        batch_lines = 500 * per_invoice
        out(f"reps: {n_reps}, invoices: {n_invoices}, invoice lines: {n_lines}")
        out(f"create invoices (Odoo):            {t_create:8.2f} s")
        out(
            f"post invoices (Odoo + commissions): {t_post:8.2f} s "
            f"({n_invoices / t_post:,.0f} invoices/s, {n_lines / t_post:,.0f} lines/s)"
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
