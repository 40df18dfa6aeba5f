"""Gamma-Gamma spend model (Fader, Hardie and Lee 2005, "RFM and CLV").

A customer's spend per transaction is Gamma(p, ν) around their own mean, and ν varies
across customers as Gamma(q, γ). Fitted by maximum likelihood on customers with at least
one repeat transaction: x transactions and their mean spend m. Independent of BG/NBD.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

LOG_BOUNDS = (-9.0, 9.0)  # parameters between 1.2e-4 and 8,100 in the fitting units
from scipy.special import gammaln


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    gamma: float
    log_likelihood: float

    @property
    def population_mean_spend(self) -> float:
        return self.p * self.gamma / (self.q - 1) if self.q > 1 else float("nan")

    def expected_spend(self, x, m) -> np.ndarray:
        """E[spend per transaction | x, m]; the population mean for customers with x = 0."""
        x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
        m = np.where(x > 0, m, 0.0)
        return self.p * (self.gamma + x * m) / (self.p * x + self.q - 1)


def log_likelihood(params, x, m) -> np.ndarray:
    p, q, gamma = params
    px = p * x
    return (
        gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma)
        + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(gamma + m * x)
    )


def fit(x, m, start=(1.0, 1.0, 1.0)) -> GammaGamma:
    """Maximum-likelihood Gamma-Gamma on customers with x >= 1 and mean spend m > 0."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    keep = (x > 0) & (m > 0)
    if not keep.any():
        raise ValueError("Gamma-Gamma needs at least one customer with a repeat purchase and spend > 0")
    x, m = x[keep], m[keep]
    scale = float(np.mean(m))  # fit gamma in units of the mean spend

    def negative(log_params):
        p, q, gamma = np.exp(log_params)
        return -log_likelihood((p, q, gamma), x, m / scale).sum()

    # bounded: a parameter running off to infinity (e.g. b when nobody drops out) stays finite
    result = minimize(negative, np.log(start), method="L-BFGS-B", bounds=[LOG_BOUNDS] * 3)
    p, q, gamma = np.exp(result.x)
    gamma *= scale
    return GammaGamma(float(p), float(q), float(gamma), float(log_likelihood((p, q, gamma), x, m).sum()))
