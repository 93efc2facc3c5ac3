"""`kg build --dask ADDRESS`: extraction on a real Dask cluster gives a local build's export,
byte for byte (a distributed.LocalCluster of worker processes, and `dask scheduler` + `dask
worker` processes on loopback)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli.app import cli
from kg.pipeline.cluster import batches
from kg.model import Source

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed: pip install 'qdkg[dask]'")

ROOT = Path(__file__).resolve().parents[2]
INPUTS = [ROOT / "seeds", ROOT / "tests" / "data" / "html"]


def build(tmp: Path, name: str, *extra: str) -> bytes:
    res = CliRunner().invoke(cli, ["--store", str(tmp / name), "build", *map(str, INPUTS), "--out",
                                   str(tmp / f"{name}-out"), *extra])
    assert res.exit_code == 0, res.output
    return (tmp / f"{name}-out" / "qdkg.ttl").read_bytes()


@pytest.fixture(scope="module")
def local_export(tmp_path_factory):
    return build(tmp_path_factory.mktemp("local"), "s")


def test_local_cluster_gives_the_same_export(tmp_path, local_export):
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        assert build(tmp_path, "s", "--dask", c.scheduler_address) == local_export


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_scheduler_and_worker_processes_give_the_same_export(tmp_path, local_export):
    dask = shutil.which("dask", path=os.path.dirname(sys.executable)) or shutil.which("dask")
    if dask is None:
        pytest.skip("no `dask` command next to this Python")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tmp_path)]
    try:
        procs.append(subprocess.Popen([dask, "worker", address, "--nworkers", "2", "--nthreads", "1",
                                       "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      env=env, cwd=tmp_path))
        with distributed.Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        assert build(tmp_path, "s", "--dask", address) == local_export
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()


def test_unreachable_scheduler_is_one_line_exit_8(tmp_path, monkeypatch):
    import kg.pipeline.cluster as cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "2s")
    address = f"tcp://127.0.0.1:{_free_port()}"
    t0 = time.monotonic()
    res = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "build", str(INPUTS[0]), "--out",
                                   str(tmp_path / "o"), "--dask", address])
    assert res.exit_code == 8, res.output
    assert res.output.startswith(f"Error: cannot reach the Dask scheduler at {address} (")
    assert res.output.count("\n") == 1 and time.monotonic() - t0 < 60
    assert not (tmp_path / "s").exists()


def test_batches_keep_order_and_size():
    srcs = [Source(path=f"{i}.txt", name=f"{i}.txt", text="字" * n, encoding="utf-8", digest="0" * 12)
            for i, n in enumerate([5, 5, 20, 1, 1, 30])]
    parts = batches(srcs, chars=10)
    assert [[s.name for s in b] for b in parts] == [["0.txt", "1.txt"], ["2.txt"], ["3.txt", "4.txt", "5.txt"]]
