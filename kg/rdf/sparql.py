"""Named SPARQL queries, parameters, and result formatting for `kg query` (no CLI code here).

Named queries are the `.rq` files of the `queries/` folder (package `kg.queries`); each one's
first line is `# <description>`. A query parameter is a `VALUES ?name { <default> }` block, or
one string in several language tags (`VALUES ?name { "x" "x"@zh-hant "x"@zh-hans }`):
`bind_params` swaps the default for the given value, in the same tags, and also where the
query repeats a string default as a constant.
"""
from __future__ import annotations

import csv
import difflib
import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rdflib import BNode, URIRef
from rdflib.term import Node

from kg.errors import QueryError
from kg.rdf import formats
from kg.rdf.store import GraphStore
from kg.rdf.vocab import PREFIXES, compact_iri, preferred_label

_LIST_HINT = "(kg query --list shows all)"
_STRING = r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
_TERM = re.compile(r"(?P<string>" + _STRING + r")(?:@(?P<tag>[A-Za-z]+(?:-[A-Za-z0-9]+)*))?|<[^>]*>|[^\s\"'<>]+")
_VALUES = re.compile(r"VALUES\s+[?$]([\w]+)\s*\{((?:[^{}\"']|" + _STRING + r")*)\}", re.I)
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    path: Path
    text: str


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Node | None]]


# ---- finding queries ----------------------------------------------------------------------

def _queries_dir():
    try:
        folder = resources.files("kg.queries")
        if folder.is_dir():
            return folder
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "queries"


def _description(text: str) -> str:
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    return first.lstrip("#").strip() if first.startswith("#") else ""


def list_queries() -> list[NamedQuery]:
    """The packaged named queries, sorted by name."""
    found = []
    for entry in _queries_dir().iterdir():
        if entry.name.endswith(".rq") and entry.is_file():
            text = entry.read_text(encoding="utf-8")
            found.append(NamedQuery(entry.name[:-3], _description(text), Path(str(entry)), text))
    return sorted(found, key=lambda q: q.name)


def _unknown(what: str, spec: str, names: list[str]) -> QueryError:
    key = Path(spec).stem if spec.endswith((".rq", ".sparql")) else spec
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.4)
    close = close or [n for n in names if key and (key in n or n in key)][:1]
    hint = f": did you mean '{close[0]}'? " if close else " "
    return QueryError(f"{what} '{spec}'{hint}{_LIST_HINT}")


def _read_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise QueryError(f"query file {path} is not UTF-8 text") from None
    except OSError as exc:
        raise QueryError(f"cannot read query file {path}: {exc.strerror or exc}") from None


def resolve_query(spec: str, stdin_text: str | None = None) -> str:
    """SPARQL text for a named query (with or without .rq), a .rq/.sparql file, or `-` (stdin)."""
    if spec == "-":
        text, origin = (sys.stdin.read() if stdin_text is None else stdin_text), "standard input"
    else:
        named = {q.name: q for q in list_queries()}
        has_sep = "/" in spec or "\\" in spec
        name = spec[:-3] if spec.endswith(".rq") else spec
        path = Path(spec)
        if not has_sep and name in named:
            text, origin = named[name].text, f"query '{name}'"
        elif path.is_file():
            text, origin = _read_file(path), str(path)
        elif path.is_dir():
            raise QueryError(f"{spec} is a folder: give a .rq/.sparql file or a query name {_LIST_HINT}")
        else:
            raise _unknown("no query file" if has_sep else "unknown query", spec, list(named))
    body = "\n".join(ln for ln in text.splitlines() if not ln.strip().startswith("#"))
    if not body.strip():
        raise QueryError(f"the query from {origin} is empty: give a SELECT or ASK query")
    return text


# ---- parameters ---------------------------------------------------------------------------

def _param_tags(block: str) -> list[str] | None:
    """The language tags ('' for none) a parameter's default is written with, or None when the
    VALUES block is not a parameter. A parameter is a block with one value, or with one string
    in several language tags (`"海天中心" "海天中心"@zh-hant …`, so that the label lookup stays an
    index lookup: a BIND(STRLANG(...)) would make the store scan)."""
    terms = list(_TERM.finditer(block.strip()))
    if len(terms) == 1:
        return [terms[0].group("tag") or ""]
    strings = {t.group("string") for t in terms}
    if len(strings) == 1 and None not in strings:
        return [t.group("tag") or "" for t in terms]
    return None


def query_params(sparql: str) -> list[str]:
    """Names of the parameters a query accepts: `VALUES ?k { default }` blocks with one default
    value, or one string in several language tags (a VALUES block listing several values is part
    of the query, not a parameter)."""
    return list(dict.fromkeys(m.group(1) for m in _VALUES.finditer(sparql) if _param_tags(m.group(2)) is not None))


def _sparql_string(value: str) -> str:
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def bind_params(sparql: str, params: dict[str, str]) -> str:
    """Replace the `VALUES ?k { ... }` default of each given parameter with the value as a string
    literal, in each language tag the default used. A string default written again elsewhere in
    the query (`FILTER(?c < xsd:decimal("0.6"))`) is replaced there too: a constant in a FILTER
    lets the store apply it early, a variable bound by VALUES does not."""
    accepted = query_params(sparql)
    wanted = {k.lstrip("?$"): v for k, v in params.items()}
    for key in wanted:
        if key not in accepted:
            takes = (f"it accepts {', '.join(accepted)}" if accepted
                     else "it takes no parameters (no VALUES ?name { ... } default)")
            raise QueryError(f"unknown parameter '{key}' for this query: {takes}")

    elsewhere: dict[str, str] = {}  # a default's literal -> the bound value's

    def swap(m: re.Match) -> str:
        key = m.group(1)
        tags = _param_tags(m.group(2))
        if key not in wanted or tags is None:
            return m.group(0)
        literal = _sparql_string(wanted[key])
        for t in _TERM.finditer(m.group(2).strip()):
            if t.group("string"):
                elsewhere[t.group(0)] = literal + (f"@{t.group('tag')}" if t.group("tag") else "")
        return f"VALUES ?{key} {{ {' '.join(literal + (f'@{t}' if t else '') for t in tags)} }}"

    out, pos, parts = _VALUES.sub(swap, sparql), 0, []
    if not elsewhere:
        return out
    blocks = [(m.start(), m.end()) for m in _VALUES.finditer(out)]  # already bound: leave them
    pattern = re.compile("|".join(re.escape(x) for x in sorted(elsewhere, key=len, reverse=True)) + r"(?![@^\w])")
    for start, end in blocks + [(len(out), len(out))]:
        parts.append(pattern.sub(lambda m: elsewhere[m.group(0)], out[pos:start]))
        parts.append(out[start:end])
        pos = end
    return "".join(parts)


# ---- what a read-only, offline query may not do ---------------------------------------------

_NOISE = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*', re.S)
_PROLOGUE = re.compile(r"^\s*(?:(?:BASE\s*<>|PREFIX\s+[\w.\-]*:\s*<>)\s*)*", re.I)
_UPDATE = re.compile(r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)


def refusal(query: str, allow_service: bool = False) -> str | None:
    """Why a read-only query that makes no network request refuses `query` (Update, LOAD,
    SERVICE unless `allow_service`), or None. Keywords inside strings, IRIs and comments do not
    count."""
    bare = _NOISE.sub(lambda m: "<>" if m.group(0).startswith("<") else " ", query)
    if _UPDATE.match(_PROLOGUE.sub("", bare, count=1)):
        return "SPARQL Update is not allowed: this endpoint is read-only (run kg build to change the graph)"
    if re.search(r"(?<![\w:?$])LOAD(?![\w:\-])", bare, re.I):
        return "LOAD is not allowed: this endpoint is read-only and does not fetch remote data"
    if not allow_service and re.search(r"(?<![\w:?$])SERVICE(?![\w:\-])", bare, re.I):
        return "SERVICE (federated query) is not allowed: this endpoint does not fetch remote data"
    return None


# ---- running ------------------------------------------------------------------------------

def _one_line(message: str) -> str:
    msg = " ".join(message.split())
    if "Prefix not found" in msg:
        declared = ", ".join(f"{p}:" for p in PREFIXES)
        return re.sub(r"expected one of .*", f"undeclared prefix (predeclared: {declared})", msg)
    return re.sub(r"(expected one of .{100}).+", r"\1 …", msg)


def run_query(store: GraphStore, sparql: str) -> QueryResult:
    """Run a SELECT/ASK query; errors come back as a one-line QueryError."""
    try:
        columns, rows = store.select(sparql)
    except QueryError as exc:
        raise QueryError(_one_line(exc.message)) from None
    return QueryResult(columns, rows)


def _fetch_labels(store: GraphStore, iris: set[str]) -> dict[str, str]:
    """Preferred label of each IRI (kg.rdf.vocab.preferred_label), in one query."""
    safe = sorted(i for i in iris if not _IRI_UNSAFE.search(i))
    if not safe:
        return {}
    values = " ".join(f"<{i}>" for i in safe)
    _, rows = store.select("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                           f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s rdfs:label ?l }}")
    found: dict[str, list] = {}
    for s, label in rows:
        found.setdefault(str(s), []).append(label)
    return {s: str(best) for s, ls in found.items() if (best := preferred_label(ls)) is not None}


def display_rows(result: QueryResult, store: GraphStore, labels: bool = True) -> list[list[str]]:
    """Rows as strings: labelled IRIs as their label, other IRIs compacted, literals as text."""
    iris = {str(t) for row in result.rows for t in row if isinstance(t, URIRef)}
    names = _fetch_labels(store, iris) if labels and iris else {}

    def show(term: Node | None) -> str:
        if term is None:
            return ""
        if isinstance(term, URIRef):
            return names.get(str(term)) or compact_iri(str(term))
        if isinstance(term, BNode):
            return f"_:{term}"
        return str(term)

    return [[show(t) for t in row] for row in result.rows]


# ---- formatting ---------------------------------------------------------------------------

def text_width(text: str) -> int:
    """Terminal columns: East Asian wide/fullwidth characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def table_text(columns: list[str], rows: list[list[str]]) -> str:
    flat = [[" ".join(str(c).split("\n")).replace("\t", " ").replace("\r", " ") for c in r] for r in rows]
    widths = [max([text_width(c)] + [text_width(r[i]) for r in flat]) for i, c in enumerate(columns)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - text_width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(columns), "  ".join("-" * w for w in widths)] + [line(r) for r in flat]
    out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(out)


def _tsv_cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def csv_text(columns: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buf.getvalue()[:-1]


def tsv_text(columns: list[str], rows: list[list[str]]) -> str:
    return "\n".join("\t".join(_tsv_cell(c) for c in r) for r in [columns] + rows)


def json_text(columns: list[str], rows: list[list[str]]) -> str:
    return json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, indent=2)


def format_result(columns: list[str], rows: list[list[str]], fmt: str) -> str:
    """Render rows in a row format of kg.rdf.formats (table, csv, tsv, json; no trailing newline)."""
    rows = [["" if c is None else c for c in r] for r in rows]
    return formats.get(fmt, "rows").load()(columns, rows)
