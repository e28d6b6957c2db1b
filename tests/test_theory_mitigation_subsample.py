"""theory.mitigation.subsample: the three workflows of Kazdan et al., exactly.

An independent oracle (the raw second-moment recursion of the pool, written out here from the inclusion
probabilities of sampling without replacement, in Fractions) checks the product-tree evaluation; replace and
accumulate are checked against theory.gaussian and theory.mitigation.accumulation.
"""

from fractions import Fraction

import math

import numpy as np
import pytest
import sympy as sp

from theory import gaussian as tg
from theory import mitigation as tm
from theory.mitigation import subsample as sub


def oracle(T, n, workflow, estimator, sigma2=Fraction(1)):
    """[(E sigma_t^2, E (mu_t - mu)^2) for t = 0..T] by the raw pool recursion (mu = 0)."""
    F = Fraction
    out = [(sigma2, F(0))]
    N, a2, q = n, n * sigma2, n * sigma2  # pool P_1 = B_0
    for _ in range(T):
        k = N if workflow in ("replace", "accumulate") else n
        c = k if estimator == "mle" else k - 1
        es2 = F(k, N) * q + F(k * (k - 1), N * (N - 1)) * (a2 - q)  # E (sum_S x)^2
        emu2, esig2 = es2 / k ** 2, (F(k, N) * q - es2 / k) / c
        out.append((esig2, emu2))
        a2b, qb = n * n * emu2 + n * esig2, n * (emu2 + esig2)
        if workflow == "replace":
            N, a2, q = n, a2b, qb
        else:
            N, a2, q = N + n, a2 + F(2 * n, N) * a2 + a2b, q + qb
    return out


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
@pytest.mark.parametrize("n", [2, 3, 6])
def test_exact_equals_the_independent_pool_recursion(n, estimator):
    ref = oracle(12, n, "accumulate-subsample", estimator)
    for t in (0, 1, 2, 5, 12):
        got = tm.accumulate_subsample_moments(t, n, estimator=estimator, exact=True)
        assert (got.variance, got.mean_error) == tuple(sp.Rational(x.numerator, x.denominator) for x in ref[t])


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_the_oracle_reproduces_replace_and_accumulate(estimator):
    for n in (2, 5):
        rep, acc = oracle(8, n, "replace", estimator), oracle(8, n, "accumulate", estimator)
        for t in (1, 4, 8):
            w = tm.workflow_moments(t, n, estimator=estimator, exact=True)
            assert w.replace == (tg.expected_variance(t, n, estimator=estimator, exact=True),
                                 tg.mean_variance(t, n, estimator=estimator, exact=True))
            assert tuple(w.replace) == tuple(sp.Rational(x.numerator, x.denominator) for x in rep[t])
            assert tuple(w.accumulate) == tuple(sp.Rational(x.numerator, x.denominator) for x in acc[t])


def test_subset_moments_by_enumeration():
    """E[(sum_S x)^2] over all k-subsets of a small numeric pool equals the inclusion-probability formula."""
    import itertools

    x = [Fraction(v) for v in (3, -1, 4, 1, -5, 9)]
    A, Q, N = sum(x), sum(v * v for v in x), len(x)
    for k in (2, 3, 5):
        subsets = list(itertools.combinations(x, k))
        avg = sum(sum(s) ** 2 for s in subsets) / len(subsets)
        assert avg == Fraction(k, N) * Q + Fraction(k * (k - 1), N * (N - 1)) * (A * A - Q)


@pytest.mark.parametrize("workflow", ["replace", "accumulate", "accumulate_subsample"])
def test_mle_keeps_the_second_moment_in_every_workflow(workflow):
    s2 = sp.Rational(3, 2)
    for t in (1, 7, 30):
        m = getattr(tm.workflow_moments(t, 4, sigma2=s2, exact=True), workflow)
        assert m.variance + m.mean_error == s2


def test_unbiased_estimator_grows_the_second_moment():
    m = tm.accumulate_subsample_moments(30, 4, estimator="unbiased", exact=True)
    assert m.variance + m.mean_error > 1


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_floats_agree_with_exact_along_the_path(estimator):
    path = tm.accumulate_subsample_moments_path(300, 7, estimator=estimator, sigma2=2.0)
    for t in (0, 1, 2, 17, 300):
        ex = tm.accumulate_subsample_moments(t, 7, estimator=estimator, sigma2=2, exact=True)
        assert path.variance[t] == pytest.approx(float(ex.variance), rel=1e-13)
        assert path.mean_error[t] == pytest.approx(float(ex.mean_error), rel=1e-13)
        single = tm.accumulate_subsample_moments(t, 7, estimator=estimator, sigma2=2.0)
        assert single == (path.variance[t], path.mean_error[t])


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_symbolic_closed_form_equals_the_recursion(estimator):
    t = sp.Symbol("t", integer=True, positive=True)
    for n in (2, 5):
        sym = tm.accumulate_subsample_moments(t, n, estimator=estimator)
        for tt in (1, 2, 9):
            ex = tm.accumulate_subsample_moments(tt, n, estimator=estimator, exact=True)
            assert abs(sp.N(sym.variance.subs(t, tt), 30) - ex.variance) < 1e-25
            assert abs(sp.N(sym.mean_error.subs(t, tt).doit(), 30) - ex.mean_error) < 1e-25


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_far_evaluation_continues_the_direct_one(monkeypatch, estimator):
    """Above DIRECT the gamma closed forms and Euler-Maclaurin tails take over: same numbers."""
    direct = [tm.accumulate_subsample_moments(t, n, estimator=estimator) for t, n in ((3000, 2), (3000, 10))]
    monkeypatch.setattr(sub, "DIRECT", 100)
    monkeypatch.setattr(sub, "HEAD", 50)
    far = [tm.accumulate_subsample_moments(t, n, estimator=estimator) for t, n in ((3000, 2), (3000, 10))]
    for a, b in zip(direct, far):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_mle_plateau_and_its_expansion():
    for n in (2, 10):
        lim = tm.accumulate_subsample_limit(n)
        far = tm.accumulate_subsample_moments(10 ** 15, n)
        assert far.variance == pytest.approx(lim.variance, rel=1e-12)
        assert lim.variance + lim.mean_error == pytest.approx(1.0)
        # below accumulate's plateau
        assert lim.variance < tm.accumulate_variance_limit(n, estimator="mle")
    n = 10 ** 5
    assert (1 - tm.accumulate_subsample_limit(n).variance) * n == pytest.approx(math.pi ** 2 / 2 - 2, rel=1e-4)


def test_unbiased_has_no_plateau_and_grows_like_t_to_the_one_over_n():
    assert tm.accumulate_subsample_limit(4, estimator="unbiased") == (math.inf, math.inf)
    assert tm.accumulate_subsample_limit(4, estimator="unbiased", exact=True).variance == sp.oo
    g = tm.accumulate_subsample_growth(4)
    values = [tm.accumulate_subsample_moments(10 ** k, 4, estimator="unbiased") for k in (2, 4, 8, 12)]
    assert all(b.variance > a.variance for a, b in zip(values, values[1:]))  # unbounded growth
    for k, v in zip((2, 4, 8, 12), values):
        assert v.variance / (g.variance * 10.0 ** (k * g.exponent)) == pytest.approx(1, abs=2.0 / 10 ** k)
    # E (mu_t - mu)^2 = (C/n) t^(1/n) + a bounded part (the converging pool-mean walk)
    rest = [v.mean_error - g.mean_error * 10.0 ** (k * g.exponent) for k, v in zip((2, 4, 8, 12), values)]
    assert rest[-1] == pytest.approx(rest[-2], rel=1e-2) and 0 < rest[-1] < 1
    assert tm.accumulate_subsample_growth(3, exact=True).variance == sp.gamma(sp.Rational(2, 3)) / 3


def test_recursion_matrix_maps_the_pool_moments():
    """x_{t+1} = M_t x_t from x_1 = (n, n) gives the variance of model 6 that the oracle gives."""
    n = 3
    x = sp.Matrix([n, n])  # (E A_1^2, E Q_1), sigma^2 = 1
    for t in range(1, 6):
        x = tm.accumulate_subsample_recursion(t, n, exact=True) * x
    N = 6 * n  # pool P_6; MLE fit: E sigma^2 = (n - 1)/n * E S^2 of the pool
    var = sp.Rational(n - 1, n) * (x[1] - x[0] / N) / (N - 1)
    ref = oracle(6, n, "accumulate-subsample", "mle")[6][0]
    assert var == sp.Rational(ref.numerator, ref.denominator)


def test_large_sizes_give_numbers_or_a_named_limit():
    m = tm.accumulate_subsample_moments(10 ** 18, 10 ** 12)
    assert 0 < m.variance < 1 and m.variance + m.mean_error == pytest.approx(1.0)
    with pytest.raises(ValueError, match="t = 20001 is beyond exact evaluation"):
        tm.accumulate_subsample_moments(20_001, 3, exact=True)
    with pytest.raises(ValueError, match="generations must be <= 10000000"):
        tm.accumulate_subsample_moments_path(10 ** 8, 3)


@pytest.mark.parametrize("call, param", [
    (lambda: tm.accumulate_subsample_moments(3, 1), "n"),
    (lambda: tm.accumulate_subsample_moments(-1, 3), "t"),
    (lambda: tm.accumulate_subsample_moments(3, 3, estimator="median"), "estimator"),
    (lambda: tm.accumulate_subsample_moments(3, 3, sigma2=0), "sigma2"),
    (lambda: tm.accumulate_subsample_limit(1), "n"),
    (lambda: tm.workflow_moments(2.5, 3), "t"),
    (lambda: tm.accumulate_subsample_recursion(0, 3), "t"),
])
def test_bad_input_names_the_parameter(call, param):
    with pytest.raises(ValueError, match=param):
        call()


def test_sigma2_is_keyword_only():
    with pytest.raises(TypeError):
        tm.accumulate_subsample_moments(3, 3, "mle", 2.0)


def test_arrays_of_generations_are_evaluated_elementwise():
    t = np.array([0, 1, 4, 9])
    for f, kw in ((tm.accumulate_subsample_moments, dict(n=3)),
                  (tm.accumulate_subsample_moments, dict(n=3, estimator="unbiased")),
                  (tm.kde_chain_moments, dict(n=3, h2=0.5, workflow="accumulate")),
                  (tm.weighted_fresh_data_moments, dict(n=3, m=4, w=0.25))):
        arr = f(t, **kw)
        ex = f(t, **kw, exact=True)
        for i, tt in enumerate(t):
            assert tuple(a[i] for a in arr) == pytest.approx(tuple(f(int(tt), **kw)), rel=1e-14)
            assert tuple(a[i] for a in ex) == tuple(f(int(tt), **kw, exact=True))
    w = tm.workflow_moments(t, 3)
    assert w.replace.variance[2] == pytest.approx(tm.workflow_moments(4, 3).replace.variance)
