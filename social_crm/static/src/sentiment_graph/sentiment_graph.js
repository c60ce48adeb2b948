/** @odoo-module **/
// Mentions' graph with sentiment coloured by meaning: negative red, neutral grey, positive
// green. Odoo's graph colours series by their position in a fixed palette (blue, red, teal…),
// so "negative, neutral, positive" came out blue, red, teal. Here a series (or a bar / slice)
// that stands for one sentiment gets that sentiment's colour whatever its position.
// (In the lazily loaded graph bundle, web.assets_backend_lazy, like Odoo's graph view.)
import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";
import { GraphRenderer } from "@web/views/graph/graph_renderer";
import { SENTIMENT_COLORS } from "@social_crm/dashboard/sentiment_colors";

const FIELD = "sentiment";

function sentimentOfDataset(dataset) {
    for (const identifier of dataset.identifiers || []) {
        for (const part of JSON.parse(identifier)) {
            if (FIELD in part) {
                return part[FIELD];
            }
        }
    }
    return null;
}

export class SentimentGraphRenderer extends GraphRenderer {
    getChartConfig() {
        const config = super.getChartConfig();
        const { groupBy, mode, fields } = this.model.metaData;
        const position = groupBy.findIndex((gb) => gb.fieldName === FIELD);
        if (position < 0) {
            return config;
        }
        const { datasets, labels } = config.data;
        if (position === 0 && groupBy.length === 1) {
            // one bar or slice per sentiment: colour each point
            const byLabel = Object.fromEntries(fields[FIELD].selection.map(([k, l]) => [l, k]));
            const colors = labels.map((label) => SENTIMENT_COLORS[byLabel[label]] || "#d3d3d3");
            if (mode !== "line") {
                for (const dataset of datasets) {
                    if (dataset.type === "line") {
                        continue;
                    }
                    dataset.backgroundColor = colors;
                    if (mode === "pie") {
                        dataset.hoverBackgroundColor = colors;
                    }
                }
            }
        } else if (position > 0 && mode !== "pie") {
            // one series per sentiment
            for (const dataset of datasets) {
                const color = SENTIMENT_COLORS[sentimentOfDataset(dataset)];
                if (!color) {
                    continue;
                }
                if (mode === "line") {
                    dataset.borderColor = color;
                    dataset.pointBackgroundColor = color;
                    dataset.hoverBackgroundColor = color;
                } else {
                    dataset.backgroundColor = color;
                }
            }
        }
        return config;
    }
}

export const sentimentGraphView = { ...graphView, Renderer: SentimentGraphRenderer };

registry.category("views").add("social_crm_sentiment_graph", sentimentGraphView);
