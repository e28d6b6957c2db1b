"""Tests of theory.discrete: exact values (sympy), symbolic forms, float vs exact and vs mpmath, edges, bad input."""

import math

import mpmath
import numpy as np
import pytest
import scipy.stats
import sympy as sp

from theory import discrete as th
from theory.discrete import _kernel

R = sp.Rational


def _mp_binomial(j, M, i, dps=50):
    with mpmath.workdps(dps):
        q = mpmath.mpf(i) / M
        return mpmath.binomial(M, j) * q ** j * (1 - q) ** (M - j)


# ----------------------------------------------------------------------------- exact small cases
def test_mean_absorption_time_M4_is_132_over_29():
    assert th.expected_absorption_time(2, 4, exact=True) == R(132, 29)
    t = th.expected_absorption_times(4, exact=True)
    assert isinstance(t, sp.ImmutableMatrix) and t.shape == (5, 1)
    assert t[2] == R(132, 29) and t[1] == t[3] and t[0] == t[4] == 0


def test_absorption_time_off_by_one_is_not_132_over_29():
    assert th.expected_absorption_time(2, 4, exact=True) + 1 != R(132, 29)


def test_exact_times_match_sympy_fundamental_matrix():
    from sympy.stats import DiscreteMarkovChain

    for M in (3, 4, 6, 7):
        P = sp.Matrix(th.transition_matrix(M, exact=True))
        order = list(range(1, M)) + [0, M]
        N = DiscreteMarkovChain("X", list(range(M + 1)), P.extract(order, order)).fundamental_matrix()
        assert list(N * sp.ones(M - 1, 1)) == list(th.expected_absorption_times(M, exact=True)[1:M])


def test_exact_vs_float_absorption_times():
    te = th.expected_absorption_times(60, exact=True)
    np.testing.assert_allclose(th.expected_absorption_times(60), [float(v) for v in te], rtol=1e-12)


def test_fixation_probability_from_chain_equals_i_over_M():
    assert list(th.absorption_probabilities(9, exact=True)) == [R(i, 9) for i in range(10)]
    np.testing.assert_allclose(th.absorption_probabilities(500), np.arange(501) / 500, atol=1e-12)
    assert th.fixation_probability(3, 9, exact=True) == R(1, 3)


def test_the_one_exact_type_is_sympy():
    for value in (th.transition_probability(1, 0, 2, exact=True), th.fixation_probability(1, 3, exact=True),
                  th.expected_absorption_time(2, 4, exact=True), th.survival_probability(1, 2, 10, exact=True),
                  th.multinomial_transition_probability([1, 1, 1], [3, 0, 0], exact=True),
                  th.expected_time_to_collapse([2, 1, 1], exact=True), th.loss_probability(R(1, 4), 3)):
        assert isinstance(value, sp.Rational), type(value)
    for value in (th.transition_matrix(3, exact=True), th.transition_eigenvalues(3, exact=True),
                  th.absorption_probabilities(3, exact=True), th.survival_probabilities(2, 3, exact=True),
                  th.absorption_time_distribution(1, 3, 4, exact=True), th.count_distribution(2, 1, 3, exact=True)):
        assert isinstance(value, sp.ImmutableMatrix) and all(isinstance(v, sp.Rational) for v in value)


def test_transition_probability_exact_symbolic_and_float():
    assert th.transition_probability(1, 0, 2, exact=True) == R(1, 4)
    i, j, M = sp.symbols("i j M", positive=True, integer=True)
    expr = th.transition_probability(i, j, M)
    assert sp.simplify(expr.subs({i: 1, j: 0, M: 2}) - R(1, 4)) == 0
    assert th.multinomial_transition_probability([1, 1, 1], [3, 0, 0], exact=True) == R(1, 27)
    assert th.multinomial_transition_probability([2, 0], [1, 1]) == 0.0
    P = np.asarray(th.transition_matrix(50))
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)


def test_transition_matrix_entries_are_relative_accurate_down_to_the_tails():
    M = 60
    Pe = th.transition_matrix(M, exact=True)
    Pf = th.transition_matrix(M)
    exact = np.array([[float(v) for v in Pe.row(a)] for a in range(M + 1)])
    mask = exact > 0
    assert np.max(np.abs(Pf[mask] - exact[mask]) / exact[mask]) < 1e-13  # entries down to 1e-100
    assert exact[mask].min() < 1e-100 and np.all(Pf[~mask] == 0)


def test_loader_binomial_against_mpmath_at_large_M():
    rng = np.random.default_rng(7)
    for M in (10 ** 4, 10 ** 6, 10 ** 9):
        i = rng.integers(1, M, 40)
        j = np.clip(np.round(i + rng.normal(size=40) * 6 * np.sqrt(i * (M - i) / M)), 0, M).astype(np.int64)
        j[:4] = [0, M, 0, M]
        got = _kernel.binomial_pmf(j, M, i)
        for a in range(40):
            ref = _mp_binomial(int(j[a]), M, int(i[a]))
            if ref > 1e-290:
                assert abs(got[a] - ref) <= 1e-13 * ref, (M, i[a], j[a])
    # log-gamma differences lose digits with M; Loader's form does not
    M, i, j = 10 ** 6, 333_333, 334_000
    G = scipy.special.gammaln
    q = i / M
    naive = math.exp(G(M + 1) - G(j + 1) - G(M - j + 1) + j * math.log(q) + (M - j) * math.log1p(-q))
    ref = float(_mp_binomial(j, M, i))
    assert abs(_kernel.binomial_pmf(j, M, i) - ref) < 1e-13 * ref < abs(naive - ref)


# ----------------------------------------------------------------------------- closed forms
def test_heterozygosity_closed_form_symbolic_and_exact():
    n, M = sp.symbols("n M", positive=True, integer=True)
    expr = th.expected_heterozygosity(n, [R(1, 2), R(1, 2)], M)
    assert sp.simplify(expr - R(1, 2) * (1 - 1 / M) ** n) == 0
    assert th.expected_heterozygosity(3, [R(1, 2), R(1, 2)], 4, exact=True) == R(1, 2) * R(3, 4) ** 3
    assert th.expected_heterozygosity(3, [0.5, 0.5], 4, exact=True) == R(27, 128)  # floats read as decimals
    np.testing.assert_allclose(th.expected_heterozygosity(np.arange(4), [0.5, 0.5], 4), 0.5 * 0.75 ** np.arange(4),
                               rtol=1e-15)


def test_heterozygosity_without_cancellation_near_a_point_mass():
    p = [1 - 1e-12, 1e-12]
    exact = float(th.expected_heterozygosity(0, p, 10, exact=True))  # 2e-12 (1 - 1e-12)
    assert th.expected_heterozygosity(0, p, 10) == pytest.approx(exact, rel=1e-12)


def test_heterozygosity_perturbed_ratio_differs_from_exact_chain():
    # E[H_n] from the exact chain distribution equals (1-1/M)^n H_0, not (1-1/M)^(n+1) H_0
    M, n, i = 6, 4, 2
    f = [2 * R(j, M) * (1 - R(j, M)) for j in range(M + 1)]
    chain = th.conditional_expectations(n, f, M, exact=True)[i]
    H0 = 2 * R(i, M) * (1 - R(i, M))
    assert chain == H0 * (1 - R(1, M)) ** n == th.expected_heterozygosity(n, [R(i, M), R(M - i, M)], M, exact=True)
    assert chain != H0 * (1 - R(1, M)) ** (n + 1)


def test_loss_probability_and_tail_picture():
    p, M = sp.symbols("p M", positive=True)
    assert th.loss_probability(p, M) == (1 - p) ** M
    assert sp.simplify(sp.diff(th.loss_probability(p, M), p) + M * (1 - p) ** (M - 1)) == 0
    assert th.loss_probability(R(1, 4), 3) == R(27, 64)
    probs = [th.loss_probability(q, 50) for q in (0.001, 0.01, 0.1, 0.5)]
    assert probs == sorted(probs, reverse=True)  # rare categories vanish first
    assert th.expected_categories_lost([0.5, 0.5], 2) == pytest.approx(0.5)
    assert th.expected_mass_lost([0.9, 0.1], 10) == pytest.approx(0.9 * 0.1 ** 10 + 0.1 * 0.9 ** 10, rel=1e-14)
    assert th.expected_categories_lost([R(1, 3), R(2, 3)], 2, exact=True) == R(5, 9)
    with mpmath.workdps(40):
        ref = float((1 - mpmath.mpf(0.001)) ** 100000)
    assert th.loss_probability(0.001, 10 ** 5) == pytest.approx(ref, rel=1e-14)


def test_fixation_probability_compares_integers_exactly():
    assert th.fixation_probability(2 ** 53, 2 ** 53 + 1) == float(R(2 ** 53, 2 ** 53 + 1))
    with pytest.raises(ValueError, match="i must be <= M"):  # was 1.0: a float() rounded i to M
        th.fixation_probability(2 ** 53 + 1, 2 ** 53)


# ----------------------------------------------------------------------------- eigenvalues
def test_eigenvalues_symbolic_exact_and_charpoly():
    M = sp.Symbol("M", positive=True, integer=True)
    lam = th.transition_eigenvalues(M)
    j = [s for s in lam.free_symbols if s.name == "j"][0]
    assert sp.simplify(sp.expand_func(lam.subs(j, 2)) - (1 - 1 / M)) == 0
    assert th.transition_eigenvalue(2, M) == (M - 1) / M
    x = sp.Symbol("x")
    cp = sp.Matrix(th.transition_matrix(6, exact=True)).charpoly(x).as_expr()
    assert sp.expand(cp - sp.prod([x - v for v in th.transition_eigenvalues(6, exact=True)])) == 0
    assert th.transition_eigenvalue(3, 6, exact=True) == th.transition_eigenvalues(6, exact=True)[3] == R(5, 9)


def test_eigenvalues_float_at_huge_M():
    lam = th.transition_eigenvalues(10 ** 6)  # was a loop of 10^6 Fractions
    assert lam.shape == (10 ** 6 + 1,) and lam[0] == lam[1] == 1.0 and lam[-1] == 0.0
    for k in (2, 10, 1000, 30000):
        with mpmath.workdps(40):
            ref = float(mpmath.ff(10 ** 6, k) / mpmath.mpf(10) ** (6 * k))
        assert lam[k] == pytest.approx(ref, rel=1e-13)
        assert th.transition_eigenvalue(k, 10 ** 6) == pytest.approx(ref, rel=1e-14)
    np.testing.assert_allclose(th.transition_eigenvalues(40), [float(v) for v in th.transition_eigenvalues(
        40, exact=True)], rtol=1e-14)


# ----------------------------------------------------------------------------- distributions
def test_survival_and_distribution_exact_vs_float():
    se = th.survival_probabilities(12, 20, exact=True)
    np.testing.assert_allclose(th.survival_probabilities(12, 20), [float(v) for v in se], rtol=1e-13)
    assert th.survival_probability(1, 2, 10, exact=True) == 1 - R(8, 10) ** 10
    pmf = th.absorption_time_distribution(2, 4, 400, exact=True)
    assert pmf[0] == 0
    assert abs(float(sum(n * v for n, v in enumerate(pmf))) - 132 / 29) < 1e-12
    np.testing.assert_allclose(th.absorption_time_distribution(2, 4, 400), [float(v) for v in pmf], rtol=1e-12,
                               atol=1e-300)


def test_count_distribution_forward_equals_backward():
    M, n = 12, 5
    d = th.count_distribution(n, 3, M, exact=True)
    assert sum(d) == 1
    assert d[0] == th.absence_probabilities(n, M, exact=True)[3]
    assert 1 - d[0] == th.survival_probability(n, 3, M, exact=True) == th.survival_probabilities(n, M, exact=True)[3]
    np.testing.assert_allclose(th.count_distribution(n, 3, M), [float(v) for v in d], rtol=1e-13)
    rows = th.count_distribution(np.array([0, 2, 5]), 3, M)
    assert rows.shape == (3, M + 1) and rows[0, 3] == 1.0
    np.testing.assert_allclose(rows[2], th.count_distribution(5, 3, M), rtol=1e-15)


def test_tiny_absence_probabilities_keep_their_digits():
    M = 40
    exact = th.absence_probabilities(2, M, exact=True)
    flt = th.absence_probabilities(2, M)
    assert float(exact[39]) < 1e-29  # 1 - survival would be 0 in floats
    np.testing.assert_allclose(flt[:M], [float(v) for v in exact[:M]], rtol=1e-12)
    np.testing.assert_allclose(flt + th.survival_probabilities(2, M), 1.0, rtol=1e-14)


def test_conditional_expectations_martingale_and_arrays():
    M = 9
    f = np.arange(M + 1) / M
    np.testing.assert_allclose(th.conditional_expectations(40, f, M), f, atol=1e-14)  # E[X_n/M] = i/M
    rows = th.conditional_expectations([1, 3], (np.arange(M + 1) / M) ** 2, M)
    assert rows.shape == (2, M + 1)
    e2 = th.conditional_expectations(3, [R(j * j, M * M) for j in range(M + 1)], M, exact=True)
    np.testing.assert_allclose(rows[1], [float(v) for v in e2], rtol=1e-13)


def test_binomial_expectations_against_scipy():
    M = 30
    q = np.array([0.0, 0.013, 0.5, 0.97, 1.0])
    f = np.cos(np.arange(M + 1))
    ref = [np.sum(scipy.stats.binom.pmf(np.arange(M + 1), M, v) * f) for v in q]
    np.testing.assert_allclose(th.binomial_expectations(q, f, M), ref, atol=1e-14)
    two = th.binomial_expectations(q, np.stack([f, np.ones(M + 1)]), M)
    assert two.shape == (5, 2) and np.allclose(two[:, 1], 1.0)
    assert th.binomial_expectations([R(1, 3)], [1, 0, 0], 2) == sp.ImmutableMatrix([R(4, 9)])


def test_first_refit_from_any_frequency_then_the_chain():
    # E[f(X_n)] from a generation-0 frequency q: one binomial step, then n - 1 steps of the chain
    M, n, q = 8, 4, 0.3
    g = np.arange(M + 1) ** 2 / M ** 2
    via = th.binomial_expectations([q], th.conditional_expectations(n - 1, g, M), M)[0]
    P = th.transition_matrix(M)
    start = scipy.stats.binom.pmf(np.arange(M + 1), M, q)
    assert via == pytest.approx(start @ np.linalg.matrix_power(P, n - 1) @ g, rel=1e-13)


def test_banded_path_agrees_with_the_dense_path(monkeypatch):
    M, n = 1200, 6
    dense = th.survival_probabilities(n, M)
    dense_one = th.count_distribution(n, 5, M)
    monkeypatch.setattr(_kernel, "DENSE_ITER_MAX", 100)
    banded = th.survival_probabilities(n, M)
    np.testing.assert_allclose(banded, dense, atol=1e-14)
    np.testing.assert_allclose(th.count_distribution(n, 5, M), dense_one, atol=1e-15)


def test_singleton_at_huge_M_is_cheap_and_right():
    # was a MemoryError asking for ~50 GiB (the banded matrix of all 10^6 rows)
    M = 10 ** 6
    s = th.survival_probability(2, 1, M)
    with mpmath.workdps(40):  # P(X_2 = 0) = sum_k P(1 -> k) (1 - k/M)^M, k small
        ref = 1 - mpmath.fsum(_mp_binomial(k, M, 1, 40) * (1 - mpmath.mpf(k) / M) ** M for k in range(60))
    assert s == pytest.approx(float(ref), rel=1e-12)
    assert th.transition_probability(1, 2, M) == pytest.approx(float(_mp_binomial(2, M, 1)), rel=1e-14)


def test_huge_n_by_squaring_and_absorption():
    np.testing.assert_allclose(th.survival_probabilities(10 ** 12, 5), np.arange(6) / 5, rtol=1e-12)
    assert th.survival_probability(10 ** 12, 2, 5) == pytest.approx(0.4, rel=1e-12)
    pmf = th.absorption_time_distribution(1, 3, 100_000)  # absorbed in float arithmetic long before
    assert pmf[-1] == 0.0 and math.fsum(pmf) == pytest.approx(1.0, rel=1e-14)


def test_surviving_categories_and_collapse_time():
    assert th.expected_surviving_categories(0, [2, 1, 1], 4, exact=True) == 3
    v = th.expected_surviving_categories(3, [2, 1, 1], 4, exact=True)
    s = th.survival_probabilities(3, 4, exact=True)
    assert v == s[2] + 2 * s[1]
    assert th.expected_surviving_categories(3, [2, 1, 1], 4) == pytest.approx(float(v), rel=1e-14)
    assert th.expected_time_to_collapse([2, 2], exact=True) == R(132, 29)  # K = 2 is the two-type chain
    te = th.expected_time_to_collapse([3, 2, 1], exact=True)
    assert float(te) == pytest.approx(th.expected_time_to_collapse([3, 2, 1]), rel=1e-12)
    states, P = th.multitype_transition_matrix(6, 3)  # the lumped chain agrees with the unlumped one
    trans = [a for a, x in enumerate(states) if np.count_nonzero(x) > 1]
    t = np.linalg.solve(np.eye(len(trans)) - P[np.ix_(trans, trans)], np.ones(len(trans)))
    k = [a for a in trans if list(states[a]) == [3, 2, 1]][0]
    assert t[trans.index(k)] == pytest.approx(float(te), rel=1e-12)
    assert th.absorbing_states(5, 3) == ((0, 0, 5), (0, 5, 0), (5, 0, 0))


def test_kimura_and_littler():
    p, M = sp.symbols("p M", positive=True)
    assert sp.simplify(th.kimura_absorption_time(p, M) + 2 * M * (p * sp.log(p) + (1 - p) * sp.log(1 - p))) == 0
    assert th.kimura_absorption_time(0, 10) == 0.0 and th.kimura_absorption_time(0, 10, exact=True) == 0
    assert th.littler_time_to_collapse([0.3, 0.7], 50) == pytest.approx(th.kimura_absorption_time(0.3, 50))
    err = [abs(th.kimura_absorption_time(0.5, M) / th.expected_absorption_time(M // 2, M) - 1) for M in (10, 100, 1000)]
    assert err[0] > err[1] > err[2]


def test_banded_solver_error_bound_and_large_M():
    s = th.solve_two_type_chain(3000)
    assert s.dropped_mass < 1e-14 and s.time_error_bound < 1e-4
    assert s.times[1500] == pytest.approx(th.kimura_absorption_time(0.5, 3000), rel=2e-3)
    np.testing.assert_allclose(s.times, s.times[::-1], rtol=1e-10)
    assert not s.times.flags.writeable  # cached: read-only


def test_proofs_derive_the_eigenvalues():
    from proofs import discrete as pd

    d = pd.derive_eigenvalues(7)
    assert d.similar and list(th.transition_eigenvalues(7, exact=True)) == d.eigenvalues


# ----------------------------------------------------------------------------- out of reach: a named ValueError
@pytest.mark.parametrize("call, match", [
    (lambda: th.expected_heterozygosity(1, [0.5, -0.1, 0.6], 10), "p"),
    (lambda: th.expected_heterozygosity(1, [0.5, 0.4], 10), "p"),
    (lambda: th.expected_heterozygosity(1, [1.0], 10), "K >= 2"),
    (lambda: th.expected_heterozygosity(1, [np.nan, 1.0], 10), "p"),
    (lambda: th.expected_heterozygosity(1, [[0.5, 0.5]], 10), "p"),
    (lambda: th.expected_heterozygosity(-1, [0.5, 0.5], 10), "n"),
    (lambda: th.expected_absorption_time(2, 0), "M"),
    (lambda: th.expected_absorption_time(5, 4), "i"),
    (lambda: th.expected_absorption_time(-1, 4), "i"),
    (lambda: th.expected_absorption_time(2.5, 4), "i"),
    (lambda: th.expected_absorption_time(2, 4, exact="yes"), "exact"),
    (lambda: th.expected_absorption_time(2, 1000, exact=True), "M = 1000.*exact=False"),
    (lambda: th.transition_matrix(10 ** 6), "M = "),
    (lambda: th.expected_time_to_collapse([20, 20, 20, 20, 20], exact=True), "states.*exact=False"),
    (lambda: th.expected_time_to_collapse([1, 2, np.nan]), "counts"),
    (lambda: th.expected_time_to_collapse([5]), "counts"),
    (lambda: th.expected_surviving_categories(2, [2, 2], 5), "counts must sum to M"),
    (lambda: th.survival_probability(2, 2, 1000, exact=True), "M = 1000.*exact=False"),
    (lambda: th.survival_probabilities(10 ** 6, 30, exact=True), "n = 1000000"),
    (lambda: th.survival_probabilities(10 ** 9, 20_000), "n = 1000000000 with M = 20000"),
    (lambda: th.absorption_time_distribution(2, 10, -1), "generations"),
    (lambda: th.absorption_time_distribution(2, 10 ** 4, 10 ** 8), "generations = 100000000"),
    (lambda: th.absorption_time_distribution(2, 10 ** 4, 10 ** 6), "generations = 1000000 with M = 10000"),
    (lambda: th.loss_probability(1.5, 10), "p"),
    (lambda: th.loss_probability(0.5, 10 ** 6, exact=True), "M = 1000000 is beyond exact"),
    (lambda: th.kimura_absorption_time(-0.1, 10), "p"),
    (lambda: th.solve_two_type_chain(100, tail=0.5), "tail"),
    (lambda: th.solve_two_type_chain(10 ** 6), "M = 1000000"),
    (lambda: th.transition_eigenvalues(10 ** 8), "M = 100000000"),
    (lambda: th.absorbing_states(200, 5), "states"),
    (lambda: th.conditional_expectations(2, [0, 1], 4), "f must hold M \\+ 1 = 5"),
    (lambda: th.binomial_expectations([1.5], [0, 1], 1), "q"),
    (lambda: th.multinomial_transition_probability([1, 2], [2, 2]), "y must sum"),
    (lambda: th.fixation_probability(2 ** 53 + 1, 2 ** 53), "i"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
