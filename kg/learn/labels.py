"""Which candidates the gold confirms: a candidate is right when its two ends name gold
entities of its article (the scorer's lenient name match) that the gold relates by its
relation (either way round for partner)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.nlp.relations.candidates import SYMMETRIC, Candidate
from kg.out.evaluate import gold_files, norm, same_name


@dataclass
class GoldDoc:
    """One gold file: its entities' names and its relations as (subject id, p, object id)."""

    doc: str
    names: dict[str, set[str]] = field(default_factory=dict)
    relations: set[tuple[str, str, str]] = field(default_factory=set)
    required: set[tuple[str, str, str]] = field(default_factory=set)  # those not marked optional

    def ids_of(self, *names: str) -> set[str]:
        wanted = {norm(n) for n in names} - {""}
        return {i for i, ns in self.names.items() if any(same_name(a, b, True) for a in wanted for b in ns)}

    def confirms(self, c: Candidate) -> bool:
        subj = self.ids_of(c.subject.key, c.subject.text)
        obj = self.ids_of(c.object.key, c.object.text)
        rels = self.relations
        return any((s, c.predicate, o) in rels or (c.predicate in SYMMETRIC and (o, c.predicate, s) in rels)
                   for s in subj for o in obj)


def read_gold_dir(folder: Path) -> dict[str, GoldDoc]:
    """The gold files of a folder (*.gold.json, else *.json), by their doc name."""
    files = gold_files(folder)
    if not files:
        raise InputError(f"no gold files (*.json) in {folder}; pass the folder that holds them")
    docs = {}
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            g = GoldDoc(data.get("doc") or path.stem.split(".")[0])
            for e in data["entities"]:
                g.names[e["id"]] = {norm(n) for n in [e["name"], *e.get("aliases", [])]} - {""}
            g.relations = {(r["s"], r["p"], r["o"]) for r in data.get("relations", [])}
            g.required = {(r["s"], r["p"], r["o"]) for r in data.get("relations", []) if not r.get("optional")}
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise InputError(f"cannot read gold file {path}: {e}; fix the file or leave it out") from None
        docs[g.doc] = g
    return docs


def merged(docs: list[GoldDoc]) -> GoldDoc:
    """One GoldDoc holding several (for a file of many articles whose gold is split by page)."""
    m = GoldDoc("+".join(d.doc for d in docs))
    for d in docs:
        m.names.update({f"{d.doc}/{i}": ns for i, ns in d.names.items()})
        m.relations |= {(f"{d.doc}/{s}", p, f"{d.doc}/{o}") for s, p, o in d.relations}
        m.required |= {(f"{d.doc}/{s}", p, f"{d.doc}/{o}") for s, p, o in d.required}
    return m
