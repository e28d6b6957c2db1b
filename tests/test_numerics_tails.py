"""numerics.tails: Monte Carlo agrees with theory.tails, a wrong formula is caught, same seed -> same numbers."""

from __future__ import annotations

import numpy as np
import pytest

from numerics import checks as ck
from numerics import tails as nt
from theory import tails as th

P = th.zipf(300, 1.3)
EDGES = np.arange(-5.0, 0.01, 0.5)


@pytest.fixture(scope="module")
def generations_run():
    return nt.simulate_generations(P, 100, 4, 1500, record=(1, 4), tests=(20, 300), sampled=(20, 100), delta=0.5,
                                   edges=EDGES, seed=5)


def _statuses(rows):
    return {r.status for r in rows}


def test_memorization_agrees_and_a_wrong_formula_is_caught():
    for q in (None, th.tail_cut(P, 10), th.tail_mixture(P, 10, 0.2), th.zipf(300, 2.0)):
        run = nt.simulate_memorization(P, 40, 4000, q=q, seed=1)
        assert _statuses(nt.checks_for_run(run, 0)) == {ck.AGREE}
    run = nt.simulate_memorization(P, 40, 4000, seed=1)
    wrong = nt.checks_for_run(run, 0, {"memorization_error": lambda p, T, q: th.memorization_error(p, T + 6, q)})
    assert _statuses(wrong) == {ck.DISAGREE}


def test_generations_agree(generations_run):
    for n in (1, 4):
        rows = nt.checks_for_run(generations_run, n)
        assert ck.DISAGREE not in _statuses(rows), ck.format_table(rows)
        assert {"lost mass", "vocabulary", "err_n(T)", "err_n(T) sampled", "err_n(T0) = lost_n+1", "log-likelihood",
                "E[S_b] = P_b", "E[cross-entropy]", "Var[cross-entropy]"} <= {r.quantity for r in rows}


WRONG = {
    "lost mass": lambda p, T0, n: th.generations_error(p, T0, n - 1),
    "vocabulary": lambda p, T0, n: th.expected_vocabulary(p, T0, n - 1),
    "err_n(T)": lambda p, T0, n, T: th.generations_error(p, T0, n - 1, T),
    "err_n(T) sampled": lambda p, T0, n, T: th.generations_error(p, T0, 1, T),  # "every generation is fresh from p"
    "err_n(T0) = lost_n+1": lambda p, T0, n1: th.generations_error(p, T0, n1 - 1),
    "log-likelihood": lambda p, T0, n, d: th.expected_log_likelihood(p, T0, n - 1, d),
    "E[S_b] = P_b": lambda p, e, T0, n: 0.9 * th.log_probability_histogram(p, e, T0, n).mass,
    "P(S_b = 0)": lambda p, e, T0, n: th.log_probability_histogram(p, e, T0, n - 2).empty,
    "E[cross-entropy]": lambda p, T0, n: th.generated_cross_entropy(p, T0, n).mean * 1.05,
    "Var[cross-entropy]": lambda p, T0, n: th.generated_cross_entropy(p, T0, n - 1).variance,
}


@pytest.mark.parametrize("quantity", sorted(WRONG))
def test_a_wrong_generations_formula_is_caught(generations_run, quantity):
    rows = [r for r in nt.checks_for_run(generations_run, 4, {quantity: WRONG[quantity]}) if r.quantity == quantity]
    assert rows and ck.DISAGREE in _statuses(rows), ck.format_table(rows)


def test_poisson_refit_agrees_and_an_off_by_one_is_caught():
    run = nt.simulate_poisson_refit(3, 10, 20, 20_000, record=(1, 2, 5, 20), seed=2)
    for k in (1, 2, 5, 20):
        assert _statuses(nt.checks_for_run(run, k)) == {ck.AGREE}
    wrong = nt.checks_for_run(run, 2, {"P(forgotten by k)": lambda c, k: th.forgetting_probability(c, k + 1)})
    assert _statuses(wrong) == {ck.DISAGREE}


def test_same_seed_same_numbers_for_one_and_two_workers():
    p = th.zipf(40, 1.2)
    a = nt.simulate_generations(p, 30, 3, 17_000, record=(1, 3), tests=(10,), sampled=(10,), seed=9, workers=1)
    b = nt.simulate_generations(p, 30, 3, 17_000, record=(1, 3), tests=(10,), sampled=(10,), seed=9, workers=2)
    for g in (1, 3):
        for name in a.snapshots[g]:
            np.testing.assert_array_equal(a.snapshots[g][name], b.snapshots[g][name])
    m1 = nt.simulate_memorization(p, 20, 17_000, seed=3, workers=1).statistic("error", 0)
    m2 = nt.simulate_memorization(p, 20, 17_000, seed=3, workers=2).statistic("error", 0)
    np.testing.assert_array_equal(m1, m2)
    f1 = nt.simulate_poisson_refit(2, 5, 4, 17_000, seed=4, workers=1).statistic("forgotten", 4)
    f2 = nt.simulate_poisson_refit(2, 5, 4, 17_000, seed=4, workers=2).statistic("forgotten", 4)
    np.testing.assert_array_equal(f1, f2)


def test_log_likelihood_exact_where_small_and_monte_carlo_agrees():
    exact = nt.log_likelihood(P, 100, 3, 0.5)
    assert exact.method == "exact" and exact.stderr == 0 and exact.value == th.expected_log_likelihood(P, 100, 3, 0.5)
    mc = nt.log_likelihood(P, 100, 3, 0.5, chains=1500, method="monte-carlo", seed=1)
    assert mc.method == "monte-carlo" and abs(mc.value - exact.value) < 4.5 * mc.stderr


def test_generated_histogram(generations_run):
    h = nt.generated_histogram(generations_run, 4)
    np.testing.assert_allclose(h.theory_mass.sum(), 1.0, rtol=1e-12)
    inside = h.theory_mass > 0
    assert np.all(np.abs(h.mean[inside] - h.theory_mass[inside]) < 4.5 * h.stderr[inside] + 1e-12)
    assert h.empty_fraction[0] >= h.empty_fraction[-1]  # the rare end empties first


def test_english_unigram_is_wordfreq_and_works_offline(monkeypatch):
    """The frequencies are wordfreq's, read from the data it ships: with every network connection refused and
    every cache emptied, the list still loads."""
    import socket

    import wordfreq

    def refuse(*args, **kwargs):
        raise RuntimeError("network blocked")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for cached in (wordfreq.get_frequency_list, wordfreq.get_frequency_dict, wordfreq.top_n_list):
        cached.cache_clear()
    wordfreq._wf_cache.clear()
    monkeypatch.setitem(nt._WORDS, "words", [])
    monkeypatch.setitem(nt._WORDS, "freqs", np.zeros(0))
    p = nt.english_unigram(1000)
    words = wordfreq.top_n_list("en", 1000)
    f = np.array([wordfreq.word_frequency(w, "en") for w in words])
    np.testing.assert_allclose(p, f / f.sum(), rtol=1e-15)
    assert np.all(np.diff(p) <= 0) and abs(p.sum() - 1) < 1e-12


def test_exact_checks_agree():
    rows = nt.exact_checks()
    assert _statuses(rows) == {ck.AGREE}, ck.format_table([r for r in rows if r.status != ck.AGREE])


def test_sweep_rows_are_the_verify_rows_of_the_same_chains():
    """collapse sweep: a cell's rows from merged block summaries equal those of checks_for_run on the same chains,
    and a wrong theory in a sweep row is caught."""
    from numerics import sweep
    from numerics.summaries import merge_all

    def ss():
        return np.random.SeedSequence(17)

    def cell(**kw):
        return {**{k: v.default for k, v in nt.SWEEP_PARAMETERS.items()}, **kw}

    label = "Zipf(300,1.3)"
    cases = [
        (cell(V=300, beta=1.3, T0=100, T=20, n=(1, 4)),
         [r for n in (1, 4) for r in nt.checks_for_run(
             nt.simulate_generations(P, 100, 4, 1500, record=(1, 4), tests=(20,), seed=ss(), label=label), n)
          if r.quantity in ("lost mass", "vocabulary", "err_n(T)")]),
        (cell(scheme="memorization", V=300, beta=1.3, T=40),
         nt.checks_for_run(nt.simulate_memorization(P, 40, 1500, seed=ss(), label=label), 0)),
        (cell(scheme="poisson", c=3.0, draws=10, n=(1, 5)),
         [r for k in (1, 5) for r in nt.checks_for_run(
             nt.simulate_poisson_refit(3, 10, 5, 1500, record=(1, 5), seed=ss()), k)]),
    ]
    for c, want in cases:
        got = nt.sweep_rows(c, nt.sweep_block(c, 1500, ss()), nt.SWEEP_QUANTITIES)
        if c["scheme"] == "poisson":  # the sweep adds its generation column: n = k refits
            assert all(r.params.pop("n") == r.params["k"] for r in got)
        key = lambda r: (r.quantity, tuple(sorted(r.params.items())))  # noqa: E731
        assert sorted(map(key, got)) == sorted(map(key, want))
        for a, b in zip(sorted(got, key=key), sorted(want, key=key)):
            assert a.status == b.status == ck.AGREE
            assert (a.theory, a.estimate, a.stderr) == pytest.approx((b.theory, b.estimate, b.stderr), rel=1e-12)
    c = cell(n=(3,))
    parts = [nt.sweep_block(c, 800, sweep.block_seed(1, 0, b)) for b in range(2)]
    merged = {k: merge_all(p[k] for p in parts) for k in parts[0]}
    row = nt.sweep_rows(c, merged, ("lost mass",))[0]
    wrong = sweep.mean_row("tails", row.quantity, row.params, nt.th.generations_error(nt.th.zipf(2000, 1.3), 500, 2),
                           merged["lost@3"])
    assert row.status == ck.AGREE and wrong.status == ck.DISAGREE
