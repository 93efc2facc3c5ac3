"""Writers of one store, as users run them by mistake: two at once, or one killed half-way.

- Two `kg build`s, or a build and an ingest, started together: each ends 0 (it waited for the
  other) or 5 with one line (it waited --wait seconds); the store is then a single build's.
- `kg ingest` killed with SIGKILL at random points: the store and the exports are the previous
  ones, whole (or, killed after the new generation became current, the new graph), and the
  next ingest works."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.rdf.store import GraphStore

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


def kg(*args, cwd: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "kg", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)


def export(store: Path) -> bytes:
    res = subprocess.run([sys.executable, "-m", "kg", "--store", str(store), "export", "--format", "nt"],
                         capture_output=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


def extra(folder: Path, n: int) -> list[Path]:  # invented articles
    folder.mkdir(exist_ok=True)
    files = []
    for i in range(n):
        f = folder / f"x{i}.txt"
        f.write_text(f"西江市第{i}号重点项目开工\n西江第{i}新材料有限公司投资{i + 5}亿元建设第{i}号产业园。", encoding="utf-8")
        files.append(f)
    return files


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """The export of one plain build of the seeds."""
    base = tmp_path_factory.mktemp("single")
    proc = kg("--store", base / "S", "build", SEEDS, "--out", base / "O", cwd=base)
    assert proc.wait(300) == 0, proc.stderr.read()
    return export(base / "S")


@pytest.mark.parametrize("wait", ["60", "0"])
def test_two_builds_at_once(tmp_path, single, wait):
    procs = [kg("--store", tmp_path / "S", "build", SEEDS, "--out", tmp_path / f"O{i}", "--wait", wait, cwd=tmp_path)
             for i in range(2)]
    results = [(p.wait(300), p.stdout.read(), p.stderr.read()) for p in procs]
    codes = sorted(rc for rc, _, _ in results)
    assert codes in ([0, 0], [0, 5]), results
    for rc, out, err in results:
        if rc == 5:
            assert err.count("\n") == 1 and err.startswith("Error: another kg command (process ") \
                and "give --wait more than 0 s" in err, err
        else:
            assert "Traceback" not in err and out.startswith("Read 1 file(s)")
            assert err in ("", ) or err.startswith("Waiting for another kg command"), err
    if wait == "60":
        assert codes == [0, 0]
    assert export(tmp_path / "S") == single


def test_build_and_ingest_at_once(tmp_path, single):
    """An ingest that runs after the build adds to it; one that runs before is replaced by it."""
    first = kg("--store", tmp_path / "S", "build", SEEDS, "--out", tmp_path / "O", cwd=tmp_path)
    [x] = extra(tmp_path / "x", 1)
    time.sleep(0.3)
    second = kg("--store", tmp_path / "S", "ingest", x, "--out", tmp_path / "O2", cwd=tmp_path)
    rcs = [first.wait(300), second.wait(300)]
    err = second.stderr.read()
    # the ingest either waited for the build (0) or found no store yet and said so (5)
    assert rcs[0] == 0 and rcs[1] in (0, 5), (rcs, err)
    assert "Traceback" not in err
    if rcs[1] == 0:
        alone = kg("--store", tmp_path / "S2", "build", SEEDS, x, "--out", tmp_path / "O3", cwd=tmp_path)
        assert alone.wait(300) == 0
        assert export(tmp_path / "S") == export(tmp_path / "S2")
    else:
        assert export(tmp_path / "S") == single


def test_ingest_killed_at_random_points(tmp_path):
    rng = random.Random(7)
    store, out = tmp_path / "S", tmp_path / "O"
    files = extra(tmp_path / "x", 10)
    proc = kg("--store", store, "build", SEEDS, files[0], "--out", out, cwd=tmp_path)
    assert proc.wait(300) == 0
    before_store, before_ttl = export(store), (out / "qdkg.ttl").read_bytes()
    started = time.monotonic()
    proc = kg("--store", store, "ingest", files[1], "--out", tmp_path / "timing", cwd=tmp_path)
    assert proc.wait(300) == 0
    full = time.monotonic() - started
    assert export(store) != before_store
    before_store, before_ttl = export(store), (tmp_path / "timing" / "qdkg.ttl").read_bytes()
    out = tmp_path / "timing"
    killed = 0
    for run in range(10):
        proc = kg("--store", store, "ingest", files[2 + run % 8], "--out", out, cwd=tmp_path)
        time.sleep(rng.uniform(0.05, full * 0.9))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        rc = proc.wait(60)
        if rc == 0:  # it finished before the kill: that is the new previous state
            before_store, before_ttl = export(store), (out / "qdkg.ttl").read_bytes()
            continue
        assert rc == -signal.SIGKILL
        now = export(store)
        if now != before_store:  # killed after the new generation became current: the new graph, whole
            assert now.count(b"/ontology#Article> .") == before_store.count(b"/ontology#Article> .") + 1
            before_store = now
        ttl = (out / "qdkg.ttl").read_bytes()
        if ttl != before_ttl:  # the new export, whole (it is renamed into place when complete)
            assert len(list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))) > 1000
            before_ttl = ttl
    assert killed >= 5
    proc = kg("--store", store, "ingest", files[9], "--out", out, cwd=tmp_path)
    assert proc.wait(300) == 0, proc.stderr.read()
    gs = GraphStore.open_existing(store)
    assert gs.count_triples() > 0
    gs.close()
    assert len([p for p in store.iterdir() if p.is_dir()]) == 1  # what the kills left was cleared
