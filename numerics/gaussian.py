r"""Monte Carlo simulation of Gaussian refitting, and its checks against :mod:`theory.gaussian`.

Two simulators of the same law
------------------------------
``method="naive"`` does what public model-collapse demos do: each generation
it draws ``M`` samples per chain from :math:`N(\mu_n, \sigma_n^2)` and refits
them.  Cost: :math:`O(M)` per chain and generation.

``method="exact"`` draws the sufficient statistics directly.  By Cochran's
theorem the sample mean and the sum of squared deviations of ``M`` normal
samples are independent with

.. math::

    \bar x \sim N(\mu_n, \sigma_n^2/M), \qquad
    \textstyle\sum_i (x_i-\bar x)^2 \sim \sigma_n^2\,\chi^2_{M-1},

so one normal and one chi-square draw per chain and generation give the same
process in law at a cost independent of ``M``.  The state is kept as
:math:`(\mu_n, \log\sigma_n^2)` so that long runs with small ``M`` (where
:math:`\sigma_n^2` drifts below the smallest float64) keep an exact
log-variance instead of underflowing to :math:`-\infty`.

Memory
------
A run holds the current state of every chain (:math:`O(\text{chains})`) and
per-generation summaries (:math:`O(\text{generations})`).  Full per-chain
values are kept only where the caller asks: ``snapshots`` (all chains at a few
generations) and ``paths`` (full trajectories of the first few chains).

Both run on the one chain engine :func:`numerics.engine.run_chains` (seeded blocks, identical
results for any ``workers``, streamed summaries).  The module follows the check protocol of
:mod:`numerics.protocol`.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from numerics import _rng
from numerics import checks as ck
from numerics import engine
from numerics.engine import DEFAULT_SEED, ChainRun, Summary
from theory import gaussian as th
from theory import validation as V

__all__ = ["simulate", "ChainRun", "Summary", "checks_for_run", "schedule_checks", "exact_checks",
           "verification_checks", "exact_kurtosis", "STATISTICS", "PROCESS", "MIN_CHAINS", "MAX_CHAINS", "QUANTITIES"]

PROCESS = "gaussian"
#: Per-chain statistics summarised each recorded generation.
STATISTICS = ("variance", "std", "log_variance", "mean", "w2_squared")
#: Default quantile levels of the streamed summaries.
DEFAULT_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
METHODS = ("exact", "naive")
#: Quantities of :func:`checks_for_run` (the keys a ``formulas`` override may use).
QUANTITIES = ("E[sigma_n^2]", "Var[sigma_n^2]", "E[sigma_n]", "E[log sigma_n^2]", "Var[log sigma_n^2]",
              "median[sigma_n^2]", "E[mu_n]", "Var[mu_n]", "E[W2^2]")
_NAIVE_CHUNK_ELEMENTS = 1 << 21  # samples drawn at once by the naive method (16 MiB)


def _schedule(M, generations):
    """Sample sizes M_0..M_{G-1} as an int array (a constant M or a schedule)."""
    if isinstance(M, (list, tuple, np.ndarray)):
        arr = np.asarray(M, dtype=object)
        if arr.ndim != 1 or arr.size != generations:
            raise ValueError(f"M as a schedule must be 1-D with one sample size per generation "
                             f"({generations}), got shape {arr.shape}")
        return np.array([V.check_int(v, "M", minimum=2) for v in arr], dtype=np.int64)
    return np.full(generations, V.check_int(M, "M", minimum=2), dtype=np.int64)


def simulate(M, generations, chains, *, mu=0.0, sigma2=1.0, estimator="unbiased", method="exact",
             seed=None, record=None, snapshots=(), paths=0, quantiles=DEFAULT_QUANTILES, statistics=STATISTICS,
             quantile_statistics=("variance", "std", "log_variance"), workers=1, progress=False, bias=1.0):
    r"""Simulate ``chains`` independent runs of Gaussian refitting for ``generations`` refits.

    One generation (exact method): :math:`\mu_{n+1} = \mu_n + \sqrt{\lambda}\sigma_n Z/\sqrt M`,
    :math:`\sigma_{n+1}^2 = \lambda\sigma_n^2 X / d` with :math:`X\sim\chi^2_{M-1}`, :math:`d = M-1`
    (unbiased) or :math:`M` (MLE); generation 0 is :math:`N(\mu, \sigma^2)` [shumailov2024]_.  The
    sampling bias :math:`\lambda` (``bias``, 1 by default) draws the ``M`` samples from
    :math:`N(\mu_n, \lambda\sigma_n^2)` [alemohammad2024]_.

    Parameters
    ----------
    M : int >= 2 or sequence of int >= 2
        Samples per generation; a sequence of length ``generations`` is a sample-size schedule
        (``M[j]`` samples fit generation ``j + 1``).
    generations : int >= 0
    chains : int >= 1
    mu : float
        Mean of the original :math:`N(\mu, \sigma^2)`.
    sigma2 : float > 0
        Variance of the original.
    estimator : {"unbiased", "mle"}
    method : {"exact", "naive"}
        Sufficient statistics (cost independent of ``M``) or refit ``M`` samples.
    seed : int, SeedSequence or None
    record, snapshots, paths, quantiles, statistics, quantile_statistics, workers, progress
        As in :func:`numerics.engine.run_chains` (summaries of ``statistics`` at every generation of
        ``record``; quantiles by selection, of the log-variance family by default).
    bias : float in (0, 1], default 1
        Sampling bias :math:`\lambda`: each generation samples from :math:`N(\mu_n, \lambda\sigma_n^2)`.

    Returns
    -------
    numerics.engine.ChainRun
        ``process="gaussian"``, ``params = {"M", "estimator", "method", "bias"}``.
    """
    generations = V.check_int(generations, "generations", minimum=0)
    bias = float(V.check_real(bias, "bias", 0, 1, lower_open=True))
    sched = _schedule(M, generations)
    V.check_estimator(estimator)
    V.check_choice(method, "method", METHODS)
    step = _step_exact if method == "exact" else _step_naive
    div = sched - 1 if estimator == "unbiased" else sched

    def one_generation(rng, state, g):
        step(rng, state["mean"], state["log_variance"], int(sched[g - 1]), float(div[g - 1]), bias)

    label = f"gaussian {method} M={M if np.isscalar(M) else 'schedule'}"
    return engine.run_chains(one_generation, process=PROCESS,
                             params={"M": M if np.isscalar(M) else sched, "estimator": estimator, "method": method,
                                     "bias": bias},
                             generations=generations, chains=chains, mu=mu, sigma2=sigma2, seed=seed, record=record,
                             snapshots=snapshots, paths=paths, quantiles=quantiles, statistics=statistics,
                             quantile_statistics=quantile_statistics, workers=workers, progress=progress,
                             label=label)


def _step_exact(rng, mean, log_var, m, div, bias=1.0):
    """One generation for a block, in place, by sufficient statistics (samples from N(mean, bias * var))."""
    b = mean.size
    z = rng.standard_normal(b)
    x = rng.standard_gamma((m - 1) / 2.0, b)  # chi2_{m-1} / 2
    z *= np.exp(0.5 * log_var)
    z *= 1.0 / math.sqrt(m) if bias == 1 else math.sqrt(bias / m)  # bias = 1: the unbiased law, bit for bit
    mean += z
    x *= 2.0 * bias / div
    np.log(x, out=x)
    log_var += x


def _step_naive(rng, mean, log_var, m, div, bias=1.0):
    """One generation for a block, in place, by drawing and refitting ``m`` samples per chain."""
    b = mean.size
    rows = max(1, _NAIVE_CHUNK_ELEMENTS // m)
    for lo in range(0, b, rows):
        hi = min(lo + rows, b)
        x = rng.standard_normal((hi - lo, m))
        x *= np.exp(0.5 * log_var[lo:hi] if bias == 1 else 0.5 * (log_var[lo:hi] + math.log(bias)))[:, None]
        x += mean[lo:hi, None]
        mean[lo:hi] = x.mean(axis=1)
        x -= mean[lo:hi, None]
        log_var[lo:hi] = np.log(np.einsum("ij,ij->i", x, x) / div)


# ----------------------------------------------------------------------------- verification
#: Built-in verification grid.
VERIFY_M = (2, 5, 20, 100)
VERIFY_N = (1, 5, 20, 100)
VERIFY_CHAINS = 200_000
#: Fewest chains :func:`verification_checks` accepts (a sample variance needs two draws).  Rows estimated from fewer
#: than :data:`numerics.checks.MIN_SAMPLES` chains come out underpowered: they neither pass nor fail.
MIN_CHAINS = 2
#: Most chains :func:`verification_checks` accepts: the snapshots of every chain are kept (about 200 bytes a chain at
#: peak, measured), so peak memory stays near 2 GB at the limit (a larger budget would end in a MemoryError).
MAX_CHAINS = 10_000_000
VERIFY_NAIVE = ((5, 10), (20, 10))  # (M, generations) checked with method="naive"
VERIFY_NAIVE_CHAINS = 40_000
VERIFY_SCHEDULE = tuple(range(2, 32))  # M_j = j + 2, 30 generations: the linear schedule
#: (M, sampling bias, estimator, generations checked) for the exact simulator with a sampling bias.
VERIFY_BIAS = ((5, 0.8, "unbiased", (1, 5, 20)), (20, 0.5, "mle", (5, 20)), (2, 0.9, "unbiased", (5,)))
#: (M, sampling bias, estimator, generations) for the naive simulator with a sampling bias.
VERIFY_BIAS_NAIVE = (5, 0.7, "unbiased", 6)


def _exact_raw_moments(n, M, estimator, power, orders):
    """E[(sigma_n^2)^(power*j)] for j in orders, exactly from theory, as 60-digit mpmath numbers."""
    import mpmath

    out = []
    for j in orders:
        val = th.variance_moment(sp.Integer(n), sp.Integer(M), sp.Rational(power) * j, estimator=estimator)
        out.append(mpmath.mpf(str(sp.N(val, 70))))
    return out


def exact_kurtosis(n, M, estimator, power=1):
    r"""Exact kurtosis of ``(sigma_n^2)**power`` and of its squared deviation, from the theory's raw moments.

    Parameters
    ----------
    n : int >= 0
        Number of refits.
    M : int >= 2
        Samples per generation.
    estimator : {"unbiased", "mle"}
        Variance estimator.
    power : rational > 0, default 1
        ``X = (sigma_n^2)**power`` (``1/2`` for :math:`\sigma_n`).

    Returns
    -------
    (kurtosis, kurtosis_of_square) : tuple of float
        Kurtosis of X and of :math:`(X - EX)^2`; they decide whether a Monte Carlo mean / variance is powered.

    Notes
    -----
    .. math:: E[X^j] = E[(\sigma_n^2)^{pj}] \ (j = 1, \dots, 8), \qquad \kappa = \mu_4/\mu_2^2

    raw moments from :func:`theory.gaussian.variance_moment` at :math:`\sigma^2 = 1` (the kurtosis is
    scale-free), evaluated to 70 digits and combined by
    :func:`numerics.checks.kurtosis_from_raw_moments` / :func:`~numerics.checks.kurtosis_of_square_from_raw_moments`.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse;
    Cochran's theorem.
    """
    raw = _exact_raw_moments(n, M, estimator, sp.Rational(power), range(1, 9))
    return ck.kurtosis_from_raw_moments(raw), ck.kurtosis_of_square_from_raw_moments(raw)


def _log_variance_kurtosis(n, M, estimator):
    k2 = th.log_variance_cumulant(2, n, M, estimator=estimator)
    k4 = th.log_variance_cumulant(4, n, M, estimator=estimator)
    return 3.0 + k4 / k2 ** 2


def _check_run(run):
    if not isinstance(run, ChainRun) or run.process != PROCESS:
        raise ValueError(f"run must be the result of numerics.gaussian.simulate, got {type(run).__name__}")


def checks_for_run(run, n, formulas=None):
    r"""Checks of every Gaussian closed form at generation ``n`` of ``run`` (needs a snapshot at ``n``).

    Parameters
    ----------
    run : numerics.engine.ChainRun
        A run of :func:`simulate` with a snapshot at ``n``.
    n : int
    formulas : dict, optional
        Override the theory value of a quantity: ``formulas[quantity](n, M, estimator)``, keys in
        :data:`QUANTITIES` (an unknown key is a ValueError).  Used by the tests to show that a wrong
        formula is caught.

    Returns
    -------
    list of numerics.checks.Check
        One row per closed form (status ``agree``, ``DISAGREE`` or ``underpowered``).

    Notes
    -----
    Rows (Monte Carlo over the run's chains at generation ``n``): :math:`E[\sigma_n^2]`,
    :math:`\mathrm{Var}[\sigma_n^2]`, :math:`E[\sigma_n]`, :math:`E[\log\sigma_n^2]`,
    :math:`\mathrm{Var}[\log\sigma_n^2]`,
    median of :math:`\sigma_n^2`, :math:`E[\mu_n]`, :math:`\mathrm{Var}[\mu_n]` and :math:`E[W_2^2]`, each against
    :mod:`theory.gaussian`; the test statistic is

    .. math:: z = (\hat\theta - \theta)/\widehat{\mathrm{se}}

    with the power criterion of :mod:`numerics.checks` (exact kurtoses where the theory gives them).  A run
    with a sampling bias :math:`\lambda \ne 1` is checked against the same closed forms at ``bias`` =
    :math:`\lambda` (the kurtoses do not depend on it: :math:`\sigma_n^2` is scaled by :math:`\lambda^n`).

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse; Alemohammad et al. (2024, ICLR), sampling bias.
    """
    _check_run(run)
    n = ck.check_snapshot(n, run.snapshots)
    formulas = engine.check_formulas(formulas, QUANTITIES)
    M, est = run.M, run.estimator
    bias = run.params.get("bias", 1.0)
    params = {"M": M, "n": n, "estimator": est, "method": run.method}
    if bias != 1:
        params["bias"] = bias
    s2 = run.sigma2
    kw = dict(sigma2=s2, estimator=est, **({} if bias == 1 else {"bias": bias}))

    def theory(name, value):
        return formulas[name](n, M, est) if name in formulas else value

    rows = []
    x = run.statistic("variance", n)
    kurt, kurt_sq = exact_kurtosis(n, M, est, 1)
    rows.append(ck.mean_check_from_summary(
        "gaussian", "E[sigma_n^2]", params, theory("E[sigma_n^2]", th.expected_variance(n, M, **kw)),
        x.mean(), x.std(ddof=1) / math.sqrt(x.size), x.size, kurtosis=kurt))
    rows.append(ck.variance_check("gaussian", "Var[sigma_n^2]", params,
                                  theory("Var[sigma_n^2]", th.variance_of_variance(n, M, **kw)), x,
                                  kurtosis_of_square=kurt_sq))
    sd = run.statistic("std", n)
    kurt_sd, _ = exact_kurtosis(n, M, est, sp.Rational(1, 2))
    rows.append(ck.mean_check_from_summary(
        "gaussian", "E[sigma_n]", params, theory("E[sigma_n]", th.expected_std(n, M, **kw)),
        sd.mean(), sd.std(ddof=1) / math.sqrt(sd.size), sd.size, kurtosis=kurt_sd))
    lv = run.statistic("log_variance", n)
    rows.append(ck.mean_check_from_summary(
        "gaussian", "E[log sigma_n^2]", params,
        theory("E[log sigma_n^2]", th.expected_log_variance(n, M, **kw)),
        lv.mean(), lv.std(ddof=1) / math.sqrt(lv.size), lv.size, kurtosis=_log_variance_kurtosis(n, M, est)))
    rows.append(ck.variance_check("gaussian", "Var[log sigma_n^2]", params,
                                  theory("Var[log sigma_n^2]", th.log_variance_cumulant(2, n, M, **kw)), lv))
    rows.append(ck.quantile_check("gaussian", "median[sigma_n^2]", params,
                                  theory("median[sigma_n^2]", th.median_variance(n, M, **kw)), x, 0.5, None))
    m = run.statistic("mean", n)
    rows.append(ck.mean_check("gaussian", "E[mu_n]", params, theory("E[mu_n]", th.expected_mean(n, M, run.mu)), m))
    rows.append(ck.variance_check("gaussian", "Var[mu_n]", params,
                                  theory("Var[mu_n]", th.mean_variance(n, M, **kw)), m))
    w = run.statistic("w2_squared", n)
    rows.append(ck.mean_check("gaussian", "E[W2^2]", params,
                              theory("E[W2^2]", th.expected_w2_squared(n, M, **kw)), w))
    return rows


def schedule_checks(run, formulas=None):
    r"""Checks of :func:`theory.gaussian.schedule_moments` against a run whose ``M`` is a schedule.

    Parameters
    ----------
    run : numerics.engine.ChainRun
        Result of :func:`simulate` with a sample-size schedule ``M`` (a sequence).
    formulas : dict, optional
        Override a theory value: ``formulas[quantity](n)`` for ``E[sigma_n^2]``, ``E[sigma_n]``,
        ``E[W2^2]``, ``Var[mu_n]``; used by the tests.

    Returns
    -------
    list of numerics.checks.Check
        At each snapshot generation: :math:`E[\sigma_n^2]`, :math:`E[\sigma_n]`, :math:`E[W_2^2]`
        and :math:`\mathrm{Var}[\mu_n]` against :func:`theory.gaussian.schedule_moments`.

    Notes
    -----
    .. math:: E[\sigma_n^2] = \sigma^2\prod_{j<n}\rho(M_j), \qquad \mathrm{Var}[\mu_n] = \sum_{j<n} E[\sigma_j^2]/M_j

    The ``params`` column says ``M_j = j+2`` (the built-in linear schedule) whatever the run's schedule.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse (growing sample sizes).
    """
    _check_run(run)
    formulas = engine.check_formulas(formulas, ("E[sigma_n^2]", "E[sigma_n]", "E[W2^2]", "Var[mu_n]"))
    mom = th.schedule_moments(run.M, sigma2=run.sigma2, estimator=run.estimator)
    rows = []
    for n in sorted(run.snapshots):
        params = {"M_j": "j+2", "n": n, "estimator": run.estimator, "method": run.method}
        for quantity, key, stat in (("E[sigma_n^2]", "expected_variance", "variance"),
                                    ("E[sigma_n]", "expected_std", "std"),
                                    ("E[W2^2]", "expected_w2_squared", "w2_squared")):
            val = formulas[quantity](n) if quantity in formulas else getattr(mom, key)[n]
            rows.append(ck.mean_check("gaussian", quantity + " (schedule)", params, val, run.statistic(stat, n)))
        rows.append(ck.variance_check("gaussian", "Var[mu_n] (schedule)", params,
                                      formulas["Var[mu_n]"](n) if "Var[mu_n]" in formulas else mom.mean_variance[n],
                                      run.statistic("mean", n)))
    return rows


def verification_checks(chains=None, seed=DEFAULT_SEED, progress=True):
    r"""All Gaussian rows of ``collapse verify``: every closed form on the built-in grid.

    Grid: ``M`` in :data:`VERIFY_M`, ``n`` in :data:`VERIFY_N`, both
    estimators, exact simulator with ``chains`` (default
    :data:`VERIFY_CHAINS`) chains; the naive simulator on
    :data:`VERIFY_NAIVE`; the linear sample-size schedule ``M_j = j + 2``; a sampling bias
    :math:`\lambda < 1` on :data:`VERIFY_BIAS` (exact) and :data:`VERIFY_BIAS_NAIVE` (naive).
    Exact-vs-float rows compare the sympy expression at sympy integers with
    the float evaluation.

    Parameters
    ----------
    chains : int in [MIN_CHAINS, MAX_CHAINS] = [2, 10**7], optional
        Chains per Monte Carlo run (default :data:`VERIFY_CHAINS` = 200000).
    seed : int >= 0, SeedSequence or None, default DEFAULT_SEED
        Root seed; each run uses its own spawned child.
    progress : bool, default True
        Print progress lines on stderr.

    Returns
    -------
    list of numerics.checks.Check
        One row per closed form (status ``agree``, ``DISAGREE`` or ``underpowered``).

    Notes
    -----
    Each Monte Carlo row is a z-test (:mod:`numerics.checks`); exact-vs-float rows come from
    :func:`exact_checks`.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse; Cochran's theorem.
    """
    chains = VERIFY_CHAINS if chains is None else V.check_int(chains, "chains", minimum=MIN_CHAINS,
                                                             maximum=MAX_CHAINS)
    V.check_flag(progress, "progress")
    ss = _rng.check_seed(seed)
    n_runs = 2 * len(VERIFY_M) + 2 * len(VERIFY_NAIVE) + 1 + len(VERIFY_BIAS) + 1
    seeds = iter(ss.spawn(n_runs))
    rows = []
    for est in ("unbiased", "mle"):
        for M in VERIFY_M:
            run = simulate(M, max(VERIFY_N), chains, estimator=est, seed=next(seeds), record=(),
                           snapshots=VERIFY_N, quantiles=(), progress=progress)
            for n in VERIFY_N:
                rows += checks_for_run(run, n)
        for M, gens in VERIFY_NAIVE:
            run = simulate(M, gens, min(chains, VERIFY_NAIVE_CHAINS), estimator=est, method="naive",
                           seed=next(seeds), record=(), snapshots=(gens,), quantiles=(), progress=progress)
            rows += checks_for_run(run, gens)
    run = simulate(list(VERIFY_SCHEDULE), len(VERIFY_SCHEDULE), chains, seed=next(seeds), record=(),
                   snapshots=(10, len(VERIFY_SCHEDULE)), quantiles=(), progress=progress)
    rows += schedule_checks(run)
    for M, lam, est, ns in VERIFY_BIAS:
        run = simulate(M, max(ns), chains, estimator=est, bias=lam, seed=next(seeds), record=(), snapshots=ns,
                       quantiles=(), progress=progress)
        for n in ns:
            rows += checks_for_run(run, n)
    M, lam, est, gens = VERIFY_BIAS_NAIVE
    run = simulate(M, gens, min(chains, VERIFY_NAIVE_CHAINS), estimator=est, bias=lam, method="naive",
                   seed=next(seeds), record=(), snapshots=(gens,), quantiles=(), progress=progress)
    rows += checks_for_run(run, gens)
    rows += exact_checks()
    return rows


def exact_checks():
    r"""Float evaluation of each closed form against its exact sympy value at sympy integers.

    Returns
    -------
    list of numerics.checks.Check
        ``exact-vs-float`` rows for six closed forms, both estimators,
        ``(M, n)`` in ``{(3, 7), (10, 50)}``, without and with a sampling bias :math:`\lambda = 4/5`.

    Notes
    -----
    .. math:: |f_{\mathrm{float}}(n, M) - f_{\mathrm{sympy}}(n, M)| \le 10^{-9} |f_{\mathrm{sympy}}(n, M)|

    (:data:`numerics.checks.EXACT_RTOL`); the exact value is the sympy expression at sympy integers, to 30 digits.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse.
    """
    rows = []
    funcs = {"E[sigma_n^2]": th.expected_variance, "Var[sigma_n^2]": th.variance_of_variance,
             "E[sigma_n]": th.expected_std, "E[log sigma_n^2]": th.expected_log_variance,
             "Var[mu_n]": th.mean_variance, "E[W2^2]": th.expected_w2_squared}
    for lam in (1, sp.Rational(4, 5)):
        for est in ("unbiased", "mle"):
            for M, n in ((3, 7), (10, 50)):
                params = {"M": M, "n": n, "estimator": est}
                if lam != 1:
                    params["bias"] = float(lam)
                for name, f in funcs.items():
                    kw = {} if lam == 1 else {"bias": lam}
                    exact = f(sp.Integer(n), sp.Integer(M), estimator=est, **kw)
                    value = f(n, M, estimator=est, **({} if lam == 1 else {"bias": float(lam)}))
                    rows.append(ck.exact_check("gaussian", name, params, sp.N(exact, 30), value,
                                               note=f"exact value {sp.sstr(exact)[:40]}"))
    return rows


# --- sweep cells
# The sweep interface of numerics.protocol (``collapse sweep``): the rows of checks_for_run at any (M, n,
# estimator, method, mu, sigma2), from summaries of blocks of chains merged exactly.
import functools  # noqa: E402

from numerics import sweep as _sweep  # noqa: E402
from numerics.protocol import SweepParameter  # noqa: E402
from numerics.summaries import Moments, Proportion  # noqa: E402

#: Parameters of a sweep cell, with their domains and defaults.
SWEEP_PARAMETERS = {"M": SweepParameter(V.SAMPLE_SIZE, 20), "n": SweepParameter(V.GENERATIONS, 10),
                    "estimator": SweepParameter(V.ESTIMATOR, "unbiased"),
                    "method": SweepParameter(V.Choice(*METHODS, doc="Simulator: sufficient statistics or refit."),
                                             "exact"),
                    "mu": SweepParameter(V.LOCATION, 0.0), "sigma2": SweepParameter(V.VARIANCE, 1.0)}
#: One simulation of a cell passes every generation: ``n`` is the cell's generation axis.
SWEEP_GENERATIONS = "n"
#: Quantities a sweep may select (those of :func:`checks_for_run`).
SWEEP_QUANTITIES = QUANTITIES


@functools.lru_cache(maxsize=4096)
def _sweep_theory(n, M, estimator, sigma2):
    """E[log sigma_n^2] and the median of sigma_n^2 (cached per worker: every block of a cell needs them)."""
    return (th.expected_log_variance(n, M, sigma2=sigma2, estimator=estimator),
            th.median_variance(n, M, sigma2=sigma2, estimator=estimator))


def sweep_block(params, chains, seed):
    r"""Mergeable summaries of ``chains`` chains of one cell (:mod:`numerics.protocol`, sweep cells).

    For each generation ``n`` of the cell: ``Moments`` of :math:`\sigma_n^2`, :math:`\sigma_n`,
    :math:`\log\sigma_n^2`, :math:`(\log\sigma_n^2 - E\log\sigma_n^2)^2`, :math:`\mu_n`,
    :math:`(\mu_n - \mu)^2`, :math:`W_2^2`, and the ``Proportion`` of chains with :math:`\sigma_n^2` at or
    below its theoretical median; keys ``"<statistic>@<n>"``.
    """
    ns, M, est, mu, s2 = params["n"], params["M"], params["estimator"], params["mu"], params["sigma2"]
    run = simulate(M, max(ns), chains, mu=mu, sigma2=s2, estimator=est, method=params["method"], seed=seed,
                   record=(), snapshots=ns, quantiles=())
    out = {}
    for n in ns:
        e_lv, median = _sweep_theory(n, M, est, s2)
        x, lv, m = run.statistic("variance", n), run.statistic("log_variance", n), run.statistic("mean", n)
        out.update({f"variance@{n}": Moments.of(x), f"std@{n}": Moments.of(run.statistic("std", n)),
                    f"log_variance@{n}": Moments.of(lv), f"log_variance_dev2@{n}": Moments.of((lv - e_lv) ** 2),
                    f"median@{n}": Proportion(int(np.count_nonzero(x <= median)), x.size),
                    f"mean@{n}": Moments.of(m), f"mean_dev2@{n}": Moments.of((m - mu) ** 2),
                    f"w2_squared@{n}": Moments.of(run.statistic("w2_squared", n))})
    return out


def sweep_rows(params, merged, quantities):
    """The rows of :func:`checks_for_run` for one cell from its merged summaries, for the selected ``quantities``."""
    M, est, mu, s2 = params["M"], params["estimator"], params["mu"], params["sigma2"]
    rows = []
    for n in params["n"]:
        p = {"M": M, "n": n, "estimator": est, "method": params["method"]}
        s = {k.split("@")[0]: v for k, v in merged.items() if k.endswith(f"@{n}")}
        e_lv, median = _sweep_theory(n, M, est, s2)
        kurt = {}

        def exact(power):
            if power not in kurt:
                kurt[power] = exact_kurtosis(n, M, est, power)
            return kurt[power]

        for q in quantities:
            if q == "E[sigma_n^2]":
                row = _sweep.mean_row(PROCESS, q, p, th.expected_variance(n, M, sigma2=s2, estimator=est),
                                      s["variance"], kurtosis=exact(1)[0])
            elif q == "Var[sigma_n^2]":
                row = _sweep.variance_row(PROCESS, q, p, th.variance_of_variance(n, M, sigma2=s2, estimator=est),
                                          s["variance"], kurtosis_of_square=exact(1)[1])
            elif q == "E[sigma_n]":
                row = _sweep.mean_row(PROCESS, q, p, th.expected_std(n, M, sigma2=s2, estimator=est), s["std"],
                                      kurtosis=exact(sp.Rational(1, 2))[0])
            elif q == "E[log sigma_n^2]":
                row = _sweep.mean_row(PROCESS, q, p, e_lv, s["log_variance"],  # constant at n = 0: no test
                                      kurtosis=_log_variance_kurtosis(n, M, est) if n else math.inf)
            elif q == "Var[log sigma_n^2]":
                row = _sweep.variance_row(PROCESS, q, p, th.log_variance_cumulant(2, n, M, sigma2=s2, estimator=est),
                                          s["log_variance"], square=s["log_variance_dev2"])
            elif q == "median[sigma_n^2]":
                row = _sweep.quantile_row(PROCESS, q, p, median, 0.5, s["median"], point_mass=n == 0)
            elif q == "E[mu_n]":
                row = _sweep.mean_row(PROCESS, q, p, th.expected_mean(n, M, mu), s["mean"])
            elif q == "Var[mu_n]":
                row = _sweep.variance_row(PROCESS, q, p, th.mean_variance(n, M, sigma2=s2, estimator=est),
                                          s["mean"], square=s["mean_dev2"])
            else:  # "E[W2^2]"
                row = _sweep.mean_row(PROCESS, q, p, th.expected_w2_squared(n, M, sigma2=s2, estimator=est),
                                      s["w2_squared"])
            rows.append(row)
    return rows
