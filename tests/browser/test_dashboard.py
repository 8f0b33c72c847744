"""The seeded demo's dashboard in a real browser, at desktop, tablet and phone widths."""

import pytest

from devtools import demo
from tests.browser.journey import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


@pytest.mark.parametrize("width", [768, 375])
def test_the_demo_dashboard_fits_the_screen(live_app, sandbox, page, width):
    seed = demo.seed_demo()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_app.url, seed.owner_email, seed.password)

    page.get_by_role("heading", name=seed.practice.name).wait_for()
    assert page.locator("#figure-replies .figure-value").inner_text() != "0"
    assert "days left" in page.locator("#days-left").inner_text()
    chart = page.locator("svg.chart")
    assert chart.is_visible()
    assert chart.bounding_box()["width"] <= width
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
