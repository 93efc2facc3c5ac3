"""The `kg` command: parses arguments, calls one library function, prints.

Exit codes: 0 ok, 1 unexpected, 2 bad input, 3 bad query, 4 output not writable,
5 store missing or locked, 6 SHACL violations, 130 interrupted."""
from __future__ import annotations

import contextlib
import functools
import json
import sys
from pathlib import Path

import click

from . import api
from .errors import InputError, QdkgError, QueryError
from .serialize import FORMATS as EXPORT_FORMATS, write_atomic
from .sparql import FORMATS as QUERY_FORMATS, format_result, list_queries
from .store import STORE_ENV
from .limits import call_with_timeout


def _fail(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def handle_errors(fn):
    """Map typed errors to one line on stderr and their exit code, never a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except QdkgError as exc:
            _fail(exc.message, exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted; outputs written before the interruption are intact", 130)
        except BrokenPipeError:
            sys.exit(0)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qdkg")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), envvar=STORE_ENV,
              help="Graph store folder (default .qdkg/store, or $QDKG_STORE).")
@click.pass_context
def cli(ctx: click.Context, store: Path | None) -> None:
    """qdkg: build a knowledge graph from Chinese regional-development news, then query it with
    SPARQL, explore it as an interactive graph, and export it as Turtle.

    Start with `kg build` (reads seeds/), then `kg query --list`."""
    ctx.obj = {"store": store}


def _input_options(fn):
    """Options shared by build and ingest."""
    for option in reversed((
        click.option("--out", default=Path("exports"), show_default=True, type=click.Path(path_type=Path),
                     help="Folder for qdkg.ttl and graph.html."),
        click.option("--encoding", help="Encoding of the input files (default: detected: BOM, UTF-8, "
                                        "GB18030/GBK, Big5)."),
        click.option("--errors", type=click.Choice(["strict", "replace"]), default="strict", show_default=True,
                     help="Undecodable bytes: stop with an error, or replace them with U+FFFD."),
        click.option("--strict", is_flag=True, help="Stop at an empty or binary file instead of skipping it."),
        click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.0, show_default=True,
                     help="Drop extracted relations less confident than this."),
        click.option("--jobs", type=click.IntRange(0, 64), default=0, show_default=True,
                     help="Extract articles in this many processes (same output as 1); 0: every core "
                          "for inputs over 300,000 characters, else 1."),
    )):
        fn = option(fn)
    return fn


def _print_summary(res, verb: str) -> None:
    r = res.report
    for skipped in r.skipped:
        click.echo(f"Skipped {skipped}", err=True)
    click.echo(f"{verb} {len(r.files)} file(s): {r.added} articles, {r.characters} characters "
               f"({', '.join(sorted(set(r.encodings.values()))) or '-'}).")
    click.echo(f"Graph: {r.articles} articles, {r.sentences} sentences, {r.triples} triples, "
               f"{r.entities} entities, {sum(r.relations_per_property.values())} relations, "
               f"{r.amounts} amounts.")
    click.echo("Entities per class: " + ", ".join(f"{k} {v}" for k, v in r.entities_per_class.items()))
    click.echo("Relations per property: " + (", ".join(f"{k} {v}" for k, v in r.relations_per_property.items())
                                             or "none"))
    click.echo(f"Wrote {res.turtle} and {res.html}" + (f"; store {res.store}" if res.store else "") + ".")
    click.echo(f"Took {r.seconds:.1f} s.")


@contextlib.contextmanager
def _progress(label: str):
    """A progress bar on stderr for interactive runs of several files; silent when stderr is
    not a terminal (pipes, CI)."""
    if not sys.stderr.isatty():
        yield None
        return
    state: dict = {}

    def step(done: int, total: int) -> None:
        if total < 2:
            return
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            state["bar"].__enter__()
        state["bar"].update(done - state["bar"].pos)

    try:
        yield step
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_input_options
@click.pass_context
@handle_errors
def build(ctx, paths, out, encoding, errors, strict, min_confidence, jobs):
    """Build the graph from articles (default: every .txt under seeds/).

    Replaces what the store held; writes OUT/qdkg.ttl (data + ontology) and OUT/graph.html,
    then prints a summary."""
    with _progress("Extracting") as progress:
        res = api.build(list(paths), store=ctx.obj["store"], out=out, encoding=encoding, errors=errors,
                        strict=strict, min_confidence=min_confidence, jobs=jobs, progress=progress)
    _print_summary(res, "Read")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_input_options
@click.pass_context
@handle_errors
def ingest(ctx, paths, out, encoding, errors, strict, min_confidence, jobs):
    """Add articles to the existing graph (re-ingesting a file changes nothing)."""
    with _progress("Extracting") as progress:
        res = api.ingest(list(paths), store=ctx.obj["store"], out=out, encoding=encoding, errors=errors,
                         strict=strict, min_confidence=min_confidence, jobs=jobs, progress=progress)
    _print_summary(res, "Ingested")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True)
@click.pass_context
@handle_errors
def articles(ctx, fmt):
    """List the articles in the graph."""
    rows = api.articles(store=ctx.obj["store"])
    cols = ["id", "source", "number", "date", "page", "district", "sentences", "title"]
    click.echo(format_result(cols, [[str(r[c]) for c in cols] for r in rows], fmt))


@cli.command()
@click.argument("names", nargs=-1, required=True)
@click.pass_context
@handle_errors
def remove(ctx, names):
    """Remove articles from the graph, by id (see `kg articles`) or source file name."""
    removed = api.remove(list(names), store=ctx.obj["store"])
    click.echo(f"Removed {len(removed)} article(s): {', '.join(removed)}.")


def _parse_params(params: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for p in params:
        if "=" not in p:
            raise QueryError(f"--param takes NAME=VALUE, got {p!r}")
        k, v = p.split("=", 1)
        out[k.strip()] = v
    return out


@cli.command()
@click.argument("spec", required=False)
@click.option("--list", "list_", is_flag=True, help="List the named queries with their descriptions.")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter, e.g. --param name=海天中心 for the entity query.")
@click.option("--iris", is_flag=True, help="Show IRIs instead of labels.")
@click.option("--timeout", type=click.FloatRange(0), default=60.0, show_default=True,
              help="Stop a query that runs longer than this many seconds (0: no limit).")
@click.pass_context
@handle_errors
def query(ctx, spec, list_, fmt, params, iris, timeout):
    """Run SPEC against the built graph: a named query (see --list), a .rq file, or - for stdin."""
    if list_:
        qs = list_queries()
        width = max(len(q.name) for q in qs)
        for q in qs:
            click.echo(f"{q.name.ljust(width)}  {q.description}")
        return
    if not spec:
        raise QueryError("name a query, a .rq file or - (stdin); kg query --list shows the named queries")
    stdin_text = sys.stdin.read() if spec == "-" else None
    columns, rows = call_with_timeout(api.query, timeout, spec, store=ctx.obj["store"],
                                      params=_parse_params(params), stdin_text=stdin_text, labels=not iris)
    click.echo(format_result(columns, rows, fmt))


@cli.command()
@click.option("-o", "--out", default=Path("exports") / "graph.html", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Where to write the page.")
@click.option("--district", help="Only this district's entities (name in either script).")
@click.option("--type", "type_", help="Only this class (District, Initiative, Project, Organization, Platform, Park).")
@click.option("--focus", help="Only the neighbourhood of this entity.")
@click.option("--hops", type=click.IntRange(0, 10), default=1, show_default=True, help="Radius around --focus.")
@click.option("--max-nodes", type=click.IntRange(1), default=800, show_default=True,
              help="Draw at most this many nodes (the best connected).")
@click.pass_context
@handle_errors
def view(ctx, out, district, type_, focus, hops, max_nodes):
    """Write the interactive graph view (offline HTML) and print its path."""
    data = api.view(store=ctx.obj["store"], district=district, type=type_, focus=focus, hops=hops,
                    max_nodes=max_nodes)
    path = api.write_view(data, out, title="qdkg graph")
    click.echo(str(path))
    click.echo(f"{len(data.nodes)} nodes, {len(data.edges)} edges." + (f" {data.note}" if data.note else ""))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS) + ["graphml", "gexf"]), default="ttl",
              show_default=True, help="RDF (ttl, nt, jsonld, trig: one named graph per article) or Gephi (graphml, gexf).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output).")
@click.pass_context
@handle_errors
def export(ctx, fmt, output):
    """Export the whole graph (data + ontology) as Turtle, N-Triples, JSON-LD or TriG, or the
    entity network as GraphML / GEXF for Gephi."""
    data = api.export(fmt, store=ctx.obj["store"])
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(output, data)
        click.echo(f"Wrote {output} ({len(data)} bytes).")


@cli.command()
@click.pass_context
@handle_errors
def validate(ctx):
    """Check the graph against the SHACL shapes in ontology/shapes.ttl."""
    report = api.validate(ctx.obj["store"])
    click.echo(report.text())
    report.raise_if_invalid()


@cli.command(name="eval")
@click.option("--gold", "gold", required=True, type=click.Path(exists=True, path_type=Path),
              help="A gold JSON file or a folder of them (format in the README).")
@click.option("--show-misses", type=click.IntRange(0), default=0, help="List up to N misses of each kind.")
@click.option("--by-rule", is_flag=True, help="Instead, each extraction rule's relation precision (lenient).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.pass_context
@handle_errors
def eval_(ctx, gold, show_misses, by_rule, as_json):
    """Score the graph against gold annotations (entities, relations, amounts)."""
    from .evaluate import evaluate, format_rules, format_scores, precision_by_rule

    files = sorted(gold.glob("*.json")) if gold.is_dir() else [gold]
    if not files:
        raise InputError(f"{gold} holds no .json gold files")
    graph = api.load_graph(ctx.obj["store"])
    if by_rule:
        rows = precision_by_rule(graph, files)
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1) if as_json else format_rules(rows))
        return
    results = evaluate(graph, files, show=show_misses)
    click.echo(json.dumps(results, ensure_ascii=False, indent=1) if as_json else format_scores(results))


from .cli_serve import push, serve  # noqa: E402  (imports handle_errors from this module)

cli.add_command(serve)
cli.add_command(push)


def main() -> None:
    cli(prog_name="kg")


if __name__ == "__main__":
    main()
