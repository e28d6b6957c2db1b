r"""The paper's Gaussian-mixture experiment: a two-component mixture refitted by EM on its own samples.

Three error sources, one experiment
-----------------------------------
Shumailov et al. (2024) name three errors that compound when each model is
trained on samples of the previous one: *statistical approximation* (finite
samples), *functional expressivity* (the family cannot represent the target)
and *functional approximation* (the learning procedure is biased).  Their
Gaussian-mixture experiment isolates the first one: the original distribution
IS a two-component mixture and the model IS a two-component mixture, so with
infinitely many samples and exact EM nothing would change.  With ``M``
samples per generation the fitted parameters random-walk, the components'
variances perform the multiplicative random walk of :mod:`theory.gaussian`,
modes merge, and the chain drifts to a narrow distribution far from the
original.  EM itself adds a small approximation error (a local optimum, the
stopping tolerance, and sklearn's variance floor ``reg_covar = 1e-6``, which
stops the variance of a component collapsing below :math:`10^{-6}`).

The process
-----------
Generation 0 is the original mixture :math:`p_0 = \sum_i w_i N(\mu_i, s_i^2)`.
Generation :math:`n+1` is ``sklearn.mixture.GaussianMixture(n_components=2)``
fitted by EM to ``M`` samples of generation :math:`n`; so ``n`` counts refits,
as in :mod:`theory.gaussian`.  (The paper's figure labels the fit to the
original data "iteration 0"; that is our generation 1.)  Each generation we
record the fitted weights, means and variances (components sorted by mean) and
the distance to the original:

* :math:`W_2^2 = \int_0^1 (Q_n(u) - Q_0(u))^2 du`, by quantile-function
  integration (:func:`w2_squared_pair`, about 15 ms, so by default every 10th
  generation; checked against the ``scipy.integrate.quad`` reference
  :func:`theory.approximation.w2_squared`);
* :math:`\|p_n - p_0\|_2^2`, in closed form (:func:`l2_squared_batch`) -- the
  distance plotted in the paper.

Settings
--------
:data:`PAPER_SETTINGS` are those of the authors' experiment code (the
``Normals_GMM_experiments`` notebook of the "curse_recurse" repository
accompanying arXiv:2305.17493): ``M = 1000`` samples, 2 components, full
covariance, ``tol = 1e-5``, ``max_iter = 2000``, sklearn's default k-means
initialisation refitted from scratch each generation, 2050 generations,
densities shown at generations {0, 50, 100, 150, 200, 350, 2000}, distance
:math:`L_2` between the GMM densities.  A fresh fit with sklearn's k-means
initialisation and these settings costs about 2-4 ms on 1000 samples (measured
on this machine, one BLAS thread: median 3.3 ms for 30 fits to samples of
:data:`ORIGINAL`, median 2.4 ms over the 300 generations of one chain), so the
paper's single chain of 2050 generations takes seconds, not minutes.  The
figure and CI use ``init="warm"``: EM starts from the previous generation's fit
(``weights_init``, ``means_init``, ``precisions_init``), which costs about the
same (2.6 ms per generation measured, sampling included); this changes where
EM starts, not the model or the data.  Our original mixture is one-dimensional (the paper's figure shows two
Gaussians in two dimensions): :data:`ORIGINAL` = 0.5 N(-2, 1) + 0.5 N(2, 1).

Reproducibility
---------------
Chain ``i`` draws everything from ``numpy.random.default_rng(child_i)`` where
``child_i`` is child ``i`` of ``SeedSequence(seed)``; the integer
``random_state`` passed to ``GaussianMixture`` each generation is drawn from
that generator.  Results are identical for any number of worker processes.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from scipy import special

from numerics import _rng
from numerics import checks as ck
from theory import approximation as ta
from theory._validation import check_generation_list, check_int, check_positive, check_real_array

__all__ = ["ORIGINAL", "PAPER_SETTINGS", "GMMRun", "simulate", "w2_squared_pair", "w2_squared_batch",
           "l2_squared_batch", "fisher_information", "verification_checks"]

#: The original distribution, (weights, means, variances).
ORIGINAL = ((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0))
#: The settings of the authors' GMM experiment (see module docstring).
PAPER_SETTINGS = dict(samples=1000, generations=2050, tol=1e-5, max_iter=2000, init="kmeans",
                      snapshots=(0, 50, 100, 150, 200, 350, 2000))
INITS = ("warm", "kmeans", "k-means++", "random_from_data")
REG_COVAR = 1e-6
#: Monte Carlo sample size ``N`` of :func:`verification_checks` by default.
VERIFY_CHAINS = 200_000
#: Fewest samples :func:`verification_checks` accepts: its EM rows are z-tests against the asymptotic standard error
#: :math:`\sqrt{[I^{-1}]_{jj}/N}` of the maximum-likelihood estimate, which needs a large ``N`` (at N = 1000 the two
#: components hold about 500 samples each).
MIN_CHAINS = 1000
#: Most samples :func:`verification_checks` accepts: the samples, their densities and the EM responsibilities are held
#: in memory (about 200 bytes a sample at peak, measured), so peak memory stays near 2 GB at the limit (a larger
#: budget would end in a MemoryError).
MAX_CHAINS = 10_000_000


def _mixture(mix, name):
    """Validate a mixture given as ``(weights, means, variances)``; return three float arrays.

    Errors of :func:`theory.approximation.check_mixture` are prefixed with ``name``.
    """
    return tuple(np.array([float(t) for t in part]) for part in ta.unpack_mixture(mix, name, symbolic_ok=False))


def _components(weights, means, sds, names, ndim):
    """Validate mixtures given by arrays of weights, means and standard deviations, one mixture per row.

    ``ndim = 1``: one mixture, arrays of shape ``(K,)``; ``ndim = 2``: ``C``
    mixtures, arrays of shape ``(C, K)`` (1-D input is one row).  Weights
    >= 0 summing to 1 (within 1e-9) in each row, finite means, standard
    deviations > 0.  ``names`` names the three arrays in the error messages.
    """
    arrays = []
    for values, name in zip((weights, means, sds), names):
        arr = check_real_array(values, name, ndim=None)
        if ndim == 2 and arr.ndim == 1:
            arr = arr[None, :]
        if arr.ndim != ndim:
            raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
        arrays.append(arr)
    w, m, s = arrays
    if m.shape != w.shape or s.shape != w.shape:
        raise ValueError(f"{names[0]}, {names[1]} and {names[2]} must have the same shape, got "
                         f"{w.shape}, {m.shape} and {s.shape}")
    if np.any(w < 0):
        raise ValueError(f"{names[0]} must be >= 0, got min {w.min()!r}")
    total = w.sum(axis=-1)
    if np.any(np.abs(total - 1) > 1e-9):
        raise ValueError(f"{names[0]} must sum to 1 (within 1e-9) in each mixture, got sums in "
                         f"[{total.min()!r}, {total.max()!r}]")
    if np.any(s <= 0):
        raise ValueError(f"{names[2]} must be > 0 (standard deviations), got min {s.min()!r}")
    return w, m, s


def _w2_piecewise_linear(a, b, n_uniform, n_component, t_max=9.0):
    """W2^2 between the distributions whose CDFs are the piecewise-linear interpolants of F_a, F_b on a grid."""
    (wa, ma, sa), (wb, mb, sb) = a, b
    m, s = np.concatenate([ma, mb]), np.concatenate([sa, sb])
    t = np.linspace(-t_max, t_max, n_component)
    x = np.unique(np.concatenate([np.linspace(np.min(m - t_max * s), np.max(m + t_max * s), n_uniform),
                                  (m[:, None] + s[:, None] * t).ravel()]))
    Fa = special.ndtr((x[:, None] - ma) / sa) @ wa
    Fb = special.ndtr((x[:, None] - mb) / sb) @ wb
    u = np.unique(np.concatenate([Fa, Fb]))
    d = np.interp(u, Fa, x) - np.interp(u, Fb, x)  # both quantile functions are linear between these levels
    return float(np.sum(np.diff(u) * (d[1:] ** 2 + d[1:] * d[:-1] + d[:-1] ** 2)) / 3)


def w2_squared_pair(a, b):
    r""":math:`W_2^2` between two 1-D mixtures given as ``(weights, means, sds)`` arrays (note: standard deviations).

    .. math::  W_2^2 = \int_0^1 \big(Q_a(u) - Q_b(u)\big)^2\,du .

    Both CDFs are tabulated on one grid in ``x`` -- a uniform grid over
    :math:`\mu_k \pm 9 s_k` merged with 401 points :math:`\mu_k + s_k t` per
    component, so that a narrow component (a nearly vertical CDF) is resolved
    whatever its width.  The piecewise-linear interpolants are inverted exactly
    (on the merged levels :math:`u` both quantile functions are linear, and the
    integral of a squared linear function is exact); the :math:`O(h^2)` error of
    the interpolation is removed by Richardson extrapolation from the grid and
    its halving.  Agrees with the ``scipy.integrate.quad`` reference
    :func:`theory.approximation.w2_squared` to about :math:`10^{-7}` relative,
    in about 15 ms (checked in :func:`verification_checks`).

    Parameters
    ----------
    a, b : (weights, means, sds)
        1-D arrays of one length each: weights >= 0 summing to 1, finite
        means, standard deviations > 0.

    Returns
    -------
    float
        :math:`W_2^2(a, b) \ge 0` (negative extrapolations are clipped to 0).

    References
    ----------
    Villani (2003), "Topics in Optimal Transportation", ch. 2 (one-dimensional :math:`W_2` by quantile functions);
    Richardson extrapolation of the :math:`O(h^2)` grid error.
    """
    a, b = (_components_triple(t, name) for t, name in ((a, "a"), (b, "b")))
    coarse = _w2_piecewise_linear(a, b, 2001, 401)
    fine = _w2_piecewise_linear(a, b, 4001, 801)
    return max(0.0, (4 * fine - coarse) / 3)


def _components_triple(t, name):
    if t is None or isinstance(t, (str, bytes)) or not hasattr(t, "__len__") or len(t) != 3:
        raise ValueError(f"{name} must be a (weights, means, sds) triple, got {t!r}")
    return _components(*t, names=(f"{name}.weights", f"{name}.means", f"{name}.sds"), ndim=1)


def w2_squared_batch(weights, means, sds, reference=ORIGINAL):
    r""":func:`w2_squared_pair` from each row of ``(weights, means, sds)`` (arrays (C, K)) to ``reference``.

    ``reference = (weights, means, variances)``.

    Parameters
    ----------
    weights : array_like, shape (C, K) or (K,)
        Mixture weights, >= 0, each row summing to 1 (within 1e-9).
    means : array_like, same shape
        Finite component means.
    sds : array_like, same shape
        Component standard deviations (not variances), > 0.
    reference : (weights, means, variances), default :data:`ORIGINAL`
        The reference mixture :math:`p_0` (note: variances here).

    Returns
    -------
    numpy.ndarray, shape (C,)
        :math:`W_2^2(p_c, p_0)` for each row ``c``.

    Notes
    -----
    .. math:: W_2^2(p_c, p_0) = \int_0^1 \big(Q_c(u) - Q_0(u)\big)^2\,du

    evaluated by :func:`w2_squared_pair` row by row (a Python loop; about as costly per row).

    References
    ----------
    Villani (2003), "Topics in Optimal Transportation", ch. 2 (one-dimensional :math:`W_2` by quantile functions);
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian-mixture experiment (code: the "curse_recurse" repository of arXiv:2305.17493).
    """
    w, m, s = _components(weights, means, sds, names=("weights", "means", "sds"), ndim=2)
    rw, rm, rv = _mixture(reference, "reference")
    ref = (rw, rm, np.sqrt(rv))
    return np.array([w2_squared_pair((w[i], m[i], s[i]), ref) for i in range(w.shape[0])])


def l2_squared_batch(weights, means, sds, reference=ORIGINAL):
    r"""Closed-form :math:`\int (p - p_0)^2 dx` for each of ``C`` mixtures (as :func:`theory.approximation.l2_squared`).

    .. math::

        \int (p - p_0)^2\,dx = \langle p, p\rangle - 2\langle p, p_0\rangle + \langle p_0, p_0\rangle,\qquad
        \langle p, q\rangle = \sum_{i,j} w_i w'_j\,\varphi(\mu_i - \mu'_j;\ s_i^2 + s'^2_j)

    (the product of two normal densities integrates to a normal density of
    the difference of the means).  ``weights``, ``means``, ``sds``: arrays
    ``(C, K)`` (or ``(K,)`` for one mixture), standard deviations;
    ``reference = (weights, means, variances)``.

    Parameters
    ----------
    weights : array_like, shape (C, K) or (K,)
        Mixture weights, >= 0, each row summing to 1 (within 1e-9).
    means : array_like, same shape
        Finite component means.
    sds : array_like, same shape
        Component standard deviations (not variances), > 0.
    reference : (weights, means, variances), default :data:`ORIGINAL`
        The reference mixture :math:`p_0` (note: variances here).

    Returns
    -------
    numpy.ndarray, shape (C,)
        :math:`\|p_c - p_0\|_2^2 \ge 0` for each row ``c`` (up to rounding).

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian-mixture experiment (code: the "curse_recurse" repository of arXiv:2305.17493) (the
    :math:`L_2` distance of the paper's figure); the Gaussian product identity
    :math:`\int \varphi(x;\mu_1,v_1)\varphi(x;\mu_2,v_2)dx = \varphi(\mu_1-\mu_2; v_1+v_2)`.
    """
    w, m, s = _components(weights, means, sds, names=("weights", "means", "sds"), ndim=2)
    rw, rm, rv = (a[None, :] for a in _mixture(reference, "reference"))

    def inner(w1, m1, v1, w2, m2, v2):
        vv = v1[:, :, None] + v2[:, None, :]
        d = m1[:, :, None] - m2[:, None, :]
        return np.sum(w1[:, :, None] * w2[:, None, :] * np.exp(-0.5 * d * d / vv) / np.sqrt(2 * math.pi * vv),
                      axis=(1, 2))

    v = s * s
    C = w.shape[0]
    RW, RM, RV = (np.repeat(a, C, axis=0) for a in (rw, rm, rv))
    return inner(w, m, v, w, m, v) + inner(RW, RM, RV, RW, RM, RV) - 2 * inner(w, m, v, RW, RM, RV)


# ----------------------------------------------------------------------------- simulation
@dataclasses.dataclass
class GMMRun:
    """Result of :func:`simulate`: per-chain, per-generation fitted parameters and distances.

    Arrays have shape ``(chains, generations + 1, K)`` (parameters, components
    sorted by mean) or ``(chains, generations + 1)`` (``l2_squared``, EM
    diagnostics); ``w2_squared`` has shape ``(chains, len(w2_generations))``.
    Generation index 0 is the original distribution.
    """

    samples: int
    generations: int
    chains: int
    init: str
    tol: float
    max_iter: int
    original: tuple
    weights: np.ndarray
    means: np.ndarray
    variances: np.ndarray
    w2_generations: np.ndarray
    w2_squared: np.ndarray
    l2_squared: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray
    seconds: float

    def mixture(self, chain, generation):
        """``(weights, means, variances)`` of one chain at one generation."""
        return (tuple(self.weights[chain, generation]), tuple(self.means[chain, generation]),
                tuple(self.variances[chain, generation]))


def _sample(rng, w, m, s, size):
    comp = np.searchsorted(np.cumsum(w)[:-1], rng.random(size), side="right")
    return m[comp] + s[comp] * rng.standard_normal(size)


def _run_chain(args):
    """One chain of EM refits (runs in a worker process)."""
    seed_seq, original, samples, generations, init, tol, max_iter, w2_gens = args
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # tiny problems: BLAS threads only add overhead (and oversubscribe workers)
        return _run_chain_body(seed_seq, original, samples, generations, init, tol, max_iter, w2_gens,
                               GaussianMixture, ConvergenceWarning)


def _run_chain_body(seed_seq, original, samples, generations, init, tol, max_iter, w2_gens, GaussianMixture,
                    ConvergenceWarning):

    rng = np.random.default_rng(seed_seq)
    K = len(original[0])
    W = np.empty((generations + 1, K))
    MU = np.empty((generations + 1, K))
    V = np.empty((generations + 1, K))
    n_iter = np.zeros(generations + 1, dtype=np.int64)
    conv = np.ones(generations + 1, dtype=bool)
    W[0], MU[0], V[0] = original
    prev = None
    for g in range(1, generations + 1):
        x = _sample(rng, W[g - 1], MU[g - 1], np.sqrt(V[g - 1]), samples)[:, None]
        state = int(rng.integers(0, 2 ** 31 - 1))
        kw = dict(n_components=K, covariance_type="full", tol=tol, max_iter=max_iter, reg_covar=REG_COVAR,
                  random_state=state)
        if init == "warm" and prev is not None:
            kw.update(weights_init=prev.weights_, means_init=prev.means_, precisions_init=prev.precisions_)
        elif init != "warm":
            kw.update(init_params="kmeans" if init == "kmeans" else init)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gm = GaussianMixture(**kw).fit(x)
        order = np.argsort(gm.means_[:, 0])
        W[g] = gm.weights_[order]
        W[g] /= W[g].sum()
        MU[g] = gm.means_[order, 0]
        V[g] = gm.covariances_[order, 0, 0]
        n_iter[g], conv[g] = gm.n_iter_, gm.converged_
        prev = gm
    ref = (original[0], original[1], np.sqrt(original[2]))
    w2 = np.array([w2_squared_pair((W[g], MU[g], np.sqrt(V[g])), ref) for g in w2_gens])
    return W, MU, V, n_iter, conv, w2


def simulate(generations, chains, *, samples=1000, original=ORIGINAL, init="warm", tol=1e-5, max_iter=2000,
             seed=None, w2_every=10, w2_generations=(), workers=1, progress=False):
    r"""Run ``chains`` independent chains of the GMM experiment for ``generations`` EM refits.

    Parameters
    ----------
    generations : int >= 0
    chains : int >= 1
    samples : int >= 2
        ``M``, samples drawn from each generation to fit the next (paper: 1000).
    original : (weights, means, variances)
        Generation 0; its number of components is the number fitted.
    init : {"warm", "kmeans", "k-means++", "random_from_data"}
        ``"warm"`` starts EM at the previous generation's fit (generation 1
        uses k-means); the others initialise from scratch each generation as
        sklearn does (paper: ``"kmeans"``, sklearn's default).
    tol, max_iter : EM stopping rule (paper: 1e-5, 2000).
    seed : int, SeedSequence or None
    w2_every : int >= 1
        :math:`W_2^2` is computed every ``w2_every`` generations (and at
        ``w2_generations``); :math:`L_2^2` at every generation.
    w2_generations : sequence of int
    workers : int
        Worker processes; results do not depend on it.
    progress : bool

    Returns
    -------
    GMMRun

    Notes
    -----
    Cost (measured, 1000 samples, one worker): about 2.6 ms per generation with
    ``init="warm"`` and about 3 ms with ``"kmeans"`` (sklearn runs k-means each
    fit; 2-4 ms per fit), :math:`W_2^2` evaluations included.  Paper scale:
    ``simulate(**{k: v for k, v in PAPER_SETTINGS.items() if k != "snapshots"}, chains=1)``.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian-mixture experiment (code: the "curse_recurse" repository of arXiv:2305.17493);
    Dempster, Laird & Rubin (1977), "Maximum likelihood from incomplete data via the EM
    algorithm", JRSS B 39 (EM); scikit-learn ``GaussianMixture``.
    """
    generations = check_int(generations, "generations", minimum=0)
    chains = check_int(chains, "chains", minimum=1)
    samples = check_int(samples, "samples", minimum=2)
    original = _mixture(original, "original")
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    tol = float(check_positive(tol, "tol"))
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    w2_every = check_int(w2_every, "w2_every", minimum=1)
    extra = set(check_generation_list(w2_generations, "w2_generations", generations).tolist())
    w2_gens = np.array(sorted(set(range(0, generations + 1, w2_every)) | extra | {generations}), dtype=int)
    workers = _rng.check_workers(workers)
    children = _rng.check_seed(seed).spawn(chains)
    jobs = [(children[i], original, samples, generations, init, tol, max_iter, w2_gens) for i in range(chains)]
    bar = _rng.Progress(chains, f"gmm M={samples} generations={generations}", progress)
    t0 = time.perf_counter()
    results = []
    if workers == 1 or chains == 1:
        for i, job in enumerate(jobs):
            results.append(_run_chain(job))
            bar.update(i + 1)
    else:
        with ProcessPoolExecutor(min(workers, chains)) as pool:
            for i, res in enumerate(pool.map(_run_chain, jobs)):
                results.append(res)
                bar.update(i + 1)
    W, MU, V, NI, CV, W2 = (np.stack([r[j] for r in results]) for j in range(6))
    C, G1, K = W.shape
    flat = (W.reshape(-1, K), MU.reshape(-1, K), np.sqrt(V.reshape(-1, K)))
    ref = tuple(tuple(a.tolist()) for a in original)
    l2 = l2_squared_batch(*flat, reference=ref).reshape(C, G1)
    return GMMRun(samples, generations, chains, init, tol, max_iter, ref, W, MU, V, w2_gens, W2, l2, NI, CV,
                  time.perf_counter() - t0)


# ----------------------------------------------------------------------------- verification
def _scores(x, w, m, v):
    """Score vectors of the 2-component log-likelihood w.r.t. (w1, mu1, mu2, v1, v2) at points x: (5, len(x))."""
    s = np.sqrt(v)
    dens = np.exp(-0.5 * (x[None, :] - m[:, None]) ** 2 / v[:, None]) / (s[:, None] * math.sqrt(2 * math.pi))
    p = w @ dens
    r = w[:, None] * dens / p  # responsibilities
    d = x[None, :] - m[:, None]
    return np.stack([dens[0] / p - dens[1] / p,
                     r[0] * d[0] / v[0], r[1] * d[1] / v[1],
                     r[0] * (d[0] ** 2 - v[0]) / (2 * v[0] ** 2), r[1] * (d[1] ** 2 - v[1]) / (2 * v[1] ** 2)]), p


def fisher_information(mixture=ORIGINAL):
    r"""Per-sample Fisher information of a 2-component 1-D mixture in :math:`(w_1, \mu_1, \mu_2, s_1^2, s_2^2)`.

    .. math:: I = \int \nabla\log p(x)\,\nabla\log p(x)^\top\,p(x)\,dx,

    by the trapezoid rule on a fine grid (the integrand is smooth and decays
    like a Gaussian).  The MLE from ``N`` samples has standard errors
    :math:`\sqrt{\mathrm{diag}(I^{-1})/N}` (asymptotically; the mixing makes
    them larger than the complete-data values :math:`s_i/\sqrt{N w_i}`).

    Parameters
    ----------
    mixture : (weights, means, variances), default :data:`ORIGINAL`
        A one-dimensional mixture with exactly 2 components (variances, not sds).

    Returns
    -------
    numpy.ndarray, shape (5, 5)
        Symmetric positive semi-definite :math:`I` in the order
        :math:`(w_1, \mu_1, \mu_2, s_1^2, s_2^2)` (:math:`w_2 = 1 - w_1`).

    Notes
    -----
    Trapezoid (uniform-grid) rule with 40001 points on :math:`[\min(\mu_k - 14 s_k), \max(\mu_k + 14 s_k)]`;
    the score is :math:`\partial_{w_1}\log p = (\varphi_1 - \varphi_2)/p`,
    :math:`\partial_{\mu_k}\log p = r_k (x-\mu_k)/s_k^2`,
    :math:`\partial_{s_k^2}\log p = r_k ((x-\mu_k)^2 - s_k^2)/(2 s_k^4)` with responsibilities :math:`r_k`.

    References
    ----------
    McLachlan & Peel (2000), "Finite Mixture Models", sec. 2.15 (information matrix of a mixture);
    asymptotic normality of the MLE.
    """
    w, m, v = _mixture(mixture, "mixture")
    if w.size != 2:
        raise ValueError(f"mixture must have 2 components (fisher_information is implemented for 2), got {w.size}")
    s = np.sqrt(v)
    x = np.linspace(float(np.min(m - 14 * s)), float(np.max(m + 14 * s)), 40001)
    sc, p = _scores(x, w, m, v)
    dx = x[1] - x[0]
    return (sc * p) @ sc.T * dx


def verification_checks(chains=None, seed=20240724, progress=True):
    r"""Rows of ``collapse verify`` for the GMM experiment (process ``"gmm"``), about 10 s.

    * one EM generation on ``N = 200 000`` samples of the original recovers
      each parameter within its asymptotic standard error (z-test, SE from
      :func:`fisher_information`) -- EM finds the MLE;
    * the fast quantile-grid :math:`W_2^2` agrees with the ``scipy.integrate.quad``
      reference (relative 1e-7) on fitted mixtures of a short chain;
    * the closed-form :math:`L_2^2`, the quadrature total variation and KL agree
      with Monte Carlo estimates from samples of the two mixtures.

    ``chains`` scales the Monte Carlo sample sizes (default 200 000).

    Parameters
    ----------
    chains : int in [MIN_CHAINS, MAX_CHAINS] = [1000, 10**7], optional
        Monte Carlo sample size ``N`` (default :data:`VERIFY_CHAINS` = 200000).
    seed : int >= 0, SeedSequence or None, default 20240724
        Root seed (three spawned children).
    progress : bool, default True
        Unused (kept for a uniform signature).

    Returns
    -------
    list of numerics.checks.Check
        Process ``"gmm"``: 5 EM-fit z-rows, 3 :math:`W_2^2` grid-vs-quad rows, and
        :math:`L_2^2`, TV and KL rows.

    Notes
    -----
    .. math:: z = (\hat\theta - \theta)\big/\sqrt{[I^{-1}]_{jj}/N}

    for the EM rows; :math:`L_2^2` by :math:`E_{p_0}[p_0 - p_n] - E_{p_n}[p_0 - p_n]`; TV by
    :math:`E_{p_0}[(1 - p_n/p_0)_+]`; KL by :math:`E_{p_0}[\log p_0 - \log p_n]`.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian-mixture experiment (code: the "curse_recurse" repository of arXiv:2305.17493);
    McLachlan & Peel (2000), "Finite Mixture Models" (asymptotic SE of the MLE).
    """
    from sklearn.mixture import GaussianMixture

    N = VERIFY_CHAINS if chains is None else check_int(chains, "chains", minimum=MIN_CHAINS, maximum=MAX_CHAINS)
    ss = _rng.check_seed(seed)
    s_fit, s_run, s_mc = ss.spawn(3)
    rows = []
    # 1. EM recovers the parameters
    rng = np.random.default_rng(s_fit)
    w, m, v = (np.asarray(a, float) for a in ORIGINAL)
    x = _sample(rng, w, m, np.sqrt(v), N)[:, None]
    gm = GaussianMixture(2, covariance_type="full", tol=1e-8, max_iter=2000, reg_covar=REG_COVAR,
                         random_state=int(rng.integers(0, 2 ** 31 - 1))).fit(x)
    o = np.argsort(gm.means_[:, 0])
    est = [gm.weights_[o][0], gm.means_[o, 0][0], gm.means_[o, 0][1], gm.covariances_[o, 0, 0][0],
           gm.covariances_[o, 0, 0][1]]
    se = np.sqrt(np.diag(np.linalg.inv(fisher_information(ORIGINAL))) / N)
    names = ["w_1", "mu_1", "mu_2", "s_1^2", "s_2^2"]
    truth = [w[0], m[0], m[1], v[0], v[1]]
    for name, t, e, s in zip(names, truth, est, se):
        rows.append(ck.z_check("gmm", f"EM fit {name} (one generation)", {"N": N, "original": "0.5N(-2,1)+0.5N(2,1)"},
                               t, e, s, note="SE from the Fisher information (quadrature)", n_samples=N))
    # 2. fast W2 vs quad reference on fitted mixtures of a short chain
    run = simulate(30, 1, samples=200, seed=s_run, w2_generations=(1, 10, 30))
    for g in (1, 10, 30):
        mix = run.mixture(0, g)
        ref = ta.w2_squared(mix, ORIGINAL)
        i = int(np.searchsorted(run.w2_generations, g))
        rows.append(ck.exact_check("gmm", "W2^2(p_n, p_0) grid vs quad", {"M": 200, "n": g}, ref,
                                   run.w2_squared[0, i], rtol=1e-6))
    # 3. L2, TV, KL vs Monte Carlo
    rng = np.random.default_rng(s_mc)
    other = run.mixture(0, 30)
    pa, pb = ORIGINAL, other
    xa = _sample(rng, *(np.asarray(a, float) for a in (pa[0], pa[1])), np.sqrt(np.asarray(pa[2], float)), N)
    xb = _sample(rng, *(np.asarray(a, float) for a in (pb[0], pb[1])), np.sqrt(np.asarray(pb[2], float)), N)
    fa = lambda t: ta.mixture_pdf(t, pa)  # noqa: E731
    fb = lambda t: ta.mixture_pdf(t, pb)  # noqa: E731
    da, db = fa(xa) - fb(xa), fa(xb) - fb(xb)
    l2 = da.mean() - db.mean()
    se_l2 = math.sqrt(da.var(ddof=1) / N + db.var(ddof=1) / N)
    params = {"N": N, "p_n": "chain fit, M=200, n=30"}
    rows.append(ck.z_check("gmm", "L2^2(p_n, p_0) closed form", params, ta.l2_squared(pa, pb), l2, se_l2,
                           note="MC: E_p0[p0-pn] - E_pn[p0-pn]", n_samples=N))
    rows.append(ck.mean_check("gmm", "TV(p_0, p_n) quadrature", params, ta.total_variation(pa, pb),
                              np.maximum(0.0, 1.0 - fb(xa) / fa(xa))))
    rows.append(ck.mean_check("gmm", "KL(p_0 || p_n) quadrature", params, ta.kl_divergence(pa, pb),
                              np.log(fa(xa)) - np.log(fb(xa))))
    return rows
