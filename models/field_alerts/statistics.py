"""Observed against expected failures per cell and day, with Poisson p-values and BH q-values.

For every day d and component c, over the window of the last `window_days` days:

* observed O = failures first reported in the window, per batch cell (model x build batch)
  and per model cell (all batches of a model);
* expected E = exposure (vehicle-days in the window) x the peers' rate: failures per
  vehicle-day of the same component, in the same window, on the vehicles of the OTHER
  models of the same age band (years since build). The same window takes out the calendar
  (weekends, holidays, the Spring Festival) and the reporting rate; other models keep a
  cell's own defect out of its baseline; age bands keep old trucks from looking defective;
* p = P(Poisson(E) >= O), one-sided, the peers' rate taken as known (`test="poisson"`,
  the default); or the exact comparison of the two rates, which also allows for the noise
  in the peers' rate (`test="binomial"`: more conservative when peers are few; slower to
  alert on the demo, see docs/field_quality.md); q = Benjamini-Hochberg across every cell of the day
  within its level (all models x components; all batches x components), so the expected
  share of false discoveries among a day's signals is bounded at each level. A family per
  level keeps the few model cells from drowning among thousands of mostly empty batch cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from models.field_alerts.inputs import FieldData

AGE_BANDS = 4  # 0, 1, 2, 3+ years since build
# a (model, band) peer group thinner than this many vehicle-days borrows all bands' rate
MIN_PEER_VEHICLE_DAYS = 2_000.0


@dataclass
class CellStatistics:
    """[day, cell, component] arrays for one level; cells are batches or models."""

    level: str
    cells: list[tuple[str, str | None]]  # (model_code, build_batch or None)
    observed: np.ndarray
    expected: np.ndarray
    exposure: np.ndarray  # [day, cell] vehicle-days in the window
    p_value: np.ndarray
    q_value: np.ndarray = None  # filled by benjamini_hochberg


def rolling(values: np.ndarray, window: int) -> np.ndarray:
    """Sum of the last `window` entries along the last axis (fewer at the start)."""
    total = np.cumsum(values, axis=-1)
    shifted = np.zeros_like(total)
    shifted[..., window:] = total[..., :-window]
    return total - shifted


def age_bands(data: FieldData) -> np.ndarray:
    """[batch, day] years since the batch's build month, capped at AGE_BANDS - 1."""
    built = data.batches["build_month"].to_numpy().astype("datetime64[D]")
    days = data.days.to_numpy().astype("datetime64[D]")
    years = (days[None, :] - built[:, None]).astype(np.int64) // 365
    return np.clip(years, 0, AGE_BANDS - 1)


def poisson_upper(observed: np.ndarray, expected: np.ndarray, _peer_observed: np.ndarray | None = None) -> np.ndarray:
    """P(Poisson(E) >= O), one-sided: the peers' rate taken as known. 1 where nothing was observed or expected."""
    p = np.ones_like(expected)
    live = (observed > 0) & (expected > 0)
    p[live] = stats.poisson.sf(observed[live] - 1, expected[live])
    return p


def upper_tail(observed: np.ndarray, expected: np.ndarray, peer_observed: np.ndarray) -> np.ndarray:
    """P(a count this high | the cell fails at its peers' rate), one-sided.

    The exact comparison of two Poisson rates: given n = O + the peers' failures behind E,
    O is Binomial(n, E / (E + peers' failures)) when the cell is no worse than its peers.
    It allows for the noise in the peers' rate (a Poisson test against E would not), and
    tends to the Poisson test as the peers grow. 1 where nothing was observed or expected.
    """
    p = np.ones_like(expected)
    live = (observed > 0) & (expected > 0)
    share = expected[live] / (expected[live] + peer_observed[live])
    p[live] = stats.binom.sf(observed[live] - 1, observed[live] + peer_observed[live], share)
    return p


TESTS = {"poisson": poisson_upper, "binomial": upper_tail}


def cell_statistics(data: FieldData, window: int, test: str = "poisson") -> tuple[CellStatistics, CellStatistics]:
    tail = TESTS[test]
    observed_b = np.moveaxis(rolling(data.failures, window), -1, 0)  # [day, batch, component]
    exposure_b = rolling(data.exposure, window).T  # [day, batch]
    band = age_bands(data).T  # [day, batch]
    models, model_of = np.unique(data.model_codes(), return_inverse=True)
    group = model_of[None, :] * AGE_BANDS + band  # [day, batch] -> (model, band)
    n_groups = len(models) * AGE_BANDS
    n_days, n_batches, n_comp = observed_b.shape
    expected_b = np.zeros_like(observed_b)
    peers_b = np.zeros_like(observed_b)  # the peers' failures behind each expected count
    peers_m = np.zeros((n_days, len(models), n_comp))
    for d in range(n_days):
        one_hot = np.zeros((n_batches, n_groups))
        one_hot[np.arange(n_batches), group[d]] = 1.0
        o_group = (one_hot.T @ observed_b[d]).reshape(len(models), AGE_BANDS, n_comp)
        x_group = (one_hot.T @ exposure_b[d]).reshape(len(models), AGE_BANDS)
        o_peer = o_group.sum(axis=0, keepdims=True) - o_group  # other models, same band
        x_peer = x_group.sum(axis=0, keepdims=True) - x_group
        o_all = np.broadcast_to(o_peer.sum(axis=1, keepdims=True), o_peer.shape)
        x_all = x_peer.sum(axis=1, keepdims=True)
        thin = x_peer < MIN_PEER_VEHICLE_DAYS
        o_used = np.where(thin[..., None], o_all, o_peer)
        rate = o_used / np.where(thin, x_all, np.maximum(x_peer, 1.0))[..., None]
        expected_b[d] = rate.reshape(n_groups, n_comp)[group[d]] * exposure_b[d][:, None]
        peers_b[d] = o_used.reshape(n_groups, n_comp)[group[d]]
        present = x_group > 0
        peers_m[d] = (np.where((present & ~thin)[..., None], o_peer, 0).sum(axis=1)
                      + np.where((present & thin).any(axis=1)[:, None], o_all[:, 0], 0))
    batch_cells = list(zip(data.batches["model_code"], data.batches["build_batch"], strict=True))
    by_model = np.zeros((n_batches, len(models)))
    by_model[np.arange(n_batches), model_of] = 1.0
    observed_m = np.einsum("dbc,bm->dmc", observed_b, by_model)
    expected_m = np.einsum("dbc,bm->dmc", expected_b, by_model)
    exposure_m = exposure_b @ by_model
    batch = CellStatistics("batch", batch_cells, observed_b, expected_b, exposure_b,
                           tail(observed_b, expected_b, peers_b))
    model = CellStatistics("model", [(m, None) for m in models], observed_m, expected_m, exposure_m,
                           tail(observed_m, expected_m, peers_m))
    benjamini_hochberg(batch)
    benjamini_hochberg(model)
    return batch, model


def benjamini_hochberg(level: CellStatistics) -> None:
    """q-values per day across the level's cells with any exposure (step-up, monotone)."""
    level.q_value = np.ones_like(level.p_value)
    for d in range(level.p_value.shape[0]):
        tested = level.expected[d] > 0
        if tested.any():
            level.q_value[d][tested] = stats.false_discovery_control(level.p_value[d][tested], method="bh")
