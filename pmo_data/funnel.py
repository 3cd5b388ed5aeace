"""Funnel-plot control limits for proportions: exact binomial limits with interpolation.

Why this module exists: comparing trusts' rates (highlight-report compliance, DNA rate,
milestones on time) by rank alone flags small trusts by chance. A funnel plot draws each
trust's rate against its denominator, with control limits around the network mean that
narrow as the denominator grows; a trust outside the 99.8% limits is unlikely to differ by
chance alone. The method is the standard one of the public-health funnel-plot guidance
(APHO / PHE technical guide; Spiegelhalter, "Funnel plots for comparing institutional
performance", Statistics in Medicine 2005, appendix A.1.1), done here exactly, without
scipy:

* R ~ Binomial(n, p0), with p0 the network mean proportion (sum of numerators / sum of
  denominators of the trusts plotted) and n the denominator.
* For a probability P (0.025 and 0.975 for the 95% limits, 0.001 and 0.999 for 99.8%),
  r_P is the smallest integer r with F(r) = Pr(R <= r) >= P.
* Interpolation: alpha = (F(r_P) - P) / (F(r_P) - F(r_P - 1)), and the limit is
  (r_P - alpha) / n, a proportion, clamped to [0, 1] (at small n the lower limit is 0).

The binomial probabilities are computed from log-gamma (``math.lgamma``) over the window of
outcomes that carries all but a negligible part (under 1e-15) of the probability, so n of a
million costs a few thousand terms. ``p0`` of 0 or 1 gives limits of 0 or 1 at every n.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

#: (lower, upper) probabilities of the two limit levels.
LEVELS: dict[str, tuple[float, float]] = {"95%": (0.025, 0.975), "99.8%": (0.001, 0.999)}
_WINDOW_SD = 9.0  # sds either side of the mean: beyond it each tail is under 1e-18


def _log_pmf(k: int, n: int, log_p: float, log_q: float, log_n_fact: float) -> float:
    return (log_n_fact - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * log_p
            + (n - k) * log_q)


@lru_cache(maxsize=4096)
def _cdf_table(n: int, p0: float) -> tuple[int, tuple[float, ...]]:
    """(lo, cumulative probabilities F(lo), F(lo + 1), ...): the binomial CDF over the window
    [lo, hi] around the mean; F(r) is 0 below lo (to within 1e-15) and 1 above hi."""
    mean, sd = n * p0, math.sqrt(n * p0 * (1 - p0))
    lo = max(0, math.floor(mean - _WINDOW_SD * sd - 10))
    hi = min(n, math.ceil(mean + _WINDOW_SD * sd + 10))
    log_p, log_q, log_n_fact = math.log(p0), math.log1p(-p0), math.lgamma(n + 1)
    total, out = 0.0, []
    for k in range(lo, hi + 1):
        total += math.exp(_log_pmf(k, n, log_p, log_q, log_n_fact))
        out.append(total)
    return lo, tuple(out)


def binomial_cdf(r: int, n: int, p0: float) -> float:
    """Pr(R <= r) for R ~ Binomial(n, p0); 0 for r < 0, 1 for r >= n."""
    if r < 0:
        return 0.0
    if r >= n:
        return 1.0
    if p0 <= 0.0:
        return 1.0
    if p0 >= 1.0:
        return 0.0
    lo, table = _cdf_table(n, p0)
    if r < lo:
        return 0.0
    if r - lo >= len(table):
        return 1.0
    return min(1.0, table[r - lo])


def binomial_quantile(prob: float, n: int, p0: float) -> int:
    """The smallest r in 0..n with Pr(R <= r) >= prob (0 < prob < 1)."""
    if p0 <= 0.0:
        return 0
    if p0 >= 1.0:
        return n
    lo, table = _cdf_table(n, p0)
    # binary search over the window's cumulative probabilities
    a, b = 0, len(table) - 1
    if table[b] < prob:
        return min(n, lo + len(table))
    while a < b:
        mid = (a + b) // 2
        if table[mid] >= prob:
            b = mid
        else:
            a = mid + 1
    return lo + a


def limit(prob: float, n: int, p0: float) -> float:
    """The interpolated control limit (a proportion in [0, 1]) at probability ``prob`` for
    denominator ``n`` around ``p0`` (module docstring). ValueError for n < 1 or p0 outside
    [0, 1]."""
    if n < 1:
        raise ValueError(f"denominator must be at least 1 ({n})")
    if not 0.0 <= p0 <= 1.0:
        raise ValueError(f"proportion must be between 0 and 1 ({p0})")
    if p0 in (0.0, 1.0):
        return p0
    r = binomial_quantile(prob, n, p0)
    f_r, f_before = binomial_cdf(r, n, p0), binomial_cdf(r - 1, n, p0)
    alpha = (f_r - prob) / (f_r - f_before)
    return min(1.0, max(0.0, (r - alpha) / n))


@dataclass(frozen=True)
class Limits:
    """The four control limits (proportions) at one denominator."""

    n: int
    lower95: float
    upper95: float
    lower998: float
    upper998: float


def limits(n: int, p0: float) -> Limits:
    """95% and 99.8% limits at denominator ``n`` around ``p0``."""
    return Limits(n, limit(0.025, n, p0), limit(0.975, n, p0), limit(0.001, n, p0),
                  limit(0.999, n, p0))


def curve(p0: float, n_max: int, points: int = 80) -> tuple[Limits, ...]:
    """Limits at about ``points`` denominators from 1 to ``n_max`` (every integer up to 20,
    then spaced evenly on a log scale), for drawing the funnel."""
    n_max = max(1, int(n_max))
    ns = set(range(1, min(n_max, 20) + 1))
    if n_max > 20:
        step = (math.log(n_max) - math.log(20)) / max(1, points - 20)
        ns |= {round(math.exp(math.log(20) + i * step)) for i in range(points - 19)}
        ns.add(n_max)
    return tuple(limits(n, p0) for n in sorted(ns))


def position(numerator: float, denominator: float, p0: float) -> str:
    """Where an observed proportion falls: "above 99.8%", "above 95%", "within",
    "below 95%" or "below 99.8%" (strictly outside a limit counts as outside)."""
    n = int(denominator)
    y = numerator / denominator
    lim = limits(n, p0)
    if y > lim.upper998:
        return "above 99.8%"
    if y < lim.lower998:
        return "below 99.8%"
    if y > lim.upper95:
        return "above 95%"
    if y < lim.lower95:
        return "below 95%"
    return "within"
