"""numerics.approximation: Monte Carlo agrees with theory.approximation; wrong formulas are caught; bad input."""

import numpy as np
import pytest
from scipy import stats

from numerics import approximation as na
from numerics import checks as ck
from theory import approximation as ta

SEED = 4321


@pytest.fixture(scope="module")
def trunc_run():
    return na.simulate_truncation(1.5, 10, 10, 40_000, seed=SEED, snapshots=(1, 4, 10))


@pytest.fixture(scope="module")
def temp_run():
    return na.simulate_temperature(0.9, 20, 10, 40_000, estimator="mle", seed=SEED + 1, snapshots=(3, 10))


@pytest.mark.parametrize("n", [1, 4, 10])
def test_truncation_monte_carlo_agrees(trunc_run, n):
    rows = na.checks_for_run(trunc_run, n)
    assert not [r for r in rows if r.status == ck.DISAGREE]
    assert rows[0].status == ck.AGREE


@pytest.mark.parametrize("n", [3, 10])
def test_temperature_monte_carlo_agrees(temp_run, n):
    rows = na.checks_for_run(temp_run, n)
    assert not [r for r in rows if r.status == ck.DISAGREE]
    assert rows[0].status == ck.AGREE


def _wrong_factor_no_square(c):
    """Truncation factor for [a, b] = [-c, c/2] forgetting the squared mean term."""
    a, b = -c, c / 2
    Z = stats.norm.cdf(b) - stats.norm.cdf(a)
    return 1 + (a * stats.norm.pdf(a) - b * stats.norm.pdf(b)) / Z


def test_wrong_truncation_formula_is_caught():
    # asymmetric cut, where the squared term matters: right formula agrees, wrong one disagrees
    rng = np.random.default_rng(SEED)
    x = stats.truncnorm(-2, 1).rvs(size=400_000, random_state=rng)
    right = ck.variance_check("approximation", "Var", {}, ta.truncated_normal_variance(-2, 1), x)
    wrong = ck.variance_check("approximation", "Var", {}, _wrong_factor_no_square(2), x)
    assert right.status == ck.AGREE and wrong.status == ck.DISAGREE


def test_wrong_recursion_is_caught(trunc_run):
    # forgetting the truncation (variance factor 1) or applying it once too often
    wrong1 = na.checks_for_run(trunc_run, 4, formulas={"E[sigma_n^2]": lambda n, c, M, e: 1.0})
    wrong2 = na.checks_for_run(trunc_run, 4, formulas={
        "E[sigma_n^2]": lambda n, c, M, e: ta.truncation_variance_factor(c) ** (n + 1)})
    wrong3 = na.checks_for_run(trunc_run, 1, formulas={
        "E[sigma_n^2]": lambda n, c, M, e: (ta.truncation_variance_factor(c) * (M - 1) / M) ** n})
    for rows in (wrong1, wrong2, wrong3):
        assert rows[0].status == ck.DISAGREE, rows[0]


def test_one_generation_truncation_and_its_wrong_formula():
    assert na.one_generation_truncation_check(1.0, 300_000, SEED).status == ck.AGREE
    wrong = na.one_generation_truncation_check(1.0, 300_000, SEED, formula=lambda c: 1 - 2 * c * stats.norm.pdf(c))
    assert wrong.status == ck.DISAGREE


def test_samplers_agree_in_distribution():
    a = na.simulate_truncation(2.0, 5, 3, 20_000, seed=1, snapshots=(3,), method="truncnorm")
    b = na.simulate_truncation(2.0, 5, 3, 20_000, seed=2, snapshots=(3,), method="inverse-cdf")
    assert stats.ks_2samp(a.variance(3), b.variance(3)).pvalue > 1e-3


def test_expressivity_checks_agree_and_catch_wrong_formulas():
    rows = na.expressivity_checks(200_000, SEED, chains=10_000)
    assert not [r for r in rows if r.status == ck.DISAGREE]
    wrong = na.expressivity_checks(200_000, SEED, chains=10_000, formulas={
        "sigma^2": lambda: 0.5 * 1 + 0.5 * 1,  # forgets the spread of the means
        "E[W2^2]": lambda n, M, e: 2 * 5.0 - 2 * 5.0 * (1 - n / M)})
    by = {r.quantity: r for r in wrong}
    assert by["expressivity: fitted variance"].status == ck.DISAGREE
    assert any(r.status == ck.DISAGREE for r in wrong if "E[W2^2" in r.quantity)


def test_expressivity_w2_per_chain_uses_the_public_vectorised_function():
    # the module keeps no private W2 quadrature of its own
    assert not hasattr(na, "_quantile_grid") and not hasattr(na, "_gaussian_w2_to_mixture")
    rng = np.random.default_rng(SEED)
    mean, sd = rng.normal(0, 0.5, 1000), np.sqrt(5.0 * rng.chisquare(99, 1000) / 99)
    w2 = ta.w2_squared_gaussians_to_mixture(mean, sigma2=sd ** 2, mixture=na.EXPRESSIVITY_MIXTURE)
    # the closest Gaussian in W2 has m = mu, s = kappa: W2^2 >= sigma^2 - kappa^2 > 0
    _, var = ta.mixture_moments(na.EXPRESSIVITY_MIXTURE)
    k = ta.kappa(na.EXPRESSIVITY_MIXTURE)
    assert w2.shape == (1000,) and np.all(w2 >= var - k * k - 1e-12) and var - k * k > 0


def test_reproducible():
    a = na.simulate_temperature(0.8, 5, 4, 1000, seed=9, snapshots=(4,))
    b = na.simulate_temperature(0.8, 5, 4, 1000, seed=9, snapshots=(4,))
    c = na.simulate_temperature(0.8, 5, 4, 1000, seed=10, snapshots=(4,))
    np.testing.assert_array_equal(a.variance(4), b.variance(4))
    assert not np.array_equal(a.variance(4), c.variance(4))


def test_verification_checks_small_budget():
    rows = na.verification_checks(chains=4000, seed=3, progress=False)
    assert len(rows) > 40
    assert not [r for r in rows if r.status == ck.DISAGREE]
    assert all(r.process == "approximation" for r in rows)


@pytest.mark.parametrize("call,param", [
    (lambda: na.simulate_truncation(0, 10, 3, 100), "c"),
    (lambda: na.simulate_truncation(-1, 10, 3, 100), "c"),
    (lambda: na.simulate_truncation(float("nan"), 10, 3, 100), "c"),
    (lambda: na.simulate_truncation(2, 1, 3, 100), "M"),
    (lambda: na.simulate_truncation(2, 10, -1, 100), "generations"),
    (lambda: na.simulate_truncation(2, 10, 3, 100, method="exact"), "method"),
    (lambda: na.simulate_temperature(0, 10, 3, 100), "T"),
    (lambda: na.simulate_temperature(-0.5, 10, 3, 100), "T"),
    (lambda: na.simulate_temperature(0.5, 10, 3, 100, sigma2=0), "sigma2"),
    (lambda: na.simulate_temperature(0.5, 10, 3, 100, estimator="x"), "estimator"),
    (lambda: na.simulate_temperature(0.5, 10, 3, 100, snapshots=(4,)), "snapshots"),
])
def test_bad_input(call, param):
    with pytest.raises(ValueError, match=param):
        call()


def test_snapshots_are_validated_as_a_generation_list():
    run = na.simulate_temperature(0.9, 5, 3, 10, seed=1, snapshots={3, 1})
    assert sorted(run.snapshots) == [1, 3]
    with pytest.raises(ValueError, match="n=2 is not a snapshot"):
        run.variance(2)
    with pytest.raises(ValueError, match="snapshots"):
        na.simulate_temperature(0.9, 5, 3, 10, seed=1, snapshots=3)


def test_expressivity_checks_label_the_mixture_given():
    rows = na.expressivity_checks(2000, SEED, chains=200, mixture=((0.25, 0.75), (-1.0, 3.0), (1.0, 2.0)))
    assert rows[0].params["mixture"] == "0.25N(-1,1)+0.75N(3,2)"
    with pytest.raises(ValueError, match="seed"):
        na.expressivity_checks(2000, None)


def test_runs_are_engine_runs_and_independent_of_workers():
    a = na.simulate_truncation(1.0, 8, 4, 40_000, seed=3, snapshots=(4,))
    b = na.simulate_truncation(1.0, 8, 4, 40_000, seed=3, snapshots=(4,), workers=2)
    np.testing.assert_array_equal(a.variance(4), b.variance(4))
    assert a.process == "approximation" and a.kind == "truncation" and a.parameter == 1.0


def test_low_temperature_collapse_keeps_an_exact_log_variance():
    # T = 0.5 for 1200 generations: sigma_n^2 ~ 0.5^1200 = 1e-361, below the smallest float
    run = na.simulate_temperature(0.5, 10, 1200, 100, seed=4, snapshots=(1200,))
    lv = run.statistic("log_variance", 1200)
    assert np.all(np.isfinite(lv)) and np.median(lv) < -800
