"""kg.rdf.store: the staged store that ingest and remove work in, and its extraction cache."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.pipeline.run import build
from kg.pipeline.state import BuildState, staged
from kg.rdf.store import GraphStore

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_860cbca26c24b5e4.txt"


# regression test: the staged copy of the extraction cache is made of hard links; writing or
# removing cache files in the copy must leave the store it came from byte for byte as it was
def test_failed_ingest_leaves_the_original_cache_untouched(tmp_path):
    path = tmp_path / "store"
    with staged(path, fresh=True) as gs:
        build([SEED], gs)
    current = GraphStore.open_existing(path).path
    files = sorted((current / "extractions").glob("*.json"))
    before = {f.name: f.read_bytes() for f in files}
    with pytest.raises(RuntimeError):
        with staged(path, fresh=False) as work:
            first, second = BuildState.of(work).cache.ids()[:2]
            ex, script = BuildState.of(work).cache.get(first)
            ex.article.title = "changed in the staged copy"
            BuildState.of(work).cache.put(ex, script)
            BuildState.of(work).cache.remove(second)
            assert BuildState.of(work).cache.get(first)[0].article.title == "changed in the staged copy"
            raise RuntimeError("interrupted before the swap")
    assert {f.name: f.read_bytes() for f in sorted((current / "extractions").glob("*.json"))} == before
    assert [p for p in path.iterdir() if p.is_dir()] == [current]  # the failed generation is gone
    assert BuildState.of(GraphStore.open_existing(path)).graph_digests().keys() == {f.stem for f in files}
