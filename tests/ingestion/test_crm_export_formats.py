"""Birth dates in the formats real CRM exports use load; a non-date still quarantines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from tests.conftest import run_hub
from tests.ingestion.fixtures.hostile import CUSTOMERS_HEADER


def test_birth_dates_in_three_formats_load(data_dir: Path) -> None:
    landing = data_dir / "landing" / "crm"
    landing.mkdir(parents=True)
    rows = [
        "C101,person,李四,F,1985-03-04,,,上海,上海,南京路2号,retail,2025-01-01 10:00:00,2026-01-01 09:00:00",
        "C102,person,王五,M,19850304,,,上海,上海,南京路2号,retail,2025-01-01 10:00:00,2026-01-01 09:00:00",
        "C103,person,赵六,M,1985/03/04,,,上海,上海,南京路2号,retail,2025-01-01 10:00:00,2026-01-01 09:00:00",
        "C104,person,钱七,M,19851340,,,上海,上海,南京路2号,retail,2025-01-01 10:00:00,2026-01-01 09:00:00",
    ]
    (landing / "customers_20260101.csv").write_text("\n".join([CUSTOMERS_HEADER, *rows]) + "\n", encoding="utf-8")
    run_hub("ingest", data_dir=data_dir)
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        loaded = dict(con.execute("select customer_id, birth_date from raw.crm__customers").fetchall())
        quarantined = con.execute("select line, field, rule from raw._quarantine").fetchall()
    finally:
        con.close()
    assert loaded == {"C101": date(1985, 3, 4), "C102": date(1985, 3, 4), "C103": date(1985, 3, 4)}
    assert quarantined == [(5, "birth_date", "type")]
