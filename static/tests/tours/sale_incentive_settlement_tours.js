import { registry } from "@web/core/registry";

// My Settlements: the settlement's number is shown whole, not cut.
registry.category("web_tour.tours").add("sale_incentive_my_settlements_number_tour", {
    steps: () => [
        {
            content: "My Settlements lists the submitted settlement",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('COM/')",
            run() {
                const cell = this.anchor;
                if (cell.scrollWidth > cell.clientWidth) {
                    throw new Error(
                        `The number is cut: ${cell.textContent} needs ${cell.scrollWidth}px, has ${cell.clientWidth}px`
                    );
                }
            },
        },
    ],
});
