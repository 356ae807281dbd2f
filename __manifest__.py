# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
{
    "name": "Sales Incentives",
    "summary": "Sales commissions, targets, KPI scorecards and payouts, "
    "from the sale order to the journal entry",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sale-incentive/sale_incentive",
    "author": "sale_incentive developers",
    "license": "LGPL-3",
    "depends": ["sale_management", "account"],
    "external_dependencies": {"python": ["xlsxwriter", "num2words"]},
    "data": [
        "security/sale_incentive_security.xml",
        "security/ir.model.access.csv",
        "data/sale_incentive_settlement_data.xml",
        "views/sale_incentive_plan_views.xml",
        "views/sale_incentive_line_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/sale_incentive_settlement_views.xml",
        "views/res_config_settings_views.xml",
        "views/sale_incentive_menus.xml",
        "report/sale_incentive_settlement_report.xml",
        "wizards/sale_incentive_settle_wizard_views.xml",
        "wizards/sale_incentive_forfeit_wizard_views.xml",
    ],
    "demo": [
        "demo/sale_incentive_demo.xml",
    ],
}
