import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// An incentive administrator drafts a plan, simulates it on last quarter and
// activates it.
registry.category("web_tour.tours").add("sale_incentive_plan_simulate_tour", {
    steps: () => [
        {
            content: "Create a plan",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Tour 5%",
        },
        {
            content: "A new plan is a draft",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Draft')",
        },
        {
            content: "Open the beneficiaries",
            trigger: "a[name='beneficiaries']",
            run: "click",
        },
        {
            content: "Add the salesperson",
            trigger: ".o_field_widget[name='user_ids'] input",
            run: "edit Rep_A",
        },
        {
            content: "Pick them",
            trigger: ".o_field_widget[name='user_ids'] .o-autocomplete--dropdown-item a:contains('Rep_A')",
            run: "click",
        },
        {
            content: "Open the rules",
            trigger: "a[name='rules']",
            run: "click",
        },
        {
            content: "Add a rule",
            trigger: ".o_field_widget[name='rule_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Name the rule",
            trigger: ".modal .o_field_widget[name='name'] input",
            run: "edit Five percent",
        },
        {
            content: "5% of the revenue",
            trigger: ".modal .o_field_widget[name='rate'] input",
            run: "edit 5",
        },
        {
            content: "Keep the rule",
            trigger: ".modal .modal-footer .o_form_button_save",
            run: "click",
        },
        {
            content: "The rule is listed",
            trigger: ".o_field_widget[name='rule_ids'] .o_data_row:contains('Five percent')",
        },
        ...stepUtils.saveForm(),
        {
            content: "Simulate the draft",
            trigger: "button[name='action_simulate']",
            run: "click",
        },
        {
            content: "Last quarter is proposed: run it",
            trigger: ".modal button[name='action_simulate']",
            run: "click",
        },
        {
            content: "The salesperson would have earned 5% of last quarter's 10,000",
            trigger: ".modal .o_field_widget[name='line_ids'] .o_data_row:contains('Rep_A'):contains('500.00')",
        },
        {
            content: "Nothing was settled under this plan: the difference is all of it",
            trigger: ".modal .o_field_widget[name='amount_difference']:contains('500.00')",
        },
        {
            content: "Close the simulation",
            trigger: ".modal .modal-footer button:contains('Close')",
            run: "click",
        },
        {
            content: "Activate the plan",
            trigger: "body:not(:has(.modal)) button[name='action_activate']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The plan is in force",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Active')",
        },
    ],
});
