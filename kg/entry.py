"""The `kg` console entry point. It imports the CLI (and so rdflib, Oxigraph, jieba…) inside
the interrupt handler, so Ctrl-C during start-up is one line and exit code 130, not a traceback."""
import sys


def main() -> None:
    try:
        from .cli import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted while starting; nothing was written\n")
        sys.exit(130)
    cli_main()
