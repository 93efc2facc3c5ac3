"""Stage 5: resolution (`entities`: one entity per real thing), Latin labels and IRI slugs
(`labels`), and the rules' measured confidences (`calibration`)."""
