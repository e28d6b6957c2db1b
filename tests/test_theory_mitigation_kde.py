"""theory.mitigation.kde: kernel density chains, exactly (variance inflation, sigma^2 + t kappa)."""

from fractions import Fraction

import math

import numpy as np
import pytest
import sympy as sp

from theory import mitigation as tm
from theory.mitigation import kde


def oracle(T, n, kappa, workflow, sigma2=Fraction(1)):
    """[(E s_t^2, E (m_t - mu)^2)] by the raw recursion of the stored sums (E A^2, E Q), mu = 0."""
    N, a2, q = n, n * sigma2, n * sigma2
    out = [(q / N - a2 / N ** 2, a2 / N ** 2)]
    for _ in range(T):
        ey2 = q / N + kappa  # a sample: a stored point picked uniformly plus kernel noise
        a2b = n * ey2 + n * (n - 1) * a2 / N ** 2
        if workflow == "replace":
            N, a2, q = n, a2b, n * ey2
        else:
            N, a2, q = N + n, a2 + 2 * n * a2 / N + a2b, q + n * ey2
        out.append((q / N - a2 / N ** 2, a2 / N ** 2))
    return out


@pytest.mark.parametrize("workflow", ["replace", "accumulate"])
@pytest.mark.parametrize("kernel", ["gaussian", "tophat"])
def test_exact_equals_the_raw_recursion(workflow, kernel):
    h2 = Fraction(3, 5)
    kappa = h2 if kernel == "gaussian" else h2 / 3
    ref = oracle(15, 4, kappa, workflow, Fraction(2))
    for t in (0, 1, 6, 15):
        got = tm.kde_chain_moments(t, 4, h2=h2, workflow=workflow, kernel=kernel, sigma2=2, exact=True)
        assert tuple(got) == tuple(sp.Rational(x.numerator, x.denominator) for x in ref[t])
        flt = tm.kde_chain_moments(t, 4, h2=0.6, workflow=workflow, kernel=kernel, sigma2=2.0)
        np.testing.assert_allclose(flt, [float(x) for x in ref[t]], rtol=1e-13)


@pytest.mark.parametrize("workflow", ["replace", "accumulate"])
def test_the_identity_and_only_the_kernel_variance_enters(workflow):
    for t in (0, 5, 40):
        m = tm.kde_chain_moments(t, 3, h2=sp.Rational(1, 2), workflow=workflow, exact=True)
        total = tm.kde_second_moment(t, 3, h2=sp.Rational(1, 2), workflow=workflow, exact=True)
        assert m.variance + m.mean_error == total
        expected = 1 + t * sp.Rational(1, 2) if workflow == "replace" else 1 + (sp.harmonic(t + 1) - 1) / 2
        assert total == expected
        # a top-hat of half-width sqrt(3 kappa) is the same chain in its second moments
        assert tm.kde_chain_moments(t, 3, h2=sp.Rational(3, 2), workflow=workflow, kernel="tophat", exact=True) == m


def test_replace_inflates_the_variance_and_random_walks_the_mean():
    kappa, n = 0.3, 5
    far = tm.kde_chain_moments(10 ** 4, n, h2=kappa)
    assert far.variance == pytest.approx((n - 1) * kappa)  # not a collapse: (n - 1) kappa
    assert far.mean_error == pytest.approx(1 + 10 ** 4 * kappa - (n - 1) * kappa)  # slope kappa
    big = tm.kde_chain_moments(10 ** 15, n, h2=kappa)
    assert big.mean_error == pytest.approx(1 + 10 ** 15 * kappa, rel=1e-12)


def test_accumulate_grows_like_kappa_log_t_with_a_converging_mean_error():
    v = [tm.kde_chain_moments(t, 2, h2=1.0, workflow="accumulate") for t in (10 ** 4, 10 ** 6, 10 ** 9)]
    d = [x.variance - math.log(t) for x, t in zip(v, (10 ** 4, 10 ** 6, 10 ** 9))]
    assert abs(d[2] - d[1]) < 1e-5 and abs(d[1] - d[0]) < 1e-3
    assert v[2].mean_error == pytest.approx(v[1].mean_error, rel=1e-5)


def test_far_evaluation_continues_the_direct_one(monkeypatch):
    direct = tm.kde_chain_moments(3000, 3, h2=0.7, workflow="accumulate")
    monkeypatch.setattr(kde, "DIRECT", 100)
    monkeypatch.setattr(kde, "HEAD", 50)
    np.testing.assert_allclose(tm.kde_chain_moments(3000, 3, h2=0.7, workflow="accumulate"), direct, rtol=1e-12)


def test_symbolic_t():
    t = sp.Symbol("t", integer=True, nonnegative=True)
    for wf in ("replace", "accumulate"):
        sym = tm.kde_chain_moments(t, 3, h2=sp.Rational(1, 4), workflow=wf)
        for tt in (0, 2, 7):
            ex = tm.kde_chain_moments(tt, 3, h2=sp.Rational(1, 4), workflow=wf, exact=True)
            assert abs(sp.N(sym.variance.subs(t, tt).doit(), 30) - ex.variance) < 1e-25
            assert abs(sp.N(sym.mean_error.subs(t, tt).doit(), 30) - ex.mean_error) < 1e-25


@pytest.mark.parametrize("call, param", [
    (lambda: tm.kde_chain_moments(3, 4, h2=0), "h2"),
    (lambda: tm.kde_chain_moments(3, 4, h2=-1.0), "h2"),
    (lambda: tm.kde_chain_moments(3, 1, h2=1), "n"),
    (lambda: tm.kde_chain_moments(3, 4, h2=1, workflow="subsample"), "workflow"),
    (lambda: tm.kde_chain_moments(3, 4, h2=1, kernel="epanechnikov"), "kernel"),
    (lambda: tm.kde_second_moment(3, 4, h2=1, kernel="box"), "kernel"),
    (lambda: tm.kde_chain_moments(30_000, 4, h2=1, exact=True), "t"),
])
def test_bad_input_names_the_parameter(call, param):
    with pytest.raises(ValueError, match=param):
        call()


def test_bandwidth_is_keyword_only():
    with pytest.raises(TypeError):
        tm.kde_chain_moments(3, 4, 0.5)
