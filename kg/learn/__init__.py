"""Training the pair scorer (kg.nlp.relations.scorer) and the mention filter from gold
annotations: label the candidates of each article (labels), grow boosted trees (boosting) or fit
a logistic regression (logistic), choose thresholds and report leave-one-article-out figures
(train)."""
