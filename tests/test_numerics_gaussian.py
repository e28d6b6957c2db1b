"""numerics.gaussian: Monte Carlo agrees with theory; the checker catches wrong formulas."""

import math

import numpy as np
import pytest
from scipy import stats

from numerics import checks as ck
from numerics import gaussian as ng
from theory import gaussian as th

SEED = 12345


@pytest.fixture(scope="module")
def run_unbiased():
    return ng.simulate(10, 20, 100_000, seed=SEED, record=(), snapshots=(1, 5, 20), quantiles=())


@pytest.fixture(scope="module")
def run_mle():
    return ng.simulate(5, 10, 100_000, estimator="mle", seed=SEED + 1, record=(), snapshots=(3, 10), quantiles=())


@pytest.mark.parametrize("n", [1, 5, 20])
def test_monte_carlo_agrees_with_theory_unbiased(run_unbiased, n):
    rows = ng.checks_for_run(run_unbiased, n)
    assert [r for r in rows if r.status == ck.DISAGREE] == []
    powered = [r.quantity for r in rows if r.status == ck.AGREE]
    # the light-tailed quantities are always powered on this budget
    assert {"E[sigma_n]", "E[log sigma_n^2]", "median[sigma_n^2]", "E[mu_n]"} <= set(powered)


@pytest.mark.parametrize("n", [3, 10])
def test_monte_carlo_agrees_with_theory_mle(run_mle, n):
    rows = ng.checks_for_run(run_mle, n)
    assert [r for r in rows if r.status == ck.DISAGREE] == []
    assert sum(r.status == ck.AGREE for r in rows) >= 7


WRONG = {
    "E[sigma_n]": lambda n, M, e: th.c4(M) ** (n + 1),  # one refit too many
    "E[sigma_n^2]": lambda n, M, e: ((M - 1) / M) ** (n + 1),  # MLE shrink with an extra factor
    "Var[mu_n]": lambda n, M, e: (n + 1) / M,  # counts generation 0 as a refit
    "E[log sigma_n^2]": lambda n, M, e: n * (math.log(2 / (M - 1)) + __import__("scipy").special.digamma(M / 2)),
    "E[W2^2]": lambda n, M, e: n / M + 2 - 2 * th.c4(M) ** (2 * n),
    "median[sigma_n^2]": lambda n, M, e: th.expected_std(n, M) ** 2,  # (E sigma_n)^2 is not the median
}


@pytest.mark.parametrize("quantity", sorted(WRONG))
def test_checker_catches_a_wrong_formula(run_unbiased, run_mle, quantity):
    run = run_mle if quantity == "E[sigma_n^2]" else run_unbiased
    n = 3 if run is run_mle else 5
    right = {r.quantity: r for r in ng.checks_for_run(run, n)}
    wrong = {r.quantity: r for r in ng.checks_for_run(run, n, formulas={quantity: WRONG[quantity]})}
    assert right[quantity].status == ck.AGREE
    assert wrong[quantity].status == ck.DISAGREE, wrong[quantity]


def test_heavy_tail_is_reported_underpowered_not_failed():
    run = ng.simulate(2, 60, 20_000, seed=SEED, record=(), snapshots=(60,), quantiles=())
    rows = {r.quantity: r for r in ng.checks_for_run(run, 60)}
    # the Monte Carlo mean of sigma_n^2 is far below 1: rare chains carry the mean
    assert rows["E[sigma_n^2]"].estimate < 1e-3
    assert rows["E[sigma_n^2]"].status == ck.UNDERPOWERED
    assert "underpowered" in rows["E[sigma_n^2]"].note
    # while the log-variance random walk is still verified
    assert rows["E[log sigma_n^2]"].status == ck.AGREE


def test_exact_and_naive_agree_in_distribution():
    kw = dict(record=(), snapshots=(4,), quantiles=())
    exact = ng.simulate(8, 4, 20_000, seed=1, **kw)
    naive = ng.simulate(8, 4, 20_000, seed=2, method="naive", **kw)
    for stat in ("log_variance", "mean"):
        assert stats.ks_2samp(exact.statistic(stat, 4), naive.statistic(stat, 4)).pvalue > 1e-3
    for r in ng.checks_for_run(naive, 4):
        assert r.status != ck.DISAGREE, r
    # and the KS test has power: the MLE simulator is told apart
    mle = ng.simulate(8, 4, 20_000, seed=3, method="naive", estimator="mle", **kw)
    assert stats.ks_2samp(exact.statistic("log_variance", 4), mle.statistic("log_variance", 4)).pvalue < 1e-6


def test_schedule_run_agrees():
    sched = list(range(2, 22))
    run = ng.simulate(sched, 20, 50_000, seed=SEED, record=(), snapshots=(5, 20), quantiles=())
    rows = ng.schedule_checks(run)
    assert not [r for r in rows if r.status == ck.DISAGREE]
    wrong = ng.schedule_checks(run, formulas={"E[sigma_n]": lambda k: th.c4(10) ** k})
    assert any(r.status == ck.DISAGREE for r in wrong if r.quantity.startswith("E[sigma_n] "))


def test_streamed_summaries_match_snapshots():
    run = ng.simulate(6, 8, 5_000, seed=SEED, record=(0, 4, 8), snapshots=(4,), quantiles=(0.5,))
    i = list(run.record).index(4)
    v = run.statistic("variance", 4)
    assert run.summaries["variance"].mean[i] == pytest.approx(v.mean(), rel=1e-12)
    assert run.summaries["variance"].sem[i] == pytest.approx(v.std(ddof=1) / math.sqrt(v.size), rel=1e-12)
    assert run.summaries["variance"].quantiles[i, 0] == np.quantile(v, 0.5, method="inverted_cdf")
    assert run.summaries["w2_squared"].mean[0] == 0.0
    assert run.summaries["mean"].quantiles is None  # only the log-variance family by default
    both = ng.simulate(6, 8, 5_000, seed=SEED, record=(0, 4, 8), snapshots=(4,), quantiles=(0.5,),
                       quantile_statistics=("variance", "mean"))
    assert both.summaries["mean"].quantiles[i, 0] == np.quantile(run.statistic("mean", 4), 0.5,
                                                                method="inverted_cdf")


def test_memory_only_what_is_asked():
    run = ng.simulate(6, 50, 1000, seed=SEED, record=(50,), quantiles=())
    assert run.snapshots == {} and run.paths is None
    assert run.summaries["mean"].mean.shape == (1,)
    run = ng.simulate(6, 50, 1000, seed=SEED, record=(), paths=3)
    assert run.paths["log_variance"].shape == (51, 3)


def test_reproducible_and_independent_of_workers():
    kw = dict(quantiles=(0.1, 0.5))
    a = ng.simulate(7, 5, 40_000, seed=99, **kw)
    b = ng.simulate(7, 5, 40_000, seed=99, workers=2, **kw)
    c = ng.simulate(7, 5, 40_000, seed=100, **kw)
    np.testing.assert_array_equal(a.final_log_variance, b.final_log_variance)
    np.testing.assert_array_equal(a.final_mean, b.final_mean)
    for name in ng.STATISTICS:  # streamed summaries merged in block order: bit-identical too
        np.testing.assert_array_equal(a.summaries[name].mean, b.summaries[name].mean)
        np.testing.assert_array_equal(a.summaries[name].sem, b.summaries[name].sem)
    assert not np.array_equal(a.final_mean, c.final_mean)
    d = ng.simulate(7, 5, 40_000, seed=99, method="naive", **kw)
    e = ng.simulate(7, 5, 40_000, seed=99, method="naive", workers=2, **kw)
    np.testing.assert_array_equal(d.final_log_variance, e.final_log_variance)


def test_verification_checks_small_budget_runs_and_agrees():
    rows = ng.verification_checks(chains=20_000, seed=7, progress=False)
    assert len(rows) > 100
    assert not [r for r in rows if r.status == ck.DISAGREE]
    assert any(r.status == ck.UNDERPOWERED for r in rows)
    assert any(r.method == "exact-vs-float" for r in rows)


@pytest.mark.parametrize("kwargs,param", [
    (dict(M=1, generations=3, chains=10), "M"),
    (dict(M=3.5, generations=3, chains=10), "M"),
    (dict(M=5, generations=-1, chains=10), "generations"),
    (dict(M=5, generations=3, chains=0), "chains"),
    (dict(M=5, generations=3, chains=10, sigma2=0.0), "sigma2"),
    (dict(M=5, generations=3, chains=10, sigma2=-2.0), "sigma2"),
    (dict(M=5, generations=3, chains=10, mu=float("nan")), "mu"),
    (dict(M=5, generations=3, chains=10, estimator="biased"), "estimator"),
    (dict(M=5, generations=3, chains=10, method="fast"), "method"),
    (dict(M=[5, 5], generations=3, chains=10), "M"),
    (dict(M=[5, 1, 5], generations=3, chains=10), "M"),
    (dict(M=5, generations=3, chains=10, record=(4,)), "record"),
    (dict(M=5, generations=3, chains=10, snapshots=(-1,)), "snapshots"),
    (dict(M=5, generations=3, chains=10, paths=11), "paths"),
    (dict(M=5, generations=3, chains=10, quantiles=(1.5,)), "quantiles"),
    (dict(M=5, generations=3, chains=10, seed=-3), "seed"),
    (dict(M=5, generations=3, chains=10, workers=0), "workers"),
])
def test_bad_input_names_parameter(kwargs, param):
    with pytest.raises(ValueError, match=param):
        ng.simulate(**kwargs)


def test_formulas_with_an_unknown_quantity_are_refused(run_unbiased):
    with pytest.raises(ValueError, match="formulas"):
        ng.checks_for_run(run_unbiased, 5, formulas={"E[sigma]": lambda n, M, e: 1.0})


def test_variance_underflow_keeps_an_exact_log_variance():
    # M = 2 for 3000 generations: sigma_n^2 ~ exp(-3700), far below the smallest float64
    run = ng.simulate(2, 3000, 200, seed=SEED, record=(3000,), quantiles=(0.5,), snapshots=(3000,))
    lv = run.statistic("log_variance", 3000)
    assert np.all(np.isfinite(lv)) and np.median(lv) < -3000
    assert run.summaries["variance"].quantiles[0, 0] == 0.0  # exp underflows only in the derived value


# ----------------------------------------------------------------------------- sampling bias (issue 13)
LAM = 0.7


@pytest.fixture(scope="module")
def run_biased():
    return ng.simulate(5, 10, 100_000, bias=LAM, seed=SEED + 7, record=(), snapshots=(1, 5, 10), quantiles=())


@pytest.mark.parametrize("n", [1, 5, 10])
def test_biased_sampling_agrees_with_theory(run_biased, n):
    rows = ng.checks_for_run(run_biased, n)
    assert [r for r in rows if r.status == ck.DISAGREE] == []
    assert all(r.params["bias"] == LAM for r in rows)
    assert {"E[sigma_n]", "E[log sigma_n^2]", "median[sigma_n^2]", "Var[mu_n]"} <= {
        r.quantity for r in rows if r.status == ck.AGREE}


@pytest.mark.parametrize("quantity, wrong", [
    ("Var[mu_n]", lambda n, M, e: sum(LAM ** j for j in range(n)) / M),  # the lambda of the last sampling forgotten
    ("E[sigma_n^2]", lambda n, M, e: 1.0),  # the unbiased refit's martingale, ignoring the biased sampler
    ("E[log sigma_n^2]", lambda n, M, e: th.expected_log_variance(n, M)),  # without n log(lambda)
])
def test_checker_catches_a_formula_without_the_bias(run_biased, quantity, wrong):
    bad = {r.quantity: r for r in ng.checks_for_run(run_biased, 5, formulas={quantity: wrong})}
    assert bad[quantity].status == ck.DISAGREE, bad[quantity]


def test_biased_naive_sampler_agrees():
    run = ng.simulate(4, 5, 30_000, bias=0.6, method="naive", seed=SEED + 8, record=(), snapshots=(5,), quantiles=())
    assert [r for r in ng.checks_for_run(run, 5) if r.status == ck.DISAGREE] == []


def test_bias_one_is_bit_identical_and_workers_do_not_matter():
    a = ng.simulate(5, 6, 40_000, seed=3, record=(6,), quantiles=())
    b = ng.simulate(5, 6, 40_000, seed=3, record=(6,), quantiles=(), bias=1.0)
    assert np.array_equal(a.final_log_variance, b.final_log_variance) and np.array_equal(a.final_mean, b.final_mean)
    c = ng.simulate(5, 6, 40_000, seed=3, record=(6,), quantiles=(), bias=0.8, workers=2)
    d = ng.simulate(5, 6, 40_000, seed=3, record=(6,), quantiles=(), bias=0.8)
    assert np.array_equal(c.final_log_variance, d.final_log_variance)
    assert np.allclose(c.final_log_variance, a.final_log_variance + 6 * math.log(0.8))  # same draws, scaled


@pytest.mark.parametrize("bad", [0, -1, 1.5, float("nan")])
def test_bias_outside_zero_one_is_refused_by_the_simulator(bad):
    with pytest.raises(ValueError, match="bias"):
        ng.simulate(5, 3, 10, bias=bad)
