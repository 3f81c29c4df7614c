"""`make screenshots`: the home page, a filtered directory, a member profile and the membership
page, on a phone (375 px wide) and a desktop (1280 px), saved as docs/screenshots/<page>-<width>.png.

Served as in production (gunicorn, DEBUG=False) with the demo data, in Romanian, the site's
default language. Pages the site does not have yet are listed and skipped.
"""

import sys

from playwright.sync_api import sync_playwright

from tools.chromium import CHROMIUM_PATH, playwright_launch_args
from tools.production_server import REPO, production_server

OUTPUT = REPO / "docs" / "screenshots"
PAGES = ["home", "directory-filtered", "profile", "membership"]
VIEWPORTS = {
    375: {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
    1280: {"viewport": {"width": 1280, "height": 800}},
}


def take_screenshots(base_url, pages, browser):
    saved = []
    for width, options in VIEWPORTS.items():
        context = browser.new_context(locale="ro-RO", **options)
        page = context.new_page()
        for name in PAGES:
            if not pages[name]:
                continue
            page.goto(base_url + pages[name], wait_until="networkidle")
            path = OUTPUT / f"{name}-{width}.png"
            page.screenshot(path=path)
            saved.append(path)
        context.close()
    return saved


def main():
    if not CHROMIUM_PATH.exists():
        sys.exit(f"Chromium is missing at {CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH).")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with production_server() as (base_url, pages), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH), args=playwright_launch_args()
        )
        for name in PAGES:
            if not pages[name]:
                print(f"{name}: not captured, the site has no such page yet")
        for path in take_screenshots(base_url, pages, browser):
            print(f"saved {path.relative_to(REPO)}")
        browser.close()


if __name__ == "__main__":
    main()
