"""Similar past cases: for a new fault description, the resolved work orders most like it.

TF-IDF over character n-grams (hub.text) of resolved repair/rescue work orders; the model
publishes each case's strongest term weights and the idf table, and the API ranks cases
for a query by a sum of products in SQL (api.similar_cases), with no model object to load.
"""

from models.similar_cases.index import CaseIndex, fit_index

__all__ = ["CaseIndex", "fit_index"]
