"""kg.out.gephi: the entity graph as networkx, GraphML and GEXF; both files parse back with networkx
with every node, edge and attribute, hostile labels included."""
from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg.errors import OutputError
from kg.out.gephi import to_networkx
from kg.rdf.formats import export as export_graph
from kg.rdf.store import GraphStore

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "view" / "mini.ttl"
R = "https://w3id.org/qdkg/resource/"
ATTRS = {"label", "label_hans", "label_en", "class", "district", "degree"}
READ = {"graphml": nx.read_graphml, "gexf": nx.read_gexf}


@pytest.fixture(scope="module")
def mini() -> GraphStore:
    g = Graph().parse(MINI)
    g.add((URIRef(R + "evil-88888888"), RDFS.label, Literal("控制\x01字符\x1f", lang="en")))
    gs = GraphStore()
    gs.replace_graph(R + "art-aaaaaaaaaaaa-1", g)
    gs.replace_graph(R + "art-bbbbbbbbbbbb-1", g)  # the union must not double anything
    return gs


@pytest.fixture(scope="module")
def seeds(seed_store) -> GraphStore:
    return seed_store


def test_networkx_graph_of_the_mini_fixture(mini):
    g = to_networkx(mini)
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == 11 and g.number_of_edges() == 9  # as in tests/test_view.py
    huawei = g.nodes[R + "huawei-66666666"]
    assert huawei == {"label": "華為技術有限公司", "label_hans": "华为技术有限公司", "label_en": "Huawei",
                      "class": "Organization", "district": "濱海新區", "degree": 5}
    assert g.nodes[R + "jjj-aaaaaaaa"]["label_en"] == "" and g.nodes[R + "jjj-aaaaaaaa"]["district"] == ""
    assert g.nodes[R + "evil-88888888"]["label_en"] == "控制字符"
    assert {d["relation"] for *_, d in g.edges(data=True)} == {"locatedIn", "joinedPark", "partner", "ledBy",
                                                              "partOf", "operatedBy"}
    assert (R + "huawei-66666666", R + "eco-city-44444444", "joinedPark") in g.edges(keys=True)
    for _, data in g.nodes(data=True):
        assert set(data) == ATTRS and all(v is not None for v in data.values())


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_files_parse_back(mini, fmt):
    data = export_graph(mini, fmt)
    assert data.startswith(b"<?xml") and b"\x01" not in data
    back = READ[fmt](io.BytesIO(data))
    g = to_networkx(mini)
    assert back.is_directed()  # read back as a MultiDiGraph only when there are parallel edges
    assert set(back.nodes) == set(g.nodes) and back.number_of_edges() == g.number_of_edges()
    for n, attrs in g.nodes(data=True):
        got = back.nodes[n]
        assert {k: got.get(k) for k in ATTRS} == attrs, n
    assert back.nodes[R + "evil-88888888"]["label"].startswith("<script>")
    edges = {(s, o, d["relation"]) for s, o, d in back.edges(data=True)}
    assert edges == {(s, o, d["relation"]) for s, o, d in g.edges(data=True)}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_seed_graph_counts(seeds, fmt):
    classes = " ".join(f"qdo:{c}" for c in ("District", "Initiative", "Project", "Organization", "Platform",
                                           "Park"))
    entities = {str(r[0]) for r in seeds.select(
        f"SELECT DISTINCT ?e WHERE {{ VALUES ?core {{ {classes} }} ?e a/rdfs:subClassOf* ?core }}")[1]}
    rels = {(str(s), str(p).split("#")[1], str(o)) for s, p, o in seeds.select(
        "SELECT DISTINCT ?s ?p ?o WHERE { VALUES ?p { qdo:locatedIn qdo:joinedPark qdo:ledBy qdo:partner "
        "qdo:partOf qdo:operatedBy } ?s ?p ?o }")[1]}
    rels = {(s, p, o) for s, p, o in rels if s in entities and o in entities and s != o}
    back = READ[fmt](io.BytesIO(export_graph(seeds, fmt)))
    assert set(back.nodes) == entities
    assert {(s, d["relation"], o) for s, o, d in back.edges(data=True)} == rels
    assert back.number_of_edges() == len(rels)
    located = {s for s, p, o in rels if p == "locatedIn" and back.nodes[o]["class"] == "District"}
    assert located and all(back.nodes[e]["district"] for e in located)
    assert {n for n in back.nodes if back.nodes[n]["district"]} == located
    degree = {n: 0 for n in entities}
    for s, _, o in rels:
        degree[s] += 1
        degree[o] += 1
    assert {n: int(back.nodes[n]["degree"]) for n in back.nodes} == degree


def test_unknown_format(mini):
    with pytest.raises(OutputError, match="graphml, gexf"):
        export_graph(mini, "dot")
