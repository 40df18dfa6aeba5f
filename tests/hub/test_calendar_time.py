"""The contact center's time zone is one constant (hub.calendar), checked against the tz
database (tzdata, which we did not write) and against the dbt project's copy of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import yaml

from hub.calendar import TIMEZONE, UTC_OFFSET, UTC_OFFSET_HOURS
from hub.settings import Settings
from orchestration.lib.dbt_project import TRANSFORMS_DIR, dbt_vars


def test_the_zone_keeps_one_offset_so_fixed_offset_local_days_are_exact() -> None:
    zone = ZoneInfo(TIMEZONE)
    assert UTC_OFFSET == timedelta(hours=UTC_OFFSET_HOURS)
    at, end = datetime(1992, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    while at < end:  # every 6 hours: a daylight-saving period lasts months
        assert at.astimezone(zone).utcoffset() == UTC_OFFSET, at
        at += timedelta(hours=6)


def test_dbt_gets_the_offset_from_the_constant(tmp_path) -> None:
    project = yaml.safe_load((TRANSFORMS_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    # the default for a hand-run `dbt build`; `hub build` passes the constant itself
    assert project["vars"]["local_utc_offset_hours"] == UTC_OFFSET_HOURS
    assert dbt_vars(Settings(data_dir=tmp_path))["local_utc_offset_hours"] == UTC_OFFSET_HOURS
    macros = (TRANSFORMS_DIR / "macros" / "time.sql").read_text(encoding="utf-8")
    assert "'hour', 8" not in macros and "var('local_utc_offset_hours')" in macros
