"""Incremental ingest and remove (kg.resolve.index, kg.pipeline.write): after any sequence of
ingests, edits and removes, the store's export is byte for byte a fresh build's of the files
then present, in memory and on disk (generations); and an ingest reads only the articles it
touches, not the whole store."""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from kg import api
from kg.pipeline.run import build, ingest, list_articles, remove
from kg.pipeline.state import BuildState
from kg.rdf.dataset import DATASET
from kg.rdf.formats import export
from kg.rdf.store import GraphStore
from kg.rdf.vocab import ONTOLOGY_GRAPH

DATA = Path(__file__).resolve().parents[1] / "data" / "incremental"
FILES = ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt"]


def _fresh_export(folder: Path, present: dict[str, str]) -> bytes:
    """The export of a build of exactly these files (name -> text)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, text in present.items():
        (folder / name).write_text(text, encoding="utf-8")
    st = GraphStore()
    if present:
        build([folder / n for n in sorted(present)], st)
    return export(st, "nt")


def _texts() -> dict[str, list[str]]:
    """Each file name with the texts it may have (b.txt has an edited version). The same text under
    two names is left out: which name the article then keeps depends on the order read."""
    texts = {n: [(DATA / n).read_text(encoding="utf-8")] for n in FILES}
    texts["b.txt"].append((DATA / "b2.txt").read_text(encoding="utf-8"))
    return texts


@pytest.mark.parametrize("seed", range(1, 9))
def test_random_ingest_edit_remove_sequences_equal_a_fresh_build(tmp_path, seed):
    rng = random.Random(seed)
    texts, present = _texts(), {}
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    st = GraphStore()
    first = rng.sample(sorted(texts), 3)
    for n in first:
        present[n] = rng.choice(texts[n])
        (inbox / n).write_text(present[n], encoding="utf-8")
    build([inbox / n for n in first], st)
    for step in range(8):
        if present and rng.random() < 0.35:
            gone = rng.choice(sorted(present))
            remove(st, [gone])
            del present[gone]
            op = f"remove {gone}"
        else:
            names = rng.sample(sorted(texts), rng.randint(1, 2))
            for n in names:
                present[n] = rng.choice(texts[n])  # new, the same again, or edited
                (inbox / n).write_text(present[n], encoding="utf-8")
            ingest([inbox / n for n in names], st)
            op = f"ingest {names}"
        if present:
            assert export(st, "nt") == _fresh_export(tmp_path / f"fresh-{step}", present), f"step {step}: {op}"
        else:  # every article removed: the ontology and the dataset description are left
            assert {str(q[3]) for q in st.quads()} == {str(ONTOLOGY_GRAPH), str(DATASET)}, f"step {step}: {op}"


def test_on_disk_generations_equal_a_fresh_build(tmp_path):
    inbox, store = tmp_path / "inbox", tmp_path / "store"
    inbox.mkdir()
    texts = _texts()
    for n in FILES:
        (inbox / n).write_text(texts[n][0], encoding="utf-8")
    api.build([inbox / "a.txt", inbox / "c.txt"], store=store, out=tmp_path / "out")
    api.ingest([inbox / "b.txt", inbox / "f.txt"], store=store, out=tmp_path / "out")
    (inbox / "b.txt").write_text(texts["b.txt"][1], encoding="utf-8")
    api.ingest([inbox / "b.txt", inbox / "d.txt"], store=store, out=tmp_path / "out")
    api.remove(["a.txt"], store=store, out=tmp_path / "out")
    present = {n: (inbox / n).read_text(encoding="utf-8") for n in ("b.txt", "c.txt", "d.txt", "f.txt")}
    assert api.export("nt", store=store) == _fresh_export(tmp_path / "fresh", present)


def test_the_same_text_under_a_new_name_takes_that_name(tmp_path):
    """A regression: the article graph kept the old file name (its digest left the source out)."""
    st = GraphStore()
    build([DATA / "a.txt"], st)
    copy = tmp_path / "copy.txt"
    copy.write_text((DATA / "a.txt").read_text(encoding="utf-8"), encoding="utf-8")
    ingest([copy], st)
    assert [a["source"] for a in list_articles(st)] == ["copy.txt"]
    assert b'"copy.txt"' in export(st, "nt") and b'"a.txt"' not in export(st, "nt")


def test_an_alias_moving_re_resolves_the_articles_it_reaches(tmp_path):
    """b.txt's 科学仪器产业园 is a.txt's 青岛科学仪器产业园 only while a.txt is in the graph."""
    st = GraphStore()
    build([DATA / "b.txt", DATA / "d.txt"], st)
    report = ingest([DATA / "a.txt"], st)
    assert report.added == 1 and report.reresolved >= 1  # b.txt's facts now point at the fuller name
    remove(st, ["a.txt"])
    assert export(st, "nt") == _fresh_export(tmp_path / "fresh", {n: (DATA / n).read_text(encoding="utf-8")
                                                                  for n in ("b.txt", "d.txt")})


def test_an_ingest_reads_only_the_articles_it_touches(tmp_path, monkeypatch):
    st = GraphStore(tmp_path / "s")
    build([DATA / n for n in ("a.txt", "b.txt", "c.txt", "d.txt", "f.txt")], st)
    cache = BuildState.of(st).cache
    read: list[str] = []
    original = type(cache).get
    monkeypatch.setattr(type(cache), "get", lambda self, art: read.append(art) or original(self, art))
    report = ingest([DATA / "e.txt"], st)  # 即墨区: no name in common with the others but 青岛
    assert report.articles == 6 and report.reresolved == 0
    assert read == [a["id"] for a in list_articles(st) if a["source"] == "e.txt"]  # its own text, for its graph


def test_a_build_folded_in_steps_equals_one_fold(tmp_path, monkeypatch):
    import kg.pipeline.run as run

    files = [DATA / n for n in FILES]
    one = GraphStore()
    build(files, one)
    monkeypatch.setattr(run, "REFRESH_EVERY", 2)
    steps = GraphStore()
    build(files, steps)
    assert export(steps, "nt") == export(one, "nt")
    # on disk, each step saves the per-article records and drops them from memory (kg.resolve.tables)
    api.build(files, store=tmp_path / "store", out=tmp_path / "out")
    assert api.export("nt", store=tmp_path / "store") == export(one, "nt")


def test_an_ingest_writes_only_the_records_it_changes(tmp_path):
    """The index keeps one record per article beside the store (kg.resolve.tables): an ingest
    writes the new article's record and leaves the others as they were (the same files, linked
    from the generation before), a remove deletes the article's record."""
    from kg.rdf import layout

    inbox, store = tmp_path / "inbox", tmp_path / "store"
    inbox.mkdir()
    texts = _texts()
    for n in ("a.txt", "c.txt", "d.txt"):
        (inbox / n).write_text(texts[n][0], encoding="utf-8")

    def records():
        folder = store / layout.current_name(store) / "resolution"
        return {p.stem: p.stat().st_ino for p in folder.glob("*.pickle")}

    api.build([inbox / "a.txt", inbox / "c.txt"], store=store, out=tmp_path / "out")
    before = records()
    api.ingest([inbox / "d.txt"], store=store, out=tmp_path / "out", exports=False)
    after = records()
    assert len(before) == 2 and set(before) < set(after) and len(after) == 3
    assert all(after[a] == ino for a, ino in before.items())
    api.remove(["a.txt"], store=store, out=tmp_path / "out", exports=False)
    assert len(records()) == 2


def test_an_index_from_another_version_is_rebuilt_whole(tmp_path):
    """A regression: a store whose index is missing or from an older qdkg is re-resolved whole by
    its next write, and that write (a whole store again) loads in bulk like a build."""
    from kg.rdf import layout

    inbox, store = tmp_path / "inbox", tmp_path / "store"
    inbox.mkdir()
    texts = _texts()
    for n in ("a.txt", "c.txt", "d.txt"):
        (inbox / n).write_text(texts[n][0], encoding="utf-8")
    api.build([inbox / "a.txt", inbox / "c.txt"], store=store, out=tmp_path / "out")
    (store / layout.current_name(store) / "resolution.pickle").unlink()
    report = api.ingest([inbox / "d.txt"], store=store, out=tmp_path / "out", exports=False).report
    assert report.whole
    present = {n: (inbox / n).read_text(encoding="utf-8") for n in ("a.txt", "c.txt", "d.txt")}
    assert api.export("nt", store=store) == _fresh_export(tmp_path / "fresh", present)
    on_disk = GraphStore(tmp_path / "other")
    on_disk.clear()
    assert on_disk.bulk and not GraphStore().bulk
