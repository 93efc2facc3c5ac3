"""The rendered graph view in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright's Python package; no browser download). Skipped when either is missing."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from rdflib import Graph

from kg.rdf.store import GraphStore
from kg.out.graphview import ViewData, ViewEdge, ViewNode, view_data
from kg.out.viewpage import write_view

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


def _shown(browser) -> tuple[int, int]:
    return browser.js("kgView.network.body.nodeIndices.length"), browser.js("kgView.network.body.edgeIndices.length")


def _per_relation(browser) -> dict:
    return browser.js("Object.assign({}, kgView.perRelation)")


def test_fixture_page_in_chromium(browser, served, tmp_path):
    _fixture_view(tmp_path)
    url = f"{served}/view.html"
    browser.open(url)
    page = browser.page
    assert page.title() == "天津 <test> view"
    assert browser.js("kgView.nodes.length") == 11

    # by default: districts are colours, not nodes; their edges hidden; unconnected nodes hidden and counted
    assert _per_relation(browser) == {"joinedPark": 1, "ledBy": 1, "partner": 1, "partOf": 1, "operatedBy": 1}
    assert _shown(browser) == (6, 5)
    assert browser.js("kgView.isolatesHidden") == 2  # 西青区政府 (its only edge goes to a district), 京津科技谷
    assert page.locator("#kg-isolates-note").inner_text() == "另有 2 個未連接的節點已隱藏"
    assert page.locator("#kg-status").inner_text() == "節點 6 · 連線 5"
    page.check("#kg-district-links")
    assert _shown(browser) == (11, 9) and _per_relation(browser)["locatedIn"] == 4
    page.uncheck("#kg-district-links")
    page.check("#kg-isolates")
    assert _shown(browser) == (8, 5)
    page.uncheck("#kg-isolates")

    # filters: a relation, a class, the minimum confidence
    page.uncheck("#kg-f-rel-partner")
    assert _per_relation(browser) == {"joinedPark": 1, "ledBy": 1, "partOf": 1, "operatedBy": 1} and _shown(browser) == (5, 4)
    page.check("#kg-f-rel-partner")
    page.uncheck("#kg-f-cls-Park")
    assert "joinedPark" not in _per_relation(browser)
    page.check("#kg-f-cls-Park")
    page.locator("#kg-conf").fill("75")
    assert _per_relation(browser).get("joinedPark") is None  # its one statement says 0.7
    page.locator("#kg-conf").fill("0")

    # a click on a node opens the side panel with its relations and their sentences
    box = page.locator("#kg-network canvas").bounding_box()
    eco = "https://w3id.org/qdkg/resource/eco-city-44444444"
    at = browser.js("id => kgView.network.canvasToDOM(kgView.network.getPosition(id))", eco)
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    text = page.locator("#kg-panel").inner_text()
    assert "中新天津生態城" in text and "入駐園區 ← 華為技術有限公司" in text
    assert "華為技術有限公司正式入駐中新天津生態城。" in text

    # search in either script or pinyin: zooms to the node and opens the panel with its relations and sentences
    page.fill("#kg-search", "华为")
    assert browser.js("kgView.focused") == HUAWEI
    panel = page.locator("#kg-panel")
    assert panel.is_visible()
    text = panel.inner_text()
    assert "華為技術有限公司" in text and "华为技术有限公司" in text and "Huawei" in text
    assert "入駐園區 → 中新天津生態城" in text and "華為技術有限公司正式入駐中新天津生態城。" in text
    assert "生態城迎來新企業 · 2021-12-01 · 規則 joined-park · 置信度 0.7" in text
    assert browser.js("document.querySelectorAll('#kg-panel mark').length") >= 2  # the names in the sentence
    scale = browser.js("kgView.network.getScale()")
    assert abs(scale - 1.4) < 0.01
    page.fill("#kg-search", "binhai")
    assert browser.js("kgView.focused") == "https://w3id.org/qdkg/resource/binhai-11111111"

    # the hostile names and sentences are text in the panel, never markup
    browser.js("id => kgView.select(id)", EVIL)
    text = panel.inner_text()
    assert '<script>window.__xss=1;alert("x")</script>' in text
    assert browser.js("document.querySelectorAll('#kg-panel script, #kg-panel img, #kg-panel b').length") == 0

    # the English switch changes the page's own words, not the data's
    page.click("#kg-lang")
    assert page.locator("#kg-filters h3").first.inner_text() == "Relations"
    assert "joined park" in page.locator("#kg-filters").inner_text()
    assert page.locator("#kg-status").inner_text() == "nodes 6 · edges 5"
    page.click("#kg-lang")
    assert page.locator("#kg-filters h3").first.inner_text() == "關係"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "view-fixture.png"))
    assert browser.js("typeof window.__xss") == "undefined"
    assert browser.dialogs == [] and browser.errors == [] and browser.requests == [url]


@pytest.fixture(scope="module")
def seed_store():
    from kg.pipeline.run import build

    store = GraphStore()
    build([Path(__file__).parents[2] / "seeds"], store)
    return store


@pytest.fixture()
def wide(sync_api, tmp_path):
    b = Browser(sync_api, tmp_path / "profile")
    b.page.set_viewport_size({"width": 1400, "height": 900})
    yield b
    b.close()


def test_seed_overview_relation_focus_and_panel(wide, served, tmp_path, seed_store):
    ARTIFACTS.mkdir(exist_ok=True)
    write_view(view_data(seed_store), tmp_path / "seed.html", title="青島日報 2021-12-01")
    wide.open(f"{served}/seed.html")
    nodes, edges = _shown(wide)
    hidden = wide.js("kgView.isolatesHidden")
    assert 20 <= nodes < 300 and edges > 10 and hidden > 100
    assert f"{hidden} 個未連接的節點已隱藏" in wide.page.locator("#kg-isolates-note").inner_text()
    assert "locatedIn" not in _per_relation(wide)  # districts are colours
    wide.page.screenshot(path=str(ARTIFACTS / "view-seed.png"))

    joined = view_data(seed_store, relation="joinedPark")
    assert {e.relation for e in joined.edges} == {"joinedPark"}
    assert {n.core for n in joined.nodes} <= {"Organization", "Project", "Park"}
    write_view(joined, tmp_path / "joined.html", title="joinedPark")
    wide.open(f"{served}/joined.html")
    assert set(_per_relation(wide)) == {"joinedPark"} and _shown(wide)[1] == len(joined.edges)
    wide.page.screenshot(path=str(ARTIFACTS / "view-joinedpark.png"))
    park = next(e.target for e in joined.edges if e.evidence)
    wide.js("id => kgView.search(id)", park)
    panel = wide.page.locator("#kg-panel").inner_text()
    sentence = next(e.evidence[0].sentence for e in joined.edges if e.target == park and e.evidence)
    assert "入駐園區 ←" in panel and sentence in panel
    wide.page.screenshot(path=str(ARTIFACTS / "view-panel.png"))

    focus = view_data(seed_store, focus="科學儀器產業園", hops=2)
    assert len(focus.nodes) < 60  # the walk does not go through 市南區
    through = view_data(seed_store, focus="科學儀器產業園", hops=2, through_hubs=True)
    assert len(through.nodes) > len(focus.nodes)
    write_view(focus, tmp_path / "focus.html", title="科學儀器產業園")
    wide.open(f"{served}/focus.html")
    assert wide.js("kgView.focused") is not None and wide.page.locator("#kg-panel").is_visible()
    wide.page.screenshot(path=str(ARTIFACTS / "view-focus.png"))
    assert wide.errors == [] and all(r.startswith(served) for r in wide.requests)


def _archive(n_nodes: int = 5000) -> ViewData:
    """A synthetic archive graph: 40 districts, 600 parks, firms and projects joining them,
    partners and parts, and many unconnected names, as a year of articles gives."""
    from kg.out.graphview import Evidence

    nodes, edges = [], []
    kinds = [("Park", "Park"), ("Company", "Organization"), ("Project", "Project"), ("Initiative", "Initiative"),
             ("Platform", "Platform")]
    districts = [f"urn:d{k:02d}" for k in range(40)]
    for k, d in enumerate(districts):
        nodes.append(ViewNode(d, "District", "District", f"第{k}區", f"第{k}区", names=(f"第{k}區",)))
    for i in range(n_nodes - 40):
        cls, core = kinds[0] if i < 600 else kinds[1 + i % 4]
        nodes.append(ViewNode(f"urn:n{i:05d}", cls, core, f"名稱{i}", f"名称{i}", None, (f"名稱{i}落戶。",), 0,
                              (f"名稱{i}",), f"Mingcheng {i}", districts[i % 40]))
    ev = (Evidence("某企業落戶某園區。", "某報", "2024-01-01", "joinedPark-settle", 0.7),)
    for i in range(600, n_nodes - 40):
        if i % 3 == 0:
            edges.append(ViewEdge(f"urn:n{i:05d}", f"urn:n{i % 600:05d}", "joinedPark", 0.7, ev))
        elif i % 7 == 0:
            edges.append(ViewEdge(f"urn:n{i:05d}", f"urn:n{(i * 13) % (n_nodes - 640) + 600:05d}", "partner", 0.6, ev))
    for i in range(600):
        edges.append(ViewEdge(f"urn:n{i:05d}", districts[i % 40], "locatedIn", 0.85, ev))
    return ViewData(nodes, [e for e in edges if e.source != e.target], total=n_nodes)


def test_a_5000_node_archive_graph(wide, served, tmp_path):
    data = _archive()
    write_view(data, tmp_path / "big.html", title="archive")
    t0 = time.monotonic()
    wide.open(f"{served}/big.html", timeout=60_000)
    open_s = time.monotonic() - t0
    assert wide.js("kgView.nodes.length") == 5000
    nodes, edges = _shown(wide)
    assert edges == sum(1 for e in data.edges if e.relation != "locatedIn") and nodes > 1000
    assert wide.js("kgView.isolatesHidden") > 1000
    wide.page.fill("#kg-search", "名称4959")
    assert wide.js("kgView.focused") == "urn:n04959"
    wide.page.screenshot(path=str(ARTIFACTS / "view-5000.png"))
    assert wide.errors == []
    assert open_s < 60, open_s  # a bound against hangs, not a speed measure (bench/ measures that)
