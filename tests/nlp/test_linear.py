"""kg.nlp.linear: each shipped model is the file its environment variable names, none when it
says `none`, else the package's file."""
import json

import pytest

from kg.nlp.mentions import keep as K
from kg.nlp.relations import scorer as S


@pytest.mark.parametrize("shipped, default", [(S.SHIPPED, S.default_scorer), (K.SHIPPED, K.default_filter)])
def test_model_of_the_environment(shipped, default, tmp_path, monkeypatch):
    path = tmp_path / "w.json"
    path.write_text(json.dumps(shipped.kind({"x": 1.0}, {"x": 0.2}).to_json()), encoding="utf-8")
    for value, want in (("none", None), (str(path), {"x": 0.2}), ("", json.loads(shipped.file.read_text())["thresholds"])):
        monkeypatch.setenv(shipped.env, value)
        shipped.reset()
        got = default()
        assert (got.thresholds if got else None) == want
    shipped.reset()
