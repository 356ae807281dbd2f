# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from odoo import api, models


class SaleIncentiveForecast(models.AbstractModel):
    """The forecast: what confirmed orders will earn once invoiced.

    Confirming or changing an order drops its forecast lines and flags it
    (``_refresh_forecast``); a background job writes them again
    (``_cron_refresh_forecast``).  Until it has run, the order's figures are
    computed on read by the same engine (``_get_pending_forecast_vals``).
    """

    _name = "sale.incentive.forecast"
    _description = "Sales Incentive Forecast"

    @api.model
    def _get_forecast_lines(self, orders):
        """The forecast lines of ``orders`` (all of them, whoever reads)."""
        return (
            self.env["sale.incentive.line"]
            .sudo()
            .search([("order_id", "in", orders.ids), ("kind", "=", "forecast")])
        )

    @api.model
    def _refresh_forecast(self, orders):
        """Forecast of ``orders`` out of date (confirmed, cancelled, changed):
        their forecast lines are dropped now and written again by a
        background job (``_cron_refresh_forecast``), so confirming an order
        costs no commission computation.  Until the job has run, the order's
        figures (button, line column) are computed on read from the order
        lines by the same engine (``_get_pending_forecast_vals``)."""
        self._get_forecast_lines(orders).unlink()
        orders = orders.sudo()
        confirmed = orders.filtered(lambda o: o.state == "sale")
        stale = (orders - confirmed).filtered("incentive_forecast_pending")
        if stale:
            stale.incentive_forecast_pending = False
        todo = confirmed.filtered(lambda o: not o.incentive_forecast_pending)
        if todo:
            todo.incentive_forecast_pending = True
        if confirmed:
            self.env.ref("sale_incentive.ir_cron_incentive_forecast")._trigger()
        return self

    @api.model
    def _write_forecast(self, orders):
        """Write the forecast lines of ``orders`` now (confirmed ones only),
        replacing those they have."""
        self._get_forecast_lines(orders).unlink()
        orders = orders.sudo()
        lines = self.env["sale.incentive.accrual"]._create_lines(
            self._prepare_forecast_vals(orders.filtered(lambda o: o.state == "sale"))
        )
        pending = orders.filtered("incentive_forecast_pending")
        if pending:
            pending.incentive_forecast_pending = False
        return lines

    @api.model
    def _prepare_forecast_vals(self, orders):
        """Forecast line values of ``orders``, computed without writing."""
        sources = orders.order_line.filtered(
            lambda l: not l.display_type and l.product_id
        )._prepare_incentive_sources()
        if not sources:
            return []
        accrual = self.env["sale.incentive.accrual"]
        return accrual._prepare_lines_for_sources(sources, "forecast")

    @api.model
    def _get_pending_forecast_vals(self, orders):
        """Forecast line values of the confirmed ``orders`` whose lines the
        background job has not written yet, restricted to the lines the
        current user may read (what they would see once written)."""
        pending = orders.sudo().filtered(
            lambda o: o.state == "sale" and o.incentive_forecast_pending
        )
        if not pending:
            return []
        vals_list = self.sudo()._prepare_forecast_vals(pending)
        if self.env.su or not vals_list:
            return vals_list
        return self._filter_readable_vals(vals_list)

    @api.model
    def _filter_readable_vals(self, vals_list):
        """The line values of ``vals_list`` whose lines the current user could
        read once written (the record rules of commission lines)."""
        lines = self.env["sale.incentive.line"]
        lines.check_access("read")
        domain = self.env["ir.rule"]._compute_domain(lines._name, "read")
        if not domain:
            return vals_list
        fields_read = {"company_id", "user_id", "team_id", "partner_id", "plan_id"}
        drafts = [
            lines.new({k: v for k, v in vals.items() if k in fields_read})
            for vals in vals_list
        ]
        visible = set(lines.concat(*drafts).filtered_domain(domain))
        return [
            vals
            for vals, draft in zip(vals_list, drafts, strict=True)
            if draft in visible
        ]

    @api.model
    def _sum_vals(self, vals_list, key):
        """{vals[key]: total amount} of line values, in the company
        currency's digits."""
        totals = defaultdict(float)
        currencies = {}
        for vals in vals_list:
            totals[vals[key]] += vals["amount"]
            currencies[vals[key]] = vals["company_id"]
        companies = self.env["res.company"].browse(set(currencies.values()))
        rounding = {company.id: company.currency_id for company in companies}
        return {
            k: rounding[currencies[k]].round(amount) for k, amount in totals.items()
        }

    @api.model
    def _cron_refresh_forecast(self, batch_size=200):
        """Write the forecast lines of the orders waiting for them, by batch
        (the cron commits and calls again while some remain)."""
        domain = [("incentive_forecast_pending", "=", True)]
        orders = self.env["sale.order"].sudo().search(domain, limit=batch_size)
        self._write_forecast(orders)
        remaining = self.env["sale.order"].sudo().search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(orders), remaining=remaining)
