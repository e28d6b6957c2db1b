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
from numerics import gaussian as ng
from theory import approximation as ta
from theory._validation import check_estimator, check_int, check_positive, check_real

__all__ = ["ApproximationRun", "simulate_truncation", "simulate_temperature", "checks_for_run",
           "expressivity_checks", "verification_checks", "EXPRESSIVITY_MIXTURE"]

#: Mixture used for the expressivity checks and figure, (weights, means, variances).
EXPRESSIVITY_MIXTURE = ((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0))


@dataclasses.dataclass
class ApproximationRun:
    """Result of :func:`simulate_truncation` / :func:`simulate_temperature`.

    ``snapshots[n]`` holds ``{"mean": mu_n, "variance": sigma_n^2}`` of every chain.
    """

    kind: str
    parameter: float
    M: int
    generations: int
    chains: int
    sigma: float
    estimator: str
    snapshots: Dict[int, Dict[str, np.ndarray]]

    def variance(self, n):
        """:math:`\\sigma_n^2` of every chain at snapshot generation ``n``."""
        return self.snapshots[n]["variance"]


def _simulate(kind, parameter, draw, M, generations, chains, mu, sigma, estimator, seed, snapshots):
    generations = check_int(generations, "generations", minimum=0)
    chains = check_int(chains, "chains", minimum=2)
    M = check_int(M, "M", minimum=2)
    mu = float(check_real(mu, "mu"))
    sigma = float(check_positive(sigma, "sigma"))
    check_estimator(estimator)
    snaps = sorted({check_int(g, "snapshots", minimum=0, maximum=generations) for g in snapshots})
    ddof = 1 if estimator == "unbiased" else 0
    mean = np.full(chains, mu)
    var = np.full(chains, sigma ** 2)
    out = {}
    blocks = _rng.blocks(seed, chains)
    if 0 in snaps:
        out[0] = {"mean": mean.copy(), "variance": var.copy()}
    for g in range(1, generations + 1):
        for sl, rng in blocks:
            x = draw(rng, (sl.stop - sl.start, M))  # standardised draws of the sampling procedure
            x *= np.sqrt(var[sl])[:, None]
            x += mean[sl, None]
            mean[sl] = x.mean(axis=1)
            var[sl] = x.var(axis=1, ddof=ddof)
        if g in snaps:
            out[g] = {"mean": mean.copy(), "variance": var.copy()}
    return ApproximationRun(kind, float(parameter), M, generations, chains, sigma, estimator, out)


def simulate_truncation(c, M, generations, chains, *, mu=0.0, sigma=1.0, estimator="unbiased", seed=None,
                        snapshots=(), method="inverse-cdf"):
    r"""Chains of truncated sampling and refitting: samples of :math:`N(\mu_n,\sigma_n^2)` restricted to :math:`\mu_n\pm c\sigma_n`.

    Parameters
    ----------
    c : float > 0
        Truncation point in standard deviations.
    M : int >= 2
        Samples per generation.
    generations : int >= 0
    chains : int >= 2
    mu, sigma : original :math:`N(\mu, \sigma^2)`
    estimator : {"unbiased", "mle"}
    seed : int, SeedSequence or None
    snapshots : sequence of int
        Generations at which every chain's state is kept.

    method : {"inverse-cdf", "truncnorm"}
        ``"truncnorm"`` draws with ``scipy.stats.truncnorm(-c, c).rvs(size=(block, M),
        random_state=rng)``; ``"inverse-cdf"`` (default, about 8 times faster)
        draws :math:`U` uniform on :math:`(\Phi(-c), \Phi(c))` and returns
        :math:`\Phi^{-1}(U)` -- the same law (exact for ``c <= 6``, where
        :math:`\Phi(c)` is not rounded to 1).
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
    return _simulate("truncation", c, draw, M, generations, chains, mu, sigma, estimator, seed, snapshots)


def simulate_temperature(T, M, generations, chains, *, mu=0.0, sigma=1.0, estimator="unbiased", seed=None,
                         snapshots=()):
    r"""Chains of sampling at temperature ``T`` (:math:`p^{1/T}` normalised = :math:`N(\mu_n, T\sigma_n^2)`) and refitting.

    Parameters as in :func:`simulate_truncation`, with ``T > 0`` instead of ``c``.
    """
    T = float(check_positive(T, "T"))
    st = math.sqrt(T)
    return _simulate("temperature", T, lambda rng, size: st * rng.standard_normal(size), M, generations, chains,
                     mu, sigma, estimator, seed, snapshots)


# ----------------------------------------------------------------------------- checks
def _theory_moments(run, n):
    if run.kind == "truncation":
        e1 = ta.truncation_expected_variance(n, run.parameter, run.M, run.sigma ** 2, run.estimator)
        e2 = ta.truncation_variance_second_moment(n, run.parameter, run.M, run.sigma ** 2, run.estimator)
    else:
        e1 = ta.temperature_expected_variance(n, run.parameter, run.M, run.sigma ** 2, run.estimator)
        e2 = ta.temperature_variance_second_moment(n, run.parameter, run.M, run.sigma ** 2, run.estimator)
    return e1, e2 - e1 ** 2


def checks_for_run(run, n, formulas=None):
    """Check :math:`E[\\sigma_n^2]` and :math:`\\mathrm{Var}[\\sigma_n^2]` of ``run`` at snapshot ``n``.

    ``formulas`` maps a quantity name (``"E[sigma_n^2]"``, ``"Var[sigma_n^2]"``)
    to ``f(n, parameter, M, estimator)`` overriding the theory; the tests use
    it to show that a wrong formula is caught.
    """
    formulas = formulas or {}
    name = "c" if run.kind == "truncation" else "T"
    params = {name: run.parameter, "M": run.M, "n": n, "estimator": run.estimator}
    e1, var = _theory_moments(run, n)
    if "E[sigma_n^2]" in formulas:
        e1 = formulas["E[sigma_n^2]"](n, run.parameter, run.M, run.estimator)
    if "Var[sigma_n^2]" in formulas:
        var = formulas["Var[sigma_n^2]"](n, run.parameter, run.M, run.estimator)
    x = run.variance(n)
    return [ck.mean_check("approximation", f"E[sigma_n^2] ({run.kind})", params, e1, x),
            ck.variance_check("approximation", f"Var[sigma_n^2] ({run.kind})", params, var, x)]


def one_generation_truncation_check(c, N, seed, formula=None):
    """Variance of ``N`` draws of ``scipy.stats.truncnorm(-c, c)`` against :math:`r(c)` (the ``M = inf`` limit)."""
    rng = np.random.default_rng(_rng.check_seed(seed))
    x = stats.truncnorm(-c, c).rvs(size=N, random_state=rng)
    theory = formula(c) if formula else ta.truncation_variance_factor(c)
    return ck.variance_check("approximation", "r(c) = Var of truncated N(0,1) (one generation, M=inf)",
                             {"c": c, "N": N}, theory, x)


def exact_checks():
    """Float evaluation vs scipy.stats.truncnorm and vs the exact sympy value (30 digits)."""
    rows = []
    for c in (0.5, 1, 2, 3):
        rows.append(ck.exact_check("approximation", "r(c) vs scipy truncnorm.var(-c, c)", {"c": c},
                                   stats.truncnorm.var(-c, c), ta.truncation_variance_factor(c)))
        exact = ta.truncation_variance_factor(sp.nsimplify(c))
        rows.append(ck.exact_check("approximation", "r(c) exact (sympy) vs float", {"c": c}, sp.N(exact, 30),
                                   ta.truncation_variance_factor(c), note=f"exact {sp.sstr(exact)[:40]}"))
    for a, b in ((-1.0, 2.5), (0.0, 3.0), (-2.0, -0.5)):
        rows.append(ck.exact_check("approximation", "Var truncated N(0,1) on [a,b] vs scipy", {"a": a, "b": b},
                                   stats.truncnorm.var(a, b), ta.truncated_normal_variance(a, b)))
        rows.append(ck.exact_check("approximation", "mean truncated N(0,1) on [a,b] vs scipy", {"a": a, "b": b},
                                   stats.truncnorm.mean(a, b), ta.truncated_normal_mean(a, b)))
    rows.append(ck.exact_check("approximation", "m_4 truncated N(0,1) vs scipy", {"a": -2, "b": 2},
                               stats.truncnorm.moment(4, -2, 2), ta.truncated_normal_raw_moment(4, -2, 2)))
    for T in (sp.Rational(1, 2), sp.Rational(9, 10)):
        rows.append(ck.exact_check("approximation", "temperature factor (sympy integral) = T", {"T": str(T)},
                                   T, ta.temperature_variance_factor(float(T))))
    return rows


def expressivity_checks(N, seed, chains=20_000, mixture=EXPRESSIVITY_MIXTURE, formulas=None):
    """Expressivity rows: moment-matched Gaussian vs samples; KL vs Monte Carlo; recursive E[W2^2] vs chains.

    ``formulas`` may override ``"mu"``, ``"sigma^2"``, ``"KL"`` or ``"E[W2^2]"`` (callables) to show a
    wrong formula is caught.
    """
    formulas = formulas or {}
    s_x, s_run = _rng.check_seed(seed).spawn(2)
    rng = np.random.default_rng(s_x)
    w, m, v = (np.asarray(a, float) for a in mixture)
    comp = np.searchsorted(np.cumsum(w)[:-1], rng.random(N), side="right")
    x = m[comp] + np.sqrt(v[comp]) * rng.standard_normal(N)
    mu, var = ta.mixture_moments(*mixture)
    params = {"mixture": "0.5N(-2,1)+0.5N(2,1)", "N": N}
    rows = [ck.mean_check("approximation", "expressivity: fitted mean sum w_i mu_i", params,
                          formulas.get("mu", lambda: mu)(), x),
            ck.variance_check("approximation", "expressivity: fitted variance", params,
                              formulas.get("sigma^2", lambda: var)(), x)]
    logp = np.log(ta.mixture_pdf(x, mixture))
    logq = stats.norm.logpdf(x, mu, math.sqrt(var))
    rows.append(ck.mean_check("approximation", "expressivity: KL(mixture || fitted Gaussian)", params,
                              formulas.get("KL", lambda: ta.expressivity_kl(*mixture))(), logp - logq))
    rows.append(ck.exact_check("approximation", "expressivity: W2^2 irreducible, kappa form vs quantile quad",
                               {"mixture": params["mixture"]},
                               ta.w2_squared(mixture, ((1.0,), (mu,), (var,))), ta.expressivity_w2_squared(*mixture),
                               rtol=1e-8))
    for M, est in ((100, "unbiased"), (20, "mle")):
        run = ng.simulate(M, 20, chains, mu=mu, sigma=math.sqrt(var), estimator=est, seed=s_run, record=(),
                          snapshots=(5, 20), quantiles=())
        for n in (5, 20):
            snap = run.snapshots[n]
            w2 = ta.w2_squared_gaussians_to_mixture(snap["mean"], np.exp(0.5 * snap["log_variance"]), mixture)
            theory = formulas["E[W2^2]"](n, M, est) if "E[W2^2]" in formulas else \
                ta.expressivity_recursive_w2_squared(n, M, *mixture, estimator=est)
            rows.append(ck.mean_check("approximation", "expressivity: E[W2^2(N(mu_n,sigma_n^2), mixture)]",
                                      {"M": M, "n": n, "estimator": est, "chains": chains}, theory, w2))
    return rows


#: Verification grid (c or T, M, estimator, generations checked).
VERIFY_TRUNCATION = ((1.0, 10, "unbiased"), (2.0, 20, "unbiased"), (2.0, 20, "mle"))
VERIFY_TEMPERATURE = ((0.9, 10, "unbiased"), (0.8, 20, "mle"))
VERIFY_N = (1, 5, 20)
VERIFY_CHAINS = 40_000


def verification_checks(chains=None, seed=20240724, progress=True):
    """All rows of process ``"approximation"`` for ``collapse verify`` (about 10 s at the default budget).

    * exact-vs-float: :math:`r(c)` and the general truncated-normal moments
      against ``scipy.stats.truncnorm``, and against the exact sympy value;
      the temperature factor derived by sympy integration;
    * Monte Carlo: one huge truncated sample (the ``M = inf`` limit
      :math:`r(c)`); :math:`E[\\sigma_n^2]` and :math:`\\mathrm{Var}[\\sigma_n^2]` of
      truncated and low-temperature refitting with finite ``M``;
    * expressivity: moments and KL of the moment-matched Gaussian against
      samples of the mixture, the two :math:`W_2^2` quadratures against each
      other, the recursive :math:`E[W_2^2]` against Gaussian-refit chains.
    """
    chains = VERIFY_CHAINS if chains is None else check_int(chains, "chains", minimum=100)
    ss = _rng.check_seed(seed)
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
