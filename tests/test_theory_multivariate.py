"""theory.multivariate: symbolic forms, exact values, reduction to theory.gaussian at d = 1, the log-det law
against independent oracles (chi-square, Bartlett by quadrature, mpmath sums), edge cases, bad input."""

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from scipy import stats

from theory import gaussian as tg
from theory import multivariate as th

n, d, M = sp.symbols("n d M", integer=True, positive=True)
s2 = sp.Symbol("s2", positive=True)
I = sp.Integer
S_NP = np.array([[2.0, 0.5], [0.5, 1.0]])
S_SP = sp.Matrix([[2, sp.Rational(1, 2)], [sp.Rational(1, 2), 1]])


# ----------------------------------------------------------------------------- symbolic forms
def test_expected_det_symbolic_and_reference_formula():
    # E[det S] = det Sigma prod_{i=1..d} (M-i)/(M-1) (Muirhead Thm 3.2.15)
    expr = th.expected_det(n, I(3), M)
    assert sp.simplify(expr - (((M - 1) * (M - 2) * (M - 3)) / (M - 1) ** 3) ** n) == 0
    sym = th.expected_det(n, d, M, Sigma=s2)
    i = sp.Symbol("i", integer=True, positive=True)
    assert sym.has(sp.Product)
    assert sp.simplify(sym.subs(d, 4).doit() - s2 ** 4 * sp.Product((M - i) / (M - 1), (i, 1, 4)).doit() ** n) == 0
    mle = th.expected_det(n, I(2), M, estimator="mle")
    assert sp.simplify(mle - ((M - 1) * (M - 2) / M ** 2) ** n) == 0


def test_expected_covariance_and_trace():
    assert th.expected_covariance(n, d, M) == 1
    assert sp.simplify(th.expected_trace(n, d, M, Sigma=s2, estimator="mle") - d * s2 * ((M - 1) / M) ** n) == 0
    S = sp.Matrix([[2, 1], [1, 3]])
    assert th.expected_covariance(I(2), I(2), I(5), Sigma=S, estimator="mle") == sp.Rational(16, 25) * S
    np.testing.assert_allclose(th.expected_covariance(3, 2, 5, Sigma=np.array([[2.0, 1], [1, 3]])), [[2, 1], [1, 3]])
    np.testing.assert_allclose(th.expected_covariance([0, 1, 2], 2, 5, Sigma=2.0, estimator="mle"), [2, 1.6, 1.28])


def test_covariance_invariants():
    assert th.covariance_invariants(2, Sigma=S_SP, exact=True) == (sp.log(sp.Rational(7, 4)), 3, sp.Rational(11, 2))
    assert th.covariance_invariants(2, Sigma=S_NP, exact=True) == th.covariance_invariants(2, Sigma=S_SP)
    inv = th.covariance_invariants(2, Sigma=S_NP)
    assert inv.log_det == pytest.approx(math.log(1.75), rel=1e-15) and inv.trace == 3.0
    assert th.covariance_invariants(d, Sigma=s2) == (d * sp.log(s2), d * s2, d * s2 ** 2)
    assert th.covariance_invariants(3) == (0.0, 3.0, 3.0)


def test_log_det_drift_is_sum_of_one_dimensional_terms_and_negative():
    drift = th.expected_log_det(I(1), I(3), M)
    expected = sum(sp.polygamma(0, (M - k) / 2) + sp.log(2) - sp.log(M - 1) for k in (1, 2, 3))
    assert sp.simplify(sp.expand_log(drift - expected, force=True)) == 0
    assert th.expected_log_det(I(2), I(2), I(4)) == 4 - 4 * sp.EulerGamma - 4 * sp.log(3)
    for dd, mm in ((1, 2), (2, 3), (5, 6), (20, 21), (100, 101), (100, 1000)):
        assert th.expected_log_det(1, dd, mm) < 0
    assert sp.simplify(th.variance_of_log_det(n, I(2), M) - n * (sp.polygamma(1, (M - 1) / 2)
                                                                 + sp.polygamma(1, (M - 2) / 2))) == 0


def test_log_det_increment_against_bartlett_by_quadrature():
    # one refit: log det = sum_i log(chi2_{M-i}/(M-1)); mean and variance by scipy integration
    m, dd = 6, 3
    mean = sum(stats.chi2(m - k).expect(lambda x: math.log(x / (m - 1))) for k in range(1, dd + 1))
    var = sum(stats.chi2(m - k).expect(lambda x: math.log(x) ** 2) - stats.chi2(m - k).expect(math.log) ** 2
              for k in range(1, dd + 1))
    assert th.expected_log_det(1, dd, m) == pytest.approx(mean, rel=1e-8)
    assert th.variance_of_log_det(1, dd, m) == pytest.approx(var, rel=1e-7)


def test_trace_second_moments_closed_form_and_matrix_power():
    a_n, b_n = th.trace_second_moments(n, d, M, Sigma=s2)
    a, b = d * s2 ** 2, d ** 2 * s2 ** 2
    lp, lm = (M + 1) / (M - 1), (M - 2) / (M - 1)
    assert sp.simplify(a_n - ((2 * a + b) / 3 * lp ** n + (a - b) / 3 * lm ** n)) == 0
    assert sp.simplify(b_n - ((2 * a + b) / 3 * lp ** n - 2 * (a - b) / 3 * lm ** n)) == 0
    # against the explicit matrix power at n = 4 with a general Sigma
    S = sp.Matrix([[2, 1, 0], [1, 3, 1], [0, 1, 1]])
    T = th.trace_moment_matrix(7, exact=True)
    assert T == th.trace_moment_matrix(M).subs(M, 7)
    v = T ** 4 * sp.Matrix([(S * S).trace(), S.trace() ** 2])
    moments = th.trace_second_moments(I(4), I(3), I(7), Sigma=S)
    assert moments == (v[0], v[1]) and moments.expected_squared_trace == v[1]
    np.testing.assert_allclose(th.trace_moment_matrix(7), np.array(T, dtype=float), rtol=1e-15)


def test_wishart_second_moments_by_sympy_stats_samples():
    """Independent check of T: W = sum of k outer products of N(0, Sigma) vectors, d = 2, k = 2."""
    from sympy.stats import E, Normal

    x = [[Normal(f"x{j}{c}", 0, 1) for c in range(2)] for j in range(2)]
    L = sp.Matrix([[1, 0], [sp.Rational(1, 2), 1]])  # Sigma = L L^T
    vecs = [L * sp.Matrix(v) for v in x]
    W = sum((v * v.T for v in vecs), sp.zeros(2, 2))
    Sigma = L * L.T
    trW2, trW_sq = sp.expand((W * W).trace()), sp.expand(W.trace() ** 2)
    k = 2
    assert E(trW2) == k * (k + 1) * (Sigma * Sigma).trace() + k * Sigma.trace() ** 2
    assert E(trW_sq) == 2 * k * (Sigma * Sigma).trace() + k ** 2 * Sigma.trace() ** 2


def test_variance_of_trace_and_msd():
    v = th.variance_of_trace(n, d, M)
    assert sp.simplify(v - ((d ** 2 + 2 * d) / 3 * (((M + 1) / (M - 1)) ** n - 1)
                            - 2 * (d ** 2 - d) / 3 * (1 - ((M - 2) / (M - 1)) ** n))) == 0
    assert th.mean_squared_displacement(n, d, M, Sigma=s2) == n * d * s2 / M
    assert sp.simplify(th.mean_squared_displacement(n, d, M, Sigma=s2, estimator="mle")
                       - d * s2 * (1 - ((M - 1) / M) ** n)) == 0


def test_lyapunov_exponents():
    # gamma_1 is the 1-D drift; the sum over i <= d is the log-det drift
    assert th.lyapunov_exponent(1, 12) == pytest.approx(tg.expected_log_variance(1, 12), rel=1e-14)
    assert sum(th.lyapunov_exponent(i, 12) for i in range(1, 6)) == pytest.approx(th.expected_log_det(1, 5, 12))
    g = [th.lyapunov_exponent(i, 30, "mle") for i in range(1, 5)]
    assert all(x < 0 for x in g) and g == sorted(g, reverse=True)


# ----------------------------------------------------------------------------- d = 1 reduces to theory.gaussian
@pytest.mark.parametrize("est", ["unbiased", "mle"])
def test_d1_reduces_to_gaussian(est):
    kw = dict(Sigma=2.5, estimator=est)
    for m, k in ((2, 1), (3, 7), (10, 30)):
        g = dict(sigma2=2.5, estimator=est)
        assert th.expected_det(k, 1, m, **kw) == pytest.approx(tg.expected_variance(k, m, **g), rel=1e-13)
        assert th.expected_log_det(k, 1, m, **kw) == pytest.approx(tg.expected_log_variance(k, m, **g), rel=1e-13)
        assert th.variance_of_det(k, 1, m, **kw) == pytest.approx(tg.variance_of_variance(k, m, **g), rel=1e-12)
        assert th.variance_of_trace(k, 1, m, **kw) == pytest.approx(tg.variance_of_variance(k, m, **g), rel=1e-12)
        assert th.mean_squared_displacement(k, 1, m, **kw) == pytest.approx(tg.mean_variance(k, m, **g))
        lo, up = th.w2_squared_bounds(k, 1, m, **kw)
        exact = tg.expected_w2_squared(k, m, **g)
        assert lo == pytest.approx(exact, rel=1e-13) and up == pytest.approx(exact, rel=1e-13)
    # symbolically: the d = 1 bracket of E[F_n] is sigma^2 (sqrt(rho) c4(M))^n
    lo, up = th.fidelity_bounds(n, I(1), M, Sigma=s2, estimator=est)
    rho = 1 if est == "unbiased" else (M - 1) / M
    target = s2 * (sp.sqrt(rho) * tg.c4(M)) ** n
    assert sp.simplify(sp.gammasimp(lo - target)) == 0 and sp.simplify(sp.gammasimp(up - target)) == 0


# ----------------------------------------------------------------------------- W2 bracket
def test_w2_bounds_grow_linearly_and_bracket_closes():
    for dd, m in ((2, 3), (5, 10), (20, 40)):
        lo, up = th.w2_squared_bounds(np.array([0, 1, 10, 100, 1000]), dd, m)
        assert lo[0] == pytest.approx(0, abs=1e-12) and up[0] == pytest.approx(0, abs=1e-12)
        assert np.all(lo <= up + 1e-12)
        assert np.all(lo >= np.array([0, 1, 10, 100, 1000]) * dd / m - 1e-9)  # >= E|mu_n - mu|^2 -> infinity
        f_lo, f_up = th.fidelity_bounds(np.array([1, 10, 100, 100_000]), dd, m)
        # h = c4(d(M-1)+1) ~ 1 - 1/(4d(M-1)): the bracket closes geometrically, slowly for large d M
        assert np.all(np.diff(f_up) < 0) and f_up[-1] < 1e-6 * f_up[0] and np.all(f_lo <= f_up)
    assert th.w2_squared_limit(5, 10) == math.inf
    assert th.w2_squared_limit(2, 5, Sigma=sp.Matrix([[2, 1], [1, 2]]), estimator="mle") == 8
    assert th.w2_squared_limit(d, M, Sigma=s2, estimator="mle") == 2 * d * s2
    lo, up = th.w2_squared_bounds(I(3), I(2), I(4), Sigma=I(1))
    assert lo.is_number and float(lo) <= float(up)


# ----------------------------------------------------------------------------- exact = float
FUNCTIONS = (th.expected_det, th.variance_of_det, th.expected_log_det, th.variance_of_log_det,
             th.expected_trace_of_square, th.expected_squared_trace, th.variance_of_trace,
             th.mean_squared_displacement, lambda *a, **k: th.w2_squared_bounds(*a, **k).lower,
             lambda *a, **k: th.w2_squared_bounds(*a, **k).upper)


@pytest.mark.parametrize("est", ["unbiased", "mle"])
def test_exact_equals_float(est):
    for f in FUNCTIONS:
        exact = f(I(6), I(2), I(5), Sigma=S_SP, estimator=est)
        assert float(sp.N(exact, 30)) == pytest.approx(f(6, 2, 5, Sigma=S_NP, estimator=est), rel=1e-13)
        # exact=True reads the float matrix as the decimals it prints as: the same exact value
        assert f(6, 2, 5, Sigma=S_NP, estimator=est, exact=True) == exact


def test_exact_rationals():
    assert th.expected_det(I(3), I(2), I(5), Sigma=S_SP) == sp.Rational(7, 4) * sp.Rational(3, 4) ** 3
    # d = 2, M = 3, c = 1/2: det = c^2 chi2_2 chi2_1, E det^2 = (2*4)(1*3)/16, E det = 2*1/4
    assert th.variance_of_det(I(1), I(2), I(3)) == sp.Rational(24, 16) - sp.Rational(1, 4)
    assert th.det_moment(I(2), I(2), I(4), 2) == (sp.Rational(3 * 5 * 2 * 4, 81)) ** 2
    assert th.det_moment(1, 2, 4, Fraction(1, 2), exact=True) == th.det_moment(I(1), I(2), I(4), sp.Rational(1, 2))
    assert S_SP.det() == sp.Rational(7, 4)


# ----------------------------------------------------------------------------- large d: closed forms of the i-sums
@pytest.mark.parametrize("dd,mm,est", [(65, 70, "unbiased"), (100, 101, "mle"), (300, 1000, "unbiased")])
def test_large_d_closed_forms_equal_the_sums(dd, mm, est):
    """Beyond EXPAND_MAX the polygamma sums are telescoped and the rising products are gamma ratios."""
    assert dd > th.EXPAND_MAX
    c = mpmath.mpf(1) / (mm - 1 if est == "unbiased" else mm)
    a = [mpmath.mpf(mm - i) / 2 for i in range(1, dd + 1)]
    with mpmath.workdps(40):
        k1 = sum(mpmath.psi(0, x) + mpmath.log(2 * c) for x in a)
        k3 = sum(mpmath.psi(2, x) for x in a)
        m1 = mpmath.fprod(2 * c * x for x in a)
        m2 = mpmath.fprod((2 * c) ** 2 * x * (x + 1) for x in a)
        r = mpmath.mpf(1) / (2 * dd)
        g = mpmath.fprod((2 * c) ** r * mpmath.gamma(x + r) / mpmath.gamma(x) for x in a)
    kw = dict(estimator=est)
    assert th.expected_log_det(3, dd, mm, **kw) == pytest.approx(float(3 * k1), rel=1e-14)
    assert th.log_det_cumulant(3, 3, dd, mm, **kw) == pytest.approx(float(3 * k3), rel=1e-14)
    assert th.expected_det(3, dd, mm, **kw) == pytest.approx(float(m1 ** 3), rel=1e-13)
    assert th.det_moment(3, dd, mm, 2, **kw) == pytest.approx(float(m2 ** 3), rel=1e-13)
    assert th.fidelity_bounds(3, dd, mm, **kw).lower == pytest.approx(float(dd * g ** 3), rel=1e-13)


def test_large_d_no_overflow():
    v = th.expected_log_det(50, 100, 101)
    assert math.isfinite(v) and v < -1000
    assert th.expected_det(50, 100, 101) == 0.0 or th.expected_det(50, 100, 101) < 1e-300
    assert th.det_moment(5, 100, 150, 0.005) > 0
    assert th.expected_log_det(10 ** 12, 3, 10 ** 9) == pytest.approx(-6000.0000125, rel=1e-12)


# ----------------------------------------------------------------------------- the law of log det
def _log_chi2_cdf(k, y):
    """P(log(X/k) <= y), X ~ chi2_k: mpmath quadrature of the density of log(X/k) (40 digits)."""
    with mpmath.workdps(40):
        k, y, h = mpmath.mpf(k), mpmath.mpf(y), mpmath.mpf(k) / 2
        sd = mpmath.sqrt(2 / k)

        def density(u):
            x = k * mpmath.exp(u)
            return mpmath.exp(h * mpmath.log(x / 2) - x / 2 - mpmath.loggamma(h))

        return float(mpmath.quad(density, [y - 60 * sd, y - 20 * sd, y - 5 * sd, y - sd, y]))


@pytest.mark.parametrize("m", [3, 8, 10 ** 4, 10 ** 8])
@pytest.mark.parametrize("z", [-30, -5, -0.5, 0.5])
def test_log_det_cdf_against_chi_square_to_full_relative_precision(m, z):
    # n = d = 1: log det Sigma_1 = log(chi2_{M-1}/(M-1)); far-left tails and huge M included
    y = z * math.sqrt(2 / (m - 1))
    exact = _log_chi2_cdf(m - 1, y)
    assert th.log_det_cdf(y, 1, 1, m) == pytest.approx(exact, rel=1e-11)


def test_log_det_cdf_bartlett_product_and_median():
    for m in (3, 8):
        y = -0.3
        assert th.log_det_cdf(y, 1, 1, m) == pytest.approx(stats.chi2.cdf(math.exp(y) * (m - 1), m - 1), abs=1e-12)
    # d = 2, n = 1: det = X1 X2 / k^2, X1 ~ chi2_{M-1}, X2 ~ chi2_{M-2} (Bartlett)
    m, y = 6, -0.5
    k = m - 1
    exact = stats.chi2(k).expect(lambda a: stats.chi2.cdf(math.exp(y) * k * k / a, k - 1), epsabs=1e-13)
    assert th.log_det_cdf(y, 1, 2, m) == pytest.approx(exact, abs=1e-10)
    med = th.median_log_det(5, 3, 6)
    assert th.log_det_cdf(med, 5, 3, 6) == pytest.approx(0.5, abs=1e-12)
    # Sigma shifts the law by log det Sigma
    shift = math.log(1.75)
    assert th.median_log_det(5, 2, 6, Sigma=S_NP) == pytest.approx(th.median_log_det(5, 2, 6) + shift, rel=1e-12)
    assert th.log_det_cdf(shift, 0, 2, 6, Sigma=S_NP) == 1.0 and th.log_det_cdf(shift - 1e-9, 0, 2, 6, Sigma=S_NP) == 0


def test_log_det_cdf_is_a_cdf_at_every_scale():
    """Issue 15: Gil-Pelaez gave 0.95 far in the left tail at M = 5e7; now a CDF in [0, 1], increasing."""
    assert th.log_det_cdf(-6.9, 1, 1, 5 * 10 ** 7) == 0.0
    assert th.log_det_cdf(0.5, 1, 1, 10 ** 8) == 1.0
    for (nn, dd, mm) in ((1, 2, 6), (50, 10, 11), (3, 4, 10 ** 6)):
        k1 = th.expected_log_det(nn, dd, mm)
        sd = math.sqrt(th.variance_of_log_det(nn, dd, mm))
        values = [th.log_det_cdf(k1 + z * sd, nn, dd, mm) for z in (-1e4, -100, -30, -3, 0, 3, 30, 1e4)]
        assert all(0 <= v <= 1 for v in values) and values == sorted(values)
        assert values[0] == 0 and values[-1] == 1 and 0 < values[2] < 1e-20


def test_log_det_cdf_at_a_trillion_generations_matches_edgeworth():
    """n = 1e12: the phase of the integrand is ~1e6 rad; every term must keep its relative precision.

    At the mean the first Edgeworth correction is exact to O(n^-3/2): F = 1/2 + phi(0) gamma_1 / 6."""
    nn, dd, mm = 10 ** 12, 2, 5
    with mpmath.workdps(40):
        a = [mpmath.mpf(mm - i) / 2 for i in range(1, dd + 1)]
        k1 = nn * sum(mpmath.psi(0, x) + mpmath.log(mpmath.mpf(2) / (mm - 1)) for x in a)
        k2, k3 = (nn * sum(mpmath.psi(j, x) for x in a) for j in (1, 2))
        edgeworth = float(mpmath.mpf(1) / 2 + mpmath.npdf(0) * k3 / k2 ** 1.5 / 6)
    assert th.log_det_cdf(float(k1), nn, dd, mm) == pytest.approx(edgeworth, abs=1e-9)
    assert edgeworth < 0.5 - 4e-8  # the skewness is resolved


# ----------------------------------------------------------------------------- edge cases (issue 15)
def test_complex_sigma_is_refused():
    for bad in (np.array([[1 + 1j, 0], [0, 1]]), sp.Matrix([[1, sp.I], [-sp.I, 1]]), 1j, sp.I):
        with pytest.raises(ValueError, match="Sigma"):
            th.expected_det(3, 2, 5, Sigma=bad)


def test_dps_is_gone_and_precision_is_adaptive():
    with pytest.raises(TypeError):
        th.det_moment(3, 2, 5, 1, dps=0)
    with pytest.raises(TypeError):
        th.log_det_cumulant(2, 1, 2, 5, dps=40)
    exact = th.det_moment(3, 2, 5, 1, exact=True)
    assert exact == sp.Rational(27, 64) and th.det_moment(3, 2, 5, 1) == 27 / 64
    kappa2 = th.log_det_cumulant(2, 1, 2, 5, exact=True)  # psi'(2) + psi'(3/2): any precision by sympy.N
    assert abs(sp.N(kappa2 - (2 * sp.pi ** 2 / 3 - 5), 60)) < 1e-55
    assert th.log_det_cumulant(2, 1, 2, 5) == pytest.approx(float(sp.N(kappa2, 40)), rel=1e-15)


def test_positional_scale_and_estimator_are_type_errors():
    with pytest.raises(TypeError):
        th.expected_det(3, 2, 5, S_NP)
    with pytest.raises(TypeError):
        th.expected_log_det(3, 2, 5, None, "mle")


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call,param", [
    (lambda: th.expected_det(3, 3, 3), "M"),
    (lambda: th.expected_det(3, 2, 2.5), "M"),
    (lambda: th.expected_det(3, 0, 5), "d"),
    (lambda: th.expected_det(3, 1.5, 5), "d"),
    (lambda: th.expected_det(3, th.D_MAX + 1, th.D_MAX + 2), "d"),
    (lambda: th.expected_det(-1, 2, 5), "n"),
    (lambda: th.expected_det(3, 2, float("nan")), "M"),
    (lambda: th.expected_det(3, 2, 5, Sigma=np.array([[1.0, 2.0], [2.0, 1.0]])), "Sigma"),
    (lambda: th.expected_det(3, 2, 5, Sigma=np.eye(3)), "Sigma"),
    (lambda: th.expected_det(3, 2, 5, Sigma=np.array([[1.0, 0.1], [0.0, 1.0]])), "Sigma"),
    (lambda: th.expected_det(3, 2, 5, Sigma=np.array([[1.0, np.nan], [np.nan, 1.0]])), "Sigma"),
    (lambda: th.expected_det(3, 2, 5, Sigma=-1.0), "Sigma"),
    (lambda: th.expected_det(3, 2, 5, Sigma=sp.Matrix([[1, 2], [2, 1]])), "Sigma"),
    (lambda: th.expected_det(3, 2, 5, Sigma=[[1.0, True], [True, 1.0]]), "Sigma"),
    (lambda: th.expected_det(3, 2, 5, estimator="median"), "estimator"),
    (lambda: th.det_moment(3, 2, 5, r=-2), "r"),
    (lambda: th.log_det_cumulant(1.5, 3, 2, 5), "order"),
    (lambda: th.lyapunov_exponent(3, 3), "M"),
    (lambda: th.w2_squared_bounds(np.array([1, -1]), 2, 5), "n"),
    (lambda: th.expected_covariance([1, 2], 2, 5, Sigma=S_NP), "n"),
    (lambda: th.log_det_cdf(float("inf"), 1, 2, 5), "y"),
    (lambda: th.median_log_det(np.array([1, 2]), 2, 5), "n"),
])
def test_bad_input_names_parameter(call, param):
    with pytest.raises(ValueError, match=param):
        call()


# ----------------------------------------------------------------------------- sampling bias (issue 13)
lam_ = sp.Symbol("lambda", positive=True)


@pytest.mark.parametrize("est", ["unbiased", "mle"])
def test_bias_scales_sigma_n_by_lambda_to_the_n(est):
    rho = 1 if est == "unbiased" else (M - 1) / M
    S = [[2, 1], [1, 3]]
    kw = dict(Sigma=S, estimator=est)
    assert sp.simplify(th.expected_covariance(n, I(2), M, bias=lam_, **kw)
                       - (lam_ * rho) ** n * sp.Matrix(S)) == sp.zeros(2, 2)
    assert sp.simplify(th.expected_log_det(n, d, M, bias=lam_, estimator=est)
                       - th.expected_log_det(n, d, M, estimator=est) - n * d * sp.log(lam_)) == 0
    assert sp.simplify(th.expected_det(n, I(3), M, bias=lam_, estimator=est)
                       - lam_ ** (3 * n) * th.expected_det(n, I(3), M, estimator=est)) == 0
    tsm = th.trace_second_moments(n, I(2), M, bias=lam_, **kw)
    ref = th.trace_second_moments(n, I(2), M, **kw)
    assert all(sp.simplify(a - lam_ ** (2 * n) * b) == 0 for a, b in zip(tsm, ref))
    assert th.variance_of_log_det(n, d, M, bias=lam_, estimator=est) == th.variance_of_log_det(n, d, M, estimator=est)
    # the mean freezes: lambda tr Sigma (1 - (lambda rho)^n) / (M (1 - lambda rho)), summed by sympy
    j = sp.Symbol("j", integer=True, nonnegative=True)
    walk = sp.summation(lam_ * 5 * (lam_ * rho) ** j / M, (j, 0, n - 1))
    msd = th.mean_squared_displacement(n, I(2), M, bias=lam_, **kw)
    for nn, mm, ll in ((0, 3, sp.Rational(1, 2)), (4, 5, sp.Rational(7, 10)), (9, 20, sp.Rational(9, 10))):
        at = {n: nn, M: mm, lam_: ll}
        assert sp.simplify(msd.subs(at) - walk.subs(at).doit()) == 0
    assert th.mean_squared_displacement(n, I(2), M, bias=1, **kw) == th.mean_squared_displacement(n, I(2), M, **kw)


@pytest.mark.parametrize("est", ["unbiased", "mle"])
def test_bias_in_d1_is_the_gaussian_bias(est):
    for m, k, lam in ((5, 7, 0.5),):
        kw, g = dict(Sigma=2.5, estimator=est, bias=lam), dict(sigma2=2.5, estimator=est, bias=lam)
        assert th.expected_covariance(k, 1, m, **kw) == pytest.approx(tg.expected_variance(k, m, **g), rel=1e-13)
        assert th.expected_log_det(k, 1, m, **kw) == pytest.approx(tg.expected_log_variance(k, m, **g), rel=1e-13)
        assert th.variance_of_det(k, 1, m, **kw) == pytest.approx(tg.variance_of_variance(k, m, **g), rel=1e-12)
        assert th.mean_squared_displacement(k, 1, m, **kw) == pytest.approx(tg.mean_variance(k, m, **g), rel=1e-13)
        lo, up = th.w2_squared_bounds(k, 1, m, **kw)
        exact = tg.expected_w2_squared(k, m, **g)
        assert lo == pytest.approx(exact, rel=1e-12) and up == pytest.approx(exact, rel=1e-12)
        assert th.w2_squared_limit(1, m, **kw) == pytest.approx(tg.w2_squared_limit(m, **g), rel=1e-13)
        assert th.lyapunov_exponent(1, m, est, bias=lam) == pytest.approx(tg.expected_log_variance(1, m, **g) -
                                                                        math.log(2.5), rel=1e-13)
        assert th.median_log_det(k, 1, m, **kw) == pytest.approx(math.log(tg.median_variance(k, m, **g)), abs=1e-9)


def test_bias_limits_and_the_law_of_log_det():
    # W2 to the original tends to tr Sigma + lambda tr Sigma / (M (1 - lambda rho)): far from the MLE's 2 tr Sigma
    assert th.w2_squared_limit(2, 10, bias=sp.Rational(1, 2), exact=True) == sp.Rational(11, 5)
    lo, up = th.w2_squared_bounds(400, 2, 10, bias=0.5)
    assert lo == pytest.approx(2.2, rel=1e-12) and up == pytest.approx(2.2, rel=1e-12)
    lim = th.w2_squared_limit(d, M, bias=lam_)
    assert isinstance(lim, sp.Piecewise) and lim.subs(lam_, 1) == sp.oo
    # log det Sigma_n is shifted by n d log lambda
    for y in (-3.0, -1.0):
        assert th.log_det_cdf(y, 3, 2, 6, bias=0.8) == pytest.approx(
            th.log_det_cdf(y - 6 * math.log(0.8), 3, 2, 6), abs=1e-13)
    assert th.median_log_det(3, 2, 6, bias=0.8) == pytest.approx(th.median_log_det(3, 2, 6) + 6 * math.log(0.8))
    # exact at sympy numbers, float otherwise; the wrong formula (no bias) is not what comes out
    e = th.expected_log_det(2, 2, 4, bias=sp.Rational(1, 2))
    assert sp.N(e, 30) == pytest.approx(th.expected_log_det(2, 2, 4, bias=0.5), rel=1e-14)
    assert abs(float(e) - th.expected_log_det(2, 2, 4)) > 1


@pytest.mark.parametrize("bad", [0, -0.5, 1.5, float("nan")])
def test_multivariate_bias_outside_zero_one_is_refused(bad):
    for f in (th.expected_covariance, th.mean_squared_displacement, th.expected_log_det):
        with pytest.raises(ValueError, match="bias"):
            f(3, 2, 4, bias=bad)
