"""`kg query`, `kg view`, `kg export`, `kg validate`, `kg eval`: the commands that read the graph."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg import api
from kg.cli.common import handle_errors
from kg.errors import InputError, QueryError
from kg.out.files import write_atomic
from kg.rdf.formats import names as format_names
from kg.rdf.sparql import format_result, list_queries
from kg.serve.timeouts import call_with_timeout

DEFAULT_VIEW = Path("exports") / "graph.html"  # its folder is made when missing; a folder given with -o must exist


def _parse_params(params: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for p in params:
        if "=" not in p:
            raise QueryError(f"--param takes NAME=VALUE, got {p!r}")
        k, v = p.split("=", 1)
        out[k.strip()] = v
    return out


@click.command()
@click.argument("spec", required=False)
@click.option("--list", "list_", is_flag=True, help="List the named queries with their descriptions.")
@click.option("--format", "fmt", type=click.Choice(format_names("rows")), default="table", show_default=True)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter, e.g. --param name=海天中心 for the entity query.")
@click.option("--iris", is_flag=True, help="Show IRIs instead of labels.")
@click.option("--timeout", type=click.FloatRange(0), default=60.0, show_default=True,
              help="Stop a query that runs longer than this many seconds (0: no limit).")
@click.option("--allow-service", is_flag=True, help="Let SERVICE clauses query remote endpoints (network requests).")
@click.pass_context
@handle_errors
def query(ctx, spec, list_, fmt, params, iris, timeout, allow_service):
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
                                      params=_parse_params(params), stdin_text=stdin_text, labels=not iris,
                                      allow_service=allow_service)
    click.echo(format_result(columns, rows, fmt))


@click.command()
@click.option("-o", "--out", default=DEFAULT_VIEW, show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Where to write the page.")
@click.option("--district", help="Only this district's entities (name in either script).")
@click.option("--type", "type_", help="Only this class (District, Initiative, Project, Organization, Platform, Park).")
@click.option("--relation", help="Only this relation and the entities it links (joinedPark, partner, ledBy, partOf, "
              "operatedBy, locatedIn).")
@click.option("--focus", help="Only the neighbourhood of this entity.")
@click.option("--hops", type=click.IntRange(0, 10), default=1, show_default=True, help="Radius around --focus.")
@click.option("--through-hubs", is_flag=True, help="Let --hops walk through districts and hubs (over 30 relations).")
@click.option("--max-nodes", type=click.IntRange(1), default=800, show_default=True,
              help="Draw at most this many nodes (the best connected).")
@click.pass_context
@handle_errors
def view(ctx, out, district, type_, relation, focus, hops, through_hubs, max_nodes):
    """Write the interactive graph view (offline HTML) and print its path."""
    data = api.view(store=ctx.obj["store"], district=district, type=type_, focus=focus, hops=hops,
                    max_nodes=max_nodes, relation=relation, through_hubs=through_hubs)
    path = api.write_view(data, out, title="qdkg graph", create_folder=out == DEFAULT_VIEW)
    click.echo(str(path))
    click.echo(f"{len(data.nodes)} nodes, {len(data.edges)} edges." + (f" {data.note}" if data.note else ""))


@click.command()
@click.option("--format", "fmt", type=click.Choice(format_names("graph", "network", exported_only=True)), default="ttl",
              show_default=True, help="RDF (ttl, nt, jsonld, trig: one named graph per article) or Gephi (graphml, gexf).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output).")
@click.option("--profile", type=click.Choice(["schema"]), help="Add the schema.org / W3C ORG types and properties "
              "the ontology's alignment implies (for consumers without a reasoner; ttl and nt).")
@click.option("--base-iri", metavar="URL", help="Give the entities the IRIs of a deployment published at URL "
              "(URL/resource/<id>, as `kg serve --base-iri URL` answers them).")
@click.pass_context
@handle_errors
def export(ctx, fmt, output, profile, base_iri):
    """Export the whole graph (data + ontology) as Turtle, N-Triples, JSON-LD or TriG, or the
    entity network as GraphML / GEXF for Gephi."""
    data = api.export(fmt, store=ctx.obj["store"], profile=profile, base_iri=base_iri)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(output, data)
        click.echo(f"Wrote {output} ({len(data)} bytes).")


@click.command()
@click.pass_context
@handle_errors
def validate(ctx):
    """Check the graph against the SHACL shapes in ontology/shapes.ttl."""
    report = api.validate(ctx.obj["store"])
    click.echo(report.text())
    report.raise_if_invalid()


@click.command(name="eval")
@click.option("--gold", "gold", required=True, type=click.Path(exists=True, path_type=Path),
              help="A gold JSON file or a folder of them (its *.gold.json files if it has any; format in the README).")
@click.option("--show-misses", type=click.IntRange(0), default=0, help="List up to N misses of each kind.")
@click.option("--by-rule", is_flag=True, help="Instead, each extraction rule's relation precision (lenient).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.pass_context
@handle_errors
def eval_(ctx, gold, show_misses, by_rule, as_json):
    """Score the graph against gold annotations (entities, relations, amounts)."""
    from kg.out.evaluate import evaluate, format_rules, format_scores, gold_files, precision_by_rule

    files = gold_files(gold)
    if not files:
        raise InputError(f"{gold} holds no .json gold files")
    graph = api.load_graph(ctx.obj["store"])
    if by_rule:
        rows = precision_by_rule(graph, files)
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1) if as_json else format_rules(rows))
        return
    results = evaluate(graph, files, show=show_misses)
    click.echo(json.dumps(results, ensure_ascii=False, indent=1) if as_json else format_scores(results))
