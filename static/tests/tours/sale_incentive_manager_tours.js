import { registry } from "@web/core/registry";
import { openCommissionsMenu, openSalesCommissions } from "./sale_incentive_tour_steps";

// The manager's day: the team board, a settlement to approve, a credit dispute.
registry.category("web_tour.tours").add("sale_incentive_manager_tour", {
    steps: () => [
        ...openSalesCommissions("menu_sale_incentive_team_board"),
        {
            content: "Rep_A's card: 4,000.00 achieved of a 10,000.00 target",
            trigger:
                ".o_kanban_record:contains('Rep_A') .o_incentive_board_achieved:contains('4,000.00')",
        },
        {
            content: "Rep_A's card: the target",
            trigger:
                ".o_kanban_record:contains('Rep_A') .o_incentive_board_target:contains('10,000.00')",
        },
        {
            content: "Rep_A's card: 40% of the target",
            trigger: ".o_kanban_record:contains('Rep_A') .o_progressbar:contains('40')",
        },
        {
            content: "Rep_A's card: forecast 180.00, earned 120.00",
            trigger:
                ".o_kanban_record:contains('Rep_A'):has(.o_incentive_board_forecast:contains('180.00')) .o_incentive_board_earned:contains('120.00')",
        },
        {
            content: "Rep_B's card: 2,000.00 of 8,000.00 (25%), forecast 120.00, earned 60.00",
            trigger:
                ".o_kanban_record:contains('Rep_B'):has(.o_incentive_board_achieved:contains('2,000.00')):has(.o_incentive_board_target:contains('8,000.00')):has(.o_progressbar:contains('25')):has(.o_incentive_board_forecast:contains('120.00')) .o_incentive_board_earned:contains('60.00')",
        },
        ...openCommissionsMenu("menu_sale_incentive_root", "menu_sale_incentive_settlement_waiting"),
        {
            content: "Rep_B's submitted settlement waits for the manager",
            trigger:
                ".o_list_view .o_data_row:contains('Rep_B'):contains('30.00') td[name='partner_id']",
            run: "click",
        },
        {
            content: "The manager approves it",
            trigger: ".o_form_view button[name='action_approve']",
            run: "click",
        },
        {
            content: "It is approved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
        ...openCommissionsMenu("menu_sale_incentive_root", "menu_sale_incentive_conflicts"),
        {
            content: "The disputed order",
            trigger: ".o_list_view .o_data_row:contains('Owned Co') td[name='name']",
            run: "click",
        },
        {
            content: "Resolve the credit",
            trigger: ".o_form_view button[name='action_incentive_resolve']",
            run: "click",
        },
        {
            content: "The wizard proposes the claimant, Rep_A",
            trigger: ".modal .o_field_widget[name='user_id'] input:value(Rep_A)",
        },
        {
            content: "The manager gives the reason",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Rep_A closed it",
        },
        {
            content: "and resolves",
            trigger: ".modal button[name='action_resolve']",
            run: "click",
        },
        {
            content: "The order is resolved: no banner, no Resolve button",
            trigger:
                ".o_form_view:not(:has(.alert-warning)):not(:has(button[name='action_incentive_resolve'])) button[name='action_incentive_dispute']",
        },
        {
            content: "Back to the credit conflicts",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Credit Conflicts')",
            run: "click",
        },
        {
            content: "No dispute is left",
            trigger: ".o_action_manager:has(.o_view_nocontent):not(:has(.o_form_view))",
        },
    ],
});
