"""Settings, PII-safe logging and the CLI's plugin loading."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from hub.calendar import holiday_name, is_holiday
from hub.log import PiiFilter, scrub
from hub.settings import Settings
from tests.conftest import run_hub


def test_settings_derive_every_store_from_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.warehouse_path == tmp_path / "warehouse.duckdb"
    assert settings.serving_url == f"sqlite:///{tmp_path / 'serving.db'}"
    assert settings.ops_url == f"sqlite:///{tmp_path / 'ops.db'}"
    assert settings.truth_dir == tmp_path / "truth"


def test_production_refuses_the_public_development_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="HUB_ID_HASH_KEY"):
        Settings(data_dir=tmp_path, env="production")
    assert Settings(data_dir=tmp_path, env="production", id_hash_key="s3cret").env == "production"


def test_scrub_masks_phones_ids_and_emails() -> None:
    text = scrub("caller +86 138 0013 8000 id 11010519491231002X mail zhang.san@qq.com queue 7 took 180 s")
    assert "138" not in text and "11010519491231002X" not in text and "qq.com" not in text
    assert "queue 7 took 180 s" in text


def test_log_records_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.pii")
    logger.addFilter(PiiFilter())
    with caplog.at_level(logging.INFO, logger="test.pii"):
        logger.info("lookup for %s failed", "13800138000")
    assert "13800138000" not in caplog.text and "<phone>" in caplog.text


def test_holidays() -> None:
    from datetime import date

    assert holiday_name(date(2026, 2, 17)) == "spring_festival"
    assert is_holiday(date(2026, 10, 1)) and not is_holiday(date(2026, 3, 10))


def test_cli_lists_plugin_commands_and_info(data_dir: Path) -> None:
    help_text = run_hub("--help", data_dir=data_dir).stdout
    for command in ("simulate", "ingest", "build", "identity", "info"):
        assert command in help_text
    assert str(data_dir) in run_hub("info", data_dir=data_dir).stdout
