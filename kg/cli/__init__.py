"""The `kg` command. `main` is the console entry point: it imports the commands (and so
rdflib, Oxigraph, jieba…) inside the interrupt handler, so Ctrl-C during start-up is one line
and exit code 130, not a traceback. The click group itself is `kg.cli.app.cli`."""
import sys
import time

STARTED: float | None = None  # when `kg` started (set by main): the summary's time counts from here


def main() -> None:
    global STARTED
    STARTED = time.perf_counter()
    try:
        from kg.cli.app import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted while starting; nothing was written\n")
        sys.exit(130)
    cli_main()


def __getattr__(name: str):
    if name == "cli":  # `from kg.cli import cli`: the click group, imported on use
        from kg.cli.app import cli

        return cli
    raise AttributeError(f"module 'kg.cli' has no attribute {name!r}")
