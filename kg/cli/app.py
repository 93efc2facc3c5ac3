"""The `kg` click group: parses arguments, calls one library function, prints. The commands
live in kg.cli.graph_cmds (write the graph), kg.cli.read_cmds (read it), kg.cli.serve_cmds
(serve and push it) and kg.cli.train_cmds (fit the pair scorer); kg.cli.common maps errors
to one line and an exit code."""
from __future__ import annotations

from pathlib import Path

import click

from kg.cli import graph_cmds, read_cmds, serve_cmds, train_cmds
from kg.rdf.store import STORE_ENV


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


for _command in (graph_cmds.build, graph_cmds.ingest, graph_cmds.articles, graph_cmds.remove, read_cmds.query,
                 read_cmds.view, read_cmds.export, read_cmds.validate, read_cmds.eval_, serve_cmds.serve,
                 serve_cmds.push, train_cmds.train):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="kg")
