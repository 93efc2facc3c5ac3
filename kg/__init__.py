"""qdkg: knowledge graphs from Chinese regional-development news.

Library entry points (each returns data): `build`, `ingest`, `articles`, `remove`, `query`,
`export`, `view`, `load_graph`, `validate`. The `kg` command is a thin layer over them
(kg.cli.app). They are imported on first use, so `import kg` stays cheap."""
from kg.errors import InputError, OutputError, QdkgError, QueryError, ShapesError, StoreError, ValidationError

__version__ = "0.1.0"
_API = ("articles", "build", "export", "ingest", "load_graph", "open_store", "query", "remove", "validate", "view",
        "view_html")
__all__ = [*_API, "QdkgError", "InputError", "OutputError", "QueryError", "ShapesError", "StoreError", "ValidationError"]


def __getattr__(name: str):
    if name in _API:
        from kg import api

        return getattr(api, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
