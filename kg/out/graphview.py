"""The data of the interactive graph view (`kg view`): entities as nodes, core relations as
edges, each edge with the sentences that state it (rule, confidence, article).

`view_data` reads the store with SPARQL and applies the filters (district, class, relation,
neighbourhood); the page itself is kg.out.viewpage.
"""
from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field, replace

import networkx as nx

from kg.errors import QueryError
from kg.model import CORE_TYPES, RELATIONS, SUBCLASS_OF, core_type
from kg.rdf.store import GraphStore
from kg.rdf.vocab import NIF, QDO, QDO_IRI

MENTIONED_IN, ANCHOR_OF = str(QDO.mentionedIn), str(NIF.anchorOf)
IS_PART_OF, ABOUT = "http://purl.org/dc/terms/isPartOf", str(QDO.aboutDistrict)
TITLE, DATE = "http://purl.org/dc/terms/title", "http://purl.org/dc/terms/date"
# the class an entity of several is drawn as: a zone that is also a district (新区) is drawn as
# the park it is, districts being the page's context
DRAWN_AS = ("Park", "Organization", "Project", "Platform", "Initiative", "District")
HUB_DEGREE = 30  # --hops walks through no district and no node with more relations than this

_CLASSES = " ".join(f"qdo:{c}" for c in (*CORE_TYPES, *sorted(SUBCLASS_OF)))
_RELS = " ".join(f"qdo:{r}" for r in RELATIONS)
_NARROW = "narrow the view with --focus NAME (and --hops N), --district NAME or --type CLASS"


@dataclass(frozen=True)
class ViewNode:
    """One entity as drawn: labels, most specific class, core class, sources, degree."""

    iri: str
    cls: str
    core: str
    label_hant: str
    label_hans: str
    label_en: str | None = None
    sentences: tuple[str, ...] = ()
    degree: int = 0
    names: tuple[str, ...] = ()  # every label and altLabel, for matching
    label_pinyin: str | None = None
    district: str | None = None  # the district it is in, or its articles are about
    facts: tuple[tuple[str, str], ...] = ()  # (property, value): amounts and event dates

    @property
    def label(self) -> str:
        return self.label_hant or self.label_hans


@dataclass(frozen=True)
class Evidence:
    """One sentence stating a relation: its text, its article's title and date, the rule."""

    sentence: str
    article: str = ""
    date: str = ""
    rule: str = ""
    confidence: float = 0.0


@dataclass(frozen=True)
class ViewEdge:
    source: str
    target: str
    relation: str
    confidence: float = 1.0  # the most confident statement's
    evidence: tuple[Evidence, ...] = ()


@dataclass
class ViewData:
    """What the page shows, plus what the filters matched and the cap left out."""

    nodes: list[ViewNode]
    edges: list[ViewEdge]
    total: int = 0  # nodes matching the filters, before max_nodes
    omitted: dict[str, int] = field(default_factory=dict)  # core class -> nodes left out
    filters: dict[str, str] = field(default_factory=dict)
    districts: dict[str, str] = field(default_factory=dict)  # the nodes' districts: IRI -> label

    @property
    def note(self) -> str:
        """One line saying what was left out and how to narrow the view ('' if nothing)."""
        if not self.omitted:
            return ""
        parts = ", ".join(f"{n} {c}" for c, n in sorted(self.omitted.items()))
        return (f"Showing the {len(self.nodes)} best-connected of {self.total} entities; "
                f"left out: {parts}. To see them, {_NARROW}.")


# ---- reading the store -------------------------------------------------------------------

def _entities(store: GraphStore) -> tuple[dict[str, ViewNode], list[tuple[str, str, str]]]:
    """Every typed entity (labels, classes, degree; no sentences yet) and the edges."""
    classes: dict[str, set[str]] = {}
    for e, c in store.select(f"SELECT DISTINCT ?e ?c WHERE {{ VALUES ?c {{ {_CLASSES} }} ?e a ?c }}")[1]:
        classes.setdefault(str(e), set()).add(str(c)[len(QDO_IRI):])
    labels: dict[str, dict[str, list[str]]] = {e: {} for e in classes}
    names: dict[str, set[str]] = {e: set() for e in classes}
    q = (f"SELECT DISTINCT ?e ?p ?l WHERE {{ VALUES ?c {{ {_CLASSES} }} ?e a ?c . "
         "VALUES ?p { rdfs:label skos:altLabel } ?e ?p ?l FILTER(isLiteral(?l)) }")
    for e, p, lit in store.select(q)[1]:
        names[str(e)].add(str(lit))
        if str(p).endswith("#label"):
            labels[str(e)].setdefault((lit.language or "").lower(), []).append(str(lit))
    edges = _edges(store, classes)
    degree = Counter(x for s, _, o in edges for x in (s, o))
    out = {}
    for e, cs in classes.items():
        core = min({core_type(c) for c in cs}, key=DRAWN_AS.index)
        specific = sorted(c for c in cs - set(CORE_TYPES) if core_type(c) == core) or [core]
        lab = {k: sorted(v) for k, v in labels[e].items()}
        anyl = sorted(x for v in lab.values() for x in v) or [e.rsplit("/", 1)[-1]]
        hant, hans = (lab.get("zh-hant") or [""])[0], (lab.get("zh-hans") or [""])[0]
        out[e] = ViewNode(e, specific[0], core, hant or hans or anyl[0],
                          hans or hant or anyl[0], (lab.get("en") or [None])[0], (),
                          degree[e], tuple(sorted(names[e])), (lab.get("zh-latn-pinyin") or [None])[0])
    return out, edges


def _sentence_order(iri: str) -> tuple[str, int]:
    """Sentence IRIs are ARTICLE-sINDEX: article order, then text order."""
    article, _, index = iri.rpartition("-s")
    return (article, int(index)) if index.isdigit() else (iri, 0)


def _with_sentences(store: GraphStore, nodes: list[ViewNode], look: int = 30) -> list[ViewNode]:
    """The nodes with up to three distinct source sentences each, from the first `look` in
    article and text order. Asked only for the nodes drawn, by index lookups: an entity named
    in thousands of sentences costs a sort of their IRIs, not a read of their texts."""
    out = []
    for n in nodes:
        texts: list[str] = []
        for sentence in sorted(set(store.objects(n.iri, MENTIONED_IN)), key=_sentence_order)[:look]:
            text = next(iter(store.objects(sentence, ANCHOR_OF)), None)
            if text is not None and text not in texts:
                texts.append(text)
                if len(texts) == 3:
                    break
        out.append(replace(n, sentences=tuple(texts)))
    return out


FACTS = ("totalInvestmentCNY", "registeredCapitalCNY", "areaM2", "openedOn", "signedOn", "launchedOn")


def _details(store: GraphStore, nodes: list[ViewNode], ents: dict[str, ViewNode]) -> list[ViewNode]:
    """The nodes with their district (the one they are in, else the one their articles are
    about most) and their amounts and event dates, by index lookups."""
    located = str(QDO.locatedIn)
    out = []
    for n in nodes:
        district = n.iri if n.core == "District" else next(
            (d for d in sorted(map(str, store.objects(n.iri, located))) if d in ents and ents[d].core == "District"), None)
        if district is None:
            about: Counter = Counter()
            for s in sorted(set(store.objects(n.iri, MENTIONED_IN)), key=_sentence_order)[:30]:
                for a in store.objects(s, IS_PART_OF):
                    about.update(str(d) for d in store.objects(a, ABOUT) if str(d) in ents)
            district = min(about, key=lambda d: (-about[d], d)) if about else None
        facts = tuple((f, str(v)) for f in FACTS for v in sorted(store.objects(n.iri, QDO_IRI + f), key=str))
        out.append(replace(n, district=district, facts=facts))
    return out


def _evidence(store: GraphStore, edges: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], list[Evidence]]:
    """The statements of the given relations, three at most: sentence, article title and
    date, rule and confidence, the most confident first, then in article and text order. Only
    the given edges' statements are asked for, and only the kept ones' sentences are read."""
    found: dict[tuple[str, str, str], list[tuple[float, tuple[str, int], str, str]]] = {}
    for part in range(0, len(edges), 2000):
        values = " ".join(f"(<{s}> qdo:{p} <{o}>)" for s, p, o in edges[part:part + 2000])
        rows = store.select_values("SELECT ?s ?p ?o ?sent ?rule ?c WHERE { VALUES (?s ?p ?o) { " + values + " } "
                                   "?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; a rdf:Statement . "
                                   "OPTIONAL { ?st prov:wasDerivedFrom ?sent } OPTIONAL { ?st qdo:extractedBy ?rule } "
                                   "OPTIONAL { ?st qdo:confidence ?c } }")
        for s, p, o, sent, rule, c in rows:
            found.setdefault((s, p[len(QDO_IRI):], o), []).append(
                (-float(c) if c is not None else -1.0, _sentence_order(sent or ""), sent or "", rule or ""))
    articles: dict[str, tuple[str, str]] = {}

    def evidence(c: float, sent: str, rule: str) -> Evidence:
        text, title, date = "", "", ""
        if sent:
            text = next(iter(store.objects(sent, ANCHOR_OF)), "")
            art = next(iter(store.objects(sent, IS_PART_OF)), None)
            if art is not None:
                if art not in articles:
                    articles[art] = (next(iter(store.objects(art, TITLE)), ""), next(iter(store.objects(art, DATE)), ""))
                title, date = articles[art]
        return Evidence(text, title, date, rule, c)

    out = {}
    for key, statements in found.items():
        kept: list[Evidence] = []
        for minus_c, _, sent, rule in sorted(set(statements))[:30]:  # reprinted sentences repeat: look a bit further
            e = evidence(-minus_c, sent, rule)
            if all(e.sentence != k.sentence for k in kept):
                kept.append(e)
                if len(kept) == 3:
                    break
        out[key] = kept
    return out


def _edges(store: GraphStore, entities) -> list[tuple[str, str, str]]:
    rows = store.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {_RELS} }} ?s ?p ?o }}")[1]
    return sorted({(str(s), str(p)[len(QDO_IRI):], str(o)) for s, p, o in rows
                   if str(s) in entities and str(o) in entities and s != o})


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s).casefold()


def _unknown(kind: str, name: str, choices, fix: str) -> QueryError:
    """An unknown name, with the close ones (or some known ones) suggested, Chinese names first."""
    choices = sorted(set(choices), key=lambda c: (not re.search(r"[\u4e00-\u9fff]", c), c))
    close = difflib.get_close_matches(name, choices, n=5, cutoff=0.3)
    close = [c for _, c in sorted(enumerate(close), key=lambda ic: (not re.search(r"[\u4e00-\u9fff]", ic[1]), ic[0]))]
    hint = f"close names: {', '.join(close)}" if close else f"known names include: {', '.join(choices[:8])}"
    return QueryError(f'unknown {kind} "{name}"; {hint}; {fix}')


def _find_district(ents: dict[str, ViewNode], name: str) -> str:
    strip = lambda s: re.sub(r"[區区市]$", "", _norm(s))  # noqa: E731
    districts = [n for n in ents.values() if n.core == "District"]
    hits = sorted(n.iri for n in districts if strip(name) in {strip(x) for x in n.names})
    if not hits:
        raise _unknown("district", name, [x for n in districts for x in n.names],
                       "pass one of them to --district (either script, 區/区 optional)")
    return hits[0]


def _find_focus(ents: dict[str, ViewNode], name: str) -> list[str]:
    key = _norm(name)
    hits = sorted(n.iri for n in ents.values() if key in {_norm(x) for x in n.names})
    hits = hits or sorted(n.iri for n in ents.values() if key and any(key in _norm(x) for x in n.names))
    if not hits:
        raise _unknown("entity", name, [x for n in ents.values() for x in n.names],
                       "pass a label in either script, or part of one, to --focus")
    return hits


def _neighbourhood(g, centres: list[str], hops: int, stop: set[str]) -> set[str]:
    """What lies within `hops` of the centres; a node of `stop` is reached but not walked
    through (a district or hub is an end, not a bridge)."""
    seen, frontier = set(centres), list(centres)
    for _ in range(hops):
        nxt = []
        for n in frontier:
            if n in stop and n not in centres:
                continue
            for m in sorted(g.neighbors(n)):
                if m not in seen:
                    seen.add(m)
                    nxt.append(m)
        frontier = nxt
    return seen


def view_data(store: GraphStore, *, district: str | None = None, type: str | None = None,
              focus: str | None = None, hops: int = 1, max_nodes: int = 800, relation: str | None = None,
              through_hubs: bool = False) -> ViewData:
    """Entities and core relations of the store, filtered and capped at `max_nodes`: a
    district's, a class's (with their neighbours), one relation's ends, the neighbourhood of
    `focus` (`hops` around it, through no district or hub unless `through_hubs`)."""
    if hops < 0 or max_nodes < 1:
        raise QueryError("--hops must be 0 or more and --max-nodes 1 or more")
    if relation is not None and relation not in RELATIONS:
        close = {r.casefold(): r for r in RELATIONS}.get(relation.strip().casefold())
        if close is None:
            raise _unknown("relation", relation, RELATIONS, f"use one of {', '.join(RELATIONS)} with --relation")
        relation = close
    ents, all_edges = _entities(store)
    if relation:
        all_edges = [e for e in all_edges if e[1] == relation]
    g = nx.MultiDiGraph()
    g.add_nodes_from(sorted(ents))
    for s, r, o in all_edges:
        g.add_edge(s, o, key=r)
    keep, pinned, filters = set(ents), set(), {}
    if district:
        d = _find_district(ents, district)
        rows = store.select("SELECT DISTINCT ?e WHERE { { ?e qdo:locatedIn ?d } UNION { ?e qdo:mentionedIn ?s . "
                            f"?s dcterms:isPartOf ?a . ?a qdo:aboutDistrict ?d }} VALUES ?d {{ <{d}> }} }}")[1]
        keep &= {d} | {str(r[0]) for r in rows}
        pinned.add(d)
        filters["district"] = ents[d].label
    if type:
        core = {c.casefold(): c for c in CORE_TYPES}.get(type.strip().casefold())
        if core is None:
            raise _unknown("type", type, CORE_TYPES, f"use one of {', '.join(CORE_TYPES)} with --type")
        sub = g.subgraph(keep).to_undirected(as_view=True)
        seeds = {n for n in keep if ents[n].core == core}
        keep = seeds | {m for n in seeds for m in sub.neighbors(n)}
        filters["type"] = core
    if relation:
        keep &= {x for s, _, o in all_edges for x in (s, o)} | pinned
        filters["relation"] = relation
    if focus:
        centres = [c for c in _find_focus(ents, focus) if c in keep]
        if not centres:
            raise QueryError(f'"{focus}" is outside the current filters; drop one of them')
        stop = set() if through_hubs else {n for n in keep if ents[n].core == "District" or ents[n].degree > HUB_DEGREE}
        keep = _neighbourhood(g.subgraph(keep).to_undirected(as_view=True), centres, hops, stop)
        pinned.update(centres)
        filters.update(focus=", ".join(ents[c].label for c in centres), hops=str(hops))
    ranked = sorted(keep, key=lambda n: (n not in pinned, -ents[n].degree, n))
    shown = set(ranked[:max_nodes])
    omitted = dict(Counter(ents[n].core for n in ranked[max_nodes:]))
    drawn = sorted(g.subgraph(shown).edges(keys=True))
    evidence = _evidence(store, [(s, r, o) for s, o, r in drawn])
    edges = []
    for s, o, r in drawn:
        ev = evidence.get((s, r, o), [])
        edges.append(ViewEdge(s, o, r, max((e.confidence for e in ev), default=1.0), tuple(ev)))
    nodes = _details(store, _with_sentences(store, [ents[n] for n in sorted(shown)]), ents)
    districts = {n.district: ents[n.district].label for n in nodes if n.district}
    return ViewData(nodes, edges, len(keep), omitted, filters, districts)
