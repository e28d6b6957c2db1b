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
