"""Screenshots of a running demo database for the README (docs/*.png).

    make demo            # in one terminal (or DEMO_NO_SERVE=1 make demo, then serve it)
    python3 scripts/screenshots.py --url http://localhost:8069 --db social_crm_demo

Needs the `playwright` Python package (``pip install playwright`` in any virtualenv; its own
browser download is not needed) and Chromium (``apt-get install chromium``; default
/usr/bin/chromium). It logs in as admin / admin and saves the kanban (at 1400 px), a
mention's form, the sources list and a source's run log, the expert page (it asks an expert
on a mention of the demo), the reply composer on a mention the knowledge base answers, the
knowledge base, a tone of voice, the communication matrix grid, a contact's Social tab, an
author's profile, the quality dashboard and the review ratings. It changes the demo
database (the question to the expert), so run it on a fresh ``make demo``.
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

        page.set_viewport_size({"width": 1400, "height": 900})  # all eight columns at 1400 px
        shot("action-social_crm.social_crm_mention_action", ".o_kanban_record", "kanban", 1500)
        page.set_viewport_size({"width": 1600, "height": 900})
        page.click(".o_kanban_group:nth-child(5) .o_kanban_record >> nth=0")
        shot("", ".o_form_view .o-mail-Chatter", "mention", 1000)
        shot("action-social_crm.social_crm_source_action", ".o_list_view", "sources")
        # A source's run log: every delivery, pulled batch, file and failure.
        page.click(".o_data_row >> nth=0")
        page.wait_for_selector(".o_form_view")
        page.click('.o_notebook a[name="runs"]')
        shot("", '.o_field_widget[name="run_ids"]', "source_runs")

        # An expert from another department answers on the page their activity links to.
        page.goto(f"{args.url}/odoo/action-social_crm.social_crm_mention_action")
        page.wait_for_selector(".o_kanban_record")
        page.click(
            ".o_kanban_group:nth-child(3) .o_kanban_record >> nth=0"
        )  # product: an expert is set
        page.wait_for_selector('.o_form_statusbar button[name="action_ask_expert"]')
        page.click('.o_form_statusbar button[name="action_ask_expert"]')
        page.wait_for_selector('.modal button[name="action_confirm"]')
        page.click('.modal button[name="action_confirm"]')
        page.wait_for_timeout(1500)
        activity_id = page.evaluate(
            """async () => {
                const r = await fetch("/web/dataset/call_kw/mail.activity/search_read", {
                    method: "POST", headers: {"Content-Type": "application/json"},
                    body: JSON.stringify({jsonrpc: "2.0", method: "call", params: {
                        model: "mail.activity", method: "search_read",
                        args: [[["res_model", "=", "social_crm.mention"],
                                ["activity_type_id.name", "=", "Expert answer"]], ["id"]],
                        kwargs: {order: "id desc", limit: 1}}})});
                return (await r.json()).result[0].id;
            }"""
        )
        page.set_viewport_size({"width": 1000, "height": 900})
        page.goto(f"{args.url}/social_crm/expert/{activity_id}")
        page.wait_for_selector("textarea[name=answer]")
        page.wait_for_timeout(500)
        page.screenshot(path=str(DOCS / f"expert{suffix}.png"))
        page.set_viewport_size({"width": 1600, "height": 900})

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

        def first_id(model, domain):
            return page.evaluate(
                """async ([model, domain]) => {
                    const r = await fetch("/web/dataset/call_kw/" + model + "/search_read", {
                        method: "POST", headers: {"Content-Type": "application/json"},
                        body: JSON.stringify({jsonrpc: "2.0", method: "call", params: {
                            model, method: "search_read", args: [domain, ["id"]],
                            kwargs: {limit: 1}}})});
                    return (await r.json()).result[0].id;
                }""",
                [model, domain],
            )

        # The person behind a mention: the contact's Social tab and the author's profile.
        profile_url = "https://vk.com/id18364521"  # a demo author linked to a demo contact
        partner_id = first_id("res.partner", [["website", "=", profile_url]])
        page.goto(f"{args.url}/odoo/res.partner/{partner_id}")
        page.wait_for_selector('.o_notebook a[name="social_crm"]')
        page.click('.o_notebook a[name="social_crm"]')
        shot("", '.o_field_widget[name="social_crm_mention_ids"] .o_data_row', "contact_social")
        author_id = first_id("social_crm.author", [["url", "=", profile_url]])
        page.goto(f"{args.url}/odoo/social_crm.author/{author_id}")
        page.wait_for_selector('.o_notebook a[name="profile"]')
        page.click('.o_notebook a[name="profile"]')
        shot("", '.o_field_widget[name="answer_hint"]', "author_profile")
        # What the quality manager reads.
        shot(
            "action-social_crm.social_crm_quality_dashboard_action",
            ".o_social_crm_quality_dashboard table",
            "dashboard",
            1500,
        )
        shot("action-social_crm.social_crm_rating_report_action", ".o_pivot", "ratings", 1000)
        browser.close()
    print(f"screenshots saved in {DOCS}")


if __name__ == "__main__":
    main()
