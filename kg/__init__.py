"""qdkg: knowledge graphs from Chinese regional-development news.

Library entry points (each returns data): `build`, `query`, `export`, `view`, `load_graph`,
`validate`. The `kg` command is a thin layer over them (kg.cli)."""
from .api import articles, build, export, ingest, load_graph, open_store, query, remove, validate, view, view_html
from .errors import InputError, OutputError, QdkgError, QueryError, StoreError, ValidationError

__version__ = "0.1.0"
__all__ = ["articles", "ingest", "remove", "build", "export", "load_graph", "open_store", "query", "validate", "view", "view_html",
           "QdkgError", "InputError", "OutputError", "QueryError", "StoreError", "ValidationError"]
