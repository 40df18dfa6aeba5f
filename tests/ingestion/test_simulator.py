"""The simulator through the real CLI: contract-shaped files, recorded mess, truthful truth.

One demo run (seed 7) is shared by the module; the determinism test makes two more.
All tests sit in one xdist group so the shared run is made once.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from stdnum.cn import ric, uscc

from hub.calendar import is_holiday
from hub.identifiers import normalize_phone, normalize_vin
from ingestion.contracts import CONTRACTS, contract
from ingestion.simulator import phones as ph
from tests.conftest import run_hub

pytestmark = pytest.mark.xdist_group("simulator")

ROW_OUTCOMES = {"required", "type", "allowed", "range", "max_length", "identifier", "malformed", "truncated",
                "normalised", "duplicate", "skipped_resent"}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("sim") / "var"
    proc = run_hub("simulate", "--scale", "demo", "--seed", "7", data_dir=data_dir)
    assert "call_legs" in proc.stdout
    return data_dir


def _hashes(data_dir: Path) -> dict[str, str]:
    return {
        str(p.relative_to(data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data_dir.rglob("*"))
        if p.is_file() and p.parts[-2] in ("crm", "acd", "ticketing", "telematics", "sales", "truth")
    }


def _text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gbk")


def _mess(run: Path) -> list[dict]:
    return json.loads((run / "truth" / "mess.json").read_text(encoding="utf-8"))["items"]


def _legs(run: Path) -> pd.DataFrame:
    bad = {(m["file"], m["line"]) for m in _mess(run)}
    frames = []
    for path in sorted((run / "landing" / "acd").glob("call_legs_2026????.csv")):
        lines = _text(path).splitlines()
        keep = [line for i, line in enumerate(lines[1:], start=2) if (f"acd/{path.name}", i) not in bad]
        rows = [line.split(",") for line in keep]
        frames.append(pd.DataFrame([r[:18] for r in rows if len(r) == 18], columns=lines[0].split(",")))
    return pd.concat(frames)


@pytest.mark.slow
def test_same_seed_same_bytes_and_another_seed_differs(run: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    run_hub("simulate", "--scale", "demo", "--seed", "7", data_dir=again)
    run_hub("simulate", "--scale", "demo", "--seed", "8", data_dir=other)
    first, second, third = _hashes(run), _hashes(again), _hashes(other)
    assert len(first) > 1_000
    assert first == second
    differing = [k for k in first if first[k] != third.get(k)]
    assert len(differing) > 0.9 * len(first)


def test_every_contract_has_daily_files_with_its_header(run: Path) -> None:
    landing = run / "landing"
    for c in CONTRACTS:
        files = sorted((landing / c.source).glob(c.file_pattern))
        assert len(files) >= 90, c.name
        for path in files:
            text = _text(path)
            if c.format == "csv":
                assert text.split("\n", 1)[0].rstrip("\r") == ",".join(f.name for f in c.fields), path.name
            elif text.strip():
                first = json.loads(text.splitlines()[0])
                assert list(first) == [f.name for f in c.fields]
    assert (landing / "crm" / "customers_20260101.csv").exists()
    assert (landing / "acd" / "call_legs_20260105.csv").exists()
    assert (landing / "telematics" / "events_20260105.jsonl").exists()
    full = _text(landing / "crm" / "customers_20260101.csv").count("\n")
    delta = _text(landing / "crm" / "customers_20260201.csv").count("\n")
    assert full > 3_000 and delta < 200  # a full export, then daily changes


def test_mess_manifest_lists_each_kind_where_it_is(run: Path) -> None:
    items = _mess(run)
    kinds = {m["kind"] for m in items}
    assert kinds >= {"missing_required", "bad_type", "out_of_range", "disallowed_value", "over_length", "invalid_vin",
                     "duplicate_row", "reexported_row", "late_row", "out_of_order", "malformed_row", "junk_phone",
                     "clock_skew", "gbk_encoding", "utf8_bom", "crlf", "truncated_file", "resent_file"}
    assert {m["expected"] for m in items} <= ROW_OUTCOMES
    landing = run / "landing"
    for m in items:
        path = landing / m["file"]
        assert path.exists(), m
        raw = path.read_bytes()
        if m["line"] is not None:
            lines = _text(path).splitlines()
            assert 1 <= m["line"] <= len(lines), m
            line = lines[m["line"] - 1]
            if m["kind"] == "bad_type":
                assert "abc" in line or "2026-02-30" in line
            if m["kind"] == "missing_required" and path.suffix == ".csv":
                k = [f.name for f in _contract_of(m["file"]).fields].index(m["field"])
                assert line.split(",")[k] == "" or '"' in line
        if m["kind"] == "truncated_file":
            assert not raw.endswith(b"\n")
        if m["kind"] == "utf8_bom":
            assert raw.startswith(b"\xef\xbb\xbf")
        if m["kind"] == "gbk_encoding":
            assert raw.decode("gbk") != raw.decode("utf-8", errors="replace")
        if m["kind"] == "resent_file":
            original = path.with_name(path.name.replace("_resent", ""))
            assert raw == original.read_bytes()
    injected = [m["file"] for m in items if m["line"] is not None and not m["kind"].startswith("junk")]
    assert pd.Series(injected).value_counts().max() <= 12  # small, controlled numbers per file


def _contract_of(rel: str):
    source, name = rel.split("/")
    return next(c for c in CONTRACTS if c.source == source and name.startswith(c.file_pattern.split("*")[0]))


def test_truth_identifiers_are_valid_and_normalise_to_one_number(run: Path) -> None:
    truth = run / "truth"
    phones = pd.read_parquet(truth / "phones.parquet")
    personal = phones[phones.owner_kind.isin(["personal", "switchboard", "driver"])].head(3_000)
    for e164, nsn in zip(personal.phone, personal.national_number, strict=True):
        kind = ph.MOBILE if len(nsn) == 11 and nsn.startswith("1") else ph.LANDLINE
        assert {normalize_phone(ph.format_number(nsn, kind, s)).e164 for s in range(6)} == {e164}
    known = set(phones.phone)
    records = pd.read_parquet(truth / "crm_records.parquet").set_index("customer_id").person_id
    carried = {p for ids in phones.person_ids for p in ids}
    crm = pd.read_csv(run / "landing" / "crm" / "phones_20260101.csv", dtype=str, keep_default_na=False,
                      on_bad_lines="skip")
    normalised = crm.phone.map(lambda v: (normalize_phone(v).e164 if normalize_phone(v) else None))
    assert normalised.isna().mean() < 0.03  # junk only
    assert set(normalised.dropna()) <= known
    assert set(records[crm.customer_id[crm.customer_id.isin(records.index)]]) <= carried
    persons = pd.read_parquet(truth / "persons.parquet")
    assert persons.id_card_no.dropna().map(ric.is_valid).all()
    assert persons.company_reg_no.dropna().map(uscc.is_valid).all()
    assert 0.07 < (persons.kind == "fleet").mean() < 0.13
    vins = pd.read_parquet(truth / "vehicles.parquet").vin
    assert vins.is_unique and vins.map(normalize_vin).eq(vins).all()


def test_duplicates_repeat_calls_and_surveys_are_measurable(run: Path) -> None:
    truth = run / "truth"
    records = pd.read_parquet(truth / "crm_records.parquet")
    dups = records[records.is_duplicate]
    assert 0.04 < len(dups) / (~records.is_duplicate).sum() < 0.08
    assert 0.15 < (dups.shares == "none").mean() < 0.35
    calls = pd.read_parquet(truth / "calls.parquet")
    answered = calls[calls.answered]
    assert 0.55 < answered.resolved.mean() < 0.95
    assert calls.repeat_of.notna().mean() > 0.05
    surveys = sum(len(_text(p).splitlines()) - 1 for p in (run / "landing" / "acd").glob("surveys_*.csv"))
    assert 0.18 < surveys / len(answered) < 0.32


def test_calls_follow_the_day_the_week_and_the_holidays(run: Path) -> None:
    legs = _legs(run)
    first = legs[(legs.leg_no == "1") & (legs.direction == "inbound")].copy()
    started = pd.to_datetime(first.started_at)
    first["day"] = started.dt.date
    first["hour"] = started.dt.hour
    ordinary = first[first.day.map(lambda d: d.weekday() < 5 and not is_holiday(d))]
    by_hour = ordinary.groupby("hour").size()
    assert by_hour.get(10, 0) > 8 * max(by_hour.get(3, 0), 1)
    daily = first.groupby("day").size()
    weekdays = daily[[d.weekday() < 5 and not is_holiday(d) for d in daily.index]]
    weekends = daily[[d.weekday() >= 5 and not is_holiday(d) for d in daily.index]]
    festival = daily[[date(2026, 2, 16) <= d <= date(2026, 2, 22) for d in daily.index]]
    assert weekends.mean() < 0.8 * weekdays.mean()
    assert festival.mean() < 0.4 * weekdays.mean()
    assert daily[date(2026, 2, 24)] > weekdays.mean()  # the surge after the Spring Festival
    queues = legs[legs.queue != ""].queue
    assert set(queues) == set(contract("acd__call_legs").field("queue").allowed)
    abandoned = (legs.disposition == "abandoned").mean()
    assert 0.02 < abandoned < 0.3


def test_a_defect_raises_its_component_failure_rate_after_onset(run: Path) -> None:
    truth = run / "truth"
    defects = pd.read_parquet(truth / "defects.parquet")
    vehicles = pd.read_parquet(truth / "vehicles.parquet")
    orders = pd.read_parquet(truth / "work_orders.parquet").merge(vehicles[["vin", "defect_id"]], on="vin", how="left",
                                                                   suffixes=("", "_vehicle"))
    d = defects.iloc[0]
    onset = pd.Timestamp(d.onset_date)
    hit = orders[(orders.component == d.component)]
    in_batch = vehicles.defect_id == d.defect_id
    after = hit.created_at >= onset
    period_end = pd.Timestamp(datetime(2026, 4, 1))
    days_after = (period_end - onset).days
    days_before = (onset - pd.Timestamp(datetime(2026, 1, 1))).days
    affected_after = (hit.defect_id_vehicle == d.defect_id)[after].sum() / (in_batch.sum() * days_after)
    others_after = (hit.defect_id_vehicle != d.defect_id)[after].sum() / ((~in_batch).sum() * days_after)
    affected_before = (hit.defect_id_vehicle == d.defect_id)[~after].sum() / (in_batch.sum() * days_before)
    assert affected_after > 3 * others_after
    assert affected_after > 2 * affected_before


def test_sales_leads_carry_their_truth_repeats_bad_phones_and_customers(run: Path) -> None:
    """Every exported lead has its truth row; a repeat names the same person as the lead it
    repeats; a bad phone never normalises, every other one does; a third or so of the people
    behind leads are customers of the CRM."""
    truth = pd.read_parquet(run / "truth" / "leads.parquet")
    records = pd.read_parquet(run / "truth" / "crm_records.parquet")
    bad = {(m["file"], m["line"]) for m in _mess(run)}
    exported = []
    for path in sorted((run / "landing" / "sales").glob("leads_*.csv")):
        lines = _text(path).splitlines()
        exported += [line.split(",") for i, line in enumerate(lines[1:], start=2) if (f"sales/{path.name}", i) not in bad]
    columns = [f.name for f in contract("sales__leads").fields]
    leads = pd.DataFrame([r for r in exported if len(r) == len(columns)], columns=columns).drop_duplicates("lead_id")
    assert len(leads) > 250
    merged = leads.merge(truth, on="lead_id", how="left", validate="one_to_one")
    assert merged["person_id"].notna().all()
    repeats = truth.dropna(subset=["duplicate_of"]).merge(truth, left_on="duplicate_of", right_on="lead_id")
    assert len(repeats) > 20 and (repeats["person_id_x"] == repeats["person_id_y"]).all()
    normalised = merged["phone"].map(lambda p: normalize_phone(p) is not None)
    assert not normalised[merged["phone_defect"] == "bad_phone"].any()
    assert normalised[merged["phone_defect"] != "bad_phone"].all()
    customers = truth.drop_duplicates("person_id")
    assert 0.25 < customers["is_customer"].mean() < 0.45
    assert set(customers.loc[customers["is_customer"], "person_id"]) <= set(records["person_id"])


def test_true_signals_rank_what_happened_after_the_period(run: Path) -> None:
    """truth/true_signals (the ceilings of docs/models.md): one row per person; those who churn
    or buy parts in the 90 days after the period had a higher hazard or rate on its last morning."""
    signals = pd.read_parquet(run / "truth" / "true_signals.parquet")
    persons = pd.read_parquet(run / "truth" / "persons.parquet", columns=["person_id"])
    assert len(signals) == len(persons) and signals["person_id"].is_unique
    churn = pd.read_parquet(run / "truth" / "churn.parquet", columns=["person_id", "churned_at", "within_period"])
    after = churn[~churn["within_period"] & churn["churned_at"].notna()]["person_id"]
    churned = signals["person_id"].isin(after)
    assert churned.any() and signals.loc[churned, "churn_hazard"].mean() > signals.loc[~churned, "churn_hazard"].mean()
    future = pd.read_parquet(run / "truth" / "future_purchases.parquet")
    buyers = signals["person_id"].isin(future.loc[future["product"] == "parts", "person_id"])
    assert signals.loc[buyers, "parts_rate"].mean() > 2 * signals.loc[~buyers, "parts_rate"].mean()
