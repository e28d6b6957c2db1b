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


def test_exact_rows_agree():
    rows = nd.exact_rows()
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
])
def test_simulate_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        nd.simulate(**kwargs)
