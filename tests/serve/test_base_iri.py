"""`kg serve --base-iri`: a deployment published at its own address hands out its own resource
IRIs (BASE/resource/<id>) everywhere, answers them at /resource/<id>, and takes them in queries;
the store keeps qdkg's. Checked with requests, and in a real Chromium for the pages' links."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import requests

from kg.rdf.formats import export

QDR = "https://w3id.org/qdkg/resource/"
PUBLIC = "https://kg.example.org/qd/resource/"


@pytest.fixture(scope="module")
def base(seed_store, serving):
    with serving(seed_store, base_iri="https://kg.example.org/qd") as url:
        yield url


@pytest.fixture(scope="module")
def slug(shinan) -> str:
    return shinan[len(QDR):]


def test_resource_description_uses_the_public_iris(base, slug):
    r = requests.get(f"{base}/resource/{slug}", headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200 and QDR.encode() not in r.content
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    me = ox.NamedNode(PUBLIC + slug)
    assert any(t.subject == me and t.predicate.value.endswith("#label") for t in triples)
    assert any(t.object == me and t.predicate.value.endswith("#object") for t in triples)  # its statements
    assert any(t.object.value == "https://w3id.org/qdkg/ontology#District" for t in triples)  # vocabulary kept
    r = requests.get(f"{base}/resource/{slug}", headers={"Accept": "application/ld+json"}, timeout=30)
    assert any(node.get("@id") == PUBLIC + slug for node in json.loads(r.text))


def test_queries_take_and_give_public_iris(base, slug, seed_store):
    q = (f"PREFIX r: <{PUBLIC}>\nSELECT ?p ?o WHERE {{ r:{slug} ?p ?o }}")
    r = requests.get(f"{base}/sparql", params={"query": q}, timeout=30)
    rows = r.json()["results"]["bindings"]
    _, local = seed_store.select(f"SELECT ?p ?o WHERE {{ <{QDR}{slug}> ?p ?o }}")
    assert len(rows) == len(local) > 0
    q = f"SELECT ?s WHERE {{ ?s ?p <{PUBLIC}{slug}> }} LIMIT 3"
    r = requests.post(f"{base}/sparql", data=q.encode(), headers={"Content-Type": "application/sparql-query"},
                      timeout=30)
    values = [b["s"]["value"] for b in r.json()["results"]["bindings"]]
    assert values and all(v.startswith(PUBLIC) for v in values)


def test_the_whole_export_and_void_use_the_public_iris(base, seed_store):
    data = requests.get(f"{base}/data.ttl", timeout=60).content
    assert QDR.encode() not in data and PUBLIC.encode() in data
    stored = export(seed_store, "ttl")
    assert data == stored.replace(QDR.encode(), PUBLIC.encode())  # the same graph, renamed
    void = requests.get(f"{base}/.well-known/void", headers={"Accept": "application/n-triples"}, timeout=30).text
    assert QDR not in void
    r = requests.get(f"{base}/resource/no-such-entity", timeout=30)
    assert r.status_code == 404 and r.text.startswith(f"no entity {PUBLIC}no-such-entity")


def test_in_chromium_result_links_and_graph_panel_reach_the_pages(base, slug, offline_page):
    with offline_page(base) as page:
        page.goto(f"{base}/")  # YASGUI: the predeclared qdr: is the public namespace
        page.wait_for_function("window.kgYasgui !== undefined")
        page.evaluate("window.kgYasgui.getTab().getYasqe().setValue("
                      "'SELECT ?d WHERE { ?d a qdo:District ; rdfs:label \"市南区\"@zh-hans }'); "
                      "window.kgYasgui.getTab().query()")
        page.wait_for_selector(".yasr table a[href^='/resource/']", timeout=30_000)
        link = page.locator(".yasr table a").first
        assert link.get_attribute("href") == "/resource/" + slug
        assert link.inner_text().startswith(PUBLIC) or "qdr:" in link.inner_text()
        page.goto(f"{base}/resource/{slug}")
        assert page.locator("h1").inner_text() == "市南區"
        assert PUBLIC + slug in page.locator("p code").first.inner_text()
        page.goto(f"{base}/graph")
        page.wait_for_function("!!(window.kgView && window.kgView.ready)", timeout=60_000)
        page.fill("#kg-search", "市南区")
        page.wait_for_selector("#kg-panel a.kg-entity-page")
        assert page.locator("#kg-panel a.kg-entity-page").get_attribute("href") == "/resource/" + slug
