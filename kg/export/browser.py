"""Open views in headless Chromium (Debian's chromium + chromedriver) and measure them.

Used by the browser tests and ``bench/viz_bench.py``.  Selenium is driven with
an explicit ``Service('/usr/bin/chromedriver')`` so selenium-manager never
downloads a driver or a browser, and Chromium runs with every background
network feature switched off.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from kg.errors import MissingDependency

__all__ = ["CHROMIUM", "CHROMEDRIVER", "browser_missing", "headless_chromium", "DrawResult", "open_view"]

CHROMIUM = os.environ.get("GOVKG_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("GOVKG_CHROMEDRIVER", "/usr/bin/chromedriver")

CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic", "--disable-extensions", "--disable-default-apps",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--metrics-recording-only", "--no-default-browser-check", "--window-size=1280,860",
)


def browser_missing() -> Optional[str]:
    """Why the browser checks cannot run here, or None when they can."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            return f"{path} not found (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium not installed (pip install selenium)"
    return None


@contextmanager
def headless_chromium() -> Iterator:
    """A Selenium Chrome driver on a throw-away profile; quit and cleaned up on exit."""
    reason = browser_missing()
    if reason:
        raise MissingDependency("chromium/chromedriver/selenium", reason, "browser checks")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager must never fetch a driver or browser
    profile = tempfile.mkdtemp(prefix="govkg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@dataclass
class DrawResult:
    url: str
    drawn_nodes: int
    drawn_edges: int
    first_draw_ms: float  # from navigation start to the first vis-network draw
    wall_s: float  # from driver.get() to the draw seen
    resources: list[str]  # every URL the page loaded (performance entries + network log)
    console_errors: list[str]


def _network_requests(driver) -> list[str]:
    import json

    urls = []
    try:
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
    except Exception:  # the performance log is best effort; resource timing is the main check
        pass
    return urls


def open_view(driver, path: Path, *, timeout: float = 60.0,
              screenshot: Optional[Path] = None) -> DrawResult:
    """Load a view from ``file://``, wait until vis-network drew it, collect what it loaded."""
    url = Path(path).resolve().as_uri()
    driver.get("about:blank")
    _network_requests(driver)  # drain what the start page logged
    start = time.perf_counter()
    driver.get(url)
    state = None
    while time.perf_counter() - start < timeout:
        state = driver.execute_script("return window.govkg && window.govkg.ready ? window.govkg : null")
        if state:
            break
        time.sleep(0.05)
    wall = time.perf_counter() - start
    if not state:
        raise TimeoutError(f"{path}: not drawn within {timeout:.0f} s")
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    resources = sorted(set(resources) | set(_network_requests(driver)))
    errors = []
    try:
        errors = [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    except Exception:
        pass
    if screenshot is not None:
        Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(screenshot))
    return DrawResult(url=url, drawn_nodes=int(state["drawnNodes"]), drawn_edges=int(state["drawnEdges"]),
                      first_draw_ms=float(state["firstDrawMs"]), wall_s=wall, resources=resources,
                      console_errors=errors)
