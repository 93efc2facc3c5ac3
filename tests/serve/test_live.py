"""A live endpoint: `kg serve` answers while `kg ingest` writes new generations of its store.

Ten clients query without pause while fifty articles are ingested one at a time: no request
fails, every answer comes from a whole generation (its article and triple counts are those
some ingest left), the server follows each new generation within a second, the final count
is a fresh build's, and the server's memory stays flat."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from kg import api
from kg.pipeline.run import build
from kg.rdf.store import GraphStore

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = 50
COUNTS = ("SELECT ?articles ?triples WHERE { { SELECT (COUNT(?a) AS ?articles) WHERE { ?a a qdo:Article } } "
          "{ SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o } } }")


def article(i: int) -> str:  # invented
    return (f"第{i}号产业园开园\n{i % 28 + 1}月{i % 27 + 1}日，东海新区第{i}号智能制造产业园正式开园，"
            f"东海第{i}精工机械有限公司等{i + 3}家企业签约入驻，总投资{i + 10}亿元。\n")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def counts(url: str) -> tuple[int, int]:
    r = requests.get(url, params={"query": COUNTS}, headers={"Accept": "text/csv"}, timeout=30)
    assert r.status_code == 200, r.text
    a, t = r.text.split()[1].split(",")
    return int(a), int(t)


@pytest.fixture
def live(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(ARTICLES + 1):
        (inputs / f"a{i:02d}.txt").write_text(article(i), encoding="utf-8")
    store, out = tmp_path / "store", tmp_path / "out"
    api.build([inputs / "a00.txt"], store=store, out=out)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "kg", "--store", str(store), "serve", "--port", "0", "--timeout",
                             "20"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()
    m = re.fullmatch(r"Serving SPARQL at (http://127\.0\.0\.1:\d+/sparql) \(Ctrl-C to stop\)\n", line)
    if not m:
        proc.kill()
        pytest.fail(line + proc.stderr.read())
    yield proc, m.group(1), inputs, store, out
    proc.send_signal(signal.SIGINT)
    try:
        proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_serve_follows_ingests_while_clients_query(live, tmp_path):
    proc, url, inputs, store, out = live
    states = {counts(url)}  # (articles, triples) of every generation ingest made
    answers: list[tuple[int, int]] = []
    errors: list[str] = []
    stop = threading.Event()

    def client():
        with requests.Session() as s:
            while not stop.is_set():
                try:
                    r = s.get(url, params={"query": COUNTS}, headers={"Accept": "text/csv"}, timeout=30)
                    if r.status_code != 200:
                        errors.append(f"{r.status_code} {r.text.strip()}")
                        continue
                    a, t = r.text.split()[1].split(",")
                    answers.append((int(a), int(t)))
                except requests.RequestException as exc:
                    errors.append(repr(exc))

    clients = [threading.Thread(target=client) for _ in range(10)]
    for c in clients:
        c.start()
    rss, lags = [], []
    try:
        for i in range(1, ARTICLES + 1):
            res = api.ingest([inputs / f"a{i:02d}.txt"], store=store, out=out)
            state = (res.report.articles, res.report.triples)
            states.add(state)
            t0 = time.monotonic()
            while counts(url) != state and time.monotonic() - t0 < 10:
                time.sleep(0.05)
            lags.append(time.monotonic() - t0)
            if i in (10, ARTICLES):
                rss.append(rss_kib(proc.pid))
    finally:
        stop.set()
        for c in clients:
            c.join(60)
    assert errors == []
    assert len(answers) > 200
    assert set(answers) <= states, set(answers) - states  # no answer from a half-written store
    assert max(lags) < 1.5 and sorted(lags)[len(lags) // 2] < 1.0, lags
    fresh = GraphStore()
    build([inputs], fresh)
    assert counts(url) == (ARTICLES + 1, fresh.count_triples())
    assert rss[1] - rss[0] < 40_000, rss  # KiB: flat, not one store's worth per generation
    gens = sorted(p.name for p in store.iterdir() if p.name.startswith("gen-") and p.is_dir())
    assert len(gens) <= 2, gens  # the old generations were let go and deleted
