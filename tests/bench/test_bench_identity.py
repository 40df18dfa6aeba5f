"""bench/identity.py at its smallest: the hub's matcher and plain Splink on the same generated
CRM records, each with seconds, peak memory and scores, and the ratio (speed is not asserted)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.bench.test_bench_smoke import NUMBER, bench


@pytest.mark.slow
def test_identity_bench_prints_both_phases_and_the_ratio(tmp_path: Path) -> None:
    out = bench("identity.py", "--records", "400", "--work", str(tmp_path / "work"))
    assert re.search(rf"records: 400 of {NUMBER} persons", out), out
    for phase in ("splink", "hub"):
        assert re.search(rf"^{phase}: {NUMBER} s \(cpu {NUMBER} s\), peak {NUMBER} MiB, pairs accepted {NUMBER}, "
                         rf"precision {NUMBER}, recall {NUMBER}$", out, re.M), out
    assert re.search(rf"ratio hub/splink: seconds {NUMBER}, cpu {NUMBER}, peak memory {NUMBER}", out), out
