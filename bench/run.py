"""qdkg benchmarks: ingest, build, queries, export and the graph view, each against a baseline
measured in the same run. A script, not a test suite: see bench/README.md.

    python bench/run.py [--sizes 4,40,400,4000] [--quick] [--out bench/results]

Prints a Markdown table (medians) and writes bench/results/<date>-<kind>.json.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import SEED, make_corpus  # noqa: E402

PY = sys.executable
TIME_BIN = "/usr/bin/time"
CHROMIUM = os.environ.get("QDKG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
RDFLIB_CAP = 60.0        # seconds: cap on one rdflib query / serialisation run
BUILD_CAP = 3600.0       # seconds: cap on one `kg build` subprocess
PACKAGES = ["qdkg", "rdflib", "pyoxigraph", "jieba", "rjieba", "opencc", "OpenCC", "pyvis", "networkx", "numpy", "scipy",
            "click", "pyshacl", "playwright"]


# ---- helpers ---------------------------------------------------------------------------

def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def timed(fn, reps: int):
    """Run fn reps times; return (list of seconds, last result)."""
    times, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    e.pop("QDKG_STORE", None)
    return e


def kg_cmd(*args) -> list[str]:
    return [PY, "-m", "kg", *map(str, args)]


def run_cmd(cmd: list[str], cwd: Path, timeout: float = 600.0) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    cp = subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - t0
    if cp.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {cp.returncode}: {cp.stderr.strip()[-800:]}")
    return wall, cp


_RSS_WRAPPER = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
                "sys.stderr.write('\\nMaximum resident set size (kbytes): %d\\n' % "
                "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")


def _tree_rss_kib(root: int) -> int:
    """Summed VmRSS of every descendant of process `root` (Linux /proc), in KiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/status", encoding="ascii", errors="replace") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        children.setdefault(int(fields.get("PPid", "0").strip() or 0), []).append(int(d))
        rss[int(d)] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, todo = 0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


class TreeSampler:
    """Peak of the summed RSS of this process's descendants (the command and its workers),
    sampled every 0.1 s while running: /usr/bin/time reports the largest single process only."""

    def __init__(self):
        import threading

        self.peak, self._stop = 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss_kib(os.getpid()))
            self._stop.wait(0.1)

    def __enter__(self):
        if os.path.isdir("/proc/self"):
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


def run_measured(cmd: list[str], cwd: Path, timeout: float) -> tuple[float, float | None, subprocess.CompletedProcess]:
    """(wall seconds, peak RSS MiB, process) of cmd in a fresh process, via /usr/bin/time -v when
    present, else a tiny Python wrapper reading getrusage(RUSAGE_CHILDREN). The peak is that of
    the largest single process; `cp.tree_peak_mib` is the sampled peak of all its processes."""
    wrapped = [TIME_BIN, "-v", *cmd] if os.access(TIME_BIN, os.X_OK) else [PY, "-c", _RSS_WRAPPER, *cmd]
    with TreeSampler() as tree:
        wall, cp = run_cmd(wrapped, cwd, timeout)
    cp.tree_peak_mib = tree.peak / 1024 if tree.peak else None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", cp.stderr)
    return wall, (int(m.group(1)) / 1024 if m else None), cp


def _timed_run(fn):
    t0 = time.perf_counter()
    res = fn()
    return time.perf_counter() - t0, res


def capped_runs(fn, reps: int, cap: float = RDFLIB_CAP) -> dict:
    """Time fn() up to `reps` times, each in a forked child (kg.serve.timeouts, so a slow rdflib
    run can be killed); each run may take at most `cap` s and the runs stop once they have used
    `cap` s together. Returns {"times": [...], "result": last result, "note": "" or why it stopped}."""
    from kg.serve.timeouts import call_with_timeout

    times, result, note = [], None, ""
    for _ in range(reps):
        try:
            t, result = call_with_timeout(_timed_run, cap + 5, fn)
        except Exception as exc:  # noqa: BLE001 - the reason goes into the report
            timed_out = "time limit" in str(exc)
            note = f"timed out (> {cap:.0f} s per run)" if timed_out else f"failed: {str(exc).splitlines()[-1][:300]}"
            break
        times.append(t)
        if sum(times) > cap:
            break
    if times and len(times) < reps and not note:
        note = f"{len(times)} run(s) (time budget {cap:.0f} s)"
    return {"times": times, "result": result, "note": note}


def machine_info() -> dict:
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            pass
    try:
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        chromium = None
    git = {}
    try:
        git["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "kg", "queries", "ontology"], cwd=ROOT,
                               capture_output=True, text=True).stdout.splitlines()
        git["uncommitted_files"] = len(dirty)
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_gib": mem, "load_average_at_start": list(os.getloadavg()),
            "python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": platform.platform(), "machine": platform.machine(), "packages": versions,
            "chromium": chromium, "git": git}


def fmt_s(s):
    if s is None:
        return "n/a"
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1e3:.1f} ms"
    return f"{s:.2f} s"


def fmt_x(x, digits=2):
    return "n/a" if x is None else f"{x:.{digits}f}"


class Table:
    def __init__(self):
        self.rows = []

    def add(self, measure, result, baseline="", ratio="", target="", met=None):
        self.rows.append({"measure": measure, "result": result, "baseline": baseline, "ratio": ratio,
                          "target": target, "met": met})
        flag = "" if met is None else (" [met]" if met else " [MISSED]")
        print(f"  {measure}: {result} | baseline {baseline or '-'} | ratio {ratio or '-'}{flag}", flush=True)

    def markdown(self) -> str:
        out = ["| Measure | Result (median) | Baseline (same run) | Ratio | Target | Met |",
               "|---|---|---|---|---|---|"]
        for r in self.rows:
            met = "" if r["met"] is None else ("yes" if r["met"] else "**no**")
            out.append(f"| {r['measure']} | {r['result']} | {r['baseline']} | {r['ratio']} | {r['target']} | {met} |")
        return "\n".join(out)


# ---- 1. ingest throughput ------------------------------------------------------------------

def bench_ingest(tmp: Path, table: Table, res: dict, reps: int = 3) -> None:
    print("\n## Ingest throughput (40 articles, in process)", flush=True)
    from kg.pipeline.run import extract_paths
    from kg.inputs.read import find_inputs, read_source
    from kg.nlp.script import to_simplified
    from kg.nlp.segment import default_segmenter

    corpus = tmp / "corpus-40"
    if not corpus.exists():
        make_corpus(40, corpus, SEED)
    warm = tmp / "corpus-4-warm"
    make_corpus(4, warm, SEED)
    default_segmenter().tagger
    extract_paths([warm])  # load jieba, OpenCC, gazetteer, lexicons once: steady-state throughput

    text = "".join(read_source(f, None).text for f in find_inputs([corpus]))
    chars = len(text)
    simplified = to_simplified(text)
    kg_times, _ = timed(lambda: extract_paths([corpus]), reps)
    import jieba.posseg as posseg

    dtagger = default_segmenter().tagger
    seg_times, seg_toks = timed(lambda: list(dtagger.cut(simplified)), reps)
    list(posseg.cut("预热"))
    jb_times, toks = timed(lambda: list(posseg.cut(simplified)), reps)
    kg_cps, jb_cps, seg_cps = chars / median(kg_times), chars / median(jb_times), chars / median(seg_times)
    ratio = kg_cps / jb_cps
    res["ingest"] = {"articles": 40, "characters": chars, "kg_extract_paths_s": kg_times,
                     "jieba_posseg_s": jb_times, "jieba_tokens": len(toks), "kg_chars_per_s": kg_cps,
                     "jieba_chars_per_s": jb_cps, "ratio": ratio, "target_ratio": 0.5,
                     "segmenter": type(dtagger).__name__, "segmenter_s": seg_times, "segmenter_tokens": len(seg_toks),
                     "segmenter_chars_per_s": seg_cps, "ratio_to_segmenter": kg_cps / seg_cps}
    table.add(f"Ingest: `extract_paths`, 40 articles ({chars:,} chars)",
              f"{kg_cps:,.0f} chars/s ({fmt_s(median(kg_times))})",
              f"`jieba.posseg` alone: {jb_cps:,.0f} chars/s ({fmt_s(median(jb_times))})",
              f"{ratio:.2f}", "≥ 0.5", ratio >= 0.5)
    table.add("Ingest against the segmenter in use",
              f"{kg_cps:,.0f} chars/s",
              f"`{type(dtagger).__name__}` alone: {seg_cps:,.0f} chars/s ({fmt_s(median(seg_times))})",
              f"{kg_cps / seg_cps:.2f}")


# ---- 2. build ------------------------------------------------------------------------------

def bench_startup(tmp: Path, table: Table, res: dict, reps: int = 5) -> float:
    print("\n## Start-up", flush=True)
    times = [run_cmd(kg_cmd("query", "--list"), tmp)[0] for _ in range(reps)]
    bare = [run_cmd([PY, "-c", "pass"], tmp)[0] for _ in range(reps)]
    res["startup"] = {"kg_query_list_s": times, "python_bare_s": bare}
    table.add("Start-up: `kg query --list` (imports only)", fmt_s(median(times)),
              f"`python -c pass`: {fmt_s(median(bare))}", f"{median(times) / median(bare):.1f}")
    return median(times)


def bench_build(tmp: Path, sizes: list[int], table: Table, res: dict) -> dict:
    print("\n## kg build (fresh subprocess each run)", flush=True)
    built = {}
    res["build"] = {}
    cases = [("seed", None)] + [(str(n), n) for n in sizes]
    prev = None
    for key, n in cases:
        if n is None:
            inputs = SEED
        else:
            inputs = tmp / f"corpus-{n}"
            if not inputs.exists():
                make_corpus(n, inputs, SEED)
        reps = 3 if (n is None or n <= 40) else 1
        walls, rss, tree, took = [], [], [], []
        for r in range(reps):
            work = tmp / f"build-{key}-{r}"
            if work.exists():
                shutil.rmtree(work)
            work.mkdir()
            wall, peak, cp = run_measured(kg_cmd("--store", work / "store", "build", inputs, "--out", work / "out"),
                                          tmp, BUILD_CAP)
            walls.append(wall)
            rss.append(peak)
            tree.append(cp.tree_peak_mib)
            m = re.search(r"Took ([\d.]+) s", cp.stdout)
            took.append(float(m.group(1)) if m else None)
            summary = cp.stdout
            if r < reps - 1:
                shutil.rmtree(work)
            else:
                built[key] = work
        m = re.search(r"([\d,]+) triples", summary)
        triples = int(m.group(1).replace(",", "")) if m else None
        m = re.search(r"([\d,]+) articles", summary)
        arts = int(m.group(1).replace(",", "")) if m else (n or 0)
        t, peak = median(walls), max(x for x in rss if x is not None) if any(rss) else None
        tree_peak = max((x for x in tree if x is not None), default=None)
        res["build"][key] = {"articles": arts, "triples": triples, "wall_s": walls, "peak_rss_mib": rss,
                             "tree_peak_rss_mib": tree,
                             "pipeline_s_reported": took, "per_article_s": t / arts if arts else None}
        base, ratio, target, met = "", "", "", None
        if n is None:
            target, met = "≤ 3 s incl. start-up", t <= 3.0
            label = "Build: seed (4 pages)"
        else:
            label = f"Build: {n} articles"
            if prev is not None:
                pn, pt = prev
                base = f"t({pn}) = {fmt_s(pt)}"
                ratio = f"{t / pt:.1f} (size ×{n / pn:g})"
            if n == 4000:
                target = "≤ 600 s, ≤ 2 GiB RSS"
                met = t <= 600 and max(peak or 0, tree_peak or 0) <= 2048
            prev = (n, t)
        table.add(label, f"{fmt_s(t)} ({fmt_s(t / arts if arts else None)}/article, "
                         f"{triples or 0:,} triples, peak RSS {fmt_x(peak, 0)} MiB, "
                         f"all processes {fmt_x(tree_peak, 0)} MiB)",
                  base, ratio, target, met)
    if "400" in res["build"] and "4000" in res["build"]:
        r = median(res["build"]["4000"]["wall_s"]) / median(res["build"]["400"]["wall_s"])
        res["build"]["ratio_4000_400"] = r
        table.add("Build scaling t(4000)/t(400)", f"{r:.1f}", "", f"{r:.1f}", "≤ 12", r <= 12)
    return built


def bench_ingest_one(tmp: Path, built: dict, key: str, table: Table, res: dict, reps: int = 3) -> None:
    """`kg ingest` of one new article into a copy of the built store, with the exports refreshed
    and with `--no-exports` (the store alone: resolution and writes of what the article touches)."""
    print(f"\n## kg ingest of one article into the {key}-article store", flush=True)
    n = int(key) if key.isdigit() else 4
    extra = tmp / "ingest-one"
    make_corpus(n + 1, extra / "corpus", SEED)
    article = sorted((extra / "corpus").glob("*.txt"))[-1]
    build_t = median(res["build"][key]["wall_s"])
    res.setdefault("ingest_one", {})[key] = {"store_articles": n}
    for label, flags in (("", []), (" `--no-exports`", ["--no-exports"])):
        walls = []
        for r in range(reps):
            work = extra / f"store-{r}"
            shutil.copytree(built[key] / "store", work)
            wall, _, _ = run_measured(kg_cmd("--store", work, "ingest", article, "--out", extra / "out", *flags),
                                      tmp, BUILD_CAP)
            walls.append(wall)
            shutil.rmtree(work)
        res["ingest_one"][key]["wall_s" + ("_no_exports" if flags else "")] = walls
        frac = median(walls) / build_t
        table.add(f"`kg ingest`{label} of 1 article into the {key}-article store", fmt_s(median(walls)),
                  f"`kg build` of all {key}: {fmt_s(build_t)}", f"{frac:.3f}", "≤ 0.05", frac <= 0.05)


def bench_build_ratio(tmp: Path, n: int, res: dict, table: Table) -> None:
    """The n-article build (bench_build's wall time) against OpenCC + jieba.posseg alone over the
    same text, in one process, the same run."""
    print(f"\n## Build of {n} articles against OpenCC + jieba.posseg alone", flush=True)
    from kg.inputs.read import find_inputs, read_source
    from kg.nlp.script import to_simplified
    import jieba.posseg as posseg

    text = "".join(read_source(f, None).text for f in find_inputs([tmp / f"corpus-{n}"]))
    list(posseg.cut("预热"))
    t0 = time.perf_counter()
    list(posseg.cut(to_simplified(text)))
    base = time.perf_counter() - t0
    build_t = median(res["build"][str(n)]["wall_s"])
    ratio = base / build_t
    res["build_ratio"] = {"articles": n, "characters": len(text), "opencc_posseg_s": base, "build_s": build_t,
                          "ratio": ratio, "target": 2.0}
    table.add(f"Build: {n} articles against the old segmenter", fmt_s(build_t),
              f"OpenCC + `jieba.posseg` alone: {fmt_s(base)}", f"{ratio:.2f}", "≥ 2.0", ratio >= 2.0)


def bench_dask(tmp: Path, n: int, table: Table, res: dict, workers=(1, 2, 4)) -> None:
    """`kg build --dask` on a LocalCluster of w worker processes (one thread each, loopback)
    next to `kg build --jobs w`, on the n-article corpus, one run each."""
    print(f"\n## kg build --dask against --jobs ({n} articles)", flush=True)
    try:
        from distributed import LocalCluster
    except ImportError:
        print("distributed is not installed: the Dask rows are skipped", flush=True)
        return
    corpus = tmp / f"corpus-{n}"
    if not corpus.exists():
        make_corpus(n, corpus, SEED)
    res["dask"] = {}
    for w in workers:
        walls = {}
        for how in ("jobs", "dask"):
            work = tmp / f"dask-{how}-{w}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            args = ["--store", work / "store", "build", corpus, "--out", work / "out"]
            if how == "jobs":
                walls[how], _, _ = run_measured(kg_cmd(*args, "--jobs", str(w)), tmp, BUILD_CAP)
            else:
                with LocalCluster(n_workers=w, threads_per_worker=1, processes=True, dashboard_address=None) as c:
                    walls[how], _, _ = run_measured(kg_cmd(*args, "--dask", c.scheduler_address), tmp, BUILD_CAP)
            shutil.rmtree(work)
        res["dask"][str(w)] = walls
        table.add(f"Build: {n} articles on Dask, {w} worker(s) (loopback)", fmt_s(walls["dask"]),
                  f"`--jobs {w}`: {fmt_s(walls['jobs'])}", f"{walls['dask'] / walls['jobs']:.2f}")


# ---- 3. queries ----------------------------------------------------------------------------

def _rdflib_query(g, text, prefixes):
    def run():
        return len(list(g.query(text, initNs=prefixes)))
    return run


def ox_worker(store_dir: str, name: str, reps: int, cap: float) -> None:
    """Worker mode (a fresh process): time one named query on the on-disk store in process,
    one JSON line per run, so the parent keeps partial results if it has to kill us."""
    from kg.rdf.sparql import list_queries, run_query
    from kg.rdf.store import GraphStore

    gs = GraphStore.open_existing(store_dir)
    text = {q.name: q.text for q in list_queries()}[name]
    spent, first = 0.0, True
    for _ in range(reps + 1):
        t0 = time.perf_counter()
        rows = len(run_query(gs, text).rows)
        t = time.perf_counter() - t0
        spent += t
        # the first run warms the store's caches; it counts as a sample only when it is slow
        if not first or t > 1.0:
            print(json.dumps({"t": t, "rows": rows}), flush=True)
        first = False
        if spent > cap:
            break


def ox_runs(store_dir: Path, name: str, reps: int, cwd: Path, cap: float = RDFLIB_CAP) -> dict:
    cmd = [PY, str(Path(__file__).resolve()), "--_ox-worker", str(store_dir), name, str(reps), str(cap)]
    note = ""
    try:
        out = subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True, timeout=cap + 30).stdout
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        note = f"timed out (> {cap:.0f} s per run)"
    runs = [json.loads(ln) for ln in out.splitlines() if ln.startswith("{")]
    if runs and len(runs) < reps and not note:
        note = f"{len(runs)} run(s) (time budget {cap:.0f} s)"
    return {"times": [r["t"] for r in runs], "rows": runs[-1]["rows"] if runs else None, "note": note}


def cli_runs(store_dir: Path, name: str, reps: int, cwd: Path, cap: float = RDFLIB_CAP) -> dict:
    times, note = [], ""
    for _ in range(reps):
        try:
            times.append(run_cmd(kg_cmd("--store", store_dir, "query", name), cwd, timeout=cap)[0])
        except subprocess.TimeoutExpired:
            note = f"timed out (> {cap:.0f} s)"
            break
        if sum(times) > cap:
            note = f"{len(times)} run(s) (time budget {cap:.0f} s)"
            break
    return {"times": times, "note": note}


def bench_queries(tmp: Path, store_dir: Path, label: str, startup: float, table: Table, res: dict,
                  reps: int = 5) -> tuple:
    print(f"\n## Named queries on the {label} store", flush=True)
    from kg.rdf.sparql import list_queries
    from kg.rdf.store import GraphStore
    from kg.rdf.vocab import PREFIXES

    gs = GraphStore.open_existing(store_dir)
    t0 = time.perf_counter()
    g = gs.to_rdflib()
    load = time.perf_counter() - t0
    res["queries"] = {"store": label, "quads": len(gs), "rdflib_triples": len(g), "to_rdflib_s": load,
                      "cap_s": RDFLIB_CAP, "named": {}}
    print(f"  {len(gs):,} quads; rdflib graph of {len(g):,} triples loaded in {fmt_s(load)}", flush=True)
    for q in list_queries():
        ox = ox_runs(store_dir, q.name, reps, tmp)
        rl = capped_runs(_rdflib_query(g, q.text, PREFIXES), reps)
        cli = cli_runs(store_dir, q.name, reps, tmp)
        ox_t, rl_t, cli_t = median(ox["times"]), median(rl["times"]), median(cli["times"])
        note = "; ".join(x for x in (rl["note"],) if x)
        if rl["result"] is not None and ox["rows"] is not None and rl["result"] != ox["rows"]:
            note = (note + "; " if note else "") + f"row counts differ: oxigraph {ox['rows']}, rdflib {rl['result']}"
        if ox_t is None:
            speedup, speedup_txt, met = None, "n/a", False
        elif rl_t is None and "timed out" in rl["note"]:
            speedup, speedup_txt, met = None, f"> {RDFLIB_CAP / ox_t:,.1f}", (RDFLIB_CAP / ox_t >= 10) or None
        else:
            speedup = rl_t / ox_t if rl_t is not None else None
            speedup_txt = f"{speedup:,.1f}" if speedup is not None else "n/a"
            met = speedup >= 10 if speedup is not None else None
        res["queries"]["named"][q.name] = {"rows": ox["rows"], "oxigraph_s": ox["times"], "oxigraph_note": ox["note"],
                                           "rdflib_s": rl["times"], "rdflib_rows": rl["result"], "rdflib_note": note,
                                           "speedup": speedup, "kg_query_cli_s": cli["times"],
                                           "kg_query_cli_note": cli["note"]}
        rows = "?" if ox["rows"] is None else ox["rows"]
        ox_txt = fmt_s(ox_t) if ox_t is not None else ox["note"]
        if ox_t is not None and ox["note"]:
            ox_txt += f" ({ox['note']})"
        rl_txt = fmt_s(rl_t) if rl_t is not None else (rl["note"] or "n/a")
        if rl_t is not None and note:
            rl_txt += f" ({note})"
        table.add(f"Query `{q.name}` ({rows} rows), {label} store", ox_txt, f"rdflib in memory: {rl_txt}",
                  speedup_txt, "≥ 10× faster", met)
        cli_txt = fmt_s(cli_t) if cli_t is not None else cli["note"]
        table.add(f"`kg query {q.name}` incl. start-up", cli_txt, f"start-up alone: {fmt_s(startup)}",
                  f"{cli_t / startup:.2f}" if cli_t is not None else "n/a", "≤ 1 s",
                  cli_t <= 1.0 if cli_t is not None and not cli["note"] else False)
    return gs, g


# ---- 4. export -----------------------------------------------------------------------------

def bench_export(gs, g, label: str, table: Table, res: dict, reps: int = 3) -> None:
    print(f"\n## Turtle export, {label} store", flush=True)
    from kg.rdf.formats import export

    times, data = timed(lambda: export(gs, "ttl"), reps)
    rl = capped_runs(lambda: len(g.serialize(format="turtle", encoding="utf-8")), reps)
    t, rt = median(times), median(rl["times"])
    res["export"] = {"store": label, "kg_export_ttl_s": times, "bytes": len(data), "rdflib_serialize_s": rl["times"],
                     "rdflib_bytes": rl["result"], "rdflib_note": rl["note"]}
    table.add(f"Export Turtle, {label} store ({len(data) / 1e6:.1f} MB)", fmt_s(t),
              f"rdflib `serialize(format='turtle')`: {fmt_s(rt) if rt else rl['note']}",
              f"{rt / t:.2f}" if rt else "n/a", "")


# ---- 5. graph view in Chromium -------------------------------------------------------------

_INIT_JS = r"""(() => {
  const t = window.__kgBench = {draws: 0};
  let v;
  Object.defineProperty(window, "kgView", {configurable: true, enumerable: true,
    get() { return v; },
    set(x) {
      v = x; t.created = performance.now();
      x.network.on("afterDrawing", () => {
        t.draws++; const now = performance.now();
        if (t.firstDraw === undefined) t.firstDraw = now;
        if (t.interactive === undefined && v.ready) t.interactive = now;
      });
      // with physics on, the page sets ready once stabilised (its handler runs after this one)
      x.network.on("stabilizationIterationsDone", () => setTimeout(() => {
        if (t.interactive === undefined && t.firstDraw !== undefined && v.ready) t.interactive = performance.now();
      }, 0));
    }});
})();"""


def _page_times(browser, url: str, reps: int) -> dict:
    out = {"first_draw_s": [], "interactive_s": [], "load_event_s": [], "wall_s": [], "errors": []}
    for _ in range(reps):
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.add_init_script(_INIT_JS)
        page.on("pageerror", lambda e: out["errors"].append(str(e)[:200]))
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        # a function, not an expression: the page's CSP forbids eval of a string predicate
        page.wait_for_function("() => !!window.__kgBench && window.__kgBench.interactive !== undefined",
                               timeout=120_000, polling=10)
        wall = time.perf_counter() - t0
        page.wait_for_load_state("load")
        b = page.evaluate("() => window.__kgBench")
        nav = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
        out["first_draw_s"].append(b["firstDraw"] / 1000)
        out["interactive_s"].append(b["interactive"] / 1000)
        out["load_event_s"].append(nav / 1000)
        out["wall_s"].append(wall)
        ctx.close()
    return out


def bench_view(tmp: Path, pages: list[tuple[str, Path, float | None]], table: Table, res: dict, reps: int = 3) -> None:
    print("\n## graph.html in headless Chromium", flush=True)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        res["view"] = {"skipped": "playwright (Python package) is not installed"}
        table.add("Graph view", "skipped: playwright not installed")
        return
    if not os.access(CHROMIUM, os.X_OK):
        res["view"] = {"skipped": f"no Chromium at {CHROMIUM}"}
        table.add("Graph view", f"skipped: no Chromium at {CHROMIUM}")
        return
    from kg.out.graphview import ViewData, ViewNode
    from kg.out.viewpage import write_view

    # baseline: the same page (vis-network, CSP, scripts) with a single node
    one = ViewNode("https://w3id.org/qdkg/resource/bench-0", "District", "District", "市南區", "市南区")
    empty = write_view(ViewData([one], [], total=1), tmp / "one-node-graph.html", title="qdkg graph")
    res["view"] = {}
    with sync_playwright() as p:
        t0 = time.perf_counter()
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        res["view"]["browser_launch_s"] = time.perf_counter() - t0
        _page_times(browser, empty.as_uri(), 1)  # warm the browser's caches once
        base = _page_times(browser, empty.as_uri(), reps)
        res["view"]["one_node_baseline"] = base
        bt = median(base["interactive_s"])
        for label, html, target in pages:
            nodes = len(re.findall(r'"core":', html.read_text(encoding="utf-8")))
            r = _page_times(browser, html.as_uri(), reps)
            r["nodes"] = nodes
            res["view"][label] = r
            fd, it = median(r["first_draw_s"]), median(r["interactive_s"])
            table.add(f"graph.html drawn & interactive, {label} ({nodes} nodes)",
                      f"{fmt_s(it)} (first draw {fmt_s(fd)}, load {fmt_s(median(r['load_event_s']))})",
                      f"1-node page: {fmt_s(bt)}", f"{it / bt:.2f}",
                      f"≤ {target:g} s" if target else "", (it <= target) if target else None)
        browser.close()


def archive_page(tmp: Path, n_nodes: int = 5000) -> Path:
    """The view of a synthetic 5,000-node archive: 40 districts, 600 parks, firms and projects
    joining them, partners, and many unconnected names (as tests/out/test_view_browser.py)."""
    from kg.out.graphview import Evidence, ViewData, ViewEdge, ViewNode
    from kg.out.viewpage import write_view

    kinds = [("Company", "Organization"), ("Project", "Project"), ("Initiative", "Initiative"), ("Platform", "Platform")]
    districts = [f"urn:d{k:02d}" for k in range(40)]
    nodes = [ViewNode(d, "District", "District", f"第{k}區", f"第{k}区") for k, d in enumerate(districts)]
    for i in range(n_nodes - 40):
        cls, core = ("Park", "Park") if i < 600 else kinds[i % 4]
        nodes.append(ViewNode(f"urn:n{i:05d}", cls, core, f"名稱{i}", f"名称{i}", None, (f"名稱{i}落戶。",), 0,
                              (f"名稱{i}",), f"Mingcheng {i}", districts[i % 40]))
    ev = (Evidence("某企業落戶某園區。", "某報", "2024-01-01", "joinedPark-settle", 0.7),)
    edges = [ViewEdge(f"urn:n{i:05d}", f"urn:n{i % 600:05d}", "joinedPark", 0.7, ev) for i in range(600, n_nodes - 40, 3)]
    edges += [ViewEdge(f"urn:n{i:05d}", districts[i % 40], "locatedIn", 0.85, ev) for i in range(600)]
    return write_view(ViewData(nodes, edges, total=n_nodes), tmp / "archive-5000.html", title="archive")


# ---- profile -------------------------------------------------------------------------------

def bench_profile(tmp: Path, res: dict, n: int = 40, top: int = 25) -> None:
    print(f"\n## cProfile of one {n}-article build (in process, warm)", flush=True)
    from kg import api

    corpus = tmp / f"corpus-{n}"
    if not corpus.exists():
        make_corpus(n, corpus, SEED)
    work = tmp / "profile"
    prof = cProfile.Profile()
    prof.enable()
    api.build([corpus], store=work / "store", out=work / "out")
    prof.disable()
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.sort_stats("cumulative").print_stats(top)
    cum = buf.getvalue()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(15)
    res["profile"] = {"articles": n, "cumulative": cum, "tottime": buf.getvalue()}
    print("\n".join(ln for ln in cum.splitlines() if ln.strip())[:6000])


# ---- main ----------------------------------------------------------------------------------

def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_ox-worker"]:
        ox_worker(argv[1], argv[2], int(argv[3]), float(argv[4]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="4,40,400,4000", help="article counts to build (comma-separated)")
    ap.add_argument("--quick", action="store_true", help="sizes 4,40 only (overrides --sizes)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="folder for the JSON results")
    ap.add_argument("--no-profile", action="store_true", help="skip the cProfile of a 40-article build")
    ap.add_argument("--no-browser", action="store_true", help="skip the headless Chromium measurements")
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask builds (1, 2, 4 workers)")
    a = ap.parse_args(argv)
    sizes = [4, 40] if a.quick else sorted({int(s) for s in a.sizes.split(",") if s.strip()})
    kind = "quick" if a.quick else "full"
    started = dt.datetime.now()
    res = {"kind": kind, "sizes": sizes, "started": started.isoformat(timespec="seconds"),
           "machine": machine_info()}
    m = res["machine"]
    print(f"# qdkg benchmark ({kind}, sizes {sizes}) on {m['cores']} cores, {m['memory_gib']} GiB, "
          f"Python {m['python']}, load {m['load_average_at_start'][0]:.2f}", flush=True)
    table = Table()
    with tempfile.TemporaryDirectory(prefix="qdkg-bench-") as t:
        tmp = Path(t)
        bench_ingest(tmp, table, res)
        startup = bench_startup(tmp, table, res)
        built = bench_build(tmp, sizes, table, res)
        qkey = "400" if "400" in built else str(max(sizes))
        for key in [k for k in ("400", "4000") if k in built] or [qkey]:
            bench_ingest_one(tmp, built, key, table, res)
        if "400" in built:
            bench_build_ratio(tmp, 400, res, table)
        if not a.no_dask:
            bench_dask(tmp, 400 if "400" in built else max(sizes), table, res)
        label = f"{qkey}-article"
        gs, g = bench_queries(tmp, built[qkey] / "store", label, startup, table, res)
        bench_export(gs, g, label, table, res)
        del gs, g
        if not a.no_browser:
            bench_view(tmp, [("seed", built["seed"] / "out" / "graph.html", 2.0),
                             (label, built[qkey] / "out" / "graph.html", None),
                             ("5,000-node archive", archive_page(tmp), 3.0)], table, res)
        if not a.no_profile:
            bench_profile(tmp, res)
    res["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    res["load_average_at_end"] = list(os.getloadavg())
    res["table_markdown"] = table.markdown()
    res["rows"] = table.rows
    a.out.mkdir(parents=True, exist_ok=True)
    path = a.out / f"{started:%Y-%m-%d}-{kind}.json"
    k = 2
    while path.exists():
        path = a.out / f"{started:%Y-%m-%d}-{kind}-{k}.json"
        k += 1
    path.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\n## Results ({started:%Y-%m-%d}; {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}, "
          f"pyoxigraph {m['packages'].get('pyoxigraph')}, rdflib {m['packages'].get('rdflib')})\n")
    print(table.markdown())
    print(f"\nWrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
