"""The rendered graph view in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright's Python package; no browser download). Skipped when either is missing."""
from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from rdflib import Graph

from kg.rdf.store import GraphStore
from kg.out.graphview import ViewData, ViewEdge, ViewNode, view_data, write_view

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parents[1] / "data" / "view" / "mini.ttl"
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
CHROMIUM = os.environ.get("QDKG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
HUAWEI = "https://w3id.org/qdkg/resource/huawei-66666666"
EVIL = "https://w3id.org/qdkg/resource/evil-88888888"


@pytest.fixture(scope="module")
def sync_api():
    try:
        from playwright import sync_api
    except ImportError:
        pytest.skip("playwright (Python package) is not installed: pip install playwright")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium fonts-wqy-zenhei")
    return sync_api


@pytest.fixture()
def served(tmp_path):
    """A local http.server on 127.0.0.1 serving tmp_path; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Browser:
    """One fresh Chromium profile; records requests, console errors, page errors and dialogs."""

    def __init__(self, sync_api, profile: Path):
        self._pw = sync_api.sync_playwright().start()
        try:
            self.context = self._pw.chromium.launch_persistent_context(
                str(profile), executable_path=CHROMIUM, headless=True, args=ARGS,
                viewport={"width": 1200, "height": 800})
        except Exception as exc:  # a browser that does not start is an environment problem
            self._pw.stop()
            pytest.skip(f"Chromium at {CHROMIUM} did not start under Playwright: {exc}")
        self.requests, self.errors, self.dialogs = [], [], []
        self.context.route("**/*", self._route)
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.allowed = None

    def _route(self, route):
        self.requests.append(route.request.url)
        if route.request.url == self.allowed:
            route.continue_()
        else:
            route.abort()

    def open(self, url: str, timeout: float = 30_000):
        self.allowed = url
        self.page.goto(url)
        self.wait_for("!!(window.kgView && window.kgView.ready)", timeout)

    def wait_for(self, expr: str, timeout: float = 5_000):
        """Poll from Python: Playwright's wait_for_function evals in the page, which the CSP forbids."""
        deadline = time.monotonic() + timeout / 1000
        while not self.js(expr):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {expr}")
            self.page.wait_for_timeout(50)

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def close(self):
        self.context.close()
        self._pw.stop()


@pytest.fixture()
def browser(sync_api, tmp_path):
    b = Browser(sync_api, tmp_path / "profile")
    yield b
    b.close()


def _fixture_view(tmp_path: Path) -> Path:
    store = GraphStore()
    store.replace_graph("https://w3id.org/qdkg/resource/art-aaaaaaaaaaaa-1", Graph().parse(FIXTURE))
    return write_view(view_data(store), tmp_path / "view.html", title="天津 <test> view")


def _hover(browser: Browser, node_id: str, expect: str) -> str:
    """Move the mouse onto a node, wait for a tooltip containing `expect`, return its text."""
    box = browser.page.locator("#kg-network canvas").bounding_box()
    pos = browser.js("id => kgView.network.canvasToDOM(kgView.network.getPosition(id))", node_id)
    browser.page.mouse.move(box["x"] + 5, box["y"] + 5)
    for dx in (3, 1, 0):
        browser.page.mouse.move(box["x"] + pos["x"] + dx, box["y"] + pos["y"] + dx)
    browser.wait_for("(() => { const t = document.querySelector('div.vis-tooltip');"
                     " return !!t && t.style.visibility !== 'hidden' && t.innerText.includes(%s); })()" % json.dumps(expect))
    return browser.js("document.querySelector('div.vis-tooltip').innerText")


def test_fixture_page_in_chromium(browser, served, tmp_path):
    _fixture_view(tmp_path)
    url = f"{served}/view.html"
    browser.open(url)
    page = browser.page

    # the network draws every node and edge of the fixture
    assert browser.js("kgView.nodes.length") == 11
    assert browser.js("kgView.network.body.nodeIndices.length") == 11
    assert browser.js("kgView.network.body.edgeIndices.length") == 9
    assert len(browser.js("Object.keys(kgView.network.getPositions())")) == 11
    assert page.locator("#kg-status").inner_text() == "11 / 11 nodes"
    assert page.title() == "天津 <test> view"

    # tooltips show both scripts and the source sentence, as text
    tip = _hover(browser, HUAWEI, "正式入駐")
    assert "華為技術有限公司 / 华为技术有限公司" in tip
    assert "Huawei" in tip and "Company (Organization)" in tip
    assert "華為技術有限公司正式入駐中新天津生態城。" in tip
    evil_tip = _hover(browser, EVIL, "惡意")
    assert '<script>window.__xss=1;alert("x")</script>' in evil_tip
    assert "</script><script>window.__xss=3</script>" in evil_tip
    assert browser.js("document.querySelectorAll('div.vis-tooltip script, div.vis-tooltip img').length") == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "view.png"))

    # the search box narrows the visible nodes (either script), optionally with neighbours
    page.fill("#kg-search", "华为")
    assert browser.js("kgView.network.body.nodeIndices.length") == 1
    assert browser.js("kgView.nodeView.getIds()") == [HUAWEI]
    page.fill("#kg-search", "濱海")
    assert browser.js("kgView.nodeView.getIds()") == ["https://w3id.org/qdkg/resource/binhai-11111111"]
    page.check("#kg-neighbours")
    assert browser.js("kgView.network.body.nodeIndices.length") == 3
    assert browser.js("kgView.network.body.edgeIndices.length") == 3
    page.fill("#kg-search", "no such entity")
    assert browser.js("kgView.network.body.nodeIndices.length") == 0
    assert page.locator("#kg-status").inner_text() == "0 / 11 nodes"
    page.fill("#kg-search", "")
    assert browser.js("kgView.network.body.nodeIndices.length") == 11

    # nothing injected ran, nothing failed, nothing but the page was requested
    assert browser.js("typeof window.__xss") == "undefined"
    assert browser.dialogs == []
    assert browser.errors == []
    assert browser.requests == [url]


def test_big_graph_opens_quickly(browser, served, tmp_path):
    classes = ["District", "Park", "Company", "Project", "Initiative", "Platform"]
    nodes = [ViewNode(f"urn:n{i:04d}", classes[i % 6], "Organization" if i % 6 == 2 else classes[i % 6],
                      f"節點{i}", f"节点{i}", None, (f"第{i}句。",), 0, (f"節點{i}",))
             for i in range(1000)]
    edges = [ViewEdge(f"urn:n{i % 1000:04d}", f"urn:n{(i * 7 + 3) % 1000:04d}", "partner")
             for i in range(1500)]
    data = ViewData(nodes, edges, total=1000)
    t0 = time.monotonic()
    write_view(data, tmp_path / "big.html", title="big")
    render_s = time.monotonic() - t0
    t0 = time.monotonic()
    browser.open(f"{served}/big.html", timeout=60_000)
    open_s = time.monotonic() - t0
    assert browser.js("kgView.network.body.nodeIndices.length") == 1000
    assert browser.errors == []
    assert render_s < 30 and open_s < 30, (render_s, open_s)
