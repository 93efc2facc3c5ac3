"""What the serve tests share: a real Chromium page that must stay offline."""
from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager

import pytest

CHROMIUM = os.environ.get("QDKG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@contextmanager
def _offline_page(base: str):
    """A Chromium page; on leaving, no request may have gone anywhere but `base`, and no script
    error may have happened. Skips where Playwright or Chromium is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright (Python package) is not installed")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium fonts-wqy-zenhei")
    outside, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page()
        page.on("request", lambda req: None if req.url.startswith(base) else outside.append(req.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield page
        browser.close()
    assert outside == [] and errors == []


@pytest.fixture
def offline_page():
    """`with offline_page(base) as page:` (see _offline_page)."""
    return _offline_page


@contextmanager
def _serving(store, **options):
    """`kg serve` over `store` on a free loopback port, in a thread; yields its base URL."""
    from kg.serve.server import make_server

    srv = make_server(store, "127.0.0.1", 0, timeout=30, **options)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv.url.rsplit("/", 1)[0]
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture(scope="module")
def shinan(seed_store) -> str:
    """The IRI of 市南區 in the seed graph (found, not written down)."""
    _, rows = seed_store.select('SELECT ?e WHERE { ?e a qdo:District ; rdfs:label "市南区"@zh-hans }')
    return str(rows[0][0])


@pytest.fixture(scope="module")
def serving():
    """`with serving(store, **options) as url:` (see _serving)."""
    return _serving
