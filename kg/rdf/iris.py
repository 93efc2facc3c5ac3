"""Publishing under a deployment's own host: the store keeps qdkg's resource IRIs
(`https://w3id.org/qdkg/resource/<id>`); a deployment served at `https://kg.example.org/` hands
out `https://kg.example.org/resource/<id>` instead, which its `kg serve` answers at
`/resource/<id>`. The map rewrites between the two at the edges (as Pubby's dataset base and web
base do): resource IRIs in outgoing documents become public, and public IRIs written in `<…>` in
incoming SPARQL become the store's. Vocabulary IRIs (qdo:, schema:, …) are never rewritten."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from kg.errors import InputError
from kg.rdf.vocab import QDR_IRI

_IRI_CHARS = re.compile(r"[!#$%&-;=?-\[\]_a-z~]+", re.IGNORECASE)  # RFC 3987 ASCII, no <>"{}|\^` or spaces


def public_base(text: str) -> str:
    """`text` checked as a deployment's base IRI (http or https, a host, no query or fragment),
    ending with '/'; or an InputError saying what to give."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or not _IRI_CHARS.fullmatch(text):
        raise InputError(f"--base-iri {text!r} is not an http(s) IRI: give the address the graph is published at, "
                         "e.g. https://kg.example.org/")
    if parts.query or parts.fragment:
        raise InputError(f"--base-iri {text!r} has a query or fragment: give only the address, "
                         "e.g. https://kg.example.org/")
    return text if text.endswith("/") else text + "/"


class IriMap:
    """Between the store's resource namespace and a deployment's (`base` + "resource/").
    Without a base it changes nothing."""

    def __init__(self, base: str | None = None):
        self.base = public_base(base) if base else None
        self.namespace = self.base + "resource/" if self.base else QDR_IRI
        self._stored, self._public = QDR_IRI.encode(), self.namespace.encode()

    @property
    def rewrites(self) -> bool:
        return self.namespace != QDR_IRI

    def public(self, iri: str) -> str:
        """The IRI a user sees for a stored IRI."""
        return self.namespace + iri[len(QDR_IRI):] if self.rewrites and iri.startswith(QDR_IRI) else iri

    def stored(self, iri: str) -> str:
        """The stored IRI for a public one."""
        return QDR_IRI + iri[len(self.namespace):] if self.rewrites and iri.startswith(self.namespace) else iri

    def query_to_store(self, query: str) -> str:
        """A SPARQL query with the public resource IRIs it writes in <…> (PREFIX lines too) made
        the store's. IRIs built from strings (IRI(CONCAT(…))) are left as written."""
        return query.replace("<" + self.namespace, "<" + QDR_IRI) if self.rewrites else query

    def to_public(self, body: bytes) -> bytes:
        """A serialised document (results, Turtle, JSON-LD, HTML…) with the store's resource IRIs public."""
        return body.replace(self._stored, self._public) if self.rewrites else body
