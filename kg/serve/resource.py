"""Dereferenceable entities on `kg serve`: `GET /resource/<id>` describes
`https://w3id.org/qdkg/resource/<id>` as Turtle, JSON-LD, N-Triples or a readable HTML page,
by content negotiation.

The description is the entity's own triples, the relations pointing at it, and every
statement about it (rdf:Statement) with its sentence and that sentence's article (title and
date): the facts with their sources. The HTML page is built from the same triples, as text
(every value escaped), with links to the other entities' pages and no script."""
from __future__ import annotations

import html
import json
import re

import pyoxigraph as ox

from kg.out.pages import csp_hash, head, safe_in_script
from kg.rdf.vocab import PREFIXES, QDR_IRI, compact_iri

SLUG = re.compile(r"[A-Za-z0-9_\-.~%]{1,300}")


def describe_query(iri: str) -> str:
    """CONSTRUCT the description of `iri` (see the module docstring)."""
    e = f"<{iri}>"
    return f"""CONSTRUCT {{
  {e} ?p ?o . ?s ?q {e} . ?st ?sp ?so .
  ?sent nif:anchorOf ?text ; dcterms:isPartOf ?art . ?art dcterms:title ?title ; dcterms:date ?date .
}} WHERE {{
  {{ {e} ?p ?o }}
  UNION {{ ?s ?q {e} FILTER(?q NOT IN (rdf:subject, rdf:object)) }}
  UNION {{
    {{ ?st rdf:subject {e} }} UNION {{ ?st rdf:object {e} }}
    ?st ?sp ?so .
    OPTIONAL {{ ?st prov:wasDerivedFrom ?sent . ?sent nif:anchorOf ?text .
               OPTIONAL {{ ?sent dcterms:isPartOf ?art . OPTIONAL {{ ?art dcterms:title ?title }}
                          OPTIONAL {{ ?art dcterms:date ?date }} }} }}
  }}
}}"""


_CSS = """body { font-family: "WenQuanYi Zen Hei", "Noto Sans CJK TC", sans-serif; margin: 1em 2em; max-width: 60em; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 2px 6px; text-align: left;
vertical-align: top; } th { background: #f3f3f3; } blockquote { margin: 0.3em 0 0.8em 1em; color: #333; }
.meta { color: #666; font-size: 90%; }"""
RESOURCE_CSP = f"default-src 'none'; style-src {csp_hash(_CSS)}; img-src data:; base-uri 'none'; form-action 'none'"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_QDO = PREFIXES["qdo"]


def resource_path(iri: str) -> str | None:
    """The server path that describes `iri`, for qdkg resources."""
    return "/resource/" + iri[len(QDR_IRI):] if iri.startswith(QDR_IRI) else None


def _labels(triples: list[ox.Triple]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for t in triples:
        if t.predicate.value == _LABEL and isinstance(t.object, ox.Literal):
            out.setdefault(t.subject.value, {}).setdefault((t.object.language or "").lower(), t.object.value)
    return out


def _name(iri: str, labels: dict) -> str:
    lab = labels.get(iri, {})
    return lab.get("zh-hant") or lab.get("zh-hans") or lab.get("zh") or lab.get("en") or compact_iri(iri)


def _term(t, labels: dict) -> str:
    if isinstance(t, ox.NamedNode):
        text = html.escape(_name(t.value, labels))
        path = resource_path(t.value)
        return f'<a href="{html.escape(path)}">{text}</a>' if path else f"<code>{text}</code>"
    if isinstance(t, ox.Literal):
        lang = f' <span class="meta">@{html.escape(t.language)}</span>' if t.language else ""
        return html.escape(t.value) + lang
    return html.escape(str(t))


def dataset_jsonld() -> str:
    """The schema.org Dataset description of this endpoint's graph, for crawlers (its URLs
    relative to the page, so that any host name the server answers to gives the right ones)."""
    return safe_in_script(json.dumps({
        "@context": "https://schema.org/", "@type": "Dataset", "name": "qdkg knowledge graph",
        "description": "A knowledge graph of Chinese regional-development news: districts, initiatives, projects, "
                       "organizations, platforms and parks, with the sentence behind every fact.",
        "url": "/", "license": "https://opensource.org/licenses/MIT",
        "distribution": [{"@type": "DataDownload", "encodingFormat": "text/turtle", "contentUrl": "/data.ttl"},
                         {"@type": "DataDownload", "encodingFormat": "application/sparql-query", "contentUrl": "/sparql"}],
        "subjectOf": {"@type": "CreativeWork", "encodingFormat": "text/turtle", "url": "/.well-known/void"},
    }, ensure_ascii=False))


def render_resource(iri: str, triples: list[ox.Triple]) -> str:
    """The HTML page of one entity: its labels and types, its properties, the relations to it,
    and each statement about it with its sentence, article, rule and confidence."""
    labels = _labels(triples)
    own = [t for t in triples if t.subject.value == iri]
    incoming = [t for t in triples if isinstance(t.object, ox.NamedNode) and t.object.value == iri
                and t.subject.value != iri and not t.subject.value.startswith(QDR_IRI + "st-")]
    by_subject: dict[str, dict[str, list]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
    statements = [s for s, props in by_subject.items()
                  if any(o.value == RDF + "Statement" for o in props.get(RDF + "type", []))]
    rows = "".join(f"<tr><th>{html.escape(compact_iri(t.predicate.value))}</th><td>{_term(t.object, labels)}</td></tr>"
                   for t in sorted(own, key=lambda t: (t.predicate.value, str(t.object)))
                   if t.predicate.value != PREFIXES["qdo"] + "mentionedIn")
    inc = "".join(f"<li>{_term(t.subject, labels)} <code>{html.escape(compact_iri(t.predicate.value))}</code></li>"
                  for t in sorted(incoming, key=lambda t: (t.predicate.value, t.subject.value)))
    sources = []
    for st in sorted(statements, key=lambda s: (-max((float(o.value) for o in by_subject[s].get(_QDO + "confidence", [])),
                                                     default=0.0), s)):
        props = by_subject[st]
        first = lambda p: (props.get(p) or [None])[0]  # noqa: E731
        subj, pred, obj = first(RDF + "subject"), first(RDF + "predicate"), first(RDF + "object")
        sent = first("http://www.w3.org/ns/prov#wasDerivedFrom")
        text = art = title = date = None
        if sent is not None:
            sp = by_subject.get(sent.value, {})
            text = (sp.get(PREFIXES["nif"] + "anchorOf") or [None])[0]
            art = (sp.get(PREFIXES["dcterms"] + "isPartOf") or [None])[0]
            if art is not None:
                ap = by_subject.get(art.value, {})
                title = (ap.get(PREFIXES["dcterms"] + "title") or [None])[0]
                date = (ap.get(PREFIXES["dcterms"] + "date") or [None])[0]
        meta = " · ".join(x for x in (
            html.escape(title.value) if title is not None else "", html.escape(date.value) if date is not None else "",
            html.escape((first(_QDO + "extractedBy") or ox.Literal("")).value),
            html.escape((first(_QDO + "confidence") or ox.Literal("")).value)) if x)
        fact = " ".join(_term(x, labels) if x is not None else "" for x in (subj, pred, obj))
        quote = f"<blockquote>{html.escape(text.value)}</blockquote>" if text is not None else ""
        sources.append(f"<li>{fact} <span class=\"meta\">{meta}</span>{quote}</li>")
    name = _name(iri, labels)
    body = (f"<h1>{html.escape(name)}</h1>\n<p><code>{html.escape(iri)}</code> · "
            f'<a href="{html.escape(resource_path(iri) or "")}?format=ttl">Turtle</a> · '
            f'<a href="{html.escape(resource_path(iri) or "")}?format=jsonld">JSON-LD</a> · <a href="/">SPARQL</a></p>\n'
            f"<table>{rows}</table>\n"
            + (f"<h2>與之相關 / Related to it</h2>\n<ul>{inc}</ul>\n" if inc else "")
            + (f"<h2>來源 / Sources ({len(sources)})</h2>\n<ol>{''.join(sources)}</ol>\n" if sources else ""))
    return (head(name, RESOURCE_CSP) + f"<style>{_CSS}</style>\n"
            f'<script type="application/ld+json">{dataset_jsonld()}</script>\n</head>\n<body>\n{body}</body>\n</html>\n')
