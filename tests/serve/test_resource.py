"""Dereferenceable entities: `GET /resource/<id>` by content negotiation (Turtle, JSON-LD,
N-Triples, HTML), with the entity's sources; in a real Chromium too, and from the query page's
result links; `/.well-known/void` and the schema.org Dataset description."""
from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
import requests

from kg.rdf.sparql import list_queries

QDR = "https://w3id.org/qdkg/resource/"


@pytest.fixture(scope="module")
def base(seed_store, serving):
    with serving(seed_store) as url:
        yield url


@pytest.fixture(scope="module")
def district(shinan) -> str:
    return shinan


def test_turtle_by_content_negotiation_with_sources(base, district):
    r = requests.get(f"{base}/resource/{district[len(QDR):]}", headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    e = ox.NamedNode(district)
    assert any(t.subject == e and t.predicate.value.endswith("#label") for t in triples)
    statements = {t.subject for t in triples if t.object == e and t.predicate.value.endswith("#object")}
    assert statements  # relations to it, as statements …
    derived = {t.object for t in triples if t.subject in statements and t.predicate.value.endswith("wasDerivedFrom")}
    texts = [t.object.value for t in triples if t.subject in derived and t.predicate.value.endswith("#anchorOf")]
    assert texts and any("市南" in x for x in texts)  # the sentences that state them
    assert any(t.predicate.value == "http://purl.org/dc/terms/title" for t in triples)  # … with their articles


def test_jsonld_and_ntriples(base, district):
    slug = district[len(QDR):]
    r = requests.get(f"{base}/resource/{slug}", headers={"Accept": "application/ld+json"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/ld+json"
    assert any(node.get("@id") == district for node in json.loads(r.text))
    r = requests.get(f"{base}/resource/{slug}?format=nt", timeout=30)
    assert r.status_code == 200 and f"<{district}>" in r.text


def test_html_for_browsers_and_404(base, district):
    r = requests.get(f"{base}/resource/{district[len(QDR):]}", headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src" not in r.headers["Content-Security-Policy"]  # no script runs on it
    assert "<h1>市南區</h1>" in r.text and "來源 / Sources" in r.text
    assert '"@type": "Dataset"' in r.text
    r = requests.get(f"{base}/resource/no-such-entity", headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 404 and r.text.startswith("no entity https://w3id.org/qdkg/resource/no-such-entity")
    r = requests.get(f"{base}/resource/%3Cscript%3E", timeout=30)
    assert r.status_code == 404


def test_well_known_void(base):
    r = requests.get(f"{base}/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200
    assert any(t.object.value == "http://rdfs.org/ns/void#Dataset" for t in ox.parse(r.content, format=ox.RdfFormat.TURTLE))


def test_query_page_describes_the_dataset(base):
    page = requests.get(f"{base}/simple", headers={"Accept": "text/html"}, timeout=30).text
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(m.group(1))
    assert data["@type"] == "Dataset" and data["distribution"][0]["contentUrl"] == "/data.ttl"


def test_in_chromium_resource_page_and_query_page_links(base, district, offline_page):
    with offline_page(base) as page:
        page.goto(f"{base}/resource/{district[len(QDR):]}")
        assert page.locator("h1").inner_text() == "市南區"
        assert page.locator("ol li blockquote").count() > 0  # the sentences behind its facts
        page.goto(f"{base}/simple")
        page.fill("#kg-query", 'SELECT ?e WHERE { ?e rdfs:label "市南区"@zh-hans }')
        page.click("#kg-run")
        page.wait_for_selector("#kg-out a")
        link = page.locator("#kg-out a").first
        assert link.get_attribute("href") == "/resource/" + district[len(QDR):]
        link.click()
        page.wait_for_selector("h1")
        assert page.locator("h1").inner_text() == "市南區"
        page.goto(f"{base}/graph")  # the served graph view links each entity's panel to its page
        page.wait_for_function("!!(window.kgView && window.kgView.ready)", timeout=60_000)
        page.fill("#kg-search", "市南区")
        page.wait_for_selector("#kg-panel a.kg-entity-page")
        assert page.locator("#kg-panel a.kg-entity-page").get_attribute("href") == "/resource/" + district[len(QDR):]


def test_in_chromium_yasgui_runs_a_named_query_offline(base, seed_store, offline_page):
    """The query editor users know: a tab per named query; run one, read YASR's result table;
    no request leaves the server, and entity IRIs in the results link to /resource pages."""
    with offline_page(base) as page:
        page.goto(f"{base}/")
        page.wait_for_function("window.kgYasgui !== undefined")
        page.wait_for_selector("[role=tab]:has-text('firms-in-parks')")
        tabs = [t.split("\n")[0].strip() for t in page.locator("[role=tab]").all_inner_texts()]
        assert tabs == ["Query"] + [q.name for q in list_queries()]
        page.locator("[role=tab]", has_text="firms-in-parks").first.click()
        page.evaluate("window.kgYasgui.getTab().query()")
        page.wait_for_selector(".yasr table tbody tr", timeout=30_000)
        rows = page.locator(".yasr table tbody tr").count()
        _, local = seed_store.select(next(q.text for q in list_queries() if q.name == "firms-in-parks"))
        assert rows == min(len(local), 50) and rows > 0
        page.evaluate("window.kgYasgui.getTab().getYasqe().setValue("
                      "'SELECT ?park WHERE { ?park a qdo:Park } ORDER BY ?park LIMIT 5'); window.kgYasgui.getTab().query()")
        page.wait_for_function("document.querySelectorAll(\".yasr table a[href^='/resource/']\").length === 5")
        href = page.locator(".yasr table a").first.get_attribute("href")
        _, parks = seed_store.select("SELECT ?park WHERE { ?park a qdo:Park } ORDER BY ?park LIMIT 1")
        assert href == "/resource/" + str(parks[0][0])[len(QDR):]  # undeclared qdo: works: predeclared


def test_unknown_entity_is_404_in_every_format(base):
    for accept in ("text/turtle", "application/ld+json", "application/n-triples", "text/html"):
        r = requests.get(f"{base}/resource/no-such-entity", headers={"Accept": accept}, timeout=30)
        assert r.status_code == 404, accept
