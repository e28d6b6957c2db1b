"""Tests of numerics.discrete: three views agree, wrong formulas are caught, determinism, bad input."""

import dataclasses

import numpy as np
import pytest

from numerics import checks
from numerics import discrete as nd
from theory import discrete as th

SEED = 20240724


@pytest.fixture(scope="module")
def two_type():
    return nd.simulate([0.25, 0.75], 8, 400, 20000, seed=SEED)


def test_three_views_of_absorption_time_agree(two_type):
    exact = th.expected_absorption_time(2, 8, exact=True)
    flt = th.expected_absorption_time(2, 8)
    assert checks.exact_check("discrete", "t", {}, exact, flt).ok
    row = nd.check_absorption_time(two_type, 2)[0]
    assert row.status == checks.AGREE


def test_absorption_time_off_by_one_is_caught(two_type):
    wrong = lambda i, M: th.expected_absorption_time(i, M) + 1  # noqa: E731
    assert nd.check_absorption_time(two_type, 2, formula=wrong)[0].status == checks.DISAGREE


def test_heterozygosity_agrees_and_perturbed_ratio_is_caught(two_type):
    assert all(r.status == checks.AGREE for r in nd.check_heterozygosity(two_type, (1, 4, 10)))
    wrong = lambda n, p, M: th.expected_heterozygosity(n + 1, p, M)  # (1-1/M)^(n+1)  # noqa: E731
    rows = nd.check_heterozygosity(two_type, (1, 4, 10), formula=wrong)
    assert any(r.status == checks.DISAGREE for r in rows)


def test_fixation_survival_distribution(two_type):
    assert all(r.ok for r in nd.check_fixation(two_type))
    assert all(r.ok for r in nd.check_survival(two_type, 0, 2, (1, 3, 10, 30)))
    assert all(r.ok for r in nd.check_absorption_distribution(two_type, 2, (2, 5, 10, 30)))
    wrong = lambda k, p, M: 0.3 if k == 0 else 0.7  # noqa: E731
    assert any(r.status == checks.DISAGREE for r in nd.check_fixation(two_type, formula=wrong))


def test_multitype_checks_and_loss():
    sim = nd.simulate([0.4, 0.3, 0.2, 0.1], 10, 300, 20000, seed=SEED)
    assert (sim.absorption_time >= 0).all()
    assert all(r.ok for r in nd.check_time_to_collapse(sim, [4, 3, 2, 1]))
    assert all(r.ok for r in nd.check_surviving_categories(sim, [4, 3, 2, 1], (1, 5, 20)))
    assert all(r.ok for r in nd.check_loss(sim))
    wrong = lambda p, M: (1 - p) ** (M + 3)  # noqa: E731
    assert any(r.status == checks.DISAGREE for r in nd.check_loss(sim, formula=wrong))
    # moments are consistent: S_n in 1..K, H_n in [0, 1)
    assert np.all(sim.mean_surviving() >= 1) and np.all(sim.mean_surviving() <= 4)


def test_deterministic_and_bookkeeping_is_distribution_preserving():
    a = nd.simulate([0.5, 0.3, 0.2], 6, 50, 3000, seed=7)
    b = nd.simulate([0.5, 0.3, 0.2], 6, 50, 3000, seed=7)
    np.testing.assert_array_equal(a.absorption_time, b.absorption_time)
    np.testing.assert_array_equal(a.H_moments, b.H_moments)
    full = nd.simulate([0.5, 0.3, 0.2], 6, 50, 3000, seed=7, stop_when_absorbed=False)
    assert full.chain_generations == 3000 * 50 > a.chain_generations
    # identical first generation; after that the active set changes the random stream, not the law
    np.testing.assert_array_equal(a.H_moments[:2], full.H_moments[:2])
    row = checks.z_check("discrete", "E[T]", {}, full.absorption_time.mean(), a.absorption_time.mean(),
                         np.hypot(a.absorption_time.std(), full.absorption_time.std()) / np.sqrt(3000))
    assert row.ok


def test_same_seed_same_numbers_with_one_or_two_workers():
    a = nd.simulate([0.5, 0.3, 0.2], 6, 30, 40_000, seed=5)  # several blocks of chains
    b = nd.simulate([0.5, 0.3, 0.2], 6, 30, 40_000, seed=5, workers=2)
    for field in ("absorption_time", "fixed_category", "H_moments", "S_moments", "alive"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert a.chain_generations == b.chain_generations


def test_exact_rows_agree():
    rows = nd.exact_checks()
    assert rows and all(r.status == checks.AGREE for r in rows), [dataclasses.asdict(r) for r in rows if not r.ok]


def test_identity_row_catches_wrong_fraction():
    from fractions import Fraction

    assert nd._identity_row("x", {}, Fraction(132, 29), Fraction(161, 29)).status == checks.DISAGREE


@pytest.mark.parametrize("kwargs, match", [
    (dict(p=[0.5, 0.6], M=5, generations=3, chains=10), "p"),
    (dict(p=[-0.5, 1.5], M=5, generations=3, chains=10), "p"),
    (dict(p=[0.5, np.nan], M=5, generations=3, chains=10), "p"),
    (dict(p=[[0.5, 0.5]], M=5, generations=3, chains=10), "p"),
    (dict(p=[1.0], M=5, generations=3, chains=10), "K >= 2"),
    (dict(p=[0.5, 0.5], M=0, generations=3, chains=10), "M"),
    (dict(p=[0.5, 0.5], M=5, generations=-1, chains=10), "generations"),
    (dict(p=[0.5, 0.5], M=5, generations=3, chains=0), "chains"),
    (dict(p=[0.5, 0.5], M=5, generations=3, chains=10, seed=-3), "seed"),
    (dict(p=[0.5, 0.5], M=5, generations=3, chains=10, workers=0), "workers"),
])
def test_simulate_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        nd.simulate(**kwargs)


class _FixedUniforms:
    """Stand-in generator whose ``random(n)`` returns prescribed uniforms."""

    def __init__(self, u):
        self.u = np.asarray(u, dtype=float)

    def random(self, n):
        assert n == self.u.size
        return self.u


@pytest.mark.parametrize("M", [1, 2, 7, 50, 1000])
def test_table_binomial_is_the_binomial_quantile(M):
    """Inversion with the table returns the smallest j with P(Bin(M, k/M) <= j) > u, tails and all."""
    from scipy import stats

    table = nd._binomial_table(M)
    rng = np.random.default_rng(3)
    ks = np.unique(np.r_[0, 1, M // 3, M // 2, M - 1, M, rng.integers(0, M + 1, 5)])
    tails = np.r_[1e-15, 1e-12, 1e-9, 1e-6, 1 - 1e-6, 1 - 1e-9, 1 - 2 ** -40]
    for k in ks:
        # a small batch (per-element search of wide cells) and a large one (vectorised search)
        for u in (np.r_[rng.random(10), tails], np.r_[rng.random(3000), np.repeat(tails, 20)]):
            got = nd._table_binomial(_FixedUniforms(u), np.full(u.size, k), M, table)
            want = stats.binom.ppf(u, M, k / M)
            np.testing.assert_array_equal(got, want.astype(np.int64), err_msg=f"M={M} k={k}")


def test_multinomial_draw_redraws_a_revived_extinct_last_column():
    X = np.array([[6, 4, 0], [5, 3, 2]])

    class Rng:
        def __init__(self):
            self.calls = 0

        def multinomial(self, n, pvals):
            self.calls += 1
            if self.calls == 1:  # a rounding slip hands the extinct last column of row 0 a sample
                return np.array([[5, 4, 1], [4, 4, 2]])
            assert pvals.shape == (1, 3)
            return np.array([[7, 3, 0]])

    Y = nd._multinomial_draw(Rng(), X, 10)
    np.testing.assert_array_equal(Y, [[7, 3, 0], [4, 4, 2]])


def test_two_type_without_table_agrees(monkeypatch):
    """The Generator.binomial path (large M or little work) has the same law as the table path."""
    monkeypatch.setattr(nd, "_TABLE_MAX_M", 0)
    sim = nd.simulate([0.25, 0.75], 8, 400, 20000, seed=SEED + 1)
    assert nd.check_absorption_time(sim, 2)[0].status == checks.AGREE
    assert all(r.ok for r in nd.check_heterozygosity(sim, (1, 4, 10)))
    assert all(r.ok for r in nd.check_survival(sim, 0, 2, (1, 3, 10, 30)))


def test_many_categories_survival_and_collapse():
    """K = 6 exercises the multinomial group, its compaction and the move of chains to the pair group."""
    counts = [4, 3, 1, 1, 1, 2]
    sim = nd.simulate(np.array(counts) / 12, 12, 400, 20000, seed=SEED + 2)
    assert (sim.absorption_time >= 0).all()
    assert all(r.ok for r in nd.check_time_to_collapse(sim, counts))
    assert all(r.ok for r in nd.check_surviving_categories(sim, counts, (1, 3, 10, 40)))
    assert all(r.ok for r in nd.check_survival(sim, 2, 1, (1, 3, 10)))
    assert all(r.ok for r in nd.check_heterozygosity(sim, (1, 5, 20)))
    assert all(r.ok for r in nd.check_fixation(sim))
    full = nd.simulate(np.array(counts) / 12, 12, 400, 20000, seed=SEED + 2, stop_when_absorbed=False)
    np.testing.assert_array_equal(sim.H_moments[:2], full.H_moments[:2])
    assert all(r.ok for r in nd.check_time_to_collapse(full, counts))
    assert (np.diff(sim.alive, axis=0) <= 0).all()  # extinct categories stay extinct
