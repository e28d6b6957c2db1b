"""theory.mitigation: symbolic results equal exact values and independent brute-force derivations."""

import itertools
import math

import numpy as np
import pytest
import sympy as sp
from scipy import stats

from theory import gaussian as thg
from theory import mitigation as th

R, I = sp.Rational, sp.Integer
a, M, n = sp.Symbol("alpha", positive=True), sp.Symbol("M", integer=True, positive=True), sp.Symbol("n", integer=True,
                                                                                                     positive=True)


def _normal_moment(k):
    return 0 if k % 2 else sp.factorial2(k - 1)


def _brute_pooled(mr, ms, estimator):
    """E[d'^2], E[s'^2] by expanding the explicit pooled sample of mr + ms normals (no decomposition)."""
    s, v, d = sp.Symbol("s", positive=True), sp.Symbol("v", positive=True), sp.Symbol("d", real=True)
    zs = sp.symbols(f"z0:{mr + ms}", real=True)
    xs = [s * zs[i] for i in range(mr)] + [d + v * zs[mr + i] for i in range(ms)]  # original mean 0
    Mt = mr + ms
    mean = sum(xs) / Mt
    ss = sum((x - mean) ** 2 for x in xs)
    div = Mt - 1 if estimator == "unbiased" else Mt

    def expect(expr):
        poly = sp.Poly(sp.expand(expr), *zs)
        return sp.expand(sum(c * sp.prod(_normal_moment(k) for k in m) for m, c in poly.terms()))

    return expect(mean ** 2), expect(ss / div), (s, v, d)


@pytest.mark.parametrize("mr,ms", [(1, 2), (2, 1), (2, 3), (0, 3), (3, 0), (1, 1)])
@pytest.mark.parametrize("estimator", ["unbiased", "mle"])
def test_conditional_moments_match_brute_force_small_M(mr, ms, estimator):
    e_d2, e_v, (s, v, d) = _brute_pooled(mr, ms, estimator)
    Mt = mr + ms
    got = th.mixing_conditional_moments(R(mr, Mt), I(Mt), d ** 2, v ** 2, sigma2=s ** 2, estimator=estimator)
    assert sp.simplify(got.mean_error - e_d2) == 0
    assert sp.simplify(got.variance - e_v) == 0


def test_recursion_matrix_symbolic():
    A, c = th.mixing_recursion(a, M)
    b = 1 - a
    assert sp.simplify(A - sp.Matrix([[b ** 2, b / M], [a * b * M / (M - 1), b]])) == sp.zeros(2, 2)
    assert sp.simplify(c - sp.Matrix([a / M, a])) == sp.zeros(2, 1)
    A, c = th.mixing_recursion(a, M, estimator="mle")
    assert sp.simplify(A - sp.Matrix([[b ** 2, b / M], [a * b, (M - 1) * b / M]])) == sp.zeros(2, 2)


def test_stationary_closed_forms():
    V, D = th.mixing_stationary(a, M)
    assert sp.simplify(D - (M - 1) / (M * ((M - 1) - M * (1 - a) ** 2))) == 0
    assert sp.simplify(V - (1 + (1 - a) * M / (M - 1) * D)) == 0
    Vm, Dm = th.mixing_stationary(a, M, estimator="mle")
    assert sp.simplify(Dm + Vm - 1) == 0  # MLE conservation
    # alpha = 1: a fresh sample every generation
    assert th.mixing_stationary(I(1), I(10)) == (1, R(1, 10))
    assert th.mixing_stationary(1, 10, estimator="mle", exact=True) == (R(9, 10), R(1, 10))
    assert th.mixing_stationary(0.1, 20, exact=True) == (R(37, 28), R(19, 56))


def test_stationary_is_the_limit_of_the_exact_iteration():
    Vinf, Dinf = th.mixing_stationary(0.1, 20)
    V, D = th.mixing_moments(2000, 0.1, 20)
    assert D == pytest.approx(Dinf, rel=1e-12) and V == pytest.approx(Vinf, rel=1e-12)


def test_symbolic_n_matches_iteration():
    Vn, Dn = th.mixing_moments(n, R(1, 4), I(8))
    for k in (0, 1, 4):
        V, D = th.mixing_moments(I(k), R(1, 4), I(8))
        assert sp.simplify(Dn.subs(n, k) - D) == 0 and sp.simplify(Vn.subs(n, k) - V) == 0


def test_alpha_zero_is_plain_replacement():
    for est in ("unbiased", "mle"):
        V, D = th.mixing_moments(7, 0, 6, estimator=est, exact=True)
        assert D == thg.mean_variance(I(7), I(6), estimator=est)
        assert V == thg.expected_variance(I(7), I(6), estimator=est)


def test_stability_threshold():
    thr = th.mixing_stability_threshold(M)
    assert sp.simplify(thr - (1 - sp.sqrt((M - 1) / M))) == 0
    for m in (2, 3, 10, 1000):
        t = th.mixing_stability_threshold(m)
        assert 1 / (2 * m) < t < 1 / m
    assert th.mixing_spectral_radius(R(1, 10), I(10)) < 1
    assert th.mixing_spectral_radius(0.0, 10) == pytest.approx(1.0)
    assert th.mixing_stability_threshold(10, estimator="mle") == 0.0
    with pytest.raises(ValueError, match="alpha"):
        th.mixing_stationary(0, 10)


def test_w2_bounds_at_alpha_one_are_tight():
    lo, hi = th.mixing_w2_bounds(1, 1.0, 10)
    exact = thg.expected_w2_squared(1, 10)
    assert lo <= exact <= hi
    assert hi == pytest.approx(exact, rel=1e-12)


# ----------------------------------------------------------------------------- accumulation
def test_accumulate_symbolic_products():
    V, D = th.accumulate_moments(n, M, estimator="mle")
    for k in (1, 2, 5):
        Vk, Dk = th.accumulate_moments(k, 7, estimator="mle", exact=True)
        assert sp.simplify(V.subs({n: k, M: 7}) - Vk) == 0
        assert sp.simplify(D.subs({n: k, M: 7}).doit() - Dk) == 0
    V, D = th.accumulate_moments(n, M)
    for k in (1, 3):
        assert sp.simplify(sp.gammasimp(V.subs({n: k, M: 7}).doit()) - th.accumulate_moments(k, 7, exact=True).variance) == 0


def test_accumulate_step_factors():
    # the ratio of successive exact variances is the stated factor (derived in proofs.mitigation, whose
    # agreement with this module is tests/test_proofs_mitigation.py)
    for est, factor in (("unbiased", lambda j, m: 1 - R(1, j * (j * m - 1))), ("mle", lambda j, m: 1 - R(1, j * j * m))):
        for k in (2, 3, 9):
            V1, _ = th.accumulate_moments(k - 1, 7, estimator=est, exact=True)
            V2, _ = th.accumulate_moments(k, 7, estimator=est, exact=True)
            assert V2 / V1 == factor(k, 7)


def test_accumulate_first_steps_by_hand():
    # n = 1: the fit to M original samples: E d^2 = 1/M, E sigma^2 = 1 (unbiased) / (M-1)/M (MLE)
    assert th.accumulate_moments(I(1), I(5)) == (1, R(1, 5))
    assert th.accumulate_moments(1, 5, estimator="mle", exact=True) == (R(4, 5), R(1, 5))
    # n = 2: mu_2 = (xbar_0 + xbar_1)/2 with xbar_1 ~ N(mu_1, sigma_1^2/M): E d^2 = (1/M)(1 + E sigma_1^2/4)
    assert th.accumulate_moments(I(2), I(5)).mean_error == R(1, 5) * (1 + R(1, 4))


def test_accumulate_bound_and_limits():
    for m in (2, 5, 50):
        bound = th.accumulate_mean_error_bound(m)
        assert bound == pytest.approx(math.pi ** 2 / (6 * m))
        for est in ("unbiased", "mle"):
            D = th.accumulate_moments(10_000, m, estimator=est).mean_error
            assert D <= bound
            lim = th.accumulate_variance_limit(m, estimator=est)
            assert D >= lim * (math.pi ** 2 / 6 - 1e-3) / m  # E sigma_j^2 >= the limit
    assert th.accumulate_mean_error_bound(I(10)) == sp.pi ** 2 / 60
    x = 1 / sp.sqrt(I(4))
    assert sp.simplify(th.accumulate_variance_limit(I(4), estimator="mle") - sp.sin(sp.pi * x) / (sp.pi * x)) == 0
    assert sp.simplify(sum(th.accumulate_moments(9, 3, estimator="mle", exact=True)) - 1) == 0


def test_accumulate_variance_of_variance_first_step():
    # n = 1: sigma_1^2 = sigma^2 chi2_{M-1}/(M-1): variance 2/(M-1)
    assert th.accumulate_variance_of_variance(I(1), I(5)) == R(1, 2)
    assert th.accumulate_variance_of_variance(1, 5, estimator="mle", exact=True) == R(2 * 4, 25)


def test_accumulate_w2_bounds_are_ordered_and_bounded():
    for m in (5, 50):
        lows, highs = zip(*[th.accumulate_w2_bounds(k, m) for k in (1, 10, 100, 1000)])
        assert all(l <= h for l, h in zip(lows, highs))
        assert max(highs) < 6.0 / m  # O(1/M) uniformly in n
        assert highs[-1] - highs[-2] < 0.01 * highs[-1]  # and converging


# ----------------------------------------------------------------------------- discrete
def test_heterozygosity_recursion_symbolic():
    p = sp.Symbol("p", positive=True)
    lam, c = th.heterozygosity_recursion(a, M, p)
    Hp = 2 * p * (1 - p)
    assert sp.simplify(lam - (1 - a) * (1 - a - 1 / M)) == 0
    assert sp.simplify(c - Hp * (1 - (1 - a) ** 2 - a / M)) == 0
    Hinf = th.stationary_heterozygosity(a, M, p)
    assert sp.simplify(Hinf - Hp * a * (2 - a - 1 / M) / (a * (2 - a) + (1 - a) / M)) == 0
    # alpha = 0: the neutral Wright-Fisher decay H_p (1 - 1/M)^n
    assert th.expected_heterozygosity_mixing(n, I(0), M, p) == sp.simplify(Hp * (1 - 1 / M) ** n) or \
        sp.simplify(th.expected_heterozygosity_mixing(n, I(0), M, p) - Hp * (1 - 1 / M) ** n) == 0


def test_heterozygosity_brute_force_one_step():
    # E[H_1 | x_0 = x] by enumerating the exact count law for K = 3, small M
    p = (R(1, 2), R(1, 3), R(1, 6))
    x = (R(1, 4), R(1, 4), R(1, 2))
    mr, ms = 1, 3
    Mt = mr + ms
    Hx = 1 - sum(v ** 2 for v in x)
    C = sum(u * v for u, v in zip(p, x))
    expect = 0
    for cr in itertools.product(range(mr + 1), repeat=3):
        if sum(cr) != mr:
            continue
        pr = sp.factorial(mr) / sp.prod(sp.factorial(c) for c in cr) * sp.prod(q ** c for q, c in zip(p, cr))
        for cs in itertools.product(range(ms + 1), repeat=3):
            if sum(cs) != ms:
                continue
            ps = sp.factorial(ms) / sp.prod(sp.factorial(c) for c in cs) * sp.prod(q ** c for q, c in zip(x, cs))
            h = 1 - sum(R(u + v, Mt) ** 2 for u, v in zip(cr, cs))
            expect += pr * ps * h
    # closed-form one-step conditional expectation, in terms of H(x) and C = sum p x
    A, B = R(mr, Mt), R(ms, Mt)
    Hp = 1 - sum(q ** 2 for q in p)
    formula = (1 - A ** 2 * (1 - Hp) - 2 * A * B * C - B ** 2 * (1 - Hx) - A / Mt * Hp - B / Mt * Hx)
    assert sp.simplify(expect - formula) == 0
    # and, with x = p (so C = G_p), the affine recursion of the module
    lam, c = th.heterozygosity_recursion(A, I(Mt), list(p))
    expect_p = 0
    for cr in itertools.product(range(Mt + 1), repeat=3):
        if sum(cr) != Mt:
            continue
        pr = sp.factorial(Mt) / sp.prod(sp.factorial(v) for v in cr) * sp.prod(q ** v for q, v in zip(p, cr))
        expect_p += pr * (1 - sum(R(v, Mt) ** 2 for v in cr))
    assert sp.simplify(lam * Hp + c - expect_p) == 0


@pytest.mark.parametrize("alpha,Mv,p", [(R(1, 4), 4, R(1, 3)), (R(1, 2), 6, R(1, 5)), (R(1, 3), 3, R(1, 2))])
def test_exact_stationary_law_gives_stationary_diversity(alpha, Mv, p):
    pi = th.wf_mixing_stationary(alpha, I(Mv), p)
    assert isinstance(pi, sp.ImmutableMatrix) and sum(pi) == 1
    P = th.wf_mixing_transition_matrix(alpha, I(Mv), p)
    assert pi.T * P == pi.T
    assert sum(pi[i] * R(i, Mv) for i in range(Mv + 1)) == p  # E_pi[x] = p
    e_h = sum(pi[i] * 2 * R(i, Mv) * (1 - R(i, Mv)) for i in range(Mv + 1))
    assert e_h == th.stationary_heterozygosity(alpha, I(Mv), [1 - p, p])
    ev = sorted(P.eigenvals(multiple=True), reverse=True)
    assert ev == sorted(th.wf_mixing_eigenvalues(alpha, I(Mv)), reverse=True)


def test_transition_matrix_float_matches_exact_and_rows_sum_to_one():
    Pe = th.wf_mixing_transition_matrix(R(1, 5), I(10), R(3, 10))
    Pf = th.wf_mixing_transition_matrix(0.2, 10, 0.3)
    np.testing.assert_allclose(np.array(Pe, dtype=float), Pf, atol=1e-14)
    np.testing.assert_allclose(Pf.sum(axis=1), 1.0, atol=1e-13)
    # alpha = 0 reduces to the neutral Wright-Fisher matrix Binomial(M, i/M)
    P0 = th.wf_mixing_transition_matrix(0.0, 6, 0.3)
    for i in range(7):
        np.testing.assert_allclose(P0[i], stats.binom.pmf(np.arange(7), 6, i / 6), atol=1e-14)


def test_expected_heterozygosity_values():
    h = th.expected_heterozygosity_mixing(np.arange(4), 0.1, 20, [0.5, 0.5])
    assert h[0] == 0.5 and h[1] == pytest.approx(0.5 * (1 - 1 / 20))
    assert th.expected_heterozygosity_mixing(I(1), R(1, 10), I(20), [R(1, 2), R(1, 2)]) == R(19, 40)


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call,param", [
    (lambda: th.mixing_counts(1.5, 10), "alpha"),
    (lambda: th.mixing_counts(-0.1, 10), "alpha"),
    (lambda: th.mixing_counts(float("nan"), 10), "alpha"),
    (lambda: th.mixing_counts(0.25, 10), "alpha"),
    (lambda: th.mixing_counts(0.5, 1), "M"),
    (lambda: th.mixing_moments(-1, 0.5, 10), "n"),
    (lambda: th.mixing_moments(3, 0.5, 10, estimator="biased"), "estimator"),
    (lambda: th.mixing_moments(3, 0.5, 10, sigma2=-1), "sigma2"),
    (lambda: th.mixing_stationary(0.0, 10), "alpha"),
    (lambda: th.accumulate_moments(3, 1), "M"),
    (lambda: th.accumulate_moments(-2, 5), "n"),
    (lambda: th.accumulate_variance_of_variance(0, 5), "n"),
    (lambda: th.heterozygosity_recursion(0.5, 10, [0.5, 0.6]), "p"),
    (lambda: th.heterozygosity_recursion(0.5, 10, [float("nan"), 1.0]), "p"),
    (lambda: th.wf_mixing_transition_matrix(0.5, 10, 1.5), "p"),
    (lambda: th.wf_mixing_stationary(0.0, 10, 0.5), "alpha"),
    (lambda: th.mixing_moments(3, 0.5, 10, 2.0), None),  # a positional scale is a TypeError
])
def test_bad_input_names_parameter(call, param):
    with pytest.raises(ValueError if param else TypeError, match=param):
        call()


# ----------------------------------------------------------------------------- huge valid sizes (issue 15)
def test_huge_n_is_a_matrix_power_not_a_loop():
    far = th.mixing_moments(10 ** 12, 0.2, 5)
    stat = th.mixing_stationary(0.2, 5)
    assert far.variance == pytest.approx(stat.variance, rel=1e-13)
    assert far.mean_error == pytest.approx(stat.mean_error, rel=1e-13)
    # below the threshold the moments grow geometrically: the float overflows honestly to inf
    assert th.mixing_moments(10 ** 6, 0, 5).mean_error == pytest.approx(10 ** 6 / 5)


def test_accumulation_at_any_n_matches_its_limit():
    for est in ("unbiased", "mle"):
        lim = th.accumulate_variance_limit(5, estimator=est)
        for n in (3 * 10 ** 6, 10 ** 9, 10 ** 15):
            v = th.accumulate_moments(n, 5, estimator=est).variance
            assert v == pytest.approx(lim * (1 + 1 / (5 * n)), rel=1e-12)  # V_n = V_inf (1 + 1/(Mn) + ...)
        # the direct sum and the Euler-Maclaurin tail join without a step
        below = th.accumulate_moments(2 * 10 ** 6, 5, estimator=est).mean_error
        above = th.accumulate_moments(2 * 10 ** 6 + 1, 5, estimator=est).mean_error
        assert 0 < above - below < 1e-13


def test_variance_of_variance_has_no_cancellation_at_large_M():
    # Var[sigma_1^2] = sigma^4 2/(M - 1) exactly for the unbiased first fit: relative accuracy at M = 1e9
    assert th.accumulate_variance_of_variance(1, 10 ** 9) == pytest.approx(2 / (10 ** 9 - 1), rel=1e-14)
    exact = th.accumulate_variance_of_variance(50, 10 ** 6, exact=True)
    assert th.accumulate_variance_of_variance(50, 10 ** 6) == pytest.approx(float(exact), rel=1e-12)
    with pytest.raises(ValueError, match="n"):
        th.accumulate_variance_of_variance(10 ** 8, 5)
