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
:data:`SETTINGS` names the two settings of the experiment:

* ``SETTINGS["one_dimensional"]`` (:data:`PAPER_SETTINGS` plus ``original``): the
  EM settings of the authors' experiment code (the ``Normals_GMM_experiments``
  notebook of the "curse_recurse" repository accompanying arXiv:2305.17493)
  applied to OUR one-dimensional two-mode original
  :data:`ORIGINAL` = 0.5 N(-2, 1) + 0.5 N(2, 1), run by :func:`simulate`:
  ``M = 1000`` samples, 2 components, full covariance, ``tol = 1e-5``,
  ``max_iter = 2000``, sklearn's default k-means initialisation refitted from
  scratch each generation, 2050 generations, densities shown at generations
  {0, 50, 100, 150, 200, 350, 2000}, distance :math:`L_2` between the GMM
  densities.  A fresh fit with sklearn's k-means initialisation and these
  settings costs about 2-4 ms on 1000 samples (measured on this machine, one
  BLAS thread: median 3.3 ms for 30 fits to samples of :data:`ORIGINAL`,
  median 2.4 ms over the 300 generations of one chain), so a chain of 2050
  generations takes seconds, not minutes.  The figure and CI use
  ``init="warm"``: EM starts from the previous generation's fit
  (``weights_init``, ``means_init``, ``precisions_init``), which costs about the
  same (2.6 ms per generation measured, sampling included); this changes where
  EM starts, not the model or the data.
* ``SETTINGS["authors"]`` (:data:`AUTHORS_SETTINGS`): the authors' notebook
  exactly, run by :func:`simulate_authors` -- generation-0 data are ONE
  two-dimensional blob N(0, I_2), not two Gaussians; see the section below.

The authors' two-dimensional setting
------------------------------------
Cell 2 of ``Normals_GMM_experiments.ipynb`` (commit ``b48c90a`` of
github.com/iliaishacked/curse_recurse), with ``vars = [1]`` and ``ns = [1000]``:

1. ``X = make_blobs(n_samples=1000, n_features=1, centers=[[0, 0]], cluster_std=1)[0][:, ::-1]``
   -- ``centers`` given as coordinates overrides ``n_features``, so this is 1000
   draws of N(0, I_2) (the axis flip is cosmetic);
2. the reference :math:`p_0` = ``GaussianMixture(n_components=2, tol=1e-5,
   covariance_type="full", max_iter=2000)`` (:data:`AUTHORS_GMM`; sklearn's
   defaults otherwise: k-means initialisation, ``n_init=1``,
   ``reg_covar=1e-6``, no ``random_state``) fitted to ``X``;
3. for ``m = 0, ..., 2049``: fit :math:`p^{(m)}` (same estimator, new
   k-means initialisation) to ``X``; replace ``X`` by
   ``p^{(m)}.sample(1000)``; record
   :math:`\|p_0 - p^{(m)}\|_2^2` and the component standard deviations.
   So :math:`p^{(0)}` is a second fit to the real data and :math:`p^{(m)}`
   has been refitted ``m`` times on synthetic data only; no real data are
   kept.  At ``m`` in {0, 50, 100, 150, 200, 350, 2000} the notebook plots
   the 1000 samples of :math:`p^{(m)}` coloured by ``p^{(m)}.predict``, next
   to the real data coloured by ``p_0.predict``, on ``[-3, 3]^2``.

The distance is the closed form (:func:`l2_squared_mixtures`; the notebook's
``L2_of_gmms`` computes the same sum with ``scipy.stats.multivariate_normal``)

.. math::

    \|f - g\|_2^2 = \langle f, f\rangle - 2\langle f, g\rangle + \langle g, g\rangle,\qquad
    \langle f, g\rangle = \sum_{i,j} a_i b_j\, N(m_i;\, n_j,\, S_i + T_j)

for :math:`f = \sum_i a_i N(m_i, S_i)` and :math:`g = \sum_j b_j N(n_j, T_j)`.
The component standard deviation is the notebook's
``np.sqrt(np.trace(cov_k) / ncomponents)``; with ``ncomponents = 2 = d`` this
is :math:`\sqrt{\mathrm{tr}\,\Sigma_k / 2}`, the root mean square of the two
marginal standard deviations, which equals the root mean square of the two
principal standard deviations (the trace is rotation invariant).  We record
this one (:attr:`AuthorsRun.component_sd`) because it is what the notebook
prints (0.902 and 0.888 at the start, 0.0100 and 0.0112 at the end of its
run); :meth:`AuthorsRun.principal_sds` gives the square roots of the
eigenvalues, which show the shape of each component.

:func:`simulate_authors` runs this loop with sklearn's own ``make_blobs``,
``GaussianMixture`` and ``GaussianMixture.sample``; the only change is that
every ``random_state`` (the blob, each k-means initialisation, each sample) is
an integer drawn from the chain's seeded generator instead of numpy's global
state, so a run is reproducible.  Cost: about 7.5 ms per generation, one
chain of 2050 generations about 15 s on this machine (one BLAS thread).

Reproducibility
---------------
Chain ``i`` draws everything from ``numpy.random.default_rng(child_i)`` where
``child_i`` is child ``i`` of ``SeedSequence(seed)``; the integer
``random_state`` passed to ``GaussianMixture`` each generation is drawn from
that generator.  :func:`simulate_authors` does the same: every
``random_state`` it passes to sklearn is an integer drawn from chain ``i``'s
generator.  Results are identical for any number of worker processes.
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
from numerics.engine import DEFAULT_SEED, Run, Summary, check_formulas
from numerics import checks as ck
from theory import approximation as ta
from theory.validation import check_generation_list, check_int, check_positive, check_real_array

__all__ = ["ORIGINAL", "PAPER_SETTINGS", "AUTHORS_DATA", "AUTHORS_GMM", "AUTHORS_SETTINGS", "SETTINGS", "GMMRun",
           "AuthorsRun", "PROCESS", "MIN_CHAINS", "MAX_CHAINS", "checks_for_run", "exact_checks", "simulate", "simulate_authors", "w2_squared_pair", "w2_squared_batch", "l2_squared_batch",
           "l2_squared_mixtures", "fisher_information", "verification_checks"]

PROCESS = "gmm"

#: The original distribution, (weights, means, variances).
ORIGINAL = ((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0))
#: The authors' EM settings, for OUR one-dimensional original (see module docstring, "Settings").
PAPER_SETTINGS = dict(samples=1000, generations=2050, tol=1e-5, max_iter=2000, init="kmeans",
                      snapshots=(0, 50, 100, 150, 200, 350, 2000))
#: The notebook's generation-0 data: ``sklearn.datasets.make_blobs(**AUTHORS_DATA)`` (one N(0, I_2) blob).
AUTHORS_DATA = dict(n_samples=1000, n_features=1, centers=[[0, 0]], cluster_std=1)
#: The notebook's ``gmmparams`` (the estimator of every generation; sklearn defaults otherwise).
AUTHORS_GMM = dict(n_components=2, tol=1e-5, covariance_type="full", max_iter=2000)
#: The keyword arguments of :func:`simulate_authors` that reproduce the notebook (its defaults).
AUTHORS_SETTINGS = dict(samples=1000, generations=2050, tol=1e-5, max_iter=2000,
                        snapshots=(0, 50, 100, 150, 200, 350, 2000))
#: The named settings of the experiment: ``"one_dimensional"`` for :func:`simulate` (drop ``snapshots``),
#: ``"authors"`` for :func:`simulate_authors`.
SETTINGS = {"one_dimensional": dict(PAPER_SETTINGS, original=ORIGINAL), "authors": AUTHORS_SETTINGS}
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

    Errors of :data:`theory.mixture.NUMERIC_MIXTURE` are prefixed with ``name``.
    """
    return tuple(np.array([float(t) for t in part]) for part in ta.NUMERIC_MIXTURE.check(mix, name))


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
def _summary(values):
    """:class:`numerics.engine.Summary` over chains (axis 0) of ``values`` (chains, generations)."""
    n = values.shape[0]
    std = values.std(axis=0, ddof=1) if n > 1 else np.full(values.shape[1], np.nan)
    return Summary(values.mean(axis=0), std / math.sqrt(n), std)


@dataclasses.dataclass
class GMMRun(Run):
    """Result of :func:`simulate` (an :class:`numerics.engine.Run`: ``samples``, ``init``, ``tol`` and
    ``max_iter`` are its ``params``; ``summaries["l2_squared"]`` summarises :math:`L_2^2(p_n, p_0)` over chains).

    Arrays have shape ``(chains, generations + 1, K)`` (``weights``, ``means``, ``variances``; components
    sorted by mean) or ``(chains, generations + 1)`` (``l2_squared``, EM diagnostics ``n_iter``,
    ``converged``); ``w2_squared`` has shape ``(chains, len(w2_generations))``.  Generation index 0 is the
    ``original`` distribution; ``seconds`` is the wall time of the run.
    """

    original: tuple = None
    weights: np.ndarray = None
    means: np.ndarray = None
    variances: np.ndarray = None
    w2_generations: np.ndarray = None
    w2_squared: np.ndarray = None
    l2_squared: np.ndarray = None
    n_iter: np.ndarray = None
    converged: np.ndarray = None
    seconds: float = 0.0

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
    [dempster1977]_ (EM); scikit-learn ``GaussianMixture``.
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
    return GMMRun(process=PROCESS, params={"samples": samples, "init": init, "tol": tol, "max_iter": max_iter},
                  generations=generations, chains=chains, record=np.arange(generations + 1),
                  summaries={"l2_squared": _summary(l2)}, original=ref, weights=W, means=MU, variances=V,
                  w2_generations=w2_gens, w2_squared=W2, l2_squared=l2, n_iter=NI, converged=CV,
                  seconds=time.perf_counter() - t0)


# ----------------------------------------------------------------------------- the authors' 2-D setting
def _gaussian_overlaps(w1, m1, S1, w2, m2, S2):
    r""":math:`\sum_{i,j} w_{1i} w_{2j} N(m_{1i}; m_{2j}, S_{1i} + S_{2j})` over leading batch axes (no validation).

    Shapes ``(..., K1)``, ``(..., K1, d)``, ``(..., K1, d, d)`` and the same
    with ``K2``; the batch axes broadcast.
    """
    S = S1[..., :, None, :, :] + S2[..., None, :, :, :]
    diff = m1[..., :, None, :] - m2[..., None, :, :]
    L = np.linalg.cholesky(S)
    z = np.linalg.solve(L, diff[..., None])[..., 0]  # L z = diff, so |z|^2 = diff' S^-1 diff
    log_det = 2.0 * np.sum(np.log(np.diagonal(L, axis1=-2, axis2=-1)), axis=-1)
    d = diff.shape[-1]
    dens = np.exp(-0.5 * np.sum(z * z, axis=-1) - 0.5 * log_det - 0.5 * d * math.log(2 * math.pi))
    return np.sum(w1[..., :, None] * w2[..., None, :] * dens, axis=(-2, -1))


def _l2_mvn(a, b):
    """Closed-form L2^2 between mixtures ``a``, ``b`` = (weights, means, covariances) arrays (no validation)."""
    return _gaussian_overlaps(*a, *a) + _gaussian_overlaps(*b, *b) - 2.0 * _gaussian_overlaps(*a, *b)


def _mvn_mixture(t, name):
    """Validate ``name = (weights, means, covariances)`` of shapes (..., K), (..., K, d), (..., K, d, d)."""
    if t is None or isinstance(t, (str, bytes)) or not hasattr(t, "__len__") or len(t) != 3:
        raise ValueError(f"{name} must be a (weights, means, covariances) triple, got {t!r}")
    w = check_real_array(t[0], f"{name}.weights", ndim=None)
    m = check_real_array(t[1], f"{name}.means", ndim=None)
    S = check_real_array(t[2], f"{name}.covariances", ndim=None)
    if w.ndim < 1:
        raise ValueError(f"{name}.weights must have a component axis, got shape {w.shape}")
    if m.ndim != w.ndim + 1 or m.shape[:-1] != w.shape or m.shape[-1] < 1:
        raise ValueError(f"{name}.means must have shape weights.shape + (d,) = {w.shape} + (d,), got {m.shape}")
    d = m.shape[-1]
    if S.shape != m.shape + (d,):
        raise ValueError(f"{name}.covariances must have shape means.shape + (d,) = {m.shape + (d,)}, "
                         f"got {S.shape}")
    if np.any(w < 0):
        raise ValueError(f"{name}.weights must be >= 0, got min {w.min()!r}")
    total = w.sum(axis=-1)
    if np.any(np.abs(total - 1) > 1e-9):
        raise ValueError(f"{name}.weights must sum to 1 (within 1e-9) in each mixture, got sums in "
                         f"[{total.min()!r}, {total.max()!r}]")
    asym = np.abs(S - np.swapaxes(S, -1, -2))
    if np.any(asym > 1e-10 * np.maximum(np.abs(S).max(axis=(-2, -1), keepdims=True), 1e-300)):
        raise ValueError(f"{name}.covariances must be symmetric, got max |S - S^T| = {asym.max()!r}")
    if np.any(np.linalg.eigvalsh(S) <= 0):
        raise ValueError(f"{name}.covariances must be positive definite, got min eigenvalue "
                         f"{np.linalg.eigvalsh(S).min()!r}")
    return w, m, S


def l2_squared_mixtures(a, b):
    r"""Closed-form :math:`\int_{\mathbb{R}^d} (f - g)^2\,dx` between two Gaussian mixtures in ``d`` dimensions.

    .. math::

        \|f - g\|_2^2 = \langle f, f\rangle - 2\langle f, g\rangle + \langle g, g\rangle,\qquad
        \langle f, g\rangle = \sum_{i,j} a_i b_j\, N(m_i;\, n_j,\, S_i + T_j),

    for :math:`f = \sum_i a_i N(m_i, S_i)`, :math:`g = \sum_j b_j N(n_j, T_j)`,
    with :math:`N(x; \mu, \Sigma) = (2\pi)^{-d/2} \det\Sigma^{-1/2}
    \exp(-\tfrac12 (x-\mu)^\top\Sigma^{-1}(x-\mu))`.

    Derivation: completing the square in :math:`x`,
    :math:`N(x; m, S)\,N(x; n, T) = N(m; n, S + T)\,N(x; c, C)` with
    :math:`C = (S^{-1} + T^{-1})^{-1}` and :math:`c = C(S^{-1}m + T^{-1}n)`;
    the second factor integrates to 1, so
    :math:`\int N(x; m, S) N(x; n, T)\,dx = N(m; n, S + T)` (the density at
    :math:`m - n` of the difference of independent :math:`N(m, S)` and
    :math:`N(n, T)` vectors), and the double sum follows by bilinearity.  This
    is the sum the authors' ``L2_of_gmms`` evaluates with
    ``scipy.stats.multivariate_normal.pdf``; here it is vectorised, with a
    Cholesky factor of each :math:`S_i + T_j`.

    Parameters
    ----------
    a, b : (weights, means, covariances)
        Arrays of shapes ``(..., K)``, ``(..., K, d)`` and ``(..., K, d, d)``
        (``K`` may differ between ``a`` and ``b``, ``d`` may not); weights >= 0
        summing to 1 (within 1e-9) over the last axis, finite means, symmetric
        positive-definite covariances.  Leading batch axes broadcast.

    Returns
    -------
    float or numpy.ndarray
        :math:`\|f - g\|_2^2 \ge 0` (up to rounding), in units of
        :math:`x^{-d}`; an array of the broadcast batch shape when there are batch axes.

    Raises
    ------
    ValueError
        ``a`` or ``b`` is not a triple, or one of its arrays is malformed (the
        message names ``a.weights``, ``b.covariances``, ...), or the batch
        shapes do not broadcast, or the dimensions ``d`` differ.

    References
    ----------
    Petersen & Pedersen, "The Matrix Cookbook" (2012), sec. 8.1.8 (product of Gaussian densities);
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian-mixture experiment (code: ``L2_of_gmms`` in ``Normals_GMM_experiments.ipynb`` of the
    "curse_recurse" repository of arXiv:2305.17493).
    """
    A = _mvn_mixture(a, "a")
    B = _mvn_mixture(b, "b")
    if A[1].shape[-1] != B[1].shape[-1]:
        raise ValueError(f"b.means must have the dimension d = {A[1].shape[-1]} of a.means, got {B[1].shape[-1]}")
    try:
        batch = np.broadcast_shapes(A[0].shape[:-1], B[0].shape[:-1])
    except ValueError:
        raise ValueError(f"b.weights: batch shape {B[0].shape[:-1]} does not broadcast with a's "
                         f"{A[0].shape[:-1]}") from None
    out = _l2_mvn(A, B)
    return float(out) if batch == () else np.asarray(out)


def _authors_estimator(random_state, tol=AUTHORS_GMM["tol"], max_iter=AUTHORS_GMM["max_iter"]):
    """The notebook's ``GMM(**gmmparams)`` with a ``random_state`` (sklearn defaults otherwise)."""
    from sklearn.mixture import GaussianMixture

    return GaussianMixture(**dict(AUTHORS_GMM, tol=tol, max_iter=max_iter), random_state=random_state)


@dataclasses.dataclass
class AuthorsRun(Run):
    r"""Result of :func:`simulate_authors` (the authors' 2-D setting); ``C`` chains, ``G`` generations, ``K = 2``
    (an :class:`numerics.engine.Run`: ``samples``, ``tol`` and ``max_iter`` are its ``params``).

    Fit ``m`` (``m = 0 .. G-1``) is the notebook's ``gmm`` at loop index ``m``:
    fit 0 is a second fit to the real data, fit ``m`` has been refitted ``m``
    times on synthetic data.  Components are sorted by the first coordinate of
    their mean (labels renumbered accordingly); the reference :math:`p_0` is the
    notebook's ``X_0_gmm``.

    Attributes
    ----------
    reference_weights, reference_means, reference_covariances : arrays (C, K), (C, K, 2), (C, K, 2, 2)
        :math:`p_0`, the fit to the real data.
    weights, means, covariances : arrays (C, G, K), (C, G, K, 2), (C, G, K, 2, 2)
        Fit ``m`` of each chain.
    l2_squared : array (C, G)
        :math:`\|p_0 - p^{(m)}\|_2^2` (:func:`l2_squared_mixtures`), units of :math:`x^{-2}`.
    real_data, real_labels : arrays (C, N, 2), (C, N)
        The generation-0 data and ``p_0.predict`` of them.
    snapshots : dict of int -> dict of str -> array
        For each kept generation ``m``: ``"samples"`` (C, N, 2), the ``N`` samples of fit ``m`` (the data of
        fit ``m + 1``), and ``"labels"`` (C, N), fit ``m``'s ``predict`` of them.
    snapshot_samples, snapshot_labels : arrays (C, S, N, 2), (C, S, N)
        The same, stacked over the kept generations in increasing order.
    n_iter, converged : arrays (C, G)
        EM iterations and convergence flag of each fit.
    seconds : float
        Wall time of the run.
    """

    real_data: np.ndarray = None
    real_labels: np.ndarray = None
    reference_weights: np.ndarray = None
    reference_means: np.ndarray = None
    reference_covariances: np.ndarray = None
    weights: np.ndarray = None
    means: np.ndarray = None
    covariances: np.ndarray = None
    l2_squared: np.ndarray = None
    snapshot_samples: np.ndarray = None
    snapshot_labels: np.ndarray = None
    n_iter: np.ndarray = None
    converged: np.ndarray = None
    seconds: float = 0.0

    @property
    def component_sd(self):
        r"""The notebook's component standard deviation :math:`\sqrt{\mathrm{tr}\,\Sigma_k / 2}`, array (C, G, K)."""
        return np.sqrt(np.trace(self.covariances, axis1=-2, axis2=-1) / 2)

    @property
    def reference_component_sd(self):
        r""":math:`\sqrt{\mathrm{tr}\,\Sigma_k / 2}` of the reference fit :math:`p_0`, array (C, K)."""
        return np.sqrt(np.trace(self.reference_covariances, axis1=-2, axis2=-1) / 2)

    def principal_sds(self):
        r"""Square roots of the eigenvalues of each fitted covariance, ascending: array (C, G, K, 2)."""
        return np.sqrt(np.linalg.eigvalsh(self.covariances))

    def summary(self, generation=None, quantiles=(0.25, 0.5, 0.75)):
        r"""Quantiles over chains at one generation of :math:`L_2^2` and of the two component sds.

        Parameters
        ----------
        generation : int, optional
            Fit index ``m`` in ``0 .. generations - 1`` (default: the last, ``generations - 1``).
        quantiles : sequence of float in [0, 1]
            Default: the quartiles.

        Returns
        -------
        dict
            ``"generation"``, ``"quantiles"``, and arrays of the quantiles of
            ``"l2_squared"``, ``"sd_smaller"`` and ``"sd_larger"`` (per chain the
            smaller and the larger of the two :attr:`component_sd`), each by
            ``numpy.quantile`` (linear interpolation) over the ``C`` chains.

        Notes
        -----
        :math:`\hat q_p` = ``numpy.quantile(x, p)`` of the ``C`` per-chain values ``x``.

        References
        ----------
        Hyndman & Fan (1996), "Sample quantiles in statistical packages", definition 7.
        """
        g = self.generations - 1 if generation is None else check_int(generation, "generation", minimum=0,
                                                                       maximum=self.generations - 1)
        q = check_real_array(quantiles, "quantiles", minimum=0.0, maximum=1.0)
        sd = self.component_sd[:, g]
        return {"generation": g, "quantiles": q, "l2_squared": np.quantile(self.l2_squared[:, g], q),
                "sd_smaller": np.quantile(sd.min(axis=1), q), "sd_larger": np.quantile(sd.max(axis=1), q)}


def _sorted_fit(gm):
    """(order, rank) sorting the components of a fitted GaussianMixture by the first coordinate of the mean."""
    order = np.argsort(gm.means_[:, 0], kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return order, rank


def _run_authors_chain(args):
    """One chain of the notebook's loop (runs in a worker process)."""
    from sklearn.datasets import make_blobs
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    seed_seq, samples, generations, tol, max_iter, snaps = args
    rng = np.random.default_rng(seed_seq)

    def state():
        return int(rng.integers(0, 2 ** 31 - 1))

    K, d = AUTHORS_GMM["n_components"], 2
    W, MU = np.empty((generations, K)), np.empty((generations, K, d))
    COV = np.empty((generations, K, d, d))
    n_iter = np.empty(generations, dtype=np.int64)
    conv = np.empty(generations, dtype=bool)
    snap_x = np.empty((len(snaps), samples, d))
    snap_l = np.empty((len(snaps), samples), dtype=np.int8)
    where = {int(g): i for i, g in enumerate(snaps)}
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        blob = dict(AUTHORS_DATA, n_samples=samples)
        X0 = np.ascontiguousarray(make_blobs(**blob, random_state=state())[0][:, ::-1])  # the notebook's flip
        ref = _authors_estimator(state(), tol, max_iter).fit(X0)
        order, rank = _sorted_fit(ref)
        real_labels = rank[ref.predict(X0)].astype(np.int8)
        reference = (ref.weights_[order], ref.means_[order], ref.covariances_[order])
        X = X0
        for m in range(generations):
            gm = _authors_estimator(state(), tol, max_iter).fit(X)
            gm.set_params(random_state=state())  # the stream of gm.sample (the notebook: numpy's global state)
            X = gm.sample(samples)[0]
            order, rank = _sorted_fit(gm)
            W[m], MU[m], COV[m] = gm.weights_[order], gm.means_[order], gm.covariances_[order]
            n_iter[m], conv[m] = gm.n_iter_, gm.converged_
            if m in where:
                snap_x[where[m]] = X
                snap_l[where[m]] = rank[gm.predict(X)]
    l2 = _l2_mvn(tuple(a[None] for a in reference), (W, MU, COV))
    return (X0, real_labels, *reference, W, MU, COV, l2, snap_x, snap_l, n_iter, conv)


def simulate_authors(chains, *, generations=2050, samples=1000, tol=1e-5, max_iter=2000,
                     snapshots=AUTHORS_SETTINGS["snapshots"], seed=None, workers=1, progress=False):
    r"""Run ``chains`` independent, seeded copies of the authors' GMM notebook loop (``SETTINGS["authors"]``).

    Each chain: ``X`` = 1000 draws of N(0, I_2) (``make_blobs(**AUTHORS_DATA)``,
    axes flipped); :math:`p_0` = ``GaussianMixture(**AUTHORS_GMM)`` fitted to
    ``X``; then for ``m = 0 .. generations - 1``: :math:`p^{(m)}` = a fresh
    ``GaussianMixture(**AUTHORS_GMM)`` (k-means initialisation) fitted to ``X``,
    ``X`` = ``p^{(m)}.sample(samples)``, record
    :math:`\|p_0 - p^{(m)}\|_2^2` and the parameters.  No real data are kept
    after fit 0.  See the module docstring, "The authors' two-dimensional
    setting", for the notebook lines and :func:`l2_squared_mixtures` for

    .. math::

        \|p_0 - p^{(m)}\|_2^2 = \sum_{i,j} a_i a_j N(m_i; m_j, S_i + S_j)
        - 2\sum_{i,j} a_i b_j N(m_i; n_j, S_i + T_j) + \sum_{i,j} b_i b_j N(n_i; n_j, T_i + T_j).

    Parameters
    ----------
    chains : int >= 1
    generations : int >= 1
        Number of fits ``m = 0 .. generations - 1`` (the notebook's ``evolutions = 2050``).
    samples : int >= 2
        ``N``: the real data and every generation's sample (notebook: 1000).
    tol, max_iter : EM stopping rule (notebook: 1e-5, 2000).
    snapshots : sequence of int in ``0 .. generations - 1``
        Generations whose samples (and predicted labels) are kept (notebook:
        0, 50, 100, 150, 200, 350, 2000).
    seed : int >= 0, SeedSequence or None
        Chain ``i`` uses ``default_rng`` of child ``i`` of ``SeedSequence(seed)``;
        every ``random_state`` passed to sklearn is drawn from it.
    workers : int >= 1
        Worker processes; results do not depend on it.
    progress : bool
        One line per quarter of the chains on stderr (in place on a terminal).

    Returns
    -------
    AuthorsRun

    Raises
    ------
    ValueError
        A parameter out of range (the message names it).

    Notes
    -----
    Cost (measured on this machine, one BLAS thread per worker): about 7.5 ms
    per generation, 15 s for one chain of 2050 generations; ``workers=2`` halves
    the wall time of several chains.  Fits that stop at ``max_iter`` are kept
    (as in the notebook) and flagged in ``converged``.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian-mixture experiment; code: ``Normals_GMM_experiments.ipynb``, commit b48c90a of
    github.com/iliaishacked/curse_recurse (arXiv:2305.17493); scikit-learn ``make_blobs``,
    ``GaussianMixture``.
    """
    chains = check_int(chains, "chains", minimum=1)
    generations = check_int(generations, "generations", minimum=1)
    samples = check_int(samples, "samples", minimum=2)
    tol = float(check_positive(tol, "tol"))
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    snaps = check_generation_list(snapshots, "snapshots", generations - 1)
    workers = _rng.check_workers(workers)
    children = _rng.check_seed(seed).spawn(chains)
    jobs = [(children[i], samples, generations, tol, max_iter, tuple(snaps.tolist())) for i in range(chains)]
    bar = _rng.Progress(chains, f"gmm authors N={samples} generations={generations}", progress)
    t0 = time.perf_counter()
    results = []
    if workers == 1 or chains == 1:
        for i, job in enumerate(jobs):
            results.append(_run_authors_chain(job))
            bar.update(i + 1)
    else:
        with ProcessPoolExecutor(min(workers, chains)) as pool:
            for i, res in enumerate(pool.map(_run_authors_chain, jobs)):
                results.append(res)
                bar.update(i + 1)
    (real, real_lab, rw, rm, rc, w, m, c, l2, s_samples, s_labels, n_iter, conv) = (
        np.stack([r[j] for r in results]) for j in range(13))
    kept = {int(g): {"samples": s_samples[:, i], "labels": s_labels[:, i]} for i, g in enumerate(snaps.tolist())}
    return AuthorsRun(process=PROCESS, params={"samples": samples, "tol": tol, "max_iter": max_iter},
                      generations=generations, chains=chains, record=np.arange(generations),
                      summaries={"l2_squared": _summary(l2)}, snapshots=kept, real_data=real, real_labels=real_lab,
                      reference_weights=rw, reference_means=rm, reference_covariances=rc, weights=w, means=m,
                      covariances=c, l2_squared=l2, snapshot_samples=s_samples, snapshot_labels=s_labels,
                      n_iter=n_iter, converged=conv, seconds=time.perf_counter() - t0)


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


#: The ``formulas`` keys of :func:`checks_for_run`: the reference values of the recorded distances.
FORMULAS = ("w2_squared", "l2_squared")

#: Fixed mixture pairs of :func:`exact_checks` ``(weights, means, variances)``: the original against a
#: narrowed, a shifted and a collapsed (one nearly empty, very narrow component) mixture.
_EXACT_PAIRS = (((0.5, 0.5), (-1.5, 1.5), (0.5, 0.5)), ((0.7, 0.3), (-2.5, 2.0), (1.0, 2.0)),
                ((0.98, 0.02), (-0.1, 3.0), (1.5, 1e-4)))


def checks_for_run(run, n, formulas=None):
    r"""The rows of one :func:`simulate` run at generation ``n`` (the check protocol): for every chain,
    the recorded :math:`L_2^2(p_n, p_0)` (closed form, vectorised) against
    :func:`theory.approximation.l2_squared`, and, when ``n`` is in ``run.w2_generations``, the fast
    quantile-grid :math:`W_2^2` (:func:`w2_squared_pair`) against the ``scipy.integrate.quad`` reference
    :func:`theory.approximation.w2_squared` (relative 1e-6).  The GMM chain has no closed-form law of
    :math:`p_n`, so these rows check the distances a figure plots, not a theory of their mean.

    Parameters
    ----------
    run : GMMRun
    n : int in ``0..run.generations``
    formulas : dict, optional
        Replacement reference callables ``(mixture_n, original) -> float`` by name (:data:`FORMULAS`);
        an unknown name is a ValueError.

    Returns
    -------
    list of numerics.checks.Check
    """
    if not isinstance(run, GMMRun):
        raise ValueError(f"run must be a GMMRun from simulate(), got {type(run).__name__}")
    n = check_int(n, "n", minimum=0, maximum=run.generations)
    f = check_formulas(formulas, FORMULAS)
    w2_ref, l2_ref = f.get("w2_squared", ta.w2_squared), f.get("l2_squared", ta.l2_squared)
    rows = []
    for c in range(run.chains):
        mix = run.mixture(c, n)
        params = {"M": run.samples, "n": n, "chain": c}
        rows.append(ck.exact_check(PROCESS, "L2^2(p_n, p_0) batch vs closed form", params, l2_ref(mix, run.original),
                                   run.l2_squared[c, n], rtol=1e-9))
        hit = np.flatnonzero(run.w2_generations == n)
        if hit.size:
            rows.append(ck.exact_check(PROCESS, "W2^2(p_n, p_0) grid vs quad", params, w2_ref(mix, run.original),
                                       run.w2_squared[c, int(hit[0])], rtol=1e-6))
    return rows


def exact_checks():
    r"""Deterministic rows (no sampling): on fixed mixture pairs, the closed-form :math:`L_2^2` (batch and
    :func:`l2_squared_mixtures` in one dimension) against ``scipy.integrate.quad`` of :math:`(p - p_0)^2`
    (relative 1e-8), and the quantile-grid :math:`W_2^2` against the quadrature reference (relative 1e-6).

    Returns
    -------
    list of numerics.checks.Check
    """
    from scipy import integrate

    rows = []
    for i, mix in enumerate(_EXACT_PAIRS):
        params = {"pair": i}
        w, m, v = (np.asarray(a, float) for a in mix)
        diff = lambda x: (ta.mixture_pdf(x, mix) - ta.mixture_pdf(x, ORIGINAL)) ** 2  # noqa: E731
        pts = sorted(set(m.tolist()) | {-2.0, 2.0})
        quad = sum(integrate.quad(diff, lo, hi, limit=400, epsabs=0, epsrel=1e-12)[0]
                   for lo, hi in zip([-np.inf] + pts, pts + [np.inf]))
        batch = float(np.ravel(l2_squared_batch(w, m, np.sqrt(v)))[0])
        rows.append(ck.exact_check(PROCESS, "L2^2 closed form (batch) vs quad", params, quad, batch, rtol=1e-8))
        w0, m0, v0 = (np.asarray(a, float) for a in ORIGINAL)
        d2 = float(l2_squared_mixtures((w, m[:, None], v[:, None, None]), (w0, m0[:, None], v0[:, None, None])))
        rows.append(ck.exact_check(PROCESS, "L2^2 closed form (d-dim, d = 1) vs quad", params, quad, d2, rtol=1e-8))
        rows.append(ck.exact_check(PROCESS, "W2^2 grid vs quad", params, ta.w2_squared(mix, ORIGINAL),
                                   w2_squared_pair((w, m, np.sqrt(v)), (w0, m0, np.sqrt(v0))), rtol=1e-6))
    return rows


def verification_checks(chains=None, seed=DEFAULT_SEED, progress=True):
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
    # 2. the recorded distances of a short chain (fast W2 grid vs quad, batch L2 vs closed form)
    run = simulate(30, 1, samples=200, seed=s_run, w2_generations=(1, 10, 30))
    for g in (1, 10, 30):
        rows += checks_for_run(run, g)
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
    return rows + exact_checks()
