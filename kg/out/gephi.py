"""The entity graph for Gephi and other network tools: a networkx MultiDiGraph, GraphML, GEXF.

Nodes are the typed entities (id = IRI) with `label` (zh-Hant), `label_hans`, `label_en`,
`class` (core class), `district` (label of the qdo:locatedIn district) and `degree`; edges are
the core relations, with `relation` (and `label`, which Gephi shows) set to the property name.
Every attribute is a string or an int, never None ('' when unknown), and text is stripped of the
control characters XML 1.0 cannot carry, so Gephi opens both files.
"""
from __future__ import annotations

import io
import re

import networkx as nx

from kg.rdf.formats import Format
from kg.rdf.vocab import preferred_label
from kg.out.graphview import view_data
from kg.rdf.store import GraphStore

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value) -> str:
    return _XML_BAD.sub("", "" if value is None else str(value))


def _districts(store: GraphStore) -> dict[str, str]:
    """Entity IRI -> preferred label of its qdo:locatedIn district (the first by label if several)."""
    rows = store.select("SELECT ?e ?l WHERE { ?e qdo:locatedIn ?d . ?d a qdo:District ; rdfs:label ?l "
                        "FILTER(LANGMATCHES(LANG(?l), 'zh-Hant') || LANGMATCHES(LANG(?l), 'zh-Hans')) }")[1]
    found: dict[str, list] = {}
    for e, label in rows:
        found.setdefault(str(e), []).append(label)
    return {e: str(preferred_label(ls)) for e, ls in found.items()}


def to_networkx(store: GraphStore) -> nx.MultiDiGraph:
    """Every entity and core relation of the store (no filter, no cap)."""
    data = view_data(store, max_nodes=10 ** 9)
    district = _districts(store)
    g = nx.MultiDiGraph(name="qdkg")
    for n in data.nodes:
        g.add_node(_text(n.iri), label=_text(n.label_hant or n.label_hans), label_hans=_text(n.label_hans),
                   label_en=_text(n.label_en), **{"class": _text(n.core)},
                   district=_text(district.get(n.iri)), degree=0)
    for e in data.edges:
        g.add_edge(_text(e.source), _text(e.target), key=e.relation, relation=_text(e.relation),
                   label=_text(e.relation))
    for node, deg in g.degree():
        g.nodes[node]["degree"] = int(deg)
    return g


def network_parts(store: GraphStore, fmt: Format) -> list[bytes]:
    """The entity graph as GraphML or GEXF (UTF-8 bytes): the writer kg.rdf.formats registers."""
    g = to_networkx(store)
    buf = io.BytesIO()
    if fmt.name == "graphml":
        nx.write_graphml(g, buf, encoding="utf-8")
    else:
        nx.write_gexf(g, buf, encoding="utf-8")
    return [buf.getvalue()]

