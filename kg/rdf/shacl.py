"""Check a data graph against the SHACL shapes in ontology/shapes.ttl.

pySHACL runs with the ontology as `ont_graph` and `inference="none"`: the ontology's
rdfs:subClassOf axioms are mixed into (a copy of) the data graph, so a shape targeting
qdo:Organization also checks a qdo:Company, and sh:class accepts subclass instances. RDFS
inference is deliberately off: it would derive types from rdfs:domain/rdfs:range and so make
every range check pass. Only sh:Violation results make a graph non-conforming; sh:Warning and
sh:Info results are reported but tolerated. Nothing here touches the network.
"""
from __future__ import annotations

import importlib.resources
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDFS, BNode, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph, Dataset
from rdflib.namespace import SH

from kg.errors import ShapesError, ValidationError, one_line
from kg.rdf.vocab import PREFIXES, compact_iri, preferred_label

ONTOLOGY_FILE = "qdkg.ttl"
SHAPES_FILE = "shapes.ttl"
SHAPES_IRI = "https://w3id.org/qdkg/shapes#"
_PREFIXES = {**PREFIXES, "qdsh": SHAPES_IRI}
_SEVERITY_RANK = {"Violation": 0, "Warning": 1, "Info": 2}


def ontology_dir():
    """The folder holding qdkg.ttl and shapes.ttl: the installed package `kg.ontology`, or,
    in a source checkout where that package does not exist, `<repo>/ontology`."""
    try:
        base = importlib.resources.files("kg.ontology")
        if (base / ONTOLOGY_FILE).is_file():
            return base
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[2] / "ontology"


def _load(name: str) -> Graph:
    graph = Graph()
    for prefix, iri in _PREFIXES.items():
        graph.bind(prefix, iri)
    path = ontology_dir() / name
    try:
        graph.parse(data=path.read_text(encoding="utf-8"), format="turtle")
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as exc:
        detail = one_line(exc, 200)
        raise ShapesError(f"cannot load {path}: {detail}; restore the file from the qdkg package") from None
    return graph


def load_ontology() -> Graph:
    """A fresh graph holding the qdkg ontology (classes, properties, labels)."""
    return _load(ONTOLOGY_FILE)


def load_shapes() -> Graph:
    """A fresh graph holding the SHACL shapes of the data graph."""
    return _load(SHAPES_FILE)


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, every field a plain string (CURIEs where a prefix is known)."""

    focus: str
    path: str
    value: str
    message: str
    severity: str  # Violation | Warning | Info
    shape: str = ""  # the named shape that produced it, e.g. qdsh:OrganizationShape


@dataclass
class ValidationReport:
    """Outcome of `validate`: conformance flag and the results, sorted."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict, repr=False)  # focus -> label

    def text(self) -> str:
        """One line per result, then a count line."""
        lines = []
        for v in self.violations:
            label = self.labels.get(v.focus)
            focus = f"{label} ({v.focus})" if label else v.focus
            where = f" {v.path}" if v.path else ""
            value = f" = {v.value}" if v.value and v.value != v.focus else ""
            lines.append(f"{v.severity}: {focus}{where}{value}: {v.message}")
        counts = {s: sum(v.severity == s for v in self.violations) for s in _SEVERITY_RANK}
        verdict = "conforms" if self.conforms else "does not conform"
        lines.append(
            f"{counts['Violation']} violation(s), {counts['Warning']} warning(s), "
            f"{counts['Info']} info(s): the graph {verdict}."
        )
        return "\n".join(lines)

    def raise_if_invalid(self) -> None:
        """Raise ValidationError when the graph does not conform."""
        if not self.conforms:
            bad = [v for v in self.violations if v.severity == "Violation"]
            first = f" First: {bad[0].focus}: {bad[0].message}" if bad else ""
            raise ValidationError(
                f"the graph does not conform to the qdkg SHACL shapes: {len(bad)} violation(s).{first}"
            )


def validate(data: Graph, *, ontology: Graph | None = None, shapes: Graph | None = None) -> ValidationReport:
    """Validate `data` (a Graph; a Dataset is checked as the union of its graphs)."""
    import pyshacl

    if isinstance(data, (Dataset, ConjunctiveGraph)):
        union = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
        data = union
    ontology = load_ontology() if ontology is None else ontology
    if shapes is None:
        shapes = load_shapes()
    else:  # pySHACL adds a few RDFS axioms to the shapes graph: keep the caller's intact
        copy = Graph()
        for triple in shapes:
            copy.add(triple)
        shapes = copy
    try:
        with _quiet():
            conforms, results, _ = pyshacl.validate(
                data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                abort_on_first=False, allow_warnings=True, allow_infos=True,
                meta_shacl=False, advanced=False, inplace=False,
            )
    except Exception as exc:  # pyshacl raises its own error types on broken shapes
        _check_shapes(shapes)
        detail = one_line(str(exc).rstrip().rstrip("."))
        raise ShapesError(f"SHACL validation could not run: {detail}; fix the shapes graph") from None
    if not conforms:
        _check_shapes(shapes)  # broken shapes are "could not run", not "does not conform"
    violations = sorted({_violation(results, shapes, r) for r in results.subjects(SH.resultSeverity, None)})
    labels = {}
    for node in {r for r in results.objects(None, SH.focusNode)}:
        label = _label(data, node)
        if label:
            labels[_term(node)] = label
    return ValidationReport(conforms=bool(conforms), violations=violations, labels=labels)


@contextmanager
def _quiet():
    """pySHACL logs its errors to stderr itself; qdkg reports them as one line instead."""
    before = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(before)


def _check_shapes(shapes: Graph) -> None:
    """Raise ShapesError when the shapes graph itself breaks SHACL (checked against SHACL's
    own shapes, SHACL-SHACL)."""
    from pyshacl.entrypoints import meta_validate

    with _quiet():
        ok, results, _ = meta_validate(shapes, inference="none")
    if ok:
        return
    first = next(iter(sorted(results.subjects(SH.resultSeverity, None), key=str)), None)
    what = ""
    if first is not None:
        path, value = results.value(first, SH.resultPath), results.value(first, SH.value)
        message = results.value(first, SH.resultMessage)
        what = f": {_term(path) if path is not None else 'a shape'} = {_term(value)}: {message}"
    raise ShapesError(f"the SHACL shapes are broken{what}; fix the shapes graph (it must itself conform to "
                      "SHACL), or restore ontology/shapes.ttl")


def _violation(results: Graph, shapes: Graph, result) -> Violation:
    severity = results.value(result, SH.resultSeverity)
    messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
    return Violation(
        focus=_term(results.value(result, SH.focusNode)),
        path=_term(results.value(result, SH.resultPath)),
        value=_term(results.value(result, SH.value)),
        message=" / ".join(messages),
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
        shape=_term(_named_shape(shapes, results.value(result, SH.sourceShape))),
    )


def _named_shape(shapes: Graph, shape):
    """The nearest IRI-named shape owning `shape` (inline property shapes are blank nodes)."""
    seen = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        owner = shapes.value(None, SH.property, shape)
        if owner is None:
            break
        shape = owner
    return shape


def _label(graph: Graph, node) -> str | None:
    """The node's preferred rdfs:label (kg.rdf.vocab.preferred_label)."""
    best = preferred_label(graph.objects(node, RDFS.label))
    return None if best is None else str(best)


def _term(node) -> str:
    """A term as a short plain string: CURIE for known namespaces, N3 for literals."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return compact_iri(str(node), _PREFIXES).strip("<>")
    if isinstance(node, Literal):
        text = node.replace("\\", "\\\\").replace('"', '\\"')
        if node.language:
            return f'"{text}"@{node.language}'
        if node.datatype:
            return f'"{text}"^^{_term(node.datatype)}'
        return f'"{text}"'
    if isinstance(node, BNode):
        return "_:" + str(node)
    return str(node)
