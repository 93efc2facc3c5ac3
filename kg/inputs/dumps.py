"""Article dumps: JSON Lines (`.jsonl`, `.ndjson`) and CSV files of many articles, a record each.

A record has `text` (required) and may have `title`, `date` (ISO: 2021-12-01, or a timestamp
that starts with one), `url`, `id` and `source` (the outlet) — the shape crawlers and datasets
export; other fields are ignored. A `text` that is an HTML page is reduced to its main text as
a saved page is (kg.inputs.html). Each record becomes one Source named by its `id` (what `kg
ingest` replaces by: re-ingesting an id replaces that article), or without one by `FILE:LINE`.
A bad record is a Skipped naming its line; a repeated id keeps the later record."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from pathlib import Path
from typing import Iterator

from kg.errors import InputError
from kg.inputs.html import HTML_START, read_page
from kg.model import Source, SourceMeta

JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)
DUMP_SUFFIXES = JSONL_SUFFIXES + CSV_SUFFIXES
FIELDS = ("text", "title", "date", "url", "id", "source")


class BadRecord(ValueError):
    """A record that cannot be an article; the message says why."""


def is_dump(path: str | Path) -> bool:
    return str(path).lower().endswith(DUMP_SUFFIXES)


def _records(text: str, name: str) -> Iterator[tuple[int, dict | BadRecord]]:
    """(line number, record or why not) for each record of a JSON Lines or CSV text."""
    if name.lower().endswith(CSV_SUFFIXES):
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if not reader.fieldnames or "text" not in [f.strip().lower() for f in reader.fieldnames]:
            raise InputError(f"{name} has no `text` column: its first line must name the columns "
                             f"({', '.join(FIELDS)}; text is required)")
        line = 1
        try:
            for row in reader:
                yield line + 1, {(k or "").strip().lower(): v for k, v in row.items() if k is not None}
                line = reader.line_num
        except csv.Error as exc:
            yield reader.line_num, BadRecord(f"not CSV: {exc}")
        return
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except ValueError as exc:
            yield number, BadRecord(f"not JSON: {str(exc).split(':')[0]}")
            continue
        yield number, record if isinstance(record, dict) else BadRecord("not a JSON object")


def _field(record: dict, key: str) -> str | None:
    value = record.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise BadRecord(f"`{key}` is not a string")
    return str(value).strip() or None


def _iso(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise BadRecord(f"`date` {value[:30]!r} is not an ISO date (YYYY-MM-DD)") from None


def record_source(record: dict, path: Path, line: int) -> Source:
    """The Source of one record (BadRecord when it has no usable text or a bad field)."""
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadRecord("no `text`" if text in (None, "") else "`text` is not a string" if not isinstance(text, str)
                        else "`text` is blank")
    ident, url = _field(record, "id"), _field(record, "url")
    meta = SourceMeta(title=_field(record, "title"), date=_iso(_field(record, "date")),
                      url=url if url and url.startswith(("http://", "https://")) else None,
                      publisher=_field(record, "source"), identifier=ident)
    encoding = "utf-8"
    if HTML_START.match(text, 0, 4096):
        text, page = read_page(text)
        meta = SourceMeta(title=meta.title or page.title, date=meta.date or page.date, author=page.author,
                          url=meta.url or page.url, publisher=meta.publisher or page.publisher, identifier=ident)
        encoding = "utf-8 (html)"
        if not text.strip():
            raise BadRecord("`text` is an HTML page without text")
    digest = hashlib.sha1(repr((text, meta)).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return Source(path=str(path), name=ident or f"{path.name}:{line}", text=text, encoding=encoding,
                  digest=digest, meta=meta)


def iter_dump(path: Path, text: str) -> list[tuple[int, Source | str]]:
    """(line, Source) for each good record of a decoded dump and (line, reason) for each bad
    one, in line order. Of records sharing an id, the last is kept and the others reported."""
    out: list[tuple[int, Source | str]] = []
    kept: dict[str, int] = {}  # id -> index in out
    for line, record in _records(text, path.name):
        try:
            if isinstance(record, BadRecord):
                raise record
            src = record_source(record, path, line)
        except BadRecord as why:
            out.append((line, str(why)))
            continue
        if src.name in kept:
            earlier = kept[src.name]
            out[earlier] = (out[earlier][0], f"id {src.name!r} again on line {line}; the later record is kept")
        kept[src.name] = len(out)
        out.append((line, src))
    return out
