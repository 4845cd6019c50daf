"""Screenshots of the main pages at phone width, for the README: run with ``make screenshots``.

They are written to the folder named by ``PATHWAYS_SCREENSHOTS`` (``make screenshots`` passes
``docs/screenshots``); without it these tests are skipped, so an ordinary test run never rewrites
the committed images. The pages and who sees them come from ``demo_site.PAGES``.
"""

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from tests.browser.demo_site import PAGES, ROOT, checked, crawl

pytestmark = [
    pytest.mark.browser,
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("PATHWAYS_SCREENSHOTS"),
        reason="screenshots are taken by `make screenshots` (PATHWAYS_SCREENSHOTS=<folder>)",
    ),
]

PHONE = {"width": 390, "height": 844}
SHOWN = [entry for entry in PAGES if entry.screenshot]


def folder() -> Path:
    path = Path(os.environ["PATHWAYS_SCREENSHOTS"])
    path = path if path.is_absolute() else ROOT / path
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def screenshots(browser, live_server, django_db_setup, django_db_blocker):
    target = folder()

    def shoot(page, entry) -> str:
        path = target / f"{entry.screenshot}.png"
        page.evaluate("window.scrollTo(0, 0)")  # from a #fragment: the sticky bar goes on top
        png = page.screenshot(full_page=True, animations="disabled", caret="hide")
        # A 256-colour palette keeps text crisp at about a third of the size.
        image = Image.open(io.BytesIO(png)).convert("RGB")
        image.quantize(colors=256, dither=Image.Dither.NONE).save(path, optimize=True)
        return str(path)

    return crawl(
        browser,
        live_server.url,
        django_db_blocker,
        shoot,
        pages=SHOWN,
        viewport=PHONE,
        device_scale_factor=1,
        reduced_motion="reduce",
    )


@pytest.mark.parametrize("entry", SHOWN, ids=[entry.key for entry in SHOWN])
def test_screenshot_of(entry, screenshots):
    path = Path(checked(screenshots, entry))
    assert path.stat().st_size > 5000
