"""Interrupting `kg build`: with Ctrl-C (SIGINT) or a hard kill (SIGKILL) part-way through, the
previous export is still there, whole (old or completely new, never partial), no temporary
files are left behind after SIGINT, the store still opens, and SIGINT ends with one line on
stderr and a non-zero exit code.

The signals are sent at points the build is seen to have reached (its staged store holds the
first extraction, or all of them), so they land part-way through on any machine."""
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


def generation(store: Path) -> Path:
    """The current generation folder of a store (kg.rdf.layout)."""
    return store / (store / "GENERATION").read_text(encoding="utf-8").strip()


def interrupted_build(built: Built, tmp: Path, sig: int, phase: str):
    """Copy the built store and exports, rebuild them from `built.inputs` and send `sig` at a
    point the build is known to have reached and not passed: `extracting` once its staged
    store holds the first article's extraction, `writing` once it holds every article's (the
    graphs are then being written; the swap comes after)."""
    work = tmp / "work"
    shutil.copytree(built.store, work / "S")
    shutil.copytree(built.out, work / "O")
    wanted = 1 if phase == "extracting" else len(list(generation(built.base / "S2").glob("extractions/*.json")))
    current = generation(work / "S").name
    proc = kg("--store", work / "S", "build", built.inputs, "--out", work / "O", cwd=work)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        staged = [g for g in (work / "S").glob("gen-*") if g.is_dir() and g.name != current]
        if sum(1 for g in staged for _ in g.glob("extractions/*.json")) >= wanted:
            proc.send_signal(sig)
            break
        time.sleep(0.002)
    rc, out, err = finish(proc)
    assert not out.strip(), f"the build finished before it reached the {phase} phase's signal: {out}"
    return work, (rc, out, err)


def check_outputs_whole(built: Built, work: Path) -> None:
    ttl = (work / "O" / "qdkg.ttl").read_bytes()
    assert ttl in (built.old_ttl, built.new_ttl), "qdkg.ttl is neither the old nor the new export"
    assert len(list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))) > 100
    html = (work / "O" / "graph.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>")


def check_store_opens(built: Built, work: Path) -> None:
    assert count(work / "S") in (built.old_count, built.new_count)  # the old graph or the new one, whole
    gs = GraphStore.open_existing(work / "S")
    gs.count_triples()
    gs.close()


@pytest.mark.parametrize("phase", ["extracting", "writing"])
def test_sigint_mid_build(built, tmp_path, phase):
    work, (rc, out, err) = interrupted_build(built, tmp_path, signal.SIGINT, phase)
    assert rc != 0
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: interrupted"), err
    check_outputs_whole(built, work)
    leftovers = [p.name for p in (work / "O").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    check_store_opens(built, work)


@pytest.mark.parametrize("phase", ["extracting", "writing"])
def test_sigkill_mid_build(built, tmp_path, phase):
    work, (rc, out, err) = interrupted_build(built, tmp_path, signal.SIGKILL, phase)
    assert rc == -signal.SIGKILL
    check_outputs_whole(built, work)
    check_store_opens(built, work)


# Ctrl-C while the command is still importing, made deterministic: an import hook in the child
# raises KeyboardInterrupt when pyoxigraph (imported by the commands, outside handle_errors) loads.
_INTERRUPT_AT_IMPORT = """
import sys
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "pyoxigraph":
            raise KeyboardInterrupt
sys.meta_path.insert(0, Interrupt())
sys.argv = ["kg"] + sys.argv[1:]
from kg.cli import main
main()
"""


# regression test (bug fixed): Ctrl-C while `kg` is still importing (first ~0.3-0.5 s) printed a
# traceback; kg.cli.main imports the commands inside its interrupt handler
def test_sigint_during_startup(tmp_path):
    res = subprocess.run([sys.executable, "-c", _INTERRUPT_AT_IMPORT, "--store", str(tmp_path / "S"), "build",
                          str(SEEDS), "--out", str(tmp_path / "O")], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    assert (res.returncode, res.stdout, res.stderr) == (
        130, "", "Error: interrupted while starting; nothing was written\n")
    assert not (tmp_path / "O").exists() and not (tmp_path / "S").exists()


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


# regression test (bug fixed): kg.out.viewpage.write_view removes its temporary file only on OSError; Ctrl-C between writing and os.replace leaves .graph.html.*.tmp
def test_interrupted_write_view_leaves_no_temp_file(tmp_path, monkeypatch):
    from kg.out.graphview import ViewData
    from kg.out.viewpage import write_view

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
    assert calls["n"] >= 1, "the build no longer writes through GraphStore.write_graphs: update the fault injection"
    assert count(tmp_path / "S") in (built.old_count, built.new_count)
