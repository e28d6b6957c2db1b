"""theory.regression: exact identities, limits, independent derivations, huge sizes, bad input."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy import stats
from sympy.stats import Beta, ChiSquared, E

from theory import regression as th
from theory.core import NoClosedFormError

n, d, T, T0, s = sp.symbols("n d T T_0 s", integer=True, positive=True)
x = sp.Symbol("x", positive=True)
phi, phi0, p, psi, w, k = sp.symbols("phi phi_0 p psi w k", positive=True)


# ----------------------------------------------------------------------------- the closed forms themselves
def test_replace_chain_symbolic_and_linear_growth():
    r = th.replace_chain_risk(n, d, T0, T, sigma2=sp.Symbol("s2"), sigma2_gen=sp.Symbol("g2"))
    assert sp.simplify(r - (sp.Symbol("s2") * d / (T - d - 1) + n * sp.Symbol("g2") * d / (T0 - d - 1))) == 0
    assert sp.simplify(r.subs(n, n + 1) - r - sp.Symbol("g2") * d / (T0 - d - 1)) == 0
    assert th.replace_chain_risk(0, 3, 8, 9) == pytest.approx(th.ols_risk(3, 9))


def test_ols_risk_against_scipy_inverse_wishart_mean():
    # E[(X^T X)^-1] for X^T X ~ W_d(T, I) is the mean of the inverse Wishart with scale I: I / (T - d - 1)
    for dd, TT in ((1, 3), (3, 5), (4, 11)):
        mean = stats.invwishart(df=TT, scale=np.eye(dd)).mean()
        assert np.trace(np.atleast_2d(mean)) == pytest.approx(th.ols_risk(dd, TT), rel=1e-12)


def test_key_lemma_at_d_1_by_sympy_stats():
    t = sp.Symbol("t", positive=True)   # T = t + 3 rows, d = 1: E[1 / chi2_T] = 1/(T - 2)
    val = sp.gammasimp(sp.expand_func(E(1 / ChiSquared("X", t + 3))))
    assert sp.simplify(val - th.ols_risk(1, t + 3)) == 0


def test_proportional_limits_are_limits_of_the_exact_forms():
    assert sp.simplify(sp.limit(th.replace_chain_risk(n, phi * x, phi * x / phi0, x), x, sp.oo)
                       - th.replace_chain_risk_proportional(n, phi, phi0)) == 0
    assert sp.simplify(sp.limit(th.overparameterized_chain_error(n, psi * x, x, sigma2_gen=1), x, sp.oo)
                       - th.overparameterized_chain_error_proportional(n, psi, sigma2_gen=1)) == 0
    assert sp.simplify(sp.limit(th.mixed_ols_risk(phi * x, x, p * x, delta2=2, sigma2=3), x, sp.oo)
                       - th.mixed_ols_risk_proportional(phi, p, delta2=2, sigma2=3)) == 0
    for wf in th.WORKFLOWS:
        assert sp.simplify(sp.limit(th.fixed_design_chain_risk(5, phi * x, x, workflow=wf), x, sp.oo)
                           - th.fixed_design_chain_risk_proportional(5, phi, workflow=wf)) == 0


def test_strong_collapse_floor_and_expansion():
    assert sp.limit(th.mixed_ols_risk(3, x, p * x, delta2=sp.Symbol("D", positive=True), sigma2=1), x, sp.oo) \
        == p ** 2 * sp.Symbol("D", positive=True)
    assert th.mixed_ols_floor(p, delta2=2) == 2 * p ** 2
    # c = p^2 + (d + 1) p (1 - p) / n + O(n^-2)
    c = th.mixed_ols_bias_factor(d, x, p * x)
    assert sp.simplify(sp.limit(x * (c - p ** 2), x, sp.oo) - (d + 1) * p * (1 - p)) == 0


def test_mixed_bias_factor_special_cases():
    c = th.mixed_ols_bias_factor(d, n, s)
    assert sp.simplify(c.subs(s, 0)) == 0
    assert sp.simplify(c.subs(s, n)) == 1
    # d = 1: the second moment of a Beta(s/2, (n - s)/2) variable (the share of the synthetic rows' chi-squares)
    a, b = sp.symbols("a b", positive=True)
    m2 = sp.simplify(E(Beta("B", a, b) ** 2)).subs({a: s / 2, b: (n - s) / 2})
    assert sp.simplify(c.subs(d, 1) - m2) == 0


def test_accumulate_is_bounded_by_pi2_over_6():
    c = th.ols_risk(3, 10)
    assert sp.limit(th.fixed_design_chain_risk(x, 3, 10, workflow="accumulate"), x, sp.oo) == sp.pi ** 2 / 12
    vals = th.fixed_design_chain_risk(np.arange(1, 200), 3, 10, workflow="accumulate")
    assert np.all(np.diff(vals) > 0) and vals[-1] < c * math.pi ** 2 / 6
    assert th.fixed_design_chain_risk(4, 2, 5, workflow="accumulate", exact=True) == sp.Rational(205, 144)
    # huge n: the trigamma form keeps every digit
    assert th.fixed_design_chain_risk(10 ** 18, 3, 10, workflow="accumulate") == pytest.approx(
        c * math.pi ** 2 / 6, rel=1e-15)


def test_overparameterized_chain():
    assert th.overparameterized_chain_error(0, 6, 2, sigma2_gen=1) == 0.0
    noiseless = th.overparameterized_chain_error(np.arange(0, 40), 5, 3, w0_norm2=2.0)
    assert np.allclose(noiseless, 2.0 * (1 - 0.6 ** np.arange(40)), rtol=1e-14)
    assert th.overparameterized_chain_error(10 ** 12, 5, 3, sigma2_gen=1) == pytest.approx(1 + 15 / 2)


def test_golden_ratio():
    one = th.optimal_real_weight(1, exact=True)
    assert sp.simplify(one - 1 / sp.GoldenRatio) == 0
    wk = th.optimal_real_weight(k)
    assert sp.simplify(wk ** 2 + k * wk - k) == 0
    f = th.weighted_stationary_factor(w, k)
    assert sp.simplify(sp.diff(f, w).subs(w, wk)) == 0
    grid = np.linspace(0.01, 1, 100)
    for kk in (0.1, 1, 10, 1000):
        wopt = th.optimal_real_weight(kk)
        assert 0 < wopt <= 1
        f_grid = (kk * (1 - grid) ** 2 + grid ** 2) / (grid * (2 - grid))
        assert th.weighted_stationary_factor(wopt, kk) <= f_grid.min() + 1e-12
    # the weighted OLS risk is minimised at 1/phi for every size
    r = th.weighted_ols_risk(3, 9, w)
    assert sp.simplify(sp.diff(r, w).subs(w, 1 / sp.GoldenRatio)) == 0


def test_weighted_variants_agree_where_they_coincide():
    assert th.weighted_ols_risk(3, 9, 0.4, t=None) == pytest.approx(th.weighted_ols_risk(3, 9, 0.4, t=10 ** 6))
    assert th.weighted_ols_risk(3, 9, 0.4) == pytest.approx(th.weighted_ols_risk_replicated(3, 9, 1, 0.4))
    assert th.weighted_ols_risk(3, 9, 0.4, t=3) == pytest.approx(th.weighted_ols_risk_fresh(3, 9, 9, 0.4, t=3))
    assert th.weighted_ols_risk(3, 9, 1) == pytest.approx(th.ols_risk(3, 9))   # w = 1: a fresh real fit
    assert th.weighted_ols_risk(3, 9, 0.4, t=0) == pytest.approx(th.ols_risk(3, 9))
    c = th.ols_risk(2, 6, exact=True) / 2
    assert sp.simplify(th.weighted_ols_risk_replicated(2, 12, 2, w) - c * (2 * (1 - w) ** 2 + w ** 2) / (w * (2 - w))) == 0


def test_accumulate_subsample_known_values():
    assert th.accumulate_subsample_risk(0, 3, 8) == 0.0
    assert th.accumulate_subsample_risk(1, 3, 8, sigma2=2.0) == pytest.approx(th.ols_risk(3, 8, sigma2=2.0))
    assert th.accumulate_subsample_risk(1, 3, 8, exact=True) == sp.Rational(3, 4)
    assert th.accumulate_subsample_risk(3, 3, 12) == math.inf
    assert th.accumulate_subsample_risk(3, 3, 12, exact=True) == sp.oo
    with pytest.raises(NoClosedFormError, match="no closed form"):
        th.accumulate_subsample_risk(2, 3, 12)
    assert th.accumulate_subsample_infinite_from(3, 12) == 3
    assert th.accumulate_subsample_infinite_from(10, 32) == 3
    assert th.accumulate_subsample_infinite_from(3, 5) == 2


def test_risks_do_not_depend_on_the_scale_of_unused_parameters():
    # sigma2 scales the risks linearly: the noise enters only as a variance
    assert th.replace_chain_risk(4, 3, 7, 9, sigma2=3, sigma2_gen=3) == pytest.approx(
        3 * th.replace_chain_risk(4, 3, 7, 9))
    assert th.mixed_ols_risk(3, 9, 4, delta2=0, sigma2=1) == pytest.approx(th.ols_risk(3, 9))


def test_huge_sizes_give_numbers():
    assert math.isfinite(th.replace_chain_risk(10 ** 30, 10 ** 6, 10 ** 20, 10 ** 20))
    assert th.ols_risk(10 ** 6, 10 ** 30) == pytest.approx(1e-24, rel=1e-12)
    assert th.mixed_ols_risk(3, 10 ** 40, 10 ** 39, delta2=1) == pytest.approx(0.01, rel=1e-12)
    with pytest.raises(ValueError, match="n = 100000 is beyond exact evaluation"):
        th.overparameterized_chain_error(10 ** 5, 5, 3, exact=True)


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call,param,why", [
    (lambda: th.replace_chain_risk(1, 3, 4, 10), "T0", "infinite"),
    (lambda: th.replace_chain_risk(1, 3, 10, 4), "T", "infinite"),
    (lambda: th.replace_chain_risk(1, 3, 10, 2), "T", "undefined"),
    (lambda: th.replace_chain_risk(-1, 3, 10, 10), "n", ">= 0"),
    (lambda: th.replace_chain_risk(1, 3, 10, 10, sigma2=-1), "sigma2", "never negative"),
    (lambda: th.replace_chain_risk(1, 3, 10, 10, sigma2_gen=-0.5), "sigma2_gen", "never negative"),
    (lambda: th.ols_risk(3, 5.5), "T", "integer"),
    (lambda: th.overparameterized_chain_error(1, 4, 3), "d", "over-parameterized"),
    (lambda: th.overparameterized_chain_error(1, 6, 3, w0_norm2=-1), "w0_norm2", "never negative"),
    (lambda: th.fixed_design_chain_risk(1, 3, 4), "T", "infinite"),
    (lambda: th.fixed_design_chain_risk(1, 3, 9, workflow="accumulate-subsample"), "workflow", "one of"),
    (lambda: th.accumulate_subsample_risk(1, 3, 3), "T", "d \\+ 2"),
    (lambda: th.mixed_ols_risk(3, 10, 11), "n_synth", "part of the n rows"),
    (lambda: th.mixed_ols_risk(3, 4, 1), "n", "infinite"),
    (lambda: th.mixed_ols_risk(3, 10, 2, delta2=-1), "delta2", "never negative"),
    (lambda: th.weighted_ols_risk(3, 10, 0.0), "w", "weight of the real labels"),
    (lambda: th.weighted_ols_risk(3, 10, 1.5), "w", "weight of the real labels"),
    (lambda: th.weighted_ols_risk(3, 10, 0.5, t=-1), "t", ">= 0"),
    (lambda: th.weighted_ols_risk_replicated(2, 9, 2, 0.5), "n", "multiple of k"),
    (lambda: th.weighted_ols_risk_replicated(2, 6, 2, 0.5), "n", "d \\+ 2"),
    (lambda: th.weighted_ols_risk_fresh(2, 10, 3, 0.5), "m", "infinite"),
    (lambda: th.optimal_real_weight(0), "k", "> 0"),
    (lambda: th.mixed_ols_floor(1.5), "p", "<= 1"),
    (lambda: th.replace_chain_risk_proportional(1, 1.0, 0.5), "phi", "< 1"),
    (lambda: th.overparameterized_chain_error_proportional(1, 1.0), "psi", "> 1"),
    (lambda: th.replace_chain_risk(True, 3, 10, 10), "n", "boolean"),
    (lambda: th.replace_chain_risk(1, 3, 10, 10, sigma2=float("nan")), "sigma2", "NaN"),
])
def test_bad_input_names_the_parameter_and_why(call, param, why):
    with pytest.raises(ValueError, match=rf"^{param} .*{why}"):
        call()
