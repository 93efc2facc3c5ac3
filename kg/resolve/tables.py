"""The index's per-article tables (what each article names, its facts, amounts and dates), kept
one record per article, so that saving or loading the index after `kg ingest` costs what the
article costs: an index read from a store loads an article's record only when asked for it, and
a save writes only the records that changed (kg.pipeline.state). A build saves them as it goes,
so they do not pile up in memory."""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import MutableMapping
from typing import Callable

PER_ARTICLE = ("names", "facts", "amounts", "dates")  # the ResolutionIndex attributes kept this way


class Records:
    """The saved records, read on demand through `read(article_id) -> {table: value}`; the
    last few read are kept, so the tables of one article cost one read."""

    KEEP = 64

    def __init__(self, read: Callable[[str], dict]):
        self._read = read
        self._recent: OrderedDict[str, dict] = OrderedDict()

    def get(self, art: str) -> dict:
        record = self._recent.pop(art, None)
        if record is None:
            record = self._read(art)
        self._recent[art] = record
        if len(self._recent) > self.KEEP:
            self._recent.popitem(last=False)
        return record


class ArticleTable(MutableMapping):
    """Article id -> value. In memory after a build; after a load, values come from `records`
    as they are asked for. Remembers which articles were set or removed since the last save."""

    def __init__(self, name: str):
        self.name = name
        self._data: dict = {}
        self._keys: set = set()
        self._records: Records | None = None
        self.changed: set = set()

    def attach(self, records: Records) -> None:
        self._records = records

    def saved(self, records: Records) -> None:
        """Every value is now a saved record: read it from `records` from now on."""
        self._data.clear()
        self.changed.clear()
        self._records = records

    @property
    def attached(self) -> bool:
        return self._records is not None

    def __getitem__(self, art: str):
        if art in self._data:
            return self._data[art]
        if art not in self._keys or self._records is None:
            raise KeyError(art)
        return self._records.get(art)[self.name]  # not kept: memory stays what the changes need

    def __setitem__(self, art: str, value) -> None:
        self._data[art] = value
        self._keys.add(art)
        self.changed.add(art)

    def __delitem__(self, art: str) -> None:
        self._keys.remove(art)
        self._data.pop(art, None)
        self.changed.add(art)

    def __contains__(self, art) -> bool:
        return art in self._keys

    def __iter__(self):
        return iter(sorted(self._keys))

    def __len__(self) -> int:
        return len(self._keys)

    def load_all(self) -> None:
        """Every value in memory and saved with the table from now on (an index kept in memory
        has no records to read them from)."""
        self._data = {art: self[art] for art in self._keys}
        self._records, self.inline = None, True

    inline = False  # whether pickling keeps the values (else only the keys: the values are records)

    def __getstate__(self):
        return {"name": self.name, "_keys": self._keys, "_data": self._data if self.inline else {},
                "_records": None, "changed": set(), "inline": self.inline}
