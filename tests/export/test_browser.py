"""Every view opened in real headless Chromium: drawn node count, no network, screenshots."""

from __future__ import annotations

import pytest

from kg.export import write_views
from kg.export.browser import browser_missing, headless_chromium, open_view
from kg.export.html import write_html
from kg.export.synthetic import synthetic_graph

from .conftest import REPO

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(browser_missing() is not None, reason=f"browser tests need Debian's chromium: {browser_missing()}"),
]

SCREENSHOTS = REPO / "output" / "screenshots"


@pytest.fixture(scope="module")
def driver():
    with headless_chromium() as d:
        yield d


@pytest.fixture(scope="module")
def fixture_views(kg_graph, tmp_path_factory):
    return write_views(kg_graph, tmp_path_factory.mktemp("views"))


def assert_offline(result):
    outside = [u for u in result.resources if not u.startswith(("file:", "data:", "about:", "blob:"))]
    assert outside == [], f"requests left the page: {outside}"


def test_every_fixture_view_draws_offline(driver, fixture_views):
    for view in fixture_views:
        result = open_view(driver, view.path, screenshot=SCREENSHOTS / f"{view.path.stem}.png")
        assert result.drawn_nodes == view.nodes, view.path.name
        assert result.drawn_edges == view.edges, view.path.name
        assert_offline(result)
        assert result.console_errors == [], view.path.name
        assert (SCREENSHOTS / f"{view.path.stem}.png").stat().st_size > 5_000


def test_large_view_draws_with_precomputed_layout(driver, tmp_path):
    G = synthetic_graph(2500)
    view = write_html(G, tmp_path / "synthetic-2500.html", title="synthetic 2,500", max_nodes=2000)
    result = open_view(driver, view.path, screenshot=SCREENSHOTS / "synthetic-2500.png")
    assert (view.nodes, view.omitted_nodes) == (2000, 500)
    assert result.drawn_nodes == 2000
    assert result.first_draw_ms < 10_000
    assert_offline(result)
    note = driver.find_element("id", "kg-note").text
    assert note.startswith("Showing the 2,000 best-connected of 2,500 nodes")


def _status(driver) -> str:
    return driver.find_element("id", "kg-status").text


# 2020: 18 nodes, 2021: 14, shared by both years: 村民, 民法典, 扫黑除恶专项斗争 (18 + 14 - 3 = 29)
@pytest.mark.parametrize("year, shown", [("2021", 14), ("2020", 18), ("", 29)])
def test_year_filter(driver, fixture_views, year, shown):
    overview = next(v for v in fixture_views if v.path.name == "overview.html")
    open_view(driver, overview.path)
    driver.execute_script(
        "var s = document.getElementById('kg-year'); s.value = arguments[0];"
        "s.dispatchEvent(new Event('change'));", year)
    assert _status(driver) == f"{shown} / 29 nodes shown"
    assert driver.execute_script("return window.govkgNetwork.body.nodeIndices.length") == shown


def test_class_filter_and_search(driver, fixture_views):
    overview = next(v for v in fixture_views if v.path.name == "overview.html")
    open_view(driver, overview.path)
    driver.execute_script(
        "var box = document.querySelector('#kg-legend input[value=Measure]'); box.click();")
    assert _status(driver) == "23 / 29 nodes shown"
    search = driver.find_element("id", "kg-search")
    search.send_keys("司法所")
    assert driver.find_element("id", "kg-search-status").text == "2 matches"
    selected = driver.execute_script("return window.govkgNetwork.getSelectedNodes().length")
    assert selected == 2


def test_hover_shows_label_class_and_evidence(driver, fixture_views):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    overview = next(v for v in fixture_views if v.path.name == "overview.html")
    open_view(driver, overview.path)
    # where vis-network drew the law node, in page coordinates of the canvas
    x, y = driver.execute_script("""
        var net = window.govkgNetwork;
        var id = net.body.data.nodes.get({filter: function (n) { return n.name === '中华人民共和国禁毒法'; }})[0].id;
        net.moveTo({position: net.getPositions([id])[id], scale: 1.5, animation: false});
        var p = net.canvasToDOM(net.getPositions([id])[id]);
        return [p.x, p.y];""")
    canvas = driver.find_element("css selector", "#kg-network canvas")
    size = canvas.size
    ActionChains(driver).move_to_element_with_offset(canvas, int(x - size["width"] / 2),
                                                     int(y - size["height"] / 2)).perform()
    tip = WebDriverWait(driver, 5).until(
        lambda d: d.execute_script(
            "var t = document.querySelector('div.vis-tooltip');"
            "return t && t.style.visibility !== 'hidden' && t.innerText ? t.innerText : null;"))
    lines = tip.splitlines()
    assert lines[:2] == ["中华人民共和国禁毒法", "class: Law"]
    assert any(line.startswith("evidence: 月浦镇司法所联合月浦派出所") for line in lines)


def test_the_request_check_would_see_a_leak(driver, tmp_path):
    """Guard for the offline assertions above: a page that does fetch something is caught
    (port 9 on loopback: nothing leaves the machine even here)."""
    page = tmp_path / "leaky.html"
    page.write_text('<html><body><img src="http://127.0.0.1:9/leak.png"><script>'
                    'window.govkg = {ready: true, drawnNodes: 0, drawnEdges: 0, firstDrawMs: 0};'
                    '</script></body></html>', encoding="utf-8")
    result = open_view(driver, page)
    assert "http://127.0.0.1:9/leak.png" in result.resources
