"""Writing output files: a folder that can be written in, and files replaced atomically."""
from __future__ import annotations

import errno
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


_FIX = {errno.ENOSPC: "free some space or choose another path", errno.EDQUOT: "free some space or choose another path",
        errno.EISDIR: "give a file name, not a folder", errno.ENAMETOOLONG: "choose a shorter name"}


def _why(exc: OSError) -> str:
    """What went wrong and how to fix it: the disk is full, permission denied, …"""
    return f"{exc.strerror or exc}; {_FIX.get(exc.errno, 'choose another path')}"


def write_atomic(path: str | Path, data, *, create_folder: bool = False) -> Path:
    """Write `data` (str, bytes, or an iterable of bytes) to a temporary file beside `path`, then
    rename it into place: a reader never sees a half-written file, and an interrupted or failed
    write leaves the old file intact and no temporary file behind. The file's folder must exist
    unless `create_folder`."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if create_folder:
        check_writable(folder)
    elif not folder.is_dir():
        what = f"{folder} is a file, not a folder" if folder.exists() else f"the folder {folder} does not exist"
        raise OutputError(f"cannot write {p}: {what}; create it or choose another path")
    elif not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {p}: permission denied in {folder}; choose another path")
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
        raise OutputError(f"cannot write {p}: {_why(exc)}") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return p
