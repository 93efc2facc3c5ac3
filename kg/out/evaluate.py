"""Score a graph against gold annotations: entity, typed-entity and relation precision /
recall / F1, strict and lenient, and amounts found (the figures of the project's shared scorer).

Gold format (one JSON file per document), see README "Scoring your own articles":
  {"doc": "...", "script": "zh-Hant",
   "entities": [{"id": "e1", "name": "市南區", "aliases": ["市南"], "types": ["District"], "optional": false}],
   "relations": [{"s": "e7", "p": "joinedPark", "o": "e9", "evidence": "...", "optional": false}],
   "amounts": [{"s": "e12", "p": "totalInvestmentCNY", "value": 6800000000, "evidence": "..."}]}
Names match after normalisation (Simplified script, NFKC, no quotes/brackets/spaces, Latin
lower-cased): strictly when equal, leniently when one contains the other and the shorter is at
least 0.6 of the longer. A graph entity is a node typed with a core class or a subclass of one."""
from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.nlp.relations.registry import rule_family
from kg.errors import InputError
from kg.model import CORE_TYPES, RELATIONS
from kg.nlp.script import normalise, to_simplified
from kg.rdf.vocab import QDO_IRI

SYMMETRIC = {"partner"}
NAME_PROPS = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)


def norm(name: str) -> str:
    """The name as the scorer compares it: Simplified, then normalised like a resolution key."""
    return normalise(to_simplified(unicodedata.normalize("NFKC", str(name))))


def same_name(a: str, b: str, lenient: bool) -> bool:
    if a == b:
        return bool(a)
    if not lenient or not a or not b:
        return False
    short, longer = sorted((a, b), key=len)
    return short in longer and len(short) / len(longer) >= 0.6


@dataclass
class GoldEntity:
    doc: str
    name: str
    names: set[str]
    types: set[str]
    optional: bool


@dataclass
class Gold:
    entities: list[GoldEntity] = field(default_factory=list)
    relations: list[tuple[int, str, int, bool]] = field(default_factory=list)  # (s index, p, o index, optional)
    amounts: list[tuple[int, str, float]] = field(default_factory=list)


def gold_files(path: Path) -> list[Path]:
    """The gold files a path names: itself, or a folder's *.gold.json files (else its *.json)."""
    if not path.is_dir():
        return [path]
    return sorted(path.glob("*.gold.json")) or sorted(path.glob("*.json"))


def load_gold(paths: list[Path]) -> Gold:
    """Read gold JSON files; a malformed file is one clear InputError."""
    gold = Gold()
    for path in paths:
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
            ids = {}
            for e in doc["entities"]:
                names = {norm(e["name"])} | {norm(a) for a in e.get("aliases", [])}
                ids[e["id"]] = len(gold.entities)
                gold.entities.append(GoldEntity(doc.get("doc") or Path(path).name.split(".")[0], e["name"], names - {""},
                                                set(e.get("types") or [e.get("type")]), bool(e.get("optional"))))
            for r in doc.get("relations", []):
                if r["s"] in ids and r["o"] in ids:
                    gold.relations.append((ids[r["s"]], r["p"], ids[r["o"]], bool(r.get("optional"))))
            for a in doc.get("amounts", []):
                if a["s"] in ids:
                    gold.amounts.append((ids[a["s"]], a["p"], float(a["value"])))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"cannot read gold file {path}: {exc}; see the gold format in the README") from None
    return gold


def graph_entities(g: Graph) -> dict:
    """Nodes typed with a core class (through rdfs:subClassOf), with their types and names."""
    parents: dict = {}
    for c, _, p in g.triples((None, RDFS.subClassOf, None)):
        parents.setdefault(c, set()).add(p)

    def core_of(c, seen=frozenset()) -> set[str]:
        local = str(c)[len(QDO_IRI):] if str(c).startswith(QDO_IRI) else ""
        found = {local} if local in CORE_TYPES else set()
        for p in parents.get(c, ()):
            if p not in seen:
                found |= core_of(p, seen | {c})
        return found

    nodes: dict = {}
    for s, _, c in g.triples((None, RDF.type, None)):
        types = core_of(c)
        if types:
            nodes.setdefault(s, {"types": set(), "names": set()})["types"] |= types
    for s, v in nodes.items():
        v["names"] = {norm(o) for p in NAME_PROPS for o in g.objects(s, p) if isinstance(o, Literal)} - {""}
    return nodes


def _prf(hits: int, gold: int, right: int, found: int) -> dict:
    r = hits / gold if gold else 0.0
    p = right / found if found else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _match(nodes: dict, gold: Gold, lenient: bool) -> list[set]:
    """For each gold entity, the graph nodes that name it."""
    return [{n for n, v in nodes.items() if any(same_name(a, b, lenient) for a in e.names for b in v["names"])}
            for e in gold.entities]


def score(g: Graph, gold: Gold, lenient: bool, show: int = 0) -> dict:
    nodes = graph_entities(g)
    match = _match(nodes, gold, lenient)
    required = [i for i, e in enumerate(gold.entities) if not e.optional]
    found = [i for i in required if match[i]]
    typed = [i for i in required if any(gold.entities[i].types & nodes[n]["types"] for n in match[i])]
    matched = set().union(*match) if match else set()
    right = [n for n in nodes if n in matched]
    typed_right = [n for n in right if any(nodes[n]["types"] & gold.entities[i].types
                                           for i in range(len(gold.entities)) if n in match[i])]
    edges = set()
    for s, p, o in g:
        rel = str(p)[len(QDO_IRI):] if str(p).startswith(QDO_IRI) else ""
        if rel in RELATIONS and s in nodes and o in nodes:
            edges.add((s, rel, o))
            if rel in SYMMETRIC:
                edges.add((o, rel, s))
    hit_edges, rel_hits, rel_required, missed = set(), 0, 0, []
    per_gold, per_hits = Counter(), Counter()
    for si, p, oi, optional in gold.relations:
        hits = {(s, p, o) for s in match[si] for o in match[oi] if (s, p, o) in edges}
        hit_edges |= hits | ({(o, p, s) for s, _, o in hits} if p in SYMMETRIC else set())
        if not optional:
            rel_required += 1
            rel_hits += bool(hits)
            per_gold[p] += 1
            per_hits[p] += bool(hits)
            if not hits:
                missed.append((gold.entities[si].name, p, gold.entities[oi].name))

    def one_way(es):
        return {(s, p, o) for s, p, o in es if not (p in SYMMETRIC and str(s) > str(o))}

    amounts_found = 0
    for si, p, value in gold.amounts:
        values = [v for n in match[si] for v in g.objects(n, URIRef(QDO_IRI + p))]
        amounts_found += any(_close(v, value) for v in values)
    out = {"mode": "lenient" if lenient else "strict",
           "graph_entities": len(nodes), "gold_entities": len(required),
           "entity": _prf(len(found), len(required), len(right), len(nodes)),
           "typed_entity": _prf(len(typed), len(required), len(typed_right), len(nodes)),
           "graph_relations": len(one_way(edges)), "gold_relations": rel_required,
           "relation": _prf(rel_hits, rel_required, len(one_way(hit_edges)), len(one_way(edges))),
           "amounts": {"found": amounts_found, "gold": len(gold.amounts)},
           "per_relation": {p: _prf(per_hits[p], per_gold[p], sum(1 for e in one_way(hit_edges) if e[1] == p),
                                    sum(1 for e in one_way(edges) if e[1] == p)) | {"gold": per_gold[p]}
                            for p in RELATIONS}}
    if show:
        out["missed_entities"] = [gold.entities[i].name for i in required if not match[i]][:show]
        out["unmatched_graph_entities"] = [sorted(nodes[n]["names"])[:1] + sorted(nodes[n]["types"])
                                           for n in nodes if n not in matched][:show]
        out["missed_relations"] = missed[:show]
    return out


def _close(v, value: float) -> bool:
    try:
        return abs(float(v) - value) <= 0.01 * abs(value)
    except (TypeError, ValueError):
        return False


def precision_by_rule(g: Graph, gold_paths: list[Path], lenient: bool = True) -> list[dict]:
    """For each extraction rule (family), the distinct relations its rdf:Statements back and
    how many of them the gold holds: the rule's precision on these documents. A relation whose
    entities the gold does not list counts as wrong."""
    gold = load_gold(gold_paths)
    nodes = graph_entities(g)
    match = _match(nodes, gold, lenient)
    right = set()
    for si, p, oi, _ in gold.relations:
        for s in match[si]:
            for o in match[oi]:
                right |= {(s, p, o), (o, p, s)} if p in SYMMETRIC else {(s, p, o)}
    by_rule: dict[str, set] = {}
    qdo = lambda x: URIRef(QDO_IRI + x)  # noqa: E731
    for st in g.subjects(RDF.type, RDF.Statement):
        rule, p = g.value(st, qdo("extractedBy")), g.value(st, RDF.predicate)
        if rule is None or p is None or not str(p).startswith(QDO_IRI):
            continue
        edge = (g.value(st, RDF.subject), str(p)[len(QDO_IRI):], g.value(st, RDF.object))
        by_rule.setdefault(rule_family(str(rule)), set()).add(edge)
    rows = [{"rule": r, "relations": len(es), "in_gold": len(es & right), "precision": len(es & right) / len(es)}
            for r, es in by_rule.items()]
    return sorted(rows, key=lambda x: (-x["relations"], x["rule"]))


def format_rules(rows: list[dict]) -> str:
    width = max((len(r["rule"]) for r in rows), default=4)
    lines = [f"{'rule':{width}}  relations  in gold  precision"]
    lines += [f"{r['rule']:{width}}  {r['relations']:9d}  {r['in_gold']:7d}  {r['precision']:9.2f}" for r in rows]
    return "\n".join(lines)


def evaluate(g: Graph, gold_paths: list[Path], show: int = 0) -> list[dict]:
    """Strict and lenient scores of `g` against the gold files."""
    gold = load_gold(gold_paths)
    return [score(g, gold, lenient=False, show=show), score(g, gold, lenient=True, show=show)]


def format_scores(results: list[dict]) -> str:
    lines = []
    for r in results:
        e, t, rl = r["entity"], r["typed_entity"], r["relation"]
        lines.append(f"[{r['mode']}] entities: gold {r['gold_entities']} graph {r['graph_entities']} | "
                     f"P {e['p']:.3f} R {e['r']:.3f} F1 {e['f1']:.3f} | typed F1 {t['f1']:.3f}")
        lines.append(f"[{r['mode']}] relations: gold {r['gold_relations']} graph {r['graph_relations']} | "
                     f"P {rl['p']:.3f} R {rl['r']:.3f} F1 {rl['f1']:.3f} | "
                     f"amounts {r['amounts']['found']}/{r['amounts']['gold']}")
        for p, x in r["per_relation"].items():
            lines.append(f"[{r['mode']}]   {p:<10} gold {x['gold']:>4} | P {x['p']:.3f} R {x['r']:.3f} F1 {x['f1']:.3f}")
        for k in ("missed_entities", "unmatched_graph_entities", "missed_relations"):
            if k in r:
                lines.append(f"  {k}: {r[k]}")
    return "\n".join(lines)
