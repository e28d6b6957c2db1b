"""theory.gaussian: symbolic results equal exact values and independent derivations."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy import stats
from sympy.stats import ChiSquared, E, Normal

from theory import gaussian as th

n, M = sp.symbols("n M", integer=True, positive=True)
sigma = sp.Symbol("sigma", positive=True)


# ----------------------------------------------------------------------------- symbolic forms
def test_chi2_mellin_is_the_gamma_ratio():
    k, t = sp.Symbol("k", positive=True), sp.Symbol("t", real=True)
    expected = 2 ** t * sp.gamma(k / 2 + t) / sp.gamma(k / 2)
    assert sp.simplify(th.chi2_mellin(k, t) - expected) == 0
    assert th.chi2_mellin(3, 2, exact=True) == 15  # E[X^2] = k(k + 2)


def test_expected_variance_symbolic():
    assert th.expected_variance(n, M) == 1
    assert sp.simplify(th.expected_variance(n, M, estimator="mle") - ((M - 1) / M) ** n) == 0


def test_variance_of_variance_symbolic():
    unb = th.variance_of_variance(n, M)
    assert sp.simplify(unb - (((M + 1) / (M - 1)) ** n - 1)) == 0
    mle = th.variance_of_variance(n, M, estimator="mle")
    assert sp.simplify(sp.powsimp(mle - (((M ** 2 - 1) / M ** 2) ** n - ((M - 1) / M) ** (2 * n)), force=True)) == 0


def test_expected_std_is_c4_power():
    c4 = sp.sqrt(2 / (M - 1)) * sp.gamma(M / 2) / sp.gamma((M - 1) / 2)
    assert sp.simplify(th.expected_std(n, M, sigma2=sigma ** 2) - sigma * c4 ** n) == 0
    assert sp.simplify(th.c4(M) - c4) == 0


@pytest.mark.parametrize("m,value", [(2, 0.7979), (5, 0.9400), (10, 0.9727)])
def test_c4_reference_values(m, value):
    assert round(th.c4(m), 4) == value


def test_c4_exact_values():
    assert th.c4(sp.Integer(2)) == sp.sqrt(2) / sp.sqrt(sp.pi)
    assert sp.simplify(th.c4(sp.Integer(5)) - 3 * sp.sqrt(2 * sp.pi) / 8) == 0


def test_log_variance_drift_and_its_sign():
    drift = th.expected_log_variance(1, M) - 0
    assert sp.simplify(drift - (sp.polygamma(0, (M - 1) / 2) + sp.log(2) - sp.log(M - 1))) == 0
    for m in (2, 3, 10, 100, 10_000):
        assert th.expected_log_variance(1, m) < 0
        assert th.expected_log_variance(1, m, estimator="mle") < th.expected_log_variance(1, m)


def test_log_variance_cumulants_against_scipy():
    # log of chi2_k / k: mean and variance by numerical integration
    for m in (2, 5, 30):
        k = m - 1
        dist = stats.chi2(k)
        mean = dist.expect(lambda x: math.log(x / k))
        var = dist.expect(lambda x: (math.log(x / k) - mean) ** 2)
        assert th.log_variance_cumulant(1, 1, m) == pytest.approx(mean, rel=1e-8)
        assert th.log_variance_cumulant(2, 1, m) == pytest.approx(var, rel=1e-8)


def test_mean_variance_symbolic():
    assert th.mean_variance(n, M) == n / M
    assert sp.simplify(th.mean_variance(n, M, estimator="mle") - (1 - ((M - 1) / M) ** n)) == 0
    # MLE: Var[mu_n] + E[sigma_n^2] = sigma^2 exactly
    total = th.mean_variance(n, M, sigma2=sigma ** 2, estimator="mle") + th.expected_variance(n, M, sigma2=sigma ** 2, estimator="mle")
    assert sp.simplify(total - sigma ** 2) == 0


def test_w2_symbolic_and_limits():
    c4 = th.c4(M)
    assert sp.simplify(th.expected_w2_squared(n, M, sigma2=sigma ** 2) - sigma ** 2 * (n / M + 2 - 2 * c4 ** n)) == 0
    assert th.w2_squared_limit(10) == math.inf
    assert th.w2_squared_limit(10, estimator="mle") == 2.0
    assert th.w2_squared_limit(M, sigma2=sigma ** 2, estimator="mle") == 2 * sigma ** 2
    assert th.w2_squared_limit(M, sigma2=sigma ** 2) == sp.oo


def test_one_step_moments_from_sympy_stats_samples():
    """Independent derivation: refit M = 4 explicit normal samples symbolically (n = 1)."""
    m = 4
    xs = [Normal(f"x{i}", 0, 1) for i in range(m)]
    xbar = sum(xs) / m
    s2 = sum((x - xbar) ** 2 for x in xs) / (m - 1)
    assert sp.simplify(E(s2)) == th.expected_variance(sp.Integer(1), sp.Integer(m))
    assert sp.simplify(E(xbar ** 2)) == th.mean_variance(sp.Integer(1), sp.Integer(m))


def test_chi_square_second_moment():
    k = sp.Symbol("k", positive=True, integer=True)
    assert sp.simplify(E(ChiSquared("X", k) ** 2) - k * (k + 2)) == 0


# ----------------------------------------------------------------------------- exact = float
@pytest.mark.parametrize("est", ["unbiased", "mle"])
def test_exact_equals_float(est):
    for m, k in ((2, 1), (3, 7), (10, 50), (1000, 3)):
        for f in (th.expected_variance, th.variance_of_variance, th.expected_std, th.expected_log_variance,
                  th.mean_variance, th.expected_w2_squared):
            exact = f(k, m, estimator=est, exact=True)
            assert exact == f(sp.Integer(k), sp.Integer(m), estimator=est)  # sympy in, sympy out
            assert float(sp.N(exact, 30)) == pytest.approx(f(k, m, estimator=est), rel=1e-13)


def test_exact_rationals():
    assert th.expected_variance(3, 4, estimator="mle", exact=True) == sp.Rational(27, 64)
    assert th.variance_of_variance(sp.Integer(2), sp.Integer(3)) == 3
    assert th.mean_variance(sp.Integer(5), sp.Integer(10)) == sp.Rational(1, 2)


def test_large_M_no_overflow():
    assert th.c4(100_000) == pytest.approx(1 - 1 / (4 * 100_000), rel=1e-9)
    assert math.isfinite(th.expected_w2_squared(1000, 5000))


def test_array_n():
    ns = np.arange(5)
    np.testing.assert_allclose(th.expected_std(ns, 10), th.c4(10) ** ns, rtol=1e-14)


# ----------------------------------------------------------------------------- distribution of sigma_n^2
def test_variance_cdf_n1_is_chi_square():
    for m in (2, 5, 40):
        for x in (0.3, 1.0, 2.2):
            assert th.variance_cdf(x, 1, m) == pytest.approx(stats.chi2.cdf(x * (m - 1), m - 1), abs=1e-9)


def test_variance_cdf_n2_by_quadrature():
    m, k = 6, 5
    x = 0.7
    # P(A B / k^2 <= x) with A, B ~ chi2_k: integrate over A
    exact = stats.chi2(k).expect(lambda a: stats.chi2.cdf(x * k * k / a, k))
    assert th.variance_cdf(x, 2, m) == pytest.approx(exact, abs=1e-8)


def test_median_decays_and_matches_asymptotics():
    med = [th.median_variance(k, 10) for k in (10, 40, 160)]
    assert med[0] > med[1] > med[2]
    # the Cornish-Fisher median is O(1/n) accurate in log scale
    rel = [abs(math.log(th.median_variance(k, 10) / th.median_variance_asymptotic(k, 10))) for k in (10, 40, 160)]
    assert rel[0] > rel[1] > rel[2]
    assert rel[2] < 1e-3


# ----------------------------------------------------------------------------- schedules
def test_schedule_moments_constant_matches_closed_forms():
    mom = th.schedule_moments([7] * 12, sigma2=2.25, estimator="mle")
    for k in (0, 5, 12):
        assert mom.expected_w2_squared[k] == pytest.approx(th.expected_w2_squared(k, 7, sigma2=2.25, estimator="mle"), rel=1e-12)
        assert mom.mean_variance[k] == pytest.approx(th.mean_variance(k, 7, sigma2=2.25, estimator="mle"), rel=1e-12)


def test_schedule_symbolic_and_boundedness():
    j = sp.Symbol("j", integer=True, nonnegative=True)
    expr = th.schedule_expected_w2_squared(sp.Integer(3), 5 + 0 * j, j)
    assert float(expr) == pytest.approx(th.expected_w2_squared(3, 5), rel=1e-12)
    assert th.schedule_is_bounded(10 + 0 * j, j) is False
    assert th.schedule_is_bounded(10 * (j + 1), j) is False
    assert th.schedule_is_bounded((j + 1) * sp.log(j + 1) ** 2, j) is True
    assert th.schedule_is_bounded((j + 1) ** 2, j) is True
    assert th.schedule_is_bounded(10 * (j + 1), j, estimator="mle") is True


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call,param", [
    (lambda: th.expected_variance(3, 1), "M"),
    (lambda: th.expected_variance(3, 2.5), "M"),
    (lambda: th.expected_variance(-1, 5), "n"),
    (lambda: th.expected_variance(1.5, 5), "n"),
    (lambda: th.expected_variance(3, 5, sigma2=-1.0), "sigma2"),
    (lambda: th.expected_variance(3, 5, sigma2=float("nan")), "sigma2"),
    (lambda: th.expected_std(3, 5, sigma2=0), "sigma2"),
    (lambda: th.expected_w2_squared(3, 5, estimator="median"), "estimator"),
    (lambda: th.variance_moment(3, 5, r=-2), "r"),
    (lambda: th.expected_variance(np.array([1, -2]), 5), "n"),
    (lambda: th.expected_variance(3, float("nan")), "M"),
    (lambda: th.expected_variance(True, 5), "n"),
    (lambda: th.schedule_moments([10, 1, 10]), "schedule"),
    (lambda: th.schedule_moments([[10, 10]]), "schedule"),
    (lambda: th.variance_cdf(-1.0, 2, 5), "x"),
])
def test_bad_input_names_parameter(call, param):
    with pytest.raises(ValueError, match=param):
        call()


# ----------------------------------------------------------------------------- the API contract
def test_scale_is_keyword_only_variance():
    with pytest.raises(TypeError):
        th.expected_variance(3, 5, 4.0)
    with pytest.raises(TypeError):
        th.expected_w2_squared(3, 5, 4.0)
    assert th.expected_std(3, 5, sigma2=4) == pytest.approx(2 * th.expected_std(3, 5), rel=1e-15)
    assert th.expected_w2_squared(3, 5, sigma2=4) == pytest.approx(4 * th.expected_w2_squared(3, 5), rel=1e-15)


def test_huge_valid_sizes_are_fast_and_right():
    # c4(M) = 1 - 1/(4M) + O(M^-2); E[W2^2] at n = 1e12, M = 1e9 is n/M + 2 - 2 exp(-n/(4M)) to 1e-12
    assert th.c4(10 ** 9) == pytest.approx(1 - 1 / (4 * 10 ** 9) + 1 / (32 * 10 ** 18), rel=1e-15)
    assert th.expected_w2_squared(10 ** 12, 10 ** 9) == pytest.approx(1002.0, rel=1e-15)
    assert th.w2_squared_limit(10 ** 6) == math.inf
    mom = th.schedule_moments([10 ** 9] * 3)
    assert np.all(mom.expected_std <= 1) and np.all(mom.expected_w2_squared >= 0)
    np.testing.assert_allclose(mom.expected_w2_squared, [0, 1.5e-9, 3e-9, 4.5e-9], rtol=1e-6)


def test_exact_refuses_astronomical_exponents():
    with pytest.raises(ValueError, match="n"):
        th.expected_variance(10 ** 12, 10, estimator="mle", exact=True)


def test_array_n_exact_is_elementwise():
    out = th.expected_variance(np.arange(3), 4, estimator="mle", exact=True)
    assert list(out) == [1, sp.Rational(3, 4), sp.Rational(9, 16)]


# ----------------------------------------------------------------------------- sampling bias (issue 13)
BIASED = ("variance_moment", "expected_variance", "variance_of_variance", "expected_std", "log_variance_cumulant",
          "expected_log_variance", "mean_variance", "expected_w2_squared", "w2_squared_limit", "median_variance",
          "median_variance_asymptotic", "variance_cdf")


def _args(name):
    return {"variance_moment": (2, 3, 2), "log_variance_cumulant": (1, 2, 3), "w2_squared_limit": (5,),
            "variance_cdf": (0.7, 3, 4)}.get(name, (3, 4))


@pytest.mark.parametrize("name", BIASED)
def test_bias_one_is_the_unbiased_sampler_exactly(name):
    f = getattr(th, name)
    for est in ("unbiased", "mle"):
        assert f(*_args(name), estimator=est, bias=1) == f(*_args(name), estimator=est)
        if name not in ("median_variance", "variance_cdf"):
            sym = {"variance_moment": (n, M, 2), "log_variance_cumulant": (1, n, M),
                   "w2_squared_limit": (M,)}.get(name, (n, M))
            assert f(*sym, estimator=est, bias=1) == f(*sym, estimator=est)


@pytest.mark.parametrize("est, rho", [("unbiased", 1), ("mle", sp.Rational(4, 5))])
def test_biased_moments_exactly(est, rho):
    lam, M = sp.Rational(3, 4), 5
    for n in (0, 1, 6):
        assert th.expected_variance(n, M, estimator=est, bias=lam, exact=True) == (lam * rho) ** n
        walk = sum((lam * rho) ** j for j in range(n)) * lam / M
        assert th.mean_variance(n, M, estimator=est, bias=lam, exact=True) == walk
        assert th.variance_moment(n, M, 2, estimator=est, bias=lam, exact=True) == \
            lam ** (2 * n) * th.variance_moment(n, M, 2, estimator=est, exact=True)
        assert sp.simplify(th.expected_log_variance(n, M, estimator=est, bias=lam, exact=True)
                           - th.expected_log_variance(n, M, estimator=est, exact=True) - n * sp.log(lam)) == 0
        assert th.expected_std(n, M, estimator=est, bias=float(lam)) == pytest.approx(
            float(lam) ** (n / 2) * th.expected_std(n, M, estimator=est), rel=1e-13)
    # the walk of the mean is bounded: lambda sigma^2 / (M (1 - lambda rho))
    bound = lam / (M * (1 - lam * rho))
    assert th.mean_variance(10 ** 6, M, estimator=est, bias=0.75) == pytest.approx(float(bound), rel=1e-12)
    assert th.w2_squared_limit(M, estimator=est, bias=lam, exact=True) == 1 + bound
    assert th.expected_w2_squared(10 ** 6, M, estimator=est, bias=0.75) == pytest.approx(float(1 + bound))


def test_bias_scales_the_distribution_of_the_variance():
    lam, n, M = 0.6, 4, 5
    assert th.median_variance(n, M, bias=lam) == pytest.approx(lam ** n * th.median_variance(n, M), rel=1e-12)
    assert th.variance_cdf(0.2, n, M, bias=lam) == pytest.approx(th.variance_cdf(0.2 / lam ** n, n, M), abs=1e-13)
    assert th.log_variance_cumulant(2, n, M, bias=lam) == th.log_variance_cumulant(2, n, M)  # a shift only
    assert th.median_variance_asymptotic(n, M, bias=lam) == pytest.approx(
        lam ** n * th.median_variance_asymptotic(n, M), rel=1e-13)


def test_symbolic_bias():
    lam = sp.Symbol("lambda", positive=True)
    assert sp.simplify(th.expected_variance(n, M, bias=lam) - lam ** n) == 0
    mv = th.mean_variance(n, M, bias=lam)
    assert isinstance(mv, sp.Piecewise) or mv.has(sp.Piecewise)  # lambda = 1 (unbiased) is the linear walk
    assert sp.simplify(mv.subs(lam, 1) - n / M) == 0
    assert sp.simplify(mv.subs({lam: sp.Rational(1, 2), n: 3, M: 4}) - sp.Rational(7, 32)) == 0


@pytest.mark.parametrize("bad", [0, -0.5, 1.5, float("nan"), "0.5", True])
def test_bias_outside_zero_one_is_refused(bad):
    for f in (th.expected_variance, th.mean_variance, th.expected_log_variance):
        with pytest.raises(ValueError, match="bias"):
            f(3, 4, bias=bad)
    with pytest.raises(ValueError, match="bias"):
        th.median_variance(3, 4, bias=bad)
