"""Interrupting `kg build`: with Ctrl-C (SIGINT) or a hard kill (SIGKILL) part-way through, the
previous export is still there, whole (old or completely new, never partial), no temporary
files are left behind after SIGINT, the store still opens, and SIGINT ends with one line on
stderr and a non-zero exit code.

The kills are timed as fractions of a measured full build, so they land part-way through on
slow and fast machines alike; a build that finished before the signal is retried earlier."""
from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.out import files as serialize
from kg.rdf.store import GraphStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
EXTRA = ("青岛日报2021年12月2日第4版\n崂山：科技创新园开工建设\n"
         "崂山区与海尔集团签署战略合作协议，共建工业互联网平台。该平台由海尔集团负责运营。\n")


def _default_sigint():  # a child of a background job would otherwise inherit SIGINT ignored
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def kg(*args: str | Path, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen([sys.executable, "-m", "kg", *map(str, args)], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_default_sigint)


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def count(store: Path) -> int:
    gs = GraphStore.open_existing(store)
    try:
        return gs.count_triples()
    finally:
        del gs
        gc.collect()


@dataclass
class Built:
    base: Path
    store: Path  # the store after a complete build of one small article
    out: Path
    old_ttl: bytes
    old_count: int
    inputs: Path  # the seeds and one more article: what the interrupted builds read
    new_ttl: bytes
    new_count: int
    seconds: float  # how long a complete build of `inputs` takes here


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    base = tmp_path_factory.mktemp("interrupt")
    old_inputs = base / "in1"  # small, so that this first build is quick
    old_inputs.mkdir()
    (old_inputs / "extra.txt").write_text(EXTRA, encoding="utf-8")
    rc, out, err = finish(kg("--store", base / "S", "build", old_inputs, "--out", base / "O", cwd=base))
    assert rc == 0, err
    inputs = base / "in2"
    inputs.mkdir()
    for f in SEEDS.glob("*.txt"):
        shutil.copy(f, inputs / f.name)
    (inputs / "zz_extra.txt").write_text(EXTRA, encoding="utf-8")
    t0 = time.monotonic()
    rc, out, err = finish(kg("--store", base / "S2", "build", inputs, "--out", base / "O2", cwd=base))
    seconds = time.monotonic() - t0
    assert rc == 0, err
    b = Built(base, base / "S", base / "O", (base / "O" / "qdkg.ttl").read_bytes(), count(base / "S"), inputs,
              (base / "O2" / "qdkg.ttl").read_bytes(), count(base / "S2"), seconds)
    assert b.old_ttl != b.new_ttl and b.old_count != b.new_count
    return b


def interrupted_build(built: Built, tmp: Path, sig: int, fraction: float):
    """Copy the built store and exports, rebuild them from `built.inputs` and send `sig` after
    `fraction` of a full build's time. Retries earlier when the build already finished."""
    for attempt in range(4):
        work = tmp / f"try{attempt}"
        shutil.copytree(built.store, work / "S")
        shutil.copytree(built.out, work / "O")
        proc = kg("--store", work / "S", "build", built.inputs, "--out", work / "O", cwd=work)
        time.sleep(built.seconds * fraction)
        if proc.poll() is None:
            proc.send_signal(sig)
            rc, out, err = finish(proc)
            if not out.strip():  # the summary is printed last: no summary, interrupted part-way
                return work, (rc, out, err)
        else:
            finish(proc)
        fraction *= 0.6  # it finished (or was exiting) before the signal: interrupt it earlier
    pytest.skip("the build always finished before it could be interrupted")


def check_outputs_whole(built: Built, work: Path) -> None:
    ttl = (work / "O" / "qdkg.ttl").read_bytes()
    assert ttl in (built.old_ttl, built.new_ttl), "qdkg.ttl is neither the old nor the new export"
    assert len(list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))) > 100
    html = (work / "O" / "graph.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>")


def check_store_opens(work: Path) -> None:
    n = count(work / "S")
    assert isinstance(n, int) and n >= 0
    gs = GraphStore(work / "S")  # and a next build could write to it
    gs.count_triples()
    del gs
    gc.collect()


@pytest.mark.parametrize("fraction", [0.35, 0.7], ids=["extracting", "writing"])
def test_sigint_mid_build(built, tmp_path, fraction):
    work, (rc, out, err) = interrupted_build(built, tmp_path, signal.SIGINT, fraction)
    assert rc != 0
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: interrupted"), err
    check_outputs_whole(built, work)
    leftovers = [p.name for p in (work / "O").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    check_store_opens(work)


@pytest.mark.parametrize("fraction", [0.35, 0.7], ids=["extracting", "writing"])
def test_sigkill_mid_build(built, tmp_path, fraction):
    work, (rc, out, err) = interrupted_build(built, tmp_path, signal.SIGKILL, fraction)
    assert rc == -signal.SIGKILL
    check_outputs_whole(built, work)
    check_store_opens(work)


def wait_until_importing(proc: subprocess.Popen, timeout: float = 30) -> None:
    """Wait until the child is importing kg's dependencies (pyoxigraph's library is mapped);
    without /proc, wait a moment: the interpreter is up, the imports take far longer."""
    maps = Path(f"/proc/{proc.pid}/maps")
    if not maps.exists():
        time.sleep(0.15)
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if "pyoxigraph" in maps.read_text(errors="replace"):
                return
        except OSError:
            pass
        time.sleep(0.002)
    pytest.skip("could not catch the child while importing")


# regression test (bug fixed): Ctrl-C while `kg` is still importing (first ~0.3-0.5 s: kg/__init__ imports kg.api and every heavy dependency outside handle_errors) prints 
def test_sigint_during_startup(tmp_path):
    proc = kg("--store", tmp_path / "S", "build", SEEDS, "--out", tmp_path / "O", cwd=tmp_path)
    wait_until_importing(proc)
    proc.send_signal(signal.SIGINT)
    rc, out, err = finish(proc)
    assert rc != 0
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


# ---- deterministic interruptions, in process ----------------------------------------------

def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def test_interrupted_write_atomic_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "qdkg.ttl"
    target.write_bytes(b"old")
    monkeypatch.setattr(os, "fsync", _interrupt)
    with pytest.raises(KeyboardInterrupt):
        serialize.write_atomic(target, b"new" * 1000)
    assert target.read_bytes() == b"old"


# regression test (bug fixed): kg.out.files.write_atomic removes its temporary file only on OSError; Ctrl-C between mkstemp and os.replace leaves .qdkg.ttl.*.tmp
def test_interrupted_write_atomic_leaves_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "qdkg.ttl"
    target.write_bytes(b"old")
    monkeypatch.setattr(os, "fsync", _interrupt)
    with pytest.raises(KeyboardInterrupt):
        serialize.write_atomic(target, b"new" * 1000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qdkg.ttl"]


# regression test (bug fixed): kg.out.graphview.write_view removes its temporary file only on OSError; Ctrl-C between writing and os.replace leaves .graph.html.*.tmp
def test_interrupted_write_view_leaves_no_temp_file(tmp_path, monkeypatch):
    from kg.out.graphview import ViewData, write_view

    target = tmp_path / "graph.html"
    target.write_text("old", encoding="utf-8")
    monkeypatch.setattr(os, "chmod", _interrupt)  # between writing the temporary file and renaming it
    with pytest.raises(KeyboardInterrupt):
        write_view(ViewData(nodes=[], edges=[]), target, title="t")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.html"]


# regression test (bug fixed): kg build replaced the store piecemeal (store.clear(), then the article graphs): an interrupted build left a store that was neither old nor new
def test_interrupted_build_leaves_old_or_new_store(built, tmp_path, monkeypatch):
    from kg import api

    shutil.copytree(built.store, tmp_path / "S")
    calls = {"n": 0}
    original = GraphStore.write_graphs

    def flaky(self, graphs):
        calls["n"] += 1
        original(self, [next(iter(graphs))])  # the ontology and one article are in: interrupted part-way
        raise KeyboardInterrupt

    monkeypatch.setattr(GraphStore, "write_graphs", flaky)
    try:
        api.build([built.inputs], store=tmp_path / "S", out=tmp_path / "O")
    except KeyboardInterrupt:
        pass
    gc.collect()  # close the interrupted build's store handle
    if calls["n"] < 1:
        pytest.skip("the build no longer writes through GraphStore.write_graphs: update the fault injection")
    assert count(tmp_path / "S") in (built.old_count, built.new_count)
