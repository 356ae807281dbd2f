# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models


class SaleIncentiveProjectedMixin(models.AbstractModel):
    """Records that show a projected payout (My Commissions' rows, the Team
    Board's targets).

    Reading that figure runs the settlement of the open period inside a
    savepoint, rolled back (``sale.incentive.simulation._project_records``):
    it writes before it rolls back.  The web client's reads are read-only
    transactions by default (``@api.readonly``); here they take a read/write
    one at once, instead of failing on the settlement's first lock and being
    retried by Odoo with a warning in the log."""

    _name = "sale.incentive.projected.mixin"
    _description = "Sales Incentive Projected Payout Reader"

    @api.model
    def web_search_read(self, *args, **kwargs):
        return super().web_search_read(*args, **kwargs)

    def web_read(self, *args, **kwargs):
        return super().web_read(*args, **kwargs)

    def read(self, *args, **kwargs):
        return super().read(*args, **kwargs)

    # not @api.readonly (see the class)
    web_search_read._readonly = web_read._readonly = read._readonly = False
