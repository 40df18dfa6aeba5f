"""Character n-grams of Chinese free text, shared by the similar-cases model and the API."""

from __future__ import annotations

import math

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from hub.text import char_ngrams, normalize, query_weights


def test_normalize_folds_width_case_and_punctuation():
    assert normalize("司机反映：ＤＰＦ再生频繁，急需处理!") == ["司机反映", "dpf再生频繁", "急需处理"]


def test_char_ngrams_are_bigrams_and_trigrams_of_each_run():
    assert char_ngrams("尿素灯，亮") == ["尿素", "素灯", "尿素灯", "亮"]


def test_query_weights_match_scikit_learns_document_weights():
    docs = ["尿素故障灯亮，发动机限扭", "刹车发软，气压低", "尿素故障灯亮"]
    vectorizer = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True).fit(docs)
    idf = dict(zip(vectorizer.get_feature_names_out(), vectorizer.idf_, strict=True))
    query = "尿素尿素故障灯亮"
    expected = vectorizer.transform([query])
    weights = query_weights(query, idf)
    for term, column in vectorizer.vocabulary_.items():
        assert weights.get(term, 0.0) == pytest.approx(expected[0, column])
    assert math.isclose(sum(w * w for w in weights.values()), 1.0)
