"""theory.mitigation.weighted: He, Xu & Cheng's weighted fresh data, exactly; the golden-ratio weight."""

from fractions import Fraction

import math

import numpy as np
import pytest
import sympy as sp
from scipy import optimize

from theory import mitigation as tm


def oracle(T, n, m, w, sigma2=Fraction(1)):
    """(D_t, V_t) for t = 0..T by iterating the one-step recursions with Fractions."""
    u = (1 - w) ** 2
    D, V = sigma2 / n, 2 * sigma2 ** 2 / (n - 1)
    out = [(D, V)]
    for _ in range(T):
        D = u * D + sigma2 * (u / m + w * w / n)
        V = u * Fraction(m + 1, m - 1) * V + 2 * sigma2 ** 2 * (u / (m - 1) + w * w / (n - 1))
        out.append((D, V))
    return out


@pytest.mark.parametrize("n, m, w", [(3, 2, Fraction(1, 3)), (10, 4, Fraction(3, 4)), (5, 5, Fraction(0)),
                                     (2, 7, Fraction(1))])
def test_closed_forms_equal_the_recursion(n, m, w):
    ref = oracle(9, n, m, w, Fraction(3, 2))
    for t in (0, 1, 4, 9):
        got = tm.weighted_fresh_data_moments(t, n, m, w, sigma2=Fraction(3, 2), exact=True)
        assert tuple(got) == tuple(sp.Rational(x.numerator, x.denominator) for x in ref[t])
        flt = tm.weighted_fresh_data_moments(t, n, m, float(w), sigma2=1.5)
        np.testing.assert_allclose(flt, [float(x) for x in ref[t]], rtol=1e-13)


def test_symbolic_t_gives_the_closed_forms():
    t = sp.Symbol("t", integer=True, nonnegative=True)
    sym = tm.weighted_fresh_data_moments(t, 4, 6, sp.Rational(1, 2))
    for tt in (0, 3, 11):
        ex = tm.weighted_fresh_data_moments(tt, 4, 6, sp.Rational(1, 2), exact=True)
        assert sp.simplify(sym.mean_error.subs(t, tt) - ex.mean_error) == 0
        assert sp.simplify(sym.variance_error.subs(t, tt) - ex.variance_error) == 0


def test_stationary_values_and_where_none_exists():
    stat = tm.weighted_fresh_data_moments(None, 5, 20, 0.9)
    far = tm.weighted_fresh_data_moments(10 ** 7, 5, 20, 0.9)
    np.testing.assert_allclose(far, stat, rtol=1e-12)
    # w = 0: the mean error is a random walk sigma^2/n + t sigma^2/m, no stationary value
    assert tm.weighted_fresh_data_moments(10 ** 6, 4, 8, 0).mean_error == pytest.approx(0.25 + 10 ** 6 / 8)
    assert tm.weighted_fresh_data_moments(None, 4, 8, 0).mean_error == math.inf
    assert tm.weighted_fresh_data_moments(None, 4, 8, 0, exact=True).mean_error == sp.oo
    # the variance error: finite iff w > w_c(m)
    for m in (2, 5, 100):
        wc = tm.weighted_variance_error_threshold(m)
        assert math.isinf(tm.weighted_fresh_data_moments(None, 4, m, wc * (1 - 1e-9)).variance_error)
        assert math.isfinite(tm.weighted_fresh_data_moments(None, 4, m, wc * (1 + 1e-9)).variance_error)
    # at w_c the error grows linearly (rho = 1): equal increments
    wc = tm.weighted_variance_error_threshold(5)
    v = [tm.weighted_fresh_data_moments(t, 5, 5, wc).variance_error for t in (1000, 2000, 3000)]
    assert v[2] - v[1] == pytest.approx(v[1] - v[0], rel=1e-6)
    # below w_c it grows geometrically, beyond the float range without an exception
    assert tm.weighted_fresh_data_moments(10 ** 9, 4, 2, 0.1).variance_error == math.inf


def test_w_one_is_the_real_data_fit():
    for t in (0, 3):
        assert tm.weighted_fresh_data_moments(t, 6, 3, 1, exact=True) == (sp.Rational(1, 6), sp.Rational(2, 5))


def test_optimal_real_weight():
    assert sp.simplify(tm.optimal_real_weight(1, exact=True) - 1 / sp.GoldenRatio) == 0
    assert tm.optimal_real_weight(1) == pytest.approx(2 / (1 + math.sqrt(5)))
    k = sp.Symbol("k", positive=True)
    w = tm.optimal_real_weight(k)
    assert sp.simplify(w ** 2 + k * w - k) == 0
    for n, m in ((10, 10), (20, 10), (5, 20), (300, 7)):  # k = n/m
        best = optimize.minimize_scalar(lambda x: tm.weighted_fresh_data_moments(None, n, m, x).mean_error,
                                        bounds=(1e-9, 1 - 1e-9), method="bounded", options={"xatol": 1e-12})
        assert best.x == pytest.approx(tm.optimal_real_weight(n / m), rel=1e-6)
    # one definition, shared with the regression chain, whose factor is the Gaussian mean error's
    from theory import regression
    from theory.mitigation.weighted import optimal_real_weight
    assert optimal_real_weight is tm.optimal_real_weight is regression.optimal_real_weight
    for n, m, w in ((10, 10, sp.Rational(1, 3)), (20, 5, sp.Rational(3, 4))):
        assert tm.weighted_fresh_data_moments(None, n, m, w, exact=True).mean_error == \
            regression.weighted_stationary_factor(w, sp.Rational(n, m), exact=True) / n


def test_threshold_is_where_rho_is_one():
    for m in (2, 3, 50):
        wc = tm.weighted_variance_error_threshold(m, exact=True)
        assert sp.simplify((1 - wc) ** 2 * (m + 1) / (m - 1) - 1) == 0
    assert tm.weighted_variance_error_threshold(2) == pytest.approx(1 - 1 / math.sqrt(3))


@pytest.mark.parametrize("call, param", [
    (lambda: tm.weighted_fresh_data_moments(3, 4, 4, -0.1), "w"),
    (lambda: tm.weighted_fresh_data_moments(3, 4, 4, 1.1), "w"),
    (lambda: tm.weighted_fresh_data_moments(3, 1, 4, 0.5), "n"),
    (lambda: tm.weighted_fresh_data_moments(3, 4, 1, 0.5), "m"),
    (lambda: tm.weighted_fresh_data_moments(-1, 4, 4, 0.5), "t"),
    (lambda: tm.weighted_fresh_data_moments(3, 4, 4, 0.5, sigma2=-1), "sigma2"),
    (lambda: tm.optimal_real_weight(0), "k"),
    (lambda: tm.weighted_variance_error_threshold(1), "m"),
])
def test_bad_input_names_the_parameter(call, param):
    with pytest.raises(ValueError, match=param):
        call()
