"""kg.rdf.iris: the store's resource IRIs and a deployment's, both ways."""
from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.rdf.iris import IriMap, public_base

QDR = "https://w3id.org/qdkg/resource/"


def test_without_a_base_nothing_changes():
    m = IriMap()
    assert not m.rewrites and m.namespace == QDR
    assert m.to_public(f"<{QDR}a>".encode()) == f"<{QDR}a>".encode()
    assert m.query_to_store(f"SELECT * {{ <{QDR}a> ?p ?o }}") == f"SELECT * {{ <{QDR}a> ?p ?o }}"


def test_both_ways():
    m = IriMap("https://kg.example.org")
    assert m.namespace == "https://kg.example.org/resource/"
    assert m.public(QDR + "org-1") == "https://kg.example.org/resource/org-1"
    assert m.stored("https://kg.example.org/resource/org-1") == QDR + "org-1"
    assert m.public("https://w3id.org/qdkg/ontology#Park") == "https://w3id.org/qdkg/ontology#Park"
    q = "PREFIX r: <https://kg.example.org/resource/>\nSELECT * { <https://kg.example.org/resource/a> ?p r:b }"
    assert m.query_to_store(q) == f"PREFIX r: <{QDR}>\nSELECT * {{ <{QDR}a> ?p r:b }}"
    body = f'{{"value": "{QDR}a"}} @prefix qdr: <{QDR}> .'.encode()
    assert m.to_public(body) == b'{"value": "https://kg.example.org/resource/a"} @prefix qdr: ' \
                                b'<https://kg.example.org/resource/> .'


@pytest.mark.parametrize("bad", ["kg.example.org", "ftp://kg.example.org/", "https://kg example.org/",
                                 "https://kg.example.org/?a=1", "https://kg.example.org/#top", "https://<x>/"])
def test_bad_bases_are_refused(bad):
    with pytest.raises(InputError):
        public_base(bad)


def test_a_base_ends_with_a_slash():
    assert public_base("http://127.0.0.1:8000") == "http://127.0.0.1:8000/"
    assert public_base("https://example.org/kg/") == "https://example.org/kg/"
