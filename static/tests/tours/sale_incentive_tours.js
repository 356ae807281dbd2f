import { registry } from "@web/core/registry";
import { openApp, openCommissionsMenu } from "./sale_incentive_tour_steps";

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

// The accountant settles the period from Invoicing > Commissions.
registry.category("web_tour.tours").add("sale_incentive_accountant_settle_tour", {
    steps: () => [
        ...openApp("account.menu_finance", "Invoicing"),
        ...openCommissionsMenu("menu_account_incentive_root"),
        {
            content: "Settle a Period",
            trigger: "[data-menu-xmlid='sale_incentive.menu_account_incentive_settle']",
            run: "click",
        },
        {
            content: "Settle the proposed period: the last closed month",
            trigger: ".modal button[name='action_settle']",
            run: "click",
        },
        {
            content: "The draft shows what is owed",
            trigger: ".o_list_view .o_data_row:contains('Rep_A') td[name='amount_total']:contains('300.00')",
        },
    ],
});

// The accountant validates, posts and pays the approved settlement.
registry.category("web_tour.tours").add("sale_incentive_accountant_pay_tour", {
    steps: () => [
        ...openApp("account.menu_finance", "Invoicing"),
        ...openCommissionsMenu("menu_account_incentive_root"),
        {
            content: "Settlements to validate, post or pay",
            trigger: "[data-menu-xmlid='sale_incentive.menu_account_incentive_settlement']",
            run: "click",
        },
        {
            content: "The approved settlement waits, with its amount",
            trigger: ".o_list_view .o_data_row:contains('Rep_A'):contains('300.00') td[name='partner_id']",
            run: "click",
        },
        {
            content: "Validate it",
            trigger: ".o_form_view button[name='action_validate']",
            run: "click",
        },
        {
            content: "Post it",
            trigger: ".o_form_view button[name='action_post']",
            run: "click",
        },
        {
            content: "It is posted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
        {
            content: "Register the payment",
            trigger: ".o_form_view button[name='action_register_payment']",
            run: "click",
        },
        {
            content: "The payment wizard proposes the amount to pay",
            trigger: ".modal .o_field_widget[name='amount'] input:value(300.00)",
        },
        {
            content: "Create the payment",
            trigger: ".modal button[name='action_create_payments']",
            run: "click",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
