"""theory.expressivity: the irreducible KL and W2 of one Gaussian fitted to a mixture, and its recursive refit."""

import math

import numpy as np
import pytest
import sympy as sp

from theory import expressivity as te
from theory import gaussian as tg
from theory import mixture as tm

MIX = tm.Mixture((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0))
n, M = sp.Symbol("n", integer=True, nonnegative=True), sp.Symbol("M", integer=True, positive=True)


def test_irreducible_errors_against_the_distances_to_the_fitted_gaussian():
    q = ((1.0,), (0.0,), (5.0,))
    kl = te.expressivity_kl(MIX)
    assert kl == pytest.approx(0.5 * math.log(2 * math.pi * math.e * 5.0) - tm.mixture_entropy(MIX), rel=1e-9)
    w2 = te.expressivity_w2_squared(MIX)
    assert w2 == pytest.approx(tm.w2_squared(MIX, q), rel=1e-8)
    assert 0 < kl and 0 < w2


def test_a_gaussian_has_no_expressivity_error_and_nothing_is_negative():
    # issue 15: 0.5 log(2 pi e sigma^2) - H(p) came out as -4.4e-16 here
    g = ((0.5, 0.5), (1.0, 1.0), (2.0, 2.0))
    assert 0 <= te.expressivity_kl(g) < 1e-20
    assert 0 <= te.expressivity_w2_squared(g) < 1e-12
    near = ((0.3, 0.7), (0.0, 1e-4), (1.0, 1.0))  # KL ~ (w(1-w)(1-2w))^2 d^6 / 12
    assert te.expressivity_kl(near) == pytest.approx((0.21 * 0.4) ** 2 * 1e-24 / 12, rel=1e-3)


def test_recursion_starts_at_the_irreducible_error_and_joins_the_gaussian_collapse():
    w2 = te.expressivity_w2_squared(MIX)
    assert te.expressivity_recursive_w2_squared(0, 10, MIX) == pytest.approx(w2, rel=1e-10)
    sym = te.expressivity_recursive_w2_squared(n, M, MIX)
    assert float(sym.subs({n: 100, M: 10})) == pytest.approx(te.expressivity_recursive_w2_squared(100, 10, MIX),
                                                            rel=1e-10)
    assert te.expressivity_recursive_w2_squared(5000, 10, MIX, estimator="mle") == pytest.approx(2 * 5.0, rel=1e-6)
    ns = np.array([0, 5, 20])
    arr = te.expressivity_recursive_w2_squared(ns, 100, MIX)
    np.testing.assert_allclose(arr, [te.expressivity_recursive_w2_squared(int(k), 100, MIX) for k in ns], rtol=1e-14)
    # = E W2^2 to the fitted Gaussian + 2 (sigma - kappa) E[sigma_n]
    gap = math.sqrt(5.0) - tm.kappa(MIX)
    ref = tg.expected_w2_squared(7, 20, sigma2=5.0) + 2 * gap * tg.expected_std(7, 20, sigma2=5.0)
    assert te.expressivity_recursive_w2_squared(7, 20, MIX) == pytest.approx(ref, rel=1e-14)


@pytest.mark.parametrize("call,param", [
    (lambda: te.expressivity_kl(((0.5, 0.5), (0, 1), (1, 0))), "variances"),
    (lambda: te.expressivity_w2_squared(((0.5, 0.6), (0, 1), (1, 1))), "weights"),
    (lambda: te.expressivity_recursive_w2_squared(-1, 10, MIX), "n"),
    (lambda: te.expressivity_recursive_w2_squared(2, 1, MIX), "M"),
    (lambda: te.expressivity_recursive_w2_squared(2, 10, MIX, estimator="x"), "estimator"),
    (lambda: te.expressivity_recursive_w2_squared(2, 10, ((1,), (0,), (sp.Symbol("s"),))), "no closed form"),
])
def test_bad_input_names_parameter(call, param):
    with pytest.raises(ValueError, match=param):
        call()
