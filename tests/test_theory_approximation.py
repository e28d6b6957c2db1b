"""theory.approximation: symbolic == exact == scipy; derivations reduce to the textbook formulas; bad input."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy import integrate, stats

from theory import approximation as ta
from theory import gaussian as tg

a, b = sp.symbols("a b", real=True)
c = sp.Symbol("c", positive=True)
T = sp.Symbol("T", positive=True)
n = sp.Symbol("n", integer=True, nonnegative=True)
M = sp.Symbol("M", integer=True, positive=True)


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_recurrence_equals_direct_integration(k):
    derived = ta.derive_truncated_normal_raw_moment(k)
    textbook = ta.truncated_normal_raw_moment(k, a, b)
    diff = sp.simplify(sp.expand(derived - textbook))
    if diff != 0:  # fall back to a dense numeric identity check at exact points
        for av, bv in ((-1, 2), (0, 3), (-3, -1), (sp.Rational(1, 2), 4)):
            assert abs(sp.N(diff.subs({a: av, b: bv}), 40)) < 1e-35


def test_symmetric_factor_is_the_general_formula_at_minus_c_c():
    general = ta.truncated_normal_variance(-c, c)
    assert sp.simplify(general - ta.truncation_variance_factor(c)) == 0
    assert sp.simplify(ta.truncation_variance_factor(c) - (1 - 2 * c * ta.phi(c) / (2 * ta.Phi(c) - 1))) == 0


@pytest.mark.parametrize("cv", [0.3, 1, 1.5, 2, 3, 5])
def test_factor_exact_float_scipy(cv):
    exact = ta.truncation_variance_factor(sp.nsimplify(cv))
    assert isinstance(exact, sp.Basic)
    flt = ta.truncation_variance_factor(cv)
    assert float(sp.N(exact, 30)) == pytest.approx(flt, rel=1e-14)
    assert flt == pytest.approx(stats.truncnorm.var(-cv, cv), rel=1e-12)
    assert 0 < flt < 1


@pytest.mark.parametrize("av,bv", [(-1.0, 2.5), (0.0, 3.0), (-2.0, -0.5), (1.0, 1.5), (-1.0, math.inf)])
def test_general_truncation_matches_scipy(av, bv):
    assert ta.truncated_normal_variance(av, bv) == pytest.approx(stats.truncnorm.var(av, bv), rel=1e-10)
    assert ta.truncated_normal_mean(av, bv) == pytest.approx(stats.truncnorm.mean(av, bv), rel=1e-10, abs=1e-14)
    if math.isfinite(bv):
        for k in (3, 4):
            assert ta.truncated_normal_raw_moment(k, av, bv) == pytest.approx(stats.truncnorm.moment(k, av, bv),
                                                                               rel=1e-9)


def test_wrong_factor_without_squared_term_differs_for_asymmetric_cut():
    wrong = 1 + (-1 * stats.norm.pdf(-1) - 2.5 * stats.norm.pdf(2.5)) / (stats.norm.cdf(2.5) - stats.norm.cdf(-1))
    assert abs(wrong - stats.truncnorm.var(-1, 2.5)) > 0.05
    assert ta.truncated_normal_variance(-1, 2.5) == pytest.approx(stats.truncnorm.var(-1, 2.5), rel=1e-12)


def test_temperature_is_exactly_T():
    assert ta.temperature_variance_factor(T) == T
    assert ta.temperature_variance_factor(sp.Rational(3, 4)) == sp.Rational(3, 4)
    assert ta.temperature_variance_factor(0.7) == pytest.approx(0.7, rel=1e-15)
    dens = ta.temperature_density(T, 0, 1)
    target = sp.exp(-ta._x ** 2 / (2 * T)) / sp.sqrt(2 * sp.pi * T)
    assert sp.simplify(dens - target) == 0


def test_recursive_variances_symbolic_and_numeric():
    e = ta.truncation_expected_variance(n, c, M, 1, "mle")
    assert sp.simplify(e - (ta.truncation_variance_factor(c) * (M - 1) / M) ** n) == 0
    assert ta.truncation_expected_variance(10, 2) == pytest.approx(stats.truncnorm.var(-2, 2) ** 10, rel=1e-12)
    assert ta.truncation_expected_variance(10, 2, 20, 2.0, "mle") == pytest.approx(
        2 * (stats.truncnorm.var(-2, 2) * 19 / 20) ** 10, rel=1e-12)
    assert ta.temperature_expected_variance(n, T, None) == T ** n
    assert ta.temperature_expected_variance(5, sp.Rational(1, 2), sp.Integer(10), 1, "mle") == sp.Rational(9, 20) ** 5


def test_second_moment_reduces_to_gaussian_without_truncation():
    # temperature 1 = no approximation error: E[sigma_n^4] of theory.gaussian
    for est in ("unbiased", "mle"):
        q = ta.temperature_variance_second_moment(n, 1, M, 1, est)
        assert sp.simplify(q - tg.variance_moment(n, M, 2, estimator=est)) == 0
    # a very wide cut behaves like no cut
    assert ta.truncation_variance_second_moment(3, 40, 20) == pytest.approx((21 / 19) ** 3, rel=1e-12)


def test_mixture_moments_symbolic_exact_numeric():
    w1, m1, m2, v1, v2 = sp.symbols("w1 mu1 mu2 v1 v2", positive=True)
    mu, var = ta.mixture_moments((w1, 1 - w1), (m1, m2), (v1, v2))
    assert sp.simplify(mu - (w1 * m1 + (1 - w1) * m2)) == 0
    assert sp.simplify(var - (w1 * v1 + (1 - w1) * v2 + w1 * (1 - w1) * (m1 - m2) ** 2)) == 0
    assert ta.mixture_moments((sp.Rational(1, 3), sp.Rational(2, 3)), (-1, 2), (1, 3)) == (1, sp.Rational(13, 3))
    assert ta.mixture_moments((1 / 3, 2 / 3), (-1, 2), (1, 3)) == pytest.approx((1.0, 13 / 3))


def test_expressivity_errors():
    mix = ((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0))
    kl = ta.expressivity_kl(*mix)
    assert kl == pytest.approx(ta.kl_divergence(mix, ((1.0,), (0.0,), (5.0,))), rel=1e-9)
    w2 = ta.expressivity_w2_squared(*mix)
    assert w2 == pytest.approx(ta.w2_squared(mix, ((1.0,), (0.0,), (5.0,))), rel=1e-8)
    assert 0 < kl and 0 < w2
    # a "mixture" of identical components is Gaussian: no expressivity error
    assert ta.expressivity_kl((0.5, 0.5), (1.0, 1.0), (2.0, 2.0)) == pytest.approx(0, abs=1e-9)
    assert ta.expressivity_w2_squared((0.5, 0.5), (1.0, 1.0), (2.0, 2.0)) == pytest.approx(0, abs=1e-9)
    # the recursion starts at the irreducible error and joins the Gaussian collapse
    assert ta.expressivity_recursive_w2_squared(0, 10, *mix) == pytest.approx(w2, rel=1e-10)
    sym = ta.expressivity_recursive_w2_squared(n, M, *mix)
    assert float(sym.subs({n: 100, M: 10})) == pytest.approx(ta.expressivity_recursive_w2_squared(100, 10, *mix),
                                                            rel=1e-10)
    lim_mle = ta.expressivity_recursive_w2_squared(5000, 10, *mix, estimator="mle")
    assert lim_mle == pytest.approx(2 * 5.0, rel=1e-6)


MIXTURES = [((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0)), ((0.3, 0.7), (-1.0, 3.0), (0.25, 2.0)),
            ((1.0,), (0.5,), (4.0,)), ((0.2, 0.5, 0.3), (-4.0, 0.0, 1.5), (0.5, 1.0, 0.1))]


@pytest.mark.parametrize("mix", MIXTURES)
def test_vectorised_w2_to_mixture_equals_scalar_and_quantile_quadrature(mix):
    mu, var = ta.mixture_moments(*mix)
    rng = np.random.default_rng(7)
    means = np.concatenate([[mu, mu - 1.0, 3.0], mu + rng.normal(0, 2, 17)]).reshape(4, 5)
    sds = np.concatenate([[math.sqrt(var), 0.05, 4.0], rng.uniform(0.01, 5, 17)]).reshape(4, 5)
    vec = ta.w2_squared_gaussians_to_mixture(means, sds, mix)
    assert vec.shape == (4, 5)
    scalar = np.array([ta.w2_squared_to_gaussian(m, s * s, mix) for m, s in zip(means.ravel(), sds.ravel())])
    np.testing.assert_allclose(vec.ravel(), scalar, rtol=0, atol=1e-10)
    # independent: direct integration of the squared quantile difference (scipy quad)
    for m, s, v in list(zip(means.ravel(), sds.ravel(), vec.ravel()))[:4]:
        assert v == pytest.approx(ta.w2_squared(mix, ((1.0,), (m,), (s * s,))), rel=1e-8, abs=1e-12)
    # broadcasting a scalar sd; scalars give a 0-d array
    np.testing.assert_allclose(ta.w2_squared_gaussians_to_mixture(means[0], 1.0, mix),
                               [ta.w2_squared_to_gaussian(m, 1.0, mix) for m in means[0]], rtol=0, atol=1e-10)
    assert ta.w2_squared_gaussians_to_mixture(mu, math.sqrt(var), mix).shape == ()


def test_vectorised_w2_to_mixture_gaussian_case_is_closed_form():
    # a one-component "mixture": W2^2 between Gaussians is (m1-m2)^2 + (s1-s2)^2
    m, s = np.array([0.0, 1.0, -2.0]), np.array([1.0, 3.0, 0.5])
    out = ta.w2_squared_gaussians_to_mixture(m, s, ((1.0,), (1.0,), (4.0,)))
    np.testing.assert_allclose(out, (m - 1.0) ** 2 + (s - 2.0) ** 2, rtol=1e-12, atol=1e-12)
    assert ta.w2_squared_gaussians_to_mixture(1.0, 2.0, ((1.0,), (1.0,), (4.0,))) >= 0


MIX = ((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0))


@pytest.mark.parametrize("call,param", [
    (lambda: ta.w2_squared_gaussians_to_mixture([0.0, float("nan")], [1.0, 1.0], MIX), "mean"),
    (lambda: ta.w2_squared_gaussians_to_mixture([0.0, 1.0], [1.0, float("nan")], MIX), "sd"),
    (lambda: ta.w2_squared_gaussians_to_mixture([0.0, float("inf")], 1.0, MIX), "mean"),
    (lambda: ta.w2_squared_gaussians_to_mixture([0.0, 1.0], [1.0, 0.0], MIX), "sd"),
    (lambda: ta.w2_squared_gaussians_to_mixture(0.0, -1.0, MIX), "sd"),
    (lambda: ta.w2_squared_gaussians_to_mixture(np.zeros(3), np.ones(4), MIX), "mean and sd"),
    (lambda: ta.w2_squared_gaussians_to_mixture(np.zeros((2, 3)), np.ones((3, 2)), MIX), "mean and sd"),
    (lambda: ta.w2_squared_gaussians_to_mixture("a", 1.0, MIX), "mean"),
    (lambda: ta.w2_squared_gaussians_to_mixture(0.0, True, MIX), "sd"),
    (lambda: ta.w2_squared_gaussians_to_mixture(0.0, 1.0, ((0.5, 0.5), (0.0, 1.0), (1.0, 0.0))), "variances"),
    (lambda: ta.w2_squared_to_gaussian(float("nan"), 1.0, MIX), "mean"),
    (lambda: ta.w2_squared_to_gaussian(0.0, 0.0, MIX), "variance"),
])
def test_vectorised_w2_to_mixture_bad_input_names_parameter(call, param):
    with pytest.raises(ValueError, match=param):
        call()


def test_l2_symbolic_exact_numeric():
    p = ((sp.Rational(1, 2), sp.Rational(1, 2)), (-2, 2), (1, 1))
    q = ((1,), (0,), (5,))
    exact = ta.l2_squared(p, q)
    pf = ((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0))
    qf = ((1.0,), (0.0,), (5.0,))
    assert float(sp.N(exact, 30)) == pytest.approx(ta.l2_squared(pf, qf), rel=1e-13)
    x = np.linspace(-30, 30, 200001)
    brute = integrate.trapezoid((ta.mixture_pdf(x, pf) - ta.mixture_pdf(x, qf)) ** 2, x)
    assert brute == pytest.approx(ta.l2_squared(pf, qf), rel=1e-9)
    assert ta.l2_squared(pf, pf) == pytest.approx(0, abs=1e-15)


def test_quantile_and_distances_against_scipy():
    g = ((1.0,), (1.0,), (4.0,))
    u = np.array([1e-12, 0.01, 0.5, 0.9, 1 - 1e-12])
    assert np.allclose(ta.mixture_quantile(u, g), stats.norm.ppf(u, 1, 2), rtol=1e-10)
    g2 = ((1.0,), (0.0,), (1.0,))
    # two Gaussians: W2^2 = (m1-m2)^2 + (s1-s2)^2, TV and KL closed forms
    assert ta.w2_squared(g, g2) == pytest.approx(1 + 1, rel=1e-9)
    assert ta.kl_divergence(g2, g) == pytest.approx(math.log(2) + (1 + 1) / 8 - 0.5, rel=1e-9)


@pytest.mark.parametrize("call,param", [
    (lambda: ta.truncation_variance_factor(0), "c"),
    (lambda: ta.truncation_variance_factor(-1.0), "c"),
    (lambda: ta.truncation_variance_factor(float("nan")), "c"),
    (lambda: ta.temperature_variance_factor(0), "T"),
    (lambda: ta.temperature_variance_factor(-0.5), "T"),
    (lambda: ta.truncation_expected_variance(-1, 2), "n"),
    (lambda: ta.truncation_expected_variance(3, 2, M=1), "M"),
    (lambda: ta.temperature_expected_variance(3, 0.9, M=1.5), "M"),
    (lambda: ta.truncation_expected_variance(3, 2, sigma2=0), "sigma2"),
    (lambda: ta.truncation_variance_second_moment(3, 2, 20, estimator="biased"), "estimator"),
    (lambda: ta.truncated_normal_variance(2, 1), "a < b"),
    (lambda: ta.mixture_moments((0.5, 0.6), (0, 1), (1, 1)), "sum to 1"),
    (lambda: ta.mixture_moments((sp.Rational(1, 2), sp.Rational(1, 3)), (0, 1), (1, 1)), "sum to 1"),
    (lambda: ta.mixture_moments((0.5, 0.5), (0, 1), (1, 0)), "variances"),
    (lambda: ta.mixture_moments((0.5, 0.5), (0, 1), (1, -2)), "variances"),
    (lambda: ta.mixture_moments((0.5, 0.5), (0, float("nan")), (1, 1)), "means"),
    (lambda: ta.mixture_moments((1.5, -0.5), (0, 1), (1, 1)), "weights"),
    (lambda: ta.mixture_moments((0.5, 0.5), (0,), (1, 1)), "same"),
    (lambda: ta.expressivity_kl((0.5, 0.5), (0, 1), (1, 0)), "variances"),
])
def test_bad_input_names_parameter(call, param):
    with pytest.raises(ValueError, match=param):
        call()


def test_pointwise_functions_accept_infinite_limits_and_any_shape():
    mix = ((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0))
    assert ta.phi(math.inf) == 0 and ta.phi(-math.inf) == 0
    assert ta.Phi(math.inf) == 1 and ta.Phi(-math.inf) == 0 and ta.Phi(sp.oo) == 1
    np.testing.assert_array_equal(ta.mixture_cdf([-math.inf, math.inf], mix), [0.0, 1.0])
    assert ta.mixture_pdf(math.inf, mix) == 0
    x = np.linspace(-3, 3, 6).reshape(2, 3)
    np.testing.assert_allclose(ta.mixture_pdf(x, mix), ta.mixture_pdf(x.ravel(), mix).reshape(2, 3), rtol=0)
    u = np.array([[0.1, 0.5], [0.7, 0.99]])
    q = ta.mixture_quantile(u, mix)
    assert q.shape == (2, 2)
    np.testing.assert_allclose(ta.mixture_cdf(q, mix), u, rtol=1e-12)


def test_symmetric_mixture_median_is_exact():
    assert ta.mixture_quantile(0.5, ((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0))) == 0.0
    assert ta.mixture_quantile(np.array([[0.5]]), ((0.25, 0.5, 0.25), (0.0, 1.0, 2.0), (1.0, 3.0, 1.0)))[0, 0] == 1.0
    asym = ((0.3, 0.7), (-2.0, 2.0), (1.0, 1.0))
    assert abs(float(ta.mixture_cdf(ta.mixture_quantile(0.5, asym), asym)) - 0.5) < 1e-14
