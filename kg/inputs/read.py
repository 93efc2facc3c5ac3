"""Stage 1: find input files and decode them, with a clear error for anything unreadable.

Encodings: an explicit encoding wins; otherwise a BOM (UTF-8, UTF-16, UTF-32), then UTF-8,
then GB18030 (GBK, GB2312) or Big5 as detected by charset-normalizer on a sample of the bytes.
HTML pages (.html/.htm, or text starting with <!DOCTYPE html / <html) are reduced to their
main text, with their title, date, author and URL, by kg.inputs.html (trafilatura); the rest
of the pipeline, and every offset it records, sees that extracted text. Article dumps (.jsonl,
.csv) are read by kg.inputs.dumps, a Source per record.

`read_inputs()` reads many files one at a time and skips (with a one-line reason) files that
are empty, blank or binary, so one stray file does not stop a build."""
from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from kg.errors import InputError
from kg.inputs.dumps import DUMP_SUFFIXES, is_dump, iter_dump
from kg.inputs.html import HTML_START, looks_like_html, read_page
from kg.model import Source, SourceMeta

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + DUMP_SUFFIXES
ERRORS = ("strict", "replace")

# What charset-normalizer may choose between (it guesses nothing else), and their codec names.
DETECT_CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16"]
_CODEC_NAME = {"utf_8": "utf-8", "utf_16": "utf-16", "gb18030": "gb18030", "big5": "big5"}
_SAMPLE = 64 * 1024  # bytes given to the detector

_BINARY_KINDS = (
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "zip archive or Office document"),
    (b"PK\x05\x06", "zip archive"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x7fELF", "executable"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office document"),
)
_BINARY_MAGIC = tuple(magic for magic, _ in _BINARY_KINDS)
# C0 controls that never occur in text (everything but \t \n \v \f \r and ESC)
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b")


class SkippableInput(InputError):
    """A file that is not an article at all (empty, blank, binary). `read_inputs` skips these
    (with `reason`) where a single-file read raises them like any other InputError."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Skipped:
    """A file `read_inputs` did not read, and why (one line)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


# ---- finding files ----------------------------------------------------------------------

def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def find_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders (recursively, `*.txt`, `*.html`, `*.htm` and the dumps `*.jsonl`,
    `*.ndjson`, `*.csv`, sorted; hidden files and folders are left out) into a list of files,
    each once."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*")
                           if f.suffix.lower() in ARTICLE_SUFFIXES and not _hidden(f, p) and f.is_file())
            if not files:
                raise InputError(f"{p} holds no .txt articles (nor .html pages, nor .jsonl/.csv dumps): put UTF-8 "
                                 ".txt files in it or name the files directly")
            found.extend(files)
        elif p.is_file():
            found.append(p)
        else:
            raise InputError(f"{p} does not exist: check the path (kg build reads seeds/ by default)")
    seen, unique = set(), []
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


# ---- decoding ---------------------------------------------------------------------------

_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)  # (UTF-32-LE starts like UTF-16-LE)


def _binary_kind(data: bytes, wide: bool) -> str | None:
    """What kind of binary file `data` is, or None when it may be text."""
    for magic, kind in _BINARY_KINDS:
        if data.startswith(magic):
            return kind
    if wide or data.startswith(_WIDE_BOMS):
        return None
    head = data[:4096]
    if b"\x00" in head:
        return "NUL bytes"
    controls = len(head) - len(head.translate(None, _CONTROL))
    if controls * 10 > len(head):
        return "control characters"
    return None


def _codec(encoding: str) -> codecs.CodecInfo:
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise InputError(f"unknown encoding {encoding!r}: use a Python codec name such as gb18030 or big5")
    return info


def _check_errors(errors: str) -> None:
    if errors not in ERRORS:
        raise InputError(f"unknown error handling {errors!r}: use strict or replace")


def _undecodable(name: str, enc: str, offset: int, guessed: bool = False) -> InputError:
    how = "pass --encoding (e.g. gb18030, big5)" if guessed else "pass the right --encoding"
    return InputError(f"{name} is not valid {enc} (undecodable byte at offset {offset}): "
                      f"{how}, or --errors replace to decode it anyway")


_CHUNK = 1 << 20


def _decode_as(data: bytes, enc: str, errors: str, skip: int = 0) -> str:
    """Decode data[skip:]; UnicodeDecodeError offsets count from the start of the file.

    Large inputs are decoded a megabyte at a time: one str for the whole input is built with a
    buffer of up to 4 bytes per input byte, the pieces need about one character per character."""
    view = memoryview(data)[skip:]
    try:
        if len(view) <= 4 * _CHUNK:
            return str(view, enc, errors)
        decoder = codecs.getincrementaldecoder(enc)(errors)
        parts = [decoder.decode(view[i:i + _CHUNK]) for i in range(0, len(view), _CHUNK)]
        parts.append(decoder.decode(b"", True))
        return "".join(parts)
    except UnicodeDecodeError as first:
        exc = first
        if len(view) > 4 * _CHUNK:  # find the offset in the file, not in a chunk
            try:
                str(view, enc, errors)
            except UnicodeDecodeError as whole:
                exc = whole
        exc.start += skip
        exc.end += skip
        raise exc from None


def _attempt(data: bytes, enc: str) -> str | int:
    """The text, when all of `data` decodes as `enc`; else the offset of the first bad byte."""
    try:
        return _decode_as(data, enc, "strict")
    except UnicodeDecodeError as exc:
        return exc.start
    except UnicodeError:  # e.g. a UTF-16 stream of odd length
        return 0


def _safe_prefix(data: bytes, limit: int) -> bytes:
    """At most `limit` leading bytes, cut after a byte that ends a character in every candidate
    encoding (a byte below 0x30 is never part of a multi-byte GB18030/Big5/UTF-8 character)."""
    if len(data) <= limit:
        return data
    window = data[:limit]
    for i in range(len(window) - 1, max(len(window) - 4096, 0), -1):
        if window[i] < 0x30:
            return window[:i + 1]
    return window


def _detect(data: bytes) -> str | None:
    """The encoding charset-normalizer finds for (a sample of) `data`, restricted to the
    candidates; None when none of them fits."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # without the detector only UTF-8 and BOMs are recognised
        return None
    sample = _safe_prefix(data, _SAMPLE)
    # a sample cut inside a multi-byte character fits no encoding: retry a few bytes shorter
    for trim in range(4 if len(sample) < len(data) else 1):
        best = from_bytes(sample[:len(sample) - trim] if trim else sample, cp_isolation=DETECT_CANDIDATES,
                          preemptive_behaviour=False).best()
        if best is not None:
            return _CODEC_NAME.get(best.encoding, best.encoding)
    return None


_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.I)
_DECLARED = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb18030": "gb18030", "cp936": "gb18030",
             "big5": "big5", "big5-hkscs": "big5hkscs", "x-x-big5": "big5"}


def _declared_charset(data: bytes) -> str | None:
    """The legacy charset an HTML page declares in a <meta> tag (GB family -> gb18030)."""
    m = _META_CHARSET.search(data, 0, 4096)
    return _DECLARED.get(m.group(1).decode("ascii").lower()) if m else None


def _auto_decode(data: bytes, name: str, errors: str, html: bool) -> tuple[str, str]:
    """Decode bytes that carry no BOM: UTF-8, else the declared (HTML) or detected encoding."""
    result = _attempt(data, "utf-8")
    if isinstance(result, str):
        return result, "utf-8"
    progress = {"utf-8": result}
    for enc in (_declared_charset(data) if html else None, _detect(data)):
        if enc and enc not in progress:
            result = _attempt(data, enc)
            if isinstance(result, str):
                return result, enc
            progress[enc] = result
    # Nothing decodes all of it: damaged bytes. Judge the encoding on the longest prefix some
    # candidate decodes, then report the first bad byte in that encoding (or replace bad bytes).
    for enc in ("gb18030", "big5"):
        if enc not in progress:
            result = _attempt(data, enc)
            progress[enc] = len(data) if isinstance(result, str) else result
    best = "utf-8"
    for length in sorted({p for p in progress.values() if p}, reverse=True):
        guess = _detect(data[:min(length, _SAMPLE + 4096)])
        if guess in progress and progress[guess] >= min(length, _SAMPLE):
            best = guess
            break
    if errors == "replace":
        return _decode_as(data, best, "replace"), best
    raise _undecodable(name, best, progress[best], guessed=True)


def decode(data: bytes, name: str, encoding: str | None = None, errors: str = "strict") -> tuple[str, str]:
    """Decode bytes to text; return (text, encoding used) (see decode_page)."""
    text, enc, _ = decode_page(data, name, encoding, errors)
    return text, enc


def decode_page(data: bytes, name: str, encoding: str | None = None,
                errors: str = "strict") -> tuple[str, str, SourceMeta]:
    """Decode bytes to text; return (text, encoding used, metadata). BOMs are honoured and dropped.

    Without `encoding`: BOM, else UTF-8, else GB18030 or Big5 (detected). With errors="replace"
    undecodable bytes become U+FFFD instead of raising InputError. HTML pages come back as
    their main text, with " (html)" after the encoding and the page's metadata."""
    _check_errors(errors)
    if not data or data.isspace():
        raise SkippableInput(f"{name} is empty: give a file with article text", "empty file")
    info = _codec(encoding) if encoding else None
    wide = info is not None and info.name.startswith(("utf-16", "utf-32"))
    kind = _binary_kind(data, wide)
    if kind:
        raise SkippableInput(f"{name} is a binary file, not text: give a UTF-8 .txt article",
                             f"binary file ({kind}), not text")
    html = name.lower().endswith(HTML_SUFFIXES) or looks_like_html(data)
    skip = 0
    if info is not None:
        enc = "utf-8" if info.name == "utf-8" else encoding
        if info.name == "utf-8" and data.startswith(codecs.BOM_UTF8):
            skip = 3
    elif data.startswith(codecs.BOM_UTF8):
        enc, skip = "utf-8", 3
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        enc = "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    else:
        enc = None
    if enc is None:
        text, enc = _auto_decode(data, name, errors, html)
    else:
        try:
            text = _decode_as(data, enc, errors, skip)
        except UnicodeDecodeError as exc:
            raise _undecodable(name, enc, exc.start, guessed=info is None) from None
        except UnicodeError as exc:
            raise InputError(f"{name} is not valid {enc} ({exc}): pass the right --encoding, "
                             "or --errors replace to decode it anyway") from None
    if html:
        html = "<" in text[:4096]  # a .html file without markup is plain text
    elif HTML_START.match(text, 0, 4096):
        html = True
    meta = SourceMeta()
    if html:
        text, meta = read_page(text)
        enc = f"{enc} (html)"
        if not text or text.isspace():
            raise SkippableInput(f"{name} is an HTML page without text: give a page with the article",
                                 "HTML page without text")
    elif not text or text.isspace():
        raise SkippableInput(f"{name} has only white space: give a file with article text", "only white space")
    return text, enc, meta


# ---- reading ----------------------------------------------------------------------------

def _digest(text: str, data: bytes | None, meta: SourceMeta = SourceMeta()) -> str:
    """sha1 of the UTF-8 encoding of `text` (and of the metadata, when there is any), first 12
    hex digits, without a full second copy."""
    h = hashlib.sha1()
    if data is not None:
        h.update(data)
    else:
        step = 1 << 20
        for i in range(0, len(text), step):
            h.update(text[i:i + step].encode("utf-8", "surrogatepass"))
    if meta != SourceMeta():
        h.update(repr(meta).encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:12]


def read_source(path: str | Path, encoding: str | None = None, errors: str = "strict") -> Source:
    """Read and decode one input file."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}; check the path and its permissions") from None
    text, enc, meta = decode_page(data, str(p), encoding, errors)
    # plain UTF-8 without a BOM: the bytes are the UTF-8 encoding of the text
    same = enc == "utf-8" and not data.startswith(codecs.BOM_UTF8) and errors == "strict"
    digest = _digest(text, data if same else None, meta)
    del data
    return Source(path=str(p), name=p.name, text=text, encoding=enc, digest=digest, meta=meta)


def iter_inputs(paths: Iterable[str | Path], *, encoding: str | None = None,
                errors: str = "strict") -> Iterator[Source | Skipped]:
    """Read the files under `paths` one at a time, yielding a Source or a Skipped for each."""
    _check_errors(errors)
    if encoding:
        _codec(encoding)
    for f in find_inputs(paths):
        try:
            if is_dump(f):
                yield from _read_dump(f, encoding, errors)
            else:
                yield read_source(f, encoding, errors)
        except SkippableInput as exc:
            yield Skipped(path=str(f), reason=exc.reason)


def _read_dump(path: Path, encoding: str | None, errors: str) -> Iterator[Source | Skipped]:
    """The records of a JSON Lines or CSV dump (kg.inputs.dumps); a bad line is a Skipped."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}; check the path and its permissions") from None
    text, _ = decode(data, str(path), encoding, errors)
    for line, item in iter_dump(path, text):
        yield item if isinstance(item, Source) else Skipped(path=f"{path} line {line}", reason=item)


def read_inputs(paths: Iterable[str | Path], *, encoding: str | None = None, errors: str = "strict",
                strict: bool = False) -> tuple[list[Source], list[Skipped]]:
    """Read every article under `paths`. Empty, blank and binary files are skipped (returned
    with a reason) unless `strict`, where they raise InputError; undecodable text raises
    InputError unless errors="replace". Raises InputError when no article is readable."""
    paths = list(paths)
    sources: list[Source] = []
    skipped: list[Skipped] = []
    for item in iter_inputs(paths, encoding=encoding, errors=errors):
        if isinstance(item, Skipped):
            if strict:
                raise InputError(f"{item.path} is not an article ({item.reason}): fix or remove it, or leave "
                                 "out --strict to skip it")
            skipped.append(item)
        else:
            sources.append(item)
    if not sources:
        where = ", ".join(str(p) for p in paths) or "the inputs"
        detail = "; ".join(str(s) for s in skipped[:3]) + ("; …" if len(skipped) > 3 else "")
        raise InputError(f"no readable articles in {where}: skipped {len(skipped)} file(s) ({detail})")
    return sources, skipped
