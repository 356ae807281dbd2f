# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

from .sale_incentive_settlement_xlsx import write_table

GROUP_ACCOUNTANT = "sale_incentive.group_sale_incentive_accountant"
GROUP_ADMIN = "sale_incentive.group_sale_incentive_admin"
# the columns of a row, in order; closing = opening + capitalized - amortized
# - impaired + other
MOVEMENTS = ("opening", "capitalized", "amortized", "impaired", "other", "closing")
# what each step of a line on the asset account is in the roll-forward
STEP_COLUMNS = {
    "capitalize": "capitalized",
    "amortize": "amortized",
    "impair": "impaired",
}


class SaleIncentiveCapitalizationReport(models.TransientModel):
    """The roll-forward of the deferred-commission asset over a period, by
    plan and by beneficiary (issue 22.1): opening balance, capitalized,
    amortized, impaired, closing.

    Read from the posted lines of the asset account themselves (their
    capitalization and step), so the closing total is the account's balance
    to the cent; lines of the account that no capitalization made (a manual
    entry) are shown as "Other entries".
    """

    _name = "sale.incentive.capitalization.report"
    _description = "Deferred Commission Roll-forward"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(
        "From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
    )
    date_to = fields.Date("To", required=True, default=fields.Date.context_today)
    group_by = fields.Selection(
        [
            ("plan_partner", "Plan and beneficiary"),
            ("plan", "Plan"),
            ("partner", "Beneficiary"),
        ],
        default="plan_partner",
        required=True,
    )
    preview = fields.Html(compute="_compute_preview", sanitize=False)

    _sql_constraints = [
        (
            "period_check",
            "CHECK(date_from <= date_to)",
            "The roll-forward period must start before it ends.",
        )
    ]

    def _check_can_read(self):
        user = self.env.user
        if not (
            self.env.su
            or user.has_group(GROUP_ACCOUNTANT)
            or user.has_group(GROUP_ADMIN)
        ):
            raise AccessError(
                self.env._("The deferred commissions are finance's to report.")
            )
        if self.company_id not in self.env.companies:
            raise AccessError(self.env._("This company is not one of yours."))

    # ------------------------------------------------------------------
    # The figures
    # ------------------------------------------------------------------
    @api.model
    def _get_rollforward(self, company, date_from, date_to, group_by="plan_partner"):
        """{key: {column: amount}} of the asset account of ``company`` from
        ``date_from`` to ``date_to``; key: (plan, beneficiary) (either empty
        per ``group_by``; both empty for the other entries)."""
        account = company.incentive_deferred_account_id
        if not account:
            return {}
        Line = self.env["account.move.line"].sudo()
        base = [
            ("company_id", "=", company.id),
            ("account_id", "=", account.id),
            ("parent_state", "=", "posted"),
        ]
        opening = Line._read_group(
            base + [("date", "<", date_from)],
            ["incentive_capitalization_id"],
            ["balance:sum"],
        )
        moves = Line._read_group(
            base + [("date", ">=", date_from), ("date", "<=", date_to)],
            ["incentive_capitalization_id", "incentive_capitalization_step"],
            ["balance:sum"],
        )
        currency = company.currency_id
        rows = defaultdict(lambda: dict.fromkeys(MOVEMENTS, 0.0))

        def key(asset):
            plan = asset.plan_id if group_by != "partner" else asset.plan_id.browse()
            partner = (
                asset.partner_id if group_by != "plan" else asset.partner_id.browse()
            )
            return plan, partner

        for asset, balance in opening:
            rows[key(asset)]["opening"] += balance
        for asset, step, balance in moves:
            column = STEP_COLUMNS.get(step, "other") if asset else "other"
            # capitalized and other entries add, amortized and impaired take
            sign = -1 if column in ("amortized", "impaired") else 1
            rows[key(asset)][column] += sign * balance
        for row in rows.values():
            for column in MOVEMENTS[:-1]:
                row[column] = currency.round(row[column])
            row["closing"] = currency.round(
                row["opening"]
                + row["capitalized"]
                - row["amortized"]
                - row["impaired"]
                + row["other"]
            )
        return dict(
            sorted(
                rows.items(),
                key=lambda item: (
                    not item[0][0] and not item[0][1],
                    item[0][0].display_name or "",
                    item[0][1].display_name or "",
                ),
            )
        )

    def _get_rows(self):
        """[[plan, beneficiary, opening, ..., closing]] of the report."""
        self.ensure_one()
        self._check_can_read()
        figures = self._get_rollforward(
            self.company_id, self.date_from, self.date_to, self.group_by
        )
        other = self.env._("Other entries")
        return [
            [
                plan.display_name or ("" if partner else other),
                partner.display_name or "",
                *(row[column] for column in MOVEMENTS),
            ]
            for (plan, partner), row in figures.items()
        ]

    def _get_columns(self):
        return [
            (self.env._("Plan"), None),
            (self.env._("Beneficiary"), None),
            (self.env._("Opening"), "money"),
            (self.env._("Capitalized"), "money"),
            (self.env._("Amortized"), "money"),
            (self.env._("Impaired"), "money"),
            (self.env._("Other entries"), "money"),
            (self.env._("Closing"), "money"),
        ]

    @api.depends("company_id", "date_from", "date_to", "group_by")
    def _compute_preview(self):
        for report in self:
            if not (report.company_id and report.date_from and report.date_to):
                report.preview = False
                continue
            report.preview = report._render_preview()

    def _render_preview(self):
        columns = self._get_columns()
        rows = self._get_rows()
        currency = self.currency_id
        totals = [
            currency.round(sum(row[index] for row in rows))
            for index in range(2, len(columns))
        ]

        def money(value):
            return escape(formatLang(self.env, value, currency_obj=currency))

        head = Markup("").join(
            Markup('<th class="%s">%s</th>')
            % ("text-end" if kind else "", escape(label))
            for label, kind in columns
        )
        body = Markup("").join(
            Markup("<tr>%s</tr>")
            % Markup("").join(
                Markup('<td class="text-end">%s</td>') % money(value)
                if index >= 2
                else Markup("<td>%s</td>") % escape(value)
                for index, value in enumerate(row)
            )
            for row in rows
        )
        foot = Markup("").join(
            Markup('<td class="text-end">%s</td>') % money(value) for value in totals
        )
        return Markup(
            '<table class="table table-sm o_incentive_rollforward">'
            "<thead><tr>%s</tr></thead><tbody>%s</tbody>"
            '<tfoot class="fw-bold"><tr><td colspan="2">%s</td>%s</tr></tfoot>'
            "</table>"
        ) % (head, body, escape(self.env._("Total")), foot)

    # ------------------------------------------------------------------
    # XLSX
    # ------------------------------------------------------------------
    def action_export_xlsx(self):
        self.ensure_one()
        if not self.company_id.incentive_deferred_account_id:
            raise UserError(self.env._("Set the deferred commission account first."))
        xlsx = self.env["sale.incentive.xlsx"]
        buffer, workbook, styles = xlsx._new_workbook(self.currency_id)
        write_table(
            workbook.add_worksheet(self.env._("Roll-forward")),
            self._get_columns(),
            self._get_rows(),
            styles,
            self.env._("Total"),
        )
        workbook.close()
        name = self.env._(
            "deferred_commissions_%(date_from)s_%(date_to)s.xlsx",
            date_from=self.date_from,
            date_to=self.date_to,
        )
        return xlsx._download(name, buffer.getvalue())
