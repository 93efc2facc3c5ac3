"""Extraction on a Dask cluster (`kg build PATHS --dask tcp://HOST:8786`, extra `qdkg[dask]`).

The sources go to the cluster in batches; each batch comes back as its articles' extractions in
the slim form (mentions and facts, no text or sentences), which the machine running `kg` makes
whole again by parsing the article structure of its own copy of the text (cheap and
deterministic: the same articles and sentences the worker had). Resolution and the store write
stay where `kg` runs, so the graph, and the export's bytes, are a local build's."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from kg.errors import ClusterError, one_line
from kg.inputs.structure import parse
from kg.model import Extraction, Source

BATCH_CHARS = 200_000  # characters of text per task: large enough that a task outweighs its overhead
CONNECT_TIMEOUT = "20s"


def batches(sources: list[Source], chars: int = BATCH_CHARS) -> list[list[Source]]:
    """Consecutive runs of sources of about `chars` characters each (at least one source)."""
    out: list[list[Source]] = []
    size = chars
    for src in sources:
        if size >= chars:
            out.append([])
            size = 0
        out[-1].append(src)
        size += len(src.text)
    return out


def extract_batch(batch: list[Source]) -> list[list[tuple[Extraction, str]] | str]:
    """Runs on a worker: each source's articles, slim, or the one line saying why it failed."""
    from kg.pipeline.run import _extract_or_failure, slim

    results = []
    for src in batch:
        got = _extract_or_failure(src)
        results.append(got if isinstance(got, str) else [(slim(ex), script) for ex, script in got])
    return results


def whole(src: Source, slim_items: list[tuple[Extraction, str]]) -> list[tuple[Extraction, str]]:
    """The slim extractions of `src` with their articles' blocks and sentences back."""
    articles = {a.id: a for a in parse(src)}
    out = []
    for ex, script in slim_items:
        full = articles[ex.article.id]
        out.append((replace(ex, article=replace(ex.article, blocks=full.blocks, sentences=full.sentences)), script))
    return out


def cluster_results(sources: list[Source], address: str) -> Iterator[list[tuple[Extraction, str]] | str]:
    """What each source gives (as kg.pipeline.run._extract_or_failure), in input order, computed
    on the Dask cluster at `address`."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("--dask needs the dask extra: pip install 'qdkg[dask]'") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({one_line(exc, 150)}): "
                           "start one (`dask scheduler`, then `dask worker ADDRESS`) or check the address") from None
    try:
        parts = batches(sources)
        futures = client.map(extract_batch, parts, pure=False)
        for batch, future in zip(parts, futures):
            try:
                results = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker lost, a task that cannot run there
                raise ClusterError(f"the cluster could not extract {batch[0].path}…: "
                                   f"{type(exc).__name__}: {one_line(exc, 200)}") from None
            for src, got in zip(batch, results):
                yield got if isinstance(got, str) else whole(src, got)
    finally:
        client.close()
