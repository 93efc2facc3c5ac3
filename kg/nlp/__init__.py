"""Stages 3-4, no RDF: script conversion (`script`), segmentation (`segment`), the reference
data (`gazetteer`, `lexicon`), entity mentions (`mentions/`) and relations (`relations/`);
`extract` runs them over one article."""
