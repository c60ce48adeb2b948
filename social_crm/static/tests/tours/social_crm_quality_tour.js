import { registry } from "@web/core/registry";

// The quality dashboard and the mentions' graph as a quality manager sees them.
const EXPECTED = {
    negative: "#E04A55",
    neutral: "#A4A8B6",
    positive: "#2EAA6B",
};

function sentimentOf(dataset) {
    for (const identifier of dataset.identifiers || []) {
        for (const part of JSON.parse(identifier)) {
            if ("sentiment" in part) {
                return part.sentiment;
            }
        }
    }
    return null;
}

registry.category("web_tour.tours").add("social_crm_quality_tour", {
    url: "/odoo/action-social_crm.social_crm_quality_dashboard_action",
    steps: () => [
        {
            content: "The reputation table shows the tour brand's community audience",
            trigger: '.o_reputation_table tr:contains("Тур-бренд"):contains("123")',
        },
        {
            content: "Negative share of the tour brand: 2 of 3",
            trigger: '.o_reputation_table tr:contains("Тур-бренд"):contains("66")',
        },
        {
            content: "The sentiment legend is red, grey, green",
            trigger: ".o_social_crm_quality_dashboard .progress .progress-bar",
            run() {
                const bars = document.querySelectorAll(
                    ".o_social_crm_quality_dashboard .progress .progress-bar"
                );
                const colors = [...bars].map((bar) => bar.style.backgroundColor);
                const want = ["rgb(224, 74, 85)", "rgb(164, 168, 182)", "rgb(46, 170, 107)"];
                if (JSON.stringify(colors) !== JSON.stringify(want)) {
                    throw new Error(`sentiment colours ${colors} instead of ${want}`);
                }
            },
        },
        {
            content: "Open the mentions behind the figures as a graph",
            trigger: ".o_kpi_mentions",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_canvas_container canvas",
        },
        {
            content: "Group by day and sentiment: each sentiment has its colour",
            trigger: ".o_graph_canvas_container canvas",
            async run() {
                const canvas = document.querySelector(".o_graph_canvas_container canvas");
                const chart = window.Chart && window.Chart.getChart(canvas);
                if (!chart) {
                    throw new Error("no chart on the canvas");
                }
                const found = {};
                for (const dataset of chart.data.datasets) {
                    const sentiment = sentimentOf(dataset);
                    if (sentiment) {
                        found[sentiment] = dataset.backgroundColor;
                    }
                }
                if (!found.negative || !found.positive) {
                    throw new Error(`sentiment series missing: ${JSON.stringify(found)}`);
                }
                for (const [sentiment, color] of Object.entries(found)) {
                    if (color !== EXPECTED[sentiment]) {
                        throw new Error(`${sentiment} drawn ${color}, not ${EXPECTED[sentiment]}`);
                    }
                }
            },
        },
    ],
});
