"""BG/NBD and Gamma-Gamma reproduce the published CDNOW results (Fader, Hardie and Lee 2005).

The CDNOW sample (2,357 customers, weeks 1-39) is read as a data file of the `lifetimes`
package (a dev dependency, never imported: it is the fixture, not the implementation).
"""

from __future__ import annotations

import importlib.metadata

import numpy as np
import pandas as pd
import pytest

from models.value import bgnbd, gamma_gamma


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    files = importlib.metadata.files("lifetimes") or []
    path = next(f for f in files if f.name == "cdnow_customers_summary_with_transactions.csv")
    return pd.read_csv(path.locate())


def within_one_percent(got: float, published: float) -> bool:
    return abs(got - published) <= 0.01 * abs(published)


def test_bgnbd_reproduces_published_parameters(cdnow):
    assert len(cdnow) == 2357
    model = bgnbd.fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    for got, published in ((model.r, 0.243), (model.alpha, 4.414), (model.a, 0.793), (model.b, 2.426),
                           (model.log_likelihood, -9582.4)):
        assert within_one_percent(got, published), (got, published)


def test_bgnbd_conditional_expectation_matches_the_paper(cdnow):
    model = bgnbd.fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    # the paper's worked example: x=2, t_x=30.43, T=38.86 expects 1.226 purchases in 39 weeks
    assert model.expected_purchases(39, [2], [30.43], [38.86])[0] == pytest.approx(1.226, rel=0.01)
    # a customer with no repeat purchase is alive with probability one by the model's definition
    assert model.probability_alive([0], [0], [38.86])[0] == 1.0
    assert 0 < model.probability_alive([5], [10.0], [38.86])[0] < model.probability_alive([5], [38.0], [38.86])[0]


def test_gamma_gamma_reproduces_published_parameters(cdnow):
    repeat = cdnow[cdnow["x"] > 0]
    assert len(repeat) == 946
    model = gamma_gamma.fit(repeat["x"], repeat["zbar"])
    for got, published in ((model.p, 6.25), (model.q, 3.74), (model.gamma, 15.44)):
        assert within_one_percent(got, published), (got, published)
    spend = model.expected_spend(np.array([0, 1, 10]), np.array([0.0, 30.0, 30.0]))
    assert spend[0] == pytest.approx(model.population_mean_spend)
    # a customer spending 30 is shrunk towards the population mean (35.2), less so the more they bought
    assert spend[0] > spend[1] > spend[2] > 30.0


def test_fits_refuse_impossible_input():
    with pytest.raises(ValueError, match="t_x <= T"):
        bgnbd.fit([1], [5.0], [2.0])
    with pytest.raises(ValueError, match="repeat purchase"):
        gamma_gamma.fit([0], [0.0])
