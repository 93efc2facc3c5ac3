"""kg.rdf.sparql: named queries against a hand-written graph, parameters, errors, output formats."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from kg.errors import OutputError, QueryError
from kg.rdf.formats import names as format_names
from kg.rdf.sparql import (QueryResult, bind_params, display_rows, format_result, list_queries,
                      query_params, resolve_query, run_query)
from kg.rdf.store import GraphStore
from kg.rdf.vocab import PREFIXES, QDR

MINI = Path(__file__).parents[1] / "data" / "query" / "mini.ttl"
REQUIRED = {"firms-in-parks", "district-initiatives", "investment-ranking", "entity", "counts-by-district"}


@pytest.fixture(scope="module")
def store() -> GraphStore:
    """The fixture graph twice, in two article graphs: the union must not double any row."""
    g = Graph().parse(MINI)
    s = GraphStore()
    s.replace_graph(str(QDR["art-aaaaaaaaaaaa-1"]), g)
    s.replace_graph(str(QDR["art-bbbbbbbbbbbb-1"]), g)
    return s


def run_named(store, query, **params):
    return display_rows(run_query(store, bind_params(resolve_query(query), params)), store)


def as_dicts(store, query, **params):
    result = run_query(store, bind_params(resolve_query(query), params))
    return [dict(zip(result.columns, r)) for r in display_rows(result, store)]


# ---- the named queries ------------------------------------------------------------------

def test_list_queries_has_the_required_ones_with_descriptions():
    queries = {q.name: q for q in list_queries()}
    assert REQUIRED <= set(queries)
    for q in queries.values():
        assert q.path.suffix == ".rq" and q.path.is_file()
        first = q.text.splitlines()[0]
        assert first.startswith("# ") and q.description == first[2:].strip() and q.description
    assert "parks" in queries["firms-in-parks"].description


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_named_query_declares_its_prefixes(query):
    # no predeclared prefixes here: the file must run in any SPARQL tool
    ox.Store().query(query.text)


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_named_query_returns_rows(store, query):
    result = run_query(store, query.text)
    assert result.rows, query.name
    assert len(result.rows) == len({tuple(r) for r in result.rows}), f"duplicate rows in {query.name}"


def test_firms_in_parks_rows(store):
    assert run_named(store, "firms-in-parks") == [
        ["中石化經緯", "青島科學儀器產業園", "中石化經緯與青島科學儀器產業園簽約。"],
        ["中石化經緯", "青島科學儀器產業園", "中石化經緯落戶青島科學儀器產業園。"],
        # only a zh-Hans label: falls back to it; the project 儀器檢測中心 is no organisation
        ["海研科技", "海洋科技孵化器", "海研科技入駐海洋科技孵化器。"],
    ]


def test_investment_ranking_is_numeric_descending(store):
    rows = as_dicts(store, "investment-ranking")
    assert [(r["name"], r["investmentCNY"]) for r in rows] == [
        ("海天中心", "38000000000"), ("RCEP國際博覽中心", "6800000000"),
        ("青島科學儀器產業園", "5000000000"), ("儀器檢測中心", "900000000")]
    assert [r["district"] for r in rows] == ["市南區", "", "萊西市", ""]
    assert [r["kind"] for r in rows] == ["Project", "Project", "Park", "Project"]


def test_district_initiatives(store):
    assert run_named(store, "district-initiatives") == [
        ["市南區", "七大提升工程", "2"], ["市南區", "雙招雙引", "2"], ["萊西市", "標準地改革", "1"]]


def test_counts_by_district_uses_core_classes(store):
    assert run_named(store, "counts-by-district") == [
        ["市南區", "Organization", "1"], ["市南區", "Park", "1"], ["市南區", "Project", "1"],
        ["萊西市", "Organization", "1"], ["萊西市", "Park", "1"]]


def test_entity_default_and_param(store):
    default = as_dicts(store, "entity")
    assert {r["subject"] for r in default} == {"海天中心"}
    assert {"property": "位於", "object": "市南區", "sentence": "海天中心總投資380億元，位於市南區。"} \
        .items() <= next(r for r in default if r["property"] == "位於").items()

    for name in ("中石化经纬", "經緯公司"):  # Simplified label, then an altLabel
        rows = as_dicts(store, "entity", name=name)
        joined = [r["sentence"] for r in rows if r["property"] == "qdo:joinedPark"]
        assert joined == ["中石化經緯與青島科學儀器產業園簽約。", "中石化經緯落戶青島科學儀器產業園。"]
        assert all(r["subject"] == "中石化經緯" for r in rows)

    # the entity as object: a district lists what is located in it and what it leads
    rows = as_dicts(store, "entity", name="市南区")
    incoming = {(r["subject"], r["property"]) for r in rows if r["object"] == "市南區"}
    assert {("海天中心", "位於"), ("七大提升工程", "qdo:ledBy"), ("海研科技", "位於")} <= incoming
    assert not any(r["property"] in ("rdf:subject", "rdf:object") for r in rows)
    assert as_dicts(store, "entity", name="沒有這個") == []


def test_low_confidence_threshold_param(store):
    assert [r["confidence"] for r in as_dicts(store, "statements-low-confidence")] == ["0.4", "0.5"]
    assert len(as_dicts(store, "statements-low-confidence", threshold="0.8")) == 3


# ---- resolving and parameters -----------------------------------------------------------

def test_resolve_by_name_file_and_stdin(tmp_path, monkeypatch):
    text = resolve_query("firms-in-parks")
    assert resolve_query("firms-in-parks.rq") == text and "joinedPark" in text
    f = tmp_path / "mine.sparql"
    f.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    assert resolve_query(str(f)) == "SELECT * WHERE { ?s ?p ?o }"
    assert resolve_query("-", stdin_text="ASK {}") == "ASK {}"
    monkeypatch.setattr("sys.stdin", io.StringIO("ASK { ?s ?p ?o }"))
    assert resolve_query("-") == "ASK { ?s ?p ?o }"


def test_resolve_unknown_name_suggests():
    with pytest.raises(QueryError) as err:
        resolve_query("firms-in-park")
    assert str(err.value) == ("unknown query 'firms-in-park': did you mean 'firms-in-parks'? "
                              "(kg query --list shows all)")
    with pytest.raises(QueryError, match=r"did you mean 'investment-ranking'\?"):
        resolve_query("ranking")
    with pytest.raises(QueryError, match=r"^unknown query 'zzzzqqq' \(kg query --list"):
        resolve_query("zzzzqqq")


def test_resolve_missing_file(tmp_path):
    with pytest.raises(QueryError, match=r"no query file '.*nope/entty\.rq': did you mean 'entity'\?"):
        resolve_query(str(tmp_path / "nope" / "entty.rq"))
    with pytest.raises(QueryError, match="is a folder"):
        resolve_query(str(tmp_path))


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n\n# another\n"])
def test_resolve_empty_query(tmp_path, text):
    with pytest.raises(QueryError, match="empty"):
        resolve_query("-", stdin_text=text)
    f = tmp_path / "empty.rq"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(QueryError, match="empty"):
        resolve_query(str(f))


def test_bind_params_escapes_and_checks_names(store):
    sparql = resolve_query("entity")
    assert query_params(sparql) == ["name"]
    bound = bind_params(sparql, {"name": 'a"b\\c\nd'})
    assert 'VALUES ?name { "a\\"b\\\\c\\nd" "a\\"b\\\\c\\nd"@zh-hant "a\\"b\\\\c\\nd"@zh-hans }' in bound
    assert "海天中心" not in bound.split("SELECT", 1)[1]
    assert run_query(store, bound).rows == []  # valid SPARQL, nothing matches
    assert bind_params(sparql, {}) == sparql
    with pytest.raises(QueryError, match=r"unknown parameter 'nam'.*accepts name"):
        bind_params(sparql, {"nam": "x"})
    with pytest.raises(QueryError, match="takes no parameters"):
        bind_params(resolve_query("articles"), {"name": "x"})


def test_bind_params_leaves_other_values_blocks():
    q = 'SELECT * WHERE { VALUES ?a { "x}y" } VALUES ?b { 1 2 } VALUES ?c { 5 } }'
    assert query_params(q) == ["a", "c"]  # a VALUES block with several values is not a parameter
    assert bind_params(q, {"?c": "3"}) == 'SELECT * WHERE { VALUES ?a { "x}y" } VALUES ?b { 1 2 } VALUES ?c { "3" } }'
    with pytest.raises(QueryError, match="unknown parameter 'b'"):
        bind_params(q, {"b": "3"})


def test_a_parameter_may_list_one_string_in_several_language_tags():
    q = 'SELECT * WHERE { VALUES ?n { "x" "x"@zh-hant "x"@en } VALUES ?m { "x"@en "y"@en } }'
    assert query_params(q) == ["n"]  # ?m lists two different strings: part of the query
    assert bind_params(q, {"n": "青島"}) == \
        'SELECT * WHERE { VALUES ?n { "青島" "青島"@zh-hant "青島"@en } VALUES ?m { "x"@en "y"@en } }'


# ---- running and errors -----------------------------------------------------------------

@pytest.mark.parametrize("bad, where", [
    ("SELECT ?x WHERE { ?x ?y }", "1:"),
    ("SELECT ?x WHERE {\n ?x ?y ?z .\n FILTER(\n}", "4:"),
    ("SELECT ?x WHERE { ?x nope:thing ?z }", "1:"),
])
def test_malformed_sparql_is_one_line(store, bad, where):
    with pytest.raises(QueryError) as err:
        run_query(store, bad)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("malformed SPARQL") and where in msg and len(msg) < 300


def test_undeclared_prefix_is_named(store):
    with pytest.raises(QueryError, match="undeclared prefix"):
        run_query(store, "SELECT ?x WHERE { ?x nope:thing ?z }")


def test_display_rows_labels_in_one_query(store, monkeypatch):
    result = run_query(store, "SELECT ?e ?p ?o WHERE { ?e a qdo:Company ; qdo:joinedPark ?p . "
                              "OPTIONAL { ?e qdo:mentionedIn ?o } } ORDER BY ?e ?o")
    calls = []
    real = store.select
    monkeypatch.setattr(store, "select", lambda q: calls.append(q) or real(q))
    rows = display_rows(result, store)
    assert len(calls) == 1
    assert ["海研科技", "海洋科技孵化器", "qdr:art-aaaaaaaaaaaa-1-s2"] in rows  # zh-Hans fallback
    assert ["中石化經緯", "青島科學儀器產業園", "qdr:art-aaaaaaaaaaaa-1-s1"] in rows  # zh-Hant first
    plain = display_rows(result, store, labels=False)
    assert ["qdr:haiyan-0006", "qdr:incubator-0004", "qdr:art-aaaaaaaaaaaa-1-s2"] in plain


def test_display_rows_terms():
    result = QueryResult(["a", "b", "c", "d"], [
        [URIRef("http://example.org/x"), Literal("42", datatype=URIRef(PREFIXES["xsd"] + "integer")),
         None, URIRef(PREFIXES["qdo"] + "Park")]])
    assert display_rows(result, GraphStore()) == [["<http://example.org/x>", "42", "", "qdo:Park"]]


# ---- formats ----------------------------------------------------------------------------

COLS = ["名稱", "投資"]
ROWS = [["海天中心", "38000000000"], ["RCEP中心", "6800000000"], ["市南區", ""]]


def test_table_aligns_wide_characters():
    assert format_result(COLS, ROWS, "table") == "\n".join([
        "名稱      投資",
        "--------  -----------",
        "海天中心  38000000000",
        "RCEP中心  6800000000",
        "市南區",
        "(3 rows)",
    ])
    assert format_result(["a"], [["x\ny"]], "table") == "a\n---\nx y\n(1 row)"


def test_table_empty():
    assert format_result(["firm", "park"], [], "table") == "firm  park\n----  ----\n(0 rows)"


def test_csv_tsv_json():
    rows = [["中石化經緯", 'a,"b"'], ["x\ty", "line1\nline2"]]
    assert format_result(["名稱", "v"], rows, "csv") == \
        '名稱,v\n中石化經緯,"a,""b"""\nx\ty,"line1\nline2"'
    assert format_result(["名稱", "v"], rows, "tsv") == \
        '名稱\tv\n中石化經緯\ta,"b"\nx\\ty\tline1\\nline2'
    out = format_result(["名稱", "v"], rows, "json")
    assert "中石化經緯" in out and json.loads(out) == [
        {"名稱": "中石化經緯", "v": 'a,"b"'}, {"名稱": "x\ty", "v": "line1\nline2"}]
    assert format_result(["a"], [], "json") == "[]"
    assert format_result(["a"], [], "csv") == "a"


def test_unknown_format():
    assert set(format_names("rows")) == {"table", "csv", "tsv", "json"}
    with pytest.raises(OutputError, match="unknown format 'xml': choose one of table, csv, tsv, json"):
        format_result(["a"], [], "xml")


def test_table_columns_line_up_on_real_result(store):
    import unicodedata

    def text_width(text):
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    out = format_result(["firm", "park", "sentence"], run_named(store, "firms-in-parks"), "table")
    lines = out.splitlines()[:-1]
    rule = lines[1]
    starts = [m.start() for m in re.finditer(r"-+", rule)]
    for line in lines[2:]:
        cells = re.split(r"  +", line)
        pos, cols = 0, []
        for cell in cells:  # column of each cell start, in display width
            idx = line.index(cell, pos)
            cols.append(text_width(line[:idx]))
            pos = idx + len(cell)
        assert cols == starts


def test_a_string_default_is_replaced_where_the_query_repeats_it():
    q = ('SELECT * WHERE { VALUES ?t { "0.6" } VALUES ?u { "0.6" "0.7" } ?s ?p ?c '
         'FILTER(?c < xsd:decimal("0.6") && ?l != "0.6"@en) }')
    assert bind_params(q, {"t": "0.8"}) == (
        'SELECT * WHERE { VALUES ?t { "0.8" } VALUES ?u { "0.6" "0.7" } ?s ?p ?c '
        'FILTER(?c < xsd:decimal("0.8") && ?l != "0.6"@en) }')
    bound = bind_params(resolve_query("statements-low-confidence"), {"threshold": "0.9"})
    assert 'xsd:decimal("0.9")' in bound and '"0.6"' not in bound
