"""What the commands share: one-line errors with their exit codes, the options of build and
ingest, the build summary and the progress bar.

Exit codes: 0 ok, 1 unexpected, 2 bad input, 3 bad query, 4 output not writable,
5 store missing or locked, 6 SHACL violations, 7 the SHACL shapes cannot be used, 8 the Dask
cluster cannot be used, 130 interrupted."""
from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from pathlib import Path

import click

from kg.errors import QdkgError, one_line


DEBUG_ENV = "QDKG_DEBUG"


def fail(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def handle_errors(fn):
    """Map typed errors to one line on stderr and their exit code, never a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except QdkgError as exc:
            fail(exc.message, exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted; outputs written before the interruption are intact", 130)
        except BrokenPipeError:
            sys.exit(0)
        except Exception as exc:  # noqa: BLE001 - a bug: one line, the traceback only on request
            if os.environ.get(DEBUG_ENV):
                raise
            fail(f"unexpected {type(exc).__name__}: {one_line(exc)} (a bug: please report it; "
                 f"{DEBUG_ENV}=1 shows the traceback)", 1)
    return wrapper


wait_option = click.option("--wait", type=click.FloatRange(0), default=60.0, show_default=True,
                           help="Seconds to wait for another kg command writing to the same store (then exit 5).")


def note(message: str) -> None:
    """A one-line note on stderr (e.g. that the command waits for another writer)."""
    click.echo(message, err=True)


def input_options(fn):
    """Options shared by build and ingest."""
    for option in reversed((
        click.option("--out", default=Path("exports"), show_default=True, type=click.Path(path_type=Path),
                     help="Folder for qdkg.ttl and graph.html."),
        click.option("--encoding", help="Encoding of the input files (default: detected: BOM, UTF-8, "
                                        "GB18030/GBK, Big5)."),
        click.option("--errors", type=click.Choice(["strict", "replace"]), default="strict", show_default=True,
                     help="Undecodable bytes: stop with an error, or replace them with U+FFFD."),
        click.option("--strict", is_flag=True, help="Stop at an empty or binary file instead of skipping it."),
        click.option("--min-confidence", type=click.FloatRange(0, 1), default=None,
                     help="Drop extracted relations less confident than this (build: default 0; ingest: "
                          "the value the store was built with, which later writes keep)."),
        wait_option,
        click.option("--dask", metavar="ADDRESS", help="Extract on this Dask cluster (tcp://HOST:8786; needs "
                                                       "qdkg[dask]); resolution and the store stay here."),
        click.option("--jobs", type=click.IntRange(0, 64), default=0, show_default=True,
                     help="Extract articles in this many processes (same output as 1); 0: every core "
                          "for inputs over 300,000 characters, else 1."),
    )):
        fn = option(fn)
    return fn


def print_summary(res, verb: str) -> None:
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
    if r.whole and r.reresolved:
        click.echo(f"Re-resolved all {r.reresolved} article(s) already in the graph (the threshold changed, or the "
                   "store was written by an older qdkg).")
    elif r.reresolved:
        click.echo(f"Re-resolved {r.reresolved} article(s) already in the graph that share names with these.")
    if res.turtle is None:
        click.echo(f"Updated store {res.store}; exports not refreshed (--no-exports: kg export, kg view).")
    else:
        click.echo(f"Wrote {res.turtle} and {res.html}" + (f"; store {res.store}" if res.store else "") + ".")
    click.echo(took(r))


def took(report) -> str:
    """`Took 12.3 s (start-up 0.9, read 0.1, extract 8.0, …)`: the whole command, stage by stage."""
    import kg.cli

    stages = dict(report.stages)
    total = report.seconds
    if kg.cli.STARTED is not None:  # run as `kg`: count the start-up (imports) too
        total = time.perf_counter() - kg.cli.STARTED
        stages = {"start-up": max(0.0, total - report.seconds), **stages}
    other = total - sum(stages.values())
    if other >= 0.05:
        stages["other"] = other
    parts = ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
    return f"Took {total:.1f} s ({parts})." if parts else f"Took {total:.1f} s."


@contextlib.contextmanager
def progress_bar(label: str):
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
