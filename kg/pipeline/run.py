"""The pipeline: read -> structure -> segment/extract -> resolve -> graph -> store.

`build()`, `ingest()` and `remove()` return data (a BuildReport, removed ids); the CLI prints.
Extraction results are cached per article beside the store (kg.pipeline.state), so adding or removing
articles re-resolves the whole collection: `ingest` of B after `build` of A gives the same
graph as `build` of A and B together. Only the article graphs whose inputs changed are written
again (article_digest); the entities graph is always rewritten.

Memory: articles stream from the extractor into the cache; resolution keeps only their slim
form (mentions and facts, no text), and each article's text is reloaded when its graph is
written."""
from __future__ import annotations

import hashlib
import os
import sys
import time
from collections import Counter
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

from kg.errors import InputError, one_line
from kg.nlp.extract import extract_article
from kg.rdf.dataset import DATASET, stored_description
from kg.rdf.graph import ArticleIndex, article_graph, article_iri, entities_graph
from kg.model import Extraction, Mention, Resolved, Source, core_type
from kg.pipeline.state import FORMAT_VERSION, BuildState, ExtractionCache
from kg.inputs.read import Skipped, read_inputs
from kg.resolve.entities import resolve
from kg.nlp.script import detect_script, to_simplified
from kg.rdf.shacl import load_ontology
from kg.rdf.store import GraphStore
from kg.inputs.structure import parse
from kg.rdf.vocab import ONTOLOGY_GRAPH, QDR

ENTITIES = QDR["entities"]  # named graph of what holds across articles


class Stages(dict):
    """Seconds spent in each stage of a command, in the order the stages ran."""

    @contextmanager
    def timed(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self[name] = self.get(name, 0.0) + time.perf_counter() - t0


@dataclass
class BuildReport:
    files: list[str] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)
    added: int = 0  # articles read in this run
    articles: int = 0  # articles in the graph
    sentences: int = 0
    characters: int = 0
    triples: int = 0
    entities_per_class: dict[str, int] = field(default_factory=dict)
    relations_per_property: dict[str, int] = field(default_factory=dict)
    amounts: int = 0
    entities: int = 0
    seconds: float = 0.0  # the whole command's, once the caller has added its stages
    skipped: list[Skipped] = field(default_factory=list)
    stages: Stages = field(default_factory=Stages)


def extract_source(src: Source) -> list[tuple[Extraction, str]]:
    """Parse one decoded file into articles and extract each (runs in worker processes)."""
    simplified = to_simplified(src.text)
    script = detect_script(src.text)
    return [(extract_article(article, src.text, simplified), script) for article in parse(src)]


AUTO_JOBS_CHARS = 300_000  # below this, starting workers (each loads jieba, ~1 s) costs more than it saves


def choose_jobs(jobs: int, sources: list[Source]) -> int:
    """`jobs`, or for 0 every core when the input is large enough to gain from them."""
    if jobs > 0:
        return jobs
    return (os.cpu_count() or 1) if sum(len(s.text) for s in sources) > AUTO_JOBS_CHARS else 1


def _extract_or_failure(src: Source) -> list[tuple[Extraction, str]] | str:
    """extract_source, or one line saying why it failed: a bug met by one article must not
    stop a build of thousands (the file is then skipped, or with --strict the build stops)."""
    try:
        return extract_source(src)
    except Exception as exc:  # noqa: BLE001 - reported per file, see iter_extractions
        return f"extraction failed ({type(exc).__name__}: {one_line(exc, 200)})"


def iter_extractions(sources: list[Source], jobs: int = 1, progress=None, failed=None,
                     dask: str | None = None) -> Iterator[tuple[Extraction, str]]:
    """Extract every source, yielding its articles in input order; `jobs` > 1 uses worker
    processes, 0 chooses (choose_jobs), `dask` a Dask cluster's address uses that cluster
    (kg.pipeline.cluster); the output is the same. `progress(done, total)` is called as files
    are done. A source whose extraction fails is given to `failed(source, reason)` (default:
    raise InputError) and the others go on."""
    pool = None
    jobs = choose_jobs(jobs, sources)
    if dask:
        from kg.pipeline.cluster import cluster_results
        results = cluster_results(sources, dask)
    elif jobs <= 1 or len(sources) < 2:
        results = map(_extract_or_failure, sources)
    else:
        pool = ProcessPoolExecutor(max_workers=jobs)
        results = pool.map(_extract_or_failure, sources, chunksize=max(1, min(16, len(sources) // (jobs * 4))))
    try:
        for done, per_source in enumerate(results, 1):
            if isinstance(per_source, str):
                if failed is None:
                    raise InputError(f"{_where(sources[done - 1])}: {per_source}")
                failed(sources[done - 1], per_source)
            else:
                yield from per_source
            if progress:
                progress(done, len(sources))
    except BrokenProcessPool:
        raise InputError("an extraction worker process died (out of memory, or killed): run again with --jobs 1 "
                         "to find the file, or with fewer --jobs") from None
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _where(src: Source) -> str:
    return src.path if src.name == Path(src.path).name else f"{src.path} ({src.name})"


def extract_sources(sources: list[Source], jobs: int = 1, progress=None) -> list[tuple[Extraction, str]]:
    """Every article of every source, extracted (see iter_extractions)."""
    return list(iter_extractions(sources, jobs, progress))


def slim(ex: Extraction) -> Extraction:
    """What resolution needs of an article: its metadata, mentions and facts, not its text.
    Mention strings are interned, since the same names recur across an archive."""
    for m in {id(m): m for m in _mentions_of(ex)}.values():
        m.text, m.key, m.rule = sys.intern(m.text), sys.intern(m.key), sys.intern(m.rule)
    return Extraction(replace(ex.article, blocks=[], sentences=[]), ex.mentions, ex.relations, ex.amounts, ex.dates)


def _mentions_of(ex: Extraction) -> Iterator[Mention]:
    yield from ex.mentions
    for r in ex.relations:
        yield r.subject
        yield r.object
    for x in (*ex.amounts, *ex.dates):
        yield x.subject


@dataclass
class Collection:
    """The slim extraction of every article in the graph, and each article's sentence count."""

    items: dict[str, tuple[Extraction, str]] = field(default_factory=dict)  # article id -> (slim, script)
    sentence_counts: dict[str, int] = field(default_factory=dict)

    def add(self, ex: Extraction, script: str) -> None:
        self.sentence_counts[ex.article.id] = len(ex.article.sentences)
        self.items[ex.article.id] = (slim(ex), script)

    @classmethod
    def of_cache(cls, cache: ExtractionCache) -> "Collection":
        """Read an extraction cache one article at a time."""
        c = cls()
        for article_id in cache.ids():
            c.add(*cache.get(article_id))
        return c


def _ordered(items) -> list[tuple[Extraction, str]]:
    return sorted(items, key=lambda x: (x[0].article.source, x[0].article.number, x[0].article.id))


def resolve_all(items, min_confidence: float = 0.0) -> Resolved:
    items = _ordered(items)
    resolved = resolve([ex for ex, _ in items], {ex.article.id: sc for ex, sc in items})
    if min_confidence > 0:
        resolved.facts = [f for f in resolved.facts if f.confidence >= min_confidence]
        resolved.amounts = [a for a in resolved.amounts if a.confidence >= min_confidence]
        resolved.dates = [d for d in resolved.dates if d.confidence >= min_confidence]
    return resolved


def extract_paths(paths, *, encoding: str | None = None, min_confidence: float = 0.0, jobs: int = 1,
                  errors: str = "strict"):
    """Read, parse, extract and resolve every article under `paths` (no store involved)."""
    sources, _ = read_inputs(paths, encoding=encoding, errors=errors)
    items = extract_sources(sources, jobs)
    resolved = resolve_all(items, min_confidence)
    return sources, resolved, {ex.article.id: sc for ex, sc in items}


GRAPH_FORMAT = 1  # bump when article_graph writes something else from the same inputs


def article_digest(resolved: Resolved, article, script: str, index: ArticleIndex) -> str:
    """A digest of everything an article's graph is written from: its text (by digest), script,
    whether its district is an entity, the entities it mentions where, and its facts. When the
    digest is unchanged, so is the graph, and `kg ingest` / `kg remove` leave it in place."""
    parts = (GRAPH_FORMAT, FORMAT_VERSION, article.id, article.digest, script,
             bool(article.district and article.district in resolved.entities),
             sorted((k, tuple(index.mentions.get((k, article.id), ()))) for k in index.entities.get(article.id, ())),
             [(f.subject, f.predicate, f.object, f.sentence, f.rule, round(f.confidence, 2))
              for f in index.facts.get(article.id, ())])
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()


def _write(store: GraphStore, min_confidence: float, collection: Collection, incremental: bool = False,
           stages: Stages | None = None) -> Resolved:
    """Resolve every article of the collection and write the graph: the ontology, each article's
    graph (its text reloaded from the cache, one article at a time), the entities graph and the
    dataset description. `incremental` (ingest, remove) keeps the article graphs whose digest
    has not changed since the store's last write and writes only the others. The options are
    remembered for the store's next write."""
    stages = Stages() if stages is None else stages
    state = BuildState.of(store)
    with stages.timed("resolve"):
        resolved = resolve_all(collection.items.values(), min_confidence)
        scripts = {i: sc for i, (_, sc) in collection.items.items()}
        index = ArticleIndex.of(resolved)
        digests = {a.id: article_digest(resolved, a, scripts[a.id], index) for a in resolved.articles}
    with stages.timed("store"):
        _store_graphs(store, state, resolved, scripts, index, digests, state.graph_digests() if incremental else {})
    state.set_options({"min_confidence": min_confidence})
    return resolved


def _store_graphs(store: GraphStore, state: BuildState, resolved: Resolved, scripts: dict, index: ArticleIndex,
                  digests: dict[str, str], old: dict[str, str]) -> None:
    """Write what changed: every graph (no `old` digests), or the article graphs whose digest
    changed, then the entities graph and the dataset description."""
    if old:
        keep = {str(article_iri(a)) for a in resolved.articles if old.get(a.id) == digests[a.id]}
        for g in store.graphs():
            if g not in keep and g != str(ONTOLOGY_GRAPH):
                store.remove_graph(g)
    else:
        store.clear()
    store.set_ontology(load_ontology())

    def graphs():
        for article in resolved.articles:
            if old.get(article.id) != digests[article.id]:
                full, _ = state.cache.get(article.id)
                yield str(article_iri(article)), article_graph(resolved, full.article, scripts[article.id], index)
        yield str(ENTITIES), entities_graph(resolved)

    store.write_graphs(graphs())
    store.replace_graph(str(DATASET), dataset_triples(store, resolved))
    state.set_graph_digests(digests)
    store.flush()


def dataset_triples(store: GraphStore, resolved: Resolved) -> list[tuple]:
    """The dataset description of this graph (kg.rdf.dataset)."""
    return stored_description(entities=len(resolved.entities), documents=len(resolved.articles),
                              sources=list({a.source for a in resolved.articles}), triples_before=store.count_quads())


def _report(store: GraphStore, resolved: Resolved, collection: Collection, sources: list[Source], t0: float,
            skipped: list[Skipped], stages: Stages) -> BuildReport:
    report = BuildReport(files=list(dict.fromkeys(s.path for s in sources)),
                         encodings={s.name: s.encoding for s in sources},
                         skipped=list(skipped), stages=stages)
    names = {s.name for s in sources}
    report.added = sum(1 for a in resolved.articles if a.source in names)
    report.articles = len(resolved.articles)
    report.sentences = sum(collection.sentence_counts.values())
    report.characters = sum(len(s.text) for s in sources)
    report.triples = store.count_quads()
    report.entities = len(resolved.entities)
    per_class = Counter(t for e in resolved.entities.values() for t in {core_type(x) for x in e.types})
    report.entities_per_class = dict(sorted(per_class.items()))
    distinct = {(f.subject, f.predicate, f.object) for f in resolved.facts}
    report.relations_per_property = dict(sorted(Counter(p for _, p, _ in distinct).items()))
    report.amounts = len({(a.subject, a.predicate) for a in resolved.amounts})
    report.seconds = time.perf_counter() - t0
    return report


def build(paths, store: GraphStore, *, encoding: str | None = None, min_confidence: float | None = None,
          jobs: int = 0, progress=None, errors: str = "strict", strict: bool = False,
          dask: str | None = None) -> BuildReport:
    """Build the graph of the articles under `paths` into `store`, replacing what it held.
    Empty and binary files are skipped and listed in the report (an error with `strict`).
    Each article goes to the extraction cache as soon as it is extracted; only its slim form
    stays in memory."""
    t0, stages = time.perf_counter(), Stages()
    with stages.timed("read"):
        sources, skipped = read_inputs(paths, encoding=encoding, errors=errors, strict=strict)
    cache = BuildState.of(store).cache
    cache.clear()
    collection = Collection()
    with stages.timed("extract"):
        for ex, script in iter_extractions(sources, jobs, progress, _on_failure(skipped, strict), dask):
            cache.put(ex, script)
            collection.add(ex, script)
    resolved = _write(store, min_confidence or 0.0, collection, stages=stages)
    return _report(store, resolved, collection, sources, t0, skipped, stages)


def _on_failure(skipped: list[Skipped], strict: bool):
    """What iter_extractions does with a file it could not extract: skip it with a note, or
    (strict) stop."""
    if strict:
        return None

    def note(src: Source, reason: str) -> None:
        skipped.append(Skipped(path=_where(src), reason=reason))
    return note


def ingest(paths, store: GraphStore, *, encoding: str | None = None, min_confidence: float | None = None,
           jobs: int = 0, progress=None, errors: str = "strict", strict: bool = False,
           dask: str | None = None) -> BuildReport:
    """Add the articles under `paths` to the graph in `store`. Re-ingesting a file changes
    nothing; ingesting an edited file replaces the articles that came from it before.
    `min_confidence` None keeps the one the store was built with."""
    t0, stages = time.perf_counter(), Stages()
    with stages.timed("read"):
        sources, skipped = read_inputs(paths, encoding=encoding, errors=errors, strict=strict)
        names = {s.name: s.digest for s in sources}
        state = BuildState.of(store)
        collection = Collection()
        for old in state.cache.ids():
            ex, script = state.cache.get(old)
            if ex.article.source in names and ex.article.digest != names[ex.article.source]:
                state.cache.remove(old)
            else:
                collection.add(ex, script)
    with stages.timed("extract"):
        for ex, script in iter_extractions(sources, jobs, progress, _on_failure(skipped, strict), dask):
            state.cache.put(ex, script)
            collection.add(ex, script)
    resolved = _write(store, _remembered(state, min_confidence), collection, incremental=True, stages=stages)
    return _report(store, resolved, collection, sources, t0, skipped, stages)


def _remembered(state: BuildState, min_confidence: float | None) -> float:
    """The threshold given, else the one the store was built with."""
    return state.options()["min_confidence"] if min_confidence is None else min_confidence


def list_articles(store: GraphStore) -> list[dict]:
    """The articles in the graph: id, source file, number, title, date, page, sentences."""
    out = []
    cache = BuildState.of(store).cache
    for article_id in cache.ids():
        a = cache.get(article_id)[0].article
        out.append({"id": a.id, "source": a.source, "number": a.number, "title": a.title, "date": a.date or "",
                    "page": a.page or "", "district": a.district or "", "sentences": len(a.sentences)})
    return sorted(out, key=lambda i: (i["source"], i["number"], i["id"]))


def remove(store: GraphStore, names: list[str], *, min_confidence: float | None = None) -> list[str]:
    """Remove articles by id or by source file name; returns the removed ids. `min_confidence`
    None keeps the one the store was built with."""
    known = list_articles(store)
    wanted = {os.path.basename(n) if n.lower().endswith((".txt", ".html", ".htm")) else n for n in names}
    ids = [i["id"] for i in known if i["id"] in wanted or i["source"] in wanted]
    missing = [n for n in wanted if not any(n in (i["id"], i["source"]) for i in known)]
    if missing:
        raise InputError(f"no article with id or source {missing[0]!r} in the graph: "
                         "`kg articles` lists what is there")
    state = BuildState.of(store)
    for i in ids:
        state.cache.remove(i)
    _write(store, _remembered(state, min_confidence), Collection.of_cache(state.cache), incremental=True)
    return ids
