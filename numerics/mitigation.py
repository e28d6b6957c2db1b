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

Both run on the one chain engine :func:`numerics.engine.run_chains` (log-variance state, seeded blocks,
identical results for any ``workers``).  ``simulate_discrete_mixing``: a categorical model refitted to
the counts of ``Mult(m_r, p) + Mult(m_s, x_n)`` (Wright-Fisher with immigration).  The module follows
the check protocol of :mod:`numerics.protocol`, sweep cells included (``collapse sweep`` runs the checks
of every scheme over a parameter grid on Dask, :mod:`numerics.sweep`).
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
           "checks_for_run", "exact_checks", "verification_checks", "STATISTICS", "discrete_law",
           "PROCESS", "MIN_CHAINS", "MAX_CHAINS", "QUANTITIES"]

PROCESS = "mitigation"
#: Per-chain statistics of the Gaussian runs.
STATISTICS = ("mean", "mean_error_sq", "variance", "std", "w2_squared")
METHODS = ("exact", "naive")
#: Quantities a ``formulas`` override of :func:`checks_for_run` may name, by scheme.
QUANTITIES = {"mix": ("E[mu_n] (mix)", "E[(mu_n-mu)^2] (mix)", "E[sigma_n^2] (mix)"),
              "accumulate": ("E[(mu_n-mu)^2] (accumulate)", "E[sigma_n^2] (accumulate)",
                             "Var[sigma_n^2] (accumulate)"),
              "mix-discrete": ("E[H_n] (mix)", "P(count=i) (mix)")}


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

    Parameters
    ----------
    run : numerics.engine.ChainRun or DiscreteMixingRun
    n : int
    formulas : dict, optional
        Override theory values by quantity name (:data:`QUANTITIES` of the scheme): callables of
        ``(n, alpha, M, estimator)`` (mix), ``(n, M, estimator)`` (accumulate), ``(n, alpha, M, p)``
        (discrete).  An unknown name is a ValueError.

    Returns
    -------
    list of numerics.checks.Check
    """
    if not isinstance(run, Run) or run.process != PROCESS:
        raise ValueError(f"run must be the result of a numerics.mitigation simulator, got {type(run).__name__}")
    scheme = run.scheme
    n = ck.check_snapshot(n, run.snapshots)
    formulas = engine.check_formulas(formulas, QUANTITIES[scheme])
    return {"mix": _mixing_rows, "accumulate": _accumulate_rows, "mix-discrete": _discrete_rows}[scheme](
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


def verification_checks(chains=None, seed=DEFAULT_SEED, progress=True):
    r"""All mitigation rows of ``collapse verify``: Monte Carlo and exact rows of every closed form.

    Exact simulators on :data:`VERIFY_MIX`, :data:`VERIFY_ACC`, :data:`VERIFY_DISCRETE`, the naive ones
    on a small case each, the stationary values where the recursion has converged to 1e-9, and
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
    seeds = iter(ss.spawn(len(VERIFY_MIX) + len(VERIFY_ACC) + len(VERIFY_DISCRETE) + 2))
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
    rows += exact_checks()
    return rows


def exact_checks():
    r"""Exact values against the float path, and independent evaluations of the same quantity.

    Rows: exact rational vs float :func:`theory.mitigation.mixing_moments`; the stationary closed form
    vs :math:`n = 10^{12}` by matrix squaring; MLE conservation :math:`E[d_n^2] + E[\sigma_n^2] =
    \sigma^2`; ``alpha = 0`` vs :mod:`theory.gaussian`; spectral radius 1 at :math:`\alpha_c`;
    accumulation rationals, limit and conservation; :math:`E_\pi[H] = H_\infty`, eigenvalues vs
    ``sympy.eigenvals`` and the float stationary law.

    Returns
    -------
    list of numerics.checks.Check
    """
    rows = []
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


# --- sweep cells
# The sweep interface of numerics.protocol (``collapse sweep``): the rows of checks_for_run for each scheme
# ("mix", "accumulate", "mix-discrete" with two types) at any parameters, from merged block summaries.
from numerics import sweep as _sweep  # noqa: E402
from numerics.protocol import SweepParameter  # noqa: E402
from numerics.summaries import Moments, Proportion  # noqa: E402

SCHEMES = tuple(QUANTITIES)
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
