"""numerics.multivariate: Monte Carlo agrees with theory.multivariate; wrong formulas are caught."""

import math

import numpy as np
import pytest
from scipy import special, stats

from numerics import checks as ck
from numerics import multivariate as nm
from theory import multivariate as th

SEED = 4242


@pytest.fixture(scope="module")
def run_general():
    S = nm.example_sigma(3)
    return nm.simulate(3, 6, 10, 40_000, Sigma=S, mu=[1.0, -2.0, 0.5], seed=SEED, record=(), snapshots=(1, 4, 10),
                       quantiles=())


@pytest.mark.parametrize("n", [1, 4, 10])
def test_monte_carlo_agrees_with_theory(run_general, n):
    rows = nm.checks_for_run(run_general, n)
    assert [r for r in rows if r.status == ck.DISAGREE] == []
    agreeing = {r.quantity for r in rows if r.status == ck.AGREE}
    assert {"E[log det Sigma_n]", "Var[log det Sigma_n]", "median[log det Sigma_n]", "E[F_n] bounds",
            "E[(det Sigma_n/det Sigma)^(1/2d)]"} <= agreeing
    if n <= 4:
        assert {"E[|mu_n-mu|^2]", "E[tr Sigma_n]"} <= agreeing
    if n == 1:
        assert "E[det Sigma_n]/det Sigma" in agreeing


WRONG = {
    # E det with prod (M-i+1)/(M-1): ignores the lost degree of freedom per dimension
    "E[det Sigma_n]/det Sigma": lambda n, d, M, S, e: math.prod((M - i + 1) / (M - 1) for i in range(1, d + 1)) ** n,
    # log-det drift with psi((M-i+1)/2)
    "E[log det Sigma_n]": lambda n, d, M, S, e: th.expected_log_det(n, d, M, Sigma=S, estimator=e)
    - n * sum(special.digamma((M - i) / 2) - special.digamma((M - i + 1) / 2) for i in range(1, d + 1)),
    # mean walk counting generation 0 as a refit
    "E[|mu_n-mu|^2]": lambda n, d, M, S, e: (n + 1) * np.trace(S) / M,
    # trigamma with the wrong argument
    "Var[log det Sigma_n]": lambda n, d, M, S, e: n * sum(special.polygamma(1, (M - i + 1) / 2) for i in range(1, d + 1)),
}


_CACHE = {}


def _wrong_formula_run():
    if "run" not in _CACHE:
        _CACHE["run"] = nm.simulate(3, 12, 2, 60_000, seed=SEED + 1, record=(), snapshots=(2,), quantiles=())
    return _CACHE["run"]


@pytest.mark.parametrize("quantity", sorted(WRONG))
def test_checker_catches_a_wrong_formula(quantity):
    run = _wrong_formula_run()
    right = {r.quantity: r for r in nm.checks_for_run(run, 2)}
    wrong = {r.quantity: r for r in nm.checks_for_run(run, 2, formulas={quantity: WRONG[quantity]})}
    assert right[quantity].status == ck.AGREE, right[quantity]
    assert wrong[quantity].status == ck.DISAGREE, wrong[quantity]


def test_wrong_bound_is_caught(run_general):
    rows = nm.checks_for_run(run_general, 4, formulas={"E[F_n] bounds": lambda n, d, M, S, e: (0.0, 0.5)})
    row = {r.quantity: r for r in rows}["E[F_n] bounds"]
    assert row.status == ck.DISAGREE


def test_naive_equals_exact_in_distribution():
    kw = dict(record=(), snapshots=(4,), quantiles=())
    exact = nm.simulate(4, 7, 4, 20_000, seed=1, **kw)
    naive = nm.simulate(4, 7, 4, 20_000, seed=2, method="naive", **kw)
    for stat in ("log_det", "trace", "mean_sq_disp", "fidelity"):
        assert stats.ks_2samp(exact.statistic(stat, 4), naive.statistic(stat, 4)).pvalue > 1e-3, stat
    assert not [r for r in nm.checks_for_run(naive, 4) if r.status == ck.DISAGREE]
    # the KS test has power: the MLE simulator is told apart
    mle = nm.simulate(4, 7, 4, 20_000, seed=3, method="naive", estimator="mle", **kw)
    assert stats.ks_2samp(exact.statistic("log_det", 4), mle.statistic("log_det", 4)).pvalue < 1e-6


def test_log_det_tracked_exactly_without_underflow():
    run = nm.simulate(10, 11, 300, 200, seed=5, record=(300,), snapshots=(300,), quantiles=())
    ld = run.statistic("log_det", 300)
    assert np.all(np.isfinite(ld)) and ld.max() < -745  # det itself is below the smallest float64
    assert ld.mean() == pytest.approx(th.expected_log_det(300, 10, 11), abs=5 * ld.std() / math.sqrt(ld.size) + 1)
    # log det from the normalised Cholesky factor agrees with the Bartlett running sum
    L = run.final_chol
    from_chol = 2 * 10 * run.final_log_scale + 2 * np.log(np.diagonal(L, axis1=1, axis2=2)).sum(axis=1)
    np.testing.assert_allclose(from_chol, run.final_log_det, rtol=1e-9)


def test_largest_eigenvalue_collapses_at_the_top_lyapunov_exponent():
    n = 200
    run = nm.simulate(5, 8, n, 400, seed=6, record=(), snapshots=(n,), quantiles=())
    rate = run.statistic("log_lambda_max", n).mean() / n
    assert rate == pytest.approx(th.lyapunov_exponent(1, 8), abs=0.02)
    assert rate < 0


def test_d100_statistics_are_consistent():
    # its speed (exact vs naive refit at d = 100, same run) is measured in benchmarks/bench_multivariate.py
    run = nm.simulate(100, 200, 10, 200, seed=7, record=(0, 10), quantiles=(0.5,))
    s = run.summaries
    assert s["trace"].mean[0] == 100 and s["log_det"].mean[0] == 0
    cov = run.final_covariance()
    np.testing.assert_allclose(np.trace(cov, axis1=1, axis2=2).mean(), s["trace"].mean[1], rtol=1e-10)
    assert s["log_det"].mean[1] == pytest.approx(th.expected_log_det(10, 100, 200),
                                                 abs=5 * s["log_det"].sem[1])


def test_reproducible_and_independent_of_workers():
    kw = dict(record=(), quantiles=())
    a = nm.simulate(3, 5, 4, 40_000, seed=99, **kw)
    b = nm.simulate(3, 5, 4, 40_000, seed=99, workers=2, **kw)
    c = nm.simulate(3, 5, 4, 40_000, seed=100, **kw)
    np.testing.assert_array_equal(a.final_log_det, b.final_log_det)
    np.testing.assert_array_equal(a.final_mean, b.final_mean)
    assert not np.array_equal(a.final_log_det, c.final_log_det)


def test_memory_only_what_is_asked():
    run = nm.simulate(3, 5, 50, 1000, seed=1, record=(50,), quantiles=())
    assert run.snapshots == {} and run.summaries["trace"].mean.shape == (1,)


def test_verification_checks_small_budget():
    rows = nm.verification_checks(chains=10_000, seed=7, progress=False)
    assert len(rows) > 300
    assert not [r for r in rows if r.status == ck.DISAGREE]
    assert {r.process for r in rows} == {"multivariate"}
    assert any(r.method == "exact-vs-float" for r in rows) and any(r.status == ck.UNDERPOWERED for r in rows)


@pytest.mark.parametrize("kwargs,param", [
    (dict(d=3, M=3, generations=2, chains=10), "M"),
    (dict(d=0, M=3, generations=2, chains=10), "d"),
    (dict(d=2, M=5, generations=-1, chains=10), "generations"),
    (dict(d=2, M=5, generations=2, chains=0), "chains"),
    (dict(d=2, M=5, generations=2, chains=10, Sigma=np.array([[1.0, 2.0], [2.0, 1.0]])), "Sigma"),
    (dict(d=2, M=5, generations=2, chains=10, Sigma=np.eye(3)), "Sigma"),
    (dict(d=2, M=5, generations=2, chains=10, Sigma=np.array([[1.0, np.nan], [np.nan, 1.0]])), "Sigma"),
    (dict(d=2, M=5, generations=2, chains=10, Sigma=-1.0), "Sigma"),
    (dict(d=2, M=5, generations=2, chains=10, mu=[0.0, 0.0, 0.0]), "mu"),
    (dict(d=2, M=5, generations=2, chains=10, mu=[0.0, float("nan")]), "mu"),
    (dict(d=2, M=5, generations=2, chains=10, estimator="biased"), "estimator"),
    (dict(d=2, M=5, generations=2, chains=10, method="fast"), "method"),
    (dict(d=2, M=5, generations=2, chains=10, snapshots=(3,)), "snapshots"),
    (dict(d=2, M=5, generations=2, chains=10, seed=-1), "seed"),
])
def test_bad_input_names_parameter(kwargs, param):
    with pytest.raises(ValueError, match=param):
        nm.simulate(**kwargs)


# ----------------------------------------------------------------------------- sampling bias (issue 13)
@pytest.fixture(scope="module")
def run_biased():
    return nm.simulate(2, 5, 4, 20_000, Sigma=nm.example_sigma(2), bias=0.7, seed=SEED + 2, record=(),
                       snapshots=(1, 4), quantiles=())


@pytest.mark.parametrize("n", [1, 4])
def test_sampling_bias_agrees_with_theory(run_biased, n):
    rows = nm.checks_for_run(run_biased, n)
    assert [r for r in rows if r.status == ck.DISAGREE] == []
    agreeing = {r.quantity for r in rows if r.status == ck.AGREE}
    assert {"E[log det Sigma_n]", "median[log det Sigma_n]", "E[|mu_n-mu|^2]"} <= agreeing
    if n == 1:
        assert {"E[tr Sigma_n]", "E[det Sigma_n]/det Sigma"} <= agreeing
    assert all(r.params["bias"] == 0.7 for r in rows)


# the formulas without the bias: the Monte Carlo of a biased run must reject them
UNBIASED = {"E[log det Sigma_n]": lambda n, d, M, S, e: th.expected_log_det(n, d, M, Sigma=S, estimator=e),
            "E[|mu_n-mu|^2]": lambda n, d, M, S, e: th.mean_squared_displacement(n, d, M, Sigma=S, estimator=e),
            "E[tr Sigma_n]": lambda n, d, M, S, e: th.expected_trace(n, d, M, Sigma=S, estimator=e)}


@pytest.mark.parametrize("quantity", sorted(UNBIASED))
def test_bias_ignored_is_caught(run_biased, quantity):
    row = {r.quantity: r for r in nm.checks_for_run(run_biased, 1, formulas={quantity: UNBIASED[quantity]})}
    assert row[quantity].status == ck.DISAGREE, row[quantity]


def test_biased_naive_sampler_and_bias_one():
    kw = dict(record=(), snapshots=(3,), quantiles=())
    naive = nm.simulate(2, 4, 3, 10_000, bias=0.7, method="naive", seed=SEED + 3, **kw)
    rows = nm.checks_for_run(naive, 3)
    assert not [r for r in rows if r.status == ck.DISAGREE]
    assert {"E[log det Sigma_n]", "E[|mu_n-mu|^2]"} <= {r.quantity for r in rows if r.status == ck.AGREE}
    # bias = 1 is the unbiased sampler bit for bit (both methods)
    for method in METHODS_:
        a = nm.simulate(2, 4, 3, 200, seed=5, method=method, **kw)
        b = nm.simulate(2, 4, 3, 200, seed=5, method=method, bias=1.0, **kw)
        np.testing.assert_array_equal(a.final_log_det, b.final_log_det)
        np.testing.assert_array_equal(a.final_mean, b.final_mean)


METHODS_ = ("exact", "naive")
