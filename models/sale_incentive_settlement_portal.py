# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models

# what an external agent sees in the portal: settlements on their way or
# booked; drafts are rebuilt by every run and cancellations are void
PORTAL_STATES = ("submitted", "approved", "validated", "executive", "posted", "paid")


class SaleIncentiveSettlement(models.Model):
    """Settlements in the customer portal (/my/commissions): an external
    agent reads theirs and downloads their statements through access tokens;
    no access right is granted to portal users."""

    _name = "sale.incentive.settlement"
    _inherit = ["sale.incentive.settlement", "portal.mixin"]

    def _compute_access_url(self):
        for settlement in self:
            settlement.access_url = f"/my/commissions/{settlement.id}"

    def _get_portal_domain(self, partner):
        """The settlements ``partner`` (a portal user's partner) may see."""
        return [
            ("partner_id", "child_of", partner.commercial_partner_id.id),
            ("state", "in", PORTAL_STATES),
        ]

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Commission Statement - %(name)s", name=self.name)
