"""The pipeline: read -> structure -> segment/extract -> resolve -> graph -> store.

`build()`, `ingest()` and `remove()` return data (a BuildReport, removed ids); the CLI prints.
Extraction results are cached per article beside the store (kg.pipeline.state), with the
resolution index (kg.resolve.index): `ingest` and `remove` fold an article in or out, resolve
what it touches and write only that (kg.pipeline.write), in time that follows the article, not
the store. `ingest` of B after `build` of A gives the same graph as `build` of A and B together.

Memory: articles stream from the extractor into the cache; resolution keeps only their
contribution (mentions and facts, no text), and each article's text is reloaded when its graph
is written."""
from __future__ import annotations

import gc
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
from kg.model import Extraction, Mention, Resolved, Source, core_type
from kg.pipeline.state import BuildState
from kg.pipeline.write import ENTITIES, article_digest, write_all, write_changes  # noqa: F401 - ENTITIES, article_digest: API
from kg.inputs.read import Skipped, read_inputs
from kg.resolve.contribution import contribute
from kg.resolve.entities import resolve
from kg.resolve.index import Change, ResolutionIndex
from kg.nlp.script import detect_script, to_simplified
from kg.rdf.store import GraphStore
from kg.inputs.structure import parse


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
    reresolved: int = 0  # articles already in the graph that an ingest or remove re-resolved
    whole: bool = False  # an ingest that resolved and wrote the whole graph (threshold changed, or an old store)
    skipped: list[Skipped] = field(default_factory=list)
    stages: Stages = field(default_factory=Stages)


def extract_source(src: Source) -> list[tuple[Extraction, str]]:
    """Parse one decoded file into articles and extract each (runs in worker processes)."""
    simplified = to_simplified(src.text)
    script = detect_script(src.text)
    out = [(extract_article(article, src.text, simplified), script) for article in parse(src)]
    _settle_once()
    return out


_settled = False


def _settle_once() -> None:
    """After a process's first file, when the segmenter, the models and the gazetteer are loaded,
    put what is alive out of the garbage collector's reach (gc.freeze): those tables live as long
    as the process, and the collections that each article's candidate relations set off no longer
    walk their quarter million objects (about 8 % of extraction time)."""
    global _settled
    if not _settled:
        _settled = True
        gc.freeze()


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


def _ordered(items) -> list[tuple[Extraction, str]]:
    return sorted(items, key=lambda x: (x[0].article.source, x[0].article.number, x[0].article.id))


def resolve_all(items, min_confidence: float = 0.0) -> Resolved:
    """Resolve (extraction, script) pairs of any number of articles (no store involved)."""
    items = _ordered(items)
    return resolve([ex for ex, _ in items], {ex.article.id: sc for ex, sc in items}, min_confidence)


def extract_paths(paths, *, encoding: str | None = None, min_confidence: float = 0.0, jobs: int = 1,
                  errors: str = "strict"):
    """Read, parse, extract and resolve every article under `paths` (no store involved)."""
    sources, _ = read_inputs(paths, encoding=encoding, errors=errors)
    items = extract_sources(sources, jobs)
    resolved = resolve_all(items, min_confidence)
    return sources, resolved, {ex.article.id: sc for ex, sc in items}


def _loader(state: BuildState):
    """The contribution of an article already in the store, from its cached extraction."""
    return lambda article_id: contribute(*state.cache.get(article_id))


def _index(state: BuildState, floor: float) -> tuple[ResolutionIndex, int | None]:
    """The store's resolution index and quad count; a new index of every cached article (not yet
    refreshed, quad count None: the next write is a whole one) when there is none for `floor`."""
    index, quads = state.index()
    if index is not None and index.min_confidence == floor:
        return index, quads
    index = ResolutionIndex(floor)
    for article_id in state.cache.ids():
        index.add(contribute(*state.cache.get(article_id)))
    return index, None


def _write(store: GraphStore, state: BuildState, index: ResolutionIndex, quads: int | None,
           stages: Stages) -> Change:
    """Finalise the index and write the graph: only what changed when the store holds the
    index's previous graph (`quads` known), else all of it. The threshold is remembered."""
    with stages.timed("resolve"):
        change = index.refresh(_loader(state))
    with stages.timed("store"):
        change.quads = (write_all(store, state, index) if quads is None
                        else write_changes(store, state, index, change, quads))
    state.set_options({"min_confidence": index.min_confidence})
    return change


def _report(index: ResolutionIndex, change: Change, sources: list[Source], t0: float, skipped: list[Skipped],
            stages: Stages) -> BuildReport:
    report = BuildReport(files=list(dict.fromkeys(s.path for s in sources)),
                         encodings={s.name: s.encoding for s in sources},
                         skipped=list(skipped), stages=stages)
    names = {s.name for s in sources}
    report.added = sum(1 for a in index.articles.values() if a.source in names)
    report.articles = len(index.articles)
    report.sentences = sum(index.sentences.values())
    report.characters = sum(len(s.text) for s in sources)
    report.triples = change.quads
    report.entities = len(index.entities)
    per_class = Counter(t for e in index.entities.values() for t in {core_type(x) for x in e.types})
    report.entities_per_class = dict(sorted(per_class.items()))
    report.relations_per_property = dict(sorted(Counter(t[2] for t in index.stated if t[0] == "rel").items()))
    report.amounts = len({t[1:3] for t in index.stated if t[0] == "amount"})
    report.reresolved = change.reresolved
    report.seconds = time.perf_counter() - t0
    return report


def build(paths, store: GraphStore, *, encoding: str | None = None, min_confidence: float | None = None,
          jobs: int = 0, progress=None, errors: str = "strict", strict: bool = False,
          dask: str | None = None) -> BuildReport:
    """Build the graph of the articles under `paths` into `store`, replacing what it held.
    Empty and binary files are skipped and listed in the report (an error with `strict`).
    Each article goes to the extraction cache as soon as it is extracted; only its contribution
    to resolution stays in memory, folded into the index every REFRESH_EVERY articles."""
    t0, stages = time.perf_counter(), Stages()
    with stages.timed("read"):
        sources, skipped = read_inputs(paths, encoding=encoding, errors=errors, strict=strict)
    state = BuildState.of(store)
    state.cache.clear()
    index = ResolutionIndex(min_confidence or 0.0)
    folding = 0.0
    with stages.timed("extract"):
        for n, (ex, script) in enumerate(iter_extractions(sources, jobs, progress, _on_failure(skipped, strict),
                                                          dask), 1):
            state.cache.put(ex, script)
            _add(index, state, contribute(ex, script))
            if n % REFRESH_EVERY == 0:  # fold what came so far: only the index, not the contributions, stays
                t = time.perf_counter()
                index.refresh(_loader(state))
                state.save_records(index)  # (so per-article records do not pile up in memory)
                folding += time.perf_counter() - t
    stages["extract"] -= folding
    stages["resolve"] = folding
    change = _write(store, state, index, None, stages)
    return _report(index, change, sources, t0, skipped, stages)


REFRESH_EVERY = 500  # articles a build folds in at a time (any number gives the same index)


def _add(index: ResolutionIndex, state: BuildState, c) -> None:
    """Add an article; one already there (the same text from another file) is replaced."""
    if c.article.id in index.articles:
        index.remove(index.pending(c.article.id) or _loader(state)(c.article.id))
    index.add(c)


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
        index, quads = _index(state, _remembered(state, min_confidence))
        for art, a in list(index.articles.items()):
            if a.source in names and a.digest != names[a.source]:  # an edited file: its old articles go
                index.remove(index.pending(art) or _loader(state)(art))
                state.cache.remove(art)
        present = {a.source for a in index.articles.values() if names.get(a.source) == a.digest}
        todo = [s for s in sources if s.name not in present]  # a file ingested before, unchanged: nothing to do
    with stages.timed("extract"):
        for ex, script in iter_extractions(todo, jobs, progress, _on_failure(skipped, strict), dask):
            state.cache.put(ex, script)
            _add(index, state, contribute(ex, script))
    change = _write(store, state, index, quads, stages)
    report = _report(index, change, sources, t0, skipped, stages)
    if quads is None:  # no index for this threshold: everything was resolved and written again
        report.reresolved, report.whole = report.articles - report.added, True
    return report


def _remembered(state: BuildState, min_confidence: float | None) -> float:
    """The threshold given, else the one the store was built with."""
    return state.options()["min_confidence"] if min_confidence is None else min_confidence


def list_articles(store: GraphStore) -> list[dict]:
    """The articles in the graph: id, source file, number, title, date, page, sentences."""
    state = BuildState.of(store)
    return _articles(_index(state, state.options()["min_confidence"])[0])


def _articles(index: ResolutionIndex) -> list[dict]:
    out = [{"id": a.id, "source": a.source, "number": a.number, "title": a.title, "date": a.date or "",
            "page": a.page or "", "district": a.district or "", "sentences": index.sentences[a.id]}
           for a in index.articles.values()]
    return sorted(out, key=lambda i: (i["source"], i["number"], i["id"]))


def remove(store: GraphStore, names: list[str], *, min_confidence: float | None = None) -> list[str]:
    """Remove articles by id or by source file name; returns the removed ids. `min_confidence`
    None keeps the one the store was built with."""
    state = BuildState.of(store)
    index, quads = _index(state, _remembered(state, min_confidence))
    known = _articles(index)
    wanted = {os.path.basename(n) if n.lower().endswith((".txt", ".html", ".htm")) else n for n in names}
    ids = [i["id"] for i in known if i["id"] in wanted or i["source"] in wanted]
    missing = [n for n in wanted if not any(n in (i["id"], i["source"]) for i in known)]
    if missing:
        raise InputError(f"no article with id or source {missing[0]!r} in the graph: "
                         "`kg articles` lists what is there")
    for i in ids:
        index.remove(index.pending(i) or _loader(state)(i))
        state.cache.remove(i)
    _write(store, state, index, quads, Stages())
    return ids
