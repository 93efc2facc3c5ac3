"""Which candidates the gold confirms: a candidate is right when its two ends name gold
entities of its article (the scorer's lenient name match) that the gold relates by its
relation (either way round for partner)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.nlp.relations.candidates import SYMMETRIC, Candidate
from kg.out.evaluate import gold_files, load_gold, norm, same_name


@dataclass
class GoldDoc:
    """One gold file: its entities' names and its relations as (subject id, p, object id)."""

    doc: str
    names: dict[int, set[str]] = field(default_factory=dict)  # entity number -> its names
    relations: set[tuple[int, str, int]] = field(default_factory=set)
    required: set[tuple[int, str, int]] = field(default_factory=set)  # those not marked optional

    def ids_of(self, *names: str) -> set[int]:
        wanted = {norm(n) for n in names} - {""}
        return {i for i, ns in self.names.items() if any(same_name(a, b, True) for a in wanted for b in ns)}

    def confirms(self, c: Candidate) -> bool:
        subj = self.ids_of(c.subject.key, c.subject.text)
        obj = self.ids_of(c.object.key, c.object.text)
        rels = self.relations
        return any((s, c.predicate, o) in rels or (c.predicate in SYMMETRIC and (o, c.predicate, s) in rels)
                   for s in subj for o in obj)


def read_gold_dir(folder: Path) -> dict[str, GoldDoc]:
    """The gold files of a folder (kg.out.evaluate reads them), by their doc name; entities are
    numbered across the folder."""
    files = gold_files(folder)
    if not files:
        raise InputError(f"no gold files (*.json) in {folder}; pass the folder that holds them")
    gold = load_gold(files)
    docs: dict[str, GoldDoc] = {}
    for i, e in enumerate(gold.entities):
        docs.setdefault(e.doc, GoldDoc(e.doc)).names[i] = e.names
    for s, p, o, optional in gold.relations:
        doc = docs[gold.entities[s].doc]
        doc.relations.add((s, p, o))
        if not optional:
            doc.required.add((s, p, o))
    return docs


def merged(docs: list[GoldDoc]) -> GoldDoc:
    """One GoldDoc holding several (for a file of many articles whose gold is split by page)."""
    m = GoldDoc("+".join(d.doc for d in docs))
    for d in docs:
        m.names.update(d.names)
        m.relations |= d.relations
        m.required |= d.required
    return m
