"""Screenshots of every station, zh and en, on a desktop and on a phone: `make screenshots`
leaves them in _build/screenshots/<lang>-<station>-<desktop|phone>.png for a person to look at.

The tests check the pages (tests/browser/); this is for eyes, so it is not a test.

    python tests/screenshots.py <built site> <folder for the pictures>
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chromium import DESKTOP, PHONE  # noqa: E402
from chromium import launch as launch_chromium  # noqa: E402
from project import FOLDERS as LANGS  # noqa: E402
from project import STATIONS, served  # noqa: E402


def main(site: Path, out: Path):
    out.mkdir(parents=True, exist_ok=True)
    with served(site) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for device, options in (("desktop", DESKTOP), ("phone", PHONE)):
            context = browser.new_context(**options)
            page = context.new_page()
            for lang in LANGS:
                for station in STATIONS:
                    page.goto(f"{base}/{lang}/{station}.html")
                    page.evaluate("document.fonts.ready")
                    path = out / f"{lang}-{station}-{device}.png"
                    page.screenshot(path=path, full_page=True)
                    print(path)
            context.close()
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
