"""Writing output files: a folder that can be written in, and files replaced atomically."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kg.errors import OutputError


def check_writable(folder: str | Path) -> Path:
    """Create `folder` if needed and make sure files can be written in it."""
    p = Path(folder)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {p}: {exc.strerror}; choose another with --out") from None
    if not os.access(p, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write to {p}: permission denied; choose another folder with --out")
    return p


def write_atomic(path: str | Path, data) -> Path:
    """Write `data` (str, bytes, or an iterable of bytes) to a temporary file beside `path`, then
    rename it into place: a reader never sees a half-written file, and an interrupted or failed
    write leaves the old file intact and no temporary file behind."""
    p = Path(path)
    check_writable(p.parent if str(p.parent) else ".")
    chunks = [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else data
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, p)
        tmp = None
    except OSError as exc:
        raise OutputError(f"cannot write {p}: {exc.strerror or exc}; free some space or choose another path") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return p
