"""numerics.regression: Monte Carlo agrees with theory.regression; wrong formulas are caught; runs are reproducible."""

import math

import numpy as np
import pytest

from numerics import checks as ck
from numerics import regression as nr
from theory import regression as th

SEED = 11
CHAINS = 10_000
KW = dict(sigma2=0.5, sigma2_gen=2.0)


def make_runs(chains=CHAINS):
    """One quick run per chain with a closed form, away from the heavy-tailed edge (plain Monte Carlo)."""
    CHAINS = chains  # noqa: N806
    return {
        "replace": nr.simulate_replace(6, 2, 10, 10, CHAINS, Sigma=nr._sigma(2), seed=SEED, record=(1, 6), **KW),
        "overparameterized": nr.simulate_overparameterized(5, 12, 3, CHAINS, sigma2_gen=0.5, seed=SEED + 1,
                                                           record=(1, 5)),
        "replace-fixed": nr.simulate_fixed_design(6, 3, 11, CHAINS, sigma2=0.7, seed=SEED + 2, record=(1, 6)),
        "accumulate": nr.simulate_fixed_design(6, 3, 11, CHAINS, sigma2=0.7, workflow="accumulate", seed=SEED + 3,
                                               record=(1, 6)),
        "subsample": nr.simulate_fixed_design(1, 3, 11, CHAINS, workflow="accumulate-subsample", seed=SEED + 4),
        "mixed": nr.simulate_mixed(3, 30, 12, CHAINS, delta2=2.0, sigma2=0.5, seed=SEED + 5),
        "weighted": nr.simulate_weighted(2, 10, 0.4, 5, CHAINS, sigma2=0.8, seed=SEED + 6, record=(1, 5)),
        "replicated": nr.simulate_weighted(2, 20, 0.6, 4, CHAINS, variant="replicated", k=2, seed=SEED + 7,
                                           record=(4,)),
        "fresh": nr.simulate_weighted(2, 20, 0.5, 4, CHAINS, variant="fresh", m=12, seed=SEED + 8, record=(4,)),
    }


@pytest.fixture(scope="module")
def runs():
    return make_runs()


CASES = [("replace", 1), ("replace", 6), ("overparameterized", 1), ("overparameterized", 5),
         ("replace-fixed", 1), ("replace-fixed", 6), ("accumulate", 1), ("accumulate", 6), ("subsample", 1),
         ("mixed", 0), ("weighted", 1), ("weighted", 5), ("replicated", 4), ("fresh", 4)]


@pytest.mark.parametrize("name,n", CASES)
def test_monte_carlo_agrees_with_theory(runs, name, n):
    (row,) = nr.checks_for_run(runs[name], n)
    assert row.status == ck.AGREE, row


#: A plausible wrong formula per quantity (the classical d/T, an off-by-one, a missing factor...).
WRONG = {
    "replace": ("replace_chain_risk",
                lambda n, d, T0, T, sigma2, sigma2_gen: sigma2 * d / T + n * sigma2_gen * d / T0),
    "overparameterized": ("overparameterized_chain_error",   # the rate (T0 + 1)/(d + 1)
                          lambda n, d, T0, sigma2_gen, w0_norm2: (1 - ((T0 + 1) / (d + 1)) ** n) * (
                              w0_norm2 + sigma2_gen * T0 * d / ((d - T0) * (d - T0 - 1)))),
    "replace-fixed": ("fixed_design_chain_risk[replace]",     # d/(T - d) instead of d/(T - d - 1)
                      lambda n, d, T, sigma2, workflow: n * sigma2 * d / (T - d)),
    "accumulate": ("fixed_design_chain_risk[accumulate]",     # sum 1/i instead of sum 1/i^2
                   lambda n, d, T, sigma2, workflow: sigma2 * d / (T - d - 1) * sum(1 / i for i in range(1, n + 1))),
    "subsample": ("accumulate_subsample_risk", lambda n, d, T, sigma2: sigma2 * d / T),
    "mixed": ("mixed_ols_risk",                               # the floor p^2 delta2 taken for the finite-n value
              lambda d, n, s, delta2, sigma2: (s / n) ** 2 * delta2 + sigma2 * d / (n - d - 1)),
    "weighted": ("weighted_ols_risk",                         # 1/w instead of 1/(w(2 - w))
                 lambda d, n, w, sigma2, t: th.weighted_ols_risk(d, n, w, sigma2=sigma2, t=t) * (2 - w)),
    "replicated": ("weighted_ols_risk_replicated",            # k ignored
                   lambda d, n, k, w, sigma2, t: th.weighted_ols_risk(d, n // k, w, sigma2=sigma2, t=t) / k),
    "fresh": ("weighted_ols_risk_fresh",                      # k = n/m in place of (n - d - 1)/(m - d - 1)
              lambda d, n, m, w, sigma2, t: sigma2 * d / (n - d - 1) * (w ** 2 + (1 - w) ** 2 * n / m) / (w * (2 - w))),
}


@pytest.mark.parametrize("name,n", [("replace", 6), ("overparameterized", 1), ("replace-fixed", 6), ("accumulate", 6),
                                    ("subsample", 1), ("mixed", 0), ("weighted", 5), ("replicated", 4), ("fresh", 4)])
def test_a_wrong_formula_is_caught(runs, name, n):
    quantity, wrong = WRONG[name]
    (row,) = nr.checks_for_run(runs[name], n, formulas={quantity: lambda *a, **k: wrong(*a, **k)})
    assert row.status == ck.DISAGREE, row


def test_risk_does_not_depend_on_sigma_path_by_path():
    """OLS is equivariant under X -> X Sigma^(1/2): the same seed gives the same per-chain risk for every Sigma."""
    for sim, args, kw in ((nr.simulate_replace, (3, 3, 6, 7), KW), (nr.simulate_fixed_design, (4, 3, 7), {}),
                          (nr.simulate_fixed_design, (4, 3, 7), dict(workflow="accumulate")),
                          (nr.simulate_weighted, (3, 6, 0.4, 3), {})):
        a = sim(*args, 3000, seed=5, snapshots=(3,), **kw).statistic("risk", 3)
        b = sim(*args, 3000, seed=5, snapshots=(3,), Sigma=nr._sigma(3), **kw).statistic("risk", 3)
        np.testing.assert_allclose(a, b, rtol=1e-9)


def test_reproducible_and_independent_of_workers():
    chains = nr._rng.BLOCK + 500   # two seeding blocks
    a = nr.simulate_fixed_design(3, 2, 6, chains, workflow="accumulate-subsample", seed=3, snapshots=(3,))
    b = nr.simulate_fixed_design(3, 2, 6, chains, workflow="accumulate-subsample", seed=3, snapshots=(3,), workers=2)
    np.testing.assert_array_equal(a.statistic("risk", 3), b.statistic("risk", 3))
    np.testing.assert_array_equal(a.summaries["risk"].mean, b.summaries["risk"].mean)
    c = nr.simulate_replace(1, 3, 5, 11, chains, seed=3, tilt="auto", record=(1,))
    d = nr.simulate_replace(1, 3, 5, 11, chains, seed=3, tilt="auto", record=(1,), workers=2)
    assert c.moments["risk"] == d.moments["risk"]
    e = nr.simulate_replace(1, 3, 5, 11, chains, seed=4, tilt="auto", record=(1,))
    assert e.moments["risk"] != c.moments["risk"]


def test_importance_sampling_is_unbiased_at_the_edge():
    """E_q[w] = 1 and E tr (Z^T Z)^-1 = d/(T - d - 1) at T = d + 2, where plain sampling has infinite variance."""
    rng = np.random.default_rng(8)
    Z, log_w = nr.gaussian_design(rng, 100_000, 5, 3, nr.auto_tilt(5, 3))
    w = np.exp(log_w)
    tr = np.trace(np.linalg.inv(np.swapaxes(Z, 1, 2) @ Z), axis1=1, axis2=2) * w
    for sample, target in ((w, 1.0), (tr, th.ols_risk(3, 5))):
        row = ck.mean_check("regression", "IS", {}, target, sample)
        assert row.status == ck.AGREE, row
    assert ck.mean_check("regression", "IS", {}, 3 / 2, tr).status == ck.DISAGREE   # d/(T - d)


def test_plain_sampling_at_the_edge_is_reported_underpowered():
    run = nr.simulate_fixed_design(1, 3, 5, 20_000, seed=2)
    (row,) = nr.checks_for_run(run, 1)
    assert row.status == ck.UNDERPOWERED and "kurtosis" in row.note


def test_accumulate_subsample_sits_between_accumulate_and_replace_in_median():
    n = 6
    med = {}
    for wf in nr.FIXED_WORKFLOWS:
        run = nr.simulate_fixed_design(n, 2, 20, 4000, workflow=wf, seed=7, record=(n,), quantiles=(0.5,))
        med[wf] = run.summaries["risk"].quantiles[0, 0]
    assert med["accumulate"] < med["accumulate-subsample"] < med["replace"]
    assert th.accumulate_subsample_infinite_from(2, 20) == 7   # the mean is still finite-or-unknown at n = 6


def test_overparameterized_noise_free_forgets_the_truth():
    run = nr.simulate_overparameterized(30, 6, 2, 2000, seed=1, record=(30,), w0=np.ones(6))
    assert run.summaries["risk"].mean[0] == pytest.approx(6 * (1 - (1 / 3) ** 30), rel=1e-3)


def test_verification_checks_small_budget():
    rows = nr.verification_checks(chains=1500, seed=5, progress=False)
    assert all(r.process == "regression" for r in rows)
    assert not [r for r in rows if r.status == ck.DISAGREE]
    assert sum(r.method == "exact-vs-float" for r in rows) == len(nr.exact_checks())
    assert {r.quantity for r in rows if r.method == "monte-carlo"} == set(nr.QUANTITIES)


def test_exact_checks_agree():
    rows = nr.exact_checks()
    assert rows and all(r.status == ck.AGREE for r in rows)


@pytest.mark.parametrize("call,param", [
    (lambda: nr.simulate_replace(2, 3, 2, 8, 10), "T0"),
    (lambda: nr.simulate_replace(-1, 3, 8, 8, 10), "n"),
    (lambda: nr.simulate_replace(2, 3, 8, 8, 1), "chains"),
    (lambda: nr.simulate_replace(2, 3, 8, 8, 10, sigma2=-1), "sigma2"),
    (lambda: nr.simulate_replace(2, 3, 8, 8, 10, Sigma=np.eye(2)), "Sigma"),
    (lambda: nr.simulate_replace(2, 3, 8, 8, 10, Sigma=-np.eye(3)), "Sigma"),
    (lambda: nr.simulate_replace(2, 3, 8, 8, 10, w0=[1.0, 2.0]), "w0"),
    (lambda: nr.simulate_replace(2, 3, 8, 8, 10, tilt=3), "tilt"),
    (lambda: nr.simulate_replace(2, 3, 8, 8, 10, tilt="big"), "tilt"),
    (lambda: nr.simulate_replace(2, 3, 8, 8, 10, record=(5,)), "record"),
    (lambda: nr.simulate_replace(2, 3, 8, 8, 10, record=(1,), snapshots=(2,)), "snapshots"),
    (lambda: nr.simulate_replace(2, 3, 8, 8, 10, tilt="auto", quantiles=(0.5,)), "quantiles"),
    (lambda: nr.simulate_replace(2, 3, 8, 8, 10, seed=-3), "seed"),
    (lambda: nr.simulate_overparameterized(2, 3, 3, 10), "d"),
    (lambda: nr.simulate_fixed_design(2, 3, 8, 10, workflow="subsample"), "workflow"),
    (lambda: nr.simulate_mixed(3, 10, 11, 10), "n_synth"),
    (lambda: nr.simulate_mixed(3, 2, 1, 10), "n"),
    (lambda: nr.simulate_weighted(2, 10, 0.0, 3, 10), "w"),
    (lambda: nr.simulate_weighted(2, 10, 1.5, 3, 10), "w"),
    (lambda: nr.simulate_weighted(2, 9, 0.5, 3, 10, variant="replicated", k=2), "n"),
    (lambda: nr.simulate_weighted(2, 10, 0.5, 3, 10, variant="fresh"), "m"),
    (lambda: nr.simulate_weighted(2, 10, 0.5, 3, 10, variant="other"), "variant"),
    (lambda: nr.verification_checks(chains=50), "chains"),
    (lambda: nr.simulate_fixed_design(1, 10 ** 4, 10 ** 5, 10), "T"),
    (lambda: nr.simulate_fixed_design(10 ** 7, 3, 10, 10, workflow="accumulate-subsample"), "n"),
    (lambda: nr.simulate_mixed(10 ** 4, 10 ** 5, 5, 10), "n"),
])
def test_bad_input_names_parameter(call, param):
    with pytest.raises(ValueError, match=rf"\b{param}\b"):
        call()


def test_checks_refuse_what_has_no_closed_form(runs):
    with pytest.raises(ValueError, match="formulas"):
        nr.checks_for_run(runs["replace"], 1, formulas={"replace_risk": lambda *a, **k: 0.0})
    with pytest.raises(ValueError, match="generation"):
        nr.checks_for_run(runs["replace"], 2)   # not recorded
    sub = nr.simulate_fixed_design(3, 2, 6, 100, workflow="accumulate-subsample", seed=1)
    with pytest.raises(ValueError, match="n must be 0 or 1"):
        nr.checks_for_run(sub, 2)
    loss = nr.simulate_weighted(2, 10, 0.5, 1, 100, variant="fresh-loss", m=8, seed=1)
    with pytest.raises(ValueError, match="no closed form"):
        nr.checks_for_run(loss, 1)


def test_huge_block_is_processed_in_bounded_chunks():
    # 600 chains of a 200 x 40 design: three sub-chunks keep each temporary below the chunk size
    assert len(nr._subchunks(600, 200 * 40)) == 3
    run = nr.simulate_fixed_design(1, 40, 200, 600, seed=1, record=(1,))
    assert run.summaries["risk"].mean[0] == pytest.approx(th.ols_risk(40, 200), rel=0.05)
    assert math.isfinite(run.moments["risk"][0].kurtosis)
