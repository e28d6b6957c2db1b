r"""Monte Carlo of the mitigations (fresh data, accumulation), checks against :mod:`theory.mitigation`, and sweeps.

Simulators
----------
``simulate_mixing``: every generation fits a Gaussian to ``m_r = alpha*M`` fresh samples of
:math:`N(\mu,\sigma^2)` pooled with ``m_s = M - m_r`` samples of the current model.
``method="exact"`` draws sufficient statistics (group means are normal, within-group sums of squares
are scaled chi-squares, independent by Cochran's theorem; the pooled sum of squares adds
:math:`\frac{m_r m_s}{M}(\bar x_r-\bar y_s)^2`), so its cost does not depend on ``M``;
``method="naive"`` draws and refits the ``M`` samples.

``simulate_accumulate``: model ``n`` is fitted to all ``nM`` samples so far (batch ``j`` from model
``j``).  ``method="exact"`` updates the pooled mean and sum of squares with one normal and one
chi-square per chain and generation; ``method="naive"`` keeps every sample and refits them all.

The remedies of [kazdan2024]_ and [he2025]_: ``simulate_accumulate_subsample`` (model ``t`` fitted to a
uniform ``n``-subset of the ``tn`` pooled points: the pool is kept point by point),
``simulate_weighted_fresh_data`` (sufficient statistics of the synthetic and the real group) and
``simulate_kde_chain`` (a fixed-bandwidth KDE resampled; its points are kept).

All run on the one chain engine :func:`numerics.engine.run_chains` (log-variance state, seeded blocks,
identical results for any ``workers``).  ``simulate_discrete_mixing``: a categorical model refitted to
the counts of ``Mult(m_r, p) + Mult(m_s, x_n)`` (Wright-Fisher with immigration).  The module follows
the check protocol of :mod:`numerics.protocol`, sweep cells included (``collapse sweep`` runs the checks
of the mixing and accumulation schemes over a parameter grid on Dask, :mod:`numerics.sweep`; the remedies
are checked by ``collapse verify``).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Dict

import numpy as np
import sympy as sp

from numerics import _rng
from numerics import checks as ck
from numerics import engine
from numerics.engine import DEFAULT_SEED, ChainRun, Run, Summary
from theory import gaussian as thg
from theory import mitigation as th
from theory import validation as V

__all__ = ["simulate_mixing", "simulate_accumulate", "simulate_discrete_mixing", "DiscreteMixingRun",
           "simulate_accumulate_subsample", "simulate_weighted_fresh_data", "simulate_kde_chain", "MAX_STORED_POINTS",
           "checks_for_run", "exact_checks", "verification_checks", "STATISTICS", "discrete_law",
           "PROCESS", "MIN_CHAINS", "MAX_CHAINS", "QUANTITIES", "remedy_exact_checks"]

PROCESS = "mitigation"
#: Per-chain statistics of the Gaussian runs.
STATISTICS = ("mean", "mean_error_sq", "variance", "std", "w2_squared")
METHODS = ("exact", "naive")
#: Quantities a ``formulas`` override of :func:`checks_for_run` may name, by scheme.
QUANTITIES = {"mix": ("E[mu_n] (mix)", "E[(mu_n-mu)^2] (mix)", "E[sigma_n^2] (mix)"),
              "accumulate": ("E[(mu_n-mu)^2] (accumulate)", "E[sigma_n^2] (accumulate)",
                             "Var[sigma_n^2] (accumulate)"),
              "mix-discrete": ("E[H_n] (mix)", "P(count=i) (mix)"),
              "accumulate-subsample": ("E[sigma_t^2] (accumulate-subsample)", "E[(mu_t-mu)^2] (accumulate-subsample)",
                                       "E[sigma_t^2]+E[(mu_t-mu)^2] = sigma^2 (accumulate-subsample, MLE)",
                                       "E[S_t^2] pool (accumulate-subsample)",
                                       "E[(pool mean-mu)^2] (accumulate-subsample)"),
              "weighted": ("E[(mu_t-mu)^2] (weighted)", "E[(v_t-sigma^2)^2] (weighted)", "E[v_t] (weighted)"),
              "kde": ("E[s_t^2] (kde)", "E[(m_t-mu)^2] (kde)", "E[s_t^2]+E[(m_t-mu)^2] (kde)")}


def _run(scheme, params, step, generations, chains, mu, sigma2, estimator, method, seed, record, snapshots,
         workers, progress, extra_state=None):
    V.check_estimator(estimator)
    V.check_choice(method, "method", METHODS)
    label = f"mitigation {scheme} M={params['M']}"
    return engine.run_chains(step, process=PROCESS, params=dict(params, scheme=scheme, estimator=estimator,
                                                                  method=method),
                             generations=generations, chains=chains, mu=mu, sigma2=sigma2, seed=seed,
                             record=record, snapshots=snapshots, statistics=STATISTICS, extra_state=extra_state,
                             workers=workers, progress=progress, label=label)


def simulate_mixing(alpha, M, generations, chains, *, mu=0.0, sigma2=1.0, estimator="unbiased", method="exact",
                    seed=None, record=None, snapshots=(), workers=1, progress=False):
    r"""Gaussian refitting on ``alpha*M`` fresh plus ``(1-alpha)*M`` synthetic samples per generation.

    Exact method, one generation: :math:`\bar x_r = \mu + \sigma Z_1/\sqrt{m_r}`,
    :math:`SS_r = \sigma^2\chi^2_{m_r-1}`, :math:`\bar y = \mu_n + \sigma_n Z_2/\sqrt{m_s}`,
    :math:`SS_s = \sigma_n^2\chi^2_{m_s-1}`, pooled mean :math:`(m_r\bar x_r + m_s\bar y)/M` and pooled
    sum of squares :math:`SS_r + SS_s + \frac{m_r m_s}{M}(\bar x_r - \bar y)^2` [bertrand2024]_.

    Parameters
    ----------
    alpha : float in [0, 1], ``alpha*M`` an integer
        Fraction of fresh real data (``alpha = 0``: plain replacement).
    M : int >= 2
    generations : int >= 0
    chains : int >= 1
    mu, sigma2 : original :math:`N(\mu, \sigma^2)`
    estimator : {"unbiased", "mle"}
    method : {"exact", "naive"}
    seed, record, snapshots, workers, progress : as in :func:`numerics.engine.run_chains`

    Returns
    -------
    numerics.engine.ChainRun
        ``params``: ``scheme="mix"``, ``alpha`` (as ``m_r / M``), ``M``, ``estimator``, ``method``.
    """
    mr, ms = th.mixing_counts(alpha, M)
    M = int(M)
    sigma2 = float(V.check_positive(sigma2, "sigma2"))
    mu = float(V.check_real(mu, "mu"))
    div = M - 1 if estimator == "unbiased" else M
    sigma = math.sqrt(sigma2)

    def step_exact(rng, state, g):
        mean, log_var = state["mean"], state["log_variance"]
        b = mean.size
        if not mr:  # plain replacement: stay in log space (sigma_n^2 may lie far below the smallest float)
            mean += np.exp(0.5 * log_var) * rng.standard_normal(b) / math.sqrt(M)
            log_var += np.log(2.0 * rng.standard_gamma((M - 1) / 2.0, b) / div)
            return
        var = np.exp(log_var)  # the fresh group keeps the pooled sum of squares away from underflow
        ss = np.zeros(b)
        pooled = np.zeros(b)
        if mr:
            xr = mu + sigma * rng.standard_normal(b) / math.sqrt(mr)
            if mr > 1:
                ss += sigma2 * 2.0 * rng.standard_gamma((mr - 1) / 2.0, b)
            pooled += mr * xr
        if ms:
            ys = mean + np.sqrt(var) * rng.standard_normal(b) / math.sqrt(ms)
            if ms > 1:
                ss += var * 2.0 * rng.standard_gamma((ms - 1) / 2.0, b)
            pooled += ms * ys
        if mr and ms:
            ss += mr * ms / M * (xr - ys) ** 2
        mean[:] = pooled / M
        log_var[:] = np.log(ss / div)

    def step_naive(rng, state, g):
        mean, log_var = state["mean"], state["log_variance"]
        b = mean.size
        x = np.empty((b, M))
        x[:, :mr] = mu + sigma * rng.standard_normal((b, mr))
        x[:, mr:] = mean[:, None] + np.exp(0.5 * log_var)[:, None] * rng.standard_normal((b, ms))
        mean[:] = x.mean(axis=1)
        log_var[:] = np.log(x.var(axis=1, ddof=1 if estimator == "unbiased" else 0))

    return _run("mix", {"alpha": mr / M, "M": M}, step_exact if method == "exact" else step_naive, generations,
                chains, mu, sigma2, estimator, method, seed, record, snapshots, workers, progress)


def simulate_accumulate(M, generations, chains, *, mu=0.0, sigma2=1.0, estimator="unbiased", method="exact",
                        seed=None, record=None, snapshots=(), workers=1, progress=False):
    r"""Gaussian refitting on all data so far: model ``n`` is fitted to ``nM`` samples [gerstgrasser2024]_.

    Exact method, step ``n -> n+1``: the batch of model ``n`` has mean :math:`\bar x = \mu_n +
    \sigma_n Z/\sqrt M` and within sum of squares :math:`\sigma_n^2\chi^2_{M-1}`; then
    :math:`\mu_{n+1} = (n\mu_n + \bar x)/(n+1)`,
    :math:`SS_{n+1} = SS_n + \sigma_n^2\chi^2_{M-1} + \frac{n}{n+1}(\bar x-\mu_n)^2 M` and
    :math:`\sigma_{n+1}^2 = SS_{n+1}/c_{n+1}`, :math:`c_n = nM-1` or :math:`nM`.  The naive method
    stores all samples (memory ``chains * n * M``).

    Parameters
    ----------
    M : int >= 2
        Samples added per generation; model ``n`` is fitted to ``nM`` samples.
    generations, chains, mu, sigma2, estimator, method, seed, record, snapshots, workers, progress
        As in :func:`simulate_mixing`.

    Returns
    -------
    numerics.engine.ChainRun
        ``params``: ``scheme="accumulate"``, ``M``, ``estimator``, ``method``.
    """
    M = V.check_int(M, "M", minimum=2)
    off = 1 if estimator == "unbiased" else 0
    store = {}

    def step_exact(rng, state, g):
        mean, log_var = state["mean"], state["log_variance"]
        n = g - 1
        b = mean.size
        z = rng.standard_normal(b)
        chi = 2.0 * rng.standard_gamma((M - 1) / 2.0, b)
        mean += np.exp(0.5 * log_var) * z / (math.sqrt(M) * (n + 1))
        # SS_{n+1} = sigma_n^2 [c_n + chi2_{M-1} + n/(n+1) z^2]: every term carries sigma_n^2, so update in log space
        log_var += np.log(((n * M - off) if n > 0 else 0) + chi + n / (n + 1) * z * z) - math.log((n + 1) * M - off)

    def step_naive(rng, state, g):
        mean, log_var = state["mean"], state["log_variance"]
        key = id(mean)  # the engine's block views live for the whole run
        batch = mean[:, None] + np.exp(0.5 * log_var)[:, None] * rng.standard_normal((mean.size, M))
        store[key] = batch if g == 1 else np.concatenate([store[key], batch], axis=1)
        mean[:] = store[key].mean(axis=1)
        log_var[:] = np.log(store[key].var(axis=1, ddof=off))

    return _run("accumulate", {"M": M}, step_exact if method == "exact" else step_naive, generations, chains, mu,
                sigma2, estimator, method, seed, record, snapshots, workers, progress)


# ----------------------------------------------------------------------------- remedies of Kazdan et al. / He et al.
#: Largest number of stored points (chains x points per chain) of the simulators that keep samples (8 bytes each).
MAX_STORED_POINTS = 250_000_000


def _require_storage(chains, points_per_chain, what):
    total = int(chains) * int(points_per_chain)
    if total > MAX_STORED_POINTS:
        raise ValueError(f"chains * {what} = {total} stored points exceed the limit MAX_STORED_POINTS = "
                         f"{MAX_STORED_POINTS} ({8 * MAX_STORED_POINTS / 2 ** 30:.1f} GiB); use fewer chains or "
                         f"generations")


def _offset(view):
    """Position of a block's view inside the engine's state array (its base)."""
    return (view.__array_interface__["data"][0] - view.base.__array_interface__["data"][0]) // view.itemsize


def _uniform_subsets(rng, b, N, k):
    r"""``(b, k)`` indices of uniform ``k``-subsets of ``range(N)``, one per row (Floyd's algorithm, vectorised).

    For ``j = N-k, ..., N-1``: draw ``t`` uniform in ``[0, j]``; keep it unless the row already holds it, in which
    case take ``j``.  Every ``k``-subset is equally likely; the cost is :math:`O(bk^2)`, independent of ``N``.
    """
    out = np.empty((b, k), dtype=np.int64)
    for i, j in enumerate(range(N - k, N)):
        t = rng.integers(0, j + 1, size=b)
        if i:
            t = np.where((out[:, :i] == t[:, None]).any(axis=1), j, t)
        out[:, i] = t
    return out


def simulate_accumulate_subsample(n, generations, chains, *, mu=0.0, sigma2=1.0, estimator="mle", seed=None,
                                  record=None, snapshots=(), workers=1, progress=False):
    r"""Accumulate-subsample [kazdan2024]_: model ``t`` is fitted to a uniform ``n``-subset of the ``tn`` pooled points.

    Generation ``g`` (= model ``t``): the ``n`` points of batch ``g - 1`` are drawn from model ``g - 1`` and
    added to the pool; an ``n``-subset of the ``gn`` pooled points is drawn without replacement (Floyd's
    algorithm; at ``g = 1`` it is batch 0 itself) and refitted by the sample mean and the MLE or unbiased
    variance.  The subsets reuse earlier points, so the pool is kept point by point
    (``chains * generations * n`` floats, at most :data:`MAX_STORED_POINTS`); its mean and sum of squares
    are kept as extra state, and copied into ``run.snapshots[g]`` as ``"pool_mean"`` and ``"pool_ss"``.

    Parameters
    ----------
    n : int >= 2
        Batch size (real points of batch 0, synthetic points of every later batch, size of every subset).
    generations, chains, mu, sigma2, seed, record, snapshots, workers, progress
        As in :func:`simulate_mixing`.
    estimator : {"mle", "unbiased"}, default "mle"

    Returns
    -------
    numerics.engine.ChainRun
        ``params``: ``scheme="accumulate-subsample"``, ``n``, ``M`` (= ``n``), ``estimator``.
    """
    n = V.check_int(n, "n", minimum=2)
    generations = V.check_int(generations, "generations", minimum=0)
    chains = V.check_int(chains, "chains", minimum=1)
    _require_storage(chains, generations * n, "generations * n")
    V.check_estimator(estimator)
    snap_gens = set(V.check_generation_list(snapshots, "snapshots", generations).tolist())
    ddof = 0 if estimator == "mle" else 1
    store = {}
    pool_snaps = {g: (np.empty(chains), np.empty(chains)) for g in snap_gens}

    def step(rng, state, g):
        mean, log_var, pm, pss = state["mean"], state["log_variance"], state["pool_mean"], state["pool_ss"]
        b = mean.size
        if g == 1:
            store[id(mean)] = np.empty((b, generations * n))
        pool = store[id(mean)]
        batch = mean[:, None] + np.exp(0.5 * log_var)[:, None] * rng.standard_normal((b, n))
        pool[:, (g - 1) * n:g * n] = batch
        old, N = (g - 1) * n, g * n
        bm = batch.mean(axis=1)
        delta = bm - pm
        pm += delta * (n / N)
        pss += ((batch - bm[:, None]) ** 2).sum(axis=1) + delta * delta * (old * n / N)
        data = batch if g == 1 else np.take_along_axis(pool[:, :N], _uniform_subsets(rng, b, N, n), axis=1)
        mean[:] = data.mean(axis=1)
        log_var[:] = np.log(data.var(axis=1, ddof=ddof))
        if g in pool_snaps:
            lo = _offset(pm)
            pool_snaps[g][0][lo:lo + b], pool_snaps[g][1][lo:lo + b] = pm, pss
        if g == generations:
            del store[id(mean)]

    run = engine.run_chains(step, process=PROCESS, params={"scheme": "accumulate-subsample", "n": n, "M": n,
                                                           "estimator": estimator, "method": "exact"},
                            generations=generations, chains=chains, mu=mu, sigma2=sigma2, seed=seed, record=record,
                            snapshots=snapshots, statistics=STATISTICS, extra_state={"pool_mean": mu, "pool_ss": 0.0},
                            workers=workers, progress=progress, label=f"mitigation accumulate-subsample n={n}")
    for g, (pm, pss) in pool_snaps.items():
        if g:
            run.snapshots[g].update(pool_mean=pm, pool_ss=pss)
    return run


def simulate_weighted_fresh_data(n, m, w, generations, chains, *, mu=0.0, sigma2=1.0, seed=None, record=None,
                                 snapshots=(), workers=1, progress=False):
    r"""Weighted fresh data [he2025]_: :math:`\hat\mu_t = (1-w)\bar y + w\bar x`, :math:`v_t = (1-w)s_y^2 + w s_x^2`.

    Generation 0 of the run is the original :math:`N(\mu, \sigma^2)`; generation 1 is the fit to ``n`` real
    samples (step ``t = 0``); generation ``g >= 2`` is step ``t = g - 1``: ``m`` synthetic samples of the
    previous model and ``n`` fresh real ones, each group drawn by its sufficient statistics (Cochran: a normal
    mean and an independent scaled chi-square variance, divisors ``m - 1`` and ``n - 1``).  The variance is
    combined in log space (``numpy.logaddexp``), so a vanishing :math:`v_t` (``w = 0``) keeps its logarithm.

    Parameters
    ----------
    n : int >= 2
        Real samples per step.
    m : int >= 2
        Synthetic samples per step.
    w : float in [0, 1]
        Weight of the real-data estimates.
    generations, chains, mu, sigma2, seed, record, snapshots, workers, progress
        As in :func:`simulate_mixing` (generation ``g`` = step ``t = g - 1``).

    Returns
    -------
    numerics.engine.ChainRun
        ``params``: ``scheme="weighted"``, ``n``, ``m``, ``w``, ``M`` (= ``n``).
    """
    n = V.check_int(n, "n", minimum=2)
    m = V.check_int(m, "m", minimum=2)
    w = float(V.check_probability(w, "w"))
    sigma2 = float(V.check_positive(sigma2, "sigma2"))
    mu = float(V.check_real(mu, "mu"))
    sd = math.sqrt(sigma2)
    log_real = math.log(w * sigma2 / (n - 1)) if w > 0 else -math.inf
    log_syn = math.log1p(-w) - math.log(m - 1) if w < 1 else -math.inf

    def step(rng, state, g):
        mean, log_var = state["mean"], state["log_variance"]
        b = mean.size
        if g == 1:
            mean[:] = mu + sd * rng.standard_normal(b) / math.sqrt(n)
            log_var[:] = np.log(sigma2 * 2.0 * rng.standard_gamma((n - 1) / 2.0, b) / (n - 1))
            return
        ybar = mean + np.exp(0.5 * log_var) * rng.standard_normal(b) / math.sqrt(m)
        syn = log_syn + log_var + np.log(2.0 * rng.standard_gamma((m - 1) / 2.0, b))
        xbar = mu + sd * rng.standard_normal(b) / math.sqrt(n)
        real = log_real + np.log(2.0 * rng.standard_gamma((n - 1) / 2.0, b))
        mean[:] = (1 - w) * ybar + w * xbar
        log_var[:] = syn if w == 0 else (real if w == 1 else np.logaddexp(syn, real))

    return engine.run_chains(step, process=PROCESS, params={"scheme": "weighted", "n": n, "m": m, "w": w, "M": n,
                                                            "estimator": "unbiased", "method": "exact"},
                             generations=generations, chains=chains, mu=mu, sigma2=sigma2, seed=seed, record=record,
                             snapshots=snapshots, statistics=STATISTICS, workers=workers, progress=progress,
                             label=f"mitigation weighted n={n} m={m} w={w:g}")


def simulate_kde_chain(n, generations, chains, *, h2, workflow="replace", kernel="gaussian", mu=0.0, sigma2=1.0,
                       seed=None, record=None, snapshots=(), workers=1, progress=False):
    r"""Kernel density chain [kazdan2024]_ [fu2024]_: refit a fixed-bandwidth KDE on its own samples.

    Generation 0 of the run is the original :math:`N(\mu, \sigma^2)`; generation 1 stores ``n`` real points
    (model ``t = 0``); generation ``g >= 2`` (model ``t = g - 1``) draws ``n`` samples of the previous KDE --
    a stored point picked uniformly plus kernel noise (Gaussian :math:`N(0, h^2)` or uniform on
    :math:`[-h, h]`) -- and stores them instead of (replace) or besides (accumulate) the old points.  The
    points are kept (``chains * n`` floats, or ``chains * generations * n`` when accumulating, at most
    :data:`MAX_STORED_POINTS`); the chain state ``mean`` and ``log_variance`` hold the mean :math:`m_t` and
    the log of the divisor-:math:`N_t` variance :math:`s_t^2` of the stored points.

    Parameters
    ----------
    n : int >= 2
        Points per batch.
    generations, chains, mu, sigma2, seed, record, snapshots, workers, progress
        As in :func:`simulate_mixing` (generation ``g`` = model ``t = g - 1``).
    h2 : float > 0
        Squared bandwidth.
    workflow : {"replace", "accumulate"}
    kernel : {"gaussian", "tophat"}

    Returns
    -------
    numerics.engine.ChainRun
        ``params``: ``scheme="kde"``, ``n``, ``h2``, ``workflow``, ``kernel``, ``M`` (= ``n``).
    """
    n = V.check_int(n, "n", minimum=2)
    generations = V.check_int(generations, "generations", minimum=0)
    chains = V.check_int(chains, "chains", minimum=1)
    h2 = float(V.check_positive(h2, "h2"))
    V.check_choice(workflow, "workflow", ("replace", "accumulate"))
    V.check_choice(kernel, "kernel", ("gaussian", "tophat"))
    _require_storage(chains, n * (max(generations, 1) if workflow == "accumulate" else 1), "stored points per chain")
    sigma2 = float(V.check_positive(sigma2, "sigma2"))
    mu = float(V.check_real(mu, "mu"))
    h = math.sqrt(h2)
    store = {}

    def step(rng, state, g):
        mean, log_var = state["mean"], state["log_variance"]
        b = mean.size
        key = id(mean)
        if g == 1:
            pts = mu + math.sqrt(sigma2) * rng.standard_normal((b, n))
            store[key] = np.empty((b, n * (generations if workflow == "accumulate" else 1)))
            N = n
        else:
            N = (g - 1) * n if workflow == "accumulate" else n
            old = store[key][:, :N]
            noise = h * rng.standard_normal((b, n)) if kernel == "gaussian" else rng.uniform(-h, h, (b, n))
            pts = np.take_along_axis(old, rng.integers(0, N, size=(b, n)), axis=1) + noise
            N = N + n if workflow == "accumulate" else n
        store[key][:, N - n:N] = pts
        kept = store[key][:, :N]
        mean[:] = kept.mean(axis=1)
        log_var[:] = np.log(kept.var(axis=1))
        if g == generations:
            del store[key]

    return engine.run_chains(step, process=PROCESS, params={"scheme": "kde", "n": n, "M": n, "h2": h2,
                                                            "workflow": workflow, "kernel": kernel,
                                                            "estimator": "mle", "method": "exact"},
                             generations=generations, chains=chains, mu=mu, sigma2=sigma2, seed=seed, record=record,
                             snapshots=snapshots, statistics=STATISTICS, workers=workers, progress=progress,
                             label=f"mitigation kde {workflow} {kernel} n={n}")


# ----------------------------------------------------------------------------- discrete
@dataclasses.dataclass
class DiscreteMixingRun(Run):
    r"""Result of :func:`simulate_discrete_mixing` (a :class:`numerics.engine.Run`).

    ``summaries["heterozygosity"]``: :math:`H_n = 1-\sum_k x_k^2` at each generation of ``record``;
    ``snapshots[g]``: counts ``(chains, K)``; ``params``: ``scheme``, ``alpha``, ``M``, ``p``.
    """

    @property
    def heterozygosity(self):
        """The :class:`Summary` of :math:`H_n`."""
        return self.summaries["heterozygosity"]

    def heterozygosity_at(self, generation):
        """:math:`H_n` of every chain at a snapshot ``generation``."""
        x = self.snapshot(generation) / self.M
        return 1.0 - np.sum(x * x, axis=1)


def simulate_discrete_mixing(alpha, M, p, generations, chains, *, seed=None, record=None, snapshots=(),
                             progress=False):
    r"""Categorical refitting with ``alpha*M`` fresh samples of ``p`` each generation.

    Generation 0 is ``p``; generation ``n+1`` is the empirical distribution of
    :math:`X^{(n+1)} = \mathrm{Mult}(m_r, p) + \mathrm{Mult}(m_s, X^{(n)}/M)` counts (exact split;
    ``alpha = 0`` is the neutral Wright-Fisher chain).  Snapshots at generation 0 hold ``M * p``.
    [ewens2004]_; [shumailov2024]_.

    Parameters
    ----------
    alpha : float in [0, 1]
        Fraction of fresh samples; ``alpha * M`` an integer.
    M : int >= 2
    p : sequence of float
        Original probability vector (``K >= 2``).
    generations : int >= 0
    chains : int >= 1
    seed, record, snapshots, progress
        As in :func:`numerics.engine.run_chains` (summaries of :math:`H_n`).

    Returns
    -------
    DiscreteMixingRun
    """
    mr, ms = th.mixing_counts(alpha, M)
    M = int(M)
    p = V.check_probability_vector(p, "p")
    generations = V.check_int(generations, "generations", minimum=0)
    chains = V.check_int(chains, "chains", minimum=1)
    V.check_flag(progress, "progress")
    record = (np.arange(generations + 1) if record is None
              else V.check_generation_list(record, "record", generations))
    snaps = set(V.check_generation_list(snapshots, "snapshots", generations).tolist())
    K = p.size
    counts = np.tile(M * p, (chains, 1))
    rec_index = {g: i for i, g in enumerate(record.tolist())}
    summ = Summary(np.empty(len(record)), np.empty(len(record)), np.empty(len(record)))
    snapshots_out = {}

    def observe(g):
        if g in rec_index:
            x = counts / M
            h = 1.0 - np.sum(x * x, axis=1)
            i = rec_index[g]
            summ.mean[i] = h.mean()
            summ.std[i] = h.std(ddof=1) if chains > 1 else math.nan
            summ.sem[i] = summ.std[i] / math.sqrt(chains)
        if g in snaps:
            snapshots_out[g] = counts.copy()

    blocks = _rng.blocks(seed, chains)
    bar = _rng.Progress(generations, f"mitigation discrete M={M}", progress)
    observe(0)
    for g in range(generations):
        new = np.zeros((chains, K))
        for sl, rng in blocks:
            b = sl.stop - sl.start
            part = np.zeros((b, K))
            if mr:
                part += rng.multinomial(mr, p, size=b)
            if ms:
                x = counts[sl] / M
                x /= x.sum(axis=1, keepdims=True)
                part += rng.multinomial(ms, x)
            new[sl] = part
        counts = new
        observe(g + 1)
        bar.update(g + 1)
    return DiscreteMixingRun(PROCESS, {"scheme": "mix-discrete", "alpha": mr / M, "M": M, "p": p}, generations,
                             chains, record, {"heterozygosity": summ}, (), snapshots_out)


def discrete_law(n, alpha, M, p):
    r"""Exact law of the type-1 count :math:`X_n` at generation ``n >= 1`` of two-type mixing, as floats.

    .. math::  P(X_n = \cdot) = \mathrm{Bin}(M, p)\,P^{\,n-1},

    :math:`X_1 \sim \mathrm{Bin}(M, p)` (generation 0 is ``p`` itself), :math:`P` from
    :func:`theory.mitigation.wf_mixing_transition_matrix` [ewens2004]_.

    Parameters
    ----------
    n : int >= 1
    alpha, M, p : as in :func:`theory.mitigation.wf_mixing_transition_matrix`

    Returns
    -------
    ndarray of length ``M + 1``
    """
    from scipy import stats

    n = V.check_int(n, "n", minimum=1)
    P = th.wf_mixing_transition_matrix(alpha, M, p)
    law = stats.binom.pmf(np.arange(int(M) + 1), int(M), float(p))
    return law @ np.linalg.matrix_power(P, n - 1)


# ----------------------------------------------------------------------------- checks
def checks_for_run(run, n, formulas=None):
    r"""The Monte Carlo rows of one mitigation run at generation ``n`` (a snapshot of the run).

    By the run's scheme: ``"mix"`` (:func:`simulate_mixing`): :math:`E[\mu_n] = \mu`,
    :math:`E[(\mu_n-\mu)^2]` and :math:`E[\sigma_n^2]` from :func:`theory.mitigation.mixing_moments` and,
    for ``n >= 1``, the bracket :func:`theory.mitigation.mixing_w2_bounds` of :math:`E[W_2^2]`;
    ``"accumulate"`` (:func:`simulate_accumulate`): the same from
    :func:`theory.mitigation.accumulate_moments`, :math:`\mathrm{Var}[\sigma_n^2]`, the :math:`E[W_2^2]`
    bracket and Gerstgrasser's bound :math:`\pi^2\sigma^2/(6M)`; ``"mix-discrete"``
    (:func:`simulate_discrete_mixing`): :math:`E[H_n]` and, for two types, the exact law of the count.
    The remedies of issue 13: ``"accumulate-subsample"`` (:func:`simulate_accumulate_subsample`, model
    ``t = n``): :math:`E\sigma_t^2`, :math:`E(\mu_t-\mu)^2` from
    :func:`theory.mitigation.accumulate_subsample_moments`, their sum :math:`= \sigma^2` (MLE), and the
    pool's :math:`E S_t^2` and :math:`E(\bar x_{P_t}-\mu)^2` (the fit to a subset is unbiased for the
    pool's mean and variance); ``"weighted"`` (:func:`simulate_weighted_fresh_data`, step ``t = n - 1``):
    :math:`E(\hat\mu_t-\mu)^2`, :math:`E(v_t-\sigma^2)^2` (:func:`theory.mitigation.weighted_fresh_data_moments`)
    and :math:`E v_t = \sigma^2`; ``"kde"`` (:func:`simulate_kde_chain`, model ``t = n - 1``):
    :math:`E s_t^2`, :math:`E(m_t-\mu)^2` (:func:`theory.mitigation.kde_chain_moments`) and their sum
    (:func:`theory.mitigation.kde_second_moment`).

    Parameters
    ----------
    run : numerics.engine.ChainRun or DiscreteMixingRun
    n : int
    formulas : dict, optional
        Override theory values by quantity name (:data:`QUANTITIES` of the scheme): callables of
        ``(n, alpha, M, estimator)`` (mix), ``(n, M, estimator)`` (accumulate), ``(n, alpha, M, p)``
        (discrete), ``(t, n, estimator)`` (accumulate-subsample), ``(t, n, m, w)`` (weighted),
        ``(t, n, h2, workflow, kernel)`` (kde).  An unknown name is a ValueError.

    Returns
    -------
    list of numerics.checks.Check
    """
    if not isinstance(run, Run) or run.process != PROCESS:
        raise ValueError(f"run must be the result of a numerics.mitigation simulator, got {type(run).__name__}")
    scheme = run.scheme
    n = ck.check_snapshot(n, run.snapshots)
    formulas = engine.check_formulas(formulas, QUANTITIES[scheme])
    return {"mix": _mixing_rows, "accumulate": _accumulate_rows, "mix-discrete": _discrete_rows,
            "accumulate-subsample": _subsample_rows, "weighted": _weighted_rows, "kde": _kde_rows}[scheme](
        run, n, formulas)


def _theory(formulas, name, default, *args):
    return formulas[name](*args) if name in formulas else default


def _mixing_rows(run, n, formulas):
    a, M, est = run.alpha, run.M, run.estimator
    params = {"scheme": "mix", "alpha": round(a, 6), "M": M, "n": n, "estimator": est, "method": run.method}
    mom = th.mixing_moments(n, a, M, sigma2=run.sigma2, estimator=est)
    rows = [ck.mean_check(PROCESS, "E[mu_n] (mix)", params, _theory(formulas, "E[mu_n] (mix)", run.mu, n, a, M, est),
                          run.statistic("mean", n)),
            ck.mean_check(PROCESS, "E[(mu_n-mu)^2] (mix)", params,
                          _theory(formulas, "E[(mu_n-mu)^2] (mix)", mom.mean_error, n, a, M, est),
                          run.statistic("mean_error_sq", n)),
            ck.mean_check(PROCESS, "E[sigma_n^2] (mix)", params,
                          _theory(formulas, "E[sigma_n^2] (mix)", mom.variance, n, a, M, est),
                          run.statistic("variance", n))]
    if n >= 1:
        lo, hi = th.mixing_w2_bounds(n, a, M, sigma2=run.sigma2, estimator=est)
        rows.append(ck.interval_check(PROCESS, "E[W2^2] bounds (mix)", params, lo, hi, run.statistic("w2_squared", n)))
    return rows


def _accumulate_rows(run, n, formulas):
    M, est, s2 = run.M, run.estimator, run.sigma2
    params = {"scheme": "accumulate", "M": M, "n": n, "estimator": est, "method": run.method}
    mom = th.accumulate_moments(n, M, sigma2=s2, estimator=est)
    rows = [ck.mean_check(PROCESS, "E[mu_n] (accumulate)", params, run.mu, run.statistic("mean", n)),
            ck.mean_check(PROCESS, "E[(mu_n-mu)^2] (accumulate)", params,
                          _theory(formulas, "E[(mu_n-mu)^2] (accumulate)", mom.mean_error, n, M, est),
                          run.statistic("mean_error_sq", n)),
            ck.mean_check(PROCESS, "E[sigma_n^2] (accumulate)", params,
                          _theory(formulas, "E[sigma_n^2] (accumulate)", mom.variance, n, M, est),
                          run.statistic("variance", n))]
    if n >= 1:
        rows.append(ck.variance_check(PROCESS, "Var[sigma_n^2] (accumulate)", params,
                                      _theory(formulas, "Var[sigma_n^2] (accumulate)",
                                              th.accumulate_variance_of_variance(n, M, sigma2=s2, estimator=est),
                                              n, M, est),
                                      run.statistic("variance", n)))
        lo, hi = th.accumulate_w2_bounds(n, M, sigma2=s2, estimator=est)
        rows.append(ck.interval_check(PROCESS, "E[W2^2] bounds (accumulate)", params, lo, hi,
                                      run.statistic("w2_squared", n)))
        rows.append(ck.interval_check(PROCESS, "E[(mu_n-mu)^2] <= pi^2 sigma^2/(6M)", params, None,
                                      th.accumulate_mean_error_bound(M, sigma2=s2), run.statistic("mean_error_sq", n)))
    return rows


def _discrete_rows(run, n, formulas):
    a, M, p = run.alpha, run.M, run.p
    params = {"scheme": "mix-discrete", "alpha": round(a, 6), "M": M, "K": p.size, "n": n}
    theory = _theory(formulas, "E[H_n] (mix)", th.expected_heterozygosity_mixing(n, a, M, p), n, a, M, p)
    rows = [ck.mean_check(PROCESS, "E[H_n] (mix)", params, theory, run.heterozygosity_at(n))]
    if p.size == 2 and n >= 1:
        law = _theory(formulas, "P(count=i) (mix)", discrete_law(n, a, M, p[1]), n, a, M, p)
        counts = np.rint(run.snapshots[n][:, 1]).astype(int)
        for i in range(M + 1):
            rows.append(ck.proportion_check(PROCESS, f"P(count={i}) (mix)", params, law[i],
                                            int(np.count_nonzero(counts == i)), counts.size))
    return rows


def _subsample_rows(run, n, formulas):
    k, est, s2 = run.n, run.estimator, run.sigma2
    params = {"scheme": "accumulate-subsample", "n": k, "t": n, "estimator": est}
    mom = th.accumulate_subsample_moments(n, k, estimator=est, sigma2=s2)
    rows = [ck.mean_check(PROCESS, "E[sigma_t^2] (accumulate-subsample)", params,
                          _theory(formulas, "E[sigma_t^2] (accumulate-subsample)", mom.variance, n, k, est),
                          run.statistic("variance", n)),
            ck.mean_check(PROCESS, "E[(mu_t-mu)^2] (accumulate-subsample)", params,
                          _theory(formulas, "E[(mu_t-mu)^2] (accumulate-subsample)", mom.mean_error, n, k, est),
                          run.statistic("mean_error_sq", n))]
    if est == "mle":
        name = "E[sigma_t^2]+E[(mu_t-mu)^2] = sigma^2 (accumulate-subsample, MLE)"
        rows.append(ck.mean_check(PROCESS, name, params, _theory(formulas, name, s2, n, k, est),
                                  run.statistic("variance", n) + run.statistic("mean_error_sq", n)))
    snap = run.snapshot(n)
    if n >= 1 and "pool_ss" in snap:
        # the fit to a uniform subset: E[mu_t | pool] = pool mean, E[sigma_t^2 | pool] = (n-1)/c S^2_pool
        big = n * k
        s2_pool = mom.variance * (k / (k - 1) if est == "mle" else 1)
        rows.append(ck.mean_check(PROCESS, "E[S_t^2] pool (accumulate-subsample)", params,
                                  _theory(formulas, "E[S_t^2] pool (accumulate-subsample)", s2_pool, n, k, est),
                                  snap["pool_ss"] / (big - 1)))
        rows.append(ck.mean_check(PROCESS, "E[(pool mean-mu)^2] (accumulate-subsample)", params,
                                  _theory(formulas, "E[(pool mean-mu)^2] (accumulate-subsample)",
                                          mom.mean_error - (big - k) / (big * k) * s2_pool, n, k, est),
                                  (snap["pool_mean"] - run.mu) ** 2))
    return rows


def _weighted_rows(run, n, formulas):
    if n < 1:
        raise ValueError("n must be >= 1 for a weighted run (generation 0 is the original, generation 1 the fit "
                         "to the first real samples)")
    t, k, m, w, s2 = n - 1, run.n, run.m, run.w, run.sigma2
    params = {"scheme": "weighted", "n": k, "m": m, "w": round(w, 6), "t": t}
    mom = th.weighted_fresh_data_moments(t, k, m, w, sigma2=s2)
    v = run.statistic("variance", n)
    return [ck.mean_check(PROCESS, "E[(mu_t-mu)^2] (weighted)", params,
                          _theory(formulas, "E[(mu_t-mu)^2] (weighted)", mom.mean_error, t, k, m, w),
                          run.statistic("mean_error_sq", n)),
            ck.mean_check(PROCESS, "E[(v_t-sigma^2)^2] (weighted)", params,
                          _theory(formulas, "E[(v_t-sigma^2)^2] (weighted)", mom.variance_error, t, k, m, w),
                          (v - s2) ** 2),
            ck.mean_check(PROCESS, "E[v_t] (weighted)", params, _theory(formulas, "E[v_t] (weighted)", s2, t, k, m, w),
                          v)]


def _kde_rows(run, n, formulas):
    if n < 1:
        raise ValueError("n must be >= 1 for a KDE run (generation 0 is the original, generation 1 model 0)")
    t, k, h2, wf, kern, s2 = n - 1, run.n, run.h2, run.workflow, run.kernel, run.sigma2
    params = {"scheme": "kde", "workflow": wf, "kernel": kern, "n": k, "h2": h2, "t": t}
    mom = th.kde_chain_moments(t, k, h2=h2, workflow=wf, kernel=kern, sigma2=s2)
    total = th.kde_second_moment(t, k, h2=h2, workflow=wf, kernel=kern, sigma2=s2)
    var, err = run.statistic("variance", n), run.statistic("mean_error_sq", n)
    args = (t, k, h2, wf, kern)
    return [ck.mean_check(PROCESS, "E[s_t^2] (kde)", params, _theory(formulas, "E[s_t^2] (kde)", mom.variance, *args),
                          var),
            ck.mean_check(PROCESS, "E[(m_t-mu)^2] (kde)", params,
                          _theory(formulas, "E[(m_t-mu)^2] (kde)", mom.mean_error, *args), err),
            ck.mean_check(PROCESS, "E[s_t^2]+E[(m_t-mu)^2] (kde)", params,
                          _theory(formulas, "E[s_t^2]+E[(m_t-mu)^2] (kde)", total, *args), var + err)]


# ----------------------------------------------------------------------------- verification
VERIFY_CHAINS = 100_000
#: Fewest chains :func:`verification_checks` accepts (a sample variance needs two draws).  Rows estimated from fewer
#: than :data:`numerics.checks.MIN_SAMPLES` chains come out underpowered: they neither pass nor fail.
MIN_CHAINS = 2
#: Most chains :func:`verification_checks` accepts: the snapshots of every chain are kept (about 150 bytes a chain at
#: peak, measured), so peak memory stays near 1.5 GB at the limit (a larger budget would end in a MemoryError).
MAX_CHAINS = 10_000_000
#: (alpha, M, estimator, generations checked) for the exact mixing simulator.
VERIFY_MIX = ((0.1, 20, "unbiased", (1, 5, 60)), (0.5, 4, "unbiased", (1, 3, 40)), (0.1, 20, "mle", (1, 5, 60)),
              (1 / 3, 3, "mle", (2, 40)), (0.05, 20, "unbiased", (10, 60)))
VERIFY_MIX_NAIVE = (0.25, 8, "unbiased", 6)
VERIFY_ACC = ((5, "unbiased", (1, 5, 40)), (20, "unbiased", (2, 40)), (5, "mle", (1, 5, 40)))
VERIFY_ACC_NAIVE = (4, "unbiased", 8)
VERIFY_NAIVE_CHAINS = 20_000
VERIFY_DISCRETE = ((0.25, 4, (2 / 3, 1 / 3), (1, 3, 30)), (0.1, 20, (0.1, 0.2, 0.3, 0.4), (1, 10, 40)))
VERIFY_DISCRETE_CHAINS = 40_000
#: (n, estimator, generations checked) for accumulate-subsample (pool kept point by point).
VERIFY_SUBSAMPLE = ((3, "mle", (1, 2, 5, 20)), (3, "unbiased", (2, 5, 20)), (10, "mle", (2, 10)),
                    (5, "unbiased", (3, 10)))
VERIFY_SUBSAMPLE_CHAINS = 40_000
#: (n, m, w, generations checked) for weighted fresh data (generation g = step t = g - 1).
VERIFY_WEIGHTED = ((10, 10, 0.618034, (1, 2, 11, 31)), (5, 3, 0.25, (1, 2, 6)), (3, 2, 0.0, (1, 2, 4)),
                   (4, 6, 1.0, (1, 3)), (20, 5, 0.4, (2, 21)))
#: (n, h2, workflow, kernel, generations checked) for KDE chains (generation g = model t = g - 1).
VERIFY_KDE = ((5, 0.5, "replace", "gaussian", (1, 2, 6, 21)), (5, 0.5, "replace", "tophat", (2, 11)),
              (3, 1.0, "accumulate", "gaussian", (1, 2, 6, 16)), (4, 0.3, "accumulate", "tophat", (3, 11)))
VERIFY_KDE_CHAINS = 40_000


def verification_checks(chains=None, seed=DEFAULT_SEED, progress=True):
    r"""All mitigation rows of ``collapse verify``: Monte Carlo and exact rows of every closed form.

    Exact simulators on :data:`VERIFY_MIX`, :data:`VERIFY_ACC`, :data:`VERIFY_DISCRETE`, the naive ones
    on a small case each, the stationary values where the recursion has converged to 1e-9; the remedies on
    :data:`VERIFY_SUBSAMPLE`, :data:`VERIFY_WEIGHTED` and :data:`VERIFY_KDE` (the point-keeping simulators
    with at most :data:`VERIFY_SUBSAMPLE_CHAINS` and :data:`VERIFY_KDE_CHAINS` chains); and
    :func:`exact_checks`.  Deterministic for a fixed ``seed``.

    Parameters
    ----------
    chains : int in [MIN_CHAINS, MAX_CHAINS], optional
        Chains per exact Monte Carlo run (default :data:`VERIFY_CHAINS`; naive and discrete runs use at
        most :data:`VERIFY_NAIVE_CHAINS` and :data:`VERIFY_DISCRETE_CHAINS`).
    seed : int >= 0 or SeedSequence, default DEFAULT_SEED
    progress : bool, default True

    Returns
    -------
    list of numerics.checks.Check
    """
    chains = VERIFY_CHAINS if chains is None else V.check_int(chains, "chains", minimum=MIN_CHAINS,
                                                             maximum=MAX_CHAINS)
    V.check_flag(progress, "progress")
    ss = _rng.check_seed(seed)
    seeds = iter(ss.spawn(len(VERIFY_MIX) + len(VERIFY_ACC) + len(VERIFY_DISCRETE) + 2 + len(VERIFY_SUBSAMPLE)
                          + len(VERIFY_WEIGHTED) + len(VERIFY_KDE)))
    rows = []
    for alpha, M, est, ns in VERIFY_MIX:
        run = simulate_mixing(alpha, M, max(ns), chains, estimator=est, seed=next(seeds), record=(), snapshots=ns,
                              progress=progress)
        for n in ns:
            rows += checks_for_run(run, n)
        # stationary value against the last generation when the recursion has converged to 1e-9
        if th.mixing_spectral_radius(alpha, M, estimator=est) ** max(ns) < 1e-9:
            stat = th.mixing_stationary(alpha, M, estimator=est)
            params = {"scheme": "mix", "alpha": round(alpha, 6), "M": M, "n": max(ns), "estimator": est}
            rows.append(ck.mean_check(PROCESS, "E[(mu_inf-mu)^2] stationary (mix)", params, stat.mean_error,
                                      run.statistic("mean_error_sq", max(ns))))
            rows.append(ck.mean_check(PROCESS, "E[sigma_inf^2] stationary (mix)", params, stat.variance,
                                      run.statistic("variance", max(ns))))
    a, M, est, g = VERIFY_MIX_NAIVE
    run = simulate_mixing(a, M, g, min(chains, VERIFY_NAIVE_CHAINS), estimator=est, method="naive", seed=next(seeds),
                          record=(), snapshots=(g,), progress=progress)
    rows += checks_for_run(run, g)
    for M, est, ns in VERIFY_ACC:
        run = simulate_accumulate(M, max(ns), chains, estimator=est, seed=next(seeds), record=(), snapshots=ns,
                                  progress=progress)
        for n in ns:
            rows += checks_for_run(run, n)
    M, est, g = VERIFY_ACC_NAIVE
    run = simulate_accumulate(M, g, min(chains, VERIFY_NAIVE_CHAINS), estimator=est, method="naive", seed=next(seeds),
                              record=(), snapshots=(g,), progress=progress)
    rows += checks_for_run(run, g)
    for a, M, p, ns in VERIFY_DISCRETE:
        run = simulate_discrete_mixing(a, M, p, max(ns), min(chains, VERIFY_DISCRETE_CHAINS), seed=next(seeds),
                                       record=(), snapshots=ns, progress=progress)
        for n in ns:
            rows += checks_for_run(run, n)
    for k, est, ns in VERIFY_SUBSAMPLE:
        run = simulate_accumulate_subsample(k, max(ns), min(chains, VERIFY_SUBSAMPLE_CHAINS), estimator=est,
                                            seed=next(seeds), record=(), snapshots=ns, progress=progress)
        for n in ns:
            rows += checks_for_run(run, n)
    for k, m, w, ns in VERIFY_WEIGHTED:
        run = simulate_weighted_fresh_data(k, m, w, max(ns), chains, seed=next(seeds), record=(), snapshots=ns,
                                           progress=progress)
        for n in ns:
            rows += checks_for_run(run, n)
    for k, h2, wf, kern, ns in VERIFY_KDE:
        run = simulate_kde_chain(k, max(ns), min(chains, VERIFY_KDE_CHAINS), h2=h2, workflow=wf, kernel=kern,
                                 seed=next(seeds), record=(), snapshots=ns, progress=progress)
        for n in ns:
            rows += checks_for_run(run, n)
    rows += exact_checks()
    return rows


def exact_checks():
    r"""Exact values against the float path, and independent evaluations of the same quantity.

    Rows: exact rational vs float :func:`theory.mitigation.mixing_moments`; the stationary closed form
    vs :math:`n = 10^{12}` by matrix squaring; MLE conservation :math:`E[d_n^2] + E[\sigma_n^2] =
    \sigma^2`; ``alpha = 0`` vs :mod:`theory.gaussian`; spectral radius 1 at :math:`\alpha_c`;
    accumulation rationals, limit and conservation; :math:`E_\pi[H] = H_\infty`, eigenvalues vs
    ``sympy.eigenvals`` and the float stationary law; and for the remedies of issue 13 :func:`remedy_exact_checks`.

    Returns
    -------
    list of numerics.checks.Check
    """
    rows = remedy_exact_checks()
    R = sp.Rational
    for a, M, est in ((R(1, 10), 20, "unbiased"), (R(1, 4), 8, "mle"), (R(1, 2), 4, "unbiased")):
        params = {"scheme": "mix", "alpha": float(a), "M": M, "estimator": est}
        for n in (3, 25):
            ex = th.mixing_moments(n, a, M, estimator=est, exact=True)
            fl = th.mixing_moments(n, float(a), M, estimator=est)
            rows.append(ck.exact_check(PROCESS, "E[(mu_n-mu)^2] (mix)", {**params, "n": n}, ex.mean_error,
                                       fl.mean_error))
            rows.append(ck.exact_check(PROCESS, "E[sigma_n^2] (mix)", {**params, "n": n}, ex.variance, fl.variance))
        exs = th.mixing_stationary(a, M, estimator=est, exact=True)
        far = th.mixing_moments(10 ** 12, float(a), M, estimator=est)
        for field, name in (("mean_error", "E[(mu_inf-mu)^2] stationary (mix)"),
                            ("variance", "E[sigma_inf^2] stationary (mix)")):
            rows.append(ck.exact_check(PROCESS, name, {**params, "n": "1e12 by squaring"}, getattr(exs, field),
                                       getattr(far, field), note=f"closed form {getattr(exs, field)}"))
        if est == "mle":  # conservation E[d^2] + E[sigma^2] = sigma^2 holds for the MLE
            rows.append(ck.exact_check(PROCESS, "E[(mu_n-mu)^2]+E[sigma_n^2] = sigma^2 (mix, MLE)",
                                       {**params, "n": 25}, 1, sum(th.mixing_moments(25, a, M, estimator=est,
                                                                                       exact=True))))
    for est in ("unbiased", "mle"):  # alpha = 0 reproduces theory.gaussian
        rows.append(ck.exact_check(PROCESS, "alpha=0: Var[mu_n] = theory.gaussian", {"M": 10, "n": 12, "estimator": est},
                                   thg.mean_variance(12, 10, estimator=est, exact=True),
                                   th.mixing_moments(12, 0, 10, estimator=est, exact=True).mean_error))
    for M in (2, 10, 100):  # stability threshold: spectral radius is 1 there
        thr = th.mixing_stability_threshold(M)
        rows.append(ck.exact_check(PROCESS, "spectral radius at alpha_c (mix)", {"M": M, "alpha_c": thr}, 1.0,
                                   _spectral_radius_float(thr, M)))
    for M, est in ((5, "unbiased"), (20, "unbiased"), (5, "mle")):
        params = {"scheme": "accumulate", "M": M, "estimator": est}
        ex = th.accumulate_moments(30, M, estimator=est, exact=True)
        fl = th.accumulate_moments(30, M, estimator=est)
        rows.append(ck.exact_check(PROCESS, "E[(mu_n-mu)^2] (accumulate)", {**params, "n": 30}, ex.mean_error,
                                   fl.mean_error))
        rows.append(ck.exact_check(PROCESS, "E[sigma_n^2] (accumulate)", {**params, "n": 30}, ex.variance,
                                   fl.variance))
        lim = th.accumulate_variance_limit(M, estimator=est, exact=True)
        far = th.accumulate_moments(10 ** 15, M, estimator=est).variance
        rows.append(ck.exact_check(PROCESS, "lim E[sigma_n^2] (accumulate)", {**params, "n": "1e15"},
                                   sp.N(lim, 30), far, rtol=1e-12, note=f"{lim}"))
    rows.append(ck.exact_check(PROCESS, "E[(mu_n-mu)^2]+E[sigma_n^2] = sigma^2 (accumulate, MLE)",
                               {"M": 5, "n": 30}, 1, sum(th.accumulate_moments(30, 5, estimator="mle", exact=True))))
    for a, M, p in ((R(1, 4), 4, R(1, 3)), (R(1, 3), 6, R(1, 2))):
        params = {"scheme": "mix-discrete", "alpha": float(a), "M": M, "p": float(p)}
        pi = th.wf_mixing_stationary(a, M, p, exact=True)
        e_h = sum(pi[i] * 2 * R(i, M) * (1 - R(i, M)) for i in range(M + 1))
        rows.append(ck.exact_check(PROCESS, "E_pi[H] = H_inf (mix)", params,
                                   th.stationary_heterozygosity(a, M, [1 - p, p], exact=True), e_h, rtol=0,
                                   note=f"exact {e_h}"))
        P = th.wf_mixing_transition_matrix(a, M, p, exact=True)
        ev = sorted(P.eigenvals(multiple=True), reverse=True)
        want = sorted(th.wf_mixing_eigenvalues(a, M, exact=True), reverse=True)
        for j, (x, y) in enumerate(zip(want, ev)):
            rows.append(ck.exact_check(PROCESS, f"eigenvalue lambda_{j} (mix)", params, x, y, rtol=0,
                                       note=f"exact {x} vs sympy eigenvals {y}"))
        pf = th.wf_mixing_stationary(float(a), M, float(p))
        rows.append(ck.exact_check(PROCESS, "stationary law, float solve (mix)", params, 0.0,
                                   float(np.max(np.abs(pf - np.array([float(v) for v in pi])))),
                                   note="max |pi_float - pi_exact|", rtol=1e-12))
    return rows


def _spectral_radius_float(alpha, M):
    """Spectral radius of the unbiased recursion matrix written out by hand (an independent view of A)."""
    b = 1 - alpha
    A = np.array([[b * b, b / M], [alpha * b * M / (M - 1), b]])
    return float(max(abs(np.linalg.eigvals(A))))


def remedy_exact_checks():
    r"""Exact rows of the remedies of issue 13 (accumulate-subsample, weighted fresh data, KDE chains).

    * accumulate-subsample: the exact pool recursion (products of the matrices :math:`M_t`) against the
      float product form, and against the gamma closed form in symbolic ``t``; the MLE identity
      :math:`E\sigma_t^2 + E(\mu_t-\mu)^2 = \sigma^2` exactly in the three workflows at ``t = 200``; the
      plateau against :math:`t = 10^{12}`; the unbiased growth :math:`E\sigma_t^2/(Ct^{1/n}) \to 1` (no plateau);
    * weighted: exact against float at ``t = 5, 200``, the stationary values against :math:`t = 10^6`, the
      optimal weight against a numerical minimisation of the stationary mean error, :math:`\rho(w_c) = 1`;
    * KDE: exact against float, :math:`E s_t^2 + E(m_t-\mu)^2` against
      :func:`theory.mitigation.kde_second_moment` exactly, and "only the kernel variance enters" (top-hat with
      :math:`h^2 = 3\kappa` equals Gaussian with :math:`h^2 = \kappa`, exactly).

    Returns
    -------
    list of numerics.checks.Check
    """
    from scipy import optimize

    rows = []
    R = sp.Rational
    ts = sp.Symbol("t", integer=True, positive=True)
    for k, est in ((3, "mle"), (10, "unbiased")):
        params = {"scheme": "accumulate-subsample", "n": k, "estimator": est}
        for t in (3, 40):
            ex = th.accumulate_subsample_moments(t, k, estimator=est, exact=True)
            fl = th.accumulate_subsample_moments(t, k, estimator=est)
            for field, name in (("variance", "E[sigma_t^2] (accumulate-subsample)"),
                                ("mean_error", "E[(mu_t-mu)^2] (accumulate-subsample)")):
                rows.append(ck.exact_check(PROCESS, name, {**params, "t": t}, getattr(ex, field), getattr(fl, field),
                                           note="pool recursion (exact) vs product form (float)"))
        sym = th.accumulate_subsample_moments(ts, k, estimator=est)
        ex = th.accumulate_subsample_moments(25, k, estimator=est, exact=True)
        for field in ("variance", "mean_error"):
            closed = sp.N(getattr(sym, field).subs(ts, 25).doit(), 30)
            what = "sigma_t^2" if field == "variance" else "(mu_t-mu)^2"
            rows.append(ck.exact_check(PROCESS, f"closed form in t: E[{what}] (accumulate-subsample)",
                                       {**params, "t": 25}, getattr(ex, field), closed, rtol=1e-12,
                                       note="gamma functions (Sum) vs the exact recursion"))
    for wf, mom in zip(("replace", "accumulate", "accumulate-subsample"), th.workflow_moments(200, 4, exact=True)):
        rows.append(ck.exact_check(PROCESS, f"E[sigma_t^2]+E[(mu_t-mu)^2] = sigma^2 (MLE, {wf})",
                                   {"n": 4, "t": 200, "estimator": "mle"}, 1, float(sum(mom)), rtol=0,
                                   note=f"exact sum {sum(mom)}"))
    for k in (2, 10):
        lim = th.accumulate_subsample_limit(k, exact=True).variance
        rows.append(ck.exact_check(PROCESS, "plateau E[sigma_inf^2] (accumulate-subsample, MLE)",
                                   {"n": k, "t": "1e12"}, sp.N(lim, 30),
                                   th.accumulate_subsample_moments(10 ** 12, k).variance, rtol=1e-9, note=str(lim)))
        growth = th.accumulate_subsample_growth(k)
        far = th.accumulate_subsample_moments(10 ** 12, k, estimator="unbiased").variance
        rows.append(ck.exact_check(PROCESS, "E[sigma_t^2]/(C t^(1/n)) -> 1, no plateau (accumulate-subsample, "
                                   "unbiased)", {"n": k, "t": "1e12"}, 1,
                                   far / (growth.variance * 1e12 ** growth.exponent),
                                   rtol=1e-9, note=f"E[sigma_t^2] = {far:.6g} at t = 1e12"))
    for k, m, w in ((10, 10, R(1, 2)), (3, 2, R(1, 10)), (5, 20, R(9, 10))):
        params = {"scheme": "weighted", "n": k, "m": m, "w": float(w)}
        for t in (5, 200):
            ex = th.weighted_fresh_data_moments(t, k, m, w, exact=True)
            fl = th.weighted_fresh_data_moments(t, k, m, float(w))
            for field, name in (("mean_error", "E[(mu_t-mu)^2] (weighted)"),
                                ("variance_error", "E[(v_t-sigma^2)^2] (weighted)")):
                rows.append(ck.exact_check(PROCESS, name, {**params, "t": t}, getattr(ex, field), getattr(fl, field)))
        stat = th.weighted_fresh_data_moments(None, k, m, w, exact=True)
        far = th.weighted_fresh_data_moments(10 ** 6, k, m, float(w))
        for field, name in (("mean_error", "E[(mu_inf-mu)^2] stationary (weighted)"),
                            ("variance_error", "E[(v_inf-sigma^2)^2] stationary (weighted)")):
            if getattr(stat, field) != sp.oo:
                rows.append(ck.exact_check(PROCESS, name, {**params, "t": "1e6"}, getattr(stat, field),
                                           getattr(far, field), note=f"closed form {getattr(stat, field)}"))
    for k, m in ((10, 10), (20, 10), (5, 20)):  # k = n/m = 1, 2, 1/4
        best = optimize.minimize_scalar(lambda w: th.weighted_fresh_data_moments(None, k, m, w).mean_error,
                                        bounds=(1e-6, 1 - 1e-6), method="bounded", options={"xatol": 1e-10})
        rows.append(ck.exact_check(PROCESS, "optimal real weight (weighted)", {"n": k, "m": m, "k": k / m},
                                   th.optimal_real_weight(R(k, m), exact=True), best.x, rtol=1e-7,
                                   note="closed form vs numerical minimum of the stationary mean error"))
    for m in (2, 10):
        wc = th.weighted_variance_error_threshold(m)
        rows.append(ck.exact_check(PROCESS, "rho(w_c) = 1: no stationary variance error for w <= w_c (weighted)",
                                   {"m": m, "w_c": wc}, 1, (1 - wc) ** 2 * (m + 1) / (m - 1)))
    h = R(1, 2)
    for wf in ("replace", "accumulate"):
        for kern in ("gaussian", "tophat"):
            params = {"scheme": "kde", "workflow": wf, "kernel": kern, "n": 4, "h2": float(h)}
            for t in (5, 300):
                ex = th.kde_chain_moments(t, 4, h2=h, workflow=wf, kernel=kern, exact=True)
                fl = th.kde_chain_moments(t, 4, h2=float(h), workflow=wf, kernel=kern)
                for field, name in (("variance", "E[s_t^2] (kde)"), ("mean_error", "E[(m_t-mu)^2] (kde)")):
                    rows.append(ck.exact_check(PROCESS, name, {**params, "t": t}, getattr(ex, field),
                                               getattr(fl, field)))
            ex = th.kde_chain_moments(40, 4, h2=h, workflow=wf, kernel=kern, exact=True)
            total = th.kde_second_moment(40, 4, h2=h, workflow=wf, kernel=kern, exact=True)
            rows.append(ck.exact_check(PROCESS, "E[s_t^2]+E[(m_t-mu)^2] (kde)", {**params, "t": 40}, total,
                                       float(ex.variance + ex.mean_error), rtol=0,
                                       note=f"exact {ex.variance + ex.mean_error} = {total}"))
        gauss = th.kde_chain_moments(30, 4, h2=h, workflow=wf, exact=True)
        top = th.kde_chain_moments(30, 4, h2=3 * h, workflow=wf, kernel="tophat", exact=True)
        rows.append(ck.exact_check(PROCESS, "only the kernel variance enters (kde)",
                                   {"workflow": wf, "n": 4, "t": 30, "kappa": float(h)}, gauss.variance,
                                   float(top.variance), rtol=0 if gauss == top else 1.0,
                                   note=f"top-hat h2 = 3 kappa equals Gaussian h2 = kappa exactly: {gauss == top}"))
    return rows


# --- sweep cells
# The sweep interface of numerics.protocol (``collapse sweep``): the rows of checks_for_run for each scheme
# ("mix", "accumulate", "mix-discrete" with two types) at any parameters, from merged block summaries.
from numerics import sweep as _sweep  # noqa: E402
from numerics.protocol import SweepParameter  # noqa: E402
from numerics.summaries import Moments, Proportion  # noqa: E402

#: Schemes with sweep cells.  The remedies of issue 13 ("accumulate-subsample", "weighted", "kde") are checked by
#: ``collapse verify`` (:func:`verification_checks`) but are not sweep cells.
SCHEMES = ("mix", "accumulate", "mix-discrete")
#: Parameters of a sweep cell, with their domains and defaults (``alpha`` and ``p`` are used by the mixing schemes).
SWEEP_PARAMETERS = {
    "scheme": SweepParameter(V.Choice(*SCHEMES, doc="Mitigation: fresh data (Gaussian or two-type categorical) or "
                                                    "accumulation."), "mix"),
    "alpha": SweepParameter(V.Real(0, 1, doc=r"Fraction :math:`\alpha` of fresh samples (:math:`\alpha M` an integer)."),
                            0.1),
    "M": SweepParameter(V.SAMPLE_SIZE, 20), "n": SweepParameter(V.GENERATIONS, 10),
    "estimator": SweepParameter(V.ESTIMATOR, "unbiased"),
    "method": SweepParameter(V.Choice(*METHODS, doc="Simulator of the Gaussian schemes."), "exact"),
    "p": SweepParameter(V.Real(0, 1, doc="Original probability of type 1 (scheme mix-discrete)."), 0.5),
    "mu": SweepParameter(V.LOCATION, 0.0), "sigma2": SweepParameter(V.VARIANCE, 1.0)}
#: One simulation of a cell passes every generation.
SWEEP_GENERATIONS = "n"
#: Rows of a cell by scheme: those of :func:`checks_for_run` (``P(count=i) (mix)`` stands for the ``M + 1`` counts).
SWEEP_QUANTITIES_BY_SCHEME = {
    "mix": ("E[mu_n] (mix)", "E[(mu_n-mu)^2] (mix)", "E[sigma_n^2] (mix)", "E[W2^2] bounds (mix)"),
    "accumulate": ("E[mu_n] (accumulate)", "E[(mu_n-mu)^2] (accumulate)", "E[sigma_n^2] (accumulate)",
                   "Var[sigma_n^2] (accumulate)", "E[W2^2] bounds (accumulate)", "E[(mu_n-mu)^2] <= pi^2 sigma^2/(6M)"),
    "mix-discrete": ("E[H_n] (mix)", "P(count=i) (mix)")}
#: Quantities a sweep may select: those of every scheme (a cell gives the rows of its own scheme).
SWEEP_QUANTITIES = tuple(q for qs in SWEEP_QUANTITIES_BY_SCHEME.values() for q in qs)


def sweep_check(params):
    """A mixing cell needs ``alpha * M`` fresh samples, an integer (ValueError naming ``alpha`` otherwise)."""
    if params["scheme"] != "accumulate":
        th.mixing_counts(params["alpha"], params["M"])


def sweep_block(params, chains, seed):
    r"""Mergeable summaries of ``chains`` chains of one cell (:mod:`numerics.protocol`, sweep cells).

    Gaussian schemes: ``Moments`` of :math:`\mu_n`, :math:`(\mu_n-\mu)^2`, :math:`\sigma_n^2`, :math:`W_2^2`
    (and, accumulating, of :math:`(\sigma_n^2 - E\sigma_n^2)^2`); ``mix-discrete``: ``Moments`` of
    :math:`H_n` and the ``Proportion`` of chains with each type-1 count ``i``; keys ``"<statistic>@<n>"``.
    """
    scheme, ns, M, est = params["scheme"], params["n"], params["M"], params["estimator"]
    out = {}
    if scheme == "mix-discrete":
        run = simulate_discrete_mixing(params["alpha"], M, (1 - params["p"], params["p"]), max(ns), chains, seed=seed,
                                       record=(), snapshots=ns)
        for n in ns:
            out[f"heterozygosity@{n}"] = Moments.of(run.heterozygosity_at(n))
            if n >= 1:
                counts = np.bincount(np.rint(run.snapshots[n][:, 1]).astype(np.int64), minlength=M + 1)
                out.update({f"count={i}@{n}": Proportion(int(counts[i]), chains) for i in range(M + 1)})
        return out
    kw = dict(mu=params["mu"], sigma2=params["sigma2"], estimator=est, method=params["method"], seed=seed, record=(),
              snapshots=ns)
    run = (simulate_mixing(params["alpha"], M, max(ns), chains, **kw) if scheme == "mix"
           else simulate_accumulate(M, max(ns), chains, **kw))
    for n in ns:
        for stat in ("mean", "mean_error_sq", "variance", "w2_squared"):
            out[f"{stat}@{n}"] = Moments.of(run.statistic(stat, n))
        if scheme == "accumulate":
            ev = th.accumulate_moments(n, M, sigma2=params["sigma2"], estimator=est).variance
            out[f"variance_dev2@{n}"] = Moments.of((run.statistic("variance", n) - ev) ** 2)
    return out


def sweep_rows(params, merged, quantities):
    """The rows of :func:`checks_for_run` for one cell from its merged summaries (the selected quantities of its scheme)."""
    scheme, a, M, est, s2 = params["scheme"], params["alpha"], params["M"], params["estimator"], params["sigma2"]
    mine = [q for q in quantities if q in SWEEP_QUANTITIES_BY_SCHEME[scheme]]
    rows = []
    for n in params["n"]:
        s = {k.split("@")[0]: v for k, v in merged.items() if k.endswith(f"@{n}")}
        if scheme == "mix-discrete":
            p = {"scheme": scheme, "alpha": round(a, 6), "M": M, "K": 2, "n": n}
            pv = (1 - params["p"], params["p"])
            for q in mine:
                if q == "E[H_n] (mix)":
                    rows.append(_sweep.mean_row(PROCESS, q, p, th.expected_heterozygosity_mixing(n, a, M, pv),
                                                s["heterozygosity"]))
                elif n >= 1:  # P(count=i) (mix)
                    law = discrete_law(n, a, M, params["p"])
                    rows += [_sweep.proportion_row(PROCESS, f"P(count={i}) (mix)", p, law[i], s[f"count={i}"])
                             for i in range(M + 1)]
            continue
        p = ({"scheme": "mix", "alpha": round(a, 6)} if scheme == "mix" else {"scheme": scheme})
        p.update(M=M, n=n, estimator=est, method=params["method"])
        mom = (th.mixing_moments(n, a, M, sigma2=s2, estimator=est) if scheme == "mix"
               else th.accumulate_moments(n, M, sigma2=s2, estimator=est))
        for q in mine:
            if q.startswith("E[mu_n]"):
                rows.append(_sweep.mean_row(PROCESS, q, p, params["mu"], s["mean"]))
            elif q.startswith("E[(mu_n-mu)^2] ("):
                rows.append(_sweep.mean_row(PROCESS, q, p, mom.mean_error, s["mean_error_sq"]))
            elif q.startswith("E[sigma_n^2]"):
                rows.append(_sweep.mean_row(PROCESS, q, p, mom.variance, s["variance"]))
            elif n < 1:  # the remaining rows start at generation 1, as in checks_for_run
                continue
            elif q == "Var[sigma_n^2] (accumulate)":
                rows.append(_sweep.variance_row(PROCESS, q, p,
                                                th.accumulate_variance_of_variance(n, M, sigma2=s2, estimator=est),
                                                s["variance"], square=s["variance_dev2"]))
            elif q.startswith("E[W2^2] bounds"):
                lo, hi = (th.mixing_w2_bounds(n, a, M, sigma2=s2, estimator=est) if scheme == "mix"
                          else th.accumulate_w2_bounds(n, M, sigma2=s2, estimator=est))
                rows.append(_sweep.interval_row(PROCESS, q, p, lo, hi, s["w2_squared"]))
            else:  # Gerstgrasser's bound
                rows.append(_sweep.interval_row(PROCESS, q, p, None, th.accumulate_mean_error_bound(M, sigma2=s2),
                                                s["mean_error_sq"]))
    return rows
