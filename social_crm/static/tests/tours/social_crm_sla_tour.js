import { registry } from "@web/core/registry";

// The mentions board shows each mention's SLA: the breached, urgent one is flagged on its
// card and in the list, and the "Urgent" filter narrows the open mentions to it.
registry.category("web_tour.tours").add("social_crm_sla_tour", {
    steps: () => [
        {
            content: "Search this test's mentions (the demo has its own)",
            trigger: ".o_searchview_input",
            run: "edit SLA tour",
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "The urgent mention's card says its SLA is breached",
            trigger: '.o_kanban_record:contains("SLA tour: ухожу") .badge.text-bg-danger',
        },
        {
            content: "…and shows when it had to be answered",
            trigger: '.o_kanban_record:contains("SLA tour: ухожу") .fa-clock-o',
        },
        {
            content: "The calm mention is not flagged",
            trigger: '.o_kanban_record:contains("SLA tour: спасибо")',
            run() {
                const card = this.anchor;
                if (card.querySelector(".badge.text-bg-danger, .badge.text-bg-warning")) {
                    throw new Error("a mention on track is flagged");
                }
            },
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list shows the SLA status as a red badge",
            trigger: '.o_data_row:contains("SLA tour: ухожу") .o_field_badge .text-bg-danger',
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Only urgent mentions",
            trigger: '.o_filter_menu .o-dropdown-item:contains("Urgent"):not(:contains("or"))',
            run: "click",
        },
        {
            content: "The calm mention is filtered out, the urgent one stays",
            trigger: '.o_list_view:not(:has(.o_data_row:contains("SLA tour: спасибо"))) .o_data_row:contains("SLA tour: ухожу")',
        },
    ],
});
