"""`kg serve` and `kg push`: thin click commands over kg.serve.server and kg.out.push (registered in kg.cli.app)."""
from __future__ import annotations

import click

from kg import api
from kg.cli.common import handle_errors
from kg.errors import InputError


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=5.0, show_default=True,
              help="Time limit per query, in seconds.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Query worker processes (each holds a read-only view of the store).")
@click.option("--allow-remote", is_flag=True, help="Allow a non-loopback --host (the endpoint has no auth).")
@click.option("--base-iri", metavar="URL",
              help="The address the graph is published at (e.g. https://kg.example.org/): entity IRIs are handed "
                   "out as URL/resource/<id>, which this server answers.")
@click.option("-v", "--verbose", is_flag=True, help="Log every request on stderr.")
@click.pass_context
@handle_errors
def serve(ctx, host, port, timeout, workers, allow_remote, base_iri, verbose):
    """Serve the graph as a read-only SPARQL endpoint with a query page, VoID and the graph view."""
    from kg.serve.server import is_loopback, serve_forever

    if not allow_remote and not is_loopback(host):
        raise InputError(f"refusing to listen on {host}: the endpoint has no authentication; "
                         "use 127.0.0.1, or pass --allow-remote if you mean it")
    if base_iri:
        from kg.rdf.iris import public_base
        public_base(base_iri)  # a bad address is refused before the store is opened
    store = api.open_store(ctx.obj["store"])
    try:
        serve_forever(store, host, port, timeout, workers=workers, verbose=verbose, base_iri=base_iri)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port") from None


@click.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store endpoint, e.g. http://localhost:3030/ds/data (Fuseki), "
                   "http://localhost:7878/store (Oxigraph), http://localhost:8890/sparql-graph-crud-auth (Virtuoso).")
@click.option("--graph", metavar="IRI", help="Target named graph (default: the default graph). It is replaced.")
@click.option("--user", help="User name for HTTP authentication.")
@click.option("--password", envvar="QDKG_PUSH_PASSWORD", help="Password (or $QDKG_PUSH_PASSWORD; asked if --user "
                                                             "is given without it).")
@click.option("--digest", is_flag=True, help="HTTP digest authentication (Virtuoso) instead of basic.")
@click.option("--batch", type=click.IntRange(1), default=50_000, show_default=True, help="Triples per request.")
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Retries on connection errors and 5xx answers.")
@click.pass_context
@handle_errors
def push(ctx, endpoint, graph, user, password, digest, batch, retries):
    """Replace a graph in a remote triple store with this graph (SPARQL Graph Store Protocol)."""
    from kg.out.push import push as _push

    if user and password is None:
        password = click.prompt(f"Password for {user}", hide_input=True)
    store = api.open_store(ctx.obj["store"])
    report = _push(store, endpoint, graph, batch_triples=batch, retries=retries,
                   auth=(user, password) if user else None, digest=digest)
    click.echo(f"Pushed {report.triples} triples to {graph or 'the default graph'} at {endpoint} in "
               f"{report.batches} batch(es), {report.requests} request(s), {report.seconds:.1f} s.")
