r"""Monte Carlo of functional approximation (truncation, temperature) and functional expressivity errors.

The three error sources of Shumailov et al. (2024) -- statistical
approximation (finite samples), functional expressivity (the family cannot
represent the target), functional approximation (biased learning or sampling)
-- are isolated one at a time in this toolkit.  :mod:`numerics.gaussian` and
:mod:`numerics.gmm` simulate the first; this module simulates the other two
and checks them against :mod:`theory.approximation`:

* **truncated sampling** -- each generation draws ``M`` samples of
  :math:`N(\mu_n, \sigma_n^2)` truncated to :math:`\mu_n \pm c\sigma_n`
  (``scipy.stats.truncnorm`` or inverse-CDF sampling, vectorised over chains) and refits mean and
  variance: :math:`E[\sigma_n^2] = \sigma^2 (r(c)\rho)^n`;
* **low-temperature sampling** -- draws from :math:`N(\mu_n, T\sigma_n^2)`
  and refits: :math:`E[\sigma_n^2] = \sigma^2 (T\rho)^n`;
* **expressivity** -- one Gaussian fitted to samples of a two-component
  mixture (its moments, the irreducible KL and :math:`W_2^2`), then refitted
  recursively (:func:`theory.approximation.expressivity_recursive_w2_squared`).

Conventions as in :mod:`theory.approximation`: generation 0 is the original,
``n`` counts refits, ``estimator`` is ``"unbiased"`` (divide by ``M-1``) or
``"mle"`` (by ``M``).  Seeding follows :mod:`numerics._rng` (blocks of chains,
one ``SeedSequence`` child each): the same seed gives the same numbers.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Dict

import numpy as np
import sympy as sp
from scipy import special, stats

from numerics import _rng
from numerics import checks as ck
from numerics import engine
from numerics import gaussian as ng
from numerics.engine import DEFAULT_SEED, ChainRun
from theory import approximation as ta
from theory.validation import check_estimator, check_int, check_positive

PROCESS = "approximation"

__all__ = ["PROCESS", "MIN_CHAINS", "MAX_CHAINS", "exact_checks", "ApproximationRun", "simulate_truncation", "simulate_temperature", "checks_for_run",
           "expressivity_checks", "verification_checks", "EXPRESSIVITY_MIXTURE"]

#: Mixture used for the expressivity checks and figure, (weights, means, variances).
EXPRESSIVITY_MIXTURE = ((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0))


class ApproximationRun(ChainRun):
    r"""A run of :func:`simulate_truncation` / :func:`simulate_temperature` (a :class:`numerics.engine.ChainRun`).

    ``params``: ``kind`` (``"truncation"`` or ``"temperature"``), ``parameter`` (``c`` or ``T``), ``M``,
    ``estimator``.  :meth:`variance` gives :math:`\sigma_n^2` of every chain at a snapshot.
    """

    def variance(self, n):
        r""":math:`\sigma_n^2` of every chain at snapshot generation ``n`` (ValueError naming ``n`` otherwise)."""
        return self.statistic("variance", ck.check_snapshot(n, self.snapshots))


def _simulate(kind, parameter, draw, M, generations, chains, mu, sigma2, estimator, seed, snapshots, workers,
              progress):
    r"""Chains refitted to ``M`` standardised draws ``z`` of the sampling procedure, on the chain engine.

    With :math:`x = \mu_n + \sigma_n z`, the refit is :math:`\mu_{n+1} = \mu_n + \sigma_n\bar z` and
    :math:`\log\sigma_{n+1}^2 = \log\sigma_n^2 + \log(\sum(z-\bar z)^2/d)`: exact in log space, so a
    variance far below the smallest float keeps its logarithm.
    """
    chains = check_int(chains, "chains", minimum=2)
    M = check_int(M, "M", minimum=2)
    check_estimator(estimator)
    div = M - 1 if estimator == "unbiased" else M

    def step(rng, state, g):
        z = draw(rng, (state["mean"].size, M))  # standardised draws of the sampling procedure
        zbar = z.mean(axis=1)
        z -= zbar[:, None]
        state["mean"] += np.exp(0.5 * state["log_variance"]) * zbar
        state["log_variance"] += np.log(np.einsum("ij,ij->i", z, z) / div)

    run = engine.run_chains(step, process=PROCESS,
                            params={"kind": kind, "parameter": float(parameter), "M": M, "estimator": estimator},
                            generations=generations, chains=chains, mu=mu, sigma2=sigma2, seed=seed, record=(),
                            snapshots=snapshots, workers=workers, progress=progress, label=f"{kind} M={M}")
    return ApproximationRun(**{f.name: getattr(run, f.name) for f in dataclasses.fields(run)})


def simulate_truncation(c, M, generations, chains, *, mu=0.0, sigma2=1.0, estimator="unbiased", seed=None,
                        snapshots=(), method="inverse-cdf", workers=1, progress=False):
    r"""Chains of truncated sampling and refitting: samples of :math:`N(\mu_n,\sigma_n^2)` restricted to :math:`\mu_n\pm c\sigma_n`.

    Each generation draws ``M`` samples of the current model truncated to
    :math:`[\mu_n - c\sigma_n, \mu_n + c\sigma_n]` and refits

    .. math::

        \mu_{n+1} = \bar x, \qquad \sigma_{n+1}^2 = \frac{1}{d}\sum_{i=1}^M (x_i - \bar x)^2,
        \qquad d = M - 1 \ \text{(unbiased)},\ M \ \text{(MLE)},

    so that :math:`E[\sigma_n^2] = \sigma^2 (r(c)\rho)^n`
    (:func:`theory.approximation.truncation_expected_variance`).

    Parameters
    ----------
    c : float > 0
        Truncation point in standard deviations.
    M : int >= 2
        Samples per generation.
    generations : int >= 0
        Number of refits.
    chains : int >= 2
        Independent chains.
    mu : float, optional
        Mean of the original :math:`N(\mu, \sigma^2)` (finite).
    sigma2 : float > 0, optional
        Variance of the original.
    estimator : {"unbiased", "mle"}
        Variance estimator of the refits.
    seed : int >= 0, numpy SeedSequence or None
        Master seed (:mod:`numerics._rng`); None draws fresh entropy.
    snapshots : sequence of int
        Generations ``0 <= g <= generations`` at which every chain's state is
        kept (a bare number is refused).
    method : {"inverse-cdf", "truncnorm"}
        ``"truncnorm"`` draws with ``scipy.stats.truncnorm(-c, c).rvs(size=(block, M),
        random_state=rng)``; ``"inverse-cdf"`` (default, about 8 times faster)
        draws :math:`U` uniform on :math:`(\Phi(-c), \Phi(c))` and returns
        :math:`\Phi^{-1}(U)` -- the same law (exact for ``c <= 6``, where
        :math:`\Phi(c)` is not rounded to 1).

    Returns
    -------
    ApproximationRun
        ``kind="truncation"``, ``parameter=c``, the snapshots.

    Raises
    ------
    ValueError
        Naming the parameter: ``c`` not positive and finite (or ``> 6`` with
        ``method="inverse-cdf"``), ``M < 2``, ``generations < 0``,
        ``chains < 2``, a bad ``mu``, ``sigma``, ``estimator``, ``seed``,
        ``snapshots`` or ``method``.

    References
    ----------
    Shumailov et al. (2024) (functional approximation error: biased, truncated
    sampling); Johnson, Kotz & Balakrishnan (1994), sec. 10.1 (the truncated normal).
    """
    c = float(check_positive(c, "c"))
    if method == "truncnorm":
        dist = stats.truncnorm(-c, c)
        draw = lambda rng, size: dist.rvs(size=size, random_state=rng)  # noqa: E731
    elif method == "inverse-cdf":
        if c > 6:
            raise ValueError(f"c must be <= 6 for method='inverse-cdf', got {c}")
        lo, hi = special.ndtr(-c), special.ndtr(c)
        draw = lambda rng, size: special.ndtri(lo + (hi - lo) * rng.random(size))  # noqa: E731
    else:
        raise ValueError(f"method must be 'inverse-cdf' or 'truncnorm', got {method!r}")
    return _simulate("truncation", c, draw, M, generations, chains, mu, sigma2, estimator, seed, snapshots, workers,
                     progress)


def simulate_temperature(T, M, generations, chains, *, mu=0.0, sigma2=1.0, estimator="unbiased", seed=None,
                         snapshots=(), workers=1, progress=False):
    r"""Chains of sampling at temperature ``T`` and refitting.

    Sampling :math:`N(\mu_n, \sigma_n^2)` at temperature :math:`T` draws from
    :math:`p^{1/T}/\int p^{1/T} = N(\mu_n, T\sigma_n^2)`
    (:func:`theory.approximation.temperature_density`); the refit is that of
    :func:`simulate_truncation`, so

    .. math::  E[\sigma_n^2] = \sigma^2 (T\rho)^n, \qquad \rho = 1 \ \text{(unbiased)},\ \tfrac{M-1}{M}\ \text{(MLE)}.

    Parameters
    ----------
    T : float > 0
        Temperature (``T < 1`` shrinks the variance).
    M : int >= 2
        Samples per generation.
    generations : int >= 0
        Number of refits.
    chains : int >= 2
        Independent chains.
    mu : float, optional
        Mean of the original (finite).
    sigma2 : float > 0, optional
        Variance of the original.
    estimator : {"unbiased", "mle"}
        Variance estimator of the refits.
    seed : int >= 0, numpy SeedSequence or None
        Master seed; None draws fresh entropy.
    snapshots : sequence of int
        Generations ``0 <= g <= generations`` whose chain states are kept.

    Returns
    -------
    ApproximationRun
        ``kind="temperature"``, ``parameter=T``, the snapshots.

    Raises
    ------
    ValueError
        Naming the parameter, as in :func:`simulate_truncation` (``T`` for ``c``).

    References
    ----------
    Shumailov et al. (2024) (functional approximation error: low-temperature sampling).
    """
    T = float(check_positive(T, "T"))
    st = math.sqrt(T)
    return _simulate("temperature", T, lambda rng, size: st * rng.standard_normal(size), M, generations, chains,
                     mu, sigma2, estimator, seed, snapshots, workers, progress)


# ----------------------------------------------------------------------------- checks
def _fixed_seed(seed):
    """The seed of a verification check: an int >= 0 or a SeedSequence; None is refused (results must reproduce)."""
    if seed is None:
        raise ValueError("seed must be a non-negative integer or a numpy SeedSequence, got None "
                         "(a verification check must be reproducible)")
    return _rng.check_seed(seed)


def _check_mixture_arg(mixture):
    """``mixture = (weights, means, variances)`` as three float arrays; ValueError naming ``mixture`` otherwise."""
    return tuple(np.array([float(t) for t in part]) for part in ta.NUMERIC_MIXTURE.check(mixture, "mixture"))


def _theory_moments(run, n):
    if run.kind == "truncation":
        e1 = ta.truncation_expected_variance(n, run.parameter, run.M, sigma2=run.sigma2, estimator=run.estimator)
        e2 = ta.truncation_variance_second_moment(n, run.parameter, run.M, sigma2=run.sigma2,
                                                 estimator=run.estimator)
    else:
        e1 = ta.temperature_expected_variance(n, run.parameter, run.M, sigma2=run.sigma2, estimator=run.estimator)
        e2 = ta.temperature_variance_second_moment(n, run.parameter, run.M, sigma2=run.sigma2,
                                                  estimator=run.estimator)
    return e1, e2 - e1 ** 2


def checks_for_run(run, n, formulas=None):
    r"""Check :math:`E[\sigma_n^2]` and :math:`\mathrm{Var}[\sigma_n^2]` of ``run`` at snapshot ``n``.

    .. math::

        E[\sigma_n^2] = \sigma^2 (f\rho)^n, \qquad
        \mathrm{Var}[\sigma_n^2] = \sigma^4 (q^n - (f\rho)^{2n}),

    with :math:`f = r(c)` (truncation) or :math:`T` (temperature) and :math:`q`
    of :func:`theory.approximation.truncation_variance_second_moment` /
    :func:`theory.approximation.temperature_variance_second_moment`, each
    compared with the chains by :func:`numerics.checks.mean_check` /
    :func:`numerics.checks.variance_check`.

    Parameters
    ----------
    run : ApproximationRun
        Result of :func:`simulate_truncation` or :func:`simulate_temperature`.
    n : int
        A snapshot generation of ``run``.
    formulas : dict, optional
        Maps ``"E[sigma_n^2]"`` or ``"Var[sigma_n^2]"`` to
        ``f(n, parameter, M, estimator)`` overriding the theory; the tests use
        it to show that a wrong formula is caught.

    Returns
    -------
    list of numerics.checks.Check
        Two rows.

    Raises
    ------
    ValueError
        ``run`` not an :class:`ApproximationRun`; ``n`` not a snapshot
        generation; ``formulas`` not a dict of callables with known keys.

    References
    ----------
    Shumailov et al. (2024) (functional approximation error); Johnson, Kotz &
    Balakrishnan (1994), sec. 10.1.
    """
    if not isinstance(run, ApproximationRun):
        raise ValueError(f"run must be the result of simulate_truncation or simulate_temperature, "
                         f"got {type(run).__name__}")
    n = ck.check_snapshot(n, run.snapshots)
    formulas = engine.check_formulas(formulas, ("E[sigma_n^2]", "Var[sigma_n^2]"))
    name = "c" if run.kind == "truncation" else "T"
    params = {name: run.parameter, "M": run.M, "n": n, "estimator": run.estimator}
    e1, var = _theory_moments(run, n)
    if "E[sigma_n^2]" in formulas:
        e1 = formulas["E[sigma_n^2]"](n, run.parameter, run.M, run.estimator)
    if "Var[sigma_n^2]" in formulas:
        var = formulas["Var[sigma_n^2]"](n, run.parameter, run.M, run.estimator)
    x = run.variance(n)
    return [ck.mean_check(PROCESS, f"E[sigma_n^2] ({run.kind})", params, e1, x),
            ck.variance_check(PROCESS, f"Var[sigma_n^2] ({run.kind})", params, var, x)]


def one_generation_truncation_check(c, N, seed, formula=None):
    r"""Variance of ``N`` draws of ``scipy.stats.truncnorm(-c, c)`` against :math:`r(c)` (the ``M = inf`` limit).

    .. math::  \mathrm{Var}[X] = r(c) = 1 - \frac{2c\,\phi(c)}{2\Phi(c) - 1}, \qquad X \sim N(0,1) \text{ truncated to } [-c, c],

    compared by :func:`numerics.checks.variance_check`.

    Parameters
    ----------
    c : float > 0
        Truncation point.
    N : int >= 2
        Number of draws.
    seed : int >= 0 or numpy SeedSequence
        The check must be reproducible: None is refused.
    formula : callable, optional
        ``formula(c)`` replacing :func:`theory.approximation.truncation_variance_factor`
        (the tests show a wrong formula is caught).

    Returns
    -------
    numerics.checks.Check

    Raises
    ------
    ValueError
        ``c`` not positive and finite, ``N`` not an integer >= 2, ``seed``
        None or invalid, ``formula`` not callable.

    References
    ----------
    Johnson, Kotz & Balakrishnan (1994), sec. 10.1; Shumailov et al. (2024).
    """
    c = float(check_positive(c, "c"))
    N = check_int(N, "N", minimum=2)
    ss = _fixed_seed(seed)
    if formula is not None and not callable(formula):
        raise ValueError(f"formula must be callable (or None), got {formula!r}")
    rng = np.random.default_rng(ss)
    x = stats.truncnorm(-c, c).rvs(size=N, random_state=rng)
    theory = formula(c) if formula else ta.truncation_variance_factor(c)
    return ck.variance_check(PROCESS, "r(c) = Var of truncated N(0,1) (one generation, M=inf)",
                             {"c": c, "N": N}, theory, x)


def exact_checks():
    r"""Float evaluations of :mod:`theory.approximation` vs ``scipy.stats.truncnorm`` and vs exact sympy values.

    Rows: :math:`r(c)` for :math:`c \in \{0.5, 1, 2, 3\}` against
    ``truncnorm.var(-c, c)`` and against its exact sympy value at 30 digits;
    the mean and variance of the standard normal truncated to three
    asymmetric intervals and :math:`m_4` on :math:`[-2, 2]` against scipy; the
    temperature factor derived by sympy integration against :math:`T`.

    .. math::  r(c) = 1 - \frac{2c\,\phi(c)}{2\Phi(c) - 1}, \qquad \frac{p^{1/T}}{\int p^{1/T}} = N(\mu, T\sigma^2).

    Returns
    -------
    list of numerics.checks.Check
        Exact-vs-float rows (:func:`numerics.checks.exact_check`).

    References
    ----------
    Johnson, Kotz & Balakrishnan (1994), sec. 10.1; Shumailov et al. (2024).
    """
    rows = []
    for c in (0.5, 1, 2, 3):
        rows.append(ck.exact_check(PROCESS, "r(c) vs scipy truncnorm.var(-c, c)", {"c": c},
                                   stats.truncnorm.var(-c, c), ta.truncation_variance_factor(c)))
        exact = ta.truncation_variance_factor(sp.nsimplify(c))
        rows.append(ck.exact_check(PROCESS, "r(c) exact (sympy) vs float", {"c": c}, sp.N(exact, 30),
                                   ta.truncation_variance_factor(c), note=f"exact {sp.sstr(exact)[:40]}"))
    for a, b in ((-1.0, 2.5), (0.0, 3.0), (-2.0, -0.5)):
        rows.append(ck.exact_check(PROCESS, "Var truncated N(0,1) on [a,b] vs scipy", {"a": a, "b": b},
                                   stats.truncnorm.var(a, b), ta.truncated_normal_variance(a, b)))
        rows.append(ck.exact_check(PROCESS, "mean truncated N(0,1) on [a,b] vs scipy", {"a": a, "b": b},
                                   stats.truncnorm.mean(a, b), ta.truncated_normal_mean(a, b)))
    rows.append(ck.exact_check(PROCESS, "m_4 truncated N(0,1) vs scipy", {"a": -2, "b": 2},
                               stats.truncnorm.moment(4, -2, 2), ta.truncated_normal_raw_moment(4, -2, 2)))
    for T in (sp.Rational(1, 2), sp.Rational(9, 10)):
        rows.append(ck.exact_check(PROCESS, "temperature factor (sympy integral) = T", {"T": str(T)},
                                   T, ta.temperature_variance_factor(float(T))))
    return rows


def _mixture_label(w, m, v):
    return "+".join(f"{wi:g}N({mi:g},{vi:g})" for wi, mi, vi in zip(w, m, v))


def expressivity_checks(N, seed, chains=20_000, mixture=EXPRESSIVITY_MIXTURE, formulas=None):
    r"""Expressivity rows: the moment-matched Gaussian, the irreducible KL and :math:`W_2^2`, the recursive :math:`E[W_2^2]`.

    From ``N`` samples of the mixture :math:`p = \sum_i w_i N(\mu_i, s_i^2)`:

    .. math::

        \mu = \sum_i w_i\mu_i, \qquad \sigma^2 = \sum_i w_i(s_i^2 + \mu_i^2) - \mu^2, \qquad
        KL(p\,\|\,q) = E_p[\log p(X) - \log q(X)],

    checked against the sample mean and variance and the sample mean of
    :math:`\log p - \log q` (:math:`q = N(\mu, \sigma^2)`); the irreducible
    :math:`W_2^2 = 2\sigma^2 - 2\sigma\kappa` against the quantile-function
    quadrature :func:`theory.approximation.w2_squared` (exact-vs-float); and
    :math:`E[W_2^2(N(\mu_n,\sigma_n^2), p)]` of
    :func:`theory.approximation.expressivity_recursive_w2_squared` against
    ``chains`` Gaussian refit chains (:func:`numerics.gaussian.simulate`) at
    ``n = 5, 20`` for ``(M, estimator) = (100, "unbiased"), (20, "mle")``.

    Parameters
    ----------
    N : int >= 2
        Samples of the mixture.
    seed : int >= 0 or numpy SeedSequence
        The checks must be reproducible: None is refused.
    chains : int >= 2
        Chains of the recursive refit.
    mixture : (weights, means, variances)
        The mixture :math:`p` (numbers; validated by
        :data:`theory.mixture.MIXTURE`).
    formulas : dict, optional
        Override ``"mu"``, ``"sigma^2"``, ``"KL"`` (callables of no argument)
        or ``"E[W2^2]"`` (``f(n, M, estimator)``) to show a wrong formula is caught.

    Returns
    -------
    list of numerics.checks.Check

    Raises
    ------
    ValueError
        Naming the parameter: ``N`` or ``chains`` not an integer >= 2,
        ``seed`` None or invalid, ``mixture`` not a valid
        ``(weights, means, variances)`` triple (the message names
        ``mixture`` and the bad part), ``formulas`` not a dict of callables
        with known keys.

    References
    ----------
    Shumailov et al. (2024) (functional expressivity error); Cover & Thomas
    (2006), sec. 8.5 (KL); Villani (2003), sec. 2.2 and Dowson & Landau (1982)
    (:math:`W_2` by quantile functions).
    """
    N = check_int(N, "N", minimum=2)
    ss = _fixed_seed(seed)
    chains = check_int(chains, "chains", minimum=2)
    w, m, v = _check_mixture_arg(mixture)
    formulas = engine.check_formulas(formulas, ("mu", "sigma^2", "KL", "E[W2^2]"))
    mixture = (tuple(w), tuple(m), tuple(v))
    s_x, s_run = ss.spawn(2)
    rng = np.random.default_rng(s_x)
    comp = np.searchsorted(np.cumsum(w)[:-1], rng.random(N), side="right")
    x = m[comp] + np.sqrt(v[comp]) * rng.standard_normal(N)
    mu, var = ta.mixture_moments(mixture)
    label = _mixture_label(w, m, v)
    params = {"mixture": label, "N": N}
    rows = [ck.mean_check(PROCESS, "expressivity: fitted mean sum w_i mu_i", params,
                          formulas.get("mu", lambda: mu)(), x),
            ck.variance_check(PROCESS, "expressivity: fitted variance", params,
                              formulas.get("sigma^2", lambda: var)(), x)]
    logp = np.log(ta.mixture_pdf(x, mixture))
    logq = stats.norm.logpdf(x, mu, math.sqrt(var))
    rows.append(ck.mean_check(PROCESS, "expressivity: KL(mixture || fitted Gaussian)", params,
                              formulas.get("KL", lambda: ta.expressivity_kl(mixture))(), logp - logq))
    rows.append(ck.exact_check(PROCESS, "expressivity: W2^2 irreducible, kappa form vs quantile quad",
                               {"mixture": label},
                               ta.w2_squared(mixture, ((1.0,), (mu,), (var,))), ta.expressivity_w2_squared(mixture),
                               rtol=1e-8))
    for M, est in ((100, "unbiased"), (20, "mle")):
        run = ng.simulate(M, 20, chains, mu=mu, sigma2=var, estimator=est, seed=s_run, record=(),
                          snapshots=(5, 20), quantiles=())
        for n in (5, 20):
            snap = run.snapshots[n]
            w2 = ta.w2_squared_gaussians_to_mixture(snap["mean"], sigma2=np.exp(snap["log_variance"]), mixture=mixture)
            theory = formulas["E[W2^2]"](n, M, est) if "E[W2^2]" in formulas else \
                ta.expressivity_recursive_w2_squared(n, M, mixture, estimator=est)
            rows.append(ck.mean_check(PROCESS, "expressivity: E[W2^2(N(mu_n,sigma_n^2), mixture)]",
                                      {"M": M, "n": n, "estimator": est, "chains": chains}, theory, w2))
    return rows


#: Verification grid (c or T, M, estimator, generations checked).
VERIFY_TRUNCATION = ((1.0, 10, "unbiased"), (2.0, 20, "unbiased"), (2.0, 20, "mle"))
VERIFY_TEMPERATURE = ((0.9, 10, "unbiased"), (0.8, 20, "mle"))
VERIFY_N = (1, 5, 20)
VERIFY_CHAINS = 40_000
#: Fewest chains :func:`verification_checks` accepts (the recursive expressivity runs use ``chains // 2`` chains, and
#: a sample variance needs two).  Rows estimated from fewer than :data:`numerics.checks.MIN_SAMPLES` chains come out
#: underpowered: they neither pass nor fail.
MIN_CHAINS = 4
#: Most chains :func:`verification_checks` accepts: one-generation samples of ``10 * chains`` draws and every chain's
#: snapshots are kept (about 2.3 kB a chain at peak, measured), so peak memory stays near 2.3 GB at the limit (a
#: larger budget would end in a MemoryError).
MAX_CHAINS = 1_000_000


def verification_checks(chains=None, seed=DEFAULT_SEED, progress=True):
    r"""All rows of process ``"approximation"`` for ``collapse verify`` (about 10 s at the default budget).

    * exact-vs-float (:func:`exact_checks`): :math:`r(c)` and the general
      truncated-normal moments against ``scipy.stats.truncnorm``, and against
      the exact sympy value; the temperature factor derived by sympy integration;
    * Monte Carlo: one huge truncated sample (the ``M = inf`` limit
      :math:`r(c)`, :func:`one_generation_truncation_check`);
      :math:`E[\sigma_n^2] = \sigma^2(f\rho)^n` and :math:`\mathrm{Var}[\sigma_n^2]`
      of truncated (:math:`f = r(c)`) and low-temperature (:math:`f = T`)
      refitting with finite ``M`` (:func:`checks_for_run`);
    * expressivity (:func:`expressivity_checks`): moments and KL of the
      moment-matched Gaussian against samples of the mixture, the two
      :math:`W_2^2` quadratures against each other, the recursive
      :math:`E[W_2^2]` against Gaussian-refit chains.

    Parameters
    ----------
    chains : int in [MIN_CHAINS, MAX_CHAINS] = [4, 10**6], optional
        Chains per Monte Carlo run (:data:`VERIFY_CHAINS` by default).
    seed : int >= 0 or numpy SeedSequence
        Master seed; the table must be reproducible, so None is refused.
    progress : bool
        Report progress on stderr.

    Returns
    -------
    list of numerics.checks.Check

    Raises
    ------
    ValueError
        ``chains`` not an integer in [MIN_CHAINS, MAX_CHAINS], ``seed`` None or invalid.

    References
    ----------
    Shumailov et al. (2024) (functional approximation and expressivity errors);
    Johnson, Kotz & Balakrishnan (1994), sec. 10.1.
    """
    chains = VERIFY_CHAINS if chains is None else check_int(chains, "chains", minimum=MIN_CHAINS, maximum=MAX_CHAINS)
    ss = _fixed_seed(seed)
    seeds = iter(ss.spawn(len(VERIFY_TRUNCATION) + len(VERIFY_TEMPERATURE) + 4))
    rows = exact_checks()
    for c in (1.0, 2.0):
        rows.append(one_generation_truncation_check(c, 10 * chains, next(seeds)))
    bar = _rng.Progress(len(VERIFY_TRUNCATION) + len(VERIFY_TEMPERATURE), "approximation", progress)
    done = 0
    for i, (c, M, est) in enumerate(VERIFY_TRUNCATION):
        run = simulate_truncation(c, M, max(VERIFY_N), chains, estimator=est, seed=next(seeds), snapshots=VERIFY_N,
                                  method="truncnorm" if i == 0 else "inverse-cdf")
        for n in VERIFY_N:
            rows += checks_for_run(run, n)
        done += 1
        bar.update(done)
    for T, M, est in VERIFY_TEMPERATURE:
        run = simulate_temperature(T, M, max(VERIFY_N), chains, estimator=est, seed=next(seeds), snapshots=VERIFY_N)
        for n in VERIFY_N:
            rows += checks_for_run(run, n)
        done += 1
        bar.update(done)
    rows += expressivity_checks(10 * chains, next(seeds), chains=chains // 2)
    return rows


# --- sweep cells
# The sweep interface of numerics.protocol (``collapse sweep``): the rows of checks_for_run for truncated or
# tempered sampling at any (c or T, M, n, estimator), from merged block summaries.
import functools  # noqa: E402
import types  # noqa: E402

from numerics import sweep as _sweep  # noqa: E402
from numerics.protocol import SweepParameter  # noqa: E402
from numerics.summaries import Moments  # noqa: E402
from theory import truncation as _tt  # noqa: E402
from theory import validation as _V  # noqa: E402

KINDS = ("truncation", "temperature")
#: Parameters of a sweep cell, with their domains and defaults (``c`` is used by truncation, ``T`` by temperature:
#: sweep one kind per spec).
SWEEP_PARAMETERS = {"kind": SweepParameter(_V.Choice(*KINDS, doc="Biased sampling procedure."), "truncation"),
                    "c": SweepParameter(_tt.CUT, 2.0), "T": SweepParameter(_tt.TEMPERATURE, 0.9),
                    "M": SweepParameter(_V.SAMPLE_SIZE, 10), "n": SweepParameter(_V.GENERATIONS, 5),
                    "estimator": SweepParameter(_V.ESTIMATOR, "unbiased"), "mu": SweepParameter(_V.LOCATION, 0.0),
                    "sigma2": SweepParameter(_V.VARIANCE, 1.0)}
#: One simulation of a cell passes every generation.
SWEEP_GENERATIONS = "n"
#: Quantities a sweep may select (those of :func:`checks_for_run`, by kind).
SWEEP_QUANTITIES = tuple(f"{q} ({k})" for k in KINDS for q in ("E[sigma_n^2]", "Var[sigma_n^2]"))


def sweep_check(params):
    """Truncation is sampled by inverse CDF: ``c <= 6`` (ValueError naming ``c``)."""
    if params["kind"] == "truncation" and params["c"] > 6:
        raise ValueError(f"c must be <= 6 (inverse-CDF sampling), got {params['c']}")


@functools.lru_cache(maxsize=4096)
def _sweep_theory(kind, parameter, n, M, sigma2, estimator):
    """E[sigma_n^2] and Var[sigma_n^2] of one cell (as :func:`_theory_moments`; cached per worker)."""
    cell = types.SimpleNamespace(kind=kind, parameter=parameter, M=M, sigma2=sigma2, estimator=estimator)
    return _theory_moments(cell, n)


def sweep_block(params, chains, seed):
    r"""Mergeable summaries of ``chains`` chains of one cell: per generation ``n``, ``Moments`` of
    :math:`\sigma_n^2` and of :math:`(\sigma_n^2 - E\sigma_n^2)^2` (:mod:`numerics.protocol`, sweep cells)."""
    kind, M, ns, est = params["kind"], params["M"], params["n"], params["estimator"]
    kw = dict(mu=params["mu"], sigma2=params["sigma2"], estimator=est, seed=seed, snapshots=ns)
    parameter = float(params["c"] if kind == "truncation" else params["T"])
    run = (simulate_truncation(parameter, M, max(ns), chains, **kw) if kind == "truncation"
           else simulate_temperature(parameter, M, max(ns), chains, **kw))
    out = {}
    for n in ns:
        x = run.variance(n)
        e1, _ = _sweep_theory(kind, parameter, n, M, params["sigma2"], est)
        out[f"variance@{n}"], out[f"variance_dev2@{n}"] = Moments.of(x), Moments.of((x - e1) ** 2)
    return out


def sweep_rows(params, merged, quantities):
    """The rows of :func:`checks_for_run` for one cell from its merged summaries (the selected quantities of its kind)."""
    kind, M, est = params["kind"], params["M"], params["estimator"]
    name = "c" if kind == "truncation" else "T"
    parameter = float(params[name])
    rows = []
    for n in params["n"]:
        p = {name: parameter, "M": M, "n": n, "estimator": est}
        e1, var = _sweep_theory(kind, parameter, n, M, params["sigma2"], est)
        for q in quantities:
            if q == f"E[sigma_n^2] ({kind})":
                rows.append(_sweep.mean_row("approximation", q, p, e1, merged[f"variance@{n}"]))
            elif q == f"Var[sigma_n^2] ({kind})":
                rows.append(_sweep.variance_row("approximation", q, p, var, merged[f"variance@{n}"],
                                                square=merged[f"variance_dev2@{n}"]))
    return rows
