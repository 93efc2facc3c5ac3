"""Typed errors. Each carries a one-line message that says what is wrong and how to fix it,
and an exit code the CLI returns (documented in the README)."""


def one_line(text: object, limit: int = 300) -> str:
    """`text` (an exception's message, say) as one line of at most `limit` characters."""
    return " ".join(str(text).split())[:limit]


class QdkgError(Exception):
    """Base of every error qdkg reports to a user."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(QdkgError):
    """An input file or folder is missing, empty, binary or not decodable."""

    exit_code = 2


class QueryError(QdkgError):
    """A SPARQL query is malformed, unknown by name, or failed."""

    exit_code = 3


class OutputError(QdkgError):
    """An output file or folder cannot be written."""

    exit_code = 4


class StoreError(QdkgError):
    """The graph store is missing, locked or unreadable."""

    exit_code = 5


class ValidationError(QdkgError):
    """The graph does not conform to the SHACL shapes."""

    exit_code = 6


class ShapesError(QdkgError):
    """Validation could not run: the SHACL shapes or the ontology cannot be loaded or used
    (as pySHACL tells "could not run" from "does not conform")."""

    exit_code = 7


class ClusterError(QdkgError):
    """The Dask cluster given with --dask cannot be reached or used."""

    exit_code = 8
