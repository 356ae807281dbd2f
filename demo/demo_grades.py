# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Grades of the demo company (issue 21.2): who holds which grade since the
history starts, three months of marketing-centre tasks entered and approved
by the team's manager, and the review of the last month, which proposes
Lei Wang's move back to salesperson to Mei Chen (an activity)."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .demo_company import MONTHS

# rep: marketing-centre tasks of the last three closed months, oldest first
TASKS = {"demo_user_rep": (3, 4, 2), "demo_user_rep_jun": (6, 5, 7)}


class SaleIncentiveDemo(models.AbstractModel):
    _inherit = "sale.incentive.demo"

    @api.model
    def _load_demo_grades(self):
        def ref(name):
            return self.env.ref(f"sale_incentive.{name}")

        Assignment = self.env["sale.incentive.grade.assignment"]
        if Assignment.search_count(
            [("grade_id.id", "=", ref("demo_grade_director").id)]
        ):
            return
        ordinary = ref("demo_plan_ordinary_sales")
        if ordinary.state == "draft":
            ordinary.action_activate()
        first = fields.Date.context_today(self).replace(day=1)
        start = first - relativedelta(months=MONTHS - 1)
        key_account = ref("demo_grade_key_account")
        manager = ref("demo_user_manager")
        Assignment.create(
            [
                {"user_id": ref(rep).id, "grade_id": key_account.id}
                | {"date_from": start}
                for rep in TASKS
            ]
            + [
                {
                    "user_id": manager.id,
                    "grade_id": ref("demo_grade_director").id,
                    "date_from": start,
                }
            ]
        )
        values = self.env["sale.incentive.kpi.value"].with_user(manager)
        kpi = ref("demo_kpi_marketing_tasks")
        for rep, tasks in TASKS.items():
            for months_ago, value in zip((3, 2, 1), tasks, strict=True):
                values |= values.create(
                    {
                        "kpi_id": kpi.id,
                        "user_id": ref(rep).id,
                        "period": "month",
                        "date_from": first - relativedelta(months=months_ago),
                        "value": value,
                    }
                )
        values.action_approve()
        # the manager reviews the last month: Lei Wang's change waits for her
        key_account.with_user(manager).action_review()
