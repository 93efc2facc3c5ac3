"""Build options are remembered by the store (kg.pipeline.state) and used by later writes."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg import api
from kg.pipeline.state import BuildState
from kg.rdf.store import GraphStore

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NEW = "市南：新园区开园\n\n市南区打造青岛海洋数字产业园，华为公司、海尔集团等12家企业入驻青岛海洋数字产业园。\n"
BELOW = "SELECT (COUNT(*) AS ?n) WHERE {{ ?st qdo:confidence ?c FILTER(?c < {x}) }}"


def below(store: Path, x: float) -> int:
    return int(api.query("-", store=store, stdin_text=BELOW.format(x=x))[1][0][0])


@pytest.fixture(scope="module")
def strict_store(tmp_path_factory):
    base = tmp_path_factory.mktemp("options")
    api.build([SEEDS], store=base / "S", out=base / "O", min_confidence=0.5)
    (base / "new.txt").write_text(NEW, encoding="utf-8")
    return base


# regression test (bug fixed): `kg build --min-confidence 0.5` then `kg ingest new.txt` brought
# back 283 statements below 0.5; `kg remove` too
def test_ingest_and_remove_keep_the_build_threshold(strict_store):
    store = strict_store / "S"
    assert below(store, 0.5) == 0 and below(store, 1.01) > 0
    api.ingest([strict_store / "new.txt"], store=store, out=strict_store / "O")
    assert below(store, 0.5) == 0
    assert BuildState.of(GraphStore.open_existing(store)).options() == {"min_confidence": 0.5}
    assert api.remove(["new.txt"], store=store, out=strict_store / "O")
    assert below(store, 0.5) == 0


def test_an_explicit_threshold_replaces_the_remembered_one(strict_store, tmp_path):
    store = tmp_path / "S"
    api.build([SEEDS], store=store, out=tmp_path / "O", min_confidence=0.5)
    api.ingest([strict_store / "new.txt"], store=store, out=tmp_path / "O", min_confidence=0.0)
    assert below(store, 0.5) > 0
    assert BuildState.of(GraphStore.open_existing(store)).options() == {"min_confidence": 0.0}
