"""BG/NBD (Fader, Hardie and Lee 2005): how many purchases a customer makes while "alive".

Each customer buys at a Poisson rate λ ~ Gamma(r, α) and, after each purchase, drops out
with probability p ~ Beta(a, b). Fitted by maximum likelihood on (x, t_x, T) per
customer: x repeat purchases, t_x the time of the last one and T the time observed, both
measured from the customer's birth. Parameters are optimised on their logarithms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

LOG_BOUNDS = (-9.0, 9.0)  # parameters between 1.2e-4 and 8,100 in the fitting units
from scipy.special import betaln, gammaln, hyp2f1


@dataclass(frozen=True)
class BgNbd:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float

    def expected_purchases(self, t: float, x, t_x, T) -> np.ndarray:
        """E[purchases in (T, T + t] | x, t_x, T] for each customer."""
        return conditional_expected_purchases((self.r, self.alpha, self.a, self.b), t, x, t_x, T)

    def probability_alive(self, x, t_x, T) -> np.ndarray:
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        ratio = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + t_x)))
        return np.where(x > 0, 1.0 / (1.0 + a / (b + x - 1) * ratio), 1.0)


def log_likelihood(params, x, t_x, T) -> np.ndarray:
    """Each customer's log-likelihood under params (r, alpha, a, b)."""
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    a4 = np.where(
        repeat,
        np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    return a1 + a2 + np.logaddexp(a3, a4)


def fit(x, t_x, T, start=(1.0, 1.0, 1.0, 1.0)) -> BgNbd:
    """Maximum-likelihood BG/NBD on arrays of repeat purchases, recency and age."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    if len(x) == 0:
        raise ValueError("BG/NBD needs at least one customer")
    if np.any(t_x > T + 1e-6 * np.maximum(T, 1)) or np.any(x < 0):
        raise ValueError("BG/NBD input: every customer needs 0 <= x and t_x <= T")
    scale = max(float(T.max()), 1.0)  # fit in units of the longest history, then rescale alpha

    def negative(log_params):
        params = np.exp(log_params)
        return -log_likelihood(params, x, t_x / scale, T / scale).sum()

    # bounded: a parameter running off to infinity (e.g. b when nobody drops out) stays finite
    result = minimize(negative, np.log(start), method="L-BFGS-B", bounds=[LOG_BOUNDS] * 4)
    r, alpha, a, b = np.exp(result.x)
    alpha *= scale
    total = float(log_likelihood((r, alpha, a, b), x, t_x, T).sum())
    return BgNbd(float(r), float(alpha), float(a), float(b), total)


def conditional_expected_purchases(params, t: float, x, t_x, T) -> np.ndarray:
    r, alpha, a, b = params
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    z = t / (alpha + T + t)
    head = (a + b + x - 1) / (a - 1)
    tail = 1 - np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t))) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    ratio = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + t_x)))
    alive_odds = np.where(x > 0, a / np.where(x > 0, b + x - 1, 1.0) * ratio, 0.0)
    return head * tail / (1 + alive_odds)
