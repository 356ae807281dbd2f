import { registry } from "@web/core/registry";
import { openSalesCommissions } from "./sale_incentive_tour_steps";

// The rep sees what a draft quotation would earn, beside its total and per
// line, updated as a line changes.
registry.category("web_tour.tours").add("sale_incentive_quotation_estimate_tour", {
    steps: () => [
        {
            content: "Beside the total, the draft quotation shows what confirming it earns",
            trigger: ".o_form_view .oe_subtotal_footer .o_field_widget[name='incentive_estimate']:contains('1,500.00')",
        },
        {
            content: "and how",
            trigger: ".o_form_view .oe_subtotal_footer .o_field_widget[name='incentive_estimate_note']:contains('10%')",
        },
        {
            content: "and per line",
            trigger: ".o_field_widget[name='order_line'] .o_data_row:first td[name='incentive_estimate']:contains('1,500.00')",
        },
        {
            content: "Open the quantity of the line",
            trigger: ".o_field_widget[name='order_line'] .o_data_row:first td[name='product_uom_qty']",
            run: "click",
        },
        {
            content: "Sell 20 instead of 15",
            trigger: ".o_field_widget[name='order_line'] .o_data_row .o_field_widget[name='product_uom_qty'] input",
            run: "edit 20",
        },
        {
            content: "Leave the line for the estimate",
            trigger: ".o_form_view .oe_subtotal_footer",
            run: "click",
        },
        {
            content: "The estimate follows the line before saving",
            trigger: ".o_form_view .oe_subtotal_footer .o_field_widget[name='incentive_estimate']:contains('2,000.00')",
        },
        {
            content: "Save the quotation",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, still a quotation earning 2,000.00 if confirmed",
            trigger: ".o_form_view:has(.o_form_status_indicator_buttons.invisible) .o_field_widget[name='incentive_estimate']:contains('2,000.00')",
        },
        {
            content: "the line's part too",
            trigger: ".o_field_widget[name='order_line'] .o_data_row:first td[name='incentive_estimate']:contains('2,000.00')",
        },
    ],
});

// The row of this month's period of the plan "Rep Plan", then its lines;
// ``labels`` are the texts shown in the user's language.
function periodRowSteps(labels) {
    const row = ".o_list_view .o_data_row:contains('Rep Plan')";
    return [
        {
            content: "The columns are labelled",
            trigger: `.o_list_view thead th[data-name='target']:contains('${labels.target}')`,
        },
        {
            trigger: `.o_list_view thead th[data-name='achievement']:contains('${labels.achievement}')`,
        },
        {
            trigger: `.o_list_view thead th[data-name='earned']:contains('${labels.earned}')`,
        },
        {
            content: "The period's target",
            trigger: `${row} td[name='target']:contains('20,000.00')`,
        },
        {
            content: "what is achieved",
            trigger: `${row} td[name='achieved']:contains('10,000.00')`,
        },
        {
            content: "the % of target",
            trigger: `${row} td[name='achievement']:contains('50')`,
        },
        {
            content: "what is earned",
            trigger: `${row} td[name='earned']:contains('1,000.00')`,
        },
        {
            content: "what is settled",
            trigger: `${row} td[name='settled']:contains('1,000.00')`,
        },
        {
            content: "and what the confirmed orders forecast",
            trigger: `${row} td[name='forecast']:contains('1,500.00')`,
        },
        {
            content: "Open the period",
            trigger: `${row} td[name='plan_id']`,
            run: "click",
        },
        {
            content: "Its settled line, with its status",
            trigger: `.o_list_view .o_data_row:contains('${labels.settled}') td[name='amount']:contains('1,000.00')`,
        },
        {
            content: "and its forecast line",
            trigger: `.o_list_view .o_data_row:contains('${labels.forecast}') td[name='amount']:contains('500.00')`,
        },
    ];
}

// The rep reads their commissions by period and opens a period.
registry.category("web_tour.tours").add("sale_incentive_period_tour", {
    steps: () => [
        ...openSalesCommissions("menu_sale_incentive_my"),
        ...periodRowSteps({
            target: "Target",
            achievement: "% of Target",
            earned: "Earned",
            settled: "Settled",
            forecast: "Forecast",
        }),
    ],
});

// The same, in Simplified Chinese.
registry.category("web_tour.tours").add("sale_incentive_period_zh_tour", {
    steps: () => [
        ...openSalesCommissions("menu_sale_incentive_my"),
        {
            content: "The menu and the view are in Chinese",
            trigger: ".o_breadcrumb:contains('我的提成')",
        },
        ...periodRowSteps({
            target: "目标",
            achievement: "目标完成率",
            earned: "已确认",
            settled: "已结算",
            forecast: "预估",
        }),
    ],
});

// The rep acknowledges the approved statement, then disputes a line of it.
registry.category("web_tour.tours").add("sale_incentive_statement_tour", {
    steps: () => [
        {
            content: "My Settlements lists the approved settlement with what it pays",
            trigger: ".o_list_view .o_data_row:contains('Rep Plan'):contains('1,000.00') td[name='name']",
            run: "click",
        },
        {
            content: "The statement line to check",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:contains('Line commissions') td[name='amount']:contains('1,000.00')",
        },
        {
            content: "The rep acknowledges the statement",
            trigger: ".o_form_view button[name='action_acknowledge']",
            run: "click",
        },
        {
            content: "The acknowledgement is logged",
            trigger: ".o-mail-Message:contains('Statement acknowledged by Rep_A')",
        },
        {
            content: "and the button is gone",
            trigger: ".o_form_view:not(:has(button[name='action_acknowledge'])) .o_field_widget[name='line_ids']",
        },
        {
            content: "Dispute the commission line",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:contains('Line commissions') button[name='action_dispute']",
            run: "click",
        },
        {
            content: "The wizard shows the disputed amount",
            trigger: ".modal .o_field_widget[name='amount']:contains('1,000.00')",
        },
        {
            content: "The reason",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit The order of 2 March is missing",
        },
        {
            content: "Dispute",
            trigger: ".modal button[name='action_confirm']:contains('Dispute')",
            run: "click",
        },
        {
            content: "The line is flagged disputed",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:contains('Line commissions') td[name='dispute_state']:contains('Disputed')",
        },
        {
            content: "and the dispute is logged with its reason",
            trigger: ".o-mail-Message:contains('The order of 2 March is missing')",
        },
    ],
});
