import { registry } from "@web/core/registry";

// From a mention to a lead (the contact created after confirmation) and back, then an
// escalation to the support team.
registry.category("web_tour.tours").add("social_crm_lead_tour", {
    steps: () => [
        {
            content: "The mention's form offers to create a lead",
            trigger: '.o_form_view .o_form_statusbar button[name="action_create_lead"]',
            run: "click",
        },
        {
            content: "The author has no contact: the dialog says one will be created",
            trigger: '.modal .o_field_widget[name="message"]:contains("will be created")',
        },
        {
            trigger: '.modal .modal-footer button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "The new lead opens, with the way back to its mention",
            trigger: '.o_form_view button[name="action_view_social_crm_mentions"]',
            run: "click",
        },
        {
            content: "Back on the mention: its lead is shown",
            trigger: '.o_form_view button[name="action_open_lead"]',
        },
        {
            content: "Escalate the mention",
            trigger: '.o_form_view .o_form_statusbar button[name="action_escalate"]',
            run: "click",
        },
        {
            trigger: '.modal .o_field_widget[name="team_id"] input',
            run: "edit Support",
        },
        {
            trigger: '.o-autocomplete--dropdown-item:contains("Support")',
            run: "click",
        },
        {
            content: "The team's responsible person is shown",
            trigger: '.modal .o_field_widget[name="responsible_id"]:contains("Stan Support")',
        },
        {
            trigger: '.modal .o_field_widget[name="note"] textarea',
            run: "edit Please call the customer today.",
        },
        {
            trigger: '.modal .modal-footer button[name="action_confirm"]',
            run: "click",
        },
        {
            content: "The escalation is in the chatter",
            trigger: '.o-mail-Chatter .o-mail-Message:contains("Escalated to Support")',
        },
    ],
});
