"""What a store keeps beside its graph for later writes (BuildState), and the new generation
that build, ingest and remove write into (`staged`).

- the extraction cache: one JSON file per article under `<store>/extractions/`, so that `kg
  ingest` and `kg remove` re-resolve the collection without re-reading old articles;
- `graph-digests.json`: what each article graph was written from (kg.pipeline.run);
- `build-options.json`: the options the graph was built with (--min-confidence), which later
  writes use unless told otherwise;
- `resolution.pickle`: the resolution index (kg.resolve.index) and the store's quad count, so
  that `kg ingest` and `kg remove` resolve and write only what an article changes. When it is
  missing or from another version, the next write rebuilds it from the extraction cache. What
  the index keeps per article is in `resolution/`, one record per article (kg.resolve.tables),
  read when asked for and written when it changes.
An in-memory store keeps the same state in memory, for as long as the store object lives."""
from __future__ import annotations

import json
import os
import pickle
import shutil
import tempfile
import weakref
from contextlib import contextmanager
from dataclasses import fields
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from kg.rdf import layout
from kg.resolve.tables import Records
from kg.rdf.store import GraphStore, check_target, mark
from kg.model import AmountMention, Article, Block, DateMention, Extraction, Mention, RelationMention, Sentence

FORMAT_VERSION = 2


def to_dict(ex: Extraction, script: str) -> dict:
    mentions = list(ex.mentions)
    index = {id(m): i for i, m in enumerate(mentions)}

    def ref(m: Mention):
        if id(m) not in index:  # synthetic mentions (article district, name prefixes)
            index[id(m)] = len(mentions)
            mentions.append(m)
        return index[id(m)]

    relations = [{"s": ref(r.subject), "p": r.predicate, "o": ref(r.object), "sentence": r.sentence,
                  "rule": r.rule, "confidence": r.confidence} for r in ex.relations]
    amounts = [{"s": ref(a.subject), "p": a.predicate, "value": str(a.value), "sentence": a.sentence,
                "text": a.text, "rule": a.rule, "confidence": a.confidence} for a in ex.amounts]
    dates = [{"s": ref(x.subject), "p": x.predicate, "value": x.value, "sentence": x.sentence, "text": x.text,
              "rule": x.rule, "confidence": x.confidence} for x in ex.dates]
    article = _record(ex.article)
    article["blocks"] = [_record(b) for b in ex.article.blocks]
    article["sentences"] = [_record(x) for x in ex.article.sentences]
    return {"version": FORMAT_VERSION, "script": script, "article": article,
            "mentions": [_record(m) for m in mentions], "relations": relations, "amounts": amounts,
            "dates": dates, "n_mentions": len(ex.mentions)}


_FIELDS: dict[type, tuple[str, ...]] = {}


def _record(obj) -> dict:
    """A flat dataclass as a dict of its fields (dataclasses.asdict, which copies deeply, took a
    third of writing the cache)."""
    names = _FIELDS.get(type(obj))
    if names is None:
        names = _FIELDS[type(obj)] = tuple(f.name for f in fields(obj))
    return {n: getattr(obj, n) for n in names}


def from_dict(d: dict) -> tuple[Extraction, str]:
    a = dict(d["article"])
    a["blocks"] = [Block(**b) for b in a["blocks"]]
    a["sentences"] = [Sentence(**s) for s in a["sentences"]]
    article = Article(**a)
    mentions = [Mention(**{**m, "types": tuple(m["types"])}) for m in d["mentions"]]
    ex = Extraction(article=article, mentions=mentions[: d["n_mentions"]])
    ex.relations = [RelationMention(mentions[r["s"]], r["p"], mentions[r["o"]], r["sentence"], r["rule"],
                                    r["confidence"]) for r in d["relations"]]
    ex.amounts = [AmountMention(mentions[x["s"]], x["p"], Decimal(x["value"]), x["sentence"], x["text"], x["rule"],
                                x["confidence"]) for x in d["amounts"]]
    ex.dates = [DateMention(mentions[x["s"]], x["p"], x["value"], x["sentence"], x["text"], x["rule"],
                            x["confidence"]) for x in d.get("dates", [])]
    return ex, d["script"]


class ExtractionCache:
    """Per-article extraction results: a folder of JSON files, or a dict in memory."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._memory: dict[str, dict] = {}

    def put(self, ex: Extraction, script: str) -> None:
        data = to_dict(ex, script)
        if self.folder is None:
            self._memory[ex.article.id] = data
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{ex.article.id}.json"
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(data, ensure_ascii=False))  # (json.dump encodes in Python, dumps in C)
        os.replace(tmp, target)

    def ids(self) -> list[str]:
        if self.folder is None:
            return sorted(self._memory)
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.json"))

    def get(self, article_id: str) -> tuple[Extraction, str]:
        if self.folder is None:
            return from_dict(self._memory[article_id])
        return from_dict(json.loads((self.folder / f"{article_id}.json").read_text(encoding="utf-8")))

    def remove(self, article_id: str) -> None:
        if self.folder is None:
            self._memory.pop(article_id, None)
        else:
            (self.folder / f"{article_id}.json").unlink(missing_ok=True)

    def clear(self) -> None:
        for i in self.ids():
            self.remove(i)


INDEX = "resolution.pickle"
RECORDS = "resolution"
DIGESTS = "graph-digests.json"
OPTIONS = "build-options.json"
CACHE = "extractions"
DEFAULT_OPTIONS = {"min_confidence": 0.0}
_IN_MEMORY: "weakref.WeakKeyDictionary[GraphStore, BuildState]" = weakref.WeakKeyDictionary()


def _write_json(path: Path, data) -> None:
    tmp = path.parent / f".{path.name}.tmp"
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


class BuildState:
    """The extraction cache, graph digests and build options of one store folder (or of an
    in-memory store: `folder` None)."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.cache = ExtractionCache(None if folder is None else folder / CACHE)
        self._memory: dict[str, dict] = {}

    @classmethod
    def of(cls, store: GraphStore) -> "BuildState":
        if store.path is not None:
            return cls(store.path)
        if store not in _IN_MEMORY:
            _IN_MEMORY[store] = cls(None)
        return _IN_MEMORY[store]

    def _read(self, name: str, default: dict) -> dict:
        if self.folder is None:
            return dict(self._memory.get(name, default))
        try:
            return json.loads((self.folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return dict(default)  # none yet, or unreadable

    def _write(self, name: str, data: dict) -> None:
        if self.folder is None:
            self._memory[name] = dict(data)
        else:
            _write_json(self.folder / name, data)

    def graph_digests(self) -> dict[str, str]:
        """Article id -> digest of what its graph was written from ({} when every graph is new)."""
        return self._read(DIGESTS, {})

    def set_graph_digests(self, digests: dict[str, str]) -> None:
        self._write(DIGESTS, digests)

    def options(self) -> dict:
        """The options the graph was built with, for later writes."""
        return {**DEFAULT_OPTIONS, **self._read(OPTIONS, {})}

    def set_options(self, options: dict) -> None:
        self._write(OPTIONS, {**DEFAULT_OPTIONS, **options})

    def index(self):
        """The resolution index and the quad count of the graph (without its dataset description)
        saved by the last write, or (None, None)."""
        try:
            data = self._memory.get(INDEX) if self.folder is None else (self.folder / INDEX).read_bytes()
            if data is None:
                return None, None
            index, quads = pickle.loads(data)
        except Exception:  # noqa: BLE001 - none yet, unreadable or from another version: rebuilt
            return None, None
        from kg.resolve.index import VERSION
        if getattr(index, "version", None) != VERSION:
            return None, None
        if self.folder is not None:
            index.attach(Records(self._read_record))
        return index, quads

    def _read_record(self, article_id: str) -> dict:
        return pickle.loads((self.folder / RECORDS / f"{article_id}.pickle").read_bytes())

    def save_records(self, index) -> None:
        """Write the index's per-article records that changed (a refreshed index); it reads them
        from the folder from then on. Nothing for a store in memory."""
        if self.folder is None:
            return
        folder = self.folder / RECORDS
        if not index.reads_records():  # a new index: every record is written, none of the old ones kept
            shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(exist_ok=True)
        for art, record in index.changed_records().items():
            path = folder / f"{art}.pickle"
            if record is None:
                path.unlink(missing_ok=True)
            else:  # a new file, never an edit: other generations hold links to the old one
                tmp = folder / f".{art}.tmp"
                tmp.write_bytes(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(tmp, path)
        index.records_saved(Records(self._read_record))

    def save_index(self, index, quads: int) -> None:
        """Save the index: its per-article records that changed, then the rest."""
        if self.folder is None:
            index.keep_records_inline()
            self._memory[INDEX] = pickle.dumps((index, quads), protocol=pickle.HIGHEST_PROTOCOL)
            return
        self.save_records(index)
        tmp = self.folder / f".{INDEX}.tmp"
        tmp.write_bytes(pickle.dumps((index, quads), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, self.folder / INDEX)

    def copy_to(self, target: Path) -> None:
        """Copy the state files into `target` as hard links (every one is replaced whole, never
        edited, so the copy and the original never share a change)."""
        if self.folder is None:
            return
        for name in (CACHE, RECORDS):
            if (self.folder / name).is_dir():
                shutil.copytree(self.folder / name, target / name, copy_function=_link_or_copy)
        for name in (DIGESTS, OPTIONS, INDEX):  # also replaced whole (os.replace), never edited: links too
            if (self.folder / name).is_file():
                _link_or_copy(str(self.folder / name), str(target / name))


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(src, dst)


@contextmanager
def staged(path: str | Path, *, fresh: bool) -> Iterator[GraphStore]:
    """A writable store that becomes the store at `path` only when the block succeeds.

    Call it holding the store's writer lock (kg.rdf.layout.writer_lock). The work happens in a
    new generation folder: empty (`fresh`, for a build) or a checkpoint of the current one and
    its state (for ingest and remove: hard links, so cheap at any size). On success one rename
    makes it current; on an error or an interruption (Ctrl-C, a kill) the current generation is
    untouched and the new one is removed (after a kill, by the next write)."""
    root = Path(path)
    check_target(root)
    existing = root.is_dir() and (layout.current_name(root) is not None or layout.is_legacy(root))
    made = not root.exists()
    root.mkdir(parents=True, exist_ok=True)
    mark(root)
    layout.collect(root)
    target = layout.next_generation(root)
    if not fresh and existing:
        current = GraphStore.open_existing(root)
        current.backup(target)
        BuildState(current.path).copy_to(target)
        current.close()
    # atomicity comes from the swap, so a build's bulk loads are safe; an ingest writes a few graphs
    # in transactions and skips the compaction unless it rewrote everything
    work = GraphStore(target, bulk=fresh)
    try:
        yield work
        if fresh or work.rewritten:
            work.optimize()
        work.close()
        layout.make_current(root, target)
    except BaseException:
        work.close()
        shutil.rmtree(root if made else target, ignore_errors=True)
        raise
    layout.collect(root)
