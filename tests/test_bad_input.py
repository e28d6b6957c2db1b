"""Bad input gets a clear ValueError naming the parameter: an audit of every public function.

The project standard (README, ``theory/validation.py``): M < 2, probabilities
that do not sum to 1, negative variances, generations < 0, wrong shapes, NaN,
inf, booleans for numbers, non-integers for counts and unknown option strings
must raise :class:`ValueError` whose message names the offending parameter --
never a silent wrong number, nor a TypeError / ZeroDivisionError / IndexError /
numpy error from deep inside.

The audit is one table of rows ``(callable, kwargs, parameter)``; each row
calls ``callable(**kwargs)`` and expects ``ValueError`` whose message contains
``parameter`` as a whole word.  Rows are generated per function from a valid
base call by replacing one parameter with each bad value of its kind, so a row
differs from a valid call in exactly one place.  Sizes are tiny (a few chains,
one or two generations): bad input must be refused before any work is done.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from numerics import _rng
from numerics import approximation as na
from numerics import checks as ck
from numerics import discrete as nd
from numerics import gaussian as ng
from numerics import gmm as ngmm
from numerics import mitigation as nm
from numerics import multivariate as nmv
from numerics import tails as nt
from proofs import approximation as pa
from proofs import discrete as pdisc
from theory import validation as V
from theory import approximation as ta
from theory import discrete as td
from theory import gaussian as tg
from theory import mitigation as tm
from theory import multivariate as tmv
from theory import tails as tt

NAN, INF = math.nan, math.inf

# ----------------------------------------------------------------------------- kinds of bad values
#: Not an integer count >= 1 (M, chains, ...): add the kind's own lower bound where it is larger.
BAD_COUNT = (NAN, INF, -1, 0, 2.5, True, "3", None)
#: Not a generation count n >= 0.
BAD_GENERATION = (NAN, INF, -1, 1.5, True, "2", None)
#: Not a positive finite real (variance, standard deviation, tolerance).
BAD_POSITIVE = (NAN, INF, -1.0, 0.0, True, "1", None)
#: Not a finite real (a mean).
BAD_REAL = (NAN, INF, -INF, True, "0", None)
#: Not a fraction in [0, 1] (alpha).
BAD_FRACTION = (NAN, INF, -0.1, 1.5, True)
#: Not a probability vector over K >= 2 categories.
BAD_PROBABILITIES = ([0.5, 0.6], [0.3, 0.3], [NAN, 1.0], [INF, 0.0], [], [1.0], [[0.5, 0.5]], [-0.5, 1.5],
                     ["a", "b"], None)
#: Not an estimator name.
BAD_ESTIMATOR = ("biased", "MLE ", "", None, 1)
#: Not a seed.
BAD_SEED = (-1, 1.5, NAN, True, "7")

ROWS = []


def _fmt(v):
    text = repr(v)
    return text if len(text) <= 24 else text[:21] + "..."


def bad(fn, base, param, values, match=None):
    """Rows calling ``fn(**base)`` with ``base[param]`` replaced by each of ``values``."""
    for v in values:
        kwargs = dict(base)
        kwargs[param] = v
        ROWS.append(pytest.param(fn, kwargs, match or param,
                                 id=f"{fn.__module__}.{fn.__name__}:{param}={_fmt(v)}"))


def kinds(fn, base, **spec):
    """Rows for several parameters at once: ``spec`` maps a parameter name to its bad values."""
    for param, values in spec.items():
        bad(fn, base, param, values)


# ============================================================================= theory.gaussian
G = dict(n=3, M=5)
kinds(tg.c4, dict(M=5), M=BAD_COUNT + (1,))
for f, extra in ((tg.variance_moment, dict(r=2, sigma2=1.0)), (tg.expected_variance, dict(sigma2=1.0)),
                 (tg.variance_of_variance, dict(sigma2=1.0)), (tg.expected_log_variance, dict(sigma2=1.0)),
                 (tg.mean_variance, dict(sigma2=1.0)), (tg.median_variance_asymptotic, dict(sigma2=1.0))):
    base = dict(G, **extra)
    kinds(f, base, n=BAD_GENERATION, M=(1, NAN, 2.5, True), sigma2=BAD_POSITIVE, estimator=BAD_ESTIMATOR[:2])
kinds(tg.variance_moment, dict(G, r=2), r=(NAN, INF, True, -2, -3.5))
kinds(tg.variance_moment, dict(G), n=([], [1, -1], [1, NAN], np.array([[1, 2.5]])))
for f in (tg.expected_std, tg.expected_w2_squared):
    kinds(f, dict(G, sigma2=1.0), n=BAD_GENERATION[:4], M=(1, NAN), sigma2=BAD_POSITIVE,
          estimator=BAD_ESTIMATOR[:2])
kinds(tg.log_variance_cumulant, dict(G, order=2), order=(0, -1, 1.5, NAN, True), n=(-1, NAN), M=(1,),
      sigma2=(0.0, NAN), estimator=("biased",))
kinds(tg.expected_mean, dict(G, mu=0.0), n=(-1, 2.5), M=(1, NAN), mu=BAD_REAL)
kinds(tg.w2_squared_limit, dict(M=5, sigma2=1.0), M=(1, NAN, 2.5), sigma2=(0.0, -1.0, NAN, INF), estimator=("x",))
kinds(tg.variance_cdf, dict(x=0.5, n=2, M=5), x=(NAN, -1.0, INF, True), n=(-1, NAN), M=(1,), sigma2=(0.0, NAN),
      estimator=("x",))
kinds(tg.median_variance, dict(n=2, M=5), n=(-1, 1.5), M=(1,), sigma2=(-2.0, NAN), estimator=("x",))
kinds(tg.schedule_moments, dict(schedule=[2, 3, 4]),
      schedule=([], [1, 2], [2, 2.5], [[2, 3]], [2, NAN], [2, INF], ["a"], None),
      sigma2=(0.0, NAN, INF), estimator=("x",))
j = sp.Symbol("j", integer=True, nonnegative=True)
kinds(tg.schedule_expected_w2_squared, dict(n=sp.Symbol("n"), M_of_j=j + 2, j=j),
      M_of_j=(5, "j+2", None), j=("j", 1), sigma2=(0.0, -1.0, NAN), estimator=("x",))
kinds(tg.schedule_is_bounded, dict(M_of_j=j + 2, j=j), M_of_j=(5, None), j=("j",), estimator=("x",))

# ============================================================================= theory.discrete
kinds(td.transition_probability, dict(i=1, j=2, M=4), i=(-1, 5, 1.5, NAN, True), j=(-1, 5, 0.5), M=(0, -1, NAN, 2.5),
      exact=(1, "yes", None))
kinds(td.multinomial_transition_probability, dict(x=[1, 2], y=[2, 1]), x=([1], [1.5, 2], [-1, 3], [[1, 2]], [],
                                                                           [NAN, 1]),
      y=([2, 2], [3, 0, 0], [-1, 4], [1.5, 1.5]), exact=(2,))
kinds(td.transition_matrix, dict(M=4), M=(0, NAN, 2.5, True), exact=("no",))
kinds(td.multitype_states, dict(M=3, K=3), M=(0, NAN), K=(1, 2.5, NAN, True))
kinds(td.multitype_transition_matrix, dict(M=3, K=3), M=(0,), K=(1, NAN), exact=(None,))
kinds(td.absorbing_states, dict(M=3, K=3), M=(0, 1.5), K=(1, NAN))
kinds(pdisc.derive_eigenvalues, dict(M=3), M=(0, NAN, 2.5, 61))
kinds(td.fixation_probability, dict(i=1, M=4), i=(-1, 5, NAN, 0.5), M=(0, NAN), exact=(0,))
kinds(td.expected_heterozygosity, dict(n=2, p=[0.5, 0.5], M=4), n=BAD_GENERATION[:5], p=BAD_PROBABILITIES,
      M=(0, NAN, 2.5), exact=("y",))
kinds(td.loss_probability, dict(p=0.3, M=4), p=(NAN, -0.1, 1.1, INF, True), M=(0, NAN))
for f in (td.expected_categories_lost, td.expected_mass_lost, td.littler_time_to_collapse):
    pname = "x" if f is td.littler_time_to_collapse else "p"
    bad(f, {pname: [0.5, 0.5], "M": 4}, pname, BAD_PROBABILITIES[:8])
    bad(f, {pname: [0.5, 0.5], "M": 4}, "M", (0, NAN, 1.5))
kinds(td.transition_eigenvalues, dict(M=4), M=(0, NAN, 2.5), exact=("yes",))
kinds(td.solve_two_type_chain, dict(M=4), M=(0, NAN), tail=(0.0, -1e-20, NAN, 0.5))
kinds(td.expected_absorption_times, dict(M=4), M=(0, NAN, 1.5), exact=(None,))
kinds(td.expected_absorption_time, dict(i=1, M=4), i=(-1, 5, NAN), M=(0, NAN))
kinds(td.absorption_probabilities, dict(M=4), M=(0, NAN), exact=("x",))
kinds(td.absorption_time_distribution, dict(i=1, M=4, generations=3), i=(-1, 5), M=(0,),
      generations=BAD_GENERATION[:5])
kinds(td.survival_probability, dict(n=2, i=1, M=4), n=(-1, NAN, 1.5), i=(-1, 5), M=(0,))
kinds(td.survival_probabilities, dict(n=2, M=4), n=(-1, NAN), M=(0, 2.5))
kinds(td.expected_surviving_categories, dict(n=2, counts=[2, 2], M=4), n=(-1, NAN), counts=([3, 3], [1.5, 2.5], [4],
                                                                                             [-1, 5], [NAN, 4]),
      M=(0,))
kinds(td.expected_time_to_collapse, dict(counts=[2, 1, 1]), counts=([4], [1.5, 2.5], [-1, 3], [], [[2, 2]], [NAN, 1]),
      exact=("no",))
kinds(td.kimura_absorption_time, dict(p=0.3, M=10), p=(NAN, -0.1, 1.1), M=(0, NAN))
kinds(td.transition_eigenvalue, dict(j=2, M=4), j=(-1, 5, 1.5, NAN, True), M=(0, NAN, 2.5), exact=("yes",))
kinds(td.count_distribution, dict(n=2, i=1, M=4), n=(-1, NAN, 1.5, [1, -1]), i=(-1, 5, 1.5), M=(0, NAN),
      exact=(None,))
kinds(td.absence_probabilities, dict(n=2, M=4), n=(-1, NAN, True), M=(0, 2.5))
kinds(td.conditional_expectations, dict(n=2, f=[0, 1, 2, 3, 4], M=4), n=(-1, NAN), f=([0, 1], [NAN] * 5, ["a"] * 5,
                                                                                       [[0, 1, 2, 3, 4]], None), M=(0,))
kinds(td.binomial_expectations, dict(q=[0.5], f=[0, 1, 2], M=2), q=([1.5], [-0.1], [NAN], 0.5, [[0.5]], ["a"]),
      f=([0, 1], [INF, 0, 0], None), M=(0, 2.5))

# ============================================================================= theory.mitigation
MIX = dict(alpha=0.2, M=5)
kinds(tm.mixing_counts, MIX, alpha=BAD_FRACTION + (0.3,), M=(1, NAN, 2.5, True))
kinds(tm.mixing_conditional_moments, dict(MIX, d2=0.1, variance=1.0), alpha=(NAN, 1.5), M=(1,),
      d2=(-0.1, NAN, INF), variance=(-1.0, NAN), sigma2=(0.0, NAN), estimator=("x",))
for f in (tm.mixing_recursion, tm.mixing_stationary):
    kinds(f, dict(MIX), alpha=BAD_FRACTION[:4], M=(1, NAN), sigma2=(0.0, -1.0, NAN, INF), estimator=BAD_ESTIMATOR[:2])
kinds(tm.mixing_spectral_radius, dict(MIX), alpha=(NAN, -0.1, 0.3), M=(1, NAN), estimator=("x",))
kinds(tm.mixing_stability_threshold, dict(M=5), M=(1, NAN, 2.5), estimator=("x",))
kinds(tm.mixing_moments, dict(MIX, n=3), n=BAD_GENERATION[:5], alpha=(NAN, 1.5), M=(1,), sigma2=(0.0, NAN),
      estimator=("x",))
kinds(tm.mixing_moments_path, dict(MIX, generations=3), generations=BAD_GENERATION[:5], alpha=(NAN,), M=(1,),
      sigma2=(0.0, NAN), estimator=("x",))
kinds(tm.mixing_w2_bounds, dict(MIX, n=3), n=(0, -1, NAN, 1.5), alpha=(NAN, 2.0), M=(1,), sigma2=(0.0, NAN),
      estimator=("x",))
kinds(tm.accumulate_moments, dict(n=3, M=5), n=BAD_GENERATION[:5], M=(1, NAN), sigma2=(0.0, NAN), estimator=("x",))
kinds(tm.accumulate_moments_path, dict(generations=3, M=5), generations=(-1, NAN, 1.5), M=(1,), sigma2=(0.0,),
      estimator=("x",))
kinds(tm.accumulate_variance_limit, dict(M=5), M=(1, NAN), sigma2=(0.0, INF), estimator=("x",))
kinds(tm.accumulate_mean_error_bound, dict(M=5), M=(1, NAN), sigma2=(0.0, NAN))
kinds(tm.accumulate_variance_of_variance, dict(n=3, M=5), n=(0, -1, NAN), M=(1,), sigma2=(-1.0,), estimator=("x",))
kinds(tm.accumulate_w2_bounds, dict(n=3, M=5), n=(0, NAN), M=(1, 2.5), sigma2=(0.0, NAN), estimator=("x",))
HET = dict(alpha=0.25, M=4, p=[0.5, 0.5])
for f in (tm.heterozygosity_recursion, tm.stationary_heterozygosity):
    kinds(f, HET, alpha=(NAN, 1.5, 0.3), M=(1, NAN), p=BAD_PROBABILITIES[:8])
kinds(tm.stationary_heterozygosity, HET, alpha=(0.0,))
kinds(tm.expected_heterozygosity_mixing, dict(HET, n=2), n=BAD_GENERATION[:5] + ([1, -1],), alpha=(NAN,), M=(1,),
      p=([0.5, 0.6], [NAN, 1.0]))
for f in (tm.wf_mixing_transition_matrix, tm.wf_mixing_stationary):
    kinds(f, dict(alpha=0.25, M=4, p=0.5), alpha=(NAN, 1.5, 0.3), M=(1, NAN, 2.5), p=(NAN, -0.1, 1.1, INF, True))
kinds(tm.wf_mixing_stationary, dict(alpha=0.25, M=4, p=0.5), alpha=(0.0,))
kinds(tm.wf_mixing_eigenvalues, dict(alpha=0.25, M=4), alpha=(NAN, -0.5, 0.3), M=(1, NAN))

# ============================================================================= theory.multivariate
MV = dict(n=2, d=2, M=4)
S_BAD = (np.eye(3), np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([[1.0, 0.5], [0.0, 1.0]]),
         np.array([[NAN, 0.0], [0.0, 1.0]]), [[1.0, 0.0]], np.ones(2), -1.0, 0.0, NAN, INF, True, "I",
         sp.Matrix([[1, 0], [0, -1]]), np.array([[1 + 1j, 0], [0, 1]]), 1j, [[1.0, "0"], ["0", 1.0]])
kinds(tmv.covariance_invariants, dict(d=2), Sigma=S_BAD)
kinds(tmv.covariance_invariants, dict(d=2), d=(0, -1, NAN, 2.5, True, tmv.D_MAX + 1))
kinds(tmv.covariance_invariants, dict(Sigma=2.0, d=2), d=(0, NAN))
for f in (tmv.expected_covariance, tmv.expected_trace, tmv.expected_det, tmv.variance_of_det,
          tmv.expected_log_det, tmv.variance_of_log_det, tmv.trace_second_moments, tmv.expected_trace_of_square,
          tmv.expected_squared_trace, tmv.variance_of_trace, tmv.mean_squared_displacement, tmv.fidelity_bounds,
          tmv.w2_squared_bounds):
    kinds(f, dict(MV), n=(-1, NAN, 1.5), d=(0, NAN, 2.5), M=(1, 2, NAN), estimator=("x",))
    bad(f, dict(MV), "Sigma", S_BAD[:2] + (-1.0, NAN))
kinds(tmv.det_moment, dict(MV, r=1), r=(NAN, INF, -1.0, True), n=(-1,), Sigma=(np.eye(3),))
kinds(tmv.log_det_cumulant, dict(MV, order=2), order=(0, 1.5, NAN, sp.Symbol("j")), n=(-1,), M=(2,))
kinds(tmv.trace_moment_matrix, dict(M=4), M=(1, NAN, 2.5, True), estimator=("x",))
kinds(tmv.lyapunov_exponent, dict(i=1, M=4), i=(0, -1, NAN, 1.5, 4), M=(1, NAN), estimator=("x",))
kinds(tmv.w2_squared_limit, dict(d=2, M=4), d=(0, NAN), M=(2, 1), Sigma=(np.eye(3), -1.0), estimator=("x",))
kinds(tmv.log_det_cdf, dict(MV, y=0.0), y=(NAN, INF, True), n=(-1,), d=(0,), M=(2,), Sigma=(np.eye(3),))
kinds(tmv.median_log_det, dict(MV), n=(-1, NAN), d=(0,), M=(2,), Sigma=(-1.0,), estimator=("x",))

# ---------------------------------------------------------------- sampling bias lambda in (0, 1] (issue 13)
BAD_BIAS = (0.0, -0.5, 1.5, NAN, INF, True, "0.5", None)
for f in (tg.variance_moment, tg.expected_variance, tg.variance_of_variance, tg.expected_std, tg.expected_log_variance,
          tg.mean_variance, tg.expected_w2_squared, tg.median_variance_asymptotic, tg.median_variance):
    bad(f, dict(G), "bias", BAD_BIAS)
bad(tg.log_variance_cumulant, dict(G, order=1), "bias", BAD_BIAS)
bad(tg.w2_squared_limit, dict(M=5), "bias", BAD_BIAS)
bad(tg.variance_cdf, dict(x=0.5, n=2, M=5), "bias", BAD_BIAS)
for f in (tmv.expected_covariance, tmv.expected_trace, tmv.expected_det, tmv.variance_of_det, tmv.expected_log_det,
          tmv.variance_of_log_det, tmv.trace_second_moments, tmv.expected_trace_of_square, tmv.expected_squared_trace,
          tmv.variance_of_trace, tmv.mean_squared_displacement, tmv.fidelity_bounds, tmv.w2_squared_bounds,
          tmv.median_log_det):
    bad(f, dict(MV), "bias", BAD_BIAS)
bad(tmv.det_moment, dict(MV, r=1), "bias", BAD_BIAS)
bad(tmv.log_det_cumulant, dict(MV, order=1), "bias", BAD_BIAS)
bad(tmv.lyapunov_exponent, dict(i=1, M=4), "bias", BAD_BIAS)
bad(tmv.w2_squared_limit, dict(d=2, M=4), "bias", BAD_BIAS)
bad(tmv.log_det_cdf, dict(MV, y=0.0), "bias", BAD_BIAS)

# ============================================================================= theory.mitigation remedies (issue 13)
SUB = dict(t=3, n=4)
for f in (tm.accumulate_subsample_moments, tm.workflow_moments):
    kinds(f, SUB, t=BAD_GENERATION, n=(1, 0, NAN, 2.5, True, "4"), estimator=BAD_ESTIMATOR[:3],
          sigma2=BAD_POSITIVE[:5])
kinds(tm.accumulate_subsample_moments_path, dict(generations=3, n=4), generations=BAD_GENERATION[:5],
      n=(1, NAN, 2.5), estimator=("x",), sigma2=(0.0, NAN))
kinds(tm.accumulate_subsample_recursion, dict(t=1, n=4), t=(0, -1, NAN, 1.5), n=(1, NAN), estimator=("x",))
kinds(tm.accumulate_subsample_limit, dict(n=4), n=(1, NAN, 2.5, True), estimator=("x",), sigma2=(0.0, -1.0, NAN))
kinds(tm.accumulate_subsample_growth, dict(n=4), n=(1, NAN, 2.5), sigma2=(0.0, NAN))
W_ = dict(t=3, n=4, m=3, w=0.5)
kinds(tm.weighted_fresh_data_moments, W_, t=(-1, NAN, 1.5, True, "2"), n=(1, NAN, 2.5), m=(1, NAN, 2.5),
      w=(-0.1, 1.1, NAN, INF, True, "0.5", None), sigma2=BAD_POSITIVE[:5])
kinds(tm.optimal_real_weight, dict(k=1.0), k=(0.0, -1.0, NAN, INF, True, "1", None))
kinds(tm.weighted_variance_error_threshold, dict(m=3), m=(1, 0, NAN, 2.5, True))
KDE = dict(t=2, n=4, h2=0.5)
for f in (tm.kde_chain_moments, tm.kde_second_moment):
    kinds(f, KDE, t=BAD_GENERATION[:5], n=(1, 0, NAN, 2.5, True), h2=(0.0, -1.0, NAN, INF, True, "1", None),
          workflow=("accumulate-subsample", "", None, 1), kernel=("epanechnikov", None, 1), sigma2=BAD_POSITIVE[:5])

# ============================================================================= theory.approximation (others edit it)
# (theory.truncation, theory.mixture, theory.expressivity; a mixture is one argument: a Mixture or a triple)
kinds(ta.truncated_normal_raw_moment, dict(k=2, a=-1.0, b=1.0), k=(-1, 1.5, NAN, 21), a=(NAN,), b=(NAN,))
kinds(ta.truncated_normal_central_moment, dict(k=2, a=-1.0, b=1.0), k=(-1, NAN))
kinds(pa.derive_truncated_normal_raw_moment, dict(k=2), k=(-1, 1.5))
kinds(ta.truncation_variance_factor, dict(c=1.0), c=(0.0, -1.0, NAN))
kinds(ta.temperature_variance_factor, dict(T=1.0), T=(0.0, -1.0, NAN, INF))
kinds(ta.temperature_density, dict(T=1.0), T=(0.0, NAN), x=(NAN, True, "a"))
kinds(ta.refit_variance_factor, dict(M=5), M=(1, NAN, 2.5), estimator=("x",))
kinds(ta.truncation_variance_second_moment, dict(n=2, c=1.0, M=5), n=(-1, NAN), c=(0.0, NAN), M=(1,),
      sigma2=(0.0,), estimator=("x",))
kinds(ta.temperature_variance_second_moment, dict(n=2, T=1.0, M=5), n=(-1,), M=(1,), sigma2=(0.0,), estimator=("x",))
kinds(ta.check_mixture, dict(weights=(0.5, 0.5), means=(0.0, 1.0), variances=(1.0, 1.0)),
      weights=((0.5, 0.6), (NAN, 0.5), (-0.5, 1.5), (1.0,), None, (True, False), (0.5, "0.5")),
      means=((NAN, 0.0), (0.0, INF), None), variances=((0.0, 1.0), (-1.0, 1.0), (NAN, 1.0)))
MIXT = ((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0))
BAD_MIX_ARG = (None, MIXT[:2], "abc", 3, MIXT + ((1.0, 1.0),), ((0.5, 0.6), (-2.0, 2.0), (1.0, 1.0)),
               ((0.5, 0.5), (-2.0, 2.0), (-1.0, 1.0)), ((0.5, 0.5), (NAN, 2.0), (1.0, 1.0)))
for f in (ta.mixture_moments, ta.mixture_entropy, ta.kappa, ta.expressivity_kl, ta.expressivity_w2_squared):
    kinds(f, dict(mixture=MIXT), mixture=BAD_MIX_ARG)
bad(ta.mixture_moments, dict(mixture=MIXT), "mixture", (((0.5, 0.6), (-2.0, 2.0), (1.0, 1.0)),), match="weights")
kinds(ta.w2_squared_to_gaussian, dict(mean=0.0, sigma2=1.0, mixture=MIXT), mean=(NAN, INF), sigma2=(0.0, -1.0, NAN),
      mixture=BAD_MIX_ARG)
kinds(ta.w2_squared_gaussians_to_mixture, dict(mean=0.0, sigma2=1.0, mixture=MIXT), mean=(NAN, INF, "a"),
      sigma2=(0.0, -1.0, NAN, True), mixture=BAD_MIX_ARG)
for f in (ta.l2_squared, ta.w2_squared, ta.total_variation, ta.kl_divergence):
    kinds(f, dict(mixture_a=MIXT, mixture_b=MIXT), mixture_a=BAD_MIX_ARG, mixture_b=BAD_MIX_ARG)
kinds(ta.truncated_normal_mean, dict(a=-1.0, b=1.0), a=(1.0, 2.0, NAN, True, "a"), b=(NAN,))
kinds(ta.truncated_normal_variance, dict(a=-1.0, b=1.0), a=(1.0, NAN), b=(-2.0, NAN))
for f, par in ((ta.truncation_expected_variance, "c"), (ta.temperature_expected_variance, "T"),
               (ta.truncation_variance_of_variance, "c")):
    kinds(f, {"n": 2, par: 1.0, "M": 5}, n=(-1, 1.5, NAN), M=(1, NAN), sigma2=(0.0, NAN), estimator=("x",))
    bad(f, {"n": 2, par: 1.0, "M": 5}, par, (0.0, NAN))
kinds(ta.expressivity_recursive_w2_squared, dict(n=2, M=5, mixture=MIXT), n=(-1, 1.5), M=(1, NAN),
      estimator=("x",), mixture=BAD_MIX_ARG)
# +-inf are the limits of a density / CDF and allowed; NaN, booleans, strings, None and empty arrays are not
for f in (ta.phi, ta.Phi):
    kinds(f, dict(x=0.5), x=(NAN, True, "a", None, sp.nan, 1j, [0.5]))
kinds(ta.temperature_density, dict(T=1.0, mu=0.0, sigma2=1.0), mu=BAD_REAL, sigma2=BAD_POSITIVE)
for f in (ta.mixture_pdf, ta.mixture_cdf):
    kinds(f, dict(x=0.5, mixture=MIXT), x=(NAN, None, "a", [], [0.5, NAN], np.array([[NAN]]), True, ["a"]),
          mixture=BAD_MIX_ARG)
kinds(ta.mixture_quantile, dict(u=0.5, mixture=MIXT), u=(0.0, 1.0, -0.5, 1.5, NAN, None, "a", [], [0.5, NAN],
                                                         np.array([[1.5]]), True), mixture=BAD_MIX_ARG)
bad(ta.mixture_quantile, dict(u=0.5, mixture=MIXT), "mixture", (((0.5, 0.6), (-2.0, 2.0), (1.0, 1.0)),),
    match=r"mixture: weights")
kinds(ta.check_mixture, dict(weights=(0.5, 0.5), means=(0.0, 1.0), variances=(1.0, 1.0)),
      symbolic_ok=("no", None, 1, 0.0))

# ============================================================================= numerics._rng
kinds(_rng.check_seed, dict(seed=1), seed=BAD_SEED)
kinds(_rng.check_workers, dict(workers=1), workers=(0, -1, 1.5, True, NAN, "2"))
kinds(_rng.blocks, dict(seed=1, chains=10), seed=BAD_SEED[:2], chains=(0, -1, 1.5, NAN, True))

# ============================================================================= numerics.gaussian
SIM = dict(M=5, generations=2, chains=10, seed=1)
kinds(ng.simulate, SIM, M=BAD_COUNT + (1, [2, 3, 4], [2, 1], [[2, 3]]), generations=BAD_GENERATION,
      chains=BAD_COUNT, mu=BAD_REAL, sigma2=BAD_POSITIVE, estimator=BAD_ESTIMATOR, method=("fast", None),
      seed=BAD_SEED, record=([3], [-1], [1.5], 5), snapshots=([3], [NAN], 2),
      paths=(-1, 11, 1.5, NAN), quantiles=([1.5], [NAN], [[0.5]], ["a"], 0.5), workers=(0, 1.5, True))
kinds(ng.verification_checks, dict(chains=10, seed=1, progress=False),
      chains=(1, 0, -5, 2.5, NAN, True, "10", ng.MAX_CHAINS + 1),
      seed=BAD_SEED)

# ============================================================================= numerics.mitigation
kinds(nm.simulate_mixing, dict(SIM, alpha=0.2), alpha=BAD_FRACTION + (0.3,), M=(1, NAN, 2.5, True),
      generations=BAD_GENERATION, chains=BAD_COUNT[:7], mu=BAD_REAL[:4], sigma2=BAD_POSITIVE[:5],
      estimator=BAD_ESTIMATOR[:3], method=("fast",), seed=BAD_SEED[:3], record=([3], [-1], 2, "2"),
      snapshots=([3], [1.5], 1), workers=(0, 1.5))
kinds(nm.simulate_accumulate, SIM, M=(1, NAN, 2.5, True, INF), generations=BAD_GENERATION[:5], chains=(0, NAN, 1.5),
      mu=(NAN, INF), sigma2=(0.0, -1.0, NAN), estimator=("x",), method=("fast",), seed=(-1,), record=([3],),
      snapshots=([-1],), workers=(0,))
DMIX = dict(alpha=0.25, M=4, p=[0.5, 0.5], generations=2, chains=10, seed=1)
kinds(nm.simulate_discrete_mixing, DMIX, alpha=BAD_FRACTION + (0.3,), M=(1, NAN, 2.5), p=BAD_PROBABILITIES,
      generations=BAD_GENERATION[:5], chains=(0, NAN, 1.5, True), seed=(-1, 1.5), record=([3], [-1], 1),
      snapshots=([3], [NAN], 2))
kinds(nm.discrete_law, dict(n=2, alpha=0.25, M=4, p=0.5), n=(0, -1, NAN, 1.5, True, INF), alpha=(NAN, 1.5),
      M=(1, NAN), p=(NAN, 1.5, -0.5))
kinds(nm.verification_checks, dict(chains=10, seed=1, progress=False), chains=(1, 0, 2.5, NAN, True, nm.MAX_CHAINS + 1),
      seed=BAD_SEED)

bad(ng.simulate, SIM, "bias", BAD_BIAS)
kinds(nm.simulate_accumulate_subsample, dict(n=3, generations=2, chains=10, seed=1), n=(1, 0, NAN, 2.5, True),
      generations=BAD_GENERATION[:5], chains=(0, NAN, 1.5, True), estimator=("x", None), sigma2=(0.0, -1.0, NAN),
      mu=(NAN, INF), seed=(-1,), snapshots=([3], [-1]))
kinds(nm.simulate_weighted_fresh_data, dict(n=3, m=3, w=0.5, generations=2, chains=10, seed=1),
      n=(1, NAN, 2.5, True), m=(1, NAN, 2.5), w=(-0.1, 1.1, NAN, INF, True, None), generations=(-1, NAN, 1.5),
      chains=(0, NAN), sigma2=(0.0, -1.0, NAN), mu=(NAN, INF), seed=(-1,))
kinds(nm.simulate_kde_chain, dict(n=3, generations=2, chains=10, h2=0.5, seed=1), n=(1, NAN, 2.5, True),
      h2=(0.0, -1.0, NAN, INF, True, None), workflow=("accumulate-subsample", None), kernel=("epanechnikov", None),
      generations=(-1, NAN, 1.5), chains=(0, NAN), sigma2=(0.0, NAN), mu=(NAN, INF), seed=(-1,))

# ============================================================================= numerics.multivariate
MSIM = dict(d=2, M=4, generations=2, chains=10, seed=1)
kinds(nmv.simulate, MSIM, d=(0, -1, NAN, 1.5, True), M=(1, 2, NAN, 2.5, True), generations=BAD_GENERATION[:5],
      chains=(0, -1, NAN, 1.5, True), Sigma=S_BAD + (sp.Symbol("s2"),), mu=([0.0], [NAN, 0.0], [[0.0, 0.0]], ["a", "b"], [INF, 0.0]),
      estimator=BAD_ESTIMATOR[:3], method=("fast",), seed=(-1, 1.5), record=([3], [-1], 2), snapshots=([3], [1.5], 2),
      quantiles=([1.5], [NAN], [[0.5]], ["a"], None), workers=(0, 1.5))
bad(nmv.simulate, MSIM, "bias", BAD_BIAS)
bad(nmv.simulate, dict(MSIM, method="naive"), "bias", BAD_BIAS[:3])
kinds(nmv.verification_checks, dict(chains=10, seed=1, progress=False),
      chains=(1, 0, 2.5, NAN, True, nmv.MAX_CHAINS + 1),
      seed=BAD_SEED)

# ============================================================================= numerics.gmm
GSIM = dict(generations=1, chains=1, samples=20, seed=1)
kinds(ngmm.simulate, GSIM, generations=BAD_GENERATION[:5], chains=(0, -1, NAN, 1.5, True), samples=(1, 0, NAN, 2.5),
      init=("warmish", None), tol=(0.0, -1.0, NAN, INF), max_iter=(0, NAN, 1.5), seed=(-1, 1.5),
      w2_every=(0, NAN, 1.5), w2_generations=([2], [-1], [1.5], 1, "1"), workers=(0, 1.5, True),
      original=(((0.5, 0.6), (-2.0, 2.0), (1.0, 1.0)), ((0.5, 0.5), (NAN, 2.0), (1.0, 1.0)),
                ((0.5, 0.5), (-2.0, 2.0), (0.0, 1.0))))
bad(ngmm.simulate, GSIM, "original", (((0.5, 0.5), (-2.0, 2.0)), None, ((1.0,), (0.0, 1.0), (1.0,)), "abc"))
ONE = (np.array([0.5, 0.5]), np.array([-2.0, 2.0]), np.array([1.0, 1.0]))
PAIR = dict(a=ONE, b=ONE)
bad(ngmm.w2_squared_pair, PAIR, "a", (None, ONE[:2], "abc"))
bad(ngmm.w2_squared_pair, PAIR, "a", match=r"a\.(?:weights|means|sds)",
    values=((np.array([0.5, 0.6]), ONE[1], ONE[2]), (ONE[0], np.array([NAN, 2.0]), ONE[2]),
            (ONE[0], ONE[1], np.array([0.0, 1.0])), (ONE[0], ONE[1], np.array([-1.0, 1.0])),
            (ONE[0], np.array([1.0, 2.0, 3.0]), ONE[2]), (np.array([]), np.array([]), np.array([])),
            ([[0.5, 0.5]], [[-2.0, 2.0]], [[1.0, 1.0]])))
bad(ngmm.w2_squared_pair, PAIR, "b", match=r"b\.(?:weights|means|sds)",
    values=((np.array([0.5, 0.6]), ONE[1], ONE[2]), (ONE[0], ONE[1], np.array([INF, 1.0]))))
BATCH = dict(weights=[[0.5, 0.5]], means=[[-2.0, 2.0]], sds=[[1.0, 1.0]])
for f in (ngmm.w2_squared_batch, ngmm.l2_squared_batch):
    kinds(f, BATCH, weights=([[0.5, 0.6]], [[NAN, 1.0]], [[0.5, 0.5, 0.0]], [], [[-0.5, 1.5]]),
          means=([[NAN, 2.0]], [[-2.0]], [[[-2.0, 2.0]]]), sds=([[0.0, 1.0]], [[-1.0, 1.0]], [[NAN, 1.0]], [[1.0]]),
          reference=(((0.5, 0.6), (-2.0, 2.0), (1.0, 1.0)), ((0.5, 0.5), (-2.0, 2.0), (0.0, 1.0)), None,
                     ((0.5, 0.5), (-2.0, 2.0))))
kinds(ngmm.fisher_information, dict(mixture=MIXT),
      mixture=(((0.5, 0.6), (-2.0, 2.0), (1.0, 1.0)), ((0.5, 0.5), (-2.0, 2.0), (-1.0, 1.0))))
bad(ngmm.fisher_information, dict(mixture=MIXT), "mixture", (((1.0,), (0.0,), (1.0,)), None, MIXT[:2]))
kinds(ngmm.verification_checks, dict(chains=1000, seed=1, progress=False),
      chains=(ngmm.MIN_CHAINS - 1, 0, 2.5, NAN, True, ngmm.MAX_CHAINS + 1),
      seed=BAD_SEED)

# ============================================================================= numerics.approximation (others edit it)
TSIM = dict(M=5, generations=2, chains=10, seed=1)
kinds(na.simulate_truncation, dict(TSIM, c=1.0), c=(0.0, -1.0, NAN, INF, 7.0), M=(1, NAN), generations=(-1, NAN),
      chains=(1, 0, NAN), mu=(NAN,), sigma2=(0.0, NAN), estimator=("x",), seed=(-1,), snapshots=([3], [-1]),
      method=("fast",))
kinds(na.simulate_temperature, dict(TSIM, T=1.0), T=(0.0, -1.0, NAN, INF), M=(1,), generations=(-1,), chains=(0,),
      sigma2=(0.0,), estimator=("x",), seed=(-1,), snapshots=([3],))
kinds(na.verification_checks, dict(chains=100, seed=1, progress=False),
      chains=(na.MIN_CHAINS - 1, 0, NAN, 2.5, na.MAX_CHAINS + 1), seed=(-1, 1.5))
for f, par in ((na.simulate_truncation, "c"), (na.simulate_temperature, "T")):
    bad(f, dict(TSIM, **{par: 1.0}), "snapshots", (2, "2", None, [1.5], [NAN], [[1, 2]], [True]))
# the checks must reproduce: seed=None is refused along with invalid seeds
kinds(na.verification_checks, dict(chains=100, seed=1, progress=False), seed=(None,))
kinds(na.one_generation_truncation_check, dict(c=1.0, N=10, seed=1),
      c=BAD_POSITIVE, N=BAD_COUNT + (1, -5, 1.5), seed=BAD_SEED + (None,), formula=(1.0, "r"))
kinds(na.expressivity_checks, dict(N=10, seed=1, chains=2),
      N=BAD_COUNT + (1, -5, 1.5), seed=BAD_SEED + (None,), chains=BAD_COUNT + (1,),
      mixture=BAD_MIX_ARG + (((0.5, 0.6), (-2.0, 2.0), (1.0, 1.0)), ((0.5, 0.5), (NAN, 2.0), (1.0, 1.0)),
                             ((0.5, 0.5), (-2.0, 2.0), (0.0, 1.0)), (sp.symbols("w1 w2"), (-2.0, 2.0), (1.0, 1.0))),
      formulas=(1, ["mu"], {"mean": lambda: 0.0}, {"mu": 0.0}))

# ============================================================================= numerics.discrete (others edit it)
DSIM = dict(p=[0.5, 0.5], M=4, generations=2, chains=10, seed=1)
for f in (nd.simulate, nd.simulate_naive):
    kinds(f, DSIM, p=BAD_PROBABILITIES[:8], M=(0, NAN, 1.5), generations=(-1, NAN, 1.5), chains=(0, NAN, 1.5),
          seed=(-1, 1.5))
kinds(nd.simulate, DSIM, stop_when_absorbed=(1, "yes", None))
kinds(nd.verification_checks, dict(chains=10, seed=1, progress=False), chains=(1, 0, NAN, 2.5, nd.MAX_CHAINS + 1),
      seed=(-1, 1.5, NAN, True, "7"))

# ============================================================================= numerics.checks
# The compared values (theory, estimate, exact) are what a check judges: a NaN or inf there is reported as a
# DISAGREE row (test_non_finite_judged_values_disagree below), but a value that is not a number at all is refused.
SAMPLE = np.array([0.1, -0.3, 0.5, 0.2, -0.1, 0.4])
P0 = dict(process="p", quantity="q", params={})
BAD_SAMPLE = (np.array([]), np.array([1.0]), [[0.1, 0.2], [0.3, 0.4]], ["a", "b"], None, [True, False])
kinds(ck.z_check, dict(P0, theory=0.0, estimate=0.1, stderr=0.1), theory=("a", None, True), estimate=("a", None),
      stderr=(-0.1, -INF, "a", None), z_max=(0.0, -1.0, NAN, INF, None), n_samples=(0, -1, 1.5, NAN, True, "100"))
kinds(ck.exact_check, dict(P0, exact=1.0, value=1.0), exact=("a", None), value=("a", None),
      rtol=(-1e-9, NAN, INF, None))
kinds(ck.mean_check, dict(P0, theory=0.0, sample=SAMPLE), sample=BAD_SAMPLE, theory=("a", None),
      kurtosis=(-1.0, 0.5, "a"), z_max=(0.0, NAN))
kinds(ck.mean_check_from_summary, dict(P0, theory=0.0, estimate=0.1, stderr=0.1, n_samples=100, kurtosis=3.0),
      n_samples=(0, -5, 1.5, NAN, True, None), stderr=(-1.0,), kurtosis=(-1.0, 0.0, None, "3"), theory=(None,),
      z_max=(-4.5,))
kinds(ck.variance_check, dict(P0, theory=1.0, sample=SAMPLE), sample=BAD_SAMPLE, theory=("a",),
      kurtosis_of_square=(-1.0, 0.9, "a"), z_max=(0.0,))
kinds(ck.interval_check, dict(P0, lower=0.0, upper=1.0, sample=SAMPLE), lower=(NAN, "a", 2.0), upper=(NAN, "b", -1.0),
      sample=BAD_SAMPLE, z_max=(0.0,))
kinds(ck.proportion_check, dict(P0, theory=0.5, successes=5, trials=10), theory=("a", None),
      successes=(-1, 11, 2.5, NAN, True, None), trials=(0, -1, 2.5, NAN, True, None), z_max=(NAN,))
kinds(ck.quantile_check, dict(P0, theory_quantile=0.0, sample=SAMPLE, q=0.5, cdf=None),
      q=(NAN, -0.1, 1.5, 0.0, 1.0, "a", None), theory_quantile=("a", None), sample=(np.array([]), [[0.1, 0.2]], ["a"]))
kinds(ck.is_powered, dict(n_samples=100, kurtosis=3.0), n_samples=(0, -1, 1.5, NAN, True), kurtosis=(-1.0, "a"))
kinds(ck.sample_kurtosis, dict(x=SAMPLE), x=(np.array([]), [[0.1, 0.2], [0.3, 0.4]], ["a"], None))
kinds(ck.kurtosis_from_raw_moments, dict(raw=[0, 1, 0, 3]), raw=([0, 1, 0], [NAN, 1, 0, 3], [0, INF, 0, 3],
                                                               ["x", 1, 0, 3], None, 5, "0103"))
kinds(ck.kurtosis_of_square_from_raw_moments, dict(raw=[0, 1, 0, 3, 0, 15, 0, 105]),
      raw=([0, 1, 0, 3], [NAN] * 8, None))
kinds(ck.check_snapshot, dict(n=2, snapshots={2: None}), n=(1, 3, -1, 1.5, NAN, True))

# ============================================================================= checks of a run at a generation
_RUNS = {}


def _run(kind):
    """Tiny runs (10 chains, 2 generations, snapshot at 2), made once on first use."""
    if kind not in _RUNS:
        _RUNS[kind] = {
            "gaussian": lambda: ng.simulate(5, 2, 10, seed=1, snapshots=(2,)),
            "mix": lambda: nm.simulate_mixing(0.2, 5, 2, 10, seed=1, snapshots=(2,)),
            "accumulate": lambda: nm.simulate_accumulate(5, 2, 10, seed=1, snapshots=(2,)),
            "discrete": lambda: nm.simulate_discrete_mixing(0.25, 4, [0.5, 0.5], 2, 10, seed=1, snapshots=(2,)),
            "multivariate": lambda: nmv.simulate(2, 4, 2, 10, seed=1, snapshots=(2,)),
            "truncation": lambda: na.simulate_truncation(1.0, 5, 2, 10, seed=1, snapshots=(2,)),
            "temperature": lambda: na.simulate_temperature(0.9, 5, 2, 10, seed=1, snapshots=(2,)),
            "tails_memorization": lambda: nt.simulate_memorization([0.5, 0.3, 0.2], 3, 10, seed=1),
            "tails_generations": lambda: nt.simulate_generations([0.5, 0.3, 0.2], 5, 2, 10, seed=1,
                                                                 edges=[-1.0, -0.5, 0.0]),
            "tails_poisson": lambda: nt.simulate_poisson_refit(3, 5, 2, 10, seed=1),
        }[kind]()
    return _RUNS[kind]


#: The snapshot generation of each tiny tails run.
_TAILS_SNAPSHOT = {"tails_memorization": 0, "tails_generations": 2, "tails_poisson": 2}


class _Lazy:
    """A run argument resolved when the row is executed (keeps collection fast)."""

    def __init__(self, kind):
        self.kind = kind

    def __repr__(self):
        return f"<{self.kind} run>"


def _call_with_runs(fn):
    def call(**kwargs):
        return fn(**{k: _run(v.kind) if isinstance(v, _Lazy) else v for k, v in kwargs.items()})
    call.__module__, call.__name__ = fn.__module__, fn.__name__
    return call


for fn, kind, wrong in ((ng.checks_for_run, "gaussian", "mix"), (nm.checks_for_run, "mix", "gaussian"),
                        (nm.checks_for_run, "accumulate", "gaussian"), (nm.checks_for_run, "discrete", "gaussian"),
                        (nmv.checks_for_run, "multivariate", "gaussian")):
    kinds(_call_with_runs(fn), dict(run=_Lazy(kind), n=2), n=(1, 3, -1, 1.5, NAN, True),
          run=(None, _Lazy(wrong), "run"))
_RUN_MAKERS_DISCRETE = {  # numerics.discrete: a two-type run from count 1 of 4, and a K = 3 run from (2, 1, 1)
    "wf2": lambda: nd.simulate([0.25, 0.75], 4, 3, 10, seed=1),
    "wf3": lambda: nd.simulate([0.5, 0.25, 0.25], 4, 3, 10, seed=1),
}
_orig_run = _run


def _run(kind):  # noqa: F811  (extends the table of tiny runs above)
    if kind in _RUN_MAKERS_DISCRETE and kind not in _RUNS:
        _RUNS[kind] = _RUN_MAKERS_DISCRETE[kind]()
    return _orig_run(kind)


BAD_NS = ([-1], [1.5], [NAN], [True], [4], 3, [], None)
kinds(_call_with_runs(nd.check_heterozygosity), dict(sim=_Lazy("wf3"), ns=[1]), ns=BAD_NS, sim=(None, "sim"))
kinds(_call_with_runs(nd.check_loss), dict(sim=_Lazy("wf3")), sim=(None, _Lazy("gaussian")))
kinds(_call_with_runs(nd.check_fixation), dict(sim=_Lazy("wf3")), sim=(None, 3))
kinds(_call_with_runs(nd.check_survival), dict(sim=_Lazy("wf3"), k=1, count=1, ns=[1]), k=(-1, 3, 1.5, NAN, True),
      count=(-1, 5, 1.5, NAN, 2), ns=BAD_NS, sim=(None,))
kinds(_call_with_runs(nd.check_absorption_distribution), dict(sim=_Lazy("wf2"), i=1, ns=[1, 2]),
      i=(-1, 5, 1.5, NAN, 2), ns=BAD_NS, pmf=([0.5], [NAN, 0.1, 0.1], [[0.1, 0.2, 0.3]], [-0.1, 0.5, 0.5]))
bad(_call_with_runs(nd.check_absorption_distribution), dict(sim=_Lazy("wf3"), i=1, ns=[1]), "sim", (_Lazy("wf3"),))
kinds(_call_with_runs(nd.check_absorption_time), dict(sim=_Lazy("wf2"), i=1), i=(-1, 5, 1.5, NAN, 2),
      sim=(None, _Lazy("wf3")))
kinds(_call_with_runs(nd.check_surviving_categories), dict(sim=_Lazy("wf3"), counts=[2, 1, 1], ns=[1]),
      counts=([2, 2], [2, 1, 1, 0], [3, 1, 0], None, "abc"), ns=BAD_NS)
kinds(_call_with_runs(nd.check_time_to_collapse), dict(sim=_Lazy("wf3"), counts=[2, 1, 1]),
      counts=([2, 2], [3, 1, 0], [2, 1, 1, 0], None), sim=(None,))

for kind in ("truncation", "temperature"):  # numerics.approximation
    kinds(_call_with_runs(na.checks_for_run), dict(run=_Lazy(kind), n=2), n=(1, 3, -1, 1.5, NAN, True, None),
          run=(None, _Lazy("gaussian"), "run"), formulas=(1, {"E[sigma]": len}, {"E[sigma_n^2]": 1.0}))
    bad(_call_with_runs(na.ApproximationRun.variance), dict(self=_Lazy(kind), n=2), "n", (1, 3, -1, NAN))


# ============================================================================= theory.tails, numerics.tails
# One representative of each kind of bad value per parameter (the kinds themselves are audited above).
LAW = ([0.5, 0.6], [NAN, 1.0], [-0.5, 1.5], [], [[0.5, 0.5]])   # one type is a valid vocabulary here
CNT, GEN, POS = (0, 2.5, NAN, "3"), (-1, 1.5, NAN), (0.0, NAN, "1")
Z = [0.5, 0.3, 0.2]
kinds(tt.zipf, dict(V=10, beta=1.2), V=CNT, beta=POS)
bad(tt.zipf, dict(V=3000, beta=1.0, exact=True), "V", (3000,))  # exact evaluation is limited in size
kinds(tt.memorization_error, dict(p=Z, T=3), p=LAW, T=GEN, q=([0.5, 0.5], [0.2, 0.3, 0.6]))
kinds(tt.tail_cut, dict(p=Z, k=2), k=(0, 4, 1.5))
kinds(tt.tail_mixture, dict(p=Z, k=2, pi=0.3), k=(0, 4), pi=(-0.1, 1.5, NAN))
for f, base in ((tt.learning_curve_exponent, dict(beta=1.5)), (tt.learning_curve_constant, dict(beta=1.5)),
                (tt.learning_curve_asymptotic, dict(T=100, beta=1.5)), (tt.plateau, dict(k=3, beta=1.5)),
                (tt.plateau_asymptotic, dict(k=3, beta=1.5)), (tt.grokking_time, dict(k=3, beta=1.5, pi=0.2))):
    kinds(f, base, beta=(1.0, NAN))  # an infinite Zipf law needs beta > 1
kinds(tt.learning_curve_exponent, dict(beta=1.5, beta_ai=2.0), beta_ai=(1.0, NAN))
kinds(tt.grokking_time, dict(k=3, beta=1.5, pi=0.2), pi=(0.0, 1.5), k=(0, 1.5))
kinds(tt.zipf_learning_curve, dict(T=100, V=50, beta=1.5), T=(0, 1.5), V=(0, NAN), beta=(0.0,), k=(0, 51),
      pi=(1.5,))
kinds(tt.generations_error, dict(p=Z, T0=5, n=2), p=LAW, T0=CNT + (30_000,), n=GEN, T=GEN, method=("dual",))
bad(tt.generations_error, dict(p=Z, T0=100, n=2, exact=True), "T0", (100,))  # exact: a small chain only
kinds(tt.expected_vocabulary, dict(p=Z, T0=5, n=2), p=LAW[:2], T0=CNT, n=GEN)
kinds(tt.ancestor_distribution, dict(T0=5, n=2), T0=CNT, n=(0, 1.5), T=GEN)
kinds(tt.absence_probability, dict(x=0.2, T0=5, n=2), x=(-0.1, 1.5, NAN), T0=CNT, n=(0, 1.5))
kinds(tt.lineage_survival, dict(k=3), k=GEN)
kinds(tt.forgetting_probability, dict(c=3, k=2), c=(-1, NAN, "3"), k=GEN)
kinds(tt.median_forgetting_time, dict(c=3), c=(-1, NAN, 1e13))
kinds(tt.median_forgetting_time_asymptotic, dict(c=3), c=(0, NAN))
kinds(tt.truncated_mean_forgetting_time, dict(c=3, K=10), c=(-1,), K=(-1, 1.5, 10 ** 9))
for f in (tt.forgetting_bounds, tt.paper_survival_bound):
    kinds(f, dict(c=3, k=2), c=(-1, NAN), k=(0, 1.5))
kinds(tt.gaussian_paper_bound, dict(x=0.25, n=3, M=10), x=(0.0, NAN), n=GEN, M=(1, 2.5), sigma2=POS)
kinds(tt.gaussian_tail_rate, dict(M=10), M=(1, 2.5), estimator=BAD_ESTIMATOR[:2])
kinds(tt.expected_log_likelihood, dict(p=Z, M=5, n=1, delta=0.5), p=LAW[:2], M=CNT, n=GEN, delta=POS)
kinds(tt.log_probability_histogram, dict(p=Z, edges=[-1.0, -0.5, 0.0], M=5, n=1),
      edges=([0.0, -1.0], [0.0], [NAN, 0.0]), M=(0, 1.5), n=(-1, 1.5))
kinds(tt.generated_cross_entropy, dict(p=Z, M=5, n=1), p=LAW[:2], M=CNT, n=GEN)
kinds(nt.english_unigram, dict(V=10), V=CNT + (10 ** 7,))
kinds(nt.simulate_memorization, dict(p=Z, T=5, chains=10, seed=1), p=LAW[:2], T=GEN, chains=CNT,
      q=([0.5, 0.5],), seed=BAD_SEED[:2])
kinds(nt.simulate_generations, dict(p=Z, T0=5, generations=2, chains=10, seed=1), p=LAW[:2], T0=CNT,
      generations=CNT, chains=CNT, record=([3], [0], "1"), tests=([-1], 3), sampled=([-1],), delta=(0.0, NAN),
      edges=([0.0, -1.0], [NAN, 0.0]), seed=BAD_SEED[:2])
kinds(nt.simulate_poisson_refit, dict(c=3, n=5, generations=2, chains=10, seed=1), c=(-1, NAN), n=CNT,
      generations=CNT, chains=CNT, record=([3], [0]), seed=BAD_SEED[:2])
kinds(nt.log_likelihood, dict(p=Z, M=5, n=1, delta=0.5), method=("guess",), delta=(0.0,), M=(0,))
kinds(nt.verification_checks, dict(chains=100, seed=1, progress=False),
      chains=(nt.MIN_CHAINS - 1, 2.5, nt.MAX_CHAINS + 1), seed=(-1, 1.5), progress=("yes",))
for kind in ("tails_memorization", "tails_generations", "tails_poisson"):
    kinds(_call_with_runs(nt.checks_for_run), dict(run=_Lazy(kind), n=_TAILS_SNAPSHOT[kind]),
          n=(-1, 1.5, 7), run=(None, _Lazy("gaussian")), formulas=(1, {"no such quantity": len}))
kinds(_call_with_runs(nt.generated_histogram), dict(run=_Lazy("tails_generations"), n=2),
      run=(_Lazy("tails_memorization"),), n=(1, 3))

# ============================================================================= theory.validation itself
bad(V.check_int, dict(value=3, name="count"), "value", (NAN, INF, 2.5, True, "3", None, [3]), match="count")
ROWS.append(pytest.param(V.check_int, dict(value=1, name="count", minimum=2), "count", id="check_int:below minimum"))
ROWS.append(pytest.param(V.check_int, dict(value=5, name="count", maximum=4), "count", id="check_int:above maximum"))




@pytest.mark.parametrize("fn, kwargs, param", ROWS)
def test_bad_input_raises_value_error_naming_the_parameter(fn, kwargs, param):
    with pytest.raises(ValueError, match=rf"(?<!\w)(?:{param})(?!\w)") as info:
        fn(**kwargs)
    assert info.type is ValueError or issubclass(info.type, ValueError)


JUDGED = [
    pytest.param(ck.z_check, dict(P0, theory=NAN, estimate=0.1, stderr=0.1), "theory", id="z_check:theory=nan"),
    pytest.param(ck.z_check, dict(P0, theory=INF, estimate=0.1, stderr=0.1), "theory", id="z_check:theory=inf"),
    pytest.param(ck.z_check, dict(P0, theory=NAN, estimate=0.1, stderr=0.1, powered=False), "theory",
                 id="z_check:theory=nan,underpowered"),
    pytest.param(ck.z_check, dict(P0, theory=0.0, estimate=NAN, stderr=0.1), "estimate", id="z_check:estimate=nan"),
    pytest.param(ck.exact_check, dict(P0, exact=NAN, value=1.0), "exact", id="exact_check:exact=nan"),
    pytest.param(ck.exact_check, dict(P0, exact=1.0, value=INF), "", id="exact_check:value=inf"),
    pytest.param(ck.mean_check, dict(P0, theory=NAN, sample=SAMPLE), "theory", id="mean_check:theory=nan"),
    pytest.param(ck.mean_check, dict(P0, theory=0.0, sample=[0.1, NAN, 0.3]), "estimate",
                 id="mean_check:sample holds nan"),
    pytest.param(ck.mean_check_from_summary,
                 dict(P0, theory=INF, estimate=0.1, stderr=0.1, n_samples=10 ** 6, kurtosis=3.0), "theory",
                 id="mean_check_from_summary:theory=inf"),
    pytest.param(ck.variance_check, dict(P0, theory=NAN, sample=SAMPLE), "theory", id="variance_check:theory=nan"),
    pytest.param(ck.proportion_check, dict(P0, theory=NAN, successes=5, trials=10), "theory",
                 id="proportion_check:theory=nan"),
    pytest.param(ck.proportion_check, dict(P0, theory=1.5, successes=5, trials=10), "probability",
                 id="proportion_check:theory=1.5"),
    pytest.param(ck.proportion_check, dict(P0, theory=-0.1, successes=0, trials=10), "probability",
                 id="proportion_check:theory=-0.1"),
    pytest.param(ck.quantile_check, dict(P0, theory_quantile=NAN, sample=SAMPLE, q=0.5, cdf=None), "theory quantile",
                 id="quantile_check:theory_quantile=nan"),
    pytest.param(ck.quantile_check, dict(P0, theory_quantile=0.0, sample=[NAN] * 100, q=0.5, cdf=None), "NaN",
                 id="quantile_check:sample holds nan"),
]


@pytest.mark.parametrize("fn, kwargs, noted", JUDGED)
def test_non_finite_judged_values_disagree(fn, kwargs, noted):
    """A NaN/inf theory or estimate is what a verification row exists to catch: it disagrees, with a note,
    whether or not the row is powered -- it is neither refused (that would abort ``collapse verify``) nor
    passed as agreement or "underpowered"."""
    row = fn(**kwargs)
    assert row.status == ck.DISAGREE
    assert not row.ok
    assert noted in row.note


def test_judged_values_still_agree_when_right():
    assert ck.z_check("p", "q", {}, 1.0, 1.0, 0.0).status == ck.AGREE
    assert ck.exact_check("p", "q", {}, 0.0, 0.0, rtol=0).status == ck.AGREE
    assert ck.proportion_check("p", "q", {}, 0.0, 0, 10).status == ck.UNDERPOWERED
    assert ck.mean_check_from_summary("p", "q", {}, 0.0, 0.1, 0.1, 10, kurtosis=math.nan).status == ck.UNDERPOWERED
    assert ck.mean_check_from_summary("p", "q", {}, 0.0, 0.1, 0.1, 10, kurtosis=math.inf).status == ck.UNDERPOWERED
    assert ck.is_powered(10, None) is False


def test_the_audit_is_large_and_covers_every_module():
    assert len(ROWS) >= 150
    modules = {r.values[0].__module__ for r in ROWS}
    for m in ("theory.gaussian", "theory.discrete", "theory.mitigation", "theory.multivariate",
              "theory.truncation", "theory.mixture", "theory.expressivity", "numerics.gaussian", "numerics.mitigation",
              "numerics.multivariate",
              "numerics.gmm", "numerics.checks", "numerics._rng", "numerics.approximation", "numerics.discrete",
              "theory.tails", "numerics.tails"):
        assert any(mod == m or mod.startswith(m + ".") for mod in modules), m  # a module or its package
