"""Fit the case index: tf-idf term weights per resolved case, pruned for serving.

Pruning keeps what ranks: terms found in more than MAX_DOCUMENT_SHARE of the cases (司机,
反映, 请尽快安排) carry almost no weight and would make every query touch every case, so
they go; each case keeps its TOP_TERMS strongest terms. The served score is the dot product
of the query's unit tf-idf vector with these weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from hub.text import char_ngrams

TOP_TERMS = 24
MAX_DOCUMENT_SHARE = 0.2
MAX_CASES = 100_000  # the most recent resolved cases: at most 2.4 M served term rows


@dataclass
class CaseIndex:
    cases: pd.DataFrame  # work_order_id, resolution, ... in row order of weights
    terms: np.ndarray  # vocabulary, column order of weights
    idf: np.ndarray
    weights: sparse.csr_matrix  # [case, term], pruned, not renormalised

    def term_rows(self) -> pd.DataFrame:
        coo = self.weights.tocoo()
        return pd.DataFrame({
            "work_order_id": self.cases["work_order_id"].to_numpy()[coo.row],
            "term": self.terms[coo.col],
            "weight": coo.data,
        })

    def idf_rows(self) -> pd.DataFrame:
        used = np.unique(self.weights.indices)
        return pd.DataFrame({"term": self.terms[used], "idf": self.idf[used]})

    def query_vector(self, texts: list[str]) -> sparse.csr_matrix:
        """Queries as the API weighs them: unit tf-idf over the index's terms."""
        vectorizer = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, vocabulary=self.terms)
        vectorizer.idf_ = self.idf
        return vectorizer.transform(texts)

    def top(self, texts: list[str], k: int, chunk: int = 256) -> np.ndarray:
        """Row numbers of the k best cases per query, best first (ties by work order id).

        Queries are scored `chunk` at a time: a dense block of scores per chunk, never the
        whole query x case matrix (20,000 x 100,000 doubles would be 16 GB)."""
        queries = self.query_vector(texts)
        ids = self.cases["work_order_id"].to_numpy()
        width = min(4 * k, len(ids))
        rows = []
        for start in range(0, queries.shape[0], chunk):
            scores = (queries[start:start + chunk] @ self.weights.T).toarray()
            candidates = np.argpartition(-scores, width - 1, axis=1)[:, :width]
            for row, picked in zip(scores, candidates, strict=True):
                rows.append(sorted(picked, key=lambda j, row=row: (-row[j], ids[j]))[:k])
        return np.array(rows, dtype=np.int64).reshape(len(rows), -1)


def fit_index(cases: pd.DataFrame) -> CaseIndex:
    """Fit on the given resolved cases (the most recent MAX_CASES)."""
    cases = cases.sort_values(["resolved_at", "work_order_id"]).tail(MAX_CASES).reset_index(drop=True)
    vectorizer = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True, max_df=MAX_DOCUMENT_SHARE)
    matrix = vectorizer.fit_transform(cases["fault_description"].fillna("")).tocsr()
    return CaseIndex(cases, vectorizer.get_feature_names_out().astype(object), vectorizer.idf_, _prune(matrix))


def _prune(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for i in range(matrix.shape[0]):
        start, end = matrix.indptr[i], matrix.indptr[i + 1]
        data, index = matrix.data[start:end], matrix.indices[start:end]
        keep = np.argsort(-data, kind="stable")[:TOP_TERMS]
        rows.append(np.full(len(keep), i))
        cols.append(index[keep])
        vals.append(data[keep])
    if not rows:
        return sparse.csr_matrix(matrix.shape)
    return sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=matrix.shape)
