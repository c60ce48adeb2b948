/** @odoo-module **/
// The communication matrix as a grid: consumer-cycle stages down, platforms across. Each
// cell shows its row (template, tone, team); a click opens it, or creates it for that
// stage × platform. "Every platform" is the row a stage falls back to.
import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { _t } from "@web/core/l10n/translation";

export class MatrixGrid extends Component {
    static template = "social_crm.MatrixGrid";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ stages: [], platforms: [], cells: {}, canEdit: false });
        onWillStart(() => this.load());
    }

    async load() {
        const [stages, platforms, rows, canEdit] = await Promise.all([
            this.orm.searchRead("social_crm.stage", [], ["name"], { order: "sequence, id" }),
            this.orm.searchRead("social_crm.platform", [], ["name", "code"], { order: "sequence, name" }),
            this.orm.searchRead("social_crm.matrix", [],
                ["stage_id", "platform_id", "template_id", "tone_id", "user_ids", "note"]),
            this.orm.call("social_crm.matrix", "has_access", [[], "write"]),
        ]);
        const cells = {};
        for (const row of rows) {
            cells[this.key(row.stage_id[0], row.platform_id && row.platform_id[0])] = row;
        }
        const used = new Set(rows.filter((r) => r.platform_id).map((r) => r.platform_id[0]));
        Object.assign(this.state, {
            stages,
            // every platform that has a row, then the others: all can get one
            platforms: [{ id: false, name: _t("Every platform") },
                ...platforms.filter((p) => used.has(p.id)),
                ...platforms.filter((p) => !used.has(p.id))],
            cells,
            canEdit,
        });
    }

    key(stageId, platformId) {
        return `${stageId}-${platformId || 0}`;
    }

    cell(stage, platform) {
        return this.state.cells[this.key(stage.id, platform.id)];
    }

    async open(stage, platform) {
        const row = this.cell(stage, platform);
        if (!row && !this.state.canEdit) {
            return;
        }
        await this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "social_crm.matrix",
            res_id: row ? row.id : false,
            views: [[false, "form"]],
            target: "new",
            context: { default_stage_id: stage.id, default_platform_id: platform.id },
        }, { onClose: () => this.load() });
    }
}

registry.category("actions").add("social_crm.matrix_grid", MatrixGrid);
