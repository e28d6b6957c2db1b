"""Tests of theory.discrete: exact fractions, sympy closed forms, float vs exact, bad input."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from theory import discrete as th


# ----------------------------------------------------------------------------- exact small cases
def test_mean_absorption_time_M4_is_132_over_29():
    assert th.expected_absorption_time(2, 4, exact=True) == Fraction(132, 29)
    t = th.expected_absorption_times(4, exact=True)
    assert t[2] == Fraction(132, 29) and t[1] == t[3] and t[0] == t[4] == 0


def test_absorption_time_off_by_one_is_not_132_over_29():
    assert th.expected_absorption_time(2, 4, exact=True) + 1 != Fraction(132, 29)


def test_exact_times_match_sympy_fundamental_matrix():
    from sympy.stats import DiscreteMarkovChain

    for M in (3, 4, 6, 7):
        P = sp.Matrix(th.transition_matrix(M, exact=True))
        order = list(range(1, M)) + [0, M]
        Pc = P.extract(order, order)
        N = DiscreteMarkovChain("X", list(range(M + 1)), Pc).fundamental_matrix()
        t_sympy = N * sp.ones(M - 1, 1)
        ours = th.expected_absorption_times(M, exact=True)
        assert [Fraction(int(sp.fraction(v)[0]), int(sp.fraction(v)[1])) for v in t_sympy] == ours[1:M]


def test_exact_vs_float_absorption_times():
    te = th.expected_absorption_times(60, exact=True)
    tf = th.expected_absorption_times(60)
    np.testing.assert_allclose(tf, [float(v) for v in te], rtol=1e-12)


def test_fixation_probability_from_chain_equals_i_over_M():
    assert th.absorption_probabilities(9, exact=True) == [Fraction(i, 9) for i in range(10)]
    np.testing.assert_allclose(th.absorption_probabilities(500), np.arange(501) / 500, atol=1e-12)
    assert th.fixation_probability(3, 9, exact=True) == Fraction(1, 3)


def test_transition_probability_exact_and_symbolic():
    assert th.transition_probability(1, 0, 2, exact=True) == Fraction(1, 4)
    i, j, M = sp.symbols("i j M", positive=True, integer=True)
    expr = th.transition_probability(i, j, M)
    assert sp.simplify(expr.subs({i: 1, j: 0, M: 2}) - sp.Rational(1, 4)) == 0
    assert th.multinomial_transition_probability([1, 1, 1], [3, 0, 0], exact=True) == Fraction(1, 27)
    P = np.asarray(th.transition_matrix(50))
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)


def test_heterozygosity_closed_form_symbolic_and_exact():
    n, M = sp.symbols("n M", positive=True, integer=True)
    expr = th.expected_heterozygosity(n, [sp.Rational(1, 2), sp.Rational(1, 2)], M)
    assert sp.simplify(expr - sp.Rational(1, 2) * (1 - 1 / M) ** n) == 0
    assert th.expected_heterozygosity(3, [Fraction(1, 2), Fraction(1, 2)], 4, exact=True) == Fraction(1, 2) * Fraction(3, 4) ** 3
    d = th.derive_heterozygosity_recursion()
    Ms = [s for s in d["ratio"].free_symbols if s.name == "M"][0]
    assert d["verified"] and sp.simplify(d["ratio"] - (1 - 1 / Ms)) == 0


def test_heterozygosity_perturbed_ratio_differs_from_exact_chain():
    # E[H_n] from the exact chain distribution equals (1-1/M)^n H_0, not (1-1/M)^(n+1) H_0
    M, n, i = 6, 4, 2
    P = sp.Matrix(th.transition_matrix(M, exact=True))
    row = (P ** n)[i, :]
    chain = sum(row[j] * 2 * sp.Rational(j, M) * (1 - sp.Rational(j, M)) for j in range(M + 1))
    H0 = 2 * sp.Rational(i, M) * (1 - sp.Rational(i, M))
    assert chain == H0 * (1 - sp.Rational(1, M)) ** n
    assert chain != H0 * (1 - sp.Rational(1, M)) ** (n + 1)


def test_derivations():
    assert th.derive_martingale()["martingale"]
    facts = th.derive_absorbing_states()
    assert all(v for v in facts.values() if isinstance(v, bool))
    d = th.derive_eigenvalues(7)
    assert d["similar"]
    assert [Fraction(str(v)) for v in d["eigenvalues"]] == th.transition_eigenvalues(7, exact=True)
    assert th.absorbing_states(5, 3) == [(0, 0, 5), (0, 5, 0), (5, 0, 0)]


def test_eigenvalues_symbolic_and_charpoly():
    M = sp.Symbol("M", positive=True, integer=True)
    lam = th.transition_eigenvalues(M)
    j = [s for s in lam.free_symbols if s.name == "j"][0]
    assert sp.simplify(lam.subs(j, 2) - (1 - 1 / M)) == 0
    assert lam.subs(j, 0) == 1 and sp.simplify(lam.subs(j, 1)) == 1
    x = sp.Symbol("x")
    P = sp.Matrix(th.transition_matrix(6, exact=True))
    cp = P.charpoly(x).as_expr()
    expected = sp.prod([x - sp.Rational(str(v)) for v in th.transition_eigenvalues(6, exact=True)])
    assert sp.expand(cp - expected) == 0


def test_loss_probability_and_tail_picture():
    p, M = sp.symbols("p M", positive=True)
    assert th.loss_probability(p, M) == (1 - p) ** M
    assert sp.simplify(sp.diff(th.loss_probability(p, M), p) + M * (1 - p) ** (M - 1)) == 0
    assert th.loss_probability(Fraction(1, 4), 3) == Fraction(27, 64)
    probs = [th.loss_probability(q, 50) for q in (0.001, 0.01, 0.1, 0.5)]
    assert probs == sorted(probs, reverse=True)  # rare categories vanish first
    assert th.expected_categories_lost([0.5, 0.5], 2) == pytest.approx(0.5)
    assert th.expected_mass_lost([0.9, 0.1], 10) == pytest.approx(0.9 * 0.1 ** 10 + 0.1 * 0.9 ** 10)


def test_survival_and_distribution_exact_vs_float():
    se = th.survival_probabilities(12, 20, exact=True)
    sf = th.survival_probabilities(12, 20)
    np.testing.assert_allclose(sf, [float(v) for v in se], rtol=1e-12, atol=1e-15)
    assert th.survival_probability(1, 2, 10, exact=True) == 1 - Fraction(8, 10) ** 10
    pmf = th.absorption_time_distribution(2, 4, 400, exact=True)
    assert pmf[0] == 0
    mean = sum(n * v for n, v in enumerate(pmf))
    assert abs(float(mean) - 132 / 29) < 1e-12
    pf = th.absorption_time_distribution(2, 4, 400)
    np.testing.assert_allclose(pf, [float(v) for v in pmf], atol=1e-15)


def test_surviving_categories_and_collapse_time():
    assert th.expected_surviving_categories(0, [2, 1, 1], 4, exact=True) == 3
    v = th.expected_surviving_categories(3, [2, 1, 1], 4, exact=True)
    s = th.survival_probabilities(3, 4, exact=True)
    assert v == s[2] + 2 * s[1]
    # K = 2 collapse time is the two-type absorption time
    assert th.expected_time_to_collapse([2, 2], exact=True) == Fraction(132, 29)
    te = th.expected_time_to_collapse([3, 2, 1], exact=True)
    assert float(te) == pytest.approx(th.expected_time_to_collapse([3, 2, 1]), rel=1e-12)
    # the lumped chain agrees with the unlumped one
    states, P = th.multitype_transition_matrix(6, 3)
    trans = [a for a, x in enumerate(states) if np.count_nonzero(x) > 1]
    t = np.linalg.solve(np.eye(len(trans)) - P[np.ix_(trans, trans)], np.ones(len(trans)))
    k = [a for a in trans if list(states[a]) == [3, 2, 1]][0]
    assert t[trans.index(k)] == pytest.approx(float(te), rel=1e-12)


def test_kimura_and_littler():
    p, M = sp.symbols("p M", positive=True)
    assert sp.simplify(th.kimura_absorption_time(p, M) + 2 * M * (p * sp.log(p) + (1 - p) * sp.log(1 - p))) == 0
    assert th.littler_time_to_collapse([0.3, 0.7], 50) == pytest.approx(th.kimura_absorption_time(0.3, 50))
    err = [abs(th.kimura_absorption_time(0.5, M) / th.expected_absorption_time(M // 2, M) - 1) for M in (10, 100, 1000)]
    assert err[0] > err[1] > err[2]


def test_banded_solver_error_bound_and_large_M():
    s = th.solve_two_type_chain(3000)
    assert s.dropped_mass < 1e-14 and s.time_error_bound < 1e-4
    assert s.times[1500] == pytest.approx(th.kimura_absorption_time(0.5, 3000), rel=2e-3)
    np.testing.assert_allclose(s.times, s.times[::-1], rtol=1e-10)


# ----------------------------------------------------------------------------- bad input
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
    (lambda: th.expected_absorption_time(2, 1000, exact=True), "M=1000.*exact=False"),
    (lambda: th.transition_matrix(10 ** 6), "M="),
    (lambda: th.expected_time_to_collapse([20, 20, 20, 20, 20], exact=True), "states.*exact=False"),
    (lambda: th.expected_time_to_collapse([1, 2, np.nan]), "counts"),
    (lambda: th.expected_time_to_collapse([5]), "K >= 2"),
    (lambda: th.expected_surviving_categories(2, [2, 2], 5), "counts must sum to M"),
    (lambda: th.survival_probability(2, 2, 1000, exact=True), "M=1000"),
    (lambda: th.absorption_time_distribution(2, 10, -1), "generations"),
    (lambda: th.loss_probability(1.5, 10), "p"),
    (lambda: th.kimura_absorption_time(-0.1, 10), "p"),
    (lambda: th.solve_two_type_chain(100, tail=0.5), "tail"),
    (lambda: th.absorbing_states(200, 5), "states"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
