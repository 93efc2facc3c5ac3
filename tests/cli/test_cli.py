"""CliRunner tests for every command: exit codes and output."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli.app import cli
from kg.rdf.sparql import list_queries

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A store and exports built once from the seeds."""
    base = tmp_path_factory.mktemp("built")
    store, out = base / "store", base / "out"
    res = CliRunner().invoke(cli, ["--store", str(store), "build", str(SEEDS), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return {"store": store, "out": out, "output": res.output}


def run(built, *args, input=None):
    return CliRunner().invoke(cli, ["--store", str(built["store"]), *args], input=input)


COMMANDS = ["articles", "build", "eval", "export", "ingest", "push", "query", "remove", "serve", "train", "validate",
            "view"]


def test_help_lists_every_command():
    res = CliRunner().invoke(cli, ["--help"], prog_name="kg")
    assert res.exit_code == 0 and res.output.startswith("Usage: kg [OPTIONS] COMMAND [ARGS]...\n")
    listed = re.findall(r"^  (\w+)  ", res.output.split("Commands:\n", 1)[1], re.M)
    assert listed == COMMANDS == sorted(cli.commands)


@pytest.mark.parametrize("cmd", COMMANDS)
def test_each_command_has_help(cmd):
    res = CliRunner().invoke(cli, [cmd, "--help"], prog_name="kg")
    assert res.exit_code == 0
    assert res.output.startswith(f"Usage: kg {cmd} [OPTIONS]")
    summary = " ".join(res.output.split("\n\n", 2)[1].split())
    assert summary[0].isupper() and summary.startswith(cli.commands[cmd].get_short_help_str(200).rstrip("."))


def test_python_dash_m_works():
    res = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "Usage: kg" in res.stdout


def test_build_summary_and_files(built):
    lines = built["output"].splitlines()
    assert lines[0] == "Read 1 file(s): 4 articles, 31456 characters (utf-8)."
    assert re.fullmatch(r"Graph: 4 articles, \d+ sentences, \d+ triples, \d+ entities, \d+ relations, \d+ amounts\.",
                        lines[1])
    assert lines[2].startswith("Entities per class: District ")
    assert "joinedPark" in lines[3] and "ledBy" in lines[3]
    m = re.fullmatch(r"Took (\d+\.\d) s \(read \d+\.\d, extract \d+\.\d, resolve \d+\.\d, store \d+\.\d, "
                     r"exports \d+\.\d, view \d+\.\d(?:, other \d+\.\d)?\)\.", lines[-1])
    assert m, lines[-1]
    stages = [float(x) for x in re.findall(r"(\d+\.\d)(?=[,)])", lines[-1])]
    assert abs(sum(stages) - float(m.group(1))) <= 0.1 * len(stages)  # the stages add up to the whole
    ttl = built["out"] / "qdkg.ttl"
    assert ttl.stat().st_size > 100_000
    assert (built["out"] / "graph.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    # a second, independent parser reads the export
    assert len(list(ox.parse(ttl.read_bytes(), format=ox.RdfFormat.TURTLE))) > 5000


def test_build_without_seeds_folder_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "build"])
    assert res.exit_code == 2
    assert res.output == ("Error: no seeds/ folder here: run kg build in the project folder or name the article "
                          "files or folders to read (kg build PATH...)\n")
    assert not (tmp_path / "s").exists()


def test_build_missing_path(tmp_path):
    res = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "build", str(tmp_path / "nope")])
    assert res.exit_code == 2
    assert res.output.count("\n") == 1 and "does not exist" in res.output


def test_build_unwritable_out_writes_nothing(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "build", str(SEEDS), "--out", str(blocker / "x")])
    assert res.exit_code == 4
    assert res.output.startswith("Error: cannot create output folder") and res.output.count("\n") == 1
    assert not (tmp_path / "s").exists()


def test_build_plain_article(tmp_path):
    art = tmp_path / "plain.txt"
    art.write_text("青岛科学仪器产业园位于市南区。\n华为等5家企业入驻青岛科学仪器产业园。\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "build", str(art), "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("Read 1 file(s): 1 articles, ")
    assert res.output.splitlines()[1].startswith("Graph: 1 articles, 2 sentences,")


def test_query_list_names_every_file():
    res = CliRunner().invoke(cli, ["query", "--list"])
    assert res.exit_code == 0
    names = [line.split()[0] for line in res.output.splitlines()]
    assert names == [q.name for q in list_queries()]
    assert "firms-in-parks" in names


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_every_named_query_returns_rows(built, name):
    res = run(built, "query", name, "--format", "json")
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.output)) > 0


def test_firms_in_parks_table_has_labels_and_sentences(built):
    res = run(built, "query", "firms-in-parks")
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0].split() == ["firm", "park", "sentence"]
    assert "qdr:" not in res.output  # labels, not IRIs
    assert re.fullmatch(r"\(\d+ rows?\)", lines[-1])


def test_query_entity_with_param(built):
    res = run(built, "query", "entity", "--param", "name=市南區", "--format", "csv")
    assert res.exit_code == 0, res.output
    assert len(res.output.splitlines()) > 3


def test_query_from_stdin(built):
    res = run(built, "query", "-", "--format", "tsv",
              input="SELECT (COUNT(*) AS ?n) WHERE { ?a a qdo:Article }")
    assert res.exit_code == 0
    assert res.output.splitlines() == ["n", "4"]


def test_unknown_query_name_suggests(built):
    res = run(built, "query", "firms-in-park")
    assert res.exit_code == 3
    assert res.output.startswith("Error: unknown query 'firms-in-park': did you mean 'firms-in-parks'?")
    assert res.output.count("\n") == 1


def test_malformed_sparql_is_one_line(built):
    res = run(built, "query", "-", input="SELEC ?x WHERE { ?x ?p }")
    assert res.exit_code == 3
    assert res.output.startswith("Error: ") and res.output.count("\n") == 1
    assert "Traceback" not in res.output


SERVICE_QUERY = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"


def test_query_with_service_is_refused_without_a_request(built):
    res = run(built, "query", "-", input=SERVICE_QUERY)
    assert (res.exit_code, res.output) == (3, "Error: SERVICE (federated query) would make a network request: kg "
                                              "query reads the local graph; pass --allow-service to let it query "
                                              "remote endpoints\n")


def test_query_with_service_allowed_fails_in_one_line(built):
    """In the query's child process (the time limit), across a real socket: nothing listens on port 9."""
    res = run(built, "query", "-", "--allow-service", "--timeout", "20", input=SERVICE_QUERY)
    assert res.exit_code == 3 and res.output.startswith("Error: the query failed: ") and res.output.count("\n") == 1
    assert "Traceback" not in res.output


def test_update_is_refused_by_kg_query(built):
    res = run(built, "query", "-", input="INSERT DATA { <http://a> <http://b> <http://c> }")
    assert res.exit_code == 3 and res.output.startswith("Error: SPARQL Update is not allowed")


def test_query_without_store(tmp_path):
    res = CliRunner().invoke(cli, ["--store", str(tmp_path / "none"), "query", "firms-in-parks"])
    assert res.exit_code == 5
    assert "run `kg build` first" in res.output and res.output.count("\n") == 1


def test_export_formats(built, tmp_path):
    for fmt, rdf in (("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD)):
        out = tmp_path / f"g.{fmt}"
        res = run(built, "export", "--format", fmt, "-o", str(out))
        assert res.exit_code == 0, res.output
        assert res.output == f"Wrote {out} ({out.stat().st_size} bytes).\n"
        assert len(list(ox.parse(out.read_bytes(), format=rdf))) > 5000
    res = run(built, "export", "--format", "trig")
    assert res.exit_code == 0
    graphs = {q.graph_name for q in ox.parse(res.stdout_bytes, format=ox.RdfFormat.TRIG)}
    assert len(graphs) == 7  # four articles, the entities, the ontology and the dataset description


def test_export_unwritable(built, tmp_path):
    target = tmp_path / "missing" / "deeper" / "x.ttl"
    res = run(built, "export", "-o", str(target))
    assert (res.exit_code, res.output) == (4, f"Error: cannot write {target}: the folder {target.parent} does not "
                                              "exist; create it or choose another path\n")
    blocker = tmp_path / "f"
    blocker.write_text("x")
    res = run(built, "export", "-o", str(blocker / "x.ttl"))
    assert res.exit_code == 4 and res.output.count("\n") == 1


def test_view_writes_page(built, tmp_path):
    out = tmp_path / "v.html"
    res = run(built, "view", "-o", str(out), "--district", "市南")
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0] == str(out)
    assert re.match(r"\d+ nodes, \d+ edges\.", res.output.splitlines()[1])
    assert "<script src=" not in out.read_text(encoding="utf-8")


def test_view_one_relation(built, tmp_path):
    out = tmp_path / "v.html"
    res = run(built, "view", "-o", str(out), "--relation", "joinedpark")
    assert res.exit_code == 0, res.output
    n_nodes, n_edges = map(int, re.match(r"(\d+) nodes, (\d+) edges\.", res.output.splitlines()[1]).groups())
    assert n_edges > 0 and n_nodes <= 2 * n_edges
    assert set(re.findall(r'"r":"(\w+)"', out.read_text(encoding="utf-8"))) == {"joinedPark"}


def test_view_unknown_relation(built, tmp_path):
    res = run(built, "view", "-o", str(tmp_path / "v.html"), "--relation", "owns")
    assert res.exit_code == 3 and res.output.count("\n") == 1
    assert res.output.startswith('Error: unknown relation "owns"') and "--relation" in res.output


def test_view_unknown_district(built, tmp_path):
    res = run(built, "view", "-o", str(tmp_path / "v.html"), "--district", "火星区")
    assert res.exit_code == 3 and res.output.count("\n") == 1


def test_validate_conforms(built):
    res = run(built, "validate")
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[-1] == "0 violation(s), 0 warning(s), 0 info(s): the graph conforms."


def test_ingest_articles_remove(tmp_path):
    store = str(tmp_path / "s")
    art = tmp_path / "one.txt"
    art.write_text("即墨区引进华为等3家企业入驻青岛科学仪器产业园。\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(cli, ["--store", store, "ingest", str(art), "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("Ingested 1 file(s): 1 articles,")
    res = runner.invoke(cli, ["--store", store, "articles", "--format", "csv"])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0] == "id,source,number,date,page,district,sentences,title"
    assert len(lines) == 2 and ",one.txt,1,,,即墨区,1," in lines[1]
    out = tmp_path / "o"
    assert "青岛科学仪器产业园" in (out / "qdkg.ttl").read_text(encoding="utf-8")
    res = runner.invoke(cli, ["--store", store, "remove", "one.txt", "--out", str(out)])
    assert res.exit_code == 0, res.output
    removed, wrote = res.output.splitlines()
    assert removed.startswith("Removed 1 article(s): art-")
    assert wrote == f"Wrote {out / 'qdkg.ttl'} and {out / 'graph.html'}."
    # regression test (bug fixed): kg remove left the exports as they were, while kg ingest refreshes them
    assert "青岛科学仪器产业园" not in (out / "qdkg.ttl").read_text(encoding="utf-8")
    assert "青岛科学仪器产业园" not in (out / "graph.html").read_text(encoding="utf-8")
    res = runner.invoke(cli, ["--store", store, "remove", "one.txt", "--out", str(out)])
    assert res.exit_code == 2 and "kg articles" in res.output


def test_remove_no_exports_leaves_them(tmp_path):
    data = ROOT / "tests" / "data" / "incremental"
    store, out = str(tmp_path / "s"), tmp_path / "o"
    runner = CliRunner()
    res = runner.invoke(cli, ["--store", store, "build", str(data / "a.txt"), str(data / "b.txt"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    before = (out / "qdkg.ttl").read_bytes()
    res = runner.invoke(cli, ["--store", store, "remove", "a.txt", "--out", str(out), "--no-exports"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[-1] == "Exports not refreshed (--no-exports: kg export, kg view)."
    assert (out / "qdkg.ttl").read_bytes() == before


def test_ingest_no_exports_updates_the_store_only(tmp_path):
    data = ROOT / "tests" / "data" / "incremental"
    store, out = tmp_path / "s", tmp_path / "o"
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", str(store), "build", str(data / "b.txt"), "--out", str(out)]).exit_code == 0
    before = (out / "qdkg.ttl").read_bytes()
    res = runner.invoke(cli, ["--store", str(store), "ingest", str(data / "a.txt"), "--out", str(out), "--no-exports"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    # a.txt names 科学仪器产业园 in full: b.txt's short form now means it, so b.txt is resolved again
    assert lines[-3] == "Re-resolved 1 article(s) already in the graph that share names with these."
    assert lines[-2] == f"Updated store {store}; exports not refreshed (--no-exports: kg export, kg view)."
    assert (out / "qdkg.ttl").read_bytes() == before
    res = runner.invoke(cli, ["--store", str(store), "export", "--format", "nt"])
    assert "青岛科学仪器产业园" in res.output or "青島科學儀器產業園" in res.output


def test_a_new_threshold_re_resolves_the_whole_graph_and_says_so(tmp_path):
    data = ROOT / "tests" / "data" / "incremental"
    store, out = str(tmp_path / "s"), str(tmp_path / "o")
    runner = CliRunner()
    res = runner.invoke(cli, ["--store", store, "build", str(data / "b.txt"), str(data / "d.txt"), "--out", out,
                              "--min-confidence", "0.5"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["--store", store, "ingest", str(data / "e.txt"), "--out", out, "--no-exports",
                              "--min-confidence", "0"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[-3] == ("Re-resolved all 2 article(s) already in the graph (the threshold changed, "
                                           "or the store was written by an older qdkg).")


def test_remove_without_store(tmp_path):
    res = CliRunner().invoke(cli, ["--store", str(tmp_path / "none"), "remove", "x.txt"])
    assert res.exit_code == 5 and res.output.count("\n") == 1


def test_eval_prints_the_totals_and_each_relation(built):
    res = run(built, "eval", "--gold", str(ROOT / "tests" / "data" / "seed-gold"))
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert [line.split("]")[0] for line in lines] == ["[strict"] * 8 + ["[lenient"] * 8
    assert re.fullmatch(r"\[lenient\] entities: gold 445 graph \d+ \| P [01]\.\d{3} R [01]\.\d{3} F1 [01]\.\d{3} "
                        r"\| typed F1 [01]\.\d{3}", lines[8])
    relations = [re.fullmatch(r"\[lenient\]   (\w+) +gold +(\d+) \| P [01]\.\d{3} R [01]\.\d{3} F1 [01]\.\d{3}", x)
                 for x in lines[10:]]
    assert [m.group(1) for m in relations] == ["locatedIn", "joinedPark", "ledBy", "partner", "partOf", "operatedBy"]
    assert sum(int(m.group(2)) for m in relations) == int(re.search(r"relations: gold (\d+)", lines[9]).group(1))


def test_eval_by_rule_prints_each_rules_precision(built):
    res = run(built, "eval", "--gold", str(ROOT / "tests" / "data" / "seed-gold"), "--by-rule")
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].split() == ["rule", "relations", "in", "gold", "precision"]
    from kg.resolve.calibration import MEASURED

    hits, total = MEASURED["ledBy-verb"]  # the commonest rules first, as the calibration table measured them
    assert ["ledBy-verb", str(total), str(hits), f"{hits / total:.2f}"] in [ln.split() for ln in lines[1:3]]
    assert any(ln.split()[0] == "pair-scorer" for ln in lines[1:])  # what the scorer added, measured too


def test_eval_without_gold_files(built, tmp_path):
    res = run(built, "eval", "--gold", str(tmp_path))
    assert res.exit_code == 2 and res.output.startswith("Error: ") and "no .json gold files" in res.output


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_for_gephi(built, tmp_path, fmt):
    import networkx as nx

    out = tmp_path / f"g.{fmt}"
    res = run(built, "export", "--format", fmt, "-o", str(out))
    assert res.exit_code == 0, res.output
    g = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(out)
    assert g.number_of_nodes() > 400 and g.number_of_edges() > 300


def test_eval_reads_the_gold_files_of_a_folder_that_holds_other_json(built, tmp_path):
    # a folder laid out like ../shared/eval/dev-unseen: gold as *.gold.json beside a sources.json list
    for f in (ROOT / "tests" / "data" / "seed-gold").glob("*.json"):
        (tmp_path / f"{f.stem}.gold.json").write_bytes(f.read_bytes())
    (tmp_path / "sources.json").write_text('[{"id": "x"}]', encoding="utf-8")
    res = run(built, "eval", "--gold", str(tmp_path))
    assert res.exit_code == 0, res.output
    assert res.output == run(built, "eval", "--gold", str(ROOT / "tests" / "data" / "seed-gold")).output


# regression test (bug fixed): a 4,000-article build said `Took 449.9 s` after 9 min 05 s of wall
# time, leaving out the exports; the summary's time is now the whole command's
def test_summary_time_is_the_whole_commands(tmp_path):
    import time

    t0 = time.monotonic()
    res = subprocess.run([sys.executable, "-m", "kg", "--store", str(tmp_path / "s"), "build", str(SEEDS), "--out",
                          str(tmp_path / "o")], capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    wall = time.monotonic() - t0
    assert res.returncode == 0, res.stderr
    said = float(re.match(r"Took (\d+\.\d) s \(start-up ", res.stdout.splitlines()[-1]).group(1))
    assert 0.75 * wall <= said <= wall + 0.05, (said, wall)  # all of it but the interpreter's own start and exit


def test_export_profile_schema_writes_the_aligned_types(built):
    plain = run(built, "export", "--format", "nt").stdout_bytes
    res = run(built, "export", "--format", "nt", "--profile", "schema")
    assert res.exit_code == 0
    assert res.stdout_bytes.startswith(plain)  # the export, then what the alignment adds
    quads = list(ox.parse(res.stdout_bytes, format=ox.RdfFormat.N_TRIPLES))
    typed = lambda c: {q.subject for q in quads if q.predicate.value.endswith("#type") and q.object.value == c}
    districts = typed("https://w3id.org/qdkg/ontology#District")
    assert districts and districts <= typed("https://schema.org/AdministrativeArea")
    assert typed("https://w3id.org/qdkg/ontology#Company") <= typed("https://schema.org/Organization")
    res = run(built, "export", "--format", "jsonld", "--profile", "schema")
    assert (res.exit_code, res.output) == (4, "Error: --profile schema works with --format ttl or nt, not jsonld\n")


def test_export_base_iri_gives_the_deployment_iris(built):
    plain = run(built, "export", "--format", "nt").stdout_bytes
    res = run(built, "export", "--format", "nt", "--base-iri", "https://kg.example.org/pub")
    assert res.exit_code == 0
    assert b"https://w3id.org/qdkg/resource/" not in res.stdout_bytes
    assert res.stdout_bytes == plain.replace(b"https://w3id.org/qdkg/resource/", b"https://kg.example.org/pub/resource/")
    assert b"https://w3id.org/qdkg/ontology#" in res.stdout_bytes  # the vocabulary keeps its IRIs
    res = run(built, "export", "--base-iri", "kg.example.org")
    assert (res.exit_code, res.output) == (2, "Error: --base-iri 'kg.example.org' is not an http(s) IRI: give the "
                                              "address the graph is published at, e.g. https://kg.example.org/\n")


def test_serve_refuses_a_bad_base_iri_before_starting(built):
    res = run(built, "serve", "--port", "0", "--base-iri", "https://kg.example.org/?x=1")
    assert (res.exit_code, res.output) == (2, "Error: --base-iri 'https://kg.example.org/?x=1' has a query or "
                                              "fragment: give only the address, e.g. https://kg.example.org/\n")
