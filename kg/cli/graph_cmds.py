"""`kg build`, `kg ingest`, `kg articles`, `kg remove`: the commands that write the graph."""
from __future__ import annotations

from pathlib import Path

import click

from kg import api
from kg.cli.common import handle_errors, input_options, note, print_summary, progress_bar, wait_option
from kg.rdf.formats import names as format_names
from kg.rdf.sparql import format_result


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@input_options
@click.pass_context
@handle_errors
def build(ctx, paths, out, encoding, errors, strict, min_confidence, wait, dask, jobs):
    """Build the graph from articles (default: every .txt under seeds/).

    Replaces what the store held; writes OUT/qdkg.ttl (data + ontology) and OUT/graph.html,
    then prints a summary."""
    with progress_bar("Extracting") as progress:
        res = api.build(list(paths), store=ctx.obj["store"], out=out, encoding=encoding, errors=errors,
                        strict=strict, min_confidence=min_confidence, jobs=jobs, progress=progress, wait=wait,
                        on_wait=note, dask=dask)
    print_summary(res, "Read")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@input_options
@click.option("--no-exports", is_flag=True, help="Update the store only, leaving OUT/qdkg.ttl and OUT/graph.html as "
              "they are (for many ingests in a row; `kg export` and `kg view` write them when wanted).")
@click.pass_context
@handle_errors
def ingest(ctx, paths, out, encoding, errors, strict, min_confidence, wait, dask, jobs, no_exports):
    """Add articles to the existing graph (re-ingesting a file changes nothing). Only what the
    new articles touch is resolved and written again."""
    with progress_bar("Extracting") as progress:
        res = api.ingest(list(paths), store=ctx.obj["store"], out=out, encoding=encoding, errors=errors,
                         strict=strict, min_confidence=min_confidence, jobs=jobs, progress=progress, wait=wait,
                         on_wait=note, dask=dask, exports=not no_exports)
    print_summary(res, "Ingested")


@click.command()
@click.option("--format", "fmt", type=click.Choice(format_names("rows")), default="table", show_default=True)
@click.pass_context
@handle_errors
def articles(ctx, fmt):
    """List the articles in the graph."""
    rows = api.articles(store=ctx.obj["store"])
    cols = ["id", "source", "number", "date", "page", "district", "sentences", "title"]
    click.echo(format_result(cols, [[str(r[c]) for c in cols] for r in rows], fmt))


@click.command()
@click.argument("names", nargs=-1, required=True)
@click.option("--out", default=Path("exports"), show_default=True, type=click.Path(path_type=Path),
              help="The folder of qdkg.ttl and graph.html, refreshed after the removal.")
@click.option("--no-exports", is_flag=True, help="Update the store only, leaving OUT/qdkg.ttl and OUT/graph.html as "
              "they are (`kg export` and `kg view` write them when wanted).")
@wait_option
@click.pass_context
@handle_errors
def remove(ctx, names, out, no_exports, wait):
    """Remove articles from the graph, by id (see `kg articles`) or source file name, then
    refresh OUT/qdkg.ttl and OUT/graph.html as `kg ingest` does."""
    removed = api.remove(list(names), store=ctx.obj["store"], out=out, exports=not no_exports, wait=wait,
                         on_wait=note)
    click.echo(f"Removed {len(removed)} article(s): {', '.join(removed)}.")
    if no_exports:
        click.echo("Exports not refreshed (--no-exports: kg export, kg view).")
    else:
        click.echo(f"Wrote {out / 'qdkg.ttl'} and {out / 'graph.html'}.")
