import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("social_crm_mentions_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Social CRM app",
            trigger: '.o_app[data-menu-xmlid="social_crm.social_crm_menu_root"]',
            run: "click",
        },
        {
            content: "The kanban shows the consumer-cycle columns, empty ones included",
            // the eight stage columns, whatever the UI language (empty ones are shown too:
            // see test_kanban_shows_every_stage_even_empty)
            trigger: ".o_kanban_renderer .o_kanban_group:nth-of-type(8) .o_column_title",
        },
        {
            content: "All eight columns fit the screen: negative, churn and awkward are in view",
            trigger: ".o_kanban_renderer .o_kanban_group:nth-of-type(8)",
            run() {
                const groups = document.querySelectorAll(".o_kanban_renderer .o_kanban_group");
                const last = groups[groups.length - 1].getBoundingClientRect();
                if (groups.length < 8 || last.right > window.innerWidth + 1) {
                    throw new Error(
                        `the last column ends at ${last.right}px of a ${window.innerWidth}px window`
                    );
                }
            },
        },
        {
            content: "Open the mention",
            trigger: '.o_kanban_record:contains("Третий день нет интернета")',
            run: "click",
        },
        {
            content: "The form shows the mention and the chatter",
            trigger: '.o_form_view .oe_title:contains("Третий день нет интернета")',
        },
        {
            trigger: ".o_form_view .o-mail-Chatter",
        },
        {
            content: "Open the reply composer",
            trigger: '.o_form_view .o_form_statusbar button[name="action_open_composer"]',
            run: "click",
        },
        {
            content: "The composer proposes a reply in the tone of voice, and its check passes",
            trigger: '.modal .o_field_widget[name="findings_html"] .text-success',
        },
        {
            trigger: '.modal .o_field_widget[name="body"] textarea',
            run: "edit Здравствуйте! Нам очень жаль. Напишите, пожалуйста, номер договора в личные сообщения — разберёмся сегодня.",
        },
        {
            content: "Save the reply as posted by hand",
            trigger: '.modal .modal-footer button[name="action_send"]',
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The mention is answered and the reply is in the chatter",
            trigger: '.o_statusbar_status button.o_arrow_button_current[data-value="answered"]',
        },
        {
            trigger: '.o-mail-Message:contains("номер договора в личные сообщения")',
        },
    ],
});
