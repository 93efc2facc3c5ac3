"""Stage 1: find input files and decode them, with a clear error for anything unreadable."""
from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

from .errors import InputError
from .model import Source

TEXT_SUFFIXES = (".txt",)
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x7fELF")


def find_inputs(paths: list[str | Path]) -> list[Path]:
    """Expand files and folders (recursively, `*.txt`, sorted) into a list of files."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES)
            if not files:
                raise InputError(f"{p} holds no .txt articles: put UTF-8 .txt files in it or name the files directly")
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


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes to text; return (text, encoding used). BOMs are honoured and dropped."""
    if not data.strip():
        raise InputError(f"{name} is empty: give a file with article text")
    wide = encoding is not None and codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")) \
        if encoding and _known(encoding) else False
    if data.startswith(_BINARY_MAGIC) or (b"\x00" in data[:4096] and not wide and not data.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))):
        raise InputError(f"{name} is a binary file, not text: give a UTF-8 .txt article")
    if encoding:
        enc = "utf-8-sig" if _known(encoding) and codecs.lookup(encoding).name == "utf-8" else encoding
    elif data.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    else:
        enc = "utf-8"
    try:
        text = data.decode(enc)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}: use a Python codec name such as gb18030 or big5") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not valid {enc} (undecodable byte at offset {exc.start}): "
            "re-save it as UTF-8 or pass --encoding (e.g. gb18030, big5)") from None
    if not text.strip():
        raise InputError(f"{name} has only white space: give a file with article text")
    return text, ("utf-8" if enc == "utf-8-sig" else enc)


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
        return True
    except LookupError:
        return False


def read_source(path: str | Path, encoding: str | None = None) -> Source:
    """Read and decode one input file."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror}; check the path and its permissions") from None
    text, enc = decode(data, str(p), encoding)
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    return Source(path=str(p), name=p.name, text=text, encoding=enc, digest=digest)
