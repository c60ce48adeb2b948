"""Screenshots of a running demo database for the README (docs/*.png).

    make demo            # in one terminal (or DEMO_NO_SERVE=1 make demo, then serve it)
    python3 scripts/screenshots.py --url http://localhost:8069 --db social_crm_demo

Needs the `playwright` package and a Chromium (default /usr/bin/chromium); it logs in as
admin / admin and saves the kanban, a mention's form, the sources list, the reply composer
on a mention the knowledge base answers, the knowledge base, a tone of voice and the
communication matrix.
"""

import argparse
import pathlib

from playwright.sync_api import sync_playwright

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="social_crm_demo")
    parser.add_argument("--lang", default="", help="e.g. ru_RU to switch admin's language first")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    DOCS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=args.chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        page.goto(f"{args.url}/web/login?db={args.db}")
        page.fill("input[name=login]", "admin")
        page.fill("input[name=password]", "admin")
        page.click("button[type=submit]")
        page.wait_for_selector(".o_main_navbar")
        suffix = f"_{args.lang.split('_')[0]}" if args.lang else ""

        def shot(path, selector, name, wait=800):
            """Open /odoo/<path> (empty: stay), wait for ``selector``, save docs/<name>.png."""
            if path:
                page.goto(f"{args.url}/odoo/{path}")
            page.wait_for_selector(selector)
            page.wait_for_timeout(wait)
            page.screenshot(path=str(DOCS / f"{name}{suffix}.png"))

        shot("action-social_crm.social_crm_mention_action", ".o_kanban_record", "kanban", 1500)
        page.click(".o_kanban_group:nth-child(5) .o_kanban_record >> nth=0")
        shot("", ".o_form_view .o-mail-Chatter", "mention", 1000)
        shot("action-social_crm.social_crm_source_action", ".o_list_view", "sources")

        # The composer on an open mention whose question the knowledge base answers well.
        page.goto(f"{args.url}/odoo/action-social_crm.social_crm_mention_action")
        page.wait_for_selector(".o_kanban_record")
        page.click(".o_searchview_input")
        page.keyboard.type("каспи")
        page.keyboard.press("Enter")
        page.wait_for_timeout(1000)
        page.click(".o_kanban_record >> nth=0")
        page.wait_for_selector(".o_form_view .o-mail-Chatter")
        page.set_viewport_size({"width": 1600, "height": 1350})  # the whole dialog
        page.click('.o_form_statusbar button[name="action_open_composer"]')
        shot("", '.modal .o_field_widget[name="findings_html"]', "composer", 1000)
        page.click(".modal .btn-close")
        page.set_viewport_size({"width": 1600, "height": 900})
        shot("action-social_crm.social_crm_knowledge_answer_action", ".o_list_view", "knowledge")
        page.goto(f"{args.url}/odoo/action-social_crm.social_crm_tone_action")
        page.wait_for_selector(".o_data_row")
        page.click(".o_data_row >> nth=0")
        shot("", ".o_form_view", "tone")
        shot(
            "action-social_crm.social_crm_matrix_grid_action",
            ".o_social_crm_matrix_table",
            "matrix",
        )
        browser.close()
    print(f"screenshots saved in {DOCS}")


if __name__ == "__main__":
    main()
