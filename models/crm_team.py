# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    @api.ondelete(at_uninstall=False)
    def _unlink_incentive_references(self):
        # no foreign key from the commission lines (see NO_FOREIGN_KEY)
        self.env["sale.incentive.line"]._on_target_unlink(self)
