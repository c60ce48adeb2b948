import { registry } from "@web/core/registry";

// Seed 1, step 4, as an agent: from a negative mention to the person behind it — the
// author's contact, their identities on two platforms and the timeline across them — and
// from there to a lead.
registry.category("web_tour.tours").add("social_crm_person_to_lead_tour", {
    steps: () => [
        {
            content: "A negative mention: open its author's contact",
            trigger: 'button[name="action_open_partner"]',
            run: "click",
        },
        {
            content: "The contact counts the person's mentions",
            trigger: 'button[name="action_view_social_crm_mentions"]:contains("3")',
        },
        {
            content: "Open the Social tab",
            trigger: '.o_form_view .o_notebook a[name="social_crm"]',
            run: "click",
        },
        {
            content: "Both identities: VK and Telegram",
            trigger: '.o_field_widget[name="social_crm_author_ids"] .o_data_row:contains("p2l_vk")',
        },
        {
            trigger: '.o_field_widget[name="social_crm_author_ids"] .o_data_row:contains("p2l_tg")',
        },
        {
            content: "The timeline holds the mentions of both platforms",
            trigger: '.o_field_widget[name="social_crm_mention_ids"] .o_data_row:contains("ничего не пришло")',
        },
        {
            trigger: '.o_field_widget[name="social_crm_mention_ids"] .o_data_row:contains("тариф для семьи")',
        },
        {
            content: "Back to the mention",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "The person asks about a family plan: a lead from the complaint",
            trigger: '.o_form_view .o_form_statusbar button[name="action_create_lead"]',
            run: "click",
        },
        {
            content: "The lead opens, with the way back to its mention",
            trigger: 'button[name="action_view_social_crm_mentions"]',
        },
    ],
});
