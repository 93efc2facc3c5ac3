"""Extraction results kept beside the graph store, so that `kg ingest` and `kg remove` can
re-resolve the whole collection without re-reading or re-extracting old articles.

One JSON file per article under `<store>/extractions/` (in memory for an in-memory store)."""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

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
    return {"version": FORMAT_VERSION, "script": script, "article": asdict(ex.article),
            "mentions": [asdict(m) for m in mentions], "relations": relations, "amounts": amounts,
            "dates": dates, "n_mentions": len(ex.mentions)}


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
            json.dump(data, fh, ensure_ascii=False)
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

    def all(self) -> list[tuple[Extraction, str]]:
        """Every cached article, in a stable order (source file name, then position)."""
        items = [self.get(i) for i in self.ids()]
        return sorted(items, key=lambda x: (x[0].article.source, x[0].article.number, x[0].article.id))
