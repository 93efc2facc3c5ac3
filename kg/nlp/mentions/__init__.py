"""Stage 4a: entity mentions. One module per family of span rules: `names` (gazetteer
districts and bodies), `suffix` (type-suffix noun phrases), `frames` (titles, quotes, lists,
trigger verbs), `derived` (spans made from other spans); `spans` holds what they share and
`find` runs them all and resolves overlaps."""
