"""The learned models of extraction over string features, each a small JSON file in the package
(kg/nlp/data/), made by `kg train` (kg.learn) from gold annotations and their texts: the mention
filter (kg.nlp.mentions.keep), a logistic regression, and the pair scorer
(kg.nlp.relations.scorer), boosted trees (kg.nlp.forest) or a logistic regression. Both keep
their thresholds and provenance here.

Each has a default (`Shipped`): the file named by its environment variable if set (`none`: no
model, the rules alone), else the package's file; `set` replaces it, as jieba lets you replace
its default Tokenizer."""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError

DATA = Path(__file__).resolve().parent / "data"


@dataclass
class LinearModel:
    """Weights per feature of each group (a relation, or `mention`), a threshold per group,
    and what it was trained on."""

    weights: dict[str, float]  # "group|feature" (and "group" for its bias) -> weight
    thresholds: dict[str, float]
    about: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._groups: dict[str, dict[str, float]] = {}
        for k, w in self.weights.items():
            group, _, feature = k.partition("|")
            self._groups.setdefault(group, {})[feature] = w

    def score(self, group: str, *features: list[str]) -> float:
        """P(yes) for the features of one group (0 when the model knows nothing of the group)."""
        w = self._groups.get(group)
        if not w:
            return 0.0
        z = w.get("", 0.0) + sum(w.get(f, 0.0) for fs in features for f in fs)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict:
        return {"about": self.about, "thresholds": self.thresholds,
                "weights": {k: round(w, 4) for k, w in sorted(self.weights.items()) if abs(w) >= 1e-4}}

    @classmethod
    def from_json(cls, data: dict):
        return cls(dict(data["weights"]), dict(data["thresholds"]), dict(data.get("about", {})))

    @classmethod
    def load(cls, path: str | Path):
        """Read a weights file; a missing or malformed one is one clear InputError."""
        try:
            return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise InputError(f"cannot read model weights {path}: {e}; "
                             "retrain with `kg train` or pass a weights file it wrote") from None


class Shipped:
    """The default model of one kind: loaded once per process, replaceable."""

    def __init__(self, kind: type[LinearModel], filename: str, env: str):
        self.kind, self.file, self.env = kind, DATA / filename, env
        self._model: list = []

    def get(self):
        if not self._model:
            chosen = os.environ.get(self.env, "").strip()
            if chosen.lower() == "none":
                self._model.append(None)
            elif chosen:
                self._model.append(self.kind.load(chosen))
            else:
                self._model.append(self.kind.load(self.file) if self.file.exists() else None)
        return self._model[0]

    def set(self, model) -> None:
        """Use `model` from now on (None: no model)."""
        self._model[:] = [model]

    def reset(self) -> None:
        """Forget the loaded model: the next `get` reads the environment and file again."""
        self._model.clear()
