"""The pipeline: read -> structure -> segment/extract -> resolve -> graph -> store.

`build()` and `ingest()` return a BuildReport (data, not text); the CLI prints it."""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .extract import extract_article
from .graph import article_graph, article_iri
from .model import Resolved, core_type
from .read import find_inputs, read_source
from .resolve import resolve
from .script import detect_script, to_simplified
from .store import GraphStore
from .structure import parse
from .shacl import load_ontology


@dataclass
class BuildReport:
    files: list[str] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)
    articles: int = 0
    sentences: int = 0
    characters: int = 0
    triples: int = 0
    entities_per_class: dict[str, int] = field(default_factory=dict)
    relations_per_property: dict[str, int] = field(default_factory=dict)
    amounts: int = 0
    seconds: float = 0.0
    resolved: Resolved | None = None


def extract_paths(paths, *, encoding: str | None = None, min_confidence: float = 0.0):
    """Read, parse, extract and resolve every article under `paths` (no store involved)."""
    files = find_inputs(paths)
    sources = [read_source(f, encoding) for f in files]
    extractions, scripts = [], {}
    for src in sources:
        simplified = to_simplified(src.text)
        script = detect_script(src.text)
        for article in parse(src):
            scripts[article.id] = script
            extractions.append(extract_article(article, src.text, simplified))
    resolved = resolve(extractions, scripts)
    if min_confidence > 0:
        resolved.facts = [f for f in resolved.facts if f.confidence >= min_confidence]
        resolved.amounts = [a for a in resolved.amounts if a.confidence >= min_confidence]
    return sources, resolved, scripts


def build(paths, store: GraphStore, *, encoding: str | None = None, min_confidence: float = 0.0) -> BuildReport:
    """Build the graph of the articles under `paths` into `store`, replacing what it held."""
    t0 = time.perf_counter()
    sources, resolved, scripts = extract_paths(paths, encoding=encoding, min_confidence=min_confidence)
    store.clear()
    store.set_ontology(load_ontology())
    for article in resolved.articles:
        store.replace_graph(str(article_iri(article)), article_graph(resolved, article, scripts[article.id]))
    store.flush()
    report = BuildReport(files=[s.path for s in sources], encodings={s.name: s.encoding for s in sources})
    report.articles = len(resolved.articles)
    report.sentences = sum(len(a.sentences) for a in resolved.articles)
    report.characters = sum(len(s.text) for s in sources)
    report.triples = store.count_triples()
    per_class = Counter()
    for e in resolved.entities.values():
        for t in {core_type(t) for t in e.types}:
            per_class[t] += 1
    report.entities_per_class = dict(sorted(per_class.items()))
    distinct = {(f.subject, f.predicate, f.object) for f in resolved.facts}
    report.relations_per_property = dict(sorted(Counter(p for _, p, _ in distinct).items()))
    report.amounts = len({(a.subject, a.predicate) for a in resolved.amounts})
    report.resolved = resolved
    report.seconds = time.perf_counter() - t0
    return report
