"""Stage 6 and what reads it: the vocabulary (`vocab`), triples from resolved data (`graph`),
the Oxigraph store (`store`), SPARQL (`sparql`), SHACL and the ontology files (`shacl`), the
export formats (`formats`) and the dataset description (`dataset`)."""
