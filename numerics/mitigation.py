r"""Monte Carlo of the mitigations (fresh data, accumulation), checks against :mod:`theory.mitigation`, and sweeps.

Simulators
----------
``simulate_mixing``: every generation fits a Gaussian to ``m_r = alpha*M``
fresh samples of :math:`N(\mu,\sigma^2)` pooled with ``m_s = M - m_r``
samples of the current model.  ``method="exact"`` draws sufficient
statistics (group means are normal, within-group sums of squares are scaled
chi-squares, independent by Cochran's theorem; the pooled sum of squares adds
:math:`\frac{m_r m_s}{M}(\bar x_r-\bar y_s)^2`), so its cost does not depend on
``M``; ``method="naive"`` draws and refits the ``M`` samples.

``simulate_accumulate``: model ``n`` is fitted to all ``nM`` samples so far
(batch ``j`` from model ``j``).  ``method="exact"`` updates the pooled mean and
sum of squares with one normal and one chi-square per chain and generation;
``method="naive"`` keeps every sample and refits them all.

``simulate_discrete_mixing``: a categorical model refitted to the counts of
``Mult(m_r, p) + Mult(m_s, x_n)`` (Wright-Fisher with immigration).

The state of every chain is held in memory; summaries are streamed per
recorded generation; per-chain values only at requested ``snapshots``.

Reproducibility
---------------
Chains are seeded by fixed blocks (:func:`numerics._rng.blocks`), so a run does
not depend on ``workers``.  :func:`sweep` gives grid point ``i`` the seed
``SeedSequence(seed).spawn(len(grid))[i]`` (spawn key ``(i,)``): its rows do not
depend on ``n_jobs`` or on how joblib schedules the points.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Dict

import numpy as np
import sympy as sp

from numerics import _rng
from numerics import checks as ck
from numerics.gaussian import Summary
from theory import gaussian as thg
from theory import mitigation as th
from theory._validation import (check_estimator, check_generation_list, check_int, check_positive,
                                check_probability_vector, check_real, check_real_array)

__all__ = ["simulate_mixing", "simulate_accumulate", "simulate_discrete_mixing", "MitigationRun",
           "DiscreteMixingRun", "mixing_checks", "accumulate_checks", "discrete_checks", "sweep",
           "verification_checks", "STATISTICS", "discrete_law"]

PROCESS = "mitigation"
#: Per-chain statistics of the Gaussian runs.
STATISTICS = ("mean", "mean_error_sq", "variance", "std", "w2_squared")
METHODS = ("exact", "naive")


@dataclasses.dataclass
class MitigationRun:
    """Result of :func:`simulate_mixing` or :func:`simulate_accumulate`.

    ``summaries[name]`` (a :class:`numerics.gaussian.Summary`, no quantiles)
    holds mean, standard error and standard deviation over chains at each
    generation of ``record``; ``snapshots[g]`` holds every chain's
    ``{"mean": mu_g, "variance": sigma_g^2}``.
    """

    scheme: str
    alpha: float
    M: int
    generations: int
    chains: int
    mu: float
    sigma: float
    estimator: str
    method: str
    record: np.ndarray
    summaries: Dict[str, Summary]
    snapshots: Dict[int, Dict[str, np.ndarray]]

    def statistic(self, name, generation):
        """Per-chain values of ``name`` at a snapshot ``generation``."""
        s = self.snapshots[generation]
        return _statistic(name, s["mean"], s["variance"], self.mu, self.sigma)


def _statistic(name, mean, var, mu, sigma):
    if name == "mean":
        return mean
    if name == "mean_error_sq":
        return (mean - mu) ** 2
    if name == "variance":
        return var
    if name == "std":
        return np.sqrt(var)
    if name == "w2_squared":
        return (mean - mu) ** 2 + (np.sqrt(var) - sigma) ** 2
    raise ValueError(f"statistic must be one of {STATISTICS}, got {name!r}")


def _generation_list(values, generations, name):
    return check_generation_list(values, name, generations)


def _common(generations, chains, mu, sigma, estimator, method, record, snapshots):
    generations = check_int(generations, "generations", minimum=0)
    chains = check_int(chains, "chains", minimum=1)
    mu = float(check_real(mu, "mu"))
    sigma = float(check_positive(sigma, "sigma"))
    check_estimator(estimator)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    record = np.arange(generations + 1) if record is None else _generation_list(record, generations, "record")
    snaps = set(_generation_list(snapshots, generations, "snapshots").tolist())
    return generations, chains, mu, sigma, record, snaps


def _run(scheme, alpha, M, generations, chains, mu, sigma, estimator, method, seed, record, snaps, step, workers,
         progress, naive_state=False):
    blocks = _rng.blocks(seed, chains)
    mean = np.full(chains, mu)
    var = np.full(chains, sigma ** 2)
    rec_index = {g: i for i, g in enumerate(record.tolist())}
    summaries = {s: Summary(np.empty(len(record)), np.empty(len(record)), np.empty(len(record)), np.empty((len(record), 0)))
                 for s in STATISTICS}
    snapshots = {}

    def observe(g):
        if g in rec_index:
            i = rec_index[g]
            for s in STATISTICS:
                v = _statistic(s, mean, var, mu, sigma)
                summaries[s].mean[i] = v.mean()
                summaries[s].std[i] = v.std(ddof=1) if chains > 1 else math.nan
                summaries[s].sem[i] = summaries[s].std[i] / math.sqrt(chains)
        if g in snaps:
            snapshots[g] = {"mean": mean.copy(), "variance": var.copy()}

    store = [dict() for _ in blocks]  # per-block memory for the naive accumulation
    bar = _rng.Progress(generations, f"mitigation {scheme} M={M}", progress)
    observe(0)
    with _rng.BlockRunner(workers) as runner:
        for g in range(generations):
            runner.map(lambda ib: step(ib[1][1], mean[ib[1][0]], var[ib[1][0]], g, store[ib[0]]),
                       list(enumerate(blocks)))
            observe(g + 1)
            bar.update(g + 1)
    return MitigationRun(scheme, alpha, M, generations, chains, mu, sigma, estimator, method, record, summaries,
                         snapshots)


def simulate_mixing(alpha, M, generations, chains, *, mu=0.0, sigma=1.0, estimator="unbiased", method="exact",
                    seed=None, record=None, snapshots=(), workers=1, progress=False):
    r"""Gaussian refitting on ``alpha*M`` fresh plus ``(1-alpha)*M`` synthetic samples per generation.

    Parameters
    ----------
    alpha : float in [0, 1], ``alpha*M`` an integer
        Fraction of fresh real data (``alpha = 0``: plain replacement).
    M : int >= 2
    generations : int >= 0
    chains : int >= 1
    mu, sigma : original :math:`N(\mu, \sigma^2)`
    estimator : {"unbiased", "mle"}
    method : {"exact", "naive"}
    seed : int, SeedSequence or None
    record : generations at which to summarise (default all)
    snapshots : generations at which to keep every chain
    workers : threads (results do not depend on it)

    Returns
    -------
    MitigationRun

    Notes
    -----
    Exact method, one generation: :math:`\bar x_r = \mu + \sigma Z_1/\sqrt{m_r}`,
    :math:`SS_r = \sigma^2\chi^2_{m_r-1}`, :math:`\bar y = \mu_n + \sigma_n Z_2/\sqrt{m_s}`,
    :math:`SS_s = \sigma_n^2\chi^2_{m_s-1}`, pooled mean
    :math:`(m_r\bar x_r + m_s\bar y)/M` and pooled sum of squares
    :math:`SS_r + SS_s + \frac{m_r m_s}{M}(\bar x_r - \bar y)^2`.

    References
    ----------
    Shumailov et al., Nature 631 (2024) (keeping 10 % of the original data slows collapse);
    Bertrand et al. (2024, ICLR), "On the Stability of Iterative Retraining of Generative Models on their own Data";
    Alemohammad et al. (2024, ICLR), "Self-Consuming Generative Models Go MAD"; Cochran's theorem.
    """
    mr, ms = th.mixing_counts(alpha, M)
    M = int(M)
    generations, chains, mu, sigma, record, snaps = _common(generations, chains, mu, sigma, estimator, method, record,
                                                            snapshots)
    div = M - 1 if estimator == "unbiased" else M
    s2 = sigma ** 2

    def step_exact(rng, mean, var, g, _):
        b = mean.size
        ss = np.zeros(b)
        pooled = np.zeros(b)
        if mr:
            xr = mu + sigma * rng.standard_normal(b) / math.sqrt(mr)
            if mr > 1:
                ss += s2 * 2.0 * rng.standard_gamma((mr - 1) / 2.0, b)
            pooled += mr * xr
        if ms:
            ys = mean + np.sqrt(var) * rng.standard_normal(b) / math.sqrt(ms)
            if ms > 1:
                ss += var * 2.0 * rng.standard_gamma((ms - 1) / 2.0, b)
            pooled += ms * ys
        if mr and ms:
            ss += mr * ms / M * (xr - ys) ** 2
        mean[:] = pooled / M
        var[:] = ss / div

    def step_naive(rng, mean, var, g, _):
        b = mean.size
        x = np.empty((b, M))
        x[:, :mr] = mu + sigma * rng.standard_normal((b, mr))
        x[:, mr:] = mean[:, None] + np.sqrt(var)[:, None] * rng.standard_normal((b, ms))
        mean[:] = x.mean(axis=1)
        var[:] = x.var(axis=1, ddof=1 if estimator == "unbiased" else 0)

    return _run("mix", mr / M, M, generations, chains, mu, sigma, estimator, method, seed, record, snaps,
                step_exact if method == "exact" else step_naive, workers, progress)


def simulate_accumulate(M, generations, chains, *, mu=0.0, sigma=1.0, estimator="unbiased", method="exact",
                        seed=None, record=None, snapshots=(), workers=1, progress=False):
    r"""Gaussian refitting on all data so far: model ``n`` is fitted to ``nM`` samples (Gerstgrasser et al. 2024).

    Parameters
    ----------
    M : int >= 2
        Samples added per generation (batch size); model ``n`` is fitted to ``nM`` samples.
    generations : int >= 0
    chains : int >= 1
    mu, sigma : original :math:`N(\mu, \sigma^2)`, ``sigma > 0``
    estimator : {"unbiased", "mle"}
        Divide the pooled sum of squares by :math:`nM - 1` or :math:`nM`.
    method : {"exact", "naive"}
    seed : int, SeedSequence or None
    record : generations at which to summarise (default all)
    snapshots : generations at which to keep every chain
    workers : threads (results do not depend on it)
    progress : bool

    Returns
    -------
    MitigationRun
        With ``scheme = "accumulate"`` and ``alpha = nan``.

    Notes
    -----
    Exact method, step ``n -> n+1`` (``n`` refits done): the batch of model
    ``n`` has mean :math:`\bar x = \mu_n + \sigma_n Z/\sqrt M` and within sum of
    squares :math:`\sigma_n^2\chi^2_{M-1}`; then
    :math:`\mu_{n+1} = (n\mu_n + \bar x)/(n+1)` and
    :math:`SS_{n+1} = SS_n + \sigma_n^2\chi^2_{M-1} + \frac{n}{n+1}(\bar x-\mu_n)^2 M`,
    :math:`\sigma_{n+1}^2 = SS_{n+1}/c_{n+1}` with :math:`c_n = nM-1` or
    :math:`nM`.  The naive method stores all samples (memory ``chains * n * M``).

    References
    ----------
    Gerstgrasser et al. (2024), "Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating Real
    and Synthetic Data";
    Cochran's theorem.
    """
    M = check_int(M, "M", minimum=2)
    generations, chains, mu, sigma, record, snaps = _common(generations, chains, mu, sigma, estimator, method, record,
                                                            snapshots)
    off = 1 if estimator == "unbiased" else 0

    def step_exact(rng, mean, var, n, _):
        b = mean.size
        z = rng.standard_normal(b)
        chi = 2.0 * rng.standard_gamma((M - 1) / 2.0, b)
        ss = (n * M - off) * var if n > 0 else np.zeros(b)
        ss += var * chi + n / (n + 1) * var * z * z
        mean += np.sqrt(var / M) * z / (n + 1)
        var[:] = ss / ((n + 1) * M - off)

    def step_naive(rng, mean, var, n, store):
        b = mean.size
        batch = mean[:, None] + np.sqrt(var)[:, None] * rng.standard_normal((b, M))
        store["data"] = batch if n == 0 else np.concatenate([store["data"], batch], axis=1)
        mean[:] = store["data"].mean(axis=1)
        var[:] = store["data"].var(axis=1, ddof=off)

    return _run("accumulate", math.nan, M, generations, chains, mu, sigma, estimator, method, seed, record, snaps,
                step_exact if method == "exact" else step_naive, workers, progress)


# ----------------------------------------------------------------------------- discrete
@dataclasses.dataclass
class DiscreteMixingRun:
    r"""Result of :func:`simulate_discrete_mixing`.

    ``heterozygosity``: :class:`Summary` of :math:`H_n = 1-\\sum_k x_k^2` at
    each generation of ``record``; ``snapshots[g]``: counts ``(chains, K)``.
    """

    alpha: float
    M: int
    p: np.ndarray
    generations: int
    chains: int
    record: np.ndarray
    heterozygosity: Summary
    snapshots: Dict[int, np.ndarray]

    def heterozygosity_at(self, generation):
        x = self.snapshots[generation] / self.M
        return 1.0 - np.sum(x * x, axis=1)


def simulate_discrete_mixing(alpha, M, p, generations, chains, *, seed=None, record=None, snapshots=(),
                             progress=False):
    r"""Categorical refitting with ``alpha*M`` fresh samples of ``p`` each generation.

    Generation 0 is ``p`` itself; generation ``n+1`` is the empirical
    distribution of ``Mult(m_r, p) + Mult(m_s, x_n)`` counts (exact split).
    Snapshots at generation 0 hold ``M * p`` (possibly non-integer).

    Parameters
    ----------
    alpha : float in [0, 1]
        Fraction of fresh samples; ``alpha * M`` must be an integer (exact split).
    M : int >= 2
        Samples per generation (``m_r = alpha M`` fresh, ``m_s = M - m_r`` synthetic).
    p : sequence of float
        Original probability vector (``K >= 2``, sums to 1).
    generations : int >= 0
        Number of refits simulated.
    chains : int >= 1
        Independent chains.
    seed : int >= 0, SeedSequence or None
        Root seed (blocks of :mod:`numerics._rng`).
    record : sequence of int, optional
        Generations at which :math:`H_n` is summarised (default: all).
    snapshots : sequence of int
        Generations at which every chain's counts are kept.
    progress : bool, default False
        Print a progress line on stderr.

    Returns
    -------
    DiscreteMixingRun
        ``alpha`` stored as ``m_r / M``; ``heterozygosity`` summaries at ``record``; ``snapshots[g]`` of
        shape ``(chains, K)``.

    Notes
    -----
    .. math:: X^{(n+1)} = \mathrm{Mult}(m_r, p) + \mathrm{Mult}(m_s, X^{(n)}/M), \qquad x_{n+1} = X^{(n+1)}/M

    ``n`` counts refits; generation 0 is ``p``.  ``alpha = 0`` is the neutral Wright-Fisher chain.

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I" (Wright-Fisher model);
    Shumailov et al., Nature 631 (2024) (keeping 10 % of the original data slows collapse);
    Alemohammad et al. (2024, ICLR), "Self-Consuming Generative Models Go MAD".
    """
    mr, ms = th.mixing_counts(alpha, M)
    M = int(M)
    p = check_probability_vector(p, "p")
    generations = check_int(generations, "generations", minimum=0)
    chains = check_int(chains, "chains", minimum=1)
    record = np.arange(generations + 1) if record is None else _generation_list(record, generations, "record")
    snaps = set(_generation_list(snapshots, generations, "snapshots").tolist())
    K = p.size
    counts = np.tile(M * p, (chains, 1))
    rec_index = {g: i for i, g in enumerate(record.tolist())}
    summ = Summary(np.empty(len(record)), np.empty(len(record)), np.empty(len(record)), np.empty((len(record), 0)))
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
    return DiscreteMixingRun(mr / M, M, p, generations, chains, record, summ, snapshots_out)


def discrete_law(n, alpha, M, p):
    r"""Exact law of the type-1 count :math:`X_n` at generation ``n >= 1`` of two-type mixing, as floats.

    .. math::  P(X_n = \cdot) = \mathrm{Bin}(M, p)\,P^{\,n-1},

    where :math:`X_1 \sim \mathrm{Bin}(M, p)` (generation 0 is ``p`` itself)
    and :math:`P` is :func:`theory.mitigation.wf_mixing_transition_matrix`.

    Parameters
    ----------
    n : int >= 1
    alpha, M, p : as in :func:`theory.mitigation.wf_mixing_transition_matrix`
        (``p`` the type-1 probability in [0, 1]).

    Returns
    -------
    ndarray of length ``M + 1``

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I" (Wright-Fisher model) with immigration;
    Shumailov et al., Nature 631 (2024) (keeping 10 % of the original data slows collapse).
    """
    from scipy import stats

    n = check_int(n, "n", minimum=1)
    P = th.wf_mixing_transition_matrix(alpha, M, p)
    law = stats.binom.pmf(np.arange(int(M) + 1), int(M), float(p))
    for _ in range(n - 1):
        law = law @ P
    return law


# ----------------------------------------------------------------------------- checks
def _check_run(run, cls, scheme, function):
    if not isinstance(run, cls) or (scheme is not None and run.scheme != scheme):
        raise ValueError(f"run must be the result of {function}, got {type(run).__name__}"
                         + (f" of scheme {run.scheme!r}" if isinstance(run, MitigationRun) else ""))


def _theory(formulas, name, default, *args):
    return formulas[name](*args) if name in formulas else default


def mixing_checks(run, n, formulas=None):
    r"""Checks of the mixing closed forms at generation ``n`` of a :func:`simulate_mixing` run (needs a snapshot).

    ``formulas`` overrides theory values by quantity name (callables of
    ``(n, alpha, M, estimator)``); the tests use it to show wrong formulas are caught.

    Parameters
    ----------
    run : MitigationRun
        Result of :func:`simulate_mixing`.
    n : int >= 0
        Generation to check; must be a snapshot generation of ``run``.
    formulas : dict, optional
        Override a theory value by quantity name (callables of ``(n, alpha, M, estimator)``).

    Returns
    -------
    list of numerics.checks.Check
        Rows of process ``"mitigation"`` (status ``agree``, ``DISAGREE`` or ``underpowered``).

    Notes
    -----
    Rows: :math:`E[\mu_n] = \mu`, :math:`E[(\mu_n-\mu)^2]` and :math:`E[\sigma_n^2]` from
    :func:`theory.mitigation.mixing_moments`, and for ``n >= 1`` the bracket of
    :func:`theory.mitigation.mixing_w2_bounds` on :math:`E[W_2^2]`; each a z-test

    .. math:: z = (\hat\theta - \theta)/\widehat{\mathrm{se}}

    References
    ----------
    Shumailov et al., Nature 631 (2024) (keeping 10 % of the original data slows collapse);
    Bertrand et al. (2024, ICLR), "On the Stability of Iterative Retraining of Generative Models on their own Data";
    Alemohammad et al. (2024, ICLR), "Self-Consuming Generative Models Go MAD"; Cochran's theorem.
    """
    _check_run(run, MitigationRun, "mix", "simulate_mixing")
    n = ck.check_snapshot(n, run.snapshots)
    formulas = formulas or {}
    a, M, est = run.alpha, run.M, run.estimator
    params = {"scheme": "mix", "alpha": round(a, 6), "M": M, "n": n, "estimator": est, "method": run.method}
    D, V = th.mixing_moments(n, a, M, run.sigma ** 2, est)
    rows = [ck.mean_check(PROCESS, "E[mu_n] (mix)", params, _theory(formulas, "E[mu_n] (mix)", run.mu, n, a, M, est),
                          run.statistic("mean", n)),
            ck.mean_check(PROCESS, "E[(mu_n-mu)^2] (mix)", params,
                          _theory(formulas, "E[(mu_n-mu)^2] (mix)", D, n, a, M, est), run.statistic("mean_error_sq", n)),
            ck.mean_check(PROCESS, "E[sigma_n^2] (mix)", params,
                          _theory(formulas, "E[sigma_n^2] (mix)", V, n, a, M, est), run.statistic("variance", n))]
    w = run.statistic("w2_squared", n)
    if n >= 1:
        lo, hi = th.mixing_w2_bounds(n, a, M, run.sigma, est)
        rows.append(ck.interval_check(PROCESS, "E[W2^2] bounds (mix)", params, lo, hi, w))
    return rows


def accumulate_checks(run, n, formulas=None):
    r"""Checks of the accumulation closed forms at generation ``n`` of a :func:`simulate_accumulate` run.

    Parameters
    ----------
    run : MitigationRun
        Result of :func:`simulate_accumulate`.
    n : int >= 0
        Generation to check; must be a snapshot generation of ``run``.
    formulas : dict, optional
        Override a theory value by quantity name (callables of ``(n, M, estimator)``;
        :math:`E[\mu_n]` cannot be overridden).

    Returns
    -------
    list of numerics.checks.Check
        Rows of process ``"mitigation"`` (status ``agree``, ``DISAGREE`` or ``underpowered``).

    Notes
    -----
    Rows: :math:`E[\mu_n]`, :math:`E[(\mu_n-\mu)^2]`, :math:`E[\sigma_n^2]`
    (:func:`theory.mitigation.accumulate_moments`), and for ``n >= 1``
    :math:`\mathrm{Var}[\sigma_n^2]`, the :math:`E[W_2^2]` bracket and Gerstgrasser's bound

    .. math:: E[(\mu_n-\mu)^2] \le \frac{\pi^2}{6}\frac{\sigma^2}{M}.

    References
    ----------
    Gerstgrasser et al. (2024), "Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating Real
    and Synthetic Data".
    """
    _check_run(run, MitigationRun, "accumulate", "simulate_accumulate")
    n = ck.check_snapshot(n, run.snapshots)
    formulas = formulas or {}
    M, est, s2 = run.M, run.estimator, run.sigma ** 2
    params = {"scheme": "accumulate", "M": M, "n": n, "estimator": est, "method": run.method}
    D, V = th.accumulate_moments(n, M, s2, est)
    rows = [ck.mean_check(PROCESS, "E[mu_n] (accumulate)", params, run.mu, run.statistic("mean", n)),
            ck.mean_check(PROCESS, "E[(mu_n-mu)^2] (accumulate)", params,
                          _theory(formulas, "E[(mu_n-mu)^2] (accumulate)", D, n, M, est),
                          run.statistic("mean_error_sq", n)),
            ck.mean_check(PROCESS, "E[sigma_n^2] (accumulate)", params,
                          _theory(formulas, "E[sigma_n^2] (accumulate)", V, n, M, est), run.statistic("variance", n))]
    if n >= 1:
        rows.append(ck.variance_check(PROCESS, "Var[sigma_n^2] (accumulate)", params,
                                      _theory(formulas, "Var[sigma_n^2] (accumulate)",
                                              th.accumulate_variance_of_variance(n, M, s2, est), n, M, est),
                                      run.statistic("variance", n)))
        w = run.statistic("w2_squared", n)
        lo, hi = th.accumulate_w2_bounds(n, M, run.sigma, est)
        rows.append(ck.interval_check(PROCESS, "E[W2^2] bounds (accumulate)", params, lo, hi, w))
        d = run.statistic("mean_error_sq", n)
        rows.append(ck.interval_check(PROCESS, "E[(mu_n-mu)^2] <= pi^2 sigma^2/(6M)", params, None,
                                      th.accumulate_mean_error_bound(M, s2), d))
    return rows


def discrete_checks(run, n, formulas=None):
    r"""E[H_n] (and, for two types, the exact law of the count) at generation ``n`` of a discrete run.

    Parameters
    ----------
    run : DiscreteMixingRun
        Result of :func:`simulate_discrete_mixing`.
    n : int >= 0
        Generation to check; must be a snapshot generation of ``run``.
    formulas : dict, optional
        Override a theory value by quantity name (callables of ``(n, alpha, M, p)``).

    Returns
    -------
    list of numerics.checks.Check
        Rows of process ``"mitigation"`` (status ``agree``, ``DISAGREE`` or ``underpowered``).

    Notes
    -----
    .. math:: E[H_n] = H_\infty + (H_p - H_\infty)\lambda^n

    (:func:`theory.mitigation.expected_heterozygosity_mixing`), and for two types and ``n >= 1`` one
    :func:`numerics.checks.proportion_check` per count ``i = 0..M`` against :func:`discrete_law`.

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I" (Wright-Fisher model);
    Shumailov et al., Nature 631 (2024) (keeping 10 % of the original data slows collapse).
    """
    _check_run(run, DiscreteMixingRun, None, "simulate_discrete_mixing")
    n = ck.check_snapshot(n, run.snapshots)
    formulas = formulas or {}
    a, M, p = run.alpha, run.M, run.p
    params = {"scheme": "mix-discrete", "alpha": round(a, 6), "M": M, "K": p.size, "n": n}
    h = run.heterozygosity_at(n)
    theory = _theory(formulas, "E[H_n] (mix)", th.expected_heterozygosity_mixing(n, a, M, p), n, a, M, p)
    rows = [ck.mean_check(PROCESS, "E[H_n] (mix)", params, theory, h)]
    if p.size == 2 and n >= 1:
        law = _theory(formulas, "P(count=i) (mix)", discrete_law(n, a, M, p[1]), n, a, M, p)
        counts = np.rint(run.snapshots[n][:, 1]).astype(int)
        for i in range(M + 1):
            rows.append(ck.proportion_check(PROCESS, f"P(count={i}) (mix)", params, law[i],
                                            int(np.count_nonzero(counts == i)), counts.size))
    return rows


# ----------------------------------------------------------------------------- sweep
def _sweep_point(index, alpha, M, record, chains, seed, estimator):
    run = simulate_mixing(alpha, M, int(record[-1]), chains, estimator=estimator, seed=seed, record=record)
    D, V = th.mixing_moments_path(int(record[-1]), alpha, M, 1.0, estimator)
    rows = []
    for i, n in enumerate(record.tolist()):
        e, s = run.summaries["mean_error_sq"], run.summaries["variance"]
        w = run.summaries["w2_squared"]
        z_d = (e.mean[i] - D[n]) / e.sem[i] if e.sem[i] > 0 else (0.0 if e.mean[i] == D[n] else math.inf)
        z_v = (s.mean[i] - V[n]) / s.sem[i] if s.sem[i] > 0 else (0.0 if s.mean[i] == V[n] else math.inf)
        rows.append({"index": index, "alpha": float(alpha), "M": int(M), "n": int(n), "chains": chains,
                     "estimator": estimator,
                     "mean_error_sq": float(e.mean[i]), "mean_error_sq_se": float(e.sem[i]),
                     "theory_mean_error_sq": float(D[n]), "z_mean_error_sq": float(z_d),
                     "variance": float(s.mean[i]), "variance_se": float(s.sem[i]), "theory_variance": float(V[n]),
                     "z_variance": float(z_v), "w2_squared": float(w.mean[i]), "w2_squared_se": float(w.sem[i])})
    return rows


def sweep(alphas, Ms, generations, chains, *, seed, n_jobs=1, estimator="unbiased"):
    r"""Monte Carlo of the mixing process over the grid ``alphas x Ms``, recorded at ``generations``.

    Parameters
    ----------
    alphas : sequence of float in [0, 1]
        ``alpha * M`` must be an integer for every pair (exact split).
    Ms : sequence of int >= 2
    generations : int >= 0 or sequence of int >= 0
        Recorded generations ``n`` (an int ``G`` means ``0..G``).
    chains : int >= 1
        Chains per grid point.
    seed : int or SeedSequence
        Master seed; grid point ``i`` (in the order ``for alpha in alphas
        for M in Ms``) uses child ``i`` of ``SeedSequence(seed)``, so results
        do not depend on ``n_jobs`` or on scheduling.
    n_jobs : int
        Parallel jobs through ``joblib.Parallel`` (its default local backend);
        1 runs sequentially in this process.
    estimator : {"unbiased", "mle"}

    Returns
    -------
    list of dict
        One record per ``(alpha, M, n)``: Monte Carlo mean and standard error
        of :math:`(\mu_n-\mu)^2`, :math:`\sigma_n^2`, :math:`W_2^2`, the exact
        :func:`theory.mitigation.mixing_moments` values and z-scores
        (:math:`\mu = 0`, :math:`\sigma = 1`).

    Notes
    -----
    Each record compares with the exact recursion :math:`x_{n+1} = A x_n + c`
    (:func:`theory.mitigation.mixing_moments_path`) by

    .. math:: z = (\hat\theta - \theta)/\widehat{\mathrm{se}}

    (``inf`` when the SE is 0 and the values differ).  ``alpha`` is stored as ``m_r / M``.

    References
    ----------
    Shumailov et al., Nature 631 (2024) (keeping 10 % of the original data slows collapse);
    Bertrand et al. (2024, ICLR), "On the Stability of Iterative Retraining of Generative Models on their own Data";
    Alemohammad et al. (2024, ICLR), "Self-Consuming Generative Models Go MAD"; Cochran's theorem.
    """
    check_estimator(estimator)
    alphas = [float(a) for a in check_real_array(alphas, "alphas", finite=False)]
    if Ms is None or isinstance(Ms, (str, bytes)) or np.ndim(Ms) != 1:
        raise ValueError(f"Ms must be a non-empty 1-D sequence of ints >= 2, got {Ms!r}")
    Ms = [check_int(M, f"Ms[{k}]", minimum=2) for k, M in enumerate(Ms)]
    if not Ms:
        raise ValueError("Ms must not be empty")
    grid = []
    for i, a in enumerate(alphas):
        for k, M in enumerate(Ms):
            try:
                mr, _ = th.mixing_counts(a, M)
            except ValueError as exc:
                raise ValueError(f"alphas[{i}] = {a!r} with Ms[{k}] = {M}: {exc}") from None
            grid.append((mr / int(M), int(M)))
    if np.isscalar(generations):
        record = np.arange(check_int(generations, "generations", minimum=0) + 1)
    else:
        record = check_generation_list(generations, "generations")
        if not record.size:
            raise ValueError("generations must not be empty")
    chains = check_int(chains, "chains", minimum=1)
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be a positive integer or -1, got {n_jobs!r}")
    if seed is None:
        raise ValueError("seed must be given (an int or SeedSequence) for a reproducible sweep")
    children = _rng.check_seed(seed).spawn(len(grid))
    tasks = [(i, a, M, record, chains, children[i], estimator) for i, (a, M) in enumerate(grid)]
    if n_jobs == 1:
        parts = [_sweep_point(*t) for t in tasks]
    else:
        from joblib import Parallel, delayed

        parts = Parallel(n_jobs=int(n_jobs))(delayed(_sweep_point)(*t) for t in tasks)
    return [row for part in parts for row in part]


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


def verification_checks(chains=None, seed=20240724, progress=True):
    r"""All mitigation rows of ``collapse verify`` (process ``"mitigation"``).

    Monte Carlo z-checks of every closed form of :mod:`theory.mitigation`
    (exact simulators on :data:`VERIFY_MIX`, :data:`VERIFY_ACC`,
    :data:`VERIFY_DISCRETE`; naive simulators on a small case each), bound
    checks for :math:`E[W_2^2]` and Gerstgrasser's :math:`\\pi^2/6` bound, and
    exact-vs-float rows (stationary values, exact rationals, the transition
    matrix eigenvalues and stationary diversity).  Deterministic for a fixed
    ``seed``.

    Parameters
    ----------
    chains : int in [MIN_CHAINS, MAX_CHAINS] = [2, 10**7], optional
        Chains per exact Monte Carlo run (default :data:`VERIFY_CHAINS` = 100000;
        naive and discrete runs use at most 20000 and 40000).
    seed : int >= 0, SeedSequence or None, default 20240724
        Root seed; each run uses its own spawned child.
    progress : bool, default True
        Print progress lines on stderr.

    Returns
    -------
    list of numerics.checks.Check
        Rows of process ``"mitigation"`` (status ``agree``, ``DISAGREE`` or ``underpowered``).

    Notes
    -----
    z-tests as in :mod:`numerics.checks` (:math:`|z| < 4.5`, power criterion); exact-vs-float rows from
    :func:`exact_value_checks`.

    References
    ----------
    Shumailov et al., Nature 631 (2024) (keeping 10 % of the original data slows collapse);
    Bertrand et al. (2024, ICLR), "On the Stability of Iterative Retraining of Generative Models on their own Data";
    Alemohammad et al. (2024, ICLR), "Self-Consuming Generative Models Go MAD"; Cochran's theorem.
    Gerstgrasser et al. (2024), "Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating Real
    and Synthetic Data";
    Ewens (2004), "Mathematical Population Genetics I" (Wright-Fisher model).
    """
    chains = VERIFY_CHAINS if chains is None else check_int(chains, "chains", minimum=MIN_CHAINS, maximum=MAX_CHAINS)
    ss = _rng.check_seed(seed)
    seeds = iter(ss.spawn(len(VERIFY_MIX) + len(VERIFY_ACC) + len(VERIFY_DISCRETE) + 2))
    rows = []
    for alpha, M, est, ns in VERIFY_MIX:
        run = simulate_mixing(alpha, M, max(ns), chains, estimator=est, seed=next(seeds), record=(), snapshots=ns,
                              progress=progress)
        for n in ns:
            rows += mixing_checks(run, n)
        # stationary value against the last generation when the recursion has converged to 1e-9
        rho = th.mixing_spectral_radius(alpha, M, est)
        if rho ** max(ns) < 1e-9:
            D, V = th.mixing_stationary(alpha, M, 1.0, est)
            params = {"scheme": "mix", "alpha": round(alpha, 6), "M": M, "n": max(ns), "estimator": est}
            rows.append(ck.mean_check(PROCESS, "E[(mu_inf-mu)^2] stationary (mix)", params, D,
                                      run.statistic("mean_error_sq", max(ns))))
            rows.append(ck.mean_check(PROCESS, "E[sigma_inf^2] stationary (mix)", params, V,
                                      run.statistic("variance", max(ns))))
    a, M, est, g = VERIFY_MIX_NAIVE
    run = simulate_mixing(a, M, g, min(chains, VERIFY_NAIVE_CHAINS), estimator=est, method="naive", seed=next(seeds),
                          record=(), snapshots=(g,), progress=progress)
    rows += mixing_checks(run, g)
    for M, est, ns in VERIFY_ACC:
        run = simulate_accumulate(M, max(ns), chains, estimator=est, seed=next(seeds), record=(), snapshots=ns,
                                  progress=progress)
        for n in ns:
            rows += accumulate_checks(run, n)
    M, est, g = VERIFY_ACC_NAIVE
    run = simulate_accumulate(M, g, min(chains, VERIFY_NAIVE_CHAINS), estimator=est, method="naive", seed=next(seeds),
                              record=(), snapshots=(g,), progress=progress)
    rows += accumulate_checks(run, g)
    for a, M, p, ns in VERIFY_DISCRETE:
        run = simulate_discrete_mixing(a, M, p, max(ns), min(chains, VERIFY_DISCRETE_CHAINS), seed=next(seeds),
                                       record=(), snapshots=ns, progress=progress)
        for n in ns:
            rows += discrete_checks(run, n)
    rows += exact_value_checks()
    return rows


def exact_value_checks():
    r"""Float evaluations against exact sympy values, and independent evaluations of the same quantity.

    Returns
    -------
    list of numerics.checks.Check
        ``exact-vs-float`` rows (process ``"mitigation"``).

    Notes
    -----
    .. math:: |v - e| \le \mathrm{rtol}\,|e|

    Rows: exact rational vs float :func:`theory.mitigation.mixing_moments`; stationary closed form vs 5000
    iterations; MLE conservation :math:`E[d_n^2] + E[\sigma_n^2] = \sigma^2`; ``alpha = 0`` vs
    :mod:`theory.gaussian`; spectral radius 1 at :math:`\alpha_c`; accumulation rationals, limit and
    conservation; :math:`E_\pi[H] = H_\infty`, eigenvalues vs ``sympy.eigenvals`` and the float stationary law.

    References
    ----------
    Shumailov et al., Nature 631 (2024) (keeping 10 % of the original data slows collapse);
    Bertrand et al. (2024, ICLR), "On the Stability of Iterative Retraining of Generative Models on their own Data";
    Alemohammad et al. (2024, ICLR), "Self-Consuming Generative Models Go MAD"; Cochran's theorem.
    Gerstgrasser et al. (2024), "Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating Real
    and Synthetic Data";
    Ewens (2004), "Mathematical Population Genetics I" (Wright-Fisher model).
    """
    rows = []
    R, I = sp.Rational, sp.Integer
    # mixing: exact rational iteration vs float iteration; stationary closed form vs 5000 float iterations
    for a, M, est in ((R(1, 10), 20, "unbiased"), (R(1, 4), 8, "mle"), (R(1, 2), 4, "unbiased")):
        params = {"scheme": "mix", "alpha": float(a), "M": M, "estimator": est}
        for n in (3, 25):
            ex = th.mixing_moments(I(n), a, I(M), I(1), est)
            fl = th.mixing_moments(n, float(a), M, 1.0, est)
            for k, name in enumerate(("E[(mu_n-mu)^2] (mix)", "E[sigma_n^2] (mix)")):
                rows.append(ck.exact_check(PROCESS, name, {**params, "n": n}, ex[k], fl[k]))
        exs = th.mixing_stationary(a, I(M), I(1), est)
        it = th.mixing_moments(5000, float(a), M, 1.0, est)
        for k, name in enumerate(("E[(mu_inf-mu)^2] stationary (mix)", "E[sigma_inf^2] stationary (mix)")):
            rows.append(ck.exact_check(PROCESS, name, {**params, "n": "5000 iterations"}, exs[k], it[k],
                                       note=f"closed form {exs[k]} vs iterated recursion"))
        if est == "mle":  # conservation E[d^2] + E[sigma^2] = sigma^2 holds for the MLE
            rows.append(ck.exact_check(PROCESS, "E[(mu_n-mu)^2]+E[sigma_n^2] = sigma^2 (mix, MLE)",
                                       {**params, "n": 25}, 1, sum(th.mixing_moments(I(25), a, I(M), I(1), est))))
    # alpha = 0 reproduces theory.gaussian
    for est in ("unbiased", "mle"):
        D, V = th.mixing_moments(I(12), I(0), I(10), I(1), est)
        rows.append(ck.exact_check(PROCESS, "alpha=0: Var[mu_n] = theory.gaussian", {"M": 10, "n": 12, "estimator": est},
                                   thg.mean_variance(I(12), I(10), 1, est), D))
    # stability threshold: spectral radius is 1 there
    for M in (2, 10, 100):
        thr = th.mixing_stability_threshold(M)
        rows.append(ck.exact_check(PROCESS, "spectral radius at alpha_c (mix)", {"M": M, "alpha_c": thr}, 1.0,
                                   _spectral_radius_float(thr, M)))
    # accumulation: exact rationals vs floats, the limit of E[sigma_n^2], MLE conservation
    for M, est in ((5, "unbiased"), (20, "unbiased"), (5, "mle")):
        params = {"scheme": "accumulate", "M": M, "estimator": est}
        ex = th.accumulate_moments(I(30), I(M), I(1), est)
        fl = th.accumulate_moments(30, M, 1.0, est)
        rows.append(ck.exact_check(PROCESS, "E[(mu_n-mu)^2] (accumulate)", {**params, "n": 30}, ex[0], fl[0]))
        rows.append(ck.exact_check(PROCESS, "E[sigma_n^2] (accumulate)", {**params, "n": 30}, ex[1], fl[1]))
        lim = th.accumulate_variance_limit(I(M), I(1), est)
        far = th.accumulate_moments(200_000, M, 1.0, est)[1]
        rows.append(ck.exact_check(PROCESS, "lim E[sigma_n^2] (accumulate)", {**params, "n": "2e5 product"},
                                   sp.N(lim, 30), far, rtol=1e-5, note=f"{lim}"))
    rows.append(ck.exact_check(PROCESS, "E[(mu_n-mu)^2]+E[sigma_n^2] = sigma^2 (accumulate, MLE)",
                               {"M": 5, "n": 30}, 1, sum(th.accumulate_moments(I(30), I(5), I(1), "mle"))))
    # discrete: stationary diversity E_pi[H] (exact stationary law) vs closed form; eigenvalues vs sympy
    for a, M, p in ((R(1, 4), 4, R(1, 3)), (R(1, 3), 6, R(1, 2))):
        params = {"scheme": "mix-discrete", "alpha": float(a), "M": M, "p": float(p)}
        pi = th.wf_mixing_stationary(a, I(M), p)
        e_h = sum(pi[i] * 2 * R(i, M) * (1 - R(i, M)) for i in range(M + 1))
        rows.append(ck.exact_check(PROCESS, "E_pi[H] = H_inf (mix)", params,
                                   th.stationary_heterozygosity(a, I(M), [1 - p, p]), e_h, rtol=0,
                                   note=f"exact {e_h}"))
        P = th.wf_mixing_transition_matrix(a, I(M), p)
        ev = sorted(P.eigenvals(multiple=True), reverse=True)
        want = sorted(th.wf_mixing_eigenvalues(a, I(M)), reverse=True)
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
