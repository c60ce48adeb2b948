/** @odoo-module **/
// Sentiment colours that mean what they say, shared by the dashboard and the mentions' graph.
export const SENTIMENT_COLORS = {
    negative: "#E04A55",
    neutral: "#A4A8B6",
    positive: "#2EAA6B",
};
