"""What the suites share: the project's paths and the seed graph, built once per session.

Tests are grouped by the package they test (tests/cli, tests/inputs, tests/nlp, tests/pipeline,
tests/rdf, tests/out, tests/serve) plus tests/robustness for bad input and faults. The seed
store is in memory and shared read-only: a test that writes builds its own."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_store():
    """The seed articles' graph (kg.pipeline.run.build into an in-memory GraphStore)."""
    from kg.pipeline.run import build
    from kg.rdf.store import GraphStore

    gs = GraphStore()
    build([SEEDS], gs)
    return gs
