"""What is made from a built graph: the graph view (`graphview`), the Gephi network (`gephi`),
pushes to a triple store (`push`) and scores against gold (`evaluate`)."""
