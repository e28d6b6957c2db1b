"""theory.mixture: the Mixture value type, closed forms (symbolic == exact == float) and quadrature distances."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from scipy import integrate, stats

from theory import core
from theory import mixture as tm
from theory.mixture import Mixture

MIX = Mixture((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0))
G1, G2 = ((1.0,), (1.0,), (4.0,)), ((1.0,), (0.0,), (1.0,))


# ----------------------------------------------------------------------------- the value type
def test_mixture_is_validated_once_and_unpacks_as_a_triple():
    p = Mixture(np.array([0.25, 0.75]), [0, 1.5], (1.0, 4.0))
    assert p.weights == (0.25, 0.75) and p.means == (0, 1.5) and p.k == 2 and p.sds == (1.0, 2.0)
    w, m, v = p
    assert v == (1.0, 4.0) and p == ((0.25, 0.75), (0, 1.5), (1.0, 4.0))
    assert tm.MIXTURE.check(p, "mixture") is p
    assert tm.MIXTURE.check(((1.0,), (0.0,), (2.0,)), "mixture") == Mixture((1.0,), (0.0,), (2.0,))
    hash(p)


def test_mixture_exact_and_symbolic_entries():
    from fractions import Fraction
    p = Mixture((Fraction(1, 3), sp.Rational(2, 3)), (0, 1), (1, 2))
    assert p.weights == (sp.Rational(1, 3), sp.Rational(2, 3)) and p.sds == (1.0, math.sqrt(2))
    w, s = sp.symbols("w s", positive=True)
    q = Mixture((w, 1 - w), (0, 1), (s, 1))
    assert q.sds == (sp.sqrt(s), 1.0)


@pytest.mark.parametrize("parts,param", [
    (((0.5, 0.6), (0.0, 1.0), (1.0, 1.0)), "sum to 1"),
    (((sp.Rational(1, 2), sp.Rational(1, 3)), (0, 1), (1, 1)), "sum to 1"),
    (((0.5, 0.5), (0.0, 1.0), (1.0, 0.0)), r"variances\[1\]"),
    (((0.5, 0.5), (0.0, 1.0), (1.0, -2.0)), r"variances\[1\]"),
    (((0.5, 0.5), (0.0, math.nan), (1.0, 1.0)), r"means\[1\]"),
    (((0.5, 0.5), (0.0, math.inf), (1.0, 1.0)), r"means\[1\]"),
    (((1.5, -0.5), (0.0, 1.0), (1.0, 1.0)), r"weights\[1\]"),
    (((0.5, 0.5), (0.0,), (1.0, 1.0)), "same"),
    (((True, False), (0.0, 1.0), (1.0, 1.0)), r"weights\[0\]"),
    (((0.5, "0.5"), (0.0, 1.0), (1.0, 1.0)), r"weights\[1\]"),
    (((0.5, 0.5), (0.0, 1j), (1.0, 1.0)), r"means\[1\]"),
    (((), (), ()), "non-zero"),
    ((0.5, (0.0,), (1.0,)), "weights"),
    (("ab", (0.0,), (1.0,)), "weights"),
    ((((1.0,),), (0.0,), (1.0,)), "weights"),
])
def test_mixture_bad_entries_name_the_part(parts, param):
    with pytest.raises(ValueError, match=param):
        Mixture(*parts)


@pytest.mark.parametrize("value", [None, "abc", 3, ((1.0,), (0.0,)), ((1.0,), (0.0,), (1.0,), (1.0,))])
def test_mixture_argument_must_be_a_triple(value):
    with pytest.raises(ValueError, match="mixture must be a Mixture or a"):
        tm.mixture_moments(value)


def test_numeric_only_functions_refuse_symbolic_mixtures():
    s = sp.Symbol("s", positive=True)
    with pytest.raises(core.NoClosedFormError, match="no closed form"):
        tm.kappa(((1,), (0,), (s,)))
    with pytest.raises(core.NoClosedFormError, match="no closed form"):
        tm.mixture_pdf(sp.Symbol("x"), MIX)


def test_compatibility_helpers_return_a_mixture():
    assert tm.check_mixture((1.0,), (0.0,), (2.0,)) == Mixture((1.0,), (0.0,), (2.0,))
    with pytest.raises(ValueError, match="mix: weights"):
        tm.unpack_mixture(((0.5, 0.6), (0.0, 1.0), (1.0, 1.0)), "mix")
    with pytest.raises(ValueError, match="symbolic_ok"):
        tm.check_mixture((1.0,), (0.0,), (2.0,), symbolic_ok="no")


# ----------------------------------------------------------------------------- closed forms
def test_mixture_moments_symbolic_exact_numeric():
    w1, m1, m2, v1, v2 = sp.symbols("w1 mu1 mu2 v1 v2", positive=True)
    mu, var = tm.mixture_moments(((w1, 1 - w1), (m1, m2), (v1, v2)))
    assert sp.simplify(mu - (w1 * m1 + (1 - w1) * m2)) == 0
    assert sp.simplify(var - (w1 * v1 + (1 - w1) * v2 + w1 * (1 - w1) * (m1 - m2) ** 2)) == 0
    exact = tm.mixture_moments(((sp.Rational(1, 3), sp.Rational(2, 3)), (-1, 2), (1, 3)))
    assert exact == (1, sp.Rational(13, 3)) and isinstance(exact, tm.MixtureMoments)
    assert tm.mixture_moments(((1 / 3, 2 / 3), (-1, 2), (1, 3))) == pytest.approx((1.0, 13 / 3), rel=1e-15)
    assert tm.mixture_moments(MIX, exact=True).variance == 5


def test_moments_without_cancellation():
    # far-off common mean: the variance is small against mu^2 (the raw-moment form loses every digit)
    p = Mixture((0.5, 0.5), (1e9, 1e9 + 2e-3), (1e-6, 1e-6))
    assert tm.mixture_moments(p).variance == pytest.approx(1e-6 + 1e-6, rel=1e-12)


def test_l2_symbolic_exact_numeric():
    p = ((sp.Rational(1, 2), sp.Rational(1, 2)), (-2, 2), (1, 1))
    exact = tm.l2_squared(p, ((1,), (0,), (5,)))
    qf = ((1.0,), (0.0,), (5.0,))
    assert float(sp.N(exact, 30)) == pytest.approx(tm.l2_squared(MIX, qf), rel=1e-13)
    x = np.linspace(-30, 30, 200001)
    brute = integrate.trapezoid((tm.mixture_pdf(x, MIX) - tm.mixture_pdf(x, qf)) ** 2, x)
    assert brute == pytest.approx(tm.l2_squared(MIX, qf), rel=1e-9)
    assert tm.l2_squared(MIX, MIX) == 0.0
    # nearly equal mixtures: evaluated at 50 digits, no cancellation
    near = Mixture((0.5, 0.5), (-2.0, 2.0 + 1e-6), (1.0, 1.0))
    ref = 0.25 * 2 * (1 - math.exp(-1e-12 / 4)) / math.sqrt(4 * math.pi)  # one shifted component
    assert tm.l2_squared(MIX, near) == pytest.approx(ref, rel=1e-9)


# ----------------------------------------------------------------------------- pointwise
def test_pointwise_functions_floats_shapes_and_infinite_limits():
    assert isinstance(tm.mixture_pdf(0.3, MIX), float) and isinstance(tm.mixture_cdf(0.3, MIX), float)
    assert tm.mixture_pdf(math.inf, MIX) == 0
    np.testing.assert_array_equal(tm.mixture_cdf([-math.inf, math.inf], MIX), [0.0, 1.0])
    x = np.linspace(-3, 3, 6).reshape(2, 3)
    np.testing.assert_allclose(tm.mixture_pdf(x, MIX), tm.mixture_pdf(x.ravel(), MIX).reshape(2, 3), rtol=0)
    u = np.array([[0.1, 0.5], [0.7, 0.99]])
    q = tm.mixture_quantile(u, MIX)
    assert q.shape == (2, 2)
    np.testing.assert_allclose(tm.mixture_cdf(q, MIX), u, rtol=1e-12)


def test_quantile_against_scipy_and_symmetric_median():
    u = np.array([1e-12, 0.01, 0.5, 0.9, 1 - 1e-12])
    assert np.allclose(tm.mixture_quantile(u, G1), stats.norm.ppf(u, 1, 2), rtol=1e-10)
    assert tm.mixture_quantile(0.5, MIX) == 0.0
    assert tm.mixture_quantile(np.array([[0.5]]), ((0.25, 0.5, 0.25), (0.0, 1.0, 2.0), (1.0, 3.0, 1.0)))[0, 0] == 1.0
    asym = ((0.3, 0.7), (-2.0, 2.0), (1.0, 1.0))
    assert abs(tm.mixture_cdf(tm.mixture_quantile(0.5, asym), asym) - 0.5) < 1e-14


@pytest.mark.parametrize("call,param", [
    (lambda: tm.mixture_quantile(0.0, MIX), "u"),
    (lambda: tm.mixture_quantile([0.5, 1.5], MIX), "u"),
    (lambda: tm.mixture_pdf([0.5, math.nan], MIX), "x"),
    (lambda: tm.mixture_pdf([], MIX), "x"),
    (lambda: tm.mixture_cdf(True, MIX), "x"),
    (lambda: tm.mixture_cdf("a", MIX), "x"),
])
def test_pointwise_bad_input(call, param):
    with pytest.raises(ValueError, match=param):
        call()


# ----------------------------------------------------------------------------- quadrature distances
def test_two_gaussians_closed_forms():
    assert tm.w2_squared(G1, G2) == pytest.approx(1 + 1, rel=1e-9)
    assert tm.kl_divergence(G2, G1) == pytest.approx(math.log(2) + (1 + 1) / 8 - 0.5, rel=1e-12)
    assert tm.total_variation(G2, ((1.0,), (1.0,), (1.0,))) == pytest.approx(math.erf(0.5 / math.sqrt(2)), rel=1e-12)
    assert tm.mixture_entropy(G1) == pytest.approx(0.5 * math.log(2 * math.pi * math.e * 4), rel=1e-13)


def test_kl_is_never_negative_and_accurate_for_nearly_equal_mixtures():
    # issue 15: the plain integrand p log(p/q) gave small negative values here
    for d in (0.0, 1e-9, 1e-6, 1e-3):
        q = Mixture((0.5, 0.5), (-2.0, 2.0 + d), (1.0, 1.0))
        kl = tm.kl_divergence(MIX, q)
        assert kl >= 0
        if d:
            with mpmath.workdps(40):  # 40-digit oracle: the same integral without shortcuts
                pa = lambda x: (mpmath.npdf(x, -2, 1) + mpmath.npdf(x, 2, 1)) / 2  # noqa: E731
                pb = lambda x: (mpmath.npdf(x, -2, 1) + mpmath.npdf(x, 2 + d, 1)) / 2  # noqa: E731
                ref = mpmath.quad(lambda x: pa(x) * mpmath.log(pa(x) / pb(x)), [-40, -2, 0, 2, 40])
            assert kl == pytest.approx(float(ref), rel=1e-6)
    assert tm.kl_divergence(MIX, MIX) == 0.0


def test_kl_counts_the_mass_of_the_second_mixture_outside_the_range():
    far = Mixture((0.5, 0.5), (0.0, 1000.0), (1.0, 1.0))
    kl = tm.kl_divergence(G2, far)
    assert kl == pytest.approx(math.log(2), rel=1e-10)  # p_b = p_a/2 where p_a lives


def test_w2_to_gaussian_is_a_sum_of_non_negative_terms():
    mu, var = tm.mixture_moments(MIX)
    k = tm.kappa(MIX)
    assert k < math.sqrt(var)
    rng = np.random.default_rng(7)
    means, variances = mu + rng.normal(0, 2, 20), rng.uniform(0.01, 25, 20)
    vec = tm.w2_squared_gaussians_to_mixture(means, sigma2=variances, mixture=MIX)
    scalar = [tm.w2_squared_to_gaussian(m, sigma2=v, mixture=MIX) for m, v in zip(means, variances)]
    np.testing.assert_allclose(vec, scalar, rtol=1e-14)
    for m, v, w in list(zip(means, variances, vec))[:3]:  # independent: the quantile quadrature
        assert w == pytest.approx(tm.w2_squared(MIX, ((1.0,), (m,), (v,))), rel=1e-8, abs=1e-12)
    assert tm.w2_squared_gaussians_to_mixture(means[:3], sigma2=1.0, mixture=MIX).shape == (3,)
    assert isinstance(tm.w2_squared_gaussians_to_mixture(0.0, sigma2=1.0, mixture=MIX), float)
    out = tm.w2_squared_gaussians_to_mixture(np.array([0.0, 1.0, -2.0]), sigma2=np.array([1.0, 9.0, 0.25]), mixture=G1)
    np.testing.assert_allclose(out, (np.array([0.0, 1.0, -2.0]) - 1.0) ** 2 + (np.array([1.0, 3.0, 0.5]) - 2.0) ** 2,
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("call,param", [
    (lambda: tm.w2_squared_gaussians_to_mixture([0.0, math.nan], sigma2=[1.0, 1.0], mixture=MIX), "mean"),
    (lambda: tm.w2_squared_gaussians_to_mixture([0.0, 1.0], sigma2=[1.0, 0.0], mixture=MIX), "sigma2"),
    (lambda: tm.w2_squared_gaussians_to_mixture([0.0, math.inf], mixture=MIX), "mean"),
    (lambda: tm.w2_squared_gaussians_to_mixture(np.zeros(3), sigma2=np.ones(4), mixture=MIX), "mean and sigma2"),
    (lambda: tm.w2_squared_gaussians_to_mixture(0.0, sigma2=True, mixture=MIX), "sigma2"),
    (lambda: tm.w2_squared_to_gaussian(math.nan, mixture=MIX), "mean"),
    (lambda: tm.w2_squared_to_gaussian(0.0, sigma2=0.0, mixture=MIX), "sigma2"),
])
def test_w2_to_gaussian_bad_input(call, param):
    with pytest.raises(ValueError, match=param):
        call()


def test_the_old_positional_standard_deviation_call_is_refused():
    with pytest.raises(TypeError):
        tm.w2_squared_gaussians_to_mixture(0.0, 1.0, MIX)
