"""Training the pair scorer (kg.nlp.relations.scorer) from gold annotations: label the
candidates of each article (labels), fit a logistic regression (logistic), choose thresholds
and report leave-one-article-out figures (train)."""
