# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo.exceptions import AccessError, MissingError
from odoo.http import request, route

from odoo.addons.portal.controllers.portal import CustomerPortal, pager

SETTLEMENT = "sale.incentive.settlement"
ACKNOWLEDGEMENT = "sale.incentive.plan.acknowledgement"


class IncentivePortal(CustomerPortal):
    """/my/commissions: an external agent's settlements and statements."""

    def _settlement_domain(self):
        return request.env[SETTLEMENT]._get_portal_domain(request.env.user.partner_id)

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "commission_count" in counters:
            values["commission_count"] = (
                request.env[SETTLEMENT].sudo().search_count(self._settlement_domain())
            )
        if "commission_plan_count" in counters:
            values["commission_plan_count"] = (
                request.env[ACKNOWLEDGEMENT]
                .sudo()
                .search_count(self._acknowledgement_domain())
            )
        return values

    @route(
        ["/my/commissions", "/my/commissions/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_commissions(self, page=1, **kw):
        Settlement = request.env[SETTLEMENT].sudo()
        domain = self._settlement_domain()
        portal_pager = pager(
            url="/my/commissions",
            total=Settlement.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        settlements = Settlement.search(
            domain, limit=self._items_per_page, offset=portal_pager["offset"]
        )
        request.session["my_commissions_history"] = settlements.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "settlements": settlements,
                "page_name": "commission",
                "pager": portal_pager,
                "default_url": "/my/commissions",
            }
        )
        return request.render("sale_incentive.portal_my_commissions", values)

    @route(
        ["/my/commissions/<int:settlement_id>"],
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_commission(
        self, settlement_id, access_token=None, report_type=None, download=False, **kw
    ):
        """One settlement: its page (the statement shown in the browser, its
        download and its messages) or, with ``report_type``, the statement
        itself; for its beneficiary (a portal user among the partner's
        contacts), through its access token, or for an internal user who may
        read it; anything else is not found."""
        try:
            settlement = self._settlement_check_access(settlement_id, access_token)
        except (AccessError, MissingError):
            raise request.not_found() from None
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=settlement,
                report_type=report_type,
                report_ref="sale_incentive.action_report_settlement",
                download=download,
            )
        values = self._get_page_view_values(
            settlement,
            access_token,
            {"page_name": "commission", "settlement": settlement},
            "my_commissions_history",
            False,
            **kw,
        )
        return request.render("sale_incentive.portal_my_commission_page", values)

    def _settlement_check_access(self, settlement_id, access_token):
        """The settlement (sudo) if the user may read it, else raise."""
        if access_token:
            return self._document_check_access(SETTLEMENT, settlement_id, access_token)
        settlement = request.env[SETTLEMENT].sudo().browse(settlement_id).exists()
        if not settlement or request.env.user._is_public():
            raise MissingError(request.env._("This statement does not exist."))
        own = self._settlement_domain() + [("id", "=", settlement.id)]
        if not settlement.search_count(own):
            # internal users read what their access rights let them
            return self._document_check_access(SETTLEMENT, settlement_id)
        return settlement

    # ------------------------------------------------------------------
    # My Commission Plans (issue 22.3): read each version, accept it
    # ------------------------------------------------------------------
    def _acknowledgement_domain(self):
        """The plan acknowledgements of the user themself (no one else's)."""
        return [("partner_id", "=", request.env.user.partner_id.id)]

    def _acknowledgement_check_access(self, acknowledgement_id):
        """The user's own acknowledgement (sudo), else raise."""
        if request.env.user._is_public():
            raise MissingError(request.env._("This plan does not exist."))
        acknowledgement = (
            request.env[ACKNOWLEDGEMENT]
            .sudo()
            .search(self._acknowledgement_domain() + [("id", "=", acknowledgement_id)])
        )
        if not acknowledgement:
            raise MissingError(request.env._("This plan does not exist."))
        return acknowledgement

    @route(["/my/commission-plans"], type="http", auth="user", website=True)
    def portal_my_commission_plans(self, **kw):
        acknowledgements = (
            request.env[ACKNOWLEDGEMENT].sudo().search(self._acknowledgement_domain())
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "acknowledgements": acknowledgements,
                "page_name": "commission_plan",
                "accepted": kw.get("accepted"),
            }
        )
        return request.render("sale_incentive.portal_my_commission_plans", values)

    @route(
        ["/my/commission-plans/<int:acknowledgement_id>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_commission_plan(
        self, acknowledgement_id, report_type="pdf", download=False, **kw
    ):
        """The plan document of the user, in their language."""
        try:
            acknowledgement = self._acknowledgement_check_access(acknowledgement_id)
        except (AccessError, MissingError):
            raise request.not_found() from None
        return self._show_report(
            model=acknowledgement,
            report_type=report_type if report_type in ("html", "pdf") else "pdf",
            report_ref="sale_incentive.action_report_plan_acknowledgement",
            download=download,
        )

    @route(
        ["/my/commission-plans/<int:acknowledgement_id>/accept"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_accept_commission_plan(self, acknowledgement_id, **kw):
        """Accept the plan version (a CSRF-protected form POST)."""
        try:
            acknowledgement = self._acknowledgement_check_access(acknowledgement_id)
        except (AccessError, MissingError):
            raise request.not_found() from None
        acknowledgement._check_can_accept()
        acknowledgement._do_accept("portal", request.httprequest.remote_addr)
        return request.redirect("/my/commission-plans?accepted=1")
