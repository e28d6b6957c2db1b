"""numerics.gmm: the EM experiment (1-D and the authors' 2-D setting) is reproducible, its distances are right, and EM finds the MLE."""

import dataclasses
import inspect
import math

import numpy as np
import pytest
import sympy as sp
from scipy import integrate, stats

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


# ============================================================================= the authors' 2-D setting

#: Two 2-D mixtures with correlated, unequal covariances (K = 2 and K = 3).
MIX_A = (np.array([0.3, 0.7]), np.array([[0.0, 0.5], [1.0, -0.5]]),
         np.array([[[1.0, 0.6], [0.6, 0.8]], [[0.3, -0.1], [-0.1, 0.5]]]))
MIX_B = (np.array([0.2, 0.5, 0.3]), np.array([[-1.0, 0.0], [0.5, 0.5], [1.5, -1.0]]),
         np.array([[[0.5, 0.0], [0.0, 0.5]], [[1.2, 0.4], [0.4, 0.6]], [[0.2, 0.05], [0.05, 0.4]]]))


@pytest.fixture(scope="module")
def authors_run():
    return gmm.simulate_authors(2, generations=30, samples=200, snapshots=(0, 20), seed=7)


def test_authors_setting_is_the_notebooks():
    # Normals_GMM_experiments.ipynb (curse_recurse b48c90a), cell 2: gmmparams, make_blobs, evolutions, plot list
    assert gmm.AUTHORS_GMM == {"n_components": 2, "tol": 1e-5, "covariance_type": "full", "max_iter": 2000}
    assert gmm.AUTHORS_DATA == {"n_samples": 1000, "n_features": 1, "centers": [[0, 0]], "cluster_std": 1}
    assert gmm.AUTHORS_SETTINGS == {"samples": 1000, "generations": 2050, "tol": 1e-5, "max_iter": 2000,
                                    "snapshots": (0, 50, 100, 150, 200, 350, 2000)}
    assert gmm.SETTINGS["authors"] is gmm.AUTHORS_SETTINGS
    assert gmm.SETTINGS["one_dimensional"] == dict(gmm.PAPER_SETTINGS, original=gmm.ORIGINAL)
    # the defaults of simulate_authors are the notebook's settings
    params = inspect.signature(gmm.simulate_authors).parameters
    assert {k: params[k].default for k in gmm.AUTHORS_SETTINGS} == gmm.AUTHORS_SETTINGS
    # the estimator: the notebook's GMM(**gmmparams), i.e. sklearn's defaults otherwise (k-means init, one init)
    est = gmm._authors_estimator(3).get_params()
    assert {k: est[k] for k in gmm.AUTHORS_GMM} == gmm.AUTHORS_GMM
    assert (est["init_params"], est["n_init"], est["reg_covar"], est["warm_start"], est["random_state"]) == \
        ("kmeans", 1, 1e-6, False, 3)
    # centers=[[0, 0]] overrides n_features=1: one two-dimensional blob
    from sklearn.datasets import make_blobs
    X, y = make_blobs(**gmm.AUTHORS_DATA, random_state=0)
    assert X.shape == (1000, 2) and set(y) == {0}


def test_authors_reproducible_any_workers(authors_run):
    again = gmm.simulate_authors(2, generations=30, samples=200, snapshots=(0, 20), seed=7, workers=2)
    for f in dataclasses.fields(gmm.AuthorsRun):
        a, b = getattr(authors_run, f.name), getattr(again, f.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=f.name)
    one = gmm.simulate_authors(1, generations=30, samples=200, snapshots=(0, 20), seed=7)
    np.testing.assert_array_equal(one.covariances[0], authors_run.covariances[0])  # chain i ignores the others
    other = gmm.simulate_authors(1, generations=1, samples=200, snapshots=(), seed=8)
    assert not np.array_equal(other.real_data[0], authors_run.real_data[0])
    assert not np.array_equal(authors_run.real_data[0], authors_run.real_data[1])  # chains are independent


def test_authors_run_structure(authors_run):
    r = authors_run
    C, G, N = 2, 30, 200
    assert r.weights.shape == (C, G, 2) and r.means.shape == (C, G, 2, 2) and r.covariances.shape == (C, G, 2, 2, 2)
    assert r.l2_squared.shape == (C, G) and r.n_iter.shape == (C, G)
    assert r.real_data.shape == (C, N, 2) and r.snapshot_samples.shape == (C, 2, N, 2)
    assert list(r.snapshots) == [0, 20]
    assert np.allclose(r.weights.sum(axis=-1), 1) and np.allclose(r.reference_weights.sum(axis=-1), 1)
    assert np.all(np.diff(r.means[..., 0], axis=-1) >= 0)  # components sorted by the first coordinate
    assert set(np.unique(r.snapshot_labels)) <= {0, 1} and set(np.unique(r.real_labels)) <= {0, 1}
    # the notebook's sd, sqrt(tr S / 2), is the RMS of the principal (and of the marginal) sds
    sd = r.component_sd
    np.testing.assert_allclose(sd, np.sqrt(np.mean(r.principal_sds() ** 2, axis=-1)), rtol=1e-12)
    np.testing.assert_allclose(sd, np.sqrt(np.mean(np.diagonal(r.covariances, axis1=-2, axis2=-1), -1)),
                               rtol=1e-12)
    # generation-0 data are N(0, I_2): each coordinate's mean is within 4.5 standard errors of 0
    assert np.all(np.abs(r.real_data.mean(axis=1)) * math.sqrt(N) < 4.5)
    # fit 0 is a second fit to the real data: close to the reference (same data), far closer than later fits
    assert np.all(r.l2_squared[:, 0] < r.l2_squared[:, -1])
    s = r.summary(generation=29)
    np.testing.assert_array_equal(s["l2_squared"], np.quantile(r.l2_squared[:, 29], [0.25, 0.5, 0.75]))
    np.testing.assert_array_equal(s["sd_larger"], np.quantile(sd[:, 29].max(axis=1), [0.25, 0.5, 0.75]))
    assert r.summary()["generation"] == 29


def _l2_of_gmms(gmm1, gmm2):
    """The notebook's L2_of_gmms (cell 1), on (weights, means, covariances) triples instead of sklearn objects."""
    def term(p, q):
        return np.sum([ai * aj * stats.multivariate_normal.pdf(mi - mj, cov=ci + cj)
                       for ai, mi, ci in zip(*p) for aj, mj, cj in zip(*q)])
    return term(gmm1, gmm1) + term(gmm2, gmm2) - 2 * term(gmm1, gmm2)


def test_authors_l2_is_the_notebooks_formula(authors_run):
    r = authors_run
    for c in range(2):
        ref = (r.reference_weights[c], r.reference_means[c], r.reference_covariances[c])
        for m in (0, 10, 29):
            fit = (r.weights[c, m], r.means[c, m], r.covariances[c, m])
            assert r.l2_squared[c, m] == pytest.approx(_l2_of_gmms(ref, fit), rel=1e-10, abs=1e-14)
            assert r.l2_squared[c, m] == pytest.approx(gmm.l2_squared_mixtures(ref, fit), rel=1e-12, abs=1e-15)


def _mixture_pdf_2d(mix, X):
    w, m, S = mix
    out = np.zeros(X.shape[0])
    for k in range(len(w)):
        d = X - m[k]
        q = np.einsum("ni,ij,nj->n", d, np.linalg.inv(S[k]), d)
        out += w[k] * np.exp(-0.5 * q) / (2 * math.pi * math.sqrt(np.linalg.det(S[k])))
    return out


def _perturbed_l2(a, b, kind):
    """Plausible wrong versions of the closed form, which the checks below must reject."""
    def overlap(p, q):
        tot = 0.0
        for wi, mi, Si in zip(*p):
            for wj, mj, Sj in zip(*q):
                S = {"one_covariance": Si, "mean_covariance": (Si + Sj) / 2}.get(kind, Si + Sj)
                tot += wi * wj * stats.multivariate_normal.pdf(mi - mj, cov=S)
        return tot
    cross = 1.0 if kind == "cross_once" else 2.0
    return overlap(a, a) + overlap(b, b) - cross * overlap(a, b)


def test_l2_closed_form_vs_quadrature():
    # adaptive cubature of the integral of (f - g)^2 over [-12, 12]^2 (mass outside < 1e-30); tolerance from its
    # own error estimate
    res = integrate.cubature(lambda X: (_mixture_pdf_2d(MIX_A, X) - _mixture_pdf_2d(MIX_B, X)) ** 2,
                             [-12.0, -12.0], [12.0, 12.0], rtol=1e-11, atol=1e-14)
    assert res.status == "converged"
    tol = 10 * res.error + 1e-15
    closed = gmm.l2_squared_mixtures(MIX_A, MIX_B)
    assert abs(closed - res.estimate) <= tol
    assert gmm.l2_squared_mixtures(MIX_B, MIX_A) == pytest.approx(closed, rel=1e-13)
    for kind in ("one_covariance", "mean_covariance", "cross_once"):  # a wrong formula is caught
        assert abs(_perturbed_l2(MIX_A, MIX_B, kind) - res.estimate) > 1e3 * tol, kind


def test_gaussian_product_integral_exact_sympy():
    # int N(x; m1, S1) N(x; m2, S2) dx = N(m1; m2, S1 + S2), integrated exactly by sympy in 2-D: the exponent is a
    # quadratic polynomial, integrated out one variable at a time with sympy's one-dimensional Gaussian integral
    x, y, z = sp.symbols("x y z", real=True)
    a, b = sp.Symbol("a", positive=True), sp.Symbol("b", real=True)
    gauss = sp.simplify(sp.integrate(sp.exp(-a * z ** 2 + b * z), (z, -sp.oo, sp.oo), conds="none"))
    factor = sp.simplify(gauss.subs(b, 0))  # sqrt(pi / a)
    shift = sp.simplify(sp.expand_log(sp.log(sp.simplify(gauss / factor)), force=True))  # b^2 / (4 a)
    assert sp.simplify(factor ** 2 - sp.pi / a) == 0 and sp.simplify(shift - b ** 2 / (4 * a)) == 0

    def integrate_out(prefactor, expo, var):
        """int prefactor * exp(expo) d var, expo quadratic in var: (new prefactor, new exponent)."""
        poly = sp.Poly(sp.expand(expo), var)
        a2, a1, a0 = (poly.coeff_monomial(var ** k) for k in (2, 1, 0))
        sub = {a: -a2, b: a1}
        return prefactor * factor.subs(sub, simultaneous=True), sp.expand(a0 + shift.subs(sub, simultaneous=True))

    S1 = sp.Matrix([[1, sp.Rational(1, 2)], [sp.Rational(1, 2), 1]])
    S2 = sp.Matrix([[2, 0], [0, sp.Rational(1, 2)]])
    m1, m2 = sp.Matrix([0, 1]), sp.Matrix([sp.Rational(1, 2), -1])
    v = sp.Matrix([x, y])

    def dens(p, m, S):
        return sp.exp(-((p - m).T * S.inv() * (p - m))[0] / 2) / (2 * sp.pi * sp.sqrt(S.det()))

    expo = (-(v - m1).T * S1.inv() * (v - m1) / 2 - (v - m2).T * S2.inv() * (v - m2) / 2)[0]
    pre, expo = integrate_out(1 / (4 * sp.pi ** 2 * sp.sqrt(S1.det() * S2.det())), expo, x)
    pre, expo = integrate_out(pre, expo, y)
    exact = sp.simplify(pre * sp.exp(expo))
    assert sp.simplify(exact - dens(m1, m2, S1 + S2)) == 0
    one = lambda m, S: (np.array([1.0]), np.array([np.array(m, float).ravel()]),  # noqa: E731
                        np.array([np.array(S, float)]))
    # ||f - g||^2 = <f,f> + <g,g> - 2<f,g>, each term exact
    want = dens(m1, m1, 2 * S1) + dens(m2, m2, 2 * S2) - 2 * exact
    assert gmm.l2_squared_mixtures(one(m1, S1), one(m2, S2)) == pytest.approx(float(want), rel=1e-13)
    # a wrong closed form (one covariance instead of the sum) is not equal
    assert sp.simplify(exact - dens(m1, m2, S1)) != 0


def test_l2_one_dimension_is_the_theory_formula():
    mix_a, mix_b = ((0.4, 0.6), (-1.0, 2.0), (0.5, 2.0)), ((0.5, 0.3, 0.2), (0.0, 1.0, 3.0), (1.0, 0.2, 0.7))
    as_mvn = lambda m: (np.array(m[0]), np.array(m[1])[:, None], np.array(m[2])[:, None, None])  # noqa: E731
    assert gmm.l2_squared_mixtures(as_mvn(mix_a), as_mvn(mix_b)) == pytest.approx(ta.l2_squared(mix_a, mix_b),
                                                                                   rel=1e-12)


def test_l2_monte_carlo_z():
    # ||f - g||^2 = E_f[f - g] - E_g[f - g]: a z-test from the standard error, fixed seed
    rng = np.random.default_rng(2024)
    N = 200_000

    def draw(mix):
        w, m, S = mix
        k = rng.choice(len(w), size=N, p=w)
        L = np.linalg.cholesky(S)
        return m[k] + np.einsum("nij,nj->ni", L[k], rng.standard_normal((N, 2)))

    xa, xb = draw(MIX_A), draw(MIX_B)
    da = _mixture_pdf_2d(MIX_A, xa) - _mixture_pdf_2d(MIX_B, xa)
    db = _mixture_pdf_2d(MIX_A, xb) - _mixture_pdf_2d(MIX_B, xb)
    est, se = da.mean() - db.mean(), math.sqrt(da.var(ddof=1) / N + db.var(ddof=1) / N)
    assert ck.z_check("gmm", "L2^2 2-D", {}, gmm.l2_squared_mixtures(MIX_A, MIX_B), est, se).status == ck.AGREE
    assert abs(_perturbed_l2(MIX_A, MIX_B, "cross_once") - est) / se > 4.5


def test_l2_batches_broadcast():
    batch = tuple(np.stack([a, a]) for a in MIX_A)
    out = gmm.l2_squared_mixtures(batch, MIX_B)
    assert out.shape == (2,) and np.allclose(out, gmm.l2_squared_mixtures(MIX_A, MIX_B), rtol=1e-14)
    assert gmm.l2_squared_mixtures(MIX_A, MIX_A) == pytest.approx(0, abs=1e-15)


@pytest.mark.parametrize("kwargs,param", [
    (dict(chains=0), "chains"),
    (dict(chains=1.5), "chains"),
    (dict(chains=1, generations=0), "generations"),
    (dict(chains=1, samples=1), "samples"),
    (dict(chains=1, tol=0.0), "tol"),
    (dict(chains=1, tol=float("nan")), "tol"),
    (dict(chains=1, max_iter=0), "max_iter"),
    (dict(chains=1, generations=5, snapshots=(5,)), "snapshots"),
    (dict(chains=1, snapshots=3), "snapshots"),
    (dict(chains=1, snapshots=(-1,)), "snapshots"),
    (dict(chains=1, seed=-1), "seed"),
    (dict(chains=1, workers=0), "workers"),
])
def test_simulate_authors_bad_input(kwargs, param):
    with pytest.raises(ValueError, match=param):
        gmm.simulate_authors(**dict(dict(generations=5, samples=50, snapshots=()), **kwargs))


BAD_COV = np.array([[[1.0, 0.0], [0.0, -1.0]], [[1.0, 0.0], [0.0, 1.0]]])
ASYM = np.array([[[1.0, 0.5], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]])


@pytest.mark.parametrize("a,b,param", [
    (None, MIX_B, "a"),
    (MIX_A[:2], MIX_B, "a"),
    ((np.array([0.5, 0.6]), MIX_A[1], MIX_A[2]), MIX_B, r"a\.weights"),
    ((np.array([-0.5, 1.5]), MIX_A[1], MIX_A[2]), MIX_B, r"a\.weights"),
    ((MIX_A[0], np.array([[np.nan, 0.0], [1.0, 0.0]]), MIX_A[2]), MIX_B, r"a\.means"),
    ((MIX_A[0], MIX_A[1][:1], MIX_A[2]), MIX_B, r"a\.means"),
    ((MIX_A[0], MIX_A[1], BAD_COV), MIX_B, r"a\.covariances"),
    ((MIX_A[0], MIX_A[1], ASYM), MIX_B, r"a\.covariances"),
    ((MIX_A[0], MIX_A[1], MIX_A[2][:, :1, :]), MIX_B, r"a\.covariances"),
    (MIX_A, (MIX_B[0], MIX_B[1], "abc"), r"b\.covariances"),
    (MIX_A, (np.array([1.0]), np.array([[0.0, 0.0, 0.0]]), np.eye(3)[None]), r"b\.means"),
    (tuple(np.stack([x, x]) for x in MIX_A), tuple(np.stack([x, x, x]) for x in MIX_B), r"b\.weights"),
])
def test_l2_squared_mixtures_bad_input(a, b, param):
    with pytest.raises(ValueError, match=param):
        gmm.l2_squared_mixtures(a, b)


def test_summary_bad_input(authors_run):
    with pytest.raises(ValueError, match="generation"):
        authors_run.summary(generation=30)
    with pytest.raises(ValueError, match="quantiles"):
        authors_run.summary(quantiles=(0.5, 1.5))
