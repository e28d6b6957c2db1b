"""theory.tails: exact identities, independent evaluations (theory.discrete, mpmath, sympy), limits, bad input."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from theory import discrete as td
from theory import gaussian as tg
from theory import tails as t

R = sp.Rational


# ----------------------------------------------------------------------------- Hutter's learner
def test_zipf_exact_float_and_symbolic():
    assert list(t.zipf(4, 2, exact=True)) == [R(144, 205), R(36, 205), R(16, 205), R(9, 205)]
    np.testing.assert_allclose(t.zipf(4, 2), [144 / 205, 36 / 205, 16 / 205, 9 / 205], rtol=1e-15)
    b = sp.Symbol("beta", positive=True)
    z = t.zipf(3, b)
    assert sp.simplify(sum(z) - 1) == 0 and z[0] == 1 / sp.harmonic(3, b)
    assert abs(math.fsum(t.zipf(100_000, 0.7)) - 1) < 1e-15  # finite V: any beta > 0


def test_memorization_error_by_definition():
    rng = np.random.default_rng(1)
    p, q = rng.dirichlet(np.ones(50)), rng.dirichlet(np.ones(50))
    direct = sum(a * (1 - b) ** 37 for a, b in zip(p, q))
    assert t.memorization_error(p, 37, q) == pytest.approx(direct, rel=1e-13)
    assert t.memorization_error(p, 0) == pytest.approx(1.0)
    assert t.memorization_error([0.5, 0.5], 3, [1.0, 0.0]) == 0.5  # a certain type is learned, an absent one never
    T = sp.Symbol("T", integer=True, nonnegative=True)
    assert sp.simplify(t.memorization_error([R(1, 2), R(1, 2)], T) - 2 ** -T) == 0
    # one generation of recursive training is Hutter's learner with T = T0: theory.discrete's mass lost
    assert t.memorization_error([R(3, 5), R(2, 5)], 4) == td.expected_mass_lost([R(3, 5), R(2, 5)], 4, exact=True)


def test_tail_cut_and_mixture():
    p = np.array([0.1, 0.4, 0.1, 0.4])
    np.testing.assert_array_equal(t.tail_cut(p, 3), [0.1 / 0.9, 0.4 / 0.9, 0.0, 0.4 / 0.9])  # ties: lower index
    z = t.zipf(1000, 1.3)
    cut = t.tail_cut(z, 10)
    assert t.memorization_error(z, 10 ** 7, cut) == pytest.approx(1 - z[:10].sum(), rel=1e-12)  # the plateau
    mix = t.tail_mixture(z, 10, 0.3)
    np.testing.assert_allclose(mix, 0.3 * z + 0.7 * cut, rtol=1e-15)
    pi = sp.Symbol("pi", positive=True)
    m = t.tail_mixture(t.zipf(3, 1, exact=True), 1, pi)
    assert m[0] == sp.Rational(6, 11) * pi + 1 - pi and m[2] == 2 * pi / 11


def test_learning_curve_constants_against_the_infinite_sum():
    """C T^-(b-1)/b' against the finite-V form at V = 1e15 (effectively infinite): relative error O(1/T)."""
    for beta, beta_ai in ((1.5, None), (2.0, None), (1.5, 2.0)):
        T = 10 ** 5
        num = t.zipf_learning_curve(T, 10 ** 15, beta, beta_ai=beta_ai)
        asym = t.learning_curve_asymptotic(T, beta, beta_ai)
        assert asym / num - 1 == pytest.approx(0, abs=5e-4), (beta, beta_ai)
    # clean: the 1/T correction (1-1/b)(2-1/b)/(2T) is the next term
    T, b = 10 ** 3, 1.5
    ratio = t.zipf_learning_curve(T, 10 ** 15, b) / t.learning_curve_asymptotic(T, b)
    assert ratio - 1 == pytest.approx(-(1 - 1 / b) * (2 - 1 / b) / (2 * T), rel=0.02)
    # the exponent: log-derivative of the infinite-V curve
    slope = math.log(t.zipf_learning_curve(2 * 10 ** 6, 10 ** 15, 2.0) / t.zipf_learning_curve(10 ** 6, 10 ** 15, 2.0))
    assert slope / math.log(2) == pytest.approx(-t.learning_curve_exponent(2.0), rel=1e-5)
    beta = sp.Symbol("beta", positive=True)
    assert sp.simplify(t.learning_curve_constant(beta) - sp.gamma(1 - 1 / beta) / (beta * sp.zeta(beta) ** (1 / beta))) == 0


@pytest.mark.parametrize("kind", ["clean", "cut", "mixture", "narrowed"])
def test_finite_V_form_matches_the_exact_sums(kind):
    V, beta = 20_000, 1.5
    p = t.zipf(V, beta)
    kw = {"clean": {}, "cut": {"k": 50}, "mixture": {"k": 50, "pi": 0.2}, "narrowed": {"beta_ai": 2.0}}[kind]
    q = {"clean": None, "cut": t.tail_cut(p, 50), "mixture": t.tail_mixture(p, 50, 0.2),
         "narrowed": t.zipf(V, 2.0)}[kind]
    for T in (1000, 30_000):
        assert t.zipf_learning_curve(T, V, beta, **kw) / t.memorization_error(p, T, q) - 1 == \
            pytest.approx(0, abs=1e-9)


def test_plateau_and_grokking():
    with mpmath.workdps(30):
        for k, b in ((1, 2), (100, 1.5), (7, 3.2)):
            direct = 1 - mpmath.fsum(mpmath.mpf(i) ** -b for i in range(1, k + 1)) / mpmath.zeta(b)
            assert t.plateau(k, b) == pytest.approx(float(direct), rel=1e-13)
    k, b = 1000, 1.5
    assert t.plateau(k, b) / t.plateau_asymptotic(k, b) - 1 == pytest.approx(-(b - 1) / (2 * k), rel=1e-3)
    # T* solves C (pi T)^-(b-1)/b = k^-(b-1)/((b-1) zeta(b)), symbolically
    kk, bb, pp = sp.Symbol("k", positive=True), sp.Symbol("beta", positive=True), sp.Symbol("pi", positive=True)
    Ts = t.grokking_time(kk, bb, pp)
    lhs = t.learning_curve_constant(bb) * (pp * Ts) ** (-(bb - 1) / bb)
    assert float((lhs / t.plateau_asymptotic(kk, bb)).subs({kk: 17, bb: sp.Rational(7, 4), pp: sp.Rational(1, 5)})) \
        == pytest.approx(1.0, rel=1e-14)
    # the mixture leaves the plateau near T*: far below it at 30 T*, on it at T*/30
    p = t.zipf(10 ** 6, 1.5)
    q = t.tail_mixture(p, 30, 0.05)
    Tg = t.grokking_time(30, 1.5, 0.05)
    plateau = 1 - p[:30].sum()
    assert t.memorization_error(p, int(Tg / 30), q) > 0.9 * plateau
    assert t.memorization_error(p, int(30 * Tg), q) < 0.5 * plateau


# ----------------------------------------------------------------------------- recursive training
def test_occupancy_kernel_rows_are_stirling_numbers():
    M = 30
    K = t._kernel(M).toarray()
    for r in range(M + 1):
        exact = [float(sp.functions.combinatorial.numbers.stirling(r, m) * sp.ff(M, m) / sp.Integer(M) ** r)
                 for m in range(M + 1)]
        np.testing.assert_allclose(K[r], exact, rtol=1e-13, atol=1e-25)
        assert t._exact_kernel_row(r, M)[: r + 1] == [Fraction(int(sp.functions.combinatorial.numbers.stirling(r, m)
                                                                   * sp.ff(M, m)), M ** r) for m in range(min(r, M) + 1)]


def test_ancestor_distribution_exact_and_float():
    law = t.ancestor_distribution(8, 3, exact=True)
    assert sum(law) == 1 and law[0] == 0
    np.testing.assert_allclose(t.ancestor_distribution(8, 3), [float(v) for v in law], rtol=1e-13, atol=1e-25)
    law_T = t.ancestor_distribution(8, 2, 5, exact=True)
    np.testing.assert_allclose(t.ancestor_distribution(8, 2, 5), [float(v) for v in law_T], rtol=1e-13)
    row = t._row_beyond(50, 400)  # T > T0: inclusion-exclusion
    exact = t._exact_kernel_row(400, 50)
    np.testing.assert_allclose(row, [float(v) for v in exact], rtol=1e-12, atol=1e-25)
    row = t._row_beyond(50, 120)  # the continued birth recursion
    np.testing.assert_allclose(row, [float(v) for v in t._exact_kernel_row(120, 50)], rtol=1e-12, atol=1e-24)


@pytest.mark.parametrize("T0,n", [(5, 1), (5, 3), (12, 4)])
def test_absence_probability_is_theory_discretes_chain(T0, n):
    """E[(1-x)^R] = binomial_expectations(x, absence_probabilities(n-1, T0)): exact, for several x."""
    chain = td.absence_probabilities(n - 1, T0, exact=True)
    for x in (R(1, 7), R(1, 2), R(9, 10)):
        assert t.absence_probability(x, T0, n, exact=True) == td.binomial_expectations([x], list(chain), T0)[0]
    chain_f = td.absence_probabilities(n - 1, T0)
    for x in (0.01, 0.3):
        assert t.absence_probability(x, T0, n) == pytest.approx(float(td.binomial_expectations([x], chain_f, T0)[0]),
                                                                rel=1e-13)


@pytest.mark.parametrize("T0,n", [(6, 1), (6, 3), (9, 5)])
def test_ancestry_gives_theory_discretes_absence_probabilities_from_every_count(T0, n):
    """From an integer count i at generation 0, P(X_n = 0) = sum_m pi_m C(T0 - i, m)/C(T0, m) (R_0 ~ delta_T0 K^n)."""
    law = t.ancestor_distribution(T0, n + 1, exact=True)
    want = td.absence_probabilities(n, T0, exact=True)
    for i in range(T0 + 1):
        got = sum(law[m] * R(math.comb(T0 - i, m), math.comb(T0, m)) for m in range(1, T0 + 1) if m <= T0 - i)
        assert got == want[i], i


def _chain_polynomial(p, T0, n, T):
    """sum_i p_i sum_j Bin(T0, p_i)(j) (P^(n-1) g)(j) with theory.discrete's exact transition matrix (symbolic p)."""
    g = [1 if (T is None and j == 0) else (0 if T is None else R(T0 - j, T0) ** T) for j in range(T0 + 1)]
    h = td.conditional_expectations(n - 1, g, T0, exact=True)
    return sp.expand(sum(x * sum(sp.binomial(T0, j) * x ** j * (1 - x) ** (T0 - j) * h[j] for j in range(T0 + 1))
                         for x in p))


@pytest.mark.parametrize("T0,n,T", [(2, 1, 3), (3, 2, None), (3, 2, 1), (3, 2, 5), (4, 3, 4), (3, 3, None)])
def test_ancestry_is_the_chain_as_polynomials_in_p(T0, n, T):
    p1, p2 = sp.symbols("p1 p2", positive=True)
    p = [p1, p2, 1 - p1 - p2]
    assert sp.expand(t.generations_error(p, T0, n, T) - _chain_polynomial(p, T0, n, T)) == 0


def test_identity_n_generations_then_T0_is_n_plus_one_generations():
    p1, p2 = sp.symbols("p1 p2", positive=True)
    p = [p1, p2, 1 - p1 - p2]
    for T0, n in ((3, 1), (4, 2), (5, 3)):
        assert sp.expand(t.generations_error(p, T0, n, T0) - t.generations_error(p, T0, n + 1)) == 0
    z = t.zipf(5000, 1.2)
    np.testing.assert_allclose(t.generations_error(z, 700, np.arange(1, 8), 700),
                               t.generations_error(z, 700, np.arange(2, 9)), rtol=1e-13)


def test_ancestry_and_chain_agree_in_floats():
    z = t.zipf(3000, 1.4)
    # (T > T0 by inclusion-exclusion and by the continued birth recursion; T = 20000 is an exact_checks row)
    for T0, n, T in ((200, 5, None), (200, 4, 50), (1000, 4, 1500), (1000, 4, 4000), (1000, 4, 9000)):
        a = t.generations_error(z, T0, n, T)
        b = t.generations_error(z, T0, n, T, method="chain")
        assert abs(a - b) < 1e-13, (T0, n, T, a - b)
    np.testing.assert_allclose(t.expected_vocabulary(z, 500, [1, 4, 9]),
                               t.expected_vocabulary(z, 500, [1, 4, 9], method="chain"), rtol=1e-13)
    exact_p = t.zipf(4, 1, exact=True)
    for n in (1, 3):
        assert t.expected_vocabulary(exact_p, 5, n, exact=True) == t.expected_vocabulary(exact_p, 5, n, method="chain",
                                                                                         exact=True)
        assert t.generations_error(exact_p, 5, n, 3, exact=True) == t.generations_error(exact_p, 5, n, 3,
                                                                                        method="chain", exact=True)


def test_generations_limits_and_arrays():
    p = t.zipf(400, 1.3)
    assert t.generations_error(p, 50, 0) == 0.0 and t.generations_error(p, 50, 0, 7) == t.memorization_error(p, 7)
    assert t.expected_vocabulary(p, 50, 0) == 400
    ns = np.array([1, 2, 5, 30])
    np.testing.assert_allclose(t.generations_error(p, 50, ns), [t.generations_error(p, 50, int(n)) for n in ns],
                               rtol=1e-15)
    lost = t.generations_error(p, 50, np.arange(1, 40))
    assert np.all(np.diff(lost) > 0)  # a lost type never returns
    # collapse: one token's type is left; the lost mass is 1 - sum p^2 (Gini-Simpson), vocabulary 1
    assert t.generations_error(p, 50, 10 ** 6) == pytest.approx(1 - float(p @ p), rel=1e-12)
    assert t.expected_vocabulary(p, 50, 10 ** 6) == pytest.approx(1.0, rel=1e-12)


def test_full_scale_target_value():
    """V = 1e5 Zipf(1.5), T0 = 1e4, n = 50: the lost mass, against an 80-bit long-double run of the same algorithm."""
    assert t.generations_error(t.zipf(100_000, 1.5), 10_000, 50) == pytest.approx(0.1272612026348453, rel=1e-12)


# ----------------------------------------------------------------------------- the forgetting law
def test_lineage_survival_against_a_40_digit_iteration():
    with mpmath.workdps(40):
        q, ref = mpmath.mpf(1), {0: 1.0}
        for k in range(1, 12_001):
            q = -mpmath.expm1(-q)
            if k in (1, 2, 3, 50, 3999, 4000, 4001, 6000, 12_000):
                ref[k] = q
        for k, v in ref.items():
            assert t.lineage_survival(k) == pytest.approx(float(v), rel=1e-14), k
        # the constant of 1/q_k = k/2 + ln(k)/6 + C + ...
        assert float(1 / ref[12_000]) - float(t._u_asymptotic(12_000)) == pytest.approx(0, abs=1e-12)


def test_forgetting_probability_exact_symbolic_float():
    c = sp.Symbol("c", positive=True)
    e = t.forgetting_probability(c, 3)
    assert e == sp.exp(sp.exp(sp.exp(-1) - 1) - 1) ** c
    for cc, k in ((1, 1), (3, 2), (2.5, 9), (40, 14)):
        exact = t.forgetting_probability(sp.nsimplify(cc), k)
        assert t.forgetting_probability(cc, k) == pytest.approx(float(sp.N(exact, 30)), rel=1e-14)
    assert t.forgetting_probability(0, 0) == 1.0 and t.forgetting_probability(2, 0) == 0.0


def test_median_forgetting_time():
    for c in list(range(1, 200)) + [1000, 10 ** 4, 10 ** 5]:
        k = t.median_forgetting_time(c)
        assert t.forgetting_probability(c, k) >= 0.5 > t.forgetting_probability(c, k - 1), c
        assert k == math.ceil(t.median_forgetting_time_asymptotic(c)), c
    assert t.median_forgetting_time(0) == 0
    assert t.median_forgetting_time(100) < 2 * 100 / math.log(2)


def test_bounds_hold_and_the_paper_bound_is_loose_by_two():
    for c in (0.5, 1, 3, 10, 100):
        for k in list(range(1, 40)) + list(range(40, 300, 13)) + [1000, 5000, 10 ** 5]:
            s = 1 - t.forgetting_probability(c, k)
            lo, hi = t.forgetting_bounds(c, k)
            assert lo - 1e-15 <= s <= hi + 1e-15 and t.paper_survival_bound(c, k) <= s + 1e-15, (c, k)
    assert t.paper_survival_bound(1, 1) == pytest.approx(1 - t.forgetting_probability(1, 1), rel=1e-15)
    c, k = 3, 10 ** 6  # exponent 2c/k against the stated c/k
    assert math.log1p(-(1 - t.forgetting_probability(c, k))) / math.log1p(-t.paper_survival_bound(c, k)) == \
        pytest.approx(2, rel=1e-4)


def test_the_mean_forgetting_time_is_infinite():
    c = 3
    m = [t.truncated_mean_forgetting_time(c, 10 ** j) for j in (4, 5, 6)]
    for a, b in zip(m, m[1:]):
        assert b - a == pytest.approx(2 * c * math.log(10), rel=1e-3)  # grows like 2c ln K without bound
    assert t.truncated_mean_forgetting_time(c, 1) == 1.0


def test_wright_fisher_forgets_more_slowly_than_the_poisson_law():
    for n in (30, 100):
        for k in (1, 2, 5, 20, 60):
            s = td.survival_probabilities(k, n)
            for c in range(31):
                assert 1 - s[c] <= t.forgetting_probability(c, k) + 1e-12


def test_gaussian_bound_and_rates():
    for x, n, M, est in ((0.25, 40, 10, "mle"), (0.25, 40, 10, "unbiased"), (0.49, 200, 50, "mle")):
        tail = 1 - tg.variance_cdf(x, n, M, estimator=est)
        assert tail <= t.gaussian_paper_bound(x, n, M)
    for M in (10, 100, 1000):
        unb, mle = t.gaussian_tail_rate(M), t.gaussian_tail_rate(M, estimator="mle")
        assert 0.25 <= M * unb < 0.28 and 1.0 <= M * mle < 1.06
    assert 1000 * t.gaussian_tail_rate(1000) == pytest.approx(0.25, rel=2e-3)


# ----------------------------------------------------------------------------- language
def test_expected_log_likelihood_against_the_dense_chain():
    p = np.array([0.6, 0.25, 0.1, 0.05])
    M, delta = 8, 0.5
    P = np.asarray(td.transition_matrix(M), dtype=float)
    j = np.arange(M + 1)
    f = np.log((j + delta) / (M + 4 * delta))
    for n in (1, 2, 6):
        h = np.linalg.matrix_power(P, n - 1) @ f
        from scipy.stats import binom
        want = sum(pi * binom.pmf(j, M, pi) @ h for pi in p)
        assert t.expected_log_likelihood(p, M, n, delta) == pytest.approx(want, rel=1e-13)
    assert t.expected_log_likelihood(p, M, 0, delta) == pytest.approx(float(p @ np.log(p)), rel=1e-15)


def test_histogram_law():
    p = t.zipf(2000, 1.1)
    edges = np.arange(-7.0, 0.01, 0.5)
    M, n = 300, 4
    h = t.log_probability_histogram(p, edges, M, n)
    assert h.mass.sum() == pytest.approx(1.0, rel=1e-12)
    chain = td.conditional_expectations(n - 1, (np.arange(M + 1) / M) ** 2, M)
    for b in np.flatnonzero(h.mass > 0)[:4]:
        x = h.mass[b]
        second = td.binomial_expectations([x], chain, M)[0]  # E[S_b^2] from the lumped two-type chain
        assert h.sd[b] ** 2 == pytest.approx(second - x * x, rel=1e-9)
        assert h.empty[b] == pytest.approx(t.absence_probability(x, M, n), rel=1e-12)


def test_cross_entropy_of_generated_text():
    ce = t.generated_cross_entropy([R(1, 2), R(1, 4), R(1, 4)], 5, 3, exact=True)
    assert ce.mean == sp.log(2) * R(3, 2)
    p = [0.7, 0.3]
    M, n = 9, 5
    var_x = td.binomial_expectations([0.7], td.conditional_expectations(n - 1, (np.arange(M + 1) / M) ** 2, M), M)[0] \
        - 0.49  # two types: the cross-entropy is affine in X/M
    want = math.log(0.7 / 0.3) ** 2 * var_x
    assert t.generated_cross_entropy(p, M, n).variance == pytest.approx(want, rel=1e-12)
    assert t.generated_cross_entropy(p, M, np.array([0, 5])).variance[0] == 0.0


