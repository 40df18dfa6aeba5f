"""The early-warning method on small hand-made worlds: exact statistics, lifecycle, detection."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from models.field_alerts.detection import DetectionConfig, _episodes, detect, severity
from models.field_alerts.inputs import FieldData
from models.field_alerts.statistics import cell_statistics, poisson_upper, rolling, upper_tail

START = date(2026, 1, 1)


def world(days: int, failures: dict[tuple[int, int], list[int]] | None = None, vehicles: int = 1000,
          models: tuple[str, ...] = tuple("ABCDEFGH"), seed: int | None = None, base_rate: float = 0.0005,
          defect: tuple[int, int, int, float] | None = None) -> FieldData:
    """Two batches per model, `vehicles` each, in service all along, two components.

    failures: exact daily counts {(batch, component): [count per day]}; or, with seed,
    Poisson failures at base_rate per vehicle-day, times multiplier for defect=(batch,
    component, onset day, multiplier).
    """
    batches = pd.DataFrame([(m, f"{m}-250{k}", pd.Timestamp(2025, k, 1)) for m in models for k in (1, 2)],
                           columns=["model_code", "build_batch", "build_month"])
    counts = np.zeros((len(batches), 2, days))
    if seed is not None:
        rng = np.random.default_rng(seed)
        lam = np.full(counts.shape, vehicles * base_rate)
        if defect:
            b, c, onset, multiplier = defect
            lam[b, c, onset:] *= multiplier
        counts = rng.poisson(lam).astype(float)
    for (b, c), series in (failures or {}).items():
        counts[b, c, : len(series)] = series
    exposure = np.full((len(batches), days), float(vehicles))
    end = (pd.Timestamp(START) + pd.Timedelta(days=days - 1)).date()
    return FieldData(START, end, ["brakes", "engine"], batches, exposure, counts, pd.DataFrame())


def test_rolling_sums_the_last_days():
    assert rolling(np.array([1.0, 2, 3, 4, 5]), 3).tolist() == [1, 3, 6, 9, 12]


def test_upper_tail_is_the_conditional_binomial_test():
    p = upper_tail(np.array([0.0, 3.0, 5.0, 3.0]), np.array([1.0, 1.0, 0.0, 1.0]), np.array([9.0, 9.0, 9.0, 1e7]))
    assert p[0] == 1.0 and p[2] == 1.0
    # 3 of 12 failures where 1 in 10 was expected
    assert p[1] == pytest.approx(1 - stats.binom.cdf(2, 12, 0.1))
    # with countless peers it is the Poisson test against E
    assert p[3] == pytest.approx(poisson_upper(np.array([3.0]), np.array([1.0]))[0], rel=1e-4)
    assert poisson_upper(np.array([3.0]), np.array([1.0]))[0] == pytest.approx(1 - stats.poisson.cdf(2, 1.0))


def test_expected_comes_from_other_models_in_the_same_window():
    # every batch of B and C fails once a day on brakes; A's first batch fails 5 times a day
    daily = {(b, 0): [1] * 10 for b in range(2, 6)} | {(0, 0): [5] * 10, (1, 0): [1] * 10}
    batch, model = cell_statistics(world(10, daily, models=("A", "B", "C")), window=7)
    # A's peers (B, C) in the window: 4 batches x 7 failures over 4 x 7000 vehicle-days
    assert batch.expected[9, 0, 0] == pytest.approx(7.0)
    assert batch.observed[9, 0, 0] == 35
    assert model.observed[9, 0, 0] == 42 and model.expected[9, 0, 0] == pytest.approx(14.0)
    assert batch.q_value[9, 0, 0] < 1e-6 and batch.q_value[9, 2, 0] > 0.5


def test_episodes_open_and_close_on_the_persistence_rule():
    signal = np.zeros(60, bool)
    signal[[5, 6, 30]] = True
    elevated = np.zeros(60, bool)
    elevated[:25] = True  # the longer window stays high until day 25
    # the gap after day 6 reaches 14 days on day 20, but the rate is still elevated: closes on day 25
    assert list(_episodes(signal, elevated, 14)) == [(5, 25, 6), (30, 44, 30)]
    assert list(_episodes(signal[:40], np.ones(40, bool), 14)) == [(5, None, 30)]


def test_severity_grows_with_ratio_and_count():
    assert severity(3, 10) == "low"
    assert severity(5, 3.2) == "medium"
    assert severity(8, 5) == "high"


def test_an_injected_defect_is_found_within_a_week():
    data = world(120, seed=7, defect=(1, 0, 60, 8.0))
    found = detect(data, DetectionConfig())
    alerts = found.alerts
    defect_cells = (alerts["model_code"] == "A") & (alerts["component"] == "brakes") & (
        alerts["build_batch"].isna() | (alerts["build_batch"] == "A-2502"))
    assert (~defect_cells).sum() <= 4, alerts[~defect_cells]  # at most one false alarm a month
    first = pd.to_datetime(alerts.loc[defect_cells, "opened_date"]).min()
    assert 0 <= (first - pd.Timestamp(START) - pd.Timedelta(days=60)).days <= 7
    # still failing at the end: open, and its evidence series covers the lead-in
    assert set(alerts.loc[defect_cells, "alert_state"]) <= {"growing", "stable"}
    days = found.alert_days[found.alert_days["alert_id"] == alerts.loc[defect_cells, "alert_id"].iloc[0]]
    assert days["is_signal"].any() and days["baseline_per_1000_vehicle_days"].notna().all()


@pytest.mark.parametrize("test", ["poisson", "binomial"])
def test_a_quiet_year_raises_at_most_one_false_alarm_a_month(test):
    # 48 cells tested every day for a year: BH bounds false discoveries per day, the
    # lifecycle turns the rare ones into a handful of alerts
    alerts = detect(world(365, seed=11), DetectionConfig(test=test)).alerts
    assert len(alerts) <= 12, alerts[["alert_id", "observed", "expected"]]


def test_the_binomial_test_allows_for_few_peers():
    # three models: the peers' rate rests on few failures, and chance makes one model look bad
    small = world(120, seed=3, models=("A", "B", "C"))
    assert len(detect(small, DetectionConfig(test="binomial")).alerts) < len(
        detect(small, DetectionConfig(test="poisson")).alerts)
