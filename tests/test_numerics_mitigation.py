"""numerics.mitigation: Monte Carlo agrees with theory.mitigation; wrong formulas are caught; runs are reproducible."""


import numpy as np
import pytest
from scipy import stats

from numerics import checks as ck
from numerics import mitigation as nm
from theory import mitigation as th

SEED = 2024


@pytest.fixture(scope="module")
def run_mix():
    return nm.simulate_mixing(0.1, 20, 30, 50_000, seed=SEED, record=(), snapshots=(1, 5, 30))


@pytest.fixture(scope="module")
def run_acc():
    return nm.simulate_accumulate(5, 20, 50_000, seed=SEED + 1, record=(), snapshots=(1, 5, 20))


@pytest.fixture(scope="module")
def run_disc():
    return nm.simulate_discrete_mixing(0.25, 4, (2 / 3, 1 / 3), 10, 20_000, seed=SEED + 2, record=(),
                                       snapshots=(1, 10))


@pytest.mark.parametrize("n", [1, 5, 30])
def test_mixing_agrees(run_mix, n):
    rows = nm.checks_for_run(run_mix, n)
    assert not [r for r in rows if r.status == ck.DISAGREE]
    assert sum(r.status == ck.AGREE for r in rows) >= 3


@pytest.mark.parametrize("n", [1, 5, 20])
def test_accumulate_agrees(run_acc, n):
    rows = nm.checks_for_run(run_acc, n)
    assert not [r for r in rows if r.status == ck.DISAGREE]
    assert {"E[(mu_n-mu)^2] (accumulate)", "E[sigma_n^2] (accumulate)"} <= {r.quantity for r in rows
                                                                             if r.status == ck.AGREE}


@pytest.mark.parametrize("n", [1, 10])
def test_discrete_agrees(run_disc, n):
    rows = nm.checks_for_run(run_disc, n)
    assert not [r for r in rows if r.status == ck.DISAGREE]
    assert len(rows) == 6


WRONG_MIX = {
    # forgetting the between-group term of the pooled variance (the feedback of the mean error)
    "E[sigma_n^2] (mix)": lambda n, a, M, e: 1.0,
    # fresh data treated as if it did not shrink the old mean error: b instead of b^2
    "E[(mu_n-mu)^2] (mix)": lambda n, a, M, e: sum((1 - a) ** k for k in range(n)) / M,
}
WRONG_ACC = {
    # Gerstgrasser's bound pi^2 sigma^2 / (6M) taken for the value
    "E[(mu_n-mu)^2] (accumulate)": lambda n, M, e: th.accumulate_mean_error_bound(M),
    # replacement's answer (a martingale) instead of the accumulated one
    "E[sigma_n^2] (accumulate)": lambda n, M, e: 1.0,
    # the MLE's chi-square variance 2 (M-1)/M^2 for the unbiased fit (checked at n = 1)
    "Var[sigma_n^2] (accumulate)": lambda n, M, e: 2 * (M - 1) / M ** 2,
}
def _binomial_mixture_convention(n, a, M, p):
    """E[H_n] if counts were Bin(M, a p + (1-a) x) instead of the exact split: iterate its own recursion."""
    hp, b, h = 1 - float(np.sum(np.square(p))), 1 - a, None
    h = hp
    for _ in range(n):
        h = (1 - 1 / M) * ((1 - b * b) * hp + b * b * h)
    return h


WRONG_DISC = {"E[H_n] (mix)": _binomial_mixture_convention}


@pytest.mark.parametrize("quantity", sorted(WRONG_MIX))
def test_wrong_mixing_formula_is_caught(run_mix, quantity):
    right = {r.quantity: r for r in nm.checks_for_run(run_mix, 30)}
    wrong = {r.quantity: r for r in nm.checks_for_run(run_mix, 30, formulas={quantity: WRONG_MIX[quantity]})}
    assert right[quantity].status != ck.DISAGREE
    assert wrong[quantity].status == ck.DISAGREE, wrong[quantity]


@pytest.mark.parametrize("quantity", sorted(WRONG_ACC))
def test_wrong_accumulate_formula_is_caught(run_acc, quantity):
    n = 1 if quantity.startswith("Var") else 5  # Var[sigma_n^2] is heavy-tailed (underpowered) at n = 5
    right = {r.quantity: r for r in nm.checks_for_run(run_acc, n)}
    wrong = {r.quantity: r for r in nm.checks_for_run(run_acc, n, formulas={quantity: WRONG_ACC[quantity]})}
    assert right[quantity].status == ck.AGREE
    assert wrong[quantity].status == ck.DISAGREE, wrong[quantity]


def test_wrong_discrete_formula_is_caught(run_disc):
    wrong = nm.checks_for_run(run_disc, 10, formulas=WRONG_DISC)
    assert wrong[0].status == ck.DISAGREE
    # and a law of the count from the neutral (alpha = 0) chain is rejected
    neutral = {"P(count=i) (mix)": lambda n, a, M, p: nm.discrete_law(n, 0.0, M, p[1])}
    assert any(r.status == ck.DISAGREE for r in nm.checks_for_run(run_disc, 10, formulas=neutral))


def test_bound_checks_fail_when_violated(run_acc):
    d = run_acc.statistic("mean_error_sq", 20)
    row = ck.interval_check("mitigation", "bound", {}, None, 0.5 * d.mean(), d)
    assert row.status == ck.DISAGREE


def test_naive_and_exact_agree_in_distribution():
    kw = dict(record=(), snapshots=(4,))
    for sim, args in ((nm.simulate_mixing, (0.25, 8, 4)), (nm.simulate_accumulate, (6, 4))):
        ex = sim(*args, 10_000, seed=1, **kw)
        nv = sim(*args, 10_000, seed=2, method="naive", **kw)
        for stat in ("mean", "variance"):
            assert stats.ks_2samp(ex.statistic(stat, 4), nv.statistic(stat, 4)).pvalue > 1e-3


def test_accumulation_stays_bounded_where_replacement_grows():
    rep = nm.simulate_mixing(0.0, 10, 100, 20_000, seed=3, record=(100,))
    acc = nm.simulate_accumulate(10, 100, 20_000, seed=4, record=(100,))
    assert acc.summaries["mean_error_sq"].mean[0] < th.accumulate_mean_error_bound(10)
    assert rep.summaries["mean_error_sq"].mean[0] > 5  # n/M = 10 for replacement


def test_reproducible_and_independent_of_workers():
    a = nm.simulate_mixing(0.2, 10, 5, 40_000, seed=9, record=(), snapshots=(5,))
    b = nm.simulate_mixing(0.2, 10, 5, 40_000, seed=9, record=(), snapshots=(5,), workers=2)
    np.testing.assert_array_equal(a.snapshots[5]["log_variance"], b.snapshots[5]["log_variance"])
    np.testing.assert_array_equal(a.summaries["variance"].mean, b.summaries["variance"].mean)
    c = nm.simulate_accumulate(10, 5, 40_000, seed=9, record=(), snapshots=(5,))
    d = nm.simulate_accumulate(10, 5, 40_000, seed=9, record=(), snapshots=(5,), workers=2)
    np.testing.assert_array_equal(c.snapshots[5]["mean"], d.snapshots[5]["mean"])


def test_verification_checks_small_budget():
    rows = nm.verification_checks(chains=10_000, seed=5, progress=False)
    assert all(r.process == "mitigation" for r in rows)
    assert not [r for r in rows if r.status == ck.DISAGREE]
    assert any(r.method == "exact-vs-float" for r in rows)
    again = nm.verification_checks(chains=10_000, seed=5, progress=False)
    assert [r.estimate for r in rows] == [r.estimate for r in again]


@pytest.mark.parametrize("call,param", [
    (lambda: nm.simulate_mixing(1.2, 10, 3, 10), "alpha"),
    (lambda: nm.simulate_mixing(0.25, 10, 3, 10), "alpha"),
    (lambda: nm.simulate_mixing(0.5, 1, 3, 10), "M"),
    (lambda: nm.simulate_mixing(0.5, 10, -1, 10), "generations"),
    (lambda: nm.simulate_mixing(0.5, 10, 3, 0), "chains"),
    (lambda: nm.simulate_mixing(0.5, 10, 3, 10, sigma2=float("nan")), "sigma2"),
    (lambda: nm.simulate_mixing(0.5, 10, 3, 10, method="fast"), "method"),
    (lambda: nm.simulate_accumulate(1, 3, 10), "M"),
    (lambda: nm.simulate_accumulate(5, 3, 10, estimator="x"), "estimator"),
    (lambda: nm.simulate_accumulate(5, 3, 10, snapshots=(4,)), "snapshots"),
    (lambda: nm.simulate_discrete_mixing(0.5, 10, (0.5, 0.6), 3, 10), "p"),
    (lambda: nm.simulate_discrete_mixing(0.5, 10, (0.5, 0.5), 3, 0), "chains"),
    (lambda: nm.verification_checks(chains=1), "chains"),
])
def test_bad_input_names_parameter(call, param):
    with pytest.raises(ValueError, match=param):
        call()


def test_unknown_formula_names_are_refused(run_mix):
    with pytest.raises(ValueError, match="formulas"):
        nm.checks_for_run(run_mix, 5, formulas={"E[sigma_n^2]": lambda *a: 1.0})  # the mix name has a suffix


def test_variance_underflow_is_an_exact_log_variance():
    # replacement at M = 2 for 3000 generations: sigma_n^2 ~ exp(-3700) (the old variance state underflowed to 0)
    run = nm.simulate_mixing(0.0, 2, 3000, 100, seed=1, record=(), snapshots=(3000,))
    lv = run.statistic("log_variance", 3000)
    assert np.all(np.isfinite(lv)) and np.median(lv) < -3000


# ----------------------------------------------------------------------------- remedies of issue 13
@pytest.fixture(scope="module")
def run_sub():
    return nm.simulate_accumulate_subsample(3, 8, 30_000, seed=SEED + 3, record=(), snapshots=(1, 2, 8))


@pytest.fixture(scope="module")
def run_sub_unbiased():
    return nm.simulate_accumulate_subsample(4, 6, 20_000, estimator="unbiased", seed=SEED + 4, record=(),
                                            snapshots=(2, 6))


@pytest.fixture(scope="module")
def run_weighted():
    return nm.simulate_weighted_fresh_data(10, 5, 0.7, 8, 50_000, seed=SEED + 5, record=(), snapshots=(1, 2, 8))


@pytest.fixture(scope="module")
def run_kde():
    return nm.simulate_kde_chain(4, 9, 30_000, h2=0.6, kernel="tophat", seed=SEED + 6, record=(), snapshots=(1, 3, 9))


@pytest.fixture(scope="module")
def run_kde_acc():
    return nm.simulate_kde_chain(3, 8, 20_000, h2=1.0, workflow="accumulate", seed=SEED + 7, record=(),
                                 snapshots=(2, 8))


def _no_disagreement(rows, at_least):
    assert not [r for r in rows if r.status == ck.DISAGREE], [r for r in rows if r.status == ck.DISAGREE]
    assert sum(r.status == ck.AGREE for r in rows) >= at_least


@pytest.mark.parametrize("n", [1, 2, 8])
def test_accumulate_subsample_agrees(run_sub, n):
    rows = nm.checks_for_run(run_sub, n)
    _no_disagreement(rows, 4)
    assert "E[sigma_t^2]+E[(mu_t-mu)^2] = sigma^2 (accumulate-subsample, MLE)" in {r.quantity for r in rows}


@pytest.mark.parametrize("n", [2, 6])
def test_accumulate_subsample_unbiased_agrees(run_sub_unbiased, n):
    _no_disagreement(nm.checks_for_run(run_sub_unbiased, n), 3)


@pytest.mark.parametrize("n", [1, 2, 8])
def test_weighted_agrees(run_weighted, n):
    _no_disagreement(nm.checks_for_run(run_weighted, n), 3)


@pytest.mark.parametrize("n", [1, 3, 9])
def test_kde_agrees(run_kde, n):
    _no_disagreement(nm.checks_for_run(run_kde, n), 3)


@pytest.mark.parametrize("n", [2, 8])
def test_kde_accumulate_agrees(run_kde_acc, n):
    _no_disagreement(nm.checks_for_run(run_kde_acc, n), 3)


def _bootstrap_subsample(t, n, est):
    """E sigma_t^2 if the subset were drawn WITH replacement (pair probability k(k-1)/N^2): the tempting error."""
    N, a2, q, v = n, float(n), float(n), 1.0
    for s in range(1, t + 1):
        c = n if est == "mle" else n - 1
        es2 = a2 if s == 1 else n * q / N + n * (n - 1) * a2 / N ** 2
        emu2, v = es2 / n ** 2, (n * q / N - es2 / n) / c if s > 1 else (q - a2 / n) / c
        a2, q, N = a2 + 2 * n * a2 / N + n * n * emu2 + n * v, q + n * (emu2 + v), N + n
    return v


WRONG_REMEDY = [
    ("run_sub", 2, "E[sigma_t^2] (accumulate-subsample)", lambda t, n, e: _bootstrap_subsample(t, n, e)),
    ("run_sub", 2, "E[sigma_t^2] (accumulate-subsample)",  # accumulate's value: the whole pool instead of a subset
     lambda t, n, e: th.accumulate_moments(t, n, estimator=e).variance),
    ("run_sub", 8, "E[(mu_t-mu)^2] (accumulate-subsample)", lambda t, n, e: 1 - th.accumulate_subsample_moments(
        t, n, estimator=e).variance * n / (n - 1)),  # the pool's S^2 taken for the fitted variance
    ("run_weighted", 8, "E[(v_t-sigma^2)^2] (weighted)",  # forgets the (m+1)/(m-1) noise of the synthetic variance
     lambda t, n, m, w: _weighted_without_factor(t, n, m, w)),
    ("run_weighted", 8, "E[(mu_t-mu)^2] (weighted)",  # w on the synthetic data instead of the real data
     lambda t, n, m, w: th.weighted_fresh_data_moments(t, n, m, 1 - w).mean_error),
    ("run_kde", 9, "E[s_t^2]+E[(m_t-mu)^2] (kde)",  # the top-hat's kernel variance taken as h^2 instead of h^2/3
     lambda t, n, h2, wf, k: th.kde_second_moment(t, n, h2=h2, workflow=wf)),
    ("run_kde_acc", 8, "E[s_t^2]+E[(m_t-mu)^2] (kde)",  # replace's identity sigma^2 + t kappa under accumulate
     lambda t, n, h2, wf, k: th.kde_second_moment(t, n, h2=h2, kernel=k)),
]


def _weighted_without_factor(t, n, m, w):
    V = 2 / (n - 1)
    for _ in range(t):
        V = (1 - w) ** 2 * V + 2 * ((1 - w) ** 2 / (m - 1) + w ** 2 / (n - 1))
    return V


@pytest.mark.parametrize("fixture, n, quantity, wrong", WRONG_REMEDY,
                         ids=[f"{q}-{i}" for i, (_, _, q, _) in enumerate(WRONG_REMEDY)])
def test_wrong_remedy_formula_is_caught(request, fixture, n, quantity, wrong):
    run = request.getfixturevalue(fixture)
    right = {r.quantity: r for r in nm.checks_for_run(run, n)}
    bad = {r.quantity: r for r in nm.checks_for_run(run, n, formulas={quantity: wrong})}
    assert right[quantity].status == ck.AGREE
    assert bad[quantity].status == ck.DISAGREE, bad[quantity]


def test_floyd_subsets_are_uniform():
    from numerics.mitigation import _uniform_subsets
    rng = np.random.default_rng(3)
    S = _uniform_subsets(rng, 60_000, 6, 3)
    assert np.all(np.sort(S, axis=1)[:, 1:] != np.sort(S, axis=1)[:, :-1])  # distinct
    codes = np.sort(S, axis=1) @ np.array([36, 6, 1])
    counts = np.unique(codes, return_counts=True)[1]
    assert counts.size == 20  # every 3-subset of 6 occurs ...
    assert stats.chisquare(counts).pvalue > 1e-4  # ... equally often


@pytest.mark.parametrize("make", [
    lambda w: nm.simulate_accumulate_subsample(3, 5, 40_000, seed=9, record=(2, 5), workers=w),
    lambda w: nm.simulate_weighted_fresh_data(4, 3, 0.3, 5, 40_000, seed=9, record=(2, 5), workers=w),
    lambda w: nm.simulate_kde_chain(3, 5, 40_000, h2=0.5, workflow="accumulate", seed=9, record=(2, 5), workers=w),
])
def test_remedy_simulators_reproducible_for_any_workers(make):
    a, b = make(1), make(2)
    for name in ("variance", "mean_error_sq"):
        assert np.array_equal(a.summaries[name].mean, b.summaries[name].mean)


@pytest.mark.parametrize("call,param", [
    (lambda: nm.simulate_accumulate_subsample(1, 3, 10), "n"),
    (lambda: nm.simulate_accumulate_subsample(3, 3, 10, estimator="x"), "estimator"),
    (lambda: nm.simulate_accumulate_subsample(10, 10 ** 6, 10 ** 5), "chains"),
    (lambda: nm.simulate_weighted_fresh_data(3, 3, 1.5, 3, 10), "w"),
    (lambda: nm.simulate_weighted_fresh_data(3, 3, -0.5, 3, 10), "w"),
    (lambda: nm.simulate_weighted_fresh_data(3, 1, 0.5, 3, 10), "m"),
    (lambda: nm.simulate_weighted_fresh_data(1, 3, 0.5, 3, 10), "n"),
    (lambda: nm.simulate_kde_chain(3, 3, 10, h2=0), "h2"),
    (lambda: nm.simulate_kde_chain(3, 3, 10, h2=1, workflow="subsample"), "workflow"),
    (lambda: nm.simulate_kde_chain(3, 3, 10, h2=1, kernel="box"), "kernel"),
    (lambda: nm.simulate_kde_chain(1, 3, 10, h2=1), "n"),
])
def test_remedy_bad_input_names_parameter(call, param):
    with pytest.raises(ValueError, match=param):
        call()


def test_generation_zero_of_weighted_and_kde_runs_is_refused(run_weighted):
    run = nm.simulate_weighted_fresh_data(3, 3, 0.5, 2, 100, seed=1, record=(), snapshots=(0, 2))
    with pytest.raises(ValueError, match="n must be >= 1"):
        nm.checks_for_run(run, 0)
    with pytest.raises(ValueError, match="formulas"):
        nm.checks_for_run(run_weighted, 2, formulas={"E[sigma_t^2] (accumulate-subsample)": lambda *a: 1.0})
