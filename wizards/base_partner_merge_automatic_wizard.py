# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _get_fk_on(self, table):
        # the commission lines' partner columns have no foreign key (see
        # sale.incentive.line's NO_FOREIGN_KEY): merged like those that have
        return super()._get_fk_on(table) + self.env[
            "sale.incentive.line"
        ]._get_unchecked_references(table)
