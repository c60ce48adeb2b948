import { registry } from "@web/core/registry";

// An agent opens a contact: the Social tab shows the person's identities and the timeline of
// their mentions; the identity suggestions list confirms a pair; the author's profile says how
// to answer them.
registry.category("web_tour.tours").add("social_crm_people_tour", {
    steps: () => [
        {
            content: "The contact has the Social CRM smart buttons",
            trigger: '.o_form_view button[name="action_view_social_crm_mentions"]',
        },
        {
            content: "Open the Social tab",
            trigger: '.o_form_view .o_notebook a[name="social_crm"]',
            run: "click",
        },
        {
            content: "The identities, with the profile link",
            trigger: '.o_field_widget[name="social_crm_author_ids"] .o_data_row:contains("tour_person")',
        },
        {
            content: "The timeline of the person's mentions across platforms",
            trigger: '.o_field_widget[name="social_crm_mention_ids"] .o_data_row:contains("Отличный сервис")',
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_identity_suggestions_tour", {
    steps: () => [
        {
            content: "The suggestion by handle is listed",
            trigger: '.o_list_view .o_data_row:contains("tour_twin")',
        },
        {
            content: "Same person: one click",
            trigger: '.o_list_view .o_data_row:contains("tour_twin") button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "Decided suggestions leave the 'to decide' list",
            trigger: '.o_list_view:not(:has(.o_data_row:contains("tour_twin")))',
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_author_profile_tour", {
    steps: () => [
        {
            content: "The author's profile tab",
            trigger: '.o_form_view .o_notebook a[name="profile"]',
            run: "click",
        },
        {
            content: "How to answer: the form of address the person uses",
            trigger: '.o_field_widget[name="answer_hint"]:contains("«ты»")',
        },
        {
            content: "The reach of all identities",
            trigger: '.o_field_widget[name="reach"]:contains("1")',
        },
    ],
});
