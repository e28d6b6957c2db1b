"""theory.truncation: symbolic == exact == float == scipy == a 60-digit mpmath oracle, also at the edges."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from scipy import stats

from theory import core
from theory import gaussian as tg
from theory import truncation as tt

a, b = sp.symbols("a b", real=True)
c = sp.Symbol("c", positive=True)
T = sp.Symbol("T", positive=True)
n = sp.Symbol("n", integer=True, nonnegative=True)
M = sp.Symbol("M", integer=True, positive=True)


def oracle(lo, hi, dps=60):
    """(E X, Var X, E X^3, E (X - EX)^4) of N(0,1) truncated to [lo, hi]: direct mpmath integration of the
    definition at 60 digits, in y = x - s with s the bound nearer 0 (no underflow, no cancellation)."""
    with mpmath.workdps(dps):
        lo, hi = mpmath.mpf(lo), mpmath.mpf(hi)
        s = lo if lo >= 0 else (hi if hi <= 0 else mpmath.mpf(0))
        memo = {}

        def w(y):  # phi(s + y) / phi(s)
            if y not in memo:
                memo[y] = mpmath.exp(-(y * y + 2 * s * y) / 2)
            return memo[y]

        scale = 1 / max(abs(s), 1)
        ends = (lo - s, hi - s)
        pts = [p for p in sorted({*ends, *(d * scale * 8 ** i for i in range(-1, 4) for d in (-1, 1))})
               if ends[0] <= p <= ends[1]]
        mom = [mpmath.quad(lambda y: y ** j * w(y), pts) for j in range(5)]
        e = [v / mom[0] for v in mom]  # moments of Y = X - s
        mean = e[1]
        central = lambda k: mpmath.fsum(mpmath.binomial(k, i) * e[i] * (-mean) ** (k - i) for i in range(k + 1))  # noqa
        raw3 = mpmath.fsum(mpmath.binomial(3, i) * e[i] * s ** (3 - i) for i in range(4))
        return [float(s + mean), float(central(2)), float(raw3), float(central(4))]


# issue 15: truncated_normal_variance(11, 13) was negative, truncated_normal_mean(38.0, 39.0) divided by 0
EDGES = [(11, 13), (38.0, 39.0), (-39.0, -38.0), (1e6, math.inf), (-math.inf, -1e4), (5, 5 + 1e-10),
         (1e-3, 1e-3 + 1e-9), (19.9, 20.1), (30, 30.01), (-1, 2.5), (-3, 1e300), (-0.5, 0.5000001),
         (0, math.inf), (-1e-5, 3e-5), (1e-300, 3e-300)]


@pytest.mark.parametrize("lo,hi", EDGES)
def test_moments_at_the_edges_match_a_60_digit_oracle(lo, hi):
    got = [tt.truncated_normal_mean(lo, hi), tt.truncated_normal_variance(lo, hi),
           tt.truncated_normal_raw_moment(3, lo, hi), tt.truncated_normal_central_moment(4, lo, hi)]
    want = oracle(lo, hi)
    for g, w in zip(got, want):
        assert isinstance(g, float)
        assert g == pytest.approx(w, rel=1e-12, abs=1e-300)
    assert got[1] > 0 or want[1] < 1e-300


def test_issue_15_values():
    assert tt.truncated_normal_variance(11, 13) == pytest.approx(0.007880681464886024, rel=1e-14)
    assert tt.truncated_normal_mean(38.0, 39.0) == pytest.approx(38.02627946657587, rel=1e-15)
    # far tails: E[X] ~ a + 1/a, Var ~ 1/a^2 - 6/a^4
    assert tt.truncated_normal_variance(1e8, math.inf) == pytest.approx(1e-16 * (1 - 6e-16), rel=1e-14)
    assert tt.truncated_normal_mean(-math.inf, -1e8) == pytest.approx(-1e8 - 1e-8, rel=1e-15)


def test_random_intervals_match_the_oracle():
    rng = np.random.default_rng(15)
    for _ in range(8):
        lo = float(rng.choice([-1, 1]) * 10 ** rng.uniform(-4, 2))
        hi = lo + float(10 ** rng.uniform(-6, 2))
        mean, var = oracle(lo, hi)[:2]
        assert tt.truncated_normal_mean(lo, hi) == pytest.approx(mean, rel=1e-12)
        assert 0 < tt.truncated_normal_variance(lo, hi) == pytest.approx(var, rel=1e-12)


def test_the_oracle_itself_matches_the_textbook_form_where_it_is_well_conditioned():
    with mpmath.workdps(60):
        Z = (mpmath.erf(2.5 / mpmath.sqrt(2)) - mpmath.erf(-1 / mpmath.sqrt(2))) / 2
        m1 = (mpmath.npdf(-1) - mpmath.npdf(2.5)) / Z
    assert oracle(-1, 2.5)[0] == pytest.approx(float(m1), rel=1e-15)


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4])
def test_symbolic_recurrence_equals_exact_and_float(k):
    sym = tt.truncated_normal_raw_moment(k, a, b)
    at = sym.subs({a: sp.Rational(-1, 2), b: 2})
    exact = tt.truncated_normal_raw_moment(k, sp.Rational(-1, 2), 2)
    assert sp.N(at - exact, 40) == pytest.approx(0, abs=1e-35)
    assert float(sp.N(exact, 30)) == pytest.approx(tt.truncated_normal_raw_moment(k, -0.5, 2.0), rel=1e-14)


def test_infinite_bounds_are_limits():
    assert tt.truncated_normal_raw_moment(2, 0, sp.oo, exact=True) == 1
    assert tt.truncated_normal_mean(-sp.oo, 0, exact=True) == -sp.sqrt(2) / sp.sqrt(sp.pi)
    assert sp.simplify(tt.truncated_normal_variance(0, sp.oo) - (1 - 2 / sp.pi)) == 0
    assert tt.truncated_normal_variance(-math.inf, math.inf) == 1.0


def test_symmetric_factor_is_the_general_formula_at_minus_c_c():
    assert sp.simplify(tt.truncated_normal_variance(-c, c) - tt.truncation_variance_factor(c)) == 0
    assert sp.simplify(tt.truncation_variance_factor(c) - (1 - 2 * c * tt.phi(c) / (2 * tt.Phi(c) - 1))) == 0


@pytest.mark.parametrize("cv", [0.3, 1, 1.5, 2, 3, 5])
def test_factor_exact_float_scipy(cv):
    exact = tt.truncation_variance_factor(sp.nsimplify(cv))
    assert isinstance(exact, sp.Basic)
    flt = tt.truncation_variance_factor(cv)
    assert float(sp.N(exact, 30)) == pytest.approx(flt, rel=1e-14)
    assert flt == pytest.approx(stats.truncnorm.var(-cv, cv), rel=1e-12)
    assert 0 < flt < 1


def test_factor_for_tiny_and_huge_cuts():
    assert tt.truncation_variance_factor(1e-8) == pytest.approx(1e-16 / 3, rel=1e-12)  # r(c) ~ c^2/3
    assert tt.truncation_variance_factor(1e300) == 1.0


@pytest.mark.parametrize("av,bv", [(-1.0, 2.5), (0.0, 3.0), (-2.0, -0.5), (1.0, 1.5), (-1.0, math.inf)])
def test_general_truncation_matches_scipy(av, bv):
    assert tt.truncated_normal_variance(av, bv) == pytest.approx(stats.truncnorm.var(av, bv), rel=1e-10)
    assert tt.truncated_normal_mean(av, bv) == pytest.approx(stats.truncnorm.mean(av, bv), rel=1e-10, abs=1e-14)
    if math.isfinite(bv):
        for k in (3, 4):
            assert tt.truncated_normal_raw_moment(k, av, bv) == pytest.approx(stats.truncnorm.moment(k, av, bv),
                                                                               rel=1e-9)


def test_wrong_factor_without_squared_term_differs_for_asymmetric_cut():
    wrong = 1 + (-1 * stats.norm.pdf(-1) - 2.5 * stats.norm.pdf(2.5)) / (stats.norm.cdf(2.5) - stats.norm.cdf(-1))
    assert abs(wrong - stats.truncnorm.var(-1, 2.5)) > 0.05
    assert tt.truncated_normal_variance(-1, 2.5) == pytest.approx(stats.truncnorm.var(-1, 2.5), rel=1e-12)


def test_phi_Phi_floats_for_floats_and_infinite_limits():
    assert isinstance(tt.phi(0.3), float) and isinstance(tt.Phi(0.3), float)
    assert tt.phi(math.inf) == 0 and tt.phi(-math.inf) == 0
    assert tt.Phi(math.inf) == 1 and tt.Phi(-math.inf) == 0 and tt.Phi(sp.oo) == 1
    assert tt.Phi(-20.0) == pytest.approx(stats.norm.cdf(-20.0), rel=1e-13)
    assert tt.Phi(a).free_symbols == {a}


def test_temperature_is_exactly_T():
    assert tt.temperature_variance_factor(T) == T
    assert tt.temperature_variance_factor(sp.Rational(3, 4)) == sp.Rational(3, 4)
    assert tt.temperature_variance_factor(0.7) == pytest.approx(0.7, rel=1e-15)
    x = sp.Symbol("x", real=True)
    assert sp.simplify(tt.temperature_density(T) - sp.exp(-x ** 2 / (2 * T)) / sp.sqrt(2 * sp.pi * T)) == 0
    assert tt.temperature_density(0.5, 1.0, sigma2=2.0, x=1.0) == pytest.approx(1 / math.sqrt(2 * math.pi), rel=1e-15)


def test_recursive_variances_symbolic_and_numeric():
    e = tt.truncation_expected_variance(n, c, M, estimator="mle")
    assert sp.simplify(e - (tt.truncation_variance_factor(c) * (M - 1) / M) ** n) == 0
    assert tt.truncation_expected_variance(10, 2) == pytest.approx(stats.truncnorm.var(-2, 2) ** 10, rel=1e-12)
    assert tt.truncation_expected_variance(10, 2, 20, sigma2=2.0, estimator="mle") == pytest.approx(
        2 * (stats.truncnorm.var(-2, 2) * 19 / 20) ** 10, rel=1e-12)
    assert tt.temperature_expected_variance(n, T, None) == T ** n
    assert tt.temperature_expected_variance(5, sp.Rational(1, 2), 10, estimator="mle") == sp.Rational(9, 20) ** 5
    assert tt.refit_variance_factor(10, "mle", exact=True) == sp.Rational(9, 10)
    assert tt.refit_variance_factor(None) == 1.0


def test_generations_array_and_huge_n():
    ns = np.array([0, 1, 10, 10 ** 12])
    out = tt.truncation_expected_variance(ns, 3.0)
    r = stats.truncnorm.var(-3, 3)
    assert out.shape == (4,) and out[0] == 1.0 and out[2] == pytest.approx(r ** 10, rel=1e-12) and out[3] == 0.0
    assert tt.temperature_expected_variance(10 ** 12, 0.9) == 0.0


def test_second_moment_reduces_to_gaussian_without_truncation():
    for est in ("unbiased", "mle"):
        q = tt.temperature_variance_second_moment(n, 1, M, estimator=est)
        assert sp.simplify(q - tg.variance_moment(n, M, 2, estimator=est)) == 0
    assert tt.truncation_variance_second_moment(3, 40, 20) == pytest.approx((21 / 19) ** 3, rel=1e-12)
    assert tt.truncation_variance_of_variance(1, 40.0, 3) == pytest.approx(1.0, rel=1e-12)
    assert tt.truncation_variance_of_variance(2, 1.5, 10, sigma2=3.0) == pytest.approx(
        tt.truncation_variance_second_moment(2, 1.5, 10, sigma2=3.0)
        - tt.truncation_expected_variance(2, 1.5, 10, sigma2=3.0) ** 2, rel=1e-12)


def test_scale_is_keyword_only_and_a_variance():
    with pytest.raises(TypeError):
        tt.truncation_expected_variance(3, 2.0, 10, 4.0)
    assert tt.truncation_expected_variance(3, 2.0, 10, sigma2=4.0) == pytest.approx(
        4 * tt.truncation_expected_variance(3, 2.0, 10), rel=1e-15)


@pytest.mark.parametrize("call,param", [
    (lambda: tt.truncation_variance_factor(0), "c"),
    (lambda: tt.truncation_variance_factor(-1.0), "c"),
    (lambda: tt.truncation_variance_factor(float("nan")), "c"),
    (lambda: tt.temperature_variance_factor(0), "T"),
    (lambda: tt.truncation_expected_variance(-1, 2), "n"),
    (lambda: tt.truncation_expected_variance(3, 2, M=1), "M"),
    (lambda: tt.temperature_expected_variance(3, 0.9, M=1.5), "M"),
    (lambda: tt.truncation_expected_variance(3, 2, sigma2=0), "sigma2"),
    (lambda: tt.truncation_variance_second_moment(3, 2, 20, estimator="biased"), "estimator"),
    (lambda: tt.truncated_normal_variance(2, 1), "a < b"),
    (lambda: tt.truncated_normal_raw_moment(21, 0, 1), "k"),
    (lambda: tt.phi(True), "x"),
])
def test_bad_input_names_parameter(call, param):
    with pytest.raises(ValueError, match=param):
        call()


def test_symbols_where_there_is_no_closed_form_do_not_exist_here():
    # every function of this module has a closed form: symbols give expressions
    assert isinstance(tt.truncated_normal_central_moment(3, a, b), sp.Expr)
    assert not isinstance(tt.truncated_normal_central_moment(3, a, b), core.NoClosedFormError)
