"""The CRM's person records in the matcher's shape, and the run that writes models.identity_pairs.

The matcher runs before dbt's identity models, which read its pairs as the source
`models.identity_pairs`, so it reads the raw CRM table itself: the latest exported version
of each record (the rule of stg_crm__customers), persons only.
Names: "given surname" when the name has a space (Western exports), else the first
character is the surname (Chinese). Addresses: province and city prefixes are dropped, the building number is
the digits before 号 (or the first number), compared apart from the rest of the street.
"""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pandas as pd

from hub.settings import Settings
from models import runs
from models.identity.matching import RECORD_COLUMNS, SHARED_IDENTIFIERS, match

PAIRS_TABLE = "identity_pairs"
# every pair of person records sharing an identifier, with Splink's evidence; the graph's
# conflicting_persons guard reads it (int_identity_excluded_identifiers)
SHARED_PAIRS_TABLE = "identity_shared_identifier_pairs"
MODEL = "identity_matching"
# the trained Splink model of each run (models.model_runs holds its counts)
PARAMETERS_TABLE = f"{runs.SCHEMA}.identity_match_parameters"
_CREATE_PARAMETERS = f"create table if not exists {PARAMETERS_TABLE} (run_id varchar primary key, model_json varchar not null)"

_RECORDS = """
with latest as (
    select *
    from raw.crm__customers
    qualify row_number() over (partition by customer_id order by updated_at desc, _ingested_at desc, _line desc) = 1
),
persons as (
    select
        customer_id,
        nullif(regexp_replace(trim(name), '\\s+', ' ', 'g'), '') as full_name,
        nullif(trim(province), '') as province,
        nullif(trim(city), '') as city,
        translate(nullif(trim(address), ''), '０１２３４５６７８９＃#', '0123456789号号') as typed_address,
        birth_date
    from latest
    where customer_type = 'person'
),
located as (
    -- province and city prefixes dropped: some agents type them, some do not
    select
        *,
        case when starts_with(typed_address, province) then substr(typed_address, length(province) + 1)
            else typed_address end as without_province
    from persons
),
unprefixed as (
    select
        *,
        regexp_replace(
            case when starts_with(without_province, city) then substr(without_province, length(city) + 1)
                else without_province end,
            '^市', ''
        ) as address
    from located
)
select
    customer_id as unique_id,
    case when contains(full_name, ' ') then split_part(full_name, ' ', 1)
        when regexp_matches(full_name, '\\p{Han}') then substr(full_name, 2) end
        as given_name,
    -- one word that is not Chinese: a surname alone (FEBRL-style exports leave the given name empty more often)
    case when contains(full_name, ' ') then regexp_extract(full_name, '(\\S+)$', 1)
        when regexp_matches(full_name, '\\p{Han}') then substr(full_name, 1, 1) else full_name end
        as surname,
    full_name,
    strftime(birth_date, '%Y%m%d') as birth_date,
    -- "12 miller place": a Western address leads with its number; else the digits before 号, or the first number
    nullif(case when regexp_matches(address, '^\\d+\\s') then regexp_extract(address, '^(\\d+)', 1)
        else coalesce(nullif(regexp_extract(address, '(\\d+)号', 1), ''), regexp_extract(address, '(\\d+)', 1)) end, '')
        as street_number,
    nullif(trim(case when regexp_matches(address, '^\\d+\\s') then regexp_replace(address, '^\\d+\\s+', '')
        else regexp_replace(address, '\\d+.*$', '') end), '') as address,
    city,
    cast(null as varchar) as postcode,
    province
from unprefixed
"""


# Identifiers as ingestion normalised them (raw table, column): the ones the graph links by.
_IDENTIFIER_COLUMNS = (("crm__phones", "phone_e164"), ("crm__emails", "email_normalised"),
                       ("crm__customers", "id_card_hash"))
# An identifier on more person records than this is not scored pair by pair (a switchboard on
# thousands would cost millions of pairs); the graph's own guards decide about it.
MAX_RECORDS_PER_SCORED_IDENTIFIER = 50


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {row[0] for row in con.execute(
        "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ?",
        [table]).fetchall()}


def shared_identifiers(con: duckdb.DuckDBPyConnection, record_ids: pd.Series) -> pd.Series:
    """Per record (index unique_id): the identifiers it shares with 2..MAX_RECORDS_PER_SCORED_IDENTIFIER
    person records, as opaque '<column>:<value>' strings, or None."""
    parts = [f"select customer_id, '{column}:' || {column} as identifier from raw.{table} where {column} is not null"
             for table, column in _IDENTIFIER_COLUMNS if column in _columns(con, table)]
    if not parts:
        return pd.Series(None, index=record_ids, dtype="object")
    con.register("_record_ids", pd.DataFrame({"customer_id": record_ids.astype(str)}))
    try:
        shared = con.execute(f"""
            with carried as (
                select distinct customer_id, identifier from ({" union all ".join(parts)})
                where customer_id in (select customer_id from _record_ids)
            ),
            kept as (
                select identifier from carried group by identifier
                having count(*) between 2 and {MAX_RECORDS_PER_SCORED_IDENTIFIER}
            )
            select customer_id, list(identifier order by identifier) as identifiers
            from carried where identifier in (select identifier from kept) group by customer_id
        """).df()
    finally:
        con.unregister("_record_ids")
    return shared.set_index("customer_id")["identifiers"].reindex(record_ids.astype(str))


def crm_records(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    records = con.execute(_RECORDS).df()
    if "postcode" in _columns(con, "crm__customers"):
        postcodes = con.execute("select distinct on (customer_id) customer_id, postcode from raw.crm__customers "
                                "order by customer_id, updated_at desc, _ingested_at desc, _line desc").df()
        records = records.drop(columns="postcode").merge(
            postcodes.rename(columns={"customer_id": "unique_id"}), on="unique_id", how="left")
    records = records[list(RECORD_COLUMNS)]
    records[SHARED_IDENTIFIERS] = shared_identifiers(con, records["unique_id"]).to_numpy()
    return records


_EMPTY_PAIRS = pd.DataFrame({"left_crm_customer_id": pd.Series(dtype="string"),
                             "right_crm_customer_id": pd.Series(dtype="string"),
                             "match_weight": pd.Series(dtype="float64"),
                             "match_probability": pd.Series(dtype="float64")})
MIN_RECORDS = 50  # fewer person records than this train no model: the graph links them deterministically


def _has_crm(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("select count(*) from information_schema.tables "
                       "where table_schema = 'raw' and table_name = 'crm__customers'").fetchall()[0][0] > 0


_EMPTY_SHARED = _EMPTY_PAIRS.assign(evidence_weight=pd.Series(dtype="float64"))


def _write_shared_pairs(con: duckdb.DuckDBPyConnection, pairs: pd.DataFrame) -> None:
    """Replace models.identity_shared_identifier_pairs (empty when no model ran: the graph then
    falls back to its name and birth-date rule)."""
    con.execute(f"create schema if not exists {runs.SCHEMA}")
    con.register("_shared_pairs", pairs[list(_EMPTY_SHARED.columns)])
    try:
        con.execute(f"create or replace table {runs.SCHEMA}.{SHARED_PAIRS_TABLE} as select * from _shared_pairs")
    finally:
        con.unregister("_shared_pairs")


def run_identity_matching(con: duckdb.DuckDBPyConnection, settings: Settings) -> runs.RunResult:
    """Train on the CRM's persons, write the accepted pairs and record the trained model.

    Too few records, or a model Splink cannot train, publishes no pairs: the run is recorded
    with the reason and the graph keeps its deterministic links.
    """
    records = crm_records(con) if _has_crm(con) else pd.DataFrame(columns=[*RECORD_COLUMNS, SHARED_IDENTIFIERS])
    threshold = settings.identity_match_probability
    metrics = {"records": float(len(records)), "threshold": threshold}
    if len(records) < MIN_RECORDS:
        _write_shared_pairs(con, _EMPTY_SHARED)
        return runs.record_run(con, MODEL, PAIRS_TABLE, _EMPTY_PAIRS, date.today(), metrics, floors={},
                               failure=f"{len(records)} person records, fewer than {MIN_RECORDS}")
    try:
        result = match(records, threshold)
    except ValueError as error:  # EM left a level with no probability mass, say
        _write_shared_pairs(con, _EMPTY_SHARED)
        return runs.record_run(con, MODEL, PAIRS_TABLE, _EMPTY_PAIRS, date.today(), metrics, floors={},
                               failure=f"Splink could not train: {error}")
    pairs = result.pairs.rename(columns={"left_id": "left_crm_customer_id", "right_id": "right_crm_customer_id"})
    shared = _EMPTY_SHARED if result.shared_pairs is None else result.shared_pairs.rename(
        columns={"left_id": "left_crm_customer_id", "right_id": "right_crm_customer_id"})
    metrics |= {"scored_pairs": float(result.scored_pairs), "accepted_pairs": float(len(pairs)),
                "shared_identifier_pairs": float(len(shared))}
    _write_shared_pairs(con, shared)
    run = runs.record_run(con, MODEL, PAIRS_TABLE, pairs, date.today(), metrics, floors={})
    con.execute(_CREATE_PARAMETERS)
    con.execute(f"insert into {PARAMETERS_TABLE} values (?, ?)", [run.run_id, json.dumps(result.model)])
    return run


def trained_model(con: duckdb.DuckDBPyConnection, run_id: str) -> dict:
    """The Splink model (settings with trained m, u and prior) a run used."""
    rows = con.execute(f"select model_json from {PARAMETERS_TABLE} where run_id = ?", [run_id]).fetchall()
    if not rows:
        raise KeyError(f"no identity matching run {run_id}")
    return json.loads(rows[0][0])
