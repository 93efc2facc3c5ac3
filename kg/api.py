"""The library API: each function does one job and returns data. `kg.cli.app` only parses
arguments, calls one of these and prints.

The pipeline (jieba, pypinyin), the view (networkx) and SHACL are imported by the functions
that use them: `kg query` starts without loading them."""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.out import files
from kg.rdf import formats as _export
from kg.errors import InputError, QueryError
from kg.rdf.sparql import QueryResult, bind_params, display_rows, refusal, resolve_query, run_query
from kg.rdf.layout import writer_lock
from kg.rdf.store import GraphStore, default_store_path

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.out.graphview import ViewData
    from kg.pipeline.run import BuildReport
    from kg.rdf.shacl import ValidationReport

DEFAULT_INPUT = Path("seeds")
DEFAULT_OUT = Path("exports")


@dataclass
class BuildOutputs:
    report: BuildReport
    turtle: Path | None  # None: not refreshed (ingest with exports=False)
    html: Path | None
    store: Path | None


def open_store(path: str | Path | None = None) -> GraphStore:
    """The existing store at `path` (default: $QDKG_STORE or .qdkg/store), read-only."""
    return GraphStore.open_existing(path)


def build(paths=None, *, store: str | Path | None = None, out: str | Path = DEFAULT_OUT,
          encoding: str | None = None, min_confidence: float | None = None, in_memory: bool = False,
          jobs: int = 0, progress=None, errors: str = "strict", strict: bool = False, wait: float = 60.0,
          on_wait=None, dask: str | None = None) -> BuildOutputs:
    """Build the graph of `paths` (default seeds/) into the store, then write out/qdkg.ttl and
    out/graph.html. Nothing is written if the inputs or the output folder are unusable. Another
    writer of the same store is waited for up to `wait` seconds (`on_wait(note)` is told).
    `dask`: the address of a Dask scheduler to extract on (kg.pipeline.cluster)."""
    if not paths:
        if not DEFAULT_INPUT.is_dir():
            raise InputError("no seeds/ folder here: run kg build in the project folder or name the "
                             "article files or folders to read (kg build PATH...)")
        paths = [DEFAULT_INPUT]
    from kg.pipeline.run import build as _build
    from kg.pipeline.state import staged

    t0 = time.perf_counter()
    out_dir = files.check_writable(out)
    options = dict(encoding=encoding, min_confidence=min_confidence, jobs=jobs, progress=progress, errors=errors,
                   strict=strict, dask=dask)
    if in_memory:
        gs = GraphStore()
        return _outputs(gs, _build(paths, gs, **options), out_dir, True, t0)
    path = Path(store if store is not None else default_store_path())
    with _writing(path, wait, on_wait) as waiting:
        with staged(path, fresh=True) as gs:
            report = _build(paths, gs, **options)
            swap = time.perf_counter()
        report.stages["store"] += time.perf_counter() - swap  # compaction and the switch
        return _outputs(GraphStore.open_existing(path), report, out_dir, False, t0, waiting)


def ingest(paths, *, store: str | Path | None = None, out: str | Path = DEFAULT_OUT, encoding: str | None = None,
           min_confidence: float | None = None, jobs: int = 0, progress=None, errors: str = "strict",
           strict: bool = False, wait: float = 60.0, on_wait=None, dask: str | None = None,
           exports: bool = True) -> BuildOutputs:
    """Add articles to the store's graph (re-ingesting a file changes nothing), then refresh
    out/qdkg.ttl and out/graph.html (unless `exports` is False: the store alone is then updated,
    in time that follows the article, not the graph). `min_confidence` None keeps the store's own."""
    if not paths:
        raise InputError("name the article files or folders to add (kg ingest PATH...)")
    from kg.pipeline.run import ingest as _ingest
    from kg.pipeline.state import staged

    t0 = time.perf_counter()
    out_dir = files.check_writable(out)
    path = Path(store if store is not None else default_store_path())
    with _writing(path, wait, on_wait) as waiting:
        prepared = time.perf_counter()
        with staged(path, fresh=False) as gs:
            prepared = time.perf_counter() - prepared  # the checkpoint of the current generation
            report = _ingest(paths, gs, encoding=encoding, min_confidence=min_confidence, jobs=jobs,
                             progress=progress, errors=errors, strict=strict, dask=dask)
            swap = time.perf_counter()
        report.stages["store"] += prepared + time.perf_counter() - swap
        return _outputs(GraphStore.open_existing(path), report, out_dir, False, t0, waiting, exports)


@contextmanager
def _writing(path: Path, wait: float, on_wait):
    """Be the store's one writer (kg.rdf.layout.writer_lock); yields the seconds waited."""
    t0 = time.perf_counter()
    with writer_lock(path, wait, on_wait):
        yield time.perf_counter() - t0


def _outputs(gs: GraphStore, report: BuildReport, out_dir: Path, in_memory: bool, t0: float,
             waiting: float = 0.0, exports: bool = True) -> BuildOutputs:
    """Write the exports; the report's time becomes the whole call's, stage by stage."""
    stages = report.stages
    ttl = html = None
    try:
        if exports:
            ttl, html = _write_exports(gs, out_dir, stages)
    finally:
        if not in_memory:
            gs.close()
    if waiting >= 0.05:
        report.stages = type(stages)(waiting=waiting, **stages)
    report.seconds = time.perf_counter() - t0
    return BuildOutputs(report, ttl, html, None if in_memory else gs.root)


def _write_exports(gs: GraphStore, out_dir: Path, stages) -> tuple[Path, Path]:
    """OUT/qdkg.ttl and OUT/graph.html of the store's graph, each written atomically and timed."""
    from kg.out.graphview import view_data
    from kg.out.viewpage import write_view

    with stages.timed("exports"):
        ttl = files.write_atomic(out_dir / "qdkg.ttl", _export.export_parts(gs, "ttl"))
    with stages.timed("view"):
        html = write_view(view_data(gs), out_dir / "graph.html", title="qdkg graph")
    return ttl, html


def articles(*, store: GraphStore | str | Path | None = None) -> list[dict]:
    """The articles in the graph (id, source, number, title, date, page, district, sentences)."""
    from kg.pipeline.run import list_articles

    gs = store if isinstance(store, GraphStore) else open_store(store)
    return list_articles(gs)


def remove(names: list[str], *, store: str | Path | None = None, out: str | Path = DEFAULT_OUT,
           exports: bool = True, wait: float = 60.0, on_wait=None) -> list[str]:
    """Remove articles (by id or source file name) from the graph, then refresh out/qdkg.ttl and
    out/graph.html as `ingest` does (unless `exports` is False); returns the removed ids."""
    from kg.pipeline.run import Stages
    from kg.pipeline.run import remove as _remove
    from kg.pipeline.state import staged

    path = Path(store if store is not None else default_store_path())
    GraphStore.open_existing(path).close()  # fails clearly when there is no store yet
    out_dir = files.check_writable(out) if exports else None
    with _writing(path, wait, on_wait):
        with staged(path, fresh=False) as gs:
            removed = _remove(gs, names)
        if exports:
            gs = GraphStore.open_existing(path)
            try:
                _write_exports(gs, out_dir, Stages())
            finally:
                gs.close()
    return removed


def query(spec: str, *, store: GraphStore | str | Path | None = None, params: dict[str, str] | None = None,
          stdin_text: str | None = None, labels: bool = True,
          allow_service: bool = False) -> tuple[list[str], list[list[str]]]:
    """Run a named query, a .rq file or SPARQL text (spec '-' with stdin_text); return the
    column names and display rows (labels instead of IRIs where known). SERVICE (a request to
    another endpoint) is refused unless `allow_service`; Update and LOAD always are."""
    sparql = bind_params(resolve_query(spec, stdin_text), params or {})
    why = refusal(sparql, allow_service)
    if why:
        if why.startswith("SERVICE"):
            why = ("SERVICE (federated query) would make a network request: kg query reads the local graph; "
                   "pass --allow-service to let it query remote endpoints")
        raise QueryError(why)
    gs = store if isinstance(store, GraphStore) else open_store(store)
    result: QueryResult = run_query(gs, sparql)
    return result.columns, display_rows(result, gs, labels=labels)


def export(fmt: str = "ttl", *, store: GraphStore | str | Path | None = None, profile: str | None = None,
           base_iri: str | None = None) -> bytes:
    """The graph in format `fmt` of kg.rdf.formats: ttl, nt, jsonld, trig (RDF) or graphml, gexf (Gephi).
    `profile` "schema" adds the schema.org types of the entities (ttl, nt); `base_iri` gives the
    resources the IRIs of a deployment published there (kg.rdf.iris, as `kg serve --base-iri`)."""
    from kg.rdf.iris import IriMap

    iris = IriMap(base_iri)
    gs = store if isinstance(store, GraphStore) else open_store(store)
    return iris.to_public(_export.export(gs, fmt, profile))


def view(*, store: GraphStore | str | Path | None = None, district: str | None = None, type: str | None = None,
         focus: str | None = None, hops: int = 1, max_nodes: int = 800, relation: str | None = None,
         through_hubs: bool = False) -> ViewData:
    """The data of the interactive graph view, filtered."""
    from kg.out.graphview import view_data

    gs = store if isinstance(store, GraphStore) else open_store(store)
    return view_data(gs, district=district, type=type, focus=focus, hops=hops, max_nodes=max_nodes,
                     relation=relation, through_hubs=through_hubs)


def view_html(data: ViewData, title: str = "qdkg graph") -> str:
    from kg.out.viewpage import render_html

    return render_html(data, title=title)


def write_view(data: ViewData, path: str | Path, title: str = "qdkg graph", create_folder: bool = False) -> Path:
    """Write the view page atomically; returns its path. Its folder must exist unless `create_folder`."""
    from kg.out.viewpage import write_view as _write_view

    return _write_view(data, path, title=title, create_folder=create_folder)


def load_graph(store: GraphStore | str | Path | None = None) -> Graph:
    """The whole graph (data + ontology) as an rdflib Graph."""
    gs = store if isinstance(store, GraphStore) else open_store(store)
    return gs.to_rdflib()


def validate(store: GraphStore | str | Path | None = None) -> ValidationReport:
    """SHACL validation of the stored data against ontology/shapes.ttl."""
    from kg.rdf.shacl import validate as _validate

    return _validate(load_graph(store))
