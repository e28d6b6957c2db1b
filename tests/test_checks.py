"""numerics.checks: the z-test, power criterion and exact comparisons."""

import json
import math
from fractions import Fraction

import numpy as np
import pytest

from numerics import checks as ck


def test_kurtosis_from_exact_raw_moments():
    assert ck.kurtosis_from_raw_moments([0, 1, 0, 3]) == 3.0  # standard normal
    # chi2_k: raw moments k, k(k+2), k(k+2)(k+4), k(k+2)(k+4)(k+6); kurtosis 3 + 12/k
    k = 4
    raw = [k, k * (k + 2), k * (k + 2) * (k + 4), k * (k + 2) * (k + 4) * (k + 6)]
    assert ck.kurtosis_from_raw_moments(raw) == pytest.approx(3 + 12 / k, rel=1e-15)
    assert ck.kurtosis_from_raw_moments([Fraction(1), 1, 1, 1]) == math.inf


def test_kurtosis_of_square_normal():
    raw = [0, 1, 0, 3, 0, 15, 0, 105]  # N(0,1): Y = X^2 ~ chi2_1, kurtosis 15
    assert ck.kurtosis_of_square_from_raw_moments(raw) == pytest.approx(15.0)


def test_power_criterion():
    assert ck.is_powered(10_000, 3.0)
    assert not ck.is_powered(10_000, 1e4)
    assert not ck.is_powered(10_000, math.inf)


def test_mean_check_agrees_disagrees_and_flags_heavy_tails():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(10_000)
    assert ck.mean_check("t", "E[X]", {}, 0.0, x).status == ck.AGREE
    assert ck.mean_check("t", "E[X]", {}, 0.1, x).status == ck.DISAGREE
    heavy = rng.pareto(2.5, 10_000)  # infinite kurtosis
    assert ck.mean_check("t", "E[X]", {}, 1 / 1.5, heavy, kurtosis=math.inf).status == ck.UNDERPOWERED


def test_variance_and_proportion_checks():
    rng = np.random.default_rng(1)
    x = rng.normal(0, 2, 20_000)
    assert ck.variance_check("t", "Var", {}, 4.0, x).status == ck.AGREE
    assert ck.variance_check("t", "Var", {}, 4.4, x).status == ck.DISAGREE
    assert ck.proportion_check("t", "p", {}, 0.3, 3000, 10_000).status == ck.AGREE
    assert ck.proportion_check("t", "p", {}, 0.33, 3000, 10_000).status == ck.DISAGREE
    assert ck.proportion_check("t", "p", {}, 1e-6, 0, 10_000).status == ck.UNDERPOWERED


def test_z_check_edge_cases():
    assert ck.z_check("t", "q", {}, 1.0, 1.0, 0.0).status == ck.AGREE
    assert ck.z_check("t", "q", {}, 1.0, 1.1, 0.0).status == ck.DISAGREE
    assert ck.z_check("t", "q", {}, 1.0, float("nan"), 1.0).status == ck.DISAGREE


def test_exact_check():
    assert ck.exact_check("t", "q", {}, Fraction(1, 3), 1 / 3).status == ck.AGREE
    assert ck.exact_check("t", "q", {}, Fraction(1, 3), 0.3333).status == ck.DISAGREE


def test_table_and_json():
    rows = [ck.z_check("g", "E[X]", {"M": 3}, 1.0, 1.01, 0.01), ck.exact_check("g", "Y", {}, 2, 2.0)]
    table = ck.format_table(rows)
    assert "E[X]" in table and "M=3" in table and "agree" in table
    doc = json.loads(ck.to_json(rows))
    assert doc["summary"]["agree"] == 2 and doc["checks"][0]["params"] == {"M": 3}
    assert doc["checks"][1]["z"] is None


def test_interval_check():
    rng = np.random.default_rng(2)
    x = rng.normal(1.0, 1.0, 10_000)
    inside = ck.interval_check("t", "E[X] bounds", {}, 0.5, 2.0, x)
    assert inside.status == ck.AGREE and inside.z == 0.0 and inside.interval == (0.5, 2.0)
    assert "[0.5, 2]" in ck.format_table([inside])
    assert json.loads(ck.to_json([inside]))["checks"][0]["interval"] == [0.5, 2.0]
    assert ck.interval_check("t", "E[X] <= u", {}, None, 0.9, x).status == ck.DISAGREE
    assert ck.interval_check("t", "E[X] >= l", {}, 1.1, None, x).status == ck.DISAGREE
    with pytest.raises(ValueError, match="lower"):
        ck.interval_check("t", "q", {}, 2.0, 1.0, x)


def test_infinite_or_undefined_stderr_is_underpowered_not_disagree():
    for se in (math.inf, math.nan):
        row = ck.z_check("t", "q", {}, 1.0, 1.5, se)
        assert row.status == ck.UNDERPOWERED and "standard error" in row.note
        assert ck.z_check("t", "q", {}, 1.0, 1.0, se).status == ck.UNDERPOWERED
    # a zero standard error with a discrepancy is still a disagreement, and the judged values stay judged
    assert ck.z_check("t", "q", {}, 1.0, 1.5, 0.0).status == ck.DISAGREE
    assert ck.z_check("t", "q", {}, 1.0, math.inf, math.inf).status == ck.DISAGREE
    assert ck.z_check("t", "q", {}, math.nan, 1.0, math.nan).status == ck.DISAGREE


def test_too_few_draws_are_underpowered_by_rule():
    n = ck.MIN_SAMPLES
    assert not ck.is_powered(n - 1, 1.0) and ck.is_powered(n, 1.0)
    # two draws: the sample variance has a standard error of ~1e-16 and the sample kurtosis is exactly 1,
    # so without the rule a wrong-looking variance from two chains was reported as DISAGREE
    two = np.array([0.3, 1.7])
    assert ck.sample_kurtosis(two) == pytest.approx(1.0)
    for row in (ck.variance_check("t", "Var", {}, 5.0, two), ck.mean_check("t", "E", {}, 5.0, two),
                ck.interval_check("t", "E bounds", {}, 4.0, 6.0, two),
                ck.quantile_check("t", "median", {}, 5.0, two, 0.5, None),
                ck.proportion_check("t", "p", {}, 0.5, 0, 20),
                ck.z_check("t", "q", {}, 5.0, 1.0, 0.01, n_samples=n - 1)):
        assert row.status == ck.UNDERPOWERED, row
        assert "underpowered" in row.note
    # at the minimum the same rows are judged: a wrong value disagrees, a right one agrees
    rng = np.random.default_rng(3)
    x = rng.standard_normal(400)  # normal: kurtosis 3 needs N >= 200
    assert ck.mean_check("t", "E", {}, 0.0, x).status == ck.AGREE
    assert ck.mean_check("t", "E", {}, 1.0, x).status == ck.DISAGREE
    assert ck.z_check("t", "q", {}, 5.0, 1.0, 0.01, n_samples=n).status == ck.DISAGREE


def test_two_chains_cannot_cry_wolf():
    """`collapse verify --chains 2` reported 36 false DISAGREE rows for the Gaussian process."""
    from numerics import gaussian as ng

    for est in ("unbiased", "mle"):
        run = ng.simulate(2, 100, 2, estimator=est, seed=4, record=(), snapshots=(1, 5, 20, 100), quantiles=())
        rows = [r for n in (1, 5, 20, 100) for r in ng.checks_for_run(run, n)]
        assert rows and all(r.status == ck.UNDERPOWERED for r in rows), ck.format_table(
            [r for r in rows if r.status != ck.UNDERPOWERED])
