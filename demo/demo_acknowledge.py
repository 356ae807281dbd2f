# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The demo's plan acknowledgements (issue 22.3).

The demo plans asked every beneficiary to acknowledge them when they were
activated (demo/sale_incentive_demo.xml); here some reps accept theirs,
themselves, through the action they click in the backend.  The others stay
to acknowledge: their settlements show it.
"""

from odoo import api, models

# rep: the plans they accepted (the others stay to acknowledge)
ACCEPTED = {
    "demo_user_rep": ("demo_plan_key_accounts",),
    "demo_user_rep_jun": ("demo_plan_key_accounts",),
    "demo_user_rep_fang": ("demo_plan_holdback",),
}


class SaleIncentiveDemo(models.AbstractModel):
    _inherit = "sale.incentive.demo"

    @api.model
    def _load_demo_acknowledge(self):
        """Some reps accept their plan, as they would in the backend."""
        Ack = self.env["sale.incentive.plan.acknowledgement"]
        for rep_xmlid, plan_xmlids in ACCEPTED.items():
            rep = self.env.ref(f"sale_incentive.{rep_xmlid}")
            plans = self.env["sale.incentive.plan"].browse(
                [self.env.ref(f"sale_incentive.{xmlid}").id for xmlid in plan_xmlids]
            )
            acks = Ack.search(
                [
                    ("plan_id", "in", plans.ids),
                    ("partner_id", "=", rep.partner_id.id),
                    ("state", "=", "pending"),
                ]
            )
            acks.with_user(rep).action_accept()
