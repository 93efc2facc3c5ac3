"""The store folder: generations, one writer at a time, readers that never see a half-written
or deleted graph.

    STORE/QDKG_STORE        marker: this folder is a qdkg store
    STORE/GENERATION        the name of the current generation, replaced atomically
    STORE/gen-000007/       one complete Oxigraph database (and its build state)
    STORE/gen-000007.lease  readers of that generation hold a shared lock on it
    .STORE.lock             beside the folder: the one writer holds an exclusive lock on it

A writer (build, ingest, remove) takes `.STORE.lock` (waiting up to `wait` seconds), writes a new
generation beside the current one, then points GENERATION at it: readers opening the store after
that see the new graph, readers that opened the old one go on reading it. A generation that is
not current and that no reader holds is deleted by the next writer (or by `kg serve` when it
lets go of one). Oxigraph answers queries on a deleted database with silence, not an error,
so this lease, not luck, is what keeps answers whole. A folder that holds an Oxigraph database
directly (the layout before generations) is read as it is and converted by its next write."""
from __future__ import annotations

import fcntl
import os
import re
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from kg.errors import StoreError

CURRENT = "GENERATION"
MARKER = "QDKG_STORE"
_GEN = re.compile(r"gen-(\d{6,})$")
_LAYOUT_NAMES = {CURRENT, MARKER, f".{CURRENT}.tmp"}


def lock_path(root: Path) -> Path:
    """The writer lock file of the store at `root`: beside it, so that a first build makes
    no store folder until it has a graph to put there."""
    return root.parent / f".{root.name}.lock"


def generation_name(n: int) -> str:
    return f"gen-{n:06d}"


def current_name(root: Path) -> str | None:
    """The current generation's folder name, or None (no store, or the old one-folder layout)."""
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return name if _GEN.match(name) else None


def is_legacy(root: Path) -> bool:
    """A store of the layout before generations: the database sits in the folder itself."""
    return (root / MARKER).exists() and current_name(root) is None \
        and any(p.suffix == ".sst" or p.name.startswith("MANIFEST") for p in root.iterdir())


class Lease:
    """A reader's hold on one generation (a shared lock on its lease file)."""

    def __init__(self, folder: Path, fd: int | None):
        self.folder, self._fd = folder, fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file drops the lock
            self._fd = None

    def __del__(self):
        self.release()


def lease_current(root: Path) -> Lease:
    """Hold the current generation for reading; StoreError when there is none."""
    for _ in range(100):
        name = current_name(root)
        if name is None:
            if (root / MARKER).exists() and is_legacy(root):
                return Lease(root, None)
            raise StoreError(f"no qdkg graph at {root}: run `kg build` first (or point --store / QDKG_STORE at an "
                             "existing store)")
        fd = _open_lease(root / f"{name}.lease")
        if fd is None:  # a store on read-only media, or not ours to write: nobody can delete it under us either
            return Lease(root / name, None)
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a writer deletes that generation
        if current_name(root) == name and (root / name / MARKER).exists():
            return Lease(root / name, fd)
        os.close(fd)  # a writer swapped generations meanwhile: take the new one
    raise StoreError(f"the store at {root} keeps changing: is a kg command rewriting it in a loop?")


def _open_lease(path: Path) -> int | None:
    for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
        try:
            return os.open(path, flags, 0o644)
        except OSError:
            continue
    return None


@contextmanager
def writer_lock(root: Path, wait: float = 60.0, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Be the one writer of the store at `root`. Another writer is waited for up to `wait`
    seconds (`on_wait` is told once, in one line), then StoreError (exit 5)."""
    root.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(root), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline, told = time.monotonic() + wait, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(fd)
                if time.monotonic() >= deadline:
                    raise StoreError(f"another kg command{holder} is writing to {root}: wait for it to finish, or "
                                     f"give --wait more than {wait:g} s") from None
                if not told and on_wait:
                    on_wait(f"Waiting for another kg command{holder} to finish writing to {root} (up to {wait:g} s)…")
                    told = True
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def _holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except OSError:
        pid = ""
    return f" (process {pid})" if pid.isdigit() else ""


def next_generation(root: Path) -> Path:
    """A new, unused generation folder name (the writer makes it)."""
    numbers = [int(m.group(1)) for p in root.iterdir() if (m := _GEN.match(p.name))] if root.is_dir() else []
    return root / generation_name(max(numbers, default=0) + 1)


def make_current(root: Path, generation: Path) -> None:
    """Point GENERATION at `generation` in one atomic rename."""
    tmp = root / f".{CURRENT}.tmp"
    tmp.write_text(generation.name + "\n", encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, root / CURRENT)


def collect(root: Path) -> list[str]:
    """Delete the generations that are not current and that no reader holds (call with the
    writer lock held, or it may delete a generation being written); returns their names. A
    folder of the old layout has its database files deleted once it is converted."""
    keep = current_name(root)
    removed = []
    for p in sorted(root.iterdir()) if root.is_dir() else []:
        m = _GEN.match(p.name)
        if not m or p.name == keep:
            continue
        fd = os.open(root / f"{p.name}.lease", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # a reader still uses it: the next writer tries again
        shutil.rmtree(p, ignore_errors=True)
        os.unlink(root / f"{p.name}.lease")
        os.close(fd)
        removed.append(p.name)
    if keep:
        for p in root.iterdir():  # the database files of the old layout, and leases left by deleted generations
            if p.name.endswith(".lease") and not (root / p.name.removesuffix(".lease")).exists():
                p.unlink(missing_ok=True)
            elif p.name not in _LAYOUT_NAMES and not p.name.startswith("gen-"):
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    return removed


def try_collect(root: Path) -> None:
    """collect() when no writer is at work (used by readers that let go of a generation)."""
    fd = os.open(lock_path(root), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pass
    else:
        collect(root)
    finally:
        os.close(fd)
