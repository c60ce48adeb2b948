/** @odoo-module **/
// Quality dashboard: the period's figures in one call (social_crm.quality.dashboard
// get_quality_figures: a handful of SQL aggregates), each block opening the records behind it.
import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { _t } from "@web/core/l10n/translation";
import { formatFloat } from "@web/core/utils/numbers";
import { SENTIMENT_COLORS } from "./sentiment_colors";

export class QualityDashboard extends Component {
    static template = "social_crm.QualityDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ days: 30, figures: null });
        this.periods = [
            { days: 7, label: _t("7 days") },
            { days: 30, label: _t("30 days") },
            { days: 90, label: _t("90 days") },
        ];
        this.sentimentColors = SENTIMENT_COLORS;
        this.labels = { mentions: _t("Mentions"), negative: _t("Negative mentions") };
        onWillStart(() => this.load());
    }

    async load() {
        this.state.figures = await this.orm.call(
            "social_crm.quality.dashboard",
            "get_quality_figures",
            [],
            { days: this.state.days }
        );
    }

    async setPeriod(days) {
        this.state.days = days;
        await this.load();
    }

    fmt(value, digits = 1) {
        return value === null || value === undefined || value === false
            ? "—"
            : formatFloat(value, { digits: [16, digits] });
    }

    share(count, total) {
        return total ? (100 * count) / total : 0;
    }

    periodDomain() {
        return [
            ["published_at", ">=", this.state.figures.since],
            ["published_at", "<", this.state.figures.until],
            ["duplicate_of_id", "=", false],
        ];
    }

    openMentions(extraDomain = [], name = _t("Mentions"), views = "list") {
        this.action.doAction({
            type: "ir.actions.act_window",
            name,
            res_model: "social_crm.mention",
            views:
                views === "graph"
                    ? [[false, "graph"], [false, "pivot"], [false, "list"], [false, "form"]]
                    : [[false, "list"], [false, "form"]],
            domain: [...this.periodDomain(), ...extraDomain],
        });
    }

    openAction(xmlid) {
        this.action.doAction(xmlid);
    }

    openRecord(model, id) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: model,
            res_id: id,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("social_crm.quality_dashboard", QualityDashboard);
