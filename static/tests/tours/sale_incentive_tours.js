import { registry } from "@web/core/registry";

// A sales rep checks what an invoiced order earned them.
registry.category("web_tour.tours").add("sale_incentive_rep_tour", {
    steps: () => [
        {
            content: "My Commissions lists the accrued line with its explanation",
            trigger: ".o_list_view .o_data_row:contains('3% × 10,000.00') td[name='explanation']",
            run: "click",
        },
        {
            content: "The line form shows the amount earned",
            trigger: ".o_form_view .o_field_widget[name='amount']:contains('300.00')",
        },
        {
            content: "and the rule that computed it",
            trigger: ".o_form_view .o_field_widget[name='rule_id']:contains('Standard')",
        },
    ],
});

// A sales rep sees the expected commission on a confirmed order.
registry.category("web_tour.tours").add("sale_incentive_order_tour", {
    steps: () => [
        {
            content: "The order's Commission button shows the forecast",
            trigger: "button[name='action_view_incentive_lines']:contains('450.00')",
            run: "click",
        },
        {
            content: "It opens the order's commission lines",
            trigger: ".o_list_view .o_data_row:contains('Forecast'), .o_pivot_view",
        },
    ],
});

// A sales manager approves a rep's submitted settlement.
registry.category("web_tour.tours").add("sale_incentive_settlement_approve_tour", {
    steps: () => [
        {
            content: "The settlement shows its explained components",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:contains('Commissions of 1 lines')",
        },
        {
            content: "The manager approves it",
            trigger: "button[name='action_approve']",
            run: "click",
        },
        {
            content: "It is now approved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
    ],
});
