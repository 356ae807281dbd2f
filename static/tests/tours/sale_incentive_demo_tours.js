import { registry } from "@web/core/registry";
import { tourState } from "@web_tour/tour_service/tour_state";
import { openApp, openCommissionsMenu, openSalesCommissions } from "./sale_incentive_tour_steps";

// The demo company in the browser (issue #20). The figures are not written
// here: tests/test_demo_tours.py reads them from the demo database (its
// settlements, their lines, the payout entry) and passes them in the tour's
// options (``saleIncentive``), kept by the tour runner across page loads
// (the runner also builds the steps before saving the options: none then).
function expected() {
    return tourState.getCurrentConfig()?.saleIncentive || {};
}

// The figure of a cell or button: its digits, separators and sign, without
// the currency symbol and spaces.
function figureOf(element) {
    return element.textContent.replace(/[^\d.,-]/g, "");
}

// The demo company is larger than the suite's data and the tests share a
// small machine: each step may wait 30 s (Odoo's default is 10 s).
function patient(steps) {
    return steps.map((step) => ({ timeout: 30000, ...step }));
}

// A step that fails unless the element ``trigger`` shows exactly ``amount``
// (formatted by the test in the user's language).
function amountStep(content, trigger, amount) {
    return {
        content: `${content}: ${amount}`,
        trigger,
        run() {
            const shown = figureOf(this.anchor);
            if (shown !== amount) {
                throw new Error(`${content}: ${shown} shown, ${amount} expected`);
            }
        },
    };
}

// The list row of the plan ``plan`` starting on ``date`` (as shown).
function periodRow(plan, date) {
    return (
        `.o_list_view .o_data_row:has(td[name='plan_id']:contains('${plan}'))` +
        `:has(td[name='date_from']:contains('${date}'))`
    );
}

// The rep: My Commissions shows, for each closed month, what that month's
// settlement pays before its period policies (its commission and clawback
// components).
registry.category("web_tour.tours").add("sale_incentive_demo_rep_tour", {
    steps: () =>
        patient([
            ...openSalesCommissions("menu_sale_incentive_my"),
            ...(expected().periods || []).map((period) =>
                amountStep(
                    `My Commissions, ${period.plan} from ${period.date}, earned`,
                    `${periodRow(period.plan, period.date)} td[name='earned']`,
                    period.earned
                )
            ),
        ]),
});

// The rep: My Commissions shows, for each row of the open period, what
// settling it now pays (its projected payout, net of the holdback).
registry.category("web_tour.tours").add("sale_incentive_demo_projected_tour", {
    steps: () =>
        patient([
            ...openSalesCommissions("menu_sale_incentive_my"),
            ...(expected().periods || []).map((period) =>
                amountStep(
                    `My Commissions, ${period.plan} from ${period.date}, projected payout`,
                    `${periodRow(period.plan, period.date)} td[name='projected_payout']`,
                    period.projected
                )
            ),
        ]),
});

// The order's Commission button shows what the lines it opens add up to.
registry.category("web_tour.tours").add("sale_incentive_demo_order_button_tour", {
    steps: () =>
        patient([
            amountStep(
                "The order's Commission button",
                ".o_form_view button[name='action_view_incentive_lines'] .o_stat_value",
                expected().amount
            ),
            {
                content: "Open the lines behind the button",
                trigger: ".o_form_view button[name='action_view_incentive_lines']",
                run: "click",
            },
            {
                content: `The total of the lines it opens: ${expected().amount}`,
                trigger: ".o_pivot_view .o_pivot table tbody tr:first-child td.o_pivot_cell_value",
                run() {
                    // the grand total: the last cell of the total row
                    const cells = this.anchor.parentElement.querySelectorAll(
                        "td.o_pivot_cell_value"
                    );
                    const shown = figureOf(cells[cells.length - 1]);
                    if (shown !== expected().amount) {
                        throw new Error(
                            `The lines it opens: ${shown} shown, ${expected().amount} expected`
                        );
                    }
                },
            },
        ]),
});

// The manager: Commissions > Adjustments > New, the plan picked in its
// dropdown (the company's plans), the beneficiary, amount and reason, saved.
registry.category("web_tour.tours").add("sale_incentive_demo_adjustment_tour", {
    steps: () => {
        const adjustment = expected();
        return patient([
            ...openSalesCommissions("menu_sale_incentive_adjustment"),
            {
                content: "New adjustment",
                trigger: ".o_control_panel_main_buttons .o_list_button_add",
                run: "click",
            },
            {
                content: "Pick the plan",
                trigger: ".o_form_view .o_field_widget[name='plan_id'] input",
                run: `edit ${adjustment.plan}`,
            },
            {
                content: "The dropdown offers the company's plan",
                trigger: `.o-autocomplete--dropdown-menu li a:contains('${adjustment.plan}')`,
                run: "click",
            },
            {
                content: "Pick the beneficiary",
                trigger: ".o_form_view .o_field_widget[name='user_id'] input",
                run: `edit ${adjustment.beneficiary}`,
            },
            {
                trigger: `.o-autocomplete--dropdown-menu li a:contains('${adjustment.beneficiary}')`,
                run: "click",
            },
            {
                content: "The amount",
                trigger: ".o_form_view .o_field_widget[name='amount'] input",
                run: `edit ${adjustment.amount}`,
            },
            {
                content: "The reason",
                trigger: ".o_form_view .o_field_widget[name='reason'] textarea",
                run: `edit ${adjustment.reason}`,
            },
            {
                content: "Save",
                trigger: ".o_form_button_save",
                run: "click",
            },
            {
                content: "Saved, as a draft to approve",
                trigger: ".o_form_view:has(.o_form_status_indicator_buttons.invisible) .o_statusbar_status button.o_arrow_button_current:contains('Draft')",
            },
            amountStep(
                "The saved amount",
                ".o_form_view .o_field_widget[name='amount']",
                adjustment.amount_shown
            ),
        ]);
    },
});

// The accountant: Invoicing > Commissions > Settlements lists the approved
// settlements to validate and the posted ones to pay with what each pays;
// a posted one opens its payout entry, whose journal items she reads.
registry.category("web_tour.tours").add("sale_incentive_demo_accountant_tour", {
    steps: () => {
        const figures = expected();
        const posted = figures.entry || {};
        return patient([
            ...openApp("account.menu_finance", "Invoicing"),
            ...openCommissionsMenu("menu_account_incentive_root", "menu_account_incentive_settlement"),
            ...(figures.settlements || []).map((settlement) =>
                amountStep(
                    `${settlement.name} (${settlement.state}) to pay`,
                    `.o_list_view .o_data_row:has(td[name='name']:contains('${settlement.name}')) td[name='amount_payable']`,
                    settlement.amount
                )
            ),
            {
                content: `Open the posted settlement ${posted.name}`,
                trigger: `.o_list_view .o_data_row td[name='name']:contains('${posted.name}')`,
                run: "click",
            },
            {
                content: "Its payout entry",
                trigger: ".o_form_view button[name='action_view_move']",
                run: "click",
            },
            {
                content: "The entry is posted",
                trigger: `.o_form_view .o_field_widget[name='name']:contains('${posted.move}')`,
            },
            {
                content: "Its journal items",
                trigger: ".o_notebook .nav-link:contains('Journal Items')",
                run: "click",
            },
            amountStep(
                `The payable (${posted.account}) credited`,
                `.o_field_widget[name='line_ids'] .o_data_row:has(td[name='account_id']:contains('${posted.account}')) td[name='credit']`,
                posted.credit
            ),
        ]);
    },
});

// The incentive administrator: Sales > Configuration > Commissions >
// Commission Payouts opens on the company's payout journal and accounts.
registry.category("web_tour.tours").add("sale_incentive_demo_payout_settings_tour", {
    steps: () => {
        const settings = expected();
        return patient([
            ...openApp("sale.sale_menu_root", "Sales"),
            {
                content: "Open Configuration",
                trigger: ".o_menu_sections [data-menu-xmlid='sale.menu_sale_config']",
                run: "click",
            },
            {
                content: "Open Commission Payouts",
                trigger: ".dropdown-menu [data-menu-xmlid='sale_incentive.menu_sale_incentive_payout_settings']",
                run: "click",
            },
            ...Object.entries(settings.fields || {}).map(([name, value]) => ({
                content: `${name} is ${value}`,
                trigger: `.o_form_view .o_field_widget[name='${name}'] input`,
                run() {
                    if (this.anchor.value !== value) {
                        throw new Error(`${name}: ${this.anchor.value} shown, ${value} expected`);
                    }
                },
            })),
            // leave the form for the Sales app (nothing left to save when the
            // tour ends)
            ...openApp("sale.sale_menu_root", "Sales"),
            {
                content: "The Sales app is open",
                trigger: ".o_action_manager .o_view_controller:not(.o_form_view)",
            },
        ]);
    },
});

// A Chinese-speaking rep reads his last paid statement on his portal page
// (/my/commissions, then the settlement): the statement, shown in the page,
// says what it pays in Chinese financial uppercase.
registry.category("web_tour.tours").add("sale_incentive_demo_chinese_statement_tour", {
    steps: () => {
        const statement = expected();
        return patient([
            {
                content: `Open the statement ${statement.name}`,
                trigger: `.o_portal_my_doc_table a:contains('${statement.name}'):not(:has(.fa-download))`,
                run: "click",
            },
            {
                content: `The statement says ${statement.words}`,
                trigger: `:iframe p[name='amount_in_words']:contains('${statement.words}')`,
            },
            {
                content: "The page offers its download",
                trigger: ".o_portal_commission_sidebar a.o_download_btn[href*='download=true']",
            },
            {
                content: "The rep can write about it (the messages are loaded)",
                trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            },
        ]);
    },
});
