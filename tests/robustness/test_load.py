"""Load and time limits: `kg serve` under 20 concurrent clients × 50 queries on loopback, and
the --timeout of `kg query`. Latencies are reported, never asserted (no timed asserts)."""
from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from kg.cli.app import cli
from kg.rdf.sparql import list_queries

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CLIENTS, PER_CLIENT = 20, 50


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    base = tmp_path_factory.mktemp("load")
    res = CliRunner().invoke(cli, ["--store", str(base / "S"), "build", str(SEEDS), "--out", str(base / "O")])
    assert res.exit_code == 0, res.output
    return base / "S"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (the query workers), in kB."""
    total = 0
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


@pytest.fixture(scope="module")
def server(store):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-m", "kg", "--store", str(store), "serve", "--port", str(port),
                             "--timeout", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    url = f"http://127.0.0.1:{port}/sparql"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("kg serve did not come up: " + proc.stderr.read().decode(errors="replace")[-500:])
    yield proc, url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_concurrent_clients(server):
    proc, url = server
    queries = [q.text for q in list_queries()]
    for q in queries:  # warm up every worker and cache
        requests.post(url, data=q.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=30)
    rss_before = _rss_kb(proc.pid)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(i: int) -> None:
        with requests.Session() as s:
            for k in range(PER_CLIENT):
                q = queries[(i + k) % len(queries)]
                t0 = time.perf_counter()
                try:
                    r = s.post(url, data=q.encode(), headers={"Content-Type": "application/sparql-query",
                                                             "Accept": "application/sparql-results+json"},
                               timeout=60)
                    ok = r.status_code == 200 and "results" in r.json()
                except (requests.RequestException, ValueError) as exc:
                    ok, r = False, exc
                with lock:
                    latencies.append(time.perf_counter() - t0)
                    if not ok:
                        errors.append(str(getattr(r, "status_code", r)))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    wall = time.perf_counter() - started
    rss_after = _rss_kb(proc.pid)
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[int(0.99 * (len(latencies) - 1))]
    print(f"\n{len(latencies)} queries from {CLIENTS} clients in {wall:.1f} s: p50 {p50 * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.0f} ms; server RSS {rss_before // 1024} -> {rss_after // 1024} MB")
    assert not any(t.is_alive() for t in threads)
    assert len(latencies) == CLIENTS * PER_CLIENT
    assert errors == []
    assert rss_after <= rss_before * 1.5 + 50_000  # memory stays flat (kB)


def test_runaway_query_does_not_block_the_server(server):
    _, url = server
    slow = {}

    def runaway():
        slow["r"] = requests.get(url, params={"query": RUNAWAY}, timeout=60)

    t = threading.Thread(target=runaway)
    t.start()
    time.sleep(0.3)
    fast = requests.get(url, params={"query": "ASK { ?s a <https://w3id.org/qdkg/ontology#Park> }"}, timeout=30)
    t.join(60)
    assert fast.status_code == 200
    assert slow["r"].status_code == 503 and "time limit" in slow["r"].text


def test_kg_query_timeout(store):
    res = CliRunner().invoke(cli, ["--store", str(store), "query", "-", "--timeout", "1"], input=RUNAWAY)
    assert res.exit_code == 3
    assert res.output.startswith("Error: the query did not finish within the 1 s time limit")
    assert res.output.count("\n") == 1
    res = CliRunner().invoke(cli, ["--store", str(store), "query", "firms-in-parks", "--timeout", "5"])
    assert res.exit_code == 0 and res.output.splitlines()[0].split() == ["firm", "park", "sentence"]
