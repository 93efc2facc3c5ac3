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


# ---- generations (kg.rdf.layout) -------------------------------------------------------------

def test_a_leased_generation_is_kept_until_let_go(tmp_path):
    from kg.rdf import layout

    path = tmp_path / "store"
    for _ in range(2):
        with layout.writer_lock(path), staged(path, fresh=True) as gs:
            build([SEED], gs)
    reader = GraphStore.open_existing(path)  # holds gen-000002
    n = reader.count_triples()
    with layout.writer_lock(path), staged(path, fresh=False) as gs:
        pass  # gen-000003, a copy
    assert layout.current_name(path) == "gen-000003"
    assert (path / "gen-000002").is_dir()  # still read: kept
    assert reader.count_triples() == n
    reader.close()
    layout.try_collect(path)
    assert sorted(p.name for p in path.iterdir()) == ["GENERATION", "QDKG_STORE", "gen-000003"]


def test_a_second_writer_waits_then_fails_in_one_line(tmp_path):
    from kg.errors import StoreError
    from kg.rdf import layout

    notes = []
    with layout.writer_lock(tmp_path / "store"):
        with pytest.raises(StoreError, match=r"another kg command \(process \d+\) is writing to .*store: wait for it"):
            with layout.writer_lock(tmp_path / "store", wait=0.3, on_wait=notes.append):
                pass
    assert len(notes) == 1 and notes[0].startswith("Waiting for another kg command (process ")


def test_a_store_of_the_one_folder_layout_is_read_and_converted(tmp_path):
    from kg import api

    path = tmp_path / "store"
    build([SEED], GraphStore(path))  # the database in the folder itself, as before generations
    assert GraphStore.open_existing(path).count_triples() > 1000
    before = api.articles(store=path)
    html = Path(__file__).resolve().parents[1] / "data" / "html" / "portal.html"
    api.ingest([html], store=path, out=tmp_path / "out")
    assert len(api.articles(store=path)) == len(before) + 1
    assert sorted(p.name for p in path.iterdir()) == ["GENERATION", "QDKG_STORE", "gen-000001", "gen-000001.lease"]
