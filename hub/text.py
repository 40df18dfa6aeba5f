"""Chinese free text as features: normalised character n-grams.

Fault descriptions are short Chinese phrases with no spaces between words; character
bigrams and trigrams catch the words (尿素, 故障灯, 限扭) without a segmenter, and survive
the variants agents type. The same function serves the similar-cases model (as the
analyzer of scikit-learn's TfidfVectorizer) and the API (to weight a query), so both cut
text the same way.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

NGRAM_SIZES = (2, 3)
# everything but CJK ideographs, Latin letters and digits separates runs (punctuation, spaces)
_SEPARATORS = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")


def normalize(text: str) -> list[str]:
    """NFKC (full-width to half-width), lower case, split into runs of letters/ideographs/digits."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return [run for run in _SEPARATORS.split(folded) if run]


def char_ngrams(text: str) -> list[str]:
    """The character bigrams and trigrams of each run (a run shorter than 2 is kept whole)."""
    grams: list[str] = []
    for run in normalize(text):
        if len(run) < min(NGRAM_SIZES):
            grams.append(run)
            continue
        for n in NGRAM_SIZES:
            grams.extend(run[i:i + n] for i in range(len(run) - n + 1))
    return grams


def query_weights(text: str, idf: dict[str, float]) -> dict[str, float]:
    """A query's tf-idf vector over the known terms, as TfidfVectorizer(sublinear_tf=True,
    norm="l2") weighs a document: (1 + ln tf) x idf, scaled to unit length."""
    counts = Counter(g for g in char_ngrams(text) if g in idf)
    weights = {g: (1.0 + math.log(c)) * idf[g] for g, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {g: w / norm for g, w in weights.items()} if norm else {}
