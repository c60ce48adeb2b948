import { registry } from "@web/core/registry";

// The communication matrix as a manager edits it: one cell of the stages × platforms grid.
registry.category("web_tour.tours").add("social_crm_matrix_tour", {
    url: "/odoo/action-social_crm.social_crm_matrix_grid_action",
    steps: () => [
        {
            content: "The grid has a row per stage and an 'every platform' column",
            trigger: ".o_social_crm_matrix_table tbody tr:eq(7)",
        },
        {
            content: "Open the cell 'Negative × every platform'",
            trigger: '.o_social_crm_matrix_cell[data-stage][data-platform="0"]:eq(4)',
            run: "click",
        },
        {
            trigger: '.modal .o_field_widget[name="note"] input',
            run: "edit Answer within 10 minutes, never argue in public",
        },
        {
            content: "Save the cell",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The grid shows the saved cell",
            trigger: '.o_social_crm_matrix_cell:contains("never argue in public")',
        },
    ],
});
