"""numerics.gmm: the EM experiment is reproducible, its distances are right, and EM finds the MLE."""

import numpy as np
import pytest

from numerics import checks as ck
from numerics import gmm
from theory import approximation as ta

pytest.importorskip("sklearn", reason="the GMM experiment needs scikit-learn (setup.cfg dependency)")


@pytest.fixture(scope="module")
def run():
    return gmm.simulate(60, 2, samples=300, seed=11, w2_every=20)


def test_reproducible_same_seed_same_numbers(run):
    again = gmm.simulate(60, 2, samples=300, seed=11, w2_every=20, workers=2)
    np.testing.assert_array_equal(run.means, again.means)
    np.testing.assert_array_equal(run.variances, again.variances)
    np.testing.assert_array_equal(run.w2_squared, again.w2_squared)
    other = gmm.simulate(60, 2, samples=300, seed=12, w2_every=20)
    assert not np.array_equal(run.means, other.means)
    # chain i does not depend on how many chains run
    one = gmm.simulate(60, 1, samples=300, seed=11, w2_every=20)
    np.testing.assert_array_equal(one.means[0], run.means[0])


def test_run_shapes_and_generation_zero(run):
    assert run.weights.shape == (2, 61, 2)
    assert list(run.w2_generations) == [0, 20, 40, 60]
    assert run.l2_squared[:, 0] == pytest.approx(0, abs=1e-15)
    assert run.w2_squared[:, 0] == pytest.approx(0, abs=1e-15)
    assert np.allclose(run.weights.sum(axis=2), 1)
    assert np.all(np.diff(run.means, axis=2) >= 0)  # components sorted by mean
    assert np.all(run.variances >= gmm.REG_COVAR * 0.99)


def test_distances_match_references(run):
    for g in (20, 60):
        mix = run.mixture(0, g)
        i = list(run.w2_generations).index(g)
        assert run.w2_squared[0, i] == pytest.approx(ta.w2_squared(mix, gmm.ORIGINAL), rel=1e-6)
        assert run.l2_squared[0, g] == pytest.approx(ta.l2_squared(mix, gmm.ORIGINAL), rel=1e-12)


def test_w2_pair_two_gaussians_closed_form():
    a = (np.array([1.0]), np.array([0.0]), np.array([1.0]))
    b = (np.array([1.0]), np.array([3.0]), np.array([0.001]))
    assert gmm.w2_squared_pair(a, b) == pytest.approx(9 + 0.999 ** 2, rel=1e-7)


def test_fisher_information_gaussian_limit():
    # far-apart components: information approaches the complete-data values N w_i / s_i^2 for the means
    info = gmm.fisher_information(((0.3, 0.7), (-20.0, 20.0), (1.0, 4.0)))
    assert info[1, 1] == pytest.approx(0.3 / 1.0, rel=1e-6)
    assert info[2, 2] == pytest.approx(0.7 / 4.0, rel=1e-6)
    assert info[0, 0] == pytest.approx(1 / 0.3 + 1 / 0.7, rel=1e-6)


def test_verification_checks_agree():
    rows = gmm.verification_checks(chains=50_000, seed=5, progress=False)
    assert not [r for r in rows if r.status == ck.DISAGREE]
    assert {r.process for r in rows} == {"gmm"}
    assert sum(r.quantity.startswith("EM fit") for r in rows) == 5


def test_collapse_happens():
    r = gmm.simulate(400, 1, samples=100, seed=3, w2_every=100)
    assert r.l2_squared[0, -1] > 10 * r.l2_squared[0, 1]
    assert np.min(r.variances[0, -1]) < 0.1


@pytest.mark.parametrize("kwargs,param", [
    (dict(generations=-1, chains=1), "generations"),
    (dict(generations=3, chains=0), "chains"),
    (dict(generations=3, chains=1, samples=1), "samples"),
    (dict(generations=3, chains=1, init="magic"), "init"),
    (dict(generations=3, chains=1, original=((0.5, 0.6), (0, 1), (1, 1))), "sum to 1"),
    (dict(generations=3, chains=1, original=((0.5, 0.5), (0, 1), (1, -1))), "variances"),
    (dict(generations=3, chains=1, original=((0.5, 0.5), (0, float("nan")), (1, 1))), "means"),
    (dict(generations=3, chains=1, tol=0), "tol"),
    (dict(generations=3, chains=1, seed=-1), "seed"),
    (dict(generations=3, chains=1, w2_every=0), "w2_every"),
])
def test_bad_input(kwargs, param):
    with pytest.raises(ValueError, match=param):
        gmm.simulate(**kwargs)
