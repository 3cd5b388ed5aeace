"""Funnel-plot limits against values worked by hand from the exact binomial formula.

For R ~ Binomial(n, p0) and probability P: r = smallest r with F(r) >= P,
alpha = (F(r) - P) / (F(r) - F(r - 1)), limit = (r - alpha) / n, clamped to [0, 1].
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from pmo_data import funnel


def test_n_1_by_hand() -> None:
    # p0 = 0.2: F(0) = 0.8, F(1) = 1
    lim = funnel.limits(1, 0.2)
    assert lim.upper95 == pytest.approx(1 - 0.025 / 0.2)  # r = 1, alpha 0.125 -> 0.875
    assert lim.upper998 == pytest.approx(1 - 0.001 / 0.2)  # alpha 0.005 -> 0.995
    # r = 0 for both lower limits: (0 - alpha) / 1 < 0, clamped to 0
    assert lim.lower95 == 0.0 and lim.lower998 == 0.0


def test_n_5_by_hand() -> None:
    # p0 = 0.2: pmf 0.32768, 0.4096, 0.2048, 0.0512, 0.0064, 0.00032
    # F = 0.32768, 0.73728, 0.94208, 0.99328, 0.99968, 1
    lim = funnel.limits(5, 0.2)
    # 97.5%: r = 3, alpha = (0.99328 - 0.975) / 0.0512 = 0.35703125; (3 - alpha) / 5
    assert lim.upper95 == pytest.approx(0.52859375, abs=1e-12)
    # 99.9%: r = 4, alpha = (0.99968 - 0.999) / 0.0064 = 0.10625; (4 - alpha) / 5
    assert lim.upper998 == pytest.approx(0.77875, abs=1e-12)
    assert lim.lower95 == 0.0 and lim.lower998 == 0.0  # r = 0 again
    # p0 = 0.5: F = 1/32, 6/32, 16/32, 26/32, 31/32, 1
    half = funnel.limits(5, 0.5)
    assert half.upper95 == pytest.approx((5 - 0.025 / (1 / 32)) / 5, abs=1e-12)  # 0.84
    assert half.upper998 == pytest.approx((5 - 0.001 / (1 / 32)) / 5, abs=1e-12)  # 0.9936


def test_n_20_lower_limits_by_hand() -> None:
    # p0 = 0.5, n = 20: F(5) = 21700 / 2^20 = 0.0206947, F(6) = 60460 / 2^20 = 0.0576591
    f5, f6 = 21700 / 2**20, 60460 / 2**20
    lim = funnel.limits(20, 0.5)
    assert lim.lower95 == pytest.approx((6 - (f6 - 0.025) / (f6 - f5)) / 20, abs=1e-12)
    # F(3) = 1351 / 2^20 = 0.0012884, F(2) = 211 / 2^20 = 0.0002012: r = 3 for P = 0.001
    f2, f3 = 211 / 2**20, 1351 / 2**20
    assert lim.lower998 == pytest.approx((3 - (f3 - 0.001) / (f3 - f2)) / 20, abs=1e-12)


def _exact_limit(prob: Fraction, n: int, p: Fraction) -> float:
    """The same formula in exact rational arithmetic: F(r) = sum C(n,k) a^k b^(n-k) / d^n
    for p = a / d, b = d - a (an independent check of the floating-point window sums)."""
    a, d = p.numerator, p.denominator
    b = d - a
    term, total = b**n, 0  # C(n, 0) a^0 b^n
    previous = Fraction(0)
    for k in range(n + 1):
        total += term
        cdf = Fraction(total, d**n)
        if cdf >= prob:
            alpha = (cdf - prob) / (cdf - previous)
            return float(max(Fraction(0), min(Fraction(1), (k - alpha) / n)))
        previous = cdf
        term = term * (n - k) * a // ((k + 1) * b)
    raise AssertionError("unreachable")


@pytest.mark.parametrize("prob", [Fraction(1, 1000), Fraction(1, 40), Fraction(39, 40),
                                  Fraction(999, 1000)])
def test_n_10000_against_exact_rational_arithmetic(prob: Fraction) -> None:
    p0 = Fraction(1, 10)
    got = funnel.limit(float(prob), 10_000, 0.1)
    # within 1e-10: the float sums agree with the exact fractions to about 1e-11
    assert got == pytest.approx(_exact_limit(prob, 10_000, p0), abs=1e-10)
    # and near the normal approximation p0 +- z sqrt(p0 (1 - p0) / n), sd = 0.003
    z = {Fraction(1, 1000): -3.090, Fraction(1, 40): -1.960, Fraction(39, 40): 1.960,
         Fraction(999, 1000): 3.090}[prob]
    assert got == pytest.approx(0.1 + z * 0.003, abs=2e-4)


def test_n_10000_values() -> None:
    lim = funnel.limits(10_000, 0.1)
    assert (round(lim.lower998, 6), round(lim.lower95, 6), round(lim.upper95, 6),
            round(lim.upper998, 6)) == (0.090795, 0.094108, 0.105868, 0.109334)


def test_edges_and_positions() -> None:
    assert funnel.limits(50, 0.0) == funnel.Limits(50, 0.0, 0.0, 0.0, 0.0)
    assert funnel.limits(50, 1.0).upper998 == 1.0
    with pytest.raises(ValueError):
        funnel.limit(0.975, 0, 0.5)
    assert funnel.position(50, 100, 0.5) == "within"
    assert funnel.position(62, 100, 0.5) == "above 95%"  # upper95 0.598, upper998 0.654
    assert funnel.position(70, 100, 0.5) == "above 99.8%"
    assert funnel.position(30, 100, 0.5) == "below 99.8%"
    curve = funnel.curve(0.3, 5000)
    assert curve[0].n == 1 and curve[-1].n == 5000
    widths = [c.upper998 - c.lower998 for c in curve if c.n >= 30]
    assert widths == sorted(widths, reverse=True)  # the funnel narrows


def test_agrees_with_scipy_when_installed() -> None:
    stats = pytest.importorskip("scipy.stats")
    for n in (1, 5, 17, 250, 10_000):
        for p0 in (0.03, 0.2, 0.5, 0.87):
            for prob in (0.001, 0.025, 0.975, 0.999):
                r = int(stats.binom.ppf(prob, n, p0))
                f_r, f_b = stats.binom.cdf(r, n, p0), stats.binom.cdf(r - 1, n, p0)
                want = min(1.0, max(0.0, (r - (f_r - prob) / (f_r - f_b)) / n))
                assert funnel.limit(prob, n, p0) == pytest.approx(want, abs=1e-9)
