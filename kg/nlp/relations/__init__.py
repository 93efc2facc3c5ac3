"""Stage 4b: relations, amounts and event dates between the mentions of one sentence.

`view` is what a rule sees (SentenceView, the article Context); `registry` names every rule
with the relation it makes and its prior; one module per relation family holds the rules
(`located_in`, `led_by`, `joined_park`, `partner`, `part_of`); `rules` runs them in order.
Amounts and dates have their own modules."""
