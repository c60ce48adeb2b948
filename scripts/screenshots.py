"""Screenshots of a running demo database for the README (docs/*.png).

    make demo            # in one terminal (or DEMO_NO_SERVE=1 make demo, then serve it)
    python3 scripts/screenshots.py --url http://localhost:8069 --db social_crm_demo

Needs the `playwright` package and a Chromium (default /usr/bin/chromium); it logs in as
admin / admin and saves the kanban, a mention's form and the sources list.
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
        browser = pw.chromium.launch(executable_path=args.chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        page.goto(f"{args.url}/web/login?db={args.db}")
        page.fill("input[name=login]", "admin")
        page.fill("input[name=password]", "admin")
        page.click("button[type=submit]")
        page.wait_for_selector(".o_main_navbar")
        suffix = f"_{args.lang.split('_')[0]}" if args.lang else ""
        page.goto(f"{args.url}/odoo/action-social_crm.social_crm_mention_action")
        page.wait_for_selector(".o_kanban_record")
        page.wait_for_timeout(1500)
        page.screenshot(path=str(DOCS / f"kanban{suffix}.png"))
        page.click(".o_kanban_group:nth-child(5) .o_kanban_record >> nth=0")
        page.wait_for_selector(".o_form_view .o-mail-Chatter")
        page.wait_for_timeout(1000)
        page.screenshot(path=str(DOCS / f"mention{suffix}.png"))
        page.goto(f"{args.url}/odoo/action-social_crm.social_crm_source_action")
        page.wait_for_selector(".o_list_view")
        page.wait_for_timeout(800)
        page.screenshot(path=str(DOCS / f"sources{suffix}.png"))
        browser.close()
    print(f"screenshots saved in {DOCS}")


if __name__ == "__main__":
    main()
